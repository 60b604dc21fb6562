//! Sync with the city's CouchDB (issue #27), the application layer: the real `App` on `MemoryStore`
//! driven by `app::sync::run_sync` against the fake CouchDB of tests/support/couch.rs (documents with revision trees
//! cut to their leaves, `_changes` with seq and limit, `_bulk_docs` with 409 for a stale `_rev`, conflict
//! leaves made as replication makes them, a `validate_doc_update` that refuses some documents, 401s, and
//! failures injected at every request and every App step). The browser half (fetch, the screen, a real
//! pouchdb-server) is tests/e2e.

mod support;

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use dvk_registry::app::sync::{run_sync, Host, Progress, SyncError, SyncOptions, SyncReport};
use dvk_registry::app::{App, AppError};
use dvk_registry::domain::model::{Model, Rating};
use dvk_registry::domain::time::Timestamp;
use dvk_registry::storage::{MemoryStore, Store};
use serde_json::{json, Value};
use support::couch::{block_on, gen, Fail, Net, Server};
use support::{app_on, at, ev, model, plan, Faulty};

// ---------------------------------------------------------------------------------------------------
// A device: an App and the host that runs its steps (as the browser does under the Web Lock).

struct Device<S: Store> {
    app: RefCell<App<S>>,
    now: Cell<i64>,
    steps: Cell<usize>,
    /// Refuse step number `n` (from 0) of the next syncs, as if the tab had closed there.
    fail_step: Cell<Option<usize>>,
    progress: RefCell<Vec<Progress>>,
}

impl<S: Store> Host<S> for Device<S> {
    async fn step<R: 'static>(&self, op: impl FnOnce(&mut App<S>, Timestamp) -> Result<R, AppError> + 'static) -> Result<R, AppError> {
        let n = self.steps.get();
        self.steps.set(n + 1);
        if self.fail_step.get() == Some(n) {
            return Err(AppError::Unavailable);
        }
        let now = self.tick();
        op(&mut self.app.borrow_mut(), now)
    }
    fn progress(&self, p: Progress) {
        self.progress.borrow_mut().push(p);
    }
}

const URL: &str = "http://127.0.0.1:5984/dvk-hue";

impl<S: Store> Device<S> {
    fn new(store: S, name: &str, start: i64) -> Device<S> {
        let mut app = app_on(store, name, at(start));
        app.set_sync_server(URL, &format!("user-{name}")).unwrap();
        Device { app: RefCell::new(app), now: Cell::new(start), steps: Cell::new(0), fail_step: Cell::new(None), progress: RefCell::default() }
    }
    fn tick(&self) -> Timestamp {
        self.now.set(self.now.get() + 1);
        at(self.now.get())
    }
    fn sync(&self, net: &Net) -> SyncReport {
        self.steps.set(0);
        block_on(run_sync(net, self, SyncOptions { pull_batch: 10, pull_batch_max: 10, push_batch: 4 }))
    }
    fn save(&self, m: Model) {
        let now = self.tick();
        self.app.borrow_mut().save_model(m, now).unwrap();
    }
    fn get(&self, id: &str) -> Model {
        self.app.borrow().registry().get(id).cloned().expect("the model is here")
    }
    fn edit(&self, id: &str, f: impl FnOnce(&mut Model)) {
        let mut m = self.get(id);
        f(&mut m);
        self.save(m);
    }
    fn models(&self) -> Vec<Model> {
        let mut v = self.app.borrow().registry().all_models().to_vec();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    }
    fn pending(&self) -> usize {
        self.app.borrow_mut().sync_pending()
    }
    fn conflicts(&self) -> usize {
        self.app.borrow().history().conflicts().len()
    }
}

fn device(name: &str, start: i64) -> Device<MemoryStore> {
    Device::new(MemoryStore::new(), name, start)
}

/// A device holding `n` models `<name>-<i>`.
fn device_with(name: &str, n: usize, start: i64) -> Device<MemoryStore> {
    let d = device(name, start);
    for i in 0..n {
        d.save(model(&format!("{name}-{i:02}"), &format!("Mô hình {name} {i}"), name));
    }
    d
}

fn server() -> RefCell<Server> {
    RefCell::new(Server::default())
}

fn bulk_requests(s: &RefCell<Server>) -> usize {
    s.borrow().bulk.len()
}

// ---------------------------------------------------------------------------------------------------

