//! Nothing an officer records is lost or overridden (issue #12): two tabs on one storage, clocks that are
//! wrong, same-day corrections, a bounded history, restores and imports when storage is nearly full,
//! drafts that survive a killed tab. All through the application layer (`app::App`) on `MemoryStore`.

mod support;

use dvk_registry::app::{App, AppError, Event, FutureChoice, Undo};
use dvk_registry::domain::exchange;
use dvk_registry::domain::history::MAX_PER_RECORD;
use dvk_registry::domain::model::Rating;
use dvk_registry::domain::time::Timestamp;
use dvk_registry::storage::layout::chunk_of;
use dvk_registry::storage::{MemoryStore, Store};
use proptest::prelude::*;
use std::collections::BTreeSet;
use support::*;

/// Exports every record of `from` and imports the file into `to` (as an officer sends a file).
fn send<A: Store, B: Store>(from: &App<A>, to: &mut App<B>, now: Timestamp) -> dvk_registry::app::ImportDone {
    send_at(from, to, now, now)
}

/// `send`, the file written at `written` by the sender's clock and imported at `now` by the receiver's.
fn send_at<A: Store, B: Store>(from: &App<A>, to: &mut App<B>, written: Timestamp, now: Timestamp) -> dvk_registry::app::ImportDone {
    let text = from.export_all(written);
    let outcome = exchange::read(text.as_bytes()).unwrap();
    let plan = to.plan_import(outcome, "file.json".into(), now);
    let choice = if plan.clock_behind { FutureChoice::KeepAsIs } else { FutureChoice::BringBack };
    to.import(plan, choice, now).unwrap()
}

fn titled<S: Store>(app: &App<S>, id: &str) -> String {
    app.registry().get(id).unwrap().title.clone()
}

/// Two ids that the storage puts in different chunks, and two in the same one.
fn ids() -> (String, String, String) {
    let a = "m-1".to_string();
    let other = (2..).map(|i| format!("m-{i}")).find(|id| chunk_of(id) != chunk_of(&a)).unwrap();
    let same = (2..).map(|i| format!("m-{i}")).find(|id| chunk_of(id) == chunk_of(&a)).unwrap();
    (a, other, same)
}

fn seeded(store: &MemoryStore, n: usize) {
    let mut app = app_on(store, "dev", at(0));
    let models = (1..=n).map(|i| model(&format!("m-{i}"), &format!("Mô hình {i}"), "dev")).collect();
    app.add_models(models, at(1)).unwrap();
}

#[test]
fn two_tabs_editing_at_once_lose_nothing() {
    let store = MemoryStore::new();
    seeded(&store, 300);
    let (a_id, other_chunk, same_chunk) = ids();
    let mut tab_a = app_on(&store, "dev", at(2));
    let mut tab_b = app_on(&store, "dev", at(2));
    // A edits one model and saves; B, loaded before, edits a model in another chunk
    let mut m = tab_a.registry().get(&a_id).unwrap().clone();
    m.title = "Sửa ở thẻ A".into();
    tab_a.save_model(m, at(3)).unwrap();
    let mut m = tab_b.registry().get(&other_chunk).unwrap().clone();
    m.title = "Sửa ở thẻ B".into();
    tab_b.save_model(m, at(4)).unwrap();
    assert_eq!(tab_b.take_events(), vec![Event::MergedWithOtherTab { conflicts: 0 }], "B is told it merged");
    assert_eq!(titled(&tab_b, &a_id), "Sửa ở thẻ A", "B's screen now shows A's edit too");
    // A, now behind B, edits a model in the same chunk as its first edit
    let mut m = tab_a.registry().get(&same_chunk).unwrap().clone();
    m.title = "Thẻ A lần hai".into();
    tab_a.save_model(m, at(5)).unwrap();
    // and a third save in B
    let mut m = tab_b.registry().get("m-100").unwrap().clone();
    m.title = "Thẻ B lần hai".into();
    tab_b.save_model(m, at(6)).unwrap();
    let back = app_on(&store, "dev", at(7));
    assert_eq!(back.registry().live_count(), 300);
    assert_eq!(titled(&back, &a_id), "Sửa ở thẻ A");
    assert_eq!(titled(&back, &other_chunk), "Sửa ở thẻ B");
    assert_eq!(titled(&back, &same_chunk), "Thẻ A lần hai");
    assert_eq!(titled(&back, "m-100"), "Thẻ B lần hai");
    assert!(back.notices().is_empty());
    assert!(back.history().is_empty(), "no edit met another: nothing set aside");
}

