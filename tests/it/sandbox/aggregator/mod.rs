//! The sandbox's account aggregator and what it stands on: `private_key_jwt` client
//! authentication (RFC 7523) with DCR, `iss` in authorization responses (RFC 9207), and the
//! journey over HTTP (aggregator, bank sign-in, Assent's consent page) at the two Open Banking
//! banks; at Albion Bank the UK way (`uk`); under a CDR arrangement at Southern Cross Bank
//! (`cdr`); a UK payment from the aggregator (`payment`).

mod cdr;
mod payment;
mod uk;

use crate::common::*;
use assent::sandbox::sha256_b64;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{json, Value};

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// A new ES256 key: its PKCS #8 PEM and public JWK (with `kid`).
fn es256_key(kid: &str) -> (String, Value) {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let raw = key.public_key_raw();
    let b64 = |b: &[u8]| base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, b);
    let jwk = json!({"kty": "EC", "crv": "P-256", "x": b64(&raw[1..33]), "y": b64(&raw[33..]), "kid": kid});
    (key.serialize_pem(), jwk)
}

/// A new RSA key: its PKCS #1 PEM and public JWK (with `kid`).
fn rsa_key(kid: &str) -> (String, Value) {
    use rsa::pkcs1::EncodeRsaPrivateKey;
    use rsa::traits::PublicKeyParts;
    let key = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).unwrap();
    let b64 = |b: &[u8]| base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, b);
    let jwk = json!({"kty": "RSA", "n": b64(&key.n().to_bytes_be()), "e": b64(&key.e().to_bytes_be()), "kid": kid});
    (key.to_pkcs1_pem(rsa::pkcs8::LineEnding::LF).unwrap().to_string(), jwk)
}

/// A client assertion signed with `pem`, with `claims` over the usual ones.
fn assertion(alg: Algorithm, pem: &str, kid: Option<&str>, client_id: &str, aud: &str, claims: Value) -> String {
    let key = match alg {
        Algorithm::ES256 => EncodingKey::from_ec_pem(pem.as_bytes()).unwrap(),
        _ => EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
    };
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_string);
    let now = chrono::Utc::now().timestamp();
    let mut body = json!({"iss": client_id, "sub": client_id, "aud": aud, "iat": now, "exp": now + 60,
        "jti": assent::sandbox::random_token(12)});
    for (k, v) in claims.as_object().unwrap() {
        body[k] = v.clone();
    }
    jsonwebtoken::encode(&header, &body, &key).unwrap()
}

async fn register(app: &TestApp, wid: &str, jwks: Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}/default/{wid}/oauth2/register", app.sandbox_url()))
        .json(&json!({
            "redirect_uris": ["https://tpp.example/callback"],
            "token_endpoint_auth_method": "private_key_jwt",
            "grant_types": ["authorization_code", "refresh_token"],
            "scope": "openid accounts offline_access",
            "jwks": jwks,
        }))
        .send()
        .await
        .unwrap()
}

/// Introspection of `token` at `wid`, authenticated by `assertion`: the status and answer.
async fn introspect_with(
    app: &TestApp,
    wid: &str,
    client_id: &str,
    assertion: &str,
    token: &str,
) -> (StatusCode, Value) {
    let res = reqwest::Client::new()
        .post(format!("{}/default/{wid}/oauth2/introspect", app.sandbox_url()))
        .form(&[
            ("client_id", client_id),
            ("client_assertion_type", JWT_BEARER),
            ("client_assertion", assertion),
            ("token", token),
        ])
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or_default())
}

