//! Share and progress bars: a track per row, filled up to the actual value, with a marker at the target
//! (or the whole), and the figures written under it — "23 / 30 (77%)" and, for plan targets, how much is
//! still missing ("Còn thiếu 7") or that the target is reached. Used for the ethnic-minority share and for
//! plan progress.

use super::canvas::{line_height, no_data, text_width, Align, Baseline, Canvas, LABEL_SIZE, PAD};
use super::{palette, Table, DEFAULT_WIDTH};
use crate::format::{grouped, percent};

/// What a row's numbers are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Quantity {
    /// Whole numbers (models), written with a thousands separator.
    #[default]
    Count,
    /// Fractions 0–1, written as percentages.
    Fraction,
}

/// One bar: how far `actual` has come towards `target` (or how big a part is of a whole).
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressRow {
    pub label: String,
    pub actual: f64,
    pub target: f64,
    pub quantity: Quantity,
}

const EPSILON: f64 = 1e-9;

impl ProgressRow {
    /// A row of counts: `actual` models of `target`.
    pub fn count(label: impl Into<String>, actual: u64, target: u64) -> ProgressRow {
        ProgressRow { label: label.into(), actual: actual as f64, target: target as f64, quantity: Quantity::Count }
    }

    /// A row of fractions 0–1 (shares).
    pub fn fraction(label: impl Into<String>, actual: f64, target: f64) -> ProgressRow {
        ProgressRow { label: label.into(), actual, target, quantity: Quantity::Fraction }
    }

    /// `actual / target` (None when the target is 0).
    pub fn share(&self) -> Option<f64> {
        (self.target > EPSILON).then(|| self.actual / self.target)
    }

    /// Is the target met?
    pub fn reached(&self) -> bool {
        self.actual + EPSILON >= self.target
    }

    /// How much is still missing (0 when met).
    pub fn gap(&self) -> f64 {
        (self.target - self.actual).max(0.0)
    }
}

/// Table headers of a progress chart.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProgressHeaders {
    pub label: String,
    pub actual: String,
    pub target: String,
    pub share: String,
    pub gap: String,
}

/// Texts for plan targets: `template` with `{0}` for the amount missing ("Còn thiếu {0}"), `points`
/// with `{0}` for a missing share in percentage points ("{0} điểm %": from 72% to 80% is 8 points, not
/// 8%), and what to write when the target is met.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GapTexts {
    pub template: String,
    pub points: String,
    pub reached: String,
}

/// A chart of share/progress bars. Every text is given already translated.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressChart {
    pub title: String,
    pub rows: Vec<ProgressRow>,
    pub headers: ProgressHeaders,
    /// With gap texts each row says how far it is from its target (plan progress); without, it is a plain
    /// share (part of a whole).
    pub gap: Option<GapTexts>,
    pub no_data: String,
    /// Thousands separator: '.' in Vietnamese, ',' in English.
    pub thousands: char,
    /// Width of the `viewBox`.
    pub width: u32,
}

impl ProgressChart {
    /// A chart of `rows`, `DEFAULT_WIDTH` wide, with empty texts and no gap column.
    pub fn new(title: impl Into<String>, rows: Vec<ProgressRow>) -> ProgressChart {
        ProgressChart {
            title: title.into(),
            rows,
            headers: ProgressHeaders::default(),
            gap: None,
            no_data: String::new(),
            thousands: '.',
            width: DEFAULT_WIDTH,
        }
    }

    fn amount(&self, v: f64, q: Quantity) -> String {
        match q {
            Quantity::Count => grouped(v.max(0.0).round() as u64, self.thousands),
            Quantity::Fraction => percent(v),
        }
    }

    /// The amount missing, rounded up for counts (2.5 models missing means 3 more); for shares in
    /// percentage points.
    fn gap_amount(&self, row: &ProgressRow, g: &GapTexts) -> String {
        match row.quantity {
            Quantity::Count => grouped((row.gap() - EPSILON).max(0.0).ceil() as u64, self.thousands),
            Quantity::Fraction => g.points.replace("{0}", &((row.gap() * 100.0).round() as i64).to_string()),
        }
    }

    /// "Còn thiếu 7" or "Đã đạt chỉ tiêu"; None for a plain share.
    fn gap_text(&self, row: &ProgressRow) -> Option<String> {
        let g = self.gap.as_ref()?;
        Some(if row.reached() { g.reached.clone() } else { g.template.replace("{0}", &self.gap_amount(row, g)) })
    }

