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
