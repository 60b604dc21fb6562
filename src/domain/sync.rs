//! Đồng bộ, the pure part: records ⇄ CouchDB documents and the three messages of the small replication
//! client (capability 14): a `_changes` batch read, a `_bulk_docs` request built, its response read. No
//! browser types, no clock, no I/O: `app::sync` drives the protocol through a transport.
//!
//! Documents: one per model (`_id` `model:<id>`) and per plan (`plan:<id>`), with `type` (`model`/`plan`)
//! and `written_by` (the CouchDB user who wrote it, as the server's `validate_doc_update` demands) beside
//! the record's own fields, which are exactly what the exchange format writes (unknown fields kept). A
//! record's own unknown field named `type` or `written_by`, or starting with `_`, does not survive the
//! trip (CouchDB reserves `_`; the other two are the contract's). `_rev` is only ever in a document,
//! never in a record or an exported file.
//!
//! Pulled documents are read by the exchange format's reference checks (`exchange::read_model_value`), so
//! a document a file would refuse is refused here too, by its id; the records then go through the same
//! merge as an import (`merge::apply`). A document with `_deleted` is ignored: deletion is `deleted_at` in a
//! live document, and a deleted leaf (a resolved conflict's loser) must never delete a record.
//!
//! Conflict leaves: a document pulled with `_conflicts` is resolved by pushing our merged body on the
//! winning revision plus a `_deleted: true` stub for each losing leaf, in one request (`push_docs`), so two
//! devices resolving at once write the same record and the conflict does not storm.

use serde::Serialize;
use serde_json::{Map, Value};

use super::exchange::{read_model_value, read_plan_value, RecordProblem};
use super::model::{Model, Plan};

/// The kind of a document, from its `_id`'s prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocKind {
    Model,
    Plan,
    Photo,
}

impl DocKind {
    /// The `_id` prefix's word, also the document's `type`.
    pub fn word(self) -> &'static str {
        match self {
            DocKind::Model => "model",
            DocKind::Plan => "plan",
            DocKind::Photo => "photo",
        }
    }
}

/// The document `_id` of a record or photo: `model:<id>`, `plan:<id>`, `photo:<sha256>`.
pub fn doc_id(kind: DocKind, id: &str) -> String {
    format!("{}:{id}", kind.word())
}

/// The kind and the record id (or photo hash) of a document `_id`; `None` for any other document
/// (design documents and the like).
pub fn parse_doc_id(id: &str) -> Option<(DocKind, &str)> {
    let (word, rest) = id.split_once(':')?;
    let kind = match word {
        "model" => DocKind::Model,
        "plan" => DocKind::Plan,
        "photo" => DocKind::Photo,
        _ => return None,
    };
    (!rest.is_empty()).then_some((kind, rest))
}

/// The fields a document has beside its record's.
const CONTRACT_FIELDS: [&str; 2] = ["type", "written_by"];

/// The document of a model: `rev` is the server revision this device last saw (none for a new one).
pub fn model_doc(m: &Model, rev: Option<&str>, user: &str) -> Value {
    record_doc(DocKind::Model, &m.id, m, rev, user)
}

/// The document of a plan, as `model_doc`.
pub fn plan_doc(p: &Plan, rev: Option<&str>, user: &str) -> Value {
    record_doc(DocKind::Plan, &p.id, p, rev, user)
}

fn record_doc<T: Serialize>(kind: DocKind, id: &str, rec: &T, rev: Option<&str>, user: &str) -> Value {
    let mut doc = Map::new();
    doc.insert("_id".into(), Value::String(doc_id(kind, id)));
    if let Some(rev) = rev {
        doc.insert("_rev".into(), Value::String(rev.into()));
    }
    doc.insert("type".into(), Value::String(kind.word().into()));
    doc.insert("written_by".into(), Value::String(user.into()));
    if let Ok(Value::Object(fields)) = serde_json::to_value(rec) {
        for (k, v) in fields {
            if !k.starts_with('_') && !CONTRACT_FIELDS.contains(&k.as_str()) {
                doc.insert(k, v);
            }
        }
    }
    Value::Object(doc)
}

