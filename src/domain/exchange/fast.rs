//! The fast reader: each record read straight into its type from its own span of the text. It gives what
//! the reference reader (`check`) gives, to the last detail, or hands over to it.
//!
//! The depth scan (`scan`) also notes where each element of a top-level list is; the top level is parsed
//! with the lists only skipped over (`Top`); and each record is deserialised from its own text into `Model`
//! or `Plan`. When that succeeds and the record passes what the checks ask beyond its types
//! (`model_passes`, `plan_passes`: ids, titles and the locality name not blank, a recognition year the
//! checks take; and no object that serde could take for a coded value, `may_hold_coded_object`), the checks
//! would accept it as it is, and it is normalised by the same code (`normalise`). Any other record (a wrong
//! type, a null where the type wants a value, a whole float, a key given twice, …) is parsed to a `Value`
//! and read by the reference reader, so its outcome and error are the reference's. A file that is refused,
//! that has `models` or `plans` twice, or with a record that is not JSON at all (a number out of range or a
//! lone surrogate, which skipping over does not notice) is handed whole to the reference reader.
//!
//! The tests compare the two readers on generated hostile files, on the fuzz corpus, and field by field on
//! records with every field set. serde_json's `raw_value` feature is deliberately not used for the record
//! spans: it changes every `Value` parse, reading an object whose first key is
//! `$serde_json::private::RawValue` as the JSON text it holds, so such an unknown field would not come
//! in as written.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::check::{read_model, read_plan};
use super::errors::{Check, FileError, RecordProblem};
use super::file::FORMAT;
use super::normalise::{normalise_model, normalise_plan};
use super::outcome::{check_version, file_meta, outcome, value_id, ReadOne, ReadOutcome};
use crate::domain::fold::nfc;
use crate::domain::model::{
    Contributions, Evaluation, LocalityRef, Milestone, Model, Period, Plan, PlanScope, Recognition, Target,
};
use crate::domain::record::Record;

/// An array that is the value of a member of the top-level object: which member (0-based, in the file's
/// order) and the span of each of its elements in the text.
pub(super) struct TopList {
    pub(super) member: usize,
    pub(super) items: Vec<std::ops::Range<usize>>,
}

/// The bytes `scan` looks at outside strings.
const STRUCTURAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 7 {
        t[b"\"[]{},:"[i] as usize] = true;
        i += 1;
    }
    t
};

/// JSON white space.
fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

/// `check_depth`, in the same one pass, also noting the elements of every array that is the value of a
/// top-level member (the spans are only meaningful once the text is known to be JSON). Strings are skipped
/// with `memchr`, as `check_depth` skips them (an escape takes the byte after it, whatever it is); outside
/// them only the bytes of `STRUCTURAL` are looked at.
pub(super) fn scan(text: &str, limit: usize) -> Result<Vec<TopList>, FileError> {
    let b = text.as_bytes();
    let mut lists: Vec<TopList> = Vec::new();
    let mut depth = 0usize;
    // `:` at depth 1: one per member of the top-level object, so the member being read is `colons - 1`
    let mut colons = 0usize;
    // inside the array of a top-level member (at depth 2), and where its current element begins
    let mut in_list = false;
    let mut start = 0usize;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        i += 1;
        if !STRUCTURAL[c as usize] {
            continue;
        }
        match c {
            b'"' => loop {
                match memchr::memchr2(b'"', b'\\', b.get(i..).unwrap_or_default()) {
                    None => return Ok(lists),
                    Some(k) if b[i + k] == b'\\' => i += k + 2,
                    Some(k) => {
                        i += k + 1;
                        break;
                    }
                }
            },
            b'[' | b'{' => {
                if depth == 1 && c == b'[' {
                    in_list = true;
                    lists.push(TopList { member: colons.wrapping_sub(1), items: Vec::new() });
                    start = after_ws(b, i);
                }
                depth += 1;
                if depth > limit {
                    return Err(FileError::TooDeep { limit });
                }
            }
            b']' | b'}' => {
                if in_list && depth == 2 {
                    end_item(b, start, i - 1, &mut lists);
                    in_list = false;
                }
                depth = depth.saturating_sub(1);
            }
            b',' if in_list && depth == 2 => {
                end_item(b, start, i - 1, &mut lists);
                start = after_ws(b, i);
            }
            b':' if depth == 1 => colons += 1,
            _ => {}
        }
    }
    Ok(lists)
}

/// The first byte at or after `i` that is not white space.
fn after_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_ws(b[i]) {
        i += 1;
    }
    i
}

/// The element of the last list that begins at `start` ends before `end` and its white space (none: `[]`).
fn end_item(b: &[u8], start: usize, mut end: usize, lists: &mut [TopList]) {
    while end > start && is_ws(b[end - 1]) {
        end -= 1;
    }
    if let (true, Some(list)) = (end > start, lists.last_mut()) {
        list.items.push(start..end);
    }
}

