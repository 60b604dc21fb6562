//! The records of the registry (sổ mô hình): a `Model` (mô hình "Dân vận khéo"), its `Evaluation`s
//! (đánh giá), `Milestone`s (mốc), and a `Plan` (kế hoạch / lộ trình), with the coded values of SPEC §3–4.
//!
//! These types are exactly the shape of the exchange file (SPEC §4): serde reads and writes them. Every
//! struct keeps the fields it does not know in `extra`, so a file written by a newer version of the app
//! round-trips untouched.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::per_code::{Coded, PerCode};
use super::time::{Date, Timestamp};

/// Unknown fields of a record, kept as they came and written back on export.
pub type Extra = Map<String, Value>;

/// The field that marks a model as sample data (see `Model::is_sample`).
pub const SAMPLE_KEY: &str = "sample";

macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $code)] $variant),+
        }
        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// How many values there are.
            pub const COUNT: usize = $name::ALL.len();
            /// The value's position in `ALL` (and in a `PerCode`): the variants are declared in `ALL`'s order.
            pub const fn index(self) -> usize {
                self as usize
            }
            /// The code written in files and URLs.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            /// The value for a code, if the code is known.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }
        impl Coded for $name {
            const ALL: &'static [$name] = $name::ALL;
            fn index(self) -> usize {
                $name::index(self)
            }
        }
    };
}

coded_enum!(
    /// Lĩnh vực: the four fields of the movement.
    Field {
        Economic = "economic",
        CulturalSocial = "cultural_social",
        DefenseSecurity = "defense_security",
        PoliticalSystem = "political_system",
    }
);

coded_enum!(
    /// Tình trạng: where a model is in its life.
    Status { Planned = "planned", Active = "active", Completed = "completed", Stopped = "stopped" }
);

coded_enum!(
    /// Cơ quan chủ trì: the organisation that leads a model.
    LeadOrganization {
        FatherlandFront = "fatherland_front",
        FarmersAssociation = "farmers_association",
        WomensUnion = "womens_union",
        YouthUnion = "youth_union",
        VeteransAssociation = "veterans_association",
        CommunePolice = "commune_police",
        MilitaryCommand = "military_command",
        LocalGovernment = "local_government",
        PartyCell = "party_cell",
        Other = "other",
    }
);

coded_enum!(
    /// Cấp công nhận: the level that recognised a model.
    RecognitionLevel { Commune = "commune", District = "district", Province = "province", National = "national" }
);

coded_enum!(
    /// Mức đánh giá: how effective a working group found a model.
    Rating {
        VeryEffective = "very_effective",
        Effective = "effective",
        Limited = "limited",
        NotEffective = "not_effective",
    }
);

coded_enum!(
    /// Mức đồng thuận: how far people agree with a model.
    Consensus { High = "high", Medium = "medium", Low = "low" }
);

coded_enum!(
    /// What a plan target measures (SPEC §4).
    TargetMetric { NewModels = "new_models", EvaluatedShare = "evaluated_share", EffectiveShare = "effective_share" }
);

/// A value for each field, in `Field::ALL` order: `by_field[Field::Economic]`.
pub type PerField<T> = PerCode<Field, T, { Field::COUNT }>;
/// A value for each status, in `Status::ALL` order.
pub type PerStatus<T> = PerCode<Status, T, { Status::COUNT }>;
/// A value for each rating, in `Rating::ALL` order.
pub type PerRating<T> = PerCode<Rating, T, { Rating::COUNT }>;

impl Rating {
    /// Effective or better: what the "effective share" counts.
    pub fn is_effective(self) -> bool {
        matches!(self, Rating::VeryEffective | Rating::Effective)
    }
}

/// Địa bàn: where a model is. `code` is a GSO code of either shipped structure, or none for a unit
/// outside them; `name` is always kept as written, so a record naming a pre-2025 unit keeps its name.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LocalityRef {
    #[serde(default)]
    pub code: Option<u32>,
    pub name: String,
    /// Thôn / bản / tổ dân phố, below the commune.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub village: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Đóng góp huy động: what the people contributed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Contributions {
    #[serde(default)]
    pub money_vnd: Option<u64>,
    #[serde(default)]
    pub work_days: Option<u64>,
    #[serde(default)]
    pub land_m2: Option<u64>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Công nhận: which level recognised the model, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recognition {
    pub level: RecognitionLevel,
    #[serde(default)]
    pub year: Option<i32>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Đánh giá: one working group's judgement of a model on one visit. Only ever added, never edited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub id: String,
    pub date: Date,
    #[serde(default)]
    pub by: String,
    pub rating: Rating,
    #[serde(default)]
    pub close_to_needs: Option<bool>,
    #[serde(default)]
    pub consensus: Option<Consensus>,
    #[serde(default)]
    pub notes: String,
    /// The moment it was saved (UTC), so a same-day correction stays the latest everywhere. Absent in
    /// older files: such an evaluation sorts before one that has it on the same date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_at: Option<Timestamp>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Evaluation {
    /// The order of evaluations (SPEC §3): by date, then recorded at (absent first), then id. The latest is
    /// the greatest, the same on every device whatever order the records arrived in.
    pub fn order_key(&self) -> (Date, Option<Timestamp>, &str) {
        (self.date, self.recorded_at, &self.id)
    }
}

