use super::*;
use axum::{extract::State, http::HeaderMap, http::StatusCode, routing::get, routing::post, Json};

/// How the stub's `/par` answers, and the `Authorization` it expects.
#[derive(Clone)]
struct Par {
    status: StatusCode,
    body: serde_json::Value,
    authorization: Option<&'static str>,
}

/// An issuer whose authorization endpoint has a query of its own and whose discovery offers
/// PAR (`required` or not) at an endpoint that answers as `par` says; answers its URL.
async fn issuer(required: bool, par: Par) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let discovery = serde_json::json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/authorize?tenant=t1"),
        "token_endpoint": format!("{base}/token"),
        "jwks_uri": format!("{base}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "pushed_authorization_request_endpoint": format!("{base}/par"),
        "require_pushed_authorization_requests": required,
    });
    let pushed = |State(par): State<Par>, headers: HeaderMap, body: String| async move {
        // The whole request is pushed (PKCE, state, nonce, the redirect URI), not the
        // endpoint's own query; a confidential client authenticates.
        for field in ["code_challenge_method=S256", "state=", "nonce=", "redirect_uri=", "client_id=portal"] {
            assert!(body.contains(field), "{field} in {body}");
        }
        assert!(!body.contains("tenant="), "{body}");
        let sent = headers.get("authorization").map(|v| v.to_str().unwrap().to_string());
        assert_eq!(sent.as_deref(), par.authorization);
        (par.status, Json(par.body))
    };
    let app = axum::Router::new()
        .route("/.well-known/openid-configuration", get(move || async move { Json(discovery) }))
        .route("/jwks", get(|| async { Json(serde_json::json!({"keys": []})) }))
        .route("/par", post(pushed))
        .with_state(par);
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

/// The discovery of an issuer at `base`: its endpoints under it, RS256 ID tokens.
fn discovery_at(base: &str) -> serde_json::Value {
    serde_json::json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "jwks_uri": format!("{base}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    })
}

/// A discovery answer over 4 MiB (its keys, here) is no answer: it is not read to its end.
#[tokio::test]
async fn a_discovery_answer_over_the_bound_is_refused() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let discovery = discovery_at(&base);
    let huge = serde_json::json!({"keys": [], "padding": " ".repeat(5 << 20)});
    let app = axum::Router::new()
        .route("/.well-known/openid-configuration", get(move || async move { Json(discovery) }))
        .route("/jwks", get(move || async move { Json(huge) }));
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = PortalClient { client_id: "portal".into(), client_secret: None };
    let auth = PortalAuth::new(&client, &url::Url::parse(&base).unwrap(), "http://app.test/cb".into(), &[]).unwrap();
    let refused = auth.start(&reqwest::Client::new()).await;
    assert!(matches!(refused, Err(PortalAuthError::Discovery(ref e)) if e.contains("bytes")), "{:?}", refused.err());
}

async fn start(required: bool, status: StatusCode, body: serde_json::Value) -> Result<SignIn, PortalAuthError> {
    start_as(None, required, Par { status, body, authorization: None }).await
}

async fn start_as(secret: Option<&str>, required: bool, par: Par) -> Result<SignIn, PortalAuthError> {
    let base = issuer(required, par).await;
    let client = PortalClient { client_id: "portal".into(), client_secret: secret.map(Secret::new) };
    let auth = PortalAuth::new(&client, &url::Url::parse(&base).unwrap(), "http://app.test/cb".into(), &[]).unwrap();
    auth.start(&reqwest::Client::new()).await
}

#[tokio::test]
async fn a_sign_in_is_pushed_where_the_server_offers_it_and_never_skips_a_required_push() {
    let uri = "urn:ietf:params:oauth:request_uri:abc";
    let taken = serde_json::json!({"request_uri": uri, "expires_in": 60});
    for required in [false, true] {
        let url = url::Url::parse(&start(required, StatusCode::CREATED, taken.clone()).await.unwrap().url).unwrap();
        let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let expected = [("tenant", "t1"), ("client_id", "portal"), ("request_uri", uri)];
        assert_eq!(query, expected.map(|(k, v)| (k.to_string(), v.to_string())));
        assert_eq!(url.path(), "/authorize");
    }
    // A confidential client: client_secret_basic.
    let par = Par { status: StatusCode::CREATED, body: taken, authorization: Some("Basic cG9ydGFsOnMzY3JldA==") };
    assert!(start_as(Some("s3cret"), true, par).await.unwrap().url.contains("request_uri="));
    // The endpoint down where the server also takes plain requests: the plain request.
    let down = serde_json::json!({"error": "temporarily_unavailable"});
    let plain = start(false, StatusCode::SERVICE_UNAVAILABLE, down.clone()).await.unwrap();
    assert!(plain.url.contains("code_challenge=") && plain.url.contains(&format!("state={}", plain.state)));
    // …and where it requires PAR, no sign-in.
    assert!(matches!(start(true, StatusCode::SERVICE_UNAVAILABLE, down).await, Err(PortalAuthError::Pushed(_))));
    // A request the server refused is refused: not sent again in the URL.
    let refused = serde_json::json!({"error": "invalid_request"});
    assert!(matches!(start(false, StatusCode::BAD_REQUEST, refused).await, Err(PortalAuthError::PushRefused(_))));
    // An answer with no request_uri is no push.
    let empty = serde_json::json!({"expires_in": 60});
    assert!(matches!(start(true, StatusCode::CREATED, empty).await, Err(PortalAuthError::Pushed(_))));
    // Nor is one larger than any answer Assent reads (4 MiB), which is not read to its end.
    let huge = serde_json::json!({"request_uri": "u".repeat(5 << 20)});
    assert!(
        matches!(start(true, StatusCode::CREATED, huge).await, Err(PortalAuthError::Pushed(e)) if e.contains("over"))
    );
}

