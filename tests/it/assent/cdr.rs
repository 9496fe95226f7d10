//! Australian CDR arrangements through the sandbox and Assent: the data recipient pushes its
//! request (PAR) with a `sharing_duration`, the customer chooses accounts on Assent's CDR
//! screen, the token response names the arrangement, and the bank serves exactly those
//! accounts; an amendment (the same request naming `cdr_arrangement_id`) shows what changes
//! and, once given, replaces the arrangement's grant under the same id.

use super::recipient::{admin, param, CDR};
use crate::common::*;
use reqwest::{Client, StatusCode};
use serde_json::Value;

const WS: &str = CDR.ws;
const ADR: &str = CDR.client;
const REDIRECT: &str = CDR.redirect;
pub(crate) const NINETY_DAYS: &str = "7776000";

/// PAR, authorize and sign in as `user`: Assent's consent URL.
pub(crate) async fn authorize(app: &TestApp, b: &Client, scope: &str, extra: &[(&str, &str)], user: &str) -> String {
    let (status, body) = CDR.par(app, scope, extra).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let uri = body["request_uri"].as_str().unwrap();
    let consent = CDR.sign_in(app, b, uri, user).await;
    assert!(consent.starts_with(&format!("{}/consent?", app.url)), "{consent}");
    assert!(consent.contains("consent_type=cdr_arrangement"), "{consent}");
    consent
}

/// Posts the CDR form as a same-origin browser without JavaScript would.
async fn submit(app: &TestApp, b: &Client, page: &ConsentPage, decision: &str, accounts: &[&str]) -> reqwest::Response {
    assert!(page.html.contains(DECIDE_CDR), "the CDR form");
    let fields: Vec<(&str, &str)> = accounts.iter().map(|a| ("account[]", *a)).collect();
    post_decision(app, b, format!("{}{DECIDE_CDR}", app.url), page, decision, &fields).await
}

