//! The cards above the dashboard's figures: the welcome card of a first visit (name and unit, add a
//! model, import a file, try sample data), the sample-data notice (removable in one step), the shortcut to
//! the field visit, and the banner naming the list's filter the figures follow.

use leptos::prelude::*;

use crate::domain::demo;
use crate::domain::filter::Filter;
use crate::domain::locality::Localities;
use crate::domain::visit::{due_count, visit_list};
use crate::i18n::{filters, number, tf, Msg};
use crate::routes::Route;
use crate::ui::components::SettingField;
use crate::ui::state::{today, use_state, AppState, Undo};

/// Adds sample data: the article's five examples, or the demo city (2,226 models). The generator and the
/// bulk add come in a chunk of their own, fetched when the officer first asks for samples (see ui/split.rs).
pub fn load_samples(state: AppState, city: bool) {
    leptos::task::spawn_local(async move {
        if add_samples(state, city).await.is_err() {
            state.show_toast(state.t(Msg::PartNotLoaded).to_string(), None);
        }
    });
}

/// [`load_samples`] once its chunk is here.
#[leptos::wasm_split::wasm_split(samples, wasm_split_path = ::leptos::wasm_split, fallible)]
fn add_samples(state: AppState, city: bool) -> Result<(), crate::ui::chunk::NotLoaded> {
    let author = state.settings.with_untracked(|s| s.author());
    state.change(
        move |app, now| {
            let models = if city { demo::province_demo(2024, now, &author) } else { demo::article_examples(now, &author) };
            app.add_samples(models, now)
        },
        move |result| match result {
            Ok(n) => state.show_toast(tf(state.lang.get_untracked(), Msg::ExamplesLoaded, &[&number(state.lang.get_untracked(), n as u64)]), None),
            Err(e) => state.show_error(&e),
        },
    );
    Ok(())
}

/// First visit: who the officer is, and the ways to start. Shown while there is no model, or no name.
#[component]
pub fn WelcomeCard() -> impl IntoView {
    let state = use_state();
    let empty = Memo::new(move |_| state.live_count() == 0);
    let nameless = Memo::new(move |_| state.settings.with(|s| s.officer.trim().is_empty()));
    view! {
        <Show when=move || empty.get() || nameless.get()>
            <section class="card welcome" data-testid="welcome">
                <h2>{state.tr(Msg::WelcomeTitle)}</h2>
                <p class="muted">{state.tr(Msg::WelcomeWho)}</p>
                <div class="welcome-who">
                    <SettingField label=Msg::OfficerName id="w-officer" get=|s| s.officer.clone() set=|s, v| s.officer = v/>
                    <SettingField label=Msg::OfficerUnit id="w-unit" get=|s| s.unit.clone() set=|s, v| s.unit = v/>
                </div>
                <Show when=move || empty.get()>
                    <p><strong>{state.tr(Msg::WelcomeStart)}</strong></p>
                    <div class="welcome-actions">
                        <a class="button primary" href=Route::NewModel.href() data-testid="welcome-add">"+ " {state.tr(Msg::AddModel)}</a>
                        <a class="button" href=Route::Exchange.href() data-testid="welcome-import">{state.tr(Msg::ImportAFile)}</a>
                        <button type="button" class="button" data-testid="welcome-samples" on:click=move |_| load_samples(state, false)>{state.tr(Msg::TrySamples)}</button>
                        <button type="button" class="button" data-testid="welcome-demo" on:click=move |_| load_samples(state, true)>{state.tr(Msg::LoadDemo)}</button>
                    </div>
                </Show>
            </section>
        </Show>
    }
}

