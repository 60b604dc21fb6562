//! Nhập tệp: an exchange file (or a phone-to-phone transfer) into the registry. The officer sees a plan
//! first (`plan_import`: what would change, which records or evaluations are dated in the future); then
//! `import` takes a backup (or refuses), merges, keeps the versions that lost to a concurrent edit in the
//! history, and saves. If the save fails, the import is undone in memory: it happens whole or not at all.
//! `restore` with the backup's key undoes it.

use super::{App, AppError};
use crate::domain::evidence::{self, TakenImages};
use crate::domain::exchange::ReadOutcome;
use crate::domain::merge::{self, MergePreview, MergeReport};
use crate::domain::model::Plan;
use crate::domain::time::Timestamp;
use crate::storage::Store;

/// How far past the file's export time (or this device's clock) a time may be before it is flagged.
pub const FUTURE_MARGIN_MS: i64 = 24 * 60 * 60 * 1000;

/// A record or evaluation of the file dated in the future.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FutureItem {
    pub model_id: String,
    /// The model's or plan's title.
    pub title: String,
    /// Set when it is one evaluation of the record, not the record itself.
    pub evaluation_id: Option<String>,
    pub at: Timestamp,
}

/// What to do with the records and evaluations dated in the future.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FutureChoice {
    /// Import them with their times brought back to the file's export time (this device's clock if the
    /// file's export time is itself in the future or absent), so they cannot outrank every later edit.
    BringBack,
    /// Leave them out.
    LeaveOut,
    /// Import them as they are: right when this device's clock is the one that is behind
    /// (`ImportPlan::clock_behind`).
    KeepAsIs,
}

/// A file read and waiting for the officer's confirmation.
#[derive(Debug, Clone)]
pub struct ImportPlan {
    /// The file name and exporter, for the history.
    pub source: String,
    pub outcome: ReadOutcome,
    /// The images the file's photos carried, taken out of its records (which the device keeps without
    /// them), and the photos whose image was refused. Write `images` to the image store
    /// (`app::store_images`) before `import`.
    pub images: TakenImages,
    pub preview: MergePreview,
    /// Records and evaluations dated more than a day after the file's export time or this device's clock.
    pub future: Vec<FutureItem>,
    /// The time they are brought back to.
    pub bring_back_to: Timestamp,
    /// The file was exported more than a day after this device's clock says it is now: this device's clock
    /// may be behind (then the records are not really in the future: `FutureChoice::KeepAsIs`).
    pub clock_behind: bool,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportDone {
    pub report: MergeReport,
    /// The backup taken before it: `restore` it to undo the import.
    pub backup: String,
    /// Versions kept in the history as conflicts.
    pub conflicts: usize,
}

impl ImportDone {
    /// Records the import changed (new, updated, deleted).
    pub fn changed(&self) -> usize {
        let c = |x: &merge::Counts| x.new + x.updated + x.deleted;
        c(&self.report.models) + c(&self.report.plans)
    }
}

impl<S: Store> App<S> {
    /// What importing this file would do.
    pub fn plan_import(&self, mut outcome: ReadOutcome, source: String, now: Timestamp) -> ImportPlan {
        let images = evidence::take_images(&mut outcome.models);
        let exported = outcome.file_meta.exported_at;
        let clock_behind = exported.is_some_and(|e| e.unix_millis() > now.unix_millis() + FUTURE_MARGIN_MS);
        let bring_back_to = exported.filter(|_| !clock_behind).unwrap_or(now);
        // Later than a day after the file's export time, or than a day after this device's clock.
        let limit = exported.map_or(now, |e| e.min(now)).unix_millis() + FUTURE_MARGIN_MS;
        let late = |t: Timestamp| t.unix_millis() > limit;
        let mut future = Vec::new();
        for m in &outcome.models {
            if late(m.updated_at) {
                future.push(FutureItem { model_id: m.id.clone(), title: m.title.clone(), evaluation_id: None, at: m.updated_at });
            }
            for e in &m.evaluations {
                if let Some(at) = e.recorded_at.filter(|t| late(*t)) {
                    future.push(FutureItem { model_id: m.id.clone(), title: m.title.clone(), evaluation_id: Some(e.id.clone()), at });
                }
            }
        }
        for p in &outcome.plans {
            if late(p.updated_at) {
                future.push(FutureItem { model_id: p.id.clone(), title: p.title.clone(), evaluation_id: None, at: p.updated_at });
            }
        }
        let preview = merge::preview(&self.registry, &outcome);
        ImportPlan { source, outcome, images, preview, future, bring_back_to, clock_behind }
    }

    /// Imports a planned file: backup first (or nothing happens), merge, history, save.
    pub fn import(&mut self, plan: ImportPlan, choice: FutureChoice, now: Timestamp) -> Result<ImportDone, AppError> {
        let ImportPlan { source, outcome, future, bring_back_to, .. } = plan;
        let (mut models, mut plans) = (outcome.models, outcome.plans);
        if !future.is_empty() {
            let flagged = |id: &str, eval: Option<&str>| future.iter().any(|f| f.model_id == id && f.evaluation_id.as_deref() == eval);
            // Only ever earlier: a time already before the target stays as it is.
            let back = |t: Timestamp| t.min(bring_back_to);
            match choice {
                FutureChoice::KeepAsIs => {}
                FutureChoice::BringBack => {
                    for m in &mut models {
                        if flagged(&m.id, None) {
                            m.updated_at = back(m.updated_at);
                        }
                        for e in &mut m.evaluations {
                            if flagged(&m.id, Some(&e.id)) {
                                e.recorded_at = e.recorded_at.map(back);
                            }
                        }
                    }
                    for p in &mut plans {
                        if flagged(&p.id, None) {
                            p.updated_at = back(p.updated_at);
                        }
                    }
                }
                FutureChoice::LeaveOut => {
                    models.retain(|m| !flagged(&m.id, None));
                    for m in &mut models {
                        let id = m.id.clone();
                        m.evaluations.retain(|e| !flagged(&id, Some(&e.id)));
                    }
                    plans.retain(|p| !flagged(&p.id, None));
                }
            }
        }
        let backup = self.backup(now, None)?;
        for p in &plans {
            self.touch::<Plan>(&p.id);
        }
        let report = merge::apply(&mut self.registry, models, plans);
        let conflicts = self.history.record(&report, now, &source, false);
        let done = ImportDone { report, backup, conflicts };
        if let Err(e) = self.persist(now) {
            // Undone in memory: storage still holds what the backup holds.
            if let Some((registry, history)) = self.repo.load_backup(&done.backup) {
                self.registry = registry;
                self.history = history;
                self.synced();
            }
            return Err(e);
        }
        self.count_unexported(done.changed());
        Ok(done)
    }
}
