//! The sandbox's FDX profile over real HTTP and mutual TLS: PAR with `fdx_v1.0`, the
//! consent-page API, cert-bound tokens with `grant_id`, the recipient's consent resource,
//! the mock bank, management list and revocation, and the demo data recipient.

use crate::common::*;
use assent::sandbox::mtls::{self, Identity};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const TPP: &str = "developer-tpp";
const TPP_REDIRECT: &str = "https://developer-tpp.example/callback";
const TPP_DN: (&str, &str) = ("developer-tpp.example", "Developer TPP");
const VERIFIER: &str = "a-long-enough-pkce-verifier-for-the-fdx-tests-0123456789";

/// The seeded TPP's certificate, from the sandbox's local CA.
fn tpp_cert(app: &TestApp) -> Identity {
    app.sandbox().issue_client_cert(TPP_DN.0, Some(TPP_DN.1)).unwrap()
}

/// A client of the mTLS listener that trusts the sandbox's local CA, with `identity` if any.
fn mtls_client(app: &TestApp, identity: Option<&Identity>) -> Client {
    let mut b = Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(app.sandbox().ca_pem.as_bytes()).unwrap())
        .redirect(reqwest::redirect::Policy::none());
    if let Some(id) = identity {
        b = b.identity(reqwest::Identity::from_pem(&id.pem_bundle()).unwrap());
    }
    b.build().unwrap()
}

fn mtls_url(app: &TestApp) -> &str {
    &app.sandbox_handle.mtls_base_url
}

fn challenge() -> String {
    use base64::Engine as _;
    use sha2::Digest;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(VERIFIER.as_bytes()))
}

fn details() -> String {
    json!([{"type": "fdx_v1.0", "consentRequest": {
    "durationType": "TIME_BOUND", "durationPeriod": 90, "lookbackPeriod": 365,
    "resources": [
        {"resourceType": "ACCOUNT", "dataClusters": ["ACCOUNT_DETAILED", "TRANSACTIONS"]},
        {"resourceType": "CUSTOMER", "dataClusters": ["CUSTOMER_CONTACT"]}
    ]}}])
    .to_string()
}

/// A pushed FDX request by the developer TPP.
async fn par(app: &TestApp, tpp: &Client) -> reqwest::Response {
    tpp.post(format!("{}/default/fdx/par", mtls_url(app)))
        .form(&[
            ("client_id", TPP),
            ("response_type", "code"),
            ("redirect_uri", TPP_REDIRECT),
            ("scope", "openid offline_access fdx:accountdetailed:read fdx:transactions:read READ_CONSENTS"),
            ("state", "st-123"),
            ("code_challenge", &challenge()),
            ("code_challenge_method", "S256"),
            ("authorization_details", &details()),
        ])
        .send()
        .await
        .unwrap()
}

/// A flow waiting on the consent page.
struct Pending {
    browser: Client,
    login_id: String,
    login_state: String,
}

/// PAR → authorize → sign in as `user`; returns the consent-page parameters.
async fn start(app: &TestApp, tpp: &Client, user: &str) -> Pending {
    let res = par(app, tpp).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let request_uri = res.json::<Value>().await.unwrap()["request_uri"].as_str().unwrap().to_string();
    let browser = browser();
    let authorize = format!(
        "{}/default/fdx/oauth2/authorize?client_id={TPP}&request_uri={}",
        app.sandbox_url(),
        url::form_urlencoded::byte_serialize(request_uri.as_bytes()).collect::<String>()
    );
    sign_in_at(app, &browser, &authorize, user).await
}

async fn sign_in_at(app: &TestApp, browser: &Client, authorize: &str, user: &str) -> Pending {
    let res = sign_in(app, browser, authorize, user).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "sign-in");
    let consent = location(&res);
    assert!(consent.starts_with(&format!("{}/consent?", app.url)), "{consent}");
    assert_eq!(query(&consent, "consent_type"), "fdx");
    Pending {
        browser: browser.clone(),
        login_id: query(&consent, "login_id"),
        login_state: query(&consent, "login_state"),
    }
}

