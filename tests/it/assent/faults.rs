//! Upstream faults: each gets a clear page with a fitting status, and the next good request works.

use crate::common::*;
use assent::sandbox::{Fault, Stats};
use axum::response::IntoResponse as _;
use reqwest::StatusCode;
use std::time::{Duration, Instant};

#[tokio::test]
async fn upstream_faults_get_fitting_pages_and_recovery() {
    let app = spawn_app().await;
    let b = browser();
    let consent = start_flow(&app, &b, "user", &["openid", "email"]).await;
    let cases = [
        (Fault::Status(500), StatusCode::BAD_GATEWAY, "having trouble"),
        (Fault::Status(503), StatusCode::SERVICE_UNAVAILABLE, "busy"),
        (Fault::Status(504), StatusCode::GATEWAY_TIMEOUT, "not answering"),
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
        // C-22: the upstream's own words (its error, its broken body) stay in the log.
        assert!(!html.contains("injected fault") && !html.contains("not json"), "{fault:?}: {html}");
        app.sandbox().set_fault(None);
        open_consent(&b, &consent).await;
    }
}

/// The System token dies on the server while Assent's cache still holds it for most of an
/// hour: revoked, or expired earlier than Assent was told. Either way one 401, one renewal.
#[tokio::test]
async fn a_revoked_or_expired_system_token_is_renewed_once() {
    type Kill = fn(&assent::sandbox::Sandbox) -> usize;
    let kills: [(&str, Kill); 2] =
        [("revoked", |s| s.revoke_system_tokens().unwrap()), ("expired", |s| s.expire_system_tokens().unwrap())];
    for (how, kill) in kills {
        let app = spawn_app().await;
        let b = browser();
        let consent = start_flow(&app, &b, "user", &["openid"]).await;
        open_consent(&b, &consent).await;
        assert_eq!(Stats::get(&app.sandbox().stats.system_tokens), 1);
        assert_eq!(kill(app.sandbox()), 1, "{how}");
        let started = Instant::now();
        open_consent(&b, &consent).await;
        assert!(started.elapsed() < Duration::from_secs(5), "{how}");
        assert_eq!(Stats::get(&app.sandbox().stats.system_tokens), 2, "{how}: renewed on the 401");
        open_consent(&b, &consent).await;
        assert_eq!(Stats::get(&app.sandbox().stats.system_tokens), 2, "{how}: and cached again");
    }
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
    use assent::server::config::Config;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // Nothing listens on the tenant's port: bind one, then drop it.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let config = Config {
        tenant: Some(tenant_at(&format!("http://{closed}/default/demo"))),
        session_key: None,
        ..sandbox_config(tempfile::tempdir().unwrap().path())
    };
    let leptos = leptos::config::LeptosOptions::builder().output_name("assent").site_addr(addr).build();
    let started =
        assent::routes::start(config, leptos, url::Url::parse(&format!("http://{addr}")).unwrap()).await.unwrap();
    assert!(started.sandbox.is_none(), "a configured tenant keeps the sandbox off");
    tokio::spawn(assent::listen::serve(listener, started.router, started.limits, std::future::pending()));
    let started = Instant::now();
    let res = browser().get(format!("http://{addr}/consent?login_id=abc&login_state=def")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_GATEWAY);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(res.text().await.unwrap().contains("Request id"));
    // Alive, but not ready: a load balancer takes this replica out until the server answers.
    let health = browser().get(format!("http://{addr}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let ready = browser().get(format!("http://{addr}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    let ready = ready.json::<serde_json::Value>().await.unwrap();
    assert_eq!(ready["status"], "not ready");
    // Which dependency failed, not why: the reason (addresses, upstream answers) is logged.
    assert_eq!(ready["authorization_server"], serde_json::json!({"ok": false}), "{ready}");
    let metrics = browser().get(format!("http://{addr}/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("assent_errors_total{kind=\"UpstreamUnreachable\"} 1"), "{metrics}");
}

/// A stub authorization server made of raw TCP answers, for faults axum cannot produce.
async fn raw_stub(answer: &'static [u8], hang: bool) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { break };
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let _ = socket.write_all(answer).await;
                if hang {
                    tokio::time::sleep(Duration::from_secs(60)).await;
                }
                // Dropping the socket without an answer resets the exchange.
            });
        }
    });
    format!("http://{addr}/default/demo")
}

