//! The SQLite store's tests: one record per flow, names kept, migrations.

use super::*;

fn draft(login: &str) -> Draft {
    Draft {
        login_id: login.into(),
        tenant: "default".into(),
        workspace: "demo".into(),
        subject: "user".into(),
        customer: Some("C-1".into()),
        client_id: "app".into(),
        client_name: "App".into(),
        scopes: vec!["openid".into(), "accounts".into()],
        accounts: vec!["1000001".into()],
        ..Draft::default()
    }
}

#[test]
fn one_flow_makes_one_record_authorized_only_after_its_accept() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteRecords::open(&dir.path().join("r.sqlite3")).unwrap();
    let (id, status) = store.prepare(&draft("login-1"), 100).unwrap();
    assert_eq!(status, Status::Pending);
    // A retry of the same flow, with another choice: the same record, updated.
    let mut retry = draft("login-1");
    retry.accounts = vec!["1000002".into()];
    assert_eq!(store.prepare(&retry, 101).unwrap(), (id.clone(), Status::Pending));
    store.authorize(&id, 102).unwrap();
    store.authorize(&id, 103).unwrap();
    let record = store.get(&id).unwrap().unwrap();
    assert_eq!(record.status, Status::Authorized);
    assert_eq!(record.draft.accounts, ["1000002"]);
    assert_eq!(record.history.len(), 1, "granted once");
    assert_eq!((record.history[0].kind.as_str(), record.history[0].by), ("granted", Actor::Customer));
    // Submitted again after the accept: the same record, still one.
    assert_eq!(store.prepare(&draft("login-1"), 104).unwrap(), (id.clone(), Status::Authorized));
    // Deny after the accept changes nothing; Deny of a new flow is a rejected record.
    store.reject(&draft("login-1"), 105).unwrap();
    assert_eq!(store.get(&id).unwrap().unwrap().status, Status::Authorized);
    store.reject(&draft("login-2"), 106).unwrap();
    let all = store.of_subject("default", "user").unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].status, Status::Rejected, "newest first");
    // Reopened: migrations are not applied twice.
    drop(store);
    let again = SqliteRecords::open(&dir.path().join("r.sqlite3")).unwrap();
    assert_eq!(again.of_subject("default", "user").unwrap().len(), 2);
}

#[test]
fn a_record_named_by_its_consent_and_left_pending_is_taken_over_by_the_next_flow() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteRecords::open(&dir.path().join("r.sqlite3")).unwrap();
    let first = Draft { id: Some("urn-consent-1".into()), ..draft("login-1") };
    assert_eq!(store.prepare(&first, 100).unwrap(), ("urn-consent-1".into(), Status::Pending));
    // Its accept failed; the customer is sent again, through a new login.
    let mut again = Draft { id: Some("urn-consent-1".into()), ..draft("login-2") };
    again.accounts = vec!["1000002".into()];
    assert_eq!(store.prepare(&again, 101).unwrap(), ("urn-consent-1".into(), Status::Pending));
    store.authorize("urn-consent-1", 102).unwrap();
    let record = store.get("urn-consent-1").unwrap().unwrap();
    assert_eq!((record.status, record.draft.login_id.as_str()), (Status::Authorized, "login-2"));
    assert_eq!(record.draft.accounts, ["1000002"]);
    assert_eq!(store.of_subject("default", "user").unwrap().len(), 1, "one record for the consent");

    // Left pending again, then refused through a new login (by whoever signed in there): the
    // same record, rejected, and begun again with that flow.
    let second = Draft { id: Some("urn-consent-2".into()), ..draft("login-3") };
    store.prepare(&second, 103).unwrap();
    let refused = Draft { id: Some("urn-consent-2".into()), subject: "other".into(), ..draft("login-4") };
    store.reject(&refused, 104).unwrap();
    let record = store.get("urn-consent-2").unwrap().unwrap();
    assert_eq!((record.status, record.draft.login_id.as_str()), (Status::Rejected, "login-4"));
    assert_eq!((record.draft.subject.as_str(), record.created_at), ("other", 104));
    // A Deny in another flow of a consent decided already leaves its record as it is.
    store.reject(&Draft { id: Some("urn-consent-1".into()), ..draft("login-5") }, 105).unwrap();
    assert_eq!(store.get("urn-consent-1").unwrap().unwrap().status, Status::Authorized);
    assert_eq!(store.of_subject("default", "user").unwrap().len(), 1);
    assert_eq!(store.of_subject("default", "other").unwrap().len(), 1);
}

#[test]
fn a_payment_is_kept_on_its_record_and_only_there() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteRecords::open(&dir.path().join("r.sqlite3")).unwrap();
    let payment = PaymentRecord {
        amount: "1234.50".into(),
        currency: "GBP".into(),
        payee: "ACME Energy Ltd".into(),
        payee_account: Some("…5698".into()),
        reference: Some("FRESCO-101".into()),
    };
    let paying = Draft { id: Some("pdc-1".into()), payment: Some(payment.clone()), ..draft("login-p") };
    let (id, _) = store.prepare(&paying, 100).unwrap();
    assert_eq!(id, "pdc-1");
    store.reject(&draft("login-q"), 101).unwrap();
    let records = store.of_subject("default", "user").unwrap();
    assert_eq!(records.iter().find(|r| r.id == "pdc-1").unwrap().draft.payment, Some(payment));
    assert_eq!(records.iter().find(|r| r.id != "pdc-1").unwrap().draft.payment, None);
}

