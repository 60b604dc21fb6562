//! Photos and location on screen: `PhotoThumb` (an image from the image store, or a note that this device
//! does not have it), `PhotoGallery` (thumbnails, a full view with caption, delete), `AddPhoto` (take or
//! pick, shrink, store the image; the caller adds the photo to its record), `LocationField` (the phone's
//! position or typed, checked by the core) and `LocationView` (shown with a link that opens a maps app).

use std::cell::RefCell;
use std::collections::HashMap;

use leptos::prelude::*;
use wasm_bindgen_futures::spawn_local;

use crate::domain::evidence::{ImageData, Location, Photo};
use crate::i18n::errors::location_problem;
use crate::i18n::{tf, Lang, Msg, OrMsg, PageMsg};
use crate::storage::browser_images::{self, IdbImageStore};
use crate::storage::images::ImageStore;
use crate::storage::StoreError;
use crate::ui::capture;
use crate::ui::state::{fmt_local, new_id, now, use_state};

thread_local! {
    /// Object URLs of images already shown, by SHA-256 (one per image for the page's life).
    static URLS: RefCell<HashMap<String, Option<String>>> = RefCell::new(HashMap::new());
}

/// The text for a failed write to the image store.
pub fn store_error(e: &StoreError) -> OrMsg<PageMsg> {
    match e {
        StoreError::QuotaExceeded => PageMsg::PhotoStoreFull.into(),
        _ => Msg::PhotoStoreUnavailable.into(),
    }
}

/// Forgets the images found missing, so a thumbnail shown again looks in the store again (after a sync
/// brought images down).
pub fn forget_missing() {
    URLS.with(|u| u.borrow_mut().retain(|_, v| v.is_some()));
}

/// Notes the object URL of an image that has just arrived.
pub fn remember_url(sha256: &str, url: &str) {
    URLS.with(|u| u.borrow_mut().insert(sha256.to_string(), Some(url.to_string())));
}

/// One stored image, or a note that this device does not have it (brought from the city's server when
/// sync is set up: `sync_panel::background`, in the sync chunk).
#[component]
pub fn PhotoThumb(
    sha256: String,
    #[prop(into)] alt: String,
    /// Load at once even when far below the screen (a report that will be printed needs every image).
    #[prop(optional)]
    eager: bool,
) -> impl IntoView {
    let state = use_state();
    let url = RwSignal::new(URLS.with(|u| u.borrow().get(&sha256).cloned()));
    if url.get_untracked().is_none() {
        let sha = sha256.clone();
        spawn_local(async move {
            let found = browser_images::object_url(&sha).await.ok().flatten();
            URLS.with(|u| u.borrow_mut().insert(sha.clone(), found.clone()));
            // Not here: from the city's server when sync is set up (still "loading" meanwhile).
            if found.is_some() || !crate::ui::sync_panel::set_up() || crate::ui::sync_panel::background(state, Some((sha, url))).await.is_err() {
                let _ = url.try_set(Some(found));
            }
        });
    }
    move || match url.get() {
        None => view! { <span class="photo-placeholder" aria-busy="true"></span> }.into_any(),
        Some(None) => view! { <span class="photo-placeholder missing" title=state.tr(PageMsg::PhotoMissing)>"?"</span> }.into_any(),
        Some(Some(src)) => view! { <img src=src alt=alt.clone() loading=if eager { "eager" } else { "lazy" } decoding="async"/> }.into_any(),
    }
}

