//! The answers the sandbox keeps for idempotency keys (`idempotency`): one slot per key, which
//! a request holds while it runs (the same key's next request waits for it), then holds its
//! answer for a minute; at most [`MOST_SLOTS`] at once (past it, a new key is refused until
//! some are free).

use axum::{
    body::Bytes,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long an answer is kept.
const KEPT_FOR: Duration = Duration::from_secs(60);
/// The most keys known at once; past it, those with nothing kept in force go first.
const MOST_SLOTS: usize = 10_000;

/// An answer kept for its key.
#[derive(Clone)]
pub struct Kept {
    pub at: Instant,
    pub status: StatusCode,
    pub content_type: Option<HeaderValue>,
    pub body: Bytes,
}

/// One key's slot: locked by the request running under it, holding what it answered.
pub type Slot = Arc<tokio::sync::Mutex<Option<Kept>>>;

/// The slots, by path, caller and key.
#[derive(Default)]
pub struct Replays(Mutex<HashMap<String, Slot>>);

impl Replays {
    /// `key`'s slot, made when there is none and there is room for it.
    pub fn slot(&self, key: &str) -> Option<Slot> {
        let mut slots = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(slot) = slots.get(key) {
            return Some(slot.clone());
        }
        if slots.len() >= MOST_SLOTS {
            // A slot in use (locked) stays; so does one with an answer still kept.
            slots.retain(|_, s| s.try_lock().map_or(true, |k| k.as_ref().is_some_and(Kept::fresh)));
            if slots.len() >= MOST_SLOTS {
                return None;
            }
        }
        Some(slots.entry(key.to_string()).or_default().clone())
    }
}

impl Kept {
    /// Still to be answered again (within its minute).
    pub fn fresh(&self) -> bool {
        self.at.elapsed() < KEPT_FOR
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_past_the_most_are_refused_until_their_answers_are_old() {
        let replays = Replays::default();
        let answered = |at: Instant| Kept { at, status: StatusCode::OK, content_type: None, body: Bytes::new() };
        for n in 0..MOST_SLOTS {
            let slot = replays.slot(&n.to_string()).unwrap();
            *slot.try_lock().unwrap() = Some(answered(Instant::now()));
        }
        assert!(replays.slot("one more").is_none(), "every answer is still kept");
        assert!(replays.slot("7").is_some(), "a key kept is still answered");
        // An answer past its minute frees its slot.
        let old = Instant::now().checked_sub(KEPT_FOR * 2).unwrap();
        *replays.slot("7").unwrap().try_lock().unwrap() = Some(answered(old));
        assert!(replays.slot("one more").is_some());
    }
}
