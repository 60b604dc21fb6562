//! Chuyển sang máy bên cạnh: what a phone-to-phone transfer carries (SPEC §2 capability 12) and what this
//! device remembers of the transfers it sent. The officer picks one model with its evaluations, a
//! commune's models, or what changed since the last transfer to one officer's device; the transfer is the
//! exchange file of that choice with the photos' image data left out (each photo's reference travels:
//! SPEC §4, a photo without `data` keeps the image the receiver has). Received, it imports by the same
//! path as a file (`plan_import`, `import`).
//!
//! Per receiving device (the code its receive screen shows, `device_code`) this device keeps, under
//! `dvk.transfers`, when it last sent and a hash of each record version it sent; "what changed" is every
//! record whose version is not one of those (edited here, imported from someone else, or never sent).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{export_time, App, AppError};
use crate::domain::exchange;
use crate::domain::filter::Filter;
use crate::domain::locality::{Localities, Placement};
use crate::domain::stats;
use crate::domain::model::{Extra, Model, Plan};
use crate::domain::time::Timestamp;
use crate::storage::layout::TRANSFERS_KEY;
use crate::storage::Store;

/// How many receiving devices are remembered (the least recent forgotten first).
pub const RECIPIENTS_KEPT: usize = 20;

/// What to pass to the phone beside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferChoice {
    /// One model (by id), with its evaluations and milestones.
    Model(String),
    /// Every model of a locality (a unit's code: a commune, or a district and all under it), with the plans.
    Locality(u32),
    /// What changed since the last transfer to this device (its `device_code`), plans included.
    ChangedFor(String),
}

/// A receiving device this one has sent to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recipient {
    /// Its code (`device_code`).
    pub code: String,
    /// The name the officer gave it (the other officer's).
    #[serde(default)]
    pub name: String,
    /// When the last transfer to it was marked done (this device's clock).
    pub at: Timestamp,
    /// A hash of each record version sent to it, by record id.
    #[serde(default)]
    pub sent: BTreeMap<String, u64>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The transfers this device sent, stored under `dvk.transfers`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct SentLog {
    #[serde(default)]
    recipients: Vec<Recipient>,
    #[serde(flatten)]
    extra: Extra,
}

/// A transfer ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct TransferContent {
    /// The exchange file's text.
    pub file: String,
    /// Models it holds that are not deleted, and deletions.
    pub models: usize,
    pub deleted: usize,
    pub plans: usize,
    /// The record versions it holds (id, hash): what `mark_transferred` remembers.
    versions: Vec<(String, u64)>,
}

/// The code a device shows on its receive screen and the sender types: the first eight letters or digits
/// of its id, in capitals, as "ABCD-1234". Anything typed is read the same way ("abcd 1234" too).
pub fn device_code(device_id: &str) -> String {
    let chars: String = device_id.chars().filter(char::is_ascii_alphanumeric).take(8).map(|c| c.to_ascii_uppercase()).collect();
    if chars.len() > 4 {
        format!("{}-{}", &chars[..4], &chars[4..])
    } else {
        chars
    }
}

