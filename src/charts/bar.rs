//! Bar charts: horizontal bars (one category per row, its label above the bar so long Vietnamese names
//! fit a phone) and vertical columns (years along the bottom), each either a single series or several
//! series stacked, with every value written as text.

use super::canvas::{line_height, no_data, text_width, Align, Baseline, Canvas, LABEL_SIZE, MIN_SIZE, PAD};
use super::{palette, Color, Table, DEFAULT_WIDTH};
use crate::format::grouped;

/// Which way the bars run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    /// Bars grow to the right, one row per category (fields, localities, ratings).
    #[default]
    Horizontal,
    /// Columns grow upwards, categories along the bottom (years).
    Vertical,
}

/// One series of values, one value per category (missing values count as 0).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    /// Shown in the legend and as the table's column header.
    pub name: String,
    pub values: Vec<u64>,
}

impl Series {
    pub fn new(name: impl Into<String>, values: Vec<u64>) -> Series {
        Series { name: name.into(), values }
    }
}

/// A bar chart. Every text is given already translated.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    /// The heading, also the SVG's `<title>` and the table's caption.
    pub title: String,
    pub direction: Direction,
    /// The label of each category, in drawing order.
    pub categories: Vec<String>,
    /// One series draws plain bars; several are stacked in this order (left or bottom first) with a legend.
    pub series: Vec<Series>,
    /// The colour of each series (the Okabe–Ito order when missing).
    pub series_colors: Vec<Color>,
    /// With a single series: a colour per category (e.g. each field its own); the series colour when missing.
    pub category_colors: Vec<Color>,
    /// Header of the table's first column ("Lĩnh vực", "Năm"…).
    pub category_header: String,
    /// Header of the total column and label of the total row ("Tổng").
    pub total_header: String,
    /// A remark written under the chart and the table.
    pub note: Option<String>,
    /// Draw only the first this many categories (the table still lists them all), so one long tail does
    /// not squash the largest bars; the rest are summed up in `rest_note`.
    pub max_bars: Option<usize>,
    /// Written under the bars when some are left out: `{0}` is how many categories, `{1}` their total.
    pub rest_note: String,
    /// What to write when there is nothing to draw.
    pub no_data: String,
    /// Thousands separator of the numbers: '.' in Vietnamese, ',' in English.
    pub thousands: char,
    /// Width of the `viewBox`.
    pub width: u32,
}

impl BarChart {
    /// A horizontal chart of `series` over `categories`, `DEFAULT_WIDTH` wide, with empty texts.
    pub fn new(title: impl Into<String>, categories: Vec<String>, series: Vec<Series>) -> BarChart {
        BarChart {
            title: title.into(),
            direction: Direction::Horizontal,
            categories,
            series,
            series_colors: Vec::new(),
            category_colors: Vec::new(),
            category_header: String::new(),
            total_header: String::new(),
            note: None,
            max_bars: None,
            rest_note: String::new(),
            no_data: String::new(),
            thousands: '.',
            width: DEFAULT_WIDTH,
        }
    }

    /// Columns instead of rows.
    pub fn vertical(mut self) -> BarChart {
        self.direction = Direction::Vertical;
        self
    }

    /// Is there more than one series (so bars are stacked and a legend is drawn)?
    fn is_stacked(&self) -> bool {
        self.series.len() > 1
    }

    /// The value of series `s` for category `c` (0 when missing).
    pub fn value(&self, s: usize, c: usize) -> u64 {
        self.series.get(s).and_then(|x| x.values.get(c)).copied().unwrap_or(0)
    }

    /// The sum over the series for category `c`.
    fn category_total(&self, c: usize) -> u64 {
        (0..self.series.len()).map(|s| self.value(s, c)).sum()
    }

    /// Nothing to draw: no category, or every value 0.
    pub fn is_empty(&self) -> bool {
        (0..self.categories.len()).all(|c| self.category_total(c) == 0)
    }

    fn series_color(&self, s: usize) -> Color {
        self.series_colors.get(s).copied().unwrap_or(palette::SERIES[s % palette::SERIES.len()])
    }

    fn bar_color(&self, s: usize, c: usize) -> Color {
        if !self.is_stacked() {
            if let Some(col) = self.category_colors.get(c) {
                return *col;
            }
        }
        self.series_color(s)
    }