#[test]
fn a_first_sync_pulls_every_batch_and_stores_the_checkpoint() {
    let s = server();
    let c = device_with("c", 25, 0);
    assert_eq!(c.sync(&Net::new(&s)).error, None);
    assert_eq!(s.borrow().docs.len(), 25);
    let a = device("a", 100);
    let net = Net::new(&s);
    let r = a.sync(&net);
    assert_eq!(r.error, None);
    assert_eq!((r.new, r.updated, r.pushed), (25, 0, 0));
    assert_eq!(a.models(), c.models());
    let changes: Vec<String> = s.borrow().log.iter().filter(|l| l.contains("_changes")).cloned().collect();
    assert!(changes.len() >= 3, "25 documents in batches of 10: {changes:?}");
    assert_eq!(a.app.borrow().sync_setup().since, s.borrow().seq.to_string());
    assert!(a.progress.borrow().last().is_some_and(|p| p.pulled == 25 && p.remaining == Some(0)));
    assert!(r.backup.is_some(), "a backup before the first batch");
    assert_eq!(a.app.borrow().backups().len(), 1, "one backup for the whole sync");
    // Nothing new: the checkpoint read and one short `_changes`, nothing sent or written, no backup.
    let before = s.borrow().log.len();
    let r = a.sync(&net);
    assert_eq!((r.new, r.pushed, r.backup.clone()), (0, 0, None));
    assert_eq!(s.borrow().log[before..], ["GET _local/dvk-a".to_string(), format!("GET _changes?include_docs=true&conflicts=true&since={}&limit=10", s.borrow().seq)]);
    assert_eq!(a.app.borrow().sync_setup().last_report, Some(r));
}

#[test]
fn nothing_is_pushed_twice_and_an_edit_sends_just_that_record() {
    let s = server();
    let a = device_with("a", 6, 0);
    a.app.borrow_mut().save_plan(plan("p1", "Kế hoạch 2026", "a"), at(50)).unwrap();
    assert_eq!(a.pending(), 7);
    let net = Net::new(&s);
    let r = a.sync(&net);
    assert_eq!((r.error, r.pushed), (None, 7));
    assert_eq!(a.pending(), 0);
    assert_eq!(s.borrow().docs.len(), 7);
    assert_eq!(s.borrow().winner_body("model:a-03")["written_by"], "user-a");
    assert_eq!(s.borrow().winner_body("plan:p1")["type"], "plan");
    let sent = bulk_requests(&s);
    assert_eq!(sent, 2, "7 records in batches of 4");
    // Its own documents come back in the next pull: not sent again.
    assert_eq!(a.sync(&net).pushed, 0);
    assert_eq!(bulk_requests(&s), sent);
    a.edit("a-03", |m| m.title = "Sửa lại".into());
    assert_eq!(a.pending(), 1);
    assert_eq!(a.sync(&net).pushed, 1);
    assert_eq!(s.borrow().bulk.last().unwrap(), &vec!["model:a-03".to_string()]);
    assert_eq!(s.borrow().winner_body("model:a-03")["title"], "Sửa lại");
    assert_eq!(gen(&s.borrow().docs["model:a-03"].winner().rev), 2);
    assert_eq!(a.pending(), 0);
}

#[test]
fn two_devices_converge_with_the_loser_in_the_history() {
    let s = server();
    let a = device_with("a", 3, 0);
    let b = device_with("b", 2, 0);
    let (na, nb) = (Net::new(&s), Net::new(&s));
    a.sync(&na);
    b.sync(&nb);
    a.sync(&na);
    assert_eq!(a.models(), b.models());
    assert_eq!(a.models().len(), 5);
    // Offline, both edit the same model and each a different one.
    a.edit("a-00", |m| m.title = "Bản của A".into());
    b.now.set(b.now.get() + 500);
    b.edit("a-00", |m| {
        m.title = "Bản của B".into();
        m.evaluations.push(ev("e-b", "2026-01-05", Rating::Effective));
    });
    a.edit("a-01", |m| m.title = "A sửa".into());
    b.edit("b-01", |m| m.title = "B sửa".into());
    let ra = a.sync(&na);
    let rb = b.sync(&nb);
    let ra2 = a.sync(&na);
    assert_eq!((ra.error, rb.error, ra2.error), (None, None, None));
    assert_eq!(a.models(), b.models(), "the same registry on both");
    assert_eq!(a.get("a-00").title, "Bản của B", "the newer edit wins");
    assert_eq!(a.get("a-00").evaluations.len(), 1);
    assert_eq!((a.get("a-01").title.as_str(), a.get("b-01").title.as_str()), ("A sửa", "B sửa"));
    assert_eq!(rb.conflicts, 1, "B keeps A's version it beat");
    assert_eq!(ra2.conflicts, 1, "A keeps its own version that lost");
    assert_eq!((a.conflicts(), b.conflicts()), (1, 1));
    let lost = a.app.borrow().history().conflicts()[0].1.lost_model().cloned().unwrap();
    assert_eq!(lost.title, "Bản của A");
    assert_eq!(a.app.borrow().history().conflicts()[0].1.source, URL);
    // And they stay put.
    let before = bulk_requests(&s);
    a.sync(&na);
    b.sync(&nb);
    assert_eq!(bulk_requests(&s), before);
}