#[test]
fn two_tabs_editing_the_same_model_keep_both_versions() {
    let store = MemoryStore::new();
    seeded(&store, 10);
    let mut tab_a = app_on(&store, "dev", at(2));
    let mut tab_b = app_on(&store, "dev", at(2));
    let mut m = tab_a.registry().get("m-3").unwrap().clone();
    m.title = "Tên của thẻ A".into();
    tab_a.save_model(m, at(3)).unwrap();
    let mut m = tab_b.registry().get("m-3").unwrap().clone();
    m.title = "Tên của thẻ B".into();
    m.description = "Chỉ thẻ B viết".into();
    tab_b.save_model(m, at(4)).unwrap();
    assert_eq!(tab_b.take_events(), vec![Event::MergedWithOtherTab { conflicts: 1 }]);
    let back = app_on(&store, "dev", at(5));
    assert_eq!(titled(&back, "m-3"), "Tên của thẻ B", "the later edit wins");
    let conflicts = back.history().conflicts();
    assert_eq!(conflicts.len(), 1, "the other is kept and shown");
    assert_eq!(conflicts[0].1.lost_model().unwrap().title, "Tên của thẻ A");
}

#[test]
fn an_evaluation_added_in_one_tab_survives_an_edit_in_another() {
    let store = MemoryStore::new();
    seeded(&store, 5);
    let mut tab_a = app_on(&store, "dev", at(2));
    let mut tab_b = app_on(&store, "dev", at(2));
    tab_a.add_evaluation("m-2", ev("e1", "2026-01-01", Rating::Effective), at(3)).unwrap();
    let mut m = tab_b.registry().get("m-2").unwrap().clone();
    m.title = "Sửa tên".into();
    tab_b.save_model(m, at(4)).unwrap();
    let back = app_on(&store, "dev", at(5));
    let m = back.registry().get("m-2").unwrap();
    assert_eq!(m.title, "Sửa tên");
    assert_eq!(m.evaluations.len(), 1, "the evaluation is kept");
}

#[test]
fn a_deletion_in_one_tab_is_not_undone_by_a_stale_tab() {
    let store = MemoryStore::new();
    seeded(&store, 5);
    let mut tab_a = app_on(&store, "dev", at(2));
    let mut tab_b = app_on(&store, "dev", at(2));
    tab_a.delete_model("m-4", at(3)).unwrap();
    let mut m = tab_b.registry().get("m-1").unwrap().clone();
    m.title = "Khác".into();
    tab_b.save_model(m, at(4)).unwrap();
    let back = app_on(&store, "dev", at(5));
    assert!(back.registry().get("m-4").unwrap().is_deleted());
    assert_eq!(back.registry().live_count(), 4);
}

#[test]
fn a_tab_that_hears_of_another_tabs_save_refreshes() {
    let store = MemoryStore::new();
    seeded(&store, 5);
    let mut tab_a = app_on(&store, "dev", at(2));
    let mut tab_b = app_on(&store, "dev", at(2));
    tab_a.add_evaluation("m-1", ev("e1", "2026-01-01", Rating::Limited), at(3)).unwrap();
    assert!(tab_b.refresh(at(4)));
    assert_eq!(tab_b.registry().get("m-1").unwrap().evaluations.len(), 1);
    assert!(!tab_b.refresh(at(5)), "nothing new");
}

#[test]
fn an_edit_on_a_phone_whose_clock_is_behind_wins_everywhere() {
    let mut district = fresh_app("district");
    let mut m = model("m-1", "Nuôi bò", "district");
    m.updated_at = ts("2026-03-10T08:00:00Z");
    district.add_models(vec![m], ts("2026-03-10T08:00:00Z")).unwrap();
    let mut phone = fresh_app("phone");
    // the file is written on the district's clock; the phone's clock is a year behind
    let text = district.export_all(ts("2026-03-10T09:00:00Z"));
    let plan = phone.plan_import(exchange::read(text.as_bytes()).unwrap(), "f".into(), ts("2025-03-10T08:00:00Z"));
    assert!(plan.clock_behind, "the preview says this phone's clock may be behind");
    assert_eq!(plan.future.len(), 1, "and lists the record as later than its clock");
    phone.import(plan, FutureChoice::KeepAsIs, ts("2025-03-10T08:00:00Z")).unwrap();
    // the phone says 2025-03
    let mut m = phone.registry().get("m-1").unwrap().clone();
    m.title = "Nuôi bò sinh sản".into();
    let saved = phone.save_model(m, ts("2025-03-10T09:00:00Z")).unwrap();
    assert!(saved > ts("2026-03-10T08:00:00Z"), "saved after the version it was made from: {saved:?}");
    let done = send_at(&phone, &mut district, ts("2025-03-10T10:00:00Z"), ts("2026-03-11T08:00:00Z"));
    assert_eq!(done.conflicts, 0, "an edit of a version is no conflict with it");
    assert_eq!(titled(&district, "m-1"), "Nuôi bò sinh sản");
}