#[tokio::test]
async fn connection_resets_and_endless_bodies_get_clear_pages() {
    let dir = tempfile::tempdir().unwrap();
    let key = "k".repeat(32);
    // The connection closes with no answer at all.
    let reset = spawn_assent(&raw_stub(b"", false).await, "s", &key, dir.path(), None).await;
    let res = browser().get(format!("{reset}/consent?login_id=a&login_state=b")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_GATEWAY);
    // Headers arrive, the body never ends.
    let endless: &[u8] =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{\"access_token\":\"";
    let hang = spawn_assent(&raw_stub(endless, true).await, "s", &key, dir.path(), None).await;
    let started = Instant::now();
    let res = browser().get(format!("{hang}/consent?login_id=a&login_state=b")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::GATEWAY_TIMEOUT);
    assert!(started.elapsed() < Duration::from_secs(5), "answered within 5 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_token_endpoint_is_asked_once_for_a_hundred_waiting_pages() {
    use axum::routing::get;
    use std::sync::atomic::Ordering;
    let (stub, tokens) = slow_token_endpoint(|| {
        axum::Json(serde_json::json!({"access_token": "t", "token_type": "bearer", "expires_in": 3600})).into_response()
    });
    let stub = stub
        .route(
            "/api/system/{tid}/scope-grants/{login}",
            get(|| async { axum::Json(serde_json::json!({"id": "x", "client_id": "c", "subject": "someone", "requested_scopes": [{"name": "openid"}]})) }),
        );
    let dir = tempfile::tempdir().unwrap();
    let (assent, b) = (assent_before(stub, dir.path()).await, browser());
    let started = Instant::now();
    let statuses = pages_at_once(&b, &assent, 100).await;
    assert!(statuses.iter().all(|s| *s == StatusCode::OK), "{statuses:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(tokens.load(Ordering::SeqCst), 1, "one token request for all of them");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_waiting_behind_a_token_endpoint_that_fails_share_its_one_failure() {
    use std::sync::atomic::Ordering;
    let (stub, tokens) = slow_token_endpoint(|| StatusCode::SERVICE_UNAVAILABLE.into_response());
    let dir = tempfile::tempdir().unwrap();
    let (assent, b) = (assent_before(stub, dir.path()).await, browser());
    let started = Instant::now();
    let statuses = pages_at_once(&b, &assent, 20).await;
    assert!(statuses.iter().all(|s| s.is_server_error()), "{statuses:?}");
    // One failed fetch answers them all: not twenty, one after another.
    assert_eq!(tokens.load(Ordering::SeqCst), 1);
    assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
    // A page after it asks again.
    assert!(b
        .get(format!("{assent}/consent?login_id=n&login_state=s"))
        .send()
        .await
        .unwrap()
        .status()
        .is_server_error());
    assert_eq!(tokens.load(Ordering::SeqCst), 2);
}

/// A token endpoint that takes 2 s to give `answer`, and the count of its requests.
fn slow_token_endpoint(
    answer: impl Fn() -> axum::response::Response + Clone + Send + Sync + 'static,
) -> (axum::Router, std::sync::Arc<std::sync::atomic::AtomicU64>) {
    use std::sync::atomic::{AtomicU64, Ordering};
    let tokens = std::sync::Arc::new(AtomicU64::new(0));
    let counter = tokens.clone();
    let endpoint = axum::routing::post(move || {
        let (counter, answer) = (counter.clone(), answer.clone());
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_secs(2)).await;
            answer()
        }
    });
    (axum::Router::new().route("/default/system/oauth2/token", endpoint), tokens)
}

/// Assent before the authorization server `stub` (its tenant `default`, workspace `demo`).
async fn assent_before(stub: axum::Router, dir: &std::path::Path) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}/default/demo", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, stub).await.unwrap() });
    spawn_assent(&issuer, "s", &"k".repeat(32), dir, None).await
}

/// `n` consent pages of flows of their own asked for at once: their statuses.
async fn pages_at_once(b: &reqwest::Client, assent: &str, n: usize) -> Vec<StatusCode> {
    let pages = (0..n).map(|i| {
        let (b, url) = (b.clone(), format!("{assent}/consent?login_id=l{i}&login_state=s"));
        async move { b.get(url).send().await.unwrap().status() }
    });
    futures::future::join_all(pages).await
}

