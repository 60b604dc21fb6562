//! So sánh hai phiên bản: which parts of a model differ between two versions of it (the one kept and one
//! set aside by a merge), so the conflicts view shows only what differs; and who made a version, by the
//! officer's name rather than the device id. Every field of `Model` is named here (a new field is a
//! compile error until it is compared).

use super::model::Model;

/// A part of a model an officer compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelPart {
    Title,
    Field,
    Locality,
    Lead,
    LeadOrganization,
    EthnicArea,
    Status,
    StartedOn,
    Participants,
    Households,
    Contributions,
    Description,
    Tags,
    Recognition,
    Evaluations,
    Milestones,
    /// One version is deleted and the other is not.
    Deleted,
    /// Fields from a newer version of the app.
    Other,
}

/// The parts in which `a` and `b` differ, in the order of the model's page.
pub fn differing_parts(a: &Model, b: &Model) -> Vec<ModelPart> {
    // Every field named: the bookkeeping ones (id, times, author) are not what the officer compares.
    let Model {
        id: _,
        title,
        field,
        locality,
        lead,
        lead_organization,
        ethnic_minority_area,
        status,
        started_on,
        participants,
        beneficiary_households,
        contributions,
        description,
        tags,
        recognition,
        evaluations: _,
        milestones,
        created_at: _,
        updated_at: _,
        updated_by: _,
        deleted_at,
        extra,
    } = a;
    // evaluations are only ever added: two versions differ in them when their sets of ids do
    fn eval_ids(m: &Model) -> Vec<&str> {
        let mut v: Vec<&str> = m.evaluations.iter().map(|e| e.id.as_str()).collect();
        v.sort_unstable();
        v
    }
    let checks = [
        (ModelPart::Title, *title != b.title),
        (ModelPart::Field, *field != b.field),
        (ModelPart::Locality, *locality != b.locality),
        (ModelPart::Lead, *lead != b.lead),
        (ModelPart::LeadOrganization, *lead_organization != b.lead_organization),
        (ModelPart::EthnicArea, *ethnic_minority_area != b.ethnic_minority_area),
        (ModelPart::Status, *status != b.status),
        (ModelPart::StartedOn, *started_on != b.started_on),
        (ModelPart::Participants, *participants != b.participants),
        (ModelPart::Households, *beneficiary_households != b.beneficiary_households),
        (ModelPart::Contributions, *contributions != b.contributions),
        (ModelPart::Description, *description != b.description),
        (ModelPart::Tags, *tags != b.tags),
        (ModelPart::Recognition, *recognition != b.recognition),
        (ModelPart::Evaluations, eval_ids(a) != eval_ids(b)),
        (ModelPart::Milestones, *milestones != b.milestones),
        (ModelPart::Deleted, deleted_at.is_some() != b.deleted_at.is_some()),
        (ModelPart::Other, *extra != b.extra),
    ];
    checks.into_iter().filter(|(_, differs)| *differs).map(|(part, _)| part).collect()
}

/// The officer's name in an `updated_by` stamp ("Hồ Thị Lan (3f2a…)" gives "Hồ Thị Lan"); None when the
/// stamp is only a device id (the officer had not given a name).
pub fn author_name(updated_by: &str) -> Option<&str> {
    let s = updated_by.trim();
    let name = match s.rfind(" (") {
        Some(at) if s.ends_with(')') => &s[..at],
        _ if looks_like_device_id(s) => return None,
        _ => s,
    };
    let name = name.trim();
    (!name.is_empty()).then_some(name)
}

/// The short device id in an `updated_by` stamp (its first 8 characters), to tell nameless devices apart.
pub fn device_of(updated_by: &str) -> &str {
    let s = updated_by.trim();
    let id = match s.rfind(" (") {
        Some(at) if s.ends_with(')') => &s[at + 2..s.len() - 1],
        _ => s,
    };
    id.get(..8).unwrap_or(id)
}

fn looks_like_device_id(s: &str) -> bool {
    s.len() >= 8 && !s.contains(' ') && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{Rating, Status};
    use crate::domain::test_support::{ev, model, ts};

    fn m() -> Model {
        model("m", "")
    }

    #[test]
    fn only_the_parts_that_differ_are_named() {
        let a = m();
        let mut b = m();
        assert!(differing_parts(&a, &b).is_empty());
        b.updated_at = ts("2026-02-01T00:00:00Z");
        b.updated_by = "other".into();
        assert!(differing_parts(&a, &b).is_empty(), "bookkeeping is not a difference");
        b.title = "Khác".into();
        b.status = Some(Status::Stopped);
        b.deleted_at = Some(b.updated_at);
        assert_eq!(differing_parts(&a, &b), vec![ModelPart::Title, ModelPart::Status, ModelPart::Deleted]);
        let mut c = m();
        c.evaluations.push(ev("e", "2026-01-02", Rating::Effective));
        c.extra.insert("from_a_newer_app".into(), serde_json::Value::Bool(true));
        assert_eq!(differing_parts(&a, &c), vec![ModelPart::Evaluations, ModelPart::Other]);
    }

    #[test]
    fn authors_are_named_by_the_officer_not_the_device() {
        assert_eq!(author_name("Hồ Thị Lan (3f2a9c1e-0000-4000-8000-000000000000)"), Some("Hồ Thị Lan"));
        assert_eq!(author_name("3f2a9c1e-0000-4000-8000-000000000000"), None);
        assert_eq!(author_name("Đoàn công tác xã"), Some("Đoàn công tác xã"));
        assert_eq!(author_name(""), None);
        assert_eq!(device_of("Hồ Thị Lan (3f2a9c1e-0000-4000-8000-000000000000)"), "3f2a9c1e");
        assert_eq!(device_of("3f2a9c1e-0000-4000-8000-000000000000"), "3f2a9c1e");
    }
}
