//! DVK Registry — the registry of "Dân vận khéo" (Skillful Mass Mobilization) models.
//!
//! `domain` and `charts` are pure Rust (tested natively with `cargo test`); `storage` holds the `Store`
//! trait with an in-memory implementation (and, in the browser build, the localStorage one); `i18n` holds
//! every visible text; `export` writes the CSV and Excel exports in the officer's language (pure too);
//! `ui` (browser build only) holds the Leptos components. See ARCHITECTURE.md.

pub mod app;
pub mod charts;
pub mod domain;
pub mod export;
pub mod format;
pub mod i18n;
pub mod routes;
pub mod storage;
#[cfg(target_arch = "wasm32")]
pub mod ui;
