//! The repository on `MemoryStore`: round trips, one chunk per edit, quotas, damage kept aside, older
//! schemas migrated, backups that copy nothing and rotate out, compare-and-swap between tabs, write order.

use super::*;
use crate::domain::history::{HistoryEntry, LostVersion};
use crate::domain::model::LocalityRef;
use crate::domain::test_support::ts;
use crate::storage::MemoryStore;

/// A history of one conflict entry.
fn one_entry() -> History {
    let mut m = Model::new("x".into(), ts("2024-01-01T00:00:00Z"), "dev-b");
    m.title = "Bản khác".into();
    let mut h = History::new();
    h.add(HistoryEntry { at: ts("2024-01-02T00:00:00Z"), id: "x".into(), title: "T".into(), lost: LostVersion::Model(Box::new(m)), concurrent: true, source: "f".into(), resolved: false });
    h
}

fn registry(n: usize) -> Registry {
    let models = (0..n)
        .map(|i| {
            let mut m = Model::new(format!("id-{i}"), ts("2024-01-01T00:00:00Z"), "dev");
            m.title = format!("Mô hình số {i}");
            m.locality = LocalityRef { code: Some(20101), name: "Xã A Lưới 4".into(), ..Default::default() };
            m
        })
        .collect();
    Registry::from_records(models, vec![])
}

/// A repository on a fresh memory store that holds `registry(n)`, and that registry.
fn saved(n: usize) -> (Repository<MemoryStore>, Registry) {
    let mut repo = Repository::new(MemoryStore::new());
    let r = registry(n);
    save(&mut repo, &r);
    (repo, r)
}

/// The same on `store` (shared with the test, as another tab's would be).
fn saved_on(store: &MemoryStore, n: usize) -> (Repository<&MemoryStore>, Registry) {
    let mut repo = Repository::new(store);
    let r = registry(n);
    save(&mut repo, &r);
    (repo, r)
}

/// Takes a backup of `r` (with an empty history) at `at`; it must succeed. Returns its key.
fn backup<S: Store>(repo: &mut Repository<S>, r: &Registry, at: Timestamp) -> String {
    repo.save_backup(r, &History::new(), at).unwrap()
}

/// Saves `r` with an empty history; the save must succeed.
fn save<S: Store>(repo: &mut Repository<S>, r: &Registry) -> SaveReport {
    repo.save(r, &History::new()).unwrap()
}

/// The records sorted by id, as JSON (order in storage is not meaningful; JSON keeps failures short).
fn records(r: &Registry) -> Vec<String> {
    let mut v: Vec<String> = r.all_models().iter().map(|m| serde_json::to_string(m).unwrap()).collect();
    v.sort();
    v
}

fn record_keys(store: &MemoryStore) -> Vec<String> {
    store.keys().unwrap().into_iter().filter(|k| k.starts_with("dvk.records.")).collect()
}

#[test]
fn save_then_load_gives_the_same_records() {
    let mut repo = Repository::new(MemoryStore::new());
    let fresh = repo.load(ts("2024-01-01T00:00:00Z"));
    assert_eq!(fresh.registry.all_models().len(), 0);
    assert!(fresh.notices.is_empty());
    let r = registry(300);
    repo.save(&r, &one_entry()).unwrap();
    let mut back = Repository::new(repo.store);
    let loaded = back.load(ts("2024-01-02T00:00:00Z"));
    assert_eq!(records(&loaded.registry), records(&r));
    assert_eq!(loaded.history.len(), 1);
    assert_eq!(back.store().get(SCHEMA_KEY).unwrap().as_deref(), Some("2"));
}

#[test]
fn an_edit_rewrites_one_chunk_and_leaves_no_stale_keys() {
    let (mut repo, mut r) = saved(500);
    let before = record_keys(repo.store());
    assert_eq!(before.len(), CHUNKS as usize + 2, "the model chunks, plans and history");
    let full: usize = before.iter().map(|k| repo.store().get(k).unwrap().unwrap().encode_utf16().count()).sum();
    edit_one(&mut r, "id-42", "Đã sửa");
    let units = save(&mut repo, &r).units;
    let after = record_keys(repo.store());
    assert_eq!(after.len(), before.len(), "the replaced chunk's old key is removed");
    let changed: Vec<&String> = after.iter().filter(|k| !before.contains(k)).collect();
    assert_eq!(changed.len(), 1, "only the edited model's chunk is rewritten: {changed:?}");
    assert!(changed[0].starts_with(&format!("dvk.records.{}.", chunk_of("id-42"))));
    assert!(units * 10 < full, "{units} units written of {full}");
    assert!(units > 0);
    assert_eq!(save(&mut repo, &r).units, 0, "nothing changed, nothing written");
    let again = Repository::new(repo.store).load(ts("2024-01-02T00:00:00Z"));
    assert_eq!(again.registry.get("id-42").unwrap().title, "Đã sửa");
}

