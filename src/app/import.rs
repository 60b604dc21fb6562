//! Nhập tệp: an exchange file (or a phone-to-phone transfer) into the registry. The officer sees a plan
//! first (`plan_import`: what would change, which records or evaluations are dated in the future); then
//! `import` takes a backup (or refuses), merges, keeps the versions that lost to a concurrent edit in the
//! history, and saves. If the save fails, the import is undone in memory: it happens whole or not at all.
//! `restore` with the backup's key undoes it. The merge the preview worked out (`merge::plan`) is done as it
//! is by `import` when the registry has not changed since (`MergePlan::is_for`: this tab's edit, another
//! tab's save taken in by the backup) and the records come in as read; otherwise it is worked out again,
//! never applied stale. Storage then rewrites only the chunks whose models the import put.

use std::collections::{BTreeMap, BTreeSet};

use super::{App, AppError};
use crate::domain::clock;
use crate::domain::evidence::{self, TakenImages};
use crate::domain::exchange::ReadOutcome;
use crate::domain::merge::{self, MergePlan, MergePreview, MergeReport};
use crate::domain::model::Plan;
use crate::domain::time::Timestamp;
use crate::storage::Store;

/// How far past the file's export time (or this device's clock) a time may be before it is flagged.
pub const FUTURE_MARGIN_MS: i64 = clock::DAY_MS;

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
    /// Brought-back times keep their order and stay distinct (`ImportPlan::brought_back`).
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
    /// The merge worked out for the preview, done as it is by `import` if the registry has not changed
    /// since (another tab's save, an edit) and the records come in as read; otherwise worked out again.
    merge: MergePlan,
    /// Records and evaluations dated more than a day after the file's export time or this device's clock.
    pub future: Vec<FutureItem>,
    /// The time they are brought back to (the first of them; the others follow it, 1 ms apart, in their
    /// order).
    pub bring_back_to: Timestamp,
    /// The file was exported more than a day after this device's clock says it is now: this device's clock
    /// may be behind (then the records are not really in the future: `FutureChoice::KeepAsIs`, the default
    /// then), or the sender's ahead.
    pub clock_behind: bool,
    /// This device's clock when the file was read (the preview shows it beside the file's export time).
    pub device_now: Timestamp,
    /// Times later than this are flagged (a day after the file's export time or this device's time,
    /// whichever is earlier).
    limit: Timestamp,
}

impl ImportPlan {
    /// Records the import would put into the registry (new, updated, deleted), as the preview worked out.
    pub fn changes(&self) -> usize {
        self.merge.puts()
    }

    /// The choice the preview selects first: keep the times as they are when the file says this device's
    /// clock is behind (they are not in the future, this clock is in the past), else bring them back.
    pub fn default_choice(&self) -> FutureChoice {
        if self.clock_behind {
            FutureChoice::KeepAsIs
        } else {
            FutureChoice::BringBack
        }
    }

    /// Where each flagged time goes when brought back: the flagged times in their order, from
    /// `bring_back_to` (or just after the newest time of the file that was not flagged, if that is later)
    /// on, 1 ms apart. So two edits a day apart are still in that order afterwards and never become equal,
    /// and a brought-back time stays after every time of the file that was not flagged.
    pub fn brought_back(&self) -> BTreeMap<Timestamp, Timestamp> {
        let flagged: BTreeSet<Timestamp> = self.future.iter().map(|f| f.at).collect();
        let newest_kept = self.file_times().filter(|t| *t <= self.limit).max();
        let base = clock::after(newest_kept, self.bring_back_to).unix_millis();
        flagged.into_iter().enumerate().map(|(i, t)| (t, Timestamp::from_unix_millis(base + i as i64))).collect()
    }

    /// Every save and evaluation time the file's records carry.
    fn file_times(&self) -> impl Iterator<Item = Timestamp> + '_ {
        let models = self.outcome.models.iter().flat_map(|m| std::iter::once(m.updated_at).chain(m.evaluations.iter().filter_map(|e| e.recorded_at)));
        models.chain(self.outcome.plans.iter().map(|p| p.updated_at))
    }
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
        // Said against the phone's own clock (the preview shows both dates); flagged against the device's
        // logical time, which is never behind what it has accepted.
        let clock_behind = exported.is_some_and(|e| e.unix_millis() > now.unix_millis() + FUTURE_MARGIN_MS);
        let device_now = now;
        let now = self.peek(now);
        let bring_back_to = exported.filter(|e| !clock_behind && *e <= now).unwrap_or(now);
        // Later than a day after the file's export time, or than a day after this device's clock.
        let limit = Timestamp::from_unix_millis(exported.map_or(now, |e| e.min(now)).unix_millis() + FUTURE_MARGIN_MS);
        let late = |t: Timestamp| t > limit;
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
        let merge = merge::plan(&self.registry, &outcome);
        let preview = merge.preview();
        ImportPlan { source, outcome, images, preview, merge, future, bring_back_to, clock_behind, device_now, limit }
    }

    /// Imports a planned file: backup first (or nothing happens), merge, history, save.
    pub fn import(&mut self, plan: ImportPlan, choice: FutureChoice, now: Timestamp) -> Result<ImportDone, AppError> {
        let now = self.stamp(now);
        let back = plan.brought_back();
        // The times this device takes in as accepted: those that were not flagged and those brought back;
        // a flagged time kept as it is only when the file says this device's clock is behind and the time
        // is no more than a day after the file's export (a 2099 time is never adopted).
        let accept_up_to = match (choice, plan.clock_behind, plan.outcome.file_meta.exported_at) {
            (FutureChoice::KeepAsIs, true, Some(e)) => Timestamp::from_unix_millis(e.unix_millis() + FUTURE_MARGIN_MS),
            _ => back.values().copied().max().map_or(plan.limit, |b| b.max(plan.limit)),
        };
        let ImportPlan { source, outcome, future, merge: worked_out, .. } = plan;
        // The preview's merge stands if the records come in as read (no time brought back or left out).
        let as_read = future.is_empty() || choice == FutureChoice::KeepAsIs;
        let exported = outcome.file_meta.exported_at;
        let (mut models, mut plans) = (outcome.models, outcome.plans);
        if !future.is_empty() {
            let flagged = |id: &str, eval: Option<&str>| future.iter().any(|f| f.model_id == id && f.evaluation_id.as_deref() == eval);
            let back = |t: Timestamp| back.get(&t).copied().unwrap_or(t);
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
        let kept = models
            .iter()
            .flat_map(|m| std::iter::once(m.updated_at).chain(m.evaluations.iter().filter_map(|e| e.recorded_at)))
            .chain(plans.iter().map(|p| p.updated_at))
            .chain(exported)
            .filter(|t| *t <= accept_up_to)
            .max();
        let backup = self.backup(now, None)?;
        for p in &plans {
            self.touch::<Plan>(&p.id);
        }
        // (after the backup: taking it saves, and may first take in another tab's save)
        let report = if as_read && worked_out.is_for(&self.registry) {
            merge::apply_planned(&mut self.registry, worked_out, models, plans)
        } else {
            merge::apply(&mut self.registry, models, plans)
        };
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
        self.accept_times(kept);
        self.count_unexported(done.changed());
        Ok(done)
    }
}
