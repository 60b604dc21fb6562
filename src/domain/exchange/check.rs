//! The reference reader: the whole file parsed as one JSON `Value`, each record checked field by field as a
//! value (`check_model`, `check_plan`: the first bad field and what is wrong with it), then converted with
//! serde and normalised (`normalise`). What `read` gives is defined here; the fast reader (`fast`) gives the
//! same faster, and hands it any record it cannot vouch for.
//!
//! Each check looks at a known field: a known field that is null is removed, so serde's default applies; a
//! whole float such as `3.0` is taken as `3`. Unknown fields are never touched. Field paths in errors are
//! the file's own names (`locality.name`, `evaluations[2].rating`).

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::errors::{invalid, Check, FileError, JsonKind, RecordKind, RecordProblem, ValueProblem};
use super::file::FORMAT;
use super::normalise::{normalise_model, normalise_plan};
use super::outcome::{check_version, file_meta, outcome, value_id, ReadOne, ReadOutcome};
use crate::domain::model::{
    Consensus, Field, LeadOrganization, Model, Plan, Rating, RecognitionLevel, Status, TargetMetric,
};
use crate::domain::time::{Date, Timestamp};

/// The reference reader, from a text whose depth has been checked: the whole file parsed as a JSON value,
/// each record checked as one.
pub(super) fn read_text(text: &str) -> Result<ReadOutcome, FileError> {
    let top: Value =
        serde_json::from_str(text).map_err(|e| FileError::NotJson { line: e.line(), column: e.column() })?;
    let Value::Object(mut top) = top else {
        return Err(FileError::NotAnObject);
    };

    match top.get("format") {
        Some(Value::String(f)) if f == FORMAT => {}
        Some(Value::String(f)) => return Err(FileError::WrongFormat { found: Some(f.clone()) }),
        Some(Value::Null) | None => return Err(FileError::WrongFormat { found: None }),
        Some(other) => return Err(FileError::WrongFormat { found: Some(other.to_string()) }),
    }
    let version = check_version(top.get("version"))?;
    let models = take_list(&mut top, RecordKind::Model)?;
    let plans = take_list(&mut top, RecordKind::Plan)?;

    Ok(outcome(file_meta(top, version), read_records(models, read_model), read_records(plans, read_plan)))
}

fn take_list(top: &mut Map<String, Value>, kind: RecordKind) -> Result<Vec<Value>, FileError> {
    match top.shift_remove(kind.code()) {
        Some(Value::Array(a)) => Ok(a),
        None => Err(FileError::MissingList { kind }),
        Some(_) => Err(FileError::NotAList { kind }),
    }
}

/// Reads each record on its own.
fn read_records<T>(values: Vec<Value>, read_one: fn(Value) -> Result<T, RecordProblem>) -> Vec<ReadOne<T>> {
    values
        .into_iter()
        .map(|v| {
            let id = value_id(&v);
            read_one(v).map_err(|reason| (id, reason))
        })
        .collect()
}

/// Checks a model as a JSON value, then reads and normalises it.
pub(super) fn read_model(v: Value) -> Result<Model, RecordProblem> {
    let Value::Object(mut o) = v else { return Err(RecordProblem::NotAnObject) };
    check_model(&mut o)?;
    let mut m: Model = serde_json::from_value(Value::Object(o)).map_err(|_| RecordProblem::Unreadable)?;
    normalise_model(&mut m)?;
    Ok(m)
}

/// Checks a plan as a JSON value, then reads and normalises it.
pub(super) fn read_plan(v: Value) -> Result<Plan, RecordProblem> {
    let Value::Object(mut o) = v else { return Err(RecordProblem::NotAnObject) };
    check_plan(&mut o)?;
    let mut p: Plan = serde_json::from_value(Value::Object(o)).map_err(|_| RecordProblem::Unreadable)?;
    normalise_plan(&mut p)?;
    Ok(p)
}

type Obj = Map<String, Value>;

/// The path of `key` under `prefix`; a top-level field's path costs nothing.
fn path(prefix: &str, key: &'static str) -> Cow<'static, str> {
    if prefix.is_empty() {
        Cow::Borrowed(key)
    } else {
        Cow::Owned(format!("{prefix}.{key}"))
    }
}

fn wrong_type(path: &str, expected: JsonKind) -> RecordProblem {
    invalid(path, ValueProblem::WrongType { expected })
}

/// The known field `key`, unless absent or null (a null one is removed, keeping the others' order).
fn present<'o>(o: &'o mut Obj, key: &str) -> Option<&'o mut Value> {
    if matches!(o.get(key), Some(Value::Null)) {
        o.shift_remove(key);
    }
    o.get_mut(key)
}

