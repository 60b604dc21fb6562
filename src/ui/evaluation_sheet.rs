//! Thêm đánh giá: the evaluation form in a bottom sheet, opened from a model's page and from a card of the
//! field visit (so a model is rated without leaving the visit). The sheet names the model and its latest
//! rating and date; the form preselects nothing, keeps what is typed as a draft until saved, and closes
//! when the evaluation is saved.

use leptos::prelude::*;

use crate::domain::model::{Consensus, Evaluation, Extra, Rating};
use crate::domain::validate::validate_evaluation;
use crate::i18n::{dates, tf, validation, ChunkMsg, Msg, Named, PageMsg};
use crate::domain::evidence::{self, Location, Photo};
use crate::ui::components::evidence::{AddPhoto, LocationField, PhotoGallery};
use crate::ui::components::DraftOffer;
use crate::ui::state::{new_id, provide_scope, today, use_state, Toast};

/// A bottom sheet over the page with the evaluation form of model `id`. `on_close` is called when the
/// officer closes it (✕, the backdrop, Escape) or saves.
#[component]
pub fn EvaluationSheet(id: String, #[prop(into)] on_close: Callback<()>) -> impl IntoView {
    let state = use_state();
    let id_for_model = id.clone();
    let heading = Memo::new(move |_| {
        state.registry.with(|r| r.get(&id_for_model).map(|m| (m.title.clone(), m.latest_evaluation().map(|e| (e.rating, e.date)))))
    });
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            on_close.run(());
        }
    });
    on_cleanup(move || escape.remove());
    // The first rating button takes the focus, so the sheet is usable from the keyboard at once.
    request_animation_frame(|| {
        if let Some(b) = document().query_selector(".sheet .rate").ok().flatten() {
            use wasm_bindgen::JsCast;
            let _ = b.unchecked_into::<web_sys::HtmlElement>().focus();
        }
    });
    view! {
        <div class="sheet-backdrop" on:click=move |_| on_close.run(())></div>
        <div class="sheet" role="dialog" aria-modal="true" aria-labelledby="sheet-title" data-testid="evaluation-sheet">
            <div class="sheet-head">
                <div>
                    <h2 id="sheet-title">{state.tr(PageMsg::AddEvaluation)}</h2>
                    <p class="sheet-model" data-testid="sheet-model">{move || heading.with(|h| h.as_ref().map(|h| h.0.clone()).unwrap_or_default())}</p>
                    <p class="muted small" data-testid="sheet-latest">{move || {
                        let lang = state.lang.get();
                        match heading.with(|h| h.as_ref().and_then(|h| h.1)) {
                            Some((r, d)) => tf(lang, PageMsg::LastEvaluated, &[&tf(lang, PageMsg::RatingOn, &[&r.name(lang), &dates::date(lang, d)])]),
                            None => Msg::NotEvaluated.text(lang).to_string(),
                        }
                    }}</p>
                </div>
                <button type="button" class="sheet-close" aria-label=state.tr(Msg::Close) data-testid="sheet-close" on:click=move |_| on_close.run(())>"✕"</button>
            </div>
            <EvaluationForm id=id on_saved=on_close/>
        </div>
    }
}

