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
