//! The exchange file (SPEC §4) and the merge (SPEC §5), tested from outside the crate: every class of bad
//! input, unknown fields kept through read → write, export → import, and the merge laws as properties
//! (idempotent, order-independent, never drops a record, evaluation or milestone id).

mod support;

use std::collections::BTreeSet;

use dvk_registry::domain::exchange::{
    self, check_size, ExportedBy, FileError, JsonKind, ReadOutcome, RecordKind, RecordProblem, ValueProblem,
};
use dvk_registry::domain::evidence;
use dvk_registry::domain::merge::{self, apply, preview};
use dvk_registry::domain::model::{
    Consensus, Evaluation, Extra, Field, Milestone, Model, Plan, PlanScope, Rating, Status,
};
use dvk_registry::domain::registry::Registry;
use dvk_registry::domain::time::{Date, Timestamp};
use proptest::prelude::*;
use serde_json::{json, Value};
use support::ts;
use unicode_normalization::UnicodeNormalization;

fn model_json(id: &str) -> Value {
    json!({
        "id": id, "title": "Nuôi bò thịt", "field": "economic",
        "locality": { "code": 20095, "name": "Xã A Roàng", "village": "A Ka" },
        "created_at": "2023-05-02T01:00:00Z", "updated_at": "2024-03-12T09:30:00Z"
    })
}

fn plan_json(id: &str) -> Value {
    json!({
        "id": id, "title": "Mô hình sinh kế 2024",
        "created_at": "2024-01-02T00:00:00Z", "updated_at": "2024-01-02T00:00:00Z"
    })
}

fn file_with(models: Vec<Value>, plans: Vec<Value>) -> Vec<u8> {
    serde_json::to_vec_pretty(&json!({
        "format": "dvk-registry", "version": 1, "exported_at": "2026-11-29T08:00:00Z",
        "exported_by": { "officer": "Nguyễn Văn A", "unit": "Ban Dân vận Huyện ủy A Lưới", "device": "3f0c" },
        "models": models, "plans": plans
    }))
    .unwrap()
}

fn refused(bytes: &[u8]) -> FileError {
    exchange::read(bytes).expect_err("the file must be refused")
}

// ---------------------------------------------------------------------------------------------------
// Files that are refused as a whole

