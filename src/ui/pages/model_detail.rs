//! Trang mô hình: one model's details, its rating history, a quick evaluation form for field visits, and
//! delete (confirmed, undoable).

use leptos::prelude::*;

use crate::domain::locality::Localities;
use crate::domain::model::{Consensus, Evaluation, Extra, Model, Rating};
use crate::domain::validate::validate_evaluation;
use crate::i18n::{number, tf, validation, Lang, Msg, Named};
use crate::routes::Route;
use crate::ui::state::{new_id, now, today, use_state, Undo};

fn row(label: &'static str, value: String) -> impl IntoView {
    view! { <div class="kv"><dt>{label}</dt><dd>{value}</dd></div> }
}

fn details(m: &Model, lang: Lang) -> impl IntoView {
    let t = |x: Msg| x.text(lang);
    let place = Localities::builtin().place(&m.locality);
    let current = Localities::builtin().placement_name(place).map(str::to_string);
    let mut loc = m.locality.name.clone();
    if let Some(v) = m.locality.village.as_ref().filter(|v| !v.is_empty()) {
        loc = format!("{v}, {loc}");
    }
    let former = current
        .filter(|c| crate::domain::fold::fold(c) != crate::domain::fold::fold(&m.locality.name))
        .map(|c| tf(lang, Msg::OldUnitNote, &[&c]));
    let num = |n: Option<u64>| n.map(|n| number(lang, n)).unwrap_or_else(|| "—".into());
    view! {
        <dl class="details">
            {row(t(Msg::Field), m.field.name(lang).to_string())}
            {row(t(Msg::Locality), loc)}
            {former.map(|f| view! { <div class="kv"><dt></dt><dd class="muted">{f}</dd></div> })}
            {row(t(Msg::Lead), if m.lead.is_empty() { "—".into() } else { m.lead.clone() })}
            {row(t(Msg::LeadOrganization), m.lead_organization.map(|o| o.name(lang).to_string()).unwrap_or_else(|| "—".into()))}
            {row(t(Msg::Status), m.status.map(|s| s.name(lang).to_string()).unwrap_or_else(|| "—".into()))}
            {row(t(Msg::EthnicArea), t(if m.ethnic_minority_area { Msg::Yes } else { Msg::No }).to_string())}
            {row(t(Msg::StartedOn), m.started_on.map(|d| d.to_string()).unwrap_or_else(|| "—".into()))}
            {row(t(Msg::Participants), num(m.participants.map(u64::from)))}
            {row(t(Msg::Households), num(m.beneficiary_households.map(u64::from)))}
            {row(t(Msg::MoneyVnd), num(m.contributions.money_vnd))}
            {row(t(Msg::WorkDays), num(m.contributions.work_days))}
            {row(t(Msg::LandM2), num(m.contributions.land_m2))}
            {row(t(Msg::Recognition), m.recognition.as_ref().map(|r| match r.year {
                Some(y) => format!("{} ({y})", r.level.name(lang)),
                None => r.level.name(lang).to_string(),
            }).unwrap_or_else(|| t(Msg::NotRecognized).into()))}
            {(!m.tags.is_empty()).then(|| row(t(Msg::Tags), m.tags.join(", ")))}
        </dl>
        {(!m.description.is_empty()).then(|| view! { <p class="description">{m.description.clone()}</p> })}
    }
}