#[test]
fn a_replaced_registry_with_the_same_ids_is_written_whole() {
    let (mut repo, r) = saved(100);
    // e.g. a backup restored: same ids, other content, a new Registry value
    let mut models: Vec<Model> = r.all_models().to_vec();
    for m in &mut models {
        m.title = format!("{} (khôi phục)", m.title);
    }
    let restored = Registry::from_records(models, vec![]);
    assert!(save(&mut repo, &restored).units > 0);
    let back = Repository::new(repo.store).load(ts("2024-01-02T00:00:00Z"));
    assert_eq!(records(&back.registry), records(&restored));
}

#[test]
fn after_loading_an_edit_still_rewrites_only_its_chunk() {
    let mut repo = Repository::new(MemoryStore::new());
    save(&mut repo, &registry(300));
    let mut again = Repository::new(repo.store);
    let mut r = again.load(ts("2024-01-02T00:00:00Z")).registry;
    let before = record_keys(again.store());
    edit_one(&mut r, "id-5", "Sửa sau khi tải");
    save(&mut again, &r);
    let after = record_keys(again.store());
    assert_eq!(after.iter().filter(|k| !before.contains(k)).count(), 1);
    let back = Repository::new(again.store).load(ts("2024-01-03T00:00:00Z"));
    assert_eq!(back.registry.get("id-5").unwrap().title, "Sửa sau khi tải");
}

#[test]
fn a_full_quota_keeps_the_last_good_copy() {
    let mut probe = Repository::new(MemoryStore::new());
    let small = registry(2);
    save(&mut probe, &small);
    let used = probe.store().used_units();
    let mut repo = Repository::new(MemoryStore::with_quota(used + 2000));
    save(&mut repo, &small);
    let keys_before = record_keys(repo.store());
    let big = registry(3000);
    assert_eq!(repo.save(&big, &History::new()), Err(SaveError::Store(StoreError::QuotaExceeded)));
    assert_eq!(record_keys(repo.store()), keys_before, "chunks written by the failed save are removed");
    let back = Repository::new(repo.store).load(ts("2024-01-02T00:00:00Z"));
    assert_eq!(records(&back.registry), records(&small), "the last good copy is intact");
}

#[test]
fn a_corrupted_chunk_is_kept_aside_and_the_others_load() {
    let (repo, r) = saved(200);
    let victim = chunk_of("id-7");
    let key = record_keys(repo.store()).into_iter().find(|k| k.starts_with(&format!("dvk.records.{victim}."))).unwrap();
    repo.store().set(&key, "DVKZ1:10:garbage").unwrap();
    let now = ts("2024-01-02T00:00:00Z");
    let mut back = Repository::new(repo.store);
    let loaded = back.load(now);
    let aside = format!("{CORRUPT_PREFIX}{}.{victim}", now.unix_millis());
    assert_eq!(loaded.notices, vec![Notice::CorruptKeptAside { key: aside.clone() }]);
    assert_eq!(back.store().get(&aside).unwrap().as_deref(), Some("DVKZ1:10:garbage"));
    assert!(loaded.registry.get("id-7").is_none());
    let lost = r.all_models().iter().filter(|m| chunk_of(&m.id) == victim).count();
    assert_eq!(loaded.registry.all_models().len(), 200 - lost, "every other chunk loads");
    assert_eq!(back.read_only(), Some(ReadOnly::Damaged), "saving now would make the loss permanent");
}

#[test]
fn a_corrupted_manifest_is_kept_aside_and_reported() {
    let store = MemoryStore::new();
    store.set(SCHEMA_KEY, "2").unwrap();
    store.set(RECORDS_KEY, "{not a manifest").unwrap();
    let mut repo = Repository::new(store);
    let now = ts("2024-01-02T00:00:00Z");
    let loaded = repo.load(now);
    let key = format!("{CORRUPT_PREFIX}{}", now.unix_millis());
    assert_eq!(loaded.notices, vec![Notice::CorruptKeptAside { key: key.clone() }]);
    assert_eq!(repo.store().get(&key).unwrap().as_deref(), Some("{not a manifest"));
    assert_eq!(repo.kept_aside(), vec![key]);
}

