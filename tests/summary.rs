//! The stored summary and the write gate (issue #28 item 1), natively on `MemoryStore`: the summary a save
//! stores is always exactly the statistics of what the chunks hold, after every kind of change; one that is
//! missing, stale or unreadable is never shown (the app reads everything first, with the same figures);
//! and a change made while the chunks are still being read waits at the gate and lands after the last one,
//! in order, nothing lost.

mod support;

use std::cell::RefCell;
use std::rc::Rc;

use dvk_registry::app::summary::{self, Summary};
use dvk_registry::app::{App, FutureChoice, Landed, Saved};
use dvk_registry::domain::demo;
use dvk_registry::domain::exchange;
use dvk_registry::domain::filter::{sorted_order, Sort, PAGE_SIZE};
use dvk_registry::domain::locality::{Localities, Placement};
use dvk_registry::domain::model::Rating;
use dvk_registry::domain::registry::Registry;
use dvk_registry::domain::stats;
use dvk_registry::domain::time::Date;
use dvk_registry::storage::layout::{chunk_key, Manifest, RECORDS_KEY, SUMMARY_CHUNK};
use dvk_registry::storage::repository::Repository;
use dvk_registry::storage::{MemoryStore, Store};
use support::*;

fn day() -> Date {
    at(0).date()
}

/// A registry of `n` demo models (several fields, communes, ratings) with its visit commune remembered.
fn demo_store(n: usize) -> MemoryStore {
    let store = MemoryStore::new();
    let mut app = app_on(&store, "dev", at(0));
    let models = demo::scaled_demo(n, 7, at(0), "dev");
    let commune = models.iter().find_map(|m| match Localities::builtin().place(&m.locality) {
        Placement::Commune(c) => Some(c),
        _ => None,
    });
    app.update_settings(|s| s.visit_commune = commune).unwrap();
    app.add_models(models, at(1)).unwrap();
    drop(app);
    store
}

fn open_whole(store: &MemoryStore) -> App<&MemoryStore> {
    App::open(store, 0, at(10_000), || "other".into())
}

fn open_gradual(store: &MemoryStore) -> App<&MemoryStore> {
    App::open_gradual(store, 0, at(10_000), day(), || "other".into())
}

fn stored_summary(store: &MemoryStore) -> Option<Summary> {
    Repository::new(store).read_summary::<Summary>()
}

/// The stored summary is exactly what a full read of the stored records gives: the dashboard's
/// statistics, the list's first screen, the remembered commune's models; and a cold start shows it.
fn assert_summary_true(store: &MemoryStore, after: &str) {
    let whole = open_whole(store);
    let r = whole.registry();
    let stored = stored_summary(store).unwrap_or_else(|| panic!("{after}: a summary is stored"));
    assert_eq!(stored.dashboard, stats::dashboard(r, &stats::live_positions(r), day()), "{after}: the dashboard's figures");
    assert_eq!(stored.dashboard.summary.total as usize, r.live_count(), "{after}");
    let list: Vec<String> = sorted_order(r, Sort::Updated).into_iter().take(PAGE_SIZE).map(|i| r.all_models()[i].id.clone()).collect();
    assert_eq!(stored.first_screen, list, "{after}: the list's first screen");
    assert_eq!(stored, summary::make(r, whole.settings().visit_commune, day()), "{after}");
    let gradual = open_gradual(store);
    assert!(!gradual.is_whole(), "{after}: a cold start opens on the summary");
    assert_eq!(gradual.summary(), Some(&stored), "{after}");
    // the partial registry's list starts as the whole one does
    let g = gradual.registry();
    let first: Vec<String> = sorted_order(g, Sort::Updated).into_iter().take(PAGE_SIZE).map(|i| g.all_models()[i].id.clone()).collect();
    assert_eq!(first, list, "{after}: the first screen from the summary alone");
}