#[test]
fn a_file_dated_in_the_future_is_flagged_and_brought_back_or_left_out() {
    let mut other = fresh_app("fast-clock");
    let mut m = model("m-1", "Từ năm 2099", "fast-clock");
    m.updated_at = ts("2099-01-01T00:00:00Z");
    let mut e = ev("e-future", "2026-01-02", Rating::Effective);
    e.recorded_at = Some(ts("2099-01-01T00:00:00Z"));
    m.evaluations.push(e);
    other.add_models(vec![m, model("m-2", "Bình thường", "fast-clock")], at(1)).unwrap();
    let file_time = ts("2026-01-02T00:00:00Z");
    let text = exchange::write(other.registry().all_models(), other.registry().all_plans(), file_time, None);
    for choice in [FutureChoice::BringBack, FutureChoice::LeaveOut] {
        let mut me = fresh_app("me");
        let plan = me.plan_import(exchange::read(text.as_bytes()).unwrap(), "f".into(), ts("2026-01-02T01:00:00Z"));
        assert_eq!(plan.future.len(), 2, "the record and its evaluation");
        assert_eq!(plan.future[0].model_id, "m-1");
        assert_eq!(plan.future[1].evaluation_id.as_deref(), Some("e-future"));
        me.import(plan, choice, ts("2026-01-02T01:00:00Z")).unwrap();
        match choice {
            FutureChoice::BringBack => {
                let m = me.registry().get("m-1").unwrap();
                assert_eq!(m.updated_at, file_time);
                assert_eq!(m.evaluations[0].recorded_at, Some(file_time));
                // and a later edit here wins over it
                let mut edit = m.clone();
                edit.title = "Sửa".into();
                me.save_model(edit, ts("2026-01-03T00:00:00Z")).unwrap();
                assert_eq!(me.registry().get("m-1").unwrap().updated_at, ts("2026-01-03T00:00:00Z"));
            }
            FutureChoice::LeaveOut | FutureChoice::KeepAsIs => {
                assert!(me.registry().get("m-1").is_none());
                assert!(me.registry().get("m-2").is_some());
            }
        }
    }
}

#[test]
fn a_same_day_correction_stays_the_latest_after_any_merge() {
    let mut a = fresh_app("a");
    a.add_models(vec![model("m-1", "Bò", "a")], at(1)).unwrap();
    a.add_evaluation("m-1", ev("zzz-first", "2026-02-01", Rating::NotEffective), at(10)).unwrap();
    let mut b = fresh_app("b");
    send(&a, &mut b, at(11));
    // the correction has a smaller id than the first evaluation
    b.add_evaluation("m-1", ev("aaa-fix", "2026-02-01", Rating::VeryEffective), at(20)).unwrap();
    send(&b, &mut a, at(21));
    for app in [&a, &b] {
        assert_eq!(app.registry().get("m-1").unwrap().current_rating(), Some(Rating::VeryEffective));
    }
    // a phone whose clock is behind still records its correction after the first
    let mut c = fresh_app("c");
    send(&a, &mut c, at(22));
    c.add_evaluation("m-1", ev("bbb-fix2", "2026-02-01", Rating::Limited), at(5)).unwrap();
    assert_eq!(c.registry().get("m-1").unwrap().current_rating(), Some(Rating::Limited));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Whatever order three officers' files arrive in, every device ends with the same latest evaluation.
    #[test]
    fn the_latest_evaluation_is_the_same_whatever_order_files_arrive_in(
        order in Just(vec![0usize, 1, 2]).prop_shuffle(),
        days in prop::collection::vec(0u8..3, 3),
        secs in prop::collection::vec(0i64..5, 3),
    ) {
        let mut origin = fresh_app("origin");
        origin.add_models(vec![model("m-1", "Mô hình", "origin")], at(0)).unwrap();
        let text = exchange::write(origin.registry().all_models(), origin.registry().all_plans(), at(1), None);
        let mut officers: Vec<App<MemoryStore>> = (0..3).map(|i| fresh_app(&format!("o{i}"))).collect();
        let mut files = Vec::new();
        for (i, o) in officers.iter_mut().enumerate() {
            let plan = o.plan_import(exchange::read(text.as_bytes()).unwrap(), "f".into(), at(2));
            o.import(plan, FutureChoice::BringBack, at(2)).unwrap();
            // same-day evaluations, with ids that sort against their recording order
            let date = format!("2026-02-0{}", 1 + days[i]);
            o.add_evaluation("m-1", ev(&format!("e{}", 9 - i), &date, Rating::ALL[i]), at(10 + secs[i])).unwrap();
            files.push(exchange::write(o.registry().all_models(), o.registry().all_plans(), at(20), None));
        }
        let mut results = Vec::new();
        for (k, o) in officers.iter_mut().enumerate() {
            for &f in order.iter().cycle().skip(k).take(3) {
                let plan = o.plan_import(exchange::read(files[f].as_bytes()).unwrap(), "f".into(), at(30));
                o.import(plan, FutureChoice::BringBack, at(30)).unwrap();
            }
            let m = o.registry().get("m-1").unwrap();
            prop_assert_eq!(m.evaluations.len(), 3);
            results.push(m.latest_evaluation().unwrap().id.clone());
        }
        prop_assert!(results.iter().all(|r| *r == results[0]), "{:?}", results);
    }
}

