//! Trang mô hình: one model's details, its rating history, a quick evaluation form for field visits, and
//! delete (confirmed, undoable).

use leptos::prelude::*;

use crate::domain::locality::Localities;
use crate::domain::model::Model;
use crate::i18n::{dates, number, tf, ChunkMsg, Lang, Msg, Named, PageMsg};
use crate::routes::Route;
use crate::domain::evidence::{self, Location, Photo};
use crate::ui::components::evidence::{AddPhoto, LocationField, LocationView, PhotoGallery};
use crate::ui::evaluation_sheet::EvaluationSheet;
use crate::domain::exchange;
use crate::ui::platform::share_or_download;
use crate::ui::state::{now, today, use_state, Toast, Undo};
use crate::ui::url_state::back_from_model;

fn row(label: &'static str, value: String) -> impl IntoView {
    view! { <div class="kv"><dt>{label}</dt><dd>{value}</dd></div> }
}

fn details(m: &Model, lang: Lang) -> impl IntoView {
    let t = |x: Msg| x.text(lang);
    let tc = |x: ChunkMsg| x.text(lang);
    let place = Localities::builtin().place(&m.locality);
    let current = Localities::builtin().placement_name(place).map(str::to_string);
    let mut loc = m.locality.name.clone();
    if let Some(v) = m.locality.village.as_ref().filter(|v| !v.is_empty()) {
        loc = format!("{v}, {loc}");
    }
    let former = current
        .filter(|c| crate::domain::fold::fold(c) != crate::domain::fold::fold(&m.locality.name))
        .map(|c| tf(lang, PageMsg::OldUnitNote, &[&c]));
    let num = |n: Option<u64>| n.map(|n| number(lang, n)).unwrap_or_else(|| "—".into());
    view! {
        <dl class="details">
            {row(t(Msg::Field), m.field.name(lang).to_string())}
            {row(t(Msg::Locality), loc)}
            {former.map(|f| view! { <div class="kv"><dt></dt><dd class="muted">{f}</dd></div> })}
            {row(tc(ChunkMsg::Lead), if m.lead.is_empty() { "—".into() } else { m.lead.clone() })}
            {row(t(Msg::LeadOrganization), m.lead_organization.map(|o| o.name(lang).to_string()).unwrap_or_else(|| "—".into()))}
            {row(t(Msg::Status), m.status.map(|s| s.name(lang).to_string()).unwrap_or_else(|| "—".into()))}
            {row(t(Msg::EthnicArea), tc(if m.ethnic_minority_area { ChunkMsg::Yes } else { ChunkMsg::No }).to_string())}
            {row(t(Msg::StartedOn), m.started_on.map(|d| dates::date(lang, d)).unwrap_or_else(|| "—".into()))}
            {row(tc(ChunkMsg::Participants), num(m.participants.map(u64::from)))}
            {row(tc(ChunkMsg::Households), num(m.beneficiary_households.map(u64::from)))}
            {row(tc(ChunkMsg::MoneyVnd), num(m.contributions.money_vnd))}
            {row(tc(ChunkMsg::WorkDays), num(m.contributions.work_days))}
            {row(tc(ChunkMsg::LandM2), num(m.contributions.land_m2))}
            {row(tc(ChunkMsg::Recognition), m.recognition.as_ref().map(|r| match r.year {
                Some(y) => format!("{} ({y})", r.level.name(lang)),
                None => r.level.name(lang).to_string(),
            }).unwrap_or_else(|| tc(ChunkMsg::NotRecognized).into()))}
            {(!m.tags.is_empty()).then(|| row(PageMsg::Tags.text(lang), m.tags.join(", ")))}
        </dl>
        {(!m.description.is_empty()).then(|| view! { <p class="description">{m.description.clone()}</p> })}
    }
}

