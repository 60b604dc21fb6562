//! Changes an officer makes by hand: save a model, delete it (undoable), add an evaluation, save or delete
//! a plan, add sample records. Each is saved at once (see `App::persist`), stamped by the clock rule.

use super::{App, AppError, Kind};
use crate::domain::model::{Evaluation, Model, Plan};
use crate::domain::clock;
use crate::domain::tidy::{tidy_evaluation, tidy_model, tidy_plan};
use crate::domain::time::Timestamp;
use crate::storage::Store;

/// What an undo button brings back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undo {
    /// The model deleted, by id.
    DeleteModel(String),
    /// The plan deleted, by id.
    DeletePlan(String),
    /// The models deleted together (the sample data removed), by id.
    DeleteModels(Vec<String>),
    /// A model's photo deleted.
    DeletePhoto { model_id: String, photo_id: String },
}

/// What [`App::save_model_unless_duplicate`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// Saved, at this time.
    At(Timestamp),
    /// Not saved: a live model of this title is in this place already (its title).
    Duplicate(String),
}

impl<S: Store> App<S> {
    /// Saves a model edited (or made) on this device. Returns the time it was saved at: never earlier than
    /// the version it replaces (the clock rule). Evaluations the stored version has and the edited copy
    /// lacks (added meanwhile, in another tab or by an import) are kept, and so are its photos as stored. Its text is stored tidy
    /// (`domain::tidy`).
    pub fn save_model(&mut self, mut m: Model, now: Timestamp) -> Result<Timestamp, AppError> {
        let now = self.stamp(now);
        tidy_model(&mut m);
        self.touch::<Model>(&m.id);
        if let Some(current) = self.registry.get(&m.id) {
            for e in &current.evaluations {
                if !m.evaluations.iter().any(|x| x.id == e.id) {
                    m.evaluations.push(e.clone());
                }
            }
            for x in &current.milestones {
                if !m.milestones.iter().any(|y| y.id == x.id) {
                    m.milestones.push(x.clone());
                }
            }
            // and photos added or deleted meanwhile (the form does not edit photos)
            crate::domain::merge::union_photos(&mut m.extra, &current.extra);
        }
        let by = self.author();
        let at = self.registry.save(m, now, &by);
        self.count_unexported(1);
        self.persist(now)?;
        Ok(at)
    }

    /// Saves a model from the form, unless another live model has the same title in the same place
    /// (`Registry::find_duplicate`) and the officer has not been warned of it yet (`anyway` false): then
    /// nothing is saved and the other's title comes back, to warn about before a second press saves
    /// anyway. Checked here, on the whole registry (a change waits at the gate until it is whole), never
    /// on the few models a cold start shows first.
    pub fn save_model_unless_duplicate(&mut self, m: Model, anyway: bool, now: Timestamp) -> Result<Saved, AppError> {
        if !anyway {
            if let Some(other) = self.registry.find_duplicate(&m, &m.id) {
                return Ok(Saved::Duplicate(other.title.clone()));
            }
        }
        self.save_model(m, now).map(Saved::At)
    }

    /// Deletes a model (a tombstone, so the deletion travels). Returns what undoes it.
    pub fn delete_model(&mut self, id: &str, now: Timestamp) -> Result<Undo, AppError> {
        let now = self.stamp(now);
        self.touch::<Model>(id);
        let by = self.author();
        self.registry.delete(id, now, &by).ok_or(AppError::NotFound)?;
        self.count_unexported(1);
        self.persist(now)?;
        Ok(Undo::DeleteModel(id.to_string()))
    }

    /// Undoes a delete: the record comes back as it is now (with anything added to it since), saved as a
    /// newer change so the undo travels too.
    pub fn undo(&mut self, undo: &Undo, now: Timestamp) -> Result<(), AppError> {
        let now = self.stamp(now);
        let undeleted = match undo {
            Undo::DeleteModel(id) => self.undelete::<Model>(id, now)?,
            Undo::DeletePlan(id) => self.undelete::<Plan>(id, now)?,
            Undo::DeleteModels(ids) => {
                let mut any = false;
                for id in ids {
                    // one already back (or gone from a restore) does not stop the others
                    any |= self.undelete::<Model>(id, now).unwrap_or(false);
                }
                any
            }
            // saved by itself (a change to the model), already counted for the export reminder
            Undo::DeletePhoto { model_id, photo_id } => return self.undelete_photo(model_id, photo_id, now),
        };
        if !undeleted {
            return Ok(());
        }
        self.count_unexported(1);
        self.persist(now)
    }

