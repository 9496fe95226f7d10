//! UK Open Banking domestic payments through the sandbox and Assent: the payment initiation
//! service provider creates the payment consent with a client-credentials token, pushes its
//! authorization request naming it, the customer sees the amount, payee and reference on
//! Assent's payment screen and pays from one of their accounts (or the one the consent fixes),
//! and the bank makes the payment once.

use super::recipient::{admin, param, uk_managed, UK};
use crate::common::*;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const WS: &str = UK.ws;
const REDIRECT: &str = UK.redirect;

/// The payment the tests ask for: £1,234.50 to ACME Energy Ltd, reference FRESCO-101.
pub(crate) fn initiation() -> Value {
    json!({
        "InstructionIdentification": "ACME412",
        "EndToEndIdentification": "FRESCO.21302.GFX.20",
        "InstructedAmount": {"Amount": "1234.50", "Currency": "GBP"},
        "CreditorAccount": {
            "SchemeName": "UK.OBIE.SortCodeAccountNumber",
            "Identification": "08080021325698",
            "Name": "ACME Energy Ltd"
        },
        "RemittanceInformation": {"Reference": "FRESCO-101", "Unstructured": "Internal ops code 5120101"}
    })
}

/// `POST …/domestic-payment-consents` with `initiation`, with a token of `scope`.
async fn create_with(app: &TestApp, scope: &str, initiation: Value) -> (StatusCode, Value) {
    let token = UK.token(app, &[("grant_type", "client_credentials"), ("scope", scope)]).await;
    let res = Client::new()
        .post(format!("{}/default/{WS}/open-banking/v3.1/pisp/domestic-payment-consents", app.sandbox_url()))
        .bearer_auth(token["access_token"].as_str().unwrap_or_else(|| panic!("{token}")))
        .json(&json!({"Data": {"Initiation": initiation}, "Risk": {}}))
        .send()
        .await
        .unwrap();
    (res.status(), res.json().await.unwrap_or(Value::Null))
}

async fn create(app: &TestApp, initiation: Value) -> (StatusCode, Value) {
    create_with(app, "payments", initiation).await
}

/// The recipient's PAR naming consent `id`, then authorize and sign in as `user`: Assent's
/// consent URL.
async fn authorize(app: &TestApp, b: &Client, id: &str, user: &str) -> String {
    let claims = json!({"id_token": {"openbanking_intent_id": {"value": id, "essential": true}}}).to_string();
    let (_, par) = UK.par(app, "openid payments", &[("claims", &claims)]).await;
    let uri = par["request_uri"].as_str().unwrap_or_else(|| panic!("{par}"));
    UK.sign_in(app, b, uri, user).await
}

/// A payment consent created with `initiation` and authorized as far as Assent's screen.
pub(crate) async fn start(app: &TestApp, b: &Client, user: &str, initiation: Value) -> (String, String) {
    let (status, body) = create(app, initiation).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["Data"]["Status"], "AwaitingAuthorisation");
    let id = body["Data"]["ConsentId"].as_str().unwrap().to_string();
    let consent = authorize(app, b, &id, user).await;
    assert!(consent.starts_with(&format!("{}/consent?", app.url)), "{consent}");
    assert!(consent.contains("consent_type=domestic_payment"), "{consent}");
    (id, consent)
}

/// Posts the payment form as a same-origin browser's plain form, with `fields` besides the
/// hidden ones and the decision.
pub(crate) async fn decide(
    app: &TestApp,
    b: &Client,
    page: &ConsentPage,
    decision: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    assert!(page.html.contains(DECIDE_OBUK_PAYMENT), "the payment form posts to its own server function");
    post_decision(app, b, format!("{}{DECIDE_OBUK_PAYMENT}", app.url), page, decision, fields).await
}