/// The quick evaluation form: rating (one tap), close to needs, consensus, optional notes, save.
#[component]
fn EvaluationForm(id: String) -> impl IntoView {
    let state = use_state();
    let t = move |m: Msg| state.t(m);
    let rating = RwSignal::new(None::<Rating>);
    let close = RwSignal::new(Some(true));
    let consensus = RwSignal::new(Some(Consensus::High));
    let notes = RwSignal::new(String::new());
    let date = RwSignal::new(today().to_string());
    let by = RwSignal::new(state.settings.with_untracked(|s| if s.unit.is_empty() { s.officer.clone() } else { s.unit.clone() }));
    let error = RwSignal::new(None::<Msg>);
    let save = move |_| {
        let Some(r) = rating.get_untracked() else {
            error.set(Some(Msg::ErrRequired));
            return;
        };
        let Some(d) = crate::domain::time::Date::parse(&date.get_untracked()) else {
            error.set(Some(Msg::ErrInvalidDate));
            return;
        };
        let e = Evaluation { recorded_at: Some(now()),
            id: new_id(),
            date: d,
            by: by.get_untracked().trim().to_string(),
            rating: r,
            close_to_needs: close.get_untracked(),
            consensus: consensus.get_untracked(),
            notes: notes.get_untracked().trim().to_string(),
            extra: Extra::new(),
        };
        if let Some(err) = validate_evaluation(&e, today()).into_iter().next() {
            error.set(Some(validation::msg(err.problem)));
            return;
        }
        let stamp = state.stamp();
        let id2 = id.clone();
        state.commit(move |reg| {
            if let Some(mut m) = reg.get(&id2).cloned() {
                m.evaluations.push(e);
                reg.save(m, now(), &stamp);
            }
        });
        rating.set(None);
        notes.set(String::new());
        error.set(None);
        state.show_toast(t(Msg::EvaluationSaved).to_string(), None);
    };
    view! {
        <form class="card eval-form" on:submit=move |ev| { ev.prevent_default(); save(()); }>
            <h2>{state.tr(Msg::AddEvaluation)}</h2>
            <fieldset class="rating-buttons">
                <legend>{state.tr(Msg::Rating)}</legend>
                {Rating::ALL.iter().map(|r| { let r = *r; view! {
                    <button type="button" class=format!("rate rating-{}", r.code()) data-testid=format!("rate-{}", r.code()) aria-pressed=move || (rating.get() == Some(r)).to_string()
                        on:click=move |_| rating.set(Some(r))>{move || r.name(state.lang.get())}</button>
                }}).collect_view()}
            </fieldset>
            <fieldset class="seg">
                <legend>{state.tr(Msg::CloseToNeeds)}</legend>
                <button type="button" aria-pressed=move || (close.get() == Some(true)).to_string() on:click=move |_| close.set(Some(true))>{state.tr(Msg::Yes)}</button>
                <button type="button" aria-pressed=move || (close.get() == Some(false)).to_string() on:click=move |_| close.set(Some(false))>{state.tr(Msg::No)}</button>
            </fieldset>
            <fieldset class="seg">
                <legend>{state.tr(Msg::Consensus)}</legend>
                {Consensus::ALL.iter().map(|c| { let c = *c; view! {
                    <button type="button" aria-pressed=move || (consensus.get() == Some(c)).to_string() on:click=move |_| consensus.set(Some(c))>{move || c.name(state.lang.get())}</button>
                }}).collect_view()}
            </fieldset>
            <details>
                <summary>{state.tr(Msg::Details)}</summary>
                <label>{state.tr(Msg::EvaluationDate)}<input type="date" prop:value=move || date.get() on:input=move |ev| date.set(event_target_value(&ev))/></label>
                <label>{state.tr(Msg::EvaluatedBy)}<input type="text" prop:value=move || by.get() on:input=move |ev| by.set(event_target_value(&ev))/></label>
                <label>{state.tr(Msg::Notes)}<textarea prop:value=move || notes.get() on:input=move |ev| notes.set(event_target_value(&ev))></textarea></label>
            </details>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert">{state.t(e)}</p> })}
            <button type="submit" class="button primary" data-testid="save-evaluation">{state.tr(Msg::Save)}</button>
            <p class="muted small">{state.tr(Msg::AppendOnlyNote)}</p>
        </form>
    }
}

