//! Statistics and charts, natively: the figures against hand computations (and the seed article's
//! 2,226 models), and the SVG the charts write — labels, values, proportions, escaping, empty data.

mod support;

use dvk_registry::charts::{
    self, bar_chart, bar_table, dashboard, for_file, palette, progress_chart, progress_table, svg_size,
    BarChart, ProgressRow, Series,
};
use dvk_registry::domain::locality::{Localities, Placement, PROVINCE_CODE};
use dvk_registry::domain::model::{
    Evaluation, Extra, Field, LocalityRef, Model, Rating, Recognition, RecognitionLevel, Status, TargetMetric,
};
use dvk_registry::domain::registry::Registry;
use dvk_registry::domain::stats::{self, live_positions};
use dvk_registry::format::grouped;
use dvk_registry::i18n::Lang;
use support::{d as date, ev, ts};

// ---------------------------------------------------------------- building registries

fn model(id: &str, field: Field, code: Option<u32>, locality: &str) -> Model {
    let mut m = support::model(id, &format!("Mô hình {id}"), "dev");
    m.field = field;
    m.locality = LocalityRef { code, name: locality.into(), ..Default::default() };
    m
}

fn evaluation(id: &str, on: &str, rating: Rating) -> Evaluation {
    Evaluation { close_to_needs: Some(true), ..ev(id, on, rating) }
}

fn commune(name: &str) -> u32 {
    Localities::builtin().current_communes().find(|u| u.name == name).unwrap().code
}

/// The province of the article: 190 economic, 1,807 cultural-social, 192 defence-security, 37 political.
fn article_registry() -> Registry {
    let mut models = Vec::new();
    for (field, n) in [
        (Field::Economic, 190),
        (Field::CulturalSocial, 1807),
        (Field::DefenseSecurity, 192),
        (Field::PoliticalSystem, 37),
    ] {
        for i in 0..n {
            models.push(model(&format!("{}-{i}", field.code()), field, Some(PROVINCE_CODE), "Thành phố Huế"));
        }
    }
    Registry::from_records(models, vec![])
}

/// Five live models and a tombstone whose figures are worked out by hand in the tests below.
fn small_registry() -> Registry {
    let a_luoi_4 = commune("Xã A Lưới 4");
    let mut a = model("a", Field::Economic, Some(a_luoi_4), "Xã A Lưới 4");
    a.started_on = Some(date("2024-03-01"));
    a.evaluations.push(evaluation("a1", "2024-04-01", Rating::Effective));
    a.ethnic_minority_area = true;
    a.participants = Some(10);
    a.contributions.money_vnd = Some(1_000_000);

    // A pre-2025 commune: counts under its successor, Xã A Lưới 4.
    let mut b = model("b", Field::CulturalSocial, Some(20095), "Xã A Roàng");
    b.started_on = Some(date("2023-05-01"));
    b.evaluations.push(evaluation("b2", "2024-05-01", Rating::Limited));
    b.evaluations.push(evaluation("b1", "2023-06-01", Rating::VeryEffective));
    b.status = Some(Status::Completed);
    b.participants = Some(5);

    // Starts and is evaluated after "today" (2024-06-30).
    let mut c = model("c", Field::CulturalSocial, Some(PROVINCE_CODE), "Thành phố Huế");
    c.started_on = Some(date("2024-08-01"));
    c.evaluations.push(evaluation("c1", "2024-09-01", Rating::Effective));
    c.status = Some(Status::Planned);

    let mut d = model("d", Field::DefenseSecurity, None, "Thôn không có trong danh mục");
    d.status = None;
    d.ethnic_minority_area = true;

    let mut e = model("e", Field::PoliticalSystem, Some(commune("Phường Thuận Hóa")), "Phường Thuận Hóa");
    e.started_on = Some(date("2024-01-15"));
    e.evaluations.push(evaluation("e1", "2024-02-01", Rating::VeryEffective));
    e.recognition = Some(Recognition { level: RecognitionLevel::District, year: Some(2024), extra: Extra::new() });

    let mut f = model("f", Field::Economic, Some(a_luoi_4), "Xã A Lưới 4");
    f.started_on = Some(date("2024-02-01"));
    f.deleted_at = Some(ts("2024-03-01T00:00:00Z"));

    Registry::from_records(vec![a, b, c, d, e, f], vec![])
}

fn everything(r: &Registry) -> Vec<usize> {
    (0..r.all_models().len()).collect()
}

// ---------------------------------------------------------------- reading SVG

