//! Taking a photo and the position, as the forms use them: `shrink` turns a photo taken or picked into the
//! image the app keeps (long side at most 1600 px, JPEG at quality 0.72, turned upright by its EXIF
//! orientation; re-encoding drops every EXIF field, the GPS position included), and `locate` asks for the
//! phone's position with its accuracy. Both are the browser's own work (`createImageBitmap`, a canvas,
//! `navigator.geolocation`); the rules about what is kept are in `domain::evidence`.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::domain::evidence::{ImageData, Location, PhotoProblemKind, LONG_SIDE_PX};
use crate::i18n::PageMsg;

/// JPEG quality of a kept photo: about 150–300 KB at 1600 px.
const QUALITY: f64 = 0.72;
/// Refused before decoding: a photo of more pixels than this would need more memory than a cheap phone
/// gives a tab (48 MP is 192 MB decoded).
const MAX_PIXELS: f64 = 50_000_000.0;

/// Why a photo could not be kept.
pub fn shrink_error(kind: ShrinkError) -> PageMsg {
    match kind {
        ShrinkError::NotAnImage => PageMsg::PhotoNotAnImage,
        ShrinkError::TooLarge => PageMsg::PhotoTooLarge,
        ShrinkError::Unreadable => PageMsg::PhotoUnreadable,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShrinkError {
    NotAnImage,
    TooLarge,
    Unreadable,
}

/// The size of an image file (as shown, EXIF orientation applied) without decoding its pixels: an `<img>`
/// that is never drawn fires `load` once it has read the header, and decodes nothing (a 48-megapixel photo
/// would need 192 MB decoded, more than a cheap phone gives a tab).
async fn natural_size(file: &web_sys::File) -> Result<(f64, f64), ShrinkError> {
    let url = web_sys::Url::create_object_url_with_blob(file).map_err(|_| ShrinkError::Unreadable)?;
    let img = web_sys::HtmlImageElement::new().map_err(|_| ShrinkError::Unreadable)?;
    let result = super::platform::image_loaded(&img, &url).await;
    let _ = web_sys::Url::revoke_object_url(&url);
    result.map_err(|_| ShrinkError::Unreadable)?;
    Ok((img.natural_width() as f64, img.natural_height() as f64))
}

/// The photo as the app keeps it.
pub async fn shrink(file: web_sys::File) -> Result<ImageData, ShrinkError> {
    if !file.type_().starts_with("image/") {
        return Err(ShrinkError::NotAnImage);
    }
    let (w, h) = natural_size(&file).await?;
    if w * h > MAX_PIXELS {
        return Err(ShrinkError::TooLarge);
    }
    if w < 1.0 || h < 1.0 {
        return Err(ShrinkError::Unreadable);
    }
    let scale = (f64::from(LONG_SIDE_PX) / w.max(h)).min(1.0);
    let (tw, th) = ((w * scale).round().max(1.0) as u32, (h * scale).round().max(1.0) as u32);
    let window = web_sys::window().ok_or(ShrinkError::Unreadable)?;
    let options = web_sys::ImageBitmapOptions::new();
    options.set_image_orientation(web_sys::ImageOrientation::FromImage);
    options.set_resize_width(tw);
    options.set_resize_height(th);
    options.set_resize_quality(web_sys::ResizeQuality::High);
    let promise = window.create_image_bitmap_with_blob_and_image_bitmap_options(&file, &options).map_err(|_| ShrinkError::Unreadable)?;
    let bitmap: web_sys::ImageBitmap = JsFuture::from(promise).await.map_err(|_| ShrinkError::Unreadable)?.unchecked_into();
    let document = window.document().ok_or(ShrinkError::Unreadable)?;
    let canvas: web_sys::HtmlCanvasElement = document.create_element("canvas").map_err(|_| ShrinkError::Unreadable)?.unchecked_into();
    // The bitmap is upright already: its size (not the file's) is the canvas's.
    canvas.set_width(bitmap.width());
    canvas.set_height(bitmap.height());
    let ctx: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d").ok().flatten().ok_or(ShrinkError::Unreadable)?.unchecked_into();
    ctx.draw_image_with_image_bitmap(&bitmap, 0.0, 0.0).map_err(|_| ShrinkError::Unreadable)?;
    bitmap.close();
    let blob = to_blob(&canvas).await?;
    let buf = JsFuture::from(blob.array_buffer()).await.map_err(|_| ShrinkError::Unreadable)?;
    ImageData::from_bytes(js_sys::Uint8Array::new(&buf).to_vec()).map_err(|k| match k {
        PhotoProblemKind::TooLarge => ShrinkError::TooLarge,
        _ => ShrinkError::Unreadable,
    })
}

async fn to_blob(canvas: &web_sys::HtmlCanvasElement) -> Result<web_sys::Blob, ShrinkError> {
    super::platform::canvas_blob(canvas, "image/jpeg", QUALITY).await.map_err(|_| ShrinkError::Unreadable)
}

/// Why the position could not be had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocateError {
    Denied,
    Unavailable,
    Timeout,
}

pub fn locate_error(e: LocateError) -> PageMsg {
    match e {
        LocateError::Denied => PageMsg::LocationDenied,
        LocateError::Unavailable => PageMsg::LocationUnavailable,
        LocateError::Timeout => PageMsg::LocationTimeout,
    }
}

/// The phone's position now (high accuracy, up to 30 s; a fix up to a minute old will do).
pub async fn locate() -> Result<Location, LocateError> {
    let geo = web_sys::window().and_then(|w| w.navigator().geolocation().ok()).ok_or(LocateError::Unavailable)?;
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let ok = Closure::once_into_js(move |p: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &p);
        });
        let bad = Closure::once_into_js(move |e: JsValue| {
            let _ = reject.call1(&JsValue::NULL, &e);
        });
        let options = web_sys::PositionOptions::new();
        options.set_enable_high_accuracy(true);
        options.set_timeout(30_000);
        options.set_maximum_age(60_000);
        let _ = geo.get_current_position_with_error_callback_and_options(ok.unchecked_ref(), Some(bad.unchecked_ref()), &options);
    });
    match JsFuture::from(promise).await {
        Ok(p) => {
            // `Position` is web-sys's stable name for the browser's GeolocationPosition (read structurally)
            let p: web_sys::Position = p.unchecked_into();
            let c = p.coords();
            Location::checked(c.latitude(), c.longitude(), Some(c.accuracy())).map_err(|_| LocateError::Unavailable)
        }
        Err(e) => Err(match js_sys::Reflect::get(&e, &JsValue::from_str("code")).ok().and_then(|c| c.as_f64()) {
            Some(1.0) => LocateError::Denied,
            Some(3.0) => LocateError::Timeout,
            _ => LocateError::Unavailable,
        }),
    }
}
