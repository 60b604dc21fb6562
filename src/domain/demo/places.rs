//! Địa bàn of the demo: the 40 current communes with what the generator needs of each — ward or commune,
//! mountain, the share of its models in ethnic-minority areas, and the pre-2025 communes now part of it
//! (records of older models may name those).

use serde::Deserialize;

use super::MOUNTAIN_COMMUNES;
use crate::domain::locality::{Level, Localities, Placement, Unit};
use crate::domain::model::LocalityRef;

/// Bình Điền: a foothill commune with some ethnic-minority villages.
const FOOTHILL_COMMUNE: u32 = 20035;

/// One current commune with what the demo needs to know about it.
pub(super) struct Place {
    pub(super) code: u32,
    pub(super) name: String,
    pub(super) ward: bool,
    pub(super) mountain: bool,
    /// Percent of its models in ethnic-minority areas.
    pub(super) ethnic_percent: u64,
    /// Pre-2025 communes now part of it: (code, name).
    pub(super) legacy: Vec<(u32, String)>,
}

#[derive(Deserialize)]
struct OldUnits {
    units: Vec<Unit>,
}

pub(super) fn places() -> Vec<Place> {
    let l = Localities::builtin();
    let old: OldUnits =
        serde_json::from_str(include_str!("../data/hue-localities-2025-01.json")).expect("shipped 2025-01 units are valid");
    l.current_communes()
        .map(|u| {
            let mountain = MOUNTAIN_COMMUNES.contains(&u.code);
            let legacy = old
                .units
                .iter()
                .filter(|o| o.level == Level::Commune)
                .filter(|o| {
                    let r = LocalityRef { code: Some(o.code), name: o.name.clone(), ..Default::default() };
                    l.place(&r) == Placement::Commune(u.code)
                })
                .map(|o| (o.code, o.name.clone()))
                .collect();
            Place {
                code: u.code,
                name: u.name.clone(),
                ward: u.name.starts_with("Phường"),
                mountain,
                ethnic_percent: if mountain {
                    85
                } else if u.code == FOOTHILL_COMMUNE {
                    30
                } else {
                    0
                },
                legacy,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_current_commune_is_a_place_and_old_ones_map_to_it() {
        let p = places();
        assert_eq!(p.len(), 40);
        let a4 = p.iter().find(|p| p.name == "Xã A Lưới 4").unwrap();
        assert!(a4.mountain && a4.ethnic_percent > 50);
        assert!(a4.legacy.iter().any(|(c, n)| *c == 20095 && n == "Xã A Roàng"));
        assert_eq!(p.iter().filter(|p| p.mountain).count(), 8);
    }
}