#[test]
fn a_409_is_read_back_merged_and_sent_again() {
    let s = server();
    let a = device_with("a", 1, 0);
    let b = device("b", 0);
    let (na, nb) = (Net::new(&s), Net::new(&s));
    a.sync(&na);
    b.sync(&nb);
    a.edit("a-00", |m| {
        m.title = "A, trước".into();
        m.evaluations.push(ev("e-a", "2026-01-03", Rating::Limited));
    });
    b.now.set(b.now.get() + 100);
    b.edit("a-00", |m| m.title = "B, sau".into());
    // A pushes between B's pull and B's push: B's `_rev` is stale.
    *nb.before_push.borrow_mut() = Some(Box::new(|| {
        let r = a.sync(&na);
        assert_eq!(r.pushed, 1);
    }));
    let r = b.sync(&nb);
    assert_eq!(r.error, None);
    assert_eq!(r.pushed, 1, "written on the second try");
    let bulks = s.borrow().bulk.clone();
    assert_eq!(bulks.len(), 4, "A's first push, A's edit, B's 409, B's retry: {bulks:?}");
    let body = s.borrow().winner_body("model:a-00");
    assert_eq!(body["title"], "B, sau");
    assert_eq!(body["evaluations"].as_array().unwrap().len(), 1, "A's evaluation kept in the merge");
    assert_eq!(b.conflicts(), 1, "A's title, in B's history");
    a.sync(&na);
    assert_eq!(a.models(), b.models());
    assert_eq!(a.pending() + b.pending(), 0);
}

#[test]
fn conflict_leaves_are_resolved_identically_by_two_clients_without_a_storm() {
    let s = server();
    let c = device_with("c", 1, 0);
    c.sync(&Net::new(&s));
    // Another server replicated in a concurrent version: two live leaves.
    let mut other = s.borrow().docs["model:c-00"].json(s.borrow().docs["model:c-00"].winner(), "model:c-00", false);
    other["title"] = json!("Bản từ máy chủ khác");
    other["updated_at"] = json!("2026-01-01T00:10:00Z");
    other["updated_by"] = json!("x");
    other["evaluations"] = json!([{"id": "e-x", "date": "2026-01-04", "by": "Tổ", "rating": "effective"}]);
    s.borrow_mut().add_conflict("model:c-00", other);
    assert_eq!(s.borrow().docs["model:c-00"].conflicts().len(), 1);
    let a = device("a", 1000);
    let b = device("b", 2000);
    let (na, nb) = (Net::new(&s), Net::new(&s));
    // Both pulled the conflict; A resolves just before B's resolution reaches the server.
    *nb.before_push.borrow_mut() = Some(Box::new(|| {
        assert_eq!(a.sync(&na).error, None);
    }));
    let rb = b.sync(&nb);
    assert_eq!(rb.error, None);
    let doc = s.borrow().docs["model:c-00"].clone();
    assert!(doc.conflicts().is_empty(), "the losing leaf is deleted: {doc:?}");
    assert_eq!(doc.leaves.iter().filter(|l| !l.deleted).count(), 1);
    assert_eq!(a.models(), b.models(), "both reached the same record");
    let m = a.get("c-00");
    assert_eq!(m.title, "Bản từ máy chủ khác");
    assert_eq!(m.evaluations.len(), 1);
    assert_eq!(serde_json::to_value(&m).unwrap()["title"], Value::from(doc.winner().body["title"].clone()));
    // B's own resolution was refused (409), read back, found the same: not written again.
    assert_eq!(gen(&doc.winner().rev), 2, "one resolution written, not two");
    // No storm: nothing more to write, from either.
    let before = bulk_requests(&s);
    a.sync(&na);
    b.sync(&nb);
    a.sync(&na);
    assert_eq!(bulk_requests(&s), before);
    assert_eq!(s.borrow().docs["model:c-00"].leaves.len(), 2, "the winner and the deleted loser");
}

#[test]
fn a_refused_document_is_kept_and_marked_until_it_changes() {
    let s = server();
    let a = device_with("a", 2, 0);
    a.edit("a-01", |m| m.title = "Tên [cấm]".into());
    let net = Net::new(&s);
    let r = a.sync(&net);
    assert_eq!(r.error, None);
    assert_eq!(r.pushed, 1);
    assert_eq!(r.refused.len(), 1);
    assert_eq!(r.refused[0].doc, "model:a-01");
    assert_eq!(r.refused[0].title, "Tên [cấm]");
    assert!(r.refused[0].reason.starts_with("bad_title:"));
    assert!(!s.borrow().docs.contains_key("model:a-01"));
    assert_eq!(a.get("a-01").title, "Tên [cấm]", "kept on the device");
    let marked = a.app.borrow_mut().sync_refused();
    assert_eq!(marked, r.refused);
    assert_eq!(a.pending(), 0, "not waiting: it would be refused again");
    let before = bulk_requests(&s);
    assert!(a.sync(&net).refused.is_empty());
    assert_eq!(bulk_requests(&s), before, "not sent again as it is");
    a.edit("a-01", |m| m.title = "Tên đã sửa".into());
    assert_eq!(a.pending(), 1);
    let r = a.sync(&net);
    assert_eq!((r.pushed, r.refused.len()), (1, 0));
    assert!(a.app.borrow_mut().sync_refused().is_empty());
    assert_eq!(s.borrow().winner_body("model:a-01")["title"], "Tên đã sửa");
}