/// The code of a callback exchanged: the recipient's access token.
pub(crate) async fn access_token(app: &TestApp, callback: &url::Url) -> String {
    let code = param(callback, "code").unwrap_or_else(|| panic!("{callback}"));
    let tokens =
        UK.token(app, &[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", REDIRECT)]).await;
    tokens["access_token"].as_str().unwrap_or_else(|| panic!("{tokens}")).to_string()
}

/// The bank's `POST /bank/obuk/pisp/domestic-payments`.
pub(crate) async fn pay(app: &TestApp, token: &str, consent_id: &str, initiation: Value) -> (StatusCode, Value) {
    let res = Client::new()
        .post(format!("{}/bank/{WS}/pisp/domestic-payments", app.sandbox_url()))
        .bearer_auth(token)
        .json(&json!({"Data": {"ConsentId": consent_id, "Initiation": initiation}, "Risk": {}}))
        .send()
        .await
        .unwrap();
    (res.status(), res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_payment_is_shown_paid_from_the_chosen_account_and_made_once() {
    let app = spawn_app().await;
    let b = browser();
    let (id, consent) = start(&app, &b, "user", initiation()).await;

    // The recipient reads its consent back.
    let token = UK.token(&app, &[("grant_type", "client_credentials"), ("scope", "payments")]).await;
    let res = Client::new()
        .get(format!("{}/default/{WS}/open-banking/v3.1/pisp/domestic-payment-consents/{id}", app.sandbox_url()))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let read: Value = res.json().await.unwrap();
    assert_eq!(read["Data"]["Initiation"], initiation());

    let page = open_consent(&b, &consent).await;
    let html = &page.html;
    // The payment: amount in the customer's language, payee with a masked account, reference.
    assert!(html.contains("Money Map (UK account information)"), "{html}");
    assert!(html.contains("£1,234.50"), "{html}");
    assert!(html.contains("ACME Energy Ltd") && html.contains("…5698"), "{html}");
    assert!(!html.contains("08080021325698"), "the payee's account is masked");
    assert!(html.contains("FRESCO-101"), "{html}");
    assert!(html.contains("Pay £1,234.50") && html.contains("Cancel payment"), "{html}");
    // One account to pay from, the customer's own, none pre-chosen.
    for account in ["UK-30001", "UK-30002", "UK-30003"] {
        assert!(html.contains(&format!("value=\"{account}\"")), "{account}");
    }
    assert!(html.contains("type=\"radio\""), "{html}");
    assert!(!html.contains("UK-30101"), "only the customer's own accounts");
    assert!(!html.contains("checked"), "nothing pre-chosen");

    // Pay with no account: the screen again (422). Someone else's account, or two: refused.
    let res = decide(&app, &b, &page, "allow", &[]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let again = res.text().await.unwrap();
    assert!(again.contains("Choose the account to pay from") && again.contains("£1,234.50"), "{again}");
    let res = decide(&app, &b, &page, "allow", &[("account", "UK-30101")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = decide(&app, &b, &page, "allow", &[("account", "UK-30001"), ("account", "UK-30002")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(uk_managed(&app, &id).await["status"], "AwaitingAuthorisation");

    let callback = UK.to_recipient(&app, &b, decide(&app, &b, &page, "allow", &[("account", "UK-30001")]).await).await;
    let access = access_token(&app, &callback).await;
    let entry = uk_managed(&app, &id).await;
    assert_eq!(entry["status"], "Authorised", "{entry}");
    assert_eq!(entry["type"], "domestic_payment");
    assert_eq!(entry["account_ids"], json!(["UK-30001"]));
    assert_eq!(entry["domestic_payment_consent"]["Initiation"]["InstructedAmount"]["Amount"], "1234.50");

    // An order that is not the consent's is refused; the consent's is made, once.
    let mut other = initiation();
    other["InstructedAmount"]["Amount"] = json!("1234.51");
    let (status, body) = pay(&app, &access, &id, other).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["Errors"][0]["ErrorCode"], "UK.OBIE.Resource.ConsentMismatch");
    let (status, body) = pay(&app, &access, &id, initiation()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["Data"]["Status"], "AcceptedSettlementCompleted");
    assert_eq!(body["Data"]["ConsentId"], id.as_str());
    assert!(body["Data"]["DomesticPaymentId"].as_str().is_some_and(|p| !p.is_empty()));
    let made = app.sandbox().store.obuk_payment_of(&id).unwrap().unwrap();
    assert_eq!((made.debtor.as_str(), made.amount.as_str(), made.currency.as_str()), ("UK-30001", "1234.50", "GBP"));
    assert_eq!(uk_managed(&app, &id).await["status"], "Consumed");
    let (status, body) = pay(&app, &access, &id, initiation()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a second payment: {body}");
    assert!(body["Errors"][0]["Message"].as_str().unwrap().contains("already been used"), "{body}");

    // The record: the ConsentId, the account paid from, the amount and payee; never revocable.
    let s = browser();
    crate::assent::console::console_sign_in(&app, &s, "admin").await;
    let (status, record) = admin(&app, &s, &format!("/admin/record?id={id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        record.contains("£1,234.50") && record.contains("ACME Energy Ltd") && record.contains("FRESCO-101"),
        "{record}"
    );
    assert!(record.contains("UK-30001") && record.contains("Granted"), "{record}");
    assert!(!record.contains("/api/admin/revoke\""), "no revoke for a payment: {record}");
    assert!(!record.contains("/api/admin/revoke-provider"), "a payment is no consent to end: {record}");
    let res = form_post(&s, format!("{}/api/admin/revoke", app.url))
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("csrf_token", hidden(&record, "csrf_token").as_str()),
            ("id", &id),
            ("reason", "Fraud"),
            ("confirmed", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT, "staff cannot revoke a payment");
    assert_eq!(uk_managed(&app, &id).await["status"], "Consumed");
}

#[tokio::test]
async fn a_debtor_fixed_by_the_consent_is_shown_and_cannot_be_changed() {
    let app = spawn_app().await;
    let b = browser();
    let mut fixed = initiation();
    // UK-30001, sort code 20-00-00, account 31926819.
    fixed["DebtorAccount"] =
        json!({"SchemeName": "UK.OBIE.SortCodeAccountNumber", "Identification": "20000031926819", "Name": "J Smith"});
    let (id, consent) = start(&app, &b, "user", fixed.clone()).await;
    let page = open_consent(&b, &consent).await;
    let html = &page.html;
    assert!(html.contains("value=\"UK-30001\"") && html.contains("type=\"hidden\" name=\"account\""), "{html}");
    assert!(!html.contains("type=\"radio\""), "nothing to choose: {html}");
    assert!(!html.contains("UK-30002") && !html.contains("UK-30003"), "{html}");
    assert!(html.contains("cannot be changed here"), "{html}");

    let res = decide(&app, &b, &page, "allow", &[("account", "UK-30002")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "another account than the fixed one");
    assert_eq!(uk_managed(&app, &id).await["status"], "AwaitingAuthorisation");
    let callback = UK.to_recipient(&app, &b, decide(&app, &b, &page, "allow", &[("account", "UK-30001")]).await).await;
    let access = access_token(&app, &callback).await;
    assert_eq!(uk_managed(&app, &id).await["account_ids"], json!(["UK-30001"]));
    assert_eq!(pay(&app, &access, &id, fixed).await.0, StatusCode::CREATED);
}

#[tokio::test]
async fn an_account_the_bank_says_cannot_be_used_is_listed_apart_and_never_paid_from() {
    let app = spawn_app().await;
    let b = browser();
    let (id, consent) = start(&app, &b, "user2", initiation()).await;
    let page = open_consent(&b, &consent).await;
    // user2's Cash ISA: listed apart with the bank's reason, no radio button.
    assert!(page.html.contains(r#"value="UK-30101""#) && !page.html.contains(r#"value="UK-30102""#), "{}", page.html);
    let apart = page.html.split("unavailable-accounts").nth(1).unwrap_or_else(|| panic!("{}", page.html));
    assert!(
        apart.contains("Accounts you cannot pay from now")
            && apart.contains("Blocked while we confirm your new address")
    );
    // Chosen anyway: the form again, saying why, and nothing paid or given.
    let res = decide(&app, &b, &page, "allow", &[("account", "UK-30102")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("cannot be shared or paid from now, so nothing was sent"));
    assert_eq!(uk_managed(&app, &id).await["status"], "AwaitingAuthorisation");

    // A payment fixed to it: a clear error before any form.
    let mut fixed = initiation();
    fixed["DebtorAccount"] = json!({"SchemeName": "UK.OBIE.SortCodeAccountNumber", "Identification": "20000041414141"});
    let b = browser();
    let (_, consent) = start(&app, &b, "user2", fixed).await;
    let res = b.get(&consent).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(html.contains("the bank says cannot be used now") && !html.contains("Pay £"), "{html}");
}

#[tokio::test]
async fn a_debtor_that_is_not_the_customers_is_a_clear_error() {
    let app = spawn_app().await;
    let b = browser();
    let mut foreign = initiation();
    // UK-30101, user2's.
    foreign["DebtorAccount"] =
        json!({"SchemeName": "UK.OBIE.SortCodeAccountNumber", "Identification": "20000040404040"});
    let (id, consent) = start(&app, &b, "user", foreign).await;
    let res = b.get(&consent).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let html = res.text().await.unwrap();
    assert!(html.contains("This payment cannot be made from here") && html.contains("Nothing was paid"), "{html}");
    assert!(!html.contains("Pay £"), "no form: {html}");
    assert_eq!(uk_managed(&app, &id).await["status"], "AwaitingAuthorisation");
}

#[tokio::test]
async fn cancel_rejects_the_payment_tells_the_recipient_and_is_recorded() {
    let app = spawn_app().await;
    let b = browser();
    let (id, consent) = start(&app, &b, "user", initiation()).await;
    let page = open_consent(&b, &consent).await;
    let callback = UK.to_recipient(&app, &b, decide(&app, &b, &page, "deny", &[]).await).await;
    assert_eq!(param(&callback, "error").as_deref(), Some("rejected"), "{callback}");
    assert_eq!(param(&callback, "error_cause").as_deref(), Some("consent_rejected"));
    assert_eq!(uk_managed(&app, &id).await["status"], "Rejected");
    let s = browser();
    crate::assent::console::console_sign_in(&app, &s, "admin").await;
    let (status, record) = admin(&app, &s, &format!("/admin/record?id={id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(record.contains("Declined") && record.contains("by the customer"), "{record}");
    assert!(record.contains("£1,234.50") && record.contains("ACME Energy Ltd"), "what was declined: {record}");
    // Answered: the screen is gone.
    let res = b.get(&consent).send().await.unwrap();
    assert_ne!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn absurd_payments_are_refused_by_the_bank() {
    let app = spawn_app().await;
    let with = |path: &[&str], value: Value| {
        let mut i = initiation();
        let mut at = &mut i;
        for key in &path[..path.len() - 1] {
            at = &mut at[*key];
        }
        at[path[path.len() - 1]] = value;
        i
    };
    for (bad, why) in [
        (with(&["InstructedAmount", "Amount"], json!("-5.00")), "Amount"),
        (with(&["InstructedAmount", "Amount"], json!("10.999")), "Amount"),
        (with(&["InstructedAmount", "Amount"], json!("99999999")), "Amount"),
        (with(&["InstructedAmount", "Amount"], json!("0")), "Amount"),
        (with(&["InstructedAmount", "Currency"], json!("EUR")), "EUR"),
        (with(&["InstructedAmount", "Currency"], json!("pounds")), "ISO 4217"),
        (with(&["CreditorAccount"], Value::Null), "CreditorAccount"),
    ] {
        let (status, body) = create(&app, bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert_eq!(body["Errors"][0]["ErrorCode"], "UK.OBIE.Field.Invalid", "{body}");
        assert!(body["Errors"][0]["Message"].as_str().unwrap().contains(why), "{why}: {body}");
    }
    // A token for account information does not create payments.
    let (status, _) = create_with(&app, "accounts", initiation()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_portal_lists_a_payment_under_payments_with_nothing_to_stop_for_its_payer_only() {
    let app = spawn_app().await;
    let b = browser();
    let (id, consent) = start(&app, &b, "user", initiation()).await;
    let page = open_consent(&b, &consent).await;
    let callback = UK.to_recipient(&app, &b, decide(&app, &b, &page, "allow", &[("account", "UK-30002")]).await).await;
    let access = access_token(&app, &callback).await;
    assert_eq!(pay(&app, &access, &id, initiation()).await.0, StatusCode::CREATED);

    let portal = browser();
    let html = portal_sign_in(&app, &portal, "user").await;
    let start_at = html.find("id=\"payments-title\"").unwrap_or_else(|| panic!("a Payments section: {html}"));
    let section = &html[start_at..html[start_at..].find("</section>").unwrap() + start_at];
    for shown in
        ["Money Map (UK account information)", "£1,234.50", "ACME Energy Ltd", "FRESCO-101", "Paid", "Instant Saver"]
    {
        assert!(section.contains(shown), "{shown}: {section}");
    }
    assert!(!section.contains("<form") && !section.contains("/portal/revoke"), "nothing to stop: {section}");
    assert!(!html.contains(&format!("consent_id={id}")), "no stop link anywhere: {html}");
    // Its record says what was paid, and offers no revocation either.
    assert!(html.contains("Payment of £1,234.50 to ACME Energy Ltd"), "{html}");

    // The filter finds payments by their application's name, without JavaScript too (`?q=`).
    let payments_tag = |q: &'static str| {
        let portal = &portal;
        let url = format!("{}/portal?q={q}", app.url);
        async move {
            let html = portal.get(url).send().await.unwrap().text().await.unwrap();
            let at = html.find(r#"aria-labelledby="payments-title""#).unwrap_or_else(|| panic!("{html}"));
            let start = html[..at].rfind("<section").unwrap();
            let tag = &html[start..at + html[at..].find('>').unwrap()];
            (tag.contains("gone"), html)
        }
    };
    let (hidden_section, html) = payments_tag("money%20MAP").await;
    assert!(!hidden_section && !html.contains(r#"class="payment gone""#), "a match shows: {html}");
    let (hidden_section, html) = payments_tag("budget").await;
    assert!(hidden_section, "no payment matches, the section hides: {html}");

    // The stop server function refuses a payment, for its payer too.
    let res = portal_stop(&app, &portal, id.as_str(), hidden(&html, "csrf_token").as_str()).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(uk_managed(&app, &id).await["status"], "Consumed");

    // Another customer sees nothing of it.
    let other = browser();
    let other_html = portal_sign_in(&app, &other, "user2").await;
    assert!(!other_html.contains("ACME Energy Ltd") && !other_html.contains(&id), "{other_html}");
    assert!(!other_html.contains("id=\"payments-title\""));
    let res = portal_stop(&app, &other, id.as_str(), hidden(&other_html, "csrf_token").as_str()).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_amount_speaks_the_customers_language() {
    let app = spawn_app().await;
    let b = browser();
    let (_, consent) = start(&app, &b, "user", initiation()).await;
    for (lang, amount, pay) in
        [("es", "1234,50\u{a0}£", "Pagar 1234,50\u{a0}£"), ("pt-BR", "£\u{a0}1.234,50", "Pagar £\u{a0}1.234,50")]
    {
        let res = b.get(&consent).header(reqwest::header::COOKIE, format!("assent-lang={lang}")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let html = res.text().await.unwrap();
        assert!(html.contains(amount) && html.contains(pay), "{lang}: {html}");
        assert!(!html.contains("£1,234.50"), "{lang}: the English format");
    }
}

/// A payment's record stays what was authorised even when its consent, not yet paid, is
/// revoked at the bank: neither the portal's lists nor a staff member's view end it.
#[tokio::test]
async fn a_payment_record_is_never_ended_by_what_the_lists_say() {
    use assent::server::records::Status;
    let app = spawn_app().await;
    let b = browser();
    let (id, consent) = start(&app, &b, "user", initiation()).await;
    let page = open_consent(&b, &consent).await;
    UK.to_recipient(&app, &b, decide(&app, &b, &page, "allow", &[("account", "UK-30002")]).await).await;
    crate::assent::obuk::revoke_through_management_api(&app, &id).await;
    assert_eq!(uk_managed(&app, &id).await["status"], "Revoked");

    portal_sign_in(&app, &browser(), "user").await;
    let s = browser();
    crate::assent::console::console_sign_in(&app, &s, "admin").await;
    let (status, _) = admin(&app, &s, &format!("/admin/record?id={id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.state.records.get(&id).await.unwrap().unwrap().status, Status::Authorized);
}
