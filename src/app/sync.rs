//! Đồng bộ: sync with the city's CouchDB (capability 14), the application-layer part. The pure messages
//! are `domain::sync`'s; this module owns what the device keeps about the server and the steps of one
//! sync, and drives them over a `Transport` (the browser's `fetch`, or a fake server in tests/sync.rs).
//!
//! - **What is kept** (`dvk.sync`, `dvk.sync.docs`; never in an exported file): the server's database URL
//!   and the CouchDB user (never the password), the pull checkpoint, the last sync's time and report, and
//!   per document the last server `_rev` seen, a hash of the content the server is known to hold (so a
//!   record is sent only when it differs: nothing is pushed twice), the conflict leaves still to delete,
//!   and a refusal by the server's rules (with its reason, for the hash refused: the record is kept and
//!   marked, and sent again only once it changes).
//! - **The steps** are App methods, each synchronous and short, run by the UI under the records' Web Lock
//!   (`Host::step`); the network calls happen between them, outside the lock. `sync_apply` merges one
//!   pulled batch like an import (SPEC §5: a backup before the first batch of a sync that changes
//!   anything, the losers of concurrent edits in the history, the save undone in memory if it fails) and
//!   stores the checkpoint right after the records, so an interrupted sync resumes (a batch merged twice
//!   changes nothing). `sync_prepare_push` picks the records the server does not hold (each on the `_rev`
//!   last seen, conflict leaves deleted in the same request); `sync_record_push` stores what the server
//!   did with each. A 409 is read back, merged (`sync_apply`) and sent again.
//! - **The driver** `run_sync` does pull then push and returns a `SyncReport` (counts, refusals, and the
//!   failure as a code: the UI words it through i18n).
//!
//! - **A server restored from an older backup** (`checkpoint`): a checkpoint document on the server,
//!   read at the start of each sync, tells whether the server still holds what this device knows it sent
//!   and pulled; if not, the pull starts again from 0 and every record not found there is sent again.
//!
//! Server times go through the App's clock like an import's (`accept_times`), up to a day after the
//! device's clock: a server record stamped further in the future is merged as it is but not adopted.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::import::FUTURE_MARGIN_MS;
use super::{App, AppError};
use crate::domain::merge::{self, Incoming};
use crate::domain::model::Plan;
use crate::domain::record::Record;
use crate::domain::sync::{self as proto, Body, BulkOutcome, DocKind, PulledDoc};
use crate::domain::time::Timestamp;
use crate::storage::layout::{SYNC_DOCS_KEY, SYNC_KEY};
use crate::storage::Store;

mod checkpoint;
pub use checkpoint::{checkpoint_path, Checkpoint, ServerCheck};

/// Documents pulled by the first `_changes` request of a sync.
pub const PULL_BATCH: usize = 200;
/// The most documents pulled per `_changes` request: after each full batch the next asks for twice as
/// many, up to this. Each pulled batch saves the registry (every storage chunk: pulled records fall in
/// all of them), so a first sync of n records costs about n²/batch; growing batches keep a first sync of
/// 20,000 records to about a dozen saves instead of a hundred (`sync_figures` in tests/sync.rs).
pub const PULL_BATCH_MAX: usize = 3200;
/// Documents sent per `_bulk_docs` request.
pub const PUSH_BATCH: usize = 100;
/// How many times one sync sends a record again after a 409 (read, merge, send).
pub const CONFLICT_RETRIES: usize = 3;

/// A server's answer: the HTTP status and the body's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub body: String,
}

/// Why a request got no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetError {
    /// The device has no network (`navigator.onLine` false).
    Offline,
    /// The server did not answer (down, wrong address, blocked by CORS, cut mid-way).
    Unreachable,
}

/// Requests to the server, relative to the database URL (`_changes?…`, `_bulk_docs`, `model%3Aa1?rev=…`),
/// with the session's credentials.
#[allow(async_fn_in_trait)]
pub trait Transport {
    async fn get(&self, path: &str) -> Result<Reply, NetError>;
    /// POST with a JSON body.
    async fn post(&self, path: &str, body: String) -> Result<Reply, NetError>;
    /// PUT with a JSON body (the checkpoint document `_local/dvk-<device id>`).
    async fn put(&self, path: &str, body: String) -> Result<Reply, NetError>;
}

