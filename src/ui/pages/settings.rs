//! Cài đặt: language, the officer profile stamped on every change, the letterhead of printed reports
//! (issuing body, signer, recipients), and the state of storage (persistence, use, values kept aside).

use leptos::prelude::*;
use wasm_bindgen_futures::spawn_local;

use crate::domain::letterhead::{Letterhead, DEFAULT_PLACE};
use crate::i18n::{percent, storage_size, tf, Lang, Msg, PageMsg};
use crate::app::LOCAL_STORAGE_UNITS;
use crate::ui::components::{ClockWarning, SettingField};
use crate::ui::platform;
use crate::ui::state::use_state;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let state = use_state();
    let persisted = RwSignal::new(None::<bool>);
    // What the records take of localStorage, where they live (not the browser's whole quota).
    let usage = RwSignal::new(state.read(|a| a.storage_usage()));
    // The photos' images, kept apart in IndexedDB: their total and how many.
    let photos = RwSignal::new(None::<(u64, usize)>);
    spawn_local(async move {
        let sizes = state.image_sizes().await;
        let _ = photos.try_set(Some((sizes.values().sum(), sizes.len())));
    });
    let refresh = move || {
        spawn_local(async move {
            if let Some(v) = platform::storage_persisted().await {
                let _ = persisted.try_set(Some(v));
            }
        });
    };
    refresh();
    let ask_persist = move |_| {
        spawn_local(async move {
            platform::ask_storage_persist().await;
            refresh();
        });
    };
    let kept = state.read(|a| a.kept_aside());
    // A letterhead field: saved as typed (trimmed) when it loses focus, like the profile. Its placeholder:
    // a translated example, or a fixed text (the default place; none). (A message, not a function giving
    // its text: a function taken as a pointer can stay in the main module, with every text it reads.)
    let lh_field = move |label: PageMsg, example: Result<PageMsg, &'static str>, id: &'static str, get: fn(&Letterhead) -> String, set: fn(&mut Letterhead, String)| {
        view! {
            <div class="field">
                <label for=id>{move || state.t(label)}</label>
                <input id=id type="text" autocomplete="off" placeholder=move || example.map_or_else(|fixed| fixed, |m| state.t(m))
                    prop:value=move || state.settings.with(|s| get(&s.letterhead))
                    on:change=move |ev| { state.update_settings(|s| set(&mut s.letterhead, event_target_value(&ev).trim().to_string())); }/>
            </div>
        }
    };
    view! {
        <section class="page settings-page" data-testid="settings-page">
            <h1>{state.tr(PageMsg::SettingsTitle)}</h1>
            <ClockWarning/>
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
                <h2>{state.tr(PageMsg::OfficerProfile)}</h2>
                <SettingField label=Msg::OfficerName id="s-officer" get=|s| s.officer.clone() set=|s, v| s.officer = v/>
                <SettingField label=Msg::OfficerUnit id="s-unit" get=|s| s.unit.clone() set=|s, v| s.unit = v/>
                <p class="muted small">{state.tr(PageMsg::DeviceId)} ": " <code>{move || state.settings.with(|s| s.device_id.clone())}</code></p>
            </section>
            {crate::ui::split::lazy_page(crate::ui::sync_panel::sync_card)}
            <section class="card" data-testid="letterhead">
                <h2>{state.tr(PageMsg::LetterheadTitle)}</h2>
                <p class="muted small">{state.tr(PageMsg::LetterheadIntro)}</p>
                {lh_field(PageMsg::LhSuperior, Ok(PageMsg::LhSuperiorEg), "s-lh-superior", |l| l.superior.clone(), |l, v| l.superior = v)}
                {lh_field(PageMsg::LhIssuer, Ok(PageMsg::LhIssuerEg), "s-lh-issuer", |l| l.issuer.clone(), |l, v| l.issuer = v)}
                {lh_field(PageMsg::LhIssuerCode, Ok(PageMsg::LhIssuerCodeEg), "s-lh-code", |l| l.issuer_code.clone(), |l, v| l.issuer_code = v)}
                {lh_field(PageMsg::LhPlace, Err(DEFAULT_PLACE), "s-lh-place", |l| l.place.clone(), |l, v| l.place = v)}
                {lh_field(PageMsg::LhAuthority, Ok(PageMsg::LhAuthorityEg), "s-lh-authority", |l| l.authority.clone(), |l, v| l.authority = v)}
                {lh_field(PageMsg::LhSignerRole, Ok(PageMsg::LhSignerRoleEg), "s-lh-role", |l| l.signer_role.clone(), |l, v| l.signer_role = v)}
                {lh_field(PageMsg::LhSignerName, Err(""), "s-lh-name", |l| l.signer_name.clone(), |l, v| l.signer_name = v)}
                <div class="field">
                    <label for="s-lh-recipients">{state.tr(PageMsg::LhRecipients)}</label>
                    <textarea id="s-lh-recipients" rows="4" placeholder=state.tr(PageMsg::LhRecipientsEg)
                        prop:value=move || state.settings.with(|s| s.letterhead.recipients.clone())
                        on:change=move |ev| { state.update_settings(|s| s.letterhead.recipients = event_target_value(&ev).trim().to_string()); }></textarea>
                </div>
            </section>
            <section class="card">
                <h2>{state.tr(PageMsg::StorageUse)}</h2>
                <p data-testid="storage-use">{move || {
                    let (lang, u) = (state.lang.get(), usage.get());
                    tf(lang, PageMsg::StorageUsed, &[&storage_size(lang, u.total()), &storage_size(lang, LOCAL_STORAGE_UNITS), &percent(u.share())])
                }}</p>
                <div class="bar" role="presentation"><span style=move || format!("width:{:.0}%", (usage.get().share() * 100.0).min(100.0))></span></div>
                <p class="muted small" data-testid="storage-parts">{move || {
                    let (lang, u) = (state.lang.get(), usage.get());
                    tf(lang, PageMsg::StorageParts, &[&storage_size(lang, u.records), &storage_size(lang, u.backups), &storage_size(lang, u.other)])
                }}</p>
                <p class="small" data-testid="storage-photos">{move || photos.get().map(|(bytes, n)| {
                    let lang = state.lang.get();
                    tf(lang, PageMsg::UsagePhotos, &[&storage_size(lang, bytes as usize), &n])
                })}</p>
                <p>{move || match persisted.get() {
                    Some(true) => state.t(PageMsg::StoragePersistent),
                    _ => state.t(PageMsg::StorageNotPersistent),
                }}</p>
                <Show when=move || persisted.get() != Some(true)>
                    <button type="button" class="button" on:click=ask_persist>{state.tr(PageMsg::RequestPersist)}</button>
                </Show>
                {(!kept.is_empty()).then(|| view! {
                    <p class="banner warn">{state.tr(Msg::ErrCorrupt)} " (" {kept.join(", ")} ")"</p>
                })}
            </section>
        </section>
    }
}