fn query(url: &str, key: &str) -> String {
    url::Url::parse(url).unwrap().query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.into_owned()).unwrap_or_default()
}

fn consent_api(app: &TestApp, login: &str, action: &str) -> String {
    format!("{}/default/system/fdx/fdx/{login}{action}", app.sandbox_url())
}

async fn accept(app: &TestApp, token: &str, p: &Pending, resources: Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(consent_api(app, &p.login_id, "/accept"))
        .bearer_auth(token)
        .json(&json!({"login_state": p.login_state,
            "granted_scopes": ["openid", "offline_access", "fdx:accountdetailed:read", "fdx:transactions:read", "READ_CONSENTS"],
            "resources": resources}))
        .send()
        .await
        .unwrap()
}

/// Follows `redirect_to` back through the sandbox: the TPP callback URL.
async fn back_to_client(p: &Pending, res: reqwest::Response) -> String {
    assert_eq!(res.status(), StatusCode::OK);
    let to = res.json::<Value>().await.unwrap()["redirect_to"].as_str().unwrap().to_string();
    let res = p.browser.get(&to).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    location(&res)
}

async fn exchange(app: &TestApp, tpp: &Client, callback: &str) -> reqwest::Response {
    assert!(callback.starts_with(TPP_REDIRECT), "{callback}");
    assert_eq!(query(callback, "state"), "st-123");
    tpp.post(format!("{}/default/fdx/oauth2/token", mtls_url(app)))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &query(callback, "code")),
            ("client_id", TPP),
            ("redirect_uri", TPP_REDIRECT),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .unwrap()
}

fn account_resources(ids: &[&str], key: &str) -> Value {
    let mut v: Vec<Value> = ids
        .iter()
        .map(|id| json!({"id": id, key: "ACCOUNT", "dataClusters": ["ACCOUNT_DETAILED", "TRANSACTIONS"]}))
        .collect();
    v.push(json!({"id": "id-1", key: "CUSTOMER", "dataClusters": ["CUSTOMER_CONTACT"]}));
    Value::Array(v)
}

