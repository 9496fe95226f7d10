//! Hyperscale Bank keeps its consent records in an identity pool (issue 21; the quickstart's
//! `identity` storage mode): each consent given at `hyperscalebank` is a user of the pool
//! `hyperscalebank-consents` whose id is the grant's `consent_id`, with the payload the bank
//! reads; Assent's own store holds none of them. The portal and the staff console list both
//! banks' records, each named by its bank, and revoking one ends it at its own bank only.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

const POOL: &str = "hyperscalebank-consents";

/// A consent flow of `wid`'s sample application (`{wid}-tpp`) for `user`, started as the
/// quickstart's TPP starts it (PAR, PKCE), up to Assent's consent page.
async fn bank_consent(app: &TestApp, b: &reqwest::Client, wid: &str, user: &str) -> (ConsentPage, String) {
    let (verifier, challenge) = super::records::pkce();
    let client = format!("{wid}-tpp");
    let secret = app.sandbox().store.meta(&format!("client_secret:{client}")).unwrap().unwrap();
    let form = [
        ("response_type", "code".to_string()),
        ("redirect_uri", "https://tpp.example/callback".to_string()),
        ("scope", "openid accounts".to_string()),
        ("state", "st-pool".to_string()),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256".to_string()),
    ];
    let pushed: Value = reqwest::Client::new()
        .post(format!("{}/default/{wid}/par", app.sandbox_url()))
        .basic_auth(&client, Some(&secret))
        .form(&form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let request_uri: String =
        url::form_urlencoded::byte_serialize(pushed["request_uri"].as_str().unwrap().as_bytes()).collect();
    let authorize =
        format!("{}/default/{wid}/oauth2/authorize?client_id={client}&request_uri={request_uri}", app.sandbox_url());
    let res = sign_in(app, b, &authorize, user).await;
    (open_consent(b, &location(&res)).await, verifier)
}

/// The account ids a consent page offers.
fn offered(html: &str) -> Vec<String> {
    html.split("name=\"account[]\"")
        .skip(1)
        .map(|rest| {
            let v = rest.find("value=\"").unwrap() + 7;
            rest[v..v + rest[v..].find('"').unwrap()].to_string()
        })
        .collect()
}

/// Allows `page` with `account`, and exchanges the code: the application's access token.
async fn allow(
    app: &TestApp,
    b: &reqwest::Client,
    wid: &str,
    page: &ConsentPage,
    account: &str,
    verifier: &str,
) -> String {
    let res = submit_fields(app, b, page, "allow", &[("scope[]", "accounts"), ("account[]", account)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = b.get(location(&res)).send().await.unwrap();
    let callback = location(&res);
    let code = url::Url::parse(&callback).unwrap().query_pairs().find(|(k, _)| k == "code").unwrap().1.to_string();
    let client = format!("{wid}-tpp");
    let secret = app.sandbox().store.meta(&format!("client_secret:{client}")).unwrap().unwrap();
    let token: Value = reqwest::Client::new()
        .post(format!("{}/default/{wid}/oauth2/token", app.sandbox_url()))
        .basic_auth(&client, Some(&secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", "https://tpp.example/callback"),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    token["access_token"].as_str().expect("a token").to_string()
}

/// `wid`'s introspection of its application's token.
async fn introspect_at(app: &TestApp, wid: &str, token: &str) -> Value {
    let client = format!("{wid}-tpp");
    let secret = app.sandbox().store.meta(&format!("client_secret:{client}")).unwrap().unwrap();
    reqwest::Client::new()
        .post(format!("{}/default/{wid}/oauth2/introspect", app.sandbox_url()))
        .basic_auth(&client, Some(&secret))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// `GET /bank/{wid}/accounts` with `token`: the status, and the account ids served.
async fn bank_accounts(app: &TestApp, wid: &str, token: &str) -> (StatusCode, Vec<String>) {
    let res = reqwest::Client::new()
        .get(format!("{}/bank/{wid}/accounts", app.sandbox_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body: Value = res.json().await.unwrap_or_default();
    let ids =
        body["accounts"].as_array().into_iter().flatten().map(|a| a["id"].as_str().unwrap().to_string()).collect();
    (status, ids)
}

/// The pool's users matching `query`, read through the System Identity API.
async fn pool_users(app: &TestApp, query: Value) -> Vec<Value> {
    let token = system_token(app, "identity").await;
    let q: String = url::form_urlencoded::byte_serialize(query.to_string().as_bytes()).collect();
    let body: Value = reqwest::Client::new()
        .get(format!("{}/api/identity/default/system/pools/{POOL}/users?query={q}&limit=100", app.sandbox_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["users"].as_array().unwrap().clone()
}

/// How many records Assent's own store holds.
fn own_records(app: &TestApp) -> i64 {
    let path = app.data_dir().join("records.sqlite3");
    if !path.exists() {
        return 0;
    }
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM consent_records", [], |r| r.get(0))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hyperscale_banks_consents_live_in_its_pool_and_end_there() {
    let app = spawn_app().await;
    let b = browser();

    // Hyperscale Bank's consent page offers Hyperscale Bank's accounts, not Sandbox Bank's.
    let (page, verifier) = bank_consent(&app, &b, "hyperscalebank", "user").await;
    let ids = offered(&page.html);
    let theirs: Vec<String> =
        app.sandbox().ledger_of("hyperscalebank").accounts_of("user").map(|a| a.id.clone()).collect();
    let sandbox_banks: Vec<String> = app.sandbox().bank.accounts_of("user").map(|a| a.id.clone()).collect();
    assert!(!ids.is_empty() && ids.iter().all(|id| theirs.contains(id)), "{ids:?} of {theirs:?}");
    assert!(ids.iter().all(|id| !sandbox_banks.contains(id)), "none of Sandbox Bank's: {ids:?}");
    assert!(page.html.contains("Hyperscale Bank"), "in its bank's brand");
    let chosen = ids[0].clone();
    let hs_token = allow(&app, &b, "hyperscalebank", &page, &chosen, &verifier).await;

    // One user of the pool, its payload exactly the bank's fields, its id the token's consent.
    let users = pool_users(&app, json!({"payload": {"subject": "user"}})).await;
    assert_eq!(users.len(), 1, "{users:?}");
    let user = &users[0];
    let id = user["id"].as_str().unwrap().to_string();
    assert_eq!(
        user["payload"],
        json!({"subject": "user", "client_id": "hyperscalebank-tpp", "status": "authorized",
               "granted_scopes": ["openid", "accounts"], "account_ids": [chosen.clone()]})
    );
    let meta = &user["metadata"];
    assert_eq!((meta["workspace"].as_str(), meta["tenant"].as_str()), (Some("hyperscalebank"), Some("default")));
    assert_eq!(meta["client_name"], "Budget Buddy (Hyperscale Bank)");
    assert_eq!(meta["history"][0]["kind"], "granted");
    assert!(meta.get("login_state").is_none_or(Value::is_null), "the flow's state goes once decided");
    assert!(meta["login_id"].as_str().is_some_and(|l| !l.is_empty()), "its flow stays: found by it");
    let seen = introspect_at(&app, "hyperscalebank", &hs_token).await;
    assert_eq!((seen["active"].as_bool(), seen["consent_id"].as_str()), (Some(true), Some(id.as_str())));
    assert_eq!(own_records(&app), 0, "nothing in Assent's own store");

    // Submitted again (a second tab), and the other way: still one record.
    let again = submit_fields(&app, &b, &page, "allow", &[("scope[]", "accounts"), ("account[]", &chosen)]).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER, "sent on as the first was");
    let other = submit_fields(&app, &b, &page, "deny", &[]).await;
    assert!(matches!(other.status(), StatusCode::CONFLICT | StatusCode::NOT_FOUND), "{}", other.status());
    assert_eq!(pool_users(&app, json!({"payload": {"subject": "user"}})).await.len(), 1);

    // Hyperscale Bank's API serves the chosen account only.
    assert_eq!(bank_accounts(&app, "hyperscalebank", &hs_token).await, (StatusCode::OK, vec![chosen.clone()]));

    // A Go Bank consent of the same customer, in Assent's own store.
    let gb = browser();
    let (page, verifier) = bank_consent(&app, &gb, "gobank", "user").await;
    let gb_account = offered(&page.html)[0].clone();
    assert!(sandbox_banks.contains(&gb_account), "Go Bank's accounts are Sandbox Bank's");
    let gb_token = allow(&app, &gb, "gobank", &page, &gb_account, &verifier).await;
    assert_eq!(own_records(&app), 1);
    assert_eq!(bank_accounts(&app, "gobank", &gb_token).await.0, StatusCode::OK);

    // The portal lists both, each named by its bank.
    let portal = browser();
    let html = portal_sign_in(&app, &portal, "user").await;
    let section = portal_records(&html);
    let hs_at = section.find("Budget Buddy (Hyperscale Bank)").expect("the Hyperscale record");
    let gb_at = section.find("Budget Buddy (Go Bank)").expect("the Go Bank record");
    let label =
        |at: usize| section[at..].split("class=\"bank\">").nth(1).map(|s| s[..s.find('<').unwrap()].to_string());
    assert_eq!(label(hs_at).as_deref(), Some("Hyperscale Bank"));
    assert_eq!(label(gb_at).as_deref(), Some("Go Bank"));
    // Each record's account by name and last digits, from its own bank.
    let hs_account = app.sandbox().ledger_of("hyperscalebank").account(&chosen).unwrap();
    let named = format!("{} {}", hs_account.name, hs_account.masked_number());
    assert!(section[hs_at..].contains(&named), "{named} in {section}");
    let receipt: Value =
        portal.get(format!("{}/portal/receipt?id={id}", app.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(receipt["piiControllers"][0]["piiController"], "Hyperscale Bank");

    // Staff find the pool's record by the customer, named by its bank.
    let staff = browser();
    crate::assent::console::console_sign_in(&app, &staff, "admin").await;
    let found = staff.get(format!("{}/admin?q=user", app.url)).send().await.unwrap().text().await.unwrap();
    assert!(found.contains(&format!("id={id}")) && found.contains("Hyperscale Bank"), "{found}");
    let record = staff.get(format!("{}/admin/record?id={id}", app.url)).send().await.unwrap().text().await.unwrap();
    assert!(record.contains("Hyperscale Bank") && record.contains(&chosen), "the record page");

    // The customer revokes the Hyperscale one in the portal (the application is not in the
    // portal workspace's list: its record is): its bank answers 401, Go Bank's consent holds.
    let confirm = portal.get(format!("{}/portal/revoke?client_id=hyperscalebank-tpp", app.url)).send().await.unwrap();
    assert_eq!(confirm.status(), StatusCode::OK, "a confirmation page");
    let html = portal.get(format!("{}/portal", app.url)).send().await.unwrap().text().await.unwrap();
    let res = form_post(&portal, format!("{}/api/portal/revoke", app.url))
        .header("sec-fetch-site", "same-origin")
        .form(&[("client_id", "hyperscalebank-tpp"), ("csrf_token", &hidden(&html, "csrf_token"))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(bank_accounts(&app, "hyperscalebank", &hs_token).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(introspect_at(&app, "hyperscalebank", &hs_token).await["active"], false);
    assert_eq!(bank_accounts(&app, "gobank", &gb_token).await.0, StatusCode::OK, "Go Bank's consent holds");
    let user = pool_users(&app, json!({"payload": {"subject": "user"}})).await.remove(0);
    assert_eq!(user["payload"]["status"], "revoked");
    let kinds: Vec<&str> =
        user["metadata"]["history"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["granted", "revoked"]);
    let html = portal.get(format!("{}/portal", app.url)).send().await.unwrap().text().await.unwrap();
    assert!(portal_records(&html).contains("Ended by you"), "kept in the history");
    // Revoked already: nothing more to end.
    let res = form_post(&portal, format!("{}/api/portal/revoke", app.url))
        .header("sec-fetch-site", "same-origin")
        .form(&[("client_id", "hyperscalebank-tpp"), ("csrf_token", &hidden(&html, "csrf_token"))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

/// A denied Hyperscale consent is a rejected user of the pool; no accept, nothing shared.
#[tokio::test]
async fn a_denied_hyperscale_consent_is_a_rejected_record_in_the_pool() {
    let app = spawn_app().await;
    let b = browser();
    let (page, _) = bank_consent(&app, &b, "hyperscalebank", "user4").await;
    assert_eq!(submit(&app, &b, &page, "deny", &[]).await.status(), StatusCode::SEE_OTHER);
    let users = pool_users(&app, json!({"payload": {"subject": "user4"}})).await;
    assert_eq!(users.len(), 1);
    assert_eq!(users[0]["payload"]["status"], "rejected");
    assert_eq!(users[0]["payload"]["account_ids"], json!([]));
    // Nothing granted in what the bank reads; what was asked is kept beside it.
    assert_eq!(users[0]["payload"]["granted_scopes"], json!([]));
    assert_eq!(users[0]["metadata"]["asked_scopes"], json!(["openid", "accounts"]));
    assert_eq!(own_records(&app), 0);
}

/// A workspace whose people are not the tenant's one set (`users` in `ASSENT_CONFIG`): the same
/// subject there is someone else, so the portal shows none of its records, and a Go Bank
/// record of the same subject still.
#[tokio::test]
async fn records_of_a_workspace_with_other_people_stay_out_of_the_portal() {
    let app = spawn_app_with(".", |c| {
        c.workspaces.entry("hyperscalebank".into()).or_default().users = Some("hyperscale-customers".into());
    })
    .await;
    let b = browser();
    let (page, verifier) = bank_consent(&app, &b, "hyperscalebank", "user").await;
    let chosen = offered(&page.html)[0].clone();
    allow(&app, &b, "hyperscalebank", &page, &chosen, &verifier).await;
    assert_eq!(pool_users(&app, json!({"payload": {"subject": "user"}})).await.len(), 1, "kept at its bank");
    let gb = browser();
    let (page, verifier) = bank_consent(&app, &gb, "gobank", "user").await;
    let account = offered(&page.html)[0].clone();
    allow(&app, &gb, "gobank", &page, &account, &verifier).await;

    let portal = browser();
    let html = portal_sign_in(&app, &portal, "user").await;
    let section = portal_records(&html);
    assert!(section.contains("Budget Buddy (Go Bank)"), "{section}");
    // Named as Go Bank's screen named them, though the portal's workspace has no such scope.
    assert!(section.replace("<!>", "").contains("Shares: Sign you in, Your accounts"), "{section}");
    assert!(!section.contains("Hyperscale"), "another bank's customer: {section}");
}