fn opt(o: &mut Obj, prefix: &str, key: &'static str, check: impl FnOnce(&mut Value, &str) -> Check) -> Check {
    match present(o, key) {
        Some(v) => check(v, &path(prefix, key)),
        None => Ok(()),
    }
}

fn req(o: &mut Obj, prefix: &str, key: &'static str, check: impl FnOnce(&mut Value, &str) -> Check) -> Check {
    match present(o, key) {
        Some(v) => check(v, &path(prefix, key)),
        None => Err(RecordProblem::MissingField(path(prefix, key).into_owned())),
    }
}

fn object<'v>(v: &'v mut Value, p: &str) -> Result<&'v mut Obj, RecordProblem> {
    v.as_object_mut().ok_or_else(|| wrong_type(p, JsonKind::Object))
}

fn list(v: &mut Value, p: &str, mut each: impl FnMut(&mut Value, &str) -> Check) -> Check {
    let items = v.as_array_mut().ok_or_else(|| wrong_type(p, JsonKind::List))?;
    for (i, item) in items.iter_mut().enumerate() {
        each(item, &format!("{p}[{i}]"))?;
    }
    Ok(())
}

fn text(v: &mut Value, p: &str) -> Check {
    if v.is_string() {
        Ok(())
    } else {
        Err(wrong_type(p, JsonKind::Text))
    }
}

fn non_empty_text(v: &mut Value, p: &str) -> Check {
    match v.as_str() {
        Some(s) if s.trim().is_empty() => Err(invalid(p, ValueProblem::Empty)),
        Some(_) => Ok(()),
        None => Err(wrong_type(p, JsonKind::Text)),
    }
}

fn boolean(v: &mut Value, p: &str) -> Check {
    if v.is_boolean() {
        Ok(())
    } else {
        Err(wrong_type(p, JsonKind::TrueFalse))
    }
}

fn code<E>(v: &mut Value, p: &str, from_code: fn(&str) -> Option<E>) -> Check {
    let s = v.as_str().ok_or_else(|| wrong_type(p, JsonKind::Text))?;
    match from_code(s) {
        Some(_) => Ok(()),
        None => Err(invalid(p, ValueProblem::UnknownCode { found: s.to_string() })),
    }
}

fn date(v: &mut Value, p: &str) -> Check {
    let s = v.as_str().ok_or_else(|| wrong_type(p, JsonKind::Text))?;
    match Date::parse(s) {
        Some(_) => Ok(()),
        None => Err(invalid(p, ValueProblem::NotADate { found: s.to_string() })),
    }
}

fn time(v: &mut Value, p: &str) -> Check {
    let s = v.as_str().ok_or_else(|| wrong_type(p, JsonKind::Text))?;
    match Timestamp::parse(s) {
        Some(_) => Ok(()),
        None => Err(invalid(p, ValueProblem::NotATime { found: s.to_string() })),
    }
}

/// A whole number in `min..=max`; a float with no fraction (`12.0`) is accepted and rewritten as `12`.
fn whole_in(v: &mut Value, p: &str, min: i64, max: u64) -> Check {
    let Value::Number(n) = v else { return Err(wrong_type(p, JsonKind::WholeNumber)) };
    let ok = if let Some(u) = n.as_u64() {
        u <= max
    } else if let Some(i) = n.as_i64() {
        i >= min
    } else {
        match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f >= min as f64 && f <= max as f64 => {
                *v = if f >= 0.0 { Value::from(f as u64) } else { Value::from(f as i64) };
                return Ok(());
            }
            _ => false,
        }
    };
    if ok {
        Ok(())
    } else {
        Err(invalid(p, ValueProblem::OutOfRange))
    }
}

fn whole32(v: &mut Value, p: &str) -> Check {
    whole_in(v, p, 0, u32::MAX as u64)
}

fn whole64(v: &mut Value, p: &str) -> Check {
    whole_in(v, p, 0, u64::MAX)
}

fn year(v: &mut Value, p: &str) -> Check {
    whole_in(v, p, 1, 9999)
}