#[test]
fn the_summary_equals_the_statistics_of_the_loaded_registry_after_every_kind_of_change() {
    let store = demo_store(600);
    assert_summary_true(&store, "adding models");
    let mut app = app_on(&store, "dev", at(2));
    let id = app.registry().models().nth(10).unwrap().1.id.clone();

    let mut m = app.registry().get(&id).unwrap().clone();
    m.title = "Sửa tên".into();
    app.save_model(m, at(3)).unwrap();
    assert_summary_true(&store, "a save");

    app.add_evaluation(&id, ev("e-new", "2026-01-01", Rating::VeryEffective), at(4)).unwrap();
    assert_summary_true(&store, "an evaluation");

    let undo = app.delete_model(&id, at(5)).unwrap();
    assert_summary_true(&store, "a delete");
    app.undo(&undo, at(6)).unwrap();
    assert_summary_true(&store, "an undo");

    // an import: another device's edit of a shared model and models of its own
    let mut other = fresh_app("b");
    let shared = app.registry().get(&id).unwrap().clone();
    let mut extra = vec![shared.clone()];
    extra.extend((0..30).map(|i| model(&format!("b-{i}"), &format!("Mô hình B {i}"), "b")));
    other.add_models(extra, at(7)).unwrap();
    let mut edited = other.registry().get(&id).unwrap().clone();
    edited.title = "Bản của B".into();
    other.save_model(edited, at(8)).unwrap();
    let file = other.export_all(at(9));
    let plan = app.plan_import(exchange::read(file.as_bytes()).unwrap(), "b.json".into(), at(10));
    let done = app.import(plan, FutureChoice::BringBack, at(10)).unwrap();
    assert_summary_true(&store, "an import");

    // a conflict resolved (this device's edit against another file's)
    let mut mine = app.registry().get(&id).unwrap().clone();
    mine.title = "Bản của A".into();
    app.save_model(mine, at(11)).unwrap();
    let mut theirs = other.registry().get(&id).unwrap().clone();
    theirs.title = "Bản B lần hai".into();
    other.save_model(theirs, at(12)).unwrap();
    let file = other.export_all(at(13));
    let plan = app.plan_import(exchange::read(file.as_bytes()).unwrap(), "b2.json".into(), at(14));
    app.import(plan, FutureChoice::BringBack, at(14)).unwrap();
    let (index, _) = app.history().conflicts().first().copied().expect("a conflict to resolve");
    app.use_version(index, at(15)).unwrap();
    assert_summary_true(&store, "resolving a conflict");

    app.restore(&done.backup, at(16)).unwrap();
    assert_summary_true(&store, "a restore");

    // another tab's write, then this tab's refresh, then a save of this tab over it (a merge)
    let mut tab_b = app_on(&store, "dev", at(17));
    let other_id = tab_b.registry().models().nth(20).unwrap().1.id.clone();
    tab_b.add_evaluation(&other_id, ev("e-b", "2026-01-01", Rating::NotEffective), at(18)).unwrap();
    assert_summary_true(&store, "another tab's write");
    assert!(app.refresh(at(19)));
    let fresh = open_whole(&store);
    assert_eq!(stats::dashboard(app.registry(), &stats::live_positions(app.registry()), day()), stats::dashboard(fresh.registry(), &stats::live_positions(fresh.registry()), day()));
    let mut tab_c = app_on(&store, "dev", at(20));
    tab_c.delete_model(&other_id, at(21)).unwrap();
    let mut m = app.registry().models().nth(30).unwrap().1.clone();
    m.title = "Sửa sau thẻ khác".into();
    app.save_model(m, at(22)).unwrap();
    assert_summary_true(&store, "a save merged with another tab's");

    // the remembered commune changes: the next save carries its models
    let commune = app.registry().models().find_map(|(_, m)| match Localities::builtin().place(&m.locality) {
        Placement::Commune(c) if Some(c) != app.settings().visit_commune => Some(c),
        _ => None,
    });
    app.update_settings(|s| s.visit_commune = commune).unwrap();
    app.add_evaluation(&id, ev("e-3", "2026-01-01", Rating::Effective), at(23)).unwrap();
    assert_summary_true(&store, "another commune remembered");
}

/// Opens gradually and checks the figures it ends with are the full read's, with nothing reported.
fn assert_full_read(store: &MemoryStore, why: &str) {
    let expected = {
        let whole = open_whole(store);
        stats::dashboard(whole.registry(), &stats::live_positions(whole.registry()), day())
    };
    let app = open_gradual(store);
    assert!(app.is_whole(), "{why}: the app reads everything before it shows anything");
    assert_eq!(app.summary(), None, "{why}");
    assert_eq!(stats::dashboard(app.registry(), &stats::live_positions(app.registry()), day()), expected, "{why}");
    assert_eq!(app.registry().live_count(), 300, "{why}: nothing lost");
    assert!(app.notices().is_empty(), "{why}: a summary is no record: {:?}", app.notices());
    assert_eq!(app.read_only(), None, "{why}");
}

