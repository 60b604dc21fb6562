//! A frame as a QR code drawn in SVG (qrcodegen): one path of dark modules on a white square with the
//! standard quiet zone of four modules, crisp at any size. The text is this app's frame (base45 and the
//! prefix): no user text is ever drawn.

use qrcodegen::{QrCode, QrCodeEcc};

/// The quiet zone around the code, in modules (the QR standard's minimum).
const QUIET: i32 = 4;

/// The QR code of `text` as an SVG document, and its size in modules (without the quiet zone); `None`
/// if it does not fit a version 40 code.
pub fn svg(text: &str) -> Option<(String, i32)> {
    // Low correction: a screen has no dirt or folds, and fewer modules are read from further away.
    let code = QrCode::encode_text(text, QrCodeEcc::Low).ok()?;
    let n = code.size();
    let side = n + 2 * QUIET;
    let mut path = String::with_capacity((n * n) as usize * 4);
    for y in 0..n {
        let mut x = 0;
        while x < n {
            if code.get_module(x, y) {
                let start = x;
                while x < n && code.get_module(x, y) {
                    x += 1;
                }
                path.push_str(&format!("M{} {}h{}v1h-{}z", start + QUIET, y + QUIET, x - start, x - start));
            } else {
                x += 1;
            }
        }
    }
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>"
    );
    Some((svg, n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::transfer::{Sender, PREFIX};

    #[test]
    fn a_frame_is_a_version_10_code_or_smaller_in_well_formed_svg() {
        let text: String = (0..3000).map(|i| format!("{i},")).collect();
        let mut s = Sender::new(text.as_bytes(), 42).unwrap();
        let frame = s.next_frame();
        assert!(frame.starts_with(PREFIX));
        let (svg, modules) = svg(&frame).unwrap();
        assert!(modules <= 57, "{modules} modules a side");
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "));
        assert!(svg.ends_with("</svg>"));
        assert_eq!(svg.matches('<').count(), svg.matches('>').count());
        // Dark modules drawn: a real code is roughly half dark.
        let dark: i32 = svg.split('h').skip(1).filter_map(|s| s.split('v').next()?.parse::<i32>().ok()).sum();
        assert!(dark > modules * modules / 4 && dark < modules * modules * 3 / 4, "{dark}");
    }

    #[test]
    fn text_beyond_a_version_40_code_gives_none() {
        assert!(svg(&"A".repeat(4296)).is_some());
        assert!(svg(&"A".repeat(4300)).is_none());
    }
}