/// Two replicas that share only their configuration serve one user.
#[tokio::test]
async fn replicas_sharing_a_key_serve_one_user() {
    let app = spawn_app().await;
    let issuer = format!("{}/default/demo", app.sandbox_url());
    let secret = app.sandbox_handle.consent_client_secret.clone();
    let key = "k".repeat(32); // the key spawn_app uses too
                              // The load balancer's address is the first instance's; both know it as their public URL,
                              // and both keep portal sessions in the same data directory.
    let second = spawn_assent(&issuer, &secret, &key, app.data_dir(), Some(&app.url)).await;
    let b = browser();
    let consent = start_flow(&app, &b, "user", &["openid", "email"]).await;
    let page = open_consent(&b, &consent).await;
    // Loaded from the first, submitted to the second.
    let res = submit_to(&app, &b, &second, &page, "allow", &[("scope[]", "email")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(granted_scopes(&finish(&app, &b, res).await), ["openid", "email"]);
    // A portal session started on the first is valid on the second.
    let portal = portal_sign_in(&app, &b, "user").await;
    assert!(portal.contains("Sign out"));
    let on_second = b.get(format!("{second}/portal")).send().await.unwrap().text().await.unwrap();
    assert!(on_second.contains("Sign out") && on_second.contains("Sandbox Demo App"));
}

/// What a real tenant may answer that the sandbox does not: a System token refused with 403 (a
/// scope given to the System client after the token was fetched) is renewed once, as
/// acp-client-go does; a revocation's 404 says the API does not know the consent, so a record
/// it names is ended by `consent_id` instead.
#[tokio::test]
async fn a_forbidden_system_token_is_renewed_once_and_an_unknown_consent_is_told_apart() {
    use assent::server::upstream::UpstreamError;
    use axum::http::{HeaderMap, StatusCode as S};
    use axum::routing::delete;
    use std::sync::atomic::Ordering;
    // Token n is "t{n}"; the first one lacks the scope the management API wants.
    let fresh = |h: &HeaderMap| h.get("authorization").is_some_and(|v| v != "Bearer t1");
    let stub = axum::Router::new()
        .route(
            "/default/system/servers/uk/open-banking/consents/{id}",
            delete(move |h: HeaderMap, axum::extract::Path(id): axum::extract::Path<String>| async move {
                match (fresh(&h), id.as_str()) {
                    (false, _) | (_, "not-yours") => S::FORBIDDEN,
                    (true, "known") => S::NO_CONTENT,
                    (true, _) => S::NOT_FOUND,
                }
            }),
        )
        .route("/busy/internal/accounts", axum::routing::get(|| async { S::TOO_MANY_REQUESTS }));
    let (up, tokens, issuer) = stub_upstream(stub).await;
    let up = up.with_obuk("uk");
    assert!(up.revoke_obuk_consent("known").await.unwrap(), "stopped, after one renewal");
    assert_eq!(tokens.load(Ordering::SeqCst), 2, "the 403 renewed the token once");
    assert!(!up.revoke_obuk_consent("a-scope-grant").await.unwrap(), "404: not a consent the API knows");
    assert_eq!(tokens.load(Ordering::SeqCst), 2, "and the renewed token is kept");
    // A 403 that is the call's own refusal, again and again: no token request each time.
    for _ in 0..3 {
        let refused = up.revoke_obuk_consent("not-yours").await;
        assert!(matches!(refused, Err(UpstreamError::Status { status: 403, .. })), "{refused:?}");
        // Assent's client lacks what the call needs: the operator's matter, never "sign in again".
        let page = assent::error::AppError::from(refused.unwrap_err());
        assert_eq!(page.failure, assent::error::Failure::UpstreamStatus);
    }
    assert_eq!(tokens.load(Ordering::SeqCst), 2, "a 403 renews at most once a minute");
    // A bank that refuses a read of a customer's accounts is a fault, never an expired flow;
    // a busy one is busy.
    let bank = |path: &str| url::Url::parse(&issuer.replace("/default/demo", path)).unwrap();
    for (path, failure) in
        [("/nobank", assent::error::Failure::UpstreamStatus), ("/busy", assent::error::Failure::Busy)]
    {
        let read = up.accounts_at(&bank(path), "C-1").await;
        if path == "/nobank" {
            assert!(matches!(read, Err(UpstreamError::BankRefused(404))), "{read:?}");
        }
        assert_eq!(assent::error::AppError::from(read.unwrap_err()).failure, failure, "{path}");
    }
}

/// The authorization server's `redirect_to` after an accept: followed only on its origin (a
/// page saying so otherwise, the decision made), and sent to the browser as a valid URL even
/// when it holds control characters (they panicked the response before).
#[tokio::test]
async fn redirect_to_is_followed_only_on_the_servers_origin_and_always_as_a_valid_url() {
    use axum::routing::{get, post};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let answer = origin.clone();
    let stub = axum::Router::new()
        .route(
            "/default/system/oauth2/token",
            post(|| async { axum::Json(serde_json::json!({"access_token": "t", "token_type": "bearer", "expires_in": 3600})) }),
        )
        .route(
            "/api/system/{tid}/scope-grants/{login}",
            get(|| async { axum::Json(serde_json::json!({"id": "x", "client_id": "c", "subject": "someone", "requested_scopes": [{"name": "openid"}]})) }),
        )
        .route(
            "/api/system/{tid}/scope-grants/{login}/accept",
            post(move |axum::extract::Path((_, login)): axum::extract::Path<(String, String)>| {
                let to = match login.as_str() {
                    "elsewhere" => "https://evil.example/cb?code=stolen".to_string(),
                    _ => format!("{answer}/default/demo/callback?code=c\r\nSet-Cookie: x=1\u{7}"),
                };
                async move { axum::Json(serde_json::json!({ "redirect_to": to })) }
            }),
        );
    tokio::spawn(async move { axum::serve(listener, stub).await.unwrap() });
    let dir = tempfile::tempdir().unwrap();
    let assent = spawn_assent(&format!("{origin}/default/demo"), "s", &"k".repeat(32), dir.path(), None).await;
    let decide = |login: &'static str| {
        let assent = assent.clone();
        async move {
            let b = browser();
            let page = open_consent(&b, &format!("{assent}/consent?login_id={login}&login_state=s")).await;
            post_decision_from(&assent, &b, format!("{assent}{DECIDE}"), &page, "allow", &[("scope[]", "openid")]).await
        }
    };
    let res = decide("elsewhere").await;
    assert_eq!(res.status(), StatusCode::BAD_GATEWAY);
    assert!(location(&res).is_empty(), "not followed");
    let res = decide("odd").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    assert!(to.starts_with(&format!("{origin}/default/demo/callback?code=c")), "{to}");
    assert!(to.bytes().all(|b| b.is_ascii_graphic()), "{to:?}");
}

/// TLS towards the authorization server is verified, always: a tenant whose certificate chains
/// to a CA Assent was not told to trust is unreachable (a 502 page), and the same tenant with
/// its CA given (`ROOT_CA`) answers.
#[tokio::test]
async fn an_untrusted_certificate_is_refused_and_a_trusted_ca_is_used() {
    let app = spawn_app().await;
    let h = &app.sandbox_handle;
    let issuer = format!("{}/default/demo", h.mtls_base_url);
    assert!(issuer.starts_with("https://"), "{issuer}");
    let secret = h.consent_client_secret.clone();
    let page = |assent: String| async move {
        browser().get(format!("{assent}/consent?login_id=unknown&login_state=s")).send().await.unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let untrusting = spawn_assent(&issuer, &secret, &"k".repeat(32), dir.path(), None).await;
    let res = page(untrusting).await;
    assert_eq!(res.status(), StatusCode::BAD_GATEWAY, "the sandbox's local CA is not trusted");
    let dir = tempfile::tempdir().unwrap();
    let ca = h.ca_path.clone();
    let trusting = spawn_assent_with(&issuer, &secret, &"k".repeat(32), dir.path(), None, move |c| {
        c.tenant.as_mut().unwrap().root_ca = Some(ca);
    })
    .await;
    let res = page(trusting).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "through TLS, the sandbox does not know this login");
}

/// C-20: a certificate that chains to a CA Assent trusts (`ROOT_CA`) but names another host is
/// refused as any other: the server behind it is unreachable (502), while the same server
/// behind a certificate for its own address answers. (The sandbox, fronted by TLS made here.)
#[tokio::test]
async fn a_certificate_for_another_host_is_refused_though_its_ca_is_trusted() {
    let app = spawn_app().await;
    let h = &app.sandbox_handle;
    let sandbox = h.base_url.trim_start_matches("http://").to_string();
    for (host, expected) in [("wrong.example", StatusCode::BAD_GATEWAY), ("127.0.0.1", StatusCode::NOT_FOUND)] {
        let dir = tempfile::tempdir().unwrap();
        let ca = assent::sandbox::mtls::local_ca(dir.path(), &[host.to_string()]).unwrap();
        let mut tls = (*ca.server_config).clone();
        tls.alpn_protocols = vec![b"http/1.1".to_vec()];
        let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(tls));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let front = listener.local_addr().unwrap();
        let to = sandbox.clone();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let (acceptor, to) = (acceptor.clone(), to.clone());
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                    let Ok(mut back) = tokio::net::TcpStream::connect(&to).await else { return };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut back).await;
                });
            }
        });
        let issuer = format!("https://{front}/default/demo");
        let ca_path = ca.ca_path.clone();
        let data = tempfile::tempdir().unwrap();
        let assent = spawn_assent_with(&issuer, &h.consent_client_secret, &"k".repeat(32), data.path(), None, |c| {
            c.tenant.as_mut().unwrap().root_ca = Some(ca_path);
        })
        .await;
        let res = browser().get(format!("{assent}/consent?login_id=unknown&login_state=s")).send().await.unwrap();
        assert_eq!(res.status(), expected, "a certificate for {host}");
    }
}