/// A registry of `n` demo models saved without a summary, as an app from before summaries saved it.
fn store_without_summary(n: usize) -> MemoryStore {
    let store = demo_store(n);
    {
        let mut repo = Repository::new(&store);
        let loaded = repo.load(at(5));
        repo.save(&loaded.registry, &loaded.history).unwrap();
    }
    store
}

fn summary_key(store: &MemoryStore) -> String {
    let manifest = Manifest::parse(&store.get(RECORDS_KEY).unwrap().unwrap()).unwrap();
    chunk_key(SUMMARY_CHUNK, manifest.chunks[SUMMARY_CHUNK])
}

#[test]
fn a_missing_stale_unreadable_or_old_summary_falls_back_to_the_full_read() {
    // missing: saved without one (as an older app did)
    let store = store_without_summary(300);
    assert!(stored_summary(&store).is_none());
    assert_full_read(&store, "no summary");

    // stale: the manifest names a summary made from other chunks (an older app saved over it, keeping
    // the summary's name in its manifest)
    let store = demo_store(300);
    let old = store.get(&summary_key(&store)).unwrap().unwrap();
    let mut app = app_on(&store, "dev", at(2));
    let id = app.registry().models().next().unwrap().1.id.clone();
    app.add_evaluation(&id, ev("e-1", "2026-01-01", Rating::Effective), at(3)).unwrap();
    store.set(&summary_key(&store), &old).unwrap();
    assert!(stored_summary(&store).is_none(), "told stale");
    assert_full_read(&store, "a stale summary");

    // unreadable
    let store = demo_store(300);
    store.set(&summary_key(&store), "not a summary").unwrap();
    assert_full_read(&store, "an unreadable summary");
    // and the next save writes a good one again
    let mut app = app_on(&store, "dev", at(2));
    let id = app.registry().models().next().unwrap().1.id.clone();
    app.add_evaluation(&id, ev("e-1", "2026-01-01", Rating::Effective), at(3)).unwrap();
    assert_summary_true(&store, "after an unreadable summary");

    // of a later day: good until the first day its figures may differ (`Summary::until`), and no longer
    let store = demo_store(300);
    let until = stored_summary(&store).unwrap().until.expect("a summary says until when it is good");
    assert!(until > day());
    let last = until.add_days(-1);
    let mut app = App::open_gradual(&store, 0, at(10_000), last, || "other".into());
    assert!(!app.is_whole(), "a summary of {} is good on {last}", day());
    let shown = app.summary().unwrap().dashboard.clone();
    assert_eq!(shown.summary.as_of, Some(last));
    app.finish_loading(at(10_000));
    assert_eq!(stats::dashboard(app.registry(), &stats::live_positions(app.registry()), last), shown, "its figures are those of {last}");
    let app = App::open_gradual(&store, 0, at(10_000), until, || "other".into());
    assert!(app.is_whole(), "on {until} its figures may differ: the full read");
    assert_eq!(app.registry().live_count(), 300);
    // nor on an earlier day (a clock put back)
    assert!(App::open_gradual(&store, 0, at(10_000), day().add_days(-1), || "other".into()).is_whole());
}

#[test]
fn a_summary_is_good_until_a_model_starts_or_an_evaluation_is_dated_or_the_year_ends() {
    let store = MemoryStore::new();
    let mut app = app_on(&store, "dev", at(0));
    let d = day();
    let mut later = model("m-1", "Nuôi bò", "dev");
    later.started_on = Some(d.add_days(30));
    let mut rated = model("m-2", "Trồng quế", "dev");
    rated.started_on = Some(d.add_days(-100));
    app.add_models(vec![later, rated], at(1)).unwrap();
    app.add_evaluation("m-2", ev("e-1", &d.add_days(10).to_string(), Rating::Effective), at(2)).unwrap();
    let s = stored_summary(&store).unwrap();
    assert_eq!(s.until, Some(d.add_days(10)), "the evaluation dated first after the day");
    assert!(s.good_on(d.add_days(9)) && !s.good_on(d.add_days(10)));
    // as of its day and of the day before `until` the figures are the same; as of `until` they are not
    let (reg, pos) = (app.registry(), stats::live_positions(app.registry()));
    assert_eq!(stats::dashboard(reg, &pos, d.add_days(9)).ratings, stats::dashboard(reg, &pos, d).ratings);
    assert_ne!(stats::dashboard(reg, &pos, d.add_days(10)).ratings, stats::dashboard(reg, &pos, d).ratings);
    // with nothing dated after the day, the next 1 January
    let plain = Registry::from_records(vec![model("m-3", "Tổ an ninh", "dev")], Vec::new());
    assert_eq!(summary::valid_until(&plain, d), Date::from_ymd(d.year() + 1, 1, 1).unwrap());
    // an older app's summary (no `until`) is good on its own day only
    let old = Summary { until: None, ..s.clone() };
    assert!(old.good_on(s.day) && !old.good_on(s.day.add_days(1)));
}

