//! The sessions' tests: sign-ins, sealing at rest, staff reaches.

use super::*;

#[tokio::test]
async fn a_sign_in_needs_no_storage_until_its_callback_which_runs_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite3");
    let sessions = Sessions::sqlite(&path, &[3u8; 32], Duration::from_millis(500)).unwrap();
    let cookie = sessions.seal_sign_in(Kind::Customer, "state-1", "verifier", "nonce").unwrap();
    assert!(!cookie.contains("verifier"), "sealed");
    let count = |table: &str| -> i64 {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap()
    };
    assert_eq!(count("portal_used_sign_ins"), 0, "starting a sign-in stores nothing");
    assert!(sessions.open_sign_in(Kind::Staff, &cookie).is_none(), "a customer's sign-in is not the console's");
    let pending = sessions.open_sign_in(Kind::Customer, &cookie).unwrap();
    assert_eq!(
        (pending.state.as_str(), pending.verifier.as_str(), pending.nonce.as_str()),
        ("state-1", "verifier", "nonce")
    );
    assert!(sessions.claim_sign_in(&pending.state, pending.expires_at).await.unwrap());
    assert!(!sessions.claim_sign_in(&pending.state, pending.expires_at).await.unwrap(), "single use");
    // Another key, or an altered cookie, opens nothing.
    let other = Sessions::sqlite(&dir.path().join("o.sqlite3"), &[4u8; 32], Duration::from_millis(500)).unwrap();
    assert!(other.open_sign_in(Kind::Customer, &cookie).is_none());
    let mut altered = cookie.clone().into_bytes();
    altered[30] = if altered[30] == b'A' { b'B' } else { b'A' };
    assert!(sessions.open_sign_in(Kind::Customer, &String::from_utf8(altered).unwrap()).is_none());
    // An expired sign-in is refused, and its record of use leaves room by itself.
    let expired = sessions
        .sign_ins
        .seal(
            &serde_json::to_string(&PendingSignIn {
                state: "s".into(),
                verifier: "v".into(),
                nonce: "n".into(),
                expires_at: now() - 1,
            })
            .unwrap(),
            Kind::Customer.sign_in_place(),
        )
        .unwrap();
    assert!(sessions.open_sign_in(Kind::Customer, &expired).is_none());
    assert!(sessions.claim_sign_in("state-2", now() - 1).await.unwrap());
    assert!(sessions.claim_sign_in("state-3", now() + 60).await.unwrap());
    assert_eq!(count("portal_used_sign_ins"), 2, "the expired one was swept");
}

#[tokio::test]
async fn whole_records_are_sealed_at_rest_and_refused_when_altered_or_moved() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite3");
    let sessions = Sessions::sqlite(&path, &[3u8; 32], Duration::from_millis(500)).unwrap();
    let id = sessions.create("user-a", "C-100", "Alice Doe", "the-access-token", 3600).await.unwrap();
    let other = sessions.create("user-b", "C-200", "Bob Roe", "bobs-token", 3600).await.unwrap();
    let alice = sessions.get(&id).await.unwrap().unwrap();
    assert_eq!((alice.subject.as_str(), alice.customer.as_str()), ("user-a", "C-100"));
    assert_eq!(alice.access_token, "the-access-token");
    let mut dump = std::fs::read(&path).unwrap();
    dump.extend(std::fs::read(dir.path().join("s.sqlite3-wal")).unwrap_or_default());
    let dump = String::from_utf8_lossy(&dump);
    for secret in ["the-access-token", id.as_str(), "user-a", "C-100", "Alice"] {
        assert!(!dump.contains(secret), "{secret} is not readable at rest");
    }
    // Someone who can write to the store gives Alice's record Bob's sealed value (his
    // customer number, his token): it does not open there, and the record is dropped.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE portal_sessions SET sealed = (SELECT sealed FROM portal_sessions WHERE id_hash = ?2) WHERE id_hash = ?1",
        [hash(&id), hash(&other)],
    )
    .unwrap();
    assert!(sessions.get(&id).await.unwrap().is_none(), "a moved record is refused");
    assert!(sessions.get(&id).await.unwrap().is_none(), "and gone");
    // A record whose end is pushed out no longer opens either.
    conn.execute("UPDATE portal_sessions SET expires_at = expires_at + 86400 WHERE id_hash = ?1", [hash(&other)])
        .unwrap();
    assert!(sessions.get(&other).await.unwrap().is_none(), "an extended record is refused");
    // The same file with another key: no session.
    let id = sessions.create("user", "user", "User", "token", 3600).await.unwrap();
    drop(sessions);
    let other_key = Sessions::sqlite(&path, &[4u8; 32], Duration::from_millis(500)).unwrap();
    assert!(other_key.get(&id).await.unwrap().is_none());
}