/// An RSA signing key named `kid`.
fn key(kid: &str) -> openidconnect::core::CoreRsaPrivateSigningKey {
    use rsa::pkcs1::EncodeRsaPrivateKey;
    let key = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).unwrap();
    let pem = key.to_pkcs1_pem(rsa::pkcs8::LineEnding::LF).unwrap();
    openidconnect::core::CoreRsaPrivateSigningKey::from_pem(&pem, Some(openidconnect::JsonWebKeyId::new(kid.into())))
        .unwrap()
}

/// What the rotating issuer serves: its key set, the ID token its token endpoint gives,
/// and how many times its discovery was read.
#[derive(Clone, Default)]
struct Rotating {
    jwks: Arc<Mutex<serde_json::Value>>,
    id_token: Arc<Mutex<String>>,
    discovered: Arc<std::sync::atomic::AtomicUsize>,
}
use std::sync::{Arc, Mutex};

#[tokio::test]
async fn a_sign_in_signed_with_a_rotated_key_is_verified_with_the_keys_fetched_again() {
    use openidconnect::core::{CoreIdToken, CoreIdTokenClaims, CoreJsonWebKeySet, CoreJwsSigningAlgorithm};
    use openidconnect::{Audience, EmptyAdditionalClaims, PrivateSigningKey, StandardClaims, SubjectIdentifier};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let discovery = discovery_at(&base);
    let (old, new) = (key("old"), key("new"));
    let set = |k: &openidconnect::core::CoreRsaPrivateSigningKey| {
        serde_json::to_value(CoreJsonWebKeySet::new(vec![k.as_verification_key()])).unwrap()
    };
    let served = Rotating::default();
    *served.jwks.lock().unwrap() = set(&old);
    let app = axum::Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(move |State(s): State<Rotating>| async move {
                s.discovered.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Json(discovery)
            }),
        )
        .route("/jwks", get(|State(s): State<Rotating>| async move { Json(s.jwks.lock().unwrap().clone()) }))
        .route(
            "/token",
            post(|State(s): State<Rotating>| async move {
                let id_token = s.id_token.lock().unwrap().clone();
                Json(serde_json::json!({"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": id_token}))
            }),
        )
        .with_state(served.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = PortalClient { client_id: "portal".into(), client_secret: Some(Secret::new("s")) };
    let auth = PortalAuth::new(&client, &url::Url::parse(&base).unwrap(), "http://app.test/cb".into(), &[]).unwrap();
    let http = reqwest::Client::new();
    let sign_in = |signing: &openidconnect::core::CoreRsaPrivateSigningKey, nonce: &str| {
        let now = chrono::Utc::now();
        let claims = CoreIdTokenClaims::new(
            IssuerUrl::new(base.clone()).unwrap(),
            vec![Audience::new("portal".into())],
            now + chrono::Duration::minutes(5),
            now,
            StandardClaims::new(SubjectIdentifier::new("user".into())),
            EmptyAdditionalClaims {},
        )
        .set_nonce(Some(Nonce::new(nonce.into())));
        let token =
            CoreIdToken::new(claims, signing, CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256, None, None).unwrap();
        *served.id_token.lock().unwrap() = token.to_string();
    };
    let discovered = || served.discovered.load(std::sync::atomic::Ordering::SeqCst);

    let first = auth.start(&http).await.unwrap();
    sign_in(&old, &first.nonce);
    let signed = auth.finish(&http, "c1".into(), first.verifier, first.nonce).await.unwrap();
    assert_eq!((signed.subject.as_str(), discovered()), ("user", 1), "discovery is kept");

    // The server rotates: its tokens are signed with a key the copy kept does not have.
    *served.jwks.lock().unwrap() = set(&new);
    let second = auth.start(&http).await.unwrap();
    sign_in(&new, &second.nonce);
    let signed = auth.finish(&http, "c2".into(), second.verifier, second.nonce).await.unwrap();
    assert_eq!((signed.subject.as_str(), discovered()), ("user", 2), "the keys were fetched again once");

    // A token signed with neither key is refused, after one more look at the keys.
    let third = auth.start(&http).await.unwrap();
    sign_in(&key("forged"), &third.nonce);
    let refused = auth.finish(&http, "c3".into(), third.verifier, third.nonce).await;
    assert!(matches!(refused, Err(PortalAuthError::IdToken(_))));
    assert_eq!(discovered(), 3);
    // One that names a key kept, with a signature that key did not make, is refused as it
    // is: no fetch.
    let fourth = auth.start(&http).await.unwrap();
    sign_in(&key("new"), &fourth.nonce);
    let refused = auth.finish(&http, "c4".into(), fourth.verifier, fourth.nonce).await;
    assert!(matches!(refused, Err(PortalAuthError::IdToken(_))));
    assert_eq!(discovered(), 3);
}

#[test]
fn secrets_and_sign_ins_go_to_https_endpoints_or_this_machine_only() {
    assert!(trusted_endpoint("https://as.example/par").is_some());
    assert!(trusted_endpoint("http://127.0.0.1:3030/par").is_some());
    assert!(trusted_endpoint("http://localhost/par").is_some());
    assert!(trusted_endpoint("http://as.example/par").is_none());
    assert!(trusted_endpoint("ftp://as.example/par").is_none());
    assert!(trusted_endpoint("not a url").is_none());
}