/// What the callers' `done` recorded, in the order the changes landed.
type Log = Rc<RefCell<Vec<String>>>;

fn run(landed: Vec<Landed>) {
    for f in landed {
        f();
    }
}

#[test]
fn a_save_an_evaluation_and_an_import_made_mid_load_lose_nothing_and_land_after_it_in_order() {
    let store = demo_store(2000);
    let before = store.get(RECORDS_KEY).unwrap();
    let mut app = open_gradual(&store);
    assert!(!app.is_whole());
    assert!(app.load_more(at(10_000), 4).is_none(), "a few chunks per step");
    let (read, total) = app.load_progress().unwrap();
    assert!(read == 4 && total > read, "{read}/{total}");
    let log: Log = Rc::default();

    // a save of a model on the first screen
    let shown = app.summary().unwrap().first_screen[0].clone();
    let mut m = app.registry().get(&shown).unwrap().clone();
    m.title = "Sửa khi đang nạp".into();
    let l = log.clone();
    assert!(app.change(at(10_001), move |a, now| a.save_model(m, now).map(|_| ()), move |r| l.borrow_mut().push(format!("save {r:?}"))).is_none());
    // an evaluation of a model whose chunk is not read yet
    let unread = {
        let whole = open_whole(&store);
        let shown: Vec<&str> = app.registry().all_models().iter().map(|m| m.id.as_str()).collect();
        let found = whole.registry().models().map(|(_, m)| m.id.clone()).find(|id| !shown.contains(&id.as_str())).unwrap();
        found
    };
    let (l, target) = (log.clone(), unread.clone());
    app.change(at(10_002), move |a, now| a.add_evaluation(&target, ev("e-mid", "2026-01-01", Rating::Effective), now), move |r| l.borrow_mut().push(format!("evaluation {r:?}")));
    // an import of another device's file
    let mut other = fresh_app("b");
    other.add_models((0..40).map(|i| model(&format!("b-{i}"), &format!("Mô hình B {i}"), "b")).collect(), at(5)).unwrap();
    let file = other.export_all(at(6));
    let l = log.clone();
    app.change(
        at(10_003),
        move |a, now| {
            let plan = a.plan_import(exchange::read(file.as_bytes()).unwrap(), "b.json".into(), now);
            a.import(plan, FutureChoice::BringBack, now).map(|d| d.conflicts)
        },
        move |r| l.borrow_mut().push(format!("import {r:?}")),
    );
    assert_eq!(app.waiting(), 3);
    assert!(log.borrow().is_empty(), "nothing lands before the registry is whole");
    assert_eq!(store.get(RECORDS_KEY).unwrap(), before, "nothing written mid-load");

    let mut steps = 0;
    let landed = loop {
        steps += 1;
        if let Some(done) = app.load_more(at(10_004), 4) {
            break done;
        }
    };
    assert!(steps > 3, "read in several steps: {steps}");
    assert!(app.is_whole());
    assert_eq!(landed.len(), 3);
    run(landed);
    assert_eq!(*log.borrow(), vec!["save Ok(())".to_string(), "evaluation Ok(())".into(), "import Ok(0)".into()], "in order, all saved");

    let back = open_whole(&store);
    assert_eq!(back.registry().live_count(), 2040, "nothing of the unread chunks lost");
    assert_eq!(back.registry().get(&shown).unwrap().title, "Sửa khi đang nạp");
    assert!(back.registry().get(&unread).unwrap().evaluations.iter().any(|e| e.id == "e-mid"));
    assert!(back.registry().get("b-39").is_some());
    assert!(back.notices().is_empty());
    assert_summary_true(&store, "the changes that waited");
}