/// How the driver reaches the App: the browser runs each step under the records' Web Lock
/// (`AppState::change`), a test calls it directly.
#[allow(async_fn_in_trait)]
pub trait Host<S: Store> {
    async fn step<R: 'static>(&self, op: impl FnOnce(&mut App<S>, Timestamp) -> Result<R, AppError> + 'static) -> Result<R, AppError>;
    /// Where a sync is (for a progress bar); called after each batch.
    fn progress(&self, _p: Progress) {}
}

/// Where a running sync is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Documents pulled so far.
    pub pulled: usize,
    /// Changes the server still has after the last batch, when it says (CouchDB's `pending`).
    pub remaining: Option<u64>,
    /// Records sent and written so far.
    pub pushed: usize,
}

/// Why a sync stopped (the UI words each, in both languages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncError {
    /// No server set up.
    NotSetUp,
    /// The device has no network.
    Offline,
    /// The server did not answer.
    Unreachable,
    /// 401 on a sync request: not signed in, or the session expired. Nothing is lost: sign in again.
    Unauthorized,
    /// 401 on sign-in (`read_sign_in`): wrong name or password.
    WrongPassword,
    /// 403: this user may not read or write the database.
    Forbidden,
    /// 404: no such database at that address.
    NoDatabase,
    /// 507 or 413: the server is full (or refuses a request that large).
    ServerFull,
    /// Another status from the server.
    Server(u16),
    /// The answer was not what CouchDB sends.
    Protocol,
    /// This device's storage is full: what was merged is not saved (nothing is lost on the server).
    StorageFull,
    /// This device's storage cannot be used, is read-only, or the backup could not be taken.
    Storage,
}

impl From<NetError> for SyncError {
    fn from(e: NetError) -> SyncError {
        match e {
            NetError::Offline => SyncError::Offline,
            NetError::Unreachable => SyncError::Unreachable,
        }
    }
}

impl From<AppError> for SyncError {
    fn from(e: AppError) -> SyncError {
        match e {
            AppError::Quota => SyncError::StorageFull,
            _ => SyncError::Storage,
        }
    }
}

impl From<proto::ProtocolError> for SyncError {
    fn from(_: proto::ProtocolError) -> SyncError {
        SyncError::Protocol
    }
}

/// The failure a status means (`None` for 2xx).
pub fn status_error(status: u16) -> Option<SyncError> {
    match status {
        200..=299 => None,
        401 => Some(SyncError::Unauthorized),
        403 => Some(SyncError::Forbidden),
        404 => Some(SyncError::NoDatabase),
        413 | 507 => Some(SyncError::ServerFull),
        s => Some(SyncError::Server(s)),
    }
}

/// A record of this device the server's rules refused (`validate_doc_update`): kept here, marked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused {
    /// The document id (`model:<id>`, `plan:<id>`).
    pub doc: String,
    pub title: String,
    /// The server's reason, as it wrote it (`<code>: <detail>`).
    pub reason: String,
}

/// A server document the exchange format refuses: named, not merged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unreadable {
    pub doc: String,
    /// `RecordProblem::code`.
    pub problem: String,
}

/// What one sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    /// When it ended.
    #[serde(default)]
    pub at: Option<Timestamp>,
    /// Records pulled that this device did not have (live ones).
    #[serde(default)]
    pub new: usize,
    /// Records the pull changed here (or deleted: `deleted` counts those too).
    #[serde(default)]
    pub updated: usize,
    #[serde(default)]
    pub deleted: usize,
    /// Versions kept in the history (lost to a concurrent edit).
    #[serde(default)]
    pub conflicts: usize,
    /// Records sent and written.
    #[serde(default)]
    pub pushed: usize,
    /// This device's records the server refused in this sync.
    #[serde(default)]
    pub refused: Vec<Refused>,
    /// Server documents this app cannot read.
    #[serde(default)]
    pub unreadable: Vec<Unreadable>,
    /// Records not sent for another reason (the server's `error`), still waiting.
    #[serde(default)]
    pub failed: Vec<(String, String)>,
    /// The backup taken before the first change (restore it to undo the pull).
    #[serde(default)]
    pub backup: Option<String>,
    /// Why it stopped before the end, if it did.
    #[serde(default)]
    pub error: Option<SyncError>,
    /// The server did not hold this device's checkpoint (restored from an older backup, or its database
    /// made again): everything was pulled again and what it lacked sent again.
    #[serde(default)]
    pub server_went_back: bool,
}