#[test]
fn the_history_stays_bounded_after_twenty_rounds_of_exchanges() {
    let mut a = fresh_app("a");
    let models = (0..100).map(|i| model(&format!("m-{i}"), "Bắt đầu", "a")).collect();
    a.add_models(models, at(0)).unwrap();
    let mut b = fresh_app("b");
    send(&a, &mut b, at(1));
    for round in 0..20i64 {
        // each officer edits all 100, without seeing the other's edits: 100 real conflicts a round
        for (app, who) in [(&mut a, "A"), (&mut b, "B")] {
            for i in 0..100 {
                let mut m = app.registry().get(&format!("m-{i}")).unwrap().clone();
                m.title = format!("{who} vòng {round}");
                app.save_model(m, at(100 + round * 10)).unwrap();
            }
        }
        send(&a, &mut b, at(105 + round * 10));
        send(&b, &mut a, at(106 + round * 10));
        for app in [&a, &b] {
            assert!(app.history().len() <= dvk_registry::domain::history::MAX_ENTRIES);
            let most = (0..100).map(|i| app.history().all().iter().filter(|e| e.id == format!("m-{i}")).count()).max().unwrap();
            assert!(most <= MAX_PER_RECORD);
        }
    }
    assert!(a.history().len() > 0, "conflicts were kept");
    let own: usize = a.history().all().iter().filter(|e| e.lost_model().unwrap().updated_by == a.settings().author()).count();
    let stored = a.repository().store().used_units();
    assert!(stored < 2_000_000, "storage stays small: {stored} units ({own} own versions kept)");
}

#[test]
fn a_devices_own_earlier_save_coming_back_is_no_conflict() {
    let mut a = fresh_app("a");
    a.add_models(vec![model("m-1", "Một", "a")], at(0)).unwrap();
    let old_file = exchange::write(a.registry().all_models(), a.registry().all_plans(), at(1), None);
    let mut m = a.registry().get("m-1").unwrap().clone();
    m.title = "Hai".into();
    a.save_model(m, at(2)).unwrap();
    let plan = a.plan_import(exchange::read(old_file.as_bytes()).unwrap(), "old".into(), at(3));
    let done = a.import(plan, FutureChoice::BringBack, at(3)).unwrap();
    assert_eq!(done.conflicts, 0);
    assert!(a.history().is_empty());
}

/// Fills `store` (of `quota` units) so that only `leave` units are free.
fn fill(store: &MemoryStore, quota: usize, leave: usize) {
    store.remove("filler").unwrap();
    let free = quota - store.used_units();
    store.set("filler", &"x".repeat(free - leave - "filler".len())).unwrap();
}

#[test]
fn a_restore_or_import_when_storage_is_nearly_full_is_refused_or_whole() {
    let probe = MemoryStore::new();
    seeded(&probe, 200);
    let quota = probe.used_units() + 4_000;
    let store = MemoryStore::with_quota(quota);
    seeded(&store, 200);
    let mut app = app_on(&store, "dev", at(1));
    let mut m = app.registry().get("m-1").unwrap().clone();
    m.title = "Trước khi nhập".into();
    app.save_model(m, at(2)).unwrap();
    let mut other = fresh_app("o");
    other.add_models(vec![model("n-1", "Mới", "o")], at(3)).unwrap();
    let text = other.export_all(at(3));
    // not even the backup fits: nothing is imported
    fill(&store, quota, 100);
    let plan = app.plan_import(exchange::read(text.as_bytes()).unwrap(), "f".into(), at(4));
    assert_eq!(app.import(plan, FutureChoice::BringBack, at(4)).unwrap_err(), AppError::BackupFailed);
    assert!(app.registry().get("n-1").is_none(), "nothing imported");
    assert!(app.backups().is_empty());
    // room enough: the import goes
    store.remove("filler").unwrap();
    let plan = app.plan_import(exchange::read(text.as_bytes()).unwrap(), "f".into(), at(5));
    let done = app.import(plan, FutureChoice::BringBack, at(5)).unwrap();
    assert!(app.registry().get("n-1").is_some());
    // nearly full: the restore's own backup does not fit (the backup being restored is never dropped to
    // make room), so nothing is restored
    fill(&store, quota, 100);
    assert_eq!(app.restore(&done.backup, at(6)).unwrap_err(), AppError::BackupFailed);
    assert!(app.registry().get("n-1").is_some(), "nothing restored");
    assert!(app_on(&store, "dev", at(6)).registry().get("n-1").is_some());
    store.remove("filler").unwrap();
    let before = app.restore(&done.backup, at(7)).unwrap();
    assert!(app.backups().iter().any(|b| b.key == before), "what was there before is backed up");
    assert!(app.registry().get("n-1").is_none(), "the import is undone");
    assert_eq!(titled(&app, "m-1"), "Trước khi nhập");
    assert!(app_on(&store, "dev", at(8)).registry().get("n-1").is_none());
}

