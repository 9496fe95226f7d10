//! Each consent flow is decided once. A decision holds its flow in the store while it runs (at
//! most [`HOLD`] seconds), then keeps where the authorization server sends the browser next,
//! sealed, for [`KEEP`] seconds. A form sent twice (a double click before the page is
//! hydrated, a second tap on a slow connection) waits for the first and goes to the same
//! place: the browser reaches the application instead of an "already answered" page with the
//! application never told. Only the same browser with the same decision is sent on; anyone
//! else learns that the flow was answered. Replicas share this through Redis.
//!
//! A decision whose answer was lost (sent twice, and no answer either time) keeps what it sent
//! instead, sealed, held by no try, until [`LOST`] seconds after it was first sent: the same
//! browser's next try with the same decision sends it again ([`Turn::Resend`]), since the
//! server may have made it and the flow is gone there.

use super::{hash, now, Sessions, Store, StoreError};
use crate::server::records::Draft;
use crate::server::upstream::unanswered::Unanswered;
use serde::{Deserialize, Serialize};

/// The longest a decision holds its flow: past it (its replica died, say), another may run.
/// Far longer than a decision's work takes with every upstream call at its timeout.
pub const HOLD: i64 = 60;
/// How long a decided flow remembers where its browser goes next.
pub const KEEP: i64 = 120;
/// How long after it was first sent a decision whose answer was lost can be sent again: the
/// server answers the same idempotency key as it did for a minute after (reference §0.4).
pub const LOST: i64 = 55;

/// A flow's decision, as a browser sent it.
pub struct Decision<'a> {
    pub login_id: &'a str,
    /// The id of the browser's form-token cookie: who sent it.
    pub browser_id: &'a str,
    /// `allow` or `deny`.
    pub decision: &'a str,
    /// This try's own random id: only the try that holds the flow changes or frees it.
    pub attempt: &'a str,
    /// What it sends again, sealed, when it is a [`Turn::Resend`].
    pub resend: Option<&'a str>,
}

/// What a decision whose answer was lost keeps for the same browser's next try: what it sent
/// and, for a Deny, the record of the refusal, written once the refusal is answered.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Lost {
    #[serde(flatten)]
    pub sent: Unanswered,
    #[serde(rename = "r", default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<Box<Draft>>,
}

/// Without the refusal's record (the flow's `login_state`, who refused), which logs must not hold.
impl std::fmt::Debug for Lost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lost").field("sent", &self.sent).field("refusal", &self.refusal.is_some()).finish()
    }
}

/// Where a decision stands.
#[derive(Debug, PartialEq)]
pub enum Turn {
    /// No other decision of this flow: this one holds the flow now, until its [`Sessions::done`]
    /// or [`Sessions::give_up`].
    Ours,
    /// Another decision of this flow is running.
    Waiting,
    /// This browser decided the flow the same way: it goes on to this address.
    Follow(String),
    /// Decided by another browser, or the other way.
    Answered,
    /// This browser's decision of the flow the same way lost its answer: this try holds the
    /// flow now and sends `lost` again (`sealed`, as the store keeps it: its
    /// [`Decision::resend`]).
    Resend { lost: Lost, sealed: String },
}

/// What the store keeps of a flow's decision: who, which way, and (once decided) where next,
/// sealed to the flow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(super) struct Held {
    #[serde(rename = "b")]
    pub browser: String,
    #[serde(rename = "d")]
    pub decision: String,
    #[serde(rename = "a", default)]
    pub attempt: String,
    #[serde(rename = "n")]
    pub next: Option<String>,
    #[serde(rename = "r", default, skip_serializing_if = "Option::is_none")]
    pub resend: Option<String>,
}

impl Decision<'_> {
    /// The flow's key in the store, and this decision as held (nothing decided yet).
    fn held(&self) -> (String, Held) {
        let held = Held {
            browser: hash(self.browser_id),
            decision: self.decision.to_string(),
            attempt: self.attempt.to_string(),
            next: None,
            resend: self.resend.map(str::to_string),
        };
        (hash(self.login_id), held)
    }
}

/// Where a kept decision is sealed to: its flow, and not where the flow's next address is.
fn resend_place(key: &str) -> String {
    format!("{key}/resend")
}

