//! The drawing surface shared by every chart: a list of shapes laid out in `viewBox` units, rendered with
//! plotters' `SVGBackend` into a string, then finished so it scales (`width="100%"`, no fixed height) and
//! carries a `<title>` and `<desc>`. Also the common pieces of layout: title block, legend, wrapped text
//! and the "no data" picture.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::Color as _;

use super::{palette, Color};

/// Margin around every chart.
pub(crate) const PAD: i32 = 16;
/// Font sizes, in `viewBox` units.
pub(crate) const TITLE_SIZE: u32 = 22;
pub(crate) const LABEL_SIZE: u32 = 19;
pub(crate) const LEGEND_SIZE: u32 = 17;
pub(crate) const NOTE_SIZE: u32 = 16;
/// Smallest text a chart writes.
pub(crate) const MIN_SIZE: u32 = 14;

/// Horizontal anchor of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Start,
    Middle,
    End,
}

/// Vertical anchor of a text: `y` is its top, or its middle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Baseline {
    Top,
    Middle,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    Rect {
        x0: i32,
        y0: i32,
        x1: i32,
        y1: i32,
        fill: Color,
    },
    Line {
        x0: i32,
        y0: i32,
        x1: i32,
        y1: i32,
        color: Color,
        width: u32,
    },
    /// `up`: turned a quarter to the left, reading bottom to top (for narrow columns); `align` then runs
    /// along the turned text and `baseline` across it.
    Text {
        text: String,
        x: i32,
        y: i32,
        size: u32,
        color: Color,
        bold: bool,
        align: Align,
        baseline: Baseline,
        up: bool,
    },
}

/// Shapes in `viewBox` units, `width` wide; the height is wherever layout ends.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Canvas {
    pub width: u32,
    pub shapes: Vec<Shape>,
}

/// The estimated width of `text` at `size` (sans-serif averages about 0.55 em a character; a little more
/// is assumed so estimates err on the roomy side).
pub(crate) fn text_width(text: &str, size: u32) -> i32 {
    (text.chars().count() as f64 * size as f64 * 0.58).ceil() as i32
}

/// Line height for a font size.
pub(crate) fn line_height(size: u32) -> i32 {
    (size as f64 * 1.3).round() as i32
}