/// "N sample models are here" with a confirmed, undoable removal of them all.
#[component]
pub fn SamplesNotice() -> impl IntoView {
    let state = use_state();
    // (the summary's count while the registry is read in parts)
    let count = Memo::new(move |_| match state.whole.get() {
        true => state.registry.with(|r| r.models().filter(|(_, m)| m.is_sample()).count()),
        false => state.summary_dashboard().map_or(0, |d| d.samples),
    });
    let confirming = RwSignal::new(false);
    let remove = move |_| {
        confirming.set(false);
        state.change(
            move |app, now| app.remove_samples(now),
            move |result| match result {
                Ok((n, token)) => {
                    let undo: Undo = std::sync::Arc::new(move || {
                        let token = token.clone();
                        state.change(move |app, now| app.undo(&token, now), move |r| if let Err(e) = r { state.show_error(&e) });
                    });
                    state.show_toast(tf(state.lang.get_untracked(), Msg::SamplesRemoved, &[&number(state.lang.get_untracked(), n as u64)]), Some(undo));
                }
                Err(e) => state.show_error(&e),
            },
        );
    };
    view! {
        <Show when=move || { count.get() > 0 }>
            <div class="banner info samples" data-testid="samples-notice">
                <span>{move || tf(state.lang.get(), Msg::SamplesPresent, &[&number(state.lang.get(), count.get() as u64)])}</span>
                <Show when=move || !confirming.get() fallback=move || view! {
                    <span class="row">
                        <button type="button" class="button danger" data-testid="confirm-remove-samples" on:click=remove>{state.tr(Msg::RemoveSamples)}</button>
                        <button type="button" class="button" on:click=move |_| confirming.set(false)>{state.tr(Msg::Cancel)}</button>
                    </span>
                }>
                    <button type="button" class="button" data-testid="remove-samples" on:click=move |_| confirming.set(true)>{state.tr(Msg::RemoveSamples)}</button>
                </Show>
            </div>
        </Show>
    }
}

/// The way to the field visit, with the remembered commune and how many of its models are due.
#[component]
pub fn VisitShortcut() -> impl IntoView {
    let state = use_state();
    let commune = Memo::new(move |_| state.settings.with(|s| s.visit_commune));
    let day = today();
    let summary = move || {
        let lang = state.lang.get();
        match commune.get().and_then(|c| Localities::builtin().unit(c).map(|u| (c, u.name.clone()))) {
            // another commune than the summary's waits for every record
            Some((code, name)) if !state.whole.get() && Some(code) != state.summary_commune() => format!("{name} · {}", Msg::StillLoadingShort.text(lang)),
            Some((code, name)) => {
                let (n, due) = state.registry.with(|r| {
                    let cards = visit_list(r, code, day);
                    (cards.len(), due_count(&cards))
                });
                format!("{name} · {}", tf(lang, Msg::VisitDueSummary, &[&number(lang, n as u64), &number(lang, due as u64)]))
            }
            None => Msg::VisitShortcutNone.text(lang).to_string(),
        }
    };
    view! {
        <Show when=move || { state.live_count() > 0 }>
            <a class="card visit-shortcut no-print" href=Route::Visit { query: String::new() }.href() data-testid="visit-shortcut">
                <span class="visit-shortcut-icon" aria-hidden="true">"⚑"</span>
                <span>
                    <strong>{state.tr(Msg::VisitTitle)}</strong>
                    <span class="muted small visit-shortcut-text">{summary}</span>
                </span>
                <span class="chevron" aria-hidden="true">"›"</span>
            </a>
        </Show>
    }
}

/// "Đang lọc: Chưa đánh giá · 901/2.226": the filter the figures follow, with the list and a way out.
#[component]
pub fn FilterBanner(#[prop(into)] filter: Signal<Filter>, #[prop(into)] shown: Signal<usize>) -> impl IntoView {
    let state = use_state();
    let text = move || {
        let lang = state.lang.get();
        let total = state.live_count();
        let what = filter.with(|f| filters::describe(lang, f, Localities::builtin()));
        tf(lang, Msg::FilteringBy, &[&what, &number(lang, shown.get() as u64), &number(lang, total as u64)])
    };
    view! {
        <Show when=move || filter.with(|f| f.is_filtering())>
            <p class="banner warn filter-banner" data-testid="filter-banner">
                <span>{text}</span>
                <span class="row">
                    <a href=move || Route::Models { query: filter.with(|f| f.to_query()) }.href()>{state.tr(Msg::SeeList)}</a>
                    <button type="button" class="link" data-testid="clear-filter" on:click=move |_| state.update_settings(|s| s.last_filter.clear())>{state.tr(Msg::ClearFilters)}</button>
                </span>
            </p>
        </Show>
    }
}
