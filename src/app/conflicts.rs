//! Xung đột: the officer reviews a version that lost to a concurrent edit: keeps the current version, or
//! uses the other one. Using it keeps the version it replaces in the history (so the choice can be
//! reversed), keeps every evaluation and milestone of both, and never brings back a deleted record.

use super::settings::REPLACED_SOURCE;
use super::{App, AppError};
use crate::domain::history::{HistoryEntry, LostVersion};
use crate::domain::record::Record;
use crate::domain::time::Timestamp;
use crate::storage::Store;

impl<S: Store> App<S> {
    /// Keeps the current version: the entry is marked resolved.
    pub fn keep_current(&mut self, index: usize, now: Timestamp) -> Result<(), AppError> {
        self.history.resolve(index);
        self.persist(now)
    }

    /// Uses the version of history entry `index` instead of the current one.
    pub fn use_version(&mut self, index: usize, now: Timestamp) -> Result<(), AppError> {
        let entry = self.history.get(index).cloned().ok_or(AppError::NotFound)?;
        let by = self.author();
        match entry.lost.clone() {
            LostVersion::Model(lost) => {
                let current = self.registry.get(&entry.id).cloned().ok_or(AppError::NotFound)?;
                let mut chosen = *lost;
                chosen.union_items(&current);
                chosen.deleted_at = current.deleted_at;
                self.history.add(HistoryEntry {
                    at: now,
                    id: entry.id.clone(),
                    title: chosen.title.clone(),
                    lost: LostVersion::Model(Box::new(current)),
                    concurrent: true,
                    source: REPLACED_SOURCE.to_string(),
                    resolved: true,
                });
                self.touch_model(&entry.id);
                self.registry.save(chosen, now, &by);
            }
            LostVersion::Plan(lost) => {
                let current = self.registry.plan(&entry.id).cloned().ok_or(AppError::NotFound)?;
                let mut chosen = *lost;
                chosen.union_items(&current);
                chosen.deleted_at = current.deleted_at;
                self.history.add(HistoryEntry {
                    at: now,
                    id: entry.id.clone(),
                    title: chosen.title.clone(),
                    lost: LostVersion::Plan(Box::new(current)),
                    concurrent: true,
                    source: REPLACED_SOURCE.to_string(),
                    resolved: true,
                });
                self.touch_plan(&entry.id);
                self.registry.save_plan(chosen, now, &by);
            }
        }
        // The entry's index may have moved when the history was pruned: resolve it by content.
        if let Some(i) = self.history.all().iter().position(|e| e.id == entry.id && e.lost == entry.lost) {
            self.history.resolve(i);
        }
        self.count_unexported(1);
        self.persist(now)
    }
}