#[tokio::test]
async fn private_key_jwt_clients_register_and_bad_assertions_are_refused() {
    let app = spawn_app().await;
    // Albion Bank (UK) too: the same guards where the aggregator registers for client credentials.
    for wid in ["gobank", "hyperscalebank", "obuk"] {
        let issuer = format!("{}/default/{wid}", app.sandbox_url());
        let discovery: Value =
            reqwest::get(format!("{issuer}/.well-known/openid-configuration")).await.unwrap().json().await.unwrap();
        assert!(discovery["token_endpoint_auth_methods_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("private_key_jwt")));
        let algs = discovery["token_endpoint_auth_signing_alg_values_supported"].as_array().unwrap();
        assert!(algs.contains(&json!("ES256")) && algs.contains(&json!("PS256")) && !algs.contains(&json!("none")));
        assert_eq!(discovery["authorization_response_iss_parameter_supported"], true);

        // A private part in jwks, or a symmetric key: refused.
        let (_, mut private) = es256_key("k0");
        private["d"] = json!("c2VjcmV0");
        assert_eq!(register(&app, wid, json!({"keys": [private]})).await.status(), StatusCode::BAD_REQUEST);
        let oct = json!({"keys": [{"kty": "oct", "k": "c2VjcmV0c2VjcmV0c2VjcmV0"}]});
        assert_eq!(register(&app, wid, oct).await.status(), StatusCode::BAD_REQUEST);
        assert_eq!(register(&app, wid, Value::Null).await.status(), StatusCode::BAD_REQUEST, "no jwks");

        let (pem, jwk) = es256_key("k1");
        let res = register(&app, wid, json!({"keys": [jwk]})).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let body: Value = res.json().await.unwrap();
        assert!(body.get("client_secret").is_none(), "no secret for private_key_jwt");
        assert_eq!(body["token_endpoint_auth_method"], "private_key_jwt");
        let id = body["client_id"].as_str().unwrap().to_string();
        let sign = |claims: Value| assertion(Algorithm::ES256, &pem, Some("k1"), &id, &issuer, claims);

        // A good one, at the issuer or the endpoint; then its jti again: refused.
        let good = sign(json!({}));
        let (status, seen) = introspect_with(&app, wid, &id, &good, "not-a-token").await;
        assert_eq!((status, seen["active"].as_bool()), (StatusCode::OK, Some(false)));
        assert_eq!(introspect_with(&app, wid, &id, &good, "x").await.0, StatusCode::UNAUTHORIZED, "jti reused");
        let at_endpoint = sign(json!({"aud": format!("{issuer}/oauth2/introspect")}));
        assert_eq!(introspect_with(&app, wid, &id, &at_endpoint, "x").await.0, StatusCode::OK);

        // Another key, another audience, expired, too long-lived, no exp, alg none: refused.
        let (other, _) = es256_key("k1");
        let wrong_key = assertion(Algorithm::ES256, &other, Some("k1"), &id, &issuer, json!({}));
        let now = chrono::Utc::now().timestamp();
        let bad = [
            ("wrong key", wrong_key),
            ("wrong aud", sign(json!({"aud": "https://elsewhere.example"}))),
            ("other bank's aud", sign(json!({"aud": format!("{}/default/demo", app.sandbox_url())}))),
            ("expired", sign(json!({"exp": now - 120, "iat": now - 180}))),
            ("an hour long", sign(json!({"exp": now + 3600}))),
            ("no exp", sign(json!({"exp": null}))),
            ("no jti", sign(json!({"jti": null}))),
            ("other sub", sign(json!({"sub": "someone-else"}))),
        ];
        for (why, a) in bad {
            assert_eq!(introspect_with(&app, wid, &id, &a, "x").await.0, StatusCode::UNAUTHORIZED, "{why}");
        }
        let b64 = |s: &str| base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, s);
        let claims = json!({"iss": id, "sub": id, "aud": issuer, "exp": now + 60, "jti": "none-1"}).to_string();
        let none = format!("{}.{}.", b64(r#"{"alg":"none","typ":"JWT"}"#), b64(&claims));
        assert_eq!(introspect_with(&app, wid, &id, &none, "x").await.0, StatusCode::UNAUTHORIZED, "alg none");
        // A secret where an assertion is registered: refused.
        let res = reqwest::Client::new()
            .post(format!("{issuer}/oauth2/introspect"))
            .basic_auth(&id, Some("guess"))
            .form(&[("token", "x")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }

    // PS256 and RS256 with an RSA key.
    let issuer = format!("{}/default/gobank", app.sandbox_url());
    let (pem, jwk) = rsa_key("r1");
    let body: Value = register(&app, "gobank", json!({"keys": [jwk]})).await.json().await.unwrap();
    let id = body["client_id"].as_str().unwrap();
    for alg in [Algorithm::PS256, Algorithm::RS256] {
        let a = assertion(alg, &pem, Some("r1"), id, &issuer, json!({}));
        assert_eq!(introspect_with(&app, "gobank", id, &a, "x").await.0, StatusCode::OK, "{alg:?}");
    }
    let (ec, _) = es256_key("r1");
    let a = assertion(Algorithm::ES256, &ec, Some("r1"), id, &issuer, json!({}));
    assert_eq!(introspect_with(&app, "gobank", id, &a, "x").await.0, StatusCode::UNAUTHORIZED, "ES256 on an RSA key");

    // The aggregator registered itself at every bank at start, with private_key_jwt.
    for wid in ["gobank", "hyperscalebank", "obuk", "cdr"] {
        let reg: Value = serde_json::from_str(
            &app.sandbox().store.meta(&format!("aggregator:registration:{wid}")).unwrap().unwrap(),
        )
        .unwrap();
        let client = app.sandbox().client(reg["client_id"].as_str().unwrap()).unwrap().2;
        assert_eq!((client.token_endpoint_auth_method.as_str(), client.jwks.is_some()), ("private_key_jwt", true));
        let key = &client.jwks.unwrap()["keys"][0];
        assert!(key.get("d").is_none() && key["kty"] == "EC", "only the public half left the aggregator");
    }
}

#[tokio::test]
async fn authorization_responses_name_their_issuer() {
    let app = spawn_app().await;
    let callback = format!("{}/demo/callback", app.sandbox_url());
    let url = format!(
        "{}/default/demo/oauth2/authorize?client_id=demo-app&response_type=token&state=s1&redirect_uri={}",
        app.sandbox_url(),
        url::form_urlencoded::byte_serialize(callback.as_bytes()).collect::<String>()
    );
    let res = browser().get(url).send().await.unwrap();
    let to = url::Url::parse(&location(&res)).unwrap();
    let q: std::collections::HashMap<_, _> = to.query_pairs().into_owned().collect();
    assert_eq!(q.get("error").map(String::as_str), Some("unsupported_response_type"));
    assert_eq!(q.get("iss"), Some(&format!("{}/default/demo", app.sandbox_url())), "an error names its issuer");
    // A success does too (and the demo app still works with it).
    let b = browser();
    let consent = start_flow(&app, &b, "user", &["openid"]).await;
    let page = open_consent(&b, &consent).await;
    let res = submit(&app, &b, &page, "allow", &["openid"]).await;
    let res = b.get(location(&res)).send().await.unwrap();
    let back = location(&res);
    assert!(back.contains("code=") && back.contains("iss="), "{back}");
    let html = b.get(&back).send().await.unwrap().text().await.unwrap();
    assert!(granted_scopes(&html).contains(&"openid".to_string()));
}

/// The aggregator's dashboard, and its form token.
async fn dashboard(app: &TestApp, b: &reqwest::Client) -> (String, String) {
    let res = b.get(format!("{}/aggregator", app.sandbox_url())).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    let token = hidden(&html, "csrf_token");
    (html, token)
}

/// One bank's card on the dashboard, and its status.
fn card<'a>(html: &'a str, wid: &str) -> (&'a str, String) {
    let start = html.find(&format!("data-bank=\"{wid}\"")).unwrap_or_else(|| panic!("no {wid} card in {html}"));
    let rest = &html[start..];
    let card = &rest[..rest.find("</article>").unwrap()];
    let s = card.find("data-status=\"").unwrap() + 13;
    (card, card[s..s + card[s..].find('"').unwrap()].to_string())
}

/// Connect (or Reconnect) `wid` from the dashboard: the bank's authorize URL the browser is
/// sent to, with only `client_id` and `request_uri` in it.
async fn push_connection(app: &TestApp, b: &reqwest::Client, wid: &str) -> String {
    let (_, token) = dashboard(app, b).await;
    let res = b
        .post(format!("{}/aggregator/connect", app.sandbox_url()))
        .form(&[("csrf_token", token.as_str()), ("bank", wid)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let authorize = url::Url::parse(&location(&res)).unwrap();
    assert_eq!(authorize.path(), format!("/default/{wid}/oauth2/authorize"));
    let names: Vec<String> = authorize.query_pairs().map(|(k, _)| k.into_owned()).collect();
    assert_eq!(names, ["client_id", "request_uri"], "only client_id and request_uri in the browser");
    authorize.into()
}

/// Allows on Assent's consent page with `fields`: the aggregator's callback URL (not yet
/// followed), checked to name `wid`'s issuer (RFC 9207).
async fn allow_connection(
    app: &TestApp,
    b: &reqwest::Client,
    wid: &str,
    page: &ConsentPage,
    fields: &[(&str, &str)],
) -> String {
    let res = submit_fields(app, b, page, "allow", fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "consent");
    let res = b.get(location(&res)).send().await.unwrap();
    let callback = location(&res);
    assert!(callback.starts_with(&format!("{}/aggregator/callback?", app.sandbox_url())), "{callback}");
    let q: std::collections::HashMap<_, _> = url::Url::parse(&callback).unwrap().query_pairs().into_owned().collect();
    assert_eq!(q.get("iss"), Some(&format!("{}/default/{wid}", app.sandbox_url())), "iss in the response");
    callback
}

/// Connect `wid` as bank customer `user`, sharing the first account the consent page offers;
/// returns the aggregator's callback URL (not yet followed) and that account.
async fn connect(app: &TestApp, b: &reqwest::Client, wid: &str, user: &str) -> (String, String) {
    let authorize = push_connection(app, b, wid).await;
    let res = sign_in(app, b, &authorize, user).await;
    let page = open_consent(b, &location(&res)).await;
    let first = page.html.split("name=\"account[]\"").nth(1).expect("accounts to choose");
    let v = first.find("value=\"").unwrap() + 7;
    let account = &first[v..v + first[v..].find('"').unwrap()];
    let fields =
        [("scope[]", "openid"), ("scope[]", "accounts"), ("scope[]", "offline_access"), ("account[]", account)];
    (allow_connection(app, b, wid, &page, &fields).await, account.to_string())
}

/// The tokens the aggregator keeps for `demo` at `wid`.
fn kept(app: &TestApp, wid: &str) -> Value {
    serde_json::from_str(&app.sandbox().store.aggregator_link("demo", wid).unwrap().expect("a link")).unwrap()
}

/// Is `token` active, as the aggregator's own client (its kept key) asks the bank?
async fn active(app: &TestApp, wid: &str, token: &str) -> bool {
    let sb = app.sandbox();
    let reg: Value =
        serde_json::from_str(&sb.store.meta(&format!("aggregator:registration:{wid}")).unwrap().unwrap()).unwrap();
    let pem = sb.store.meta("aggregator:key").unwrap().unwrap();
    let id = reg["client_id"].as_str().unwrap();
    let a = assertion(Algorithm::ES256, &pem, None, id, reg["issuer"].as_str().unwrap(), json!({}));
    let (status, seen) = introspect_with(app, wid, id, &a, token).await;
    assert_eq!(status, StatusCode::OK);
    seen["active"] == true
}

/// A card without its form tokens (the same page, drawn again).
fn strip_token(card: &str) -> String {
    card.split("name=\"csrf_token\" value=\"").map(|p| p.split_once('"').map_or(p, |(_, rest)| rest)).collect()
}

#[tokio::test]
async fn the_aggregator_connects_two_banks_sees_one_end_and_disconnects_the_other() {
    let app = spawn_app().await;
    let b = browser();
    let base = app.sandbox_url().to_string();

    // Its own sign-in: a session cookie (HttpOnly, Lax), a form token, a hashed password.
    let res = b.get(format!("{base}/aggregator")).send().await.unwrap();
    let cookie = res.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let token = hidden(&res.text().await.unwrap(), "csrf_token");
    let sign_in_as = |password: &'static str, token: String| {
        b.post(format!("{base}/aggregator/sign-in"))
            .form(&[("csrf_token", token), ("username", "demo".into()), ("password", password.into())])
            .send()
    };
    assert_eq!(sign_in_as(PASSWORD, "forged".into()).await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(sign_in_as("wrong", token.clone()).await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let res = sign_in_as(PASSWORD, token).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(!app.sandbox().store.aggregator_user("demo").unwrap().unwrap().contains("ssword"), "hashed");
    let (html, _) = dashboard(&app, &b).await;
    // Four banks, none connected: Albion Bank (the UK's) and Southern Cross Bank (Australia's)
    // beside the two Open Banking ones.
    assert_eq!(html.matches("data-testid=\"bank\"").count(), 4, "{html}");
    for (wid, name) in [
        ("gobank", "Go Bank"),
        ("hyperscalebank", "Hyperscale Bank"),
        ("obuk", "Albion Bank"),
        ("cdr", "Southern Cross Bank"),
    ] {
        let (card, status) = card(&html, wid);
        assert_eq!(status, "not-connected", "{card}");
        assert!(card.contains(name) && card.contains(&format!("Connect {name}")), "{card}");
    }
    // A POST without the form token: refused.
    let res = b.post(format!("{base}/aggregator/connect")).form(&[("bank", "gobank")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Both banks connected as bank customer `user`: both banks' accounts, side by side.
    let mut shared = Vec::new();
    for wid in ["gobank", "hyperscalebank"] {
        let (callback, account) = connect(&app, &b, wid, "user").await;
        let res = b.get(&callback).send().await.unwrap();
        assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, "/aggregator".to_string()), "{wid}");
        shared.push((wid, account));
    }
    let (html, _) = dashboard(&app, &b).await;
    for (wid, account) in &shared {
        let (card, status) = card(&html, wid);
        assert_eq!(status, "connected", "{card}");
        // The bank shows the shared account if its ledger holds it. (Until Hyperscale Bank's
        // consent page lists its own ledger's accounts, it offers Sandbox Bank's, which
        // Hyperscale Bank's API does not hold: connected, with no account to show.)
        if app.sandbox().ledger_of(wid).account(account).is_some() {
            assert!(card.contains(&format!("data-account-id=\"{account}\"")), "{card}");
            assert!(card.contains("data-testid=\"balance\"") && card.contains("data-testid=\"transaction\""), "{card}");
        } else {
            assert_ne!(*wid, "gobank", "Go Bank holds the accounts its consent page offers");
            assert!(card.contains("No accounts shared"), "{card}");
        }
    }

    // An expired access token: renewed silently with the kept refresh token.
    let mut link = kept(&app, "gobank");
    let old_access = link["access_token"].as_str().unwrap().to_string();
    link["expires_at"] = json!(0);
    app.sandbox().store.set_aggregator_link("demo", "gobank", &link.to_string(), 0).unwrap();
    let (html, _) = dashboard(&app, &b).await;
    assert_eq!(card(&html, "gobank").1, "renewed");
    assert_ne!(kept(&app, "gobank")["access_token"].as_str().unwrap(), old_access);
    assert_eq!(card(&dashboard(&app, &b).await.0, "gobank").1, "connected");
    // Expired again, and several views at once (two tabs, a double reload): one renewal, the
    // others use its tokens. Spending the refresh token twice would end the connection.
    for round in 0..3 {
        let mut link = kept(&app, "gobank");
        link["expires_at"] = json!(0);
        app.sandbox().store.set_aggregator_link("demo", "gobank", &link.to_string(), 0).unwrap();
        let views = futures::future::join_all((0..4).map(|_| dashboard(&app, &b))).await;
        for (html, _) in &views {
            let (_, status) = card(html, "gobank");
            assert!(status == "renewed" || status == "connected", "round {round}: {status}");
        }
        assert_eq!(card(&dashboard(&app, &b).await.0, "gobank").1, "connected", "round {round}");
    }

    let (dashboard_before, _) = dashboard(&app, &b).await;
    // Go Bank's consent revoked (the System API, by the consent behind the token): Go Bank shows
    // ended with Reconnect; Hyperscale Bank still shows its data.
    let access = kept(&app, "gobank")["access_token"].as_str().unwrap().to_string();
    let consent = app.sandbox().store.consent_of(&sha256_b64(&access)).unwrap().expect("the token's consent");
    end_at_bank(&app, &format!("/api/system/default/servers/gobank/tokens?consent_id={consent}"), "revoke_tokens")
        .await;
    let html = ended_alone(&app, &b, "gobank", "hyperscalebank").await;
    let (hyperscale, _) = card(&html, "hyperscalebank");
    let (hyperscale_before, _) = card(&dashboard_before, "hyperscalebank");
    assert_eq!(strip_token(hyperscale), strip_token(hyperscale_before), "Hyperscale Bank's data as before");

    // Reconnect, but an answer naming another issuer (a mix-up): a clear refusal, no tokens.
    let (callback, _) = connect(&app, &b, "gobank", "user").await;
    let hyperscale_iss = format!("{base}/default/hyperscalebank");
    let mut tampered = url::Url::parse(&callback).unwrap();
    let pairs: Vec<(String, String)> = tampered
        .query_pairs()
        .into_owned()
        .map(|(k, v)| if k == "iss" { (k, hyperscale_iss.clone()) } else { (k, v) })
        .collect();
    tampered.query_pairs_mut().clear().extend_pairs(pairs);
    let res = b.get(tampered.as_str()).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("Answer from the wrong bank"));
    assert_eq!(card(&dashboard(&app, &b).await.0, "gobank").1, "ended", "nothing connected");
    // The real answer, once its state is spent: refused too.
    assert_eq!(b.get(&callback).send().await.unwrap().status(), StatusCode::BAD_REQUEST);
    let (callback, _) = connect(&app, &b, "gobank", "user").await;
    assert_eq!(b.get(&callback).send().await.unwrap().status(), StatusCode::SEE_OTHER);
    assert_eq!(card(&dashboard(&app, &b).await.0, "gobank").1, "connected", "reconnected");

    // Disconnect Hyperscale Bank: its tokens revoked at the bank, then forgotten.
    let link = kept(&app, "hyperscalebank");
    let (access, refresh) = (link["access_token"].as_str().unwrap(), link["refresh_token"].as_str().unwrap());
    assert!(active(&app, "hyperscalebank", access).await && active(&app, "hyperscalebank", refresh).await);
    disconnect(&app, &b, "hyperscalebank").await;
    assert!(!active(&app, "hyperscalebank", access).await, "access token revoked");
    assert!(!active(&app, "hyperscalebank", refresh).await, "refresh token revoked");
    assert!(app.sandbox().store.aggregator_link("demo", "hyperscalebank").unwrap().is_none(), "forgotten");
    let (html, _) = dashboard(&app, &b).await;
    assert_eq!(card(&html, "hyperscalebank").1, "not-connected");
    assert_eq!(card(&html, "gobank").1, "connected");
    assert_eq!(card(&html, "obuk").1, "not-connected", "Albion Bank untouched");
}

/// Disconnects `wid` with the dashboard's form (and its CSRF token): 303.
async fn disconnect(app: &TestApp, b: &reqwest::Client, wid: &str) {
    let (_, token) = dashboard(app, b).await;
    let res = b
        .post(format!("{}/aggregator/disconnect", app.sandbox_url()))
        .form(&[("csrf_token", token.as_str()), ("bank", wid)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

/// The bank ends an access through its System API: `DELETE {sandbox}{path}` with a System
/// token of `scope`, 204.
async fn end_at_bank(app: &TestApp, path: &str, scope: &str) {
    let system = system_token(app, scope).await;
    let res =
        reqwest::Client::new().delete(format!("{}{path}", app.sandbox_url())).bearer_auth(system).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
}

/// The dashboard once `wid`'s access ended: its card ended, with Reconnect, while `other` is
/// still connected. The page.
async fn ended_alone(app: &TestApp, b: &reqwest::Client, wid: &str, other: &str) -> String {
    let (html, _) = dashboard(app, b).await;
    let (ended, status) = card(&html, wid);
    assert_eq!(status, "ended", "{ended}");
    assert!(ended.contains("ended by the bank or by you") && ended.contains("Reconnect"), "{ended}");
    let (still, status) = card(&html, other);
    assert_eq!(status, "connected", "{still}");
    html
}

/// Signs in to the aggregator as `demo`.
async fn aggregator_sign_in(app: &TestApp, b: &reqwest::Client) {
    let (_, token) = dashboard(app, b).await;
    let res = b
        .post(format!("{}/aggregator/sign-in", app.sandbox_url()))
        .form(&[("csrf_token", token.as_str()), ("username", "demo"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

/// Albion Bank's (`obuk`) management list: the aggregator's consents there.
async fn uk_consents(app: &TestApp, client_id: &str) -> Vec<Value> {
    let token = system_token(app, "manage_openbanking_consents").await;
    let list: Value = reqwest::Client::new()
        .get(format!("{}/default/system/servers/obuk/open-banking/consents", app.sandbox_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list["Consents"].as_array().unwrap().iter().filter(|c| c["client_id"] == client_id).cloned().collect()
}

/// The account ids a card shows.
fn shown_accounts(card: &str) -> Vec<String> {
    let mut ids: Vec<String> =
        card.split("data-account-id=\"").skip(1).map(|rest| rest[..rest.find('"').unwrap()].to_string()).collect();
    ids.sort();
    ids
}
