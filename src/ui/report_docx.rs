//! Bản Word in the browser: the report page's "Tải về bản Word (.docx)". It gathers the document's
//! pictures (the report's SVG charts drawn on a canvas as PNG, at twice their size like "save as PNG";
//! the appendix's photos from the image store, re-encoded as JPEG at most [`PHOTO_MAX_PX`] wide), then
//! has `export::docx` write the file in a chunk of its own (`docx`, fetched on first use like the Excel
//! writer, see `split.rs`) and offers it as a download. The content itself is `export::report`'s, the
//! one the printed page shows.

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::chunk::NotLoaded;
use super::platform::{download_bytes, object_url};
use crate::charts::bar_chart;
use crate::domain::evidence::Photo;
use crate::export::docx::{Image, Pictures, DOCX_MIME};
use crate::export::report::{docx_file_name, photo_caption, ReportContent};
use crate::storage::browser_images;

/// A photo's width in the document, in pixels: the text is 165 mm wide, so about 150 dpi.
pub const PHOTO_MAX_PX: u32 = 1000;
/// The JPEG quality of a shrunk photo.
const JPEG_QUALITY: f64 = 0.8;

/// Why there is no document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The writer's chunk could not be fetched (first use, offline, before the service worker cached it).
    NotLoaded,
    /// The writer failed, or the browser would not offer the file.
    Failed,
}

/// Makes the `.docx` of `content` (with the photo appendix when `photos` is given: each model's title and
/// photo) and downloads it as `export::report::docx_file_name`.
pub async fn download(content: ReportContent, photos: Option<Vec<(String, Photo)>>) -> Result<(), Failure> {
    let mut charts = Vec::with_capacity(content.charts.len());
    for spec in &content.charts {
        // A chart the canvas cannot draw goes in as its table (the writer's fallback).
        charts.push(svg_png(&bar_chart(spec)).await.ok().and_then(Image::from_bytes));
    }
    let photos = match photos {
        None => None,
        Some(list) => {
            let mut out = Vec::with_capacity(list.len());
            for (title, photo) in list {
                out.push((photo_caption(&title, &photo), photo_jpeg(&photo.sha256).await));
            }
            Some(out)
        }
    };
    let name = docx_file_name(content.lang, content.today);
    let bytes = match docx_file(content, Pictures { charts, photos }).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(())) => return Err(Failure::Failed),
        Err(NotLoaded) => return Err(Failure::NotLoaded),
    };
    download_bytes(&name, DOCX_MIME, &bytes).map_err(|_| Failure::Failed)
}

/// The Word writer (`export::docx` with its zip code): a chunk of its own, fetched the first time an
/// officer asks for a document. `Ok(Err(()))`: the writer failed.
#[leptos::wasm_split::wasm_split(docx, wasm_split_path = ::leptos::wasm_split, fallible)]
fn docx_file(content: ReportContent, pictures: Pictures) -> Result<Result<Vec<u8>, ()>, NotLoaded> {
    Ok(crate::export::docx::write(&content, &pictures).map_err(|_| ()))
}

fn document() -> Result<web_sys::Document, JsValue> {
    web_sys::window().and_then(|w| w.document()).ok_or_else(|| JsValue::from_str("no document"))
}

/// The chart `svg` as a PNG at twice its `viewBox` size on white.
async fn svg_png(svg: &str) -> Result<Vec<u8>, JsValue> {
    let (w, h) = super::charts_png::svg_size(svg);
    let scale = 2.0;
    let url = object_url("image/svg+xml", svg)?;
    let img = web_sys::HtmlImageElement::new()?;
    let decoded = super::platform::image_loaded(&img, &url).await;
    let _ = web_sys::Url::revoke_object_url(&url);
    decoded?;
    let canvas: web_sys::HtmlCanvasElement = document()?.create_element("canvas")?.dyn_into()?;
    canvas.set_width((w * scale) as u32);
    canvas.set_height((h * scale) as u32);
    let ctx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d")?.ok_or("no 2d")?.dyn_into()?;
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, w * scale, h * scale);
    ctx.draw_image_with_html_image_element_and_dw_and_dh(&img, 0.0, 0.0, w * scale, h * scale)?;
    canvas_bytes(&canvas, "image/png", 1.0).await
}

/// The stored photo `sha256` for the document: as stored when it is a JPEG no wider than
/// [`PHOTO_MAX_PX`], else shrunk to that width and re-encoded as JPEG. None: not on this device, or
/// unreadable (the document says so under its caption).
async fn photo_jpeg(sha256: &str) -> Option<Image> {
    let blob = browser_images::blob(sha256).await.ok()??;
    let bytes = blob_bytes(&blob).await.ok()?;
    let image = Image::from_bytes(bytes)?;
    if image.width <= PHOTO_MAX_PX && image.kind == crate::export::docx::ImageKind::Jpeg {
        return Some(image);
    }
    let scale = (f64::from(PHOTO_MAX_PX) / f64::from(image.width)).min(1.0);
    let (tw, th) = ((f64::from(image.width) * scale).round().max(1.0) as u32, (f64::from(image.height) * scale).round().max(1.0) as u32);
    let shrunk = async {
        let options = web_sys::ImageBitmapOptions::new();
        options.set_resize_width(tw);
        options.set_resize_height(th);
        options.set_resize_quality(web_sys::ResizeQuality::High);
        let window = web_sys::window().ok_or("no window")?;
        let bitmap: web_sys::ImageBitmap =
            JsFuture::from(window.create_image_bitmap_with_blob_and_image_bitmap_options(&blob, &options)?).await?.unchecked_into();
        let canvas: web_sys::HtmlCanvasElement = document()?.create_element("canvas")?.dyn_into()?;
        canvas.set_width(bitmap.width());
        canvas.set_height(bitmap.height());
        let ctx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d")?.ok_or("no 2d")?.dyn_into()?;
        // A PNG with transparency prints on white.
        ctx.set_fill_style_str("#ffffff");
        ctx.fill_rect(0.0, 0.0, f64::from(bitmap.width()), f64::from(bitmap.height()));
        ctx.draw_image_with_image_bitmap(&bitmap, 0.0, 0.0)?;
        bitmap.close();
        canvas_bytes(&canvas, "image/jpeg", JPEG_QUALITY).await
    };
    match shrunk.await {
        Ok(jpeg) => Image::from_bytes(jpeg),
        // Cannot shrink: the stored image as it is (the writer scales it to the page).
        Err(_) => Some(image),
    }
}

async fn blob_bytes(blob: &web_sys::Blob) -> Result<Vec<u8>, JsValue> {
    let buf = JsFuture::from(blob.array_buffer()).await?;
    Ok(Uint8Array::new(&buf).to_vec())
}

/// The canvas encoded as `mime` (`quality` is for JPEG; a PNG ignores it).
async fn canvas_bytes(canvas: &web_sys::HtmlCanvasElement, mime: &str, quality: f64) -> Result<Vec<u8>, JsValue> {
    let blob = super::platform::canvas_blob(canvas, mime, quality).await?;
    blob_bytes(&blob).await
}
