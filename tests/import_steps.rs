//! An import saved in steps across tasks (`App::begin_import` / `import_more`, #28 item 2): it ends as the
//! one-shot import does; until its last step switches the manifest, storage holds the old registry whole
//! (another tab reads it so, a tab killed mid-import leaves it so, and what the killed tab wrote is removed
//! by a later load once its mark is stale, never before); another tab's save between its steps is taken
//! in, never written over; a change asked for meanwhile waits at the gate and lands after it.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use dvk_registry::app::{App, AppError, Event, FutureChoice, ImportDone, ImportPlan, ImportStep};
use dvk_registry::domain::exchange;
use dvk_registry::domain::model::Model;
use dvk_registry::domain::time::Timestamp;
use dvk_registry::storage::layout::{Manifest, BACKUP_PREFIX, RECORDS_KEY, SAVING_PREFIX};
use dvk_registry::storage::repository::Repository;
use dvk_registry::storage::{MemoryStore, Store};
use support::*;

/// A store of 300 models spread over every chunk.
fn seeded(store: &MemoryStore) {
    let mut app = app_on(store, "dev", at(0));
    let models = (1..=300).map(|i| model(&format!("m-{i}"), &format!("Mô hình {i}"), "dev")).collect();
    app.add_models(models, at(1)).unwrap();
}

/// A file from another device holding every record of `app`, 30 of them edited there and 400 new ones:
/// its import rewrites every chunk.
fn big_file<S: Store>(app: &App<S>) -> String {
    let mut other = fresh_app("o");
    let text = app.export_all(at(5));
    let plan = other.plan_import(exchange::read(text.as_bytes()).unwrap(), "f".into(), at(5));
    other.import(plan, FutureChoice::BringBack, at(5)).unwrap();
    for i in 1..=30 {
        let mut m = other.registry().get(&format!("m-{i}")).unwrap().clone();
        m.title = format!("Sửa ở máy kia {i}");
        other.save_model(m, at(10)).unwrap();
    }
    other.add_models((0..400).map(|i| model(&format!("n-{i}"), &format!("Mới {i}"), "o")).collect(), at(11)).unwrap();
    other.export_all(at(20))
}

fn plan_of<S: Store>(app: &App<S>, text: &str, now: Timestamp) -> ImportPlan {
    app.plan_import(exchange::read(text.as_bytes()).unwrap(), "f.json".into(), now)
}

/// Every key and value of a store.
fn contents(store: &MemoryStore) -> BTreeMap<String, String> {
    store.keys().unwrap().into_iter().map(|k| (k.clone(), store.get(&k).unwrap().unwrap())).collect()
}

/// Chunk keys that neither the manifest nor a backup names, and the marks of saves in steps.
fn strays(store: &MemoryStore) -> (BTreeSet<String>, BTreeSet<String>) {
    let keys = store.keys().unwrap();
    let mut named: BTreeSet<String> = BTreeSet::new();
    for k in keys.iter().filter(|k| *k == RECORDS_KEY || k.starts_with(BACKUP_PREFIX)) {
        if let Some(m) = Manifest::parse(&store.get(k).unwrap().unwrap()) {
            named.extend(m.keys());
        }
    }
    let chunks = keys.iter().filter(|k| k.starts_with("dvk.records.") && !named.contains(*k)).cloned().collect();
    let marks = keys.iter().filter(|k| k.starts_with(SAVING_PREFIX)).cloned().collect();
    (chunks, marks)
}

/// Steps the import `k` times (one chunk each); panics if it ends before.
fn steps<S: Store>(app: &mut App<S>, k: usize, now: Timestamp) {
    for _ in 0..k {
        match app.import_more(now, 1) {
            ImportStep::More { .. } => {}
            ImportStep::Done(r, _) => panic!("ended early: {:?}", r.map(|d| d.changed())),
        }
    }
}

/// Steps the import to its end, one chunk a step; the result, the steps taken and what landed after it.
fn to_the_end<S: Store>(app: &mut App<S>, now: Timestamp) -> (Result<ImportDone, AppError>, usize, usize) {
    let mut n = 0;
    loop {
        n += 1;
        match app.import_more(now, 1) {
            ImportStep::More { done, total } => assert!(done <= total, "{done} of {total}"),
            ImportStep::Done(r, landed) => {
                let k = landed.len();
                for l in landed {
                    l();
                }
                return (r, n, k);
            }
        }
    }
}

