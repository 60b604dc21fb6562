//! Cài đặt › Đồng bộ: the sync screen (server address, account, sign in/out, "Đồng bộ ngay", the first
//! sync's progress, the last sync and what it did, records waiting, refusals, each failure in words) and
//! the runs of a sync: on "Đồng bộ ngay", when the app opens with a server set up and signed in, and on
//! the browser's `online` event (never a long poll). The driver is the application layer's
//! (`app::sync::run_sync`); here each of its steps runs through `AppState::change` (under the records'
//! Web Lock), the requests between them over `sync_http::Server`. All of it is the `sync` chunk, fetched
//! the first time the settings page shows it or a sync runs (`ui/split.rs`); the first load keeps only
//! [`set_up`] and the two calls into the chunk.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use leptos::prelude::*;

use super::chunk::NotLoaded;
use super::state::{fmt_local, AppState};
use super::sync_http::{Server, SignIn};
use crate::app::sync::{run_sync, Host, Progress, SyncError, SyncOptions, SyncReport};
use crate::app::sync_photos::{fetch_photo, photos_waiting, run_photo_sync, PhotoReport};
use crate::app::{App, AppError};
use crate::domain::time::Timestamp;
use crate::i18n::sync::{refusal, SyncMsg};
use crate::i18n::{number, tf, Lang};
use crate::storage::browser::LocalStore;
use crate::storage::browser_images::IdbImageStore;
use crate::storage::layout::SYNC_KEY;

/// Is a server set up on this device (in the main module: a look at localStorage, no chunk fetched)?
pub fn set_up() -> bool {
    use crate::storage::Store;
    matches!(LocalStore.get(SYNC_KEY), Ok(Some(v)) if v.contains("\"url\":\"http"))
}

/// Starts a sync in the background when a server is set up and the officer signed in (the app opening,
/// the network back). Fetches the sync chunk the first time.
pub fn sync_soon(state: AppState) {
    if set_up() {
        leptos::task::spawn_local(async move {
            let _ = background(state, None).await;
        });
    }
}

/// An image a thumbnail lacks, to bring from the server: its SHA-256 and the thumbnail's URL signal.
pub type WantedImage = (String, RwSignal<Option<Option<String>>>);

/// The main module's one way into the sync chunk's background work: a sync (`None`), or an image a
/// thumbnail lacks (one entry, not two: each split function costs the first load a stub).
#[leptos::wasm_split::wasm_split(sync, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn background(state: AppState, image: Option<WantedImage>) -> Result<(), NotLoaded> {
    if let Some((sha, url)) = image {
        fetch_image(state, sha, url);
        return Ok(());
    }
    let setup = state.read(|a| a.sync_setup());
    if !setup.url.is_empty() && !setup.user.is_empty() {
        leptos::task::spawn_local(sync_now(state, true));
    }
    Ok(())
}

/// The sync card of the settings page, once its chunk is here.
#[leptos::wasm_split::wasm_split(sync, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn sync_card() -> Result<AnyView, NotLoaded> {
    Ok(view! { <SyncCard/> }.into_any())
}

/// What the screen shows beside the stored setup: a sync running, its progress, the last sign-in's
/// failure, and a tick when a sync ends (the stored report changed). One per page, shared by the card and
/// the background runs: the signals themselves live as long as the page ([`SHARED`]); each user gets
/// handles owned by its own owner ([`live`]), so a settings page left does not take them with it.
#[derive(Clone, Copy)]
struct Live {
    running: RwSignal<bool>,
    progress: RwSignal<Option<Progress>>,
    /// A sign-in that failed (or a session found ended), shown until the next sign-in or sync.
    sign_in: RwSignal<Option<SyncError>>,
    ended: RwSignal<u32>,
}

struct Shared {
    running: ArcRwSignal<bool>,
    progress: ArcRwSignal<Option<Progress>>,
    sign_in: ArcRwSignal<Option<SyncError>>,
    ended: ArcRwSignal<u32>,
}

thread_local! {
    static SHARED: Shared = Shared {
        running: ArcRwSignal::new(false),
        progress: ArcRwSignal::new(None),
        sign_in: ArcRwSignal::new(None),
        ended: ArcRwSignal::new(0),
    };
}

