//! Tạo / sửa kế hoạch: title, period, scope (localities of either structure, fields, ethnic-minority
//! areas only), targets and milestones. Validation is `domain::validate::validate_plan`.

use leptos::prelude::*;

use crate::domain::locality::Localities;
use crate::domain::model::{Extra, Field, Milestone, Period, Plan, Target, TargetMetric};
use crate::domain::tidy::tidy_plan;
use crate::domain::time::Date;
use crate::domain::validate::{validate_plan, FieldError, FormField};
use crate::i18n::{validation, ChunkMsg, Msg, Named, PageMsg};
use crate::routes::Route;
use crate::ui::components::{DraftOffer, LocalityOptions};
use crate::ui::state::{new_id, now, today, use_state, Toast};

/// A new plan for this year, with one target to start from.
fn blank_plan(by: &str) -> Plan {
    let year = today().year();
    let mut p = Plan::new(new_id(), now(), by);
    p.period = Some(Period {
        from: Date::from_ymd(year, 1, 1).unwrap_or_else(today),
        to: Date::from_ymd(year, 12, 31).unwrap_or_else(today),
        extra: Extra::new(),
    });
    p.targets = vec![Target { metric: TargetMetric::NewModels, value: 10.0, extra: Extra::new() }];
    p
}

/// What the officer types for a target: a count, or a percentage for shares.
fn shown_value(t: &Target) -> String {
    match t.metric {
        TargetMetric::NewModels => format!("{}", t.value.round() as i64),
        _ => format!("{}", (t.value * 100.0).round() as i64),
    }
}

