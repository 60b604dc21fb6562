//! Trang mô hình: one model's details, its rating history, a quick evaluation form for field visits, and
//! delete (confirmed, undoable).

use leptos::prelude::*;

use crate::domain::locality::Localities;
use crate::domain::model::{Consensus, Evaluation, Extra, Model, Rating};
use crate::domain::validate::validate_evaluation;
use crate::i18n::{number, tf, validation, Lang, Msg, Named};
use crate::routes::Route;
use crate::ui::components::DraftOffer;
use crate::ui::state::{new_id, today, use_state, Undo};

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
    // Nothing is preselected: a hurried save must not record answers nobody gave.
    let rating = RwSignal::new(None::<Rating>);
    let close = RwSignal::new(None::<bool>);
    let consensus = RwSignal::new(None::<Consensus>);
    let notes = RwSignal::new(String::new());
    let date = RwSignal::new(today().to_string());
    let by = RwSignal::new(state.settings.with_untracked(|s| if s.unit.is_empty() { s.officer.clone() } else { s.unit.clone() }));
    let error = RwSignal::new(None::<Msg>);
    let form_key = format!("evaluation:{id}");
    // What is typed is kept as a draft until saved, so a tab the phone kills loses nothing.
    let key = form_key.clone();
    Effect::new(move |_| {
        let v = serde_json::json!({
            "rating": rating.get().map(|r| r.code()), "close": close.get(),
            "consensus": consensus.get().map(|c| c.code()), "notes": notes.get(),
            "date": date.get(), "by": by.get(),
        });
        let typed = !v["rating"].is_null() || !v["close"].is_null() || !v["consensus"].is_null() || !notes.with_untracked(|n| n.trim().is_empty());
        if typed {
            state.save_draft(&key, v.to_string());
        }
    });
    let restore_draft = move |text: String| {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else { return };
        rating.set(v["rating"].as_str().and_then(Rating::from_code));
        close.set(v["close"].as_bool());
        consensus.set(v["consensus"].as_str().and_then(Consensus::from_code));
        notes.set(v["notes"].as_str().unwrap_or_default().to_string());
        if let Some(d) = v["date"].as_str() {
            date.set(d.to_string());
        }
        if let Some(b) = v["by"].as_str() {
            by.set(b.to_string());
        }
    };
    let key = form_key.clone();
    let save = move |_| {
        let Some(r) = rating.get_untracked() else {
            error.set(Some(Msg::ErrRatingRequired));
            return;
        };
        let Some(d) = crate::domain::time::Date::parse(&date.get_untracked()) else {
            error.set(Some(Msg::ErrInvalidDate));
            return;
        };
        let e = Evaluation {
            id: new_id(),
            date: d,
            by: by.get_untracked().trim().to_string(),
            rating: r,
            close_to_needs: close.get_untracked(),
            consensus: consensus.get_untracked(),
            notes: notes.get_untracked().trim().to_string(),
            recorded_at: None,
            extra: Extra::new(),
        };
        if let Some(err) = validate_evaluation(&e, today()).into_iter().next() {
            error.set(Some(validation::msg(err.problem)));
            return;
        }
        let id2 = id.clone();
        let key = key.clone();
        state.change(
            move |app, now| app.add_evaluation(&id2, e, now),
            move |result| match result {
                Ok(()) => {
                    state.discard_draft(&key);
                    rating.set(None);
                    close.set(None);
                    consensus.set(None);
                    notes.set(String::new());
                    error.set(None);
                    state.show_toast(t(Msg::EvaluationSaved).to_string(), None);
                }
                Err(e) => state.show_error(&e),
            },
        );
    };
    view! {
        <form class="card eval-form" id="evaluation-form" on:submit=move |ev| { ev.prevent_default(); save(()); }>
            <h2>{state.tr(Msg::AddEvaluation)}</h2>
            <DraftOffer form=form_key.clone() on_restore=restore_draft/>
            <fieldset class="rating-buttons">
                <legend>{state.tr(Msg::Rating)}</legend>
                {Rating::ALL.iter().map(|r| { let r = *r; view! {
                    <button type="button" class=format!("rate rating-{}", r.code()) data-testid=format!("rate-{}", r.code()) aria-pressed=move || (rating.get() == Some(r)).to_string()
                        on:click=move |_| { rating.set(Some(r)); if error.get_untracked() == Some(Msg::ErrRatingRequired) { error.set(None); } }>{move || r.name(state.lang.get())}</button>
                }}).collect_view()}
                {move || (error.get() == Some(Msg::ErrRatingRequired)).then(|| view! { <p class="field-error" role="alert" data-testid="rating-error">{state.t(Msg::ErrRatingRequired)}</p> })}
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
            {move || error.get().filter(|e| *e != Msg::ErrRatingRequired).map(|e| view! { <p class="field-error" role="alert">{state.t(e)}</p> })}
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
        let id = id_del.clone();
        let title = state.registry.with_untracked(|r| r.get(&id).map(|m| m.title.clone())).unwrap_or_default();
        confirming.set(false);
        state.change(
            move |app, now| app.delete_model(&id, now),
            move |result| match result {
                Ok(token) => {
                    let undo: Undo = std::sync::Arc::new(move || {
                        let token = token.clone();
                        state.change(move |app, now| app.undo(&token, now), move |r| if let Err(e) = r { state.show_error(&e) });
                    });
                    state.show_toast(tf(state.lang.get_untracked(), Msg::Deleted, &[&title]), Some(undo));
                    let _ = window().location().set_hash(&Route::Models { query: String::new() }.href());
                }
                Err(e) => state.show_error(&e),
            },
        );
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
                    evals.sort_by(|a, b| b.order_key().cmp(&a.order_key()));
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