/// Allows the screen at `consent` with `accounts`: the token response.
pub(crate) async fn allow(app: &TestApp, b: &Client, consent: &str, accounts: &[&str]) -> Value {
    let page = open_consent(b, consent).await;
    let callback = CDR.to_recipient(app, b, submit(app, b, &page, "allow", accounts).await).await;
    let code = param(&callback, "code").unwrap_or_else(|| panic!("{callback}"));
    CDR.token(app, &[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", REDIRECT)]).await
}

/// The bank's `GET /bank/cdr/cdr/banking/accounts` with `token`: the status and the account ids.
pub(crate) async fn bank_accounts(app: &TestApp, token: &str) -> (StatusCode, Vec<String>) {
    let (status, body) = bearer_get(&format!("{}/bank/{WS}/cdr/banking/accounts", app.sandbox_url()), token, &[]).await;
    let mut ids: Vec<String> = body["data"]["accounts"]
        .as_array()
        .map(|a| a.iter().map(|x| x["accountId"].as_str().unwrap_or_default().to_string()).collect())
        .unwrap_or_default();
    ids.sort();
    (status, ids)
}

/// The recipient's introspection of its own `token`.
async fn introspect(app: &TestApp, token: &str) -> Value {
    Client::new()
        .post(format!("{}/default/{WS}/oauth2/introspect", app.sandbox_url()))
        .basic_auth(ADR, Some(CDR.secret(app)))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The recipient's refresh grant with `refresh_token`.
async fn refresh(app: &TestApp, refresh_token: &str) -> (StatusCode, Value) {
    let res = Client::new()
        .post(format!("{}/default/{WS}/oauth2/token", app.sandbox_url()))
        .basic_auth(ADR, Some(CDR.secret(app)))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", refresh_token)])
        .send()
        .await
        .unwrap();
    (res.status(), res.json().await.unwrap_or(Value::Null))
}

/// Every arrangement the management API lists with id `id`.
async fn managed(app: &TestApp, id: &str) -> Vec<Value> {
    let token = system_token(app, "manage_openbanking_consents").await;
    let list: Value = Client::new()
        .get(format!("{}/default/system/servers/{WS}/cdr/arrangements", app.sandbox_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list["arrangements"].as_array().unwrap().iter().filter(|a| a["cdr_arrangement_id"] == id).cloned().collect()
}

pub(crate) fn token_of(tokens: &Value) -> String {
    tokens["access_token"].as_str().unwrap_or_else(|| panic!("{tokens}")).to_string()
}

pub(crate) const SCOPES: &str = "openid bank:accounts.basic:read bank:transactions:read common:customer.basic:read";

#[tokio::test]
async fn the_recipient_gets_exactly_the_accounts_chosen_under_its_arrangement() {
    let app = spawn_app().await;
    let b = browser();
    let consent = authorize(&app, &b, SCOPES, &[("sharing_duration", NINETY_DAYS)], "user").await;
    let page = open_consent(&b, &consent).await;
    let html = &page.html;
    // Who asks (with its policy), the data in the standards' words (never the scopes), how
    // long, the customer's own AUD accounts with none ticked.
    assert!(html.contains("Budget Buddy (CDR data recipient)") && html.contains("https://adr.example/cdr-policy"));
    for words in [
        "Account name, type and balance",
        "Name of account; Type of account; Account balance.",
        "Transaction details",
        "Name and occupation",
    ] {
        assert!(html.contains(words), "{words}: {html}");
    }
    assert!(!html.contains("Contact details") && !html.contains("Saved payees"), "only what is asked for");
    for scope in ["bank:accounts.basic:read", "bank:transactions:read", "common:customer.basic:read"] {
        assert!(!html.contains(scope), "raw scope {scope} shown");
    }
    assert!(html.contains("90 days,"), "the sharing period: {html}");
    // The historic range: how far back the transactions go (the bank's `history_from`).
    let history = html.replace("<!>", "");
    assert!(history.contains("Historical data") && history.contains("Transactions from as far back as "), "{html}");
    assert!(history.contains(r#"<time datetime="2017-01-01">January 1, 2017</time>"#), "{html}");
    assert!(html.contains("AUD"), "balances in the bank's currency");
    for account in ["AU-40001", "AU-40002", "AU-40003"] {
        assert!(html.contains(&format!("value=\"{account}\"")), "{account}");
    }
    assert!(!html.contains("AU-40101"), "only the customer's own accounts");
    assert!(!html.contains("checked"), "nothing pre-ticked");
    // The joint account whose sharing is off: shown with the bank's reason, never offered.
    assert!(!html.contains(r#"value="AU-40004""#), "an unavailable account is not offered: {html}");
    let unavailable =
        html.split("unavailable-accounts").nth(1).unwrap_or_else(|| panic!("no unavailable list: {html}"));
    assert!(unavailable.contains("Accounts you cannot share now"), "{html}");
    assert!(unavailable.contains(r#"data-account="AU-40004""#) && unavailable.contains("Joint Saver"), "{html}");
    assert!(unavailable.contains("Another holder of this joint account has not allowed its sharing"), "why: {html}");

    // Allow with no account: the screen again (422). Someone else's account: refused.
    let res = submit(&app, &b, &page, "allow", &[]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Choose at least one account"));
    let res = submit(&app, &b, &page, "allow", &["AU-40001", "AU-40101"]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // An unavailable account forced into the form (or turned off since the page was shown):
    // refused, nothing given, and the screen again saying why, the account listed apart.
    let res = submit(&app, &b, &page, "allow", &["AU-40001", "AU-40004"]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "the form again, as for any choice to make again");
    let again = res.text().await.unwrap();
    assert!(again.contains("cannot be shared or paid from now, so nothing was sent"), "{again}");
    assert!(again.contains(r#"value="AU-40001""#) && again.contains(r#"data-account="AU-40004""#), "{again}");

    let tokens = allow(&app, &b, &consent, &["AU-40003", "AU-40001"]).await;
    let arrangement = tokens["cdr_arrangement_id"].as_str().unwrap_or_else(|| panic!("{tokens}")).to_string();
    assert!(tokens["refresh_token"].is_string(), "an ongoing arrangement is refreshed: {tokens}");
    let access = token_of(&tokens);
    let (status, served) = bank_accounts(&app, &access).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(served, ["AU-40001", "AU-40003"]);

    let listed = managed(&app, &arrangement).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["status"], "Authorised");
    assert_eq!(listed[0]["customer_id"], "user");
    assert_eq!(listed[0]["sharing_type"], "reusable");
    assert_eq!(listed[0]["account_ids"], serde_json::json!(["AU-40001", "AU-40003"]));

    // The record is the arrangement's; staff ending it revoke the arrangement for real.
    let s = browser();
    crate::assent::console::console_sign_in(&app, &s, "admin").await;
    let (status, record) = admin(&app, &s, &format!("/admin/record?id={arrangement}")).await;
    assert_eq!(status, StatusCode::OK, "the record's id is the cdr_arrangement_id");
    assert!(record.contains("Budget Buddy (CDR data recipient)") && record.contains("Granted"), "{record}");
    assert!(record.contains("AU-40003"), "the accounts: {record}");
    let res = form_post(&s, format!("{}/api/admin/revoke", app.url))
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("csrf_token", hidden(&record, "csrf_token").as_str()),
            ("id", &arrangement),
            ("reason", "Fraud"),
            ("confirmed", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(managed(&app, &arrangement).await[0]["status"], "Revoked");
    assert_eq!(bank_accounts(&app, &access).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_amendment_shows_what_changes_and_replaces_the_grant_under_the_same_id() {
    let app = spawn_app().await;
    let b = browser();
    let first = "openid bank:accounts.basic:read common:customer.basic:read";
    let consent = authorize(&app, &b, first, &[("sharing_duration", NINETY_DAYS)], "user").await;
    let tokens = allow(&app, &b, &consent, &["AU-40001"]).await;
    let arrangement = tokens["cdr_arrangement_id"].as_str().unwrap().to_string();
    let old = token_of(&tokens);
    let old_refresh = tokens["refresh_token"].as_str().unwrap().to_string();

    // The amendment: transactions added, customer data dropped, a year instead of 90 days.
    let second = "openid bank:accounts.basic:read bank:transactions:read";
    let amend = [("sharing_duration", "31536000"), ("cdr_arrangement_id", arrangement.as_str())];
    let consent = authorize(&app, &b, second, &amend, "user").await;
    let page = open_consent(&b, &consent).await;
    let html = &page.html;
    assert!(html.contains("wants to change what you share"), "{html}");
    assert!(html.contains("data-cluster=\"transactions\" data-change=\"new\""), "transactions are new: {html}");
    assert!(html.contains("data-cluster=\"accounts-basic\" data-change=\"kept\""), "{html}");
    let stopped = &html[html.find("No longer shared").expect("what stops")..];
    assert!(stopped.contains("Name and occupation"), "customer data stops: {html}");
    assert!(html.contains("12 months,") && html.contains("Until now"), "the new period and the old: {html}");
    assert!(html.contains("Shared now"), "the account shared now is marked");
    assert!(!html.contains("checked"), "nothing re-granted silently");
    // Until given, the arrangement in force still works.
    assert_eq!(bank_accounts(&app, &old).await.1, ["AU-40001"]);

    let tokens = allow(&app, &b, &consent, &["AU-40002"]).await;
    assert_eq!(tokens["cdr_arrangement_id"], arrangement.as_str(), "the same arrangement");
    assert_eq!(bank_accounts(&app, &old).await.0, StatusCode::UNAUTHORIZED, "the old tokens stop");
    assert_eq!(bank_accounts(&app, &token_of(&tokens)).await.1, ["AU-40002"], "the new ones see the new accounts");
    let (before, after) = (introspect(&app, &old).await, introspect(&app, &token_of(&tokens)).await);
    assert_eq!(before["active"], false, "{before}");
    assert_eq!(after["active"], true, "{after}");
    assert_eq!(after["consent_id"], arrangement.as_str(), "introspection names the arrangement");
    assert_eq!(refresh(&app, &old_refresh).await.0, StatusCode::BAD_REQUEST, "the old refresh token stops too");
    let (status, renewed) = refresh(&app, tokens["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{renewed}");
    assert_eq!(renewed["cdr_arrangement_id"], arrangement.as_str());
    assert_eq!(bank_accounts(&app, &token_of(&renewed)).await.1, ["AU-40002"]);
    let listed = managed(&app, &arrangement).await;
    assert_eq!(listed.len(), 1, "one arrangement: {listed:?}");
    assert_eq!(listed[0]["account_ids"], serde_json::json!(["AU-40002"]));
    let scopes: Vec<&str> =
        listed[0]["scope_grants"].as_array().unwrap().iter().map(|g| g["scope_name"].as_str().unwrap()).collect();
    assert!(
        scopes.contains(&"bank:transactions:read") && !scopes.contains(&"common:customer.basic:read"),
        "{scopes:?}"
    );

    // The arrangement's first record is ended as replaced; the amendment's is in force.
    let s = browser();
    crate::assent::console::console_sign_in(&app, &s, "admin").await;
    let (_, record) = admin(&app, &s, &format!("/admin/record?id={arrangement}")).await;
    assert!(record.contains("Replaced by an amendment"), "{record}");
    let (_, found) = admin(&app, &s, "/admin?q=AU-40002").await;
    assert!(found.contains(&format!("/admin/record?id={arrangement}.")), "the amendment's record: {found}");
}

#[tokio::test]
async fn an_amendment_is_the_arrangements_own_customer_and_client_only() {
    let app = spawn_app().await;
    let b = browser();
    let consent = authorize(&app, &b, SCOPES, &[("sharing_duration", NINETY_DAYS)], "user").await;
    let tokens = allow(&app, &b, &consent, &["AU-40001"]).await;
    let arrangement = tokens["cdr_arrangement_id"].as_str().unwrap().to_string();

    // Another customer signing in to amend it: not found, and nothing changes.
    let other = browser();
    let consent = authorize(&app, &other, SCOPES, &[("cdr_arrangement_id", arrangement.as_str())], "user2").await;
    let res = other.get(&consent).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(!res.text().await.unwrap().contains("AU-40001"));
    assert_eq!(bank_accounts(&app, &token_of(&tokens)).await.1, ["AU-40001"]);

    // An arrangement that is not in force (or not there) is refused at PAR.
    let (status, body) = CDR.par(&app, SCOPES, &[("cdr_arrangement_id", "arr-nope")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.to_string().contains("cdr_arrangement_id"), "{body}");
}

/// The bank's transactions of `account` with `token` and `query`: the status and the answer.
pub(crate) async fn bank_transactions(
    app: &TestApp,
    token: &str,
    account: &str,
    query: &[(&str, &str)],
) -> (StatusCode, Value) {
    let url = format!("{}/bank/{WS}/cdr/banking/accounts/{account}/transactions", app.sandbox_url());
    bearer_get(&url, token, query).await
}

#[tokio::test]
async fn transactions_are_served_only_under_an_arrangement_that_covers_them() {
    let app = spawn_app().await;
    // Without `bank:transactions:read`: the accounts, but not their transactions.
    let b = browser();
    let consent =
        authorize(&app, &b, "openid bank:accounts.basic:read", &[("sharing_duration", NINETY_DAYS)], "user").await;
    let html = open_consent(&b, &consent).await.html;
    assert!(!html.contains("Historical data"), "no transactions asked: no historic range");
    let access = token_of(&allow(&app, &b, &consent, &["AU-40001"]).await);
    assert_eq!(bank_accounts(&app, &access).await, (StatusCode::OK, vec!["AU-40001".to_string()]));
    let (status, body) = bank_transactions(&app, &access, "AU-40001", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["errors"][0]["code"], "urn:au-cds:error:cds-all:Authorisation/InvalidConsent");

    // With it: the shared account's, newest first, and never another account's.
    let b = browser();
    let consent = authorize(&app, &b, SCOPES, &[("sharing_duration", NINETY_DAYS)], "user").await;
    let access = token_of(&allow(&app, &b, &consent, &["AU-40001"]).await);
    let (status, body) = bank_transactions(&app, &access, "AU-40001", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let described: Vec<&str> =
        body["data"]["transactions"].as_array().unwrap().iter().map(|t| t["description"].as_str().unwrap()).collect();
    assert_eq!(described, ["Woolworths", "Salary"]);
    assert_eq!(body["data"]["transactions"][0]["amount"], "-86.40");
    assert_eq!(bank_transactions(&app, &access, "AU-40002", &[]).await.0, StatusCode::NOT_FOUND);
    assert_eq!(bank_transactions(&app, &access, "AU-40101", &[]).await.0, StatusCode::NOT_FOUND, "another customer's");
    let bad_time = bank_transactions(&app, &access, "AU-40001", &[("oldest-time", "yesterday")]).await;
    assert_eq!(bad_time.0, StatusCode::BAD_REQUEST, "a time that does not read");
}

#[tokio::test]
async fn absurd_sharing_durations_are_refused_at_par_and_long_ones_capped() {
    let app = spawn_app().await;
    for bad in ["-1", "ninety days", "1.5", ""] {
        let (status, body) = CDR.par(&app, SCOPES, &[("sharing_duration", bad)]).await;
        if bad.is_empty() {
            assert_eq!(status, StatusCode::CREATED, "empty is absent: once");
            continue;
        }
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert!(body.to_string().contains("sharing_duration"), "{body}");
    }
    let b = browser();
    let consent = authorize(&app, &b, SCOPES, &[("sharing_duration", "99999999999")], "user").await;
    assert!(open_consent(&b, &consent).await.html.contains("12 months,"), "capped at a year");
    let b = browser();
    let consent = authorize(&app, &b, SCOPES, &[], "user").await;
    let html = open_consent(&b, &consent).await.html;
    assert!(html.contains("Once: the recipient collects your data one time only"), "{html}");
    let tokens = allow(&app, &b, &consent, &["AU-40002"]).await;
    assert!(tokens.get("refresh_token").is_none(), "once: no refresh token: {tokens}");
    let listed = managed(&app, tokens["cdr_arrangement_id"].as_str().unwrap()).await;
    assert_eq!(listed[0]["sharing_type"], "one_time");
    // Given, it ends too (the sandbox: an hour on), and its card in the portal says when.
    let html = portal_sign_in(&app, &browser(), "user").await.replace("<!>", "");
    let card = consent_card(&html, tokens["cdr_arrangement_id"].as_str().unwrap());
    assert!(card.contains("Ends "), "{card}");
}

#[tokio::test]
async fn deny_rejects_the_arrangement_and_leaves_a_rejected_record() {
    let app = spawn_app().await;
    let b = browser();
    let consent = authorize(&app, &b, SCOPES, &[("sharing_duration", NINETY_DAYS)], "user").await;
    let page = open_consent(&b, &consent).await;
    let callback = CDR.to_recipient(&app, &b, submit(&app, &b, &page, "deny", &[]).await).await;
    assert_eq!(param(&callback, "error").as_deref(), Some("rejected"), "{callback}");
    assert_eq!(param(&callback, "error_cause").as_deref(), Some("consent_rejected"));
    let token = system_token(&app, "manage_openbanking_consents").await;
    let list: Value = Client::new()
        .post(format!("{}/default/system/servers/{WS}/cdr/arrangements", app.sandbox_url()))
        .bearer_auth(token)
        .json(&serde_json::json!({"customer_id": "user", "status": ["Rejected"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let rejected = list["arrangements"].as_array().unwrap();
    assert_eq!(rejected.len(), 1, "{list}");
    let id = rejected[0]["cdr_arrangement_id"].as_str().unwrap();
    let s = browser();
    crate::assent::console::console_sign_in(&app, &s, "admin").await;
    let (status, record) = admin(&app, &s, &format!("/admin/record?id={id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(record.contains("Declined") && record.contains("by the customer"), "{record}");
}

#[tokio::test]
async fn the_portal_lists_and_stops_an_arrangement_of_its_own_customer_only() {
    let app = spawn_app().await;
    let b = browser();
    let consent = authorize(&app, &b, SCOPES, &[("sharing_duration", NINETY_DAYS)], "user").await;
    let tokens = allow(&app, &b, &consent, &["AU-40001"]).await;
    let arrangement = tokens["cdr_arrangement_id"].as_str().unwrap().to_string();
    let access = token_of(&tokens);
    // One awaiting authorisation is not listed.
    let pending = authorize(&app, &browser(), SCOPES, &[("sharing_duration", NINETY_DAYS)], "user").await;
    assert!(pending.contains("login_id="));

    // Another customer: not listed, and cannot stop it.
    let other = browser();
    let other_html = portal_sign_in(&app, &other, "user2").await;
    assert!(!other_html.contains(&arrangement));
    let res = portal_stop(&app, &other, arrangement.as_str(), hidden(&other_html, "csrf_token").as_str()).await;
    assert!(matches!(res.status(), StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{}", res.status());
    assert_eq!(managed(&app, &arrangement).await[0]["status"], "Authorised");

    let portal = browser();
    let html = portal_sign_in(&app, &portal, "user").await;
    assert!(html.contains(&arrangement), "{html}");
    assert!(html.contains("Budget Buddy (CDR data recipient)"), "the recipient by name: {html}");
    assert!(html.contains("%2Fstatic%2Fdemo-logo.svg&amp;m="), "and logo, from Assent's origin");
    assert!(html.contains("Transaction details") && html.contains("Name and occupation"), "{html}");
    assert!(html.contains("Everyday Account"), "accounts by name");
    assert!(!html.contains("bank:transactions:read"), "cluster wording, not scopes");
    assert!(!html.contains("Waiting for approval"), "one awaiting authorisation is not listed");
    let confirm = portal
        .get(format!("{}/portal/revoke?consent_id={arrangement}", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // A forged stop (no token) changes nothing.
    let res = portal_stop(&app, &portal, arrangement.as_str(), "forged").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(bank_accounts(&app, &access).await.0, StatusCode::OK);
    let res = portal_stop(&app, &portal, arrangement.as_str(), hidden(&confirm, "csrf_token").as_str()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/portal");
    assert_eq!(bank_accounts(&app, &access).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(managed(&app, &arrangement).await[0]["status"], "Revoked");
    // P-05: its refresh token died with it: the recipient cannot get new access.
    let (status, answer) = refresh(&app, tokens["refresh_token"].as_str().unwrap()).await;
    assert_eq!((status, answer["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")), "{answer}");
    // P-06: the same stop again, as from a second tab: a clear answer, and nothing more ended.
    let res = portal_stop(&app, &portal, arrangement.as_str(), hidden(&confirm, "csrf_token").as_str()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "answered as done");
    assert_eq!(location(&res), "/portal");
    let s = browser();
    crate::assent::console::console_sign_in(&app, &s, "admin").await;
    let record = admin(&app, &s, &format!("/admin/record?id={arrangement}")).await.1;
    assert!(record.contains("Revoked") && record.contains("by the customer"), "{record}");
    assert_eq!(record.matches("<strong>Revoked").count(), 1, "one end, once: {record}");
}

#[tokio::test]
async fn a_denied_amendment_leaves_the_arrangement_as_it_was() {
    let app = spawn_app().await;
    let b = browser();
    let consent = authorize(&app, &b, SCOPES, &[("sharing_duration", NINETY_DAYS)], "user").await;
    let tokens = allow(&app, &b, &consent, &["AU-40001"]).await;
    let arrangement = tokens["cdr_arrangement_id"].as_str().unwrap().to_string();
    let amend = [("sharing_duration", NINETY_DAYS), ("cdr_arrangement_id", arrangement.as_str())];
    let consent = authorize(&app, &b, SCOPES, &amend, "user").await;
    let page = open_consent(&b, &consent).await;
    let callback = CDR.to_recipient(&app, &b, submit(&app, &b, &page, "deny", &[]).await).await;
    assert_eq!(param(&callback, "error").as_deref(), Some("rejected"), "{callback}");
    assert_eq!(bank_accounts(&app, &token_of(&tokens)).await.1, ["AU-40001"], "the arrangement in force still works");
    let listed = managed(&app, &arrangement).await;
    assert_eq!(listed.len(), 1, "a refused amendment is no arrangement: {listed:?}");
    assert_eq!(listed[0]["status"], "Authorised");
    assert_eq!(listed[0]["account_ids"], serde_json::json!(["AU-40001"]));
}

/// The System clients API names every client of the workspace, registered ones too: the portal
/// shows a recipient that registered by DCR under its own name, not its client id.
#[tokio::test]
async fn the_system_clients_list_names_registered_recipients_too() {
    let app = spawn_app().await;
    let registered: Value = Client::new()
        .post(format!("{}/default/{WS}/oauth2/register", app.sandbox_url()))
        .json(&serde_json::json!({
            "redirect_uris": [REDIRECT],
            "client_name": "Pocket Ledger",
            "logo_uri": "https://adr.example/logo.png",
            "token_endpoint_auth_method": "client_secret_basic",
            "scope": "openid bank:accounts.basic:read"
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = registered["client_id"].as_str().unwrap_or_else(|| panic!("{registered}"));
    let token = system_token(&app, "view_clients").await;
    let list: Value = Client::new()
        .get(format!("{}/api/system/default/clients/{WS}", app.sandbox_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let clients = list["clients"].as_array().unwrap_or_else(|| panic!("{list}"));
    let named = |cid: &str| clients.iter().find(|c| c["client_id"] == cid).map(|c| c["client_name"].clone());
    assert_eq!(named(ADR), Some(Value::from("Budget Buddy (CDR data recipient)")), "the seeded one");
    assert_eq!(named(id), Some(Value::from("Pocket Ledger")), "the registered one: {list}");
    let ours = clients.iter().find(|c| c["client_id"] == id).unwrap();
    assert_eq!(ours["logo_uri"], "https://adr.example/logo.png");
    assert!(clients.iter().all(|c| c["client_id"] != "obuk-tpp"), "another workspace's client: {list}");
}

/// D-08, D-09: each arrangement's card in the portal says what the bank disclosed under it (how
/// often, when last, what), and that nothing went out yet under one its recipient never used.
#[tokio::test]
async fn the_portal_says_what_the_bank_disclosed_under_each_arrangement() {
    let app = spawn_app().await;
    let b = browser();
    let consent = authorize(&app, &b, SCOPES, &[("sharing_duration", NINETY_DAYS)], "user").await;
    let used = allow(&app, &b, &consent, &["AU-40001"]).await;
    let b = browser();
    let consent = authorize(&app, &b, SCOPES, &[("sharing_duration", NINETY_DAYS)], "user").await;
    let idle = allow(&app, &b, &consent, &["AU-40002"]).await;
    let access = token_of(&used);
    for _ in 0..2 {
        assert_eq!(bank_accounts(&app, &access).await.0, StatusCode::OK);
    }
    let url = format!("{}/bank/{WS}/cdr/banking/accounts/AU-40001/transactions", app.sandbox_url());
    assert_eq!(bearer_get(&url, &access, &[]).await.0, StatusCode::OK);
    // A request the arrangement does not cover discloses nothing.
    let other = format!("{}/bank/{WS}/cdr/banking/accounts/AU-40002/transactions", app.sandbox_url());
    assert_eq!(bearer_get(&other, &access, &[]).await.0, StatusCode::NOT_FOUND);

    let html = portal_sign_in(&app, &browser(), "user").await.replace("<!>", "");
    let card = |tokens: &Value| consent_card(&html, tokens["cdr_arrangement_id"].as_str().unwrap());
    let used = card(&used);
    assert!(used.contains("Shared 3 times, last on "), "{used}");
    assert!(used.contains(": account names and numbers, transactions<"), "{used}");
    assert!(card(&idle).contains(">Nothing shared yet<"), "{}", card(&idle));
}

#[tokio::test]
async fn the_bank_discloses_nothing_of_an_account_whose_sharing_is_off() {
    let app = spawn_app().await;
    let b = browser();
    let consent = authorize(&app, &b, SCOPES, &[("sharing_duration", NINETY_DAYS)], "user").await;
    let page = open_consent(&b, &consent).await;
    assert!(page.html.contains(r#"data-account="AU-40004""#), "the joint account is listed as unavailable");
    // A consent page other than Assent's names the joint account anyway: the authorization
    // server takes it, and the bank still serves nothing of it.
    let body = serde_json::json!({"login_state": page.login_state, "granted_scopes": SCOPES.split(' ').collect::<Vec<_>>(),
        "account_ids": ["AU-40001", "AU-40004"], "customer_id": "user"});
    let code = accept_past_assent(&app, &b, "cdr/cdr-arrangement", &page, body).await;
    let tokens =
        CDR.token(&app, &[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", REDIRECT)]).await;
    let access = token_of(&tokens);
    assert_eq!(bank_accounts(&app, &access).await, (StatusCode::OK, vec!["AU-40001".to_string()]));
    assert_eq!(bank_transactions(&app, &access, "AU-40004", &[]).await.0, StatusCode::NOT_FOUND);
    assert_eq!(bank_transactions(&app, &access, "AU-40001", &[]).await.0, StatusCode::OK);
    // The customer's card says the joint account is not shared now.
    let portal = browser();
    let html = portal_sign_in(&app, &portal, "user").await;
    let card = consent_card(&html, tokens["cdr_arrangement_id"].as_str().unwrap_or_else(|| panic!("{tokens}")));
    assert!(card.contains("Joint Saver …1234 (not shared now)"), "{card}");
    assert!(card.contains("Everyday Account …5678") && !card.contains("…5678 (not"), "{card}");
}