#[test]
fn tombstones_travel_as_deleted_at_never_as_deleted_documents() {
    let s = server();
    let a = device_with("a", 2, 0);
    let b = device("b", 0);
    let (na, nb) = (Net::new(&s), Net::new(&s));
    a.sync(&na);
    b.sync(&nb);
    let now = a.tick();
    a.app.borrow_mut().delete_model("a-01", now).unwrap();
    a.sync(&na);
    let doc = s.borrow().docs["model:a-01"].clone();
    assert!(!doc.winner().deleted, "a live document");
    assert!(doc.winner().body["deleted_at"].is_string());
    let r = b.sync(&nb);
    assert_eq!(r.deleted, 1);
    assert!(b.get("a-01").is_deleted());
    assert_eq!(a.models(), b.models());
    // A `_deleted` leaf (a resolved conflict's loser, or a delete by hand) never deletes a record.
    let w = s.borrow().docs["model:a-00"].winner().rev.clone();
    s.borrow_mut().write(&json!({"_id": "model:a-00", "_rev": w, "_deleted": true})).unwrap();
    b.sync(&nb);
    assert!(!b.get("a-00").is_deleted());
    assert!(!s.borrow().docs["model:a-00"].winner().deleted, "sent back, live again");
}

#[test]
fn the_clock_takes_in_the_servers_times() {
    let s = server();
    let c = device_with("c", 1, 0);
    // C's clock is an hour ahead of A's.
    c.now.set(3600 * 5);
    c.edit("c-00", |m| m.title = "Sửa lúc sau".into());
    c.sync(&Net::new(&s));
    let a = device("a", 10);
    a.sync(&Net::new(&s));
    let theirs = a.get("c-00").updated_at;
    a.edit("c-00", |m| m.title = "A sửa tiếp".into());
    assert!(a.get("c-00").updated_at > theirs, "A's edit is stamped after the version it corrected");
    assert!(a.app.borrow().clock().peek(at(11)) > theirs);
}

#[test]
fn an_expired_session_stops_the_sync_and_loses_nothing() {
    let s = server();
    let a = device_with("a", 3, 0);
    let net = Net::new(&s);
    s.borrow_mut().signed_out = true;
    let r = a.sync(&net);
    assert_eq!(r.error, Some(SyncError::Unauthorized));
    assert_eq!(a.pending(), 3);
    assert_eq!(a.app.borrow().sync_setup().last_report.unwrap().error, Some(SyncError::Unauthorized));
    assert_eq!(a.app.borrow().sync_setup().last_sync, None);
    s.borrow_mut().signed_out = false;
    let r = a.sync(&net);
    assert_eq!((r.error, r.pushed), (None, 3));
    assert!(a.app.borrow().sync_setup().last_sync.is_some());
}

#[test]
fn each_failure_has_its_code() {
    let s = server();
    let a = device_with("a", 1, 0);
    let cases = [
        (Fail::Offline, SyncError::Offline),
        (Fail::Drop, SyncError::Unreachable),
        (Fail::Status(507), SyncError::ServerFull),
        (Fail::Status(403), SyncError::Forbidden),
        (Fail::Status(404), SyncError::NoDatabase),
        (Fail::Status(500), SyncError::Server(500)),
    ];
    for (fail, code) in cases {
        for k in [0, 1] {
            let net = Net::new(&s);
            net.fail.set(Some((k, fail)));
            let r = a.sync(&net);
            assert_eq!(r.error, Some(code), "{fail:?} at request {k}");
        }
    }
    let mut app = support::fresh_app("z");
    app.set_sync_server("", "").unwrap();
    let d = Device { app: RefCell::new(app), now: Cell::new(0), steps: Cell::new(0), fail_step: Cell::new(None), progress: RefCell::default() };
    assert_eq!(d.sync(&Net::new(&s)).error, Some(SyncError::NotSetUp));
}

/// The world of the resume test: a server holding C's 23 models, and A (on `store`) holding 6 of its
/// own and one of C's (A imported C's file), edited on A.
fn resume_world<S: Store>(store: S) -> (RefCell<Server>, Device<S>) {
    let s = server();
    let c = device_with("c", 23, 0);
    c.sync(&Net::new(&s));
    let a = Device::new(store, "a", 10);
    for i in 0..6 {
        a.save(model(&format!("a-{i:02}"), &format!("Mô hình a {i}"), "a"));
    }
    let mut shared = c.get("c-05");
    shared.title = "A đã sửa".into();
    a.save(shared);
    (s, a)
}

