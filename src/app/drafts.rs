//! Bản nháp: what is typed in a form (a model, an evaluation, a plan), kept per form until it is saved or
//! discarded, so a tab killed by the phone (switching to Zalo on a small phone does that) loses nothing:
//! the form offers it back at the next visit. Drafts are small values of their own (`dvk.draft.<form>`),
//! outside the records.

use serde::{Deserialize, Serialize};

use super::{App, AppError};
use crate::domain::time::Timestamp;
use crate::storage::layout::DRAFT_PREFIX;
use crate::storage::Store;

/// A form's unsaved text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// When it was last typed.
    pub at: Timestamp,
    /// The form's content, as the form writes it (JSON of the record being edited).
    pub text: String,
}

fn key(form: &str) -> String {
    format!("{DRAFT_PREFIX}{form}")
}

impl<S: Store> App<S> {
    /// The draft of `form` (e.g. `model:new`, `model:<id>`, `evaluation:<model id>`, `plan:<id>`).
    pub fn draft(&self, form: &str) -> Option<Draft> {
        self.repo.read_value(&key(form))
    }

    pub fn save_draft(&mut self, form: &str, text: String, now: Timestamp) -> Result<(), AppError> {
        self.assert_whole();
        let now = self.peek(now);
        self.repo.write_value(&key(form), &Draft { at: now, text }).map_err(AppError::from)
    }

    pub fn discard_draft(&mut self, form: &str) {
        let _ = self.repo.remove_value(&key(form));
    }
}