#[test]
fn not_json_is_refused_with_where() {
    assert_eq!(refused(b"{\n \"format\": \"dvk-registry\",\n oops }"), FileError::NotJson { line: 3, column: 2 });
    assert!(matches!(refused(b"Nguyen Van A;Xa A Roang"), FileError::NotJson { .. }));
    assert!(matches!(refused(br#"{"format":"dvk-registry"} trailing"#), FileError::NotJson { .. }));
}

#[test]
fn another_format_is_refused() {
    let f = br#"{"format":"other-app","version":1,"models":[],"plans":[]}"#;
    assert_eq!(refused(f), FileError::WrongFormat { found: Some("other-app".into()) });
    let f = br#"{"version":1,"models":[],"plans":[]}"#;
    assert_eq!(refused(f), FileError::WrongFormat { found: None });
    assert_eq!(refused(b"[1,2]"), FileError::NotAnObject);
}

#[test]
fn a_newer_major_version_is_refused_and_minor_ones_are_read() {
    let f = br#"{"format":"dvk-registry","version":2,"models":[],"plans":[]}"#;
    assert_eq!(refused(f), FileError::NewerVersion { found: "2".into() });
    let f = br#"{"format":"dvk-registry","version":1.4,"models":[],"plans":[],"new_thing":true}"#;
    let out = exchange::read(f).unwrap();
    assert_eq!(out.file_meta.version, "1.4");
    let f = br#"{"format":"dvk-registry","models":[],"plans":[]}"#;
    assert_eq!(refused(f), FileError::BadVersion { found: None });
}

#[test]
fn an_oversized_file_is_refused_before_it_is_read() {
    let f = file_with(vec![model_json("a")], vec![]);
    assert_eq!(
        exchange::read_limited(&f, f.len() - 1),
        Err(FileError::TooLarge { bytes: f.len() as u64, limit: f.len() as u64 - 1 })
    );
    assert!(exchange::read_limited(&f, f.len()).is_ok());
    // garbage over the limit is refused for its size, not parsed
    assert!(matches!(exchange::read_limited(&[0xff; 100], 99), Err(FileError::TooLarge { .. })));
    assert_eq!(
        check_size(exchange::MAX_FILE_BYTES as u64 + 1),
        Err(FileError::TooLarge { bytes: 50 * 1024 * 1024 + 1, limit: 50 * 1024 * 1024 })
    );
}

#[test]
fn empty_and_non_utf8_files_are_refused() {
    assert_eq!(refused(b""), FileError::Empty);
    assert_eq!(refused(b" \n\t "), FileError::Empty);
    assert_eq!(refused(b"\xEF\xBB\xBF"), FileError::Empty, "only a BOM");
    // UTF-16 LE with its BOM, as a spreadsheet may save it
    let utf16: Vec<u8> = "\u{feff}{}".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    assert!(matches!(refused(&utf16), FileError::NotUtf8 { .. }));
    assert_eq!(refused(b"{\"format\":\"dvk-\xC3\x28\"}"), FileError::NotUtf8 { valid_up_to: 15 });
}

#[test]
fn a_deeply_nested_file_is_refused_without_overflowing() {
    let depth = 200_000; // far beyond serde_json's own limit and enough to overflow a recursive reader
    let mut s = String::from(r#"{"format":"dvk-registry","version":1,"plans":[],"models":[{"x":"#);
    s.push_str(&"[".repeat(depth));
    s.push_str(&"]".repeat(depth));
    s.push_str("}]}");
    assert_eq!(refused(s.as_bytes()), FileError::TooDeep { limit: exchange::MAX_DEPTH });
    // moderately nested unknown data is fine
    let mut m = model_json("a");
    let mut nested = json!("leaf");
    for _ in 0..20 {
        nested = json!({ "n": [nested] });
    }
    m["future"] = nested.clone();
    let out = exchange::read(&file_with(vec![m], vec![])).unwrap();
    assert_eq!(out.models[0].extra["future"], nested);
}

#[test]
fn lists_must_be_there_and_be_lists() {
    let f = br#"{"format":"dvk-registry","version":1,"plans":[]}"#;
    assert_eq!(refused(f), FileError::MissingList { kind: RecordKind::Model });
    let f = br#"{"format":"dvk-registry","version":1,"models":[],"plans":{}}"#;
    assert_eq!(refused(f), FileError::NotAList { kind: RecordKind::Plan });
}

// ---------------------------------------------------------------------------------------------------
// Bad records among good ones

#[test]
fn bad_records_are_reported_and_good_ones_still_come_in() {
    let mut no_title = model_json("no-title");
    no_title.as_object_mut().unwrap().remove("title");
    let mut no_locality_name = model_json("no-name");
    no_locality_name["locality"] = json!({ "code": 20095 });
    let mut bad_date = model_json("bad-date");
    bad_date["evaluations"] = json!([{ "id": "e1", "date": "12/03/2024", "rating": "effective" }]);
    let mut bad_enum = model_json("bad-enum");
    bad_enum["status"] = json!("running");
    let mut no_id = model_json("x");
    no_id.as_object_mut().unwrap().remove("id");
    let mut bad_plan = plan_json("p-bad");
    bad_plan["targets"] = json!([{ "metric": "new_models", "value": "thirty" }]);

    let f = file_with(
        vec![
            model_json("good1"),
            no_title,
            no_locality_name,
            bad_date,
            model_json("good2"),
            bad_enum,
            no_id,
            json!(42),
        ],
        vec![bad_plan, plan_json("p-good")],
    );
    let out = exchange::read(&f).unwrap();
    let ids: Vec<_> = out.models.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["good1", "good2"]);
    assert_eq!(out.plans.len(), 1);
    assert_eq!(out.plans[0].id, "p-good");

    let got: Vec<_> = out.invalid.iter().map(|e| (e.kind, e.position, e.id.clone(), e.reason.clone())).collect();
    let inv = |f: &str, p: ValueProblem| RecordProblem::InvalidValue { field: f.into(), problem: p };
    assert_eq!(
        got,
        vec![
            (RecordKind::Model, 1, Some("no-title".into()), RecordProblem::MissingField("title".into())),
            (RecordKind::Model, 2, Some("no-name".into()), RecordProblem::MissingField("locality.name".into())),
            (
                RecordKind::Model,
                3,
                Some("bad-date".into()),
                inv("evaluations[0].date", ValueProblem::NotADate { found: "12/03/2024".into() })
            ),
            (
                RecordKind::Model,
                5,
                Some("bad-enum".into()),
                inv("status", ValueProblem::UnknownCode { found: "running".into() })
            ),
            (RecordKind::Model, 6, None, RecordProblem::MissingField("id".into())),
            (RecordKind::Model, 7, None, RecordProblem::NotAnObject),
            (
                RecordKind::Plan,
                0,
                Some("p-bad".into()),
                inv("targets[0].value", ValueProblem::WrongType { expected: JsonKind::Number })
            ),
        ]
    );
    assert_eq!(preview(&Registry::new(), &out).invalid, 7);
}

#[test]
fn duplicate_ids_keep_the_version_the_merge_prefers() {
    let mut older = model_json("dup");
    older["title"] = json!("Older");
    older["updated_at"] = json!("2024-01-01T00:00:00Z");
    let mut newer = model_json("dup");
    newer["title"] = json!("Newer");
    newer["updated_at"] = json!("2024-06-01T00:00:00Z");
    for (models, dropped_at) in [(vec![newer.clone(), older.clone()], 1), (vec![older, newer], 0)] {
        let out = exchange::read(&file_with(models, vec![plan_json("p"), plan_json("p")])).unwrap();
        assert_eq!(out.models.len(), 1);
        assert_eq!(out.models[0].title, "Newer", "whatever the order in the file");
        assert_eq!(out.invalid.len(), 2);
        assert_eq!(out.invalid[0].kind, RecordKind::Model);
        assert_eq!(out.invalid[0].position, dropped_at);
        assert_eq!(out.invalid[0].id.as_deref(), Some("dup"));
        assert_eq!(out.invalid[0].reason, RecordProblem::DuplicateId);
        assert_eq!(out.invalid[1].kind, RecordKind::Plan);
        assert_eq!(out.plans.len(), 1);
    }
}

#[test]
fn html_and_script_are_kept_verbatim() {
    let mut m = model_json("x");
    let html = "<script>alert('x')</script><img src=x onerror=alert(1)> & \"quotes\"";
    m["title"] = json!(html);
    m["description"] = json!("<b>bold</b>");
    let out = exchange::read(&file_with(vec![m], vec![])).unwrap();
    assert_eq!(out.models[0].title, html);
    assert_eq!(out.models[0].description, "<b>bold</b>");
    let again =
        exchange::read(exchange::write(&out.models, &[] as &[Plan], ts("2026-01-01T00:00:00Z"), None).as_bytes())
            .unwrap();
    assert_eq!(again.models[0].title, html);
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let mut f = b"\xEF\xBB\xBF".to_vec();
    f.extend(file_with(vec![model_json("a")], vec![]));
    let out = exchange::read(&f).unwrap();
    assert_eq!(out.models.len(), 1);
    assert_eq!(out.file_meta.exported_by.unwrap().officer, "Nguyễn Văn A");
}

#[test]
fn nfd_text_is_read_as_nfc_and_compares_equal() {
    let nfd = |s: &str| s.nfd().collect::<String>();
    let mut m = model_json("a");
    m["title"] = json!(nfd("Dân vận khéo ở Hương Thủy"));
    m["locality"]["name"] = json!(nfd("Xã A Lưới 4"));
    m["lead"] = json!(nfd(" Hồ Văn Nghiêm "));
    m["evaluations"] = json!([{ "id": "e1", "date": "2024-01-01", "rating": "effective",
                                "by": nfd("Tổ công tác"), "notes": nfd("Gần dân") }]);
    m["milestones"] = json!([{ "id": "m1", "title": nfd("Tổng kết"), "due": "2024-12-31" }]);
    let mut p = plan_json("p");
    p["title"] = json!(nfd("Kế hoạch năm 2024"));
    assert_ne!(m["title"], json!("Dân vận khéo ở Hương Thủy"), "the test input really is NFD");
    let out = exchange::read(&file_with(vec![m], vec![p])).unwrap();
    let m = &out.models[0];
    assert_eq!(m.title, "Dân vận khéo ở Hương Thủy");
    assert_eq!(m.locality.name, "Xã A Lưới 4");
    assert_eq!(m.lead, "Hồ Văn Nghiêm");
    assert_eq!(m.evaluations[0].by, "Tổ công tác");
    assert_eq!(m.evaluations[0].notes, "Gần dân");
    assert_eq!(m.milestones[0].title, "Tổng kết");
    assert_eq!(out.plans[0].title, "Kế hoạch năm 2024");
    // and the NFD file merges as "unchanged" onto the same record typed in NFC
    let mut reg = Registry::new();
    reg.put(m.clone());
    let mut again = exchange::read(&file_with(vec![serde_json::to_value(m).unwrap()], vec![])).unwrap();
    again.models[0].title = nfd(&again.models[0].title);
    let again =
        exchange::read(exchange::write(&again.models, &[] as &[Plan], ts("2026-01-01T00:00:00Z"), None).as_bytes())
            .unwrap();
    assert_eq!(preview(&reg, &again).models.unchanged, 1);
}

// ---------------------------------------------------------------------------------------------------
// Unknown fields and round trips

/// A file as this app writes it, every known field set, with unknown fields at every level.
fn full_file() -> Value {
    json!({
        "format": "dvk-registry",
        "version": 1,
        "exported_at": "2026-11-29T08:00:00Z",
        "exported_by": { "officer": "Nguyễn Văn A", "unit": "Ban Dân vận", "device": "3f0c", "phone": "0912" },
        "models": [{
            "id": "0b6f3c2e", "title": "Nuôi bò thịt", "field": "economic",
            "locality": { "code": 20095, "name": "Xã A Roàng", "village": "A Ka", "gps": [16.2, 107.3] },
            "lead": "Hồ Văn Nghiêm", "lead_organization": "farmers_association", "ethnic_minority_area": true,
            "status": "active", "started_on": "2023-05-01",
            "participants": 12, "beneficiary_households": 5,
            "contributions": { "money_vnd": 15000000u64, "work_days": 120, "land_m2": 500, "cattle": 3 },
            "description": "Mô tả", "tags": ["livelihood"],
            "recognition": { "level": "district", "year": 2024, "decision_no": "123/QĐ" },
            "evaluations": [{ "id": "e1", "date": "2024-03-12", "by": "Tổ công tác", "rating": "effective",
                              "close_to_needs": true, "consensus": "high", "notes": "Tốt",
                              "photos": ["a.jpg"], "score": { "a": 1 } }],
            "milestones": [{ "id": "m1", "title": "Tổng kết", "due": "2024-06-30", "done_on": null, "notes": "",
                             "owner": "Hội Nông dân" }],
            "created_at": "2023-05-02T01:00:00Z", "updated_at": "2024-03-12T09:30:00Z",
            "updated_by": "3f0c", "deleted_at": null,
            "future_field": { "deep": [1, { "x": null }] }
        }],
        "plans": [{
            "id": "p1", "title": "Mô hình sinh kế vùng đồng bào dân tộc thiểu số năm 2024",
            "period": { "from": "2024-01-01", "to": "2024-12-31", "quarter": 4 },
            "scope": { "locality_codes": [481, 482], "fields": ["economic"], "ethnic_minority_only": true,
                       "note": "x" },
            "targets": [{ "metric": "new_models", "value": 30.0, "unit": "models" },
                        { "metric": "effective_share", "value": 0.8 }],
            "milestones": [{ "id": "pm1", "title": "Sơ kết", "due": "2024-06-30", "done_on": "2024-06-28",
                             "notes": "", "attachment": "x.pdf" }],
            "created_at": "2024-01-02T00:00:00Z", "updated_at": "2024-01-02T00:00:00Z",
            "updated_by": "3f0c", "deleted_at": null, "budget_vnd": 1000
        }],
        "signature": "abc", "source": { "app": "dvk", "build": 7 }
    })
}

#[test]
fn unknown_fields_round_trip_untouched_at_every_level() {
    let original = full_file();
    let out = exchange::read(&serde_json::to_vec(&original).unwrap()).unwrap();
    assert!(out.invalid.is_empty(), "{:?}", out.invalid);
    assert_eq!(out.file_meta.extra["signature"], json!("abc"));
    assert_eq!(out.models[0].locality.extra["gps"], json!([16.2, 107.3]));
    assert_eq!(out.models[0].evaluations[0].extra["score"], json!({ "a": 1 }));
    let written = exchange::write_file(&out.into_file(ts("2000-01-01T00:00:00Z")));
    let back: Value = serde_json::from_str(&written).unwrap();
    assert_eq!(back, original, "the whole file, unknown fields included, comes back as it was");
    // and the unknown top-level fields come back after the known ones, in their order
    let keys: Vec<_> = back.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys[keys.len() - 2..], ["signature".to_string(), "source".to_string()]);
}

#[test]
fn write_then_read_gives_the_same_file() {
    let out = exchange::read(&serde_json::to_vec(&full_file()).unwrap()).unwrap();
    let by =
        ExportedBy {
            officer: "Lê Thị B".into(), unit: "Xã A Roàng".into(), device: "dev".into(), extra: Extra::new()
        };
    let text = exchange::write(&out.models, &out.plans, ts("2026-12-01T00:00:00Z"), Some(by.clone()));
    let again = exchange::read(text.as_bytes()).unwrap();
    assert_eq!(again.models, out.models);
    assert_eq!(again.plans, out.plans);
    assert_eq!(again.file_meta.exported_by, Some(by));
    assert_eq!(again.file_meta.exported_at, Some(ts("2026-12-01T00:00:00Z")));
    assert!(text.contains("\n  \"format\": \"dvk-registry\""), "pretty JSON");
    // a subset given as references writes the same records
    let refs: Vec<&Model> = out.models.iter().collect();
    let text2 = exchange::write(&refs, &out.plans, ts("2026-12-01T00:00:00Z"), again.file_meta.exported_by.clone());
    assert_eq!(text2, text);
}

/// Found by the fuzzer: a target of 66 digits was read to one float and written back as another one ULP
/// away, because serde_json parsed without `float_roundtrip`. Every number a file holds must survive.
#[test]
fn every_number_survives_write_then_read_to_the_last_bit() {
    let mut file = full_file();
    let values = [3.044444444444445e65, 304444444444444444444444444444444444444444444444444444444444444444.0,
        0.1, 0.7999999999999999, 2.2250738585072014e-308, 1.7976931348623157e308, 5e-324];
    let targets: Vec<Value> = values.iter().map(|v| json!({ "metric": "new_models", "value": v })).collect();
    file["plans"][0]["targets"] = Value::Array(targets);
    let out = exchange::read(&serde_json::to_vec(&file).unwrap()).unwrap();
    let read: Vec<f64> = out.plans[0].targets.iter().map(|t| t.value).collect();
    assert_eq!(read.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), values.map(f64::to_bits), "read exactly");
    let text = exchange::write(&out.models, &out.plans, ts("2026-12-01T00:00:00Z"), None);
    let again = exchange::read(text.as_bytes()).unwrap();
    assert_eq!(again.plans, out.plans, "the same plans after write → read");
}

fn sorted_models(r: &Registry) -> Vec<Model> {
    let mut v = r.all_models().to_vec();
    v.sort_by(|a, b| a.id.cmp(&b.id));
    v
}

fn sorted_plans(r: &Registry) -> Vec<Plan> {
    let mut v = r.all_plans().to_vec();
    v.sort_by(|a, b| a.id.cmp(&b.id));
    v
}

#[test]
fn export_then_import_into_an_empty_registry_gives_the_same_records() {
    let now = ts("2026-11-29T08:00:00Z");
    let mut models = dvk_registry::domain::demo::article_examples(now, "dev-a");
    let mut dead = models[0].clone();
    dead.id = "tombstone".into();
    dead.deleted_at = Some(now);
    models.push(dead);
    let mut plan = support::plan("p1", "Kế hoạch", "dev-a");
    plan.scope = PlanScope { locality_codes: vec![481], fields: vec![Field::Economic], ..Default::default() };
    (plan.created_at, plan.updated_at) = (now, now);
    let plans = vec![plan];
    let source = Registry::from_records(models, plans);
    let text = exchange::write(source.all_models(), source.all_plans(), now, None);
    let read = exchange::read(text.as_bytes()).unwrap();
    assert!(read.invalid.is_empty(), "{:?}", read.invalid);
    let p = preview(&Registry::new(), &read);
    assert_eq!(p.models.new + p.models.new_tombstones, source.all_models().len());
    let mut target = Registry::new();
    let report = apply(&mut target, read.models, read.plans);
    assert_eq!(report.models, p.models);
    assert_eq!(sorted_models(&target), sorted_models(&source));
    assert_eq!(sorted_plans(&target), sorted_plans(&source));
    assert!(target.get("tombstone").unwrap().is_deleted(), "the deletion travels");
}

#[test]
fn a_province_scale_export_round_trips() {
    let now = ts("2026-11-29T08:00:00Z");
    let source = Registry::from_records(dvk_registry::domain::demo::province_demo(7, now, "dev"), vec![]);
    let text = exchange::write(source.all_models(), &[] as &[Plan], now, None);
    let read = exchange::read(text.as_bytes()).unwrap();
    assert!(read.invalid.is_empty(), "{:?}", &read.invalid[..read.invalid.len().min(3)]);
    let mut target = Registry::new();
    apply(&mut target, read.models, vec![]);
    assert_eq!(sorted_models(&target), sorted_models(&source));
}

// ---------------------------------------------------------------------------------------------------
// The merge laws, as properties over small registries that share ids and save times

const TIMES: &[&str] = &["2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z"];
const DAYS: &[&str] = &["2024-01-10", "2024-02-10", "2024-03-10"];

fn time_s() -> impl Strategy<Value = Timestamp> {
    prop::sample::select(TIMES).prop_map(ts)
}

fn day_s() -> impl Strategy<Value = Date> {
    prop::sample::select(DAYS).prop_map(|d| Date::parse(d).unwrap())
}

fn extra_s() -> impl Strategy<Value = Extra> {
    prop::option::of(prop::sample::select(vec![json!(1), json!("x"), json!({ "k": [1, 2] })])).prop_map(|v| {
        let mut e = Extra::new();
        if let Some(v) = v {
            e.insert("future".into(), v);
        }
        e
    })
}

fn evaluation_s() -> impl Strategy<Value = Evaluation> {
    (
        prop::sample::select(vec!["e1", "e2", "e3", "e4"]),
        day_s(),
        prop::sample::select(Rating::ALL),
        prop::option::of(prop::sample::select(Consensus::ALL)),
        prop::sample::select(vec!["", "tốt"]),
        prop::option::of(time_s()),
        extra_s(),
    )
        .prop_map(|(id, date, rating, consensus, notes, recorded_at, extra)| Evaluation {
            id: id.into(),
            date,
            by: "Tổ công tác".into(),
            rating,
            close_to_needs: None,
            consensus,
            notes: notes.into(),
            recorded_at,
            extra,
        })
}

fn milestone_s() -> impl Strategy<Value = Milestone> {
    (
        prop::sample::select(vec!["m1", "m2", "m3"]),
        prop::option::of(day_s()),
        prop::option::of(day_s()),
        prop::sample::select(vec!["", "ghi chú"]),
    )
        .prop_map(|(id, due, done_on, notes)| Milestone {
            id: id.into(),
            title: format!("Mốc {id}"),
            due,
            done_on,
            notes: notes.into(),
            extra: Extra::new(),
        })
}

/// Items with unique ids (as the reader guarantees), in random order.
fn unique_by_id<T: Clone>(items: Vec<T>, id: fn(&T) -> &str) -> Vec<T> {
    let mut seen = BTreeSet::new();
    items.into_iter().filter(|i| seen.insert(id(i).to_string())).collect()
}

/// A photo (SPEC §4) as a model carries it: ids shared across sides, a caption edited, the image
/// present or not, deleted or not.
fn photo_s() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec!["p1", "p2", "p3"]),
        prop::sample::select(vec!["", "Chuồng bò", "Nhà Đại đoàn kết"]),
        prop::bool::ANY,
        prop::option::of(time_s()),
        prop::option::of(time_s()),
    )
        .prop_map(|(id, caption, data, deleted_at, edited_at)| {
            let mut p = json!({ "id": id, "taken_at": "2024-03-12T02:10:00Z", "caption": caption,
                                "mime": "image/jpeg", "sha256": format!("{id}-sha") });
            if data {
                p["data"] = json!("/9j/4AAQ");
            }
            if let Some(at) = deleted_at {
                p["deleted_at"] = json!(at.to_string());
            }
            if let Some(at) = edited_at {
                p["edited_at"] = json!(at.to_string());
            }
            p
        })
}

