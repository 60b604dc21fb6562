//! Xuất tệp: the exchange file of a selection of records, and the export reminder. The file's
//! `exported_at` is never earlier than the newest record or evaluation it holds (the clock rule of SPEC §5
//! applied to the file), so a file from a phone whose clock is behind does not look as if it held records
//! from the future.

use std::borrow::Borrow;

use super::App;
use crate::domain::exchange::{self, ExportedBy};
use crate::domain::model::{Model, Plan};
use crate::domain::clock;
use crate::domain::time::Timestamp;
use crate::storage::Store;

/// When a file holding these records is exported by a device whose clock says `now`.
pub fn export_time<M: Borrow<Model>, P: Borrow<Plan>>(models: &[M], plans: &[P], now: Timestamp) -> Timestamp {
    let newest_model = models
        .iter()
        .map(Borrow::borrow)
        .flat_map(|m| std::iter::once(m.updated_at).chain(m.evaluations.iter().filter_map(|e| e.recorded_at)))
        .max();
    let newest_plan = plans.iter().map(|p| p.borrow().updated_at).max();
    match newest_model.max(newest_plan) {
        Some(t) if t >= now => clock::after(Some(t), now),
        _ => now,
    }
}

impl<S: Store> App<S> {
    /// Who exports (the officer's profile on this device).
    pub fn exported_by(&self) -> ExportedBy {
        ExportedBy {
            officer: self.settings.officer.clone(),
            unit: self.settings.unit.clone(),
            device: self.settings.device_id.clone(),
            extra: Default::default(),
        }
    }

    /// The exchange file of these models with every plan (tombstones included as given).
    pub fn export_file<M: Borrow<Model>>(&self, models: &[M], now: Timestamp) -> String {
        let now = self.peek(now);
        let plans = self.registry.all_plans();
        exchange::write(models, plans, export_time(models, plans, now), Some(self.exported_by()))
    }

    /// The exchange file of every record.
    pub fn export_all(&self, now: Timestamp) -> String {
        self.export_file(self.registry.all_models(), now)
    }
}