fn models_of<S: Store>(store: S, now: Timestamp) -> Vec<Model> {
    let mut repo = Repository::new(store);
    let loaded = repo.load(now);
    assert!(loaded.notices.is_empty(), "{:?}", loaded.notices);
    let mut ms = loaded.registry.all_models().to_vec();
    ms.sort_by(|a, b| a.id.cmp(&b.id));
    ms
}

/// The seeded registry in `store`, a tab there that has begun importing the big file and taken `k` steps,
/// the models stored before, and the file.
fn begun(store: &MemoryStore, k: usize) -> (App<&MemoryStore>, Vec<Model>, String) {
    seeded(store);
    let mut a = app_on(store, "dev", at(21));
    let text = big_file(&a);
    let before = models_of(store, at(21));
    let plan = plan_of(&a, &text, at(21));
    a.begin_import(plan, FutureChoice::BringBack, at(21)).unwrap();
    steps(&mut a, k, at(21));
    (a, before, text)
}

#[test]
fn a_stepped_import_ends_as_the_one_shot_import_does() {
    let (one, stepped) = (MemoryStore::new(), MemoryStore::new());
    seeded(&one);
    seeded(&stepped);
    assert_eq!(contents(&one), contents(&stepped));
    let mut a = app_on(&one, "dev", at(21));
    let mut b = app_on(&stepped, "dev", at(21));
    let text = big_file(&a);
    let done_a = a.import(plan_of(&a, &text, at(21)), FutureChoice::BringBack, at(21)).unwrap();
    let plan = plan_of(&b, &text, at(21));
    b.begin_import(plan, FutureChoice::BringBack, at(21)).unwrap();
    let (done_b, n, _) = to_the_end(&mut b, at(21));
    let done_b = done_b.unwrap();
    assert!(n > 60, "saved in {n} steps: a chunk a step");
    assert_eq!(done_a, done_b);
    assert_eq!(done_b.report.models.new, 400);
    assert_eq!(a.registry().all_models(), b.registry().all_models());
    assert_eq!(a.history().len(), b.history().len());
    assert_eq!(a.clock(), b.clock(), "the file's times accepted alike");
    assert_eq!(contents(&one), contents(&stepped), "stored alike, key for key");
    assert_eq!(strays(&stepped), Default::default());
}

#[test]
fn storage_read_mid_import_is_the_old_registry_whole() {
    let store = MemoryStore::new();
    let (mut a, before, _) = begun(&store, 30);
    assert!(!strays(&store).0.is_empty(), "new chunks were written under new keys");
    // another tab, reading now: the registry as it was, whole (and its load leaves the import's keys)
    assert_eq!(models_of(&store, at(22)), before);
    let other = app_on(&store, "dev", at(22));
    assert_eq!(other.registry().live_count(), 300);
    assert!(other.notices().is_empty());
    steps(&mut a, 10, at(23));
    assert_eq!(models_of(&store, at(23)), before);
    let (done, _, _) = to_the_end(&mut a, at(24));
    assert_eq!(done.unwrap().report.models.new, 400);
    assert!(!a.take_events().iter().any(|e| matches!(e, Event::MergedWithOtherTab { .. })), "no save of the other tab to take in");
    let after = models_of(&store, at(25));
    assert_eq!(after.len(), 700);
    let mut mine = a.registry().all_models().to_vec();
    mine.sort_by(|x, y| x.id.cmp(&y.id));
    assert_eq!(after, mine, "stored as imported");
    assert_eq!(strays(&store), Default::default());
}

#[test]
fn a_killed_import_leaves_the_old_registry_whole_and_what_it_wrote_is_removed_once_stale() {
    let store = MemoryStore::new();
    let (a, before, text) = begun(&store, 30);
    drop(a); // the tab is killed mid-import
    let (chunks, marks) = strays(&store);
    assert!(chunks.len() >= 20 && marks.len() == 1, "{chunks:?} {marks:?}");
    // a load soon after (the mark is fresh: it could be a live tab's save): the old registry, keys left
    let soon = app_on(&store, "dev", at(21 + 30));
    assert_eq!(soon.registry().live_count(), 300);
    assert_eq!(models_of(&store, at(21 + 30)), before);
    assert_eq!(strays(&store), (chunks.clone(), marks.clone()), "not removed while the mark is fresh");
    drop(soon);
    // a load once the mark is stale: removed, the old registry still whole
    let later = app_on(&store, "dev", at(21 + 90));
    assert_eq!(later.registry().live_count(), 300);
    assert_eq!(strays(&store), Default::default(), "what the killed import wrote is removed");
    assert_eq!(models_of(&store, at(21 + 91)), before);
    // and the file can be imported again
    let mut later = later;
    let plan = plan_of(&later, &text, at(21 + 92));
    later.begin_import(plan, FutureChoice::BringBack, at(21 + 92)).unwrap();
    assert_eq!(to_the_end(&mut later, at(21 + 92)).0.unwrap().report.models.new, 400);
    assert_eq!(models_of(&store, at(21 + 93)).len(), 700);
}

