//! The receive screen's camera and QR reader: bindings to camera.js (getUserMedia, then BarcodeDetector
//! where the browser has one, else jsQR in a worker fetched only now). What the codes say is the core's
//! (`domain::transfer::Receiver`).

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/src/ui/camera.js")]
extern "C" {
    #[wasm_bindgen(js_name = openCamera)]
    fn open_camera(video: &web_sys::HtmlElement) -> js_sys::Promise;
    #[wasm_bindgen(js_name = closeCamera)]
    fn close_camera(video: &web_sys::HtmlElement);
    fn sleep(ms: u32) -> js_sys::Promise;
    #[wasm_bindgen(js_name = makeReader)]
    fn make_reader(worker_url: &str) -> js_sys::Promise;

    pub type Reader;
    #[wasm_bindgen(method)]
    fn read(this: &Reader, video: &web_sys::HtmlElement) -> js_sys::Promise;
    #[wasm_bindgen(method)]
    fn close(this: &Reader);
}

/// Why the camera could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CameraError {
    /// Permission refused (by the officer, or the browser's settings).
    Denied,
    /// No camera on this device.
    Missing,
    /// Another reason (in use by another app).
    Failed,
    /// The QR reader could not be loaded.
    Decoder,
}

/// Opens the rear camera into `video`.
pub async fn open(video: &web_sys::HtmlElement) -> Result<(), CameraError> {
    JsFuture::from(open_camera(video)).await.map(|_| ()).map_err(|e| match e.as_string().as_deref() {
        Some("denied") => CameraError::Denied,
        Some("missing") => CameraError::Missing,
        _ => CameraError::Failed,
    })
}

/// Stops the camera (its light goes off).
pub fn close(video: &web_sys::HtmlElement) {
    close_camera(video);
}

/// The QR reader: the browser's own, or the worker (`qr-worker.js`, beside index.html).
pub async fn reader() -> Result<Reader, CameraError> {
    JsFuture::from(make_reader("qr-worker.js")).await.map(JsCast::unchecked_into).map_err(|_| CameraError::Decoder)
}

impl Reader {
    /// The texts of the codes in the camera's current picture.
    pub async fn codes(&self, video: &web_sys::HtmlElement) -> Vec<String> {
        match JsFuture::from(self.read(video)).await {
            Ok(v) => js_sys::Array::from(&v).iter().filter_map(|s| s.as_string()).collect(),
            Err(_) => vec![],
        }
    }

    pub fn stop(&self) {
        self.close();
    }
}

/// Waits `ms` milliseconds.
pub async fn wait(ms: u32) {
    let _ = JsFuture::from(sleep(ms)).await;
}
