//! Two banks, each its own authorization server (issue 21): Go Bank and Hyperscale Bank have
//! their own issuers, their own signing keys and their own customers' accounts.

use crate::common::*;
use reqwest::StatusCode;

#[tokio::test]
async fn each_bank_has_its_own_issuer_keys_and_accounts() {
    let app = spawn_app().await;
    let http = reqwest::Client::new();
    let get = |path: String| {
        let http = http.clone();
        async move { http.get(path).send().await.unwrap().json::<serde_json::Value>().await.unwrap() }
    };
    let mut kids = Vec::new();
    for wid in ["gobank", "hyperscalebank"] {
        let meta = get(format!("{}/default/{wid}/.well-known/openid-configuration", app.sandbox_url())).await;
        assert_eq!(meta["issuer"], format!("{}/default/{wid}", app.sandbox_url()));
        assert_eq!(meta["require_pushed_authorization_requests"], true, "{wid}");
        let jwks = get(meta["jwks_uri"].as_str().unwrap().to_string()).await;
        let kid: Vec<String> =
            jwks["keys"].as_array().unwrap().iter().map(|k| k["kid"].as_str().unwrap().to_string()).collect();
        assert_eq!(kid.len(), 1, "{wid}: {jwks}");
        kids.push(kid[0].clone());
    }
    assert_ne!(kids[0], kids[1], "Hyperscale Bank signs with a key of its own");

    // The consent page's account lists: each bank's own ledger, behind its reader's token.
    let token = bank_token(&app).await;
    let accounts = |path: &str, customer: &str| {
        let url = format!("{}{path}?customer_id={customer}", app.sandbox_url());
        let (http, token) = (http.clone(), token.clone());
        async move {
            let body: serde_json::Value = http.get(url).bearer_auth(token).send().await.unwrap().json().await.unwrap();
            body["accounts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["id"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    let at_go = accounts("/bank/internal/accounts", "user").await;
    let at_hyperscale = accounts("/bank/hyperscalebank/internal/accounts", "user").await;
    assert!(at_go.len() >= 2 && at_hyperscale.len() >= 2, "{at_go:?} {at_hyperscale:?}");
    assert!(at_hyperscale.iter().all(|id| !at_go.contains(id)), "different accounts at each bank");
    assert!(!accounts("/bank/internal/accounts", "user2").await.is_empty());
    assert!(
        accounts("/bank/hyperscalebank/internal/accounts", "user2").await.is_empty(),
        "user2 banks at Go Bank only"
    );
    let anonymous = http.get(format!("{}/bank/hyperscalebank/internal/accounts?customer_id=user", app.sandbox_url()));
    assert_eq!(anonymous.send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    // Assent's System token never opens the bank: its client may not even ask for the scope.
    let system = system_token(&app, "manage_openbanking_consents").await;
    let res = http.get(format!("{}/bank/internal/accounts?customer_id=user", app.sandbox_url())).bearer_auth(system);
    assert_eq!(res.send().await.unwrap().status(), StatusCode::FORBIDDEN);
    let asked = reqwest::Client::new()
        .post(format!("{}/default/system/oauth2/token", app.sandbox_url()))
        .basic_auth(&app.sandbox_handle.consent_client_id, Some(&app.sandbox_handle.consent_client_secret))
        .form(&[("grant_type", "client_credentials"), ("scope", "read_internal_accounts")])
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), StatusCode::BAD_REQUEST, "invalid_scope");
    // Go Bank shares Sandbox Bank's ledger: it has no list of its own.
    let res = http.get(format!("{}/bank/gobank/internal/accounts?customer_id=user", app.sandbox_url())).send().await;
    assert_eq!(res.unwrap().status(), StatusCode::NOT_FOUND);
}

/// The bank's side of a joint account's sharing (`PUT …/internal/accounts/{id}/sharing`): a
/// holder's choice, with the bank reader's token, answered with the account as they now see
/// it; the choice kept in the sandbox's store.
#[tokio::test]
async fn each_holder_of_a_joint_account_chooses_its_sharing_at_the_bank() {
    use serde_json::{json, Value};
    let app = spawn_app().await;
    let http = reqwest::Client::new();
    let token = bank_token(&app).await;
    let base = format!("{}/bank/cdr/internal/accounts", app.sandbox_url());
    let put = |account: &str, customer: &str, body: Value| {
        let url = format!("{base}/{account}/sharing");
        http.put(url).query(&[("customer_id", customer)]).bearer_auth(&token).json(&body).send()
    };
    let anonymous = http.put(format!("{base}/AU-40004/sharing?customer_id=user")).json(&json!({"allowed": false}));
    assert_eq!(anonymous.send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let off = json!({"allowed": false});
    assert_eq!(put("AU-40001", "user", off.clone()).await.unwrap().status(), StatusCode::CONFLICT, "held alone");
    assert_eq!(put("AU-40101", "user", off.clone()).await.unwrap().status(), StatusCode::NOT_FOUND, "user2's");
    assert_eq!(put("AU-40004", "user", json!({"allow": 1})).await.unwrap().status(), StatusCode::BAD_REQUEST);

    // user2 allows it (the seed has them not): every holder does, so it is shared.
    let res = put("AU-40004", "user2", json!({"allowed": true})).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let seen: Value = res.json().await.unwrap();
    assert_eq!(seen["joint"], json!({"holders": 2, "allowed": true, "withheld": false}), "{seen}");
    // user turns it off: off for both; neither is told it is blocked (it can still be paid from).
    let seen: Value = put("AU-40004", "user", off).await.unwrap().json().await.unwrap();
    assert_eq!(seen["joint"], json!({"holders": 2, "allowed": false, "withheld": true}), "{seen}");
    let (_, listed) = bearer_get(&base, &token, &[("customer_id", "user2")]).await;
    let joint = listed["accounts"].as_array().unwrap().iter().find(|a| a["id"] == "AU-40004").unwrap().clone();
    assert_eq!(joint["joint"], json!({"holders": 2, "allowed": true, "withheld": true}), "{joint}");
    assert!(joint.get("unavailable").is_none(), "{joint}");
    // Kept, for the next start: each holder's latest choice.
    let conn = rusqlite::Connection::open(app.data_dir().join("sandbox.sqlite3")).unwrap();
    let mut kept: Vec<(String, String, bool)> = conn
        .prepare("SELECT account, holder, allowed FROM joint_sharing WHERE ledger = 'cdr'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    kept.sort();
    assert_eq!(kept, [("AU-40004".into(), "user".into(), false), ("AU-40004".into(), "user2".into(), true)]);
}
