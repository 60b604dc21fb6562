//! Browser glue that is not a component: the clock (`now`, `today`, local times) and new ids, file
//! downloads, the service worker, and the friendly screen shown instead of a blank page when the app
//! fails, with a way to save the officer's data.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::export_time;
use crate::domain::exchange;
use crate::domain::time::{Date, Timestamp};
use crate::i18n::{Lang, Msg};
use crate::storage::browser::LocalStore;
use crate::storage::repository::{Repository, SETTINGS_KEY};
use crate::storage::Store;

/// Now, from the browser's clock.
pub fn now() -> Timestamp {
    Timestamp::from_unix_millis(js_sys::Date::now() as i64)
}

/// Today in the officer's local calendar.
pub fn today() -> Date {
    let d = js_sys::Date::new_0();
    Date::from_ymd(d.get_full_year() as i32, d.get_month() as u8 + 1, d.get_date() as u8).unwrap_or_else(|| now().date())
}

/// A moment in the device's local time, as the officer reads it: "29/11/2026 15:04" (vi),
/// "29 Nov 2026 15:04" (en).
pub fn fmt_local(lang: crate::i18n::Lang, ts: Timestamp) -> String {
    let (day, h, m, _) = local_parts(ts);
    format!("{} {h:02}:{m:02}", crate::i18n::dates::date(lang, day))
}

/// The day of a moment in the device's local calendar, as the officer reads it: "29/11/2026" (vi),
/// "29 Nov 2026" (en).
pub fn fmt_local_date(lang: crate::i18n::Lang, ts: Timestamp) -> String {
    crate::i18n::dates::date(lang, local_parts(ts).0)
}

/// The same to the second, where two moments of one minute must be told apart (backups).
pub fn fmt_local_precise(lang: crate::i18n::Lang, ts: Timestamp) -> String {
    let (day, h, m, sec) = local_parts(ts);
    format!("{} {h:02}:{m:02}:{sec:02}", crate::i18n::dates::date(lang, day))
}

/// The day of a moment in the officer's local calendar.
pub fn local_day(ts: Timestamp) -> Date {
    local_parts(ts).0
}

fn local_parts(ts: Timestamp) -> (Date, u32, u32, u32) {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ts.unix_millis() as f64));
    let day = Date::from_ymd(d.get_full_year() as i32, d.get_month() as u8 + 1, d.get_date() as u8).unwrap_or_else(|| ts.date());
    (day, d.get_hours(), d.get_minutes(), d.get_seconds())
}

/// A new random id (UUID v4).
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Offers `content` as a file named `filename` (a download; the browser's share menu where offered is
/// handled by the exchange page).
pub fn download(filename: &str, mime: &str, content: &str) -> Result<(), JsValue> {
    offer_url(filename, object_url(mime, content)?)
}

/// Offers `bytes` (a binary file, such as an Excel workbook) as a download named `filename`.
pub fn download_bytes(filename: &str, mime: &str, bytes: &[u8]) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts)?;
    offer_url(filename, web_sys::Url::create_object_url_with_blob(&blob)?)
}

/// Clicks a hidden download link to the `blob:` URL `url`, then revokes it a minute later.
fn offer_url(filename: &str, url: String) -> Result<(), JsValue> {
    let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = doc.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(filename);
    a.style().set_property("display", "none")?;
    doc.body().ok_or("no body")?.append_child(&a)?;
    a.click();
    a.remove();
    // Revoke later: some browsers read the URL after click returns.
    let revoke = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    web_sys::window()
        .ok_or("no window")?
        .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000)?;
    Ok(())
}

/// Offers the file to the phone's share menu (Zalo, email…) where the browser can share files; elsewhere
/// downloads it. `done` runs once the file was handed over: downloaded, or shared (the share's promise
/// resolved) — never when the officer cancels the share sheet.
pub fn share_or_download(filename: &str, mime: &str, content: &str, done: impl FnOnce() + 'static) {
    let offered = (|| -> Result<Option<js_sys::Promise>, JsValue> {
        let window = web_sys::window().ok_or("no window")?;
        let nav = window.navigator();
        let can_share = js_sys::Reflect::get(&nav, &"canShare".into())?;
        let share = js_sys::Reflect::get(&nav, &"share".into())?;
        if !can_share.is_function() || !share.is_function() {
            return Ok(None);
        }
        let opts = web_sys::FilePropertyBag::new();
        opts.set_type(mime);
        let file = web_sys::File::new_with_str_sequence_and_options(&js_sys::Array::of1(&content.into()), filename, &opts)?;
        let data = js_sys::Object::new();
        js_sys::Reflect::set(&data, &"files".into(), &js_sys::Array::of1(&file))?;
        js_sys::Reflect::set(&data, &"title".into(), &filename.into())?;
        let ok = can_share.unchecked_ref::<js_sys::Function>().call1(&nav, &data)?;
        if !ok.as_bool().unwrap_or(false) {
            return Ok(None);
        }
        Ok(share.unchecked_ref::<js_sys::Function>().call1(&nav, &data)?.dyn_into::<js_sys::Promise>().ok())
    })()
    .unwrap_or(None);
    match offered {
        Some(promise) => wasm_bindgen_futures::spawn_local(async move {
            if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
                done();
            }
        }),
        None => {
            if download(filename, mime, content).is_ok() {
                done();
            }
        }
    }
}