fn model_s() -> impl Strategy<Value = Model> {
    (
        prop::sample::select(vec!["a", "b", "c", "d"]),
        prop::sample::select(vec!["Nuôi bò", "Trồng quế"]),
        prop::sample::select(Status::ALL),
        time_s(),
        prop::sample::select(vec!["d1", "d2", ""]),
        prop::option::of(time_s()),
        prop::collection::vec(evaluation_s(), 0..4),
        prop::collection::vec(milestone_s(), 0..3),
        (extra_s(), prop::collection::vec(photo_s(), 0..3), prop::option::of(prop::sample::select(vec![16.2157, -90.0]))),
    )
        .prop_map(|(id, title, status, updated_at, by, deleted_at, evals, milestones, (mut extra, photos, lat))| {
            let photos: Vec<Value> = unique_by_id(photos, |p| p["id"].as_str().unwrap());
            if !photos.is_empty() {
                extra.insert("photos".into(), Value::Array(photos));
            }
            if let Some(lat) = lat {
                extra.insert("location".into(), json!({ "lat": lat, "lon": 107.2751, "accuracy_m": 12.0 }));
            }
            let mut m = Model::new(id.into(), ts("2023-12-01T00:00:00Z"), by);
            m.title = title.into();
            m.locality.name = "Xã A Roàng".into();
            m.status = Some(status);
            m.updated_at = updated_at;
            m.deleted_at = deleted_at;
            m.evaluations = unique_by_id(evals, |e| &e.id);
            m.milestones = unique_by_id(milestones, |m| &m.id);
            m.extra = extra;
            m
        })
}