/// What a sync leaves: A's registry and the server's winners (with their generation: a record written
/// twice would show).
fn settled<S: Store>(s: &RefCell<Server>, a: &Device<S>) -> (Vec<Model>, BTreeMap<String, (u64, Value)>) {
    (a.models(), s.borrow().winners())
}

#[test]
fn an_interrupted_sync_resumes_whatever_request_or_step_failed() {
    let (s0, a0) = resume_world(MemoryStore::new());
    let clean_net = Net::new(&s0);
    assert_eq!(a0.sync(&clean_net).error, None);
    let requests = clean_net.count.get();
    let steps = a0.steps.get();
    let expected = settled(&s0, &a0);
    assert!(requests >= 5 && steps >= 10, "a sync of several batches: {requests} requests, {steps} steps");
    let mut failures = Vec::new();
    for k in 0..requests {
        for fail in [Fail::Drop, Fail::LoseReply, Fail::Status(503)] {
            failures.push((Some((k, fail)), None));
        }
    }
    for k in 0..steps {
        failures.push((None, Some(k)));
    }
    for (net_fail, step_fail) in failures {
        let case = format!("{net_fail:?} {step_fail:?}");
        let (s, a) = resume_world(MemoryStore::new());
        let net = Net::new(&s);
        net.fail.set(net_fail);
        a.fail_step.set(step_fail);
        let r = a.sync(&net);
        // The last step (storing the report) failing is not a failure of the sync.
        if step_fail != Some(steps - 1) {
            assert!(r.error.is_some(), "{case} is reported");
        }
        // It resumes from the checkpoint the server holds (the one written after the last batch it has).
        let since = s.borrow().local.get("_local/dvk-a").map(|d| d["since"].as_str().unwrap().to_string()).unwrap_or_default();
        a.fail_step.set(None);
        net.fail.set(None);
        let log_from = s.borrow().log.len();
        let r = a.sync(&net);
        assert_eq!(r.error, None, "{case}: the next sync completes");
        let first = s.borrow().log[log_from..].iter().find(|l| l.contains("_changes")).unwrap().clone();
        let since = if since.is_empty() { "0".to_string() } else { since };
        assert!(first.ends_with(&format!("since={since}&limit=10")), "{case}: resumed from the checkpoint: {first}");
        let got = settled(&s, &a);
        assert_eq!(got.0, expected.0, "{case}: the same registry");
        assert_eq!(got.1, expected.1, "{case}: the same server, no record written twice");
        assert_eq!(a.pending(), 0, "{case}");
        let before = bulk_requests(&s);
        a.sync(&net);
        assert_eq!(bulk_requests(&s), before, "{case}: settled");
    }
}

#[test]
fn a_sync_cut_by_the_tab_closing_mid_write_resumes_after_a_reload() {
    let (s0, a0) = resume_world(MemoryStore::new());
    a0.sync(&Net::new(&s0));
    let expected = settled(&s0, &a0);
    let mut crashes = 0;
    for k in 0.. {
        let mem = MemoryStore::new();
        let (s, a) = resume_world(Faulty::new(&mem));
        a.app.borrow().repository().store().crash_after(Some(k));
        let r = a.sync(&Net::new(&s));
        if !a.app.borrow().repository().store().crashed() {
            assert_eq!(r.error, None);
            assert_eq!(settled(&s, &a), expected);
            break;
        }
        crashes += 1;
        let later = a.now.get() + 100;
        drop(a);
        // The tab reloads from what storage holds.
        let again = Device::new(&mem, "a", later);
        let r = again.sync(&Net::new(&s));
        assert_eq!(r.error, None, "crash after {k} writes: the sync after the reload completes");
        let got = settled(&s, &again);
        assert_eq!(got.0, expected.0, "crash after {k} writes: the same registry");
        assert_eq!(got.1, expected.1, "crash after {k} writes: the same server");
    }
    assert!(crashes > 5, "a sync writes several times: {crashes}");
}

#[test]
fn a_failed_save_of_a_batch_is_undone_and_the_checkpoint_stays() {
    let s = server();
    let c = device_with("c", 5, 0);
    c.sync(&Net::new(&s));
    let faulty = Faulty::new(MemoryStore::new());
    let a = Device::new(faulty, "a", 10);
    a.save(model("a-00", "Của A", "a"));
    // The records cannot be saved, but the backup (of what is saved) can.
    a.app.borrow().repository().store().refuse(Some("dvk.records.m"));
    let r = a.sync(&Net::new(&s));
    assert_eq!(r.error, Some(SyncError::StorageFull));
    assert_eq!(a.app.borrow().registry().all_models().len(), 1, "undone in memory");
    assert!(!a.app.borrow().unsaved());
    assert_eq!(a.app.borrow().sync_setup().since, "");
    a.app.borrow().repository().store().refuse(None);
    let r = a.sync(&Net::new(&s));
    assert_eq!((r.error, r.new, r.pushed), (None, 5, 1));
}

