//! The System and Public APIs' idempotency keys (reference §0.4): a POST carrying
//! `X-Idempotency-Key` (32 to 255 characters) is done once, and the same key on the same path
//! within a minute gets the answer kept from that time, marked `X-Idempotent-Replayed: true`.
//! The work runs to its end even when the caller has gone, as a server's would, so that a
//! caller who lost the answer and asks again finds it.

use crate::sandbox::http::api_error;
use crate::sandbox::state::{Fault, Sandbox};
use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const HEADER: &str = "x-idempotency-key";
/// How long an answer is kept.
const KEPT_FOR: Duration = Duration::from_secs(60);
/// The most answers kept at once; older ones go first.
const MOST_KEPT: usize = 10_000;
/// The largest answer kept (the APIs' answers are a few kilobytes).
const LARGEST: usize = 1024 * 1024;

/// An answer kept for its key.
#[derive(Clone)]
struct Kept {
    at: Instant,
    status: StatusCode,
    content_type: Option<HeaderValue>,
    body: Bytes,
}

/// The answers kept, by path and key.
#[derive(Default)]
pub struct Replays(Mutex<HashMap<String, Kept>>);

impl Replays {
    fn get(&self, key: &str) -> Option<Kept> {
        let kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
        kept.get(key).filter(|k| k.at.elapsed() < KEPT_FOR).cloned()
    }

    fn keep(&self, key: String, answer: Kept) {
        let mut kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if kept.len() >= MOST_KEPT {
            kept.retain(|_, k| k.at.elapsed() < KEPT_FOR);
        }
        if kept.len() < MOST_KEPT {
            kept.insert(key, answer);
        }
    }
}

impl Kept {
    fn answer(&self, replayed: bool) -> Response {
        let mut res = (self.status, self.body.clone()).into_response();
        if let Some(ct) = &self.content_type {
            res.headers_mut().insert(header::CONTENT_TYPE, ct.clone());
        }
        if replayed {
            res.headers_mut().insert("x-idempotent-replayed", HeaderValue::from_static("true"));
        }
        res
    }
}

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
