//! Tìm kiếm và lọc: the model list's query (free text, filters, sort, page) and how it selects models.
//!
//! A `Filter` is written to and read from the URL's query (`q=a+luoi&field=economic&loc=481…`), so a
//! filtered view can be bookmarked and shared. Matching uses the registry's derived data (current
//! placement, sort keys) and the search index (`search`), and the list scans an order kept per sort, so it
//! keeps up with typing over 20,000 models.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use super::fold::fold;
use super::fold::has_word_starting_with;
use super::search::{query_words, search_text, Found, SearchIndex};
use super::locality::{Localities, Placement, PROVINCE_CODE};
use super::model::{Field, LeadOrganization, Model, PerField, Rating, Status};
use super::registry::Registry;

/// A filter on the current rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatingFilter {
    Rated(Rating),
    NotEvaluated,
}

/// How the list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Updated,
    Title,
    Started,
    Locality,
    Rating,
}

impl Sort {
    pub const ALL: [Sort; 5] = [Sort::Updated, Sort::Title, Sort::Started, Sort::Locality, Sort::Rating];
    pub fn code(self) -> &'static str {
        match self {
            Sort::Updated => "updated",
            Sort::Title => "title",
            Sort::Started => "started",
            Sort::Locality => "locality",
            Sort::Rating => "rating",
        }
    }
    pub fn from_code(s: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|x| x.code() == s)
    }
}

/// The list's query. The default selects every live model, most recently updated first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filter {
    pub text: String,
    pub field: Option<Field>,
    /// A unit code of either structure; the unit and everything under it (and its successors).
    pub locality: Option<u32>,
    pub status: Option<Status>,
    pub ethnic_only: bool,
    pub year: Option<i32>,
    pub rating: Option<RatingFilter>,
    pub organization: Option<LeadOrganization>,
    pub sort: Sort,
    /// Zero-based page of the result list.
    pub page: usize,
}

