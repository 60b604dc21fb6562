//! Normalising a record that came in, whichever reader read it: its text tidied (`domain::tidy`: NFC,
//! trimmed, an empty village and empty tags dropped), and an evaluation or milestone id used twice in one
//! record refused.

use std::collections::HashSet;

use super::errors::{invalid, Check, ValueProblem};
use crate::domain::model::{Model, Plan};
use crate::domain::tidy::{tidy_model, tidy_plan};

/// Tidies a model's text; refuses an evaluation or milestone id used twice.
pub(super) fn normalise_model(m: &mut Model) -> Check {
    tidy_model(m);
    ids_unique(m.evaluations.iter().map(|e| e.id.as_str()), "evaluations")?;
    ids_unique(m.milestones.iter().map(|x| x.id.as_str()), "milestones")
}

/// Tidies a plan's text; refuses a milestone id used twice.
pub(super) fn normalise_plan(p: &mut Plan) -> Check {
    tidy_plan(p);
    ids_unique(p.milestones.iter().map(|x| x.id.as_str()), "milestones")
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
