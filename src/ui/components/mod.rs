//! Small components shared by pages: language switch, banners, toast, locality picker, draft offer, the
//! warning that this phone's clock is behind, the "still loading" state of a page that needs every record; the
//! chart frame and number table are in `chart.rs`.

mod chart;
pub mod evidence;

pub use chart::{Chart, ChartFrame, ChartSpec, TableView};

use leptos::prelude::*;

use super::state::{fmt_local_date, now, use_state};
use crate::domain::locality::{Level, Localities, Structure};
use crate::domain::model::LocalityRef;
use crate::i18n::{tf, Lang, Msg, PageMsg};

/// Vietnamese / English, remembered in settings.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let state = use_state();
    view! {
        <div class="lang-switch" role="group" aria-label=move || state.t(Msg::Language)>
            {Lang::ALL
                .into_iter()
                .map(|l| {
                    view! {
                        <button
                            type="button"
                            lang=l.code()
                            title=l.native_name()
                            data-testid=format!("header-lang-{}", l.code())
                            aria-pressed=move || (state.lang.get() == l).to_string()
                            on:click=move |_| {
                                state.update_settings(|s| s.lang = l.code().to_string());
                            }
                        >
                            {l.code().to_uppercase()}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// "Still reading the whole registry": what a page (or the part of one) that needs every record shows
/// while the registry is read in parts, instead of a partial figure.
#[component]
pub fn StillLoading() -> impl IntoView {
    let state = use_state();
    view! {
        <p class="card still-loading" role="status" aria-live="polite" data-testid="still-loading">
            <span class="spinner" aria-hidden="true"></span>
            {state.tr(Msg::StillLoading)}
        </p>
    }
}

/// `children` once the registry is whole (`AppState::whole`), "still loading" until then; `ready` lets
/// them show before (what they need is in the summary already).
#[component]
pub fn WhenWhole(#[prop(optional, into)] ready: Option<Signal<bool>>, children: ChildrenFn) -> impl IntoView {
    let state = use_state();
    view! {
        <Show when=move || state.whole.get() || ready.is_some_and(|r| r.get()) fallback=|| view! { <StillLoading/> }>
            {children()}
        </Show>
    }
}

/// Load-time notices and the last failed write.
#[component]
pub fn Banners() -> impl IntoView {
    let state = use_state();
    let notices = move || state.notices.get().into_iter().enumerate().collect::<Vec<_>>();
    let damaged = move || {
        state.registry.track();
        state.read(|a| a.read_only()) == Some(crate::storage::repository::ReadOnly::Damaged)
    };
    view! {
        <Show when=move || state.update_ready.get()>
            <div class="banner info" role="status" data-testid="update-ready">
                <span>{move || state.t(Msg::NewVersion)}</span>
                <button type="button" class="button primary" on:click=|_| super::platform::activate_update()>{move || state.t(Msg::Reload)}</button>
            </div>
        </Show>
        <Show when=damaged>
            <div class="banner error" role="alert" data-testid="damaged">
                <span>{state.tr(Msg::ErrReadOnlyDamaged)}</span>
                <div class="banner-actions">
                    <a class="button" href="#/exchange" data-testid="damaged-export">{state.tr(Msg::ExportReadable)}</a>
                    <a class="button" href="#/exchange" data-testid="damaged-restore">{state.tr(Msg::GoRestore)}</a>
                    <button type="button" class="button" data-testid="accept-damage" on:click=move |_| {
                        state.change(|app, now| app.accept_damage(now), move |r| if let Err(e) = r { state.show_error(&e) });
                    }>{state.tr(Msg::AcceptDamage)}</button>
                </div>
            </div>
        </Show>
        <Show when=move || state.save_error.with(|e| e.is_some())>
            <div class="banner error" role="alert" data-testid="save-error">
                {move || state.save_error.get().map(|m| state.t(m))}
            </div>
        </Show>
        <For
            each=notices
            key=|(i, n)| (*i, n.clone())
            children=move |(i, n)| {
                view! {
                    <div class="banner warn" role="alert" data-testid="notice">
                        <span>{move || super::notice_text(&n, state.lang.get())}</span>
                        <button type="button" class="link" on:click=move |_| state.notices.update(|v| {
                            if i < v.len() {
                                v.remove(i);
                            }
                        })>{move || state.t(Msg::Dismiss)}</button>
                    </div>
                }
            }
        />
    }
}

/// The toast at the bottom, with its undo button; it goes away after a while.
#[component]
pub fn ToastView() -> impl IntoView {
    let state = use_state();
    let generation = StoredValue::new(0u32);
    Effect::new(move |_| {
        if state.toast.with(|t| t.is_some()) {
            generation.update_value(|g| *g += 1);
            let mine = generation.get_value();
            // long enough to read, longer when it offers an undo
            let secs = if state.toast.with_untracked(|t| t.as_ref().is_some_and(|t| t.undo.is_some())) { 10 } else { 5 };
            set_timeout(
                move || {
                    if generation.get_value() == mine {
                        state.toast.set(None);
                    }
                },
                std::time::Duration::from_secs(secs),
            );
        }
    });
    view! {
        <div class="toast-area" aria-live="polite">
            {move || state.toast.get().map(|toast| {
                let undo = toast.undo;
                view! {
                    <div class="toast" role="status" data-testid="toast">
                        <span>{toast.text.clone()}</span>
                        {undo.map(|cb| view! {
                            <button type="button" class="toast-action" data-testid="toast-undo" on:click=move |_| {
                                cb();
                                state.toast.set(None);
                            }>{move || state.t(Msg::Undo)}</button>
                        })}
                        <button type="button" class="toast-close" aria-label=move || state.t(Msg::Close)
                            on:click=move |_| state.toast.set(None)>"×"</button>
                    </div>
                }
            })}
        </div>
    }
}

/// The options of a locality `<select>`: the current communes and wards, then the former (2025-01)
/// districts, whose records count under their successors. The caller writes the first option.
#[component]
pub fn LocalityOptions() -> impl IntoView {
    let state = use_state();
    view! {
        <optgroup label=move || state.t(Msg::CurrentUnits)>
            {Localities::builtin().current_communes().map(|u| view! { <option value=u.code.to_string()>{u.name.clone()}</option> }).collect_view()}
        </optgroup>
        <optgroup label=move || state.t(Msg::FormerDistricts)>
            {Localities::builtin().old_districts().map(|u| view! { <option value=u.code.to_string()>{u.name.clone()}</option> }).collect_view()}
        </optgroup>
    }
}

/// Picks a commune or ward by typing part of its name (accents optional). Current units come first;
/// a pre-2025 unit can be picked too and keeps its name.
#[component]
pub fn LocalityPicker(value: RwSignal<LocalityRef>, #[prop(into)] input_id: String, #[prop(into)] invalid: Signal<bool>) -> impl IntoView {
    let state = use_state();
    let query = RwSignal::new(value.get_untracked().name.clone());
    let open = RwSignal::new(false);
    let hits = Memo::new(move |_| {
        let q = query.get();
        Localities::builtin()
            .search(&q, 30)
            .into_iter()
            .filter(|u| u.level != Level::District)
            .map(|u| (u.code, u.name.clone(), u.structure))
            .take(12)
            .collect::<Vec<_>>()
    });
    // A unit settled from outside (a typed name resolved on save, a draft restored) shows its name.
    Effect::new(move |_| {
        let l = value.get();
        if l.code.is_some() && query.get_untracked() != l.name {
            query.set(l.name);
        }
    });
    let list_id = format!("{input_id}-list");
    let list_id2 = list_id.clone();
    view! {
        <div class="picker">
            <input
                id=input_id
                type="search"
                autocomplete="off"
                role="combobox"
                aria-expanded=move || open.get().to_string()
                aria-controls=list_id.clone()
                aria-invalid=move || invalid.get().to_string()
                placeholder=move || state.t(PageMsg::LocalitySearch)
                prop:value=move || query.get()
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    query.set(v.clone());
                    open.set(true);
                    // A typed name that is not in the lists is kept as written, with no code.
                    value.update(|l| {
                        l.name = v;
                        l.code = None;
                    });
                }
                on:focus=move |_| open.set(true)
            />
            <Show when=move || open.get() && !hits.with(|h| h.is_empty())>
                <ul class="picker-list" role="listbox" id=list_id2.clone()>
                    {move || {
                        let (current, former): (Vec<_>, Vec<_>) = hits.get().into_iter().partition(|h| h.2 == Structure::Current);
                        let option = move |(code, name): (u32, String)| view! {
                            <li role="option">
                                <button type="button" class="picker-item" on:click=move |_| {
                                    value.update(|l| {
                                        l.code = Some(code);
                                        l.name = name.clone();
                                    });
                                    query.set(name.clone());
                                    open.set(false);
                                }><span>{name.clone()}</span></button>
                            </li>
                        };
                        let group = move |label: &'static str, units: Vec<(u32, String, Structure)>| (!units.is_empty()).then(|| view! {
                            <li role="presentation" class="picker-group">{label}</li>
                            {units.into_iter().map(|(c, n, _)| option((c, n))).collect_view()}
                        });
                        view! {
                            {group(state.t(Msg::CurrentUnits), current)}
                            {group(state.t(PageMsg::FormerUnitsGroup), former)}
                        }
                    }}
                </ul>
            </Show>
        </div>
    }
}

/// Offers back what a form held when the tab was closed or killed before it was saved (a draft): restore
/// it, or discard it. Shows nothing when there is no draft.
#[component]
pub fn DraftOffer(form: String, #[prop(into)] on_restore: Callback<String>) -> impl IntoView {
    let state = use_state();
    let draft = RwSignal::new(state.read(|a| a.draft(&form)));
    let form2 = form.clone();
    view! {
        {move || draft.get().map(|d| {
            let form = form2.clone();
            let text = d.text.clone();
            view! {
                <div class="banner info draft-offer" role="status" data-testid="draft-offer">
                    <span>{tf(state.lang.get(), PageMsg::DraftFound, &[&crate::ui::state::fmt_local(state.lang.get(), d.at)])}</span>
                    <div class="banner-actions">
                        <button type="button" class="button primary" data-testid="draft-restore" on:click=move |_| {
                            on_restore.run(text.clone());
                            draft.set(None);
                        }>{state.tr(PageMsg::DraftRestore)}</button>
                        <button type="button" class="button" data-testid="draft-discard" on:click=move |_| {
                            state.discard_draft(&form);
                            draft.set(None);
                        }>{state.tr(PageMsg::DraftDiscard)}</button>
                    </div>
                </div>
            }
        })}
    }
}

/// One text setting of the officer's profile (name, unit): written, trimmed, when it loses focus. Used by
/// the Settings page and the welcome card.
#[component]
pub fn SettingField(label: Msg, id: &'static str, get: fn(&crate::app::Settings) -> String, set: fn(&mut crate::app::Settings, String)) -> impl IntoView {
    let state = use_state();
    view! {
        <div class="field">
            <label for=id>{state.tr(label)}</label>
            <input id=id type="text" prop:value=move || state.settings.with(get)
                on:change=move |ev| { state.update_settings(|s| set(s, event_target_value(&ev).trim().to_string())); }/>
        </div>
    }
}

/// While this phone's clock is known to be behind (it has accepted times more than a day after its own
/// date: `App::clock_behind`), a short warning with both dates. Settings and the export screen show it.
#[component]
pub fn ClockWarning() -> impl IntoView {
    let state = use_state();
    move || {
        state.registry.track();
        let lang = state.lang.get();
        let phone = now();
        state.read(|app| app.clock_behind(phone)).map(|newest| {
            view! {
                <p class="banner warn" role="status" data-testid="clock-warning">
                    {tf(lang, Msg::ClockBehindDevice, &[&fmt_local_date(lang, phone), &fmt_local_date(lang, newest)])}
                </p>
            }
        })
    }
}
