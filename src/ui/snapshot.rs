//! Ảnh chụp tổng quan: the last dashboard, kept so that a cold start shows it at once, before the app has
//! loaded (on a slow phone with 20,000 models that is a few seconds). The app takes over as soon as it is
//! mounted and removes it.
//!
//! The app saves the page's markup as it is on the dashboard: the figures, and the charts' frames at their
//! height but without their drawings; ids and test ids taken out and `<main>` made a `<div class="main">`,
//! so nothing can take it for the live page. It does so only when everything shown is written and no one
//! else has written since, and keeps with it the stored manifest (`dvk.records`) and settings exactly as
//! they were. The inline script at the end of `index.html` shows it, inert and hidden from screen readers,
//! only when the address is the dashboard and both stored values are still the same: a snapshot is never
//! shown out of date. On a device that has stored nothing yet it shows instead the first visit's copy that
//! `tools/first-visit.mjs` took with this same code and wrote into `index.html` (`<template
//! id="dvk-first-visit">`, left out of the copies made here). It is only a nicety: failures are ignored, and a save of the records that finds
//! storage full drops it first (`forget` is the room maker `ui::App` gives `AppState::load`, which
//! `App::persist` calls).

use wasm_bindgen::JsCast;

use crate::storage::repository::{RECORDS_KEY, SETTINGS_KEY};
use crate::ui::state::AppState;

/// Where the snapshot is kept in localStorage.
pub const SNAPSHOT_KEY: &str = "dvk.snapshot";
/// The id of the element the inline script paints.
const PAINTED_ID: &str = "dvk-snapshot";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Saves the page as the snapshot, if the dashboard is what it shows and what it shows is exactly what is
/// stored (everything written, and nobody else has written since: another tab, say).
pub fn save(state: &AppState) {
    let _ = (|| -> Option<()> {
        if !state.is_saved() {
            return None;
        }
        let store = storage()?;
        let (records, settings) = state.stored_forms();
        if store.get_item(RECORDS_KEY).ok().flatten() != records || store.get_item(SETTINGS_KEY).ok().flatten() != settings {
            return None;
        }
        let doc = web_sys::window()?.document()?;
        doc.query_selector(".dashboard").ok().flatten()?;
        let body = doc.body()?;
        // (the charts are drawn after the first frame: a frame not drawn yet has not its height)
        let frames = body.query_selector_all(".dashboard .chart-svg").ok()?;
        if (0..frames.length()).any(|i| frames.item(i).is_none_or(|f| !f.has_child_nodes())) {
            return None;
        }
        let copy: web_sys::Element = body.clone_node_with_deep(true).ok()?.dyn_into().ok()?;
        // A copied <select> shows its first option: mark the chosen one, as the live page shows it.
        let (live, copied) = (body.query_selector_all("select").ok()?, copy.query_selector_all("select").ok()?);
        for i in 0..live.length().min(copied.length()) {
            let (Some(l), Some(c)) = (live.item(i), copied.item(i)) else { continue };
            let Ok(l) = l.dyn_into::<web_sys::HtmlSelectElement>() else { continue };
            let Ok(c) = c.dyn_into::<web_sys::Element>() else { continue };
            let options = c.query_selector_all("option").ok()?;
            if let Some(opt) = u32::try_from(l.selected_index()).ok().and_then(|k| options.item(k)).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
                let _ = opt.set_attribute("selected", "");
            }
        }
        // The charts' drawings stay out (laying out their SVG while the app starts would delay it); their
        // frames keep their height, so nothing moves when the app draws them.
        let (live, copied) = (body.query_selector_all(".chart-svg").ok()?, copy.query_selector_all(".chart-svg").ok()?);
        for i in 0..live.length().min(copied.length()) {
            let (Some(l), Some(c)) = (live.item(i), copied.item(i)) else { continue };
            let (Ok(l), Ok(c)) = (l.dyn_into::<web_sys::HtmlElement>(), c.dyn_into::<web_sys::Element>()) else { continue };
            c.set_inner_html("");
            let _ = c.set_attribute("style", &format!("height:{}px", l.offset_height()));
        }
        let drop = copy.query_selector_all("script, noscript, template, #dvk-snapshot, .toast, .skip, .visually-hidden").ok()?;
        for i in 0..drop.length() {
            if let Some(el) = drop.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
                el.remove();
            }
        }
        let marked = copy.query_selector_all("[id], [data-testid], [data-tab], [for]").ok()?;
        for i in 0..marked.length() {
            if let Some(el) = marked.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
                for attr in ["id", "data-testid", "data-tab", "for"] {
                    let _ = el.remove_attribute(attr);
                }
            }
        }
        if let Some(main) = copy.query_selector("main").ok().flatten() {
            let div = doc.create_element("div").ok()?;
            div.set_class_name("main");
            // (the nodes are moved, not re-parsed)
            while let Some(child) = main.first_child() {
                div.append_child(&child).ok()?;
            }
            let _ = main.replace_with_with_node_1(&div);
        }
        let value = serde_json::json!({
            "records": records,
            "settings": settings,
            "html": copy.inner_html(),
        });
        store.set_item(SNAPSHOT_KEY, &value.to_string()).ok()
    })();
}

/// Removes the painted snapshot (the app is mounted).
pub fn remove_painted() {
    if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(PAINTED_ID)) {
        el.remove();
    }
}

/// Forgets the snapshot (storage is needed for the records). Returns whether there was one.
pub fn forget() -> bool {
    match storage() {
        Some(s) if s.get_item(SNAPSHOT_KEY).ok().flatten().is_some() => s.remove_item(SNAPSHOT_KEY).is_ok(),
        _ => false,
    }
}