/// Control characters are not allowed in XML text: they become spaces.
pub(crate) fn clean(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// Greedy word wrap to `max_width` at `size`; a word longer than a line keeps a line of its own.
pub(crate) fn wrap(text: &str, size: u32, max_width: i32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
        if !line.is_empty() && text_width(&candidate, size) > max_width {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

impl Canvas {
    pub fn new(width: u32) -> Canvas {
        Canvas { width: width.max(200), shapes: Vec::new() }
    }

    /// The width available inside the margins.
    pub fn inner_width(&self) -> i32 {
        self.width as i32 - 2 * PAD
    }

    pub fn rect(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, fill: Color) {
        if x1 > x0 && y1 > y0 {
            self.shapes.push(Shape::Rect { x0, y0, x1, y1, fill });
        }
    }

    pub fn line(&mut self, (x0, y0): (i32, i32), (x1, y1): (i32, i32), color: Color, width: u32) {
        self.shapes.push(Shape::Line { x0, y0, x1, y1, color, width });
    }

    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &mut self,
        text: &str,
        x: i32,
        y: i32,
        size: u32,
        color: Color,
        bold: bool,
        align: Align,
        baseline: Baseline,
    ) {
        let text = clean(text);
        if !text.trim().is_empty() {
            self.shapes.push(Shape::Text { text, x, y, size, color, bold, align, baseline, up: false });
        }
    }

    /// A text reading bottom to top, centred across `x`: with `Align::Start` it rises from `y`, with
    /// `Align::End` it ends at `y`.
    #[allow(clippy::too_many_arguments)]
    pub fn text_up(&mut self, text: &str, x: i32, y: i32, size: u32, color: Color, bold: bool, align: Align) {
        let text = clean(text);
        if !text.trim().is_empty() {
            self.shapes.push(Shape::Text {
                text,
                x,
                y,
                size,
                color,
                bold,
                align,
                baseline: Baseline::Middle,
                up: true,
            });
        }
    }

    /// Writes `text` wrapped to the inner width from the left margin at `y`; returns the `y` below it.
    pub fn paragraph(&mut self, text: &str, y: i32, size: u32, bold: bool) -> i32 {
        let mut y = y;
        for line in wrap(&clean(text), size, self.inner_width()) {
            self.text(&line, PAD, y, size, palette::INK, bold, Align::Start, Baseline::Top);
            y += line_height(size);
        }
        y
    }

    /// The chart's title at the top; returns the `y` below it.
    pub fn title(&mut self, title: &str) -> i32 {
        self.paragraph(title, PAD, TITLE_SIZE, true) + 8
    }

    /// A legend of colour swatches and names, flowing onto as many lines as needed; returns the `y` below.
    pub fn legend(&mut self, items: &[(&str, Color)], y: i32) -> i32 {
        let swatch = LEGEND_SIZE as i32;
        let row_h = line_height(LEGEND_SIZE) + 4;
        let right = self.width as i32 - PAD;
        let (mut x, mut y) = (PAD, y);
        for (name, color) in items {
            let name = clean(name);
            let w = swatch + 6 + text_width(&name, LEGEND_SIZE);
            if x > PAD && x + w > right {
                x = PAD;
                y += row_h;
            }
            self.rect(x, y, x + swatch, y + swatch, *color);
            self.text(
                &name,
                x + swatch + 6,
                y + swatch / 2,
                LEGEND_SIZE,
                palette::INK,
                false,
                Align::Start,
                Baseline::Middle,
            );
            x += w + 18;
        }
        y + row_h
    }

    /// Renders the shapes into a finished, scalable SVG `height` units high.
    pub fn render(&self, height: u32, title: &str, desc: &str) -> String {
        let height = height.max(60);
        let raw = draw_with_plotters(self, height).unwrap_or_else(|_| {
            // The string backend does not fail; should it ever, an empty picture still carries the title.
            format!(
                "<svg width=\"{w}\" height=\"{height}\" viewBox=\"0 0 {w} {height}\" xmlns=\"http://www.w3.org/2000/svg\">\n</svg>\n",
                w = self.width
            )
        });
        finish(&raw, self.width, height, title, desc)
    }
}

fn rgb(c: Color) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

fn draw_with_plotters(canvas: &Canvas, height: u32) -> Result<String, String> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (canvas.width, height)).into_drawing_area();
        let err = |e: DrawingAreaErrorKind<std::io::Error>| e.to_string();
        root.fill(&WHITE).map_err(err)?;
        for shape in &canvas.shapes {
            match shape {
                Shape::Rect { x0, y0, x1, y1, fill } => {
                    root.draw(&Rectangle::new([(*x0, *y0), (*x1, *y1)], rgb(*fill).filled())).map_err(err)?;
                }
                Shape::Line { x0, y0, x1, y1, color, width } => {
                    let style = ShapeStyle { color: rgb(*color).to_rgba(), filled: false, stroke_width: *width };
                    root.draw(&PathElement::new(vec![(*x0, *y0), (*x1, *y1)], style)).map_err(err)?;
                }
                Shape::Text { text, x, y, size, color, bold, align, baseline, up } => {
                    let h = match align {
                        Align::Start => HPos::Left,
                        Align::Middle => HPos::Center,
                        Align::End => HPos::Right,
                    };
                    let v = match baseline {
                        Baseline::Top => VPos::Top,
                        Baseline::Middle => VPos::Center,
                    };
                    let weight = if *bold { FontStyle::Bold } else { FontStyle::Normal };
                    // plotters writes font-size as size / 1.24; `finish` rounds what it wrote.
                    let mut font = FontDesc::new(FontFamily::SansSerif, *size as f64 * 1.24, weight);
                    if *up {
                        font = font.transform(FontTransform::Rotate270);
                    }
                    let fill = rgb(*color);
                    let style = TextStyle::from(font).color(&fill).pos(Pos::new(h, v));
                    root.draw(&Text::new(text.as_str(), (*x, *y), style)).map_err(err)?;
                }
            }
        }
        root.present().map_err(err)?;
    }
    Ok(buf)
}

