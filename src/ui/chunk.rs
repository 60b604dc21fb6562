//! What a chunk fetched on first use (see `split.rs`) gives when it cannot be fetched: `NotLoaded`, the
//! error of every `#[wasm_split(…, fallible)]` function. A module of its own so that code calling into a
//! chunk (a page calling the Excel writer, the dashboard's sample data) does not depend on the page switch.

use leptos::wasm_split::SplitLoaderError;

/// A chunk that could not be fetched.
#[derive(Debug, Clone, Copy)]
pub struct NotLoaded;

impl From<SplitLoaderError> for NotLoaded {
    fn from(_: SplitLoaderError) -> Self {
        NotLoaded
    }
}