/// The attributes of every `<tag …>` in order.
fn elements(svg: &str, tag: &str) -> Vec<Vec<(String, String)>> {
    let open = format!("<{tag} ");
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        let end = after.find('>').unwrap();
        let mut attrs = Vec::new();
        let mut s = &after[..end];
        while let Some(eq) = s.find("=\"") {
            let name = s[..eq].trim().to_string();
            let v = &s[eq + 2..];
            let close = v.find('"').unwrap();
            attrs.push((name, v[..close].to_string()));
            s = &v[close + 1..];
        }
        out.push(attrs);
        rest = &after[end..];
    }
    out
}

fn attr<'a>(el: &'a [(String, String)], name: &str) -> Option<&'a str> {
    el.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn num(el: &[(String, String)], name: &str) -> f64 {
    attr(el, name).unwrap_or_else(|| panic!("no {name}")).parse().unwrap()
}

/// The content of every `<text>` element, trimmed (still XML-escaped).
fn texts(svg: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find("<text ") {
        let after = &rest[i..];
        let start = after.find('>').unwrap() + 1;
        let end = after.find("</text>").unwrap();
        out.push(after[start..end].trim().to_string());
        rest = &after[end..];
    }
    out
}

/// Rectangles filled with `hex`, legend swatches (17 × 17 squares) left out: (x, y, width, height).
fn rects(svg: &str, hex: &str) -> Vec<(f64, f64, f64, f64)> {
    elements(svg, "rect")
        .iter()
        .filter(|r| attr(r, "fill") == Some(hex))
        .map(|r| (num(r, "x"), num(r, "y"), num(r, "width"), num(r, "height")))
        .filter(|r| (r.2, r.3) != (17.0, 17.0))
        .collect()
}

/// A small XML well-formedness check: balanced tags, one `svg` root, quoted attributes, no stray `<` or
/// `&` in text.
fn assert_well_formed(svg: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut rest = svg.trim();
    assert!(rest.starts_with("<svg"), "starts with the root");
    while !rest.is_empty() {
        if let Some(tail) = rest.strip_prefix('<') {
            let end = tail.find('>').expect("unclosed tag");
            let inner = &tail[..end];
            assert_eq!(inner.matches('"').count() % 2, 0, "unbalanced quotes in <{inner}>");
            assert!(!inner.contains('<'), "'<' inside a tag: {inner}");
            if let Some(name) = inner.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name.trim()), "mismatched </{name}>");
            } else {
                let name = inner.split_whitespace().next().unwrap().trim_end_matches('/').to_string();
                if stack.is_empty() {
                    roots += 1;
                    assert_eq!(name, "svg");
                }
                if !inner.ends_with('/') {
                    stack.push(name);
                }
            }
            rest = &tail[end + 1..];
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let text = &rest[..end];
            for (i, _) in text.match_indices('&') {
                let ent = &text[i..];
                assert!(
                    ["&lt;", "&gt;", "&amp;", "&quot;", "&apos;"].iter().any(|e| ent.starts_with(e)),
                    "raw & in text: {text}"
                );
            }
            assert!(!stack.is_empty() || text.trim().is_empty(), "text outside the root");
            rest = &rest[end..];
        }
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
    assert_eq!(roots, 1);
}

/// Parses the root element and checks it scales: width 100%, a viewBox, no fixed height.
fn assert_scalable(svg: &str) -> (u32, u32) {
    let root = &elements(svg, "svg")[0];
    assert_eq!(attr(root, "width"), Some("100%"));
    assert_eq!(attr(root, "height"), None, "a fixed height would stop the chart scaling");
    assert_eq!(attr(root, "role"), Some("img"));
    svg_size(svg).expect("a viewBox")
}

fn title_of(svg: &str) -> String {
    let start = svg.find("<title>").expect("a <title>") + "<title>".len();
    svg[start..start + svg[start..].find("</title>").unwrap()].to_string()
}

// ---------------------------------------------------------------- statistics

#[test]
fn article_figures_by_field() {
    let r = article_registry();
    let s = stats::summary(&r, &live_positions(&r), date("2024-06-30"));
    assert_eq!(s.total, 2226);
    assert_eq!(s.by_field, [190, 1807, 192, 37]);
    assert_eq!(s.field(Field::CulturalSocial), 1807);
    assert_eq!(s.evaluated, 0);
    assert_eq!(s.evaluated_share(), 0.0);
    // All of them are province-level: one row, split by field.
    let rows = stats::by_locality(&r, &live_positions(&r));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].placement, Placement::Province);
    assert_eq!(rows[0].by_field, [190, 1807, 192, 37]);
    assert_eq!(rows[0].total, 2226);
}