    /// "23 / 30 (77%)" for counts, "72% / 80%" for fractions.
    pub fn figures(&self, row: &ProgressRow) -> String {
        let base = format!("{} / {}", self.amount(row.actual, row.quantity), self.amount(row.target, row.quantity));
        match (row.quantity, row.share()) {
            (Quantity::Count, Some(s)) => format!("{base} ({})", percent(s)),
            _ => base,
        }
    }
}

/// The chart as a scalable SVG document.
pub fn progress_chart(spec: &ProgressChart) -> String {
    if spec.rows.is_empty() {
        return no_data(spec.width, &spec.title, &spec.no_data);
    }
    const TRACK_HEIGHT: i32 = 26;
    const FIGURE_SIZE: u32 = 18;
    let mut c = Canvas::new(spec.width);
    let mut y = c.title(&spec.title);
    let track_w = c.inner_width();
    for row in &spec.rows {
        y = c.paragraph(&row.label, y, LABEL_SIZE, false) + 6;
        let (top, bottom) = (y, y + TRACK_HEIGHT);
        let scale = row.target.max(row.actual);
        let at = |v: f64| if scale > EPSILON { PAD + ((v / scale) * track_w as f64).round() as i32 } else { PAD };
        c.rect(PAD, top, PAD + track_w, bottom, palette::TRACK);
        let fill = if spec.gap.is_some() && row.reached() { palette::BLUISH_GREEN } else { palette::BLUE };
        c.rect(PAD, top, at(row.actual), bottom, fill);
        if row.target > EPSILON {
            let x = at(row.target).min(PAD + track_w - 1);
            c.line((x, top - 5), (x, bottom + 5), palette::INK, 3);
        }
        y = bottom + 8;
        let figures = spec.figures(row);
        c.text(&figures, PAD, y, FIGURE_SIZE, palette::INK, false, Align::Start, Baseline::Top);
        if let Some(gap) = spec.gap_text(row) {
            if text_width(&figures, FIGURE_SIZE) + 16 + text_width(&gap, FIGURE_SIZE) > track_w {
                y += line_height(FIGURE_SIZE);
                c.text(&gap, PAD, y, FIGURE_SIZE, palette::INK, true, Align::Start, Baseline::Top);
            } else {
                c.text(&gap, PAD + track_w, y, FIGURE_SIZE, palette::INK, true, Align::End, Baseline::Top);
            }
        }
        y += line_height(FIGURE_SIZE) + 14;
    }
    let height = (y - 14 + PAD) as u32;
    c.render(height, &spec.title, &progress_table(spec).describe())
}

/// The chart's numbers as a table: label, actual, target (or whole), share and, for plan targets, the gap.
pub fn progress_table(spec: &ProgressChart) -> Table {
    let h = &spec.headers;
    let mut header = vec![h.label.clone(), h.actual.clone(), h.target.clone(), h.share.clone()];
    if spec.gap.is_some() {
        header.push(h.gap.clone());
    }
    let rows = spec
        .rows
        .iter()
        .map(|r| {
            let mut row = vec![
                r.label.clone(),
                spec.amount(r.actual, r.quantity),
                spec.amount(r.target, r.quantity),
                r.share().map(percent).unwrap_or_else(|| "—".to_string()),
            ];
            if let Some(g) = &spec.gap {
                row.push(if r.reached() { g.reached.clone() } else { spec.gap_amount(r, g) });
            }
            row
        })
        .collect();
    Table { caption: spec.title.clone(), header, rows, footer: None, note: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_and_gaps() {
        let mut spec = ProgressChart::new("T", vec![]);
        spec.gap = Some(GapTexts { template: "Còn thiếu {0}".into(), points: "{0} điểm %".into(), reached: "Đã đạt".into() });
        let r = ProgressRow::count("Mới", 23, 30);
        assert_eq!(spec.figures(&r), "23 / 30 (77%)");
        assert_eq!(spec.gap_text(&r).unwrap(), "Còn thiếu 7");
        let f = ProgressRow::fraction("Hiệu quả", 0.72, 0.8);
        assert_eq!(spec.figures(&f), "72% / 80%");
        assert_eq!(spec.gap_text(&f).unwrap(), "Còn thiếu 8 điểm %", "a share's gap is in percentage points");
        let done = ProgressRow::count("Mới", 31, 30);
        assert_eq!(spec.gap_text(&done).unwrap(), "Đã đạt");
        let zero = ProgressRow::count("Không chỉ tiêu", 0, 0);
        assert!(zero.reached());
        assert_eq!(zero.share(), None);
        assert_eq!(spec.figures(&zero), "0 / 0");
    }
}
