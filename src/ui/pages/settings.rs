//! Cài đặt: language, the officer profile stamped on every change, and the state of storage
//! (persistence, use, values kept aside).

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};

use crate::i18n::{storage_size, tf, Lang, Msg};
use crate::ui::state::use_state;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let state = use_state();
    let t = move |m: Msg| state.t(m);
    let persisted = RwSignal::new(None::<bool>);
    let usage = RwSignal::new(None::<(f64, f64)>);
    let refresh = move || {
        spawn_local(async move {
            let storage = window().navigator().storage();
            if let Ok(p) = storage.persisted() {
                if let Ok(v) = JsFuture::from(p).await {
                    persisted.set(v.as_bool());
                }
            }
            if let Ok(p) = storage.estimate() {
                if let Ok(v) = JsFuture::from(p).await {
                    let est: web_sys::StorageEstimate = v.unchecked_into();
                    usage.set(Some((est.get_usage().unwrap_or(0.0), est.get_quota().unwrap_or(0.0))));
                }
            }
        });
    };
    refresh();
    let ask_persist = move |_| {
        spawn_local(async move {
            if let Ok(p) = window().navigator().storage().persist() {
                let _ = JsFuture::from(p).await;
            }
            refresh();
        });
    };
    let kept = state.read(|a| a.repository().kept_aside());
    let field = move |label: Msg, id: &'static str, get: fn(&crate::app::Settings) -> String, set: fn(&mut crate::app::Settings, String)| {
        view! {
            <div class="field">
                <label for=id>{move || t(label)}</label>
                <input id=id type="text" prop:value=move || state.settings.with(get)
                    on:change=move |ev| { state.update_settings(|s| set(s, event_target_value(&ev).trim().to_string())); }/>
            </div>
        }
    };
    view! {
        <section class="page settings-page" data-testid="settings-page">
            <h1>{state.tr(Msg::SettingsTitle)}</h1>
            <section class="card">
                <h2>{state.tr(Msg::Language)}</h2>
                <div class="seg" role="group" aria-label=state.tr(Msg::Language)>
                    {Lang::ALL.into_iter().map(|l| view! {
                        <button type="button" lang=l.code() aria-pressed=move || (state.lang.get() == l).to_string()
                            data-testid=format!("lang-{}", l.code())
                            on:click=move |_| { state.update_settings(|s| s.lang = l.code().to_string()); }>
                            {l.native_name()}
                        </button>
                    }).collect_view()}
                </div>
            </section>
            <section class="card">
                <h2>{state.tr(Msg::OfficerProfile)}</h2>
                {field(Msg::OfficerName, "s-officer", |s| s.officer.clone(), |s, v| s.officer = v)}
                {field(Msg::OfficerUnit, "s-unit", |s| s.unit.clone(), |s, v| s.unit = v)}
                <p class="muted small">{state.tr(Msg::DeviceId)} ": " <code>{move || state.settings.with(|s| s.device_id.clone())}</code></p>
            </section>
            <section class="card">
                <h2>{state.tr(Msg::StorageUse)}</h2>
                <p data-testid="storage-use">{move || usage.get().map(|(u, q)| tf(state.lang.get(), Msg::StorageUsed, &[&storage_size(state.lang.get(), u), &storage_size(state.lang.get(), q)]))}</p>
                <p>{move || match persisted.get() {
                    Some(true) => t(Msg::StoragePersistent),
                    _ => t(Msg::StorageNotPersistent),
                }}</p>
                <Show when=move || persisted.get() != Some(true)>
                    <button type="button" class="button" on:click=ask_persist>{state.tr(Msg::RequestPersist)}</button>
                </Show>
                {(!kept.is_empty()).then(|| view! {
                    <p class="banner warn">{state.tr(Msg::ErrCorrupt)} " (" {kept.join(", ")} ")"</p>
                })}
            </section>
        </section>
    }
}
