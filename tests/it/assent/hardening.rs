//! Findings of the outside security reviews that concern Assent itself, each pinned by a test
//! that failed before its fix.

use crate::common::*;
use reqwest::StatusCode;

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
    // P-08: the signed-in page is never kept, so Back after signing out asks the server again.
    let res = b.get(format!("{}/portal", app.url)).send().await.unwrap();
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert!(res.text().await.unwrap().contains("user4@example.com"));
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
    // And asking again shows no one's data, only the way to sign in.
    let again = b.get(format!("{}/portal", app.url)).send().await.unwrap().text().await.unwrap();
    assert!(again.contains("Sign in") && !again.contains("user4@example.com"), "{again}");
}

/// Item 5: the sandbox advertises `authorization_response_iss_parameter_supported`, so a
/// callback without `iss` is refused (RFC 9207), as is one with another issuer.
#[tokio::test]
async fn a_callback_without_iss_is_refused_when_the_server_always_sends_it() {
    let app = spawn_app().await;
    for tamper in ["drop", "change"] {
        let b = browser();
        let callback = portal_callback(&app, &b, "user4").await;
        assert!(callback.query_pairs().any(|(k, _)| k == "iss"), "the sandbox sends iss");
        let forged = with_query(&callback, |k, v| match (k, tamper) {
            ("iss", "drop") => None,
            ("iss", _) => Some("https://evil.example/t/w".to_string()),
            _ => Some(v.to_string()),
        });
        let res = b.get(forged.as_str()).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{tamper} iss");
        let page = b.get(format!("{}/portal", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(!page.contains("Sign out"), "{tamper} iss: not signed in");
    }
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

// --- Security, round three (issue 23): each of these failed before its fix. ---

/// Item 1: a sign-in keeps nothing on the server until its callback, so one client starting
/// 20,000 of them with one form token fills nothing: another browser signs in as usual. The
/// callback runs once: replayed with its cookie, it is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_starting_20000_sign_ins_does_not_stop_anyone_elses() {
    let app = spawn_app().await;
    let attacker = browser();
    let page = attacker.get(format!("{}/portal", app.url)).send().await.unwrap().text().await.unwrap();
    let token = hidden(&page, "csrf_token");
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let workers: Vec<_> = (0..16)
        .map(|_| {
            let (b, url, token, next) =
                (attacker.clone(), format!("{}/api/portal/sign-in", app.url), token.clone(), next.clone());
            tokio::spawn(async move {
                while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < 20_000 {
                    let res = form_post(&b, &url)
                        .header("sec-fetch-site", "same-origin")
                        .form(&[("csrf_token", token.as_str())])
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(res.status(), StatusCode::SEE_OTHER, "every sign-in starts");
                }
            })
        })
        .collect();
    for w in workers {
        w.await.unwrap();
    }
    let used: i64 = rusqlite::Connection::open(app.data_dir().join("assent.sqlite3"))
        .unwrap()
        .query_row("SELECT COUNT(*) FROM portal_used_sign_ins", [], |r| r.get(0))
        .unwrap();
    assert_eq!(used, 0, "starting sign-ins stores nothing");
    // Someone else signs in as usual.
    let other = browser();
    let html = portal_sign_in(&app, &other, "user").await;
    assert!(html.contains("Sign out"));

    // A callback replayed with the sign-in cookie it came with: refused.
    let b = browser();
    let page = b.get(format!("{}/portal", app.url)).send().await.unwrap().text().await.unwrap();
    let res = form_post(&b, format!("{}/api/portal/sign-in", app.url))
        .header("sec-fetch-site", "same-origin")
        .form(&[("csrf_token", hidden(&page, "csrf_token"))])
        .send()
        .await
        .unwrap();
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("assent-portal-state="))
        .map(|c| c.split(';').next().unwrap().to_string())
        .unwrap();
    let res = sign_in(&app, &b, &location(&res), "user2").await;
    let callback = location(&res);
    assert_eq!(b.get(&callback).send().await.unwrap().status(), StatusCode::SEE_OTHER, "the first callback");
    let replay = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = replay.get(&callback).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "a replayed callback");
    assert!(res.text().await.unwrap().contains("sign in again"));
}

