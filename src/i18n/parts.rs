//! The parts of a model in words, for the conflicts view: each part's label and its value in one version
//! ("Tình trạng: Đã dừng"), and who made a version ("Hồ Thị Lan", or "máy 3f2a9c1e (chưa đặt tên)").

use super::{dates, number, tf, ChunkMsg, Lang, Msg, Named, OrMsg, ShareMsg};
use crate::domain::diff::{author_name, device_of, ModelPart};
use crate::domain::model::Model;

/// The label of a part.
pub fn label(part: ModelPart) -> OrMsg<ShareMsg> {
    match part {
        ModelPart::Title => ChunkMsg::Title.into(),
        ModelPart::Field => Msg::Field.into(),
        ModelPart::Locality => Msg::Locality.into(),
        ModelPart::Lead => ChunkMsg::Lead.into(),
        ModelPart::LeadOrganization => Msg::LeadOrganization.into(),
        ModelPart::EthnicArea => Msg::EthnicArea.into(),
        ModelPart::Status => Msg::Status.into(),
        ModelPart::StartedOn => Msg::StartedOn.into(),
        ModelPart::Participants => ChunkMsg::Participants.into(),
        ModelPart::Households => ChunkMsg::Households.into(),
        ModelPart::Contributions => ChunkMsg::Contributions.into(),
        ModelPart::Description => ChunkMsg::Description.into(),
        ModelPart::Tags => ShareMsg::TagsShort.into(),
        ModelPart::Recognition => ChunkMsg::Recognition.into(),
        ModelPart::Evaluations => ShareMsg::Evaluations.into(),
        ModelPart::Milestones => ChunkMsg::Milestones.into(),
        ModelPart::Deleted => ShareMsg::RegistryState.into(),
        ModelPart::Other => ShareMsg::OtherFields.into(),
    }
}

/// What `m` holds in `part`, in `lang`.
pub fn value(lang: Lang, part: ModelPart, m: &Model) -> String {
    let dash = || "—".to_string();
    let num = |n: Option<u64>| n.map(|n| number(lang, n)).unwrap_or_else(dash);
    match part {
        ModelPart::Title => m.title.clone(),
        ModelPart::Field => m.field.name(lang).to_string(),
        ModelPart::Locality => match m.locality.village.as_deref().filter(|v| !v.is_empty()) {
            Some(v) => format!("{v}, {}", m.locality.name),
            None => m.locality.name.clone(),
        },
        ModelPart::Lead => if m.lead.is_empty() { dash() } else { m.lead.clone() },
        ModelPart::LeadOrganization => m.lead_organization.map(|o| o.name(lang).to_string()).unwrap_or_else(dash),
        ModelPart::EthnicArea => (if m.ethnic_minority_area { ChunkMsg::Yes } else { ChunkMsg::No }).text(lang).to_string(),
        ModelPart::Status => m.status.map(|s| s.name(lang).to_string()).unwrap_or_else(dash),
        ModelPart::StartedOn => m.started_on.map(|d| dates::date(lang, d)).unwrap_or_else(dash),
        ModelPart::Participants => num(m.participants.map(u64::from)),
        ModelPart::Households => num(m.beneficiary_households.map(u64::from)),
        ModelPart::Contributions => {
            let c = &m.contributions;
            format!(
                "{}: {} · {}: {} · {}: {}",
                ChunkMsg::MoneyVnd.text(lang),
                num(c.money_vnd),
                ChunkMsg::WorkDays.text(lang),
                num(c.work_days),
                ChunkMsg::LandM2.text(lang),
                num(c.land_m2)
            )
        }
        ModelPart::Description => if m.description.is_empty() { dash() } else { m.description.chars().take(280).collect() },
        ModelPart::Tags => if m.tags.is_empty() { dash() } else { m.tags.join(", ") },
        ModelPart::Recognition => m
            .recognition
            .as_ref()
            .map(|r| match r.year {
                Some(y) => format!("{} ({y})", r.level.name(lang)),
                None => r.level.name(lang).to_string(),
            })
            .unwrap_or_else(|| ChunkMsg::NotRecognized.text(lang).to_string()),
        ModelPart::Evaluations => tf(lang, ShareMsg::CountEvaluations, &[&m.evaluations.len()]),
        ModelPart::Milestones => tf(lang, ShareMsg::CountMilestones, &[&m.milestones.len()]),
        ModelPart::Deleted => match m.deleted_at {
            Some(at) => format!("{} ({})", ShareMsg::DeletedVersion.text(lang), dates::date(lang, at.date())),
            None => ShareMsg::NotDeletedVersion.text(lang).to_string(),
        },
        ModelPart::Other => m.extra.keys().cloned().collect::<Vec<_>>().join(", "),
    }
}

/// Who made a version: the officer's name, else the device.
pub fn author(lang: Lang, updated_by: &str) -> String {
    match author_name(updated_by) {
        Some(name) => name.to_string(),
        None => tf(lang, ShareMsg::DeviceWithoutName, &[&device_of(updated_by)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::diff::differing_parts;
    use crate::domain::model::Status;
    use crate::domain::time::Timestamp;

    #[test]
    fn a_deletion_and_a_status_read_as_an_officer_says_them() {
        let t = Timestamp::parse("2026-11-30T08:00:00Z").unwrap();
        let a = Model::new("m".into(), t, "Lan (3f2a9c1e-0000)");
        let mut b = a.clone();
        b.status = Some(Status::Stopped);
        b.deleted_at = Some(t);
        let parts = differing_parts(&a, &b);
        assert_eq!(parts.iter().map(|p| value(Lang::Vi, *p, &b)).collect::<Vec<_>>(), ["Đã dừng", "Đã xóa (30/11/2026)"]);
        assert_eq!(value(Lang::Vi, ModelPart::Deleted, &a), "Còn trong sổ");
        assert_eq!(author(Lang::Vi, "Lan (3f2a9c1e-0000)"), "Lan");
        assert_eq!(author(Lang::Vi, "3f2a9c1e-1111-4000-8000-000000000000"), "máy 3f2a9c1e (chưa đặt tên)");
    }
}