#[test]
fn a_corrupted_value_that_cannot_be_copied_is_never_overwritten() {
    let junk = "DVKZ1:10:".to_string() + &"x".repeat(100);
    let store = MemoryStore::with_quota(200);
    store.set(SCHEMA_KEY, "1").unwrap();
    store.set(RECORDS_KEY, &junk).unwrap();
    let mut repo = Repository::new(store);
    let loaded = repo.load(ts("2024-01-02T00:00:00Z"));
    assert_eq!(loaded.notices, vec![Notice::CorruptLeftInPlace]);
    assert_eq!(repo.save(&registry(1), &History::new()), Err(SaveError::ReadOnly(ReadOnly::CorruptInPlace)));
    assert_eq!(repo.store().get(RECORDS_KEY).unwrap(), Some(junk));
}

#[test]
fn newer_schema_is_not_overwritten() {
    let store = MemoryStore::new();
    store.set(SCHEMA_KEY, "7").unwrap();
    store.set(RECORDS_KEY, "whatever v7 writes").unwrap();
    let mut repo = Repository::new(store);
    let loaded = repo.load(ts("2024-01-02T00:00:00Z"));
    assert_eq!(loaded.notices, vec![Notice::NewerSchema { found: 7 }]);
    assert_eq!(repo.save(&registry(1), &History::new()), Err(SaveError::ReadOnly(ReadOnly::NewerSchema)));
    assert_eq!(repo.store().get(RECORDS_KEY).unwrap().as_deref(), Some("whatever v7 writes"));
}

#[test]
fn schema_0_plain_json_is_migrated() {
    let r = registry(3);
    let plain = serde_json::json!({"models": r.all_models(), "plans": []}).to_string();
    let store = MemoryStore::new();
    store.set(RECORDS_KEY, &plain).unwrap();
    let mut repo = Repository::new(store);
    let loaded = repo.load(ts("2024-01-02T00:00:00Z"));
    assert_eq!(records(&loaded.registry), records(&r));
    assert_eq!(repo.store().get(SCHEMA_KEY).unwrap().as_deref(), Some("2"));
    let again = Repository::new(repo.store).load(ts("2024-01-03T00:00:00Z"));
    assert_eq!(records(&again.registry), records(&r));
}

#[test]
fn schema_1_single_value_is_migrated() {
    let r = registry(40);
    let store = MemoryStore::new();
    store.set(SCHEMA_KEY, "1").unwrap();
    store.set(RECORDS_KEY, &encode_records(&r, &one_entry())).unwrap();
    let mut repo = Repository::new(store);
    let loaded = repo.load(ts("2024-01-02T00:00:00Z"));
    assert_eq!(records(&loaded.registry), records(&r));
    assert_eq!(repo.store().get(SCHEMA_KEY).unwrap().as_deref(), Some("2"));
    let again = Repository::new(repo.store).load(ts("2024-01-03T00:00:00Z"));
    assert_eq!(records(&again.registry), records(&r));
    assert_eq!(again.history.len(), 1);
}

#[test]
fn backups_keep_the_newest_few_and_restore() {
    let mut repo = Repository::new(MemoryStore::new());
    for i in 0..5 {
        let at = Timestamp::from_unix_millis(1_700_000_000_000 + i * 1000);
        repo.save_backup(&registry(i as usize + 1), &History::new(), at).unwrap();
    }
    let list = repo.backups();
    assert_eq!(list.len(), BACKUPS_KEPT);
    assert!(list[0].at > list[1].at, "newest first");
    let (r, _) = repo.load_backup(&list[0].key).unwrap();
    assert_eq!(r.all_models().len(), 5);
    assert_eq!(list[0].models, 5, "the listing knows the count without reading the backup");
    assert!(repo.load_backup("dvk.backup.nothing").is_none());
}

#[test]
fn a_backup_that_does_not_fit_is_refused() {
    let mut repo = Repository::new(MemoryStore::with_quota(50));
    let r = registry(50);
    assert_eq!(repo.save_backup(&r, &History::new(), ts("2024-01-01T00:00:00Z")), Err(SaveError::Store(StoreError::QuotaExceeded)));
    assert!(repo.backups().is_empty());
}

/// `n` models that compress about as badly as real ones (a pseudo-random description each), so chunk
/// sizes dwarf the manifests in quota arithmetic.
fn noisy_registry(n: usize) -> Registry {
    let models = (0..n)
        .map(|i| {
            let mut m = Model::new(format!("id-{i}"), ts("2024-01-01T00:00:00Z"), "dev");
            m.title = format!("Mô hình số {i}");
            let mut x = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            m.description = (0..12)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    format!("{x:016x}")
                })
                .collect();
            m
        })
        .collect();
    Registry::from_records(models, vec![])
}