fn plan_s() -> impl Strategy<Value = Plan> {
    (
        prop::sample::select(vec!["p1", "p2"]),
        prop::sample::select(vec!["Kế hoạch A", "Kế hoạch B"]),
        time_s(),
        prop::sample::select(vec!["d1", "d2"]),
        prop::bool::ANY,
        prop::collection::vec(milestone_s(), 0..3),
    )
        .prop_map(|(id, title, updated_at, by, deleted, milestones)| Plan {
            id: id.into(),
            title: title.into(),
            period: None,
            scope: PlanScope::default(),
            targets: vec![],
            milestones: unique_by_id(milestones, |m| &m.id),
            created_at: ts("2023-12-01T00:00:00Z"),
            updated_at,
            updated_by: by.into(),
            deleted_at: deleted.then_some(updated_at),
            extra: Extra::new(),
        })
}

/// The records of one side: at most one per id, as a registry or a read file holds them.
#[derive(Debug, Clone)]
struct Side {
    models: Vec<Model>,
    plans: Vec<Plan>,
}

fn side_s() -> impl Strategy<Value = Side> {
    (prop::collection::vec(model_s(), 0..5), prop::collection::vec(plan_s(), 0..3)).prop_map(|(models, plans)| Side {
        models: unique_by_id(models, |m| &m.id),
        plans: unique_by_id(plans, |p| &p.id),
    })
}

fn registry_of(s: &Side) -> Registry {
    Registry::from_records(s.models.clone(), s.plans.clone())
}

fn import(r: &mut Registry, s: &Side) -> merge::MergeReport {
    apply(r, s.models.clone(), s.plans.clone())
}

fn state(r: &Registry) -> (Vec<Model>, Vec<Plan>) {
    (sorted_models(r), sorted_plans(r))
}

fn eval_ids(m: &Model) -> BTreeSet<String> {
    m.evaluations.iter().map(|e| e.id.clone()).collect()
}

fn milestone_ids(ms: &[Milestone]) -> BTreeSet<String> {
    ms.iter().map(|m| m.id.clone()).collect()
}

fn photo_ids(m: &Model, deleted_only: bool) -> BTreeSet<String> {
    evidence::photos(&m.extra).into_iter().filter(|p| !deleted_only || p.is_deleted()).map(|p| p.id).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn merge_is_idempotent(base in side_s(), file in side_s()) {
        let mut r = registry_of(&base);
        import(&mut r, &file);
        let once = state(&r);
        let second = import(&mut r, &file);
        prop_assert_eq!(state(&r), once);
        prop_assert_eq!(second.models.new + second.models.updated + second.models.deleted, 0);
        prop_assert_eq!(second.plans.new + second.plans.updated + second.plans.deleted, 0);
    }

    #[test]
    fn merge_is_order_independent(base in side_s(), a in side_s(), b in side_s()) {
        let mut ab = registry_of(&base);
        import(&mut ab, &a);
        import(&mut ab, &b);
        let mut ba = registry_of(&base);
        import(&mut ba, &b);
        import(&mut ba, &a);
        prop_assert_eq!(state(&ab), state(&ba));
        // from an empty registry too
        let mut ab = Registry::new();
        import(&mut ab, &a);
        import(&mut ab, &b);
        let mut ba = Registry::new();
        import(&mut ba, &b);
        import(&mut ba, &a);
        prop_assert_eq!(state(&ab), state(&ba));
    }

    #[test]
    fn merge_never_drops_an_id(base in side_s(), file in side_s()) {
        let mut r = registry_of(&base);
        let report = import(&mut r, &file);
        for m in base.models.iter().chain(&file.models) {
            let got = r.get(&m.id);
            prop_assert!(got.is_some(), "model {} dropped", m.id);
            let got = got.unwrap();
            prop_assert!(eval_ids(got).is_superset(&eval_ids(m)), "evaluation dropped from {}", m.id);
            prop_assert!(milestone_ids(&got.milestones).is_superset(&milestone_ids(&m.milestones)));
            // photos are a union by id, and a deleted photo stays deleted whichever side had it
            prop_assert!(photo_ids(got, false).is_superset(&photo_ids(m, false)), "photo dropped from {}", m.id);
            prop_assert!(photo_ids(got, true).is_superset(&photo_ids(m, true)), "a deleted photo came back in {}", m.id);
        }
        for p in base.plans.iter().chain(&file.plans) {
            let got = r.plan(&p.id);
            prop_assert!(got.is_some(), "plan {} dropped", p.id);
            prop_assert!(milestone_ids(&got.unwrap().milestones).is_superset(&milestone_ids(&p.milestones)));
        }
        prop_assert_eq!(r.all_models().len(),
            base.models.iter().chain(&file.models).map(|m| &m.id).collect::<BTreeSet<_>>().len());
        // every version set aside is one of the two sides, and the kept record is what the registry holds
        for c in &report.model_conflicts {
            prop_assert_eq!(r.get(&c.id), Some(&c.kept));
            let sides = [base.models.iter().find(|m| m.id == c.id), file.models.iter().find(|m| m.id == c.id)];
            prop_assert!(sides.contains(&Some(&c.lost)));
        }
    }

    #[test]
    fn the_newest_save_wins(base in side_s(), file in side_s()) {
        let mut r = registry_of(&base);
        import(&mut r, &file);
        for m in r.all_models() {
            let newest = base.models.iter().chain(&file.models).filter(|x| x.id == m.id).map(|x| x.updated_at).max();
            prop_assert_eq!(Some(m.updated_at), newest);
        }
    }

    #[test]
    fn preview_predicts_apply(base in side_s(), file in side_s()) {
        let r = registry_of(&base);
        let incoming = ReadOutcome { models: file.models.clone(), plans: file.plans.clone(), ..Default::default() };
        let p = preview(&r, &incoming);
        let mut r2 = r.clone();
        let report = import(&mut r2, &file);
        prop_assert_eq!(p.models, report.models);
        prop_assert_eq!(p.plans, report.plans);
        prop_assert_eq!(state(&r), state(&registry_of(&base)), "preview changes nothing");
    }

    /// The merge worked out once (the preview's) and done later is the merge of the records put one by
    /// one, each decided against the registry as the ones before it left it, repeated ids included (a
    /// file made of two sides may hold an id twice).
    #[test]
    fn a_planned_merge_is_the_merge_of_one_record_at_a_time(base in side_s(), a in side_s(), b in side_s()) {
        let file = Side { models: [a.models.clone(), b.models.clone()].concat(), plans: [a.plans.clone(), b.plans.clone()].concat() };
        let mut planned = registry_of(&base);
        let incoming = ReadOutcome { models: file.models.clone(), plans: file.plans.clone(), ..Default::default() };
        let worked_out = merge::plan(&planned, &incoming);
        prop_assert!(worked_out.is_for(&planned));
        let shown = worked_out.preview();
        let report = merge::apply_planned(&mut planned, worked_out, file.models.clone(), file.plans.clone());
        prop_assert_eq!(&shown.models, &report.models);
        prop_assert_eq!(&shown.plans, &report.plans);
        let mut one_by_one = registry_of(&base);
        let mut want = merge::MergeReport::default();
        let add = |sum: &mut merge::Counts, c: &merge::Counts| {
            sum.new += c.new;
            sum.new_tombstones += c.new_tombstones;
            sum.updated += c.updated;
            sum.deleted += c.deleted;
            sum.unchanged += c.unchanged;
            sum.set_aside += c.set_aside;
            sum.conflicts += c.conflicts;
        };
        for m in &file.models {
            let r = apply(&mut one_by_one, vec![m.clone()], vec![]);
            add(&mut want.models, &r.models);
            want.model_conflicts.extend(r.model_conflicts);
        }
        for p in &file.plans {
            let r = apply(&mut one_by_one, vec![], vec![p.clone()]);
            add(&mut want.plans, &r.plans);
            want.plan_conflicts.extend(r.plan_conflicts);
        }
        prop_assert_eq!(state(&planned), state(&one_by_one));
        prop_assert_eq!(report, want);
    }

    /// A merge worked out against a registry is not for it once anything was put into it.
    #[test]
    fn a_planned_merge_is_only_for_the_registry_it_was_worked_out_against(base in side_s(), file in side_s(), edit in model_s()) {
        let mut r = registry_of(&base);
        let incoming = ReadOutcome { models: file.models.clone(), plans: file.plans.clone(), ..Default::default() };
        let worked_out = merge::plan(&r, &incoming);
        prop_assert!(worked_out.is_for(&r.clone()), "a clone holds the same records");
        r.put(edit);
        prop_assert!(!worked_out.is_for(&r));
        if !base.models.is_empty() || !base.plans.is_empty() {
            prop_assert!(!worked_out.is_for(&registry_of(&base)), "nor another registry with the same records read again");
        }
    }

    #[test]
    fn export_import_round_trips(side in side_s()) {
        let r = registry_of(&side);
        let text = exchange::write(r.all_models(), r.all_plans(), ts("2026-01-01T00:00:00Z"), None);
        let read = exchange::read(text.as_bytes()).unwrap();
        prop_assert!(read.invalid.is_empty());
        let mut target = Registry::new();
        apply(&mut target, read.models, read.plans);
        prop_assert_eq!(state(&target), state(&r));
    }
}

