//! Dữ liệu mẫu: demo records for trying the app, showing it and measuring it. The example models the
//! seed article names (`article`), and a deterministic province-scale registry with the article's totals
//! (2,226 models: 190 economic, 1,807 cultural-social, 192 defence-security, 37 political system), plus a
//! scaled version of it for benchmarks (`generator`).
//!
//! A file per job: `article.rs` the article's examples; `prng.rs` the small seeded random generator;
//! `words.rs` the Vietnamese words records are written with (activities, names, notes); `places.rs` the
//! current communes with what the demo needs of them; `generator.rs` the generator itself.
//!
//! Everything is made from a seed with SplitMix64, so the same seed always gives the same records (a test in
//! tests/domain_flows.rs pins their bytes). Nothing reads the clock: the caller passes "now". Every
//! generated model is tagged `dữ liệu mẫu` so officers can tell demo data from real records and filter it
//! out.

mod article;
mod generator;
mod places;
mod prng;
mod words;

pub use article::article_examples;
pub use generator::{field_counts, province_demo, scaled_demo};

use super::model::PerField;

/// The article's count of models in the whole province.
pub const PROVINCE_TOTAL: usize = 2226;
/// The article's counts by field (190 economic, 1,807 cultural-social, 192 defence-security, 37 political
/// system); they add up to `PROVINCE_TOTAL`.
pub const ARTICLE_FIELD_COUNTS: PerField<usize> = PerField::new([190, 1807, 192, 37]);
/// The tag every generated demo model carries.
pub const DEMO_TAG: &str = "dữ liệu mẫu";

/// The current communes with mountain, ethnic-minority areas (A Lưới 1–5, Nam Đông, Khe Tre, Long Quảng).
pub const MOUNTAIN_COMMUNES: [u32; 8] = [20056, 20044, 20071, 20101, 20050, 20179, 20161, 20182];