#[test]
fn summary_matches_hand_computation() {
    let r = small_registry();
    let s = stats::summary(&r, &everything(&r), date("2024-06-30"));
    assert_eq!(s.total, 5, "the tombstone f is not counted");
    assert_eq!(s.by_field, [1, 2, 1, 1]);
    assert_eq!(s.year, 2024);
    assert_eq!(s.new_in_year, 2, "a and e; c starts after today, b in 2023");
    assert_eq!(s.new_in_year_by_field, [1, 0, 0, 1]);
    assert_eq!(s.evaluated, 3, "a, b, e; c's evaluation is dated after today");
    assert_eq!(s.effective, 2, "a (effective) and e (very effective); b's latest is limited");
    assert_eq!(s.ethnic_minority, 2);
    assert_eq!(s.by_status, [1, 2, 1, 0]);
    assert_eq!(s.status(Status::Active), 2);
    assert_eq!(s.status_unknown, 1);
    assert_eq!(s.recognised, 1);
    assert_eq!(s.participants, 15);
    assert_eq!(s.money_vnd, 1_000_000);
    assert!((s.evaluated_share() - 0.6).abs() < 1e-12);
    assert!((s.effective_share() - 2.0 / 3.0).abs() < 1e-12, "hiệu quả is a share of the evaluated models: 2 of 3, not 2 of 5");
    assert!((s.ethnic_share() - 0.4).abs() < 1e-12);

    // At the end of the year c has started and been evaluated.
    let later = stats::summary(&r, &everything(&r), date("2024-12-31"));
    assert_eq!((later.new_in_year, later.evaluated, later.effective), (3, 4, 3));
}

#[test]
fn started_between_counts_a_report_period() {
    let r = small_registry();
    let all = everything(&r);
    assert_eq!(stats::started_between(&r, &all, date("2024-01-01"), date("2024-12-31")), [1, 1, 0, 1]);
    assert_eq!(stats::started_between(&r, &all, date("2023-05-01"), date("2023-05-01")), [0, 1, 0, 0]);
    assert_eq!(stats::started_between(&r, &all, date("2025-01-01"), date("2025-12-31")), [0; 4]);
}

#[test]
fn by_locality_counts_old_units_under_their_successor() {
    let r = small_registry();
    let rows = stats::by_locality(&r, &everything(&r));
    let a_luoi_4 = commune("Xã A Lưới 4");
    let thuan_hoa = commune("Phường Thuận Hóa");
    let got: Vec<(Placement, u32, [u32; 4])> = rows.iter().map(|x| (x.placement, x.total, *x.by_field.values())).collect();
    assert_eq!(
        got,
        vec![
            // a (economic) and b (cultural-social, written as Xã A Roàng); the tombstone f is not counted
            (Placement::Commune(a_luoi_4), 2, [1, 1, 0, 0]),
            // ties in Placement order: communes by code, then the province, then unplaced
            (Placement::Commune(thuan_hoa), 1, [0, 0, 0, 1]),
            (Placement::Province, 1, [0, 1, 0, 0]),
            (Placement::Unplaced, 1, [0, 0, 1, 0]),
        ]
    );
    assert!(thuan_hoa < u32::MAX);
    assert_eq!(rows.iter().map(|x| x.total).sum::<u32>(), 5, "every live model is in some row");
}

#[test]
fn by_year_stacks_by_field_fills_gaps_and_counts_undated_apart() {
    let r = small_registry();
    let y = stats::by_year(&r, &everything(&r));
    assert_eq!(y.by_year.len(), 2);
    assert_eq!(y.by_year[&2023], [0, 1, 0, 0]);
    assert_eq!(y.by_year[&2024], [1, 1, 0, 1], "a, c and e; not the tombstone");
    assert_eq!(y.no_start_date, [0, 0, 1, 0]);
    assert_eq!((y.dated_total(), y.no_start_total()), (4, 1));

    let mut old = model("old", Field::Economic, None, "Xã Hồng Thái");
    old.started_on = Some(date("2020-10-10"));
    let mut r2 = small_registry();
    r2.put(old);
    let y2 = stats::by_year(&r2, &live_positions(&r2));
    assert_eq!(y2.by_year.keys().copied().collect::<Vec<_>>(), vec![2020, 2021, 2022, 2023, 2024]);
    assert_eq!(y2.by_year[&2021], [0; 4], "a year with no new model shows as zero");
}

