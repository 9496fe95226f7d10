//! UK Open Banking account access through the sandbox and Assent: the data recipient creates
//! the consent resource with a client-credentials token, pushes its authorization request
//! naming it, the customer chooses accounts on Assent's account-access screen, and the bank
//! serves exactly those, until the consent is revoked.

use super::recipient::{admin, param, uk_managed, UK};
use crate::common::*;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const WS: &str = UK.ws;
const TPP: &str = UK.client;
const REDIRECT: &str = UK.redirect;

/// `POST …/account-access-consents` with `data`: the answer's status and body.
pub(crate) async fn create_consent(app: &TestApp, data: Value) -> (StatusCode, Value) {
    let token = UK.token(app, &[("grant_type", "client_credentials"), ("scope", "accounts")]).await;
    let res = Client::new()
        .post(format!("{}/default/{WS}/open-banking/v3.1/aisp/account-access-consents", app.sandbox_url()))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .json(&json!({"Data": data, "Risk": {}}))
        .send()
        .await
        .unwrap();
    (res.status(), res.json().await.unwrap())
}

fn asks() -> Value {
    let in_a_year = (chrono::Utc::now() + chrono::Duration::days(365)).to_rfc3339();
    json!({
        "Permissions": ["ReadAccountsDetail", "ReadBalances", "ReadTransactionsDetail", "ReadTransactionsCredits",
                        "ReadTransactionsDebits", "ReadStandingOrdersBasic", "ReadPartyPSU"],
        "ExpirationDateTime": in_a_year,
        "TransactionFromDateTime": "2024-01-01T00:00:00Z",
        "TransactionToDateTime": "2026-12-31T00:00:00Z",
    })
}

/// The recipient's PAR naming consent `id` (in `claims`, see the profile), then authorize and
/// sign in as `user`: Assent's consent URL.
pub(crate) async fn authorize(app: &TestApp, b: &Client, id: &str, user: &str) -> String {
    let claims = json!({"id_token": {"openbanking_intent_id": {"value": id, "essential": true}}}).to_string();
    let (_, par) = UK.par(app, "openid accounts", &[("claims", &claims)]).await;
    let uri = par["request_uri"].as_str().unwrap_or_else(|| panic!("{par}"));
    UK.sign_in(app, b, uri, user).await
}

/// A consent created and authorized as far as Assent's screen: its id and the screen's URL.
pub(crate) async fn start_uk(app: &TestApp, b: &Client, user: &str) -> (String, String) {
    let (status, body) = create_consent(app, asks()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["Data"]["Status"], "AwaitingAuthorisation");
    let id = body["Data"]["ConsentId"].as_str().unwrap().to_string();
    let consent = authorize(app, b, &id, user).await;
    assert!(consent.starts_with(&format!("{}/consent?", app.url)), "{consent}");
    assert!(consent.contains("consent_type=account_access"), "{consent}");
    (id, consent)
}