// ---------------------------------------------------------------------------------------------------
// The fast reader gives exactly what the reference reader (every record checked as a JSON value) gives:
// the same records, the same errors at the same positions, the same file meta, the same file errors.

fn nfd(s: &str) -> String {
    s.nfd().collect()
}

/// Text for known text fields: plain, NFD, padded, blank, empty, HTML.
fn texts() -> Vec<String> {
    vec![
        "Nuôi bò thịt".into(),
        nfd("Dân vận khéo ở Hương Thủy"),
        " Trồng quế ".into(),
        "  ".into(),
        String::new(),
        "<b>x</b>".into(),
        "Thuỷ".into(),
        "\u{2000}a\u{3000}".into(),
    ]
}

/// Text for known text fields that must not be blank.
fn filled_texts() -> Vec<String> {
    texts().into_iter().filter(|t| !t.trim().is_empty()).collect()
}

/// Ids, some equal once NFC'd and trimmed.
fn ids() -> Vec<String> {
    vec!["a".into(), "b".into(), " a".into(), "mô".into(), nfd("mô")]
}

/// Values a field can be given: every JSON type, valid and not, for every kind of field.
fn any_value() -> Vec<Value> {
    let mut v = vec![
        Value::Null,
        json!(true),
        json!(false),
        json!(0),
        json!(3),
        json!(3.0),
        json!(3.5),
        json!(-1),
        json!(-0.0),
        json!(1.0e3),
        json!(1e20),
        json!(9999),
        json!(10000),
        json!(10000.0),
        json!(4294967295u64),
        json!(4294967296u64),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(""),
        json!("  "),
        json!(" x "),
        json!(nfd("Hồ Văn Nghiêm")),
        json!("economic"),
        json!("cultural_social"),
        json!("economy"),
        json!("active"),
        json!("farmers_association"),
        json!("district"),
        json!("effective"),
        json!("very_effective"),
        json!("high"),
        json!("new_models"),
        json!("2024-02-29"),
        json!("2023-02-29"),
        json!("2024-3-1"),
        json!("2024-03-12T09:30:00Z"),
        json!("2024-03-12T16:30:00+07:00"),
        json!("9999-12-31T23:59:59-01:00"),
        json!([]),
        json!(["a", "", " b "]),
        json!([nfd("sinh kế")]),
        json!([1, 2]),
        json!([1.0, 481]),
        json!([null]),
        json!(["economic", "economy"]),
        json!([{ "economic": null }]),
        json!({}),
        json!({ "economic": null }),
        json!({ "active": null }),
        json!({ "x": null }),
        json!({ "name": "Xã A Roàng", "code": 20095.0 }),
        json!({ "level": "district", "year": 0 }),
        json!({ "level": "district", "year": -5 }),
        json!({ "from": "2024-01-01", "to": "2024-12-31" }),
        json!({ "k": [1, { "z": null }], "$serde_json::private::RawValue": "[1]" }),
        json!({ "$serde_json::private::RawValue": "[1]" }),
        json!([
            { "id": "e1", "date": "2024-01-01", "rating": "effective" },
            { "id": "e1 ", "date": "2024-01-02", "rating": "limited" }
        ]),
        json!([{ "id": "x", "title": null }, { "id": nfd("ô") , "title": "" }, { "id": "ô" }]),
        json!([{ "metric": "new_models", "value": 30 }, { "metric": "effective_share", "value": "0.8" }]),
    ];
    v.extend(texts().into_iter().map(Value::String));
    v
}

const MODEL_PATHS: &[&str] = &[
    "id", "title", "field", "locality", "locality.code", "locality.name", "locality.village", "locality.gps", "lead",
    "lead_organization", "ethnic_minority_area", "status", "started_on", "participants", "beneficiary_households",
    "contributions", "contributions.money_vnd", "contributions.work_days", "contributions.land_m2",
    "contributions.cattle", "description", "tags", "tags.0", "recognition", "recognition.level", "recognition.year",
    "evaluations", "evaluations.0", "evaluations.0.id", "evaluations.0.date", "evaluations.0.by",
    "evaluations.0.rating", "evaluations.0.close_to_needs", "evaluations.0.consensus", "evaluations.0.notes",
    "evaluations.0.photos", "evaluations.1.id", "milestones", "milestones.0.id", "milestones.0.title",
    "milestones.0.due", "milestones.0.done_on", "milestones.0.notes", "milestones.0.owner", "milestones.1.id",
    "created_at", "updated_at", "updated_by", "deleted_at", "future", "future.deep",
];

const PLAN_PATHS: &[&str] = &[
    "id", "title", "period", "period.from", "period.to", "period.quarter", "scope", "scope.locality_codes",
    "scope.locality_codes.0", "scope.fields", "scope.fields.0", "scope.ethnic_minority_only", "scope.note",
    "targets", "targets.0", "targets.0.metric", "targets.0.value", "targets.1.value", "targets.0.unit",
    "milestones", "milestones.0.id", "milestones.0.title", "milestones.0.due", "milestones.1.id", "created_at",
    "updated_at", "updated_by", "deleted_at", "budget_vnd",
];

/// Sets (`None`: removes) the value at `path` (`a.0.b`); missing objects along the way are made, a list
/// position that is not there leaves the record as it is.
fn set_at(v: &mut Value, path: &str, new: Option<Value>) {
    let mut cur = v;
    let parts: Vec<&str> = path.split('.').collect();
    for (n, part) in parts.iter().enumerate() {
        let last = n + 1 == parts.len();
        match cur {
            Value::Object(o) => {
                if last {
                    match new {
                        Some(x) => {
                            o.insert(part.to_string(), x);
                        }
                        None => {
                            o.shift_remove(*part);
                        }
                    }
                    return;
                }
                cur = o.entry(part.to_string()).or_insert_with(|| json!({}));
            }
            Value::Array(a) => {
                let Ok(i) = part.parse::<usize>() else { return };
                if i >= a.len() {
                    return;
                }
                if last {
                    match new {
                        Some(x) => a[i] = x,
                        None => {
                            a.remove(i);
                        }
                    }
                    return;
                }
                cur = &mut a[i];
            }
            _ => return,
        }
    }
}

