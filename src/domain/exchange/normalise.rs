//! Normalising a record that came in, whichever reader read it: every known text field NFC and trimmed
//! (`fold::nfc`), so text typed on a device that writes NFD compares equal; an empty village and empty tags
//! dropped; an evaluation or milestone id used twice in one record refused. Unknown fields (`extra`) are
//! kept exactly as they came, and text that looks like HTML or script is only data, kept verbatim.
//!
//! Each function names every field of its record, without `..` (as `merge`'s `own_fields` does): a field
//! added to a record does not compile here until it is said whether it is text to normalise.

use std::collections::HashSet;

use super::errors::{invalid, Check, ValueProblem};
use crate::domain::fold::{is_plain_nfc, nfc};
use crate::domain::model::{Evaluation, LocalityRef, Milestone, Model, Plan};

/// NFC and trimmed, in place. Most text is already NFC (and ASCII), which the quick check sees without
/// allocating.
fn to_nfc(s: &mut String) {
    let trimmed = s.trim();
    if trimmed.len() == s.len() && is_plain_nfc(s) {
        return;
    }
    *s = nfc(s);
}

/// NFC and trims a model's text, drops an empty village and empty tags; refuses an evaluation or milestone
/// id used twice.
pub(super) fn normalise_model(m: &mut Model) -> Check {
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
    to_nfc(id);
    to_nfc(title);
    to_nfc(name);
    if let Some(v) = village.as_mut() {
        to_nfc(v);
    }
    if village.as_deref() == Some("") {
        *village = None;
    }
    to_nfc(lead);
    to_nfc(description);
    for tag in tags.iter_mut() {
        to_nfc(tag);
    }
    tags.retain(|t| !t.is_empty());
    to_nfc(updated_by);
    normalise_evaluations(evaluations)?;
    normalise_milestones(milestones, "milestones")
}

fn normalise_evaluations(es: &mut [Evaluation]) -> Check {
    for e in es.iter_mut() {
        let Evaluation { id, date: _, by, rating: _, close_to_needs: _, consensus: _, notes, recorded_at: _, extra: _ } =
            e;
        to_nfc(id);
        to_nfc(by);
        to_nfc(notes);
    }
    ids_unique(es.iter().map(|e| e.id.as_str()), "evaluations")
}

fn normalise_milestones(ms: &mut [Milestone], list: &str) -> Check {
    for m in ms.iter_mut() {
        let Milestone { id, title, due: _, done_on: _, notes, extra: _ } = m;
        to_nfc(id);
        to_nfc(title);
        to_nfc(notes);
    }
    ids_unique(ms.iter().map(|m| m.id.as_str()), list)
}

/// Refuses the first item of `list` whose id an earlier item has.
fn ids_unique<'a>(ids: impl Iterator<Item = &'a str>, list: &str) -> Check {
    let mut seen = HashSet::new();
    for (i, id) in ids.enumerate() {
        if !seen.insert(id) {
            return Err(invalid(&format!("{list}[{i}].id"), ValueProblem::DuplicateId { id: id.to_string() }));
        }
    }
    Ok(())
}

/// NFC and trims a plan's text; refuses a milestone id used twice.
pub(super) fn normalise_plan(p: &mut Plan) -> Check {
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
    to_nfc(id);
    to_nfc(title);
    to_nfc(updated_by);
    normalise_milestones(milestones, "milestones")
}