#[test]
fn the_names_the_screen_showed_are_kept_and_older_records_read_without_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.sqlite3");
    // A store of before the names were kept, with a record in it.
    {
        let c = Connection::open(&path).unwrap();
        for m in &MIGRATIONS[..3] {
            c.execute_batch(m).unwrap();
        }
        c.execute_batch("PRAGMA user_version = 3").unwrap();
        c.execute(
            "INSERT INTO consent_records (id, tenant, workspace, login_id, subject, client_id, client_name,
               scopes, claims, status, created_at, updated_at)
             VALUES ('old', 'default', 'demo', 'login-0', 'user', 'app', 'App', '[\"accounts\"]', '[]',
               'authorized', 1, 1)",
            [],
        )
        .unwrap();
    }
    let store = SqliteRecords::open(&path).unwrap();
    let old = store.get("old").unwrap().unwrap();
    assert_eq!((old.draft.scopes.as_slice(), old.draft.scope_names.len()), (&["accounts".to_string()][..], 0));
    let named =
        |name: &str| Draft { scope_names: [("accounts".to_string(), name.to_string())].into(), ..draft("login-1") };
    let (id, _) = store.prepare(&named("Your accounts"), 100).unwrap();
    assert_eq!(store.get(&id).unwrap().unwrap().draft.scope_names["accounts"], "Your accounts");
    // A retry of the flow shows the screen again: its names are the record's.
    store.prepare(&named("Accounts and balances"), 101).unwrap();
    assert_eq!(store.get(&id).unwrap().unwrap().draft.scope_names["accounts"], "Accounts and balances");
    // A Deny after an Allow that failed: the record says what the Deny refused, sharing
    // no account.
    let asked = Draft { scopes: vec!["email".into()], accounts: Vec::new(), ..named("Your accounts") };
    store.reject(&Draft { scope_names: [("email".into(), "Email address".into())].into(), ..asked }, 102).unwrap();
    let refused = store.get(&id).unwrap().unwrap();
    assert_eq!((refused.status, refused.draft.scopes.as_slice()), (Status::Rejected, &["email".to_string()][..]));
    assert_eq!(refused.draft.scope_names["email"], "Email address");
    assert!(refused.draft.accounts.is_empty() && !refused.draft.scope_names.contains_key("accounts"));
    // A refusal of a new flow keeps the names of what it was asked.
    store.reject(&Draft { login_id: "login-2".into(), ..named("Accounts") }, 103).unwrap();
    let refused = store.of_subject("default", "user").unwrap();
    assert_eq!((refused[0].status, refused[0].draft.scope_names["accounts"].as_str()), (Status::Rejected, "Accounts"));
}

#[test]
fn the_warning_the_screen_showed_is_kept_and_older_records_read_without_one() {
    use crate::model::Unverified;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.sqlite3");
    // A store of before warnings were kept, with a record in it.
    {
        let c = Connection::open(&path).unwrap();
        for m in &MIGRATIONS[..4] {
            c.execute_batch(m).unwrap();
        }
        c.execute_batch("PRAGMA user_version = 4").unwrap();
        c.execute(
            "INSERT INTO consent_records (id, tenant, workspace, login_id, subject, client_id, client_name,
               scopes, claims, status, created_at, updated_at)
             VALUES ('old', 'default', 'demo', 'login-0', 'user', 'app', 'App', '[]', '[]', 'authorized', 1, 1)",
            [],
        )
        .unwrap();
    }
    let store = SqliteRecords::open(&path).unwrap();
    assert_eq!(store.get("old").unwrap().unwrap().draft.warned, None);
    let warned = |login: &str, w| Draft { warned: w, ..draft(login) };
    let device = Unverified::ThisDevice("127.0.0.1:8080".into());
    let (id, _) = store.prepare(&warned("login-1", Some(device.clone())), 100).unwrap();
    store.authorize(&id, 101).unwrap();
    assert_eq!(store.get(&id).unwrap().unwrap().draft.warned, Some(device));
    // As JSON a person can read in the database.
    let kept: String =
        store.conn().query_row("SELECT warned FROM consent_records WHERE id = ?1", [&id], |r| r.get(0)).unwrap();
    assert_eq!(kept, r#"{"kind":"device","where":"127.0.0.1:8080"}"#);
    // A refusal after a warning keeps it too; a consent without one keeps none.
    store.reject(&warned("login-2", Some(Unverified::Unreadable)), 102).unwrap();
    let (plain, _) = store.prepare(&warned("login-3", None), 103).unwrap();
    let mut records = store.of_subject("default", "user").unwrap();
    records.sort_by_key(|r| r.draft.login_id.clone());
    let kept: Vec<_> = records.iter().map(|r| (r.draft.login_id.as_str(), r.draft.warned.clone())).collect();
    assert_eq!(kept[2], ("login-2", Some(Unverified::Unreadable)));
    assert_eq!(records.iter().find(|r| r.id == plain).unwrap().draft.warned, None);
}