#[test]
fn by_rating_takes_the_latest_evaluation_as_of_the_day() {
    let r = small_registry();
    let all = everything(&r);
    let mid = stats::by_rating(&r, &all, date("2024-06-30"));
    assert_eq!(mid.by_rating, [1, 1, 1, 0]);
    assert_eq!(mid.not_evaluated, 2);
    assert_eq!(mid.total(), 5);
    let end = stats::by_rating(&r, &all, date("2024-12-31"));
    assert_eq!(end.rating(Rating::Effective), 2);
    assert_eq!(end.not_evaluated, 1);
    // Before b's second evaluation its rating was very effective.
    let before = stats::by_rating(&r, &all, date("2024-04-30"));
    assert_eq!(before.by_rating, [2, 1, 0, 0]);
}

#[test]
fn ethnic_share_counts_the_selection() {
    let r = small_registry();
    let e = stats::ethnic_share(&r, &everything(&r));
    assert_eq!((e.ethnic_minority, e.total), (2, 5));
    assert_eq!(e.by_field, [1, 0, 1, 0]);
    assert_eq!(e.field_totals, [1, 2, 1, 1]);
    assert!((e.share() - 0.4).abs() < 1e-12);
    // A filtered selection: only a and b.
    let ab: Vec<usize> = ["a", "b"].iter().map(|id| r.position(id).unwrap()).collect();
    let e2 = stats::ethnic_share(&r, &ab);
    assert_eq!((e2.ethnic_minority, e2.total), (1, 2));
}

#[test]
fn empty_selection_and_bad_positions_give_zeros() {
    let r = small_registry();
    let s = stats::summary(&r, &[], date("2024-06-30"));
    assert_eq!(s.total, 0);
    assert_eq!((s.evaluated_share(), s.effective_share()), (0.0, 0.0));
    assert!(stats::by_locality(&r, &[]).is_empty());
    assert!(stats::by_year(&r, &[]).by_year.is_empty());
    // A position past the end and the tombstone's position are ignored.
    let f = r.position("f").unwrap();
    let s2 = stats::summary(&r, &[f, 999], date("2024-06-30"));
    assert_eq!(s2.total, 0);
}

// ---------------------------------------------------------------- charts

#[test]
fn field_chart_shows_the_article_figures_in_both_languages() {
    let r = article_registry();
    let s = stats::summary(&r, &live_positions(&r), date("2024-06-30"));
    let vi = bar_chart(&dashboard::fields(Lang::Vi, &s));
    assert_well_formed(&vi);
    assert_scalable(&vi);
    assert_eq!(title_of(&vi), "Theo lĩnh vực");
    let t = texts(&vi);
    for label in ["Kinh tế", "Văn hóa - xã hội", "Quốc phòng - an ninh", "Xây dựng hệ thống chính trị"]
    {
        assert!(t.iter().any(|x| x == label), "label {label} missing from {t:?}");
    }
    for value in ["190", "1.807", "192", "37"] {
        assert!(t.iter().any(|x| x == value), "value {value} missing from {t:?}");
    }
    let en = bar_chart(&dashboard::fields(Lang::En, &s));
    let t = texts(&en);
    assert!(t.iter().any(|x| x == "1,807") && t.iter().any(|x| x == "Cultural-social"), "{t:?}");
    assert!(!en.contains("Văn hóa"), "the English chart has no Vietnamese label");
    // Each field has its own colour, and the bars are proportional to the counts.
    let eco = rects(&vi, &palette::FIELDS[Field::Economic].hex());
    let cul = rects(&vi, &palette::FIELDS[Field::CulturalSocial].hex());
    assert_eq!((eco.len(), cul.len()), (1, 1));
    let ratio = eco[0].2 / cul[0].2;
    assert!((ratio - 190.0 / 1807.0).abs() < 0.01, "ratio {ratio}");
    // The table holds the same numbers and the total.
    let table = bar_table(&dashboard::fields(Lang::Vi, &s));
    assert_eq!(table.header, ["Lĩnh vực", "Số lượng"]);
    assert_eq!(table.rows[1], ["Văn hóa - xã hội", "1.807"]);
    assert_eq!(table.footer.unwrap(), ["Tổng", "2.226"]);
}

#[test]
fn bar_lengths_are_proportional_to_values() {
    let spec = BarChart::new("T", vec!["Một".into(), "Hai".into()], vec![Series::new("N", vec![1, 2])]);
    let svg = bar_chart(&spec);
    assert_well_formed(&svg);
    let bars = rects(&svg, &palette::BLUE.hex());
    assert_eq!(bars.len(), 2, "{svg}");
    let (one, two) = (bars[0], bars[1]);
    assert!(one.2 > 0.0);
    assert!((two.2 - 2.0 * one.2).abs() <= 1.0, "widths {} and {}", one.2, two.2);
    assert_eq!(one.0, two.0, "both bars start at the same zero line");
    assert_eq!(one.3, two.3, "same thickness");
    assert!(two.1 > one.1, "in category order, top to bottom");
    let t = texts(&svg);
    assert!(t.contains(&"1".to_string()) && t.contains(&"2".to_string()));

    // The same in columns: heights proportional.
    let v = bar_chart(&spec.clone().vertical());
    assert_well_formed(&v);
    let cols = rects(&v, &palette::BLUE.hex());
    assert_eq!(cols.len(), 2);
    assert!((cols[1].3 - 2.0 * cols[0].3).abs() <= 1.0, "heights {} and {}", cols[0].3, cols[1].3);
    assert_eq!(cols[0].1 + cols[0].3, cols[1].1 + cols[1].3, "columns stand on one baseline");
}