/// The server this device syncs with, and where the pull is (`dvk.sync`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncSetup {
    /// The database URL, without a trailing `/` (empty: sync not set up).
    #[serde(default)]
    pub url: String,
    /// The CouchDB user signed in (each document's `written_by`); never the password.
    #[serde(default)]
    pub user: String,
    /// The pull checkpoint: `last_seq` of the last batch merged and saved.
    #[serde(default)]
    pub since: String,
    /// When the last sync ended without failure.
    #[serde(default)]
    pub last_sync: Option<Timestamp>,
    /// The last sync's report (whether it ended or failed).
    #[serde(default)]
    pub last_report: Option<SyncReport>,
    /// The checkpoints written to the server (`checkpoint`).
    #[serde(default)]
    marks: checkpoint::Marks,
    /// The hash of the stored documents' state (`dvk.sync.docs`), which tells a tab its cached copy is
    /// still the stored one.
    #[serde(default)]
    docs_hash: u64,
}

/// What the device knows of one document (`dvk.sync.docs`, by document id; short names: there is one per
/// record).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct DocState {
    /// The server revision last seen (pulled, or written by our push).
    #[serde(rename = "r", default, skip_serializing_if = "Option::is_none")]
    rev: Option<String>,
    /// The hash (`content_hash`) of the record's content the server holds at `rev`, when it is the
    /// record this device has (else the record is waiting to be sent).
    #[serde(rename = "h", default, skip_serializing_if = "Option::is_none")]
    held: Option<u64>,
    /// Losing conflict leaves to delete with the next push.
    #[serde(rename = "c", default, skip_serializing_if = "Vec::is_empty")]
    leaves: Vec<String>,
    /// The server refused this content (its hash) for this reason.
    #[serde(rename = "x", default, skip_serializing_if = "Option::is_none")]
    refused: Option<(u64, String)>,
    /// The number of checkpoints made when `held` was set: a checkpoint numbered this or more was made
    /// after, and does not vouch for it (`checkpoint`).
    #[serde(rename = "u", default, skip_serializing_if = "is_zero")]
    mark: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

type Docs = BTreeMap<String, DocState>;

/// The in-memory copy of the stored sync state (so a batch does not parse 20,000 entries again).
#[derive(Default)]
pub(super) struct SyncCache {
    docs: Option<(u64, Docs)>,
}

/// A stable 64-bit FNV-1a hash of a record's JSON (stable across builds: it is stored).
fn content_hash<T: Serialize>(rec: &T) -> u64 {
    struct Fnv(u64);
    impl std::io::Write for Fnv {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            for b in buf {
                self.0 ^= u64::from(*b);
                self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    let _ = serde_json::to_writer(&mut h, rec);
    h.0
}

fn text_hash(s: &str) -> u64 {
    content_hash(&s)
}

/// One pulled batch (or the versions read back after a 409), for `sync_apply`.
#[derive(Debug, Clone, Default)]
pub struct Pulled {
    /// The documents (winning revisions).
    pub docs: Vec<PulledDoc>,
    /// The bodies of their losing conflict leaves (read with `?rev=`), merged with them.
    pub leaves: Vec<PulledDoc>,
    /// The checkpoint to store with them (`None` after a 409).
    pub checkpoint: Option<String>,
    /// Take a backup first if this changes any record (no backup yet in this sync).
    pub backup_first: bool,
    /// Documents read back after a 409 that the server does not have (404): the revision last seen is
    /// forgotten, so the next push creates them again.
    pub missing: Vec<String>,
}

/// What `sync_apply` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    pub new: usize,
    pub updated: usize,
    pub deleted: usize,
    pub conflicts: usize,
    pub unreadable: Vec<Unreadable>,
    /// The backup taken first, if one was.
    pub backup: Option<String>,
}

/// Documents to send (`sync_prepare_push`), and what each record's content was.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PushBatch {
    /// The `_bulk_docs` documents (bodies, and stubs deleting conflict leaves).
    pub docs: Vec<Value>,
    /// Per record sent: its document id, title and content hash.
    sent: Vec<(String, String, u64)>,
}

impl PushBatch {
    pub fn is_empty(&self) -> bool {
        self.sent.is_empty()
    }
    /// Records in it.
    pub fn len(&self) -> usize {
        self.sent.len()
    }
    /// The request body.
    pub fn body(&self) -> String {
        proto::bulk_docs_body(&self.docs)
    }
    /// The document ids of its records.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.sent.iter().map(|(id, _, _)| id.as_str())
    }
}

