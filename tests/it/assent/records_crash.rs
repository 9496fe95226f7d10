//! Consent records across a crash: an `assent` process is SIGKILLed while 200 accepts are in
//! flight. Afterwards no record is authorized whose grant was not accepted with its id, and no
//! grant was accepted without a record of its flow carrying that id; started again, Assent
//! settles the records the crash left pending, so every accepted grant has its authorized
//! record.

use crate::common::*;
use assent::sandbox::Stats;
use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every record of the store at `path`: id → (login id, status).
fn records(path: &std::path::Path) -> HashMap<String, (String, String)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn.prepare("SELECT id, login_id, status FROM consent_records").unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?)))).unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_crash_during_200_accepts_loses_no_consent_and_authorizes_none_without_its_grant() {
    let app = spawn_app().await;
    // 200 flows at the consent screen, of every sandbox customer.
    let users = ["user", "user2", "user3", "user4", "user5", "user6", "user7", "user8", "user9", "user10"];
    let mut pages = Vec::new();
    for i in 0..200 {
        let b = browser();
        let consent = start_flow(&app, &b, users[i % users.len()], &["openid", "email"]).await;
        let page = open_consent(&b, &consent).await;
        pages.push((b, page));
    }

    // A separate `assent` process behind the same public URL takes the decisions.
    let dir = tempfile::tempdir().unwrap();
    let (mut child, base) = start_assent(&app, dir.path()).await;

    // All 200 at once; the process is killed once about a third went through.
    let before = Stats::get(&app.sandbox().stats.scope_grant_decisions);
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for (b, page) in pages {
        let (origin, base) = (app.url.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            // The connection may die with the process: that answer is lost, not the decision.
            let _ = form_post(&b, format!("{base}{DECIDE}"))
                .header("origin", origin)
                .header("sec-fetch-site", "same-origin")
                .form(&[
                    ("login_id", page.login_id.as_str()),
                    ("login_state", page.login_state.as_str()),
                    ("csrf_token", page.csrf_token.as_str()),
                    ("decision", "allow"),
                    ("scope[]", "email"),
                ])
                .timeout(Duration::from_secs(20))
                .send()
                .await;
            page.login_id
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while Stats::get(&app.sandbox().stats.scope_grant_decisions) < before + 60 {
        assert!(Instant::now() < deadline, "the accepts did not start");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    child.kill();
    let mut logins = Vec::new();
    for t in tasks {
        logins.push(t.await.unwrap());
    }
    // Accepts that reached the authorization server before the crash run to their end there, as
    // a server's do: counted once every one has.
    let mut made = Stats::get(&app.sandbox().stats.scope_grant_decisions);
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let now = Stats::get(&app.sandbox().stats.scope_grant_decisions);
        if now == made {
            break;
        }
        made = now;
    }

    let store = dir.path().join("records.sqlite3");
    let records = records(&store);
    let (mut accepted, mut authorized) = (0, 0);
    for login in &logins {
        let row = app.sandbox().store.login(login).unwrap().unwrap();
        let Some(decision) = row.decision else { continue };
        let decision: serde_json::Value = serde_json::from_str(&decision).unwrap();
        let id = decision["Accepted"]["consent_id"].as_str().expect("every accept carries its record's id");
        let (record_login, _) = records.get(id).expect("no accept without a record");
        assert_eq!(record_login, login, "the record of that very flow");
        accepted += 1;
    }
    for (id, (login, status)) in &records {
        if status == "authorized" {
            let row = app.sandbox().store.login(login).unwrap().unwrap();
            let decision: serde_json::Value = serde_json::from_str(row.decision.as_deref().unwrap()).unwrap();
            assert_eq!(decision["Accepted"]["consent_id"], id.as_str(), "authorized only with its accepted grant");
            authorized += 1;
        }
    }
    assert!((60..200).contains(&accepted), "the crash came mid-run: {accepted} accepted");
    assert!(authorized <= accepted);
    eprintln!("crash mid-run: {accepted} grants accepted, {authorized} records authorized, the rest pending");

    // Started again on the same data, Assent settles the records left pending with the
    // authorization server: then every accepted grant has its authorized record.
    let (_again, _) = start_assent(&app, dir.path()).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let records = self::records(&store);
        let authorized = records.values().filter(|(_, status)| status == "authorized").count();
        if authorized == accepted {
            break;
        }
        assert!(Instant::now() < deadline, "{authorized} of {accepted} accepted grants have an authorized record");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// An `assent` process on `data`, behind the test app's public URL: the child (killed on drop)
/// and its address.
async fn start_assent(app: &TestApp, data: &std::path::Path) -> (Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(env!("CARGO_BIN_EXE_assent"))
        .env_clear()
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_OUTPUT_NAME", "assent")
        .env("AUTHORIZATION_SERVER_URL", format!("{}/default/demo", app.sandbox_url()))
        .env("CLIENT_ID", "assent-consent")
        .env("CLIENT_SECRET", &app.sandbox_handle.consent_client_secret)
        .env("ASSENT_PUBLIC_URL", &app.url)
        .env("ASSENT_SESSION_KEY", "k".repeat(32))
        .env("ASSENT_DATA_DIR", data)
        .env("ASSENT_MAX_CONNECTIONS_PER_ADDRESS", "1024")
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let child = Child(child);
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while reqwest::get(format!("{base}/healthz")).await.is_err() {
        assert!(Instant::now() < deadline, "assent did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (child, base)
}

/// A child process, SIGKILLed when dropped.
struct Child(std::process::Child);

impl Child {
    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        self.kill();
    }
}
