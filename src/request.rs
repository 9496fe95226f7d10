//! What a request carries through its handler, on the ground floor so that every layer (the
//! error type included) can read it: its id (in the logs, the `x-request-id` header and error
//! pages) and the language its answer is written in.

use crate::cookies::read_cookie;
use crate::i18n::Locale;
use axum::http::{header, HeaderMap};
use std::future::Future;
use std::sync::{Arc, Mutex};

/// The cookie that remembers the language chosen with the switcher (`__Host-` over https, as
/// every cookie of Assent's).
pub fn lang_cookie(secure: bool) -> &'static str {
    if secure {
        "__Host-assent-lang"
    } else {
        "assent-lang"
    }
}

/// One request's context.
pub struct RequestCtx {
    id: String,
    /// Chosen with the language switcher (a cookie).
    chosen: Option<Locale>,
    /// The `ui_locales` of the authorization request, once the handler knows it (shared with
    /// its [`Detached`] work).
    hinted: Arc<Mutex<Option<Locale>>>,
    /// From `Accept-Language`.
    accepted: Option<Locale>,
    /// The zone dates and times are said in (`ASSENT_TIME_ZONE`).
    zone: chrono_tz::Tz,
}

impl RequestCtx {
    /// A fresh id, the language preferences of `headers` (the switcher's cookie by its name
    /// over https when `secure`), and the deployment's time zone.
    pub fn new(headers: &HeaderMap, zone: chrono_tz::Tz, secure: bool) -> Self {
        RequestCtx {
            zone,
            id: random_b64(9),
            chosen: read_cookie(headers, lang_cookie(secure)).and_then(Locale::from_tag),
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
        RequestCtx {
            id: self.id.clone(),
            chosen: self.chosen,
            hinted: self.hinted.clone(),
            accepted: self.accepted,
            zone: self.zone,
        }
    }

    fn hint(&self) -> Option<Locale> {
        *self.hinted.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Work of requests that runs to its end on a task of its own, in its request's context, even
/// if the request goes away (the browser leaves, or sends the form again): what it changes
/// upstream and in the stores is never cut halfway. At most `max` run so at once (a client that
/// drops its connections cannot pile up work the connection limits no longer count); past that,
/// work runs in its request as any other. Shutdown waits for them ([`Detached::finish`]).
#[derive(Clone)]
pub struct Detached {
    permits: Arc<tokio::sync::Semaphore>,
    max: u32,
}

impl Detached {
    pub fn new(max: u32) -> Self {
        Detached { permits: Arc::new(tokio::sync::Semaphore::new(max as usize)), max }
    }

    /// Runs `work` to its end; `None` if it panicked.
    pub async fn run<T: Send + 'static>(&self, work: impl Future<Output = T> + Send + 'static) -> Option<T> {
        use tracing::Instrument;
        let Ok(permit) = self.permits.clone().try_acquire_owned() else {
            return Some(work.await);
        };
        let work = async move {
            let out = work.await;
            drop(permit);
            out
        }
        .in_current_span();
        let task = match REQUEST.try_with(RequestCtx::share) {
            Ok(ctx) => tokio::spawn(ctx.scope(work)),
            Err(_) => tokio::spawn(work),
        };
        task.await.map_err(|e| tracing::error!(error = %e, "detached work failed")).ok()
    }

    /// Waits at most `limit` for the work still running; `false` if some was still running.
    pub async fn finish(&self, limit: std::time::Duration) -> bool {
        tokio::time::timeout(limit, self.permits.acquire_many(self.max)).await.is_ok_and(|p| p.is_ok())
    }
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

/// The time zone this response says dates and times in (UTC outside a request).
pub fn time_zone() -> chrono_tz::Tz {
    REQUEST.try_with(|r| r.zone).unwrap_or(chrono_tz::UTC)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn detached_work_runs_on_when_its_request_goes_is_bounded_and_waited_for() {
        let detached = Detached::new(1);
        let (go, wait) = tokio::sync::oneshot::channel::<()>();
        let (done, finished) = tokio::sync::oneshot::channel::<()>();
        let request = tokio::spawn({
            let detached = detached.clone();
            async move {
                detached
                    .run(async move {
                        let _ = wait.await;
                        let _ = done.send(());
                    })
                    .await
            }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        request.abort();
        assert!(!detached.finish(Duration::from_millis(50)).await, "still running, its request gone");
        // At the limit, work runs in its own request's task.
        let outer = tokio::task::try_id();
        assert_eq!(detached.run(async move { tokio::task::try_id() == outer }).await, Some(true));
        go.send(()).unwrap();
        finished.await.expect("the work ran to its end");
        assert!(detached.finish(Duration::from_secs(1)).await);
        let outer = tokio::task::try_id();
        assert_eq!(detached.run(async move { tokio::task::try_id() == outer }).await, Some(false), "a task of its own");
        assert_eq!(detached.run(async { panic!("work that panics") }).await, None::<()>);
        assert!(detached.finish(Duration::from_secs(1)).await, "its permit back after a panic");
    }
}