/// Every model edited on this device at `at` (as a full import that changes every chunk would).
fn edit_all(r: &Registry, at: &str) -> Registry {
    let mut out = r.clone();
    for m in r.all_models() {
        out.save(m.clone(), ts(at), "dev");
    }
    out
}

fn edit_one(r: &mut Registry, id: &str, title: &str) {
    let mut m = r.get(id).unwrap().clone();
    m.title = title.into();
    r.put(m);
}

fn at(i: i64) -> Timestamp {
    Timestamp::from_unix_millis(1_700_000_000_000 + i * 1000)
}

/// Every chunk key the stored manifest or a stored backup names.
fn named_keys(store: &MemoryStore) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for k in store.keys().unwrap() {
        if k == RECORDS_KEY || k.starts_with(BACKUP_PREFIX) {
            if let Ok(m) = serde_json::from_str::<Manifest>(&store.get(&k).unwrap().unwrap()) {
                out.extend(m.keys());
            }
        }
    }
    out
}

fn stored_keys(store: &MemoryStore) -> std::collections::BTreeSet<String> {
    record_keys(store).into_iter().collect()
}

#[test]
fn a_backup_copies_no_chunk() {
    let mut repo = Repository::new(MemoryStore::new());
    let r = noisy_registry(500);
    save(&mut repo, &r);
    let keys = record_keys(repo.store());
    let used = repo.store().used_units();
    let key = backup(&mut repo, &r, at(1));
    let value = repo.store().get(&key).unwrap().unwrap();
    let grown = repo.store().used_units() - used;
    assert_eq!(grown, key.encode_utf16().count() + value.encode_utf16().count(), "only the backup's own value");
    assert!(grown < 1_000, "a backup of {used} units costs {grown}: the manifest, whatever the size");
    assert_eq!(record_keys(repo.store()), keys, "no chunk written or removed");
    let (b, _) = repo.load_backup(&key).unwrap();
    assert_eq!(records(&b), records(&r));
}

#[test]
fn a_backup_saves_unsaved_changes_first() {
    let (mut repo, mut r) = saved(200);
    edit_one(&mut r, "id-3", "Chưa lưu");
    let history = one_entry();
    let key = repo.save_backup(&r, &history, at(1)).unwrap();
    let (b, h) = repo.load_backup(&key).unwrap();
    assert_eq!(b.get("id-3").unwrap().title, "Chưa lưu");
    assert_eq!(h.len(), 1);
    let loaded = Repository::new(repo.store).load(at(2));
    assert_eq!(records(&loaded.registry), records(&r), "the change is saved as well");
}

#[test]
fn after_a_backup_and_an_edit_the_backup_keeps_the_old_content() {
    let mut repo = Repository::new(MemoryStore::new());
    let old = registry(300);
    save(&mut repo, &old);
    let key = backup(&mut repo, &old, at(1));
    let mut new = old.clone();
    edit_one(&mut new, "id-42", "Đã sửa");
    repo.save(&new, &one_entry()).unwrap();
    // the edited chunk and the history chunk have a new key each; the backup keeps their old ones
    assert_eq!(record_keys(repo.store()).len(), CHUNKS as usize + 2 + 2);
    assert_eq!(stored_keys(repo.store()), named_keys(repo.store()));
    let (b, h) = repo.load_backup(&key).unwrap();
    assert_eq!(records(&b), records(&old));
    assert!(h.is_empty());
    let mut again = Repository::new(repo.store);
    let loaded = again.load(at(2));
    assert!(loaded.notices.is_empty(), "kept chunks are neither stray nor corrupt: {:?}", loaded.notices);
    assert_eq!(records(&loaded.registry), records(&new));
    assert_eq!(loaded.history.len(), 1);
    // a repository that only loaded keeps them too
    edit_one(&mut new, "id-42", "Sửa lần hai");
    save(&mut again, &new);
    assert_eq!(records(&again.load_backup(&key).unwrap().0), records(&old));
    assert_eq!(stored_keys(again.store()), named_keys(again.store()));
}