/// A whole grant of `ids` to the developer TPP by `user`: the token response.
async fn grant(app: &TestApp, tpp: &Client, user: &str, ids: &[&str]) -> Value {
    let system = system_token(app, "manage_openbanking_consents").await;
    let p = start(app, tpp, user).await;
    let callback = back_to_client(&p, accept(app, &system, &p, account_resources(ids, "resouceType")).await).await;
    let res = exchange(app, tpp, &callback).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[tokio::test]
async fn fdx_consent_end_to_end_then_revocation_kills_the_tokens() {
    let app = spawn_app().await;
    let cert = tpp_cert(&app);
    let tpp = mtls_client(&app, Some(&cert));
    let system = system_token(&app, "manage_openbanking_consents").await;
    let p = start(&app, &tpp, "user").await;

    // The consent page sees what was asked and who is signed in.
    let res = reqwest::Client::new()
        .get(format!("{}?login_state={}", consent_api(&app, &p.login_id, ""), p.login_state))
        .bearer_auth(&system)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let session: Value = res.json().await.unwrap();
    assert_eq!(session["subject"], "user");
    assert_eq!(session["status"], "AwaitingAuthorisation");
    assert_eq!(session["client_id"], TPP);
    assert_eq!(session["fdx_consent"]["durationType"], "TIME_BOUND");
    assert_eq!(session["fdx_consent"]["resources"][0]["resourceType"], "ACCOUNT");
    assert_eq!(session["fdx_consent"]["resources"][1]["dataClusters"][0], "CUSTOMER_CONTACT");
    assert_eq!(session["fdx_consent"]["parties"][0]["name"], "Sandbox Bank, NA");
    assert!(session["requested_scopes"].as_array().unwrap().iter().any(|s| s["display_name"] == "Transactions"));
    // Wrong login_state: the scope-grant API's 404.
    let res = reqwest::Client::new()
        .get(format!("{}?login_state=nope", consent_api(&app, &p.login_id, "")))
        .bearer_auth(&system)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // The consent page lists the user's accounts from the bank, with the bank reader's token.
    let res = reqwest::Client::new()
        .get(format!("{}/bank/internal/accounts?customer_id=user", app.sandbox_url()))
        .bearer_auth(bank_token(&app).await)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let accounts: assent::wire::InternalAccounts = res.json().await.unwrap();
    let ids: Vec<&str> = accounts.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["1000001", "1000002", "1000003"]);
    assert_eq!(accounts.accounts[2].masked_number, "…1234");

    // Accept two of the three, with the reference's `resouceType` spelling.
    let callback =
        back_to_client(&p, accept(&app, &system, &p, account_resources(&ids[..2], "resouceType")).await).await;
    let res = exchange(&app, &tpp, &callback).await;
    assert_eq!(res.status(), StatusCode::OK);
    let tokens: Value = res.json().await.unwrap();
    let grant_id = tokens["grant_id"].as_str().expect("grant_id").to_string();
    let access = tokens["access_token"].as_str().unwrap().to_string();
    let refresh = tokens["refresh_token"].as_str().expect("offline_access gives a refresh token").to_string();

    // The token is bound to the TPP's certificate.
    let introspect = |token: String| {
        let tpp = tpp.clone();
        let url = format!("{}/default/fdx/fdx/consents/introspect", mtls_url(&app));
        async move {
            tpp.post(url)
                .form(&[("token", token), ("client_id", TPP.into())])
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let intro = introspect(access.clone()).await;
    assert_eq!(intro["active"], true);
    assert_eq!(intro["cnf"]["x5t#S256"], mtls::thumbprint(&cert.cert_der));
    assert_eq!(intro["fdx_consent"]["id"], grant_id.as_str());
    assert_eq!(intro["fdx_consent"]["status"], "ACTIVE");

    // The recipient's consent resource lists exactly the two accounts (and the customer).
    let res = tpp
        .get(format!("{}/default/fdx/consents/{grant_id}", mtls_url(&app)))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let consent: assent::wire::GetFDXConsent = res.json().await.unwrap();
    assert_eq!(consent.status, "ACTIVE");
    let granted: Vec<String> =
        consent.resources.iter().filter(|r| r.resource_type == "ACCOUNT").map(|r| r.id.clone()).collect();
    assert_eq!(sorted(granted), ["1000001", "1000002"]);
    assert!(consent.expiration_time.is_some(), "TIME_BOUND consents expire");

    // The bank serves those two, and their transactions, and nothing else.
    let bank = format!("{}/bank", mtls_url(&app));
    let res = tpp.get(format!("{bank}/accounts")).bearer_auth(&access).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let list: Value = res.json().await.unwrap();
    let listed: Vec<String> =
        list["accounts"].as_array().unwrap().iter().map(|a| a["accountId"].as_str().unwrap().to_string()).collect();
    assert_eq!(sorted(listed), ["1000001", "1000002"]);
    assert!(list["accounts"][0]["currentBalance"].is_number(), "ACCOUNT_DETAILED shows balances");
    let res = tpp.get(format!("{bank}/accounts/1000001/transactions")).bearer_auth(&access).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let txs: Value = res.json().await.unwrap();
    let txs = txs["transactions"].as_array().unwrap();
    assert_eq!(txs.len(), 5, "the transaction from 400 days ago is outside the 365-day look-back");
    let res = tpp.get(format!("{bank}/accounts/1000003")).bearer_auth(&access).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "not in the consent");
    let res = tpp.get(format!("{bank}/accounts/1000003/transactions")).bearer_auth(&access).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Management: the consent is found by one of its accounts, with its client.
    let list_url = format!("{}/default/system/servers/fdx/fdx/consents", app.sandbox_url());
    let list = |body: Value| {
        let (url, system) = (list_url.clone(), system.clone());
        async move {
            reqwest::Client::new()
                .post(url)
                .bearer_auth(system)
                .json(&body)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let found =
        list(json!({"resource": {"resourceType": "ACCOUNT", "ids": ["1000002", "7777777"]}, "limit": 10})).await;
    let consents = found["consents"].as_array().unwrap();
    assert_eq!(consents.len(), 1, "{found}");
    assert_eq!(consents[0]["id"], grant_id.as_str());
    assert_eq!(consents[0]["client_id"], TPP);
    assert_eq!(consents[0]["status"], "Authorised");
    assert_eq!(consents[0]["granted_resources"].as_array().unwrap().len(), 3);
    let none = list(json!({"resource": {"resourceType": "ACCOUNT", "ids": ["1000003"]}})).await;
    assert!(none["consents"].as_array().unwrap().is_empty());
    let by_client = list(json!({"client_id": TPP, "status": ["Authorised"]})).await;
    assert_eq!(by_client["consents"].as_array().unwrap().len(), 1);

    // Revoke as the user would from a portal.
    let revoke = || {
        reqwest::Client::new()
            .delete(format!("{list_url}/{grant_id}"))
            .bearer_auth(&system)
            .json(&json!({"initiator": "INDIVIDUAL", "reason": "USER_ACTION"}))
            .send()
    };
    assert_eq!(revoke().await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(revoke().await.unwrap().status(), StatusCode::CONFLICT, "already revoked");

    // The recipient's tokens are dead: bank 401, introspection inactive, no refresh.
    let res = tpp.get(format!("{bank}/accounts")).bearer_auth(&access).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.headers()["www-authenticate"].to_str().unwrap().contains("invalid_token"));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "401");
    assert_eq!(introspect(access.clone()).await["active"], false);
    assert_eq!(introspect(refresh.clone()).await["active"], false);
    let res = tpp
        .post(format!("{}/default/fdx/oauth2/token", mtls_url(&app)))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", refresh.as_str()), ("client_id", TPP)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let listed = list(json!({"client_id": TPP})).await;
    assert_eq!(listed["consents"][0]["status"], "Revoked");
    assert_eq!(listed["consents"][0]["revocationReason"]["initiator"], "INDIVIDUAL");

    // With a client-credentials token the recipient can still read what happened.
    let res = tpp
        .post(format!("{}/default/fdx/oauth2/token", mtls_url(&app)))
        .form(&[("grant_type", "client_credentials"), ("client_id", TPP), ("scope", "READ_CONSENTS")])
        .send()
        .await
        .unwrap();
    let cc = res.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_string();
    let consent: Value = tpp
        .get(format!("{}/default/fdx/consents/{grant_id}", mtls_url(&app)))
        .bearer_auth(&cc)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(consent["status"], "REVOKED");
    let revocation: Value = tpp
        .get(format!("{}/default/fdx/consents/{grant_id}/revocation", mtls_url(&app)))
        .bearer_auth(&cc)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(revocation["status"], "REVOKED");
    assert_eq!(revocation["reason"], "USER_ACTION");
}

#[tokio::test]
async fn accept_refuses_foreign_accounts_and_reads_both_spellings() {
    let app = spawn_app().await;
    let tpp = mtls_client(&app, Some(&tpp_cert(&app)));
    let system = system_token(&app, "manage_openbanking_consents").await;
    let p = start(&app, &tpp, "user").await;
    // 9000001 is user2's and user3's joint account, not user's.
    let res = accept(&app, &system, &p, account_resources(&["1000001", "9000001"], "resouceType")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: assent::wire::ApiError = res.json().await.unwrap();
    assert_eq!(err.status_code, 422);
    assert_eq!(err.error_code, "invalid_account");
    // A data cluster that was not requested.
    let res = accept(
        &app,
        &system,
        &p,
        json!([{"id": "1000001", "resourceType": "ACCOUNT", "dataClusters": ["STATEMENTS"]}]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // The generic scope-grant API does not decide FDX consents.
    let scope_token: Value = reqwest::Client::new()
        .post(format!("{}/default/system/oauth2/token", app.sandbox_url()))
        .basic_auth("assent-consent", Some(&app.sandbox_handle.consent_client_secret))
        .form(&[("grant_type", "client_credentials"), ("scope", "manage_scope_grants")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = reqwest::Client::new()
        .post(format!("{}/api/system/default/scope-grants/{}/accept", app.sandbox_url(), p.login_id))
        .bearer_auth(scope_token["access_token"].as_str().unwrap())
        .json(&json!({"id": p.login_id, "login_state": p.login_state, "granted_scopes": ["openid"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // Wrong login_state.
    let wrong = Pending { browser: p.browser.clone(), login_id: p.login_id.clone(), login_state: "x".into() };
    assert_eq!(
        accept(&app, &system, &wrong, account_resources(&["1000001"], "resourceType")).await.status(),
        StatusCode::FORBIDDEN
    );
    // Nothing was decided: the correct spelling-variant accept still works, for the joint account's owner too.
    let callback =
        back_to_client(&p, accept(&app, &system, &p, account_resources(&["1000003"], "resourceType")).await).await;
    let tokens: Value = exchange(&app, &tpp, &callback).await.json().await.unwrap();
    assert!(tokens["grant_id"].is_string());
    let tokens = grant(&app, &tpp, "user3", &["9000001", "3000001"]).await;
    let access = tokens["access_token"].as_str().unwrap();
    let list: Value = tpp
        .get(format!("{}/bank/accounts", mtls_url(&app)))
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["accounts"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn decided_consents_cannot_be_read_or_accepted_again() {
    let app = spawn_app().await;
    let tpp = mtls_client(&app, Some(&tpp_cert(&app)));
    let system = system_token(&app, "manage_openbanking_consents").await;
    let get = |p: &Pending| {
        reqwest::Client::new()
            .get(format!("{}?login_state={}", consent_api(&app, &p.login_id, ""), p.login_state))
            .bearer_auth(&system)
            .send()
    };

    // Rejected: the recipient gets the error, and the consent is closed.
    let p = start(&app, &tpp, "user2").await;
    let reject = reqwest::Client::new()
        .post(consent_api(&app, &p.login_id, "/reject"))
        .bearer_auth(&system)
        .json(&assent::wire::RejectScopeGrant::user_denied(p.login_id.clone(), p.login_state.clone()))
        .send()
        .await
        .unwrap();
    let callback = back_to_client(&p, reject).await;
    assert_eq!(query(&callback, "error"), "rejected");
    assert_eq!(query(&callback, "error_cause"), "consent_rejected");
    let res = accept(&app, &system, &p, account_resources(&["2000001"], "resouceType")).await;
    assert!(matches!(res.status(), StatusCode::CONFLICT | StatusCode::NOT_FOUND), "{}", res.status());

    // Rejected but the login not yet done: GET and accept are refused with 409.
    let p = start(&app, &tpp, "user2").await;
    let res = reqwest::Client::new()
        .post(consent_api(&app, &p.login_id, "/reject"))
        .bearer_auth(&system)
        .json(&assent::wire::RejectScopeGrant::user_denied(p.login_id.clone(), p.login_state.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(get(&p).await.unwrap().status(), StatusCode::CONFLICT);
    assert_eq!(
        accept(&app, &system, &p, account_resources(&["2000001"], "resouceType")).await.status(),
        StatusCode::CONFLICT
    );

    // Revoked while awaiting authorisation (e.g. by an operator): refused too.
    let p = start(&app, &tpp, "user2").await;
    let session: Value = get(&p).await.unwrap().json().await.unwrap();
    let id = session["consent_id"].as_str().unwrap();
    let res = reqwest::Client::new()
        .delete(format!("{}/default/system/servers/fdx/fdx/consents/{id}", app.sandbox_url()))
        .bearer_auth(&system)
        .json(&json!({"initiator": "DATA_PROVIDER", "reason": "BUSINESS_RULE"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(get(&p).await.unwrap().status(), StatusCode::CONFLICT);
    let res = accept(&app, &system, &p, account_resources(&["2000001"], "resouceType")).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let err: assent::wire::ApiError = res.json().await.unwrap();
    assert_eq!(err.status_code, 409);

    // Bad revocation bodies and tokens without the scope.
    let res = reqwest::Client::new()
        .delete(format!("{}/default/system/servers/fdx/fdx/consents/{id}", app.sandbox_url()))
        .bearer_auth(&system)
        .json(&json!({"initiator": "SOMEONE", "reason": "USER_ACTION"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = reqwest::Client::new()
        .post(format!("{}/default/system/servers/fdx/fdx/consents", app.sandbox_url()))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn clients_without_the_right_certificate_get_invalid_client() {
    let app = spawn_app().await;
    let form = [("grant_type", "client_credentials"), ("client_id", TPP), ("scope", "READ_CONSENTS")];
    let token_url = format!("{}/default/fdx/oauth2/token", mtls_url(&app));
    // No certificate on the mTLS listener.
    let res = mtls_client(&app, None).post(&token_url).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.json::<Value>().await.unwrap()["error"], "invalid_client");
    // The right subject DN on a certificate anyone can make (self-signed), or on one from
    // another CA: not the TPP (issue 14, item 12).
    for forged in [mtls::self_signed(TPP_DN.0, Some(TPP_DN.1)).unwrap(), {
        let other_ca = tempfile::tempdir().unwrap();
        assent::sandbox::mtls::local_ca(other_ca.path(), &["localhost".into()]).unwrap();
        mtls::issue_client_cert(other_ca.path(), TPP_DN.0, Some(TPP_DN.1)).unwrap()
    }] {
        let res = mtls_client(&app, Some(&forged)).post(&token_url).form(&form).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(res.json::<Value>().await.unwrap()["error"], "invalid_client");
        assert_eq!(par(&app, &mtls_client(&app, Some(&forged))).await.status(), StatusCode::UNAUTHORIZED);
    }
    // A certificate with another subject DN.
    let wrong = mtls::self_signed("evil.example", Some("Developer TPP")).unwrap();
    let res = mtls_client(&app, Some(&wrong)).post(&token_url).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.json::<Value>().await.unwrap()["error"], "invalid_client");
    // PAR too.
    let res = par(&app, &mtls_client(&app, Some(&wrong))).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // The plain listener carries no certificate at all.
    let res = reqwest::Client::new()
        .post(format!("{}/default/fdx/oauth2/token", app.sandbox_url()))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // self_signed_tls_client_auth: the demo recipient's registered certificate only.
    let res = mtls_client(&app, Some(&tpp_cert(&app)))
        .post(&token_url)
        .form(&[("grant_type", "client_credentials"), ("client_id", "fdx-demo-recipient")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // The right certificate works, and a DCR-registered self-signed client too.
    let res = mtls_client(&app, Some(&tpp_cert(&app))).post(&token_url).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let own = mtls::self_signed("dcr-recipient.example", None).unwrap();
    let reg: Value = reqwest::Client::new()
        .post(format!("{}/default/fdx/oauth2/register", app.sandbox_url()))
        .json(&json!({"redirect_uris": ["https://dcr.example/cb"], "token_endpoint_auth_method": "self_signed_tls_client_auth",
            "grant_types": ["client_credentials"], "scope": "READ_CONSENTS",
            "jwks": {"keys": [mtls::jwk_with_x5c(&own)]}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = reg["client_id"].as_str().unwrap();
    assert!(reg.get("client_secret").is_none());
    let cc = [("grant_type", "client_credentials"), ("client_id", id)];
    let res = mtls_client(&app, Some(&own)).post(&token_url).form(&cc).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = mtls_client(&app, Some(&wrong)).post(&token_url).form(&cc).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_bank_refuses_a_token_presented_with_another_certificate() {
    let app = spawn_app().await;
    let tpp = mtls_client(&app, Some(&tpp_cert(&app)));
    let tokens = grant(&app, &tpp, "user4", &["4000001"]).await;
    let access = tokens["access_token"].as_str().unwrap();
    let bank = format!("{}/bank/accounts", mtls_url(&app));
    assert_eq!(tpp.get(&bank).bearer_auth(access).send().await.unwrap().status(), StatusCode::OK);
    // Same subject DN (it could authenticate), different key: not the bound certificate.
    let other = mtls_client(&app, Some(&tpp_cert(&app)));
    assert_eq!(other.get(&bank).bearer_auth(access).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        mtls_client(&app, None).get(&bank).bearer_auth(access).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let plain = format!("{}/bank/accounts", app.sandbox_url());
    assert_eq!(
        reqwest::Client::new().get(&plain).bearer_auth(access).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    // The consent resource checks the binding as well.
    let url = format!("{}/default/fdx/consents/{}", mtls_url(&app), tokens["grant_id"].as_str().unwrap());
    assert_eq!(other.get(&url).bearer_auth(access).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    // The internal accounts API wants its reader's token (read_internal_accounts).
    let internal = format!("{}/bank/internal/accounts?customer_id=user4", app.sandbox_url());
    assert_eq!(reqwest::Client::new().get(&internal).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        reqwest::Client::new().get(&internal).bearer_auth(access).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn discovery_advertises_the_mtls_aliases() {
    let app = spawn_app().await;
    let d: Value = reqwest::get(format!("{}/default/fdx/.well-known/openid-configuration", app.sandbox_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let aliases = &d["mtls_endpoint_aliases"];
    assert_eq!(aliases["token_endpoint"], format!("{}/default/fdx/oauth2/token", mtls_url(&app)));
    assert_eq!(aliases["pushed_authorization_request_endpoint"], format!("{}/default/fdx/par", mtls_url(&app)));
    assert_eq!(aliases["bank_endpoint"], format!("{}/bank", mtls_url(&app)));
    assert_eq!(d["tls_client_certificate_bound_access_tokens"], true);
    assert_eq!(d["authorization_details_types_supported"][0], "fdx_v1.0");
    let methods = d["token_endpoint_auth_methods_supported"].as_array().unwrap();
    assert!(
        methods.iter().any(|m| m == "self_signed_tls_client_auth") && methods.iter().any(|m| m == "tls_client_auth")
    );
    // The CA file is where the handle says, and it is what the listener chains to.
    let pem = std::fs::read_to_string(&app.sandbox_handle.ca_path).unwrap();
    assert_eq!(pem, app.sandbox().ca_pem);
}

#[tokio::test]
async fn demo_recipient_shows_granted_accounts_then_401_after_revocation() {
    let app = spawn_app().await;
    let system = system_token(&app, "manage_openbanking_consents").await;
    let b = browser();
    let res = b.post(format!("{}/fdx-demo/connect", app.sandbox_url())).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    let authorize = absolute(app.sandbox_url(), &location(&res));
    let p = sign_in_at(&app, &b, &authorize, "user5").await;
    let res = accept(&app, &system, &p, account_resources(&["5000001", "9000002"], "resouceType")).await;
    let callback = back_to_client(&p, res).await;
    assert!(callback.starts_with(&format!("{}/fdx-demo/callback", app.sandbox_url())));
    let res = b.get(&callback).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    let granted: Vec<String> = html
        .split("data-testid=\"granted-account\" data-account-id=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect();
    assert_eq!(sorted(granted), ["5000001", "9000002"], "{html}");
    assert!(html.contains("data-testid=\"bank-status\">200<"), "{html}");
    assert!(html.contains("data-testid=\"consent-status\">200<"));
    assert!(html.contains("Joint Savings"));
    let grant_id = html.split("data-testid=\"grant-id\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    // A replayed callback is refused.
    assert_eq!(b.get(&callback).send().await.unwrap().status(), StatusCode::BAD_REQUEST);

    let res = reqwest::Client::new()
        .delete(format!("{}/default/system/servers/fdx/fdx/consents/{grant_id}", app.sandbox_url()))
        .bearer_auth(&system)
        .json(&json!({"initiator": "INDIVIDUAL", "reason": "USER_ACTION"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let html = b.post(format!("{}/fdx-demo/fetch", app.sandbox_url())).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("data-testid=\"bank-status\">401<"), "{html}");
    // Another browser has no session.
    let res = browser().post(format!("{}/fdx-demo/fetch", app.sandbox_url())).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn demo_recipient_shows_a_rejection() {
    let app = spawn_app().await;
    let system = system_token(&app, "manage_openbanking_consents").await;
    let b = browser();
    let res = b.post(format!("{}/fdx-demo/connect", app.sandbox_url())).send().await.unwrap();
    let authorize = absolute(app.sandbox_url(), &location(&res));
    let p = sign_in_at(&app, &b, &authorize, "user6").await;
    let res = reqwest::Client::new()
        .post(consent_api(&app, &p.login_id, "/reject"))
        .bearer_auth(&system)
        .json(&assent::wire::RejectScopeGrant::user_denied(p.login_id.clone(), p.login_state.clone()))
        .send()
        .await
        .unwrap();
    let callback = back_to_client(&p, res).await;
    let html = b.get(&callback).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<dd id=\"error-code\">rejected</dd>"), "{html}");
}

/// Issue 14, item 13: certificate-bound tokens work only with their certificate everywhere:
/// at refresh, at userinfo and at the Public API (the bank's check is tested above).
#[tokio::test]
async fn bound_tokens_work_only_with_their_certificate_everywhere() {
    let app = spawn_app().await;
    let cert = tpp_cert(&app);
    let tpp = mtls_client(&app, Some(&cert));
    let tokens = grant(&app, &tpp, "user", &["1000001"]).await;
    let access = tokens["access_token"].as_str().unwrap().to_string();
    let refresh = tokens["refresh_token"].as_str().expect("offline_access gives a refresh token").to_string();
    // Another certificate of the same TPP (its subject, from the trusted CA): the client is
    // authenticated, but the tokens are bound to the first certificate.
    let other = mtls_client(&app, Some(&tpp_cert(&app)));
    let token_url = format!("{}/default/fdx/oauth2/token", mtls_url(&app));
    let form = [("grant_type", "refresh_token"), ("refresh_token", refresh.as_str()), ("client_id", TPP)];
    let res = other.post(&token_url).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(res.json::<Value>().await.unwrap()["error"], "invalid_grant");
    // userinfo: not on the plain listener (no certificate), not with another certificate.
    let userinfo = format!("{}/default/fdx/userinfo", mtls_url(&app));
    let plain = format!("{}/default/fdx/userinfo", app.sandbox_url());
    assert_eq!(Client::new().get(&plain).bearer_auth(&access).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(other.get(&userinfo).bearer_auth(&access).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(tpp.get(&userinfo).bearer_auth(&access).send().await.unwrap().status(), StatusCode::OK);
    // The Public API, with a bound user token (put in place: no seeded client gets one).
    let bound = "bound-user-token";
    let now = chrono::Utc::now().timestamp();
    let binding = (Some(mtls::thumbprint(&cert.cert_der)), None);
    app.sandbox()
        .store
        .insert_bound_token(
            &assent::sandbox::sha256_b64(bound),
            "access",
            "demo",
            "assent-portal",
            Some("user"),
            "openid list_clients_with_access",
            "family-bound",
            now,
            now + 600,
            &binding,
        )
        .unwrap();
    let clients = |base: &str| format!("{base}/default/demo/clients");
    let res = Client::new().get(clients(app.sandbox_url())).bearer_auth(bound).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "a stolen bound token on the plain listener");
    let res = other.get(clients(mtls_url(&app))).bearer_auth(bound).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "with another certificate");
    let res = tpp.get(clients(mtls_url(&app))).bearer_auth(bound).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "with its own certificate");
    // The right certificate still refreshes: the refused attempt did not use the token up.
    let res = tpp.post(&token_url).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}
