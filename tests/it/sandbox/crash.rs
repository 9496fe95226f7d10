//! The sandbox keeps what it confirmed: SIGKILL it in the middle of a load, restart it on the
//! same data directory, and every token and consent decision that got a success answer is there.

use reqwest::{redirect, Client, StatusCode};
use std::process::{Child, Command};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn start(dir: &std::path::Path, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_assent"))
        .arg("sandbox")
        .env("SANDBOX_ADDR", format!("127.0.0.1:{port}"))
        // Not the default 3443: a `make dev` on this machine may hold it.
        .env("SANDBOX_MTLS_ADDR", "127.0.0.1:0")
        .env("ASSENT_DATA_DIR", dir)
        .env("AUTHORIZATION_SERVER_URL", "")
        .env("RUST_LOG", "warn")
        .spawn()
        .unwrap()
}

async fn wait_ready(base: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while reqwest::get(format!("{base}/demo")).await.is_err() {
        assert!(Instant::now() < deadline, "sandbox did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn consent_secret(dir: &std::path::Path) -> String {
    let conn = rusqlite::Connection::open(dir.join("sandbox.sqlite3")).unwrap();
    conn.query_row("SELECT value FROM meta WHERE key = 'client_secret:assent-consent'", [], |r| r.get(0)).unwrap()
}

async fn system_token(http: &Client, base: &str, secret: &str) -> Option<String> {
    let res = http
        .post(format!("{base}/default/system/oauth2/token"))
        .basic_auth("assent-consent", Some(secret))
        .form(&[("grant_type", "client_credentials"), ("scope", "manage_scope_grants")])
        .send()
        .await
        .ok()?;
    if res.status() != StatusCode::OK {
        return None;
    }
    let body: serde_json::Value = res.json().await.ok()?;
    Some(body["access_token"].as_str()?.to_string())
}

/// Sign-in and accept through the System API; `Some(login_id)` once the accept was confirmed.
async fn one_consent(http: &Client, base: &str, token: &str, n: usize) -> Option<String> {
    let redirect = format!("{base}/demo/callback");
    let res = http
        .get(format!("{base}/default/demo/oauth2/authorize"))
        .query(&[
            ("response_type", "code"),
            ("client_id", "demo-app"),
            ("redirect_uri", &redirect),
            ("scope", "openid email"),
            ("state", &format!("s{n}")),
        ])
        .send()
        .await
        .ok()?;
    let login = res.headers().get("location")?.to_str().ok()?.to_string();
    let login_id = login.split("login_id=").nth(1)?.to_string();
    let page = http.get(format!("{base}{login}")).send().await.ok()?.text().await.ok()?;
    let csrf_token = page.split("name=\"csrf_token\" value=\"").nth(1)?.split('"').next()?.to_string();
    let res = http
        .post(format!("{base}/default/demo/login"))
        .form(&[
            ("login_id", login_id.as_str()),
            ("username", "user"),
            ("password", "p@ssword!"),
            ("csrf_token", csrf_token.as_str()),
        ])
        .send()
        .await
        .ok()?;
    let consent = res.headers().get("location")?.to_str().ok()?.to_string();
    let login_state = consent.split("login_state=").nth(1)?.to_string();
    let res = http
        .post(format!("{base}/api/system/default/scope-grants/{login_id}/accept"))
        .bearer_auth(token)
        .json(&serde_json::json!({"id": login_id, "login_state": login_state, "granted_scopes": ["openid", "email"], "granted_claims": []}))
        .send()
        .await
        .ok()?;
    (res.status() == StatusCode::OK).then_some(login_id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirmed_work_survives_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = start(dir.path(), port);
    wait_ready(&base).await;
    let secret = consent_secret(dir.path());
    // One browser (its cookie ties each sign-in to it) running many flows.
    let http = Client::builder().cookie_store(true).redirect(redirect::Policy::none()).build().unwrap();
    let system = system_token(&http, &base, &secret).await.unwrap();

    let tokens = Arc::new(Mutex::new(Vec::new()));
    let consents = Arc::new(Mutex::new(Vec::new()));
    let mut workers = Vec::new();
    for w in 0..6 {
        let (http, base, secret, system) = (http.clone(), base.clone(), secret.clone(), system.clone());
        let (tokens, consents) = (tokens.clone(), consents.clone());
        workers.push(tokio::spawn(async move {
            for n in 0.. {
                let confirmed = if w % 2 == 0 {
                    system_token(&http, &base, &secret).await.map(|t| tokens.lock().unwrap().push(t))
                } else {
                    one_consent(&http, &base, &system, w * 100_000 + n).await.map(|l| consents.lock().unwrap().push(l))
                };
                if confirmed.is_none() && reqwest::get(format!("{base}/demo")).await.is_err() {
                    break; // the sandbox is gone
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    for w in workers {
        w.await.unwrap();
    }
    let tokens = tokens.lock().unwrap().clone();
    let consents = consents.lock().unwrap().clone();
    assert!(
        tokens.len() > 10 && !consents.is_empty(),
        "the load ran: {} tokens, {} consents",
        tokens.len(),
        consents.len()
    );

    let mut child = start(dir.path(), port);
    wait_ready(&base).await;
    let system = system_token(&http, &base, &secret).await.unwrap();
    for token in &tokens {
        let body: serde_json::Value = http
            .post(format!("{base}/default/system/oauth2/introspect"))
            .basic_auth("assent-consent", Some(&secret))
            .form(&[("token", token)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["active"], true, "a confirmed token was lost");
    }
    for login in &consents {
        let body: serde_json::Value = http
            .get(format!("{base}/api/system/default/scope-grants/{login}"))
            .bearer_auth(&system)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["scope_grant_approved"], true, "a confirmed consent was lost");
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test]
async fn the_sandbox_keeps_what_it_issued_across_a_restart() {
    use assent::sandbox::{spawn, SandboxConfig};
    let dir = tempfile::tempdir().unwrap();
    let config = SandboxConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().to_path_buf(),
        consent_url: "http://127.0.0.1:9/consent".into(),
        mtls_addr: None,
        limits: Default::default(),
        client_ca: None,
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
