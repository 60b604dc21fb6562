//! Đồng bộ qua mạng: the browser's side of sync with the city's CouchDB. `fetch` with the session cookie
//! (`credentials: 'include'`) against the database URL the officer typed, each answer as its status and
//! body; no network (`navigator.onLine` false) told apart from a server that cannot be reached (`fetch`
//! rejected: refused, cut, blocked by CORS, or no answer within [`TIMEOUT_MS`]). Sign-in (`POST /_session`
//! at the server's root, the password sent once and never kept), sign-out and the session check. What to
//! send and what the answers mean is the application layer's (`app::sync`); this file only moves bytes.

use wasm_bindgen::prelude::*;

use crate::app::sync::{read_sign_in, session_url, sign_in_body, NetError, Reply, SyncError, Transport};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// A request that has had no answer for this long is given up (the server is taken as unreachable).
pub const TIMEOUT_MS: i32 = 60_000;

/// What signing in gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignIn {
    /// Signed in as this user (the name the server knows).
    Ok(String),
    /// Why not: wrong password, the server's status, or no answer (`SyncError`'s words are the UI's).
    Failed(SyncError),
}

/// The server of one database: `https://host/couchdb/dvk-hue` is the database `dvk-hue` of the server
/// `https://host/couchdb` (`_session` is there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    db: String,
    root: String,
}

impl Server {
    /// The server of `db_url` (an `http(s)` URL with the database as its last path segment), or `None`.
    pub fn new(db_url: &str) -> Option<Server> {
        let (root, db) = url_parts(db_url)?;
        session_url(&db)?;
        Some(Server { db, root })
    }

    /// The database's URL, without a trailing slash.
    pub fn db_url(&self) -> &str {
        &self.db
    }

    fn session(&self) -> String {
        format!("{}/_session", self.root)
    }

    /// Signs in with CouchDB's own users (`POST /_session`); the browser keeps the session cookie. The
    /// password goes in this one request and is kept nowhere.
    pub async fn sign_in(&self, name: &str, password: &str) -> SignIn {
        match fetch("POST", &self.session(), Some(&sign_in_body(name, password))).await {
            Ok(reply) => match read_sign_in(&reply) {
                Ok(name) => SignIn::Ok(name),
                Err(e) => SignIn::Failed(e),
            },
            Err(e) => SignIn::Failed(e.into()),
        }
    }

    /// Ends the session (`DELETE /_session`; the server drops the cookie).
    pub async fn sign_out(&self) -> Result<(), NetError> {
        fetch("DELETE", &self.session(), None).await.map(|_| ())
    }

    /// Who the session cookie signs in as (`GET /_session`): `None` once it has ended, or with none.
    pub async fn signed_in_as(&self) -> Result<Option<String>, NetError> {
        let reply = fetch("GET", &self.session(), None).await?;
        if reply.status != 200 {
            return Ok(None);
        }
        let v: serde_json::Value = serde_json::from_str(&reply.body).unwrap_or_default();
        Ok(v.pointer("/userCtx/name").and_then(|n| n.as_str()).map(String::from))
    }
}

/// The sync driver's requests go to the database (`path` relative to its URL: `_changes?…`).
impl Transport for Server {
    async fn get(&self, path: &str) -> Result<Reply, NetError> {
        fetch("GET", &format!("{}/{path}", self.db), None).await
    }

    async fn post(&self, path: &str, body: String) -> Result<Reply, NetError> {
        fetch("POST", &format!("{}/{path}", self.db), Some(&body)).await
    }

    async fn put(&self, path: &str, body: String) -> Result<Reply, NetError> {
        fetch("PUT", &format!("{}/{path}", self.db), Some(&body)).await
    }
}

/// The server's root and the database's URL of `db_url`: scheme http(s), a host, and at least one path
/// segment (the database); spaces around and a trailing `/` dropped. Query and fragment are refused.
pub fn url_parts(db_url: &str) -> Option<(String, String)> {
    let url = db_url.trim().trim_end_matches('/');
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    if url.contains(['?', '#', ' ']) {
        return None;
    }
    let slash = rest.find('/')?;
    let (host, path) = rest.split_at(slash);
    let last = path.rfind('/')?;
    if host.is_empty() || path.len() <= 1 || path[last + 1..].is_empty() {
        return None;
    }
    let root = &url[..url.len() - (path.len() - last)];
    Some((root.to_string(), url.to_string()))
}

/// True when the browser says it has a network (`navigator.onLine`; true where it cannot tell).
pub fn online() -> bool {
    web_sys::window().map(|w| w.navigator().on_line()).unwrap_or(true)
}

/// One request with the session cookie; JSON sent and asked for.
pub async fn fetch(method: &str, url: &str, body: Option<&str>) -> Result<Reply, NetError> {
    let Some(window) = web_sys::window() else { return Err(NetError::Unreachable) };
    if !online() {
        return Err(NetError::Offline);
    }
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_credentials(web_sys::RequestCredentials::Include);
    let headers = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&headers, &"Accept".into(), &"application/json".into());
    if let Some(body) = body {
        let _ = js_sys::Reflect::set(&headers, &"Content-Type".into(), &"application/json".into());
        init.set_body(&JsValue::from_str(body));
    }
    init.set_headers(&headers);
    // No answer in time: aborted, so a half-open connection never holds a sync for ever.
    let abort = web_sys::AbortController::new().ok();
    let timer = abort.as_ref().and_then(|a| {
        init.set_signal(Some(&a.signal()));
        let a = a.clone();
        let cb = Closure::once_into_js(move || a.abort());
        window.set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), TIMEOUT_MS).ok()
    });
    let done = |window: &web_sys::Window| {
        if let Some(t) = timer {
            window.clear_timeout_with_handle(t);
        }
    };
    let lost = || if online() { NetError::Unreachable } else { NetError::Offline };
    let response = match JsFuture::from(window.fetch_with_str_and_init(url, &init)).await {
        Ok(r) => r.unchecked_into::<web_sys::Response>(),
        Err(_) => {
            done(&window);
            return Err(lost());
        }
    };
    let status = response.status();
    let text = match response.text() {
        Ok(p) => JsFuture::from(p).await,
        Err(e) => Err(e),
    };
    done(&window);
    // The body cut off half-way is no answer either.
    let body = text.map_err(|_| lost())?.as_string().unwrap_or_default();
    Ok(Reply { status, body })
}