#[test]
fn unreadable_server_documents_are_named_and_skipped() {
    let s = server();
    let c = device_with("c", 2, 0);
    c.sync(&Net::new(&s));
    // A document another client wrote with a title the exchange format refuses (a number).
    let w = s.borrow().docs["model:c-01"].winner().rev.clone();
    let mut bad = Value::Object(s.borrow().winner_body("model:c-01"));
    bad["_id"] = json!("model:c-01");
    bad["_rev"] = json!(w);
    bad["title"] = json!(7);
    s.borrow_mut().write(&bad).unwrap();
    let a = device("a", 100);
    let r = a.sync(&Net::new(&s));
    assert_eq!(r.error, None);
    assert_eq!(r.new, 1);
    assert_eq!(r.unreadable.len(), 1);
    assert_eq!(r.unreadable[0].doc, "model:c-01");
    // C still has the good version and sends it over the bad one.
    let rc = c.sync(&Net::new(&s));
    assert_eq!(rc.unreadable.len(), 1);
    assert_eq!(rc.pushed, 1);
    assert_eq!(s.borrow().winner_body("model:c-01")["title"], "Mô hình c 1");
    a.sync(&Net::new(&s));
    assert_eq!(a.models(), c.models());
}

// ---------------------------------------------------------------------------------------------------
// A server restored from an older backup (its `_local` checkpoint documents go back with it).

/// Every record of `d` is on the server as it is on `d` (the winner's body is the record's document).
fn server_holds<S: Store>(s: &RefCell<Server>, d: &Device<S>) {
    let app = d.app.borrow();
    let strip = |mut v: serde_json::Map<String, Value>| {
        for k in ["_id", "_rev", "written_by"] {
            v.remove(k);
        }
        v
    };
    let mut ids = Vec::new();
    for m in app.registry().all_models() {
        let id = format!("model:{}", m.id);
        let want = strip(dvk_registry::domain::sync::model_doc(m, None, "x").as_object().cloned().unwrap());
        assert!(s.borrow().docs.contains_key(&id), "{id} is on the server");
        assert_eq!(strip(s.borrow().winner_body(&id)), want, "{id} on the server as on the device");
        ids.push(id);
    }
    for p in app.registry().all_plans() {
        let id = format!("plan:{}", p.id);
        let want = strip(dvk_registry::domain::sync::plan_doc(p, None, "x").as_object().cloned().unwrap());
        assert_eq!(strip(s.borrow().winner_body(&id)), want, "{id} on the server as on the device");
        ids.push(id);
    }
    ids.sort();
    assert_eq!(s.borrow().docs.keys().cloned().collect::<Vec<_>>(), ids, "the server holds these records, no others");
}

/// A and B synced with C's records on the server; then each edits and adds, and syncs.
fn restore_world() -> (RefCell<Server>, Device<MemoryStore>, Device<MemoryStore>, Vec<String>) {
    let s = server();
    let c = device_with("c", 12, 0);
    c.sync(&Net::new(&s));
    let a = device_with("a", 5, 10);
    let b = device_with("b", 3, 20);
    a.sync(&Net::new(&s));
    b.sync(&Net::new(&s));
    a.sync(&Net::new(&s));
    assert_eq!(a.models(), b.models());
    let ids = a.models().into_iter().map(|m| m.id).collect();
    (s, a, b, ids)
}

fn later_edits(s: &RefCell<Server>, a: &Device<MemoryStore>, b: &Device<MemoryStore>) {
    a.edit("c-03", |m| m.title = "A sửa sau bản sao".into());
    a.save(model("a-new", "A thêm sau bản sao", "a"));
    a.app.borrow_mut().save_plan(plan("pa", "Kế hoạch của A", "a"), at(300)).unwrap();
    b.edit("a-01", |m| m.title = "B sửa sau bản sao".into());
    b.save(model("b-new", "B thêm sau bản sao", "b"));
    for d in [a, b, a] {
        assert_eq!(d.sync(&Net::new(s)).error, None);
    }
    assert_eq!(a.models(), b.models());
}

/// After the server went back, both devices sync (twice: each sends what it lacked, then takes the
/// other's): nothing lost, the server holds both registries, and it stays put.
fn after_restore(s: &RefCell<Server>, a: &Device<MemoryStore>, b: &Device<MemoryStore>, ids: &[String]) {
    let want = a.models();
    let ra = a.sync(&Net::new(s));
    let rb = b.sync(&Net::new(s));
    assert_eq!((ra.error, rb.error), (None, None));
    assert!(ra.server_went_back && rb.server_went_back, "each device sees the server went back");
    for d in [a, b] {
        assert_eq!(d.sync(&Net::new(s)).error, None);
    }
    assert_eq!(a.models(), want, "nothing lost on A");
    assert_eq!(b.models(), want, "B has it all");
    for id in ids.iter().map(String::as_str).chain(["a-new", "b-new"]) {
        assert!(want.iter().any(|m| m.id == id), "{id} is still there");
    }
    server_holds(s, a);
    server_holds(s, b);
    assert_eq!(a.pending() + b.pending(), 0);
    let fresh = device("z", 900);
    assert_eq!(fresh.sync(&Net::new(s)).error, None);
    assert_eq!(fresh.models(), want, "a new device gets it all from the server");
    let before = bulk_requests(s);
    let (ra, rb) = (a.sync(&Net::new(s)), b.sync(&Net::new(s)));
    assert!(!ra.server_went_back && !rb.server_went_back);
    assert_eq!(bulk_requests(s), before, "settled");
}