#[test]
fn another_tabs_save_between_steps_is_taken_in_never_written_over() {
    let store = MemoryStore::new();
    let (mut a, _, _) = begun(&store, 20);
    // another tab (no Web Locks between them) edits and adds while the import saves
    let mut b = app_on(&store, "dev", at(22));
    let mut m = b.registry().get("m-200").unwrap().clone();
    m.title = "Sửa ở thẻ B".into();
    b.save_model(m, at(22)).unwrap();
    b.add_models(vec![model("b-1", "Thêm ở thẻ B", "dev")], at(22)).unwrap();
    let (done, _, _) = to_the_end(&mut a, at(23));
    assert_eq!(done.unwrap().report.models.new, 400);
    assert!(a.take_events().iter().any(|e| matches!(e, Event::MergedWithOtherTab { .. })), "the other tab's save was taken in");
    let stored = models_of(&store, at(24));
    let get = |id: &str| stored.iter().find(|m| m.id == id).cloned();
    assert_eq!(get("m-200").unwrap().title, "Sửa ở thẻ B", "the other tab's edit stands");
    assert!(get("b-1").is_some(), "the other tab's new model stands");
    assert_eq!(get("m-1").unwrap().title, "Sửa ở máy kia 1", "and the import");
    assert_eq!(stored.len(), 701);
    assert_eq!(a.registry().get("m-200").unwrap().title, "Sửa ở thẻ B");
    assert_eq!(strays(&store), Default::default());
}

#[test]
fn a_change_asked_for_during_an_import_waits_at_the_gate_and_lands_after_it() {
    let store = MemoryStore::new();
    let (mut a, _, _) = begun(&store, 5);
    let landed = std::rc::Rc::new(std::cell::Cell::new(false));
    let l = landed.clone();
    let now = a.change(
        at(22),
        |app, now| {
            let mut m = app.registry().get("m-1").unwrap().clone();
            m.title = "Sửa trong lúc nhập".into();
            app.save_model(m, now)
        },
        move |r| {
            assert!(r.is_ok());
            l.set(true);
        },
    );
    assert!(now.is_none(), "it waits");
    assert_eq!(a.waiting(), 1);
    let (done, _, k) = to_the_end(&mut a, at(23));
    done.unwrap();
    assert_eq!(k, 1, "it landed when the import ended");
    assert!(landed.get());
    assert_eq!(a.registry().get("m-1").unwrap().title, "Sửa trong lúc nhập", "made after the import's version");
    assert_eq!(models_of(&store, at(24)).iter().find(|m| m.id == "m-1").unwrap().title, "Sửa trong lúc nhập");
}

#[test]
fn a_stepped_import_that_cannot_be_saved_is_undone_and_leaves_storage_as_the_backup() {
    let store = Faulty::new(MemoryStore::new());
    seeded(&store.inner);
    let mut a = app_on(&store, "dev", at(21));
    let text = big_file(&a);
    let before = models_of(&store.inner, at(21));
    let plan = plan_of(&a, &text, at(21));
    a.begin_import(plan, FutureChoice::BringBack, at(21)).unwrap();
    steps(&mut a, 10, at(21));
    store.refuse(Some("dvk.records."));
    let (done, _, _) = to_the_end(&mut a, at(22));
    assert_eq!(done.unwrap_err(), AppError::Quota);
    store.refuse(None);
    let mut mine = a.registry().all_models().to_vec();
    mine.sort_by(|x, y| x.id.cmp(&y.id));
    assert_eq!(mine, before, "undone in memory");
    assert_eq!(models_of(&store.inner, at(23)), before, "storage as the backup holds it");
    assert_eq!(strays(&store.inner), Default::default(), "what it wrote is removed");
}
