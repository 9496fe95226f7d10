//! The System and Public APIs' idempotency keys (reference §0.4): a POST carrying
//! `X-Idempotency-Key` (32 to 255 characters) is done once, and the same key on the same path
//! within a minute gets the answer kept from that time, marked `X-Idempotent-Replayed: true`;
//! one that comes while the first still runs waits for its answer. Only an answer the API acted
//! on is kept: a refused token (401, 403), a 429 or a server error leaves the key free, so the
//! request can be made again. The work runs to its end even when the caller has gone, as a
//! server's would, so that a caller who lost the answer and asks again finds it.

use crate::sandbox::http::api_error;
use crate::sandbox::replays::Kept;
use crate::sandbox::state::{Fault, Sandbox};
use crate::sandbox::util::sha256_b64;
use axum::{
    extract::{Request, State},
    http::{header, Method, StatusCode},
    middleware::Next,
    response::Response,
};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

const HEADER: &str = "x-idempotency-key";
/// Whether `path` is an OAuth endpoint's (`…/oauth2/…`, `…/par`, `…/login`, `…/userinfo`), by
/// whole segments: a workspace named "partners" is no `par`.
fn oauth(path: &str) -> bool {
    path.split('/').any(|s| s == "oauth2") || matches!(path.rsplit('/').next(), Some("par" | "login" | "userinfo"))
}
/// The largest answer kept (the APIs' answers are a few kilobytes).
const LARGEST: usize = 1024 * 1024;

/// The middleware: a keyed POST's answer, done once and kept, or the kept one.
pub async fn replay(State(sb): State<Arc<Sandbox>>, req: Request, next: Next) -> Response {
    let Some(key) = req.headers().get(HEADER).filter(|_| req.method() == Method::POST) else {
        return next.run(req).await;
    };
    // The OAuth endpoints take no key: their answers (tokens) are never kept.
    if oauth(req.uri().path()) {
        return next.run(req).await;
    }
    let Some(key) = key.to_str().ok().filter(|k| (32..=255).contains(&k.len())) else {
        return api_error(StatusCode::BAD_REQUEST, "X-Idempotency-Key must be 32 to 255 characters", "bad_request");
    };
    // A key is its caller's: another client's request under the same key is its own.
    let caller = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(sha256_b64);
    let Some(slot) = sb.replays.slot(&format!("{}\n{}\n{key}", req.uri().path(), caller.unwrap_or_default())) else {
        return api_error(StatusCode::SERVICE_UNAVAILABLE, "too many idempotency keys in use; try again", "busy");
    };
    // The same key's request in flight finishes first.
    let mut kept = slot.lock_owned().await;
    if let Some(answer) = kept.as_ref().filter(|k| k.fresh()) {
        sb.stats.idempotent_replays.fetch_add(1, Ordering::SeqCst);
        let answer = answer.answer(true);
        drop(kept);
        if let Some(Fault::LateAnswers(delay)) = sb.fault() {
            tokio::time::sleep(delay).await;
        }
        return answer;
    }
    // Run on a task of its own, holding the slot, to its end whoever waits for it.
    let slow = match sb.fault() {
        Some(Fault::SlowStart(delay)) => delay,
        _ => Duration::ZERO,
    };
    let work = tokio::spawn(async move {
        tokio::time::sleep(slow).await;
        let (parts, body) = next.run(req).await.into_parts();
        let body = axum::body::to_bytes(body, LARGEST).await.unwrap_or_default();
        let answer = Kept {
            at: Instant::now(),
            status: parts.status,
            content_type: parts.headers.get(header::CONTENT_TYPE).cloned(),
            body,
        };
        let acted = !matches!(answer.status.as_u16(), 401 | 403 | 429 | 500..);
        *kept = acted.then(|| answer.clone());
        answer
    });
    let Ok(answer) = work.await else {
        return api_error(StatusCode::INTERNAL_SERVER_ERROR, "the request failed", "internal");
    };
    if let Some(Fault::LateAnswer(delay) | Fault::LateAnswers(delay)) = sb.fault() {
        tokio::time::sleep(delay).await;
    }
    answer.answer(false)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_oauth_endpoints_are_told_by_whole_segments() {
        for path in ["/default/demo/oauth2/token", "/default/demo/par", "/default/demo/login", "/default/demo/userinfo"]
        {
            assert!(super::oauth(path), "{path}");
        }
        for path in [
            "/api/system/default/scope-grants/login123/accept",
            "/default/partners/fdx/fdx/parXY/accept",
            "/api/system/default/servers/oauth2x/open-banking/consents",
        ] {
            assert!(!super::oauth(path), "{path}");
        }
    }
}