#[test]
fn a_restore_whose_backup_cannot_be_taken_changes_nothing() {
    let store = Faulty::new(MemoryStore::new());
    seeded(&store.inner, 20);
    let mut app = app_on(&store, "dev", at(1));
    let mut other = fresh_app("o");
    other.add_models(vec![model("n-1", "Mới", "o")], at(2)).unwrap();
    let text = other.export_all(at(2));
    let plan = app.plan_import(exchange::read(text.as_bytes()).unwrap(), "f".into(), at(3));
    let done = app.import(plan, FutureChoice::BringBack, at(3)).unwrap();
    store.refuse(Some("dvk.backup."));
    assert_eq!(app.restore(&done.backup, at(4)).unwrap_err(), AppError::BackupFailed);
    assert!(app.registry().get("n-1").is_some(), "nothing restored");
    assert!(app_on(&store, "dev", at(5)).registry().get("n-1").is_some());
    store.refuse(None);
    app.restore(&done.backup, at(6)).unwrap();
    assert!(app.registry().get("n-1").is_none());
}

#[test]
fn an_import_that_cannot_be_saved_is_undone_in_memory() {
    let probe = MemoryStore::new();
    seeded(&probe, 50);
    let quota = probe.used_units() + 2_500;
    let store = MemoryStore::with_quota(quota);
    seeded(&store, 50);
    let mut app = app_on(&store, "dev", at(1));
    let mut other = fresh_app("o");
    let many = (0..300).map(|i| model(&format!("n-{i}"), "Một mô hình mới có tên khá dài để chiếm chỗ", "o")).collect();
    other.add_models(many, at(2)).unwrap();
    let text = other.export_all(at(2));
    let plan = app.plan_import(exchange::read(text.as_bytes()).unwrap(), "f".into(), at(3));
    assert_eq!(app.import(plan, FutureChoice::BringBack, at(3)).unwrap_err(), AppError::Quota);
    assert_eq!(app.registry().live_count(), 50, "the screen shows what is stored");
    assert!(!app.unsaved());
    assert_eq!(app_on(&store, "dev", at(4)).registry().live_count(), 50);
}

#[test]
fn backups_dropped_to_make_room_are_named() {
    let probe = MemoryStore::new();
    seeded(&probe, 300);
    let quota = probe.used_units() * 25 / 10;
    let store = MemoryStore::with_quota(quota);
    seeded(&store, 300);
    let mut app = app_on(&store, "dev", at(1));
    // two imports that each rewrite every chunk: the second needs the first's backup's room
    for (round, who) in [(1, "o"), (2, "o2")] {
        let mut other = fresh_app(who);
        send(&app, &mut other, at(10 * round));
        for i in 1..=300 {
            let mut m = other.registry().get(&format!("m-{i}")).unwrap().clone();
            m.title = format!("{} (vòng {round})", m.title);
            other.save_model(m, at(10 * round + 1)).unwrap();
        }
        send(&other, &mut app, at(10 * round + 2));
    }
    let events = app.take_events();
    assert!(events.iter().any(|e| matches!(e, Event::BackupsDropped(list) if !list.is_empty())), "{events:?}");
    assert!(app.history().is_empty(), "edits of this device's versions are no conflicts");
}

#[test]
fn using_the_other_version_keeps_the_current_one_and_never_undeletes() {
    let mut a = fresh_app("a");
    a.add_models(vec![model("m-1", "Gốc", "a")], at(0)).unwrap();
    let mut b = fresh_app("b");
    send(&a, &mut b, at(1));
    let mut m = b.registry().get("m-1").unwrap().clone();
    m.title = "Bản của B".into();
    b.save_model(m, at(2)).unwrap();
    let mut m = a.registry().get("m-1").unwrap().clone();
    m.title = "Bản của A".into();
    a.save_model(m, at(3)).unwrap();
    a.add_evaluation("m-1", ev("e1", "2026-01-01", Rating::Effective), at(4)).unwrap();
    send(&b, &mut a, at(5));
    assert_eq!(titled(&a, "m-1"), "Bản của A");
    let (index, entry) = a.history().conflicts()[0];
    assert_eq!(entry.lost_model().unwrap().title, "Bản của B");
    a.use_version(index, at(6)).unwrap();
    assert_eq!(titled(&a, "m-1"), "Bản của B");
    assert_eq!(a.registry().get("m-1").unwrap().evaluations.len(), 1, "the evaluation stays");
    let kept: Vec<String> = a.history().all().iter().filter_map(|e| e.lost_model()).map(|m| m.title.clone()).collect();
    assert!(kept.contains(&"Bản của A".to_string()), "the replaced version is kept: {kept:?}");
    // a deleted record stays deleted
    a.delete_model("m-1", at(7)).unwrap();
    let (index, _) = a.history().conflicts().into_iter().find(|(_, e)| e.lost_model().unwrap().title == "Bản của A").unwrap();
    a.use_version(index, at(8)).unwrap();
    assert!(a.registry().get("m-1").unwrap().is_deleted());
}

