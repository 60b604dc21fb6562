//! Thêm / sửa mô hình: the create and edit form. Validation comes from `domain::validate` and is shown
//! beside each field; a duplicate (same title in the same place, looked for in the whole registry when
//! the save lands: `App::save_model_unless_duplicate`) is warned about before a second press saves anyway.

use leptos::prelude::*;

use crate::app::Saved;
use crate::domain::locality::Localities;
use crate::domain::model::{Field, LeadOrganization, LocalityRef, Model, Recognition, RecognitionLevel, Status};
use crate::domain::tidy::tidy_model;
use crate::domain::time::Date;
use crate::domain::validate::{validate_model, FieldError, FormField};
use crate::i18n::{tf, validation, ChunkMsg, Msg, Named, PageMsg};
use crate::routes::Route;
use crate::domain::evidence::{self, Location};
use crate::ui::components::evidence::LocationField;
use crate::ui::components::{DraftOffer, LocalityPicker};
use crate::ui::state::{new_id, now, today, use_state, Toast};

/// The id of a field's error message, for `aria-describedby`.
fn err_id(f: FormField) -> String {
    format!("err-{}", f.html_name())
}

fn parse_num<T: std::str::FromStr>(s: &str) -> Option<T> {
    let cleaned: String = s.chars().filter(|c| !c.is_whitespace() && *c != '.' && *c != ',').collect();
    if cleaned.is_empty() { None } else { cleaned.parse().ok() }
}

