//! Danh sách mô hình: search, filters, field counts, sorted and paged results. The filter lives in the
//! URL (`#/models?q=…`), so the view can be bookmarked and shared. While the registry is read in parts the
//! unfiltered first page comes from the stored summary (its models, the summary's counts); any other
//! view says it is still loading until every record is read.

use leptos::prelude::*;

use crate::domain::filter::{page_of, sorted_order, start_years, Filter, RatingFilter, Selection, Sort, PAGE_SIZE};
use crate::domain::locality::Localities;
use crate::domain::model::{Field, LeadOrganization, Rating, Status};
use crate::i18n::{number, tf, Msg, Named};
use crate::routes::Route;
use crate::ui::components::{LocalityOptions, StillLoading};
use crate::ui::dashboard_cards::{load_samples, SamplesNotice};
use crate::ui::state::use_state;
use crate::ui::url_state::{use_url_writer, Pause};

fn sort_msg(s: Sort) -> Msg {
    match s {
        Sort::Updated => Msg::SortUpdated,
        Sort::Title => Msg::SortTitle,
        Sort::Started => Msg::SortStarted,
        Sort::Locality => Msg::SortLocality,
        Sort::Rating => Msg::SortRating,
    }
}

#[component]
pub fn ModelsPage(#[prop(into)] query: Signal<String>) -> impl IntoView {
    let state = use_state();
    let filter = RwSignal::new(Filter::from_query(&query.get_untracked()));
    let t = move |m: Msg| state.t(m);
    // The URL changed from outside (a link, back/forward, the Models tab): show what it says.
    Effect::new(move |_| {
        let from_url = Filter::from_query(&query.get());
        if from_url.to_query() != filter.with_untracked(|f| f.to_query()) {
            filter.set(from_url);
        }
    });
    // The dashboard follows the list's filter (without its page and sort): written to the settings at
    // once, so leaving the list a moment after typing still takes the filter along.
    let follow_in_dashboard = move |f: &Filter| {
        let q = Filter { page: 0, sort: Default::default(), ..f.clone() }.to_query();
        if state.settings.with_untracked(|s| s.last_filter != q) {
            state.update_settings(|s| s.last_filter = q);
        }
    };
    // While the officer types, the URL waits for a pause: rewriting it (history.replaceState) costs more
    // than the search itself on a slow phone. A chip, a select or a page is written at once, and leaving
    // the search box writes a waiting text at once.
    let url = use_url_writer();
    let typing = Pause::new();
    let written_text = StoredValue::new(filter.with_untracked(|f| f.text.clone()));
    let write_url = move || {
        filter.with_untracked(|f| url.replace(&Route::Models { query: f.to_query() }));
        written_text.set_value(filter.with_untracked(|f| f.text.clone()));
    };
    let flush = move || typing.flush();
    Effect::new(move |drawn: Option<()>| {
        let text_changed = filter.with(|f| written_text.with_value(|t| *t != f.text));
        filter.with_untracked(|f| follow_in_dashboard(f));
        if drawn.is_none() {
            // the URL already says it
        } else if text_changed {
            typing.hold(write_url);
        } else {
            typing.cancel();
            write_url();
        }
    });
    // Everything but the text: what the chips, the selects, the pager and the sort read, so that a
    // keystroke does not touch them (each would otherwise set its DOM property again).
    let controls = Memo::new(move |_| filter.with(|f| Filter { text: String::new(), ..f.clone() }));
    // The sorted order is kept while only the text or the filters change, so a keystroke scans it once
    // (selection and chip counts together) and never sorts.
    let sort = Memo::new(move |_| controls.with(|f| f.sort));
    let order = Memo::new(move |_| {
        let s = sort.get();
        state.registry.with(|r| sorted_order(r, s))
    });
    let criteria = Memo::new(move |_| filter.with(|f| Filter { page: 0, ..f.clone() }));
    let selection: Memo<Selection> = Memo::new(move |before: Option<&Selection>| {
        let before = before.and_then(|b| b.found.as_ref());
        criteria.with(|f| {
            order.with(|o| {
                state.registry.with(|r| {
                    if f.text.trim().is_empty() {
                        f.select_in(r, o, None, None)
                    } else {
                        state.search.with(|ix| f.select_in(r, o, Some(ix), before))
                    }
                })
            })
        })
    });
    let total = Memo::new(move |_| state.live_count());
    // Before the registry is whole only the unfiltered first page can be shown (the summary holds it).
    let first_screen = Memo::new(move |_| criteria.with(|f| *f == Filter::default()) && controls.with(|f| f.page == 0));
    let waiting = Memo::new(move |_| !state.whole.get() && !first_screen.get());
    let counts = Memo::new(move |_| match state.whole.get() {
        true => Some(selection.with(|s| s.field_counts.map(|n| n as u64))),
        false if first_screen.get() => state.summary_dashboard().map(|d| d.summary.by_field.map(|n| n as u64)),
        false => None,
    });
    // The years models started in: every model's, so none while the registry is read (the models read
    // so far would offer too few), save the one chosen.
    let years = Memo::new(move |_| {
        let mut years = if state.whole.get() { state.registry.with(start_years) } else { Vec::new() };
        if let Some(y) = controls.with(|f| f.year).filter(|y| !years.contains(y)) {
            years.push(y);
            years.sort_unstable_by(|a, b| b.cmp(a));
        }
        years
    });
    let set = move |change: fn(&mut Filter, String), v: String| {
        filter.update(|f| {
            change(f, v);
            f.page = 0;
        })
    };
    let page = Memo::new(move |_| {
        let p = controls.with(|f| f.page);
        selection.with(|s| {
            let s = &s.positions;
            let (slice, pages) = page_of(s, p);
            // (while read in parts, the pages of the whole registry: the next one says it is loading)
            let pages = if state.whole.get() { pages } else { total.get().div_ceil(PAGE_SIZE).max(1) };
            (slice.to_vec(), pages, p.min(pages - 1))
        })
    });
    let no_match = move || !waiting.get() && selection.with(|s| s.positions.is_empty()) && total.get() != 0;
    let shown = move || if state.whole.get() { selection.with(|s| s.positions.len()) } else { total.get() };
    let load_examples = move |_| load_samples(state, false);
    let load_demo = move |_| load_samples(state, true);

    view! {
        <section class="page models-page" data-testid="models-page">
            <div class="page-head">
                <h1>{state.tr(Msg::ModelsTitle)}</h1>
                <a class="button primary sticky-action" href=Route::NewModel.href() data-testid="add-model">
                    "+ " {state.tr(Msg::AddModel)}
                </a>
            </div>
            <Show when=move || total.get() == 0>
                <div class="empty card">
                    <p>{state.tr(Msg::EmptyRegistry)}</p>
                    <div class="row">
                        <button type="button" class="button" on:click=load_examples data-testid="load-examples">{state.tr(Msg::LoadExamples)}</button>
                        <button type="button" class="button" on:click=load_demo data-testid="load-demo">{state.tr(Msg::LoadDemo)}</button>
                    </div>
                </div>
            </Show>
            <SamplesNotice/>
            {move || controls.with(|f| f.locality).and_then(|c| Localities::builtin().current_communes().find(|u| u.code == c)).map(|u| view! {
                <a class="button visit-here" href=Route::Visit { query: format!("loc={}", u.code) }.href() data-testid="visit-here">
                    "⚑ " {tf(state.lang.get(), Msg::VisitHere, &[&u.name])}
                </a>
            })}
            <div class="search">
                <label for="search" class="visually-hidden">{state.tr(Msg::Search)}</label>
                <input id="search" type="search" inputmode="search" autocomplete="off"
                    placeholder=state.tr(Msg::SearchPlaceholder)
                    prop:value=move || filter.with(|f| f.text.clone())
                    on:input=move |ev| set(|f, v| f.text = v, event_target_value(&ev))
                    on:focus=move |_| state.search.with_untracked(|_| ())
                    on:blur=move |_| flush()/>
            </div>
            <div class="chips" role="group" aria-label=state.tr(Msg::Field)>
                {Field::ALL.iter().map(|field| {
                    let field = *field;
                    let on = move || controls.with(|f| f.field == Some(field));
                    view! {
                        <button type="button" class="chip" data-testid=format!("chip-{}", field.code()) aria-pressed=move || on().to_string()
                            on:click=move |_| filter.update(|f| {
                                f.field = if f.field == Some(field) { None } else { Some(field) };
                                f.page = 0;
                            })>
                            <span class=format!("dot field-{}", field.code())></span>
                            {move || field.name(state.lang.get())}
                            <b>{move || counts.with(|c| c.as_ref().map(|c| number(state.lang.get(), c[field])).unwrap_or_else(|| "…".into()))}</b>
                        </button>
                    }
                }).collect_view()}
            </div>
            <details class="filters" data-testid="filters" open=move || filter.with(|f| f.is_filtering() && f.text.is_empty())>
                <summary>{state.tr(Msg::Filters)}</summary>
                <div class="filter-grid">
                    <label>{state.tr(Msg::Locality)}
                        <select data-testid="filter-locality" on:change=move |ev| set(|f, v| f.locality = v.parse().ok(), event_target_value(&ev))
                            prop:value=move || controls.with(|f| f.locality.map(|c| c.to_string()).unwrap_or_default())>
                            <option value="">{state.tr(Msg::AllLocalities)}</option>
                            <LocalityOptions/>
                        </select>
                    </label>
                    <label>{state.tr(Msg::Status)}
                        <select on:change=move |ev| set(|f, v| f.status = Status::from_code(&v), event_target_value(&ev))
                            prop:value=move || controls.with(|f| f.status.map(|s| s.code()).unwrap_or(""))>
                            <option value="">{state.tr(Msg::AllStatuses)}</option>
                            {Status::ALL.iter().map(|s| { let s = *s; view! {
                                <option value=s.code()>{move || s.name(state.lang.get())}</option>
                            }}).collect_view()}
                        </select>
                    </label>
                    <label>{state.tr(Msg::Rating)}
                        <select on:change=move |ev| set(|f, v| f.rating = if v == "none" { Some(RatingFilter::NotEvaluated) } else { Rating::from_code(&v).map(RatingFilter::Rated) }, event_target_value(&ev))
                            prop:value=move || controls.with(|f| match f.rating {
                                None => String::new(),
                                Some(RatingFilter::NotEvaluated) => "none".into(),
                                Some(RatingFilter::Rated(r)) => r.code().into(),
                            })>
                            <option value="">{state.tr(Msg::AllRatings)}</option>
                            {Rating::ALL.iter().map(|r| { let r = *r; view! {
                                <option value=r.code()>{move || r.name(state.lang.get())}</option>
                            }}).collect_view()}
                            <option value="none">{state.tr(Msg::NotEvaluated)}</option>
                        </select>
                    </label>
                    <label>{state.tr(Msg::LeadOrganization)}
                        <select on:change=move |ev| set(|f, v| f.organization = LeadOrganization::from_code(&v), event_target_value(&ev))
                            prop:value=move || controls.with(|f| f.organization.map(|o| o.code()).unwrap_or(""))>
                            <option value="">{state.tr(Msg::AllOrganizations)}</option>
                            {LeadOrganization::ALL.iter().map(|o| { let o = *o; view! {
                                <option value=o.code()>{move || o.name(state.lang.get())}</option>
                            }}).collect_view()}
                        </select>
                    </label>
                    <label>{state.tr(Msg::StartedOn)}
                        <select on:change=move |ev| set(|f, v| f.year = v.parse().ok(), event_target_value(&ev))
                            prop:value=move || controls.with(|f| f.year.map(|y| y.to_string()).unwrap_or_default())>
                            <option value="">{state.tr(Msg::AnyYear)}</option>
                            {move || years.get().into_iter().map(|y| view! { <option value=y.to_string()>{y}</option> }).collect_view()}
                            {move || (!state.whole.get()).then(|| view! { <option value="-" disabled data-testid="years-loading">{state.t(Msg::StillLoadingShort)}</option> })}
                        </select>
                    </label>
                    <label>{state.tr(Msg::SortBy)}
                        <select on:change=move |ev| set(|f, v| f.sort = Sort::from_code(&v).unwrap_or_default(), event_target_value(&ev))
                            prop:value=move || controls.with(|f| f.sort.code())>
                            {Sort::ALL.iter().map(|s| { let s = *s; view! {
                                <option value=s.code()>{move || t(sort_msg(s))}</option>
                            }}).collect_view()}
                        </select>
                    </label>
                    <label class="check">
                        <input type="checkbox" prop:checked=move || controls.with(|f| f.ethnic_only)
                            on:change=move |ev| { let on = event_target_checked(&ev); filter.update(|f| { f.ethnic_only = on; f.page = 0; }) }/>
                        {state.tr(Msg::EthnicOnly)}
                    </label>
                    <button type="button" class="button" on:click=move |_| filter.set(Filter::default())>{state.tr(Msg::ClearFilters)}</button>
                </div>
            </details>
            <Show when=move || !waiting.get() fallback=|| view! { <StillLoading/> }>
            <p class="result-count" aria-live="polite" data-testid="result-count">
                {move || tf(state.lang.get(), Msg::ResultsCount, &[
                    &number(state.lang.get(), shown() as u64),
                    &number(state.lang.get(), total.get() as u64),
                ])}
            </p>
            </Show>
            <Show when=move || no_match()>
                <p class="muted">{state.tr(Msg::NoResults)}</p>
            </Show>
            <ul class="model-list" data-testid="model-list">
                {move || {
                    if waiting.get() {
                        return None::<AnyView>;
                    }
                    let (positions, _, _) = page.get();
                    let lang = state.lang.get();
                    state.registry.with(|r| positions.iter().map(|&i| {
                        let m = &r.all_models()[i];
                        let rating = m.current_rating();
                        let href = Route::Model { id: m.id.clone() }.href();
                        let place = r.derived(i).placement;
                        let current_name = Localities::builtin().placement_name(place).unwrap_or("");
                        let loc = if m.locality.name.is_empty() || crate::domain::fold::fold(current_name) == crate::domain::fold::fold(&m.locality.name) {
                            m.locality.name.clone()
                        } else {
                            format!("{} → {}", m.locality.name, current_name)
                        };
                        let loc = match &m.locality.village { Some(v) if !v.is_empty() => format!("{v}, {loc}"), _ => loc };
                        view! {
                            <li class="model-item" data-testid="model-item">
                                <a href=href>
                                    <span class=format!("field-bar field-{}", m.field.code()) aria-hidden="true"></span>
                                    <span class="model-main">
                                        <span class="model-title" data-testid="model-item-title">{m.title.clone()}</span>
                                        <span class="model-meta">{loc}</span>
                                        <span class="model-tags">
                                            {m.is_sample().then(|| view! { <span class="tag sample">{Msg::SampleTag.text(lang)}</span> })}
                                            <span class="tag">{m.field.name(lang)}</span>
                                            {m.status.map(|s| view! { <span class="tag">{s.name(lang)}</span> })}
                                            <span class=format!("tag rating-{}", rating.map(|r| r.code()).unwrap_or("none"))>
                                                {rating.map(|r| r.name(lang)).unwrap_or(Msg::NotEvaluated.text(lang))}
                                            </span>
                                        </span>
                                    </span>
                                </a>
                            </li>
                        }
                    }).collect_view())
                    .into_any()
                    .into()
                }}
            </ul>
            <Show when=move || !waiting.get() && page.with(|p| p.1 > 1)>
                <nav class="pager" aria-label=state.tr(Msg::PageNav)>
                    <button type="button" class="button" disabled=move || page.with(|p| p.2 == 0)
                        on:click=move |_| { filter.update(|f| f.page = f.page.saturating_sub(1)); window().scroll_to_with_x_and_y(0.0, 0.0); }>
                        {state.tr(Msg::PrevPage)}</button>
                    <span>{move || page.with(|p| tf(state.lang.get(), Msg::PageOf, &[&(p.2 + 1), &p.1]))}</span>
                    <button type="button" class="button" disabled=move || page.with(|p| p.2 + 1 >= p.1)
                        on:click=move |_| { filter.update(|f| f.page = (f.page + 1).min(page.with_untracked(|p| p.1 - 1))); window().scroll_to_with_x_and_y(0.0, 0.0); }>
                        {state.tr(Msg::NextPage)}</button>
                </nav>
            </Show>
        </section>
    }
}
