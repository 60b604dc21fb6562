//! The translation layer: every text a user sees is a message of a catalogue with a Vietnamese (default)
//! and an English text. Adding a message without both texts does not compile. `Msg` is the main module's
//! catalogue; the chunks fetched on first use have their own (`PageMsg`, `ShareMsg`, `SyncMsg`, and
//! `ChunkMsg` for the texts several chunks show and the main module does not), read directly by their
//! code, so their texts are not part of the first load. Codes of the domain (fields,
//! statuses…) get their names here too, so the core stays free of display text.

mod chunks;
pub mod dates;
pub mod errors;
pub mod filters;
pub mod parts;
mod messages;
mod pages;
pub mod report;
mod share;
pub mod sync;
pub mod validation;

pub use chunks::ChunkMsg;
pub use messages::{Catalogue, Msg};
pub use pages::PageMsg;
pub use share::ShareMsg;
pub use sync::SyncMsg;

use crate::domain::model::{Consensus, Field, LeadOrganization, Rating, RecognitionLevel, Status, TargetMetric};

/// The language of the interface. Vietnamese is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Vi, Lang::En];
    /// BCP 47 tag, for `<html lang>` and storage.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
    pub fn from_code(s: &str) -> Option<Lang> {
        match s {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
    /// The language's own name ("Tiếng Việt", "English").
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Vi => "Tiếng Việt",
            Lang::En => "English",
        }
    }
    /// The separator of thousands: '.' in Vietnamese ("2.226"), ',' in English ("2,226").
    pub fn thousands(self) -> char {
        match self {
            Lang::Vi => '.',
            Lang::En => ',',
        }
    }
    /// The decimal mark: ',' in Vietnamese ("60,1"), '.' in English ("60.1").
    pub fn decimal_mark(self) -> char {
        match self {
            Lang::Vi => ',',
            Lang::En => '.',
        }
    }
}

/// The text of `msg` in `lang`.
pub fn t<M: Catalogue>(lang: Lang, msg: M) -> &'static str {
    msg.text(lang)
}

/// The text of `msg` with `{0}`, `{1}`… replaced by `args`.
pub fn tf<M: Catalogue>(lang: Lang, msg: M, args: &[&dyn std::fmt::Display]) -> String {
    fill(msg.text(lang), args)
}

/// A text of the main catalogue, of the chunks' shared one or of a chunk's own `M`, where one place shows
/// texts of several: a table's columns (the model's fields beside the export's own), a page's error that
/// is its own or a shared one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrMsg<M> {
    Main(Msg),
    Chunks(ChunkMsg),
    Own(M),
}

impl<M: Catalogue> OrMsg<M> {
    pub fn text(self, lang: Lang) -> &'static str {
        match self {
            OrMsg::Main(m) => m.text(lang),
            OrMsg::Chunks(m) => m.text(lang),
            OrMsg::Own(m) => Catalogue::text(m, lang),
        }
    }
}

impl<M: Catalogue> Catalogue for OrMsg<M> {
    fn text(self, lang: Lang) -> &'static str {
        OrMsg::text(self, lang)
    }
}

impl<M> From<Msg> for OrMsg<M> {
    fn from(m: Msg) -> Self {
        OrMsg::Main(m)
    }
}

impl<M> From<ChunkMsg> for OrMsg<M> {
    fn from(m: ChunkMsg) -> Self {
        OrMsg::Chunks(m)
    }
}

impl From<PageMsg> for OrMsg<PageMsg> {
    fn from(m: PageMsg) -> Self {
        OrMsg::Own(m)
    }
}

impl From<ShareMsg> for OrMsg<ShareMsg> {
    fn from(m: ShareMsg) -> Self {
        OrMsg::Own(m)
    }
}

/// `text` with its `{0}`, `{1}`… replaced by `args`.
pub fn fill(text: &str, args: &[&dyn std::fmt::Display]) -> String {
    let mut s = text.to_string();
    for (i, a) in args.iter().enumerate() {
        s = s.replace(&format!("{{{i}}}"), &a.to_string());
    }
    s
}

/// A number with thousands separators as each language writes them ("2.226" / "2,226").
pub fn number(lang: Lang, n: u64) -> String {
    crate::format::grouped(n, lang.thousands())
}

/// A share 0–1 as a whole percentage ("80%"); the same in both languages.
pub use crate::format::percent;

/// A plan target's value (its target, the value reached, the gap) as written: "30" models, or "80%"
/// (the rule is `domain::progress::target_value`).
pub fn target_value(lang: Lang, metric: TargetMetric, v: f64) -> String {
    match crate::domain::progress::target_value(metric, v) {
        crate::domain::progress::TargetValue::Count(n) => number(lang, n),
        crate::domain::progress::TargetValue::Share(s) => percent(s),
    }
}

