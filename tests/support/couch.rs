//! A fake CouchDB for the native sync tests (tests/sync.rs) and the simulation (tests/simulation.rs):
//! documents with revision trees cut to their leaves, `_changes` with seq and limit, `_bulk_docs` with 409
//! for a stale `_rev`, conflict leaves made as replication makes them, a `validate_doc_update` that refuses
//! some documents, 401s, `_local` documents (never in `_changes`; revisions `0-N` checked on PUT as
//! CouchDB does), a snapshot and a restore as a backup of the database files makes them (`_local`
//! documents included, as they were when the backup was taken); and `Net`, the network between an App and it, with failures injected by request
//! number. Not a mock of HTTP in the browser: the browser tests run pouchdb-server (tests/e2e/couch.mjs).
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use dvk_registry::app::sync::{NetError, Reply, Transport};
use serde_json::{json, Map, Value};

/// Runs a future that never waits (every request here is answered at once).
pub fn block_on<F: Future>(f: F) -> F::Output {
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
pub struct Leaf {
    pub rev: String,
    /// The document's fields without `_id` and `_rev`.
    pub body: Map<String, Value>,
    pub deleted: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub leaves: Vec<Leaf>,
    pub seq: u64,
}

pub fn gen(rev: &str) -> u64 {
    rev.split_once('-').and_then(|(g, _)| g.parse().ok()).unwrap_or(0)
}

impl Doc {
    /// CouchDB's winner: live before deleted, then the longer branch, then the greater revision.
    pub fn winner(&self) -> &Leaf {
        self.leaves.iter().max_by(|a, b| (!a.deleted, gen(&a.rev), &a.rev).cmp(&(!b.deleted, gen(&b.rev), &b.rev))).expect("a doc has a leaf")
    }
    /// The live losing leaves (`_conflicts`).
    pub fn conflicts(&self) -> Vec<String> {
        let w = self.winner().rev.clone();
        let mut c: Vec<String> = self.leaves.iter().filter(|l| !l.deleted && l.rev != w).map(|l| l.rev.clone()).collect();
        c.sort();
        c.reverse();
        c
    }
    pub fn json(&self, leaf: &Leaf, id: &str, conflicts: bool) -> Value {
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

/// The rules of the city's `validate_doc_update`, cut down: a `type`, a `written_by`, no title with
/// "[cấm]" in it (a stand-in for any body the real rules refuse), and a photo document with its image
/// attached, of its type.
pub fn validate(doc: &Map<String, Value>) -> Option<String> {
    if doc.get("type").and_then(Value::as_str).is_none() {
        return Some("no_type: a document needs its type".into());
    }
    if doc.get("written_by").and_then(Value::as_str).is_none_or(str::is_empty) {
        return Some("no_writer: written_by must name the user".into());
    }
    if doc.get("type").and_then(Value::as_str) == Some("photo") {
        let image = doc.get("_attachments").and_then(|a| a.get("image"));
        if image.and_then(|i| i.get("data")).and_then(Value::as_str).is_none()
            || image.and_then(|i| i.get("content_type")) != doc.get("mime")
        {
            return Some("bad_photo: a photo document carries its image as the attachment \"image\"".into());
        }
        if !["image/jpeg", "image/png", "image/webp"].contains(&doc.get("mime").and_then(Value::as_str).unwrap_or_default()) {
            return Some("bad_photo: mime must be one of image/jpeg, image/png, image/webp".into());
        }
    }
    if doc.get("title").and_then(Value::as_str).is_some_and(|t| t.contains("[cấm]")) {
        return Some("bad_title: this title is refused by the city's rules".into());
    }
    None
}

#[derive(Debug, Clone, Default)]
pub struct Server {
    pub docs: BTreeMap<String, Doc>,
    pub seq: u64,
    /// Requests refused with 401 (the session expired).
    pub signed_out: bool,
    /// Every request: method and path.
    pub log: Vec<String>,
    /// The document ids of each `_bulk_docs` request, in order.
    pub bulk: Vec<Vec<String>>,
    /// `_local` documents by id (`_local/…`): their body with `_id` and `_rev`.
    pub local: BTreeMap<String, Value>,
    /// Image documents read.
    pub photo_reads: usize,
}

/// The database as a backup holds it (documents, sequence, `_local` documents).
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    docs: BTreeMap<String, Doc>,
    seq: u64,
    local: BTreeMap<String, Value>,
}

/// An attachment as CouchDB lists it without `attachments=true`: its type and length, no data.
pub fn stub_attachments(doc: &mut Value) {
    if let Some(atts) = doc.get_mut("_attachments").and_then(Value::as_object_mut) {
        for a in atts.values_mut() {
            let len = a.get("data").and_then(Value::as_str).map_or(0, |d| d.len() * 3 / 4);
            if let Some(o) = a.as_object_mut() {
                o.remove("data");
                o.insert("stub".into(), json!(true));
                o.insert("length".into(), json!(len));
            }
        }
    }
}

pub fn rev_after(parent: Option<&str>, body: &Map<String, Value>, deleted: bool) -> String {
    let g = parent.map_or(0, gen) + 1;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in format!("{parent:?}{}{deleted}", Value::Object(body.clone())).bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{g}-{h:016x}")
}

pub fn decode(s: &str) -> String {
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

pub fn query(q: &str) -> BTreeMap<String, String> {
    q.split('&').filter(|p| !p.is_empty()).map(|p| {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        (k.to_string(), decode(v))
    }).collect()
}

pub fn error(status: u16, error: &str, reason: &str) -> Reply {
    Reply { status, body: json!({"error": error, "reason": reason}).to_string() }
}

impl Server {
    /// A backup of the database as it is now.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot { docs: self.docs.clone(), seq: self.seq, local: self.local.clone() }
    }
    /// The database goes back to a backup (`Snapshot::default()`: made again, empty).
    pub fn restore(&mut self, s: &Snapshot) {
        self.docs = s.docs.clone();
        self.seq = s.seq;
        self.local = s.local.clone();
    }

    /// PUT `_local/…`: the revision given must be the one stored (none when there is none), else 409.
    pub fn put_local(&mut self, id: &str, body: &str) -> Reply {
        let Ok(Value::Object(mut o)) = serde_json::from_str::<Value>(body) else { return error(400, "bad_request", "invalid_json") };
        let given = o.remove("_rev").and_then(|v| v.as_str().map(String::from));
        let stored = self.local.get(id).and_then(|d| d["_rev"].as_str().map(String::from));
        if given != stored {
            return error(409, "conflict", "Document update conflict.");
        }
        let n = stored.as_deref().and_then(|r| r.strip_prefix("0-")).and_then(|n| n.parse::<u64>().ok()).unwrap_or(0) + 1;
        let rev = format!("0-{n}");
        o.insert("_id".into(), json!(id));
        o.insert("_rev".into(), json!(rev));
        self.local.insert(id.to_string(), Value::Object(o));
        Reply { status: 201, body: json!({"ok": true, "id": id, "rev": rev}).to_string() }
    }

    pub fn bump(&mut self, id: &str) {
        self.seq += 1;
        self.docs.get_mut(id).unwrap().seq = self.seq;
    }

    /// Writes one document as `_bulk_docs` does: `Ok(rev)` or `(error, reason)`.
    pub fn write(&mut self, doc: &Value) -> Result<(String, String), (String, String)> {
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
        // A write refused leaves no empty document behind (a `_rev` for a document the server lacks).
        let entry = self.docs.entry(id.clone()).or_default();
        let parent = (|| Ok(match &rev {
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
        }))();
        let parent = match parent {
            Ok(p) => p,
            Err(e) => {
                if entry.leaves.is_empty() {
                    self.docs.remove(&id);
                }
                return Err(e);
            }
        };
        let new = rev_after(parent.as_deref(), &o, deleted);
        entry.leaves.retain(|l| Some(&l.rev) != parent.as_ref());
        entry.leaves.push(Leaf { rev: new.clone(), body: o, deleted });
        self.bump(&id);
        Ok((id, new))
    }

    /// A second leaf beside the winner, as replication from another server makes one (`new_edits=false`).
    pub fn add_conflict(&mut self, id: &str, body: Value) -> String {
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

    pub fn handle(&mut self, method: &str, path: &str, body: Option<&str>) -> Reply {
        self.log.push(format!("{method} {path}"));
        if self.signed_out {
            return error(401, "unauthorized", "You are not authorized to access this db.");
        }
        let (p, q) = path.split_once('?').unwrap_or((path, ""));
        let q = query(q);
        match (method, p) {
            ("GET", "_changes") => self.changes(&q),
            ("POST", "_bulk_docs") => self.bulk_docs(body.unwrap_or_default()),
            ("PUT", p) if p.starts_with("_local/") => {
                let id = format!("_local/{}", decode(&p["_local/".len()..]));
                self.put_local(&id, body.unwrap_or_default())
            }
            ("GET", p) if p.starts_with("_local/") => {
                let id = format!("_local/{}", decode(&p["_local/".len()..]));
                match self.local.get(&id) {
                    Some(d) => Reply { status: 200, body: d.to_string() },
                    None => error(404, "not_found", "missing"),
                }
            }
            ("POST", "_all_docs") => self.all_docs_keys(body.unwrap_or_default()),
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
                let mut v = doc.json(leaf, &id, q.get("conflicts").is_some_and(|c| c == "true"));
                if q.get("attachments").is_none_or(|a| a != "true") {
                    stub_attachments(&mut v);
                }
                self.photo_reads += usize::from(id.starts_with("photo:"));
                Reply { status: 200, body: v.to_string() }
            }
            _ => error(400, "bad_request", "not in the fake"),
        }
    }

    pub fn changes(&self, q: &BTreeMap<String, String>) -> Reply {
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
                let mut doc = d.json(w, id, q.get("conflicts").is_some_and(|c| c == "true"));
                stub_attachments(&mut doc);
                let mut r = json!({"seq": d.seq, "id": id, "changes": [{"rev": w.rev}], "doc": doc});
                if w.deleted {
                    r["deleted"] = json!(true);
                }
                r
            })
            .collect();
        Reply { status: 200, body: json!({"results": results, "last_seq": last_seq, "pending": total - page.len()}).to_string() }
    }

    pub fn bulk_docs(&mut self, body: &str) -> Reply {
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

    /// `POST _all_docs` with `keys`: a row per key, `not_found` for a document it does not have.
    pub fn all_docs_keys(&mut self, body: &str) -> Reply {
        let v: Value = serde_json::from_str(body).unwrap();
        let rows: Vec<Value> = v["keys"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|k| {
                let id = k.as_str().unwrap_or_default();
                match self.docs.get(id) {
                    Some(d) if d.winner().deleted => json!({"key": id, "id": id, "value": {"rev": d.winner().rev, "deleted": true}}),
                    Some(d) => json!({"key": id, "id": id, "value": {"rev": d.winner().rev}}),
                    None => json!({"key": id, "error": "not_found"}),
                }
            })
            .collect();
        Reply { status: 200, body: json!({"total_rows": self.docs.len(), "offset": 0, "rows": rows}).to_string() }
    }

    /// The image documents' SHA-256s.
    pub fn photos(&self) -> Vec<String> {
        self.docs.keys().filter_map(|id| id.strip_prefix("photo:")).map(String::from).collect()
    }

    /// The winner of each record document: (id, generation, body), to compare what two runs left.
    pub fn winners(&self) -> BTreeMap<String, (u64, Value)> {
        self.docs.iter().map(|(id, d)| {
            let w = d.winner();
            let mut b = w.body.clone();
            b.remove("written_by");
            (id.clone(), (gen(&w.rev), Value::Object(b)))
        }).collect()
    }

    pub fn winner_body(&self, id: &str) -> Map<String, Value> {
        self.docs[id].winner().body.clone()
    }
}

// ---------------------------------------------------------------------------------------------------
// The network between the App and the fake, with failures.

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fail {
    /// The request never reaches the server.
    Drop,
    /// The server does it; the answer is lost.
    LoseReply,
    /// No network at all.
    Offline,
    /// The server answers with this status and does nothing.
    Status(u16),
}

pub struct Net<'a> {
    pub server: &'a RefCell<Server>,
    /// Requests made through this net.
    pub count: Cell<usize>,
    /// Fail request number `n` (from 0) so.
    pub fail: Cell<Option<(usize, Fail)>>,
    /// Runs once, just before the first `_bulk_docs` reaches the server (another device's sync, say).
    pub before_push: RefCell<Option<Box<dyn FnOnce() + 'a>>>,
}

impl<'a> Net<'a> {
    pub fn new(server: &'a RefCell<Server>) -> Net<'a> {
        Net { server, count: Cell::new(0), fail: Cell::new(None), before_push: RefCell::new(None) }
    }
    pub fn request(&self, method: &str, path: &str, body: Option<&str>) -> Result<Reply, NetError> {
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
    async fn put(&self, path: &str, body: String) -> Result<Reply, NetError> {
        self.request("PUT", path, Some(&body))
    }
}