#[test]
fn a_server_restored_from_a_backup_with_older_checkpoints_gets_back_what_it_lost() {
    let (s, a, b, ids) = restore_world();
    let backup = s.borrow().snapshot();
    assert!(s.borrow().local.contains_key("_local/dvk-a"), "the backup holds A's checkpoint");
    later_edits(&s, &a, &b);
    let since_before = a.app.borrow().sync_setup().since;
    s.borrow_mut().restore(&backup);
    assert!(since_before.parse::<u64>().unwrap() > s.borrow().seq, "A's checkpoint is ahead of the restored server");
    after_restore(&s, &a, &b, &ids);
    assert_eq!(s.borrow().winner_body("model:c-03")["title"], "A sửa sau bản sao");
    assert_eq!(s.borrow().winner_body("model:a-01")["title"], "B sửa sau bản sao");
}

#[test]
fn a_server_restored_from_a_backup_taken_before_the_devices_first_sync_gets_it_all() {
    let s = server();
    let c = device_with("c", 12, 0);
    c.sync(&Net::new(&s));
    // The backup holds C's records and checkpoint, none of A's or B's.
    let backup = s.borrow().snapshot();
    let a = device_with("a", 5, 10);
    let b = device_with("b", 3, 20);
    for d in [&a, &b, &a] {
        d.sync(&Net::new(&s));
    }
    let ids: Vec<String> = a.models().into_iter().map(|m| m.id).collect();
    later_edits(&s, &a, &b);
    s.borrow_mut().restore(&backup);
    assert!(!s.borrow().local.contains_key("_local/dvk-a"));
    after_restore(&s, &a, &b, &ids);
    // C, whose checkpoint the backup holds as C left it, needs nothing again.
    let rc = c.sync(&Net::new(&s));
    assert!(!rc.server_went_back);
    assert_eq!(c.models(), a.models());
}

#[test]
fn a_server_made_again_empty_is_filled_again_by_the_devices() {
    let (s, a, b, ids) = restore_world();
    later_edits(&s, &a, &b);
    s.borrow_mut().restore(&Default::default());
    after_restore(&s, &a, &b, &ids);
}

#[test]
fn a_server_that_goes_back_during_a_sync_is_checked_again() {
    let (s, a, b, ids) = restore_world();
    let backup = s.borrow().snapshot();
    later_edits(&s, &a, &b);
    a.edit("a-02", |m| m.title = "A sửa trong lúc khôi phục".into());
    // The server goes back between A's pull and its push: A's checkpoint write after the push gets a 409.
    let net = Net::new(&s);
    *net.before_push.borrow_mut() = Some(Box::new(|| s.borrow_mut().restore(&backup)));
    let r = a.sync(&net);
    assert_eq!(r.error, None);
    assert!(r.server_went_back, "found on the second look: {r:?} {:?}", &s.borrow().log[s.borrow().log.len().saturating_sub(30)..]);
    let want = a.models();
    b.sync(&Net::new(&s));
    a.sync(&Net::new(&s));
    assert_eq!(b.models(), want);
    server_holds(&s, &a);
    for id in &ids {
        assert!(want.iter().any(|m| &m.id == id));
    }
}

#[test]
fn a_backup_taken_between_a_push_and_its_checkpoint_loses_nothing() {
    let (s, a, b, _) = restore_world();
    a.sync(&Net::new(&s));
    // The backup holds A's checkpoint as it was before this push; the push's checkpoint never arrives.
    let backup = s.borrow().snapshot();
    a.edit("c-07", |m| m.title = "A sửa, rồi máy chủ khôi phục".into());
    let net = Net::new(&s);
    net.fail.set(Some((3, Fail::Drop)));
    let log_from = s.borrow().log.len();
    assert_eq!(a.sync(&net).error, Some(SyncError::Unreachable));
    let log: Vec<String> = s.borrow().log[log_from..].iter().map(|l| l.split('?').next().unwrap().to_string()).collect();
    assert_eq!(log, ["GET _local/dvk-a", "GET _changes", "POST _bulk_docs"], "the checkpoint after the push was lost");
    s.borrow_mut().restore(&backup);
    // The server holds the checkpoint A confirmed last: no full pull, but what A set since is not taken
    // as held.
    let r = a.sync(&Net::new(&s));
    assert_eq!(r.error, None);
    assert!(!r.server_went_back);
    assert_eq!(r.pushed, 1);
    b.sync(&Net::new(&s));
    assert_eq!(b.get("c-07").title, "A sửa, rồi máy chủ khôi phục");
    server_holds(&s, &a);
}