fn pick<T: Clone + std::fmt::Debug + 'static>(items: Vec<T>) -> impl Strategy<Value = T> {
    prop::sample::select(items)
}

fn opt_field(o: &mut serde_json::Map<String, Value>, key: &str, v: Option<Value>) {
    if let Some(v) = v {
        o.insert(key.into(), v);
    }
}

fn evaluation_json_s() -> impl Strategy<Value = Value> {
    (
        pick(vec!["e1", "e2", "e1 ", "ê"]),
        pick(vec!["2024-01-01", "2024-02-29"]),
        pick(vec!["effective", "very_effective", "limited", "not_effective"]),
        prop::option::of(pick(vec![json!("Tổ công tác"), json!(nfd("Tổ công tác")), Value::Null])),
        prop::option::of(pick(vec![json!(true), Value::Null])),
        prop::option::of(pick(vec![json!("high"), json!("low"), Value::Null])),
        prop::option::of(pick(texts())),
        prop::option::of(pick(vec![json!(["a.jpg"]), json!({ "a": 1 })])),
        prop::option::of(pick(vec![json!("2024-01-01T10:00:00Z"), json!("2024-01-01T10:00:00.5+07:00"), json!("hôm qua"), json!(5), Value::Null])),
    )
        .prop_map(|(id, date, rating, by, close, consensus, notes, extra, recorded)| {
            let mut o = serde_json::Map::new();
            o.insert("id".into(), json!(id));
            o.insert("date".into(), json!(date));
            opt_field(&mut o, "by", by);
            o.insert("rating".into(), json!(rating));
            opt_field(&mut o, "close_to_needs", close);
            opt_field(&mut o, "consensus", consensus);
            opt_field(&mut o, "notes", notes.map(Value::String));
            opt_field(&mut o, "photos", extra);
            opt_field(&mut o, "recorded_at", recorded);
            Value::Object(o)
        })
}

fn milestone_json_s() -> impl Strategy<Value = Value> {
    (
        pick(vec!["m1".to_string(), "m2".into(), "m1 ".into(), nfd("mố")]),
        prop::option::weighted(0.9, pick(vec![json!("Tổng kết"), json!(""), json!(nfd("Sơ kết"))])),
        prop::option::of(pick(vec![json!("2024-06-30"), Value::Null])),
        prop::option::of(pick(vec![json!("2024-06-28"), Value::Null])),
        prop::option::of(pick(texts())),
        prop::option::of(pick(vec![json!("Hội Nông dân"), json!({ "x": null })])),
    )
        .prop_map(|(id, title, due, done_on, notes, owner)| {
            let mut o = serde_json::Map::new();
            o.insert("id".into(), json!(id));
            opt_field(&mut o, "title", title);
            opt_field(&mut o, "due", due);
            opt_field(&mut o, "done_on", done_on);
            opt_field(&mut o, "notes", notes.map(Value::String));
            opt_field(&mut o, "owner", owner);
            Value::Object(o)
        })
}

/// A model as another officer's app (or a hand edit) might write it: mostly valid, every field optional
/// ones present or not, unknown fields here and there.
fn model_json_s() -> impl Strategy<Value = Value> {
    let head = (
        pick(ids()),
        pick(filled_texts()),
        pick(vec!["economic", "cultural_social", "defense_security", "political_system"]),
        prop::option::of(pick(vec![json!(20095), json!(481), Value::Null])),
        pick(vec!["Xã A Roàng".to_string(), nfd("Xã A Lưới 4"), " Phường Thuận Hóa ".into()]),
        prop::option::of(pick(vec![json!("A Ka"), json!(""), json!("  "), Value::Null])),
        prop::option::of(pick(texts())),
        prop::option::of(pick(vec![json!("farmers_association"), json!("other"), Value::Null])),
        prop::option::of(pick(vec![json!(true), json!(false)])),
        prop::option::of(pick(vec![json!("active"), json!("stopped"), Value::Null])),
    );
    let tail = (
        prop::option::of(pick(vec![json!("2023-05-01"), Value::Null])),
        prop::option::of(pick(vec![json!(12), json!(0), Value::Null])),
        prop::option::of(pick(vec![json!({ "money_vnd": 15000000u64, "work_days": 120, "cattle": 3 }), json!({})])),
        prop::option::of(pick(vec![json!(["livelihood", ""]), json!([nfd("sinh kế"), " x "]), json!([])])),
        prop::option::of(pick(vec![
            json!({ "level": "district", "year": 2024, "decision_no": "123/QĐ" }),
            json!({ "level": "national", "year": null }),
            json!({ "level": "commune", "year": 0 }),
            json!({ "level": "province", "year": 9999 }),
            json!({ "level": "province", "year": 10000 }),
            json!({ "level": "district", "year": -1 }),
            json!({ "level": "district", "year": 2024.0 }),
            Value::Null,
        ])),
        prop::collection::vec(evaluation_json_s(), 0..3),
        prop::collection::vec(milestone_json_s(), 0..3),
        pick(vec!["2024-03-12T09:30:00Z", "2024-03-12T16:30:00+07:00", "2024-06-01T00:00:00Z"]),
        prop::option::of(pick(vec![json!("3f0c"), json!(nfd("máy")), Value::Null])),
        prop::option::of(pick(vec![json!("2024-07-01T00:00:00Z"), Value::Null])),
        prop::option::of(pick(vec![json!({ "deep": [1, { "x": null }] }), json!(nfd("ghi chú")), json!(1.5)])),
    );
    (head, tail).prop_map(|(h, t)| {
        let (id, title, field, code, name, village, lead, org, ethnic, status) = h;
        let (started, participants, contributions, tags, recognition) = (t.0, t.1, t.2, t.3, t.4);
        let (evals, milestones, updated_at, by, deleted, future) = (t.5, t.6, t.7, t.8, t.9, t.10);
        let mut locality = serde_json::Map::new();
        opt_field(&mut locality, "code", code);
        locality.insert("name".into(), json!(name));
        opt_field(&mut locality, "village", village);
        let mut o = serde_json::Map::new();
        o.insert("id".into(), json!(id));
        o.insert("title".into(), json!(title));
        o.insert("field".into(), json!(field));
        o.insert("locality".into(), Value::Object(locality));
        opt_field(&mut o, "lead", lead.map(Value::String));
        opt_field(&mut o, "lead_organization", org);
        opt_field(&mut o, "ethnic_minority_area", ethnic);
        opt_field(&mut o, "status", status);
        opt_field(&mut o, "started_on", started);
        opt_field(&mut o, "participants", participants);
        opt_field(&mut o, "contributions", contributions);
        opt_field(&mut o, "tags", tags);
        opt_field(&mut o, "recognition", recognition);
        if !evals.is_empty() {
            o.insert("evaluations".into(), Value::Array(evals));
        }
        if !milestones.is_empty() {
            o.insert("milestones".into(), Value::Array(milestones));
        }
        o.insert("created_at".into(), json!("2023-05-02T01:00:00Z"));
        o.insert("updated_at".into(), json!(updated_at));
        opt_field(&mut o, "updated_by", by);
        opt_field(&mut o, "deleted_at", deleted);
        opt_field(&mut o, "future_field", future);
        Value::Object(o)
    })
}

fn plan_json_s() -> impl Strategy<Value = Value> {
    (
        pick(vec!["p1", "p2", " p1"]),
        pick(filled_texts()),
        prop::option::of(pick(vec![json!({ "from": "2024-01-01", "to": "2024-12-31", "quarter": 4 }), Value::Null])),
        prop::option::of(pick(vec![
            json!({ "locality_codes": [481, 482], "fields": ["economic"], "ethnic_minority_only": true, "note": "x" }),
            json!({}),
        ])),
        prop::option::of(pick(vec![
            json!([
                { "metric": "new_models", "value": 30.0, "unit": "models" },
                { "metric": "effective_share", "value": 0.8 }
            ]),
            json!([{ "metric": "evaluated_share", "value": 1 }]),
        ])),
        prop::collection::vec(milestone_json_s(), 0..3),
        pick(vec!["2024-01-02T00:00:00Z", "2024-02-02T00:00:00Z"]),
        prop::option::of(pick(vec![json!("3f0c"), Value::Null])),
        prop::option::of(pick(vec![json!("2024-07-01T00:00:00Z"), Value::Null])),
        prop::option::of(pick(vec![json!(1000), json!({ "a": [null] })])),
    )
        .prop_map(|(id, title, period, scope, targets, milestones, updated_at, by, deleted, budget)| {
            let mut o = serde_json::Map::new();
            o.insert("id".into(), json!(id));
            o.insert("title".into(), json!(title));
            opt_field(&mut o, "period", period);
            opt_field(&mut o, "scope", scope);
            opt_field(&mut o, "targets", targets);
            if !milestones.is_empty() {
                o.insert("milestones".into(), Value::Array(milestones));
            }
            o.insert("created_at".into(), json!("2024-01-02T00:00:00Z"));
            o.insert("updated_at".into(), json!(updated_at));
            opt_field(&mut o, "updated_by", by);
            opt_field(&mut o, "deleted_at", deleted);
            opt_field(&mut o, "budget_vnd", budget);
            Value::Object(o)
        })
}