#[component]
pub fn PlanFormPage(id: Option<String>) -> impl IntoView {
    let state = use_state();
    let existing = id.as_ref().and_then(|id| state.registry.with_untracked(|r| r.plan(id).filter(|p| !p.is_deleted()).cloned()));
    if id.is_some() && existing.is_none() {
        return view! { <section class="page"><p class="card">{state.t(PageMsg::PlanNotFound)}</p></section> }.into_any();
    }
    let is_new = existing.is_none();
    let form_key = match &id {
        Some(id) => format!("plan:{id}"),
        None => "plan:new".to_string(),
    };
    let draft = RwSignal::new(existing.unwrap_or_else(|| blank_plan(&state.settings.with_untracked(|s| s.author()))));
    // What is typed is kept as a draft until saved, so a tab the phone kills loses nothing.
    let key = form_key.clone();
    Effect::new(move |first: Option<()>| {
        let text = draft.with(|p| serde_json::to_string(p).unwrap_or_default());
        if first.is_some() {
            state.save_draft(&key, text);
        }
    });
    let restore_draft = move |text: String| {
        if let Ok(p) = serde_json::from_str::<Plan>(&text) {
            draft.set(p);
        }
    };
    // Lengths as memos: typing in a row must not rebuild the rows (and lose focus).
    let n_targets = Memo::new(move |_| draft.with(|p| p.targets.len()));
    let n_milestones = Memo::new(move |_| draft.with(|p| p.milestones.len()));
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let err = move |f: FormField| move || errors.with(|es| es.iter().find(|e| e.field == f).map(|e| view! { <span class="field-error" role="alert">{validation::field_error(state.lang.get(), e)}</span> }));
    // Once a save has shown problems, each change checks again, so a fixed field loses its message.
    Effect::new(move |_| {
        let p = draft.with(|p| Plan { title: p.title.trim().to_string(), ..p.clone() });
        if errors.with_untracked(|e| !e.is_empty()) {
            errors.set(validate_plan(&p));
        }
    });
    let key = form_key.clone();
    // A save asked for and not landed yet: the button says so and takes no second tap.
    let saving = RwSignal::new(false);
    let save = move || {
        if saving.get_untracked() {
            return;
        }
        let mut p = draft.get_untracked();
        tidy_plan(&mut p);
        p.milestones.retain(|m| !m.title.trim().is_empty() || m.due.is_some());
        let errs = validate_plan(&p);
        if !errs.is_empty() {
            errors.set(errs);
            return;
        }
        let id = p.id.clone();
        let key = key.clone();
        saving.set(true);
        state.change_told(
            move |app, now| {
                let saved = app.save_plan(p, now)?;
                app.discard_draft(&key);
                Ok(saved)
            },
            move |_| Some(Toast::new(PageMsg::PlanSaved.text(state.lang.get_untracked()))),
            move |result| {
                saving.set(false);
                match result {
                    Ok(_) => {
                        let _ = window().location().set_hash(&Route::Plan { id }.href());
                    }
                    Err(e) => state.show_error(&e),
                }
            },
        );
    };
    let set_date = move |which: u8, v: String| {
        if let Some(d) = Date::parse(&v) {
            draft.update(|p| {
                let per = p.period.get_or_insert(Period { from: d, to: d, extra: Extra::new() });
                if which == 0 { per.from = d } else { per.to = d }
            });
        }
    };
    view! {
        <section class="page form-page">
            <a class="back" href="#/plans">"← " {state.tr(Msg::Cancel)}</a>
            <h1>{move || state.t(if is_new { PageMsg::NewPlan } else { PageMsg::EditPlan })}</h1>
            <DraftOffer form=form_key.clone() on_restore=restore_draft/>
            <form class="model-form" novalidate on:submit=move |ev| { ev.prevent_default(); save(); }>
                <div class="field">
                    <label for="p-title">{state.tr(ChunkMsg::PlanTitle)}</label>
                    <input id="p-title" type="text" prop:value=move || draft.with(|p| p.title.clone())
                        aria-invalid=move || errors.with(|e| e.iter().any(|x| x.field == FormField::Title)).to_string()
                        on:input=move |ev| draft.update(|p| p.title = event_target_value(&ev))/>
                    {err(FormField::Title)}
                </div>
                <div class="two field">
                    <div>
                        <label for="p-from">{state.tr(ChunkMsg::PeriodFrom)}</label>
                        <input id="p-from" type="date" prop:value=move || draft.with(|p| p.period.as_ref().map(|x| x.from.to_string()).unwrap_or_default())
                            on:change=move |ev| set_date(0, event_target_value(&ev))/>
                        {err(FormField::PeriodFrom)}
                    </div>
                    <div>
                        <label for="p-to">{state.tr(ChunkMsg::PeriodTo)}</label>
                        <input id="p-to" type="date" prop:value=move || draft.with(|p| p.period.as_ref().map(|x| x.to.to_string()).unwrap_or_default())
                            on:change=move |ev| set_date(1, event_target_value(&ev))/>
                        {err(FormField::PeriodTo)}
                    </div>
                </div>
                <fieldset class="field">
                    <legend>{state.tr(PageMsg::ScopeLocalities)}</legend>
                    <div class="chips wrap">
                        {move || draft.with(|p| p.scope.locality_codes.clone()).into_iter().map(|c| {
                            let name = Localities::builtin().unit(c).map(|u| u.name.clone()).unwrap_or_else(|| c.to_string());
                            view! {
                                <button type="button" class="chip" aria-label=move || format!("{} {}", state.t(PageMsg::Remove), name.clone())
                                    on:click=move |_| draft.update(|p| p.scope.locality_codes.retain(|x| *x != c))>
                                    {Localities::builtin().unit(c).map(|u| u.name.clone()).unwrap_or_default()} " ×"
                                </button>
                            }
                        }).collect_view()}
                    </div>
                    <label for="p-addloc" class="visually-hidden">{state.tr(PageMsg::AddLocality)}</label>
                    <select id="p-addloc" on:change=move |ev| {
                        if let Ok(c) = event_target_value(&ev).parse::<u32>() {
                            draft.update(|p| if !p.scope.locality_codes.contains(&c) { p.scope.locality_codes.push(c) });
                        }
                        // the unit is now a chip above: the box is ready for the next one
                        event_target::<web_sys::HtmlSelectElement>(&ev).set_value("");
                    }>
                        <option value="">{state.tr(PageMsg::AddLocality)}</option>
                        <LocalityOptions/>
                    </select>
                </fieldset>
                <fieldset class="field">
                    <legend>{state.tr(PageMsg::ScopeFields)}</legend>
                    <div class="radio-grid">
                        {Field::ALL.iter().map(|f| { let f = *f; view! {
                            <label class="radio">
                                <input type="checkbox" prop:checked=move || draft.with(|p| p.scope.fields.contains(&f))
                                    on:change=move |ev| { let on = event_target_checked(&ev); draft.update(|p| {
                                        p.scope.fields.retain(|x| *x != f);
                                        if on { p.scope.fields.push(f) }
                                    }) }/>
                                {move || f.name(state.lang.get())}
                            </label>
                        }}).collect_view()}
                    </div>
                    <label class="check">
                        <input type="checkbox" prop:checked=move || draft.with(|p| p.scope.ethnic_minority_only)
                            on:change=move |ev| { let on = event_target_checked(&ev); draft.update(|p| p.scope.ethnic_minority_only = on) }/>
                        {state.tr(Msg::EthnicOnly)}
                    </label>
                </fieldset>
                <fieldset class="field">
                    <legend>{state.tr(PageMsg::Targets)}</legend>
                    <p class="muted small">{state.tr(PageMsg::TargetValueHint)}</p>
                    {move || (0..n_targets.get()).map(|i| view! {
                        <div class="target-row">
                            <label class="visually-hidden" for=format!("p-metric-{i}")>{state.tr(PageMsg::Targets)}</label>
                            <select id=format!("p-metric-{i}") prop:value=move || draft.with(|p| p.targets.get(i).map(|x| x.metric.code()).unwrap_or(""))
                                on:change=move |ev| if let Some(m) = TargetMetric::from_code(&event_target_value(&ev)) { draft.update(|p| if let Some(x) = p.targets.get_mut(i) {
                                    let was_count = x.metric == TargetMetric::NewModels;
                                    x.metric = m;
                                    if was_count != (m == TargetMetric::NewModels) { x.value = if m == TargetMetric::NewModels { 10.0 } else { 0.8 } }
                                }) }>
                                {TargetMetric::ALL.iter().map(|m| { let m = *m; view! { <option value=m.code()>{move || m.name(state.lang.get())}</option> }}).collect_view()}
                            </select>
                            <label class="visually-hidden" for=format!("p-value-{i}")>{state.tr(PageMsg::TargetValue)}</label>
                            <input id=format!("p-value-{i}") type="text" inputmode="decimal"
                                prop:value=move || draft.with(|p| p.targets.get(i).map(shown_value).unwrap_or_default())
                                on:change=move |ev| { let v: f64 = event_target_value(&ev).replace(',', ".").trim().trim_end_matches('%').parse().unwrap_or(-1.0);
                                    draft.update(|p| if let Some(x) = p.targets.get_mut(i) { x.value = if x.metric == TargetMetric::NewModels { v } else { v / 100.0 } }) }/>
                            <button type="button" class="small" on:click=move |_| draft.update(|p| { if i < p.targets.len() { p.targets.remove(i); } })>{state.tr(PageMsg::Remove)}</button>
                            {err(FormField::Target(i))}
                        </div>
                    }).collect_view()}
                    <button type="button" class="button" on:click=move |_| draft.update(|p| p.targets.push(Target { metric: TargetMetric::EffectiveShare, value: 0.8, extra: Extra::new() }))>
                        "+ " {state.tr(PageMsg::AddTarget)}</button>
                </fieldset>
                <fieldset class="field">
                    <legend>{state.tr(ChunkMsg::Milestones)}</legend>
                    {move || (0..n_milestones.get()).map(|i| view! {
                        <div class="milestone-row">
                            <label for=format!("p-ms-{i}")>{state.tr(PageMsg::MilestoneTitle)}</label>
                            <input id=format!("p-ms-{i}") type="text" prop:value=move || draft.with(|p| p.milestones.get(i).map(|m| m.title.clone()).unwrap_or_default())
                                on:input=move |ev| draft.update(|p| if let Some(m) = p.milestones.get_mut(i) { m.title = event_target_value(&ev) })/>
                            {err(FormField::MilestoneTitle(i))}
                            <div class="two">
                                <div>
                                    <label for=format!("p-due-{i}")>{state.tr(PageMsg::Due)}</label>
                                    <input id=format!("p-due-{i}") type="date" prop:value=move || draft.with(|p| p.milestones.get(i).and_then(|m| m.due).map(|d| d.to_string()).unwrap_or_default())
                                        on:change=move |ev| draft.update(|p| if let Some(m) = p.milestones.get_mut(i) { m.due = Date::parse(&event_target_value(&ev)) })/>
                                    {err(FormField::MilestoneDue(i))}
                                </div>
                                <div>
                                    <label for=format!("p-done-{i}")>{state.tr(PageMsg::DoneOn)}</label>
                                    <input id=format!("p-done-{i}") type="date" prop:value=move || draft.with(|p| p.milestones.get(i).and_then(|m| m.done_on).map(|d| d.to_string()).unwrap_or_default())
                                        on:change=move |ev| draft.update(|p| if let Some(m) = p.milestones.get_mut(i) { m.done_on = Date::parse(&event_target_value(&ev)) })/>
                                </div>
                            </div>
                            <button type="button" class="small" on:click=move |_| draft.update(|p| { if i < p.milestones.len() { p.milestones.remove(i); } })>{state.tr(PageMsg::Remove)}</button>
                        </div>
                    }).collect_view()}
                    <button type="button" class="button" on:click=move |_| draft.update(|p| p.milestones.push(Milestone {
                        id: new_id(), title: String::new(), due: None, done_on: None, notes: String::new(), extra: Extra::new(),
                    }))>"+ " {state.tr(PageMsg::AddMilestone)}</button>
                </fieldset>
                <Show when=move || errors.with(|e| !e.is_empty())>
                    <p class="banner error" role="alert">{state.tr(PageMsg::FixErrors)}</p>
                </Show>
                <div class="form-actions sticky-action">
                    <button type="submit" class="button primary" data-testid="save-plan" disabled=move || saving.get() aria-busy=move || saving.get().to_string()>
                        {move || state.t(if saving.get() { PageMsg::Saving } else { PageMsg::Save })}
                    </button>
                </div>
            </form>
        </section>
    }
    .into_any()
}