#[test]
fn rotating_backups_out_removes_exactly_the_chunks_nobody_names() {
    let (mut repo, mut r) = saved(400);
    let mut taken: Vec<(String, Vec<String>)> = Vec::new();
    for i in 0..12 {
        let key = backup(&mut repo, &r, at(i));
        taken.push((key, records(&r)));
        for j in 0..3 {
            edit_one(&mut r, &format!("id-{}", (i * 37 + j * 101) % 400), &format!("Lần {i}.{j}"));
        }
        save(&mut repo, &r);
        let list = repo.backups();
        assert_eq!(list.len(), (i as usize + 1).min(BACKUPS_KEPT));
        for (key, content) in &taken[taken.len() - list.len()..] {
            assert!(list.iter().any(|b| &b.key == key), "the newest are kept");
            assert_eq!(&records(&repo.load_backup(key).unwrap().0), content, "{key} still loads as taken");
        }
        for (key, _) in &taken[..taken.len() - list.len()] {
            assert!(repo.store().get(key).unwrap().is_none(), "{key} rotated out");
        }
        assert_eq!(stored_keys(repo.store()), named_keys(repo.store()), "cycle {i}: no chunk leaks, none named is gone");
    }
    // the current 65, plus at most 4 older chunk keys (3 edited chunks and the plans chunk) per backup
    let n = record_keys(repo.store()).len();
    assert!(n <= CHUNKS as usize + 2 + BACKUPS_KEPT * 4, "{n} chunk keys");
    assert_eq!(records(&Repository::new(repo.store).load(at(99)).registry), records(&r));
}

/// The units a registry takes when stored alone.
fn alone(r: &Registry) -> usize {
    let mut probe = Repository::new(MemoryStore::new());
    save(&mut probe, r);
    probe.store().used_units()
}

#[test]
fn a_full_import_fits_in_twice_the_registry_and_can_be_undone() {
    let r0 = noisy_registry(1500);
    let size = alone(&r0);
    let mut repo = Repository::new(MemoryStore::with_quota(size * 21 / 10));
    save(&mut repo, &r0);
    // an import: backup, then every chunk rewritten while the backed-up ones stay
    let b1 = backup(&mut repo, &r0, at(1));
    let r1 = edit_all(&r0, "2024-02-01T00:00:00Z");
    save(&mut repo, &r1);
    assert_eq!(records(&repo.load_backup(&b1).unwrap().0), records(&r0));
    // a second import: the first backup holds a whole older generation, so the save drops it for room
    let b2 = backup(&mut repo, &r1, at(2));
    let r2 = edit_all(&r1, "2024-03-01T00:00:00Z");
    save(&mut repo, &r2);
    let list: Vec<String> = repo.backups().into_iter().map(|b| b.key).collect();
    assert_eq!(list, vec![b2.clone()], "the older backup made room; the one taken for this import stays");
    assert_eq!(records(&repo.load_backup(&b2).unwrap().0), records(&r1));
    assert_eq!(stored_keys(repo.store()), named_keys(repo.store()));
    // undo it as the exchange page does: read the backup, back up what is there, save the backup's content
    let (restored, history) = repo.load_backup(&b2).unwrap();
    let b3 = backup(&mut repo, &r2, at(3));
    repo.save(&restored, &history).unwrap();
    assert_eq!(records(&repo.load_backup(&b3).unwrap().0), records(&r2), "the undo can itself be undone");
    assert_eq!(stored_keys(repo.store()), named_keys(repo.store()));
    let loaded = Repository::new(repo.store).load(at(4));
    assert!(loaded.notices.is_empty());
    assert_eq!(records(&loaded.registry), records(&r1));
}

#[test]
fn a_full_import_without_twice_the_room_fails_cleanly() {
    let r0 = noisy_registry(1500);
    let size = alone(&r0);
    let store = MemoryStore::with_quota(size * 19 / 10);
    let mut repo = Repository::new(&store);
    save(&mut repo, &r0);
    let b1 = backup(&mut repo, &r0, at(1));
    let keys = record_keys(&store);
    let r1 = edit_all(&r0, "2024-02-01T00:00:00Z");
    assert_eq!(repo.save(&r1, &History::new()), Err(SaveError::Store(StoreError::QuotaExceeded)));
    assert_eq!(record_keys(&store), keys, "the chunks written by the failed save are removed");
    assert_eq!(repo.backups().len(), 1, "the backup taken for the import is never dropped");
    assert_eq!(records(&repo.load_backup(&b1).unwrap().0), records(&r0));
    assert_eq!(records(&Repository::new(&store).load(at(2)).registry), records(&r0), "the last good copy is intact");
    // and the repository goes on: an ordinary edit still saves
    let mut small = r0.clone();
    edit_one(&mut small, "id-9", "Vẫn lưu được");
    save(&mut repo, &small);
    assert_eq!(Repository::new(&store).load(at(3)).registry.get("id-9").unwrap().title, "Vẫn lưu được");
    assert_eq!(records(&repo.load_backup(&b1).unwrap().0), records(&r0));
}

