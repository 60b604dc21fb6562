//! Cài đặt: the officer's profile and preferences on this device, and the "not exported" reminder.

use serde::{Deserialize, Serialize};

use super::{App, AppError};
use crate::domain::letterhead::Letterhead;
use crate::domain::model::Extra;
use crate::domain::time::Timestamp;
use crate::storage::repository::{Repository, SETTINGS_KEY};
use crate::storage::Store;

/// The `source` of history entries set aside when two tabs' changes met.
pub const OTHER_TAB_SOURCE: &str = "another-tab";
/// The `source` of a version replaced when the officer chose another one in the conflicts view.
pub const REPLACED_SOURCE: &str = "replaced-by-choice";

/// The officer's profile and preferences on this device.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    #[serde(default)]
    pub lang: String,
    #[serde(default)]
    pub officer: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub device_id: String,
    /// Records changed since the last export (the "not exported" badge).
    #[serde(default)]
    pub unexported_changes: u32,
    #[serde(default)]
    pub last_export_at: Option<Timestamp>,
    /// The model list's last filter (URL query), which the dashboard follows.
    #[serde(default)]
    pub last_filter: String,
    /// The commune of the last field visit (its unit code), where the next visit opens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit_commune: Option<u32>,
    /// The issuing body and signer of printed reports (empty in settings stored before it existed).
    #[serde(default)]
    pub letterhead: Letterhead,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Settings {
    /// Who a change is saved by (`updated_by`): the officer's name if set, with the device id.
    pub fn author(&self) -> String {
        if self.officer.trim().is_empty() {
            self.device_id.clone()
        } else {
            format!("{} ({})", self.officer.trim(), self.device_id)
        }
    }

    /// The stored settings (defaults if absent or unreadable: they hold no records), with a device id.
    pub(super) fn load_or_create<S: Store>(repo: &Repository<S>, new_device_id: impl FnOnce() -> String) -> Settings {
        let mut s: Settings = repo.read_value(SETTINGS_KEY).unwrap_or_default();
        if s.device_id.is_empty() {
            s.device_id = new_device_id();
            let _ = repo.write_value(SETTINGS_KEY, &s);
        }
        s
    }
}

impl<S: Store> App<S> {
    /// Changes the settings and writes them.
    pub fn update_settings(&mut self, change: impl FnOnce(&mut Settings)) -> Result<(), AppError> {
        let before = self.settings.clone();
        change(&mut self.settings);
        if self.settings == before {
            return Ok(());
        }
        self.write_settings()
    }

    pub(super) fn write_settings(&mut self) -> Result<(), AppError> {
        self.repo.write_value(SETTINGS_KEY, &self.settings).map_err(AppError::from)
    }

    /// `n` records changed: the reminder to export counts them.
    pub(super) fn count_unexported(&mut self, n: usize) {
        if n > 0 {
            self.settings.unexported_changes = self.settings.unexported_changes.saturating_add(n.min(u32::MAX as usize) as u32);
            let _ = self.write_settings();
        }
    }

    /// A file holding every record was written or shared (the share completed): the reminder clears. Call
    /// it only when the file was saved or the share's promise resolved, never on cancel.
    pub fn mark_exported(&mut self, now: Timestamp) -> Result<(), AppError> {
        let now = self.stamp(now);
        self.update_settings(|s| {
            s.unexported_changes = 0;
            s.last_export_at = Some(now);
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::MemoryStore;

    fn at(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    #[test]
    fn settings_stored_before_the_letterhead_existed_read_with_an_empty_one() {
        let old = r#"{"lang":"vi","officer":"Lê Thị B","unit":"Xã A Lưới 4","device_id":"d1","unexported_changes":3,"newer_thing":7}"#;
        let s: Settings = serde_json::from_str(old).unwrap();
        assert_eq!(s.officer, "Lê Thị B");
        assert_eq!(s.letterhead, Letterhead::default());
        assert_eq!(s.letterhead.place(), "Huế");
        assert_eq!(s.extra.get("newer_thing"), Some(&serde_json::json!(7)), "unknown fields are kept");
        // and a letterhead written by a newer version keeps its unknown fields too
        let newer = r#"{"letterhead":{"issuer":"Ban Dân vận Thành ủy","seal":"x"}}"#;
        let s: Settings = serde_json::from_str(newer).unwrap();
        assert_eq!(s.letterhead.issuer, "Ban Dân vận Thành ủy");
        assert!(serde_json::to_string(&s).unwrap().contains(r#""seal":"x""#));
    }

    #[test]
    fn the_letterhead_is_saved_through_the_app_and_read_back_by_the_next_start() {
        let store = MemoryStore::new();
        let mut app = App::open(&store, 1, at("2026-12-01T08:00:00Z"), || "dev1".into());
        app.update_settings(|s| {
            s.letterhead.issuer = "Ban Dân vận Thành ủy".into();
            s.letterhead.signer_name = "Nguyễn Văn A".into();
        })
        .unwrap();
        let again = App::open(&store, 2, at("2026-12-01T09:00:00Z"), || "other".into());
        assert_eq!(again.settings().letterhead.issuer, "Ban Dân vận Thành ủy");
        assert_eq!(again.settings().letterhead.signer_name, "Nguyễn Văn A");
        assert_eq!(again.settings().device_id, "dev1");
    }
}