/// XML-escapes text for element content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in clean(text).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Replaces plotters' root element with a scalable, labelled one, adds `<title>` and `<desc>`, and rounds
/// the font sizes plotters wrote.
fn finish(raw: &str, width: u32, height: u32, title: &str, desc: &str) -> String {
    let body = match (raw.find("<svg"), raw.find('>')) {
        (Some(0), Some(end)) => &raw[end + 1..],
        _ => raw,
    };
    let mut out = String::with_capacity(raw.len() + title.len() + desc.len() + 256);
    out.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100%\" viewBox=\"0 0 {width} {height}\" \
         preserveAspectRatio=\"xMidYMin meet\" role=\"img\" aria-label=\"{t}\" font-family=\"sans-serif\">\n\
         <title>{t}</title>\n<desc>{d}</desc>",
        t = escape(title),
        d = escape(desc),
    ));
    out.push_str(&round_font_sizes(body));
    out
}

fn round_font_sizes(svg: &str) -> String {
    const KEY: &str = "font-size=\"";
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(i) = rest.find(KEY) {
        let start = i + KEY.len();
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after.find('"').unwrap_or(after.len());
        match after[..end].parse::<f64>() {
            Ok(v) => out.push_str(&format!("{}", v.round() as i64)),
            Err(_) => out.push_str(&after[..end]),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The size of a chart's `viewBox` (width, height).
pub fn svg_size(svg: &str) -> Option<(u32, u32)> {
    let start = svg.find("viewBox=\"")? + "viewBox=\"".len();
    let end = start + svg[start..].find('"')?;
    let nums: Vec<u32> = svg[start..end].split_whitespace().filter_map(|n| n.parse().ok()).collect();
    match nums[..] {
        [_, _, w, h] => Some((w, h)),
        _ => None,
    }
}

/// The chart as a file to save (or to draw on a canvas for a PNG): the same picture with a fixed width
/// and height instead of `width="100%"`.
pub fn for_file(svg: &str) -> String {
    match svg_size(svg) {
        Some((w, h)) => svg.replacen("width=\"100%\"", &format!("width=\"{w}\" height=\"{h}\""), 1),
        None => svg.to_string(),
    }
}

/// A chart with nothing to show: the title and the caller's "no data" text.
pub(crate) fn no_data(width: u32, title: &str, message: &str) -> String {
    let mut c = Canvas::new(width);
    let y = c.title(title);
    let box_h = 96;
    c.rect(PAD, y, c.width as i32 - PAD, y + box_h, Color(0xF2, 0xF2, 0xF2));
    let mut ty =
        y + box_h / 2 - line_height(LABEL_SIZE) * (wrap(message, LABEL_SIZE, c.inner_width() - 24).len() as i32) / 2;
    for line in wrap(&clean(message), LABEL_SIZE, c.inner_width() - 24) {
        c.text(&line, c.width as i32 / 2, ty, LABEL_SIZE, palette::INK, false, Align::Middle, Baseline::Top);
        ty += line_height(LABEL_SIZE);
    }
    let height = (y + box_h + PAD) as u32;
    c.render(height, title, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_words_and_fits_the_width() {
        let lines = wrap("Mô hình mới theo năm theo lĩnh vực của toàn tỉnh", 20, 200);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), "Mô hình mới theo năm theo lĩnh vực của toàn tỉnh");
        for l in &lines {
            assert!(text_width(l, 20) <= 200 || !l.contains(' '), "{l}");
        }
        assert!(wrap("   ", 20, 200).is_empty());
    }

    #[test]
    fn font_sizes_are_rounded() {
        assert_eq!(round_font_sizes("<text font-size=\"15.000000000000002\">"), "<text font-size=\"15\">");
        assert_eq!(round_font_sizes("x"), "x");
    }

    #[test]
    fn control_characters_never_reach_the_svg() {
        assert_eq!(escape("a\u{1}b\n<"), "a b &lt;");
    }
}