#[test]
fn backups_of_the_previous_version_still_load_and_rotate_out() {
    let mut repo = Repository::new(MemoryStore::new());
    let history = one_entry();
    for i in 0..3 {
        let r = registry(10 + i);
        let key = format!("{BACKUP_PREFIX}{}.{}", at(i as i64).unix_millis(), r.live_count());
        repo.store().set(&key, &encode_records(&r, &history)).unwrap();
    }
    let (r, h) = repo.load_backup(&format!("{BACKUP_PREFIX}{}.11", at(1).unix_millis())).unwrap();
    assert_eq!(records(&r), records(&registry(11)));
    assert_eq!(h.len(), 1);
    let current = registry(50);
    save(&mut repo, &current);
    let key = backup(&mut repo, &current, at(5));
    let list: Vec<usize> = repo.backups().into_iter().map(|b| b.models).collect();
    assert_eq!(list, vec![50, 12, 11], "the oldest old-style backup rotated out");
    assert_eq!(records(&repo.load_backup(&key).unwrap().0), records(&current));
    let mut next = current.clone();
    edit_one(&mut next, "id-1", "Mới");
    save(&mut repo, &next);
    assert_eq!(stored_keys(repo.store()), named_keys(repo.store()));
    assert_eq!(records(&repo.load_backup(&key).unwrap().0), records(&current));
}

#[test]
fn a_damaged_backup_gives_none() {
    let (mut repo, r) = saved(100);
    let key = backup(&mut repo, &r, at(1));
    let manifest: Manifest = serde_json::from_str(&repo.store().get(&key).unwrap().unwrap()).unwrap();
    let chunk = manifest.keys().next().unwrap();
    // a chunk it names is damaged, then missing
    let good = repo.store().get(&chunk).unwrap().unwrap();
    repo.store().set(&chunk, "DVKZ1:10:garbage").unwrap();
    assert!(repo.load_backup(&key).is_none());
    repo.store().remove(&chunk).unwrap();
    assert!(repo.load_backup(&key).is_none());
    repo.store().set(&chunk, &good).unwrap();
    assert!(repo.load_backup(&key).is_some());
    // its own value damaged
    for junk in ["{\"generation\": 3, \"chunks\": {\"m00\": ", "{not json", "", "DVKZ1:10:garbage", "{\"generation\":1,\"chunks\":{\"m00\":99}}"] {
        repo.store().set(&key, junk).unwrap();
        assert!(repo.load_backup(&key).is_none(), "{junk:?}");
    }
}

#[test]
fn a_second_repository_backs_up_without_rewriting() {
    // as a page part (or another tab) that did not load the registry itself
    let store = MemoryStore::new();
    let (mut first, mut r) = saved_on(&store, 300);
    let keys = record_keys(&store);
    let mut other = Repository::new(&store);
    assert_eq!(other.save_backup(&r, &History::new(), at(1)), Err(SaveError::Stale), "it has not read what is stored");
    other.load(at(1));
    let key = backup(&mut other, &r, at(1));
    assert_eq!(record_keys(&store), keys, "it reads the stored registry and finds nothing to write");
    edit_one(&mut r, "id-8", "Sau sao lưu");
    save(&mut first, &r);
    assert_eq!(records(&other.load_backup(&key).unwrap().0), records(&registry(300)));
    assert_eq!(stored_keys(&store), named_keys(&store));
}

#[test]
fn chunks_a_backup_names_are_never_overwritten_after_the_manifest_is_lost() {
    let store = MemoryStore::new();
    let (mut repo, r) = saved_on(&store, 100);
    let key = backup(&mut repo, &r, at(1));
    store.set(RECORDS_KEY, "{damaged").unwrap();
    let mut fresh = Repository::new(&store);
    let loaded = fresh.load(at(2));
    assert_eq!(loaded.notices.len(), 1, "{:?}", loaded.notices);
    save(&mut fresh, &registry(3));
    assert_eq!(records(&fresh.load_backup(&key).unwrap().0), records(&r), "the backup's chunks were not overwritten");
    assert_eq!(records(&Repository::new(&store).load(at(3)).registry), records(&registry(3)));
}

#[test]
fn the_manifest_text_is_what_is_stored_after_a_save_and_after_a_load() {
    let store = MemoryStore::new();
    let mut repo = Repository::new(&store);
    assert_eq!(repo.manifest_text(), None);
    save(&mut repo, &registry(30));
    let stored = store.get(RECORDS_KEY).unwrap();
    assert!(stored.is_some());
    assert_eq!(repo.manifest_text(), stored);
    let mut other = Repository::new(&store);
    let _ = other.load(ts("2024-01-01T00:00:00Z"));
    assert_eq!(other.manifest_text(), stored, "read back in the same form");
    // someone else saves: the first repository's text no longer matches what is stored
    let mut r = registry(30);
    edit_one(&mut r, "id-0", "Khác");
    save(&mut other, &r);
    assert_ne!(repo.manifest_text(), store.get(RECORDS_KEY).unwrap());
}