/// A photo document's own fields (its image is the attachment `image`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoDoc {
    pub sha256: String,
    pub mime: String,
}

/// What a pulled document holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Model(Model),
    Plan(Plan),
    Photo(PhotoDoc),
    /// `_deleted`: ignored (see the module comment).
    Deleted,
    /// Not one of ours (a design document, another prefix): ignored.
    Foreign,
    /// One of ours that the exchange format refuses: named, not merged.
    Refused(RecordProblem),
}

/// One document as pulled.
#[derive(Debug, Clone, PartialEq)]
pub struct PulledDoc {
    pub id: String,
    pub rev: String,
    /// The losing leaves' revisions (`conflicts=true`), empty when none.
    pub conflicts: Vec<String>,
    pub written_by: Option<String>,
    pub body: Body,
}

/// Reads a document (an object with `_id` and `_rev`); `None` for anything else.
pub fn read_doc(v: Value) -> Option<PulledDoc> {
    let Value::Object(mut o) = v else { return None };
    let id = o.remove("_id")?.as_str()?.to_string();
    let rev = o.remove("_rev").and_then(|r| r.as_str().map(String::from)).unwrap_or_default();
    let conflicts = match o.remove("_conflicts") {
        Some(Value::Array(list)) => list.into_iter().filter_map(|r| r.as_str().map(String::from)).collect(),
        _ => Vec::new(),
    };
    let deleted = o.get("_deleted").and_then(Value::as_bool).unwrap_or(false);
    let written_by = o.get("written_by").and_then(Value::as_str).map(String::from);
    let body = if deleted {
        Body::Deleted
    } else {
        match parse_doc_id(&id) {
            None => Body::Foreign,
            Some((kind, rest)) => read_body(kind, rest, o),
        }
    };
    Some(PulledDoc { id, rev, conflicts, written_by, body })
}

fn read_body(kind: DocKind, rest: &str, mut o: Map<String, Value>) -> Body {
    if kind == DocKind::Photo {
        let mime = o.get("mime").and_then(Value::as_str).unwrap_or_default().to_string();
        return Body::Photo(PhotoDoc { sha256: rest.to_string(), mime });
    }
    o.retain(|k, _| !k.starts_with('_') && !CONTRACT_FIELDS.contains(&k.as_str()));
    if o.get("id").and_then(Value::as_str) != Some(rest) {
        return Body::Refused(RecordProblem::MissingField("id".into()));
    }
    let read = match kind {
        DocKind::Model => read_model_value(Value::Object(o)).map(Body::Model),
        _ => read_plan_value(Value::Object(o)).map(Body::Plan),
    };
    read.unwrap_or_else(Body::Refused)
}

/// The server's message was not what CouchDB sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtocolError {
    NotJson,
    Shape(&'static str),
}

/// One entry of a `_changes` response.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The entry's sequence (opaque: a number on pouchdb-server, a string on CouchDB), as text.
    pub seq: String,
    pub id: String,
    pub deleted: bool,
    /// The winning revision's document (`include_docs=true`); `None` when the server sent none.
    pub doc: Option<PulledDoc>,
}

/// One `_changes` batch.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangesBatch {
    pub changes: Vec<Change>,
    /// The checkpoint to store once the batch is merged.
    pub last_seq: String,
    /// How many changes remain after this batch (CouchDB's `pending`), when the server says.
    pub pending: Option<u64>,
}

fn seq_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The path (below the database URL) of one `_changes` batch after `since` (empty: from the start).
pub fn changes_path(since: &str, limit: usize) -> String {
    let since = if since.is_empty() { "0".to_string() } else { encode(since) };
    format!("_changes?include_docs=true&conflicts=true&since={since}&limit={limit}")
}