fn live() -> Live {
    SHARED.with(|s| Live {
        running: s.running.clone().into(),
        progress: s.progress.clone().into(),
        sign_in: s.sign_in.clone().into(),
        ended: s.ended.clone().into(),
    })
}

/// One sync to its end; nothing if one is running already. `quiet`: started by the app, not the officer
/// (a failure that needs the officer, an expired session, is then also told by a toast).
async fn sync_now(state: AppState, quiet: bool) {
    let live = live();
    if live.running.get_untracked() {
        return;
    }
    let setup = state.read(|a| a.sync_setup());
    let Some(server) = Server::new(&setup.url) else { return };
    live.running.set(true);
    live.progress.set(None);
    live.sign_in.set(None);
    let host = BrowserHost { state, live };
    let report = run_sync(&server, &host, SyncOptions::default()).await;
    // The images after the records, which are complete whatever happens to them.
    if report.error.is_none() {
        let download = !state.read(|a| a.photo_sync().no_download) && !metered();
        let photos = run_photo_sync(&server, &host, &IdbImageStore, download).await;
        if photos.received > 0 {
            crate::ui::components::evidence::forget_missing();
        }
    }
    live.running.set(false);
    live.progress.set(None);
    live.ended.update(|n| *n += 1);
    if quiet && report.error == Some(SyncError::Unauthorized) {
        state.show_toast(SyncMsg::ErrExpired.text(state.lang.get_untracked()).to_string(), None);
    }
}

/// Is the network metered (mobile data, or the browser's data saver), where `navigator.connection` says?
fn metered() -> bool {
    let Some(w) = web_sys::window() else { return false };
    let Ok(c) = js_sys::Reflect::get(&w.navigator(), &"connection".into()) else { return false };
    if c.is_undefined() || c.is_null() {
        return false;
    }
    let kind = js_sys::Reflect::get(&c, &"type".into()).ok().and_then(|t| t.as_string());
    let save = js_sys::Reflect::get(&c, &"saveData".into()).ok().and_then(|t| t.as_bool());
    kind.as_deref() == Some("cellular") || save == Some(true)
}

/// Downloads at once, at most (a printed report with a hundred missing images asks for them in turn).
const FETCHES_AT_ONCE: usize = 3;

thread_local! {
    /// Images waiting to be fetched, and how many fetches run.
    static WANTED: RefCell<(std::collections::VecDeque<WantedImage>, usize)> = RefCell::default();
}

/// Brings down the image of a photo shown that this device lacks, then shows it in `url` (a thumbnail's,
/// "loading" meanwhile): `Some(None)`, "not on this device", when it cannot come (not signed in, not on
/// the server, no network). At most [`FETCHES_AT_ONCE`] at a time; the rest wait their turn.
fn fetch_image(state: AppState, sha256: String, url: RwSignal<Option<Option<String>>>) {
    WANTED.with(|w| w.borrow_mut().0.push_back((sha256, url)));
    next_fetch(state);
}

fn next_fetch(state: AppState) {
    let Some((sha256, url)) = WANTED.with(|w| {
        let mut w = w.borrow_mut();
        if w.1 >= FETCHES_AT_ONCE {
            return None;
        }
        let next = w.0.pop_front()?;
        w.1 += 1;
        Some(next)
    }) else {
        return;
    };
    let setup = state.read(|a| a.sync_setup());
    let (db, user) = (setup.url, setup.user);
    leptos::task::spawn_local(async move {
        let mut found = None;
        if let Some(server) = Server::new(&db).filter(|_| !user.is_empty()) {
            if fetch_photo(&server, &IdbImageStore, &sha256).await.is_ok() {
                found = crate::storage::browser_images::object_url(&sha256).await.ok().flatten();
            }
        }
        if let Some(src) = &found {
            crate::ui::components::evidence::remember_url(&sha256, src);
        }
        let _ = url.try_set(Some(found));
        WANTED.with(|w| w.borrow_mut().1 -= 1);
        next_fetch(state);
    });
}

/// The driver's way into the App: each step a `change` (under the records' Web Lock), its result awaited.
struct BrowserHost {
    state: AppState,
    live: Live,
}

