//! Writes the Excel export of the demo province (the 2,226 generated models, the article's examples, a
//! model with formula-looking text, two plans) and, beside it, the values the app shows for each record,
//! computed from the records themselves (not from `export::table`). `tests/xlsx/check.py` reads the
//! workbook with openpyxl and compares the two. Run by `make test-xlsx`:
//!
//!     cargo run --example xlsx_fixture -- <out dir>     # writes <out dir>/dvk.xlsx and expected.json

use std::path::PathBuf;

use dvk_registry::domain::demo::{article_examples, province_demo};
use dvk_registry::domain::locality::{Localities, Placement};
use dvk_registry::domain::model::{Extra, Field, Milestone, Model, Period, Plan, PlanScope, Target, TargetMetric};
use dvk_registry::domain::registry::Registry;
use dvk_registry::domain::time::{Date, Timestamp};
use dvk_registry::export::{self, table};
use dvk_registry::export::table::Column;
use dvk_registry::i18n::{Catalogue, ChunkMsg, Lang, Msg, Named, ShareMsg};
use serde_json::{json, Value};

const UNIT: &str = "Ban Dân vận Thành ủy Huế";
const LANG: Lang = Lang::Vi;

fn day(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn plan(id: &str, title: &str, targets: Vec<Target>, now: Timestamp) -> Plan {
    let mut p = Plan::new(id.into(), now, "demo");
    p.title = title.into();
    p.period = Some(Period { from: day("2024-01-01"), to: day("2026-12-31"), extra: Extra::new() });
    p.scope = PlanScope { locality_codes: vec![], fields: vec![Field::Economic], ethnic_minority_only: false, extra: Extra::new() };
    p.targets = targets;
    p.milestones = vec![Milestone { id: format!("{id}-ms"), title: "Sơ kết".into(), due: Some(day("2025-06-30")), done_on: None, notes: String::new(), extra: Extra::new() }];
    p
}

fn records(now: Timestamp) -> (Vec<Model>, Vec<Plan>) {
    let mut models = province_demo(2024, now, "demo");
    models.extend(article_examples(now, "demo"));
    let mut tricky = Model::new("tricky-1".into(), now, "demo");
    tricky.title = "=SUM(1+1) Tổ “Phụ nữ giữ gìn nếp nhà” — ấp Ưu Điềm, xã Phú Vinh".into();
    tricky.lead = "@Hội Liên hiệp Phụ nữ; -nhóm 5 hộ".into();
    tricky.locality.name = "Thôn chưa có trong danh mục".into();
    tricky.participants = Some(0);
    tricky.contributions.money_vnd = Some(1_234_567_890);
    tricky.started_on = Some(day("2024-02-29"));
    models.push(tricky);
    let plans = vec![
        plan(
            "plan-1",
            "Mô hình sinh kế vùng đồng bào dân tộc thiểu số giai đoạn 2024–2026",
            vec![
                Target { metric: TargetMetric::NewModels, value: 30.0, extra: Extra::new() },
                Target { metric: TargetMetric::EffectiveShare, value: 0.8, extra: Extra::new() },
            ],
            now,
        ),
        plan("plan-2", "Kế hoạch chưa có chỉ tiêu", vec![], now),
    ];
    (models, plans)
}

fn iso(d: Option<Date>) -> Value {
    d.map(|d| json!(d.to_string())).unwrap_or(Value::Null)
}

/// The commune a model counts in now, as the models list resolves it.
fn commune(m: &Model) -> String {
    let l = Localities::builtin();
    match l.place(&m.locality) {
        Placement::Unplaced => Msg::Unplaced.text(LANG).to_string(),
        p => l.placement_name(p).unwrap_or_default().to_string(),
    }
}

fn headers(columns: &[Column]) -> Value {
    json!(columns.iter().map(|c| c.text(LANG)).collect::<Vec<_>>())
}

fn main() {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "target/xlsx-check".into()));
    std::fs::create_dir_all(&out).expect("output folder");
    let now = Timestamp::parse("2026-12-01T08:00:00Z").unwrap();
    let today = now.date();
    let (models, plans) = records(now);
    let registry = Registry::from_records(models, plans);
    let live: Vec<&Model> = registry.all_models().iter().filter(|m| !m.is_deleted()).collect();
    let bytes = export::workbook(LANG, UNIT, today, &live, &registry).expect("workbook");
    std::fs::write(out.join("dvk.xlsx"), &bytes).expect("write the workbook");

    fn col(m: impl Catalogue) -> &'static str {
        m.text(LANG)
    }
    let model_values: Vec<Value> = live
        .iter()
        .map(|m| {
            let latest = m.latest_evaluation();
            json!({
                "id": m.id,
                "cells": {
                    col(ChunkMsg::Title): m.title,
                    col(Msg::Field): m.field.name(LANG),
                    col(ShareMsg::ColCommuneNow): commune(m),
                    col(ShareMsg::ColLocalityRecorded): m.locality.name,
                    col(Msg::Status): m.status.map(|s| s.name(LANG)),
                    col(Msg::EthnicArea): if m.ethnic_minority_area { ChunkMsg::Yes.text(LANG) } else { ChunkMsg::No.text(LANG) },
                    col(ChunkMsg::CurrentRating): latest.map(|e| e.rating.name(LANG)).unwrap_or(Msg::NotEvaluated.text(LANG)),
                },
                "numbers": {
                    col(ChunkMsg::Participants): m.participants,
                    col(ChunkMsg::Households): m.beneficiary_households,
                    col(ChunkMsg::MoneyVnd): m.contributions.money_vnd,
                    col(ChunkMsg::WorkDays): m.contributions.work_days,
                    col(ChunkMsg::LandM2): m.contributions.land_m2,
                    col(ChunkMsg::RecognitionYear): m.recognition.as_ref().and_then(|r| r.year),
                    col(ShareMsg::ColEvaluationCount): m.evaluations.len(),
                    col(ShareMsg::PhotoCountCol): dvk_registry::domain::evidence::photo_count(&m.extra),
                    col(ShareMsg::LatitudeCol): dvk_registry::domain::evidence::location(&m.extra).map(|l| l.lat),
                },
                "dates": {
                    col(Msg::StartedOn): iso(m.started_on),
                    col(ShareMsg::ColLastEvaluated): iso(latest.map(|e| e.date)),
                    col(ShareMsg::ColUpdatedOn): iso(Some(m.updated_at.date())),
                },
            })
        })
        .collect();
    let evaluation_values: Vec<Value> = live
        .iter()
        .flat_map(|m| {
            let mut evals: Vec<_> = m.evaluations.iter().collect();
            evals.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
            evals.into_iter().map(move |e| {
                json!({
                    "cells": {
                        col(ChunkMsg::Title): m.title,
                        col(ShareMsg::ColModelId): m.id,
                        col(ShareMsg::ColEvaluationId): e.id,
                        col(Msg::Rating): e.rating.name(LANG),
                    },
                    "dates": { col(ChunkMsg::EvaluationDate): e.date.to_string() },
                })
            })
        })
        .collect();
    let plan_values: Vec<Value> = registry
        .plans()
        .flat_map(|p| {
            let n = p.targets.len().max(1);
            (0..n).map(move |i| {
                let t = p.targets.get(i);
                json!({
                    "cells": {
                        col(ChunkMsg::PlanTitle): p.title,
                        col(ShareMsg::ColTargetMetric): t.map(|t| t.metric.name(LANG)),
                    },
                    "numbers": { col(ShareMsg::ColTargetValue): t.map(|t| t.value) },
                    "dates": {
                        col(ChunkMsg::PeriodFrom): iso(p.period.as_ref().map(|x| x.from)),
                        col(ChunkMsg::PeriodTo): iso(p.period.as_ref().map(|x| x.to)),
                    },
                    "share": t.is_some_and(|t| t.metric != TargetMetric::NewModels),
                })
            })
        })
        .collect();
    let expected = json!({
        "unit": UNIT,
        "date": "01/12/2026",
        "sheets": [ShareMsg::SheetModels.text(LANG), ShareMsg::SheetEvaluations.text(LANG), ShareMsg::SheetPlans.text(LANG)],
        "headers": [headers(table::MODEL_COLUMNS), headers(table::EVALUATION_COLUMNS), headers(table::PLAN_COLUMNS)],
        "rows": [model_values, evaluation_values, plan_values],
        "formula_like": { "sheet": 0, "header": col(ChunkMsg::Title), "value": "=SUM(1+1) Tổ “Phụ nữ giữ gìn nếp nhà” — ấp Ưu Điềm, xã Phú Vinh" },
    });
    std::fs::write(out.join("expected.json"), serde_json::to_string_pretty(&expected).unwrap()).expect("write expected.json");
    println!("wrote {} ({} bytes) and expected.json: {} models", out.join("dvk.xlsx").display(), bytes.len(), live.len());
}