/// What the server did with a push (`sync_record_push`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushDone {
    /// Records written.
    pub written: usize,
    /// Someone wrote first: read these back, merge, send again.
    pub conflicts: Vec<String>,
    pub refused: Vec<Refused>,
    /// The server said we are not signed in (session expired).
    pub unauthorized: bool,
    /// Other errors, by document id: still waiting.
    pub failed: Vec<(String, String)>,
}

/// The `_session` URL of a database URL (the server root's: `https://h/couchdb/dvk-hue` →
/// `https://h/couchdb/_session`), where the UI signs in.
pub fn session_url(db_url: &str) -> Option<String> {
    let trimmed = db_url.trim().trim_end_matches('/');
    let (root, db) = trimmed.rsplit_once('/')?;
    if db.is_empty() || !root.contains("://") {
        return None;
    }
    Some(format!("{root}/_session"))
}

/// The body of a sign-in (`POST _session`, JSON).
pub fn sign_in_body(user: &str, password: &str) -> String {
    serde_json::json!({ "name": user, "password": password }).to_string()
}

/// The user a sign-in answer names, or why it failed (401: wrong name or password).
pub fn read_sign_in(reply: &Reply) -> Result<String, SyncError> {
    if reply.status == 401 {
        return Err(SyncError::WrongPassword);
    }
    if let Some(e) = status_error(reply.status) {
        return Err(e);
    }
    let v: Value = serde_json::from_str(&reply.body).map_err(|_| SyncError::Protocol)?;
    v.get("name")
        .or_else(|| v.get("userCtx").and_then(|c| c.get("name")))
        .and_then(Value::as_str)
        .map(String::from)
        .ok_or(SyncError::Protocol)
}

impl<S: Store> App<S> {
    /// The server set up, the checkpoint and the last sync (defaults when none).
    pub fn sync_setup(&self) -> SyncSetup {
        self.repo.read_value(SYNC_KEY).unwrap_or_default()
    }

    /// Sets the server (its database URL) and the user signed in. A different URL is another database:
    /// the checkpoint and what was known of its documents start again (every record is sent once more,
    /// after a pull). An empty URL turns sync off.
    pub fn set_sync_server(&mut self, url: &str, user: &str) -> Result<(), AppError> {
        let url = url.trim().trim_end_matches('/').to_string();
        let mut setup = self.sync_setup();
        if setup.url != url {
            setup = SyncSetup { url, ..SyncSetup::default() };
            self.write_docs(&mut setup, &Docs::new())?;
        }
        setup.user = user.trim().to_string();
        self.repo.write_value(SYNC_KEY, &setup).map_err(AppError::from)
    }

    /// Records waiting to be sent (changed since the server last held them; not those refused as they are).
    pub fn sync_pending(&mut self) -> usize {
        let docs = self.docs().clone();
        let mut n = 0;
        self.for_each_record(|id, _, hash| {
            if waiting(docs.get(id), hash) {
                n += 1;
            }
        });
        n
    }

    /// This device's records the server refused, as they are now (kept here, marked), with the reason.
    pub fn sync_refused(&mut self) -> Vec<Refused> {
        let docs = self.docs().clone();
        let mut out = Vec::new();
        self.for_each_record(|id, title, hash| {
            if let Some(DocState { refused: Some((h, reason)), .. }) = docs.get(id) {
                if *h == hash {
                    out.push(Refused { doc: id.to_string(), title: title.to_string(), reason: reason.clone() });
                }
            }
        });
        out
    }

    /// Starts a sync: the server and checkpoint (`SyncError::NotSetUp` as `Ok(None)` when there is none).
    pub fn sync_begin(&mut self) -> Option<SyncSetup> {
        let setup = self.sync_setup();
        (!setup.url.is_empty()).then_some(setup)
    }

