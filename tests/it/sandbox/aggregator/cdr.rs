//! The aggregator at Southern Cross Bank (`cdr`), the Australian way: an ongoing CDR
//! arrangement pushed with `sharing_duration`, the customer's choice on Assent's CDR screen,
//! the arrangement kept and its accounts shown in AUD; the bank ending it; Disconnect ending it
//! at the data holder's arrangement revocation endpoint.

use super::*;
use crate::common::*;

/// Every arrangement of the management API at Southern Cross Bank made by `client_id`.
async fn arrangements(app: &TestApp, client_id: &str) -> Vec<Value> {
    let token = system_token(app, "manage_openbanking_consents").await;
    let list: Value = reqwest::Client::new()
        .get(format!("{}/default/system/servers/cdr/cdr/arrangements", app.sandbox_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list["arrangements"].as_array().unwrap().iter().filter(|a| a["client_id"] == client_id).cloned().collect()
}

/// The bank's `GET /bank/cdr/cdr/banking/accounts` with `token`: its status.
async fn bank_status(app: &TestApp, token: &str) -> StatusCode {
    let url = format!("{}/bank/cdr/cdr/banking/accounts", app.sandbox_url());
    reqwest::Client::new().get(url).bearer_auth(token).send().await.unwrap().status()
}

/// Continues a connection to Southern Cross Bank (its `authorize` URL) as `user`, sharing
/// `accounts`: the aggregator's callback followed, back on the dashboard.
async fn connect_cdr(app: &TestApp, b: &reqwest::Client, authorize: &str, accounts: &[&str]) {
    let res = sign_in(app, b, authorize, "user").await;
    let consent_url = location(&res);
    assert!(consent_url.contains("consent_type=cdr_arrangement"), "{consent_url}");
    let page = open_consent(b, &consent_url).await;
    assert!(page.html.contains("Assent Aggregator") && page.html.contains("90 days,"), "{}", page.html);
    let fields: Vec<(&str, &str)> = accounts.iter().map(|a| ("account[]", *a)).collect();
    let callback = allow_connection(app, b, "cdr", &page, &fields).await;
    let res = b.get(&callback).send().await.unwrap();
    assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, "/aggregator".to_string()));
}