/// A System client the token endpoint refuses (a wrong secret, or a tenant the server does not
/// have) is the operator's fault: a 502 page, never "this consent request has expired", and
/// `/readyz` not ready.
#[tokio::test]
async fn a_refused_system_client_is_a_502_never_an_expired_consent() {
    let app = spawn_app().await;
    let h = &app.sandbox_handle;
    for (issuer, secret) in [
        (format!("{}/default/demo", h.base_url), "not-the-secret".to_string()),
        (format!("{}/nosuchtenant/demo", h.base_url), h.consent_client_secret.clone()),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let assent = spawn_assent(&issuer, &secret, &"k".repeat(32), dir.path(), None).await;
        let res = browser().get(format!("{assent}/consent?login_id=abc&login_state=def")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_GATEWAY, "{issuer}");
        assert!(!res.text().await.unwrap().contains("expired"), "{issuer}");
        let ready = browser().get(format!("{assent}/readyz")).send().await.unwrap();
        assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE, "{issuer}");
    }
}

/// A token endpoint that refuses Assent's own client is told in its own words, for the
/// operator: its `error` and hint (the platform's `genericError`, reference §4), not a body
/// dropped because it is not the System API's error shape.
#[tokio::test]
async fn a_refused_system_token_is_told_in_the_token_endpoints_words() {
    use assent::server::upstream::{Upstream, UpstreamError};
    let refused = serde_json::json!({
        "error": "invalid_scope",
        "error_code": 400,
        "error_hint": "scope manage_scope_grants is not allowed",
        "status_code": 400,
    });
    let stub = axum::Router::new().route(
        "/default/system/oauth2/token",
        axum::routing::post(move || async move { (StatusCode::BAD_REQUEST, axum::Json(refused)) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}/default/demo", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, stub).await.unwrap() });
    let up = Upstream::new(&tenant_at(&issuer), std::sync::Arc::default()).unwrap();
    let Err(UpstreamError::TokenRefused(said)) = up.scope_grant("L1", "s").await else {
        panic!("a refused System client")
    };
    assert!(said.contains("400 invalid_scope: scope manage_scope_grants is not allowed"), "{said}");
}

/// With `SYSTEM_ISSUER_URL` (the mTLS host's System issuer, for certificate-bound tokens, as
/// the quickstart's `ACP_MTLS_URL`), the System token and every System call go there: the
/// token endpoint, the System API and the consent-page API; the workspace's own host gets only
/// what is the workspace's (its discovery).
#[tokio::test]
async fn with_a_system_issuer_of_its_own_every_system_call_goes_there() {
    use assent::server::config::{Routing, TenantConfig};
    use assent::server::upstream::Upstream;
    use axum::routing::{any, delete, post};
    use std::sync::{Arc, Mutex};
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let stub = |host: &'static str, seen: Arc<Mutex<Vec<String>>>| {
        axum::Router::new()
            .route(
                "/acme/system/oauth2/token",
                post(move || async move {
                    axum::Json(serde_json::json!({"access_token": "t", "token_type": "bearer", "expires_in": 3600}))
                }),
            )
            .route(
                "/acme/system/servers/uk/open-banking/consents/{id}",
                delete(|| async { axum::http::StatusCode::NO_CONTENT }),
            )
            .route("/.well-known/openid-configuration", any(|| async { axum::Json(serde_json::json!({})) }))
            .layer(axum::middleware::from_fn(move |req: axum::extract::Request, next: axum::middleware::Next| {
                seen.lock().unwrap().push(format!("{host} {} {}", req.method(), req.uri().path()));
                next.run(req)
            }))
    };
    let mut origins = Vec::new();
    for host in ["workspace", "mtls"] {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        origins.push(format!("http://{}", listener.local_addr().unwrap()));
        let app = stub(host, seen.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    }
    let config = TenantConfig {
        tenant_id: "acme".into(),
        routing: Routing {
            system_issuer: Some(url::Url::parse(&format!("{}/acme/system", origins[1])).unwrap()),
            workspace: Some("bank".into()),
            ..Default::default()
        },
        ..tenant_at(&origins[0])
    };
    let up = Upstream::new(&config, Arc::default()).unwrap().with_obuk("uk");
    up.ready().await.unwrap();
    assert!(up.revoke_obuk_consent("c-1").await.unwrap());
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "mtls POST /acme/system/oauth2/token",
            "workspace GET /.well-known/openid-configuration",
            "mtls DELETE /acme/system/servers/uk/open-banking/consents/c-1",
        ]
    );
}