    /// How many categories are drawn (all of them unless `max_bars` says fewer).
    pub fn drawn(&self) -> usize {
        self.max_bars.map_or(self.categories.len(), |m| m.max(1)).min(self.categories.len())
    }

    /// The remark about the categories left out, if any.
    fn rest_text(&self) -> Option<String> {
        let hidden = self.categories.len() - self.drawn();
        (hidden > 0).then(|| {
            let total: u64 = (self.drawn()..self.categories.len()).map(|c| self.category_total(c)).sum();
            self.rest_note.replace("{0}", &self.count(hidden as u64)).replace("{1}", &self.count(total))
        })
    }

    fn count(&self, n: u64) -> String {
        grouped(n, self.thousands)
    }

    fn legend_items(&self) -> Vec<(&str, Color)> {
        self.series.iter().enumerate().map(|(s, x)| (x.name.as_str(), self.series_color(s))).collect()
    }
}

/// The chart as a scalable SVG document.
pub fn bar_chart(spec: &BarChart) -> String {
    if spec.is_empty() || spec.series.is_empty() {
        return no_data(spec.width, &spec.title, &spec.no_data);
    }
    match spec.direction {
        Direction::Horizontal => horizontal(spec),
        Direction::Vertical => vertical(spec),
    }
}

/// The chart's numbers as a table: a row per category (a column per series, and a total column when
/// stacked) and a total row.
pub fn bar_table(spec: &BarChart) -> Table {
    let stacked = spec.is_stacked();
    let mut header = vec![spec.category_header.clone()];
    header.extend(spec.series.iter().map(|s| s.name.clone()));
    if stacked {
        header.push(spec.total_header.clone());
    }
    let rows = spec
        .categories
        .iter()
        .enumerate()
        .map(|(c, label)| {
            let mut row = vec![label.clone()];
            row.extend((0..spec.series.len()).map(|s| spec.count(spec.value(s, c))));
            if stacked {
                row.push(spec.count(spec.category_total(c)));
            }
            row
        })
        .collect();
    let footer = (!spec.categories.is_empty()).then(|| {
        let mut row = vec![spec.total_header.clone()];
        let sums: Vec<u64> =
            (0..spec.series.len()).map(|s| (0..spec.categories.len()).map(|c| spec.value(s, c)).sum()).collect();
        row.extend(sums.iter().map(|n| spec.count(*n)));
        if stacked {
            row.push(spec.count(sums.iter().sum()));
        }
        row
    });
    Table { caption: spec.title.clone(), header, rows, footer, note: spec.note.clone() }
}

/// Where bar ends fall: `cumulative / max` of `length`, rounded, so stacked segments add up exactly.
fn scaled(cumulative: u64, max: u64, length: i32) -> i32 {
    if max == 0 {
        0
    } else {
        ((cumulative as f64 / max as f64) * length as f64).round() as i32
    }
}

const VALUE_SIZE: u32 = LABEL_SIZE;
const SEGMENT_SIZE: u32 = 16;
const BAR_HEIGHT: i32 = 28;
const ROW_GAP: i32 = 14;

