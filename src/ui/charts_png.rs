//! Saving a chart as PNG: the chart's SVG is drawn onto a canvas at twice its size (sharp on
//! high-density screens and in documents), then offered as a file.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Renders `svg` to a PNG and downloads it as `filename`. Failures are silent (the SVG save remains).
pub fn save_png(svg: &str, filename: &str) {
    let _ = try_save_png(svg, filename);
}

pub(super) fn svg_size(svg: &str) -> (f64, f64) {
    // viewBox="0 0 W H"
    let vb = svg.split("viewBox=\"").nth(1).and_then(|r| r.split('"').next()).unwrap_or("0 0 640 400");
    let n: Vec<f64> = vb.split_whitespace().filter_map(|x| x.parse().ok()).collect();
    if n.len() == 4 { (n[2], n[3]) } else { (640.0, 400.0) }
}

fn try_save_png(svg: &str, filename: &str) -> Result<(), JsValue> {
    let (w, h) = svg_size(svg);
    let scale = 2.0;
    let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let url = super::platform::object_url("image/svg+xml", svg)?;
    let src = url.clone();
    let img = web_sys::HtmlImageElement::new()?;
    let name = filename.to_string();
    let img2 = img.clone();
    let onload = Closure::once_into_js(move || {
        let run = || -> Result<(), JsValue> {
            let canvas: web_sys::HtmlCanvasElement = doc.create_element("canvas")?.dyn_into()?;
            canvas.set_width((w * scale) as u32);
            canvas.set_height((h * scale) as u32);
            let ctx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d")?.ok_or("no 2d")?.dyn_into()?;
            ctx.set_fill_style_str("#ffffff");
            ctx.fill_rect(0.0, 0.0, w * scale, h * scale);
            ctx.draw_image_with_html_image_element_and_dw_and_dh(&img2, 0.0, 0.0, w * scale, h * scale)?;
            let data_url = canvas.to_data_url_with_type("image/png")?;
            let a: web_sys::HtmlAnchorElement = doc.create_element("a")?.dyn_into()?;
            a.set_href(&data_url);
            a.set_download(&name);
            doc.body().ok_or("no body")?.append_child(&a)?;
            a.click();
            a.remove();
            Ok(())
        };
        let _ = run();
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    img.set_onload(Some(onload.unchecked_ref()));
    img.set_src(&src);
    Ok(())
}
