//! Biểu đồ: statistics in, SVG text out, drawn with plotters' SVG backend.
//!
//! Owns the dashboard's charts — horizontal bars (fields, localities, ratings), vertical stacked bars (new
//! models per year by field) and share/progress bars (ethnic-minority share, plan targets) — and the table
//! of numbers behind each one. A chart is a plain spec (`BarChart`, `ProgressChart`) holding text the
//! caller already translated; the drawing functions never choose a language. `dashboard` is the glue that
//! turns `domain::stats` figures into specs for a given `Lang`.
//!
//! Every SVG scales to its container (`width="100%"` and a `viewBox`, no fixed height), uses the
//! colour-blind-safe Okabe–Ito palette, writes each value as text (so nothing is told by colour alone),
//! and starts with a `<title>` and a `<desc>` for screen readers. Layout is computed here (no text
//! measuring through the DOM), then drawn with plotters primitives, so the output is deterministic and
//! testable natively.

mod bar;
mod canvas;
pub mod dashboard;
mod progress;

pub use bar::{bar_chart, bar_table, BarChart, Direction, Series};
pub use canvas::{for_file, svg_size};
pub use progress::{progress_chart, progress_table, GapTexts, ProgressChart, ProgressHeaders, ProgressRow, Quantity};

/// The width of the `viewBox` of every chart: on a 360 px phone (≈340 px of content) text of the
/// default sizes (16–22 units) shows at 12–17 px.
pub const DEFAULT_WIDTH: u32 = 440;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Color(pub u8, pub u8, pub u8);

impl Color {
    /// `#RRGGBB`, as plotters writes it.
    pub fn hex(self) -> String {
        format!("#{:02X}{:02X}{:02X}", self.0, self.1, self.2)
    }

    /// WCAG relative luminance.
    fn luminance(self) -> f64 {
        let lin = |c: u8| {
            let c = c as f64 / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(self.0) + 0.7152 * lin(self.1) + 0.0722 * lin(self.2)
    }

    /// WCAG contrast ratio between two colours (1–21).
    fn contrast(self, other: Color) -> f64 {
        let (a, b) = (self.luminance() + 0.05, other.luminance() + 0.05);
        if a > b {
            a / b
        } else {
            b / a
        }
    }

    /// Black or white, whichever reads better on this colour.
    pub fn text_on(self) -> Color {
        if self.contrast(palette::BLACK) >= self.contrast(palette::WHITE) {
            palette::BLACK
        } else {
            palette::WHITE
        }
    }
}

/// The Okabe–Ito palette (distinguishable with the common colour-vision deficiencies), plus greys.
pub mod palette {
    use super::Color;
    use crate::domain::model::PerField;

    pub const BLACK: Color = Color(0x00, 0x00, 0x00);
    pub const ORANGE: Color = Color(0xE6, 0x9F, 0x00);
    pub const SKY_BLUE: Color = Color(0x56, 0xB4, 0xE9);
    pub const BLUISH_GREEN: Color = Color(0x00, 0x9E, 0x73);
    pub const YELLOW: Color = Color(0xF0, 0xE4, 0x42);
    pub const BLUE: Color = Color(0x00, 0x72, 0xB2);
    pub const VERMILLION: Color = Color(0xD5, 0x5E, 0x00);
    pub const REDDISH_PURPLE: Color = Color(0xCC, 0x79, 0xA7);

    pub const WHITE: Color = Color(0xFF, 0xFF, 0xFF);
    /// Text and axis lines.
    pub const INK: Color = Color(0x22, 0x22, 0x22);
    /// "Not evaluated" and other neutral bars (3:1 against white).
    pub const GREY: Color = Color(0x8C, 0x8C, 0x8C);
    /// The empty part of a progress track.
    pub const TRACK: Color = Color(0xE4, 0xE4, 0xE4);

    /// The order series take when the caller gives no colours.
    pub const SERIES: [Color; 8] = [BLUE, ORANGE, BLUISH_GREEN, REDDISH_PURPLE, SKY_BLUE, VERMILLION, YELLOW, BLACK];

    /// The colour of each field, the same in every chart.
    pub const FIELDS: PerField<Color> = PerField::new([BLUE, ORANGE, BLUISH_GREEN, REDDISH_PURPLE]);

    /// Every colour a chart may fill with.
    pub const ALL: [Color; 12] =
        [BLACK, ORANGE, SKY_BLUE, BLUISH_GREEN, YELLOW, BLUE, VERMILLION, REDDISH_PURPLE, WHITE, INK, GREY, TRACK];
}

/// The numbers of a chart as a table, for the "show the numbers" view and the printable report.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// The chart's title.
    pub caption: String,
    pub header: Vec<String>,
    /// One row per category; the first cell is its label, the others are formatted numbers.
    pub rows: Vec<Vec<String>>,
    /// Column totals, when they mean something.
    pub footer: Option<Vec<String>>,
    /// A remark under the table (e.g. models without a start date).
    pub note: Option<String>,
}

impl Table {
    /// A one-paragraph reading of the table, for the SVG's `<desc>`: "Kinh tế: Số lượng 190; …".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for row in self.rows.iter().chain(self.footer.iter()) {
            let cells: Vec<String> = row
                .iter()
                .enumerate()
                .skip(1)
                .map(|(j, c)| match self.header.get(j) {
                    Some(h) if !h.is_empty() => format!("{h} {c}"),
                    _ => c.clone(),
                })
                .collect();
            parts.push(format!("{}: {}", row.first().map(String::as_str).unwrap_or(""), cells.join(", ")));
        }
        if let Some(n) = &self.note {
            parts.push(n.clone());
        }
        parts.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_colour_keeps_contrast_on_every_fill() {
        for c in palette::SERIES {
            assert!(c.contrast(c.text_on()) >= 4.5, "{}", c.hex());
        }
        assert_eq!(palette::BLUE.text_on(), palette::WHITE);
        assert_eq!(palette::YELLOW.text_on(), palette::BLACK);
    }
}