fn horizontal(spec: &BarChart) -> String {
    let mut c = Canvas::new(spec.width);
    let mut y = c.title(&spec.title);
    if spec.is_stacked() {
        y = c.legend(&spec.legend_items(), y) + 4;
    }
    let n = spec.drawn();
    let totals: Vec<u64> = (0..n).map(|i| spec.category_total(i)).collect();
    let max = totals.iter().copied().max().unwrap_or(0);
    let value_space = totals.iter().map(|t| text_width(&spec.count(*t), VALUE_SIZE)).max().unwrap_or(0) + 8;
    let bar_max = (c.inner_width() - value_space).max(40);
    for (i, label) in spec.categories.iter().take(n).enumerate() {
        y = c.paragraph(label, y, LABEL_SIZE, false) + 2;
        let (top, bottom) = (y, y + BAR_HEIGHT);
        let mut cumulative = 0;
        let mut x_prev = PAD;
        for s in 0..spec.series.len() {
            let v = spec.value(s, i);
            if v == 0 {
                continue;
            }
            cumulative += v;
            let x = PAD + scaled(cumulative, max, bar_max);
            let color = spec.bar_color(s, i);
            c.rect(x_prev, top, x, bottom, color);
            if spec.is_stacked() {
                let text = spec.count(v);
                if text_width(&text, SEGMENT_SIZE) + 6 <= x - x_prev {
                    let mid = (x_prev + x) / 2;
                    c.text(
                        &text,
                        mid,
                        top + BAR_HEIGHT / 2,
                        SEGMENT_SIZE,
                        color.text_on(),
                        false,
                        Align::Middle,
                        Baseline::Middle,
                    );
                }
                if x_prev > PAD {
                    // A white seam tells adjacent segments apart without relying on their colours.
                    c.line((x_prev, top), (x_prev, bottom), palette::WHITE, 2);
                }
            }
            x_prev = x;
        }
        let total = spec.count(totals[i]);
        c.text(
            &total,
            x_prev + 6,
            top + BAR_HEIGHT / 2,
            VALUE_SIZE,
            palette::INK,
            spec.is_stacked(),
            Align::Start,
            Baseline::Middle,
        );
        // The zero line the bar grows from (also where an empty bar would be).
        c.line((PAD, top - 3), (PAD, bottom + 3), palette::INK, 1);
        y = bottom + ROW_GAP;
    }
    if let Some(rest) = spec.rest_text() {
        y = c.paragraph(&rest, y + 2, super::canvas::NOTE_SIZE, false);
    }
    if let Some(note) = &spec.note {
        y = c.paragraph(note, y + 2, super::canvas::NOTE_SIZE, false);
    }
    let height = (y - ROW_GAP + PAD).max(0) as u32;
    c.render(height, &spec.title, &bar_table(spec).describe())
}

const PLOT_HEIGHT: i32 = 220;
const AXIS_SIZE: u32 = 17;
/// The narrowest column slot: below it the chart grows wider than asked (and scales down to fit).
const MIN_SLOT: i32 = 20;

/// The largest font size from `preferred` down to `MIN_SIZE` at which `text` fits `room`.
fn fitting_size(text: &str, room: i32, preferred: u32) -> Option<u32> {
    (MIN_SIZE..=preferred).rev().find(|s| text_width(text, *s) <= room)
}

/// How a row of texts (totals, or category labels) goes across narrow columns: flat at the largest size
/// that fits, or else turned upright at a size whose line fits the slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fit {
    size: u32,
    up: bool,
}

fn fit_all<'a>(texts: impl Iterator<Item = &'a str>, slot: i32, preferred: u32) -> Fit {
    let longest = texts.max_by_key(|t| t.chars().count()).unwrap_or("");
    match fitting_size(longest, slot - 4, preferred) {
        Some(size) => Fit { size, up: false },
        None => {
            Fit { size: ((slot - 4) as f64 / 1.1).floor().clamp(MIN_SIZE as f64, preferred as f64) as u32, up: true }
        }
    }
}

/// The room a row of texts needs across the chart's height.
fn extent<'a>(texts: impl Iterator<Item = &'a str>, fit: Fit) -> i32 {
    if fit.up {
        texts.map(|t| text_width(t, fit.size)).max().unwrap_or(0) + 6
    } else {
        line_height(fit.size) + 2
    }
}