#[test]
fn year_chart_stacks_fields_with_values_totals_and_a_note() {
    let r = small_registry();
    let y = stats::by_year(&r, &everything(&r));
    let spec = dashboard::years(Lang::Vi, &y);
    let svg = bar_chart(&spec);
    assert_well_formed(&svg);
    assert_scalable(&svg);
    let t = texts(&svg);
    for s in ["2023", "2024", "Kinh tế", "Văn hóa - xã hội", "Xây dựng hệ thống chính trị"] {
        assert!(t.iter().any(|x| x == s), "{s} missing from {t:?}");
    }
    assert!(t.iter().any(|x| x == "3"), "2024's total is written: {t:?}");
    assert!(t.iter().any(|x| x.contains("chưa có ngày bắt đầu")), "the undated model is mentioned: {t:?}");
    // 2024 is three one-model segments (economic, cultural-social, political), each a third of the column.
    let seg: Vec<f64> = [Field::Economic, Field::CulturalSocial, Field::PoliticalSystem]
        .iter()
        .map(|f| rects(&svg, &palette::FIELDS[*f].hex()).last().unwrap().3)
        .collect();
    assert!(seg.iter().all(|h| (h - seg[0]).abs() <= 1.0), "segments {seg:?}");
    let table = bar_table(&spec);
    assert_eq!(
        table.header,
        ["Năm", "Kinh tế", "Văn hóa - xã hội", "Quốc phòng - an ninh", "Xây dựng hệ thống chính trị", "Tổng"]
    );
    assert_eq!(table.rows, vec![vec!["2023", "0", "1", "0", "0", "1"], vec!["2024", "1", "1", "0", "1", "3"]]);
    assert_eq!(table.footer.unwrap(), ["Tổng", "1", "2", "0", "1", "4"]);
    assert!(table.note.unwrap().starts_with("1 mô hình"));
}

#[test]
fn locality_chart_names_current_communes_and_groups_the_rest() {
    let r = small_registry();
    let rows = stats::by_locality(&r, &everything(&r));
    let spec = dashboard::localities(Lang::Vi, &rows, 2, Localities::builtin());
    assert_eq!(spec.categories, ["Xã A Lưới 4", "Phường Thuận Hóa", "Thành phố Huế (cấp tỉnh)", "Ngoài danh mục"]);
    let svg = bar_chart(&spec);
    assert_well_formed(&svg);
    let t = texts(&svg);
    assert!(t.iter().any(|x| x == "Xã A Lưới 4") && t.iter().any(|x| x == "Phường Thuận Hóa"));
    assert!(!t.iter().any(|x| x.contains("A Roàng")), "the old name is not a row of its own");
    // Only the top two are drawn; the other two are summed up under the bars, and all four are in the table.
    assert!(!t.iter().any(|x| x == "Ngoài danh mục"), "{t:?}");
    assert!(t.join(" ").contains("Còn 2 địa bàn khác với tổng cộng 2 mô hình"), "{t:?}");
    let table = bar_table(&spec);
    assert_eq!(table.rows.len(), 4);
    assert_eq!(table.rows[0], ["Xã A Lưới 4", "1", "1", "0", "0", "2"]);
    assert_eq!(table.footer.unwrap().last().unwrap(), "5");
    let all = dashboard::localities(Lang::En, &rows, 10, Localities::builtin());
    assert_eq!(
        all.categories,
        ["Xã A Lưới 4", "Phường Thuận Hóa", "Thành phố Huế (province level)", "Not in the official list"]
    );
    assert!(!texts(&bar_chart(&all)).join(" ").contains("more localities"), "nothing left out");
    // Stacked segments of the first row (1 economic + 1 cultural-social) are equally long.
    let svg = bar_chart(&all);
    let eco = rects(&svg, &palette::FIELDS[Field::Economic].hex());
    let cul = rects(&svg, &palette::FIELDS[Field::CulturalSocial].hex());
    assert!((eco[0].2 - cul[0].2).abs() <= 1.0);
    assert_eq!(eco[0].0 + eco[0].2, cul[0].0, "the second segment starts where the first ends");
}

