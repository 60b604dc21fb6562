//! A phone whose clock is behind (issue #26): its edits still win, it is told its date is wrong, and every
//! time it stamps goes through the device's logical clock (`domain::clock::Clock`, kept by the App).
//! Through the application layer on `MemoryStore`, with the phone's clock passed in.

mod support;

use dvk_registry::app::{App, FutureChoice, TransferChoice, Undo};
use dvk_registry::domain::clock::{Clock, DAY_MS};
use dvk_registry::domain::evidence::{ImageData, Location, Photo};
use dvk_registry::domain::exchange;
use dvk_registry::domain::model::Rating;
use dvk_registry::domain::time::Timestamp;
use dvk_registry::storage::{MemoryStore, Store};
use support::*;

/// Today, as the colleague's phone (whose clock is right) says.
const RIGHT: &str = "2026-12-06T08:00:00Z";
/// The same moment on a phone whose date is a year behind (never set, or reset by a flat battery).
const BEHIND: &str = "2025-12-06T08:00:00Z";

fn plus(t: Timestamp, ms: i64) -> Timestamp {
    Timestamp::from_unix_millis(t.unix_millis() + ms)
}

/// The colleague's registry: 21 models saved the day before, on a clock that is right.
fn colleague() -> App<MemoryStore> {
    let mut c = app_on(MemoryStore::new(), "colleague", ts("2026-12-05T07:00:00Z"));
    let models = (1..=21)
        .map(|i| {
            let mut m = model(&format!("m-{i}"), &format!("Mô hình {i}"), "colleague");
            m.created_at = ts("2026-12-05T07:00:00Z");
            m.updated_at = plus(ts("2026-12-05T07:00:00Z"), i * 60_000);
            m
        })
        .collect();
    c.add_models(models, ts("2026-12-05T08:00:00Z")).unwrap();
    c
}

/// Reads `text` into `to` at `now` (its clock) with the choice the preview selects first.
fn import_default<S: Store>(to: &mut App<S>, text: &str, now: Timestamp) -> dvk_registry::app::ImportDone {
    let plan = to.plan_import(exchange::read(text.as_bytes()).unwrap(), "file.json".into(), now);
    let choice = plan.default_choice();
    to.import(plan, choice, now).unwrap()
}

#[test]
fn a_correction_made_on_a_phone_a_year_behind_wins_on_both_phones() {
    let mut colleague = colleague();
    let file = colleague.export_all(ts("2026-12-05T17:00:00Z"));
    let mut phone = fresh_app("phone-a");
    let plan = phone.plan_import(exchange::read(file.as_bytes()).unwrap(), "dong-nghiep.json".into(), ts(BEHIND));
    assert!(plan.clock_behind, "the file says this phone's clock is behind");
    assert_eq!(plan.device_now, ts(BEHIND), "the preview shows the phone's own date");
    assert_eq!(plan.future.len(), 21, "every record is later than the phone's clock");
    assert_eq!(plan.default_choice(), FutureChoice::KeepAsIs, "keeping the times is selected first");
    phone.import(plan, FutureChoice::KeepAsIs, ts(BEHIND)).unwrap();
    assert_eq!(phone.registry().get("m-3").unwrap().updated_at, plus(ts("2026-12-05T07:00:00Z"), 180_000), "kept as they are");
    assert!(phone.clock_behind(ts(BEHIND)).is_some(), "the phone now knows its clock is behind");

    // she corrects a title, a minute later by her clock, and exports
    let mut m = phone.registry().get("m-7").unwrap().clone();
    m.title = "Mô hình 7 (đã sửa tên)".into();
    let saved = phone.save_model(m, plus(ts(BEHIND), 60_000)).unwrap();
    let newest_in_file = colleague.registry().all_models().iter().map(|m| m.updated_at).max().unwrap();
    assert!(saved > newest_in_file, "the correction is later than every version she had seen: {saved}");
    let back = phone.export_all(plus(ts(BEHIND), 120_000));

    // the colleague, whose clock is right, imports it the next morning
    let plan = colleague.plan_import(exchange::read(back.as_bytes()).unwrap(), "phone-a.json".into(), ts(RIGHT));
    assert!(!plan.clock_behind && plan.future.is_empty(), "nothing in the file looks wrong to a right clock");
    assert_eq!(plan.preview.models.conflicts, 0, "the preview shows no conflict either");
    assert_eq!(plan.preview.models.updated, 1);
    let done = colleague.import(plan, FutureChoice::BringBack, ts(RIGHT)).unwrap();
    assert_eq!(done.conflicts, 0, "an edit of a version is no conflict with it");
    assert_eq!(colleague.registry().get("m-7").unwrap().title, "Mô hình 7 (đã sửa tên)", "the correction wins there");
    assert_eq!(phone.registry().get("m-7").unwrap().title, "Mô hình 7 (đã sửa tên)", "and here");
    // the colleague's version was the one edited: it is no conflict to review (the history keeps versions
    // that lost to an edit made without seeing them); what it held but the title is in the correction
    assert!(colleague.history().conflicts().is_empty(), "{:?}", colleague.history().all());
    let kept = colleague.registry().get("m-7").unwrap();
    assert_eq!(kept.created_at, ts("2026-12-05T07:00:00Z"));

    // and it stays the winner when the colleague's old file reaches the phone again
    import_default(&mut phone, &file, plus(ts(BEHIND), 180_000));
    assert_eq!(phone.registry().get("m-7").unwrap().title, "Mô hình 7 (đã sửa tên)");
}