    /// Merges pulled documents like an import (see the module comment), then stores what is known of them
    /// and the checkpoint.
    pub fn sync_apply(&mut self, pulled: Pulled, now: Timestamp) -> Result<Applied, AppError> {
        let Pulled { docs: pulled_docs, leaves, checkpoint, backup_first, missing } = pulled;
        let mut done = Applied::default();
        let (mut models, mut plans) = (Vec::new(), Vec::new());
        for d in pulled_docs.iter().chain(&leaves) {
            match &d.body {
                Body::Model(m) => models.push(m.clone()),
                Body::Plan(p) => plans.push(p.clone()),
                Body::Refused(problem) => done.unreadable.push(Unreadable { doc: d.id.clone(), problem: problem.code().to_string() }),
                Body::Photo(_) | Body::Deleted | Body::Foreign => {}
            }
        }
        let preview = merge::preview(&self.registry, Incoming { models: &models, plans: &plans, invalid: 0 });
        let changes = |c: &merge::Counts| c.new + c.new_tombstones + c.updated + c.deleted + c.set_aside;
        let changes_records = changes(&preview.models) + changes(&preview.plans) > 0;
        let setup = self.sync_setup();
        if changes_records {
            let now = self.stamp(now);
            if backup_first {
                done.backup = Some(self.backup(now, None)?);
            } else if self.unsaved {
                self.persist(now)?;
            }
            let times: Vec<Timestamp> = models
                .iter()
                .flat_map(|m| std::iter::once(m.updated_at).chain(m.evaluations.iter().filter_map(|e| e.recorded_at)))
                .chain(plans.iter().map(|p| p.updated_at))
                .collect();
            for p in &plans {
                self.touch::<Plan>(&p.id);
            }
            let report = merge::apply(&mut self.registry, models, plans);
            done.conflicts = self.history.record(&report, now, &setup.url, false);
            for c in [&report.models, &report.plans] {
                done.new += c.new;
                done.updated += c.updated;
                done.deleted += c.deleted;
            }
            if let Err(e) = self.persist(now) {
                // Undone in memory: storage still holds what it held before this batch.
                let loaded = self.repo.load(now);
                self.registry = loaded.registry;
                self.history = loaded.history;
                self.synced();
                return Err(e);
            }
            let limit = Timestamp::from_unix_millis(self.peek(now).unix_millis() + FUTURE_MARGIN_MS);
            self.accept_times(times.into_iter().filter(|t| *t <= limit));
            self.count_unexported(done.new + done.updated);
        }
        // What the server now holds of each document. Only the leaves read and merged are deleted.
        let merged_leaves: HashSet<(&str, &str)> =
            leaves.iter().filter(|l| matches!(l.body, Body::Model(_) | Body::Plan(_))).map(|l| (l.id.as_str(), l.rev.as_str())).collect();
        let mut docs = self.docs().clone();
        for d in &pulled_docs {
            let Some((kind, rid)) = proto::parse_doc_id(&d.id) else { continue };
            let same = match (&d.body, kind) {
                (Body::Model(m), DocKind::Model) => self.registry.get(rid).map(|l| (l.same_content(m), content_hash(l))),
                (Body::Plan(p), DocKind::Plan) => self.registry.plan(rid).map(|l| (l.same_content(p), content_hash(l))),
                (Body::Photo(_), _) => continue,
                _ => Some((false, 0)),
            };
            let st = docs.entry(d.id.clone()).or_default();
            st.rev = Some(d.rev.clone());
            st.leaves = d.conflicts.iter().filter(|r| merged_leaves.contains(&(d.id.as_str(), r.as_str()))).cloned().collect();
            st.held = match same {
                Some((true, hash)) if st.leaves.is_empty() => Some(hash),
                _ => None,
            };
            st.mark = if st.held.is_some() { setup.marks.made } else { 0 };
        }
        for id in missing {
            if let Some(st) = docs.get_mut(&id) {
                (st.rev, st.held, st.mark) = (None, None, 0);
                st.leaves.clear();
            }
        }
        let mut setup = setup;
        if let Some(c) = checkpoint {
            setup.since = c;
        }
        self.write_docs(&mut setup, &docs)?;
        self.repo.write_value(SYNC_KEY, &setup)?;
        Ok(done)
    }

    /// The next records to send (at most `max`), skipping the document ids in `skip`: those the server does
    /// not hold as they are here, each on the revision last seen, with stubs deleting its conflict leaves.
    pub fn sync_prepare_push(&mut self, max: usize, skip: &HashSet<String>) -> PushBatch {
        let user = self.sync_setup().user;
        let docs = self.docs().clone();
        let mut batch = PushBatch::default();
        let registry = &self.registry;
        let mut add = |id: String, title: &str, hash: u64, doc: &dyn Fn(Option<&str>) -> Value| {
            let st = docs.get(&id);
            if batch.sent.len() < max && waiting(st, hash) && !skip.contains(&id) {
                let rev = st.and_then(|s| s.rev.as_deref());
                let leaves = st.map(|s| s.leaves.clone()).unwrap_or_default();
                batch.docs.extend(proto::push_docs(doc(rev), &leaves));
                batch.sent.push((id, title.to_string(), hash));
            }
        };
        for m in registry.all_models() {
            add(proto::doc_id(DocKind::Model, &m.id), &m.title, content_hash(m), &|rev| proto::model_doc(m, rev, &user));
        }
        for p in registry.all_plans() {
            add(proto::doc_id(DocKind::Plan, &p.id), &p.title, content_hash(p), &|rev| proto::plan_doc(p, rev, &user));
        }
        batch
    }