    /// Brings back a deleted model or plan in memory; says whether it was deleted.
    fn undelete<T: Kind>(&mut self, id: &str, now: Timestamp) -> Result<bool, AppError> {
        if !T::find(&self.registry, id).ok_or(AppError::NotFound)?.record_deleted() {
            return Ok(false);
        }
        self.touch::<T>(id);
        let by = self.author();
        self.registry.undelete::<T>(id, now, &by);
        Ok(true)
    }

    /// Adds an evaluation to a model. It is recorded at `now`, or just after the latest evaluation of the
    /// same date if this device's clock is behind it, so a same-day correction is the latest everywhere.
    /// Its text is stored tidy.
    pub fn add_evaluation(&mut self, model_id: &str, mut e: Evaluation, now: Timestamp) -> Result<(), AppError> {
        let now = self.stamp(now);
        tidy_evaluation(&mut e);
        let mut m = self.registry.get(model_id).filter(|m| !m.is_deleted()).cloned().ok_or(AppError::NotFound)?;
        let same_day = m.evaluations.iter().filter(|x| x.date == e.date).filter_map(|x| x.recorded_at).max();
        e.recorded_at = Some(clock::after(same_day, now));
        m.evaluations.push(e);
        self.touch::<Model>(model_id);
        let by = self.author();
        self.registry.save(m, now, &by);
        self.count_unexported(1);
        self.persist(now)
    }

    /// Saves a plan edited (or made) on this device (the clock rule). The plan form edits the milestones
    /// themselves (one can be removed), so the edited copy's list is taken as it is. Its text is stored tidy.
    pub fn save_plan(&mut self, mut p: Plan, now: Timestamp) -> Result<Timestamp, AppError> {
        let now = self.stamp(now);
        tidy_plan(&mut p);
        self.touch::<Plan>(&p.id);
        let by = self.author();
        let at = self.registry.save_plan(p, now, &by);
        self.count_unexported(1);
        self.persist(now)?;
        Ok(at)
    }

    /// Deletes a plan (a tombstone). Returns what undoes it.
    pub fn delete_plan(&mut self, id: &str, now: Timestamp) -> Result<Undo, AppError> {
        let now = self.stamp(now);
        self.touch::<Plan>(id);
        let by = self.author();
        self.registry.delete_plan(id, now, &by).ok_or(AppError::NotFound)?;
        self.count_unexported(1);
        self.persist(now)?;
        Ok(Undo::DeletePlan(id.to_string()))
    }

    /// Adds sample data (marked as such, see `Model::is_sample`): the models whose id is not here yet.
    /// Returns how many were added. Sample data is not the officer's work: it does not call for an export.
    pub fn add_samples(&mut self, models: Vec<Model>, now: Timestamp) -> Result<usize, AppError> {
        let added = self.put_new(models.into_iter().map(|mut m| {
            m.mark_sample();
            m
        }));
        self.persist(now)?;
        Ok(added)
    }

    /// Deletes every live sample model in one change. Returns how many, and what undoes it.
    pub fn remove_samples(&mut self, now: Timestamp) -> Result<(usize, Undo), AppError> {
        let now = self.stamp(now);
        let ids: Vec<String> = self.registry.models().filter(|(_, m)| m.is_sample()).map(|(_, m)| m.id.clone()).collect();
        let by = self.author();
        for id in &ids {
            self.touch::<Model>(id);
            self.registry.delete(id, now, &by);
        }
        self.persist(now)?;
        Ok((ids.len(), Undo::DeleteModels(ids)))
    }

    /// Adds records made on this device in one go (sample data): those whose id is not here yet. Returns
    /// how many were added.
    pub fn add_models(&mut self, models: Vec<Model>, now: Timestamp) -> Result<usize, AppError> {
        let added = self.put_new(models);
        self.count_unexported(added);
        self.persist(now)?;
        Ok(added)
    }

    /// Puts the models whose id is not here yet; returns how many.
    fn put_new(&mut self, models: impl IntoIterator<Item = Model>) -> usize {
        let mut added = 0;
        for m in models {
            if self.registry.get(&m.id).is_none() {
                self.touch::<Model>(&m.id);
                self.registry.put(m);
                added += 1;
            }
        }
        added
    }
}
