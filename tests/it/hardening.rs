//! Findings of the outside security review (issue 14), each pinned: these failed before their
//! fixes.

use crate::common::*;
use crate::portal_flow::portal_sign_in;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

/// Active, unexpired tokens the sandbox holds for the portal's client.
fn live_portal_tokens(app: &TestApp) -> i64 {
    let conn = rusqlite::Connection::open(app.data_dir().join("sandbox.sqlite3")).unwrap();
    conn.query_row(
        "SELECT COUNT(*) FROM tokens WHERE client_id = 'assent-portal' AND revoked = 0 AND expires_at > strftime('%s','now')",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

/// Item 9: signing out revokes the session's token at the authorization server (RFC 7009).
#[tokio::test]
async fn signing_out_revokes_the_portals_token() {
    let app = spawn_app().await;
    let b = browser();
    let portal = portal_sign_in(&app, &b, "user4").await;
    assert_eq!(live_portal_tokens(&app), 1);
    let res = form_post(&b, format!("{}/api/portal/sign-out", app.url))
        .header("sec-fetch-site", "same-origin")
        .form(&[("csrf_token", hidden(&portal, "csrf_token"))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cleared =
        res.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap().starts_with("assent-portal=;"));
    assert!(cleared, "the session cookie is cleared");
    assert_eq!(live_portal_tokens(&app), 0, "the token died with the session");
}

/// Item 5: the sandbox advertises `authorization_response_iss_parameter_supported`, so a
/// callback without `iss` is refused (RFC 9207), as is one with another issuer.
#[tokio::test]
async fn a_callback_without_iss_is_refused_when_the_server_always_sends_it() {
    let app = spawn_app().await;
    for tamper in ["drop", "change"] {
        let b = browser();
        let page = b.get(format!("{}/portal", app.url)).send().await.unwrap().text().await.unwrap();
        let res = form_post(&b, format!("{}/api/portal/sign-in", app.url))
            .header("sec-fetch-site", "same-origin")
            .form(&[("csrf_token", hidden(&page, "csrf_token"))])
            .send()
            .await
            .unwrap();
        let res = sign_in(&app, &b, &location(&res), "user4").await;
        let callback = url::Url::parse(&location(&res)).unwrap();
        assert!(callback.query_pairs().any(|(k, _)| k == "iss"), "the sandbox sends iss");
        let mut forged = callback.clone();
        let pairs: Vec<(String, String)> = callback
            .query_pairs()
            .filter(|(k, _)| tamper != "drop" || k != "iss")
            .map(|(k, v)| {
                (k.to_string(), if k == "iss" { "https://evil.example/t/w".to_string() } else { v.to_string() })
            })
            .collect();
        forged.query_pairs_mut().clear().extend_pairs(pairs);
        let res = b.get(forged.as_str()).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{tamper} iss");
        let page = b.get(format!("{}/portal", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(!page.contains("Sign out"), "{tamper} iss: not signed in");
    }
}

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

/// Reads from `stream` until the server closes it; how long that took, or `None` if it was
/// still open after `wait`.
async fn closed_within<S: tokio::io::AsyncRead + Unpin>(
    stream: &mut S,
    wait: std::time::Duration,
) -> Option<std::time::Duration> {
    use tokio::io::AsyncReadExt;
    let started = std::time::Instant::now();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(wait.saturating_sub(started.elapsed()), stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => {}
        }
    }
}

/// Item 3: on every listener (Assent's, the sandbox's, the sandbox's mutual-TLS one) a client
/// that sends half its request headers, or stalls its TLS handshake, is cut off in seconds.
#[tokio::test]
async fn slow_clients_are_cut_off_on_every_listener() {
    use std::time::Duration;
    use tokio::io::AsyncWriteExt;
    let app = spawn_app().await;
    let half = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
    let assent_addr = app.url.trim_start_matches("http://").to_string();
    let sandbox_addr = app.sandbox_handle.addr.to_string();
    let mtls_addr = app.sandbox_handle.mtls_addr.to_string();
    let limit = Duration::from_secs(9); // the header timeout is 5 s
    let mut checks = Vec::new();
    for addr in [assent_addr, sandbox_addr] {
        checks.push(tokio::spawn(async move {
            let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
            tcp.write_all(half).await.unwrap();
            (format!("half headers to {addr}"), closed_within(&mut tcp, limit).await)
        }));
    }
    let stalled_handshake = mtls_addr.clone();
    checks.push(tokio::spawn(async move {
        let mut tcp = tokio::net::TcpStream::connect(&stalled_handshake).await.unwrap();
        tcp.write_all(&[0x16, 0x03, 0x01]).await.unwrap(); // the start of a ClientHello
        ("a stalled TLS handshake".to_string(), closed_within(&mut tcp, limit).await)
    }));
    let ca = app.sandbox().ca_pem.clone();
    checks.push(tokio::spawn(async move {
        let mut roots = rustls::RootCertStore::empty();
        for cert in rustls::pki_types::pem::PemObject::pem_slice_iter(ca.as_bytes()) {
            roots.add(cert.unwrap()).unwrap();
        }
        let config = rustls::ClientConfig::builder().with_root_certificates(roots).with_no_client_auth();
        let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
        let tcp = tokio::net::TcpStream::connect(&mtls_addr).await.unwrap();
        let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
        let mut tls = connector.connect(name, tcp).await.unwrap();
        tls.write_all(half).await.unwrap();
        tls.flush().await.unwrap();
        ("half headers over mutual TLS".to_string(), closed_within(&mut tls, limit).await)
    }));
    for check in checks {
        let (what, closed) = check.await.unwrap();
        let after = closed.unwrap_or_else(|| panic!("{what}: still open after {limit:?}"));
        assert!(after >= Duration::from_secs(3), "{what}: closed after {after:?}, not by the timeout");
    }
}

/// Item 3: a listener takes at most its number of connections; the next one waits until a slot
/// is free, and is then served.
#[tokio::test]
async fn connections_beyond_the_cap_wait_for_a_free_slot() {
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let mut config = sandbox_config(dir.path());
    config.limits.max_connections = 2;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let leptos = leptos::config::LeptosOptions::builder().output_name("assent").site_addr(addr).build();
    let started =
        assent::routes::start(config, leptos, url::Url::parse(&format!("http://{addr}")).unwrap()).await.unwrap();
    tokio::spawn(assent::listen::serve(listener, started.router, started.limits, std::future::pending()));
    // Two idle connections take both slots.
    let mut first = tokio::net::TcpStream::connect(addr).await.unwrap();
    let _second = tokio::net::TcpStream::connect(addr).await.unwrap();
    first.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut buf = [0u8; 256];
    let n = first.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"), "a connection within the cap is served");
    // A third is not taken in, so its request waits…
    let mut third = tokio::net::TcpStream::connect(addr).await.unwrap();
    third.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
    assert!(tokio::time::timeout(Duration::from_millis(1500), third.read(&mut buf)).await.is_err(), "over the cap");
    // …until a slot frees up.
    drop(first);
    let n = tokio::time::timeout(Duration::from_secs(3), third.read(&mut buf))
        .await
        .expect("served once a slot is free")
        .unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
}

/// An authorization server whose keep-alive runs out as the next request arrives: each
/// connection answers its first request (a System token, or a consent request), then closes
/// without an answer when a second one comes on it. Counts those closes.
async fn closing_upstream() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let closes = std::sync::Arc::new(AtomicUsize::new(0));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let counter = closes.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut served = 0;
                let mut pending = Vec::new();
                let mut buf = [0u8; 8192];
                loop {
                    let Ok(n) = socket.read(&mut buf).await else { return };
                    if n == 0 {
                        return;
                    }
                    pending.extend_from_slice(&buf[..n]);
                    let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
                    let head = String::from_utf8_lossy(&pending[..end]).to_string();
                    let length: usize = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap())
                        })
                        .unwrap_or(0);
                    if pending.len() < end + 4 + length {
                        continue;
                    }
                    pending.drain(..end + 4 + length);
                    if served == 1 {
                        counter.fetch_add(1, Ordering::SeqCst);
                        return; // closed under the client, no answer
                    }
                    served += 1;
                    let body = if head.contains("/oauth2/token") {
                        serde_json::json!({"access_token": "t", "token_type": "bearer", "expires_in": 3600}).to_string()
                    } else {
                        serde_json::json!({
                            "id": "l1", "tenant_id": "default", "server_id": "demo", "client_id": "app", "subject": "user",
                            "authentication_context": {"sub": "user"},
                            "client_info": {"client_name": "Keep-Alive App"},
                            "requested_scopes": [{"name": "openid", "display_name": "Sign you in"}]
                        })
                        .to_string()
                    };
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if socket.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (format!("http://{addr}/default/demo"), closes)
}

/// Item 11: a consent view whose pooled connection the upstream closed as the request left is
/// sent once more on a fresh connection, instead of failing with 502.
#[tokio::test]
async fn a_request_on_a_connection_the_upstream_closed_is_sent_again() {
    let (issuer, closes) = closing_upstream().await;
    let dir = tempfile::tempdir().unwrap();
    let assent = spawn_assent(&issuer, "s", &"k".repeat(32), dir.path(), None).await;
    // The System token goes out on a new connection; the consent read reuses it and is cut off.
    let res = browser().get(format!("{assent}/consent?login_id=l1&login_state=s1")).send().await.unwrap();
    assert_eq!(closes.load(std::sync::atomic::Ordering::SeqCst), 1, "the upstream closed a pooled connection");
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("Keep-Alive App"));
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

/// Item 6: the name the portal greets the user with comes from the ID token, and is cleaned
/// like every other upstream text (no right-to-left override reaches the page).
#[tokio::test]
async fn the_portal_cleans_the_name_from_the_id_token() {
    let app = spawn_app().await;
    let store = &app.sandbox().store;
    let (hash, _) = store.user("user9").unwrap().unwrap();
    let data = serde_json::json!({"email": "moc.elpmaxe@\u{202E}user9", "name": "Nina"}).to_string();
    store.upsert_user("user9", &hash, &data).unwrap();
    let page = portal_sign_in(&app, &browser(), "user9").await;
    assert!(page.contains("moc.elpmaxe@user9"), "the name is shown");
    assert!(!page.contains('\u{202E}'), "without the override");
}

/// Item 3, on the way out: a listener told to stop takes no new connection, lets the request in
/// flight finish, and only then returns (so `assent` exits after answering it).
#[tokio::test]
async fn a_stopping_listener_finishes_the_request_in_flight() {
    use std::time::Duration;
    let app = axum::Router::new().route(
        "/slow",
        axum::routing::get(|| async {
            tokio::time::sleep(Duration::from_millis(800)).await;
            "done"
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(assent::listen::serve(listener, app, Default::default(), async {
        let _ = stopped.await;
    }));
    let request =
        tokio::spawn(async move { reqwest::get(format!("http://{addr}/slow")).await.unwrap().text().await.unwrap() });
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!server.is_finished(), "still serving the request in flight");
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "no new connections");
    assert_eq!(request.await.unwrap(), "done");
    tokio::time::timeout(Duration::from_secs(2), server).await.expect("stopped once the request was answered").unwrap();
}

/// Item 3: a body that stops arriving gets an answer within seconds, not never, on Assent's
/// listener and the sandbox's (the same layer serves the mutual-TLS one).
#[tokio::test]
async fn a_body_that_stalls_is_answered_within_seconds() {
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app().await;
    let targets = [
        (app.url.trim_start_matches("http://").to_string(), "/lang"),
        (app.sandbox_handle.addr.to_string(), "/default/demo/oauth2/token"),
    ];
    let mut checks = Vec::new();
    for (addr, path) in targets {
        checks.push(tokio::spawn(async move {
            let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
            let head = format!(
                "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nlang=e"
            );
            tcp.write_all(head.as_bytes()).await.unwrap();
            let started = Instant::now();
            let mut buf = [0u8; 512];
            let answered = tokio::time::timeout(Duration::from_secs(20), tcp.read(&mut buf)).await;
            (path, answered.is_ok(), started.elapsed())
        }));
    }
    for check in checks {
        let (path, answered, after) = check.await.unwrap();
        assert!(answered, "{path}: no answer to a stalled body after {after:?}");
        assert!(after >= Duration::from_secs(8), "{path}: answered after {after:?}, not by the body timeout");
    }
}