impl Sessions {
    /// Holds the flow for `d` when no other decision has it; else says where the other stands.
    pub async fn take_turn(&self, d: &Decision<'_>) -> Result<Turn, StoreError> {
        let (key, mine) = d.held();
        let other = self
            .bounded(async {
                match &self.store {
                    Store::Sqlite(s) => {
                        let (key, mine) = (key.clone(), mine.clone());
                        Self::blocking(s, move |s| s.hold(&key, &mine, now() + HOLD)).await
                    }
                    Store::Redis(r) => r.hold(&key, &mine, HOLD).await,
                }
            })
            .await?;
        Ok(match other {
            None => Turn::Ours,
            Some(lost @ Held { next: None, resend: Some(_), .. }) if lost.attempt.is_empty() => {
                self.resend(&key, mine, lost).await?
            }
            Some(Held { next: None, .. }) => Turn::Waiting,
            Some(Held { browser, decision, next: Some(next), .. })
                if browser == mine.browser && decision == mine.decision =>
            {
                self.decisions.open(&next, &key).map_or(Turn::Answered, Turn::Follow)
            }
            Some(_) => Turn::Answered,
        })
    }

    /// `lost` holds the flow `key`, its decision's answer lost: the try `mine` takes it over to
    /// send it again, if the browser and the decision are the same.
    async fn resend(&self, key: &str, mine: Held, lost: Held) -> Result<Turn, StoreError> {
        let Some(sealed) =
            lost.resend.clone().filter(|_| lost.browser == mine.browser && lost.decision == mine.decision)
        else {
            return Ok(Turn::Answered);
        };
        let opened = self.decisions.open(&sealed, &resend_place(key));
        let Some(lost) = opened.and_then(|json| serde_json::from_str(&json).ok()) else {
            return Ok(Turn::Answered);
        };
        let mine = Held { resend: Some(sealed.clone()), ..mine };
        let taken = self
            .bounded(async {
                match &self.store {
                    Store::Sqlite(s) => {
                        let (key, sealed) = (key.to_string(), sealed.clone());
                        Self::blocking(s, move |s| s.take_over(&key, &sealed, &mine, now() + HOLD)).await
                    }
                    Store::Redis(r) => r.take_over(key, &sealed, &mine, HOLD).await,
                }
            })
            .await?;
        Ok(if taken { Turn::Resend { lost, sealed } } else { Turn::Waiting })
    }

    /// `d` sent its decision and lost the answer: `lost` is kept for the same browser's next try
    /// (a try sending it again keeps it as it was), the flow held by none. `false` when it was
    /// not kept: `d` does not hold the flow, or the server's minute is over.
    pub async fn unanswered(&self, d: &Decision<'_>, lost: &Lost) -> Result<bool, StoreError> {
        let (key, mine) = d.held();
        let left = lost.sent.sent_at + LOST - now();
        if left <= 0 {
            return Ok(false);
        }
        let sealed = match d.resend {
            Some(sealed) => sealed.to_string(),
            None => self.decisions.seal(&serde_json::to_string(lost)?, &resend_place(&key))?,
        };
        let kept = Held { attempt: String::new(), resend: Some(sealed), ..mine.clone() };
        self.bounded(async {
            match &self.store {
                Store::Sqlite(s) => Self::blocking(s, move |s| s.lost(&key, &mine.attempt, &kept, now() + left)).await,
                Store::Redis(r) => r.decided(&key, &mine, &kept, left).await,
            }
        })
        .await
    }

    /// `d` is decided: its browser goes on to `next` (also when it sends the form again). Only
    /// if `d` holds the flow (a lookup that timed out may still have made it hold it).
    pub async fn done(&self, d: &Decision<'_>, next: &str) -> Result<(), StoreError> {
        let (key, mine) = d.held();
        let decided = Held { next: Some(self.decisions.seal(next, &key)?), resend: None, ..mine.clone() };
        self.bounded(async {
            match &self.store {
                Store::Sqlite(s) => Self::blocking(s, move |s| s.decided(&key, &decided, now() + KEEP)).await,
                Store::Redis(r) => r.decided(&key, &mine, &decided, KEEP).await.map(drop),
            }
        })
        .await
    }

    /// `d` failed before deciding anything: the flow is free for the next try, if `d` held it.
    pub async fn give_up(&self, d: &Decision<'_>) -> Result<(), StoreError> {
        let (key, mine) = d.held();
        self.bounded(async {
            match &self.store {
                Store::Sqlite(s) => Self::blocking(s, move |s| s.release(&key, &mine)).await,
                Store::Redis(r) => r.release(&key, &mine).await,
            }
        })
        .await
    }
}