/// The path of one document, at one revision when `rev` is given (`?rev=`), to read a conflict's leaf
/// or the version that beat ours.
pub fn doc_path(id: &str, rev: Option<&str>) -> String {
    match rev {
        Some(rev) => format!("{}?rev={}", encode(id), encode(rev)),
        None => encode(id),
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Reads a `_changes` response.
pub fn parse_changes(text: &str) -> Result<ChangesBatch, ProtocolError> {
    let v: Value = serde_json::from_str(text).map_err(|_| ProtocolError::NotJson)?;
    let Value::Object(mut o) = v else { return Err(ProtocolError::Shape("_changes is not an object")) };
    let Some(Value::Array(results)) = o.remove("results") else {
        return Err(ProtocolError::Shape("_changes has no results"));
    };
    let last_seq = o.get("last_seq").map(seq_text).ok_or(ProtocolError::Shape("_changes has no last_seq"))?;
    let pending = o.get("pending").and_then(Value::as_u64);
    let mut changes = Vec::with_capacity(results.len());
    for r in results {
        let Value::Object(mut r) = r else { return Err(ProtocolError::Shape("a change is not an object")) };
        let Some(id) = r.get("id").and_then(Value::as_str).map(String::from) else {
            return Err(ProtocolError::Shape("a change has no id"));
        };
        let seq = r.get("seq").map(seq_text).unwrap_or_default();
        let deleted = r.get("deleted").and_then(Value::as_bool).unwrap_or(false);
        let doc = r.remove("doc").and_then(read_doc);
        changes.push(Change { seq, id, deleted, doc });
    }
    Ok(ChangesBatch { changes, last_seq, pending })
}

/// The documents to send for one record: `doc` (with the `_rev` it replaces) and, when the server holds
/// conflict leaves, a `_deleted: true` stub for each losing leaf (sorted, so every device sends the same).
pub fn push_docs(doc: Value, losing_leaves: &[String]) -> Vec<Value> {
    let id = doc.get("_id").cloned().unwrap_or(Value::Null);
    let mut leaves: Vec<&String> = losing_leaves.iter().collect();
    leaves.sort();
    leaves.dedup();
    let mut out = vec![doc];
    for rev in leaves {
        let mut stub = Map::new();
        stub.insert("_id".into(), id.clone());
        stub.insert("_rev".into(), Value::String(rev.clone()));
        stub.insert("_deleted".into(), Value::Bool(true));
        out.push(Value::Object(stub));
    }
    out
}

/// The body of a `_bulk_docs` request.
pub fn bulk_docs_body(docs: &[Value]) -> String {
    let mut o = Map::new();
    o.insert("docs".into(), Value::Array(docs.to_vec()));
    Value::Object(o).to_string()
}

/// What the server did with one document of a `_bulk_docs` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkOutcome {
    /// Written: the new revision.
    Ok { rev: String },
    /// Someone wrote first (the `_rev` sent is not a leaf): read, merge, send again.
    Conflict,
    /// `validate_doc_update` refused it: the reason, as the server wrote it (`<code>: <detail>`).
    Forbidden { reason: String },
    /// Not signed in (or the session expired).
    Unauthorized { reason: String },
    /// Anything else.
    Other { error: String, reason: String },
}

/// One entry of a `_bulk_docs` response (see `outcomes_by_id` for matching them to the request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkResult {
    pub id: String,
    pub outcome: BulkOutcome,
}

/// Reads a `_bulk_docs` response (an array, one entry per document sent).
pub fn parse_bulk_response(text: &str) -> Result<Vec<BulkResult>, ProtocolError> {
    let v: Value = serde_json::from_str(text).map_err(|_| ProtocolError::NotJson)?;
    let Value::Array(list) = v else { return Err(ProtocolError::Shape("_bulk_docs did not answer a list")) };
    list.into_iter()
        .map(|e| {
            let Value::Object(e) = e else { return Err(ProtocolError::Shape("a _bulk_docs entry is not an object")) };
            let text = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
            let id = text("id");
            let outcome = match e.get("error").and_then(Value::as_str) {
                None => BulkOutcome::Ok { rev: text("rev") },
                Some("conflict") => BulkOutcome::Conflict,
                Some("forbidden") => BulkOutcome::Forbidden { reason: text("reason") },
                Some("unauthorized") => BulkOutcome::Unauthorized { reason: text("reason") },
                Some(error) => BulkOutcome::Other { error: error.to_string(), reason: text("reason") },
            };
            Ok(BulkResult { id, outcome })
        })
        .collect()
}