#[test]
fn bringing_back_the_colleague_times_would_lose_the_correction() {
    // the choice that was selected before #26, kept as a guard: it rewrites the file a year back, so the
    // correction made after it is older than the colleague's version on the colleague's phone
    let mut colleague = colleague();
    let file = colleague.export_all(ts("2026-12-05T17:00:00Z"));
    let mut phone = fresh_app("phone-a");
    let plan = phone.plan_import(exchange::read(file.as_bytes()).unwrap(), "f".into(), ts(BEHIND));
    phone.import(plan, FutureChoice::BringBack, ts(BEHIND)).unwrap();
    assert!(phone.clock_behind(ts(BEHIND)).is_none(), "brought-back times are not adopted");
    let mut m = phone.registry().get("m-7").unwrap().clone();
    m.title = "Sửa".into();
    phone.save_model(m, plus(ts(BEHIND), 60_000)).unwrap();
    let back = phone.export_all(plus(ts(BEHIND), 120_000));
    import_default(&mut colleague, &back, ts(RIGHT));
    assert_eq!(colleague.registry().get("m-7").unwrap().title, "Mô hình 7", "so bring back is not the default");
}

#[test]
fn the_logical_clock_survives_a_reload() {
    let store = MemoryStore::new();
    let file = colleague().export_all(ts("2026-12-05T17:00:00Z"));
    let newest = {
        let mut phone = app_on(&store, "phone", ts(BEHIND));
        import_default(&mut phone, &file, ts(BEHIND));
        phone.clock().newest().unwrap()
    };
    assert!(newest >= ts("2026-12-05T07:21:00Z"));
    // the tab is killed; a new one opens on the same storage, the phone's clock still behind
    let mut phone = app_on(&store, "phone", plus(ts(BEHIND), 1000));
    assert_eq!(phone.clock().newest(), Some(newest), "the newest accepted time was kept");
    assert!(phone.clock_behind(plus(ts(BEHIND), 1000)).is_some());
    let saved = phone.save_model(model("m-new", "Mới", "phone"), plus(ts(BEHIND), 2000)).unwrap();
    assert!(saved > newest);
    // a corrupted stored clock is no reason to fail: the records' times still hold
    let mut raw = dvk_registry::storage::layout::CLOCK_KEY.to_string();
    store.set(&raw, "{not json").unwrap();
    let mut phone = app_on(&store, "phone", plus(ts(BEHIND), 3000));
    let again = phone.save_model(model("m-new2", "Mới 2", "phone"), plus(ts(BEHIND), 4000)).unwrap();
    assert!(again > saved, "after a damaged clock value the device still stamps after what it holds: {again}");
    raw.clear();
}

#[test]
fn a_time_in_2099_is_never_adopted() {
    let mut fast = fresh_app("fast-clock");
    let mut m = model("m-1", "Từ năm 2099", "fast-clock");
    m.updated_at = ts("2099-01-01T00:00:00Z");
    let mut e = ev("e-1", "2026-12-01", Rating::Effective);
    e.recorded_at = Some(ts("2099-01-02T00:00:00Z"));
    m.evaluations.push(e);
    fast.add_models(vec![m, model("m-2", "Bình thường", "fast-clock")], at(1)).unwrap();
    let text = exchange::write(fast.registry().all_models(), fast.registry().all_plans(), ts("2026-12-05T17:00:00Z"), None);
    // on a right clock and on a phone a year behind, with every choice
    for now in [ts(RIGHT), ts(BEHIND)] {
        for choice in [FutureChoice::BringBack, FutureChoice::LeaveOut, FutureChoice::KeepAsIs] {
            let mut me = fresh_app("me");
            let plan = me.plan_import(exchange::read(text.as_bytes()).unwrap(), "f".into(), now);
            assert!(plan.future.iter().any(|f| f.model_id == "m-1"), "the 2099 record is flagged");
            me.import(plan, choice, now).unwrap();
            let newest = me.clock().newest().unwrap();
            assert!(newest < ts("2027-01-01T00:00:00Z"), "{choice:?} at {now}: the clock took {newest}");
            let saved = me.save_model(model("m-3", "Sau", "me"), now).unwrap();
            assert!(saved < ts("2027-01-01T00:00:00Z"), "{choice:?} at {now}: a stamp in 2099 ({saved})");
        }
    }
}