/// A hash of a record's version that stays the same from one app version to the next (FNV-1a of its
/// JSON, which is written in a fixed order).
fn version_hash<T: Serialize>(record: &T) -> u64 {
    let bytes = serde_json::to_vec(record).unwrap_or_default();
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// The photos' image data left out of a model and its evaluations; their references (id, time, caption,
/// checksum) stay.
fn without_photo_data(mut m: Model) -> Model {
    fn strip(extra: &mut Extra) {
        if let Some(serde_json::Value::Array(photos)) = extra.get_mut("photos") {
            for p in photos.iter_mut() {
                if let Some(o) = p.as_object_mut() {
                    o.remove("data");
                }
            }
        }
    }
    strip(&mut m.extra);
    for e in &mut m.evaluations {
        strip(&mut e.extra);
    }
    m
}

impl<S: Store> App<S> {
    fn sent_log(&self) -> SentLog {
        self.repo.read_value(TRANSFERS_KEY).unwrap_or_default()
    }

    /// The devices sent to, the most recent first.
    pub fn transfer_recipients(&self) -> Vec<Recipient> {
        let mut r = self.sent_log().recipients;
        r.sort_by(|a, b| b.at.cmp(&a.at));
        for x in &mut r {
            x.sent.clear();
        }
        r
    }

    /// The communes whose models can be passed ("the models of one commune"), in the order the send screen
    /// offers them, each with its count of live models: the remembered commune (of the last field visit)
    /// first, even with none, then those that have models, the most first.
    pub fn send_communes(&self) -> Vec<(u32, u32)> {
        let rows = stats::by_locality(&self.registry, &stats::live_positions(&self.registry));
        let counts = rows.into_iter().filter_map(|r| match r.placement {
            Placement::Commune(code) => Some((code, r.total)),
            _ => None,
        });
        let remembered = self.settings.visit_commune.filter(|&c| Localities::builtin().current_unit(c).is_some());
        let mut out: Vec<(u32, u32)> = Vec::new();
        if let Some(c) = remembered {
            out.push((c, 0));
        }
        for (code, n) in counts {
            match out.first_mut() {
                Some(first) if first.0 == code => first.1 = n,
                _ => out.push((code, n)),
            }
        }
        out
    }

    /// This device's code, for the receive screen.
    pub fn device_code(&self) -> String {
        device_code(&self.settings.device_id)
    }

    /// The exchange file of a choice, photos' data left out. Deleted models travel as tombstones in
    /// "what changed" (so the deletion reaches the other device), not in the other choices.
    pub fn transfer_content(&self, choice: &TransferChoice, now: Timestamp) -> TransferContent {
        let now = self.peek(now);
        let r = &self.registry;
        let (models, plans): (Vec<&Model>, Vec<&Plan>) = match choice {
            TransferChoice::Model(id) => (r.get(id).filter(|m| !m.is_deleted()).into_iter().collect(), vec![]),
            TransferChoice::Locality(code) => {
                let f = Filter { locality: Some(*code), ..Default::default() };
                (f.select(r).into_iter().map(|i| &r.all_models()[i]).collect(), r.plans().collect())
            }
            TransferChoice::ChangedFor(code) => {
                let code = device_code(code);
                let log = self.sent_log();
                let sent = log.recipients.iter().find(|x| x.code == code).map(|x| &x.sent);
                let changed = |id: &str, hash: u64| sent.is_none_or(|s| s.get(id) != Some(&hash));
                (
                    r.all_models().iter().filter(|m| changed(&m.id, version_hash(m))).collect(),
                    r.all_plans().iter().filter(|p| changed(&p.id, version_hash(p))).collect(),
                )
            }
        };
        let versions = models.iter().map(|m| (m.id.clone(), version_hash(*m))).chain(plans.iter().map(|p| (p.id.clone(), version_hash(*p)))).collect();
        let deleted = models.iter().filter(|m| m.is_deleted()).count();
        let stripped: Vec<Model> = models.iter().map(|m| without_photo_data((*m).clone())).collect();
        let file = exchange::write(&stripped, &plans, export_time(&stripped, &plans, now), Some(self.exported_by()));
        TransferContent { file, models: stripped.len() - deleted, deleted, plans: plans.len(), versions }
    }

    /// The officer says the transfer to `code` (named `name`) went through: its records are remembered
    /// as sent to that device, so the next "what changed" leaves them out while they stay as they are.
    pub fn mark_transferred(&mut self, code: &str, name: &str, content: &TransferContent, now: Timestamp) -> Result<(), AppError> {
        let now = self.stamp(now);
        let code = device_code(code);
        let mut log = self.sent_log();
        let i = match log.recipients.iter().position(|x| x.code == code) {
            Some(i) => i,
            None => {
                log.recipients.push(Recipient { code: code.clone(), name: String::new(), at: now, sent: BTreeMap::new(), extra: Extra::default() });
                log.recipients.len() - 1
            }
        };
        let rec = &mut log.recipients[i];
        rec.at = now;
        if !name.trim().is_empty() {
            rec.name = name.trim().to_string();
        }
        rec.sent.extend(content.versions.iter().cloned());
        log.recipients.sort_by(|a, b| b.at.cmp(&a.at));
        log.recipients.truncate(RECIPIENTS_KEPT);
        self.repo.write_value(TRANSFERS_KEY, &log).map_err(AppError::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::exchange::read;
    use crate::domain::test_support::{ev, model, place, ts};
    use crate::domain::model::Rating;
    use crate::storage::MemoryStore;

    fn app(store: &MemoryStore) -> App<&MemoryStore> {
        let mut app = App::open(store, 1, ts("2026-12-01T08:00:00Z"), || "3f0c9a7e-1111-4222-8333-444455556666".into());
        let mut a = model("a", "Mô hình A");
        a.locality = place(Some(20095), "Xã A Roàng");
        a.evaluations.push(ev("e1", "2026-11-01", Rating::Effective));
        a.extra.insert(
            "photos".into(),
            serde_json::json!([{"id": "p1", "caption": "Nhà văn hóa", "sha256": "9f2c", "data": "QUJD"}]),
        );
        let mut b = model("b", "Mô hình B");
        b.locality = place(Some(20095), "Xã A Roàng");
        let mut c = model("c", "Mô hình C");
        c.locality = place(None, "Nơi khác");
        app.add_models(vec![a, b, c], ts("2026-12-01T08:01:00Z")).unwrap();
        app
    }

    fn ids(content: &TransferContent) -> Vec<String> {
        let mut v: Vec<String> = read(content.file.as_bytes()).unwrap().models.into_iter().map(|m| m.id).collect();
        v.sort();
        v
    }

    #[test]
    fn device_codes_are_read_the_same_however_typed() {
        assert_eq!(device_code("3f0c9a7e-1111-4222"), "3F0C-9A7E");
        assert_eq!(device_code("3f0c-9a7e"), "3F0C-9A7E");
        assert_eq!(device_code(" 3F0C 9A7E "), "3F0C-9A7E");
        assert_eq!(device_code("ab"), "AB");
        assert_eq!(app(&MemoryStore::new()).device_code(), "3F0C-9A7E");
    }

    #[test]
    fn one_model_travels_with_its_evaluations_and_photo_references_without_their_data() {
        let store = MemoryStore::new();
        let app = app(&store);
        let c = app.transfer_content(&TransferChoice::Model("a".into()), ts("2026-12-01T09:00:00Z"));
        assert_eq!((c.models, c.deleted, c.plans), (1, 0, 0));
        let out = read(c.file.as_bytes()).unwrap();
        let m = &out.models[0];
        assert_eq!(m.evaluations.len(), 1);
        let photos = m.extra.get("photos").unwrap();
        assert_eq!(photos[0]["id"], "p1");
        assert_eq!(photos[0]["caption"], "Nhà văn hóa");
        assert!(photos[0].get("data").is_none(), "image data left out: {photos}");
        assert!(app.registry().get("a").unwrap().extra["photos"][0].get("data").is_some(), "the registry keeps it");
        assert_eq!(out.file_meta.exported_by.unwrap().device, "3f0c9a7e-1111-4222-8333-444455556666");
    }

    #[test]
    fn a_commune_passes_its_models_only() {
        let store = MemoryStore::new();
        let app = app(&store);
        let c = app.transfer_content(&TransferChoice::Locality(20095), ts("2026-12-01T09:00:00Z"));
        assert_eq!(ids(&c), ["a", "b"]);
    }

    #[test]
    fn what_changed_since_the_last_transfer_is_remembered_per_device() {
        let store = MemoryStore::new();
        let mut app = app(&store);
        let now = ts("2026-12-01T09:00:00Z");
        let to_lan = TransferChoice::ChangedFor("aaaa-0001".into());
        let first = app.transfer_content(&to_lan, now);
        assert_eq!(ids(&first), ["a", "b", "c"], "never sent: everything");
        app.mark_transferred("AAAA0001", "Chị Lan", &first, now).unwrap();
        assert!(app.transfer_content(&to_lan, now).file.contains("\"models\": []"), "nothing changed since");

        // b edited, c deleted: both travel to Lan; another device still gets everything
        let mut b = app.registry().get("b").unwrap().clone();
        b.title = "Mô hình B (sửa)".into();
        app.save_model(b, ts("2026-12-01T09:10:00Z")).unwrap();
        app.delete_model("c", ts("2026-12-01T09:11:00Z")).unwrap();
        let next = app.transfer_content(&to_lan, ts("2026-12-01T09:20:00Z"));
        assert_eq!(ids(&next), ["b", "c"]);
        assert_eq!((next.models, next.deleted), (1, 1));
        assert_eq!(ids(&app.transfer_content(&TransferChoice::ChangedFor("BBBB-0002".into()), now)).len(), 3);

        // remembered in storage, by the next start too
        app.mark_transferred("aaaa-0001", "", &next, ts("2026-12-01T09:21:00Z")).unwrap();
        let again = App::open(&store, 2, ts("2026-12-02T08:00:00Z"), || "x".into());
        let r = again.transfer_recipients();
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].code.as_str(), r[0].name.as_str(), r[0].at), ("AAAA-0001", "Chị Lan", ts("2026-12-01T09:21:00Z")));
        assert!(again.transfer_content(&to_lan, ts("2026-12-02T08:00:00Z")).file.contains("\"models\": []"));
    }

    #[test]
    fn at_most_so_many_recipients_are_remembered_the_oldest_forgotten() {
        let store = MemoryStore::new();
        let mut app = app(&store);
        let c = app.transfer_content(&TransferChoice::Model("a".into()), ts("2026-12-01T09:00:00Z"));
        for i in 0..RECIPIENTS_KEPT + 3 {
            app.mark_transferred(&format!("{i:08}"), "", &c, Timestamp::from_unix_millis(1_800_000_000_000 + i as i64 * 1000)).unwrap();
        }
        let r = app.transfer_recipients();
        assert_eq!(r.len(), RECIPIENTS_KEPT);
        assert_eq!(r[0].code, format!("{:04}-{:04}", 0, RECIPIENTS_KEPT + 2));
        assert!(r.iter().all(|x| x.code != "0000-0000"), "the first one forgotten");
    }
}
