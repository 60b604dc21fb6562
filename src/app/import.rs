//! Nhập tệp: an exchange file (or a phone-to-phone transfer) into the registry. The officer sees a plan
//! first (`plan_import`: what would change, which records or evaluations are dated in the future); then
//! `import` takes a backup (or refuses), merges, keeps the versions that lost to a concurrent edit in the
//! history, and saves. If the save fails, the import is undone in memory: it happens whole or not at all.
//! `restore` with the backup's key undoes it. The merge the preview worked out (`merge::plan`) is done as it
//! is by `import` when the registry has not changed since (`MergePlan::is_for`: this tab's edit, another
//! tab's save taken in by the backup) and the records come in as read; otherwise it is worked out again,
//! never applied stale. Storage then rewrites only the chunks whose models the import put. A big import's
//! save is done in steps across tasks (`begin_import`, then `import_more` until it says it is done), with
//! the same guarantees: `import` is those steps in one go.

use std::collections::{BTreeMap, BTreeSet};

use super::{App, AppError, Landed, Persisting};
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

/// An import saving in steps (`App::begin_import`): what it did in memory, and its save under way.
pub(super) struct Importing {
    done: ImportDone,
    /// The newest time of the file this device takes in as accepted, once saved.
    kept: Option<Timestamp>,
    /// The import's stamp.
    now: Timestamp,
    saving: Persisting,
}

/// Where an import saving in steps is (`App::import_more`).
pub enum ImportStep {
    /// Chunks written so far, and how many there may be (the first step works that out; it can grow
    /// when another tab's save is taken in and the save begins again).
    More { done: usize, total: usize },
    /// It ended: what it did, or why it failed (then it is undone in memory and storage holds what the
    /// backup holds); and what the callers of the changes that waited at the gate meanwhile do with their
    /// results (they ran, in order, once it ended).
    Done(Result<ImportDone, AppError>, Vec<Landed>),
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

    /// Imports a planned file: backup first (or nothing happens), merge, history, save; in one go (the
    /// steps of `begin_import` / `import_more`, all at once).
    pub fn import(&mut self, plan: ImportPlan, choice: FutureChoice, now: Timestamp) -> Result<ImportDone, AppError> {
        self.start_import(plan, choice, now, false)?;
        loop {
            if let Some(result) = self.step_import(now, usize::MAX) {
                return result;
            }
        }
    }

    /// Begins an import whose save is done in steps across tasks (`import_more`), so the page answers in
    /// between: backup first (or nothing happens, `Err`), merge and history in memory, as `import`. Until
    /// it ends every other change waits at the gate (`change`); storage holds the registry as it was
    /// until the last step switches the manifest (another tab reads it whole meanwhile; a tab killed
    /// mid-import leaves it so, and what it wrote is removed by a later load). Returns the progress.
    pub fn begin_import(&mut self, plan: ImportPlan, choice: FutureChoice, now: Timestamp) -> Result<(usize, usize), AppError> {
        self.start_import(plan, choice, now, true)?;
        Ok(self.import_progress().unwrap_or((0, 1)))
    }

    /// Takes the import begun by `begin_import` a step further: writes up to `chunks` chunks (or begins
    /// the save, or switches the manifest). `now`: the time of this step.
    pub fn import_more(&mut self, now: Timestamp, chunks: usize) -> ImportStep {
        match self.step_import(now, chunks.max(1)) {
            None => {
                let (done, total) = self.import_progress().unwrap_or((0, 1));
                ImportStep::More { done, total }
            }
            Some(result) => ImportStep::Done(result, self.let_through()),
        }
    }

    /// The chunks an import in steps has written and how many there may be, while one is under way.
    pub fn import_progress(&self) -> Option<(usize, usize)> {
        self.importing.as_ref().map(|i| i.saving.progress())
    }

    /// One step of the import's save; `Some` when it ended (saved, or undone in memory).
    fn step_import(&mut self, step_now: Timestamp, chunks: usize) -> Option<Result<ImportDone, AppError>> {
        let mut imp = self.importing.take().expect("an import under way");
        match self.persist_some(&mut imp.saving, chunks, imp.now, step_now) {
            None => {
                self.importing = Some(imp);
                None
            }
            Some(Err(e)) => {
                // Undone in memory: storage still holds what the backup holds.
                if let Some((registry, history)) = self.repo.load_backup(&imp.done.backup) {
                    self.registry = registry;
                    self.history = history;
                    self.synced();
                }
                Some(Err(e))
            }
            Some(Ok(())) => {
                self.accept_times(imp.kept);
                self.count_unexported(imp.done.changed());
                Some(Ok(imp.done))
            }
        }
    }

    /// Everything an import does before its save; the save is left under way (`importing`).
    fn start_import(&mut self, plan: ImportPlan, choice: FutureChoice, now: Timestamp, across_tasks: bool) -> Result<(), AppError> {
        assert!(self.importing.is_none(), "one import at a time");
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
        self.importing = Some(Importing { done, kept, now, saving: Persisting::new(across_tasks) });
        Ok(())
    }
}
