//! The records' own tests.

use super::*;

/// A draft of `user`'s consent to `app` in flow `login`, ending at `expires_at`.
fn draft(login: &str, expires_at: Option<i64>) -> Draft {
    Draft {
        login_id: login.into(),
        tenant: "default".into(),
        workspace: "demo".into(),
        subject: "user".into(),
        client_id: "app".into(),
        scopes: vec!["openid".into()],
        expires_at,
        ..Draft::default()
    }
}

fn record(status: Status, expires_at: Option<i64>) -> Record {
    let draft = Draft { expires_at, ..Draft::default() };
    Record { id: "r".into(), status, created_at: 0, updated_at: 0, draft, history: Vec::new() }
}

#[test]
fn an_authorized_consent_past_its_expiry_has_expired() {
    let hour = 3600;
    assert_eq!(record(Status::Authorized, None).status_now(), Status::Authorized);
    assert_eq!(record(Status::Authorized, Some(now() + hour)).status_now(), Status::Authorized);
    let ran_out = record(Status::Authorized, Some(now() - 1));
    assert_eq!(ran_out.status_now(), Status::Expired);
    assert!(!ran_out.is_active());
    // What ended otherwise stays what it was.
    assert_eq!(record(Status::Revoked, Some(now() - hour)).status_now(), Status::Revoked);
}

/// A page saw the consent ended in its regime's list between Assent's end of it at the
/// authorization server and its revoke of the record: the revoke still names who ended it and
/// why. A record ended otherwise (by the customer, or seen ended without Assent) is left as is.
#[tokio::test]
async fn a_revoke_that_comes_just_after_its_end_was_seen_in_the_list_still_names_itself() {
    let dir = tempfile::tempdir().unwrap();
    let records = ConsentRecords::sqlite(&dir.path().join("r.sqlite3")).unwrap();
    let draft = |login: &str| draft(login, None);
    let mut ids = Vec::new();
    for login in ["seen", "customer", "long ago"] {
        let (id, _) = records.prepare(draft(login)).await.unwrap().unwrap();
        records.authorize(&id).await.unwrap();
        ids.push(id);
    }
    let (seen, customer, long_ago) = (ids[0].as_str(), ids[1].as_str(), ids[2].as_str());
    let staff = |id| staff_revoke(&records, id);

    assert!(records.revoke(seen, Actor::AuthorizationServer, None, None).await.unwrap(), "seen ended in the list");
    assert!(!records.revoke(seen, Actor::AuthorizationServer, None, None).await.unwrap(), "seen twice: once");
    assert!(staff(seen).await, "the staff member's revoke, a moment later");
    let history = records.get(seen).await.unwrap().unwrap().history;
    let said: Vec<_> =
        history.iter().map(|e| (e.kind.as_str(), e.by, e.by_name.as_deref(), e.reason.as_deref())).collect();
    assert_eq!(
        said,
        [
            ("granted", Actor::Customer, None, None),
            ("revoked", Actor::AuthorizationServer, None, None),
            ("revoked", Actor::Staff, Some("Ana"), Some("Fraud report")),
        ]
    );
    assert!(!staff(seen).await, "named once");

    assert!(records.revoke(customer, Actor::Customer, None, None).await.unwrap());
    assert!(!staff(customer).await, "ended by someone named: nothing to add");
    assert_eq!(records.get(customer).await.unwrap().unwrap().history.len(), 2);

    // Seen ended two minutes ago: not this revoke's end.
    let store = sqlite::SqliteRecords::open(&dir.path().join("r.sqlite3")).unwrap();
    assert!(store.revoke(long_ago, &Event::of(now() - 120, "revoked", Actor::AuthorizationServer)).unwrap());
    assert!(!staff(long_ago).await, "an end seen too long ago is someone else's");
    assert_eq!(records.get(long_ago).await.unwrap().unwrap().history.len(), 2);
}

async fn staff_revoke(records: &ConsentRecords, id: &str) -> bool {
    records.revoke(id, Actor::Staff, Some("Ana".into()), Some("Fraud report".into())).await.unwrap()
}

/// An application's consents for staff to revoke, and their count, are those in force: one
/// past its expiry has ended already, and a payment's record is never revoked.
#[tokio::test]
async fn only_an_applications_consents_in_force_are_listed_and_counted_for_revoking() {
    let dir = tempfile::tempdir().unwrap();
    let records = ConsentRecords::sqlite(&dir.path().join("r.sqlite3")).unwrap();
    for (login, expires_at) in [("in force", Some(now() + 3600)), ("ran out", Some(now() - 1)), ("open", None)] {
        let (id, _) = records.prepare(draft(login, expires_at)).await.unwrap().unwrap();
        records.authorize(&id).await.unwrap();
    }
    let listed = records.authorized_of_client("default", "app").await.unwrap();
    let logins: Vec<&str> = listed.iter().map(|r| r.draft.login_id.as_str()).collect();
    assert_eq!(logins.len(), 2, "{logins:?}");
    assert!(!logins.contains(&"ran out"), "{logins:?}");
    assert_eq!(records.count_authorized_of_client("default", "app").await.unwrap(), 2);
}