/// An amount of storage as the settings page shows it: whole MB from 100 MB ("512 MB"), MB with one
/// decimal in the language's mark from 1 MB ("60,1 MB" / "60.1 MB", "5 MB" for a round one), KB below.
/// `n` counts what the store counts (UTF-16 code units for localStorage).
pub fn storage_size(lang: Lang, n: usize) -> String {
    let mb = n as f64 / 1_048_576.0;
    if mb >= 100.0 {
        format!("{} MB", number(lang, mb.round() as u64))
    } else if mb >= 1.0 {
        let tenths = (mb * 10.0).round() as u64;
        let mark = lang.decimal_mark();
        match tenths % 10 {
            0 => format!("{} MB", number(lang, tenths / 10)),
            t => format!("{}{mark}{t} MB", number(lang, tenths / 10)),
        }
    } else {
        format!("{} KB", number(lang, (n as f64 / 1024.0).round() as u64))
    }
}

/// How far a target is from being met: a count of models, or percentage points of a share
/// ("8 điểm %": from 72% to 80%).
pub fn target_gap(lang: Lang, metric: TargetMetric, gap: f64) -> String {
    match crate::domain::progress::target_value(metric, gap) {
        crate::domain::progress::TargetValue::Count(n) => number(lang, n),
        crate::domain::progress::TargetValue::Share(s) => tf(lang, PageMsg::PercentPoints, &[&((s * 100.0).round() as i64)]),
    }
}

/// Display names of the domain's codes, in the catalogue of the code that shows them (`Msg` for the
/// main module's, `ChunkMsg` for those only the chunks show).
pub trait Named {
    type Texts: Catalogue;
    fn msg(self) -> Self::Texts;
    fn name(self, lang: Lang) -> &'static str
    where
        Self: Sized,
    {
        Catalogue::text(self.msg(), lang)
    }
}

impl Named for Field {
    type Texts = Msg;
    fn msg(self) -> Msg {
        match self {
            Field::Economic => Msg::FieldEconomic,
            Field::CulturalSocial => Msg::FieldCulturalSocial,
            Field::DefenseSecurity => Msg::FieldDefenseSecurity,
            Field::PoliticalSystem => Msg::FieldPoliticalSystem,
        }
    }
}

impl Named for Status {
    type Texts = Msg;
    fn msg(self) -> Msg {
        match self {
            Status::Planned => Msg::StatusPlanned,
            Status::Active => Msg::StatusActive,
            Status::Completed => Msg::StatusCompleted,
            Status::Stopped => Msg::StatusStopped,
        }
    }
}

impl Named for LeadOrganization {
    type Texts = Msg;
    fn msg(self) -> Msg {
        match self {
            LeadOrganization::FatherlandFront => Msg::OrgFatherlandFront,
            LeadOrganization::FarmersAssociation => Msg::OrgFarmers,
            LeadOrganization::WomensUnion => Msg::OrgWomen,
            LeadOrganization::YouthUnion => Msg::OrgYouth,
            LeadOrganization::VeteransAssociation => Msg::OrgVeterans,
            LeadOrganization::CommunePolice => Msg::OrgPolice,
            LeadOrganization::MilitaryCommand => Msg::OrgMilitary,
            LeadOrganization::LocalGovernment => Msg::OrgGovernment,
            LeadOrganization::PartyCell => Msg::OrgPartyCell,
            LeadOrganization::Other => Msg::OrgOther,
        }
    }
}

impl Named for Rating {
    type Texts = Msg;
    fn msg(self) -> Msg {
        match self {
            Rating::VeryEffective => Msg::RatingVeryEffective,
            Rating::Effective => Msg::RatingEffective,
            Rating::Limited => Msg::RatingLimited,
            Rating::NotEffective => Msg::RatingNotEffective,
        }
    }
}

impl Named for Consensus {
    type Texts = ChunkMsg;
    fn msg(self) -> ChunkMsg {
        match self {
            Consensus::High => ChunkMsg::ConsensusHigh,
            Consensus::Medium => ChunkMsg::ConsensusMedium,
            Consensus::Low => ChunkMsg::ConsensusLow,
        }
    }
}

impl Named for RecognitionLevel {
    type Texts = ChunkMsg;
    fn msg(self) -> ChunkMsg {
        match self {
            RecognitionLevel::Commune => ChunkMsg::LevelCommune,
            RecognitionLevel::District => ChunkMsg::LevelDistrict,
            RecognitionLevel::Province => ChunkMsg::LevelProvince,
            RecognitionLevel::National => ChunkMsg::LevelNational,
        }
    }
}

