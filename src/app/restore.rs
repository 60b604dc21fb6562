//! Khôi phục: going back to a backup (also how an import is undone). What is there now is backed up first,
//! so a restore can itself be undone; if that backup cannot be taken, nothing is restored.

use super::{App, AppError};
use crate::domain::time::Timestamp;
use crate::storage::repository::{Notice, ReadOnly};
use crate::storage::Store;

impl<S: Store> App<S> {
    /// Restores the backup `key`. Returns the key of the backup of what was there before.
    pub fn restore(&mut self, key: &str, now: Timestamp) -> Result<String, AppError> {
        let now = self.stamp(now);
        if let Some(why @ (ReadOnly::NewerSchema | ReadOnly::CorruptInPlace)) = self.repo.read_only() {
            return Err(AppError::ReadOnly(why));
        }
        let (registry, history) = self.repo.load_backup(key).ok_or(AppError::BackupUnreadable)?;
        let before = self.backup(now, Some(key))?;
        let old = std::mem::replace(&mut self.registry, registry);
        let old_history = std::mem::replace(&mut self.history, history);
        // Conflicts recorded since the backup stay (nothing set aside is lost by going back).
        self.history.merge_from(&old_history);
        self.repo.accept_damage();
        self.touch_all();
        if let Err(e) = self.persist(now) {
            self.registry = old;
            self.history = old_history;
            return Err(e);
        }
        self.notices.retain(|n| !matches!(n, Notice::MissingChunks { .. } | Notice::CorruptKeptAside { .. }));
        self.count_unexported(1);
        Ok(before)
    }
}
