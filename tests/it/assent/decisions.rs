//! Each consent flow decided once, in the session store (SQLite and Redis alike): one try
//! holds the flow while it runs, only that try decides or frees it, and its decision is kept,
//! sealed, for the same browser the same way. (The forms sent twice: `consent.rs`, `replicas.rs`.)

use super::replicas::Redis;
use assent::server::records::Draft;
use assent::server::sessions::{hash, Decision, Lost, Sessions, Turn, HOLD};
use std::time::Duration;

const ALLOW: Decision =
    Decision { login_id: "flow-1", browser_id: "browser-a", decision: "allow", attempt: "1", resend: None };

/// What every store does.
async fn decided_once(sessions: &Sessions) {
    let allow = ALLOW;
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
        assert_eq!(sessions.take_turn(d).await.unwrap(), Turn::Waiting, "only the holding try changes it");
    }
    sessions.give_up(&allow).await.unwrap();
    assert_eq!(sessions.take_turn(&allow).await.unwrap(), Turn::Ours, "free again after a failure");
    sessions.done(&allow, "https://as.example/next?x=1").await.unwrap();
    assert_eq!(sessions.take_turn(&again).await.unwrap(), Turn::Follow("https://as.example/next?x=1".into()));
    assert_eq!(sessions.take_turn(&deny).await.unwrap(), Turn::Answered, "the other way");
    assert_eq!(sessions.take_turn(&other).await.unwrap(), Turn::Answered, "another browser");
    sessions.give_up(&allow).await.unwrap();
    assert_eq!(sessions.take_turn(&again).await.unwrap(), Turn::Follow("https://as.example/next?x=1".into()));
    // A try whose lookup timed out before its hold was written: a freeing try with no hold
    // changes nothing, its decision is written in the hold's place, and the hold, written
    // late, finds the flow decided.
    let late = Decision { login_id: "flow-3", attempt: "5", ..allow };
    sessions.give_up(&late).await.unwrap();
    assert_eq!(sessions.take_turn(&Decision { attempt: "6", ..late }).await.unwrap(), Turn::Ours);
    sessions.give_up(&Decision { attempt: "6", ..late }).await.unwrap();
    sessions.done(&late, "https://as.example/three").await.unwrap();
    assert_eq!(sessions.take_turn(&late).await.unwrap(), Turn::Follow("https://as.example/three".into()));
    lost_and_sent_again(sessions).await;
}

/// A decision whose answer was lost is kept for the same browser the same way, whose next try
/// takes the flow over to send it again (one try at a time), with the record of the refusal
/// it would write; anyone else learns it answered.
async fn lost_and_sent_again(sessions: &Sessions) {
    let sent_at = |t: u64| Lost {
        sent: serde_json::from_value(serde_json::json!({
            "e": "ScopeGrantAccept",
            "u": "https://as.example/api/system/default/scope-grants/flow-4/accept",
            "b": r#"{"granted_scopes":["openid"]}"#,
            "k": "k".repeat(43),
            "t": t,
        }))
        .unwrap(),
        refusal: Some(Box::new(Draft {
            login_id: "flow-4".into(),
            subject: "alice-of-flow-4".into(),
            ..Draft::default()
        })),
    };
    let sent = sent_at(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs());
    let first = Decision { login_id: "flow-4", attempt: "8", ..ALLOW };
    let (deny, other) = (Decision { decision: "deny", attempt: "9", ..first }, Decision { browser_id: "b", ..first });
    assert_eq!(sessions.take_turn(&first).await.unwrap(), Turn::Ours);
    assert!(!sessions.unanswered(&Decision { attempt: "not-the-holder", ..first }, &sent).await.unwrap());
    assert_eq!(sessions.take_turn(&deny).await.unwrap(), Turn::Waiting, "only the holding try keeps it");
    let minute_over = sent_at(sent.sent.sent_at as u64 - 60);
    assert!(!sessions.unanswered(&first, &minute_over).await.unwrap(), "the server answers its key no more");
    assert_eq!(sessions.take_turn(&deny).await.unwrap(), Turn::Waiting);
    assert!(sessions.unanswered(&first, &sent).await.unwrap());
    for d in [&deny, &other] {
        assert_eq!(sessions.take_turn(d).await.unwrap(), Turn::Answered, "the other way, or another browser");
    }
    let second = Decision { attempt: "10", ..first };
    let Turn::Resend { lost: kept, sealed } = sessions.take_turn(&second).await.unwrap() else {
        panic!("the same browser the same way sends it again")
    };
    assert_eq!(kept, sent);
    for clear in ["as.example", "granted", "alice"] {
        assert!(!sealed.contains(clear), "sealed: {sealed}");
    }
    let third = Decision { attempt: "11", ..first };
    assert_eq!(sessions.take_turn(&third).await.unwrap(), Turn::Waiting, "one try sends it at a time");
    // Lost again: kept again, for the next try.
    assert!(sessions.unanswered(&Decision { resend: Some(&sealed), ..second }, &sent).await.unwrap());
    let Turn::Resend { sealed, .. } = sessions.take_turn(&third).await.unwrap() else { panic!("kept again") };
    sessions.done(&Decision { resend: Some(&sealed), ..third }, "https://as.example/four").await.unwrap();
    let fourth = Decision { attempt: "12", ..first };
    assert_eq!(sessions.take_turn(&fourth).await.unwrap(), Turn::Follow("https://as.example/four".into()));
}