/// The outcome of each document id of a request, from its `_bulk_docs` entries. Entries are matched by id,
/// not position (pouchdb-server answers the refused documents first; CouchDB keeps the request's order), and
/// a conflict's resolution sends one id more than once: the id's outcome is its worst entry (forbidden,
/// then unauthorized, then any other error, then conflict: read, merge, send again), else the first `ok`
/// entry's, which is the body's (`push_docs` puts the body before its stubs, and both servers keep the
/// order of the documents they write).
pub fn outcomes_by_id(results: &[BulkResult]) -> Vec<(String, BulkOutcome)> {
    fn weight(o: &BulkOutcome) -> u8 {
        match o {
            BulkOutcome::Ok { .. } => 0,
            BulkOutcome::Conflict => 1,
            BulkOutcome::Other { .. } => 2,
            BulkOutcome::Unauthorized { .. } => 3,
            BulkOutcome::Forbidden { .. } => 4,
        }
    }
    let mut out: Vec<(String, BulkOutcome)> = Vec::new();
    for r in results {
        match out.iter_mut().find(|(id, _)| *id == r.id) {
            None => out.push((r.id.clone(), r.outcome.clone())),
            Some((_, o)) => {
                if weight(&r.outcome) > weight(o) {
                    *o = r.outcome.clone();
                }
            }
        }
    }
    out
}