impl Host<LocalStore> for BrowserHost {
    async fn step<R: 'static>(&self, op: impl FnOnce(&mut App<LocalStore>, Timestamp) -> Result<R, AppError> + 'static) -> Result<R, AppError> {
        let (tx, rx) = oneshot();
        // (the driver awaits every step: its result is sent wherever the sync was started from)
        self.state.change_anywhere(op, move |r| tx.send(r));
        rx.await
    }

    fn progress(&self, p: Progress) {
        self.live.progress.set(Some(p));
    }
}

/// A value handed from a callback to the future awaiting it.
struct Slot<R> {
    value: Option<R>,
    waker: Option<Waker>,
}
struct Tx<R>(Rc<RefCell<Slot<R>>>);
struct Rx<R>(Rc<RefCell<Slot<R>>>);

fn oneshot<R>() -> (Tx<R>, Rx<R>) {
    let slot = Rc::new(RefCell::new(Slot { value: None, waker: None }));
    (Tx(slot.clone()), Rx(slot))
}

impl<R> Tx<R> {
    fn send(self, v: R) {
        let waker = {
            let mut s = self.0.borrow_mut();
            s.value = Some(v);
            s.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl<R> Future for Rx<R> {
    type Output = R;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<R> {
        let mut s = self.0.borrow_mut();
        match s.value.take() {
            Some(v) => Poll::Ready(v),
            None => {
                s.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// A failure in plain words. `signed_in`: an unauthorised sync of a signed-in officer is an expired session.
fn error_text(lang: Lang, e: SyncError) -> String {
    let msg = match e {
        SyncError::NotSetUp => SyncMsg::SignedOut,
        SyncError::Offline => SyncMsg::ErrOffline,
        SyncError::Unreachable => SyncMsg::ErrUnreachable,
        SyncError::Unauthorized => SyncMsg::ErrExpired,
        SyncError::WrongPassword => SyncMsg::ErrWrongPassword,
        SyncError::Forbidden => SyncMsg::ErrNotMember,
        SyncError::NoDatabase => SyncMsg::ErrNoDatabase,
        SyncError::ServerFull => SyncMsg::ErrFull,
        SyncError::Server(code) => return tf(lang, SyncMsg::ErrServer, &[&code]),
        SyncError::Protocol => SyncMsg::ErrProtocol,
        SyncError::StorageFull => SyncMsg::ErrStorageFull,
        SyncError::Storage => SyncMsg::ErrStorage,
    };
    msg.text(lang).to_string()
}

/// The last sync in words: when, and what it did or why it stopped.
fn report_text(lang: Lang, r: &SyncReport) -> String {
    let at = r.at.map(|t| fmt_local(lang, t)).unwrap_or_default();
    match r.error {
        Some(e) => tf(lang, SyncMsg::Failed, &[&at, &error_text(lang, e)]),
        None => tf(lang, SyncMsg::Done, &[&at]),
    }
}

/// The last photo sync in words: sent and received, and what is left.
fn photo_text(lang: Lang, r: &PhotoReport) -> String {
    let mut text = tf(lang, SyncMsg::PhotosDone, &[&number(lang, r.sent as u64), &number(lang, r.received as u64)]);
    let mut more = |m: String| {
        text.push(' ');
        text.push_str(&m);
    };
    if !r.refused.is_empty() {
        more(tf(lang, SyncMsg::PhotosRefused, &[&number(lang, r.refused.len() as u64)]));
    }
    if r.not_received > 0 {
        more(tf(lang, SyncMsg::PhotosNotReceived, &[&number(lang, r.not_received as u64)]));
    }
    if r.download_skipped {
        more(SyncMsg::PhotosSkipped.text(lang).to_string());
    }
    if let Some(e) = r.error {
        more(tf(lang, SyncMsg::PhotosFailed, &[&error_text(lang, e)]));
    }
    text
}

#[component]
fn SyncCard() -> impl IntoView {
    let state = super::use_state();
    let live = live();
    let lang = move || state.lang.get();
    let t = move |m: SyncMsg| m.text(state.lang.get());
    // The stored setup, read again when a sync ends or the officer signs in or out.
    let setup = Memo::new(move |_| {
        live.ended.track();
        state.read(|a| a.sync_setup())
    });
    let signed_in = Memo::new(move |_| setup.with(|s| !s.url.is_empty() && !s.user.is_empty()));
    let url = RwSignal::new(setup.with_untracked(|s| s.url.clone()));
    let user = RwSignal::new(setup.with_untracked(|s| s.user.clone()));
    let password = RwSignal::new(String::new());
    let url_bad = RwSignal::new(false);
    let busy = RwSignal::new(false);
    // Counted when the card opens and after each sync (a read through `change`: see app::sync).
    let pending = RwSignal::new(None::<usize>);
    let refused = RwSignal::new(Vec::new());
    let photos_pending = RwSignal::new(None::<usize>);
    let count = move || {
        state.change(|app, _| Ok((app.sync_pending(), app.sync_refused(), app.photos_unsent())), move |r| {
            if let Ok((n, list, unsent)) = r {
                let _ = pending.try_set(Some(n));
                let _ = refused.try_set(list);
                leptos::task::spawn_local(async move {
                    let n = photos_waiting(&IdbImageStore, &unsent).await;
                    let _ = photos_pending.try_set(Some(n));
                });
            }
        })
    };
    // The last photo sync and the download setting, read again when a sync ends.
    let photo_state = Memo::new(move |_| {
        live.ended.track();
        state.read(|a| a.photo_sync())
    });
    let download_on = RwSignal::new(!photo_state.with_untracked(|p| p.no_download));
    let set_download = move |on: bool| {
        download_on.set(on);
        state.change(move |app, _| app.set_photo_download(on), move |r| {
            if let Err(e) = r {
                state.show_error(&e);
            }
        });
    };
    count();
    Effect::new(move |first: Option<()>| {
        live.ended.track();
        if first.is_some() {
            count();
        }
    });
    // The session ended (or was never there) while the device thinks it is signed in: ask again. Checked
    // with the server when the card opens (`GET /_session`), and known from a sync that got a 401.
    if signed_in.get_untracked() && !live.running.get_untracked() {
        if let Some(server) = Server::new(&setup.with_untracked(|s| s.url.clone())) {
            leptos::task::spawn_local(async move {
                if let Ok(None) = server.signed_in_as().await {
                    if live.running.try_get_untracked() == Some(false) {
                        live.sign_in.set(Some(SyncError::Unauthorized));
                    }
                }
            });
        }
    }
    let expired = Memo::new(move |_| {
        signed_in.get()
            && !live.running.get()
            && (live.sign_in.get() == Some(SyncError::Unauthorized)
                || setup.with(|s| s.last_report.as_ref().and_then(|r| r.error)) == Some(SyncError::Unauthorized))
    });

    let sign_in = move || {
        let Some(server) = Server::new(&url.get_untracked()) else {
            url_bad.set(true);
            return;
        };
        url_bad.set(false);
        let (name, pw) = (user.get_untracked().trim().to_string(), password.get_untracked());
        busy.set(true);
        leptos::task::spawn_local(async move {
            // (the card may be gone by the answer: handles of the shared signals that outlive it)
            let live = self::live();
            let result = server.sign_in(&name, &pw).await;
            drop(pw);
            let _ = busy.try_set(false);
            match result {
                SignIn::Ok(who) => {
                    let _ = password.try_set(String::new());
                    live.sign_in.set(None);
                    let db = server.db_url().to_string();
                    state.change_anywhere(move |app, _| app.set_sync_server(&db, &who), move |r| {
                        live.ended.update(|n| *n += 1);
                        match r {
                            Ok(()) => leptos::task::spawn_local(sync_now(state, false)),
                            Err(e) => state.show_error(&e),
                        }
                    });
                }
                SignIn::Failed(e) => live.sign_in.set(Some(e)),
            }
        });
    };
    let sign_out = move |_| {
        let db = setup.with_untracked(|s| s.url.clone());
        busy.set(true);
        leptos::task::spawn_local(async move {
            let live = self::live();
            if let Some(server) = Server::new(&db) {
                let _ = server.sign_out().await;
            }
            let _ = busy.try_set(false);
            state.change_anywhere(move |app, _| app.set_sync_server(&db, ""), move |r| {
                live.sign_in.set(None);
                live.ended.update(|n| *n += 1);
                if let Err(e) = r {
                    state.show_error(&e);
                }
            });
        });
    };
    let status = move || {
        let lang = lang();
        if live.running.get() {
            return t(SyncMsg::Running).to_string();
        }
        if let Some(e) = live.sign_in.get() {
            return error_text(lang, e);
        }
        setup.with(|s| match &s.last_report {
            _ if s.user.is_empty() => t(SyncMsg::SignedOut).to_string(),
            Some(r) => report_text(lang, r),
            None => t(SyncMsg::Never).to_string(),
        })
    };
    let failed = move || live.sign_in.with(Option::is_some) || (!live.running.get() && setup.with(|s| !s.user.is_empty() && s.last_report.as_ref().is_some_and(|r| r.error.is_some())));
    let came_in = move || {
        setup.with(|s| {
            s.last_report.as_ref().filter(|r| !live.running.get() && !s.user.is_empty() && ((r.new + r.updated + r.conflicts + r.pushed) > 0 || r.server_went_back)).map(|r| {
                let lang = lang();
                let mut text = tf(lang, SyncMsg::CameIn, &[&number(lang, r.new as u64), &number(lang, r.updated as u64), &number(lang, r.conflicts as u64)]);
                text.push(' ');
                text.push_str(&tf(lang, SyncMsg::Sent, &[&number(lang, r.pushed as u64)]));
                if r.server_went_back {
                    text.push(' ');
                    text.push_str(SyncMsg::WentBack.text(lang));
                }
                (text, r.conflicts > 0)
            })
        })
    };
    // The first sync's bar: how much of what the server had is here (its `pending` after each batch).
    let first_progress = move || {
        let p = live.progress.get()?;
        setup.with(|s| s.last_sync.is_none()).then_some(())?;
        let share = p.remaining.map(|rest| p.pulled as f64 / (p.pulled as f64 + rest as f64).max(1.0)).unwrap_or(0.0);
        Some((p.pulled, share))
    };
    let busy_or_running = move || busy.get() || live.running.get();

    // Signed in with a live session: the account in one line, the inputs put away.
    let settled = move || signed_in.get() && !expired.get();
    view! {
        <section class="card sync-card" data-testid="sync">
            <h2>{move || t(SyncMsg::Title)}</h2>
            <Show when=move || !signed_in.get()>
                <p class="muted small">{move || t(SyncMsg::Intro)}</p>
            </Show>
            <p class="sync-status" class:error=failed role="status" aria-live="polite" data-testid="sync-status">{status}</p>
            {move || first_progress().map(|(n, share)| view! {
                <div class="sync-progress" data-testid="sync-progress">
                    <div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=format!("{:.0}", share * 100.0)>
                        <span style=format!("width:{:.0}%", share * 100.0)></span>
                    </div>
                    <p class="small">{tf(lang(), SyncMsg::FirstProgress, &[&number(lang(), n as u64)])}</p>
                </div>
            })}
            {move || came_in().map(|(text, conflicts)| view! {
                <p class="small" data-testid="sync-came-in">{text} " "
                    {conflicts.then(|| view! { <a href="#/exchange">{t(SyncMsg::SeeConflicts)}</a> })}
                </p>
            })}
            <Show when=move || refused.with(|r| !r.is_empty())>
                <div class="sync-refused" data-testid="sync-refused">
                    <p class="small">{move || tf(lang(), SyncMsg::Refused, &[&refused.with(Vec::len)])}</p>
                    <ul class="small">
                        {move || refused.get().into_iter().map(|r| view! {
                            <li data-doc=r.doc.clone()><strong>{r.title.clone()}</strong> ": " {refusal(lang(), &r.reason)}</li>
                        }).collect_view()}
                    </ul>
                </div>
            </Show>
            // The last sync that went through, when the last attempt did not.
            {move || setup.with(|s| match (s.last_sync, s.last_report.as_ref().and_then(|r| r.error)) {
                (Some(at), Some(_)) if !s.user.is_empty() => Some(view! { <p class="small">{tf(lang(), SyncMsg::Last, &[&fmt_local(lang(), at)])}</p> }),
                _ => None,
            })}
            {move || photo_state.with(|p| p.last.clone()).filter(|_| !live.running.get() && signed_in.get()).map(|r| {
                let lang = lang();
                view! { <p class="small" data-testid="sync-photos">{photo_text(lang, &r)}</p> }
            })}
            <p class="small" data-testid="sync-pending">{move || tf(lang(), SyncMsg::Pending, &[&pending.get().map(|n| number(lang(), n as u64)).unwrap_or_else(|| if state.whole.get() { String::new() } else { crate::i18n::Msg::StillLoadingShort.text(lang()).to_string() })])}</p>
            <p class="small" data-testid="sync-photos-pending">{move || tf(lang(), SyncMsg::PhotosPending, &[&photos_pending.get().map(|n| number(lang(), n as u64)).unwrap_or_default()])}</p>
            <Show when=move || settled()>
                <label class="check small">
                    <input type="checkbox" data-testid="sync-photos-download" prop:checked=download_on
                        on:change=move |ev| set_download(event_target_checked(&ev))/>
                    " " {move || t(SyncMsg::PhotosDownload)}
                </label>
                <p class="small muted" data-testid="sync-account">{move || setup.with(|s| tf(lang(), SyncMsg::SignedInAs, &[&s.user, &s.url]))}</p>
                <div class="sync-actions">
                    <button type="button" class="button primary" data-testid="sync-now" disabled=busy_or_running
                        on:click=move |_| leptos::task::spawn_local(sync_now(state, false))>{move || t(SyncMsg::Now)}</button>
                    <button type="button" class="button" data-testid="sync-signout" disabled=busy_or_running on:click=sign_out>
                        {move || t(SyncMsg::SignOut)}
                    </button>
                </div>
            </Show>
            <Show when=move || !settled()>
                <form class="sync-signin" on:submit=move |ev| { ev.prevent_default(); sign_in(); }>
                    <div class="field">
                        <label for="s-sync-url">{move || t(SyncMsg::Url)}</label>
                        <input id="s-sync-url" data-testid="sync-url" type="url" inputmode="url" autocomplete="off" spellcheck="false"
                            autocapitalize="none" aria-describedby="s-sync-url-eg" prop:value=url disabled=signed_in
                            aria-invalid=move || url_bad.get().to_string()
                            on:input=move |ev| url.set(event_target_value(&ev))/>
                        <span id="s-sync-url-eg" class="muted small">{move || t(SyncMsg::UrlEg)}</span>
                        <Show when=move || url_bad.get()>
                            <span class="field-error">{move || t(SyncMsg::UrlBad)}</span>
                        </Show>
                    </div>
                    <div class="field">
                        <label for="s-sync-user">{move || t(SyncMsg::User)}</label>
                        <input id="s-sync-user" data-testid="sync-user" type="text" autocomplete="username" autocapitalize="none"
                            spellcheck="false" prop:value=user disabled=signed_in on:input=move |ev| user.set(event_target_value(&ev))/>
                    </div>
                    <div class="field">
                        <label for="s-sync-password">{move || t(SyncMsg::Password)}</label>
                        <input id="s-sync-password" data-testid="sync-password" type="password" autocomplete="current-password"
                            prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
                        <span class="muted small">{move || t(SyncMsg::PasswordNote)}</span>
                    </div>
                    <div class="sync-actions">
                        <button type="submit" class="button primary" data-testid="sync-signin" disabled=busy_or_running>
                            {move || if busy.get() { t(SyncMsg::SigningIn) } else { t(SyncMsg::SignIn) }}
                        </button>
                        // The session ended: another account or server needs the old one signed out first.
                        <Show when=move || signed_in.get()>
                            <button type="button" class="button" data-testid="sync-signout" disabled=busy_or_running on:click=sign_out>
                                {move || t(SyncMsg::SignOut)}
                            </button>
                        </Show>
                    </div>
                </form>
            </Show>
        </section>
    }
}