/// Changes to a record's value: set a path to any value, or remove it.
fn edits_s(paths: &'static [&'static str]) -> impl Strategy<Value = Vec<(&'static str, Option<Value>)>> {
    let edit = (pick(paths.to_vec()), prop::option::weighted(0.8, pick(any_value())));
    prop::strategy::Union::new_weighted(vec![
        (1, Just(Vec::new()).boxed()),
        (1, prop::collection::vec(edit, 1..3).boxed()),
    ])
}

/// Raw JSON text put first in a record, as `"key": text,` (so a key the record has comes twice, the record's
/// own value last), or the record swapped for something that is not an object.
fn raw_edit_s() -> impl Strategy<Value = Option<(&'static str, &'static str)>> {
    prop::option::weighted(
        0.15,
        (
            pick(vec!["title", "id", "status", "participants", "t\\u0069tle", "locality", "future", "field"]),
            pick(vec![
                "1e400",
                "-0",
                "1E2",
                "12.0",
                "null",
                "\"dup\"",
                "\"\\ud800\"",
                "\"\\ud83d\\ude00\"",
                "\"\\u0061\"",
                "{\"economic\" : null}",
                "{ \"active\":null }",
                "[1,]",
                "{\"$serde_json::private::RawValue\":\"[1]\"}",
                "\"a\tb\"",
                "12345678901234567890123",
            ]),
        ),
    )
}

fn record_text(v: &Value, raw: Option<(&str, &str)>, pretty: bool) -> String {
    let text = if pretty { serde_json::to_string_pretty(v).unwrap() } else { serde_json::to_string(v).unwrap() };
    match raw {
        Some((key, raw)) if text.starts_with('{') && text.len() > 2 => format!("{{\"{key}\": {raw},{}", &text[1..]),
        _ => text,
    }
}