#[test]
fn undo_of_a_delete_keeps_what_was_added_since() {
    let mut a = fresh_app("a");
    a.add_models(vec![model("m-1", "Gốc", "a")], at(0)).unwrap();
    let undo = a.delete_model("m-1", at(1)).unwrap();
    assert_eq!(undo, Undo::DeleteModel("m-1".into()));
    let mut other = fresh_app("b");
    send(&a, &mut other, at(2));
    let mut m = other.registry().get("m-1").unwrap().clone();
    m.evaluations.push(ev("e-late", "2026-01-01", Rating::Effective));
    m.updated_at = at(3);
    m.updated_by = "b".into();
    let mut o2 = fresh_app("c");
    o2.add_models(vec![m], at(3)).unwrap();
    send(&o2, &mut a, at(4));
    a.undo(&undo, at(5)).unwrap();
    let m = a.registry().get("m-1").unwrap();
    assert!(!m.is_deleted());
    assert_eq!(m.evaluations.len(), 1);
}

/// What a form saves is stored as a file would bring it (`domain::tidy`): trimmed NFC text, no empty
/// village or tag, so a record typed here and the same record read from a file compare equal.
#[test]
fn text_typed_in_a_form_is_stored_tidy() {
    let mut a = fresh_app("a");
    let mut m = model("m-1", "  Nuôi ong \n", "a");
    m.locality.village = Some(" ".into());
    m.tags = vec![" sinh kế ".into(), String::new()];
    a.save_model(m, at(1)).unwrap();
    let mut e = ev("e-1", "2026-01-01", Rating::Effective);
    e.notes = "Tốt ".into();
    a.add_evaluation("m-1", e, at(2)).unwrap();
    let mut p = plan("p-1", " Kế hoạch 2026 ", "a");
    p.milestones = vec![];
    a.save_plan(p, at(3)).unwrap();
    let m = a.registry().get("m-1").unwrap();
    assert_eq!((m.title.as_str(), m.locality.village.as_deref()), ("Nuôi ong", None));
    assert_eq!(m.tags, vec!["sinh kế".to_string()]);
    assert_eq!(m.evaluations[0].notes, "Tốt");
    assert_eq!(a.registry().plan("p-1").unwrap().title, "Kế hoạch 2026");
}

#[test]
fn drafts_survive_a_killed_tab_until_saved_or_discarded() {
    let store = MemoryStore::new();
    let mut app = app_on(&store, "dev", at(0));
    app.save_draft("model:new", "{\"title\":\"Nuôi ong\"}".into(), at(1)).unwrap();
    drop(app); // the phone kills the tab
    let mut app = app_on(&store, "dev", at(2));
    let draft = app.draft("model:new").unwrap();
    assert_eq!(draft.text, "{\"title\":\"Nuôi ong\"}");
    assert_eq!(draft.at, at(1));
    assert!(app.draft("model:other").is_none());
    app.discard_draft("model:new");
    assert!(app_on(&store, "dev", at(3)).draft("model:new").is_none());
}

#[test]
fn the_export_reminder_counts_records_and_clears_only_when_asked() {
    let mut a = fresh_app("a");
    let models = (0..5).map(|i| model(&format!("m-{i}"), "x", "a")).collect();
    a.add_models(models, at(0)).unwrap();
    assert_eq!(a.settings().unexported_changes, 5);
    a.add_evaluation("m-1", ev("e", "2026-01-01", Rating::Effective), at(1)).unwrap();
    assert_eq!(a.settings().unexported_changes, 6);
    a.mark_exported(at(2)).unwrap();
    assert_eq!(a.settings().unexported_changes, 0);
    assert_eq!(a.settings().last_export_at, Some(at(2)));
}

#[test]
fn a_missing_chunk_makes_the_app_read_only_until_the_officer_decides() {
    let store = MemoryStore::new();
    seeded(&store, 200);
    let victim = store.keys().unwrap().into_iter().find(|k| k.starts_with("dvk.records.m")).unwrap();
    store.remove(&victim).unwrap();
    let mut app = app_on(&store, "dev", at(1));
    assert!(!app.notices().is_empty());
    let live = app.registry().live_count();
    assert!(live < 200);
    let m = app.registry().models().next().unwrap().1.clone();
    assert!(matches!(app.save_model(m, at(2)), Err(AppError::ReadOnly(_))));
    assert_eq!(app_on(&store, "dev", at(3)).registry().live_count(), live, "nothing was written over it");
    app.accept_damage(at(4)).unwrap();
    assert!(app.read_only().is_none());
    let back = app_on(&store, "dev", at(5));
    assert!(back.notices().is_empty());
    assert_eq!(back.registry().live_count(), live);
}

#[test]
fn a_full_storage_frees_what_is_not_records_before_giving_up() {
    let probe = MemoryStore::new();
    seeded(&probe, 30);
    let quota = probe.used_units() + 3_000; // room for the new chunk and summary once the snapshot goes
    let store = std::rc::Rc::new(MemoryStore::with_quota(quota));
    seeded(&store, 30);
    store.set("dvk.snapshot", &"s".repeat(quota - store.used_units() - 20)).unwrap();
    let mut app = app_on(&*store, "dev", at(1));
    let freed = store.clone();
    app.set_room_maker(Box::new(move || freed.remove("dvk.snapshot").is_ok()));
    let mut m = app.registry().get("m-1").unwrap().clone();
    m.description = "Một mô tả dài hơn để cần thêm chỗ ".repeat(10);
    app.save_model(m, at(2)).unwrap();
    assert!(store.get("dvk.snapshot").unwrap().is_none(), "the nicety made room");
    assert!(!app.unsaved());
}

