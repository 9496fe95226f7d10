//! Payment and CDR records left pending by a crash between the accept and the record's
//! authorization: the record is written pending as the consent screen writes it, the grant is
//! accepted (or rejected) at the authorization server, and Assent goes no further (the crash).
//! The reconciler's pass then settles each record with its regime's API.
//! A consent accepted and then ended while Assent was down is recorded as given, then revoked.

use crate::assent::obuk_payment::{access_token, initiation, pay, start};
use crate::common::*;
use assent::server::reconcile::settle;
use assent::server::records::{Actor, Draft, PaymentRecord, Status};
use assent::wire::cdr::{AcceptCDRConsentRequest, RejectCDRConsentRequest};
use assent::wire::obuk::AcceptConsentRequest;
use assent::wire::RejectScopeGrant;

/// The status of record `id`.
async fn status(app: &TestApp, id: &str) -> Status {
    app.state.records.get(id).await.unwrap().unwrap_or_else(|| panic!("no record {id}")).status
}

/// A UK payment flow of `user` at Assent's screen: the `ConsentId` and the flow's handles, the
/// record written pending as the screen writes it before its accept (paid from UK-30001), and
/// the customer's browser.
async fn pending_payment(app: &TestApp) -> (String, ConsentPage, reqwest::Client) {
    let b = browser();
    let (id, consent) = start(app, &b, "user", initiation()).await;
    let page = open_consent(&b, &consent).await;
    let payment = PaymentRecord {
        amount: "1234.50".into(),
        currency: "GBP".into(),
        payee: "ACME Energy Ltd".into(),
        payee_account: Some("…5698".into()),
        reference: Some("FRESCO-101".into()),
    };
    let draft = Draft {
        id: Some(id.clone()),
        login_id: page.login_id.clone(),
        login_state: Some(page.login_state.clone()),
        tenant: "default".into(),
        workspace: "obuk".into(),
        subject: "user".into(),
        client_id: "obuk-tpp".into(),
        client_name: "Money Map".into(),
        scopes: vec!["openid".into(), "payments".into()],
        accounts: vec!["UK-30001".into()],
        payment: Some(payment),
        ..Draft::default()
    };
    assert_eq!(app.state.records.prepare(draft).await.unwrap(), Some((id.clone(), Status::Pending)));
    (id, page, b)
}

#[tokio::test]
async fn a_payment_accepted_before_a_crash_is_authorized_and_a_rejected_one_rejected() {
    let app = spawn_app().await;
    let up = &app.state.upstream;

    // Accepted upstream, then the crash; the recipient even pays before Assent is back.
    let (paid, page, b) = pending_payment(&app).await;
    let accept = AcceptConsentRequest {
        login_state: page.login_state.clone(),
        granted_scopes: vec!["openid".into(), "payments".into()],
        account_ids: vec!["UK-30001".into()],
    };
    let next = up.accept_domestic_payment(&page.login_id, &accept).await.unwrap();
    // Accepted, not paid: found by its flow.
    let (accepted, other, _) = pending_payment(&app).await;
    up.accept_domestic_payment(
        &other.login_id,
        &AcceptConsentRequest { login_state: other.login_state.clone(), ..accept.clone() },
    )
    .await
    .unwrap();
    // Rejected upstream, then the crash.
    let (rejected, page, _) = pending_payment(&app).await;
    up.reject_domestic_payment(&RejectScopeGrant::user_denied(page.login_id.clone(), page.login_state.clone()))
        .await
        .unwrap();
    // Not decided at all: still the customer's to decide.
    let (open, _, _) = pending_payment(&app).await;

    let callback = url::Url::parse(&follow_to_callback(&b, &next.redirect_to).await).unwrap();
    let token = access_token(&app, &callback).await;
    assert_eq!(pay(&app, &token, &paid, initiation()).await.0, reqwest::StatusCode::CREATED);
    for id in [&paid, &accepted, &rejected, &open] {
        assert_eq!(status(&app, id).await, Status::Pending, "the crash left {id} pending");
    }

    assert_eq!(settle(&app.state).await.unwrap(), 2);
    assert_eq!(status(&app, &paid).await, Status::Authorized, "paid (Consumed): it was authorised");
    assert_eq!(status(&app, &accepted).await, Status::Authorized);
    assert_eq!(status(&app, &rejected).await, Status::Rejected);
    assert_eq!(status(&app, &open).await, Status::Pending);
    assert_eq!(settle(&app.state).await.unwrap(), 0, "settled once");
}

/// The authorization server's `redirect_to` followed in the customer's browser `b`: the
/// recipient's callback URL.
async fn follow_to_callback(b: &reqwest::Client, redirect_to: &str) -> String {
    let res = b.get(redirect_to).send().await.unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER, "{redirect_to}");
    let callback = location(&res);
    assert!(callback.starts_with("https://tpp.example/callback"), "{callback}");
    callback
}