#[derive(Debug, Clone)]
struct RecordCase {
    value: Value,
    edits: Vec<(&'static str, Option<Value>)>,
    raw: Option<(&'static str, &'static str)>,
}

fn model_case_s() -> impl Strategy<Value = RecordCase> {
    (
        prop::strategy::Union::new_weighted(vec![
            (12, model_json_s().boxed()),
            (1, pick(vec![json!(42), json!("a string"), Value::Null, json!([]), json!([{ "id": "a" }])]).boxed()),
        ]),
        edits_s(MODEL_PATHS),
        raw_edit_s(),
    )
        .prop_map(|(value, edits, raw)| RecordCase { value, edits, raw })
}

fn plan_case_s() -> impl Strategy<Value = RecordCase> {
    (plan_json_s(), edits_s(PLAN_PATHS), raw_edit_s()).prop_map(|(value, edits, raw)| RecordCase { value, edits, raw })
}

/// What is done to the file around its records.
const TOP_EDITS: &[&str] = &[
    "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "format",
    "format_null", "version2", "version1.5", "version_text", "no_version",
    "no_models", "models_object", "plans_object", "models_twice", "models_escaped", "exported_by_odd",
    "exported_at_bad", "extra", "bom", "top_array", "trailing", "deep",
];

fn file_text(models: &[RecordCase], plans: &[RecordCase], top: &str, pretty: bool) -> Vec<u8> {
    let list = |cases: &[RecordCase]| {
        let items: Vec<String> = cases
            .iter()
            .map(|c| {
                let mut v = c.value.clone();
                for (path, new) in &c.edits {
                    set_at(&mut v, path, new.clone());
                }
                record_text(&v, c.raw, pretty)
            })
            .collect();
        if pretty {
            format!("[\n    {}\n  ]", items.join(",\n    "))
        } else {
            format!("[{}]", items.join(","))
        }
    };
    let (models, plans) = (list(models), list(plans));
    let mut members: Vec<(String, String)> = vec![
        ("format".into(), "\"dvk-registry\"".into()),
        ("version".into(), "1".into()),
        ("exported_at".into(), "\"2026-11-29T08:00:00Z\"".into()),
        (
            "exported_by".into(),
            format!(r#"{{"officer": {}, "unit": "Ban Dân vận", "device": null}}"#, json!(nfd("Nguyễn Văn A"))),
        ),
        ("models".into(), models),
        ("plans".into(), plans),
    ];
    let set = |members: &mut Vec<(String, String)>, key: &str, v: &str| {
        for m in members.iter_mut().filter(|m| m.0 == key) {
            m.1 = v.into();
        }
    };
    match top {
        "format" => set(&mut members, "format", "\"other-app\""),
        "format_null" => set(&mut members, "format", "null"),
        "version2" => set(&mut members, "version", "2"),
        "version1.5" => set(&mut members, "version", "1.5"),
        "version_text" => set(&mut members, "version", "\"1\""),
        "no_version" => members.retain(|m| m.0 != "version"),
        "no_models" => members.retain(|m| m.0 != "models"),
        "models_object" => set(&mut members, "models", "{\"a\": []}"),
        "plans_object" => set(&mut members, "plans", "7"),
        "models_twice" => members.insert(0, ("models".into(), "[{\"id\": \"first\"}, 1e400]".into())),
        "models_escaped" => members.iter_mut().filter(|m| m.0 == "models").for_each(|m| m.0 = "mod\\u0065ls".into()),
        "exported_by_odd" => set(&mut members, "exported_by", "{\"officer\": 3, \"unit\": [], \"x\": {\"y\": null}}"),
        "exported_at_bad" => set(&mut members, "exported_at", "\"yesterday\""),
        "extra" => {
            members.insert(2, ("signature".into(), "\"abc\"".into()));
            members.push(("source".into(), "{\"app\": \"dvk\", \"list\": [1, [2, {\"a\": null}]]}".into()));
            members.push(("signature".into(), "\"second\"".into()));
        }
        _ => {}
    }
    let sep = if pretty { ",\n  " } else { "," };
    let body: Vec<String> = members.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
    let mut text = if pretty { format!("{{\n  {}\n}}", body.join(sep)) } else { format!("{{{}}}", body.join(sep)) };
    if pretty && top.is_empty() && text.len() % 2 == 1 {
        // JSON strings hold no raw line breaks: only the white space between tokens changes
        text = text.replace('\n', "\r\n\t");
    }
    match top {
        "bom" => text.insert(0, '\u{feff}'),
        "top_array" => text = format!("[{text}]"),
        "trailing" => text.push_str(" x"),
        "deep" => text = text.replacen("\"plans\": [", &format!("\"plans\": [{}{}", "[".repeat(70), "]".repeat(70)), 1),
        _ => {}
    }
    text.into_bytes()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn read_gives_what_the_reference_reader_gives(
        models in prop::collection::vec(model_case_s(), 0..5),
        plans in prop::collection::vec(plan_case_s(), 0..3),
        top in pick(TOP_EDITS.to_vec()),
        pretty in any::<bool>(),
        step in 1usize..4,
    ) {
        let bytes = file_text(&models, &plans, top, pretty);
        let fast = exchange::read(&bytes);
        let reference = exchange::read_reference(&bytes);
        prop_assert_eq!(&fast, &reference, "{}", String::from_utf8_lossy(&bytes));
        prop_assert_eq!(read_in_steps(&bytes, step), reference, "in steps of {}: {}", step, String::from_utf8_lossy(&bytes));
    }
}

/// `exchange::Reading`, `step` records at a time (as the app reads a big file, yielding in between); its
/// progress must move on at each step that does not end it.
fn read_in_steps(bytes: &[u8], step: usize) -> Result<exchange::ReadOutcome, exchange::FileError> {
    let mut reading = exchange::Reading::begin(bytes)?;
    let mut last = reading.progress();
    loop {
        if let Some(outcome) = reading.read_some(step) {
            return outcome;
        }
        let now = reading.progress();
        assert!(now.0 > last.0 && now.0 < now.1 && now.1 == last.1, "progress {last:?} -> {now:?}");
        last = now;
    }
}

#[test]
fn a_file_read_one_record_a_step_gives_what_it_gives_in_one_go() {
    let now = Timestamp::parse("2026-12-01T08:00:00Z").unwrap();
    let models = dvk_registry::domain::demo::province_demo(7, now, "dev00001");
    let mut bytes = exchange::write(&models[..300], &[] as &[Plan], now, None).into_bytes();
    let whole = exchange::read(&bytes).unwrap();
    assert_eq!(whole.models.len(), 300);
    let mut reading = exchange::Reading::begin(&bytes).unwrap();
    assert_eq!(reading.progress(), (0, 300));
    let mut steps = 1;
    let stepped = loop {
        if let Some(outcome) = reading.read_some(1) {
            break outcome.unwrap();
        }
        steps += 1;
        assert_eq!(reading.progress(), (steps - 1, 300));
    };
    assert_eq!(steps, 300, "one record a step");
    assert_eq!(stepped, whole);
    // A record that is not JSON (a number out of range), found half way: the reference reader's answer.
    let text = String::from_utf8(bytes.clone()).unwrap();
    let at = text.match_indices("\"participants\":").nth(150).map(|(i, _)| i).expect("a participants field");
    let end = at + text[at..].find([',', '}']).unwrap();
    bytes = format!("{}\"participants\":1e400{}", &text[..at], &text[end..]).into_bytes();
    let mut reading = exchange::Reading::begin(&bytes).unwrap();
    let stepped = loop {
        if let Some(outcome) = reading.read_some(7) {
            break outcome;
        }
    };
    assert_eq!(stepped, exchange::read_reference(&bytes));
    assert!(stepped.is_err() || stepped.as_ref().unwrap().invalid.len() == 1, "{stepped:?}");
}

/// Records that serde reads into a `Model` but that the checks refuse or change: each must come out as the
/// reference reader has it: one case for each check of the fast reader's own, so breaking any one of them
/// fails here.
#[test]
fn records_the_types_accept_but_the_checks_do_not_read_as_the_reference_reads_them() {
    let edits: Vec<(&str, Value)> = vec![
        ("field", json!({ "economic": null })),
        ("status", json!({ "active" : null })),
        ("title", json!("   ")),
        ("id", json!("")),
        ("locality", json!({ "name": " " })),
        ("recognition", json!({ "level": "district", "year": 10000 })),
        ("recognition", json!({ "level": "district", "year": -1 })),
        ("recognition", json!({ "level": "district", "year": 0 })),
        ("recognition", json!({ "level": "district", "year": 2024.0 })),
        ("participants", json!(12.0)),
        ("participants", json!(-0.0)),
        ("lead", Value::Null),
        ("tags", json!([" a ", "", nfd("sinh kế")])),
        ("evaluations", json!([{ "id": " ", "date": "2024-01-01", "rating": "effective" }])),
        ("evaluations", json!([{ "id": "e1", "date": "2024-01-01", "rating": "effective" },
                               { "id": "e1 ", "date": "2024-01-02", "rating": "limited" }])),
        ("milestones", json!([{ "id": "\t", "title": "x" }])),
        ("milestones", json!([{ "id": "m1" }])),
        ("future", json!({ "$serde_json::private::RawValue": "[1]" })),
        ("future", json!({ "x": null })),
    ];
    for (key, value) in edits {
        let mut m = model_json("m");
        m[key] = value.clone();
        let f = file_with(vec![m, model_json("ok")], vec![]);
        assert_eq!(exchange::read(&f), exchange::read_reference(&f), "{key}: {value}");
    }
    let mut p = plan_json("p");
    p["title"] = json!(" ");
    let mut q = plan_json("q");
    q["milestones"] = json!([{ "id": "", "title": "x" }]);
    let f = file_with(vec![], vec![p, q, plan_json("ok")]);
    assert_eq!(exchange::read(&f), exchange::read_reference(&f));
    // a key given twice (the last one counts), also through an escape
    for text in [
        r#""title": "First", "title": "Second""#,
        r#""title": "First", "t\u0069tle": "Second""#,
        r#""id": "a", "id": "b""#,
        r#""x": 1, "y": 2, "x": 3"#,
        r#""field": {"\u0065conomic": null}"#,
        r#""status": {"act\u0069ve"	:null	}"#,
    ] {
        let m = serde_json::to_string(&model_json("m")).unwrap().replacen('{', &format!("{{{text},"), 1);
        let f = format!(r#"{{"format":"dvk-registry","version":1,"models":[{m}],"plans":[]}}"#);
        assert_eq!(exchange::read(f.as_bytes()), exchange::read_reference(f.as_bytes()), "{text}");
    }
    // a list given twice: the first is only skipped over by the fast reader, but the reference parses it
    let f = br#"{"format":"dvk-registry","version":1,"models":[1e400],"plans":[],"models":[]}"#;
    assert_eq!(exchange::read(f), Err(FileError::NotJson { line: 1, column: 52 }));
    assert_eq!(exchange::read(f), exchange::read_reference(f));
}

#[test]
fn the_fuzz_corpus_reads_as_the_reference_reader_reads_it() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/corpus/exchange_read");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(exchange::read(&bytes), exchange::read_reference(&bytes), "{}", path.display());
        // and every prefix, which cuts records and the file anywhere
        for cut in (0..bytes.len()).step_by(7) {
            let part = &bytes[..cut];
            assert_eq!(exchange::read(part), exchange::read_reference(part), "{} cut at {cut}", path.display());
        }
        n += 1;
    }
    assert!(n >= 10, "the corpus is there");
}

#[test]
fn whole_files_read_as_the_reference_reader_reads_them() {
    let now = ts("2026-11-29T08:00:00Z");
    let models = dvk_registry::domain::demo::province_demo(3, now, "dev");
    let file = exchange::write(&models[..300], &[] as &[Plan], now, None);
    let fast = exchange::read(file.as_bytes()).unwrap();
    assert_eq!(Ok(&fast), exchange::read_reference(file.as_bytes()).as_ref());
    assert_eq!(fast.models.len(), 300);
    let full = serde_json::to_vec(&full_file()).unwrap();
    assert_eq!(exchange::read(&full), exchange::read_reference(&full));
    let f = file_with(vec![model_json("a"), json!(7), model_json("a")], vec![plan_json("p")]);
    assert_eq!(exchange::read(&f), exchange::read_reference(&f));
}

// ---------------------------------------------------------------------------------------------------
// Timing (not a check): `cargo test --release --test exchange_merge read_timing -- --ignored --nocapture`

fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = std::time::Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(|a, b| a.total_cmp(b));
    times[runs / 2]
}

#[test]
#[ignore]
fn read_timing() {
    let now = ts("2026-11-29T08:00:00Z");
    let models = dvk_registry::domain::demo::province_demo(7, now, "dev");
    let file = exchange::write(&models, &[] as &[Plan], now, None);
    // the same file with `participants` as a whole float (`12.0`): those records go to the reference path
    let floats = file
        .split("\"participants\": ")
        .enumerate()
        .map(|(i, part)| match part.find(|c: char| !c.is_ascii_digit()) {
            Some(end) if i > 0 && end > 0 => format!("{}.0{}", &part[..end], &part[end..]),
            _ => part.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\"participants\": ");
    let with_floats = file.matches("\"participants\": ").count();
    for f in [&file, &floats] {
        assert_eq!(exchange::read(f.as_bytes()), exchange::read_reference(f.as_bytes()));
    }
    let time = |f: fn(&[u8]) -> Result<ReadOutcome, FileError>, bytes: &[u8]| {
        median_ms(15, || {
            std::hint::black_box(f(bytes).unwrap());
        })
    };
    for round in 0..2 {
        let value = median_ms(15, || {
            std::hint::black_box(serde_json::from_str::<Value>(&file).unwrap());
        });
        println!(
            "round {round}: {} models, {} bytes: read {:.1} ms, read_reference {:.1} ms (parsing it as one \
             JSON value: {value:.1} ms); with {with_floats} records' participants a whole float: read {:.1} ms, \
             read_reference {:.1} ms",
            models.len(),
            file.len(),
            time(exchange::read, file.as_bytes()),
            time(exchange::read_reference, file.as_bytes()),
            time(exchange::read, floats.as_bytes()),
            time(exchange::read_reference, floats.as_bytes()),
        );
    }
}
