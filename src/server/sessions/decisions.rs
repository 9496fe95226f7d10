//! Each consent flow is decided once. A decision holds its flow in the store while it runs (at
//! most [`HOLD`] seconds), then keeps where the authorization server sends the browser next,
//! sealed, for [`KEEP`] seconds. A form sent twice (a double click before the page is
//! hydrated, a second tap on a slow connection) waits for the first and goes to the same
//! place: the browser reaches the application instead of an "already answered" page with the
//! application never told. Only the same browser with the same decision is sent on; anyone
//! else learns that the flow was answered. Replicas share this through Redis.

use super::{hash, now, Sessions, Store, StoreError};
use serde::{Deserialize, Serialize};

/// The longest a decision holds its flow: past it (its replica died, say), another may run.
/// Far longer than a decision's work takes with every upstream call at its timeout.
pub const HOLD: i64 = 60;
/// How long a decided flow remembers where its browser goes next.
pub const KEEP: i64 = 120;

/// A flow's decision, as a browser sent it.
pub struct Decision<'a> {
    pub login_id: &'a str,
    /// The id of the browser's form-token cookie: who sent it.
    pub browser_id: &'a str,
    /// `allow` or `deny`.
    pub decision: &'a str,
    /// This try's own random id: only the try that holds the flow changes or frees it.
    pub attempt: &'a str,
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
}

impl Decision<'_> {
    /// The flow's key in the store, and this decision as held (nothing decided yet).
    fn held(&self) -> (String, Held) {
        let held = Held {
            browser: hash(self.browser_id),
            decision: self.decision.to_string(),
            attempt: self.attempt.to_string(),
            next: None,
        };
        (hash(self.login_id), held)
    }
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
            Some(Held { next: None, .. }) => Turn::Waiting,
            Some(Held { browser, decision, next: Some(next), .. })
                if browser == mine.browser && decision == mine.decision =>
            {
                self.decisions.open(&next, &key).map_or(Turn::Answered, Turn::Follow)
            }
            Some(_) => Turn::Answered,
        })
    }

    /// `d` is decided: its browser goes on to `next` (also when it sends the form again). Only
    /// if `d` holds the flow (a lookup that timed out may still have made it hold it).
    pub async fn done(&self, d: &Decision<'_>, next: &str) -> Result<(), StoreError> {
        let (key, mine) = d.held();
        let decided = Held { next: Some(self.decisions.seal(next, &key)?), ..mine.clone() };
        self.bounded(async {
            match &self.store {
                Store::Sqlite(s) => Self::blocking(s, move |s| s.decided(&key, &decided, now() + KEEP)).await,
                Store::Redis(r) => r.decided(&key, &mine, &decided, KEEP).await,
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_flow_is_held_by_one_decision_and_its_answer_kept_for_the_same_browser_and_way() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sqlite3");
        let sessions = Sessions::sqlite(&path, &[3u8; 32], Duration::from_millis(500)).unwrap();
        let allow = Decision { login_id: "flow-1", browser_id: "browser-a", decision: "allow", attempt: "1" };
        let deny = Decision { decision: "deny", attempt: "2", ..allow };
        let other = Decision { browser_id: "browser-b", attempt: "3", ..allow };
        let again = Decision { attempt: "4", ..allow };
        assert_eq!(sessions.take_turn(&allow).await.unwrap(), Turn::Ours);
        for d in [&allow, &deny, &other, &again] {
            assert_eq!(sessions.take_turn(d).await.unwrap(), Turn::Waiting, "held while it runs");
        }
        // Giving up and deciding are the holding try's alone: another's, even the same browser's
        // the same way, change nothing.
        for d in [&other, &again] {
            sessions.give_up(d).await.unwrap();
            sessions.done(d, "https://as.example/not-theirs").await.unwrap();
            assert_eq!(sessions.take_turn(d).await.unwrap(), Turn::Waiting);
        }
        sessions.give_up(&allow).await.unwrap();
        assert_eq!(sessions.take_turn(&allow).await.unwrap(), Turn::Ours, "free again after a failure");
        sessions.done(&allow, "https://as.example/next?x=1").await.unwrap();
        assert_eq!(sessions.take_turn(&again).await.unwrap(), Turn::Follow("https://as.example/next?x=1".into()));
        assert_eq!(sessions.take_turn(&deny).await.unwrap(), Turn::Answered, "the other way");
        assert_eq!(sessions.take_turn(&other).await.unwrap(), Turn::Answered, "another browser");
        sessions.give_up(&allow).await.unwrap();
        assert_eq!(sessions.take_turn(&allow).await.unwrap(), Turn::Follow("https://as.example/next?x=1".into()));
        // Where it goes is sealed at rest, and bound to its flow.
        let conn = rusqlite::Connection::open(&path).unwrap();
        let dump: String =
            conn.query_row("SELECT group_concat(next) FROM consent_decisions", [], |r| r.get(0)).unwrap();
        assert!(!dump.contains("as.example"));
        let moved = Decision { login_id: "flow-2", ..allow };
        assert_eq!(sessions.take_turn(&moved).await.unwrap(), Turn::Ours);
        sessions.done(&moved, "https://as.example/two").await.unwrap();
        conn.execute(
            "UPDATE consent_decisions SET next = (SELECT next FROM consent_decisions WHERE flow_hash = ?1) WHERE flow_hash = ?2",
            [hash("flow-1"), hash("flow-2")],
        )
        .unwrap();
        assert_eq!(sessions.take_turn(&moved).await.unwrap(), Turn::Answered, "another flow's answer does not open");
        // A try whose lookup timed out before its hold was written: its decision is written in
        // the hold's place, and the hold, written late, finds the flow decided.
        let late = Decision { login_id: "flow-3", attempt: "5", ..allow };
        sessions.done(&late, "https://as.example/three").await.unwrap();
        assert_eq!(sessions.take_turn(&late).await.unwrap(), Turn::Follow("https://as.example/three".into()));
        // A hold ends by itself: a decision whose replica died frees its flow.
        conn.execute("UPDATE consent_decisions SET expires_at = 0", []).unwrap();
        assert_eq!(sessions.take_turn(&deny).await.unwrap(), Turn::Ours);
    }
}
