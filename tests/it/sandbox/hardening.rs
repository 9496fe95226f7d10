//! Findings of the outside security reviews that concern the sandbox's authorization server,
//! each pinned by a test that failed before its fix.

use crate::common::*;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

/// Item 16: a code whose authorization request named a `redirect_uri` is exchanged only with
/// the same one (RFC 6749 §4.1.3).
#[tokio::test]
async fn the_code_exchange_must_repeat_the_redirect_uri() {
    let app = spawn_app().await;
    let redirect = format!("{}/portal/callback", app.url);
    for (sent, expected) in [(None, StatusCode::BAD_REQUEST), (Some(redirect.as_str()), StatusCode::OK)] {
        let b = browser();
        let verifier = "v".repeat(64);
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        let mut authorize = url::Url::parse(&format!("{}/default/demo/oauth2/authorize", app.sandbox_url())).unwrap();
        authorize.query_pairs_mut().extend_pairs([
            ("client_id", "assent-portal"),
            ("response_type", "code"),
            ("redirect_uri", redirect.as_str()),
            ("scope", "openid profile"),
            ("state", "s"),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ]);
        let res = sign_in(&app, &b, authorize.as_str(), "user4").await;
        let callback = url::Url::parse(&location(&res)).unwrap();
        let code = callback.query_pairs().find(|(k, _)| k == "code").expect("a code").1.to_string();
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("client_id", "assent-portal"),
            ("code_verifier", verifier.as_str()),
        ];
        if let Some(uri) = sent {
            form.push(("redirect_uri", uri));
        }
        let res = reqwest::Client::new()
            .post(format!("{}/default/demo/oauth2/token", app.sandbox_url()))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), expected, "redirect_uri {sent:?}");
        if expected != StatusCode::OK {
            let body: serde_json::Value = res.json().await.unwrap();
            assert_eq!(body["error"], "invalid_grant");
        }
    }
}

/// The demo applications' forms are refused when another site posts them.
#[tokio::test]
async fn the_demo_applications_take_their_own_forms_only() {
    let app = spawn_app().await;
    let post = |path: &str, header: (&'static str, String)| {
        browser()
            .post(format!("{}{path}", app.sandbox_url()))
            .header(header.0, header.1)
            .form(&[("scope", "openid")])
            .send()
    };
    let cross_site = || ("sec-fetch-site", "cross-site".to_string());
    for path in ["/demo/start", "/demo/introspect", "/fdx-demo/connect", "/fdx-demo/fetch"] {
        assert_eq!(post(path, cross_site()).await.unwrap().status(), StatusCode::FORBIDDEN, "{path}");
    }
    // A browser without Fetch Metadata is held to its Origin.
    let elsewhere = ("origin", "https://elsewhere.example".to_string());
    assert_eq!(post("/demo/start", elsewhere).await.unwrap().status(), StatusCode::FORBIDDEN);
    let own = ("sec-fetch-site", "same-origin".to_string());
    assert_eq!(post("/demo/start", own).await.unwrap().status(), StatusCode::SEE_OTHER);
    let own = ("origin", app.sandbox_url().trim_end_matches('/').to_string());
    assert_eq!(post("/demo/start", own).await.unwrap().status(), StatusCode::SEE_OTHER);
}

