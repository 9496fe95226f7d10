//! The portal line of `make bench`: page views of signed-in users, with sessions in SQLite and
//! in Redis, and the latency of one session lookup in each.
//!
//! The sandbox runs as its own process (`assent sandbox`), so Assent's CPU time is its own;
//! a private `redis-server` is started on a free port and stopped at the end.

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub(super) const PASSWORD: &str = "p@ssword!";
const KEY: &str = "bench-session-key-bench-session-key";

pub(super) struct Proc(pub(super) Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(super) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port()
}

pub(super) async fn wait_for(url: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while reqwest::get(url).await.is_err() {
        assert!(Instant::now() < deadline, "{url} did not come up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub(super) fn location(res: &reqwest::Response) -> String {
    res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

/// A browser signed in to the portal at `base` as `user` (through the sandbox's sign-in).
pub(super) async fn signed_in(base: &str, sandbox: &str, user: &str) -> reqwest::Client {
    signed_in_with(base, sandbox, user, Arc::default()).await
}

/// [`signed_in`], its cookies in `jar`.
async fn signed_in_with(base: &str, sandbox: &str, user: &str, jar: Arc<reqwest::cookie::Jar>) -> reqwest::Client {
    let b = reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(1)
        .build()
        .expect("client");
    let page = b.get(format!("{base}/portal")).send().await.expect("portal").text().await.expect("body");
    let res = b
        .post(format!("{base}/api/portal/sign-in"))
        .header("sec-fetch-site", "same-origin")
        .header("accept", "text/html")
        .form(&[("csrf_token", super::field(&page, "csrf_token"))])
        .send()
        .await
        .expect("sign-in");
    let res = b.get(location(&res)).send().await.expect("authorize");
    let login = url::Url::parse(sandbox).expect("url").join(&location(&res)).expect("login url");
    let page = b.get(login).send().await.expect("sign-in page").text().await.expect("body");
    let (login_id, csrf_token) = (super::field(&page, "login_id"), super::field(&page, "csrf_token"));
    let res = b
        .post(format!("{sandbox}/default/demo/login"))
        .form(&[
            ("login_id", login_id.as_str()),
            ("username", user),
            ("password", PASSWORD),
            ("csrf_token", &csrf_token),
        ])
        .send()
        .await
        .expect("login");
    let res = b.get(location(&res)).send().await.expect("callback");
    assert_eq!(res.status(), 303, "portal sign-in");
    b
}

/// Portal views over the signed-in browsers, one task each, `total` in all.
pub(super) async fn portal_views(base: &str, browsers: &[reqwest::Client], total: u64) -> Vec<Duration> {
    let next = Arc::new(AtomicU64::new(0));
    let tasks: Vec<_> = browsers
        .iter()
        .cloned()
        .map(|b| {
            let (next, base) = (next.clone(), base.to_string());
            tokio::spawn(async move {
                let mut lat = Vec::new();
                while next.fetch_add(1, Ordering::Relaxed) < total {
                    let started = Instant::now();
                    let res = b.get(format!("{base}/portal")).send().await.expect("view");
                    let status = res.status();
                    let body = res.text().await.expect("body");
                    lat.push(started.elapsed());
                    assert_eq!(status, 200);
                    assert!(body.contains("Sign out"), "a signed-in view");
                }
                lat
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("worker"));
    }
    all.sort();
    all
}

/// `n` lookups of one live session, straight through the store: what a session costs a view.
async fn lookups(sessions: &assent::server::sessions::Sessions, n: usize) -> Vec<Duration> {
    let id =
        sessions.create("bench-user", "bench-user", "Bench User", "bench-access-token", 3600).await.expect("create");
    let mut lat = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        assert!(sessions.get(&id).await.expect("get").is_some());
        lat.push(started.elapsed());
    }
    lat.sort();
    lat
}

pub async fn run(connections: u64, total: u64) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let redis_port = free_port();
    let redis_dir = tempfile::tempdir().expect("tmp");
    let redis = match Command::new("redis-server")
        .args(["--bind", "127.0.0.1", "--port", &redis_port.to_string(), "--save", "", "--appendonly", "no"])
        .arg("--dir")
        .arg(redis_dir.path())
        .stdout(Stdio::null())
        .spawn()
    {
        Ok(child) => Proc(child),
        Err(e) => return println!("  portal                    not measured (redis-server: {e})"),
    };
    let redis_url = format!("redis://127.0.0.1:{redis_port}/0");
    let deadline = Instant::now() + Duration::from_secs(10);
    while tokio::net::TcpStream::connect(("127.0.0.1", redis_port)).await.is_err() {
        assert!(Instant::now() < deadline, "redis-server did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let assent_port = free_port();
    let base = format!("http://127.0.0.1:{assent_port}");
    let sandbox_port = free_port();
    let sandbox = format!("http://127.0.0.1:{sandbox_port}");
    let sandbox_dir = tempfile::tempdir().expect("tmp");
    let _sandbox = Proc(
        Command::new("target/release/assent")
            .arg("sandbox")
            .env("SANDBOX_ADDR", format!("127.0.0.1:{sandbox_port}"))
            .env("SANDBOX_MTLS_ADDR", "127.0.0.1:0")
            .env("ASSENT_PUBLIC_URL", &base)
            .env("ASSENT_DATA_DIR", sandbox_dir.path())
            .env("AUTHORIZATION_SERVER_URL", "")
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .spawn()
            .expect("sandbox"),
    );
    wait_for(&format!("{sandbox}/demo")).await;
    let secret: String = rusqlite::Connection::open(sandbox_dir.path().join("sandbox.sqlite3"))
        .expect("sandbox db")
        .query_row("SELECT value FROM meta WHERE key = 'client_secret:assent-consent'", [], |r| r.get(0))
        .expect("consent client secret");

    println!(
        "Portal ({total} views of signed-in users per store, {connections} connections; sandbox as a separate process)"
    );
    let mut in_browser = Vec::new();
    for store in ["sqlite", redis_url.as_str()] {
        let data = tempfile::tempdir().expect("tmp");
        let assent = Proc(
            Command::new("target/release/assent")
                .env("AUTHORIZATION_SERVER_URL", format!("{sandbox}/default/demo"))
                .env("CLIENT_ID", "assent-consent")
                .env("CLIENT_SECRET", &secret)
                .env("PORTAL_CLIENT_ID", "assent-portal")
                .env("ASSENT_SESSION_KEY", KEY)
                .env("ASSENT_SESSION_STORE", store)
                .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{assent_port}"))
                .env("LEPTOS_SITE_ROOT", "target/site")
                .env("ASSENT_DATA_DIR", data.path())
                // The load comes from one address, as through a proxy: it may hold every connection.
                .env("ASSENT_MAX_CONNECTIONS_PER_ADDRESS", "1024")
                .env("RUST_LOG", "error")
                .spawn()
                .expect("assent"),
        );
        let pid = assent.0.id();
        wait_for(&format!("{base}/healthz")).await;
        let users = ["user", "user2", "user3", "user4", "user5", "user6", "user7", "user8"];
        let mut browsers = Vec::new();
        for i in 0..connections as usize {
            browsers.push(signed_in(&base, &sandbox, users[i % users.len()]).await);
        }
        portal_views(&base, &browsers, 500).await; // warm-up
        let cpu_before = super::cpu_us(pid);
        let started = Instant::now();
        let lat = portal_views(&base, &browsers, total).await;
        let elapsed = started.elapsed();
        let cpu = super::cpu_us(pid) - cpu_before;
        if store == "sqlite" {
            // The portal page in a browser signed in as user2, its cookies handed over.
            let jar = Arc::new(reqwest::cookie::Jar::default());
            signed_in_with(&base, &sandbox, "user2", jar.clone()).await;
            let url = url::Url::parse(&base).expect("url");
            use reqwest::cookie::CookieStore;
            let cookies: Vec<String> = jar
                .cookies(&url)
                .and_then(|h| h.to_str().ok().map(str::to_string))
                .map(|h| h.split("; ").map(str::to_string).collect())
                .unwrap_or_default();
            let portal = format!("{base}/portal");
            in_browser = super::browser_costs(&[("portal page", portal.clone(), portal)], &cookies);
        }
        let name = if store == "sqlite" { "SQLite" } else { "Redis" };
        println!(
            "  portal on {name:<6}          {:>7.0} views/s, {:.0} µs CPU per view, p50 {:.2} ms, p99 {:.2} ms",
            total as f64 / elapsed.as_secs_f64(),
            cpu as f64 / total as f64,
            ms(super::percentile(&lat, 0.5)),
            ms(super::percentile(&lat, 0.99)),
        );
        drop(assent);
    }

    for line in in_browser {
        println!("{line}");
    }

    // One session lookup, from this process, as a page view makes it.
    let timeout = Duration::from_millis(500);
    let dir = tempfile::tempdir().expect("tmp");
    let sqlite = assent::server::sessions::Sessions::sqlite(&dir.path().join("s.sqlite3"), KEY.as_bytes(), timeout)
        .expect("sqlite store");
    let on_redis =
        assent::server::sessions::Sessions::redis(&redis_url, None, KEY.as_bytes(), timeout).expect("redis store");
    for (name, sessions) in [("SQLite", &sqlite), ("Redis", &on_redis)] {
        let lat = lookups(sessions, 20_000).await;
        println!(
            "  session lookup on {name:<6}  p50 {:.0} µs, p99 {:.0} µs (20,000 lookups, one at a time)",
            us(super::percentile(&lat, 0.5)),
            us(super::percentile(&lat, 0.99)),
        );
    }
    drop(redis);
}
