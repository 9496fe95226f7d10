//! The upstream client's URLs, keys, errors and reading of answers.

use super::*;

#[test]
fn a_decision_keeps_its_idempotency_key_and_another_has_its_own() {
    let url = Url::parse("https://as.example/api/system/t/scope-grants/L1/accept").unwrap();
    let key = idempotency_key(&url, br#"{"granted_scopes":["openid"]}"#);
    assert_eq!(key.len(), 43, "within the API's 32 to 255 characters");
    assert!(key.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    assert_eq!(key, idempotency_key(&url, br#"{"granted_scopes":["openid"]}"#));
    assert_ne!(key, idempotency_key(&url, br#"{"granted_scopes":["openid","email"]}"#));
    let reject = Url::parse("https://as.example/api/system/t/scope-grants/L1/reject").unwrap();
    assert_ne!(key, idempotency_key(&reject, br#"{"granted_scopes":["openid"]}"#));
}

#[tokio::test]
async fn transport_errors_do_not_carry_the_url() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let err = reqwest::Client::new()
        .get(format!("http://{closed}/scope-grants/x?login_state=SECRET-STATE"))
        .send()
        .await
        .unwrap_err();
    let message = UpstreamError::from(err).to_string();
    assert!(!message.contains("SECRET-STATE"), "{message}");
}

#[tokio::test]
async fn an_answer_too_large_to_be_one_is_not_read_to_its_end() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new()
        .route("/huge", axum::routing::get(|| async { vec![b' '; MAX_BODY + 1] }))
        .route("/fine", axum::routing::get(|| async { r#"{"ok": true}"# }));
    tokio::spawn(async move { axum::serve(listener, app).await });
    let get = |path: &str| reqwest::Client::new().get(format!("{base}{path}")).send();
    let huge = read_json::<serde_json::Value>(get("/huge").await.unwrap()).await.unwrap_err();
    assert!(matches!(huge, UpstreamError::InvalidBody(ref e) if e.contains("over")), "{huge}");
    let fine = read_json::<serde_json::Value>(get("/fine").await.unwrap()).await.unwrap();
    assert_eq!(fine["ok"], true);
}

/// A tenant's configuration as the tests' client uses it.
fn tenant() -> TenantConfig {
    TenantConfig {
        issuer: Url::parse("https://authz.example.com:8443/default/gobank").unwrap(),
        tenant_id: "default".into(),
        client_id: "c".into(),
        client_secret: Secret::new("s"),
        root_ca: None,
        client_cert: None,
        routing: Default::default(),
        system_scopes: None,
    }
}

pub(super) fn upstream() -> Upstream {
    Upstream::new(&tenant(), Arc::default()).unwrap()
}

#[test]
fn urls_follow_the_reference_prefixes_and_encode_each_id_as_one_segment() {
    let u = upstream();
    assert_eq!(u.token_url().unwrap().as_str(), "https://authz.example.com:8443/default/system/oauth2/token");
    assert_eq!(
        u.scope_grant_url("abc", Some("accept")).unwrap().as_str(),
        "https://authz.example.com:8443/api/system/default/scope-grants/abc/accept"
    );
    assert_eq!(
        u.scope_grant_url("a/../b", None).unwrap().as_str(),
        "https://authz.example.com:8443/api/system/default/scope-grants/a%2F..%2Fb"
    );
    // A space in a path is %20, never the `+` of a form.
    assert_eq!(
        at(u.issuer(), &["clients", "my app+1"]).unwrap().as_str(),
        "https://authz.example.com:8443/default/gobank/clients/my%20app+1"
    );
    for id in ["", ".", ".."] {
        assert!(matches!(u.scope_grant_url(id, None), Err(UpstreamError::NoSuchPath)), "{id:?}");
        assert!(matches!(at(u.issuer(), &["clients", id]), Err(UpstreamError::NoSuchPath)), "{id:?}");
    }
    assert_eq!(u.origin(), "https://authz.example.com:8443");
}

#[test]
fn redirects_are_followed_only_on_the_issuer_origin() {
    let origin = "https://authz.example.com";
    assert!(on_origin("https://authz.example.com/t/w/oauth2/authorize?x=1", origin).is_some());
    assert!(on_origin("https://evil.example/authz.example.com", origin).is_none());
    assert!(on_origin("https://authz.example.com.evil.example/", origin).is_none());
    assert!(on_origin("http://authz.example.com/", origin).is_none());
    assert!(on_origin("https://authz.example.com:8443/", origin).is_none());
    assert!(on_origin("data:text/html,<script>alert(1)</script>", origin).is_none());
    assert!(on_origin("javascript:alert(1)", origin).is_none());
    assert!(on_origin("/relative", origin).is_none());
    // What the browser is sent to is always a valid Location header, whatever came in.
    let odd = on_origin("https://authz.example.com/t/w/cb?a=1\r\nSet-Cookie: x=1\u{7}", origin).unwrap();
    assert!(axum::http::HeaderValue::from_str(odd.as_str()).is_ok(), "{odd}");
}

#[test]
fn a_client_certificate_file_without_a_final_newline_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let issued = rcgen::generate_simple_self_signed(vec!["assent.example".to_string()]).unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, issued.cert.pem().trim_end()).unwrap();
    std::fs::write(&key, issued.key_pair.serialize_pem()).unwrap();
    let config = TenantConfig { client_cert: Some((cert, key)), ..tenant() };
    assert!(Upstream::new(&config, Arc::default()).is_ok());
}