#[test]
fn a_duplicate_is_looked_for_in_the_whole_registry_even_when_saved_mid_load() {
    let store = demo_store(2000);
    let mut app = open_gradual(&store);
    assert!(!app.is_whole());
    // a new model with the title and place of one whose chunk is not read yet (so the models read so far
    // would not show it as a duplicate)
    let other = {
        let whole = open_whole(&store);
        let shown: Vec<&str> = app.registry().all_models().iter().map(|m| m.id.as_str()).collect();
        let unread = whole.registry().models().map(|(_, m)| m.clone()).filter(|m| !shown.contains(&m.id.as_str()));
        let found = unread.filter(|m| app.registry().find_duplicate(m, "new").is_none()).next().unwrap();
        found
    };
    let mut copy = model("new", &other.title, "dev");
    copy.locality = other.locality.clone();
    let log: Rc<RefCell<Vec<Saved>>> = Rc::default();
    for anyway in [false, true] {
        let (l, m) = (log.clone(), copy.clone());
        app.change(at(10_001), move |a, now| a.save_model_unless_duplicate(m, anyway, now), move |r| l.borrow_mut().push(r.unwrap()));
    }
    let landed = loop {
        if let Some(done) = app.load_more(at(10_002), 8) {
            break done;
        }
    };
    run(landed);
    let log = log.borrow();
    assert_eq!(log[0], Saved::Duplicate(other.title.clone()), "warned of, not saved");
    assert!(matches!(log[1], Saved::At(_)), "the second press saves anyway");
    assert_eq!(open_whole(&store).registry().live_count(), 2001);
}

#[test]
fn another_tab_saving_mid_load_restarts_the_read_and_nothing_is_lost() {
    let store = demo_store(1000);
    let mut app = open_gradual(&store);
    assert!(app.load_more(at(10_000), 8).is_none());
    let mut tab_b = app_on(&store, "dev", at(10_001));
    let ids: Vec<String> = tab_b.registry().models().map(|(_, m)| m.id.clone()).take(200).collect();
    for (k, id) in ids.iter().enumerate().step_by(7) {
        tab_b.add_evaluation(id, ev(&format!("e-b{k}"), "2026-01-01", Rating::Effective), at(10_002)).unwrap();
    }
    let refresh_seen: Log = Rc::default();
    let l = refresh_seen.clone();
    app.change(at(10_003), |a, now| a.refresh(now), move |r| l.borrow_mut().push(format!("{r}")));
    let landed = loop {
        if let Some(done) = app.load_more(at(10_004), 8) {
            break done;
        }
    };
    run(landed);
    assert!(app.notices().is_empty(), "no chunk reported missing: {:?}", app.notices());
    assert_eq!(app.read_only(), None);
    assert_eq!(app.registry().live_count(), 1000);
    assert!(app.registry().get(&ids[0]).unwrap().evaluations.iter().any(|e| e.id == "e-b0"), "the other tab's save is read");
    assert_eq!(*refresh_seen.borrow(), vec!["false".to_string()], "the refresh that waited finds it read already");
}

#[test]
fn a_change_made_past_the_gate_while_loading_is_refused_loudly() {
    let store = demo_store(300);
    let mut app = open_gradual(&store);
    let id = app.summary().unwrap().first_screen[0].clone();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| app.add_evaluation(&id, ev("e", "2026-01-01", Rating::Effective), at(10_001))));
    assert!(r.is_err(), "a change on the summary's models alone would lose the others");
}

#[test]
fn a_registry_read_whole_writes_its_summary_so_the_next_cold_start_opens_on_it() {
    // saved without a summary (an older app): the first start reads everything, then keeps a summary
    let store = store_without_summary(300);
    let records_before = store.get(RECORDS_KEY).unwrap();
    let mut app = open_gradual(&store);
    assert!(app.is_whole());
    assert_eq!(app.keep_summary(at(10_000)), Ok(true));
    assert_ne!(store.get(RECORDS_KEY).unwrap(), records_before, "the manifest names the summary now");
    assert_summary_true(&store, "a summary kept after a whole read");
    // once kept, it is not written again
    let mut again = open_whole(&store);
    assert_eq!(again.keep_summary(at(10_001)), Ok(false));
    // on a later day it is still good for, not written again; on the day it is good no longer, written
    let until = stored_summary(&store).unwrap().until.unwrap();
    let mut later = App::open(&store, 0, at(10_002), || "other".into());
    later.set_day_of(Box::new(move |_| until.add_days(-1)));
    assert_eq!(later.keep_summary(at(10_002)), Ok(false));
    later.set_day_of(Box::new(move |_| until));
    assert_eq!(later.keep_summary(at(10_002)), Ok(true));
    assert_eq!(stored_summary(&store).unwrap().day, until);
    // while loading it waits like every change (it goes through the gate), and never writes from the summary alone
    let store = demo_store(300);
    let mut gradual = open_gradual(&store);
    assert!(!gradual.is_whole());
    assert_eq!(gradual.keep_summary(at(10_003)), Ok(false));
}
