//! Địa bàn: the official administrative units of Huế shipped with the app, and how a record's locality is
//! placed under a current unit.
//!
//! Two structures ship (see `data/README.md`, facts from the GSO codes): the current two-level one
//! (2025-07: province → 40 communes/wards) and the one before the 2025 reorganisation (2025-01: province →
//! 9 districts → 134 communes), with the map from each old commune to the current one that absorbed it.
//! A record keeps the locality name it was written with; for filters and statistics it counts under its
//! current commune ("Xã A Roàng" counts under "Xã A Lưới 4").

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use serde::Deserialize;

use super::fold::fold;
use super::validate::FieldProblem;
use super::model::LocalityRef;

/// The province's GSO code (Thành phố Huế).
pub const PROVINCE_CODE: u32 = 46;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Province,
    District,
    Commune,
}

/// Which official structure a unit belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Structure {
    /// From 2025-07-01: province → communes/wards.
    Current,
    /// 2025-01-01 to 2025-06-30: province → districts → communes.
    Before2025July,
}

/// One official unit.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Unit {
    pub code: u32,
    pub name: String,
    pub kind: String,
    pub parent: Option<u32>,
    pub level: Level,
    #[serde(skip, default = "current")]
    pub structure: Structure,
}

fn current() -> Structure {
    Structure::Current
}

#[derive(Deserialize)]
struct UnitsFile {
    units: Vec<Unit>,
}

#[derive(Deserialize)]
struct Successor {
    old_code: u32,
    new_code: u32,
}

#[derive(Deserialize)]
struct SuccessorsFile {
    successors: Vec<Successor>,
}

/// Where a record's locality counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, Deserialize)]
pub enum Placement {
    /// A current commune or ward (code of the 2025-07 structure).
    Commune(u32),
    /// The province as a whole (a province-level model).
    Province,
    /// Not placed in the official units (a unit the lists do not hold); it still counts in the totals.
    Unplaced,
}

/// The shipped locality tree, with indexes for look-ups.
#[derive(Debug)]
pub struct Localities {
    current: Vec<Unit>,
    old: Vec<Unit>,
    successor: HashMap<u32, u32>,
    current_by_code: HashMap<u32, usize>,
    old_by_code: HashMap<u32, usize>,
    /// folded name (with and without the kind word) → (structure, index)
    by_name: HashMap<String, Vec<(Structure, usize)>>,
}

const KIND_WORDS: &[&str] = &["xa ", "phuong ", "thi tran ", "huyen ", "quan ", "thi xa ", "thanh pho "];

/// The folded name without its leading kind word ("Xã A Roàng" → "a roang").
fn bare_name(name: &str) -> String {
    let f = fold(name);
    for k in KIND_WORDS {
        if let Some(rest) = f.strip_prefix(k) {
            return rest.to_string();
        }
    }
    f
}

