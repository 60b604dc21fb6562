//! Nhận từ máy bên cạnh: the receive panel (a component of the exchange page). Opens the rear camera (`ui::camera`),
//! hands every code read to the core's `transfer::Receiver`, shows progress and what was set aside, stops
//! by itself when complete and gives the bytes to the page, which previews and imports them exactly as a
//! file (`on_received`).

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;

use crate::domain::transfer::{Frame, Progress, Receiver};
use crate::i18n::{tf, ShareMsg};
use crate::ui::camera::{self, CameraError};
use crate::ui::state::use_state;

/// No new frame for this long, once a transfer has begun: the sender has probably stopped.
const STALLED_MS: f64 = 15_000.0;
/// Pause between two reads of the camera's picture.
const READ_EVERY_MS: u32 = 40;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Idle,
    Starting,
    Reading,
}

fn camera_msg(e: CameraError) -> ShareMsg {
    match e {
        CameraError::Denied => ShareMsg::CameraDenied,
        CameraError::Missing => ShareMsg::CameraMissing,
        CameraError::Failed => ShareMsg::CameraFailed,
        CameraError::Decoder => ShareMsg::DecoderFailed,
    }
}

#[component]
pub fn ReceivePanel(#[prop(into)] on_received: Callback<Vec<u8>>) -> impl IntoView {
    let state = use_state();
    let lang = move || state.lang.get();
    let phase = RwSignal::new(Phase::Idle);
    let progress = RwSignal::new(Progress::default());
    // What the last code read was, when it was set aside; and why receiving ended without bytes.
    let notice = RwSignal::new(None::<ShareMsg>);
    let ended = RwSignal::new(None::<ShareMsg>);
    // Each start gets a number; a reading loop ends as soon as the number moves on (stop, restart) or the
    // page is left (the value is gone).
    let run = StoredValue::new(0u32);
    let video_ref = NodeRef::<leptos::html::Video>::new();
    let my_code = state.read(|app| app.device_code());

    let halt = move |why: Option<ShareMsg>| {
        run.update_value(|g| *g += 1);
        if let Some(v) = video_ref.get_untracked() {
            camera::close(v.unchecked_ref());
        }
        phase.set(Phase::Idle);
        ended.set(why);
    };
    let start = move || {
        run.update_value(|g| *g += 1);
        let this_run = run.get_value();
        ended.set(None);
        notice.set(None);
        progress.set(Progress::default());
        phase.set(Phase::Starting);
        spawn_local(async move {
            let Some(video) = video_ref.get_untracked() else { return };
            let video: web_sys::HtmlElement = video.unchecked_into();
            let current = move || run.try_get_value() == Some(this_run);
            if let Err(e) = camera::open(&video).await {
                if current() {
                    halt(Some(camera_msg(e)));
                }
                return;
            }
            let reader = match camera::reader().await {
                Ok(r) => r,
                Err(e) => {
                    camera::close(&video);
                    if current() {
                        halt(Some(camera_msg(e)));
                    }
                    return;
                }
            };
            if current() {
                phase.set(Phase::Reading);
            }
            let mut rx = Receiver::new();
            let mut last_new = js_sys::Date::now();
            while current() && !rx.complete() {
                let codes = reader.codes(&video).await;
                if !current() {
                    break; // (stopped, or the page left while the frame was read)
                }
                for code in codes {
                    match rx.accept(&code) {
                        Frame::New => {
                            last_new = js_sys::Date::now();
                            notice.set(None);
                        }
                        Frame::Repeat => {}
                        Frame::Foreign => notice.set(Some(ShareMsg::ReceiveForeign)),
                        Frame::Unreadable => notice.set(Some(ShareMsg::ReceiveUnreadable)),
                        Frame::OtherTransfer => notice.set(Some(ShareMsg::ReceiveOtherTransfer)),
                    }
                }
                if progress.try_get_untracked().is_some_and(|p| p != rx.progress()) {
                    progress.set(rx.progress());
                }
                if rx.transfer_id().is_some() && js_sys::Date::now() - last_new > STALLED_MS && !rx.complete() {
                    notice.set(Some(ShareMsg::ReceiveStalled));
                }
                camera::wait(READ_EVERY_MS).await;
            }
            reader.stop();
            camera::close(&video);
            if !current() {
                return;
            }
            match rx.content() {
                Some(Ok(bytes)) => {
                    phase.set(Phase::Idle);
                    notice.set(None);
                    ended.set(Some(ShareMsg::ReceiveDone));
                    on_received.run(bytes);
                }
                Some(Err(_)) => halt(Some(ShareMsg::ReceiveDamaged)),
                None => halt(None),
            }
        });
    };
    let stop = move |_| {
        let part_way = progress.get_untracked().frames > 0;
        halt(part_way.then_some(ShareMsg::ReceiveStopped));
    };
    on_cleanup(move || {
        if let Some(v) = video_ref.get_untracked() {
            camera::close(v.unchecked_ref());
        }
    });

    let reading = move || phase.get() != Phase::Idle;
    view! {
        <div class="receive" data-testid="receive">
            <Show when=move || !reading()>
                <button type="button" class="button primary" data-testid="receive-start" on:click=move |_| start()>
                    {state.tr(ShareMsg::ReceiveOpen)}
                </button>
            </Show>
            <p class="muted small" data-testid="my-device-code">{let c = my_code.clone(); move || tf(lang(), ShareMsg::ReceiveMyCode, &[&c])}</p>
            <div class="camera" class:hidden=move || !reading()>
                <video node_ref=video_ref playsinline=true muted=true aria-label=state.tr(ShareMsg::CameraVideoLabel)></video>
            </div>
            <Show when=reading>
                <p class="small">{state.tr(ShareMsg::ReceiveHint)}</p>
                <Show when=move || phase.get() == Phase::Starting>
                    <p aria-live="polite">{state.tr(ShareMsg::ReceiveStarting)}</p>
                </Show>
                <div class="transfer-progress" aria-live="polite" data-testid="receive-progress">
                    <progress max="100" value=move || progress.get().percent()></progress>
                    <span>{move || { let p = progress.get(); tf(lang(), ShareMsg::ReceiveProgress, &[&p.frames, &p.percent()]) }}</span>
                </div>
                <div class="row">
                    <button type="button" class="button" data-testid="receive-stop" on:click=stop>{state.tr(ShareMsg::ReceiveStop)}</button>
                    <button type="button" class="button" data-testid="receive-restart" on:click=move |_| { halt(None); start(); }>{state.tr(ShareMsg::ReceiveRestart)}</button>
                </div>
            </Show>
            {move || notice.get().filter(|_| reading()).map(|m| view! { <p class="banner warn" role="status" data-testid="receive-notice">{move || state.t(m)}</p> })}
            {move || ended.get().map(|m| {
                let class = if m == ShareMsg::ReceiveDone { "banner" } else { "banner error" };
                view! { <p class=class role="alert" data-testid="receive-ended">{move || state.t(m)}</p> }
            })}
        </div>
    }
}