/// Item 4: only an application in the user's own list can be revoked. Another user's, an
/// unknown id, `.` and `..` get 404, and no revocation reaches the authorization server.
#[tokio::test]
async fn revoking_what_is_not_yours_or_not_there_is_not_found_and_sends_nothing() {
    use assent::sandbox::Stats;
    let app = spawn_app().await;
    // user2 gave the demo app access; user3 gave nothing.
    let b2 = browser();
    let consent = start_flow(&app, &b2, "user2", &["openid", "email"]).await;
    let page = open_consent(&b2, &consent).await;
    finish(&app, &b2, submit(&app, &b2, &page, "allow", &["email"]).await).await;
    let b3 = browser();
    let portal = portal_sign_in(&app, &b3, "user3").await;
    let token = hidden(&portal, "csrf_token");
    for id in ["demo-app", "no-such-app", ".", "..", "../demo/clients"] {
        for accept in ["text/html", "application/json"] {
            let res = b3
                .post(format!("{}/api/portal/revoke", app.url))
                .header("accept", accept)
                .header("sec-fetch-site", "same-origin")
                .form(&[("client_id", id), ("csrf_token", token.as_str())])
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{id} ({accept})");
        }
    }
    assert_eq!(Stats::get(&app.sandbox().stats.public_revokes), 0, "nothing was sent to revoke");
    // user2's own application is revoked as before.
    let portal = portal_sign_in(&app, &b2, "user2").await;
    let res = form_post(&b2, format!("{}/api/portal/revoke", app.url))
        .header("sec-fetch-site", "same-origin")
        .form(&[("client_id", "demo-app"), ("csrf_token", hidden(&portal, "csrf_token").as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(Stats::get(&app.sandbox().stats.public_revokes), 1);
}

/// Item 3: with `BANK_ID_CLAIM` set, a consent whose sign-in does not carry that claim is
/// refused with a page that says so; the subject is never used as the customer number, and
/// the bank is not asked.
#[tokio::test]
async fn a_missing_bank_customer_claim_is_refused_not_replaced_by_the_subject() {
    use assent::server::config::{BankConfig, Secret, TenantConfig};
    let app = spawn_app().await;
    let b = browser();
    // An FDX consent of user (customer `user` in the sandbox's `customer_id` claim)...
    let res = b.post(format!("{}/fdx-demo/connect", app.sandbox_url())).send().await.unwrap();
    let authorize = absolute(app.sandbox_url(), &location(&res));
    let consent = location(&sign_in(&app, &b, &authorize, "user").await);
    let query = url::Url::parse(&consent).unwrap();
    // ...opened on an Assent whose bank names its customers by a claim the sign-in lacks.
    let data = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = assent::server::config::Config {
        tenant: Some(TenantConfig {
            issuer: url::Url::parse(&format!("{}/default/demo", app.sandbox_url())).unwrap(),
            tenant_id: "default".into(),
            client_id: app.sandbox_handle.consent_client_id.clone(),
            client_secret: Secret::new(app.sandbox_handle.consent_client_secret.clone()),
            root_ca: None,
            client_cert: None,
            routing: Default::default(),
            system_scopes: None,
        }),
        bank: Some(BankConfig {
            url: url::Url::parse(&format!("{}/bank", app.sandbox_url())).unwrap(),
            id_claim: Some("bank_customer_number".into()),
            workspace: Some("fdx".into()),
            account_scopes: assent::server::config::default_account_scopes(),
        }),
        ..sandbox_config(data.path())
    };
    let leptos = leptos::config::LeptosOptions::builder().output_name("assent").site_addr(addr).build();
    let started =
        assent::routes::start(config, leptos, url::Url::parse(&format!("http://{addr}")).unwrap()).await.unwrap();
    tokio::spawn(assent::listen::serve(listener, started.router, started.limits, std::future::pending()));
    let res = browser().get(format!("http://{addr}/consent?{}", query.query().unwrap())).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_GATEWAY);
    let html = res.text().await.unwrap();
    assert!(html.contains("could not tell which customer you are") && html.contains("Request id"), "{html}");
    assert!(!html.contains("Everyday Checking"), "no account of the subject's was shown");
}

/// Item 6: every server function's answer is `no-store`; only a web form's encoding is taken
/// (415 otherwise, with no upstream call); a plain form's success goes where the server
/// function sends it, never to the Referer; pages carry COOP and no nonce outside `nonce`;
/// the consent page sends no Referer at all, and its forms still work.
#[tokio::test]
async fn server_functions_and_pages_carry_the_hardening_a_review_asks_for() {
    let app = spawn_app().await;
    let b = browser();
    let consent = start_flow(&app, &b, "user4", &["openid", "email"]).await;
    let res = b.get(&consent).send().await.unwrap();
    assert_eq!(res.headers()["referrer-policy"], "no-referrer");
    assert_eq!(res.headers()["cross-origin-opener-policy"], "same-origin");
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_string();
    let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap().to_string();
    let html = res.text().await.unwrap();
    assert!(html.contains("<meta name=\"referrer\" content=\"no-referrer\"/>"), "{html}");
    assert_eq!(
        html.matches(&nonce).count(),
        html.matches(&format!("nonce=\"{nonce}\"")).count(),
        "the nonce only in nonce attributes: {html}"
    );
    let page = open_consent(&b, &consent).await;
    // Other encodings than a web form's: 415, before any upstream call.
    let reads = assent::sandbox::Stats::get(&app.sandbox().stats.scope_grant_reads);
    for (kind, body) in [
        ("application/json", r#"{"login_id":"x"}"#.to_string()),
        ("text/plain", format!("login_id={}", page.login_id)),
        ("multipart/form-data; boundary=x", "--x--".to_string()),
    ] {
        let res = b
            .post(format!("{}{DECIDE}", app.url))
            .header("sec-fetch-site", "same-origin")
            .header("content-type", kind)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{kind}");
        assert_eq!(res.headers()["cache-control"], "no-store", "{kind}");
    }
    assert_eq!(assent::sandbox::Stats::get(&app.sandbox().stats.scope_grant_reads), reads);
    // The consent page's own form, as a browser sends it under `no-referrer`: `Origin: null`
    // with Fetch Metadata saying same-origin, and a Referer of another site that must not be
    // followed.
    let res = form_post(&b, format!("{}{DECIDE}", app.url))
        .header("sec-fetch-site", "same-origin")
        .header("origin", "null")
        .header("referer", "https://evil.example/after")
        .form(&[
            ("login_id", page.login_id.as_str()),
            ("login_state", page.login_state.as_str()),
            ("csrf_token", page.csrf_token.as_str()),
            ("decision", "allow"),
            ("scope[]", "email"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with(app.sandbox_url()), "{}", location(&res));
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert!(res.headers().get("x-assent-navigate").is_none());
    // Pages other than the consent screen send their origin to Assent's own forms.
    let home = b.get(format!("{}/", app.url)).send().await.unwrap();
    assert_eq!(home.headers()["referrer-policy"], "same-origin");
    assert!(home.headers().get("strict-transport-security").is_none(), "plain http: no HSTS");
}

/// Item 6 and C-27, C-28: behind https, HSTS; every cookie is `__Host-` and `Secure`, and no header a client
/// writes (`Host`, `X-Forwarded-*`, `Forwarded`) moves Assent's own address: a form from the
/// origin a forged `Host` names is refused, and the portal's sign-in returns to the configured
/// public URL.
#[tokio::test]
async fn behind_https_hsts_host_only_cookies_and_forwarded_headers_change_nothing() {
    let app = spawn_app().await;
    let data = tempfile::tempdir().unwrap();
    let url = spawn_behind_https(&app, data.path()).await;
    let public = BEHIND_HTTPS;
    let res = reqwest::get(format!("{url}/healthz")).await.unwrap();
    assert_eq!(res.headers()["strict-transport-security"], "max-age=31536000; includeSubDomains");
    let spoofed = |r: reqwest::RequestBuilder| {
        r.header("host", "evil.example")
            .header("x-forwarded-host", "evil.example")
            .header("x-forwarded-proto", "http")
            .header("forwarded", "host=evil.example;proto=http")
    };
    let set_cookies = |res: &reqwest::Response| -> Vec<String> {
        res.headers().get_all("set-cookie").iter().map(|c| c.to_str().unwrap().to_string()).collect()
    };
    let host_only = |cookies: &[String]| {
        !cookies.is_empty()
            && cookies.iter().all(|c| {
                c.starts_with("__Host-") && c.contains("; Secure") && c.contains("Path=/") && !c.contains("Domain")
            })
    };
    // Cookies are kept by hand: a jar would not send `Secure` ones over the test's plain http.
    let b = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = spoofed(b.get(format!("{url}/portal"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let cookies = set_cookies(&res);
    assert!(host_only(&cookies), "{cookies:?}");
    let cookie = cookies[0].split(';').next().unwrap().to_string();
    let token = hidden(&res.text().await.unwrap(), "csrf_token");
    let sign_in = |origin: &'static str| {
        spoofed(form_post(&b, format!("{url}/api/portal/sign-in")))
            .header("cookie", &cookie)
            .header("origin", origin)
            .header("sec-fetch-site", "same-origin")
            .form(&[("csrf_token", &token)])
            .send()
    };
    // The portal's client knows this Assent's callback, as a deployment's would.
    let store = &app.sandbox().store;
    let (workspace, hash, data) = store.client("assent-portal").unwrap().unwrap();
    let mut data: serde_json::Value = serde_json::from_str(&data).unwrap();
    data["redirect_uris"].as_array_mut().unwrap().push("https://consent.example/portal/callback".into());
    store.upsert_client("assent-portal", &workspace, hash.as_deref(), &data.to_string(), 0).unwrap();
    let res = sign_in("https://evil.example").await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "the forged host's origin is not Assent's");
    let res = sign_in(public).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(host_only(&set_cookies(&res)), "{:?}", set_cookies(&res));
    // The request was pushed: the redirect URI in it is the configured one.
    let authorize = location(&res);
    assert_pushed(&authorize);
    let uri =
        url::Url::parse(&authorize).unwrap().query_pairs().find(|(k, _)| k == "request_uri").unwrap().1.into_owned();
    let (_, _, request, _) = store.take_par(uri.rsplit(':').next().unwrap()).unwrap().unwrap();
    let pushed: serde_json::Value = serde_json::from_str(&request).unwrap();
    assert_eq!(pushed["redirect_uri"], "https://consent.example/portal/callback");
    // The language switcher's cookie too, and the pages read it.
    let res = spoofed(form_post(&b, format!("{url}/lang")))
        .header("origin", public)
        .header("sec-fetch-site", "same-origin")
        .form(&[("lang", "es"), ("next", "/portal")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookies = set_cookies(&res);
    assert!(host_only(&cookies) && cookies[0].starts_with("__Host-assent-lang=es;"), "{cookies:?}");
    let lang = cookies[0].split(';').next().unwrap().to_string();
    let page = b.get(format!("{url}/portal")).header("cookie", lang).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("lang=\"es\""), "{page}");
}

/// Item 6: more connections from one address than the listener takes, all sending nothing,
/// hold at most that address's share: another address's `/healthz` is answered at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_cannot_take_every_connection() {
    let app = spawn_app_with(".", |c| {
        c.limits.max_connections = 256;
        c.limits.max_per_address = 64;
    })
    .await;
    let addr: std::net::SocketAddr = app.url.trim_start_matches("http://").parse().unwrap();
    let mut held = Vec::new();
    for _ in 0..400 {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.2:0".parse().unwrap()).unwrap();
        if let Ok(stream) = socket.connect(addr).await {
            held.push(stream);
        }
    }
    let client =
        reqwest::Client::builder().local_address("127.0.0.3".parse::<std::net::IpAddr>().unwrap()).build().unwrap();
    let started = std::time::Instant::now();
    let res = client.get(format!("{}/healthz", app.url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(started.elapsed() < std::time::Duration::from_millis(500), "{:?}", started.elapsed());
    drop(held);
}

/// Every kind of answer carries the headers that keep it out of frames and sniffing: pages,
/// server functions' answers, files, operations endpoints and errors alike.
#[tokio::test]
async fn every_kind_of_answer_refuses_frames_and_sniffing() {
    let app = spawn_app().await;
    let b = browser();
    let consent = start_flow(&app, &b, "user", &["openid"]).await;
    let paths = [
        consent.replacen(&app.url, "", 1),
        "/portal".into(),
        "/portal/revoke?client_id=x".into(),
        "/admin".into(),
        "/consent?login_id=unknown&login_state=x".into(),
        "/favicon.svg".into(),
        "/readyz".into(),
        "/no-such-page".into(),
    ];
    let mut answers = Vec::new();
    for path in &paths {
        answers.push((path.clone(), b.get(format!("{}{path}", app.url)).send().await.unwrap()));
    }
    // A server function's answer (a refused call, as JSON).
    let api = b.post(format!("{}{DECIDE}", app.url)).form(&[("login_id", "x")]).send().await.unwrap();
    answers.push((DECIDE.into(), api));
    for (path, res) in &answers {
        let h = res.headers();
        assert_eq!(h.get("x-frame-options").map(|v| v.to_str().unwrap()), Some("DENY"), "{path}");
        assert_eq!(h.get("x-content-type-options").map(|v| v.to_str().unwrap()), Some("nosniff"), "{path}");
        assert_eq!(h.get("cross-origin-opener-policy").map(|v| v.to_str().unwrap()), Some("same-origin"), "{path}");
        let csp = h.get("content-security-policy").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    }
    // A server function is only ever posted: a GET (a link, an image, the address bar after a
    // form's page) is refused as a method it does not take, before anything reads it, at every
    // server function's path, with a page that says so in the user's language.
    let paths = leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path).collect::<Vec<_>>();
    assert!(paths.contains(&DECIDE) && paths.len() > 10, "{paths:?}");
    for path in paths {
        let res = b.get(format!("{}{path}?login_id=x&login_state=y&decision=allow", app.url)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED, "GET {path}");
        assert_eq!(res.headers().get("allow").map(|v| v.to_str().unwrap()), Some("POST"), "GET {path}");
        let html = res.text().await.unwrap();
        assert!(html.contains("This address is not a page") && html.contains(r#"class="btn""#), "GET {path}: {html}");
    }
    let es = b.get(format!("{}{DECIDE}", app.url)).header("accept-language", "es").send().await.unwrap();
    assert!(es.text().await.unwrap().contains("Esta dirección no es una página"));
}