impl Localities {
    /// The units shipped with the app (parsed once).
    pub fn builtin() -> &'static Localities {
        static CELL: OnceLock<Localities> = OnceLock::new();
        CELL.get_or_init(|| {
            Localities::from_json(
                include_str!("data/hue-localities-2025-07.json"),
                include_str!("data/hue-localities-2025-01.json"),
                include_str!("data/hue-successors-2025-01-to-2025-07.json"),
            )
            .expect("the shipped locality files are valid")
        })
    }

    /// Builds the tree from the three shipped files.
    fn from_json(current: &str, old: &str, successors: &str) -> Result<Localities, serde_json::Error> {
        let current: UnitsFile = serde_json::from_str(current)?;
        let mut old: UnitsFile = serde_json::from_str(old)?;
        for u in &mut old.units {
            u.structure = Structure::Before2025July;
        }
        let succ: SuccessorsFile = serde_json::from_str(successors)?;
        let mut l = Localities {
            current_by_code: current.units.iter().enumerate().map(|(i, u)| (u.code, i)).collect(),
            old_by_code: old.units.iter().enumerate().map(|(i, u)| (u.code, i)).collect(),
            current: current.units,
            old: old.units,
            successor: succ.successors.iter().map(|s| (s.old_code, s.new_code)).collect(),
            by_name: HashMap::new(),
        };
        for (structure, units) in [(Structure::Current, &l.current), (Structure::Before2025July, &l.old)] {
            for (i, u) in units.iter().enumerate() {
                for key in [fold(&u.name), bare_name(&u.name)] {
                    let entry = l.by_name.entry(key).or_default();
                    if !entry.contains(&(structure, i)) {
                        entry.push((structure, i));
                    }
                }
            }
        }
        Ok(l)
    }

    /// The current communes and wards, in the official order.
    pub fn current_communes(&self) -> impl Iterator<Item = &Unit> {
        self.current.iter().filter(|u| u.level == Level::Commune)
    }

    /// The province unit.
    pub fn province(&self) -> &Unit {
        &self.current[self.current_by_code[&PROVINCE_CODE]]
    }

    /// A unit of the current structure by code.
    pub fn current_unit(&self, code: u32) -> Option<&Unit> {
        self.current_by_code.get(&code).map(|&i| &self.current[i])
    }

    /// A unit of the 2025-01 structure by code.
    pub fn old_unit(&self, code: u32) -> Option<&Unit> {
        self.old_by_code.get(&code).map(|&i| &self.old[i])
    }

    /// The unit a scope or filter code names: the current structure first, then the older one.
    pub fn unit(&self, code: u32) -> Option<&Unit> {
        self.current_unit(code).or_else(|| self.old_unit(code))
    }

    /// The 2025-01 districts.
    pub fn old_districts(&self) -> impl Iterator<Item = &Unit> {
        self.old.iter().filter(|u| u.level == Level::District)
    }

    fn old_commune_placement(&self, u: &Unit) -> Placement {
        match self.successor.get(&u.code) {
            Some(&new) => Placement::Commune(new),
            None => Placement::Unplaced,
        }
    }

    /// Where a record's locality counts now. The code decides when it names a unit whose name agrees;
    /// otherwise the name is matched (diacritics, tone placement, dashes and the kind word ignored).
    pub fn place(&self, loc: &LocalityRef) -> Placement {
        let name_f = bare_name(&loc.name);
        if let Some(code) = loc.code {
            if code == PROVINCE_CODE {
                return Placement::Province;
            }
            let old = self.old_unit(code);
            let cur = self.current_unit(code);
            // Codes are reused across structures: the name says which one is meant.
            if let Some(o) = old.filter(|o| o.level == Level::Commune && bare_name(&o.name) == name_f) {
                return self.old_commune_placement(o);
            }
            if let Some(c) = cur.filter(|c| c.level == Level::Commune) {
                return Placement::Commune(c.code);
            }
            if let Some(o) = old.filter(|o| o.level == Level::Commune) {
                return self.old_commune_placement(o);
            }
        }
        if name_f.is_empty() {
            return Placement::Unplaced;
        }
        if let Some(hits) = self.by_name.get(&name_f).or_else(|| self.by_name.get(&fold(&loc.name))) {
            // Prefer the current structure, then an old commune.
            let pick = hits
                .iter()
                .find(|(s, i)| *s == Structure::Current && self.current[*i].level != Level::District)
                .or_else(|| hits.iter().find(|(s, i)| *s == Structure::Before2025July && self.old[*i].level == Level::Commune));
            match pick {
                Some((Structure::Current, i)) => {
                    let u = &self.current[*i];
                    if u.level == Level::Province {
                        Placement::Province
                    } else {
                        Placement::Commune(u.code)
                    }
                }
                Some((Structure::Before2025July, i)) => self.old_commune_placement(&self.old[*i]),
                None => Placement::Unplaced,
            }
        } else {
            Placement::Unplaced
        }
    }

    /// The current communes a scope code covers: a current commune itself; an old commune's successor; an
    /// old district's communes' successors; the province: every commune. Unknown codes cover nothing.
    pub fn communes_covered(&self, code: u32) -> BTreeSet<u32> {
        let mut out = BTreeSet::new();
        if code == PROVINCE_CODE {
            out.extend(self.current_communes().map(|u| u.code));
            return out;
        }
        if let Some(c) = self.current_unit(code).filter(|u| u.level == Level::Commune) {
            out.insert(c.code);
        }
        if let Some(o) = self.old_unit(code) {
            match o.level {
                Level::Commune => out.extend(self.successor.get(&o.code)),
                Level::District => {
                    for c in self.old.iter().filter(|c| c.parent == Some(o.code)) {
                        out.extend(self.successor.get(&c.code));
                    }
                }
                Level::Province => {}
            }
        }
        out
    }

    /// Units of either structure whose folded name contains every word of the query, current ones first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<&Unit> {
        let q = fold(query);
        let mut out: Vec<&Unit> = Vec::new();
        for u in self.current.iter().chain(self.old.iter()) {
            if super::fold::matches_words(&fold(&u.name), &q) {
                out.push(u);
                if out.len() >= limit {
                    break;
                }
            }
        }
        out
    }

    /// The one unit a typed name stands for, when the officer typed a locality and picked no suggestion:
    /// the unit whose name it is (a current unit before a former one of the same name, "a luoi 4" being
    /// the name of "Xã A Lưới 4" without its kind), else the only unit whose name has every typed word.
    /// Former districts are not places of a model. Err says why none: no unit, or `count` of them.
    pub fn resolve_typed(&self, text: &str) -> Result<&Unit, FieldProblem> {
        let q = fold(text);
        if q.is_empty() {
            return Err(FieldProblem::Required);
        }
        let places = || self.current.iter().chain(self.old.iter()).filter(|u| u.level != Level::District);
        let named = |u: &&Unit| {
            let name = fold(&u.name);
            name == q || name.strip_suffix(q.as_str()).is_some_and(|kind| !kind.is_empty() && fold(&u.kind) == kind.trim_end())
        };
        for group in [Structure::Current, Structure::Before2025July] {
            let same: Vec<&Unit> = places().filter(|u| u.structure == group).filter(named).collect();
            if same.len() == 1 {
                return Ok(same[0]);
            }
        }
        let words: Vec<&Unit> = places().filter(|u| super::fold::matches_words(&fold(&u.name), &q)).collect();
        match words.as_slice() {
            [one] => Ok(one),
            [] => Err(FieldProblem::UnknownLocality),
            many => Err(FieldProblem::AmbiguousLocality { count: many.len() }),
        }
    }

    /// The display name of a current placement.
    pub fn placement_name(&self, p: Placement) -> Option<&str> {
        match p {
            Placement::Commune(c) => self.current_unit(c).map(|u| u.name.as_str()),
            Placement::Province => Some(self.province().name.as_str()),
            Placement::Unplaced => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(code: Option<u32>, name: &str) -> LocalityRef {
        LocalityRef { code, name: name.into(), ..Default::default() }
    }

    #[test]
    fn shipped_units_load() {
        let l = Localities::builtin();
        assert_eq!(l.current_communes().count(), 40);
        assert_eq!(l.old_districts().count(), 9);
        assert_eq!(l.province().name, "Thành phố Huế");
    }

    #[test]
    fn pre_2025_communes_count_under_their_successor() {
        let l = Localities::builtin();
        let a_luoi_4 = l.current_communes().find(|u| u.name == "Xã A Lưới 4").unwrap().code;
        assert_eq!(l.place(&loc(Some(20095), "Xã A Roàng")), Placement::Commune(a_luoi_4));
        // by name alone, with other spelling and no kind word
        assert_eq!(l.place(&loc(None, "a roang")), Placement::Commune(a_luoi_4));
        // the current unit itself
        assert_eq!(l.place(&loc(Some(a_luoi_4), "Xã A Lưới 4")), Placement::Commune(a_luoi_4));
    }

    #[test]
    fn reused_codes_are_told_apart_by_name() {
        let l = Localities::builtin();
        // 20044 was "Thị trấn A Lưới" and is now "Xã A Lưới 2": both place at 20044.
        assert_eq!(l.place(&loc(Some(20044), "Thị trấn A Lưới")), Placement::Commune(20044));
        // 19780 "Phường Phường Đúc" (old) went into Thuận Hóa (19786).
        assert_eq!(l.place(&loc(Some(19780), "Phường Phường Đúc")), Placement::Commune(19786));
    }

    #[test]
    fn spelling_variants_match() {
        let l = Localities::builtin();
        let a = l.place(&loc(None, "Xã Chân Mây-Lăng Cô"));
        let b = l.place(&loc(None, "Xã Chân Mây – Lăng Cô"));
        assert!(matches!(a, Placement::Commune(_)));
        assert_eq!(a, b);
        assert_eq!(l.place(&loc(None, "Phường Thuỷ Xuân")), l.place(&loc(None, "Phường Thủy Xuân")));
        assert_eq!(l.place(&loc(None, "Thôn không có")), Placement::Unplaced);
        assert_eq!(l.place(&loc(Some(46), "Thành phố Huế")), Placement::Province);
    }

    #[test]
    fn scope_codes_cover_their_successors() {
        let l = Localities::builtin();
        let a_luoi: Vec<u32> = l.communes_covered(481).into_iter().collect();
        let names: Vec<&str> = a_luoi.iter().map(|c| l.current_unit(*c).unwrap().name.as_str()).collect();
        assert!(names.contains(&"Xã A Lưới 1") && names.contains(&"Xã A Lưới 4"), "{names:?}");
        assert_eq!(l.communes_covered(PROVINCE_CODE).len(), 40);
        assert!(l.communes_covered(999_999).is_empty());
        let p = l.place(&loc(Some(20095), "Xã A Roàng"));
        let Placement::Commune(c) = p else { panic!("{p:?}") };
        assert!(l.communes_covered(481).contains(&c), "A Lưới district covers A Roàng's successor");
        assert!(!l.communes_covered(19777).contains(&c));
    }

    #[test]
    fn a_typed_name_becomes_the_one_unit_it_names_or_is_refused() {
        let l = Localities::builtin();
        assert_eq!(l.resolve_typed("a luoi 4").unwrap().name, "Xã A Lưới 4");
        assert_eq!(l.resolve_typed("XÃ A LƯỚI 4").unwrap().name, "Xã A Lưới 4");
        assert_eq!(l.resolve_typed(" xa a roang ").unwrap().code, 20095);
        assert!(matches!(l.resolve_typed("a luoi"), Err(FieldProblem::AmbiguousLocality { count }) if count > 1));
        assert_eq!(l.resolve_typed("a luoi 44").unwrap_err(), FieldProblem::UnknownLocality);
        assert_eq!(l.resolve_typed("xyz").unwrap_err(), FieldProblem::UnknownLocality);
        assert_eq!(l.resolve_typed("  ").unwrap_err(), FieldProblem::Required);
        // a name that is both a current and a former unit is the current one
        for u in l.current_communes() {
            let got = l.resolve_typed(&u.name).unwrap();
            assert_eq!((got.code, got.structure), (u.code, Structure::Current), "{}", u.name);
        }
    }

    #[test]
    fn search_ignores_diacritics() {
        let l = Localities::builtin();
        let hits = l.search("a luoi", 50);
        assert!(hits.iter().any(|u| u.name == "Xã A Lưới 1"));
        assert!(hits.iter().any(|u| u.name == "Huyện A Lưới"));
        assert_eq!(hits[0].structure, Structure::Current);
    }
}