#[test]
fn a_save_over_a_state_it_did_not_read_is_refused_as_stale() {
    let store = MemoryStore::new();
    let mut a = Repository::new(&store);
    let mut b = Repository::with_writer(&store, 7);
    let r = registry(300);
    save(&mut a, &r);
    b.load(at(1));
    let mut ra = r.clone();
    edit_one(&mut ra, "id-1", "Tab A");
    save(&mut a, &ra);
    let keys = record_keys(&store);
    let manifest = store.get(RECORDS_KEY).unwrap();
    let mut rb = r.clone();
    edit_one(&mut rb, "id-2", "Tab B");
    assert_eq!(b.save(&rb, &History::new()), Err(SaveError::Stale));
    assert_eq!(record_keys(&store), keys, "nothing written, nothing removed");
    assert_eq!(store.get(RECORDS_KEY).unwrap(), manifest);
    assert!(!b.in_step());
    // once it has read what is stored, it may write
    let loaded = b.load(at(2));
    assert_eq!(loaded.registry.get("id-1").unwrap().title, "Tab A");
    let mut rb = loaded.registry;
    edit_one(&mut rb, "id-2", "Tab B");
    save(&mut b, &rb);
    let back = Repository::new(&store).load(at(3)).registry;
    assert_eq!(back.get("id-1").unwrap().title, "Tab A");
    assert_eq!(back.get("id-2").unwrap().title, "Tab B");
    assert_eq!(back.all_models().len(), 300);
}

#[test]
fn a_missing_chunk_is_reported_and_nothing_is_written_until_the_officer_decides() {
    let store = MemoryStore::new();
    saved_on(&store, 300);
    let victim = chunk_of("id-7");
    let key = record_keys(&store).into_iter().find(|k| k.starts_with(&format!("dvk.records.{victim}."))).unwrap();
    store.remove(&key).unwrap();
    let mut back = Repository::new(&store);
    let loaded = back.load(at(1));
    assert_eq!(loaded.notices, vec![Notice::MissingChunks { chunks: vec![victim.clone()] }]);
    assert!(loaded.registry.get("id-7").is_none());
    assert_eq!(back.read_only(), Some(ReadOnly::Damaged));
    let manifest = store.get(RECORDS_KEY).unwrap();
    assert_eq!(back.save(&loaded.registry, &History::new()), Err(SaveError::ReadOnly(ReadOnly::Damaged)));
    assert_eq!(store.get(RECORDS_KEY).unwrap(), manifest, "the manifest still names the missing chunk");
    // a backup of the damaged state can still be taken (it names the chunks as they are)
    let (bk, _) = back.write_backup(at(2), loaded.registry.live_count(), None).unwrap();
    assert!(back.load_backup(&bk).is_none(), "it names the missing chunk");
    back.accept_damage();
    save(&mut back, &loaded.registry);
    let again = Repository::new(&store).load(at(3));
    assert!(again.notices.is_empty());
    assert_eq!(again.registry.all_models().len(), loaded.registry.all_models().len());
}

#[test]
fn a_manifest_without_the_schema_key_is_read_as_schema_2_never_as_nothing() {
    let store = MemoryStore::new();
    let (_, r) = saved_on(&store, 120);
    store.remove(SCHEMA_KEY).unwrap();
    let mut back = Repository::new(&store);
    let loaded = back.load(at(1));
    assert!(loaded.notices.is_empty(), "{:?}", loaded.notices);
    assert_eq!(records(&loaded.registry), records(&r));
    let mut next = loaded.registry.clone();
    edit_one(&mut next, "id-3", "Sau khi mất khoá schema");
    save(&mut back, &next);
    assert_eq!(store.get(SCHEMA_KEY).unwrap().as_deref(), Some("2"));
    assert_eq!(records(&Repository::new(&store).load(at(2)).registry), records(&next));
}

#[test]
fn a_value_without_schema_that_holds_no_models_is_kept_aside_not_read_as_empty() {
    for junk in ["{}", "{\"generation\": \"x\"}", "[1,2,3]", "null", "{\"models\": 5}"] {
        let store = MemoryStore::new();
        store.set(RECORDS_KEY, junk).unwrap();
        let mut repo = Repository::new(&store);
        let loaded = repo.load(at(1));
        assert!(matches!(loaded.notices.as_slice(), [Notice::CorruptKeptAside { .. }]), "{junk}: {:?}", loaded.notices);
        assert_eq!(repo.kept_aside().len(), 1);
        assert_eq!(store.get(&repo.kept_aside()[0]).unwrap().as_deref(), Some(junk), "kept as it was");
    }
}