#[test]
fn brought_back_times_keep_their_order_and_stay_distinct() {
    let mut fast = fresh_app("fast-clock");
    let times = ["2099-01-01T00:00:00Z", "2099-01-02T00:00:00Z", "2099-03-01T00:00:00Z"];
    let mut ms: Vec<_> = times
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut m = model(&format!("m-{i}"), "Tương lai", "fast-clock");
            m.updated_at = ts(t);
            m
        })
        .collect();
    // two evaluations of one model a day apart, and an ordinary record
    let mut e1 = ev("e-1", "2026-12-01", Rating::Limited);
    e1.recorded_at = Some(ts("2099-01-01T00:00:00Z"));
    let mut e2 = ev("e-2", "2026-12-01", Rating::VeryEffective);
    e2.recorded_at = Some(ts("2099-01-02T00:00:00Z"));
    ms[0].evaluations = vec![e2, e1];
    let mut ordinary = model("m-9", "Bình thường", "fast-clock");
    ordinary.updated_at = ts("2026-12-05T10:00:00Z");
    ms.push(ordinary);
    fast.add_models(ms, at(1)).unwrap();
    let text = exchange::write(fast.registry().all_models(), fast.registry().all_plans(), ts("2026-12-05T17:00:00Z"), None);
    let mut me = fresh_app("me");
    let plan = me.plan_import(exchange::read(text.as_bytes()).unwrap(), "f".into(), ts(RIGHT));
    me.import(plan, FutureChoice::BringBack, ts(RIGHT)).unwrap();
    let r = me.registry();
    let got: Vec<Timestamp> = (0..3).map(|i| r.get(&format!("m-{i}")).unwrap().updated_at).collect();
    assert!(got[0] < got[1] && got[1] < got[2], "order kept and distinct: {got:?}");
    assert!(got[0] > r.get("m-9").unwrap().updated_at, "after the record that was not flagged");
    assert!(got[2] <= ts(RIGHT), "and none is left in the future: {got:?}");
    let m0 = r.get("m-0").unwrap();
    let at_of = |id: &str| m0.evaluations.iter().find(|e| e.id == id).unwrap().recorded_at.unwrap();
    assert!(at_of("e-1") < at_of("e-2"), "the later evaluation stays the later");
    assert_eq!(m0.latest_evaluation().unwrap().id, "e-2");
}

/// A phone a year behind that has imported the colleague's file keeping its times: its clock's newest time
/// is a year ahead of the phone's clock, so any stamp that skipped the clock would be a year too early.
fn phone_behind() -> (App<MemoryStore>, Timestamp) {
    let mut phone = fresh_app("phone-a");
    let file = colleague().export_all(ts("2026-12-05T17:00:00Z"));
    import_default(&mut phone, &file, ts(BEHIND));
    let n = phone.clock().newest().unwrap();
    assert!(n > plus(ts(BEHIND), 300 * DAY_MS));
    (phone, n)
}

fn photo(id: &str) -> Photo {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0];
    b.extend((0..64u8).map(|i| i.wrapping_mul(7)));
    Photo::new(id.into(), ts(BEHIND), "Ảnh", &ImageData::from_bytes(b).unwrap())
}

