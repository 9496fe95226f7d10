//! The answers the sandbox keeps for idempotency keys (`idempotency`): each for a minute, at
//! most [`MOST_KEPT`] at once.

use axum::{
    body::Bytes,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long an answer is kept.
const KEPT_FOR: Duration = Duration::from_secs(60);
/// The most answers kept at once; older ones go first.
const MOST_KEPT: usize = 10_000;

/// An answer kept for its key.
#[derive(Clone)]
pub struct Kept {
    pub at: Instant,
    pub status: StatusCode,
    pub content_type: Option<HeaderValue>,
    pub body: Bytes,
}

/// The answers kept, by path and key.
#[derive(Default)]
pub struct Replays(Mutex<HashMap<String, Kept>>);

impl Replays {
    pub fn get(&self, key: &str) -> Option<Kept> {
        let kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
        kept.get(key).filter(|k| k.at.elapsed() < KEPT_FOR).cloned()
    }

    pub fn keep(&self, key: String, answer: Kept) {
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
    pub fn answer(&self, replayed: bool) -> Response {
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
