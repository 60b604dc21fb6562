//! Xung đột: the officer reviews a version that lost to a concurrent edit: keeps the current version, or
//! uses the other one. Using it keeps the version it replaces in the history (so the choice can be
//! reversed), keeps every evaluation and milestone of both, and never brings back a deleted record.

use super::settings::REPLACED_SOURCE;
use super::{App, AppError, Kind};
use crate::domain::history::{HistoryEntry, LostVersion};
use crate::domain::time::Timestamp;
use crate::storage::Store;

impl<S: Store> App<S> {
    /// Keeps the current version: the entry is marked resolved.
    pub fn keep_current(&mut self, index: usize, now: Timestamp) -> Result<(), AppError> {
        let now = self.stamp(now);
        self.history.resolve(index);
        self.persist(now)
    }

    /// Uses the version of history entry `index` instead of the current one.
    pub fn use_version(&mut self, index: usize, now: Timestamp) -> Result<(), AppError> {
        let now = self.stamp(now);
        let entry = self.history.get(index).cloned().ok_or(AppError::NotFound)?;
        match entry.lost.clone() {
            LostVersion::Model(lost) => self.use_lost(*lost, &entry.id, now)?,
            LostVersion::Plan(lost) => self.use_lost(*lost, &entry.id, now)?,
        }
        // The entry's index may have moved when the history was pruned: resolve it by content.
        if let Some(i) = self.history.all().iter().position(|e| e.id == entry.id && e.lost == entry.lost) {
            self.history.resolve(i);
        }
        self.count_unexported(1);
        self.persist(now)
    }

    /// Saves `lost` over the current version of its record, with the items of both and the current
    /// tombstone; the current version goes to the history, resolved.
    fn use_lost<T: Kind>(&mut self, lost: T, id: &str, now: Timestamp) -> Result<(), AppError> {
        let current = T::find(&self.registry, id).cloned().ok_or(AppError::NotFound)?;
        let mut chosen = lost;
        chosen.union_items(&current);
        chosen.set_deleted_at(current.record_deleted_at());
        self.history.add(HistoryEntry {
            at: now,
            id: id.to_string(),
            title: chosen.record_title().to_string(),
            lost: current.into(),
            concurrent: true,
            source: REPLACED_SOURCE.to_string(),
            resolved: true,
        });
        self.touch::<T>(id);
        let by = self.author();
        chosen.save_into(&mut self.registry, now, &by);
        Ok(())
    }
}