#[test]
fn rating_chart_lists_ratings_and_not_evaluated() {
    let r = small_registry();
    let counts = stats::by_rating(&r, &everything(&r), date("2024-06-30"));
    let spec = dashboard::ratings(Lang::Vi, &counts);
    let svg = bar_chart(&spec);
    assert_well_formed(&svg);
    let t = texts(&svg);
    for s in ["Rất hiệu quả", "Hiệu quả", "Hạn chế", "Không hiệu quả", "Chưa đánh giá"] {
        assert!(t.iter().any(|x| x == s), "{s} missing from {t:?}");
    }
    assert_eq!(rects(&svg, &palette::GREY.hex()).len(), 1, "not evaluated is the grey bar");
    assert_eq!(bar_table(&spec).rows[4], ["Chưa đánh giá", "2"]);
}

#[test]
fn labels_are_xml_escaped() {
    let nasty = "A < B & \"C\" 'D' > E";
    let mut spec = BarChart::new(
        "Tiêu đề <b>&</b>",
        vec![nasty.into(), "Xã Đông\u{1}".into()],
        vec![Series::new("S & T", vec![3, 4])],
    );
    spec.note = Some("Ghi chú <script>".into());
    let svg = bar_chart(&spec);
    assert_well_formed(&svg);
    assert!(svg.contains("A &lt; B &amp; &quot;C&quot; &apos;D&apos; &gt; E"), "{svg}");
    assert!(!svg.contains(nasty));
    assert_eq!(title_of(&svg), "Tiêu đề &lt;b&gt;&amp;&lt;/b&gt;");
    assert!(!svg.contains("<script>") && !svg.contains("<b>"));
    assert!(svg.contains("Xã Đông"), "diacritics are written as they are");
    assert!(!svg.contains('\u{1}'), "control characters are dropped");
    // The stacked form and the progress chart escape too.
    let mut stacked = spec.clone();
    stacked.series.push(Series::new("U < V", vec![1, 1]));
    let s = bar_chart(&stacked);
    assert_well_formed(&s);
    assert!(s.contains("U &lt; V"));
    let p = progress_chart(&charts::ProgressChart::new("P & Q", vec![ProgressRow::count("x < y", 1, 2)]));
    assert_well_formed(&p);
    assert!(p.contains("x &lt; y") && title_of(&p) == "P &amp; Q");
}

#[test]
fn empty_registry_draws_valid_no_data_charts() {
    let r = Registry::new();
    let all = live_positions(&r);
    let today = date("2024-06-30");
    let summary = stats::summary(&r, &all, today);
    let svgs = [
        bar_chart(&dashboard::fields(Lang::Vi, &summary)),
        bar_chart(&dashboard::localities(Lang::Vi, &stats::by_locality(&r, &all), 10, Localities::builtin())),
        bar_chart(&dashboard::years(Lang::Vi, &stats::by_year(&r, &all))),
        bar_chart(&dashboard::ratings(Lang::Vi, &stats::by_rating(&r, &all, today))),
        progress_chart(&dashboard::ethnic(Lang::Vi, &stats::ethnic_share(&r, &all))),
        progress_chart(&dashboard::plan_progress(Lang::Vi, true, &[])),
        bar_chart(&BarChart::new("Trống", vec![], vec![])),
    ];
    for svg in &svgs {
        assert_well_formed(svg);
        assert_scalable(svg);
        assert!(texts(svg).iter().any(|x| x == "Chưa có số liệu để vẽ biểu đồ.") || svg.contains("Trống"), "{svg}");
        assert!(elements(svg, "rect").iter().all(|r| attr(r, "fill") != Some(&palette::BLUE.hex())), "no bars");
    }
    let mut custom = BarChart::new("X", vec!["a".into()], vec![Series::new("n", vec![0])]);
    custom.no_data = "Không có gì".into();
    assert!(texts(&bar_chart(&custom)).contains(&"Không có gì".to_string()));
    assert!(bar_table(&dashboard::fields(Lang::Vi, &summary)).rows.iter().all(|row| row[1] == "0"));
}