/// The authorization server's answer to a decision is lost: it made the decision and answered
/// too late, or it is still making it when Assent gives up waiting. Assent sends the decision
/// once more with the same idempotency key, the server answers it as it answered the first (the
/// second waiting for the first: reference §0.4), the consent is given once, and the browser
/// goes on to the application.
#[tokio::test]
async fn a_decision_whose_answer_is_lost_is_sent_again_and_made_once() {
    use std::sync::atomic::Ordering::SeqCst;
    let app = spawn_app().await;
    for fault in [Fault::LateAnswer(Duration::from_secs(6)), Fault::SlowStart(Duration::from_secs(6))] {
        let b = browser();
        let consent = start_flow(&app, &b, "user", &["openid", "email"]).await;
        let page = open_consent(&b, &consent).await;
        let stats = &app.sandbox().stats;
        let (decisions, replays) = (stats.scope_grant_decisions.load(SeqCst), stats.idempotent_replays.load(SeqCst));
        app.sandbox().set_fault(Some(fault.clone()));
        let res = submit(&app, &b, &page, "allow", &["openid", "email"]).await;
        app.sandbox().set_fault(None);
        let demo = finish(&app, &b, res).await;
        assert_eq!(granted_scopes(&demo), ["openid", "email"], "{fault:?}");
        assert_eq!(stats.scope_grant_decisions.load(SeqCst) - decisions, 1, "{fault:?}: the decision is made once");
        let replayed = stats.idempotent_replays.load(SeqCst) - replays;
        assert_eq!(replayed, 1, "{fault:?}: the second ask is answered from the first");
    }
}

