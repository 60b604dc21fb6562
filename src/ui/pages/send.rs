//! Chuyển sang máy bên cạnh: choose what to pass (one model, a commune's models, what changed since the
//! last transfer to a device), see its size and time, then show the loop of QR codes. What is passed is
//! the App's (`transfer_content`), the frames and their drawing the core's (`domain::transfer`).

use std::time::Duration;

use leptos::prelude::*;

use crate::app::{device_code, TransferChoice, TransferContent};
use crate::domain::locality::Localities;
use crate::domain::transfer::{qr, Sender};
use crate::i18n::{number, storage_size, tf, ChunkMsg, Msg, ShareMsg};
use crate::routes::{query_value, Route};
use crate::ui::state::{fmt_local, now, use_state};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum What {
    Model,
    Locality(u32),
    Changed,
}

/// A random transfer id (tells this transfer from any other a receiver sees).
fn random_id() -> u32 {
    (js_sys::Math::random() * f64::from(u32::MAX)) as u32
}

#[component]
pub fn SendPage(query: String) -> impl IntoView {
    let state = use_state();
    let lang = move || state.lang.get();
    let model_id = query_value(&query, "model").map(str::to_string);
    let model_title = model_id.as_ref().and_then(|id| state.registry.with_untracked(|r| r.get(id).filter(|m| !m.is_deleted()).map(|m| m.title.clone())));
    // The remembered commune first, then those with models, each with its count (the App's order).
    // Read again when the registry changes (it may still be loading when the page opens, or another tab
    // may import).
    let communes = Memo::new(move |_| {
        state.registry.track();
        state.read(|app| app.send_communes())
    });
    let first_commune = move || communes.with(|c| c.first().map(|&(c, _)| c).unwrap_or(0));
    let what = RwSignal::new(if model_title.is_some() { What::Model } else { What::Locality(first_commune()) });
    // A commune chosen before the list was known (0, or one whose models are gone) follows the list.
    Effect::new(move |_| {
        let first = first_commune();
        if let What::Locality(c) = what.get_untracked() {
            if !communes.with(|l| l.iter().any(|&(k, _)| k == c)) {
                what.set(What::Locality(first));
            }
        }
    });
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let remembered = RwSignal::new(0u32);
    let recipients = Memo::new(move |_| {
        remembered.track();
        state.read(|app| app.transfer_recipients())
    });

    let choice = {
        let model_id = model_id.clone();
        move || -> Option<TransferChoice> {
            match what.get() {
                What::Model => model_id.clone().map(TransferChoice::Model),
                What::Locality(c) => Some(TransferChoice::Locality(c)),
                What::Changed => code.with(|c| (device_code(c).len() >= 4).then(|| TransferChoice::ChangedFor(c.clone()))),
            }
        }
    };
    let content = Memo::new(move |_| {
        state.registry.track();
        remembered.track();
        choice().map(|c| state.read(|app| app.transfer_content(&c, now())))
    });
    // Size, frames and time, from a sender made once per choice (the frames shown get a fresh random id).
    let sized = Memo::new(move |_| {
        content.with(|c| c.as_ref().map(|c| Sender::new(c.file.as_bytes(), 0).map(|s| (s.payload_len(), s.fragment_count(), s.expected_frames(), s.estimated_seconds()))))
    });

    // ---- the loop of codes
    let sender = StoredValue::new_local(None::<Sender>);
    let sent = StoredValue::new_local(None::<TransferContent>);
    let frame_src = RwSignal::new(String::new());
    let shown = RwSignal::new(0usize);
    let showing = RwSignal::new(false);
    let interval = StoredValue::new_local(None::<IntervalHandle>);
    let tick = move || {
        let text = sender.try_update_value(|s| s.as_mut().map(|s| (s.next_frame(), s.shown()))).flatten();
        if let Some((text, n)) = text {
            if let Some((svg, _)) = qr::svg(&text) {
                frame_src.set(format!("data:image/svg+xml,{}", js_sys::encode_uri_component(&svg)));
                shown.set(n);
            }
        }
    };
    let stop_loop = move || {
        if let Some(h) = interval.try_update_value(|h| h.take()).flatten() {
            h.clear();
        }
        crate::ui::platform::let_screen_sleep();
        showing.set(false);
    };
    let start = move |_| {
        let Some(c) = content.get_untracked() else { return };
        let Ok(s) = Sender::new(c.file.as_bytes(), random_id()) else { return };
        sender.set_value(Some(s));
        sent.set_value(Some(c));
        showing.set(true);
        // the other phone reads for a while: the screen must not go dark meanwhile
        crate::ui::platform::keep_screen_on();
        tick();
        let period = Duration::from_millis(1000 / u64::from(crate::domain::transfer::FRAMES_PER_SECOND));
        if let Ok(h) = set_interval_with_handle(tick, period) {
            interval.set_value(Some(h));
        }
    };
    let done = move |_| {
        stop_loop();
        let to = code.get_untracked();
        if device_code(&to).len() < 4 {
            return;
        }
        let Some(c) = sent.get_value() else { return };
        let who = name.get_untracked();
        let label = if who.trim().is_empty() { device_code(&to) } else { who.trim().to_string() };
        state.change(
            move |app, now| app.mark_transferred(&to, &who, &c, now),
            move |r| match r {
                Ok(()) => {
                    remembered.update(|v| *v += 1);
                    state.show_toast(tf(state.lang.get_untracked(), ShareMsg::SendMarked, &[&label]), None);
                }
                Err(e) => state.show_error(&e),
            },
        );
    };
    on_cleanup(move || {
        if let Some(h) = interval.try_update_value(|h| h.take()).flatten() {
            h.clear();
        }
        crate::ui::platform::let_screen_sleep();
    });

    let last_to = move || {
        let c = device_code(&code.get());
        recipients.with(|r| r.iter().find(|x| x.code == c).map(|x| (if x.name.is_empty() { x.code.clone() } else { x.name.clone() }, x.at)))
    };
    let pick_recipient = move |ev: leptos::ev::Event| {
        let c = event_target_value(&ev);
        if let Some(r) = recipients.with_untracked(|r| r.iter().find(|x| x.code == c).cloned()) {
            code.set(r.code);
            name.set(r.name);
        }
    };

    view! {
        <section class="page send-page" data-testid="send-page">
            <a class="back" href=Route::Exchange.href()>"← " {state.tr(Msg::NavExchange)}</a>
            <h1>{state.tr(ChunkMsg::SendTitle)}</h1>
            <Show when=move || !showing.get()>
                <p class="muted">{state.tr(ShareMsg::SendIntro)}</p>
                <fieldset class="field card">
                    <legend>{state.tr(ShareMsg::SendWhat)}</legend>
                    {model_title.clone().map(|title| view! {
                        <label class="radio"><input type="radio" name="send-what" data-testid="send-model" prop:checked=move || what.get() == What::Model on:change=move |_| what.set(What::Model)/>
                            {move || tf(lang(), ShareMsg::SendOneModel, &[&title])}</label>
                    })}
                    <label class="radio"><input type="radio" name="send-what" data-testid="send-locality" prop:checked=move || matches!(what.get(), What::Locality(_)) on:change=move |_| what.set(What::Locality(first_commune()))/>
                        {state.tr(ShareMsg::SendLocality)}</label>
                    <Show when=move || matches!(what.get(), What::Locality(_)) && communes.with(|l| !l.is_empty())>
                        <label for="send-commune" class="visually-hidden">{state.tr(Msg::Locality)}</label>
                        <select id="send-commune" data-testid="send-commune" on:change=move |ev| if let Ok(c) = event_target_value(&ev).parse() { what.set(What::Locality(c)) }>
                            {move || communes.get().into_iter().map(|(c, n)| {
                                let name = Localities::builtin().current_unit(c).map(|u| u.name.clone()).unwrap_or_default();
                                view! { <option value=c.to_string() selected=move || what.get() == What::Locality(c)>{move || format!("{name} ({})", number(lang(), u64::from(n)))}</option> }
                            }).collect_view()}
                        </select>
                    </Show>
                    <label class="radio"><input type="radio" name="send-what" data-testid="send-changed" prop:checked=move || what.get() == What::Changed on:change=move |_| what.set(What::Changed)/>
                        {state.tr(ShareMsg::SendChanged)}</label>
                    <div class="recipient">
                        <Show when=move || !recipients.with(|r| r.is_empty())>
                            <select aria-label=state.tr(ShareMsg::SendRecipientName) on:change=pick_recipient data-testid="send-recipients">
                                <option value="">"—"</option>
                                {move || recipients.get().into_iter().map(|r| {
                                    let label = if r.name.is_empty() { r.code.clone() } else { format!("{} ({})", r.name, r.code) };
                                    view! { <option value=r.code.clone()>{label}</option> }
                                }).collect_view()}
                            </select>
                        </Show>
                        <label class="field">{state.tr(ShareMsg::SendRecipient)}
                            <input type="text" autocomplete="off" autocapitalize="characters" placeholder="ABCD-1234" data-testid="send-code"
                                prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))/></label>
                        <label class="field">{state.tr(ShareMsg::SendRecipientName)}
                            <input type="text" data-testid="send-name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/></label>
                        <p class="muted small">{move || match (what.get(), last_to()) {
                            (What::Changed, _) if device_code(&code.get()).len() < 4 => state.t(ShareMsg::SendRecipientNeeded).to_string(),
                            (_, Some((who, at))) => tf(lang(), ShareMsg::SendLastTo, &[&who, &fmt_local(lang(), at)]),
                            (What::Changed, None) => state.t(ShareMsg::SendNeverTo).to_string(),
                            _ => String::new(),
                        }}</p>
                    </div>
                </fieldset>
                <p data-testid="send-summary">{move || content.with(|c| match (c, sized.get()) {
                    (Some(c), Some(Ok((bytes, _fragments, frames, secs)))) if c.models + c.deleted + c.plans > 0 => tf(lang(), ShareMsg::SendSummary, &[
                        &number(lang(), c.models as u64), &number(lang(), c.deleted as u64), &number(lang(), c.plans as u64),
                        &storage_size(lang(), bytes), &number(lang(), frames as u64), &number(lang(), u64::from(secs)),
                    ]),
                    _ => String::new(),
                })}</p>
                <button type="button" class="button primary" data-testid="send-start"
                    disabled=move || !content.with(|c| c.as_ref().is_some_and(|c| c.models + c.deleted + c.plans > 0)) || !matches!(sized.get(), Some(Ok(_)))
                    on:click=start>{state.tr(ShareMsg::SendStart)}</button>
                // Why the button is greyed, next to it.
                <p class="muted small send-reason" data-testid="send-reason" role="status">{move || content.with(|c| match (what.get(), c, sized.get()) {
                    (_, Some(_), Some(Err(_))) => state.t(ShareMsg::SendTooLarge).to_string(),
                    (_, Some(c), _) if c.models + c.deleted + c.plans > 0 => String::new(),
                    (What::Locality(_), _, _) if first_commune() == 0 => state.t(ShareMsg::SendNoModels).to_string(),
                    (What::Locality(_), _, _) => state.t(ShareMsg::SendCommuneEmpty).to_string(),
                    (What::Changed, None, _) => state.t(ShareMsg::SendRecipientNeeded).to_string(),
                    (What::Changed, Some(_), _) => state.t(ShareMsg::SendNothingChanged).to_string(),
                    (What::Model, _, _) => state.t(ShareMsg::SendNothing).to_string(),
                })}</p>
            </Show>
            <Show when=move || showing.get()>
                <div class="qr-loop" data-testid="send-loop" data-fragments=move || sized.get().and_then(|s| s.ok()).map(|s| s.1).unwrap_or(0)>
                    <img class="qr" data-testid="send-qr" src=move || frame_src.get() alt=state.tr(ShareMsg::SendQrAlt)/>
                    <p class="small" aria-live="off" data-testid="send-progress">{move || tf(lang(), ShareMsg::SendProgress, &[&shown.get(), &sized.get().and_then(|s| s.ok()).map(|s| s.2).unwrap_or(0)])}</p>
                    <p class="muted small">{state.tr(ShareMsg::SendHint)}</p>
                    <div class="row">
                        <button type="button" class="button primary" data-testid="send-done" on:click=done>{state.tr(ShareMsg::SendDone)}</button>
                        <button type="button" class="button" data-testid="send-stop" on:click=move |_| stop_loop()>{state.tr(ShareMsg::SendStop)}</button>
                    </div>
                </div>
            </Show>
        </section>
    }
}