#[test]
fn orphan_chunks_of_an_interrupted_save_are_removed_at_load() {
    let store = MemoryStore::new();
    let (_, r) = saved_on(&store, 200);
    let generation = Manifest::parse(&store.get(RECORDS_KEY).unwrap().unwrap()).unwrap().generation;
    // a save that wrote a chunk and was killed before its manifest switched
    let orphan = chunk_key("m03", generation + 1);
    store.set(&orphan, "DVKZ1:1:x").unwrap();
    // an older leftover
    let old = chunk_key("m04", 0);
    store.set(&old, "DVKZ1:1:x").unwrap();
    let mut back = Repository::new(&store);
    back.load(at(1));
    assert!(store.get(&old).unwrap().is_none(), "older than the manifest, named by nobody: removed");
    assert!(store.get(&orphan).unwrap().is_some(), "newer: perhaps another tab's save under way, kept");
    // the next save's generation passes it, so the load after that removes it
    let mut next = r.clone();
    edit_one(&mut next, "id-1", "x");
    save(&mut back, &next);
    Repository::new(&store).load(at(2));
    assert!(store.get(&orphan).unwrap().is_none());
    assert_eq!(stored_keys(&store), named_keys(&store));
}

#[test]
fn an_older_tab_never_writes_over_a_newer_schema() {
    let store = MemoryStore::new();
    let mut repo = Repository::new(&store);
    save(&mut repo, &registry(10));
    // a newer app in another tab upgrades the data
    store.set(SCHEMA_KEY, "3").unwrap();
    store.set(RECORDS_KEY, "{\"v3\": true}").unwrap();
    assert_eq!(repo.save(&registry(11), &History::new()), Err(SaveError::ReadOnly(ReadOnly::NewerSchema)));
    assert_eq!(store.get(RECORDS_KEY).unwrap().as_deref(), Some("{\"v3\": true}"));
    assert_eq!(store.get(SCHEMA_KEY).unwrap().as_deref(), Some("3"));
}

/// A store that logs the keys written, in order.
struct Logging<'a>(&'a MemoryStore, std::cell::RefCell<Vec<String>>);
impl Store for Logging<'_> {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.0.get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.1.borrow_mut().push(key.to_string());
        self.0.set(key, value)
    }
    fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.0.remove(key)
    }
    fn keys(&self) -> Result<Vec<String>, StoreError> {
        self.0.keys()
    }
}

#[test]
fn chunks_then_the_schema_key_then_the_manifest() {
    let store = MemoryStore::new();
    let logging = Logging(&store, Default::default());
    let mut repo = Repository::new(&logging);
    save(&mut repo, &registry(50));
    let log = logging.1.borrow().clone();
    let n = log.len();
    assert_eq!(&log[n - 2..], &[SCHEMA_KEY.to_string(), RECORDS_KEY.to_string()]);
    assert!(log[..n - 2].iter().all(|k| generation_of(k).is_some()));
}

/// Sync's per-document state for 20,000 records did not fit beside them as plain JSON (BENCHMARKS row 10):
/// a packed value takes a fraction of the room, reads back the same, and a value stored plain by an
/// earlier version still reads; a damaged packed value reads as absent.
#[test]
fn a_packed_value_is_smaller_reads_back_and_plain_json_still_reads() {
    let (repo, _) = saved(0);
    let value: std::collections::BTreeMap<String, (String, u64)> =
        (0..2000).map(|i| (format!("model:{i:08x}-0000-4000-8000-{i:012x}"), (format!("3-{i:032x}"), i * 7919))).collect();
    repo.write_value("dvk.plain", &value).unwrap();
    repo.write_packed_value("dvk.packed", &value).unwrap();
    let plain = repo.store.get("dvk.plain").unwrap().unwrap().encode_utf16().count();
    let packed = repo.store.get("dvk.packed").unwrap().unwrap().encode_utf16().count();
    assert!(packed * 3 < plain, "packed {packed} units, plain {plain}");
    assert_eq!(repo.read_packed_value::<std::collections::BTreeMap<String, (String, u64)>>("dvk.packed"), Some(value.clone()));
    assert_eq!(repo.read_packed_value::<std::collections::BTreeMap<String, (String, u64)>>("dvk.plain"), Some(value), "as earlier versions stored it");
    let damaged: String = repo.store.get("dvk.packed").unwrap().unwrap().chars().take(40).collect();
    repo.store.set("dvk.packed", &damaged).unwrap();
    assert_eq!(repo.read_packed_value::<std::collections::BTreeMap<String, (String, u64)>>("dvk.packed"), None);
}