    /// Stores what the server did with a push (`outcomes`: `domain::sync::outcomes_by_id` of its answer).
    pub fn sync_record_push(&mut self, batch: PushBatch, outcomes: Vec<(String, BulkOutcome)>) -> Result<PushDone, AppError> {
        let mut docs = self.docs().clone();
        let mut done = PushDone::default();
        let mut setup = self.sync_setup();
        let by_id: BTreeMap<String, BulkOutcome> = outcomes.into_iter().collect();
        for (id, title, hash) in batch.sent {
            let st = docs.entry(id.clone()).or_default();
            match by_id.get(&id) {
                Some(BulkOutcome::Ok { rev }) => {
                    st.rev = Some(rev.clone());
                    st.held = Some(hash);
                    st.mark = setup.marks.made;
                    st.leaves.clear();
                    st.refused = None;
                    done.written += 1;
                }
                Some(BulkOutcome::Conflict) => done.conflicts.push(id),
                Some(BulkOutcome::Forbidden { reason }) => {
                    st.refused = Some((hash, reason.clone()));
                    done.refused.push(Refused { doc: id, title, reason: reason.clone() });
                }
                Some(BulkOutcome::Unauthorized { .. }) => done.unauthorized = true,
                Some(BulkOutcome::Other { error, .. }) => done.failed.push((id, error.clone())),
                None => done.failed.push((id, "no_answer".into())),
            }
        }
        self.write_docs(&mut setup, &docs)?;
        self.repo.write_value(SYNC_KEY, &setup)?;
        Ok(done)
    }

    /// Ends a sync: stores its report (and its time as the last sync's when it did not fail).
    pub fn sync_finish(&mut self, mut report: SyncReport, now: Timestamp) -> Result<SyncReport, AppError> {
        let now = self.peek(now);
        report.at = Some(now);
        let mut setup = self.sync_setup();
        if report.error.is_none() {
            setup.last_sync = Some(now);
        }
        setup.last_report = Some(report.clone());
        self.repo.write_value(SYNC_KEY, &setup)?;
        Ok(report)
    }

    /// The documents' state, from the cache when it is still what is stored.
    fn docs(&mut self) -> &Docs {
        let stored_hash = self.sync_setup().docs_hash;
        let fresh = matches!(&self.sync_cache.docs, Some((h, _)) if *h == stored_hash);
        if !fresh {
            let docs: Docs = self.repo.read_packed_value(SYNC_DOCS_KEY).unwrap_or_default();
            self.sync_cache.docs = Some((stored_hash, docs));
        }
        &self.sync_cache.docs.as_ref().expect("just filled").1
    }

    /// Writes the documents' state and notes its hash in `setup` (which the caller writes next).
    fn write_docs(&mut self, setup: &mut SyncSetup, docs: &Docs) -> Result<(), AppError> {
        let text = serde_json::to_string(docs).unwrap_or_else(|_| "{}".into());
        self.repo.write_packed_value(SYNC_DOCS_KEY, docs)?;
        setup.docs_hash = text_hash(&text);
        self.sync_cache.docs = Some((setup.docs_hash, docs.clone()));
        Ok(())
    }

    fn for_each_record(&self, mut f: impl FnMut(&str, &str, u64)) {
        for m in self.registry.all_models() {
            f(&proto::doc_id(DocKind::Model, &m.id), &m.title, content_hash(m));
        }
        for p in self.registry.all_plans() {
            f(&proto::doc_id(DocKind::Plan, &p.id), &p.title, content_hash(p));
        }
    }
}

/// Is a record with this content waiting to be sent?
fn waiting(st: Option<&DocState>, hash: u64) -> bool {
    match st {
        None => true,
        Some(s) => {
            let refused_as_is = matches!(&s.refused, Some((h, _)) if *h == hash);
            !refused_as_is && (s.held != Some(hash) || !s.leaves.is_empty())
        }
    }
}

/// The answer's body when it is a success, else why not.
fn ok_body(r: Result<Reply, NetError>) -> Result<String, SyncError> {
    let r = r?;
    match status_error(r.status) {
        None => Ok(r.body),
        Some(e) => Err(e),
    }
}