/// Mốc: a step with a due date, on a model or a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub due: Option<Date>,
    #[serde(default)]
    pub done_on: Option<Date>,
    #[serde(default)]
    pub notes: String,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Mô hình "Dân vận khéo": one registered model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub id: String,
    pub title: String,
    pub field: Field,
    pub locality: LocalityRef,
    #[serde(default)]
    pub lead: String,
    #[serde(default)]
    pub lead_organization: Option<LeadOrganization>,
    #[serde(default)]
    pub ethnic_minority_area: bool,
    #[serde(default)]
    pub status: Option<Status>,
    #[serde(default)]
    pub started_on: Option<Date>,
    #[serde(default)]
    pub participants: Option<u32>,
    #[serde(default)]
    pub beneficiary_households: Option<u32>,
    #[serde(default)]
    pub contributions: Contributions,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub recognition: Option<Recognition>,
    #[serde(default)]
    pub evaluations: Vec<Evaluation>,
    #[serde(default)]
    pub milestones: Vec<Milestone>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[serde(default)]
    pub updated_by: String,
    #[serde(default)]
    pub deleted_at: Option<Timestamp>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Model {
    /// A new, empty model made on this device.
    pub fn new(id: String, now: Timestamp, by: &str) -> Model {
        Model {
            id,
            title: String::new(),
            field: Field::Economic,
            locality: LocalityRef::default(),
            lead: String::new(),
            lead_organization: None,
            ethnic_minority_area: false,
            status: Some(Status::Active),
            started_on: None,
            participants: None,
            beneficiary_households: None,
            contributions: Contributions::default(),
            description: String::new(),
            tags: Vec::new(),
            recognition: None,
            evaluations: Vec::new(),
            milestones: Vec::new(),
            created_at: now,
            updated_at: now,
            updated_by: by.to_string(),
            deleted_at: None,
            extra: Extra::new(),
        }
    }

    /// A tombstone (deleted record kept so the deletion travels) is not shown.
    pub fn is_deleted(&self) -> bool {
        self.deleted_at.is_some()
    }

    /// Is this sample data (the article's examples or the demo city), shown as such and removable in one
    /// step? The mark is the unknown field `"sample": true`, which every version keeps and exports as it is.
    pub fn is_sample(&self) -> bool {
        self.extra.get(SAMPLE_KEY) == Some(&Value::Bool(true))
    }

    /// Marks this model as sample data.
    pub fn mark_sample(&mut self) {
        self.extra.insert(SAMPLE_KEY.into(), Value::Bool(true));
    }

    /// The latest evaluation (the greatest `Evaluation::order_key`), which gives the current rating.
    pub fn latest_evaluation(&self) -> Option<&Evaluation> {
        self.latest_evaluation_as_of(None)
    }

    /// The latest evaluation dated on or before `as_of` (all of them for `None`).
    pub fn latest_evaluation_as_of(&self, as_of: Option<Date>) -> Option<&Evaluation> {
        self.evaluations
            .iter()
            .filter(|e| as_of.is_none_or(|d| e.date <= d))
            .max_by(|a, b| a.order_key().cmp(&b.order_key()))
    }

    /// The current rating: that of the latest evaluation.
    pub fn current_rating(&self) -> Option<Rating> {
        self.latest_evaluation().map(|e| e.rating)
    }

    /// The year the model started, if known.
    pub fn start_year(&self) -> Option<i32> {
        self.started_on.map(|d| d.year())
    }
}

/// The period a plan covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Period {
    pub from: Date,
    pub to: Date,
    #[serde(flatten)]
    pub extra: Extra,
}

