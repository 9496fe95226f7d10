//! The System and Public APIs' idempotency keys (reference §0.4): a POST carrying
//! `X-Idempotency-Key` (32 to 255 characters) is done once, and the same key on the same path
//! within a minute gets the answer kept from that time, marked `X-Idempotent-Replayed: true`.
//! The work runs to its end even when the caller has gone, as a server's would, so that a
//! caller who lost the answer and asks again finds it.

use crate::sandbox::http::api_error;
use crate::sandbox::replays::Kept;
use crate::sandbox::state::{Fault, Sandbox};
use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, Method, StatusCode},
    middleware::Next,
    response::Response,
};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

const HEADER: &str = "x-idempotency-key";
/// The largest answer kept (the APIs' answers are a few kilobytes).
const LARGEST: usize = 1024 * 1024;

/// The middleware: a keyed POST's answer, done once and kept, or the kept one.
pub async fn replay(State(sb): State<Arc<Sandbox>>, req: Request, next: Next) -> Response {
    let Some(key) = req.headers().get(HEADER).filter(|_| req.method() == Method::POST) else {
        return next.run(req).await;
    };
    let Some(key) = key.to_str().ok().filter(|k| (32..=255).contains(&k.len())) else {
        return api_error(StatusCode::BAD_REQUEST, "X-Idempotency-Key must be 32 to 255 characters", "bad_request");
    };
    let key = format!("{}\n{key}", req.uri().path());
    if let Some(kept) = sb.replays.get(&key) {
        sb.stats.idempotent_replays.fetch_add(1, Ordering::SeqCst);
        return kept.answer(true);
    }
    let Ok(res) = tokio::spawn(next.run(req)).await else {
        return api_error(StatusCode::INTERNAL_SERVER_ERROR, "the request failed", "internal");
    };
    let (parts, body) = res.into_parts();
    let Ok(body) = axum::body::to_bytes(body, LARGEST).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let kept = Kept {
        at: Instant::now(),
        status: parts.status,
        content_type: parts.headers.get(header::CONTENT_TYPE).cloned(),
        body,
    };
    sb.replays.keep(key, kept.clone());
    if let Some(Fault::LateAnswer(delay)) = sb.fault() {
        tokio::time::sleep(delay).await;
    }
    kept.answer(false)
}