fn number(v: &mut Value, p: &str) -> Check {
    match v.as_f64() {
        Some(f) if f.is_finite() => Ok(()),
        Some(_) => Err(invalid(p, ValueProblem::OutOfRange)),
        None => Err(wrong_type(p, JsonKind::Number)),
    }
}

fn check_milestone(v: &mut Value, p: &str) -> Check {
    let m = object(v, p)?;
    req(m, p, "id", non_empty_text)?;
    if present(m, "title").is_none() {
        m.insert("title".into(), Value::String(String::new()));
    }
    req(m, p, "title", text)?;
    opt(m, p, "due", date)?;
    opt(m, p, "done_on", date)?;
    opt(m, p, "notes", text)
}

fn check_evaluation(v: &mut Value, p: &str) -> Check {
    let e = object(v, p)?;
    req(e, p, "id", non_empty_text)?;
    req(e, p, "date", date)?;
    opt(e, p, "by", text)?;
    req(e, p, "rating", |v, p| code(v, p, Rating::from_code))?;
    opt(e, p, "close_to_needs", boolean)?;
    opt(e, p, "consensus", |v, p| code(v, p, Consensus::from_code))?;
    opt(e, p, "notes", text)?;
    opt(e, p, "recorded_at", time)
}

fn check_model(o: &mut Obj) -> Check {
    req(o, "", "id", non_empty_text)?;
    req(o, "", "title", non_empty_text)?;
    req(o, "", "field", |v, p| code(v, p, Field::from_code))?;
    req(o, "", "locality", |v, p| {
        let l = object(v, p)?;
        opt(l, p, "code", whole32)?;
        req(l, p, "name", non_empty_text)?;
        opt(l, p, "village", text)
    })?;
    opt(o, "", "lead", text)?;
    opt(o, "", "lead_organization", |v, p| code(v, p, LeadOrganization::from_code))?;
    opt(o, "", "ethnic_minority_area", boolean)?;
    opt(o, "", "status", |v, p| code(v, p, Status::from_code))?;
    opt(o, "", "started_on", date)?;
    opt(o, "", "participants", whole32)?;
    opt(o, "", "beneficiary_households", whole32)?;
    opt(o, "", "contributions", |v, p| {
        let c = object(v, p)?;
        opt(c, p, "money_vnd", whole64)?;
        opt(c, p, "work_days", whole64)?;
        opt(c, p, "land_m2", whole64)
    })?;
    opt(o, "", "description", text)?;
    opt(o, "", "tags", |v, p| list(v, p, text))?;
    opt(o, "", "recognition", |v, p| {
        let r = object(v, p)?;
        req(r, p, "level", |v, p| code(v, p, RecognitionLevel::from_code))?;
        opt(r, p, "year", year)
    })?;
    opt(o, "", "evaluations", |v, p| list(v, p, check_evaluation))?;
    opt(o, "", "milestones", |v, p| list(v, p, check_milestone))?;
    req(o, "", "created_at", time)?;
    req(o, "", "updated_at", time)?;
    opt(o, "", "updated_by", text)?;
    opt(o, "", "deleted_at", time)
}

fn check_plan(o: &mut Obj) -> Check {
    req(o, "", "id", non_empty_text)?;
    req(o, "", "title", non_empty_text)?;
    opt(o, "", "period", |v, p| {
        let period = object(v, p)?;
        req(period, p, "from", date)?;
        req(period, p, "to", date)
    })?;
    opt(o, "", "scope", |v, p| {
        let s = object(v, p)?;
        opt(s, p, "locality_codes", |v, p| list(v, p, whole32))?;
        opt(s, p, "fields", |v, p| list(v, p, |v, p| code(v, p, Field::from_code)))?;
        opt(s, p, "ethnic_minority_only", boolean)
    })?;
    opt(o, "", "targets", |v, p| {
        list(v, p, |v, p| {
            let t = object(v, p)?;
            req(t, p, "metric", |v, p| code(v, p, TargetMetric::from_code))?;
            req(t, p, "value", number)
        })
    })?;
    opt(o, "", "milestones", |v, p| list(v, p, check_milestone))?;
    req(o, "", "created_at", time)?;
    req(o, "", "updated_at", time)?;
    opt(o, "", "updated_by", text)?;
    opt(o, "", "deleted_at", time)
}