impl Named for TargetMetric {
    type Texts = ChunkMsg;
    fn msg(self) -> ChunkMsg {
        match self {
            TargetMetric::NewModels => ChunkMsg::MetricNewModels,
            TargetMetric::EvaluatedShare => ChunkMsg::MetricEvaluatedShare,
            TargetMetric::EffectiveShare => ChunkMsg::MetricEffectiveShare,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The guarantees every catalogue keeps: a text in every language, the same placeholders `{0}`… in
    /// each, and the texts translated: every one if `all_translated`, else more than 9 in 10 (names and
    /// marks like "{0} · {1}" are the same in both; a text copied from another language as a placeholder
    /// is caught here).
    pub(crate) fn check_catalogue<M: Catalogue + std::fmt::Debug>(all: &[M], all_translated: bool) {
        assert!(!all.is_empty());
        for &m in all {
            for lang in Lang::ALL {
                assert!(!m.text(lang).trim().is_empty(), "{m:?} lacks a {} text", lang.code());
                for i in 0..10 {
                    let p = format!("{{{i}}}");
                    assert_eq!(m.text(lang).contains(&p), m.text(Lang::Vi).contains(&p), "{m:?} placeholder {p} in {}", lang.code());
                }
            }
        }
        for lang in Lang::ALL {
            for other in Lang::ALL.into_iter().filter(|&o| o != lang) {
                let same: Vec<&M> = all.iter().filter(|m| m.text(lang) == m.text(other)).collect();
                if all_translated {
                    assert!(same.is_empty(), "the same in {} and {}: {same:?}", lang.code(), other.code());
                } else {
                    assert!((all.len() - same.len()) * 10 > all.len() * 9, "most {} texts must differ from the {} ones: {same:?}", lang.code(), other.code());
                }
            }
        }
    }

    #[test]
    fn every_message_has_a_text_in_every_language_and_is_translated() {
        check_catalogue(Msg::ALL, false);
        check_catalogue(PageMsg::ALL, false);
        check_catalogue(ShareMsg::ALL, false);
    }

    #[test]
    fn language_codes_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
    }

    #[test]
    fn storage_sizes_use_the_languages_marks() {
        assert_eq!(storage_size(Lang::Vi, 63_019_213), "60,1 MB");
        assert_eq!(storage_size(Lang::En, 63_019_213), "60.1 MB");
        assert_eq!(storage_size(Lang::Vi, 5 * 1_048_576), "5 MB", "a round size has no decimal");
        assert_eq!(storage_size(Lang::Vi, 1_234 * 1_048_576), "1.234 MB");
        assert_eq!(storage_size(Lang::En, 1_234 * 1_048_576), "1,234 MB");
        assert_eq!(storage_size(Lang::Vi, 5_120), "5 KB");
    }

    #[test]
    fn numbers_and_formatting() {
        assert_eq!(number(Lang::Vi, 2226), "2.226");
        assert_eq!(number(Lang::En, 1_807_000), "1,807,000");
        assert_eq!(number(Lang::En, 37), "37");
        assert_eq!(tf(Lang::En, Msg::CountModels, &[&12]), "12 models");
        assert_eq!(Field::Economic.name(Lang::Vi), "Kinh tế");
        assert_eq!(Lang::from_code(Lang::En.code()), Some(Lang::En));
        assert_eq!(target_value(Lang::Vi, TargetMetric::NewModels, 1807.0), "1.807");
        assert_eq!(target_value(Lang::En, TargetMetric::EffectiveShare, 0.8), "80%");
    }
}

/// The toast after an import, naming only what happened ("Đã nhập 2.226 mô hình mới.").
pub fn import_summary(lang: Lang, report: &crate::domain::merge::MergeReport, conflicts: usize) -> String {
    let m = &report.models;
    let plans = report.plans.new + report.plans.updated + report.plans.deleted;
    let parts: Vec<String> = [
        (m.new, ShareMsg::ImportPartNew),
        (m.updated, ShareMsg::ImportPartUpdated),
        (m.deleted, ShareMsg::ImportPartDeleted),
        (plans, ShareMsg::ImportPartPlans),
        (conflicts, ShareMsg::ImportPartConflicts),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, msg)| tf(lang, msg, &[&number(lang, n as u64)]))
    .collect();
    if parts.is_empty() {
        ShareMsg::ImportNothing.text(lang).to_string()
    } else {
        tf(lang, ShareMsg::ImportSummary, &[&parts.join(", ")])
    }
}
