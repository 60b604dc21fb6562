//! Kế hoạch: the plans with their progress (computed from the registry by `domain::progress`, never
//! typed in), milestones due soon and overdue across plans and models, and one plan's page.

use leptos::prelude::*;

use crate::charts::dashboard as specs;
use crate::domain::locality::{Localities, Placement};
use crate::domain::model::{Plan, TargetMetric};
use crate::domain::progress::{milestone_state, needs_visit, plan_progress, upcoming, MilestoneState, Owner, TargetProgress};
use crate::i18n::dates::date;
use crate::i18n::{number, target_gap, target_value, tf, ChunkMsg, Lang, Msg, Named, PageMsg};
use crate::routes::Route;
use crate::ui::components::{Chart, ChartFrame};
use crate::ui::state::{today, use_state, Undo};

/// "Overdue 3 days", "Due in 5 days", …
pub fn state_text(lang: Lang, s: MilestoneState) -> String {
    match s {
        MilestoneState::Done => PageMsg::StateDone.text(lang).into(),
        MilestoneState::Overdue { days } => tf(lang, PageMsg::OverdueDays, &[&days]),
        MilestoneState::DueSoon { days: 0 } => PageMsg::DueToday.text(lang).into(),
        MilestoneState::DueSoon { days } => tf(lang, PageMsg::DueInDays, &[&days]),
        MilestoneState::Later => PageMsg::StateLater.text(lang).into(),
        MilestoneState::NoDate => PageMsg::StateNoDate.text(lang).into(),
    }
}

fn state_class(s: MilestoneState) -> &'static str {
    match s {
        MilestoneState::Overdue { .. } => "tag state-overdue",
        MilestoneState::DueSoon { .. } => "tag state-soon",
        MilestoneState::Done => "tag state-done",
        _ => "tag",
    }
}

fn scope_text(lang: Lang, p: &Plan) -> String {
    let l = Localities::builtin();
    let mut parts: Vec<String> = Vec::new();
    if p.scope.locality_codes.is_empty() {
        parts.push(Msg::WholeProvince.text(lang).into());
    } else {
        parts.push(p.scope.locality_codes.iter().map(|c| l.unit(*c).map(|u| u.name.clone()).unwrap_or_else(|| c.to_string())).collect::<Vec<_>>().join(", "));
    }
    if !p.scope.fields.is_empty() {
        parts.push(p.scope.fields.iter().map(|f| f.name(lang)).collect::<Vec<_>>().join(", "));
    }
    if p.scope.ethnic_minority_only {
        parts.push(Msg::EthnicOnlyShort.text(lang).into());
    }
    parts.join(" · ")
}

fn period_text(lang: Lang, p: &Plan) -> String {
    p.period.as_ref().map(|x| format!("{} – {}", date(lang, x.from), date(lang, x.to))).unwrap_or_default()
}

fn target_line(lang: Lang, t: &TargetProgress, started: bool) -> String {
    let status = if !started {
        PageMsg::PlanNotStarted.text(lang).to_string()
    } else if t.met {
        PageMsg::TargetMet.text(lang).to_string()
    } else {
        tf(lang, PageMsg::TargetMissed, &[&target_gap(lang, t.metric, t.gap)])
    };
    format!("{}: {} / {} — {}", t.metric.name(lang), target_value(lang, t.metric, t.actual), target_value(lang, t.metric, t.target), status)
}