#[tokio::test]
async fn in_sqlite_a_flow_is_decided_once_its_answer_sealed_and_its_hold_ending_by_itself() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite3");
    let sessions = Sessions::sqlite(&path, &[3u8; 32], Duration::from_millis(500)).unwrap();
    decided_once(&sessions).await;
    // Where it goes is sealed at rest, and bound to its flow.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let dump: String = conn.query_row("SELECT group_concat(next) FROM consent_decisions", [], |r| r.get(0)).unwrap();
    assert!(!dump.contains("as.example"), "{dump}");
    let moved = Decision { login_id: "flow-2", ..ALLOW };
    assert_eq!(sessions.take_turn(&moved).await.unwrap(), Turn::Ours);
    sessions.done(&moved, "https://as.example/two").await.unwrap();
    conn.execute(
        "UPDATE consent_decisions SET next = (SELECT next FROM consent_decisions WHERE flow_hash = ?1) WHERE flow_hash = ?2",
        [hash("flow-1"), hash("flow-2")],
    )
    .unwrap();
    assert_eq!(sessions.take_turn(&moved).await.unwrap(), Turn::Answered, "another flow's answer does not open");
    // A hold ends by itself: a decision whose replica died frees its flow.
    conn.execute("UPDATE consent_decisions SET expires_at = 0", []).unwrap();
    assert_eq!(sessions.take_turn(&Decision { decision: "deny", attempt: "7", ..ALLOW }).await.unwrap(), Turn::Ours);
}

#[tokio::test]
async fn in_redis_a_flow_is_decided_once_its_answer_sealed_and_its_keys_expiring() {
    let redis = Redis::start().await;
    let sessions = Sessions::redis(&redis.url(), None, &[9u8; 32], Duration::from_millis(300)).unwrap();
    let mut r = redis.client().await;
    let key = format!("assent:decision:{}", hash("flow-9"));
    let held = Decision { login_id: "flow-9", ..ALLOW };
    assert_eq!(sessions.take_turn(&held).await.unwrap(), Turn::Ours);
    let ttl: i64 = redis::cmd("TTL").arg(&key).query_async(&mut r).await.unwrap();
    assert!(ttl > 0 && ttl <= HOLD, "a hold ends by itself: {ttl}");
    sessions.done(&held, "https://as.example/nine").await.unwrap();
    let ttl: i64 = redis::cmd("TTL").arg(&key).query_async(&mut r).await.unwrap();
    assert!(ttl > HOLD, "kept past the hold once decided: {ttl}");
    let value: String = redis::cmd("GET").arg(&key).query_async(&mut r).await.unwrap();
    assert!(!value.contains("as.example"), "sealed: {value}");
    decided_once(&sessions).await;
}