/// The browser tests' hold on the gradual read (`tests/e2e/gradual_open.test.mjs`): while the page's
/// `dvkHoldRead` is true, `AppState::read_in_steps` reads no further chunk but takes no lock either, so a
/// change reaches the App's gate mid-load and waits there (a hold by the records' lock would keep it out
/// of the App). Nothing in the app sets it; an officer's page never has it.
pub fn read_held() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"dvkHoldRead".into()).is_ok_and(|v| v.is_truthy())
}

/// Runs `f` holding the records' Web Lock (`navigator.locks`), so two tabs of the app never write the
/// records at the same moment; at once where the browser has no Web Locks.
pub fn with_records_lock(f: Box<dyn FnOnce()>) {
    with_records_lock_held(Box::new(move |release| {
        f();
        release();
    }));
}

/// Runs `f` holding the records' Web Lock until `f` calls the release it is given (from a later task:
/// a change done in steps across tasks, such as an import's save, holds it from its first step to its
/// last, so another tab's change waits for it to end); at once, with a release that does nothing, where
/// the browser has no Web Locks.
pub fn with_records_lock_held(f: Box<dyn FnOnce(Box<dyn FnOnce()>)>) {
    let locks = web_sys::window()
        .map(|w| w.navigator())
        .and_then(|n| js_sys::Reflect::get(&n, &"locks".into()).ok())
        .filter(|l| l.is_object());
    let request = locks.as_ref().and_then(|l| js_sys::Reflect::get(l, &"request".into()).ok()).filter(JsValue::is_function);
    let cell = std::rc::Rc::new(std::cell::RefCell::new(Some(f)));
    if let (Some(locks), Some(request)) = (locks, request) {
        let run = cell.clone();
        // The lock is held until the promise the callback returns settles: when `f` releases.
        let callback = Closure::once_into_js(move |_lock: JsValue| -> JsValue {
            let mut f = run.borrow_mut().take();
            js_sys::Promise::new(&mut |resolve, _reject| {
                if let Some(f) = f.take() {
                    f(Box::new(move || {
                        let _ = resolve.call0(&JsValue::NULL);
                    }));
                }
            })
            .into()
        });
        if request.unchecked_ref::<js_sys::Function>().call2(&locks, &"dvk-records".into(), &callback).is_ok() {
            return;
        }
    }
    let f = cell.borrow_mut().take();
    if let Some(f) = f {
        f(Box::new(|| ()));
    }
}

/// A `blob:` URL holding `content`.
pub fn object_url(mime: &str, content: &str) -> Result<String, JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(content));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)?;
    web_sys::Url::create_object_url_with_blob(&blob)
}

/// Loads `url` into `img` and waits for its `load` event (its `error`: `Err`). `load` and `error` rather
/// than `decode()`: an `<img>` that is never drawn reads only the header (a photo's size, capture.rs).
pub async fn image_loaded(img: &web_sys::HtmlImageElement, url: &str) -> Result<(), JsValue> {
    let i = img.clone();
    let loaded = js_sys::Promise::new(&mut |resolve, reject| {
        let ok = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let bad = Closure::once_into_js(move || {
            let _ = reject.call0(&JsValue::NULL);
        });
        i.set_onload(Some(ok.unchecked_ref()));
        i.set_onerror(Some(bad.unchecked_ref()));
    });
    img.set_src(url);
    wasm_bindgen_futures::JsFuture::from(loaded).await.map(|_| ())
}

/// The canvas's picture encoded as `mime` (`quality` for JPEG), through `toBlob`.
pub async fn canvas_blob(canvas: &web_sys::HtmlCanvasElement, mime: &str, quality: f64) -> Result<web_sys::Blob, JsValue> {
    let c = canvas.clone();
    let mut started = Ok(());
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let done = Closure::once_into_js(move |b: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &b);
        });
        started = c.to_blob_with_type_and_encoder_options(done.unchecked_ref(), mime, &JsValue::from_f64(quality));
    });
    started?;
    wasm_bindgen_futures::JsFuture::from(promise).await?.dyn_into()
}

