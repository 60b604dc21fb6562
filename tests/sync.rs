//! Sync with the city's CouchDB (issue #27), the application layer: the real `App` on `MemoryStore`
//! driven by `app::sync::run_sync` against a fake CouchDB in this file (documents with revision trees
//! cut to their leaves, `_changes` with seq and limit, `_bulk_docs` with 409 for a stale `_rev`, conflict
//! leaves made as replication makes them, a `validate_doc_update` that refuses some documents, 401s, and
//! failures injected at every request and every App step). The browser half (fetch, the screen, a real
//! pouchdb-server) is tests/e2e.

mod support;

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use dvk_registry::app::sync::{run_sync, Host, NetError, Progress, Reply, SyncError, SyncOptions, SyncReport, Transport};
use dvk_registry::app::{App, AppError};
use dvk_registry::domain::model::{Model, Rating};
use dvk_registry::domain::time::Timestamp;
use dvk_registry::storage::{MemoryStore, Store};
use serde_json::{json, Map, Value};
use support::{app_on, at, ev, model, plan, Faulty};

/// Runs a future that never waits (every request here is answered at once).
fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    match f.as_mut().poll(&mut cx) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("a fake request waited"),
    }
}

// ---------------------------------------------------------------------------------------------------
// The fake CouchDB.

#[derive(Debug, Clone)]
struct Leaf {
    rev: String,
    /// The document's fields without `_id` and `_rev`.
    body: Map<String, Value>,
    deleted: bool,
}

#[derive(Debug, Clone, Default)]
struct Doc {
    leaves: Vec<Leaf>,
    seq: u64,
}

fn gen(rev: &str) -> u64 {
    rev.split_once('-').and_then(|(g, _)| g.parse().ok()).unwrap_or(0)
}

impl Doc {
    /// CouchDB's winner: live before deleted, then the longer branch, then the greater revision.
    fn winner(&self) -> &Leaf {
        self.leaves.iter().max_by(|a, b| (!a.deleted, gen(&a.rev), &a.rev).cmp(&(!b.deleted, gen(&b.rev), &b.rev))).expect("a doc has a leaf")
    }
    /// The live losing leaves (`_conflicts`).
    fn conflicts(&self) -> Vec<String> {
        let w = self.winner().rev.clone();
        let mut c: Vec<String> = self.leaves.iter().filter(|l| !l.deleted && l.rev != w).map(|l| l.rev.clone()).collect();
        c.sort();
        c.reverse();
        c
    }
    fn json(&self, leaf: &Leaf, id: &str, conflicts: bool) -> Value {
        let mut o = Map::new();
        o.insert("_id".into(), json!(id));
        o.insert("_rev".into(), json!(leaf.rev));
        if leaf.deleted {
            o.insert("_deleted".into(), json!(true));
        }
        for (k, v) in &leaf.body {
            o.insert(k.clone(), v.clone());
        }
        let c = self.conflicts();
        if conflicts && !c.is_empty() {
            o.insert("_conflicts".into(), json!(c));
        }
        Value::Object(o)
    }
}

/// The rules of the city's `validate_doc_update`, cut down: a `type`, a `written_by`, and no title with
/// "[cấm]" in it (a stand-in for any body the real rules refuse).
fn validate(doc: &Map<String, Value>) -> Option<String> {
    if doc.get("type").and_then(Value::as_str).is_none() {
        return Some("no_type: a document needs its type".into());
    }
    if doc.get("written_by").and_then(Value::as_str).is_none_or(str::is_empty) {
        return Some("no_writer: written_by must name the user".into());
    }
    if doc.get("title").and_then(Value::as_str).is_some_and(|t| t.contains("[cấm]")) {
        return Some("bad_title: this title is refused by the city's rules".into());
    }
    None
}

#[derive(Debug, Clone, Default)]
struct Server {
    docs: BTreeMap<String, Doc>,
    seq: u64,
    /// Requests refused with 401 (the session expired).
    signed_out: bool,
    /// Every request: method and path.
    log: Vec<String>,
    /// The document ids of each `_bulk_docs` request, in order.
    bulk: Vec<Vec<String>>,
}