#[component]
pub fn ModelDetailPage(id: String) -> impl IntoView {
    let state = use_state();
    let t = move |m: Msg| state.t(m);
    let id_for_model = id.clone();
    let model = Memo::new(move |_| state.registry.with(|r| r.get(&id_for_model).filter(|m| !m.is_deleted()).cloned()));
    let confirming = RwSignal::new(false);
    let id_del = id.clone();
    let delete = move |_| {
        let stamp = state.stamp();
        let mut before = None;
        state.commit(|r| before = r.delete(&id_del, now(), &stamp));
        confirming.set(false);
        if let Some(before) = before {
            let title = before.title.clone();
            let undo: Undo = std::sync::Arc::new(move || {
                let stamp = state.stamp();
                let b = before.clone();
                state.commit(move |r| r.undo_delete(b, now(), &stamp));
            });
            state.show_toast(tf(state.lang.get_untracked(), Msg::Deleted, &[&title]), Some(undo));
            let _ = window().location().set_hash(&Route::Models { query: String::new() }.href());
        }
    };
    view! {
        <section class="page model-page" data-testid="model-page">
            {move || match model.get() {
                None => view! {
                    <div class="card">
                        <p>{t(Msg::ModelNotFound)}</p>
                        <a class="button" href="#/models">{t(Msg::BackToList)}</a>
                    </div>
                }.into_any(),
                Some(m) => {
                    let delete = delete.clone();
                    let lang = state.lang.get();
                    let edit = Route::EditModel { id: m.id.clone() }.href();
                    let rating = m.current_rating();
                    let mut evals = m.evaluations.clone();
                    evals.sort_by(|a, b| b.date.cmp(&a.date));
                    let updated = tf(lang, Msg::UpdatedBy, &[&m.updated_at.date(), &m.updated_by]);
                    let title = m.title.clone();
                    view! {
                        <a class="back" href="#/models">"← " {t(Msg::BackToList)}</a>
                        <h1 class="model-heading" data-testid="model-title">{m.title.clone()}</h1>
                        <p class="current-rating">
                            {t(Msg::CurrentRating)} ": "
                            <strong class=format!("tag rating-{}", rating.map(|r| r.code()).unwrap_or("none")) data-testid="current-rating">
                                {rating.map(|r| r.name(lang)).unwrap_or(Msg::NotEvaluated.text(lang))}
                            </strong>
                        </p>
                        {details(&m, lang)}
                        <p class="muted small">{updated}</p>
                        <div class="row actions">
                            <a class="button" href=edit data-testid="edit-model">{t(Msg::Edit)}</a>
                            <button type="button" class="button danger" on:click=move |_| confirming.set(true) data-testid="delete-model">{t(Msg::Delete)}</button>
                        </div>
                        <Show when=move || confirming.get()>
                            <div class="card confirm" role="alertdialog" aria-labelledby="confirm-text">
                                <p id="confirm-text">{tf(lang, Msg::ConfirmDelete, &[&title])}</p>
                                <div class="row">
                                    <button type="button" class="button danger" on:click=delete.clone() data-testid="confirm-delete">{t(Msg::Delete)}</button>
                                    <button type="button" class="button" on:click=move |_| confirming.set(false)>{t(Msg::Cancel)}</button>
                                </div>
                            </div>
                        </Show>
                        <EvaluationForm id=m.id.clone()/>
                        <section class="card">
                            <h2>{t(Msg::RatingHistory)}</h2>
                            {if evals.is_empty() {
                                view! { <p class="muted">{t(Msg::NoEvaluations)}</p> }.into_any()
                            } else {
                                view! {
                                    <ol class="evaluations" data-testid="evaluations">
                                        {evals.into_iter().map(|e| view! {
                                            <li>
                                                <strong>{e.date.to_string()}</strong> " · "
                                                <span class=format!("tag rating-{}", e.rating.code())>{e.rating.name(lang)}</span>
                                                {e.consensus.map(|c| view! { " · " {Msg::Consensus.text(lang)} ": " {c.name(lang)} })}
                                                {e.close_to_needs.map(|c| view! { " · " {Msg::CloseToNeeds.text(lang)} ": " {if c { Msg::Yes.text(lang) } else { Msg::No.text(lang) }} })}
                                                {(!e.by.is_empty()).then(|| view! { <div class="muted small">{e.by.clone()}</div> })}
                                                {(!e.notes.is_empty()).then(|| view! { <div class="notes">{e.notes.clone()}</div> })}
                                            </li>
                                        }).collect_view()}
                                    </ol>
                                }.into_any()
                            }}
                        </section>
                    }.into_any()
                }
            }}
        </section>
    }
}
