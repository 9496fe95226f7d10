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