/// What a plan covers: localities (either structure, with everything under them), fields, and whether
/// only ethnic-minority areas count. Empty lists mean "all".
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PlanScope {
    #[serde(default)]
    pub locality_codes: Vec<u32>,
    #[serde(default)]
    pub fields: Vec<Field>,
    #[serde(default)]
    pub ethnic_minority_only: bool,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Chỉ tiêu: one target of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub metric: TargetMetric,
    pub value: f64,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Kế hoạch / lộ trình: a roadmap with a scope, targets and milestones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub period: Option<Period>,
    #[serde(default)]
    pub scope: PlanScope,
    #[serde(default)]
    pub targets: Vec<Target>,
    #[serde(default)]
    pub milestones: Vec<Milestone>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[serde(default)]
    pub updated_by: String,
    #[serde(default)]
    pub deleted_at: Option<Timestamp>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Plan {
    /// A new, empty plan made on this device: no period, scope (the whole province), targets or
    /// milestones.
    pub fn new(id: String, now: Timestamp, by: &str) -> Plan {
        Plan {
            id,
            title: String::new(),
            period: None,
            scope: PlanScope::default(),
            targets: Vec::new(),
            milestones: Vec::new(),
            created_at: now,
            updated_at: now,
            updated_by: by.to_string(),
            deleted_at: None,
            extra: Extra::new(),
        }
    }

    pub fn is_deleted(&self) -> bool {
        self.deleted_at.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::test_support::{ev, ts};

    #[test]
    fn codes_round_trip_and_unknown_codes_are_refused() {
        for f in Field::ALL {
            assert_eq!(Field::from_code(f.code()), Some(*f));
        }
        assert_eq!(Field::from_code("economy"), None);
        assert_eq!(LeadOrganization::ALL.len(), 10);
        assert_eq!(serde_json::to_string(&Rating::VeryEffective).unwrap(), "\"very_effective\"");
    }

    #[test]
    fn each_value_indexes_its_place_in_all() {
        fn check<E: Coded + PartialEq + std::fmt::Debug>() {
            assert_eq!(E::COUNT, E::ALL.len());
            for (i, v) in E::ALL.iter().enumerate() {
                assert_eq!(v.index(), i, "{v:?}");
            }
        }
        check::<Field>();
        check::<Status>();
        check::<LeadOrganization>();
        check::<RecognitionLevel>();
        check::<Rating>();
        check::<Consensus>();
        check::<TargetMetric>();
    }

    #[test]
    fn latest_evaluation_is_by_date_then_recorded_at_then_id() {
        let mut m = Model::new("a".into(), ts("2024-01-01T00:00:00Z"), "dev");
        assert_eq!(m.current_rating(), None);
        m.evaluations.push(ev("2", "2024-05-01", Rating::Limited));
        m.evaluations.push(ev("1", "2024-03-01", Rating::Effective));
        assert_eq!(m.current_rating(), Some(Rating::Limited));
        // a same-day correction recorded later wins, whatever its id and position
        let mut fix = ev("0", "2024-05-01", Rating::VeryEffective);
        fix.recorded_at = Some(ts("2024-05-01T10:00:00Z"));
        m.evaluations.insert(0, fix);
        assert_eq!(m.current_rating(), Some(Rating::VeryEffective));
        let mut earlier = ev("9", "2024-05-01", Rating::NotEffective);
        earlier.recorded_at = Some(ts("2024-05-01T09:00:00Z"));
        m.evaluations.push(earlier);
        assert_eq!(m.current_rating(), Some(Rating::VeryEffective), "recorded earlier, though its id is greater");
        // without recorded_at on either: the greater id
        m.evaluations = vec![ev("b", "2024-06-01", Rating::Limited), ev("a", "2024-06-01", Rating::Effective)];
        assert_eq!(m.current_rating(), Some(Rating::Limited));
        m.evaluations.reverse();
        assert_eq!(m.current_rating(), Some(Rating::Limited), "position does not matter");
    }

    #[test]
    fn unknown_fields_survive_a_round_trip() {
        let json = r#"{"id":"x","title":"T","field":"economic","locality":{"name":"Xã A Roàng","code":20095,"gps":[1,2]},
            "created_at":"2023-05-02T01:00:00Z","updated_at":"2023-05-02T01:00:00Z","future_field":{"a":1}}"#;
        let m: Model = serde_json::from_str(json).unwrap();
        assert_eq!(m.extra.get("future_field"), Some(&serde_json::json!({"a":1})));
        let back = serde_json::to_value(&m).unwrap();
        assert_eq!(back["future_field"], serde_json::json!({"a":1}));
        assert_eq!(back["locality"]["gps"], serde_json::json!([1, 2]));
    }
}