#[test]
fn a_single_model_draws_every_chart() {
    let mut m = model("only", Field::DefenseSecurity, Some(20095), "Xã A Roàng");
    m.started_on = Some(date("2024-02-02"));
    m.ethnic_minority_area = true;
    m.evaluations.push(evaluation("x", "2024-03-03", Rating::VeryEffective));
    let r = Registry::from_records(vec![m], vec![]);
    let all = live_positions(&r);
    let today = date("2024-06-30");
    let fields = bar_chart(&dashboard::fields(Lang::Vi, &stats::summary(&r, &all, today)));
    let loc = bar_chart(&dashboard::localities(Lang::Vi, &stats::by_locality(&r, &all), 10, Localities::builtin()));
    let years = bar_chart(&dashboard::years(Lang::Vi, &stats::by_year(&r, &all)));
    let ratings = bar_chart(&dashboard::ratings(Lang::Vi, &stats::by_rating(&r, &all, today)));
    let ethnic = progress_chart(&dashboard::ethnic(Lang::Vi, &stats::ethnic_share(&r, &all)));
    for svg in [&fields, &loc, &years, &ratings, &ethnic] {
        assert_well_formed(svg);
        assert_scalable(svg);
        assert!(!texts(svg).iter().any(|x| x.contains("Chưa có số liệu")), "{svg}");
    }
    assert!(texts(&loc).contains(&"Xã A Lưới 4".to_string()));
    assert!(texts(&years).contains(&"2024".to_string()));
    assert!(texts(&ethnic).contains(&"1 / 1 (100%)".to_string()), "{:?}", texts(&ethnic));
    assert_eq!(rects(&fields, &palette::FIELDS[Field::DefenseSecurity].hex()).len(), 1);
}

#[test]
fn charts_scale_to_a_phone_and_read_without_colour() {
    let r = small_registry();
    let all = everything(&r);
    let today = date("2024-06-30");
    let svgs = [
        bar_chart(&dashboard::fields(Lang::Vi, &stats::summary(&r, &all, today))),
        bar_chart(&dashboard::localities(Lang::Vi, &stats::by_locality(&r, &all), 10, Localities::builtin())),
        bar_chart(&dashboard::years(Lang::Vi, &stats::by_year(&r, &all))),
        progress_chart(&dashboard::plan_progress(
            Lang::Vi,
            true,
            &[(TargetMetric::NewModels, 23.0, 30.0), (TargetMetric::EffectiveShare, 0.85, 0.8)],
        )),
    ];
    let allowed: Vec<String> = palette::ALL.iter().map(|c| c.hex()).collect();
    for svg in &svgs {
        let (w, h) = assert_scalable(svg);
        assert_eq!(w, charts::DEFAULT_WIDTH);
        assert!(h > 100 && h < 2000, "height {h}");
        // On a 360 px phone (~340 px for the chart) no text is under 11 px.
        for t in elements(svg, "text") {
            let size = num(&t, "font-size");
            assert!(size * 340.0 / w as f64 >= 11.0, "font-size {size} too small");
        }
        for r in elements(svg, "rect") {
            let fill = attr(&r, "fill").unwrap();
            assert!(allowed.iter().any(|a| a == fill), "{fill} is not in the palette");
        }
        // Everything drawn is described for screen readers.
        let desc_start = svg.find("<desc>").expect("a <desc>");
        assert!(svg[desc_start..].find("</desc>").unwrap() > 10);
        // Saved as a file: fixed size.
        let file = for_file(svg);
        let root = &elements(&file, "svg")[0];
        assert_eq!(attr(root, "width"), Some(w.to_string().as_str()));
        assert_eq!(attr(root, "height"), Some(h.to_string().as_str()));
    }
}

#[test]
fn plan_progress_shows_actual_target_and_gap() {
    let spec = dashboard::plan_progress(
        Lang::Vi,
        true,
        &[
            (TargetMetric::NewModels, 23.0, 30.0),
            (TargetMetric::EffectiveShare, 0.85, 0.8),
            (TargetMetric::EvaluatedShare, 0.5, 1.0),
        ],
    );
    let svg = progress_chart(&spec);
    assert_well_formed(&svg);
    let t = texts(&svg);
    for s in [
        "Số mô hình mới",
        "23 / 30 (77%)",
        "Còn thiếu 7",
        "85% / 80%",
        "Đã đạt chỉ tiêu",
        "50% / 100%",
        "Còn thiếu 50 điểm %",
    ] {
        assert!(t.iter().any(|x| x == s), "{s} missing from {t:?}");
    }
    // The first fill is 23/30 of its track; the met target is drawn in the "reached" colour.
    let track = rects(&svg, &palette::TRACK.hex());
    let fill = rects(&svg, &palette::BLUE.hex());
    assert_eq!(track.len(), 3);
    assert!((fill[0].2 / track[0].2 - 23.0 / 30.0).abs() < 0.01);
    assert_eq!(rects(&svg, &palette::BLUISH_GREEN.hex()).len(), 1);
    let table = progress_table(&spec);
    assert_eq!(table.header, ["Nội dung", "Đạt được", "Chỉ tiêu", "Tiến độ", "Còn thiếu"]);
    assert_eq!(table.rows[0], ["Số mô hình mới", "23", "30", "77%", "7"]);
    assert_eq!(table.rows[1], ["Hiệu quả trở lên / số mô hình trong phạm vi", "85%", "80%", "106%", "Đã đạt chỉ tiêu"]);
    let en = progress_table(&dashboard::plan_progress(Lang::En, true, &[(TargetMetric::NewModels, 1200.0, 2500.0)]));
    assert_eq!(en.caption, "Progress towards the targets");
    assert_eq!(en.rows[0], ["New models", "1,200", "2,500", "48%", "1,300"]);
    assert_eq!(table.caption, "Tiến độ thực hiện chỉ tiêu", "the chart is titled for what it shows, not the plan's name");
    // before the plan begins, no target reads as met, however the figures stand today
    let early = progress_table(&dashboard::plan_progress(Lang::Vi, false, &[(TargetMetric::EffectiveShare, 0.85, 0.8)]));
    assert_eq!(early.rows[0][4], "Chưa đến kỳ kế hoạch");
}