/// Thumbnails of `photos` (those not deleted); a tap opens the photo large with its caption. With
/// `on_delete` (by photo id) the large view offers delete; with `on_caption` (id, caption) the caption is
/// editable.
#[component]
pub fn PhotoGallery(
    #[prop(into)] photos: Signal<Vec<Photo>>,
    #[prop(optional, into)] on_delete: Option<Callback<String>>,
    #[prop(optional, into)] on_caption: Option<Callback<(String, String)>>,
) -> impl IntoView {
    let state = use_state();
    let open = RwSignal::new(None::<Photo>);
    let caption = RwSignal::new(String::new());
    view! {
        <ul class="photos" data-testid="photos">
            <For each=move || photos.get().into_iter().filter(|p| !p.is_deleted()) key=|p| (p.id.clone(), p.caption.clone()) let:p>
                {
                    let p2 = p.clone();
                    let alt = if p.caption.is_empty() { state.t(PageMsg::PhotoOpen).to_string() } else { p.caption.clone() };
                    view! {
                        <li>
                            <button type="button" class="photo-thumb" data-testid="photo-thumb" aria-label=alt.clone()
                                on:click=move |_| { caption.set(p2.caption.clone()); open.set(Some(p2.clone())); }>
                                <PhotoThumb sha256=p.sha256.clone() alt=alt.clone()/>
                            </button>
                            {(!p.caption.is_empty()).then(|| view! { <span class="photo-caption small">{p.caption.clone()}</span> })}
                        </li>
                    }
                }
            </For>
        </ul>
        {move || open.get().map(|p| {
            let lang = state.lang.get();
            let id_del = p.id.clone();
            let id_cap = p.id.clone();
            view! {
                <div class="sheet-backdrop" on:click=move |_| open.set(None)></div>
                <div class="photo-view" role="dialog" aria-modal="true" aria-label=state.tr(PageMsg::PhotoOpen) data-testid="photo-view">
                    <button type="button" class="sheet-close" aria-label=state.tr(Msg::Close) on:click=move |_| open.set(None)>"✕"</button>
                    <PhotoThumb sha256=p.sha256.clone() alt=p.caption.clone()/>
                    {p.taken_at.map(|t| view! { <p class="muted small">{tf(lang, PageMsg::PhotoTakenOn, &[&fmt_local(lang, t)])}</p> })}
                    {match on_caption {
                        Some(cb) => view! {
                            <label>{state.tr(PageMsg::PhotoCaption)}
                                <input type="text" data-testid="photo-caption" prop:value=move || caption.get() on:input=move |ev| caption.set(event_target_value(&ev))/>
                            </label>
                            <button type="button" class="button" on:click=move |_| { cb.run((id_cap.clone(), caption.get_untracked())); open.set(None); }>{state.tr(PageMsg::PhotoCaptionSave)}</button>
                        }.into_any(),
                        None => (!p.caption.is_empty()).then(|| view! { <p>{p.caption.clone()}</p> }).into_any(),
                    }}
                    {on_delete.map(|cb| view! {
                        <button type="button" class="button danger" data-testid="photo-delete" on:click=move |_| { cb.run(id_del.clone()); open.set(None); }>{state.tr(PageMsg::PhotoDelete)}</button>
                    })}
                </div>
            }
        })}
    }
}

/// Asks the browser, once, to keep this site's storage (photos are worth keeping): SPEC capability 10.
fn ask_persistence() {
    if let Some(w) = web_sys::window() {
        if let Ok(p) = w.navigator().storage().persist() {
            let _ = wasm_bindgen_futures::JsFuture::from(p);
        }
    }
}

/// Take a photo with the camera or pick one: it is shrunk and its image stored; `on_added` gets the photo
/// (with its caption empty) to put in a record.
#[component]
pub fn AddPhoto(#[prop(into)] on_added: Callback<Photo>) -> impl IntoView {
    let state = use_state();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<OrMsg<PageMsg>>);
    let on_pick = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        input.set_value("");
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result: Result<ImageData, OrMsg<PageMsg>> = match capture::shrink(file).await {
                Err(e) => Err(capture::shrink_error(e).into()),
                Ok(image) => match IdbImageStore.put(&image).await {
                    Ok(()) => Ok(image),
                    Err(e) => Err(store_error(&e)),
                },
            };
            let _ = busy.try_set(false);
            match result {
                Ok(image) => {
                    ask_persistence();
                    URLS.with(|u| u.borrow_mut().remove(&image.sha256));
                    // (`try_`: the form that asked may be gone by now)
                    let _ = on_added.try_run(Photo::new(new_id(), now(), "", &image));
                }
                Err(m) => {
                    let _ = error.try_set(Some(m));
                }
            }
        });
    };
    view! {
        <div class="add-photo row">
            <label class="button" data-testid="take-photo">
                {state.tr(PageMsg::TakePhoto)}
                <input type="file" accept="image/*" capture="environment" class="visually-hidden" on:change=on_pick/>
            </label>
            <label class="button" data-testid="pick-photo">
                {state.tr(PageMsg::PickPhoto)}
                <input type="file" accept="image/*" class="visually-hidden" data-testid="photo-input" on:change=on_pick/>
            </label>
        </div>
        {move || busy.get().then(|| view! { <p class="muted small" role="status">{state.t(PageMsg::PhotoWorking)}</p> })}
        {move || error.get().map(|m| view! { <p class="field-error" role="alert" data-testid="photo-error">{state.t(m)}</p> })}
    }
}