fn vertical(spec: &BarChart) -> String {
    let n = spec.drawn();
    let width = (spec.width as i32).max(2 * PAD + n as i32 * MIN_SLOT) as u32;
    let mut c = Canvas::new(width);
    let mut y = c.title(&spec.title);
    if spec.is_stacked() {
        y = c.legend(&spec.legend_items(), y) + 4;
    }
    let totals: Vec<String> = (0..n).map(|i| spec.count(spec.category_total(i))).collect();
    let max = (0..n).map(|i| spec.category_total(i)).max().unwrap_or(0);
    let slot = c.inner_width() as f64 / n as f64;
    let col_w = ((slot * 0.72).round() as i32).clamp(4, 64);
    let labels = &spec.categories[..n];

    let total_fit = fit_all(totals.iter().map(String::as_str), slot.floor() as i32, AXIS_SIZE);
    let label_fit = fit_all(labels.iter().map(String::as_str), slot.floor() as i32, AXIS_SIZE);
    let top = y + extent(totals.iter().map(String::as_str), total_fit);
    let base = top + PLOT_HEIGHT;

    for i in 0..n {
        let center = PAD + (slot * (i as f64 + 0.5)).round() as i32;
        let (x0, x1) = (center - col_w / 2, center - col_w / 2 + col_w);
        let mut cumulative = 0;
        let mut y_prev = base;
        for s in 0..spec.series.len() {
            let v = spec.value(s, i);
            if v == 0 {
                continue;
            }
            cumulative += v;
            let y_top = base - scaled(cumulative, max, PLOT_HEIGHT);
            let color = spec.bar_color(s, i);
            c.rect(x0, y_top, x1, y_prev, color);
            if spec.is_stacked() {
                let text = spec.count(v);
                if y_prev - y_top >= line_height(MIN_SIZE) && text_width(&text, MIN_SIZE) + 4 <= col_w {
                    let size = fitting_size(&text, col_w - 4, SEGMENT_SIZE).unwrap_or(MIN_SIZE);
                    let size = size.min(((y_prev - y_top) as f64 / 1.3) as u32).max(MIN_SIZE);
                    c.text(
                        &text,
                        center,
                        (y_top + y_prev) / 2,
                        size,
                        color.text_on(),
                        false,
                        Align::Middle,
                        Baseline::Middle,
                    );
                }
                if y_prev < base {
                    c.line((x0, y_prev), (x1, y_prev), palette::WHITE, 2);
                }
            }
            y_prev = y_top;
        }
        if total_fit.up {
            c.text_up(&totals[i], center, y_prev - 4, total_fit.size, palette::INK, true, Align::Start);
        } else {
            let y = y_prev - 2 - line_height(total_fit.size);
            c.text(&totals[i], center, y, total_fit.size, palette::INK, true, Align::Middle, Baseline::Top);
        }
        if label_fit.up {
            c.text_up(&labels[i], center, base + 6, label_fit.size, palette::INK, false, Align::End);
        } else {
            c.text(&labels[i], center, base + 6, label_fit.size, palette::INK, false, Align::Middle, Baseline::Top);
        }
    }
    c.line((PAD, base), (c.width as i32 - PAD, base), palette::INK, 1);
    y = base + 6 + extent(labels.iter().map(String::as_str), label_fit) + 6;
    if let Some(rest) = spec.rest_text() {
        y = c.paragraph(&rest, y, super::canvas::NOTE_SIZE, false);
    }
    if let Some(note) = &spec.note {
        y = c.paragraph(note, y, super::canvas::NOTE_SIZE, false);
    }
    let height = (y + PAD) as u32;
    c.render(height, &spec.title, &bar_table(spec).describe())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacked_segments_end_exactly_at_the_total() {
        // 1 + 1 + 1 of 3 over 100 units: the last segment ends at 100, not 99.
        assert_eq!(scaled(3, 3, 100), 100);
        assert_eq!(scaled(1, 3, 100), 33);
        assert_eq!(scaled(0, 0, 100), 0);
    }

    #[test]
    fn table_has_totals_and_keeps_labels() {
        let mut spec = BarChart::new(
            "T",
            vec!["2023".into(), "2024".into()],
            vec![Series::new("A", vec![1, 2]), Series::new("B", vec![3])],
        );
        spec.category_header = "Năm".into();
        spec.total_header = "Tổng".into();
        let t = bar_table(&spec);
        assert_eq!(t.header, ["Năm", "A", "B", "Tổng"]);
        assert_eq!(t.rows, vec![vec!["2023", "1", "3", "4"], vec!["2024", "2", "0", "2"]]);
        assert_eq!(t.footer.unwrap(), ["Tổng", "3", "3", "6"]);
    }

    #[test]
    fn narrow_slots_shrink_or_turn_the_labels() {
        assert_eq!(fitting_size("2024", 200, 17), Some(17));
        assert_eq!(fitting_size("2024", 10, 17), None);
        assert_eq!(fit_all(["2024", "2025"].into_iter(), 60, 17), Fit { size: 17, up: false });
        let narrow = fit_all(["2024", "2025"].into_iter(), 22, 17);
        assert!(narrow.up && narrow.size >= MIN_SIZE);
    }
}