#[test]
fn sample_data_is_marked_travels_marked_and_goes_in_one_undoable_step() {
    let store = Shared(std::rc::Rc::new(MemoryStore::new()));
    let mut a = app_on(store.clone(), "a", at(0));
    a.save_model(model("mine", "Của tôi", "a"), at(0)).unwrap();
    let exported_before = a.settings().unexported_changes;
    let added = a.add_samples(vec![model("s-1", "Mẫu 1", "demo"), model("s-2", "Mẫu 2", "demo"), model("mine", "Trùng id", "demo")], at(1)).unwrap();
    assert_eq!(added, 2, "an id already here is not replaced");
    assert_eq!(a.settings().unexported_changes, exported_before, "sample data does not ask for an export");
    assert!(a.registry().get("s-1").unwrap().is_sample());
    assert!(!a.registry().get("mine").unwrap().is_sample(), "the officer's own model is not marked");
    // the mark travels in the exchange file
    let mut b = fresh_app("b");
    send(&a, &mut b, at(2));
    assert!(b.registry().get("s-2").unwrap().is_sample());
    // one step removes every sample, and one undo brings them back
    let (n, undo) = a.remove_samples(at(3)).unwrap();
    assert_eq!(n, 2);
    assert_eq!(a.registry().live_count(), 1);
    assert!(a.registry().get("s-1").unwrap().is_deleted(), "a tombstone, so the removal travels");
    let reopened = app_on(copy_store(&store, ""), "a", at(4));
    assert_eq!(reopened.registry().live_count(), 1, "the removal is saved");
    a.undo(&undo, at(5)).unwrap();
    assert_eq!(a.registry().live_count(), 3);
    assert!(a.registry().get("s-1").unwrap().is_sample());
}

#[test]
fn storage_use_counts_records_backups_and_the_rest_as_the_browser_does() {
    let store = Shared(std::rc::Rc::new(MemoryStore::new()));
    let mut a = app_on(store.clone(), "a", at(0));
    let empty = a.repository().usage();
    assert_eq!(empty.records, 0);
    a.add_models((0..200).map(|i| model(&format!("m-{i}"), &format!("Mô hình {i}"), "a")).collect(), at(1)).unwrap();
    let after_add = a.repository().usage();
    assert!(after_add.records > 0);
    assert_eq!(after_add.total(), store.0.used_units(), "every key and value of the store is counted once");
    // an import takes a backup: the records it replaced are counted as backups, not as records
    let mut b = fresh_app("b");
    b.add_models((0..50).map(|i| model(&format!("n-{i}"), &format!("Khác {i}"), "b")).collect(), at(2)).unwrap();
    send(&b, &mut a, at(3));
    let after_import = a.repository().usage();
    assert!(after_import.backups > 0, "{after_import:?}");
    assert_eq!(after_import.total(), store.0.used_units());
    assert!(after_import.share() > 0.0 && after_import.share() < 1.0);
}

/// A store that notes the key of every value written.
struct Counting {
    inner: MemoryStore,
    written: std::cell::RefCell<Vec<String>>,
}

impl Store for &Counting {
    fn get(&self, key: &str) -> Result<Option<String>, dvk_registry::storage::StoreError> {
        self.inner.get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), dvk_registry::storage::StoreError> {
        self.written.borrow_mut().push(key.to_string());
        self.inner.set(key, value)
    }
    fn remove(&self, key: &str) -> Result<(), dvk_registry::storage::StoreError> {
        self.inner.remove(key)
    }
    fn keys(&self) -> Result<Vec<String>, dvk_registry::storage::StoreError> {
        self.inner.keys()
    }
}

/// A file from another device that has every record of `app`, with `edit` done to it there.
fn file_from_other<S: Store>(app: &App<S>, edit: impl FnOnce(&mut App<MemoryStore>)) -> String {
    let mut other = fresh_app("o");
    send(app, &mut other, at(5));
    edit(&mut other);
    other.export_all(at(20))
}

fn retitle<S: Store>(app: &mut App<S>, id: &str, title: &str, now: Timestamp) {
    let mut m = app.registry().get(id).unwrap().clone();
    m.title = title.into();
    app.save_model(m, now).unwrap();
}