#[component]
pub fn PlansPage() -> impl IntoView {
    let state = use_state();
    let day = today();
    let plans = Memo::new(move |_| {
        state.registry.with(|r| r.plans().map(|p| (p.clone(), plan_progress(p, r, day))).collect::<Vec<_>>())
    });
    let soon = Memo::new(move |_| state.registry.with(|r| upcoming(r, day, 30)));
    let visit_count = Memo::new(move |_| state.registry.with(|r| needs_visit(r, day).len()));
    let place_filter = RwSignal::new(None::<u32>);
    view! {
        <section class="page plans-page">
            <div class="page-head">
                <h1>{state.tr(PageMsg::PlansTitle)}</h1>
                <a class="button primary" href=Route::NewPlan.href() data-testid="new-plan">"+ " {state.tr(PageMsg::NewPlan)}</a>
            </div>
            <section class="card">
                <h2>{state.tr(Msg::VisitTitle)}</h2>
                <p>{move || tf(state.lang.get(), PageMsg::NeedsVisitCount, &[&number(state.lang.get(), visit_count.get() as u64)])}</p>
                <a class="button" href=Route::Visit { query: String::new() }.href() data-testid="start-visit">{state.tr(PageMsg::StartVisit)}</a>
            </section>
            <section class="card" data-testid="upcoming">
                <h2>{state.tr(PageMsg::UpcomingTitle)}</h2>
                <label for="upcoming-place" class="visually-hidden">{state.tr(Msg::Locality)}</label>
                <select id="upcoming-place" on:change=move |ev| place_filter.set(event_target_value(&ev).parse().ok())>
                    <option value="">{state.tr(Msg::AllLocalities)}</option>
                    {Localities::builtin().current_communes().map(|u| view! { <option value=u.code.to_string()>{u.name.clone()}</option> }).collect_view()}
                </select>
                {move || {
                    let lang = state.lang.get();
                    let pf = place_filter.get();
                    let items: Vec<_> = soon.get().into_iter().filter(|i| pf.is_none_or(|c| i.placement == Some(Placement::Commune(c)))).collect();
                    if items.is_empty() {
                        return view! { <p class="muted">{state.t(PageMsg::UpcomingNone)}</p> }.into_any();
                    }
                    view! {
                        <ul class="upcoming">
                            {items.into_iter().map(|i| {
                                let href = match &i.owner {
                                    Owner::Plan { id, .. } => Route::Plan { id: id.clone() }.href(),
                                    Owner::Model { id, .. } => Route::Model { id: id.clone() }.href(),
                                };
                                let place = i.placement.and_then(|p| Localities::builtin().placement_name(p)).unwrap_or("").to_string();
                                view! {
                                    <li>
                                        <span class=state_class(i.state)>{state_text(lang, i.state)}</span>
                                        " " <strong>{i.title.clone()}</strong>
                                        <div class="small"><a href=href>{i.owner.title().to_string()}</a>
                                            <span class="muted">" · " {date(lang, i.due)} {(!place.is_empty()).then(|| format!(" · {place}"))}</span></div>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <Show when=move || plans.with(|p| p.is_empty())>
                <p class="muted card">{state.tr(PageMsg::NoPlans)}</p>
            </Show>
            <ul class="plan-list">
                {move || {
                    let lang = state.lang.get();
                    plans.get().into_iter().map(|(p, prog)| view! {
                        <li class="card plan-card">
                            <a href=Route::Plan { id: p.id.clone() }.href()><h2>{p.title.clone()}</h2></a>
                            <p class="muted small">{period_text(lang, &p)} " · " {scope_text(lang, &p)}</p>
                            <p class="small">{tf(lang, PageMsg::InScope, &[&number(lang, prog.in_scope() as u64)])}</p>
                            <ul class="targets">
                                {prog.targets.iter().map(|t| view! {
                                    <li class:met=t.met>
                                        <div class="bar" role="presentation"><span style=format!("width:{:.0}%", t.fraction() * 100.0)></span></div>
                                        <span class="small">{target_line(lang, t, prog.started)}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                            {(prog.overdue_milestones() > 0).then(|| view! {
                                <p class="tag state-overdue">{tf(lang, PageMsg::OverdueCount, &[&prog.overdue_milestones()])}</p>
                            })}
                        </li>
                    }).collect_view()
                }}
            </ul>
        </section>
    }
}

#[component]
pub fn PlanDetailPage(id: String) -> impl IntoView {
    let state = use_state();
    let day = today();
    let pid = id.clone();
    let plan = Memo::new(move |_| state.registry.with(|r| r.plan(&pid).filter(|p| !p.is_deleted()).cloned()));
    let progress = Memo::new(move |_| plan.get().map(|p| state.registry.with(|r| plan_progress(&p, r, day))));
    let chart = Memo::new(move |_| {
        let lang = state.lang.get();
        match (plan.get(), progress.get()) {
            (Some(_), Some(prog)) => {
                let triples: Vec<(TargetMetric, f64, f64)> = prog.targets.iter().map(|t| (t.metric, t.actual, t.target)).collect();
                Chart::progress(&specs::plan_progress(lang, prog.started, &triples))
            }
            _ => Chart::progress(&specs::plan_progress(lang, true, &[])),
        }
    });
    let confirming = RwSignal::new(false);
    let toggle_done = move |milestone_id: String| {
        let Some(mut p) = plan.get_untracked() else { return };
        for m in p.milestones.iter_mut().filter(|m| m.id == milestone_id) {
            m.done_on = if m.done_on.is_some() { None } else { Some(today()) };
        }
        state.change(move |app, now| app.save_plan(p, now), move |r| if let Err(e) = r { state.show_error(&e) });
    };
    let delete = move |_| {
        let Some(before) = plan.get_untracked() else { return };
        let title = before.title.clone();
        state.change(
            move |app, now| app.delete_plan(&before.id, now),
            move |result| match result {
                Ok(token) => {
                    let undo: Undo = std::sync::Arc::new(move || {
                        let token = token.clone();
                        state.change(move |app, now| app.undo(&token, now), move |r| if let Err(e) = r { state.show_error(&e) });
                    });
                    state.show_toast(tf(state.lang.get_untracked(), PageMsg::PlanDeleted, &[&title]), Some(undo));
                    let _ = window().location().set_hash(&Route::Plans.href());
                }
                Err(e) => state.show_error(&e),
            },
        );
    };
    view! {
        <section class="page plan-page">
            <a class="back" href="#/plans">"← " {state.tr(PageMsg::PlansTitle)}</a>
            {move || match (plan.get(), progress.get()) {
                (Some(p), Some(prog)) => {
                    let lang = state.lang.get();
                    let title = p.title.clone();
                    view! {
                        <h1>{p.title.clone()}</h1>
                        <p class="muted">{period_text(lang, &p)} " · " {scope_text(lang, &p)}</p>
                        <p data-testid="plan-in-scope">{tf(lang, PageMsg::InScope, &[&number(lang, prog.in_scope() as u64)])}</p>
                        <ChartFrame svg=Signal::derive(move || chart.with(|c| c.svg.clone())) table=Signal::derive(move || chart.with(|c| c.table.clone())) file_stem="plan-progress"/>
                        <ul class="targets" data-testid="plan-targets">
                            {prog.targets.iter().map(|t| view! { <li class:met=t.met>{target_line(lang, t, prog.started)}</li> }).collect_view()}
                        </ul>
                        <section class="card">
                            <h2>{ChunkMsg::Milestones.text(lang)}</h2>
                            <ul class="milestones">
                                {p.milestones.iter().map(|m| {
                                    let st = milestone_state(m, day);
                                    let mid = m.id.clone();
                                    view! {
                                        <li>
                                            <span class=state_class(st)>{state_text(lang, st)}</span> " "
                                            <strong>{m.title.clone()}</strong>
                                            <span class="muted small">{m.due.map(|d| format!(" · {} {}", PageMsg::Due.text(lang), date(lang, d)))}{m.done_on.map(|d| format!(" · {} {}", PageMsg::DoneOn.text(lang), date(lang, d)))}</span>
                                            <button type="button" class="small" on:click=move |_| toggle_done(mid.clone())>
                                                {if m.done_on.is_some() { PageMsg::MarkNotDone.text(lang) } else { PageMsg::MarkDone.text(lang) }}
                                            </button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </section>
                        <div class="row actions">
                            <a class="button" href=Route::EditPlan { id: p.id.clone() }.href()>{PageMsg::Edit.text(lang)}</a>
                            <button type="button" class="button danger" on:click=move |_| confirming.set(true)>{PageMsg::Delete.text(lang)}</button>
                        </div>
                        <Show when=move || confirming.get()>
                            <div class="card confirm" role="alertdialog">
                                <p>{tf(lang, PageMsg::ConfirmDeletePlan, &[&title])}</p>
                                <div class="row">
                                    <button type="button" class="button danger" on:click=delete>{PageMsg::Delete.text(lang)}</button>
                                    <button type="button" class="button" on:click=move |_| confirming.set(false)>{Msg::Cancel.text(lang)}</button>
                                </div>
                            </div>
                        </Show>
                    }.into_any()
                }
                _ => view! { <p class="card">{state.t(PageMsg::PlanNotFound)}</p> }.into_any(),
            }}
        </section>
    }
}