/// The quick evaluation form: rating (one tap), close to needs, consensus, optional notes, save.
#[component]
fn EvaluationForm(id: String, #[prop(into)] on_saved: Callback<()>) -> impl IntoView {
    let state = use_state();
    // The sheet comes and goes on its page: a save's `then` sets its signals only while it is there.
    provide_scope();
    // Nothing is preselected: a hurried save must not record answers nobody gave.
    let rating = RwSignal::new(None::<Rating>);
    let close = RwSignal::new(None::<bool>);
    let consensus = RwSignal::new(None::<Consensus>);
    let notes = RwSignal::new(String::new());
    let date = RwSignal::new(today().to_string());
    let by = RwSignal::new(state.settings.with_untracked(|s| if s.unit.is_empty() { s.officer.clone() } else { s.unit.clone() }));
    let error = RwSignal::new(None::<PageMsg>);
    // A save asked for and not landed yet (it waits at the gate while the registry is read): the button
    // says so and takes no second tap, which would add the evaluation twice.
    let saving = RwSignal::new(false);
    // Photos taken on the visit (their images already stored) and where the visit was made; they become
    // part of the evaluation when it is saved, and can be removed before that.
    let photos = RwSignal::new(Vec::<Photo>::new());
    let location = RwSignal::new(None::<Location>);
    let form_key = format!("evaluation:{id}");
    // What is typed is kept as a draft until saved, so a tab the phone kills loses nothing.
    let key = form_key.clone();
    Effect::new(move |_| {
        let v = serde_json::json!({
            "rating": rating.get().map(|r| r.code()), "close": close.get(),
            "consensus": consensus.get().map(|c| c.code()), "notes": notes.get(),
            "date": date.get(), "by": by.get(), "photos": photos.get(), "location": location.get(),
        });
        let typed = !v["rating"].is_null() || !v["close"].is_null() || !v["consensus"].is_null() || !notes.with_untracked(|n| n.trim().is_empty())
            || !v["photos"].as_array().is_none_or(Vec::is_empty) || !v["location"].is_null();
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
        photos.set(serde_json::from_value(v["photos"].clone()).unwrap_or_default());
        location.set(serde_json::from_value(v["location"].clone()).unwrap_or_default());
    };
    let key = form_key.clone();
    let save = move |_| {
        if saving.get_untracked() {
            return;
        }
        let Some(r) = rating.get_untracked() else {
            error.set(Some(PageMsg::ErrRatingRequired));
            return;
        };
        let Some(d) = crate::domain::time::Date::parse(&date.get_untracked()) else {
            error.set(Some(PageMsg::ErrInvalidDate));
            return;
        };
        let mut extra = Extra::new();
        for p in photos.get_untracked() {
            evidence::add_photo(&mut extra, &p);
        }
        evidence::set_location(&mut extra, location.get_untracked().as_ref());
        let e = Evaluation {
            id: new_id(),
            date: d,
            by: by.get_untracked().trim().to_string(),
            rating: r,
            close_to_needs: close.get_untracked(),
            consensus: consensus.get_untracked(),
            notes: notes.get_untracked().trim().to_string(),
            recorded_at: None,
            extra,
        };
        if let Some(err) = validate_evaluation(&e, today()).into_iter().next() {
            error.set(Some(validation::msg(err.problem)));
            return;
        }
        let id2 = id.clone();
        let key = key.clone();
        saving.set(true);
        state.change_told(
            move |app, now| {
                app.add_evaluation(&id2, e, now)?;
                app.discard_draft(&key);
                Ok(())
            },
            move |_| Some(Toast::new(PageMsg::EvaluationSaved.text(state.lang.get_untracked()))),
            // (only while the sheet is there: a save made while the registry is read waits at the gate,
            // and the sheet may be gone when it lands)
            move |result| match result {
                Ok(()) => {
                    saving.set(false);
                    rating.set(None);
                    close.set(None);
                    consensus.set(None);
                    notes.set(String::new());
                    photos.set(Vec::new());
                    location.set(None);
                    error.set(None);
                    on_saved.run(());
                }
                Err(e) => {
                    saving.set(false);
                    state.show_error(&e);
                }
            },
        );
    };
    view! {
        <form class="eval-form" id="evaluation-form" on:submit=move |ev| { ev.prevent_default(); save(()); }>
            <DraftOffer form=form_key.clone() on_restore=restore_draft/>
            <fieldset class="rating-buttons">
                <legend>{state.tr(Msg::Rating)}</legend>
                {Rating::ALL.iter().map(|r| { let r = *r; view! {
                    <button type="button" class=format!("rate rating-{}", r.code()) data-testid=format!("rate-{}", r.code()) aria-pressed=move || (rating.get() == Some(r)).to_string()
                        on:click=move |_| { rating.set(Some(r)); if error.get_untracked() == Some(PageMsg::ErrRatingRequired) { error.set(None); } }>{move || r.name(state.lang.get())}</button>
                }}).collect_view()}
                {move || (error.get() == Some(PageMsg::ErrRatingRequired)).then(|| view! { <p class="field-error" role="alert" data-testid="rating-error">{state.t(PageMsg::ErrRatingRequired)}</p> })}
            </fieldset>
            <fieldset class="seg">
                <legend>{state.tr(ChunkMsg::CloseToNeeds)}</legend>
                <button type="button" aria-pressed=move || (close.get() == Some(true)).to_string() on:click=move |_| close.set(Some(true))>{state.tr(ChunkMsg::Yes)}</button>
                <button type="button" aria-pressed=move || (close.get() == Some(false)).to_string() on:click=move |_| close.set(Some(false))>{state.tr(ChunkMsg::No)}</button>
            </fieldset>
            <fieldset class="seg">
                <legend>{state.tr(ChunkMsg::Consensus)}</legend>
                {Consensus::ALL.iter().map(|c| { let c = *c; view! {
                    <button type="button" aria-pressed=move || (consensus.get() == Some(c)).to_string() on:click=move |_| consensus.set(Some(c))>{move || c.name(state.lang.get())}</button>
                }}).collect_view()}
            </fieldset>
            <details>
                <summary>{state.tr(PageMsg::Details)}</summary>
                <label>{state.tr(ChunkMsg::EvaluationDate)}<input type="date" prop:value=move || date.get() on:input=move |ev| date.set(event_target_value(&ev))/></label>
                <label>{state.tr(ChunkMsg::EvaluatedBy)}<input type="text" prop:value=move || by.get() on:input=move |ev| by.set(event_target_value(&ev))/></label>
                <label>{state.tr(ChunkMsg::Notes)}<textarea prop:value=move || notes.get() on:input=move |ev| notes.set(event_target_value(&ev))></textarea></label>
            </details>
            <details class="eval-evidence" data-testid="eval-evidence">
                <summary>{state.tr(PageMsg::EvalEvidence)} {move || { let n = photos.with(Vec::len); (n > 0).then(|| format!(" ({n})")) }}</summary>
                <PhotoGallery photos=photos on_delete=move |pid: String| photos.update(|ps| ps.retain(|p| p.id != pid))/>
                <AddPhoto on_added=move |p: Photo| photos.update(|ps| ps.push(p))/>
                <LocationField value=location/>
            </details>
            {move || error.get().filter(|e| *e != PageMsg::ErrRatingRequired).map(|e| view! { <p class="field-error" role="alert">{state.t(e)}</p> })}
            <button type="submit" class="button primary" data-testid="save-evaluation" disabled=move || saving.get() aria-busy=move || saving.get().to_string()>
                {move || state.t(if saving.get() { PageMsg::Saving } else { PageMsg::Save })}
            </button>
            <p class="muted small">{state.tr(PageMsg::AppendOnlyNote)}</p>
        </form>
    }
}

