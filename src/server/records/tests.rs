//! The records' own tests.

use super::*;

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
