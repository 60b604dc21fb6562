//! Older layouts, migrated on load: schema 0 (plain JSON under `dvk.records`) and schema 1 (one encoded
//! value under `dvk.records`). A value is taken as schema 0 only if it is a JSON object holding a list of
//! models: anything else is unreadable, kept aside and reported, never read as an empty registry.

use super::*;

pub(super) fn load_old_layout<S: Store>(repo: &mut Repository<S>, version: u32, raw: &str, now: Timestamp, out: &mut Loaded) {
    let parsed: Option<StoredRecords> = match version {
        0 => serde_json::from_str::<serde_json::Value>(raw)
            .ok()
            .filter(|v| v.get("models").is_some_and(serde_json::Value::is_array))
            .and_then(|v| serde_json::from_value(v).ok()),
        _ => codec::decode(raw).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()),
    };
    match parsed {
        Some(records) => {
            out.registry = Registry::from_records(records.models, records.plans);
            out.history = records.history;
            // Migrate now (over the old layout, which no manifest describes); a failure leaves the old
            // layout, which still loads next time.
            let _ = repo.save_checked(&out.registry, &out.history, false, None::<&()>);
        }
        None => repo.keep_aside(RECORDS_KEY, raw, &format!("{CORRUPT_PREFIX}{}", now.unix_millis()), out),
    }
}