/// A CDR flow at Assent's screen, its record written pending as the screen writes it: the
/// record's id (`{arrangement}.{login_id}` for an amendment), the flow and the accept body.
async fn pending_cdr(
    app: &TestApp,
    consent: &str,
    b: &reqwest::Client,
) -> (String, ConsentPage, AcceptCDRConsentRequest) {
    let page = open_consent(b, consent).await;
    let read = app.state.upstream.cdr_arrangement(&page.login_id, &page.login_state).await.unwrap();
    let a = &read.cdr_arrangement;
    let id = match read.previous_cdr_arrangement {
        Some(_) => format!("{}.{}", a.cdr_arrangement_id, page.login_id),
        None => a.cdr_arrangement_id.clone(),
    };
    let claim = app.state.upstream.bank_of("cdr").and_then(|bank| bank.id_claim);
    let customer = assent::server::fdx::customer_by(claim, &read.authentication_context, &read.subject).unwrap();
    let draft = Draft {
        id: Some(id.clone()),
        login_id: page.login_id.clone(),
        login_state: Some(page.login_state.clone()),
        tenant: "default".into(),
        workspace: "cdr".into(),
        subject: read.subject.clone(),
        customer: Some(customer.clone()),
        client_id: a.client_id.clone(),
        client_name: "Budget Buddy".into(),
        scopes: read.requested_scopes.iter().map(|s| s.name.clone()).collect(),
        accounts: vec!["AU-40002".into()],
        ..Draft::default()
    };
    assert_eq!(app.state.records.prepare(draft).await.unwrap(), Some((id.clone(), Status::Pending)));
    let accept = AcceptCDRConsentRequest {
        login_state: page.login_state.clone(),
        granted_scopes: read.requested_scopes.iter().map(|s| s.name.clone()).collect(),
        account_ids: vec!["AU-40002".into()],
        customer_id: customer,
    };
    (id, page, accept)
}

const SCOPES: &str = "openid bank:accounts.basic:read";
const NINETY_DAYS: (&str, &str) = ("sharing_duration", "7776000");

#[tokio::test]
async fn cdr_arrangements_and_amendments_accepted_before_a_crash_are_authorized_and_supersede() {
    use crate::assent::cdr::{allow, authorize};
    let app = spawn_app().await;
    let up = &app.state.upstream;
    let b = browser();

    // A new arrangement, accepted, then the crash.
    let consent = authorize(&app, &b, SCOPES, &[NINETY_DAYS], "user").await;
    let (fresh, page, accept) = pending_cdr(&app, &consent, &b).await;
    up.accept_cdr(&page.login_id, &accept).await.unwrap();
    // Another, rejected, then the crash.
    let consent = authorize(&app, &b, SCOPES, &[NINETY_DAYS], "user").await;
    let (refused, page, _) = pending_cdr(&app, &consent, &b).await;
    up.reject_cdr(&page.login_id, &RejectCDRConsentRequest::user_denied(page.login_state.clone())).await.unwrap();
    // An arrangement given in full, then its amendment accepted, then the crash.
    let consent = authorize(&app, &b, SCOPES, &[NINETY_DAYS], "user").await;
    let arrangement =
        allow(&app, &b, &consent, &["AU-40001"]).await["cdr_arrangement_id"].as_str().unwrap().to_string();
    assert_eq!(status(&app, &arrangement).await, Status::Authorized);
    let amend = [NINETY_DAYS, ("cdr_arrangement_id", arrangement.as_str())];
    let consent = authorize(&app, &b, SCOPES, &amend, "user").await;
    let (amendment, page, accept) = pending_cdr(&app, &consent, &b).await;
    assert!(amendment.starts_with(&format!("{arrangement}.")), "{amendment}");
    up.accept_cdr(&page.login_id, &accept).await.unwrap();
    for id in [&fresh, &refused, &amendment] {
        assert_eq!(status(&app, id).await, Status::Pending, "the crash left {id} pending");
    }

    assert_eq!(settle(&app.state).await.unwrap(), 2);
    assert_eq!(status(&app, &fresh).await, Status::Authorized);
    assert_eq!(status(&app, &refused).await, Status::Rejected);
    assert_eq!(status(&app, &amendment).await, Status::Authorized);
    let replaced = app.state.records.get(&arrangement).await.unwrap().unwrap();
    assert_eq!(replaced.status, Status::Revoked, "the amendment supersedes the record before it");
    assert_eq!(
        replaced.history.last().and_then(|e| e.reason.as_deref()),
        Some(assent::server::records::reason::AMENDED)
    );
}

#[tokio::test]
async fn an_arrangement_accepted_then_ended_before_its_record_is_settled_is_given_then_revoked() {
    use crate::assent::cdr::authorize;
    let app = spawn_app().await;
    let up = &app.state.upstream;
    let b = browser();
    let consent = authorize(&app, &b, SCOPES, &[NINETY_DAYS], "user").await;
    let (id, page, accept) = pending_cdr(&app, &consent, &b).await;
    up.accept_cdr(&page.login_id, &accept).await.unwrap();
    // While Assent is down, the arrangement is ended at the data holder.
    assert!(up.revoke_cdr_arrangement(&id).await.unwrap(), "ended now");
    assert_eq!(status(&app, &id).await, Status::Pending, "the crash left it pending");

    assert_eq!(settle(&app.state).await.unwrap(), 1);
    let record = app.state.records.get(&id).await.unwrap().unwrap();
    assert_eq!(record.status, Status::Revoked, "the customer gave it: never recorded as refused");
    let kinds: Vec<_> = record.history.iter().map(|e| (e.kind.as_str(), e.by)).collect();
    assert_eq!(kinds, [("granted", Actor::Customer), ("revoked", Actor::AuthorizationServer)], "{:?}", record.history);
    assert_eq!(settle(&app.state).await.unwrap(), 0, "settled once");
}
