//! What a request carries through its handler, on the ground floor so that every layer (the
//! error type included) can read it: its id (in the logs, the `x-request-id` header and error
//! pages) and the language its answer is written in.

use crate::cookies::read_cookie;
use crate::i18n::Locale;
use axum::http::{header, HeaderMap};
use std::future::Future;
use std::sync::{Arc, Mutex};

/// The cookie that remembers the language chosen with the switcher.
pub const LANG_COOKIE: &str = "assent-lang";

/// One request's context.
pub struct RequestCtx {
    id: String,
    /// Chosen with the language switcher (a cookie).
    chosen: Option<Locale>,
    /// The `ui_locales` of the authorization request, once the handler knows it (shared with
    /// the work it [`detach`]es).
    hinted: Arc<Mutex<Option<Locale>>>,
    /// From `Accept-Language`.
    accepted: Option<Locale>,
}

impl RequestCtx {
    /// A fresh id, and the language preferences of `headers`.
    pub fn new(headers: &HeaderMap) -> Self {
        RequestCtx {
            id: random_b64(9),
            chosen: read_cookie(headers, LANG_COOKIE).and_then(Locale::from_tag),
            hinted: Arc::default(),
            accepted: headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::from_accept_language),
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Runs `handler` with this context.
    pub async fn scope<F: Future>(self, handler: F) -> F::Output {
        REQUEST.scope(self, handler).await
    }

    /// The same context, for work of this request on another task.
    fn share(&self) -> Self {
        RequestCtx { id: self.id.clone(), chosen: self.chosen, hinted: self.hinted.clone(), accepted: self.accepted }
    }

    fn hint(&self) -> Option<Locale> {
        *self.hinted.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Runs `work` on a task of its own, in this request's context, to its end even if the request
/// goes away (the browser leaves, or sends the form again): what it changes upstream and in the
/// stores is never cut halfway. `None` if it panicked.
pub async fn detach<T: Send + 'static>(work: impl Future<Output = T> + Send + 'static) -> Option<T> {
    use tracing::Instrument;
    let work = work.in_current_span();
    let task = match REQUEST.try_with(RequestCtx::share) {
        Ok(ctx) => tokio::spawn(ctx.scope(work)),
        Err(_) => tokio::spawn(work),
    };
    task.await.map_err(|e| tracing::error!(error = %e, "detached work failed")).ok()
}

tokio::task_local! {
    static REQUEST: RequestCtx;
}

/// The id of the request being handled, or a fresh one outside a request.
pub fn request_id() -> String {
    REQUEST.try_with(|r| r.id.clone()).unwrap_or_else(|_| random_b64(9))
}

/// Records the `ui_locales` of the authorization request behind this page.
pub fn hint_ui_locales(list: &str) {
    let _ = REQUEST.try_with(|r| *r.hinted.lock().unwrap_or_else(|e| e.into_inner()) = Locale::from_ui_locales(list));
}

/// The language of this response: chosen, then hinted by the client, then accepted, then English.
pub fn locale() -> Locale {
    REQUEST.try_with(|r| r.chosen.or(r.hint()).or(r.accepted).unwrap_or_default()).unwrap_or_default()
}

/// `n` random bytes, base64url: nonces, ids, tokens. From the thread's CSPRNG (ChaCha,
/// seeded and regularly reseeded from the OS), which spares a system call per value.
pub fn random_b64(n: usize) -> String {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
    use rand::RngCore;
    let mut bytes = [0u8; 64];
    let bytes = &mut bytes[..n.min(64)];
    rand::thread_rng().fill_bytes(bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A plain HTML form post or page load (no JavaScript): its answer is a page, not data.
pub fn wants_html(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
}