// ---------------------------------------------------------------------------------------------------
// A measurement, not a timed test (`cargo test --release --test sync -- --ignored --nocapture sync_figures`):
// a first sync of the province registry (2,226 models) from an empty device, default batches, with the
// time of each App step, so a cost that grows with the batches shows.

struct Timed {
    inner: Device<MemoryStore>,
    steps: RefCell<Vec<f64>>,
}

impl Host<MemoryStore> for Timed {
    async fn step<R: 'static>(&self, op: impl FnOnce(&mut App<MemoryStore>, Timestamp) -> Result<R, AppError> + 'static) -> Result<R, AppError> {
        let t = std::time::Instant::now();
        let r = self.inner.step(op).await;
        self.steps.borrow_mut().push(t.elapsed().as_secs_f64() * 1000.0);
        r
    }
}

#[test]
#[ignore]
fn sync_figures() {
    use dvk_registry::domain::demo::{province_demo, scaled_demo};
    use dvk_registry::domain::sync::model_doc;
    let n: usize = std::env::var("SYNC_MODELS").ok().and_then(|v| v.parse().ok()).unwrap_or(2226);
    let models = if n == 2226 { province_demo(2024, at(0), "seed") } else { scaled_demo(n, 2024, at(0), "seed") };
    let s = server();
    let t = std::time::Instant::now();
    for m in &models {
        s.borrow_mut().write(&model_doc(m, None, "seed")).unwrap();
    }
    println!("server loaded with {} docs in {:.0} ms", models.len(), t.elapsed().as_secs_f64() * 1000.0);
    // The documents as the app writes them, for the browser benchmark (tests/bench/sync.mjs).
    if let Ok(out) = std::env::var("SYNC_DOCS_OUT") {
        let docs: Vec<Value> = models.iter().map(|m| model_doc(m, None, "seed")).collect();
        std::fs::write(out, serde_json::to_string(&json!({ "docs": docs })).unwrap()).unwrap();
    }
    let net = Net::new(&s);
    let a = Timed { inner: device("a", 100), steps: RefCell::default() };
    let t = std::time::Instant::now();
    let r = block_on(run_sync(&net, &a, SyncOptions::default()));
    let total = t.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(r.error, None);
    assert_eq!(r.new, models.len());
    let steps = a.steps.borrow().clone();
    let in_steps: f64 = steps.iter().sum();
    println!("first sync of {}: {total:.0} ms, {} steps taking {in_steps:.0} ms", models.len(), steps.len());
    println!("steps (ms): {:?}", steps.iter().map(|x| x.round() as i64).collect::<Vec<_>>());
    let t = std::time::Instant::now();
    let p = a.inner.pending();
    println!("sync_pending after: {p} in {:.0} ms", t.elapsed().as_secs_f64() * 1000.0);
    // Ten changes made elsewhere, then an incremental sync.
    for m in models.iter().take(10) {
        let id = dvk_registry::domain::sync::doc_id(dvk_registry::domain::sync::DocKind::Model, &m.id);
        s.borrow_mut().bump(&id);
    }
    a.steps.borrow_mut().clear();
    let t = std::time::Instant::now();
    let r = block_on(run_sync(&net, &a, SyncOptions::default()));
    println!("incremental sync (10 changes): {:.0} ms, steps {:?}, updated {}", t.elapsed().as_secs_f64() * 1000.0,
        a.steps.borrow().iter().map(|x| x.round() as i64).collect::<Vec<_>>(), r.updated);
}

#[test]
fn pulled_batches_grow_after_each_full_one_up_to_the_most() {
    let s = server();
    let c = device_with("c", 40, 0);
    assert_eq!(c.sync(&Net::new(&s)).error, None);
    let a = Device::new(MemoryStore::new(), "a", 100);
    let r = block_on(run_sync(&Net::new(&s), &a, SyncOptions { pull_batch: 4, pull_batch_max: 16, push_batch: 4 }));
    assert_eq!((r.error, r.new), (None, 40));
    assert_eq!(a.models(), c.models());
    let limits: Vec<String> =
        s.borrow().log.iter().filter(|l| l.contains("_changes")).filter_map(|l| l.rsplit("limit=").next().map(str::to_string)).collect();
    let last: Vec<&str> = limits.iter().rev().take(4).rev().map(String::as_str).collect();
    // 40 documents: 4 + 8 + 16 + 16 (12 there: short, the last).
    assert_eq!(last, ["4", "8", "16", "16"]);
    assert_eq!(a.app.borrow().backups().len(), 1, "one backup for the whole sync");
}