/// A CouchDB error body's `error` and `reason` (`{"error":"unauthorized","reason":"…"}`), if it is one.
pub fn parse_error(text: &str) -> Option<(String, String)> {
    let v: Value = serde_json::from_str(text).ok()?;
    let error = v.get("error")?.as_str()?.to_string();
    let reason = v.get("reason").and_then(Value::as_str).unwrap_or_default().to_string();
    Some((error, reason))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::merge;
    use crate::domain::model::Rating;
    use crate::domain::registry::Registry;
    use crate::domain::test_support::{ev, model, place, plan, ts};
    use serde_json::json;

    fn sample() -> Model {
        let mut m = model("a1", "Dân vận khéo");
        m.locality = place(Some(19), "Huế");
        m.evaluations.push(ev("e1", "2024-02-01", Rating::Effective));
        m.extra.insert("future_field".into(), json!({"kept": [1, 2]}));
        m
    }

    #[test]
    fn ids_round_trip_and_foreign_ids_are_none() {
        assert_eq!(doc_id(DocKind::Model, "a1"), "model:a1");
        assert_eq!(parse_doc_id("plan:p9"), Some((DocKind::Plan, "p9")));
        assert_eq!(parse_doc_id("photo:ab"), Some((DocKind::Photo, "ab")));
        assert_eq!(parse_doc_id("_design/dvk"), None);
        assert_eq!(parse_doc_id("model:"), None);
        assert_eq!(parse_doc_id("user:x"), None);
    }

    #[test]
    fn a_model_document_is_the_exchange_record_plus_the_contract_fields() {
        let m = sample();
        let doc = model_doc(&m, Some("3-abc"), "officer1");
        assert_eq!(doc["_id"], "model:a1");
        assert_eq!(doc["_rev"], "3-abc");
        assert_eq!(doc["type"], "model");
        assert_eq!(doc["written_by"], "officer1");
        let mut record = serde_json::to_value(&m).unwrap();
        let Value::Object(d) = doc.clone() else { panic!() };
        for k in ["_id", "_rev", "type", "written_by"] {
            assert!(d.contains_key(k));
        }
        let fields: Map<String, Value> = d.into_iter().filter(|(k, _)| !k.starts_with('_') && !CONTRACT_FIELDS.contains(&k.as_str())).collect();
        assert_eq!(Value::Object(fields), record.take());
        assert!(model_doc(&m, None, "u").get("_rev").is_none());
    }

    #[test]
    fn a_pulled_document_reads_back_to_the_same_record_with_unknown_fields() {
        let m = sample();
        let mut doc = model_doc(&m, Some("2-x"), "officer1");
        doc["_conflicts"] = json!(["2-a", "2-b"]);
        let pulled = read_doc(doc).unwrap();
        assert_eq!(pulled.id, "model:a1");
        assert_eq!(pulled.rev, "2-x");
        assert_eq!(pulled.conflicts, vec!["2-a".to_string(), "2-b".to_string()]);
        assert_eq!(pulled.written_by.as_deref(), Some("officer1"));
        assert_eq!(pulled.body, Body::Model(m));
        let p = plan("p1", "Kế hoạch");
        assert_eq!(read_doc(plan_doc(&p, None, "u")).unwrap().body, Body::Plan(p));
    }

    #[test]
    fn deleted_foreign_and_malformed_documents_are_not_records() {
        let del = read_doc(json!({"_id": "model:a1", "_rev": "4-d", "_deleted": true})).unwrap();
        assert_eq!(del.body, Body::Deleted);
        let design = read_doc(json!({"_id": "_design/dvk", "_rev": "1-a", "validate_doc_update": ""})).unwrap();
        assert_eq!(design.body, Body::Foreign);
        let mut bad = model_doc(&sample(), Some("1-a"), "u");
        bad["title"] = json!(7);
        assert!(matches!(read_doc(bad).unwrap().body, Body::Refused(_)));
        let mut other_id = model_doc(&sample(), Some("1-a"), "u");
        other_id["_id"] = json!("model:zzz");
        assert!(matches!(read_doc(other_id).unwrap().body, Body::Refused(_)));
        assert_eq!(read_doc(json!([1])), None);
        assert_eq!(read_doc(json!({"_rev": "1-a"})), None);
        let photo = read_doc(json!({"_id": "photo:ff", "_rev": "1-a", "sha256": "ff", "mime": "image/jpeg"})).unwrap();
        assert_eq!(photo.body, Body::Photo(PhotoDoc { sha256: "ff".into(), mime: "image/jpeg".into() }));
    }

    #[test]
    fn a_changes_response_is_read_with_numeric_or_string_seqs() {
        let m = sample();
        let text = json!({
            "results": [
                {"seq": 3, "id": "model:a1", "changes": [{"rev": "1-a"}], "doc": model_doc(&m, Some("1-a"), "u")},
                {"seq": "4-g1AAAA", "id": "model:gone", "deleted": true, "changes": [{"rev": "2-b"}],
                 "doc": {"_id": "model:gone", "_rev": "2-b", "_deleted": true}},
            ],
            "last_seq": "4-g1AAAA",
            "pending": 12
        })
        .to_string();
        let batch = parse_changes(&text).unwrap();
        assert_eq!(batch.last_seq, "4-g1AAAA");
        assert_eq!(batch.pending, Some(12));
        assert_eq!(batch.changes[0].seq, "3");
        assert_eq!(batch.changes[0].doc.as_ref().unwrap().body, Body::Model(m));
        assert!(batch.changes[1].deleted);
        assert_eq!(batch.changes[1].doc.as_ref().unwrap().body, Body::Deleted);
        assert_eq!(parse_changes("nope"), Err(ProtocolError::NotJson));
        assert!(matches!(parse_changes("{\"last_seq\":1}"), Err(ProtocolError::Shape(_))));
        assert_eq!(parse_changes("{\"results\":[],\"last_seq\":0}").unwrap().last_seq, "0");
    }

    #[test]
    fn paths_encode_what_a_url_must_not_carry_raw() {
        assert_eq!(changes_path("", 100), "_changes?include_docs=true&conflicts=true&since=0&limit=100");
        assert_eq!(changes_path("12-g1A=", 5), "_changes?include_docs=true&conflicts=true&since=12-g1A%3D&limit=5");
        assert_eq!(doc_path("model:a1", Some("2-x")), "model%3Aa1?rev=2-x");
        assert_eq!(doc_path("plan:p", None), "plan%3Ap");
    }

    #[test]
    fn a_resolution_is_the_merged_body_on_the_winner_and_sorted_stubs_for_the_losers() {
        let doc = model_doc(&sample(), Some("3-w"), "u");
        let docs = push_docs(doc.clone(), &["3-b".into(), "3-a".into(), "3-b".into()]);
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[0], doc);
        assert_eq!(docs[1], json!({"_id": "model:a1", "_rev": "3-a", "_deleted": true}));
        assert_eq!(docs[2], json!({"_id": "model:a1", "_rev": "3-b", "_deleted": true}));
        let body: Value = serde_json::from_str(&bulk_docs_body(&docs)).unwrap();
        assert_eq!(body["docs"].as_array().unwrap().len(), 3);
        assert!(push_docs(doc, &[]).len() == 1);
    }

    #[test]
    fn two_devices_resolving_the_same_leaves_write_the_same_record() {
        let base = sample();
        let mut a = base.clone();
        a.title = "Bản A".into();
        a.updated_at = ts("2024-03-01T00:00:00Z");
        a.updated_by = "devA".into();
        let mut b = base.clone();
        b.title = "Bản B".into();
        b.updated_at = ts("2024-03-02T00:00:00Z");
        b.updated_by = "devB".into();
        b.evaluations.push(ev("e2", "2024-03-02", Rating::Limited));
        let resolve = |order: Vec<Model>| {
            let mut reg = Registry::default();
            for m in order {
                merge::apply(&mut reg, vec![m], vec![]);
            }
            reg.get("a1").unwrap().clone()
        };
        let one = resolve(vec![a.clone(), b.clone(), base.clone()]);
        let two = resolve(vec![base, b, a]);
        assert_eq!(one, two);
        let d1 = push_docs(model_doc(&one, Some("2-w"), "x"), &["2-l".into()]);
        let d2 = push_docs(model_doc(&two, Some("2-w"), "x"), &["2-l".into()]);
        assert_eq!(d1, d2);
        assert_eq!(one.title, "Bản B");
        assert_eq!(one.evaluations.len(), 2);
    }

    #[test]
    fn outcomes_are_per_id_the_worst_entry_or_the_bodys_rev_whatever_the_order() {
        let r = |id: &str, outcome: BulkOutcome| BulkResult { id: id.into(), outcome };
        let ok = |rev: &str| BulkOutcome::Ok { rev: rev.into() };
        let forbidden = BulkOutcome::Forbidden { reason: "bad_title: x".into() };
        // pouchdb-server's order: the refused first.
        let list = vec![
            r("model:b", forbidden.clone()),
            r("model:a", ok("4-body")),
            r("model:a", ok("4-stub")),
            r("model:c", ok("2-c")),
            r("model:c", BulkOutcome::Conflict),
        ];
        let got = outcomes_by_id(&list);
        assert_eq!(got, vec![
            ("model:b".to_string(), forbidden),
            ("model:a".to_string(), ok("4-body")),
            ("model:c".to_string(), BulkOutcome::Conflict),
        ]);
        assert!(outcomes_by_id(&[]).is_empty());
    }

    #[test]
    fn a_bulk_docs_response_names_each_outcome() {
        let text = json!([
            {"ok": true, "id": "model:a", "rev": "2-n"},
            {"id": "model:b", "error": "conflict", "reason": "Document update conflict."},
            {"id": "model:c", "error": "forbidden", "reason": "bad_title: title must be a non-empty string"},
            {"id": "model:d", "error": "unauthorized", "reason": "x"},
            {"id": "model:e", "error": "too_large", "reason": "y"},
        ])
        .to_string();
        let r = parse_bulk_response(&text).unwrap();
        assert_eq!(r[0], BulkResult { id: "model:a".into(), outcome: BulkOutcome::Ok { rev: "2-n".into() } });
        assert_eq!(r[1].outcome, BulkOutcome::Conflict);
        assert_eq!(r[2].outcome, BulkOutcome::Forbidden { reason: "bad_title: title must be a non-empty string".into() });
        assert!(matches!(r[3].outcome, BulkOutcome::Unauthorized { .. }));
        assert_eq!(r[4].outcome, BulkOutcome::Other { error: "too_large".into(), reason: "y".into() });
        assert_eq!(parse_bulk_response("{}"), Err(ProtocolError::Shape("_bulk_docs did not answer a list")));
        assert_eq!(parse_error("{\"error\":\"unauthorized\",\"reason\":\"Name or password is incorrect.\"}"),
            Some(("unauthorized".into(), "Name or password is incorrect.".into())));
        assert_eq!(parse_error("[]"), None);
    }
}