/// The bank's `GET /bank/obuk/aisp/accounts` with `token`.
async fn bank_accounts(app: &TestApp, token: &str) -> (StatusCode, Value) {
    let res = Client::new()
        .get(format!("{}/bank/{WS}/aisp/accounts", app.sandbox_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (res.status(), res.json().await.unwrap_or(Value::Null))
}

fn post_fields<'a>(decision_accounts: &'a [&'a str]) -> Vec<(&'a str, &'a str)> {
    decision_accounts.iter().map(|a| ("account[]", *a)).collect()
}

#[tokio::test]
async fn the_recipient_gets_exactly_the_accounts_chosen_until_the_consent_is_revoked() {
    let app = spawn_app().await;
    let b = browser();
    let (id, consent) = start_uk(&app, &b, "user").await;
    let page = open_consent(&b, &consent).await;
    let html = &page.html;
    // Who asks, the data in the UK's words (never the codes), the dates, the accounts unticked.
    assert!(html.contains("Money Map (UK account information)"), "{html}");
    for cluster in
        ["Your account details", "Your regular payments", "Your account transactions", "Contact and party details"]
    {
        assert!(html.contains(cluster), "{cluster}: {html}");
    }
    assert!(!html.contains("Your statements"), "only what is asked for");
    for code in ["ReadAccountsDetail", "ReadTransactionsDetail", "ReadPartyPSU", "ReadStandingOrdersBasic"] {
        assert!(!html.contains(code), "raw code {code} shown");
    }
    assert!(html.contains("January 1, 2024") && html.contains("December 31, 2026"), "the transaction window: {html}");
    for account in ["UK-30001", "UK-30002", "UK-30003"] {
        assert!(html.contains(&format!("value=\"{account}\"")), "{account}");
    }
    assert!(!html.contains("UK-30101"), "only the customer's own accounts");
    assert!(!html.contains("checked"), "nothing pre-ticked");

    // Allow with no account: asked again. Someone else's account: refused.
    let res = submit_fields(&app, &b, &page, "allow", &[]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Choose at least one account"));
    let res = submit_fields(&app, &b, &page, "allow", &post_fields(&["UK-30001", "UK-30101"])).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(uk_managed(&app, &id).await["status"], "AwaitingAuthorisation");

    let res = submit_fields(&app, &b, &page, "allow", &post_fields(&["UK-30003", "UK-30001"])).await;
    let callback = UK.to_recipient(&app, &b, res).await;
    let code = param(&callback, "code").unwrap_or_else(|| panic!("{callback}"));
    let tokens =
        UK.token(&app, &[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", REDIRECT)]).await;
    let access = tokens["access_token"].as_str().unwrap_or_else(|| panic!("{tokens}")).to_string();

    let entry = uk_managed(&app, &id).await;
    assert_eq!(entry["status"], "Authorised", "{entry}");
    assert_eq!(entry["account_ids"], json!(["UK-30001", "UK-30003"]));
    assert_eq!(entry["Client"]["name"], "Money Map (UK account information)");
    let (status, body) = bank_accounts(&app, &access).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut served: Vec<&str> =
        body["Data"]["Account"].as_array().unwrap().iter().map(|a| a["AccountId"].as_str().unwrap()).collect();
    served.sort();
    assert_eq!(served, ["UK-30001", "UK-30003"]);

    // Revoked through the management API: the bank says 401 at once.
    revoke_through_management_api(&app, &id).await;
    assert_eq!(uk_managed(&app, &id).await["status"], "Revoked");
    assert_eq!(bank_accounts(&app, &access).await.0, StatusCode::UNAUTHORIZED);
}

/// Revokes UK consent `id` through the management API (as the bank's tools would): 204.
pub(crate) async fn revoke_through_management_api(app: &TestApp, id: &str) {
    let token = system_token(app, "manage_openbanking_consents").await;
    let res = Client::new()
        .delete(format!("{}/api/system/default/servers/{WS}/open-banking/consents/{id}", app.sandbox_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn deny_rejects_the_consent_and_tells_the_recipient() {
    let app = spawn_app().await;
    let b = browser();
    let (id, consent) = start_uk(&app, &b, "user").await;
    let page = open_consent(&b, &consent).await;
    let callback = UK.to_recipient(&app, &b, submit_fields(&app, &b, &page, "deny", &[]).await).await;
    assert_eq!(param(&callback, "error").as_deref(), Some("rejected"), "{callback}");
    assert_eq!(param(&callback, "error_cause").as_deref(), Some("consent_rejected"));
    assert_eq!(uk_managed(&app, &id).await["status"], "Rejected");
}

#[tokio::test]
async fn impossible_requests_are_refused_clearly() {
    let app = spawn_app().await;
    let past = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339();
    let (status, body) =
        create_consent(&app, json!({"Permissions": ["ReadAccountsBasic"], "ExpirationDateTime": past})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["Errors"][0]["Message"].as_str().unwrap().contains("in the past"), "{body}");
    let (status, _) = create_consent(&app, json!({"Permissions": ["ReadEverything"]})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // A consent that runs out while the customer reads the page: Assent says so, and nothing
    // is granted.
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    let (status, body) =
        create_consent(&app, json!({"Permissions": ["ReadAccountsBasic"], "ExpirationDateTime": soon})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["Data"]["ConsentId"].as_str().unwrap().to_string();
    let b = browser();
    let consent = authorize(&app, &b, &id, "user").await;
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let res = b.get(&consent).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::GONE);
    assert!(res.text().await.unwrap().contains("has expired"));
    assert_eq!(uk_managed(&app, &id).await["status"], "AwaitingAuthorisation");

    // A request naming a consent it may not name is refused at PAR, before anyone signs in:
    // one that does not exist, and one a customer is already authorising (the one above).
    for named in ["no-such-consent", id.as_str()] {
        let claims = json!({"id_token": {"openbanking_intent_id": {"value": named, "essential": true}}}).to_string();
        let (status, body) = UK.par(&app, "openid accounts", &[("claims", &claims)]).await;
        assert_eq!((status, body["error_code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_request")), "{body}");
        assert!(body["error"].as_str().unwrap().contains("openbanking_intent_id"), "{body}");
    }
}

/// `user` allows consent `id` at `consent` with `accounts`: the recipient's access token.
pub(crate) async fn allow(app: &TestApp, b: &Client, consent: &str, accounts: &[&str]) -> String {
    let page = open_consent(b, consent).await;
    let res = submit_fields(app, b, &page, "allow", &post_fields(accounts)).await;
    let callback = UK.to_recipient(app, b, res).await;
    let code = param(&callback, "code").unwrap_or_else(|| panic!("{callback}"));
    let tokens =
        UK.token(app, &[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", REDIRECT)]).await;
    tokens["access_token"].as_str().unwrap_or_else(|| panic!("{tokens}")).to_string()
}

#[tokio::test]
async fn an_allowed_uk_consent_is_recorded_by_its_consent_id_and_staff_end_it_for_real() {
    let app = spawn_app().await;
    let b = browser();
    let (id, consent) = start_uk(&app, &b, "user").await;
    let access = allow(&app, &b, &consent, &["UK-30003", "UK-30001"]).await;
    assert_eq!(bank_accounts(&app, &access).await.0, StatusCode::OK);

    let s = browser();
    crate::assent::console::console_sign_in(&app, &s, "admin").await;
    let (_, found) = admin(&app, &s, &format!("/admin?q={TPP}")).await;
    assert!(found.contains(&format!("/admin/record?id={id}")), "the record's id is the ConsentId: {found}");
    let (_, by_account) = admin(&app, &s, "/admin?q=UK-30003").await;
    assert!(by_account.contains(&format!("/admin/record?id={id}")), "{by_account}");
    assert!(!admin(&app, &s, "/admin?q=UK-30002").await.1.contains(&id), "only the accounts granted");
    let (status, record) = admin(&app, &s, &format!("/admin/record?id={id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(record.contains("Money Map (UK account information)") && record.contains("Granted"), "{record}");
    assert!(record.contains("ReadAccountsDetail"), "the permissions: {record}");

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
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(uk_managed(&app, &id).await["status"], "Revoked");
    assert_eq!(bank_accounts(&app, &access).await.0, StatusCode::UNAUTHORIZED);
    assert!(admin(&app, &s, &format!("/admin/record?id={id}")).await.1.contains("Revoked"));
}

#[tokio::test]
async fn a_denied_uk_consent_leaves_a_rejected_record() {
    let app = spawn_app().await;
    let b = browser();
    let (id, consent) = start_uk(&app, &b, "user").await;
    let page = open_consent(&b, &consent).await;
    UK.to_recipient(&app, &b, submit_fields(&app, &b, &page, "deny", &[]).await).await;
    let s = browser();
    crate::assent::console::console_sign_in(&app, &s, "admin").await;
    let (status, record) = admin(&app, &s, &format!("/admin/record?id={id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(record.contains("Declined") && record.contains("by the customer"), "{record}");
}

#[tokio::test]
async fn the_portal_lists_and_stops_a_uk_consent_of_its_own_user_only() {
    let app = spawn_app().await;
    let b = browser();
    let (id, consent) = start_uk(&app, &b, "user").await;
    let access = allow(&app, &b, &consent, &["UK-30001"]).await;

    // Another user: not listed, and cannot stop it.
    let other = browser();
    let other_html = portal_sign_in(&app, &other, "user2").await;
    assert!(!other_html.contains(&id));
    let res = portal_stop(&app, &other, id.as_str(), hidden(&other_html, "csrf_token").as_str()).await;
    assert!(matches!(res.status(), StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{}", res.status());
    assert_eq!(uk_managed(&app, &id).await["status"], "Authorised");
    // A customer with no UK account at all: an empty account filter lists every consent at
    // the management API, so Assent does not ask, and shows and stops none.
    assert!(app.sandbox().ledger_of("obuk").accounts_of("user5").next().is_none(), "user5 banks elsewhere");
    let none = browser();
    let none_html = portal_sign_in(&app, &none, "user5").await;
    assert!(!none_html.contains(&id), "{none_html}");
    let res = portal_stop(&app, &none, id.as_str(), hidden(&none_html, "csrf_token").as_str()).await;
    assert!(matches!(res.status(), StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{}", res.status());
    assert_eq!(uk_managed(&app, &id).await["status"], "Authorised");

    let portal = browser();
    let html = portal_sign_in(&app, &portal, "user").await;
    assert!(html.contains(&id) && html.contains("Money Map (UK account information)"), "{html}");
    let card = html.split(&format!("data-consent-id=\"{id}\"")).nth(1).unwrap().split("</li>").next().unwrap();
    assert!(card.contains("<span class=\"bank\">Albion Bank"), "the card names its bank: {card}");
    assert!(html.contains("Your account details") && html.contains("Contact and party details"), "{html}");
    assert!(!html.contains("ReadAccountsDetail"), "cluster wording, not codes");
    let confirm =
        portal.get(format!("{}/portal/revoke?consent_id={id}", app.url)).send().await.unwrap().text().await.unwrap();
    let res = portal_stop(&app, &portal, id.as_str(), hidden(&confirm, "csrf_token").as_str()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/portal");
    assert_eq!(bank_accounts(&app, &access).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(uk_managed(&app, &id).await["status"], "Revoked");
    let s = browser();
    crate::assent::console::console_sign_in(&app, &s, "admin").await;
    let record = admin(&app, &s, &format!("/admin/record?id={id}")).await.1;
    assert!(record.contains("Revoked") && record.contains("by the customer"), "{record}");
}

/// The bank's `GET /bank/obuk/aisp/accounts/{id}/{what}` with `token`.
pub(crate) async fn bank_read(app: &TestApp, token: &str, id: &str, what: &str) -> (StatusCode, Value) {
    bearer_get(&format!("{}/bank/{WS}/aisp/accounts/{id}/{what}", app.sandbox_url()), token, &[]).await
}

#[tokio::test]
async fn balances_and_transactions_are_served_as_the_consent_allows() {
    let app = spawn_app().await;
    // Balances and every transaction in detail, for the card.
    let (status, body) = create_consent(
        &app,
        json!({"Permissions": ["ReadAccountsDetail", "ReadBalances", "ReadTransactionsDetail",
                               "ReadTransactionsCredits", "ReadTransactionsDebits"]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let full_id = body["Data"]["ConsentId"].as_str().unwrap().to_string();
    let b = browser();
    let consent = authorize(&app, &b, &full_id, "user").await;
    let full = allow(&app, &b, &consent, &["UK-30003"]).await;
    let (status, body) = bank_read(&app, &full, "UK-30003", "balances").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let balance = &body["Data"]["Balance"][0];
    assert_eq!(balance["Amount"], json!({"Amount": "312.55", "Currency": "GBP"}));
    assert_eq!(
        (balance["CreditDebitIndicator"].as_str(), balance["AccountId"].as_str()),
        (Some("Debit"), Some("UK-30003"))
    );
    let (status, body) = bank_read(&app, &full, "UK-30003", "transactions").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let tx = &body["Data"]["Transaction"][0];
    assert_eq!(
        (tx["TransactionInformation"].as_str(), tx["CreditDebitIndicator"].as_str()),
        (Some("Waterstones"), Some("Debit"))
    );
    assert_eq!(tx["Amount"], json!({"Amount": "18.99", "Currency": "GBP"}));
    // Another account of the same customer, not consented: refused.
    for what in ["balances", "transactions"] {
        assert_eq!(bank_read(&app, &full, "UK-30001", what).await.0, StatusCode::FORBIDDEN, "{what}");
        assert_eq!(bank_read(&app, &full, "UK-30101", what).await.0, StatusCode::FORBIDDEN, "{what}");
    }

    // Credits only, without details or balances, within a window that ends before today.
    let two_days_ago = (chrono::Utc::now() - chrono::Duration::days(2)).to_rfc3339();
    let (status, body) = create_consent(
        &app,
        json!({"Permissions": ["ReadAccountsBasic", "ReadTransactionsBasic", "ReadTransactionsCredits"],
               "TransactionToDateTime": two_days_ago}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["Data"]["ConsentId"].as_str().unwrap().to_string();
    let b = browser();
    let consent = authorize(&app, &b, &id, "user").await;
    let basic = allow(&app, &b, &consent, &["UK-30001"]).await;
    assert_eq!(bank_read(&app, &basic, "UK-30001", "balances").await.0, StatusCode::FORBIDDEN, "no ReadBalances");
    let (status, body) = bank_read(&app, &basic, "UK-30001", "transactions").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let txs = body["Data"]["Transaction"].as_array().unwrap();
    // UK-30001: Tesco (debit, yesterday), Salary (credit, 3 days ago), TfL (debit, 6 days ago).
    assert_eq!(txs.len(), 1, "{body}");
    assert_eq!(
        (txs[0]["TransactionId"].as_str(), txs[0]["CreditDebitIndicator"].as_str()),
        (Some("UK-30001-2"), Some("Credit"))
    );
    assert!(txs[0].get("TransactionInformation").is_none(), "no details without ReadTransactionsDetail");

    // Revoked: 401 for both.
    revoke_through_management_api(&app, &id).await;
    for what in ["balances", "transactions"] {
        assert_eq!(bank_read(&app, &basic, "UK-30001", what).await.0, StatusCode::UNAUTHORIZED, "{what}");
    }
    assert_eq!(bank_read(&app, &full, "UK-30003", "balances").await.0, StatusCode::OK, "the other consent stands");

    // The recipient ends its own consent: 204 (again too), its tokens dead; nobody else may.
    let url = format!("{}/default/{WS}/open-banking/v3.1/aisp/account-access-consents/{full_id}", app.sandbox_url());
    let system = system_token(&app, "manage_openbanking_consents").await;
    let res = Client::new().delete(&url).bearer_auth(&system).send().await.unwrap();
    assert!(res.status().is_client_error(), "a token of another workspace: {}", res.status());
    assert_eq!(uk_managed(&app, &full_id).await["status"], "Authorised");
    let cc = UK.token(&app, &[("grant_type", "client_credentials"), ("scope", "accounts")]).await;
    let cc = cc["access_token"].as_str().unwrap();
    for _ in 0..2 {
        assert_eq!(Client::new().delete(&url).bearer_auth(cc).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    }
    assert_eq!(uk_managed(&app, &full_id).await["status"], "Revoked");
    assert_eq!(bank_read(&app, &full, "UK-30003", "balances").await.0, StatusCode::UNAUTHORIZED);
}

/// A UK workspace whose people are not the portal's (its own `users`: a subject there is
/// someone else): the portal asks its bank about no one, lists none of its consents and stops
/// none.
#[tokio::test]
async fn the_portal_lists_and_stops_nothing_at_a_bank_whose_people_are_others() {
    let app =
        spawn_app_with(".", |c| c.workspaces.entry("obuk".into()).or_default().users = Some("albion".into())).await;
    let b = browser();
    let (id, consent) = start_uk(&app, &b, "user").await;
    allow(&app, &b, &consent, &["UK-30001"]).await;
    let portal = browser();
    let html = portal_sign_in(&app, &portal, "user").await;
    assert!(!html.contains(&id), "{html}");
    let res = portal_stop(&app, &portal, id.as_str(), hidden(&html, "csrf_token").as_str()).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(uk_managed(&app, &id).await["status"], "Authorised");
}

/// One bank's API down (here the FDX bank, unreachable) costs the portal that bank's consents
/// only: the page shows the others with a word that some are missing, and a UK consent is still
/// stopped (it was a 502 page, and no stop, before).
#[tokio::test]
async fn the_portal_shows_and_stops_what_it_can_when_one_bank_is_down() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let app = spawn_app_with(".", |c| {
        c.bank = Some(assent::server::config::BankConfig {
            url: url::Url::parse(&format!("http://{closed}/bank")).unwrap(),
            id_claim: Some("customer_id".into()),
            workspace: Some("fdx".into()),
            account_scopes: assent::server::config::default_account_scopes(),
        });
    })
    .await;
    let b = browser();
    let (id, consent) = start_uk(&app, &b, "user").await;
    allow(&app, &b, &consent, &["UK-30001"]).await;

    let portal = browser();
    let html = portal_sign_in(&app, &portal, "user").await;
    assert!(html.contains(&id) && html.contains("data-testid=\"partial\""), "{html}");
    assert!(html.contains("may be incomplete"), "{html}");
    let res = portal_stop(&app, &portal, id.as_str(), hidden(&html, "csrf_token").as_str()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(uk_managed(&app, &id).await["status"], "Revoked");
}

/// A customer with more UK consents than one page of the management list sees every one in
/// the portal, and can stop the oldest (the list was read as one page).
#[tokio::test]
async fn a_customer_with_more_uk_consents_than_a_page_sees_and_can_stop_each() {
    let app = spawn_app().await;
    let b = browser();
    let (id, consent) = start_uk(&app, &b, "user").await;
    allow(&app, &b, &consent, &["UK-30001"]).await;
    // 149 more like it, each a little older: 150 in all, two pages of 100.
    let store = &app.sandbox().store;
    let first = store.fdx_consent(&id).unwrap().expect("the consent given through Assent");
    for n in 1..150 {
        let mut row = first.clone();
        row.id = format!("older-uk-{n:03}");
        row.created_at -= n;
        store.insert_fdx_consent(&row).unwrap();
    }
    let portal = browser();
    let html = portal_sign_in(&app, &portal, "user").await;
    assert!(html.contains(&id), "the newest");
    for n in [1, 99, 100, 101, 149] {
        assert!(html.contains(&format!("older-uk-{n:03}")), "older-uk-{n:03}, on either page");
    }
    let res = portal_stop(&app, &portal, "older-uk-149", hidden(&html, "csrf_token").as_str()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(store.fdx_consent("older-uk-149").unwrap().unwrap().status, "Revoked");
}

/// A UK consent ended outside Assent (here through the management API, as the bank's own
/// tools or the recipient would) ends its record when the customer's portal next lists it.
#[tokio::test]
async fn a_uk_consent_ended_elsewhere_ends_its_record_when_the_portal_lists_it() {
    use assent::server::records::{Actor, Status};
    let app = spawn_app().await;
    let b = browser();
    let (id, consent) = start_uk(&app, &b, "user").await;
    allow(&app, &b, &consent, &["UK-30002"]).await;
    revoke_through_management_api(&app, &id).await;
    assert_eq!(app.state.records.get(&id).await.unwrap().unwrap().status, Status::Authorized, "Assent was not told");

    let portal = portal_sign_in(&app, &browser(), "user").await;
    let record = app.state.records.get(&id).await.unwrap().unwrap();
    assert_eq!((record.status, record.history.last().unwrap().by), (Status::Revoked, Actor::AuthorizationServer));
    assert!(portal_records(&portal).contains("Ended at the bank"), "{portal}");
}

/// D-08, D-09 for UK consents too: each card says what the bank disclosed under it (how
/// often, when last, what), or that nothing has gone out yet; a request the consent does not
/// cover discloses nothing.
#[tokio::test]
async fn the_portal_says_what_the_uk_bank_disclosed_under_each_consent() {
    let app = spawn_app().await;
    let b = browser();
    let (used, consent) = start_uk(&app, &b, "user").await;
    let access = allow(&app, &b, &consent, &["UK-30001"]).await;
    let b = browser();
    let (idle, consent) = start_uk(&app, &b, "user").await;
    allow(&app, &b, &consent, &["UK-30002"]).await;
    for _ in 0..2 {
        assert_eq!(bank_accounts(&app, &access).await.0, StatusCode::OK);
    }
    assert_eq!(bank_read(&app, &access, "UK-30001", "balances").await.0, StatusCode::OK);
    assert_eq!(bank_read(&app, &access, "UK-30002", "balances").await.0, StatusCode::FORBIDDEN);

    let html = portal_sign_in(&app, &browser(), "user").await.replace("<!>", "");
    let used = consent_card(&html, &used);
    assert!(used.contains("Shared 3 times, last on "), "{used}");
    assert!(used.contains(": account names and numbers, balances<"), "{used}");
    let idle = consent_card(&html, &idle);
    assert!(idle.contains(">Nothing shared yet<"), "{idle}");
}

#[tokio::test]
async fn the_bank_discloses_nothing_of_an_account_it_says_is_blocked() {
    let app = spawn_app().await;
    let b = browser();
    let (_, consent) = start_uk(&app, &b, "user2").await;
    let page = open_consent(&b, &consent).await;
    assert!(page.html.contains(r#"data-account="UK-30102""#), "the blocked Cash ISA is listed apart");
    // A consent page other than Assent's names the blocked account anyway: the authorization
    // server takes it, and the bank still serves nothing of it.
    let body = json!({"login_state": page.login_state, "granted_scopes": ["openid", "accounts"],
        "account_ids": ["UK-30101", "UK-30102"]});
    let code = accept_past_assent(&app, &b, "open-banking/account-access-consent", &page, body).await;
    let tokens =
        UK.token(&app, &[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", REDIRECT)]).await;
    let access = tokens["access_token"].as_str().unwrap_or_else(|| panic!("{tokens}"));
    let (status, listed) = bank_accounts(&app, access).await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    let ids: Vec<&str> =
        listed["Data"]["Account"].as_array().unwrap().iter().map(|a| a["AccountId"].as_str().unwrap()).collect();
    assert_eq!(ids, ["UK-30101"]);
    assert_eq!(bank_read(&app, access, "UK-30102", "balances").await.0, StatusCode::FORBIDDEN);
    assert_eq!(bank_read(&app, access, "UK-30101", "balances").await.0, StatusCode::OK);
}