/// The model's photos (add, view, caption, delete with undo) and its location (the phone's, or typed).
#[component]
fn ModelEvidence(id: String, model: Memo<Option<Model>>) -> impl IntoView {
    let state = use_state();
    let photos = Signal::derive(move || model.with(|m| m.as_ref().map(|m| evidence::photos(&m.extra)).unwrap_or_default()));
    let location = RwSignal::new(model.with_untracked(|m| m.as_ref().and_then(|m| evidence::location(&m.extra))));
    // follows the stored model (another tab, an import)
    Effect::new(move |_| {
        let l = model.with(|m| m.as_ref().and_then(|m| evidence::location(&m.extra)));
        if location.with_untracked(|x| *x != l) {
            location.set(l);
        }
    });
    let (i1, i2, i3, i4) = (id.clone(), id.clone(), id.clone(), id);
    let add = move |p: Photo| {
        let id = i1.clone();
        state.change(move |app, now| app.add_model_photo(&id, &p, now), move |r| match r {
            Ok(()) => state.show_toast(state.t(PageMsg::PhotoAdded).to_string(), None),
            Err(e) => state.show_error(&e),
        });
    };
    let delete = move |photo_id: String| {
        let id = i2.clone();
        state.change(move |app, now| app.delete_model_photo(&id, &photo_id, now), move |r| match r {
            Ok(token) => {
                let undo: Undo = std::sync::Arc::new(move || {
                    let token = token.clone();
                    state.change(move |app, now| app.undo(&token, now), move |r| if let Err(e) = r { state.show_error(&e) });
                });
                state.show_toast(state.t(PageMsg::PhotoDeleted).to_string(), Some(undo));
            }
            Err(e) => state.show_error(&e),
        });
    };
    let caption = move |(photo_id, text): (String, String)| {
        let id = i3.clone();
        state.change(move |app, now| app.set_photo_caption(&id, &photo_id, &text, now), move |r| match r {
            Ok(()) => state.show_toast(state.t(PageMsg::PhotoCaptionSaved).to_string(), None),
            Err(e) => state.show_error(&e),
        });
    };
    let set_location = move |l: Option<Location>| {
        let id = i4.clone();
        state.change(move |app, now| app.set_model_location(&id, l.as_ref(), now), move |r| match r {
            Ok(()) => state.show_toast(state.t(PageMsg::LocationSaved).to_string(), None),
            Err(e) => state.show_error(&e),
        });
    };
    view! {
        <section class="card evidence" data-testid="model-evidence">
            <h2>{state.tr(PageMsg::PhotosTitle)}</h2>
            {move || photos.with(|p| p.iter().all(|p| p.is_deleted())).then(|| view! { <p class="muted">{state.t(PageMsg::PhotosNone)}</p> })}
            <PhotoGallery photos=photos on_delete=delete on_caption=caption/>
            <AddPhoto on_added=add/>
            <h3>{state.tr(PageMsg::Location)}</h3>
            <LocationField value=location on_change=set_location/>
        </section>
    }
}

/// An evaluation's own photos and the place of the visit, when it has them.
fn evaluation_evidence(e: &crate::domain::model::Evaluation) -> impl IntoView {
    let photos = evidence::live_photos(&e.extra);
    let location = evidence::location(&e.extra);
    view! {
        {(!photos.is_empty()).then(|| view! { <PhotoGallery photos=Signal::stored(photos)/> })}
        {location.map(|l| view! { <LocationView location=l/> })}
    }
}