/// How many models one page of the list shows.
pub const PAGE_SIZE: usize = 25;

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Filter {
    /// Is anything but sort and page set?
    pub fn is_filtering(&self) -> bool {
        !self.text.trim().is_empty()
            || self.field.is_some()
            || self.locality.is_some()
            || self.status.is_some()
            || self.ethnic_only
            || self.year.is_some()
            || self.rating.is_some()
            || self.organization.is_some()
    }

    /// The same selection without the list's order and page: what figures over it depend on (the
    /// dashboard and the report it links to).
    pub fn selection_only(&self) -> Filter {
        Filter { sort: Sort::default(), page: 0, ..self.clone() }
    }

    /// The URL query for this filter (without `?`); defaults are left out.
    pub fn to_query(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if !self.text.trim().is_empty() {
            parts.push(format!("q={}", encode(self.text.trim())));
        }
        if let Some(f) = self.field {
            parts.push(format!("field={}", f.code()));
        }
        if let Some(l) = self.locality {
            parts.push(format!("loc={l}"));
        }
        if let Some(s) = self.status {
            parts.push(format!("status={}", s.code()));
        }
        if self.ethnic_only {
            parts.push("ethnic=1".into());
        }
        if let Some(y) = self.year {
            parts.push(format!("year={y}"));
        }
        match self.rating {
            Some(RatingFilter::Rated(r)) => parts.push(format!("rating={}", r.code())),
            Some(RatingFilter::NotEvaluated) => parts.push("rating=none".into()),
            None => {}
        }
        if let Some(o) = self.organization {
            parts.push(format!("org={}", o.code()));
        }
        if self.sort != Sort::Updated {
            parts.push(format!("sort={}", self.sort.code()));
        }
        if self.page > 0 {
            parts.push(format!("page={}", self.page + 1));
        }
        parts.join("&")
    }

    /// Reads a URL query; unknown keys and bad values are ignored (a shared link never breaks the page).
    pub fn from_query(query: &str) -> Filter {
        let mut f = Filter::default();
        for pair in query.trim_start_matches('?').split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = decode(v);
            match k {
                "q" => f.text = v,
                "field" => f.field = Field::from_code(&v),
                "loc" => f.locality = v.parse().ok(),
                "status" => f.status = Status::from_code(&v),
                "ethnic" => f.ethnic_only = v == "1",
                "year" => f.year = v.parse().ok().filter(|y| (1900..3000).contains(y)),
                "rating" => {
                    f.rating = if v == "none" {
                        Some(RatingFilter::NotEvaluated)
                    } else {
                        Rating::from_code(&v).map(RatingFilter::Rated)
                    }
                }
                "org" => f.organization = LeadOrganization::from_code(&v),
                "sort" => f.sort = Sort::from_code(&v).unwrap_or_default(),
                "page" => f.page = v.parse::<usize>().ok().filter(|p| *p >= 1).map(|p| p - 1).unwrap_or(0),
                _ => {}
            }
        }
        f
    }

    /// Positions (into `registry.all_models()`) of the live models this filter selects, sorted.
    pub fn select(&self, registry: &Registry) -> Vec<usize> {
        self.select_in(registry, &sorted_order(registry, self.sort), None, None).positions
    }

    /// The selected positions in registry order, unsorted: for statistics, which only count. `index`, if
    /// given and current, answers the text part (see `select_in`).
    pub fn select_unsorted(&self, registry: &Registry, index: Option<&SearchIndex>) -> Vec<usize> {
        let m = Matcher::new(self, registry, Localities::builtin(), index, None);
        registry.models().filter(|(i, model)| m.accepts(model, registry, *i) && m.field_ok(model)).map(|(i, _)| i).collect()
    }

    /// What the list shows, in one pass over `order` (from `sorted_order` for this filter's sort, kept
    /// while only the text or the filters change, so a keystroke never sorts): the selected positions in
    /// that order, and the field chip counts (as if no field were chosen). The text part is answered by
    /// `index` when it is given and current for `registry`; otherwise each model's text is folded here.
    /// `before`, the previous keystroke's `Selection::found`, lets the index look only within it. When the
    /// text is the only condition besides the field (typing in the search box), the pass reads only the
    /// index's answer and the fields it keeps, never the models.
    pub fn select_in(&self, registry: &Registry, order: &[usize], index: Option<&SearchIndex>, before: Option<&Found>) -> Selection {
        let m = Matcher::new(self, registry, Localities::builtin(), index, before);
        let mut out = Selection { positions: Vec::new(), field_counts: PerField::default(), found: None };
        match (&m.found, index) {
            // Only the text (and perhaps the field): the index's answer and the fields it keeps decide, and
            // no model is read. A match is never a tombstone (its line is empty).
            (Some(found), Some(ix)) if m.text_only() => {
                let matches = &found.matches;
                out.positions.reserve(matches.count());
                for &i in order {
                    if matches.contains(i) {
                        let field = ix.field(i);
                        out.field_counts[field] += 1;
                        if self.field.is_none_or(|f| f == field) {
                            out.positions.push(i);
                        }
                    }
                }
            }
            _ => {
                let models = registry.all_models();
                for &i in order {
                    // The text's answer first: it is one bit, and it rules out most models while typing.
                    if m.found.as_ref().is_some_and(|f| !f.matches.contains(i)) {
                        continue;
                    }
                    let Some(model) = models.get(i) else { continue };
                    if model.is_deleted() || !m.accepts(model, registry, i) {
                        continue;
                    }
                    out.field_counts[model.field] += 1;
                    if m.field_ok(model) {
                        out.positions.push(i);
                    }
                }
            }
        }
        out.found = m.found;
        out
    }
}

/// The list's result: positions in display order, and how many of the matches (field aside) fall in each
/// field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Selection {
    pub positions: Vec<usize>,
    pub field_counts: PerField<usize>,
    /// The index's answer to the text, if it answered (for the next keystroke to narrow from).
    pub found: Option<Found>,
}

/// A filter prepared for testing many models: the query folded and split once (and answered by the
/// search index when there is one), the locality scope resolved.
struct Matcher<'f> {
    filter: &'f Filter,
    words: Vec<String>,
    found: Option<Found>,
    scope: Option<BTreeSet<u32>>,
}