#[component]
pub fn ModelFormPage(id: Option<String>) -> impl IntoView {
    let state = use_state();
    let existing = id.as_ref().and_then(|id| state.registry.with_untracked(|r| r.get(id).filter(|m| !m.is_deleted()).cloned()));
    let is_new = existing.is_none();
    if id.is_some() && existing.is_none() {
        return view! {
            <section class="page"><div class="card">
                <p>{state.t(PageMsg::ModelNotFound)}</p>
                <a class="button" href="#/models">{state.t(PageMsg::BackToList)}</a>
            </div></section>
        }
        .into_any();
    }
    let form_key = match &id {
        Some(id) => format!("model:{id}"),
        None => "model:new".to_string(),
    };
    let draft = RwSignal::new(existing.unwrap_or_else(|| Model::new(new_id(), now(), &state.settings.with_untracked(|s| s.author()))));
    let locality = RwSignal::new(draft.get_untracked().locality.clone());
    // Where the chosen locality counts (changes only when the commune does, not on each village key).
    let place = Memo::new(move |_| locality.with(|l| Localities::builtin().place(l)));
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let duplicate_of = RwSignal::new(None::<String>);
    // A save asked for and not landed yet (it waits while the registry is read): no second model.
    let saving = RwSignal::new(false);
    let tags_text = RwSignal::new(draft.get_untracked().tags.join(", "));
    let location = RwSignal::new(evidence::location(&draft.get_untracked().extra));
    let set_location = Callback::new(move |l: Option<Location>| draft.update(|m| evidence::set_location(&mut m.extra, l.as_ref())));
    let err_for = move |f: FormField| {
        errors.with(|es| es.iter().find(|e| e.field == f).map(|e| validation::field_error(state.lang.get(), e)))
    };
    let err_view = move |f: FormField| {
        move || err_for(f).map(|m| view! { <span class="field-error" role="alert" id=err_id(f) data-testid=format!("error-{}", f.html_name())>{m}</span> })
    };
    let bad = move |f: FormField| Signal::derive(move || errors.with(|es| es.iter().any(|e| e.field == f)));
    // What is typed is kept as a draft until saved or cancelled, so a tab the phone kills loses nothing.
    let key = form_key.clone();
    Effect::new(move |first: Option<()>| {
        let text = draft.with(|m| locality.with(|l| tags_text.with(|t| serde_json::json!({ "model": m, "locality": l, "tags": t }).to_string())));
        if first.is_some() {
            state.save_draft(&key, text);
        }
    });
    let restore_draft = move |text: String| {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else { return };
        if let Ok(m) = serde_json::from_value::<Model>(v["model"].clone()) {
            location.set(evidence::location(&m.extra));
            draft.set(m);
        }
        if let Ok(l) = serde_json::from_value::<LocalityRef>(v["locality"].clone()) {
            locality.set(l);
        }
        tags_text.set(v["tags"].as_str().unwrap_or_default().to_string());
    };
    let key = form_key.clone();

    let save = move || {
        if saving.get_untracked() {
            return;
        }
        let mut m = draft.get_untracked();
        m.locality = locality.get_untracked();
        m.tags = tags_text.get_untracked().split(',').map(str::to_string).collect();
        tidy_model(&mut m);
        let mut errs = validate_model(&m, today());
        // A typed locality with no suggestion picked becomes the one unit it names, or is refused.
        if m.locality.code.is_none() && !m.locality.name.trim().is_empty() {
            match Localities::builtin().resolve_typed(&m.locality.name) {
                Ok(u) => {
                    m.locality.code = Some(u.code);
                    m.locality.name = u.name.clone();
                    locality.update(|l| {
                        l.code = Some(u.code);
                        l.name = u.name.clone();
                    });
                }
                Err(problem) => errs.push(FieldError { field: FormField::Locality, problem }),
            }
        }
        if !errs.is_empty() {
            errors.set(errs);
            return;
        }
        errors.set(vec![]);
        // A duplicate (same title in the same place) is looked for when the save lands, in the whole
        // registry: the first press warns of it, the second saves anyway.
        let anyway = duplicate_of.get_untracked().is_some();
        let id = m.id.clone();
        let key = key.clone();
        saving.set(true);
        state.change_told(
            move |app, now| {
                let saved = app.save_model_unless_duplicate(m, anyway, now)?;
                if matches!(saved, Saved::At(_)) {
                    app.discard_draft(&key);
                }
                Ok(saved)
            },
            move |saved| matches!(saved, Saved::At(_)).then(|| Toast::new(PageMsg::Saved.text(state.lang.get_untracked()))),
            // (only while the form is there: the officer may have moved on while the save waited)
            move |result| {
                saving.set(false);
                match result {
                    Ok(Saved::At(_)) => {
                        let _ = window().location().set_hash(&Route::Model { id }.href());
                    }
                    Ok(Saved::Duplicate(title)) => duplicate_of.set(Some(title)),
                    Err(e) => state.show_error(&e),
                }
            },
        );
    };
    let key = form_key.clone();
    let cancel = move |_| state.discard_draft(&key);

    let text_input = move |f: FormField, label: ChunkMsg, get: fn(&Model) -> String, set: fn(&mut Model, String)| {
        let input_id = format!("f-{}", f.html_name());
        view! {
            <label for=input_id.clone()>{move || state.t(label)}</label>
            <input id=input_id type="text" aria-invalid=move || bad(f).get().to_string() aria-describedby=move || bad(f).get().then(|| err_id(f))
                prop:value=move || draft.with(get)
                on:input=move |ev| draft.update(|m| set(m, event_target_value(&ev)))/>
            {err_view(f)}
        }
    };
    let num_input = move |f: FormField, label: ChunkMsg, get: fn(&Model) -> Option<u64>, set: fn(&mut Model, Option<u64>)| {
        let input_id = format!("f-{}", f.html_name());
        view! {
            <div class="field">
                <label for=input_id.clone()>{move || state.t(label)}</label>
                <input id=input_id type="text" inputmode="numeric" pattern="[0-9 .,]*" aria-invalid=move || bad(f).get().to_string() aria-describedby=move || bad(f).get().then(|| err_id(f))
                    prop:value=move || draft.with(get).map(|n| n.to_string()).unwrap_or_default()
                    on:change=move |ev| draft.update(|m| set(m, parse_num(&event_target_value(&ev))))/>
                {err_view(f)}
            </div>
        }
    };

    view! {
        <section class="page form-page" data-testid="model-form-page">
            <a class="back" on:click=cancel.clone() href=move || draft.with(|m| if is_new { "#/models".to_string() } else { Route::Model { id: m.id.clone() }.href() })>
                "← " {state.tr(Msg::Cancel)}
            </a>
            <h1>{move || state.t(if is_new { PageMsg::NewModel } else { PageMsg::EditModel })}</h1>
            <DraftOffer form=form_key.clone() on_restore=restore_draft/>
            <form class="model-form" novalidate on:submit=move |ev| { ev.prevent_default(); save(); }>
                <div class="field">
                    {text_input(FormField::Title, ChunkMsg::Title, |m| m.title.clone(), |m, v| m.title = v)}
                </div>
                <fieldset class="field">
                    <legend>{state.tr(Msg::Field)}</legend>
                    <div class="radio-grid">
                        {Field::ALL.iter().map(|f| { let f = *f; view! {
                            <label class="radio">
                                <input type="radio" name="field" data-testid=format!("field-{}", f.code()) prop:checked=move || draft.with(|m| m.field == f)
                                    on:change=move |_| draft.update(|m| m.field = f)/>
                                <span class=format!("dot field-{}", f.code())></span>
                                {move || f.name(state.lang.get())}
                            </label>
                        }}).collect_view()}
                    </div>
                </fieldset>
                <div class="field">
                    <label for="f-locality">{state.tr(Msg::Locality)}</label>
                    <LocalityPicker value=locality input_id="f-locality" invalid=bad(FormField::Locality)/>
                    {err_view(FormField::Locality)}
                </div>
                <div class="field">
                    <label for="f-village">{state.tr(ChunkMsg::Village)}</label>
                    <input id="f-village" type="text" list="village-list" autocomplete="off" aria-invalid=move || bad(FormField::Village).get().to_string() aria-describedby=move || bad(FormField::Village).get().then(|| err_id(FormField::Village))
                        prop:value=move || locality.with(|l| l.village.clone().unwrap_or_default())
                        on:input=move |ev| locality.update(|l: &mut LocalityRef| l.village = Some(event_target_value(&ev)))/>
                    <datalist id="village-list">
                        {move || state.registry.with(|r| r.villages_in(place.get())).into_iter().map(|v| view! { <option value=v/> }).collect_view()}
                    </datalist>
                    {err_view(FormField::Village)}
                </div>
                <div class="field">
                    {text_input(FormField::Lead, ChunkMsg::Lead, |m| m.lead.clone(), |m, v| m.lead = v)}
                </div>
                <div class="field">
                    <label for="f-org">{state.tr(Msg::LeadOrganization)}</label>
                    <select id="f-org" prop:value=move || draft.with(|m| m.lead_organization.map(|o| o.code()).unwrap_or(""))
                        on:change=move |ev| draft.update(|m| m.lead_organization = LeadOrganization::from_code(&event_target_value(&ev)))>
                        <option value="">{state.tr(PageMsg::Choose)}</option>
                        {LeadOrganization::ALL.iter().map(|o| { let o = *o; view! {
                            <option value=o.code()>{move || o.name(state.lang.get())}</option>
                        }}).collect_view()}
                    </select>
                </div>
                <div class="field two">
                    <div>
                        <label for="f-status">{state.tr(Msg::Status)}</label>
                        <select id="f-status" prop:value=move || draft.with(|m| m.status.map(|s| s.code()).unwrap_or(""))
                            on:change=move |ev| draft.update(|m| m.status = Status::from_code(&event_target_value(&ev)))>
                            <option value="">{state.tr(PageMsg::Choose)}</option>
                            {Status::ALL.iter().map(|s| { let s = *s; view! {
                                <option value=s.code()>{move || s.name(state.lang.get())}</option>
                            }}).collect_view()}
                        </select>
                    </div>
                    <div>
                        <label for="f-startedon">{state.tr(Msg::StartedOn)}</label>
                        <input id="f-startedon" type="date" aria-invalid=move || bad(FormField::StartedOn).get().to_string() aria-describedby=move || bad(FormField::StartedOn).get().then(|| err_id(FormField::StartedOn))
                            prop:value=move || draft.with(|m| m.started_on.map(|d| d.to_string()).unwrap_or_default())
                            on:change=move |ev| draft.update(|m| m.started_on = Date::parse(&event_target_value(&ev)))/>
                        {err_view(FormField::StartedOn)}
                    </div>
                </div>
                <label class="check field">
                    <input type="checkbox" prop:checked=move || draft.with(|m| m.ethnic_minority_area)
                        on:change=move |ev| { let on = event_target_checked(&ev); draft.update(|m| m.ethnic_minority_area = on) }/>
                    {state.tr(Msg::EthnicArea)}
                </label>
                <div class="two">
                    {num_input(FormField::Participants, ChunkMsg::Participants, |m| m.participants.map(u64::from), |m, v| m.participants = v.map(|n| n.min(u32::MAX as u64) as u32))}
                    {num_input(FormField::Households, ChunkMsg::Households, |m| m.beneficiary_households.map(u64::from), |m, v| m.beneficiary_households = v.map(|n| n.min(u32::MAX as u64) as u32))}
                </div>
                <fieldset class="field">
                    <legend>{state.tr(ChunkMsg::Contributions)}</legend>
                    {num_input(FormField::MoneyVnd, ChunkMsg::MoneyVnd, |m| m.contributions.money_vnd, |m, v| m.contributions.money_vnd = v)}
                    <div class="two">
                        {num_input(FormField::WorkDays, ChunkMsg::WorkDays, |m| m.contributions.work_days, |m, v| m.contributions.work_days = v)}
                        {num_input(FormField::LandM2, ChunkMsg::LandM2, |m| m.contributions.land_m2, |m, v| m.contributions.land_m2 = v)}
                    </div>
                </fieldset>
                <div class="field two">
                    <div>
                        <label for="f-reclevel">{state.tr(ChunkMsg::RecognitionLevel)}</label>
                        <select id="f-reclevel" prop:value=move || draft.with(|m| m.recognition.as_ref().map(|r| r.level.code()).unwrap_or(""))
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                draft.update(|m| m.recognition = RecognitionLevel::from_code(&v).map(|level| Recognition {
                                    level,
                                    year: m.recognition.as_ref().and_then(|r| r.year),
                                    extra: m.recognition.as_ref().map(|r| r.extra.clone()).unwrap_or_default(),
                                }))
                            }>
                            <option value="">{state.tr(ChunkMsg::NotRecognized)}</option>
                            {RecognitionLevel::ALL.iter().map(|l| { let l = *l; view! {
                                <option value=l.code()>{move || l.name(state.lang.get())}</option>
                            }}).collect_view()}
                        </select>
                    </div>
                    <div>
                        <label for="f-recyear">{state.tr(ChunkMsg::RecognitionYear)}</label>
                        <input id="f-recyear" type="text" inputmode="numeric" aria-invalid=move || bad(FormField::RecognitionYear).get().to_string() aria-describedby=move || bad(FormField::RecognitionYear).get().then(|| err_id(FormField::RecognitionYear))
                            disabled=move || draft.with(|m| m.recognition.is_none())
                            prop:value=move || draft.with(|m| m.recognition.as_ref().and_then(|r| r.year).map(|y| y.to_string()).unwrap_or_default())
                            on:change=move |ev| { let y = parse_num::<i32>(&event_target_value(&ev)); draft.update(|m| if let Some(r) = m.recognition.as_mut() { r.year = y; }) }/>
                        {err_view(FormField::RecognitionYear)}
                    </div>
                </div>
                <div class="field">
                    <label for="f-tags">{state.tr(PageMsg::Tags)}</label>
                    <input id="f-tags" type="text" aria-invalid=move || bad(FormField::Tags).get().to_string() aria-describedby=move || bad(FormField::Tags).get().then(|| err_id(FormField::Tags))
                        prop:value=move || tags_text.get() on:input=move |ev| tags_text.set(event_target_value(&ev))/>
                    {err_view(FormField::Tags)}
                </div>
                <div class="field">
                    <label for="f-description">{state.tr(ChunkMsg::Description)}</label>
                    <textarea id="f-description" rows="4" aria-invalid=move || bad(FormField::Description).get().to_string() aria-describedby=move || bad(FormField::Description).get().then(|| err_id(FormField::Description))
                        prop:value=move || draft.with(|m| m.description.clone())
                        on:input=move |ev| draft.update(|m| m.description = event_target_value(&ev))></textarea>
                    {err_view(FormField::Description)}
                </div>
                <div class="field">
                    <span class="label">{state.tr(PageMsg::Location)}</span>
                    <LocationField value=location on_change=set_location/>
                </div>
                <Show when=move || errors.with(|e| !e.is_empty())>
                    <p class="banner error" role="alert">{state.tr(PageMsg::FixErrors)}</p>
                </Show>
                {move || duplicate_of.get().map(|d| view! {
                    <p class="banner warn" role="alert" data-testid="duplicate-warning">{tf(state.lang.get(), PageMsg::DuplicateWarning, &[&d])}</p>
                })}
                <div class="form-actions sticky-action">
                    <button type="submit" class="button primary" data-testid="save-model" disabled=move || saving.get() aria-busy=move || saving.get().to_string()>
                        {move || state.t(if saving.get() { PageMsg::Saving } else { PageMsg::Save })}
                    </button>
                </div>
            </form>
        </section>
    }
    .into_any()
}