/// Reads one document (and its conflict leaves' bodies) for a retry after a 409.
async fn read_back<T: Transport>(t: &T, id: &str, out: &mut Pulled) -> Result<(), SyncError> {
    let path = format!("{}?conflicts=true", proto::doc_path(id, None));
    match t.get(&path).await {
        // Not there (deleted at the server, purged, or a server restored from a backup without it): nothing
        // to merge; the revision is forgotten and the record sent again as a new document.
        Ok(Reply { status: 404, .. }) => out.missing.push(id.to_string()),
        r => {
            let body = ok_body(r)?;
            let v: Value = serde_json::from_str(&body).map_err(|_| SyncError::Protocol)?;
            let doc = proto::read_doc(v).ok_or(SyncError::Protocol)?;
            read_leaves(t, &doc, &mut out.leaves).await?;
            out.docs.push(doc);
        }
    }
    Ok(())
}

/// Reads the losing leaves' bodies of a document that has them.
async fn read_leaves<T: Transport>(t: &T, doc: &PulledDoc, out: &mut Vec<PulledDoc>) -> Result<(), SyncError> {
    for rev in &doc.conflicts {
        let body = ok_body(t.get(&proto::doc_path(&doc.id, Some(rev))).await)?;
        let v: Value = serde_json::from_str(&body).map_err(|_| SyncError::Protocol)?;
        out.push(proto::read_doc(v).ok_or(SyncError::Protocol)?);
    }
    Ok(())
}

/// Options of `run_sync` (the defaults in the browser; tests make batches small).
#[derive(Debug, Clone, Copy)]
pub struct SyncOptions {
    /// Documents asked for by the first `_changes` request.
    pub pull_batch: usize,
    /// The most asked for by one request (each full batch doubles the next, up to this).
    pub pull_batch_max: usize,
    pub push_batch: usize,
}

impl Default for SyncOptions {
    fn default() -> SyncOptions {
        SyncOptions { pull_batch: PULL_BATCH, pull_batch_max: PULL_BATCH_MAX, push_batch: PUSH_BATCH }
    }
}

/// One sync: pull every change since the checkpoint, batch by batch, then push what the server does not
/// hold. Each App step runs through `host` (under the records' lock in the browser); requests run between
/// them. Always ends with `sync_finish`, which stores the report; a failure is the report's `error`.
pub async fn run_sync<S: Store, T: Transport, H: Host<S>>(transport: &T, host: &H, options: SyncOptions) -> SyncReport {
    let mut report = SyncReport::default();
    if let Err(e) = sync_steps(transport, host, options, &mut report).await {
        report.error = Some(e);
    }
    let fallback = report.clone();
    host.step(move |app, now| app.sync_finish(report, now)).await.unwrap_or(fallback)
}

async fn sync_steps<S: Store, T: Transport, H: Host<S>>(t: &T, host: &H, o: SyncOptions, report: &mut SyncReport) -> Result<(), SyncError> {
    let (setup, path) = host.step(|app, _| Ok((app.sync_begin(), app.sync_checkpoint_path()))).await?;
    setup.ok_or(SyncError::NotSetUp)?;
    // The checkpoint document changed during the sync (a 409 on writing it): check again, once.
    for _ in 0..2 {
        if sync_round(t, host, o, report, path.clone()).await? {
            return Ok(());
        }
    }
    Err(SyncError::Server(409))
}

