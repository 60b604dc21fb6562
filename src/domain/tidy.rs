//! Text as it is stored: the one rule for a record's text, whichever way the record came — typed in a form
//! and saved (`app`), or read from an exchange file (`exchange`). Every known text field is NFC and trimmed
//! (`fold::nfc`), so text typed on a device that writes NFD compares equal; an empty village and empty tags
//! are dropped. Unknown fields (`extra`) are kept exactly as they came, and text that looks like HTML or
//! script is only data, kept verbatim.
//!
//! Each function names every field of its record, without `..` (as `merge`'s `own_fields` does): a field
//! added to a record does not compile here until it is said whether it is text to tidy.

use super::fold::{is_plain_nfc, nfc};
use super::model::{Evaluation, LocalityRef, Milestone, Model, Plan};

/// NFC and trimmed, in place. Most text is already NFC (and ASCII), which the quick check sees without
/// allocating.
fn tidy_text(s: &mut String) {
    let trimmed = s.trim();
    if trimmed.len() == s.len() && is_plain_nfc(s) {
        return;
    }
    *s = nfc(s);
}

/// A model's text NFC and trimmed (its evaluations' and milestones' too); an empty village and empty tags
/// dropped.
pub fn tidy_model(m: &mut Model) {
    let Model {
        id,
        title,
        field: _,
        locality: LocalityRef { code: _, name, village, extra: _ },
        lead,
        lead_organization: _,
        ethnic_minority_area: _,
        status: _,
        started_on: _,
        participants: _,
        beneficiary_households: _,
        contributions: _,
        description,
        tags,
        recognition: _,
        evaluations,
        milestones,
        created_at: _,
        updated_at: _,
        updated_by,
        deleted_at: _,
        extra: _,
    } = m;
    tidy_text(id);
    tidy_text(title);
    tidy_text(name);
    if let Some(v) = village.as_mut() {
        tidy_text(v);
    }
    if village.as_deref() == Some("") {
        *village = None;
    }
    tidy_text(lead);
    tidy_text(description);
    for tag in tags.iter_mut() {
        tidy_text(tag);
    }
    tags.retain(|t| !t.is_empty());
    tidy_text(updated_by);
    evaluations.iter_mut().for_each(tidy_evaluation);
    milestones.iter_mut().for_each(tidy_milestone);
}

/// An evaluation's text NFC and trimmed.
pub fn tidy_evaluation(e: &mut Evaluation) {
    let Evaluation { id, date: _, by, rating: _, close_to_needs: _, consensus: _, notes, recorded_at: _, extra: _ } = e;
    tidy_text(id);
    tidy_text(by);
    tidy_text(notes);
}

/// A milestone's text NFC and trimmed.
pub fn tidy_milestone(m: &mut Milestone) {
    let Milestone { id, title, due: _, done_on: _, notes, extra: _ } = m;
    tidy_text(id);
    tidy_text(title);
    tidy_text(notes);
}

/// A plan's text NFC and trimmed (its milestones' too).
pub fn tidy_plan(p: &mut Plan) {
    let Plan {
        id,
        title,
        period: _,
        scope: _,
        targets: _,
        milestones,
        created_at: _,
        updated_at: _,
        updated_by,
        deleted_at: _,
        extra: _,
    } = p;
    tidy_text(id);
    tidy_text(title);
    tidy_text(updated_by);
    milestones.iter_mut().for_each(tidy_milestone);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::Timestamp;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn text_is_nfc_and_trimmed_and_empty_village_and_tags_go() {
        let mut m = Model::new(" m1 ".into(), Timestamp::parse("2024-01-01T00:00:00Z").unwrap(), "dev");
        m.title = format!("  {}\n", "Mô hình Dân vận khéo".nfd().collect::<String>());
        m.locality.village = Some("   ".into());
        m.tags = vec![" sinh kế ".into(), " ".into(), String::new()];
        m.lead = "\tHộ ông A ".into();
        let kept = m.extra.clone();
        tidy_model(&mut m);
        assert_eq!(m.id, "m1");
        assert_eq!(m.title, "Mô hình Dân vận khéo");
        assert_eq!(m.locality.village, None);
        assert_eq!(m.tags, vec!["sinh kế".to_string()]);
        assert_eq!(m.lead, "Hộ ông A");
        assert_eq!(m.extra, kept, "unknown fields are not touched");
        let again = m.clone();
        tidy_model(&mut m);
        assert_eq!(m, again, "tidying twice changes nothing");
    }
}