#[test]
fn an_import_after_its_preview_is_what_a_fresh_merge_gives() {
    let store = MemoryStore::new();
    seeded(&store, 300);
    let mut app = app_on(&store, "dev", at(1));
    let text = file_from_other(&app, |o| {
        for i in 1..=20 {
            retitle(o, &format!("m-{i}"), &format!("Sửa ở máy kia {i}"), at(10));
        }
        o.add_evaluation("m-30", ev("e-o", "2026-01-02", Rating::Effective), at(11)).unwrap();
        o.add_models((0..40).map(|i| model(&format!("n-{i}"), "Mô hình mới", "o")).collect(), at(12)).unwrap();
    });
    // edited here too since: the file's version of m-1 and m-2 meet this device's
    retitle(&mut app, "m-2", "Sửa ở đây nữa", at(8));
    retitle(&mut app, "m-1", "Sửa ở đây", at(13));
    let plan = app.plan_import(exchange::read(text.as_bytes()).unwrap(), "f".into(), at(21));
    let mut fresh = app.registry().clone();
    let want = dvk_registry::domain::merge::apply(&mut fresh, plan.outcome.models.clone(), plan.outcome.plans.clone());
    assert_eq!(plan.preview.models, want.models, "the preview said what the merge does");
    let done = app.import(plan, FutureChoice::BringBack, at(21)).unwrap();
    assert_eq!(done.report, want);
    assert!(!want.model_conflicts.is_empty() && want.models.new == 40 && want.models.updated >= 19, "{:?}", want.models);
    assert_eq!(app.registry().get("m-30").unwrap().evaluations.len(), 1, "the file's evaluation came in");
    assert_eq!(app.registry().all_models(), fresh.all_models());
    assert_eq!(app.registry().all_plans(), fresh.all_plans());
    let reopened = app_on(&store, "dev", at(22));
    for m in fresh.all_models() {
        assert_eq!(reopened.registry().get(&m.id), Some(m), "stored as merged");
    }
    assert_eq!(titled(&app, "m-1"), "Sửa ở đây");
    assert_eq!(titled(&app, "m-2"), "Sửa ở máy kia 2");
}

#[test]
fn a_change_between_the_preview_and_the_import_is_not_lost() {
    let store = MemoryStore::new();
    seeded(&store, 50);
    let mut tab_a = app_on(&store, "dev", at(1));
    let mut tab_b = app_on(&store, "dev", at(1));
    let text = file_from_other(&tab_a, |o| {
        retitle(o, "m-1", "Từ tệp", at(10));
        retitle(o, "m-2", "Từ tệp 2", at(10));
        o.add_models(vec![model("n-1", "Mới", "o")], at(10)).unwrap();
    });
    let plan = tab_a.plan_import(exchange::read(text.as_bytes()).unwrap(), "f".into(), at(21));
    assert_eq!(plan.preview.models.updated, 2);
    // after the preview: an edit in this tab, and a save in another tab
    retitle(&mut tab_a, "m-1", "Sửa sau khi xem trước", at(22));
    tab_b.refresh(at(22));
    retitle(&mut tab_b, "m-2", "Sửa ở thẻ B", at(23));
    let done = tab_a.import(plan, FutureChoice::BringBack, at(24)).unwrap();
    assert_eq!(titled(&tab_a, "m-1"), "Sửa sau khi xem trước", "the merge was worked out again");
    assert_eq!(titled(&tab_a, "m-2"), "Sửa ở thẻ B", "the other tab's save was taken in first");
    assert!(tab_a.registry().get("n-1").is_some());
    assert_eq!(done.report.models.new, 1);
    assert_eq!(done.report.models.updated, 0, "both edits are newer than the file's: {:?}", done.report.models);
    let reopened = app_on(&store, "dev", at(25));
    assert_eq!(titled(&reopened, "m-1"), "Sửa sau khi xem trước");
    assert_eq!(titled(&reopened, "m-2"), "Sửa ở thẻ B");
    assert!(reopened.registry().get("n-1").is_some());
}

#[test]
fn an_import_writes_only_the_chunks_whose_records_changed() {
    let store = Counting { inner: MemoryStore::new(), written: Default::default() };
    seeded(&store.inner, 300);
    let (a, other_chunk, _) = ids();
    let mut app = app_on(&store, "dev", at(1));
    let text = file_from_other(&app, |o| {
        retitle(o, &a, "Sửa ở máy kia", at(10));
        o.add_evaluation(&other_chunk, ev("e-o", "2026-01-02", Rating::Effective), at(11)).unwrap();
    });
    let plan = app.plan_import(exchange::read(text.as_bytes()).unwrap(), "f".into(), at(21));
    store.written.borrow_mut().clear();
    let done = app.import(plan, FutureChoice::BringBack, at(21)).unwrap();
    assert_eq!(done.changed(), 2, "{:?}", done.report.models);
    let chunks: BTreeSet<String> = store
        .written
        .borrow()
        .iter()
        .filter_map(|k| k.strip_prefix("dvk.records.m"))
        .map(|rest| format!("m{}", rest.split('.').next().unwrap()))
        .collect();
    assert_eq!(chunks, BTreeSet::from([chunk_of(&a), chunk_of(&other_chunk)]), "written: {:?}", store.written.borrow());
    assert_eq!(titled(&app_on(&store.inner, "dev", at(22)), &a), "Sửa ở máy kia");
}