/// Has the browser promised to keep this site's storage (`navigator.storage.persisted()`)? None when it
/// cannot say.
pub async fn storage_persisted() -> Option<bool> {
    let p = web_sys::window()?.navigator().storage().persisted().ok()?;
    wasm_bindgen_futures::JsFuture::from(p).await.ok()?.as_bool()
}

/// Asks the browser to keep this site's storage (`navigator.storage.persist()`); the answer is read back
/// with `storage_persisted`.
pub async fn ask_storage_persist() {
    let Some(p) = web_sys::window().and_then(|w| w.navigator().storage().persist().ok()) else { return };
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

/// Registers `sw.js` (written at build time, next to index.html) so the app works offline. When a new
/// deployment's worker has installed while this page runs an older one, `on_update` is called: the page
/// then offers "new version, reload", which calls `activate_update`.
pub fn register_service_worker(on_update: impl Fn() + 'static) {
    let Some(window) = web_sys::window() else { return };
    let nav = window.navigator();
    if !js_sys::Reflect::has(&nav, &"serviceWorker".into()).unwrap_or(false) {
        return;
    }
    let container = nav.service_worker();
    let on_update = std::rc::Rc::new(on_update);
    let had_controller = container.controller().is_some();
    let then = Closure::<dyn FnMut(JsValue)>::new(move |reg: JsValue| {
        // Some browsers (and settings) give no registration: the app then simply works without a worker.
        if reg.is_undefined() || reg.is_null() {
            return;
        }
        let reg: web_sys::ServiceWorkerRegistration = reg.unchecked_into();
        // A worker already waiting (installed on an earlier visit) is an update too.
        if reg.waiting().is_some() && had_controller {
            on_update();
        }
        let reg2 = reg.clone();
        let on_update = on_update.clone();
        let found = Closure::<dyn FnMut()>::new(move || {
            if let Some(installing) = reg2.installing() {
                let inst = installing.clone();
                let on_update = on_update.clone();
                let changed = Closure::<dyn FnMut()>::new(move || {
                    if inst.state() == web_sys::ServiceWorkerState::Installed && had_controller {
                        on_update();
                    }
                });
                installing.set_onstatechange(Some(changed.as_ref().unchecked_ref()));
                changed.forget();
            }
        });
        reg.set_onupdatefound(Some(found.as_ref().unchecked_ref()));
        found.forget();
    });
    // A refused registration (private mode, blocked by policy) is not an error for the officer.
    let refused = Closure::<dyn FnMut(JsValue)>::new(|_| {});
    let _ = container.register("./sw.js").then2(&then, &refused);
    then.forget();
    refused.forget();
    // When the new worker takes over after the officer asked for the update, reload once to run the new
    // version. (On the first visit the worker also takes over, by `clients.claim()`: no reload then.)
    let reload = Closure::<dyn FnMut()>::new(move || {
        if UPDATE_REQUESTED.with(|u| u.get()) {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        }
    });
    container.set_oncontrollerchange(Some(reload.as_ref().unchecked_ref()));
    reload.forget();
}

thread_local! {
    static UPDATE_REQUESTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Tells the waiting worker to take over (the page reloads when it has).
pub fn activate_update() {
    UPDATE_REQUESTED.with(|u| u.set(true));
    let Some(window) = web_sys::window() else { return };
    let container = window.navigator().service_worker();
    let done = Closure::<dyn FnMut(JsValue)>::new(move |reg: JsValue| {
        let reg: web_sys::ServiceWorkerRegistration = reg.unchecked_into();
        match reg.waiting() {
            Some(w) => {
                let _ = w.post_message(&"skip-waiting".into());
            }
            None => {
                if let Some(w) = web_sys::window() {
                    let _ = w.location().reload();
                }
            }
        }
    });
    let _ = container.get_registration().then(&done);
    done.forget();
}

fn stored_lang() -> Lang {
    LocalStore
        .get(SETTINGS_KEY)
        .ok()
        .flatten()
        .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
        .and_then(|v| v.get("lang").and_then(|l| l.as_str()).and_then(Lang::from_code))
        .unwrap_or_default()
}

/// On a panic, or any other trap of the wasm (out of memory, stack overflow): replace the page with a
/// message, a reload button and an "export my data" link built from what is stored (so nothing is lost
/// even when the app cannot run).
///
/// The release build compiles panics as an immediate trap (`-Cpanic=immediate-abort`, see the Makefile): no
/// panic hook runs and no message is formatted, so the screen comes from the trap itself, a
/// `WebAssembly.RuntimeError` that reaches the window as an `error` event (from an event handler or the
/// start) or an `unhandledrejection` (from a future). The console then shows "RuntimeError: unreachable"
/// and the wasm stack, not the panic message. Other builds (and any build with unwinding panics) keep the
/// panic hook, which logs the message first (`console_error_panic_hook`).
pub fn install_panic_screen() {
    #[cfg(not(panic = "immediate-abort"))]
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_error_screen_once();
    }));
    let Some(window) = web_sys::window() else { return };
    for (event, field) in [("error", "error"), ("unhandledrejection", "reason")] {
        let on_trap = Closure::<dyn Fn(JsValue)>::new(move |e: JsValue| {
            let error = js_sys::Reflect::get(&e, &field.into()).unwrap_or(JsValue::UNDEFINED);
            if error.is_instance_of::<js_sys::WebAssembly::RuntimeError>() {
                show_error_screen_once();
            }
        });
        let _ = window.add_event_listener_with_callback(event, on_trap.as_ref().unchecked_ref());
        on_trap.forget();
    }
}