#[test]
fn every_time_this_device_stamps_comes_from_its_clock() {
    let now = ts(BEHIND);
    let upd = |app: &App<MemoryStore>, id: &str| app.registry().get(id).unwrap().updated_at;
    // each site, run on a fresh phone that is behind, returns the time it stamped
    type Site = fn(&mut App<MemoryStore>, Timestamp) -> Vec<Timestamp>;
    let sites: Vec<(&str, Site)> = vec![
        ("save_model", |a, now| vec![a.save_model(a.registry().get("m-1").unwrap().clone(), now).unwrap()]),
        ("delete_model", |a, now| {
            a.delete_model("m-1", now).unwrap();
            let m = a.registry().get("m-1").unwrap();
            vec![m.updated_at, m.deleted_at.unwrap()]
        }),
        ("undo", |a, now| {
            let u = a.delete_model("m-1", now).unwrap();
            let before = a.clock().newest().unwrap();
            a.undo(&u, now).unwrap();
            let t = a.registry().get("m-1").unwrap().updated_at;
            assert!(t > before, "the undo is later than the delete");
            vec![t]
        }),
        ("add_evaluation", |a, now| {
            a.add_evaluation("m-1", ev("e-new", "2025-12-06", Rating::Effective), now).unwrap();
            let m = a.registry().get("m-1").unwrap();
            vec![m.updated_at, m.evaluations.iter().find(|e| e.id == "e-new").unwrap().recorded_at.unwrap()]
        }),
        ("save_plan", |a, now| vec![a.save_plan(plan("p-1", "Lộ trình", "phone-a"), now).unwrap()]),
        ("delete_plan", |a, now| {
            a.save_plan(plan("p-1", "Lộ trình", "phone-a"), now).unwrap();
            let before = a.clock().newest().unwrap();
            a.delete_plan("p-1", now).unwrap();
            let p = a.registry().all_plans().iter().find(|p| p.id == "p-1").unwrap();
            assert!(p.updated_at > before);
            vec![p.updated_at]
        }),
        ("remove_samples", |a, now| {
            let mut s = model("s-1", "Mẫu", "phone-a");
            s.mark_sample();
            a.add_samples(vec![s], now).unwrap();
            let (n, _undo) = a.remove_samples(now).unwrap();
            assert_eq!(n, 1);
            vec![a.registry().get("s-1").unwrap().updated_at]
        }),
        ("add_model_photo", |a, now| {
            a.add_model_photo("m-1", &photo("ph-1"), now).unwrap();
            vec![a.registry().get("m-1").unwrap().updated_at]
        }),
        ("delete_model_photo", |a, now| {
            a.add_model_photo("m-1", &photo("ph-1"), now).unwrap();
            let before = a.clock().newest().unwrap();
            let u = a.delete_model_photo("m-1", "ph-1", now).unwrap();
            assert!(matches!(u, Undo::DeletePhoto { .. }));
            let t = a.registry().get("m-1").unwrap().updated_at;
            assert!(t > before);
            vec![t]
        }),
        ("set_photo_caption", |a, now| {
            a.add_model_photo("m-1", &photo("ph-1"), now).unwrap();
            a.set_photo_caption("m-1", "ph-1", "Chuồng bò mới", now).unwrap();
            let m = a.registry().get("m-1").unwrap();
            let edited = serde_json::to_string(&m.extra).unwrap();
            let edited_at = edited.split("\"edited_at\":\"").nth(1).and_then(|s| s.split('"').next()).map(ts).unwrap();
            vec![m.updated_at, edited_at]
        }),
        ("set_model_location", |a, now| {
            let loc: Location = serde_json::from_str(r#"{"lat":16.46,"lon":107.59}"#).unwrap();
            a.set_model_location("m-1", Some(&loc), now).unwrap();
            vec![a.registry().get("m-1").unwrap().updated_at]
        }),
        ("restore", |a, now| {
            let key = a.backups().first().unwrap().key.clone();
            a.restore(&key, now).unwrap();
            // a restore takes a backup of what it replaces, keyed by the clock
            vec![a.backups().iter().map(|b| b.at).max().unwrap()]
        }),
        ("import (its backup)", |a, now| {
            let file = a.export_all(now);
            let done = import_default(a, &file, now);
            vec![a.backups().iter().find(|b| b.key == done.backup).unwrap().at]
        }),
        ("mark_exported", |a, now| {
            a.mark_exported(now).unwrap();
            vec![a.settings().last_export_at.unwrap()]
        }),
        ("mark_transferred", |a, now| {
            let content = a.transfer_content(&TransferChoice::Model("m-1".into()), now);
            a.mark_transferred("ABCD-1234", "Chị Lan", &content, now).unwrap();
            vec![a.transfer_recipients()[0].at]
        }),
        ("export_file (exported_at)", |a, now| {
            let text = a.export_all(now);
            vec![exchange::read(text.as_bytes()).unwrap().file_meta.exported_at.unwrap()]
        }),
        ("save_draft", |a, now| {
            a.save_draft("model", "{}".into(), now).unwrap();
            vec![a.draft("model").unwrap().at]
        }),
    ];
    for (name, site) in sites {
        let (mut phone, newest) = phone_behind();
        let stamped = site(&mut phone, now);
        assert!(!stamped.is_empty());
        for t in stamped {
            assert!(t > newest, "{name}: stamped {t}, not after the newest accepted time {newest}");
            assert!(t < plus(newest, DAY_MS), "{name}: stamped {t}, far past the clock");
        }
    }
    let _ = upd;
}

#[test]
fn resolving_a_conflict_on_a_phone_behind_is_stamped_after_both_versions() {
    let mut colleague = colleague();
    let file = colleague.export_all(ts("2026-12-05T17:00:00Z"));
    let mut phone = fresh_app("phone-a");
    import_default(&mut phone, &file, ts(BEHIND));
    // both edit m-1 without seeing each other's edit
    let mut m = colleague.registry().get("m-1").unwrap().clone();
    m.title = "Sửa ở máy đồng nghiệp".into();
    colleague.save_model(m, ts(RIGHT)).unwrap();
    let mut m = phone.registry().get("m-1").unwrap().clone();
    m.title = "Sửa ở máy A".into();
    phone.save_model(m, plus(ts(BEHIND), 1000)).unwrap();
    import_default(&mut phone, &colleague.export_all(plus(ts(RIGHT), 1000)), plus(ts(BEHIND), 2000));
    for resolve in [0, 1] {
        let mut p = App::open(copy_store(phone.repository().store(), "\u{0}"), 0, plus(ts(BEHIND), 3000), || "phone-a".into());
        let (index, entry) = p.history().conflicts().into_iter().map(|(i, e)| (i, e.clone())).find(|(_, e)| e.id == "m-1").expect("a conflict to look at");
        let newest = p.clock().newest().unwrap();
        if resolve == 0 {
            p.keep_current(index, plus(ts(BEHIND), 4000)).unwrap();
        } else {
            p.use_version(index, plus(ts(BEHIND), 4000)).unwrap();
        }
        assert!(p.clock().newest().unwrap() > newest, "resolution {resolve} went through the clock");
        if resolve == 1 {
            let t = p.registry().get("m-1").unwrap().updated_at;
            assert!(t > newest && t > entry.lost.saved().0, "the version used is saved after both: {t}");
        }
    }
}

#[test]
fn the_clock_warns_only_while_it_is_behind() {
    let (phone, newest) = phone_behind();
    assert_eq!(phone.clock_behind(ts(BEHIND)), Some(newest), "a year behind: said, with the newest time");
    assert_eq!(phone.clock_behind(ts(RIGHT)), None, "once the date is set right, no warning");
    let mut c = Clock::new();
    assert_eq!(c.behind(ts(BEHIND)), None);
    c.accept(plus(ts(BEHIND), DAY_MS));
    assert_eq!(c.behind(ts(BEHIND)), None, "a day ahead is within the margin");
    c.accept(plus(ts(BEHIND), DAY_MS + 1));
    assert!(c.behind(ts(BEHIND)).is_some());
}

#[test]
fn the_send_screen_offers_the_remembered_commune_then_those_with_models() {
    let mut app = fresh_app("phone");
    assert!(app.send_communes().is_empty(), "nothing to send, nothing offered");
    let mut ms = Vec::new();
    for (i, code) in [20101u32, 20101, 20101, 20014].iter().enumerate() {
        let mut m = model(&format!("m-{i}"), "Mô hình", "phone");
        m.locality.code = Some(*code);
        ms.push(m);
    }
    app.add_models(ms, at(1)).unwrap();
    let offered = app.send_communes();
    assert_eq!(offered.first(), Some(&(20101, 3)), "the commune with the most models first: {offered:?}");
    assert!(offered.iter().all(|&(_, n)| n > 0));
    // a remembered commune with no models comes first, with its count of 0
    let empty = dvk_registry::domain::locality::Localities::builtin()
        .current_communes()
        .map(|u| u.code)
        .find(|c| offered.iter().all(|(o, _)| o != c))
        .unwrap();
    app.update_settings(|s| s.visit_commune = Some(empty)).unwrap();
    let offered = app.send_communes();
    assert_eq!(offered[0], (empty, 0));
    assert_eq!(offered[1], (20101, 3));
    // and the remembered commune with models is not offered twice
    app.update_settings(|s| s.visit_commune = Some(20101)).unwrap();
    let offered = app.send_communes();
    assert_eq!(offered[0], (20101, 3));
    assert_eq!(offered.iter().filter(|(c, _)| *c == 20101).count(), 1);
}
