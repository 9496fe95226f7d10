//! Upstream faults: each gets a clear page with a fitting status, and the next good request works.

use crate::common::*;
use assent::sandbox::{Fault, Stats};
use reqwest::StatusCode;
use std::time::{Duration, Instant};

#[tokio::test]
async fn upstream_faults_get_fitting_pages_and_recovery() {
    let app = spawn_app().await;
    let b = browser();
    let consent = start_flow(&app, &b, "user", &["openid", "email"]).await;
    let cases = [
        (Fault::Status(500), StatusCode::BAD_GATEWAY, "having trouble"),
        (Fault::Status(503), StatusCode::BAD_GATEWAY, "having trouble"),
        (Fault::Status(429), StatusCode::SERVICE_UNAVAILABLE, "busy"),
        (Fault::BadJson, StatusCode::BAD_GATEWAY, "having trouble"),
        (Fault::Delay(Duration::from_secs(8)), StatusCode::GATEWAY_TIMEOUT, "not answering"),
    ];
    for (fault, status, text) in cases {
        app.sandbox().set_fault(Some(fault.clone()));
        let started = Instant::now();
        let res = b.get(&consent).send().await.unwrap();
        assert_eq!(res.status(), status, "{fault:?}");
        assert!(started.elapsed() < Duration::from_secs(5), "{fault:?} answered within 5 s");
        if fault == Fault::Status(429) {
            assert_eq!(res.headers()["retry-after"], "2");
        }
        let html = res.text().await.unwrap();
        assert!(html.contains(text) && html.contains("Request id"), "{fault:?}: {html}");
        app.sandbox().set_fault(None);
        open_consent(&b, &consent).await;
    }
}

#[tokio::test]
async fn a_revoked_system_token_is_renewed_once() {
    let app = spawn_app().await;
    let b = browser();
    let consent = start_flow(&app, &b, "user", &["openid"]).await;
    open_consent(&b, &consent).await;
    assert_eq!(Stats::get(&app.sandbox().stats.system_tokens), 1);
    app.sandbox().revoke_system_tokens().unwrap();
    open_consent(&b, &consent).await;
    assert_eq!(Stats::get(&app.sandbox().stats.system_tokens), 2, "renewed on the 401");
    open_consent(&b, &consent).await;
    assert_eq!(Stats::get(&app.sandbox().stats.system_tokens), 2, "and cached again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_pages_waiting_for_a_token_share_one_request() {
    let app = std::sync::Arc::new(spawn_app().await);
    let b = browser();
    let consent = start_flow(&app, &b, "user", &["openid"]).await;
    let views = (0..50).map(|_| {
        let (b, consent) = (b.clone(), consent.clone());
        async move { b.get(&consent).send().await.unwrap().status() }
    });
    let statuses = futures::future::join_all(views).await;
    assert!(statuses.iter().all(|s| *s == StatusCode::OK));
    assert_eq!(Stats::get(&app.sandbox().stats.system_tokens), 1);
}

#[tokio::test]
async fn an_unreachable_authorization_server_gets_a_502_page() {
    use assent::server::config::{Config, Secret, TenantConfig};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // Nothing listens on the tenant's port: bind one, then drop it.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let config = Config {
        tenant: Some(TenantConfig {
            issuer: url::Url::parse(&format!("http://{closed}/default/demo")).unwrap(),
            tenant_id: "default".into(),
            client_id: "c".into(),
            client_secret: Secret::new("s"),
            root_ca: None,
            client_cert: None,
        }),
        sandbox_addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: tempfile::tempdir().unwrap().path().to_path_buf(),
        session_key: None,
        public_url: None,
        portal: None,
    };
    let leptos = leptos::config::LeptosOptions::builder().output_name("assent").site_addr(addr).build();
    let started =
        assent::server::start(config, leptos, url::Url::parse(&format!("http://{addr}")).unwrap()).await.unwrap();
    assert!(started.sandbox.is_none(), "a configured tenant keeps the sandbox off");
    tokio::spawn(async move { axum::serve(listener, started.router).await.unwrap() });
    let started = Instant::now();
    let res = browser().get(format!("http://{addr}/consent?login_id=abc&login_state=def")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_GATEWAY);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(res.text().await.unwrap().contains("Request id"));
}

#[tokio::test]
async fn the_sandbox_keeps_what_it_issued_across_a_restart() {
    use assent::sandbox::{spawn, SandboxConfig};
    let dir = tempfile::tempdir().unwrap();
    let config = SandboxConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().to_path_buf(),
        consent_url: "http://127.0.0.1:9/consent".into(),
    };
    let first = spawn(config.clone()).await.unwrap();
    let http = reqwest::Client::new();
    let token: serde_json::Value = http
        .post(format!("{}/default/system/oauth2/token", first.base_url))
        .basic_auth(&first.consent_client_id, Some(&first.consent_client_secret))
        .form(&[("grant_type", "client_credentials"), ("scope", "manage_scope_grants")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let jwks = |base: String| {
        let http = http.clone();
        async move {
            http.get(format!("{base}/default/demo/.well-known/jwks.json")).send().await.unwrap().text().await.unwrap()
        }
    };
    let keys_before = jwks(first.base_url.clone()).await;
    // A second instance on the same data directory, as after a restart.
    let second = spawn(config).await.unwrap();
    assert_eq!(second.consent_client_secret, first.consent_client_secret, "client secrets persist");
    assert_eq!(jwks(second.base_url.clone()).await, keys_before, "the signing key persists");
    let introspection: serde_json::Value = http
        .post(format!("{}/default/system/oauth2/introspect", second.base_url))
        .basic_auth(&second.consent_client_id, Some(&second.consent_client_secret))
        .form(&[("token", token["access_token"].as_str().unwrap())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(introspection["active"], true, "tokens persist");
}