#[tokio::test]
async fn a_staff_reach_is_kept_and_builds_from_before_reaches_cannot_read_it_as_global() {
    let dir = tempfile::tempdir().unwrap();
    let sessions = Sessions::sqlite(&dir.path().join("s.sqlite3"), &[3u8; 32], Duration::from_millis(500)).unwrap();
    let staff = |reach: Option<Vec<String>>| Holder {
        kind: Kind::Staff,
        subject: "s",
        customer: "",
        customers: Default::default(),
        display: "S",
        reach,
    };
    let scoped = sessions.create_of(staff(Some(vec!["gobank".into()])), "t", 3600).await.unwrap();
    let global = sessions.create_of(staff(None), "t", 3600).await.unwrap();
    let s = sessions.get(&scoped).await.unwrap().unwrap();
    assert_eq!((s.kind, s.reach), (Kind::Staff, Some(vec!["gobank".to_string()])));
    let s = sessions.get(&global).await.unwrap().unwrap();
    assert_eq!((s.kind, s.reach), (Kind::Staff, None));

    // What a build from before reaches reads: its own kinds, and nothing it does not know
    // of. A scoped record does not parse there (refused: sign in again); a global one does.
    #[derive(Default, Deserialize)]
    #[serde(rename_all = "snake_case")]
    #[allow(dead_code)]
    enum OldKind {
        #[default]
        Customer,
        Staff,
    }
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct OldSealed {
        #[serde(default)]
        kind: OldKind,
        subject: String,
        access_token: String,
    }
    let plain = |reach: Option<Vec<String>>| {
        let kind = SealedKind::of(Kind::Staff, &reach);
        let sealed = Sealed {
            kind,
            subject: "s".into(),
            customer: String::new(),
            customers: None,
            display: "S".into(),
            access_token: "t".into(),
            reach,
        };
        serde_json::to_string(&sealed).unwrap()
    };
    assert!(serde_json::from_str::<OldSealed>(&plain(Some(vec!["gobank".into()]))).is_err());
    assert!(serde_json::from_str::<OldSealed>(&plain(None)).is_ok());
    // A record of the first build with reaches (`staff` with a reach) keeps its reach; one
    // that says it has a reach and holds none is refused.
    let first = r#"{"kind":"staff","subject":"s","customer":"","display":"S","access_token":"t","reach":["gobank"]}"#;
    let first: Sealed = serde_json::from_str(first).unwrap();
    assert_eq!(first.kind.open(first.reach), Some((Kind::Staff, Some(vec!["gobank".to_string()]))));
    assert_eq!(SealedKind::StaffWithin.open(None), None);
}

/// A customer's number at each bank is kept with the session: the portal asks each bank about
/// its own, and nothing of a bank the sign-in named none at. A session sealed before these were
/// kept has its one number for every bank.
#[tokio::test]
async fn a_session_keeps_the_customers_number_at_each_bank() {
    let dir = tempfile::tempdir().unwrap();
    let sessions = Sessions::sqlite(&dir.path().join("s.sqlite3"), &[3u8; 32], Duration::from_millis(500)).unwrap();
    let customers = [("uk".to_string(), "UK-7".to_string())].into();
    let holder = Holder {
        kind: Kind::Customer,
        subject: "u",
        customer: "C-1",
        customers: Some(customers),
        display: "U",
        reach: None,
    };
    let id = sessions.create_of(holder, "t", 3600).await.unwrap();
    let session = sessions.get(&id).await.unwrap().unwrap();
    assert_eq!(session.customer_at("uk"), Some("UK-7"));
    assert_eq!(session.customer_at("cdr"), None, "no number there: that bank is asked nothing");
    let old = sessions.create("u", "C-1", "U", "t", 3600).await.unwrap();
    assert_eq!(sessions.get(&old).await.unwrap().unwrap().customer_at("cdr"), Some("C-1"));
}

#[test]
fn a_lost_decision_kept_by_the_build_before_reads_with_no_refusal() {
    // What the build before kept: what was sent, and nothing else.
    let before = r#"{"e":"ScopeGrantReject","u":"https://as.example/r","b":"{}","k":"key","t":1}"#;
    let lost: Lost = serde_json::from_str(before).unwrap();
    assert!(lost.refusal.is_none());
    assert_eq!(lost.sent.sent_at, 1);
    // A refusal's record missing fields it has since gained reads them as their defaults.
    let now = before.replace(r#""t":1}"#, r#""t":1,"r":{"login_id":"flow-1","subject":"alice"}}"#);
    let refusal = serde_json::from_str::<Lost>(&now).unwrap().refusal.unwrap();
    assert_eq!((refusal.login_id.as_str(), refusal.subject.as_str()), ("flow-1", "alice"));
    assert!(refusal.scopes.is_empty() && refusal.payment.is_none());
}