#[test]
fn ethnic_share_chart_and_table() {
    let r = small_registry();
    let share = stats::ethnic_share(&r, &everything(&r));
    let spec = dashboard::ethnic(Lang::Vi, &share);
    let svg = progress_chart(&spec);
    assert_well_formed(&svg);
    let t = texts(&svg);
    for s in ["Vùng đồng bào dân tộc thiểu số", "Mọi lĩnh vực", "2 / 5 (40%)", "Kinh tế", "1 / 1 (100%)", "0 / 2 (0%)"]
    {
        assert!(t.iter().any(|x| x == s), "{s} missing from {t:?}");
    }
    let track = rects(&svg, &palette::TRACK.hex())[0];
    let fill = rects(&svg, &palette::BLUE.hex())[0];
    assert!((fill.2 / track.2 - 0.4).abs() < 0.01);
    assert!(spec.gap.is_none(), "a share has no target to fall short of");
    assert!(!t.iter().any(|x| x.contains("Còn thiếu")));
    let table = progress_table(&spec);
    assert_eq!(table.header, ["Lĩnh vực", "Vùng đồng bào dân tộc thiểu số", "Tổng", "Tỉ lệ"]);
    assert_eq!(
        table.rows,
        vec![
            vec!["Mọi lĩnh vực", "2", "5", "40%"],
            vec!["Kinh tế", "1", "1", "100%"],
            vec!["Văn hóa - xã hội", "0", "2", "0%"],
            vec!["Quốc phòng - an ninh", "1", "1", "100%"],
            vec!["Xây dựng hệ thống chính trị", "0", "1", "0%"],
        ]
    );
}

#[test]
fn many_years_turn_their_labels_and_keep_every_value() {
    let categories: Vec<String> = (2000..2027).map(|y| y.to_string()).collect();
    let values: Vec<u64> = (0..27).map(|i| 1000 + i * 37).collect();
    let spec = BarChart::new("Mô hình mới theo năm", categories.clone(), vec![Series::new("Số lượng", values.clone())])
        .vertical();
    let svg = bar_chart(&spec);
    assert_well_formed(&svg);
    let (w, h) = assert_scalable(&svg);
    let t = texts(&svg);
    for (y, v) in categories.iter().zip(&values) {
        assert!(t.contains(y), "year {y} missing");
        assert!(t.contains(&grouped(*v, '.')), "value {v} missing");
    }
    // Every text is inside the picture, and upright texts in neighbouring columns do not overlap.
    let mut upright: Vec<(f64, f64)> = Vec::new();
    for el in elements(&svg, "text") {
        let (x, y) = (num(&el, "x"), num(&el, "y"));
        assert!((0.0..=w as f64).contains(&x) && (0.0..=h as f64).contains(&y), "text at ({x}, {y})");
        if attr(&el, "transform").is_some() {
            upright.push((x, num(&el, "font-size")));
        }
    }
    assert_eq!(upright.len(), 54, "27 totals and 27 years turned upright");
    let mut xs: Vec<(f64, f64)> = upright.clone();
    xs.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
    xs.dedup_by(|a, b| a.0 == b.0);
    for pair in xs.windows(2) {
        assert!(pair[1].0 - pair[0].0 >= pair[0].1, "columns {pair:?} too close for their text");
    }
    let table = bar_table(&spec);
    assert_eq!(table.rows.len(), 27);
    assert_eq!(table.rows[26], ["2026", &grouped(values[26], '.')]);
}