/// Checks the server's checkpoint, pulls, pushes. `Ok(false)`: the checkpoint document changed on the
/// server meanwhile; start again.
async fn sync_round<S: Store, T: Transport, H: Host<S>>(t: &T, host: &H, o: SyncOptions, report: &mut SyncReport, path: String) -> Result<bool, SyncError> {
    let (mut cp, check) = checkpoint::check_server(t, host, path).await?;
    if check == ServerCheck::WentBack {
        report.server_went_back = true;
    }
    let mut progress = Progress::default();
    // Pull.
    let mut since = match check {
        ServerCheck::Same { since } => since,
        _ => String::new(),
    };
    let mut limit = o.pull_batch.max(1);
    loop {
        let body = ok_body(t.get(&proto::changes_path(&since, limit)).await)?;
        let batch = proto::parse_changes(&body)?;
        let n = batch.changes.len();
        let mut pulled = Pulled { checkpoint: Some(batch.last_seq.clone()), backup_first: report.backup.is_none(), ..Pulled::default() };
        for c in batch.changes {
            if let Some(doc) = c.doc {
                read_leaves(t, &doc, &mut pulled.leaves).await?;
                pulled.docs.push(doc);
            }
        }
        let applied = host.step(move |app, now| app.sync_apply(pulled, now)).await?;
        add_applied(report, applied);
        if (n > 0 || since != batch.last_seq) && !checkpoint::write_checkpoint(t, host, &mut cp).await? {
            return Ok(false);
        }
        since = batch.last_seq;
        progress.pulled += n;
        progress.remaining = batch.pending;
        host.progress(progress);
        if n == 0 || n < limit || batch.pending == Some(0) {
            break;
        }
        limit = (limit * 2).min(o.pull_batch_max.max(limit));
    }
    // Push.
    let mut skip: HashSet<String> = HashSet::new();
    let mut tries: BTreeMap<String, usize> = BTreeMap::new();
    loop {
        let skip_now = skip.clone();
        let batch = host.step(move |app, _| Ok(app.sync_prepare_push(o.push_batch, &skip_now))).await?;
        if batch.is_empty() {
            break;
        }
        let batch_ids: Vec<String> = batch.ids().map(String::from).collect();
        let answer = t.post("_bulk_docs", batch.body()).await?;
        if let Some(e) = status_error(answer.status) {
            return Err(e);
        }
        let outcomes = proto::outcomes_by_id(&proto::parse_bulk_response(&answer.body)?);
        // A record is sent once per sync, but for the retries after a 409 (bounded): whatever the stored
        // state says, the push loop ends.
        for (id, o) in &outcomes {
            if !matches!(o, BulkOutcome::Conflict) {
                skip.insert(id.clone());
            }
        }
        let done = host.step(move |app, _| app.sync_record_push(batch, outcomes)).await?;
        if done.written > 0 && !checkpoint::write_checkpoint(t, host, &mut cp).await? {
            return Ok(false);
        }
        report.pushed += done.written;
        progress.pushed += done.written;
        host.progress(progress);
        report.refused.extend(done.refused.iter().cloned());
        for id in batch_ids {
            if !done.conflicts.contains(&id) {
                skip.insert(id);
            }
        }
        report.failed.extend(done.failed);
        if done.unauthorized {
            return Err(SyncError::Unauthorized);
        }
        if !done.conflicts.is_empty() {
            let mut back = Pulled { backup_first: report.backup.is_none(), ..Pulled::default() };
            for id in &done.conflicts {
                let n = tries.entry(id.clone()).or_default();
                *n += 1;
                if *n > CONFLICT_RETRIES {
                    skip.insert(id.clone());
                    continue;
                }
                read_back(t, id, &mut back).await?;
            }
            let applied = host.step(move |app, now| app.sync_apply(back, now)).await?;
            add_applied(report, applied);
        }
    }
    Ok(true)
}

fn add_applied(report: &mut SyncReport, a: Applied) {
    report.new += a.new;
    report.updated += a.updated;
    report.deleted += a.deleted;
    report.conflicts += a.conflicts;
    report.unreadable.extend(a.unreadable);
    if report.backup.is_none() {
        report.backup = a.backup;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_is_at_the_servers_root() {
        assert_eq!(session_url("https://dvk.hue.gov.vn/couchdb/dvk-hue").as_deref(), Some("https://dvk.hue.gov.vn/couchdb/_session"));
        assert_eq!(session_url("http://127.0.0.1:5984/dvk/").as_deref(), Some("http://127.0.0.1:5984/_session"));
        assert_eq!(session_url("dvk"), None);
        assert_eq!(session_url("https://host"), None);
    }

    #[test]
    fn statuses_name_their_failure() {
        assert_eq!(status_error(201), None);
        assert_eq!(status_error(401), Some(SyncError::Unauthorized));
        assert_eq!(status_error(507), Some(SyncError::ServerFull));
        assert_eq!(status_error(413), Some(SyncError::ServerFull));
        assert_eq!(status_error(502), Some(SyncError::Server(502)));
        assert_eq!(read_sign_in(&Reply { status: 401, body: String::new() }), Err(SyncError::WrongPassword));
        assert_eq!(read_sign_in(&Reply { status: 200, body: "{\"ok\":true,\"name\":\"can_bo\",\"roles\":[]}".into() }).as_deref(), Ok("can_bo"));
    }

    #[test]
    fn the_content_hash_is_stable() {
        // FNV-1a 64 of the JSON text `"abc"`: stored, so it must not change with the build.
        assert_eq!(content_hash(&"abc"), 0xc6cf_8fb5_38aa_dbab);
        assert_ne!(content_hash(&"abc"), content_hash(&"abd"));
    }
}
