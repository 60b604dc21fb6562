//! The pure domain core: records, localities, validation, search, filters, statistics, merge and the
//! exchange format. No browser types here (except the one documented `cfg`'d function in `fold` that uses
//! the browser's NFC); everything is tested natively.

pub mod ancestry;
pub mod clock;
pub mod demo;
pub mod diff;
pub mod evidence;
pub mod exchange;
pub mod filter;
pub mod history;
pub mod fold;
mod fold_table;
pub mod letterhead;
pub mod locality;
pub mod merge;
pub mod model;
pub mod per_code;
pub mod progress;
pub mod record;
pub mod registry;
pub mod search;
pub mod stats;
pub mod sync;
#[cfg(test)]
pub(crate) mod test_support;
pub mod tidy;
pub mod transfer;
pub mod time;
pub mod validate;
pub mod visit;