/// The top level of a file, the two lists only skipped over (their records are read one by one).
struct Top {
    /// Every member but `models` and `plans`, as `Value` parsing keeps them (a repeated key: the last
    /// value, at the first place).
    members: Map<String, Value>,
    /// `models` and `plans`: which member each is, and how many records it holds.
    models: Option<(usize, usize)>,
    plans: Option<(usize, usize)>,
    /// `models` or `plans` came twice. The earlier list was only skipped over, and skipping does not look
    /// inside numbers and escapes as parsing does (`1e400`, a lone surrogate), so such a file is handed over.
    repeated: bool,
}

/// How many elements a JSON array has (its elements are skipped, not parsed into anything).
struct Count(usize);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Count;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Count, A::Error> {
                let mut n = 0;
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                    n += 1;
                }
                Ok(Count(n))
            }
        }
        d.deserialize_seq(V)
    }
}

impl<'de> Deserialize<'de> for Top {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Top;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
                let mut top = Top { members: Map::new(), models: None, plans: None, repeated: false };
                let mut member = 0;
                while let Some(key) = map.next_key::<String>()? {
                    let list = match key.as_str() {
                        "models" => Some(&mut top.models),
                        "plans" => Some(&mut top.plans),
                        _ => None,
                    };
                    match list {
                        Some(list) => {
                            top.repeated |= list.is_some();
                            *list = Some((member, map.next_value::<Count>()?.0));
                        }
                        None => {
                            top.members.insert(key, map.next_value()?);
                        }
                    }
                    member += 1;
                }
                Ok(top)
            }
        }
        d.deserialize_map(V)
    }
}

/// The fast reader's work on one file once its top level is read: the records' spans, and those read so
/// far (`read_some` reads a few at a time, so the app can yield to input in between).
pub(super) struct FastRead {
    members: Map<String, Value>,
    version: String,
    models: Vec<std::ops::Range<usize>>,
    plans: Vec<std::ops::Range<usize>>,
    read_models: Vec<ReadOne<Model>>,
    read_plans: Vec<ReadOne<Plan>>,
}

/// The fast reader's start; `None` hands the file to the reference reader: when it is refused (whatever
/// the reason, the reference reader names it), when `models` or `plans` comes twice, or when a list is not
/// where the scan saw it.
pub(super) fn begin_fast(text: &str, mut lists: Vec<TopList>) -> Option<FastRead> {
    let Top { members, models, plans, repeated } = serde_json::from_str(text).ok()?;
    if repeated || !matches!(members.get("format"), Some(Value::String(f)) if f == FORMAT) {
        return None;
    }
    let version = check_version(members.get("version")).ok()?;
    let mut items = |(member, len): (usize, usize)| {
        let list = lists.swap_remove(lists.iter().position(|l| l.member == member)?);
        (list.items.len() == len).then_some(list.items)
    };
    let models = items(models?)?;
    let plans = items(plans?)?;
    Some(FastRead { members, version, read_models: Vec::with_capacity(models.len()), read_plans: Vec::with_capacity(plans.len()), models, plans })
}

impl FastRead {
    /// Records read, of how many.
    pub(super) fn progress(&self) -> (usize, usize) {
        (self.read_models.len() + self.read_plans.len(), self.models.len() + self.plans.len())
    }

    /// Reads up to `n` more records of `text` (the file `begin_fast` was given): `Some(true)` once every
    /// one is read, `None` when a record is not JSON (the file then goes to the reference reader).
    pub(super) fn read_some(&mut self, text: &str, mut n: usize) -> Option<bool> {
        while n > 0 && self.read_models.len() < self.models.len() {
            let span = self.models[self.read_models.len()].clone();
            self.read_models.push(model_from_text(&text[span])?);
            n -= 1;
        }
        while n > 0 && self.read_plans.len() < self.plans.len() {
            let span = self.plans[self.read_plans.len()].clone();
            self.read_plans.push(plan_from_text(&text[span])?);
            n -= 1;
        }
        Some(self.read_models.len() == self.models.len() && self.read_plans.len() == self.plans.len())
    }

    /// What the file gives, once `read_some` has read every record.
    pub(super) fn finish(self) -> ReadOutcome {
        outcome(file_meta(self.members, self.version), self.read_models, self.read_plans)
    }
}

fn model_from_text(text: &str) -> Option<ReadOne<Model>> {
    from_text(text, model_passes, normalise_model, read_model)
}

fn plan_from_text(text: &str) -> Option<ReadOne<Plan>> {
    from_text(text, plan_passes, normalise_plan, read_plan)
}