#[component]
pub fn ModelDetailPage(id: String) -> impl IntoView {
    let state = use_state();
    let t = move |m: Msg| state.t(m);
    let tc = move |m: ChunkMsg| state.t(m);
    let id_for_model = id.clone();
    let model = Memo::new(move |_| state.registry.with(|r| r.get(&id_for_model).filter(|m| !m.is_deleted()).cloned()));
    let confirming = RwSignal::new(false);
    let evaluating = RwSignal::new(false);
    let (back, back_label) = back_from_model();
    let back = back.href();
    let id_del = id.clone();
    let id_sheet = id.clone();
    let id_evidence = id.clone();
    let delete = move |_| {
        let id = id_del.clone();
        let title = state.registry.with_untracked(|r| r.get(&id).map(|m| m.title.clone())).unwrap_or_default();
        confirming.set(false);
        state.change_told(
            move |app, now| app.delete_model(&id, now),
            move |token| {
                let token = token.clone();
                let undo: Undo = std::sync::Arc::new(move || {
                    let token = token.clone();
                    state.change(move |app, now| app.undo(&token, now), move |r| if let Err(e) = r { state.show_error(&e) });
                });
                Some(Toast { text: tf(state.lang.get_untracked(), PageMsg::Deleted, &[&title]), undo: Some(undo) })
            },
            // (only while the model's page is there)
            move |result| match result {
                Ok(_) => {
                    let _ = window().location().set_hash(&Route::Models { query: String::new() }.href());
                }
                Err(e) => state.show_error(&e),
            },
        );
    };
    // One model's file, with its photos (as an officer sends one model by Zalo); over the file size limit,
    // without them.
    let share_file = move |_| {
        let Some(m) = model.get_untracked() else { return };
        wasm_bindgen_futures::spawn_local(async move {
            let lang = state.lang.get_untracked();
            let models = [m.clone()];
            let (mut text, _) = state.export_with_photos(&models).await;
            if exchange::check_size(text.len() as u64).is_err() {
                state.show_toast(tf(lang, ChunkMsg::ExportTooLarge, &[&crate::i18n::storage_size(lang, text.len())]), None);
                text = state.read(|app| app.export_file(&models, now()));
            }
            let name = exchange::file_name(&m.title, today(), "json");
            share_or_download(&name, "application/json", &text, move || state.show_toast(tf(lang, ChunkMsg::Exported, &[&1]), None));
        });
    };
    view! {
        <section class="page model-page" data-testid="model-page">
            {move || match model.get() {
                None => view! {
                    <div class="card">
                        <p>{state.t(PageMsg::ModelNotFound)}</p>
                        <a class="button" href=back.clone()>{state.t(back_label)}</a>
                    </div>
                }.into_any(),
                Some(m) => {
                    let delete = delete.clone();
                    let lang = state.lang.get();
                    let edit = Route::EditModel { id: m.id.clone() }.href();
                    let rating = m.current_rating();
                    let mut evals = m.evaluations.clone();
                    evals.sort_by(|a, b| b.order_key().cmp(&a.order_key()));
                    let updated = tf(lang, PageMsg::UpdatedBy, &[&dates::date(lang, m.updated_at.date()), &m.updated_by]);
                    let title = m.title.clone();
                    view! {
                        <a class="back" href=back.clone() data-testid="back">"← " {state.t(back_label)}</a>
                        <h1 class="model-heading" data-testid="model-title">{m.title.clone()}</h1>
                        <div class="rating-row">
                            <p class="current-rating">
                                {tc(ChunkMsg::CurrentRating)} ": "
                                <strong class=format!("tag rating-{}", rating.map(|r| r.code()).unwrap_or("none")) data-testid="current-rating">
                                    {rating.map(|r| r.name(lang)).unwrap_or(Msg::NotEvaluated.text(lang))}
                                </strong>
                                {m.latest_evaluation().map(|e| view! { " " <span class="muted small">{dates::date(lang, e.date)}</span> })}
                            </p>
                            <button type="button" class="button primary" data-testid="add-evaluation" on:click=move |_| evaluating.set(true)>
                                "+ " {state.t(PageMsg::AddEvaluation)}
                            </button>
                        </div>
                        {details(&m, lang)}
                        <p class="muted small">{updated}</p>
                        <div class="row actions">
                            <a class="button" href=edit data-testid="edit-model">{state.t(PageMsg::Edit)}</a>
                            <a class="button" href=Route::Send { query: format!("model={}", m.id) }.href() data-testid="send-model-link">{tc(ChunkMsg::SendTitle)}</a>
                            <button type="button" class="button" data-testid="share-model-file" on:click=share_file>{state.t(PageMsg::ShareModelFile)}</button>
                            <button type="button" class="button danger" on:click=move |_| confirming.set(true) data-testid="delete-model">{state.t(PageMsg::Delete)}</button>
                        </div>
                        <Show when=move || confirming.get()>
                            <div class="card confirm" role="alertdialog" aria-labelledby="confirm-text">
                                <p id="confirm-text">{tf(lang, PageMsg::ConfirmDelete, &[&title])}</p>
                                <div class="row">
                                    <button type="button" class="button danger" on:click=delete.clone() data-testid="confirm-delete">{state.t(PageMsg::Delete)}</button>
                                    <button type="button" class="button" on:click=move |_| confirming.set(false)>{t(Msg::Cancel)}</button>
                                </div>
                            </div>
                        </Show>
                        <section class="card">
                            <h2>{state.t(PageMsg::RatingHistory)}</h2>
                            {if evals.is_empty() {
                                view! { <p class="muted">{state.t(PageMsg::NoEvaluations)}</p> }.into_any()
                            } else {
                                view! {
                                    <ol class="evaluations" data-testid="evaluations">
                                        {evals.into_iter().map(|e| view! {
                                            <li>
                                                <strong>{dates::date(lang, e.date)}</strong> " · "
                                                <span class=format!("tag rating-{}", e.rating.code())>{e.rating.name(lang)}</span>
                                                {e.consensus.map(|c| view! { " · " {ChunkMsg::Consensus.text(lang)} ": " {c.name(lang)} })}
                                                {e.close_to_needs.map(|c| view! { " · " {ChunkMsg::CloseToNeeds.text(lang)} ": " {if c { ChunkMsg::Yes.text(lang) } else { ChunkMsg::No.text(lang) }} })}
                                                {(!e.by.is_empty()).then(|| view! { <div class="muted small">{e.by.clone()}</div> })}
                                                {(!e.notes.is_empty()).then(|| view! { <div class="notes">{e.notes.clone()}</div> })}
                                                {evaluation_evidence(&e)}
                                            </li>
                                        }).collect_view()}
                                    </ol>
                                }.into_any()
                            }}
                        </section>
                    }.into_any()
                }
            }}
            <Show when=move || model.with(|m| m.is_some())>
                <ModelEvidence id=id_evidence.clone() model=model/>
            </Show>
            <Show when=move || evaluating.get()>
                <EvaluationSheet id=id_sheet.clone() on_close=move |_| evaluating.set(false)/>
            </Show>
        </section>
    }
}