fn rev_after(parent: Option<&str>, body: &Map<String, Value>, deleted: bool) -> String {
    let g = parent.map_or(0, gen) + 1;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in format!("{parent:?}{}{deleted}", Value::Object(body.clone())).bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{g}-{h:016x}")
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() + 1 {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn query(q: &str) -> BTreeMap<String, String> {
    q.split('&').filter(|p| !p.is_empty()).map(|p| {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        (k.to_string(), decode(v))
    }).collect()
}

fn error(status: u16, error: &str, reason: &str) -> Reply {
    Reply { status, body: json!({"error": error, "reason": reason}).to_string() }
}

impl Server {
    fn bump(&mut self, id: &str) {
        self.seq += 1;
        self.docs.get_mut(id).unwrap().seq = self.seq;
    }

    /// Writes one document as `_bulk_docs` does: `Ok(rev)` or `(error, reason)`.
    fn write(&mut self, doc: &Value) -> Result<(String, String), (String, String)> {
        let mut o = doc.as_object().cloned().unwrap_or_default();
        let id = o.remove("_id").and_then(|v| v.as_str().map(String::from)).ok_or(("bad_request".to_string(), "no _id".to_string()))?;
        let rev = o.remove("_rev").and_then(|v| v.as_str().map(String::from));
        let deleted = o.remove("_deleted").and_then(|v| v.as_bool()).unwrap_or(false);
        if !deleted {
            if let Some(reason) = validate(&o) {
                return Err(("forbidden".into(), reason));
            }
        }
        let conflict = || ("conflict".to_string(), "Document update conflict.".to_string());
        let entry = self.docs.entry(id.clone()).or_default();
        let parent = match &rev {
            None => {
                if entry.leaves.iter().any(|l| !l.deleted) {
                    return Err(conflict());
                }
                // A new document, or one written over its deleted leaf.
                entry.leaves.iter().max_by_key(|l| gen(&l.rev)).map(|l| l.rev.clone())
            }
            Some(r) => match entry.leaves.iter().find(|l| &l.rev == r) {
                Some(l) if !(l.deleted && deleted) => Some(r.clone()),
                _ => return Err(conflict()),
            },
        };
        let new = rev_after(parent.as_deref(), &o, deleted);
        entry.leaves.retain(|l| Some(&l.rev) != parent.as_ref());
        entry.leaves.push(Leaf { rev: new.clone(), body: o, deleted });
        self.bump(&id);
        Ok((id, new))
    }

    /// A second leaf beside the winner, as replication from another server makes one (`new_edits=false`).
    fn add_conflict(&mut self, id: &str, body: Value) -> String {
        let doc = self.docs.get_mut(id).expect("the doc exists");
        let w = doc.winner().clone();
        let mut o = body.as_object().cloned().unwrap();
        o.remove("_id");
        o.remove("_rev");
        let parent = format!("{}-parent", gen(&w.rev) - 1);
        let rev = rev_after(Some(&parent), &o, false);
        doc.leaves.push(Leaf { rev: rev.clone(), body: o, deleted: false });
        self.bump(id);
        rev
    }

    fn handle(&mut self, method: &str, path: &str, body: Option<&str>) -> Reply {
        self.log.push(format!("{method} {path}"));
        if self.signed_out {
            return error(401, "unauthorized", "You are not authorized to access this db.");
        }
        let (p, q) = path.split_once('?').unwrap_or((path, ""));
        let q = query(q);
        match (method, p) {
            ("GET", "_changes") => self.changes(&q),
            ("POST", "_bulk_docs") => self.bulk_docs(body.unwrap_or_default()),
            ("GET", id) => {
                let id = decode(id);
                let Some(doc) = self.docs.get(&id) else { return error(404, "not_found", "missing") };
                let leaf = match q.get("rev") {
                    Some(r) => match doc.leaves.iter().find(|l| &l.rev == r) {
                        Some(l) => l,
                        None => return error(404, "not_found", "missing"),
                    },
                    None => doc.winner(),
                };
                if q.get("rev").is_none() && leaf.deleted {
                    return error(404, "not_found", "deleted");
                }
                Reply { status: 200, body: doc.json(leaf, &id, q.get("conflicts").is_some_and(|c| c == "true")).to_string() }
            }
            _ => error(400, "bad_request", "not in the fake"),
        }
    }

    fn changes(&self, q: &BTreeMap<String, String>) -> Reply {
        let since: u64 = q.get("since").and_then(|s| s.parse().ok()).unwrap_or(0);
        let limit: usize = q.get("limit").and_then(|s| s.parse().ok()).unwrap_or(usize::MAX);
        let mut all: Vec<(&String, &Doc)> = self.docs.iter().filter(|(_, d)| d.seq > since).collect();
        all.sort_by_key(|(_, d)| d.seq);
        let total = all.len();
        let page: Vec<_> = all.into_iter().take(limit).collect();
        let last_seq = if page.len() < total { page.last().map_or(since, |(_, d)| d.seq) } else { self.seq.max(since) };
        let results: Vec<Value> = page
            .iter()
            .map(|(id, d)| {
                let w = d.winner();
                let mut r = json!({"seq": d.seq, "id": id, "changes": [{"rev": w.rev}], "doc": d.json(w, id, q.get("conflicts").is_some_and(|c| c == "true"))});
                if w.deleted {
                    r["deleted"] = json!(true);
                }
                r
            })
            .collect();
        Reply { status: 200, body: json!({"results": results, "last_seq": last_seq, "pending": total - page.len()}).to_string() }
    }

    fn bulk_docs(&mut self, body: &str) -> Reply {
        let v: Value = serde_json::from_str(body).unwrap();
        let docs = v["docs"].as_array().cloned().unwrap_or_default();
        self.bulk.push(docs.iter().map(|d| d["_id"].as_str().unwrap_or_default().to_string()).collect());
        let out: Vec<Value> = docs
            .iter()
            .map(|d| match self.write(d) {
                Ok((id, rev)) => json!({"ok": true, "id": id, "rev": rev}),
                Err((e, reason)) => json!({"id": d["_id"], "error": e, "reason": reason}),
            })
            .collect();
        Reply { status: 201, body: Value::Array(out).to_string() }
    }

    /// The winner of each record document: (id, generation, body), to compare what two runs left.
    fn winners(&self) -> BTreeMap<String, (u64, Value)> {
        self.docs.iter().map(|(id, d)| {
            let w = d.winner();
            let mut b = w.body.clone();
            b.remove("written_by");
            (id.clone(), (gen(&w.rev), Value::Object(b)))
        }).collect()
    }

    fn winner_body(&self, id: &str) -> Map<String, Value> {
        self.docs[id].winner().body.clone()
    }
}

// ---------------------------------------------------------------------------------------------------
// The network between the App and the fake, with failures.

#[derive(Debug, Clone, Copy, PartialEq)]
enum Fail {
    /// The request never reaches the server.
    Drop,
    /// The server does it; the answer is lost.
    LoseReply,
    /// No network at all.
    Offline,
    /// The server answers with this status and does nothing.
    Status(u16),
}

struct Net<'a> {
    server: &'a RefCell<Server>,
    /// Requests made through this net.
    count: Cell<usize>,
    /// Fail request number `n` (from 0) so.
    fail: Cell<Option<(usize, Fail)>>,
    /// Runs once, just before the first `_bulk_docs` reaches the server (another device's sync, say).
    before_push: RefCell<Option<Box<dyn FnOnce() + 'a>>>,
}

impl<'a> Net<'a> {
    fn new(server: &'a RefCell<Server>) -> Net<'a> {
        Net { server, count: Cell::new(0), fail: Cell::new(None), before_push: RefCell::new(None) }
    }
    fn request(&self, method: &str, path: &str, body: Option<&str>) -> Result<Reply, NetError> {
        let n = self.count.get();
        self.count.set(n + 1);
        let fail = self.fail.get().filter(|(k, _)| *k == n).map(|(_, f)| f);
        match fail {
            Some(Fail::Drop) => return Err(NetError::Unreachable),
            Some(Fail::Offline) => return Err(NetError::Offline),
            Some(Fail::Status(s)) => return Ok(error(s, "injected", "injected")),
            _ => {}
        }
        if path == "_bulk_docs" {
            if let Some(f) = self.before_push.borrow_mut().take() {
                f();
            }
        }
        let reply = self.server.borrow_mut().handle(method, path, body);
        if fail == Some(Fail::LoseReply) {
            return Err(NetError::Unreachable);
        }
        Ok(reply)
    }
}

impl Transport for Net<'_> {
    async fn get(&self, path: &str) -> Result<Reply, NetError> {
        self.request("GET", path, None)
    }
    async fn post(&self, path: &str, body: String) -> Result<Reply, NetError> {
        self.request("POST", path, Some(&body))
    }
}

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
        block_on(run_sync(net, self, SyncOptions { pull_batch: 10, push_batch: 4 }))
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
    // Nothing new: one short `_changes`, nothing sent, no backup.
    let before = s.borrow().log.len();
    let r = a.sync(&net);
    assert_eq!((r.new, r.pushed, r.backup.clone()), (0, 0, None));
    assert_eq!(s.borrow().log.len() - before, 1);
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
        let since = a.app.borrow().sync_setup().since;
        a.fail_step.set(None);
        net.fail.set(None);
        let log_from = s.borrow().log.len();
        let r = a.sync(&net);
        assert_eq!(r.error, None, "{case}: the next sync completes");
        let first = s.borrow().log[log_from].clone();
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