/// One record from its JSON text: read straight into its type when that gives what the reference reader gives
/// (serde reads it, and it passes what the checks ask beyond the types: the checks would accept it and
/// change nothing serde does not do itself), else by the reference reader on its JSON value. `None` when the
/// text is not JSON: the file is then handed to the reference reader, which refuses it.
fn from_text<T: Record + serde::de::DeserializeOwned>(
    text: &str,
    passes: fn(&T) -> bool,
    normalise: fn(&mut T) -> Check,
    read_value: fn(Value) -> Result<T, RecordProblem>,
) -> Option<ReadOne<T>> {
    if let Ok(mut rec) = serde_json::from_str::<T>(text) {
        if passes(&rec) && !may_hold_coded_object(text) {
            return Some(match normalise(&mut rec) {
                Ok(()) => Ok(rec),
                // `nfc` of the id read (NFC is idempotent): what `value_id` gives for this record
                Err(reason) => Err((Some(nfc(rec.record_id())).filter(|s| !s.is_empty()), reason)),
            });
        }
    }
    let v: Value = serde_json::from_str(text).ok()?;
    let id = value_id(&v);
    Some(read_value(v).map_err(|reason| (id, reason)))
}

/// Text that is not blank, as `non_empty_text` asks.
fn filled(s: &str) -> bool {
    !s.trim().is_empty()
}

/// What `check_model` asks of a model beyond its types (the types refuse a wrong JSON type, a null where a
/// value is needed, a float where a whole number is, an unknown code, a bad date or time, a number out of
/// its type's range, a missing required field, a key given twice). Every field is named, without `..`: a
/// field added to `Model` does not compile here until this says what the checks ask of it beyond its type.
fn model_passes(m: &Model) -> bool {
    let Model {
        id,
        title,
        field: _,
        locality: LocalityRef { code: _, name, village: _, extra: _ },
        lead: _,
        lead_organization: _,
        ethnic_minority_area: _,
        status: _,
        started_on: _,
        participants: _,
        beneficiary_households: _,
        contributions: Contributions { money_vnd: _, work_days: _, land_m2: _, extra: _ },
        description: _,
        tags: _,
        recognition,
        evaluations,
        milestones,
        created_at: _,
        updated_at: _,
        updated_by: _,
        deleted_at: _,
        extra: _,
    } = m;
    filled(id)
        && filled(title)
        && filled(name)
        && recognition.as_ref().is_none_or(recognition_passes)
        && evaluations.iter().all(evaluation_passes)
        && milestones.iter().all(milestone_passes)
}

fn recognition_passes(r: &Recognition) -> bool {
    let Recognition { level: _, year, extra: _ } = r;
    // `whole_in(1, 9999)` lets 0 through (written as a whole number, not as a float)
    year.is_none_or(|y| (0..=9999).contains(&y))
}

fn evaluation_passes(e: &Evaluation) -> bool {
    let Evaluation {
        id,
        date: _,
        by: _,
        rating: _,
        close_to_needs: _,
        consensus: _,
        notes: _,
        recorded_at: _,
        extra: _,
    } = e;
    filled(id)
}

fn milestone_passes(m: &Milestone) -> bool {
    let Milestone { id, title: _, due: _, done_on: _, notes: _, extra: _ } = m;
    filled(id)
}

/// What `check_plan` asks of a plan beyond its types; every field named, as in `model_passes`.
fn plan_passes(p: &Plan) -> bool {
    let Plan {
        id,
        title,
        period,
        scope: PlanScope { locality_codes: _, fields: _, ethnic_minority_only: _, extra: _ },
        targets,
        milestones,
        created_at: _,
        updated_at: _,
        updated_by: _,
        deleted_at: _,
        extra: _,
    } = p;
    filled(id)
        && filled(title)
        && period.as_ref().is_none_or(period_passes)
        && targets.iter().all(target_passes)
        && milestones.iter().all(milestone_passes)
}

/// Nothing beyond its types (two real dates); named so that a new field is decided here.
fn period_passes(p: &Period) -> bool {
    let Period { from: _, to: _, extra: _ } = p;
    true
}

/// Nothing beyond its types: the checks want a finite number, and JSON text holds no other.
fn target_passes(t: &Target) -> bool {
    let Target { metric: _, value: _, extra: _ } = t;
    true
}