/// Both tries of a decision lose their answer (the server made it, and answered too late each
/// time), and the flow is gone upstream. The page says so and offers to send it again: the
/// form as it was sent, its choice included (once the copy kept on the server has gone, the same
/// choice is sent afresh, never a narrower one). Sent again, the decision
/// kept on the server goes out under the same key, the server answers it as it did the first,
/// and the browser goes on to the application, the consent given once. The same browser's
/// other decision learns it was answered. An island's call is told the same, as data.
#[tokio::test]
async fn a_decision_whose_answer_is_lost_twice_is_sent_again_by_its_next_try() {
    use std::sync::atomic::Ordering::SeqCst;
    let app = spawn_app().await;
    let stats = &app.sandbox().stats;
    for island in [false, true] {
        let b = browser();
        let consent = start_flow(&app, &b, "user", &["openid", "email"]).await;
        let page = open_consent(&b, &consent).await;
        let decisions = stats.scope_grant_decisions.load(SeqCst);
        app.sandbox().set_fault(Some(Fault::LateAnswers(Duration::from_secs(10))));
        let lost = if island {
            let form = [
                ("login_id", page.login_id.as_str()),
                ("login_state", page.login_state.as_str()),
                ("csrf_token", page.csrf_token.as_str()),
                ("decision", "allow"),
                ("scope[]", "openid"),
                ("scope[]", "email"),
            ];
            let url = format!("{}{DECIDE}", app.url);
            b.post(url).header("accept", "application/json").header("origin", &app.url).form(&form).send().await
        } else {
            Ok(submit(&app, &b, &page, "allow", &["openid", "email"]).await)
        };
        app.sandbox().set_fault(None);
        let lost = lost.unwrap();
        assert_eq!(lost.status(), StatusCode::GATEWAY_TIMEOUT, "island: {island}");
        let again = if island {
            let error: serde_json::Value = lost.json().await.unwrap();
            assert_eq!(error["failure"], "Unanswered");
            assert!(error["message"].as_str().unwrap().contains("Send it again"), "{error}");
            page
        } else {
            let html = lost.text().await.unwrap();
            assert!(html.contains("no answer came back") && html.contains("Send again"), "{html}");
            assert!(html.contains(&format!(r#"action="{DECIDE}""#)), "{html}");
            let chosen: Vec<&str> =
                html.split(r#"name="scope[]" value=""#).skip(1).map(|rest| &rest[..rest.find('"').unwrap()]).collect();
            assert_eq!(chosen, ["openid", "email"], "the choice goes with it: {html}");
            // Its language switcher comes back to a page a GET can have, not to the decision's.
            assert_eq!(hidden(&html, "next"), "/");
            let again = ConsentPage {
                login_id: hidden(&html, "login_id"),
                login_state: hidden(&html, "login_state"),
                csrf_token: hidden(&html, "csrf_token"),
                html: String::new(),
            };
            assert_eq!(hidden(&html, "decision"), "allow");
            assert_eq!((&again.login_id, &again.csrf_token), (&page.login_id, &page.csrf_token));
            again
        };
        assert_eq!(stats.scope_grant_decisions.load(SeqCst) - decisions, 1, "made by the first try");
        let screen = b.get(&consent).send().await.unwrap();
        assert_ne!(screen.status(), StatusCode::OK, "the flow is gone upstream");
        let deny = submit(&app, &b, &again, "deny", &[]).await;
        assert_eq!(deny.status(), StatusCode::CONFLICT, "the other way: answered");
        let replays = stats.idempotent_replays.load(SeqCst);
        let res = submit(&app, &b, &again, "allow", &["openid", "email"]).await;
        let demo = finish(&app, &b, res).await;
        assert_eq!(granted_scopes(&demo), ["openid", "email"], "island: {island}");
        assert_eq!(stats.scope_grant_decisions.load(SeqCst) - decisions, 1, "the decision is made once");
        assert_eq!(stats.idempotent_replays.load(SeqCst) - replays, 1, "sent again, answered from the first");
        // Its record, left pending by the lost answer, is authorized before the browser goes on
        // (the reconciler could not: the application has finished the flow since).
        let records = app.state.records.of_subject("default", "user").await.unwrap();
        let record = records.iter().find(|r| r.draft.login_id == again.login_id).expect("a record of the flow");
        assert_eq!(record.status, assent::server::records::Status::Authorized, "island: {island}");
    }
}

/// A Deny whose answer is lost twice: sent again by its next try, the refusal made once, and
/// its record written then with what was asked (the try that drafted it had lost its answer,
/// and the flow is gone upstream for any later read).
#[tokio::test]
async fn a_refusal_whose_answer_is_lost_twice_is_recorded_when_sent_again() {
    use assent::server::records::Status;
    use std::sync::atomic::Ordering::SeqCst;
    let app = spawn_app().await;
    let stats = &app.sandbox().stats;
    let b = browser();
    let consent = start_flow(&app, &b, "user", &["openid", "email"]).await;
    let page = open_consent(&b, &consent).await;
    let decisions = stats.scope_grant_decisions.load(SeqCst);
    app.sandbox().set_fault(Some(Fault::LateAnswers(Duration::from_secs(10))));
    let lost = submit(&app, &b, &page, "deny", &[]).await;
    app.sandbox().set_fault(None);
    assert_eq!(lost.status(), StatusCode::GATEWAY_TIMEOUT);
    let of_flow = || async {
        let records = app.state.records.of_subject("default", "user").await.unwrap();
        records.into_iter().find(|r| r.draft.login_id == page.login_id)
    };
    assert!(of_flow().await.is_none(), "not recorded while its answer is unknown");
    let demo = finish(&app, &b, submit(&app, &b, &page, "deny", &[]).await).await;
    assert!(demo.contains("<dd id=\"error-code\">rejected</dd>"), "{demo}");
    assert_eq!(stats.scope_grant_decisions.load(SeqCst) - decisions, 1, "the refusal is made once");
    let record = of_flow().await.expect("the refusal recorded");
    assert_eq!(record.status, Status::Rejected);
    assert_eq!(record.draft.scopes, ["openid", "email"], "what was asked");
}

/// A decision the server refuses for its System token (revoked there, though Assent's cache
/// still holds it): the token is renewed and the decision sent again under a key of its own,
/// since a server that kept the refusal under the first key would answer it again.
#[tokio::test]
async fn a_decision_sent_again_after_the_tokens_renewal_has_a_key_of_its_own() {
    use axum::http::{HeaderMap, StatusCode as S};
    use axum::response::IntoResponse;
    use std::sync::atomic::Ordering;
    use std::sync::{Arc, Mutex};
    let keys = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = keys.clone();
    let stub = axum::Router::new().route(
        "/api/system/default/scope-grants/L1/accept",
        axum::routing::post(move |h: HeaderMap| {
            let key = h.get("x-idempotency-key").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
            seen.lock().unwrap().push(key);
            async move {
                if h.get("authorization").is_some_and(|v| v == "Bearer t1") {
                    return S::UNAUTHORIZED.into_response();
                }
                axum::Json(serde_json::json!({"redirect_to": "https://as.example/next"})).into_response()
            }
        }),
    );
    let (up, tokens, _) = stub_upstream(stub).await;
    let body = assent::wire::AcceptScopeGrant { id: "L1".into(), ..Default::default() };
    let next = up.accept_scope_grant(&body).await.unwrap();
    assert_eq!(next.redirect_to, "https://as.example/next");
    let keys = keys.lock().unwrap().clone();
    assert_eq!(keys.len(), 2, "refused, then made: {keys:?}");
    assert!(keys[0].len() >= 32 && keys[1].len() >= 32 && keys[0] != keys[1], "{keys:?}");
    assert_eq!(tokens.load(Ordering::SeqCst), 2);
}

/// A stub of the authorization server: `routes`, and a System token endpoint that gives tokens
/// `t1`, `t2`, … (counted); an `Upstream` pointed at it, the count, and the stub's issuer.
async fn stub_upstream(
    routes: axum::Router,
) -> (assent::server::upstream::Upstream, std::sync::Arc<std::sync::atomic::AtomicU64>, String) {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;
    let tokens = Arc::new(AtomicU64::new(0));
    let counter = tokens.clone();
    let stub = routes.route(
        "/default/system/oauth2/token",
        axum::routing::post(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            async move {
                axum::Json(
                    serde_json::json!({"access_token": format!("t{n}"), "token_type": "bearer", "expires_in": 3600}),
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}/default/demo", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, stub).await.unwrap() });
    (assent::server::upstream::Upstream::new(&tenant_at(&issuer), Arc::default()).unwrap(), tokens, issuer)
}

/// A tenant of the authorization server at `issuer` (`default`'s), Assent's client `c`.
fn tenant_at(issuer: &str) -> assent::server::config::TenantConfig {
    assent::server::config::TenantConfig {
        issuer: url::Url::parse(issuer).unwrap(),
        tenant_id: "default".into(),
        client_id: "c".into(),
        client_secret: assent::server::config::Secret::new("s"),
        root_ca: None,
        client_cert: None,
        routing: Default::default(),
        system_scopes: None,
    }
}