/// A location as text: "16.2157, 107.2751 (±12 m)".
pub fn location_text(lang: Lang, l: &Location) -> String {
    match l.accuracy_m {
        Some(a) => format!("{}, {} ({})", l.lat, l.lon, tf(lang, PageMsg::LocationAccuracy, &[&a])),
        None => format!("{}, {}", l.lat, l.lon),
    }
}

/// A location shown with a link that opens the phone's maps app (`geo:`).
#[component]
pub fn LocationView(location: Location) -> impl IntoView {
    let state = use_state();
    let uri = location.geo_uri();
    view! {
        <p class="location" data-testid="location">
            {move || location_text(state.lang.get(), &location)} " "
            <a href=uri data-testid="location-map">{state.tr(PageMsg::LocationOpenMap)}</a>
        </p>
    }
}

/// A location to set: the phone's position ("Dùng vị trí hiện tại"), or typed; never required. A refused
/// value is explained under the field and not taken. `on_change` hears each value the officer sets.
#[component]
pub fn LocationField(value: RwSignal<Option<Location>>, #[prop(optional, into)] on_change: Option<Callback<Option<Location>>>) -> impl IntoView {
    let state = use_state();
    let set = move |l: Option<Location>| {
        if value.try_set(l.clone()).is_none() {
            if let Some(cb) = on_change {
                cb.run(l);
            }
        }
    };
    let typed = RwSignal::new(String::new());
    let error = RwSignal::new(None::<PageMsg>);
    let locating = RwSignal::new(false);
    let use_current = move |_| {
        locating.set(true);
        error.set(None);
        spawn_local(async move {
            let r = capture::locate().await;
            let _ = locating.try_set(false);
            match r {
                Ok(l) => set(Some(l)),
                Err(e) => {
                    let _ = error.try_set(Some(capture::locate_error(e)));
                }
            }
        });
    };
    let apply_typed = move || {
        let text = typed.get_untracked();
        if text.trim().is_empty() {
            error.set(None);
            return;
        }
        match Location::parse_typed(&text) {
            Ok(l) => {
                set(Some(l));
                typed.set(String::new());
                error.set(None);
            }
            Err(p) => error.set(Some(location_problem(p))),
        }
    };
    view! {
        <div class="location-field" data-testid="location-field">
            {move || match value.get() {
                Some(l) => view! {
                    <LocationView location=l/>
                    <button type="button" class="button small" data-testid="location-clear" on:click=move |_| set(None)>{state.tr(PageMsg::LocationClear)}</button>
                }.into_any(),
                None => view! { <p class="muted small">{state.t(PageMsg::LocationNone)}</p> }.into_any(),
            }}
            <button type="button" class="button" data-testid="location-current" on:click=use_current disabled=move || locating.get()>
                {move || state.t(if locating.get() { PageMsg::LocationLocating } else { PageMsg::LocationUseCurrent })}
            </button>
            <label>{state.tr(PageMsg::LocationTyped)}
                <input type="text" inputmode="decimal" data-testid="location-typed" placeholder=state.tr(PageMsg::LocationTypedEg)
                    prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))
                    on:change=move |_| apply_typed()
                    on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); apply_typed(); }/>
            </label>
            {move || error.get().map(|m| view! { <p class="field-error" role="alert" data-testid="location-error">{state.t(m)}</p> })}
        </div>
    }
}