impl<'f> Matcher<'f> {
    fn new(filter: &'f Filter, registry: &Registry, localities: &Localities, index: Option<&SearchIndex>, before: Option<&Found>) -> Matcher<'f> {
        let words = query_words(&filter.text);
        let found = index.filter(|ix| !words.is_empty() && ix.is_current(registry)).map(|ix| ix.find(&words, before));
        Matcher {
            filter,
            words,
            found,
            scope: filter.locality.filter(|c| *c != PROVINCE_CODE).map(|c| localities.communes_covered(c)),
        }
    }

    /// Is the text the only condition (the field aside, which the chips count without)?
    fn text_only(&self) -> bool {
        let f = self.filter;
        f.status.is_none() && !f.ethnic_only && f.year.is_none() && f.organization.is_none() && f.rating.is_none() && self.scope.is_none()
    }

    fn text_ok(&self, m: &Model, i: usize) -> bool {
        if self.words.is_empty() {
            return true;
        }
        match &self.found {
            Some(found) => found.matches.contains(i),
            None => {
                let text = search_text(m);
                self.words.iter().all(|w| has_word_starting_with(&text, w))
            }
        }
    }

    /// Every condition but the field (the cheap ones first, the text last).
    fn accepts(&self, m: &Model, registry: &Registry, i: usize) -> bool {
        let f = self.filter;
        let d = registry.derived(i);
        f.status.is_none_or(|s| m.status == Some(s))
            && (!f.ethnic_only || m.ethnic_minority_area)
            && f.year.is_none_or(|y| m.start_year() == Some(y))
            && f.organization.is_none_or(|o| m.lead_organization == Some(o))
            && match f.rating {
                None => true,
                Some(RatingFilter::NotEvaluated) => m.evaluations.is_empty(),
                Some(RatingFilter::Rated(r)) => m.current_rating() == Some(r),
            }
            && self.scope.as_ref().is_none_or(|s| matches!(d.placement, Placement::Commune(c) if s.contains(&c)))
            && self.text_ok(m, i)
    }

    fn field_ok(&self, m: &Model) -> bool {
        self.filter.field.is_none_or(|f| m.field == f)
    }
}

/// The live models ordered by `sort` (ties by folded title). The list keeps this while the registry and
/// the sort stay the same, and filters within it.
pub fn sorted_order(registry: &Registry, sort: Sort) -> Vec<usize> {
    let mut out: Vec<usize> = registry.models().map(|(i, _)| i).collect();
    let models = registry.all_models();
    let title = |i: usize| registry.derived(i).title_folded.as_str();
    match sort {
        Sort::Updated => out.sort_by(|a, b| registry.derived(*b).updated_ms.cmp(&registry.derived(*a).updated_ms).then(title(*a).cmp(title(*b)))),
        Sort::Title => out.sort_by(|a, b| title(*a).cmp(title(*b))),
        Sort::Started => out.sort_by(|a, b| {
            // newest first, undated last
            match (models[*a].started_on, models[*b].started_on) {
                (Some(x), Some(y)) => y.cmp(&x),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
            .then(title(*a).cmp(title(*b)))
        }),
        Sort::Locality => {
            let mut keys = vec![String::new(); models.len()];
            for &i in &out {
                keys[i] = fold(&models[i].locality.name);
            }
            out.sort_by(|a, b| keys[*a].cmp(&keys[*b]).then(title(*a).cmp(title(*b))))
        }
        Sort::Rating => {
            let rank = |i: usize| models[i].current_rating().map(Rating::index).unwrap_or(usize::MAX);
            out.sort_by(|a, b| rank(*a).cmp(&rank(*b)).then(title(*a).cmp(title(*b))))
        }
    }
    out
}

/// How many of the models this filter selects fall in each field, as if no field were chosen (for the
/// field chips above the list).
pub fn field_counts(filter: &Filter, registry: &Registry) -> PerField<usize> {
    let order: Vec<usize> = registry.models().map(|(i, _)| i).collect();
    filter.select_in(registry, &order, None, None).field_counts
}

/// The start years present among live models, newest first (for the year filter).
pub fn start_years(registry: &Registry) -> Vec<i32> {
    let years: BTreeSet<i32> = registry.models().filter_map(|(_, m)| m.start_year()).collect();
    years.into_iter().rev().collect()
}

/// The slice of `positions` shown on `page`, and how many pages there are (at least one).
pub fn page_of(positions: &[usize], page: usize) -> (&[usize], usize) {
    let pages = positions.len().div_ceil(PAGE_SIZE).max(1);
    let page = page.min(pages - 1);
    let start = page * PAGE_SIZE;
    (&positions[start..(start + PAGE_SIZE).min(positions.len())], pages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::Evaluation;
    use crate::domain::test_support::{self, ev, place, ts};
    use crate::domain::time::Date;

    fn model(id: &str, title: &str, field: Field, code: u32, loc: &str) -> Model {
        let mut m = test_support::model(id, title);
        m.field = field;
        m.locality = place(Some(code), loc);
        m
    }

    fn registry() -> Registry {
        let mut a = model("a", "Trang trại của ông Blup Xing", Field::Economic, 20095, "Xã A Roàng");
        a.ethnic_minority_area = true;
        a.started_on = Date::parse("2021-03-01");
        a.evaluations.push(Evaluation { by: String::new(), close_to_needs: Some(true), ..ev("e1", "2024-03-12", Rating::Effective) });
        let mut b = model("b", "Nhà Đại đoàn kết cho hộ nghèo", Field::CulturalSocial, 19975, "Phường Hương Thủy");
        b.started_on = Date::parse("2023-06-01");
        b.updated_at = ts("2024-05-01T00:00:00Z");
        let c = model("c", "Tổ an ninh tự quản", Field::DefenseSecurity, 20101, "Xã A Lưới 4");
        let mut d = model("d", "Đã xóa", Field::Economic, 20101, "Xã A Lưới 4");
        d.deleted_at = Some(ts("2024-06-01T00:00:00Z"));
        Registry::from_records(vec![a, b, c, d], vec![])
    }

    fn ids(r: &Registry, f: &Filter) -> Vec<String> {
        f.select(r).into_iter().map(|i| r.all_models()[i].id.clone()).collect()
    }

    #[test]
    fn text_search_ignores_diacritics_and_tombstones() {
        let r = registry();
        let f = |t: &str| Filter { text: t.into(), sort: Sort::Title, ..Default::default() };
        assert_eq!(ids(&r, &f("a roang")), vec!["a"]);
        assert_eq!(ids(&r, &f("DAI DOAN KET")), vec!["b"]);
        assert_eq!(ids(&r, &f("huong thuy")), vec!["b"]);
        assert_eq!(ids(&r, &f("xoa")), Vec::<String>::new(), "deleted models are not found");
        assert_eq!(ids(&r, &Filter::default()).len(), 3);
    }

    #[test]
    fn the_selection_of_a_list_query_drops_its_order_and_page_only() {
        let f = Filter::from_query("q=sinh+ke&field=economic&loc=481&sort=title&page=3");
        let s = f.selection_only();
        assert_eq!(s.to_query(), "q=sinh+ke&field=economic&loc=481");
        assert_eq!((s.sort, s.page), (Sort::Updated, 0));
        let r = registry();
        assert_eq!(s.select_unsorted(&r, None).len(), f.select_unsorted(&r, None).len());
    }

    #[test]
    fn locality_filter_covers_successors_and_old_districts() {
        let r = registry();
        // "Xã A Lưới 4" (20101) covers the record written as "Xã A Roàng"
        let f = Filter { locality: Some(20101), sort: Sort::Title, ..Default::default() };
        assert_eq!(ids(&r, &f), vec!["c", "a"]);
        // the 2025-01 district of A Lưới (481) covers both too
        let f = Filter { locality: Some(481), sort: Sort::Title, ..Default::default() };
        assert_eq!(ids(&r, &f), vec!["c", "a"]);
        let f = Filter { locality: Some(PROVINCE_CODE), ..Default::default() };
        assert_eq!(ids(&r, &f).len(), 3);
    }

    #[test]
    fn field_rating_year_and_ethnic_filters() {
        let r = registry();
        assert_eq!(ids(&r, &Filter { field: Some(Field::Economic), ..Default::default() }), vec!["a"]);
        assert_eq!(ids(&r, &Filter { rating: Some(RatingFilter::Rated(Rating::Effective)), ..Default::default() }), vec!["a"]);
        assert_eq!(ids(&r, &Filter { rating: Some(RatingFilter::NotEvaluated), sort: Sort::Title, ..Default::default() }), vec!["b", "c"]);
        assert_eq!(ids(&r, &Filter { year: Some(2023), ..Default::default() }), vec!["b"]);
        assert_eq!(ids(&r, &Filter { ethnic_only: true, ..Default::default() }), vec!["a"]);
    }

    #[test]
    fn sorting() {
        let r = registry();
        assert_eq!(ids(&r, &Filter::default())[0], "b", "most recently updated first");
        assert_eq!(ids(&r, &Filter { sort: Sort::Started, ..Default::default() }), vec!["b", "a", "c"]);
        assert_eq!(ids(&r, &Filter { sort: Sort::Rating, ..Default::default() })[0], "a");
    }

    #[test]
    fn query_round_trip_and_hostile_queries() {
        let f = Filter {
            text: "dân vận & khéo".into(),
            field: Some(Field::CulturalSocial),
            locality: Some(481),
            status: Some(Status::Active),
            ethnic_only: true,
            year: Some(2024),
            rating: Some(RatingFilter::NotEvaluated),
            organization: Some(LeadOrganization::YouthUnion),
            sort: Sort::Rating,
            page: 2,
        };
        let q = f.to_query();
        assert!(!q.contains(' ') && !q.contains("&khéo"));
        assert_eq!(Filter::from_query(&q), f);
        assert_eq!(Filter::default().to_query(), "");
        let junk = Filter::from_query("?field=xyz&loc=abc&page=0&year=99999&q=%ZZ%&rating=bad&&=");
        assert_eq!(junk.field, None);
        assert_eq!(junk.locality, None);
        assert_eq!(junk.page, 0);
        assert_eq!(junk.year, None);
        assert_eq!(junk.text, "%ZZ%");
    }

    #[test]
    fn field_chips_count_without_the_field_filter() {
        let r = registry();
        let f = Filter { field: Some(Field::Economic), ..Default::default() };
        assert_eq!(field_counts(&f, &r), [1, 1, 1, 0]);
        let f = Filter { text: "a luoi".into(), field: Some(Field::Economic), ..Default::default() };
        assert_eq!(field_counts(&f, &r), [0, 0, 1, 0]);
        assert_eq!(start_years(&r), vec![2023, 2021]);
    }

    #[test]
    fn one_pass_selection_agrees_with_select_for_every_sort_and_filter() {
        let r = registry();
        let filters = [
            Filter::default(),
            Filter { text: "a luoi".into(), ..Default::default() },
            Filter { field: Some(Field::Economic), ..Default::default() },
            Filter { locality: Some(481), field: Some(Field::DefenseSecurity), ..Default::default() },
            Filter { rating: Some(RatingFilter::NotEvaluated), text: "nha".into(), ..Default::default() },
        ];
        for sort in Sort::ALL {
            let order = sorted_order(&r, sort);
            assert_eq!(order.len(), 3, "tombstones are not in the order");
            for f in &filters {
                let f = Filter { sort, ..f.clone() };
                let sel = f.select_in(&r, &order, None, None);
                let ix = SearchIndex::build(&r, None);
                let with_index = f.select_in(&r, &order, Some(&ix), None);
                assert_eq!((&with_index.positions, with_index.field_counts), (&sel.positions, sel.field_counts), "the index gives the same answer");
                assert_eq!(sel.positions, f.select(&r));
                assert_eq!(sel.field_counts, field_counts(&f, &r));
                let mut unsorted = f.select_unsorted(&r, Some(&ix));
                let mut sorted = sel.positions.clone();
                unsorted.sort();
                sorted.sort();
                assert_eq!(unsorted, sorted, "the statistics see the same models");
            }
        }
        // an order taken before a model was deleted still never shows the tombstone
        let mut r2 = r.clone();
        let order = sorted_order(&r2, Sort::Title);
        r2.delete("a", ts("2024-07-01T00:00:00Z"), "dev");
        assert!(!Filter::default().select_in(&r2, &order, None, None).positions.contains(&r2.position("a").unwrap()));
        // an index made before an edit is not used for the edited registry (its answer could be stale)
        let stale = SearchIndex::build(&r, None);
        let mut r3 = r.clone();
        let mut b = r3.get("b").unwrap().clone();
        b.title = "Vườn cam".into();
        r3.save(b, ts("2024-07-01T00:00:00Z"), "dev");
        let f = Filter { text: "vuon cam".into(), ..Default::default() };
        assert_eq!(f.select_in(&r3, &sorted_order(&r3, Sort::Updated), Some(&stale), None).positions, vec![r3.position("b").unwrap()]);
        assert_eq!(Filter { sort: Sort::Locality, ..Default::default() }.select(&r).len(), 3);
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(48))]
        /// Typing in the search box (the text, perhaps a field chip) takes the path that reads only the
        /// index: it gives the same list and chip counts as the pass that reads every model, for every sort,
        /// typed on a key at a time, and with a tombstone in the kept order.
        #[test]
        fn the_text_only_path_gives_the_same_list_and_counts_as_the_full_pass(
            picks in proptest::collection::vec((0usize..12, 0usize..12, 0usize..4, 0usize..3), 1..60),
            query in proptest::collection::vec(0usize..12, 1..3),
            field in proptest::option::of(0usize..4),
            deleted in 0usize..60,
            sort in 0usize..5,
        ) {
            const W: [&str; 12] = ["Nuôi", "bò", "bồ", "ong", "Đông", "A", "Lưới", "4", "tổ", "dân", "vận", "khéo"];
            let models: Vec<Model> = picks.iter().enumerate().map(|(i, &(a, b, f, c))| {
                let mut m = model(&format!("m{i}"), &format!("{} {}", W[a], W[b]), Field::ALL[f], [20095, 19975, 20101][c], "Xã A Lưới 4");
                m.updated_at = ts(&format!("2024-0{}-01T00:00:00Z", 1 + (a + b) % 9));
                m.status = (c == 0).then_some(Status::Active);
                m
            }).collect();
            let mut r = Registry::from_records(models, vec![]);
            let order = sorted_order(&r, Sort::ALL[sort]);
            let id = r.all_models()[deleted % r.all_models().len()].id.clone();
            r.delete(&id, ts("2024-12-01T00:00:00Z"), "dev");
            let ix = SearchIndex::build(&r, None);
            let text = query.iter().map(|&k| W[k]).collect::<Vec<_>>().join(" ");
            let mut before: Option<Found> = None;
            for end in (1..=text.len()).filter(|&e| text.is_char_boundary(e)) {
                let f = Filter { text: text[..end].into(), field: field.map(|k| Field::ALL[k]), sort: Sort::ALL[sort], ..Default::default() };
                let fast = f.select_in(&r, &order, Some(&ix), before.as_ref());
                let full = f.select_in(&r, &order, None, None);
                proptest::prop_assert_eq!(&fast.positions, &full.positions, "text {:?}", &f.text);
                proptest::prop_assert_eq!(fast.field_counts, full.field_counts, "text {:?}", &f.text);
                proptest::prop_assert!(!fast.positions.iter().any(|&i| r.all_models()[i].is_deleted()));
                // with another condition, the full pass is taken, with the same answer
                let g = Filter { status: Some(Status::Active), ..f.clone() };
                proptest::prop_assert_eq!(g.select_in(&r, &order, Some(&ix), None).positions, g.select_in(&r, &order, None, None).positions);
                before = fast.found;
            }
        }
    }

    #[test]
    fn pages() {
        let v: Vec<usize> = (0..60).collect();
        let (p, n) = page_of(&v, 0);
        assert_eq!((p.len(), n), (PAGE_SIZE, 3));
        let (p, _) = page_of(&v, 2);
        assert_eq!(p, &v[50..60]);
        let (p, _) = page_of(&v, 99);
        assert_eq!(p, &v[50..60], "a page past the end shows the last page");
        let (p, n) = page_of(&[], 0);
        assert_eq!((p.len(), n), (0, 1));
    }
}