/// Item 15: dynamic registration refuses redirect URIs that would turn the authorization
/// server's origin into an open redirector or a script runner, public clients with
/// `client_credentials`, and oversized metadata.
#[tokio::test]
async fn dynamic_registration_refuses_dangerous_or_oversized_metadata() {
    let app = spawn_app().await;
    let register = format!("{}/default/demo/oauth2/register", app.sandbox_url());
    let http = reqwest::Client::new();
    let post = |body: serde_json::Value| {
        let (http, register) = (http.clone(), register.clone());
        async move {
            let res = http.post(&register).json(&body).send().await.unwrap();
            let status = res.status();
            (status, res.json::<serde_json::Value>().await.unwrap_or_default())
        }
    };
    for uri in [
        "javascript:alert(document.domain)",
        "data:text/html,<script>alert(1)</script>",
        "https://app.example/callback#frag",
        "http://app.example/callback",
        "file:///etc/passwd",
    ] {
        let (status, body) = post(serde_json::json!({"redirect_uris": [uri]})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(body["error"], "invalid_redirect_uri", "{uri}");
    }
    let (status, body) = post(serde_json::json!({
        "redirect_uris": ["https://app.example/cb"], "token_endpoint_auth_method": "none",
        "grant_types": ["authorization_code", "client_credentials"]
    }))
    .await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_client_metadata")));
    let (status, _) =
        post(serde_json::json!({"redirect_uris": ["https://app.example/cb"], "client_name": "x".repeat(201)})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) =
        post(serde_json::json!({"redirect_uris": ["https://app.example/cb"], "logo_uri": "javascript:alert(1)"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let huge = serde_json::json!({"redirect_uris": ["https://app.example/cb"], "client_name": "x".repeat(100_000)});
    let res = http.post(&register).json(&huge).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // What stays allowed: https, http on loopback, a native app's reverse-domain scheme.
    for uri in
        ["https://app.example/cb", "http://127.0.0.1:8080/cb", "http://[::1]/cb", "com.example.app:/oauth2redirect"]
    {
        let (status, _) = post(serde_json::json!({"redirect_uris": [uri]})).await;
        assert_eq!(status, StatusCode::CREATED, "{uri}");
    }
}

/// A sign-in page waiting for a password (the portal's client, PKCE): its `login_id` and form
/// token.
async fn new_login(app: &TestApp, b: &reqwest::Client) -> (String, String) {
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(b"v".repeat(64)));
    let mut authorize = url::Url::parse(&format!("{}/default/demo/oauth2/authorize", app.sandbox_url())).unwrap();
    authorize.query_pairs_mut().extend_pairs([
        ("client_id", "assent-portal"),
        ("response_type", "code"),
        ("redirect_uri", &format!("{}/portal/callback", app.url)),
        ("scope", "openid"),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ]);
    let res = b.get(authorize.as_str()).send().await.unwrap();
    login_form(b, &absolute(app.sandbox_url(), &location(&res))).await
}

async fn try_password(
    app: &TestApp,
    b: &reqwest::Client,
    (login_id, csrf_token): &(String, String),
    user: &str,
    password: &str,
) -> reqwest::Response {
    b.post(format!("{}/default/demo/login", app.sandbox_url()))
        .form(&[
            ("login_id", login_id.as_str()),
            ("username", user),
            ("password", password),
            ("csrf_token", csrf_token),
        ])
        .send()
        .await
        .unwrap()
}

/// Item 17: an unknown user costs a password hash like a known one; at most two hashes run at
/// once however many sign-ins arrive; wrong passwords slow their account down.
#[tokio::test]
async fn sign_in_is_throttled_bounded_and_the_same_for_unknown_users() {
    use assent::sandbox::Stats;
    let app = spawn_app().await;
    let stats = &app.sandbox().stats;
    let b = browser();
    // Unknown and known users: one hash each.
    let before = Stats::get(&stats.password_checks);
    let res = try_password(&app, &b, &new_login(&app, &b).await, "nobody-such", "guess").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = try_password(&app, &b, &new_login(&app, &b).await, "user8", "guess").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(Stats::get(&stats.password_checks) - before, 2, "an unknown user is hashed too");
    // 24 sign-ins at once, over ten accounts (below any account's bar): every one answered,
    // two hashes at a time.
    let users = ["user", "user2", "user3", "user4", "user5", "user6", "user7", "user8", "user9", "user10"];
    let mut logins = Vec::new();
    for n in 0..24 {
        logins.push((new_login(&app, &b).await, users[n % users.len()]));
    }
    let attempts = logins.iter().map(|(login, user)| try_password(&app, &b, login, user, "wrong-password"));
    for res in futures::future::join_all(attempts).await {
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let peak = Stats::get(&stats.hashing_peak);
    assert!((1..=assent::sandbox::HASHING_AT_ONCE as u64).contains(&peak), "{peak} hashes at once");
    // Five wrong passwords for one account: the next attempt waits, even with the right one.
    for n in 0..5 {
        let res = try_password(&app, &b, &new_login(&app, &b).await, "user11", "wrong").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "wrong password {n}");
    }
    let res = try_password(&app, &b, &new_login(&app, &b).await, "user11", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=30).contains(&wait), "{wait}");
    // Another account is not slowed down.
    let res = try_password(&app, &b, &new_login(&app, &b).await, "user12", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

/// Item 18: a sign-in belongs to the browser that started it. Another browser can neither
/// open its form, nor post to it, nor take the step back from the consent page; and the form
/// needs its token.
#[tokio::test]
async fn sign_in_and_the_step_after_consent_belong_to_the_browser_that_started() {
    let app = spawn_app().await;
    let (victim, attacker) = (browser(), browser());
    let res =
        victim.post(format!("{}/demo/start", app.sandbox_url())).form(&[("scope", "openid")]).send().await.unwrap();
    let authorize = absolute(app.sandbox_url(), &location(&res));
    let res = victim.get(&authorize).send().await.unwrap();
    let login = absolute(app.sandbox_url(), &location(&res));
    // Another browser, with the link alone.
    let res = attacker.get(&login).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (login_id, token) = login_form(&victim, &login).await;
    let post = |b: &reqwest::Client, token: &str| {
        b.post(format!("{}/default/demo/login", app.sandbox_url()))
            .form(&[
                ("login_id", login_id.as_str()),
                ("username", "user"),
                ("password", PASSWORD),
                ("csrf_token", token),
            ])
            .send()
    };
    assert_eq!(
        post(&attacker, &token).await.unwrap().status(),
        StatusCode::FORBIDDEN,
        "another browser, with the token"
    );
    assert_eq!(post(&victim, "").await.unwrap().status(), StatusCode::FORBIDDEN, "no token");
    assert_eq!(post(&victim, "forged").await.unwrap().status(), StatusCode::FORBIDDEN, "a wrong token");
    let res = post(&victim, &token).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // The consent is given; the way back to the application works only in the same browser.
    let page = open_consent(&victim, &location(&res)).await;
    let res = submit(&app, &victim, &page, "allow", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let back = location(&res);
    assert_eq!(attacker.get(&back).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    let res = victim.get(&back).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).contains("code="), "the code goes to the application in the victim's browser");
}

/// A browser whose connections come from `ip` (any 127.x address is this machine).
fn browser_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .local_address(ip.parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap()
}

/// Issue 23, item 5: wrong passwords slow down only the address they come from. An attacker
/// who fails five times at one account and a hundred times across accounts locks nobody out:
/// the owner, from another address, signs in with the right password at once.
#[tokio::test]
async fn wrong_passwords_from_one_address_lock_nobody_else_out() {
    let app = spawn_app().await;
    let (attacker, owner) = (browser_from("127.0.0.2"), browser_from("127.0.0.3"));
    for n in 0..5 {
        let res = try_password(&app, &attacker, &new_login(&app, &attacker).await, "user11", "wrong").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "wrong password {n}");
    }
    let res = try_password(&app, &attacker, &new_login(&app, &attacker).await, "user11", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "the attacker's address waits");
    let res = try_password(&app, &owner, &new_login(&app, &owner).await, "user11", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the owner, from elsewhere, is not locked out");
    // A hundred failures in a minute across accounts (five so far): that address waits, not
    // everyone.
    for n in 5..assent::sandbox::throttle::PER_ADDRESS_PER_MINUTE {
        let res = try_password(&app, &attacker, &new_login(&app, &attacker).await, &format!("nobody{n}"), "x").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "failure {n}");
    }
    let res = try_password(&app, &attacker, &new_login(&app, &attacker).await, "user12", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let res = try_password(&app, &owner, &new_login(&app, &owner).await, "user12", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "everyone else signs in");
}

/// An OAuth endpoint sent something other than a form answers as RFC 6749 §5.2 says: 400,
/// `invalid_request`, in JSON (it was axum's plain-text 415).
#[tokio::test]
async fn oauth_endpoints_answer_a_body_that_is_not_a_form_with_an_oauth_error() {
    let app = spawn_app().await;
    for endpoint in ["oauth2/token", "par", "oauth2/introspect", "oauth2/revoke"] {
        let res = reqwest::Client::new()
            .post(format!("{}/default/demo/{endpoint}", app.sandbox_url()))
            .json(&serde_json::json!({"grant_type": "client_credentials"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{endpoint}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["error"], "invalid_request", "{endpoint}: {body}");
    }
}