/// Might the record's text hold an object of one member whose value is null and whose key could be a code
/// (`{"active": null}`)? serde reads that as the coded value `active` (the map form of an enum variant),
/// where `code` wants text. Any such object, anywhere (unknown fields included; even inside a string, which
/// only costs the fast reader), sends the record to the reference reader. A code's key, even written with
/// escapes, is only ASCII letters, digits, `_` and `\`. Linear: each byte is looked at for one `null` only.
fn may_hold_coded_object(text: &str) -> bool {
    let b = text.as_bytes();
    let before_ws = |mut k: usize| {
        while k > 0 && is_ws(b[k - 1]) {
            k -= 1;
        }
        k
    };
    memchr::memmem::find_iter(b, b"null").any(|at| {
        if b.get(after_ws(b, at + 4)) != Some(&b'}') {
            return false;
        }
        // back over `"key" :` to the key's opening quote
        let k = before_ws(at);
        if k == 0 || b[k - 1] != b':' {
            return false;
        }
        let k = before_ws(k - 1);
        if k == 0 || b[k - 1] != b'"' {
            return false;
        }
        let mut q = k - 1;
        while q > 0 && (b[q - 1].is_ascii_alphanumeric() || matches!(b[q - 1], b'_' | b'\\')) {
            q -= 1;
        }
        // `q - 1` is the opening quote (or an escaped quote, in a key that is no code): first in an object?
        if q == 0 || b[q - 1] != b'"' {
            return false;
        }
        let q = before_ws(q - 1);
        q > 0 && b[q - 1] == b'{'
    })
}

#[cfg(test)]
mod tests {
    use super::super::file::{write, MAX_DEPTH};
    use super::*;
    use crate::domain::time::Timestamp;

    /// The spans `scan` finds for the top-level lists, as text.
    fn lists_of(text: &str) -> Vec<(usize, Vec<&str>)> {
        let lists = scan(text, MAX_DEPTH).unwrap();
        lists.iter().map(|l| (l.member, l.items.iter().map(|r| &text[r.clone()]).collect())).collect()
    }

    #[test]
    fn the_scan_finds_each_element_of_the_top_level_lists() {
        let text = r#"{"format":"x", "a" : { "b": [1, 2] },
            "models": [ {"id":"a]},[{"} , "s\"],", -0.5e3 ,null,[[1],{}],
            {"x":"\\"}	],"plans":[],"c":[ 7 ], "d": "[", "e":[{}]}"#;
        assert_eq!(
            lists_of(text),
            vec![
                (2, vec![r#"{"id":"a]},[{"}"#, r#""s\"],""#, "-0.5e3", "null", "[[1],{}]", r#"{"x":"\\"}"#]),
                (3, vec![]),
                (4, vec!["7"]),
                (6, vec!["{}"]),
            ]
        );
        // every element is the JSON serde sees there
        let v: Value = serde_json::from_str(text).unwrap();
        for (member, items) in lists_of(text) {
            let (_, list) = v.as_object().unwrap().iter().nth(member).unwrap();
            let parsed: Vec<Value> = items.iter().map(|t| serde_json::from_str(t).unwrap()).collect();
            assert_eq!(&Value::Array(parsed), list);
        }
        // a top level that is a list has no members
        assert!(lists_of("[[1,2],[3]]").iter().all(|(member, _)| *member == usize::MAX));
    }

    #[test]
    fn objects_like_a_coded_value_are_seen() {
        for text in [
            r#"{"field":{"economic":null}}"#,
            "{\"field\": {\n \"economic\" :\tnull\r\n}}",
            r#"{"field":{"\u0065conomic":null}}"#,
            r#"{"x":[{"a_1":null}]}"#,
            r#"{"x":{"a\\":null}}"#,
            r#"{"a\":null}": 1}"#, // inside a string: seen too (that only costs the fast reader)
        ] {
            assert!(may_hold_coded_object(text), "{text}");
        }
        for text in [
            r#"{"field":"economic","deleted_at":null}"#,
            r#"{"a":1,"b":null}"#,
            r#"{"a":[null]}"#,
            r#"{"a":"null}"}"#,
            "null",
            r#"{"x":"null"}"#,
            r#"{"a b":null}"#,
            r#"{"a\"b":null}"#,
            r#"{"\\\\\"":null}"#,
            r#"{"{\"a\": null}": 1}"#,
        ] {
            assert!(!may_hold_coded_object(text), "{text}");
        }
    }

    #[test]
    fn every_record_of_a_written_file_takes_the_fast_path() {
        let now = Timestamp::parse("2026-11-29T08:00:00Z").unwrap();
        let models = crate::domain::demo::province_demo(7, now, "dev");
        let text = write(&models, &[] as &[Plan], now, None);
        let lists = scan(&text, MAX_DEPTH).unwrap();
        let Top { models: Some((member, len)), .. } = serde_json::from_str::<Top>(&text).unwrap() else { panic!() };
        let list = lists.iter().find(|l| l.member == member).unwrap();
        assert_eq!((list.items.len(), len), (models.len(), models.len()));
        for r in &list.items {
            let t = &text[r.clone()];
            let m: Model = serde_json::from_str(t).unwrap();
            assert!(model_passes(&m) && !may_hold_coded_object(t), "{t}");
        }
    }
}