/// The error screen, once (a panic's hook and the trap that follows it both ask for it).
fn show_error_screen_once() {
    use std::sync::atomic::{AtomicBool, Ordering};
    static SHOWN: AtomicBool = AtomicBool::new(false);
    if !SHOWN.swap(true, Ordering::Relaxed) {
        let _ = show_error_screen();
    }
}

fn show_error_screen() -> Result<(), JsValue> {
    let lang = stored_lang();
    let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let body = doc.body().ok_or("no body")?;
    let screen = doc.create_element("div")?;
    screen.set_class_name("error-screen");
    screen.set_attribute("role", "alert")?;
    let p = doc.create_element("p")?;
    p.set_text_content(Some(Msg::ErrorScreen.text(lang)));
    screen.append_child(&p)?;
    let now = now();
    let loaded = Repository::new(LocalStore).load(now);
    let (models, plans) = (loaded.registry.all_models(), loaded.registry.all_plans());
    let file = exchange::write(models, plans, export_time(models, plans, now), None);
    let a: web_sys::HtmlAnchorElement = doc.create_element("a")?.dyn_into()?;
    a.set_href(&object_url("application/json", &file)?);
    a.set_download("dvk-registry-backup.json");
    a.set_class_name("button primary");
    a.set_text_content(Some(Msg::ExportMyData.text(lang)));
    screen.append_child(&a)?;
    let reload: web_sys::HtmlAnchorElement = doc.create_element("a")?.dyn_into()?;
    reload.set_href("./");
    reload.set_class_name("button");
    reload.set_text_content(Some(Msg::Reload.text(lang)));
    screen.append_child(&reload)?;
    while let Some(child) = body.first_child() {
        body.remove_child(&child)?;
    }
    body.append_child(&screen)?;
    Ok(())
}

thread_local! {
    static WAKE_LOCK: std::cell::RefCell<Option<JsValue>> = const { std::cell::RefCell::new(None) };
}

/// Keeps the screen on (the Screen Wake Lock API, where the browser has it) while the phone shows codes for
/// another phone to read; `let_screen_sleep` ends it. Where there is no such API, nothing happens.
pub fn keep_screen_on() {
    wasm_bindgen_futures::spawn_local(async {
        let Some(nav) = web_sys::window().map(|w| w.navigator()) else { return };
        let Ok(wake) = js_sys::Reflect::get(&nav, &JsValue::from_str("wakeLock")) else { return };
        let Ok(request) = js_sys::Reflect::get(&wake, &JsValue::from_str("request")) else { return };
        let Some(request) = request.dyn_ref::<js_sys::Function>() else { return };
        let Ok(promise) = request.call1(&wake, &JsValue::from_str("screen")) else { return };
        if let Ok(sentinel) = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(promise)).await {
            WAKE_LOCK.with(|w| *w.borrow_mut() = Some(sentinel));
        }
    });
}

/// Lets the screen sleep again after `keep_screen_on`.
pub fn let_screen_sleep() {
    if let Some(sentinel) = WAKE_LOCK.with(|w| w.borrow_mut().take()) {
        if let Ok(release) = js_sys::Reflect::get(&sentinel, &JsValue::from_str("release")) {
            if let Some(f) = release.dyn_ref::<js_sys::Function>() {
                let _ = f.call0(&sentinel);
            }
        }
    }
}