#[tokio::test]
async fn the_aggregator_connects_southern_cross_bank_under_a_cdr_arrangement_and_ends_it() {
    let app = spawn_app().await;
    let b = browser();
    let base = app.sandbox_url().to_string();
    aggregator_sign_in(&app, &b).await;

    // Registered at Southern Cross Bank by DCR, with private_key_jwt, for its banking scopes.
    let reg: Value =
        serde_json::from_str(&app.sandbox().store.meta("aggregator:registration:cdr").unwrap().unwrap()).unwrap();
    let client_id = reg["client_id"].as_str().unwrap().to_string();
    let (workspace, _, client) = app.sandbox().client(&client_id).unwrap();
    assert_eq!((workspace.as_str(), client.token_endpoint_auth_method.as_str()), ("cdr", "private_key_jwt"));
    assert_eq!(
        client.scopes,
        ["openid", "bank:accounts.basic:read", "bank:accounts.detail:read", "bank:transactions:read"]
    );
    let (html, _) = dashboard(&app, &b).await;
    let (southern, status) = card(&html, "cdr");
    assert_eq!(status, "not-connected");
    assert!(southern.contains("Connect Southern Cross Bank") && southern.contains("Consumer Data Right"), "{southern}");

    // Go Bank connected too, the Open Banking way.
    let (callback, _) = connect(&app, &b, "gobank", "user").await;
    assert_eq!(b.get(&callback).send().await.unwrap().status(), StatusCode::SEE_OTHER);

    // The pushed request made an ongoing arrangement of about 90 days, awaiting the customer.
    let authorize = push_connection(&app, &b, "cdr").await;
    let pending = arrangements(&app, &client_id).await;
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(
        (pending[0]["status"].as_str(), pending[0]["sharing_type"].as_str()),
        (Some("AwaitingAuthorisation"), Some("reusable"))
    );
    let expiry = chrono::DateTime::parse_from_rfc3339(pending[0]["expiry"].as_str().unwrap()).unwrap();
    let days = (expiry.timestamp() - chrono::Utc::now().timestamp()) / 86_400;
    assert!((89..=90).contains(&days), "about 90 days: {days}");

    connect_cdr(&app, &b, &authorize, &["AU-40001", "AU-40003"]).await;
    let given: Vec<Value> =
        arrangements(&app, &client_id).await.into_iter().filter(|a| a["status"] == "Authorised").collect();
    assert_eq!(given.len(), 1, "{given:?}");
    let arrangement = given[0]["cdr_arrangement_id"].as_str().unwrap().to_string();
    assert_eq!(given[0]["account_ids"], json!(["AU-40001", "AU-40003"]));
    let link = kept(&app, "cdr");
    assert_eq!(link["arrangement_id"], arrangement.as_str(), "the arrangement kept with the tokens");
    assert!(link["refresh_token"].is_string(), "an ongoing arrangement is refreshed: {link}");

    // The dashboard: exactly those accounts, their balances in Australian dollars.
    let (html, _) = dashboard(&app, &b).await;
    let (southern, status) = card(&html, "cdr");
    assert_eq!(status, "connected", "{southern}");
    assert_eq!(shown_accounts(southern), ["AU-40001", "AU-40003"]);
    assert_eq!(southern.matches("data-currency=\"AUD\"").count(), 2, "{southern}");
    assert!(!southern.contains("data-currency=\"USD\"") && !southern.contains("data-currency=\"GBP\""));
    assert!(southern.contains("A$2140.25") && southern.contains("-A$455.90"), "balances: {southern}");
    assert!(!southern.contains("A$12500.00"), "only the chosen accounts: {southern}");
    // Their recent transactions, from the bank's CDR transactions API, newest first.
    assert_eq!(southern.matches("data-testid=\"transaction\"").count(), 3, "{southern}");
    let (woolworths, salary) = (southern.find("Woolworths").unwrap(), southern.find("Salary").unwrap());
    assert!(woolworths < salary && southern.contains("-A$86.40") && southern.contains("A$3650.00"), "{southern}");
    assert!(southern.contains("Qantas") && !southern.contains("Bonus interest"), "{southern}");
    assert!(!southern.contains("Pay someone"), "payments at UK banks only");
    assert_eq!(card(&html, "gobank").1, "connected");

    // The arrangement revocation endpoint, as the data holder's discovery names it (a CDR
    // workspace's alone) and the aggregator learnt it.
    let revoke = format!("{base}/default/cdr/arrangements/revoke");
    let discovery = |wid: &str| {
        let url = format!("{base}/default/{wid}/.well-known/openid-configuration");
        async move { reqwest::get(url).await.unwrap().json::<Value>().await.unwrap() }
    };
    assert_eq!(discovery("cdr").await["cdr_arrangement_revocation_endpoint"], revoke.as_str());
    assert!(discovery("gobank").await.get("cdr_arrangement_revocation_endpoint").is_none());
    assert_eq!(reg["arrangement_revocation_endpoint"], revoke.as_str());

    // It is its recipient's alone: another client (Budget Buddy) cannot end it, nor can a
    // caller without client authentication.
    let adr_secret = app.sandbox().store.meta("client_secret:cdr-adr").unwrap().unwrap();
    let res = reqwest::Client::new()
        .post(&revoke)
        .basic_auth("cdr-adr", Some(adr_secret))
        .form(&[("cdr_arrangement_id", arrangement.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "urn:au-cds:error:cds-all:Authorisation/InvalidArrangement");
    let res = reqwest::Client::new().post(&revoke).form(&[("cdr_arrangement_id", arrangement.as_str())]).send();
    assert_eq!(res.await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(card(&dashboard(&app, &b).await.0, "cdr").1, "connected", "still in force");

    // The bank ends the arrangement (its management API): Southern Cross Bank shows ended,
    // with Reconnect; Go Bank still connected.
    end_at_bank(
        &app,
        &format!("/default/system/servers/cdr/cdr/arrangements/{arrangement}"),
        "manage_openbanking_consents",
    )
    .await;
    ended_alone(&app, &b, "cdr", "gobank").await;

    // Reconnect: a new arrangement, one account this time.
    let authorize = push_connection(&app, &b, "cdr").await;
    connect_cdr(&app, &b, &authorize, &["AU-40002"]).await;
    let link = kept(&app, "cdr");
    let new_arrangement = link["arrangement_id"].as_str().unwrap().to_string();
    assert_ne!(new_arrangement, arrangement);
    let (html, _) = dashboard(&app, &b).await;
    let (southern, status) = card(&html, "cdr");
    assert_eq!(status, "connected", "{southern}");
    assert_eq!(shown_accounts(southern), ["AU-40002"]);
    assert!(southern.contains("A$12500.00"), "{southern}");

    // Disconnect: the arrangement ended at the data holder by its recipient, the tokens revoked,
    // then forgotten; the bank answers 401 to the old token; Go Bank still connected.
    let (access, refresh) = (link["access_token"].as_str().unwrap(), link["refresh_token"].as_str().unwrap());
    assert_eq!(bank_status(&app, access).await, StatusCode::OK);
    // The bank opens the transactions of the arrangement's accounts only.
    let transactions = |account: &str| format!("{base}/bank/cdr/cdr/banking/accounts/{account}/transactions");
    let (_, shared) = bearer_get(&transactions("AU-40002"), access, &[]).await;
    assert_eq!(shared["data"]["transactions"][0]["description"], "Bonus interest", "{shared}");
    assert_eq!(shared["data"]["transactions"][0]["amount"], "41.10", "{shared}");
    let (status, body) = bearer_get(&transactions("AU-40001"), access, &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no longer shared");
    assert_eq!(body["errors"][0]["code"], "urn:au-cds:error:cds-banking:Authorisation/UnavailableBankingAccount");
    assert!(active(&app, "cdr", access).await && active(&app, "cdr", refresh).await);
    disconnect(&app, &b, "cdr").await;
    assert_eq!(bank_status(&app, access).await, StatusCode::UNAUTHORIZED, "the bank refuses the old token");
    assert!(!active(&app, "cdr", access).await && !active(&app, "cdr", refresh).await, "tokens revoked");
    assert!(app.sandbox().store.aggregator_link("demo", "cdr").unwrap().is_none(), "forgotten");
    let ended: Vec<Value> = arrangements(&app, &client_id)
        .await
        .into_iter()
        .filter(|a| a["cdr_arrangement_id"] == new_arrangement.as_str())
        .collect();
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0]["status"], "Revoked", "the arrangement itself ended, not only the tokens");
    let rows = app.sandbox().store.fdx_consents("cdr").unwrap();
    let row = rows.iter().find(|r| r.request.contains(&new_arrangement) && r.status == "Revoked").unwrap();
    assert!(row.revocation.as_deref().unwrap_or_default().contains("data_recipient"), "{:?}", row.revocation);
    let (html, _) = dashboard(&app, &b).await;
    assert_eq!((card(&html, "cdr").1, card(&html, "gobank").1), ("not-connected".into(), "connected".into()));
}
