//! `make bench`: measures Assent's own cost per consent page view.
//!
//! Starts a stub of the authorization server (canned answers, no database, so the figures are
//! Assent's), runs Assent's release binary against it as a separate process, drives consent
//! page views and accept submissions over keep-alive connections, and prints throughput,
//! latency, CPU time and resident memory of the Assent process (from /proc), upstream requests
//! per view, the size of what a consent page loads, and time to interactive in Chromium.
//! Then runs the seed tutorial's Node.js consent app (bench/seed-node) on the same stub and
//! compares its CPU per view with Assent's. Last, the portal (`portal.rs`): signed-in page
//! views with sessions in SQLite and in Redis; and the consent records (`records.rs`): what a
//! record adds to an accept, and the staff search among a million records, on SQLite and on
//! PostgreSQL.

mod many;
mod portal;
mod records;

use axum::{
    extract::{Path, State},
    routing::{get, post},
    Json, Router,
};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Default)]
struct StubStats {
    tokens: AtomicU64,
    reads: AtomicU64,
    accepts: AtomicU64,
}

type Stub = State<(Arc<StubStats>, String)>;

async fn token(State((stats, _)): Stub) -> Json<serde_json::Value> {
    stats.tokens.fetch_add(1, Ordering::Relaxed);
    Json(
        serde_json::json!({"access_token": "bench-token", "token_type": "bearer", "expires_in": 3600, "scope": "manage_scope_grants"}),
    )
}

/// A consent request for user `n`: every view is a different user.
async fn scope_grant(State((stats, _)): Stub, Path((_, login)): Path<(String, String)>) -> Json<serde_json::Value> {
    stats.reads.fetch_add(1, Ordering::Relaxed);
    let n = login.trim_start_matches("login-");
    Json(serde_json::json!({
        "id": login, "tenant_id": "default", "server_id": "demo", "client_id": "bench-app", "subject": format!("user-{n}"),
        "authentication_context": {"sub": format!("user-{n}"), "email": format!("user-{n}@example.com")},
        "client_info": {"client_name": "Benchmark App", "description": "A client with a typical consent request.",
                        "client_uri": "https://app.example", "policy_uri": "https://app.example/privacy", "tos_uri": "https://app.example/tos"},
        "requested_scopes": [
            {"name": "openid", "display_name": "Sign you in", "description": "Confirm who you are.", "service": {"name": "Your identity"}},
            {"name": "email", "display_name": "Email address", "description": "See your email address.", "service": {"name": "Your identity"}},
            {"name": "profile", "display_name": "Profile", "description": "See your name.", "service": {"name": "Your identity"}},
            {"name": "calendar.read", "display_name": "View your calendar", "description": "See your events.", "service": {"name": "Calendar"}},
            {"name": "photos.read", "display_name": "View your photos", "description": "See your photos.", "service": {"name": "Photos"}}
        ],
        "requested_claims_to_consent": ["email"],
        "scope_grant_approved": false, "scope_grant_rejected": false
    }))
}

async fn accept(State((stats, issuer)): Stub, Path((_, login)): Path<(String, String)>) -> Json<serde_json::Value> {
    stats.accepts.fetch_add(1, Ordering::Relaxed);
    Json(
        serde_json::json!({"redirect_to": format!("{issuer}/oauth2/authorize?consent_verified=true&login_id={login}")}),
    )
}

/// Starts the stub of the authorization server: its issuer, and what it counts.
async fn stub() -> (String, Arc<StubStats>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let issuer = format!("http://{addr}/default/demo");
    let stats = Arc::new(StubStats::default());
    let stub = Router::new()
        .route("/default/system/oauth2/token", post(token))
        .route("/api/system/{tid}/scope-grants/{login}", get(scope_grant))
        .route("/api/system/{tid}/scope-grants/{login}/accept", post(accept))
        .with_state((stats.clone(), issuer.clone()));
    tokio::spawn(async move { axum::serve(listener, stub).await.expect("stub") });
    (issuer, stats)
}

/// Starts Assent's release binary against `issuer`, with `envs` on top, once it answers: the
/// process and its address.
async fn start_assent(issuer: &str, data: &std::path::Path, envs: &[(&str, String)]) -> (std::process::Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port();
    let base = format!("http://127.0.0.1:{port}");
    let child = std::process::Command::new("target/release/assent")
        .env("AUTHORIZATION_SERVER_URL", issuer)
        .env("CLIENT_ID", "bench")
        .env("CLIENT_SECRET", "bench-secret")
        .env("ASSENT_SESSION_KEY", "bench-session-key-bench-session-key")
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_SITE_ROOT", "target/site")
        .env("ASSENT_DATA_DIR", data)
        // The load comes from one address, as through a proxy: it may hold every connection.
        .env("ASSENT_MAX_CONNECTIONS_PER_ADDRESS", "1024")
        .env("RUST_LOG", "warn")
        .envs(envs.iter().map(|(k, v)| (k, v)))
        .spawn()
        .expect("start target/release/assent (run `cargo leptos build --release` first)");
    let probe = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while probe.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(Instant::now() < deadline, "Assent did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (child, base)
}

/// What `n` accepts took.
struct Accepts {
    /// Each submission's time, sorted.
    times: Vec<Duration>,
    /// The time all took.
    elapsed: Duration,
    /// Assent's CPU time for them, in microseconds.
    cpu: u64,
}

/// `n` whole accepts: each flow (`login-{prefix}{i}`) loads its page (for the cookie and form
/// token); then `connections` at a time submit Allow as a form without JavaScript does. Only
/// the submissions are measured.
async fn accept_flows(base: &str, pid: u32, prefix: &str, n: u64, connections: u64) -> Accepts {
    let mut forms = Vec::new();
    for i in 0..n {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let res = client
            .get(format!("{base}/consent?login_id=login-{prefix}{i}&login_state=s{i}"))
            .send()
            .await
            .expect("view");
        assert_eq!(res.status(), 200, "view {i}: {:?}", res.headers());
        let html = res.text().await.expect("body");
        forms.push((client, field(&html, "login_id"), field(&html, "login_state"), field(&html, "csrf_token")));
    }
    let forms = Arc::new(tokio::sync::Mutex::new(forms));
    let cpu = cpu_us(pid);
    let started = Instant::now();
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let forms = forms.clone();
            let base = base.to_string();
            tokio::spawn(async move {
                let mut times = Vec::new();
                loop {
                    let Some((client, id, st, token)) = forms.lock().await.pop() else { break };
                    let t = Instant::now();
                    let res = client
                        // The decide server function, as a form without JavaScript posts it.
                        .post(format!("{base}/api/consent/decide"))
                        .header("sec-fetch-site", "same-origin")
                        .header("accept", "text/html")
                        .form(&[
                            ("login_id", id),
                            ("login_state", st),
                            ("csrf_token", token),
                            ("decision", "allow".into()),
                            ("scope[]", "email".into()),
                        ])
                        .send()
                        .await
                        .expect("accept");
                    assert_eq!(res.status(), 303);
                    times.push(t.elapsed());
                }
                times
            })
        })
        .collect();
    let mut times = Vec::new();
    for w in workers {
        times.extend(w.await.expect("worker"));
    }
    let elapsed = started.elapsed();
    let cpu = cpu_us(pid) - cpu;
    times.sort();
    Accepts { times, elapsed, cpu }
}

/// utime + stime of a process, in microseconds.
fn cpu_us(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = fields.get(11).and_then(|v| v.parse().ok()).unwrap_or(0)
        + fields.get(12).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    ticks * 1_000_000 / 100 // CLK_TCK is 100 on Linux
}

fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Views consent pages `from..to` over `connections` keep-alive connections, each page showing
/// `marker(n)`; starts no view after `deadline`, if one is given. Returns the latencies.
async fn views(
    base: &str,
    from: u64,
    to: u64,
    connections: u64,
    marker: fn(u64) -> String,
    deadline: Option<Instant>,
) -> Vec<Duration> {
    let next = Arc::new(AtomicU64::new(from));
    let tasks = (0..connections).map(|_| {
        let next = next.clone();
        let base = base.to_string();
        tokio::spawn(async move {
            let client = reqwest::Client::builder().pool_max_idle_per_host(1).build().expect("client");
            let mut lat = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= to || deadline.is_some_and(|d| Instant::now() >= d) {
                    break lat;
                }
                let started = Instant::now();
                let res = client
                    .get(format!("{base}/consent?login_id=login-{n}&login_state=s{n}"))
                    .send()
                    .await
                    .expect("view");
                let status = res.status();
                let body = res.text().await.expect("body");
                lat.push(started.elapsed());
                assert_eq!(status, 200, "view {n}");
                assert!(body.contains(&marker(n)), "view {n} shows another user");
            }
        })
    });
    // Spawn every worker before awaiting any (a lazy iterator would run them one by one).
    let tasks: Vec<_> = tasks.collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("worker"));
    }
    all
}

/// What Assent's consent page shows of user `n`.
fn assent_marker(n: u64) -> String {
    format!("user-{n}@example.com")
}

/// What the seed app's page shows of login `n` (its page shows scopes, not the user).
fn seed_marker(n: u64) -> String {
    format!("value=\"login-{n}\"")
}

/// Kills and reaps a child process when dropped, so that a panic does not leave it running.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The seed Node app's run: views measured, its CPU time over them (µs), upstream requests.
struct SeedRun {
    views: u64,
    cpu: u64,
    upstream: u64,
}

/// Runs the seed tutorial's Node.js consent app (bench/seed-node, its npm packages installed by
/// `make bench`) against the same stub and measures it as Assent is measured: 2,000 warm-up
/// views, then `count` views over `connections` connections, in at most 2 minutes.
async fn seed_node(
    issuer: &str,
    stats: &StubStats,
    count: u64,
    connections: u64,
    production: bool,
) -> Result<SeedRun, String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free port: {e}"))?
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let mut command = std::process::Command::new("node");
    if production {
        // Express caches compiled templates in production; the tutorial's `npm start` does not
        // set NODE_ENV, so it recompiles them on every view.
        command.env("NODE_ENV", "production");
    } else {
        command.env_remove("NODE_ENV");
    }
    let child = command
        .arg("bench/seed-node/app.js")
        .env("AUTHORIZATION_SERVER_URL", issuer)
        .env("TENANT_ID", "default")
        .env("CLIENT_ID", "bench")
        .env("CLIENT_SECRET", "bench-secret")
        .env("HOST", "127.0.0.1")
        .env("PORT", port.to_string())
        .stdout(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("could not start node: {e}"))?;
    let mut node = KillOnDrop(child);
    let pid = node.0.id();
    let probe = reqwest::Client::new();
    let started = Instant::now();
    while probe.get(format!("{base}/")).send().await.is_err() {
        if let Ok(Some(status)) = node.0.try_wait() {
            return Err(format!("node exited ({status}); are bench/seed-node's npm packages installed?"));
        }
        if started.elapsed() > Duration::from_secs(30) {
            return Err("node did not start in 30 s".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    views(&base, 0, 2_000, connections, seed_marker, Some(Instant::now() + Duration::from_secs(60))).await;
    let upstream = || stats.tokens.load(Ordering::Relaxed) + stats.reads.load(Ordering::Relaxed);
    let upstream_before = upstream();
    let cpu_before = cpu_us(pid);
    let deadline = Some(Instant::now() + Duration::from_secs(120));
    let done = views(&base, 2_000, 2_000 + count, connections, seed_marker, deadline).await.len() as u64;
    let cpu = cpu_us(pid).saturating_sub(cpu_before);
    let upstream = upstream() - upstream_before;
    drop(node);
    if done == 0 {
        return Err("no view measured".into());
    }
    Ok(SeedRun { views: done, cpu, upstream })
}

/// Runs the Rust floor (`bench/floor`, built by `make bench`) against the same stub, as Assent
/// runs: 2,000 warm-up views, then `count` views. Returns its CPU time per view (µs).
async fn floor(issuer: &str, page_bytes: usize, count: u64, connections: u64) -> Result<f64, String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free port: {e}"))?
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let child = std::process::Command::new("bench/floor/target/release/assent-floor")
        .env("FLOOR_ADDR", format!("127.0.0.1:{port}"))
        .env("FLOOR_ISSUER", issuer)
        .env("FLOOR_PAGE_BYTES", page_bytes.to_string())
        .spawn()
        .map_err(|e| format!("could not start bench/floor (run `make bench`): {e}"))?;
    let floor = KillOnDrop(child);
    let pid = floor.0.id();
    let probe = reqwest::Client::new();
    let started = Instant::now();
    while probe.get(format!("{base}/healthz")).send().await.is_err() {
        if started.elapsed() > Duration::from_secs(10) {
            return Err("the floor did not start in 10 s".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    views(&base, 0, 2_000, connections, assent_marker, None).await;
    let cpu_before = cpu_us(pid);
    let done = views(&base, 2_000, 2_000 + count, connections, assent_marker, None).await.len() as u64;
    Ok((cpu_us(pid) - cpu_before) as f64 / done as f64)
}

/// Instructions per consent view of `program` (Assent or the floor, with `envs`, listening on
/// `port`), counted by valgrind's callgrind: the same count on every run, however busy the
/// host, unlike CPU time. 50 views to warm up, then `count` views one at a time.
async fn instructions_per_view(program: &str, envs: &[(&str, String)], port: u16, count: u64) -> Result<f64, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let out = dir.path().join("callgrind.out");
    let mut command = std::process::Command::new("valgrind");
    command.arg("--tool=callgrind").arg(format!("--callgrind-out-file={}", out.display())).arg(program);
    for (k, v) in envs {
        command.env(k, v);
    }
    let child = command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("valgrind: {e}"))?;
    let proc = KillOnDrop(child);
    let pid = proc.0.id().to_string();
    let base = format!("http://127.0.0.1:{port}");
    let probe = reqwest::Client::new();
    let started = Instant::now();
    while probe.get(format!("{base}/healthz")).send().await.is_err() {
        if started.elapsed() > Duration::from_secs(60) {
            return Err(format!("{program} did not start under valgrind in 60 s"));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let control = |arg: &str| {
        std::process::Command::new("callgrind_control").arg(arg).arg(&pid).output().map_err(|e| e.to_string())
    };
    views(&base, 0, 50, 1, assent_marker, None).await;
    control("-z")?;
    views(&base, 50, 50 + count, 1, assent_marker, None).await;
    control("-d")?;
    let dump = std::fs::read_dir(dir.path())
        .map_err(|e| e.to_string())?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().contains("callgrind.out."))
        .ok_or("no callgrind dump")?;
    let text = std::fs::read_to_string(dump).map_err(|e| e.to_string())?;
    let total: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("summary: ").or_else(|| l.strip_prefix("totals: ")))
        .and_then(|v| v.trim().parse().ok())
        .ok_or("no total in the callgrind dump")?;
    Ok(total as f64 / count as f64)
}

/// What a page costs a browser (end2end/bench-tti.mjs): bytes of code over the wire on a first
/// and a repeat visit, and the time to hydrated on a throttled connection: its lines.
pub fn browser_costs(pages: &[(&str, String, String)], cookies: &[String]) -> Vec<String> {
    let mut command = std::process::Command::new("node");
    command.arg("end2end/bench-tti.mjs");
    for (name, first, repeat) in pages {
        command.arg(format!("{name}={first},{repeat}"));
    }
    for cookie in cookies {
        command.arg("--cookie").arg(cookie);
    }
    match command.output() {
        Ok(out) if out.status.success() => {
            String::from_utf8_lossy(&out.stdout).lines().map(|line| format!("  {line}")).collect()
        }
        Ok(out) => vec![format!("  in a browser: not measured ({})", String::from_utf8_lossy(&out.stderr).trim())],
        Err(e) => vec![format!("  in a browser: not measured ({e})")],
    }
}

fn field(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no field {name} in {}", &html[..html.len().min(600)]));
    let v = html[at..].find("value=\"").expect("value") + at + 7;
    html[v..v + html[v..].find('"').expect("quote")].to_string()
}

#[tokio::main]
async fn main() {
    let total: u64 = std::env::var("BENCH_VIEWS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let accepts: u64 = std::env::var("BENCH_ACCEPTS").ok().and_then(|v| v.parse().ok()).unwrap_or(5_000);
    let connections: u64 = std::env::var("BENCH_CONNECTIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(32);
    let portal_views: u64 = std::env::var("BENCH_PORTAL_VIEWS").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    // BENCH_ONLY=portal: only the portal line; BENCH_ONLY=records: only the consent records'.
    if std::env::var("BENCH_ONLY").is_ok_and(|o| o == "portal") {
        return portal::run(connections, portal_views).await;
    }
    if std::env::var("BENCH_ONLY").is_ok_and(|o| o == "records") {
        return records::run().await;
    }
    // BENCH_ONLY=many: only the portal of a customer with BENCH_MANY consents.
    let many: u32 = std::env::var("BENCH_MANY").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000).max(1);
    if std::env::var("BENCH_ONLY").is_ok_and(|o| o == "many") {
        return many::run(many).await;
    }
    // The seed's Node app is an order of magnitude slower: fewer views keep its run short.
    let seed_views: u64 =
        std::env::var("BENCH_SEED_VIEWS").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000).min(total);

    let (issuer, stats) = stub().await;
    let data = tempfile::tempdir().expect("tmp");
    let (mut child, base) = start_assent(&issuer, data.path(), &[]).await;
    let pid = child.id();
    let probe = reqwest::Client::new();

    // Warm-up, then two halves to see whether memory grows.
    views(&base, 0, 2_000, connections, assent_marker, None).await;
    let page_bytes = probe
        .get(format!("{base}/consent?login_id=login-size&login_state=size"))
        .send()
        .await
        .expect("view")
        .bytes()
        .await
        .expect("body")
        .len();
    // BENCH_PERF=1: profile Assent for 4 s of the run with `perf record` (to /tmp/assent.perf).
    let perf = std::env::var_os("BENCH_PERF").map(|_| {
        std::process::Command::new("perf")
            .args(["record", "-F", "1999", "-o", "/tmp/assent.perf", "-p", &pid.to_string(), "--", "sleep", "4"])
            .spawn()
            .expect("perf")
    });
    let reads_before = stats.reads.load(Ordering::Relaxed);
    let tokens_before = stats.tokens.load(Ordering::Relaxed);
    let cpu_before = cpu_us(pid);
    let started = Instant::now();
    let half = total / 2;
    let mut lat = views(&base, 2_000, 2_000 + half, connections, assent_marker, None).await;
    let rss_half = rss_kb(pid);
    lat.extend(views(&base, 2_000 + half, 2_000 + total, connections, assent_marker, None).await);
    let elapsed = started.elapsed();
    let cpu = cpu_us(pid) - cpu_before;
    let rss_end = rss_kb(pid);
    if let Some(mut perf) = perf {
        let _ = perf.wait();
    }
    let reads = stats.reads.load(Ordering::Relaxed) - reads_before;
    let tokens = stats.tokens.load(Ordering::Relaxed) - tokens_before;
    lat.sort();

    let Accepts { elapsed: accept_elapsed, cpu: accept_cpu, .. } =
        accept_flows(&base, pid, "a", accepts, connections).await;

    let consent = |n: &str| format!("{base}/consent?login_id=login-{n}&login_state={n}");
    let in_browser = if std::env::var("BENCH_ONLY").is_ok_and(|o| o == "consent") {
        Vec::new()
    } else {
        browser_costs(&[("consent page", consent("tti"), consent("tti-again"))], &[])
    };

    let _ = child.kill();
    let _ = child.wait();

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("Assent benchmark ({} views, {connections} connections, a different user per view; stub upstream)", total);
    println!("  consent views/s           {:>10.0}", total as f64 / elapsed.as_secs_f64());
    println!(
        "  latency p50 / p99         {:>7.2} ms / {:.2} ms",
        ms(percentile(&lat, 0.5)),
        ms(percentile(&lat, 0.99))
    );
    println!("  CPU per view (Assent)     {:>7.0} µs", cpu as f64 / total as f64);
    println!(
        "  resident memory           {:>7.1} MB after half, {:.1} MB at the end",
        rss_half as f64 / 1024.0,
        rss_end as f64 / 1024.0
    );
    println!(
        "  upstream requests / view  {:>10.3}  ({reads} consent reads, {tokens} token requests)",
        (reads + tokens) as f64 / total as f64
    );
    println!(
        "  accepts/s                 {:>10.0}  ({accepts} submissions, {:.0} µs CPU each)",
        accepts as f64 / accept_elapsed.as_secs_f64(),
        accept_cpu as f64 / accepts as f64
    );
    let assent_per_view = cpu as f64 / total as f64;
    match floor(&issuer, page_bytes, total.min(50_000), connections).await {
        Ok(per_view) => println!(
            "  Rust floor CPU / view     {per_view:>7.0} µs  (bench/floor: axum + reqwest, the same upstream call, a page of the same {page_bytes} B by hand): Assent {:.2}x the floor",
            assent_per_view / per_view
        ),
        Err(e) => println!("  Rust floor CPU / view     not measured ({e})"),
    }
    // The same comparison in instructions, which do not move with the host's load.
    let free_port = || std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port());
    if let (Ok(a), Ok(f)) = (free_port(), free_port()) {
        let assent_env = [
            ("AUTHORIZATION_SERVER_URL", issuer.clone()),
            ("CLIENT_ID", "bench".into()),
            ("CLIENT_SECRET", "bench-secret".into()),
            ("ASSENT_SESSION_KEY", "bench-session-key-bench-session-key".into()),
            ("LEPTOS_SITE_ADDR", format!("127.0.0.1:{a}")),
            ("LEPTOS_SITE_ROOT", "target/site".into()),
            ("ASSENT_DATA_DIR", data.path().join("callgrind").display().to_string()),
            ("RUST_LOG", "warn".into()),
        ];
        let floor_env = [
            ("FLOOR_ADDR", format!("127.0.0.1:{f}")),
            ("FLOOR_ISSUER", issuer.clone()),
            ("FLOOR_PAGE_BYTES", page_bytes.to_string()),
        ];
        let counted = futures::future::join(
            instructions_per_view("target/release/assent", &assent_env, a, 400),
            instructions_per_view("bench/floor/target/release/assent-floor", &floor_env, f, 400),
        )
        .await;
        match counted {
            (Ok(assent), Ok(floor)) => println!(
                "  instructions / view       {:>7.0}k Assent, {:.0}k the floor (callgrind, 400 views): Assent {:.2}x the floor",
                assent / 1000.0,
                floor / 1000.0,
                assent / floor
            ),
            (Err(e), _) | (_, Err(e)) => println!("  instructions / view       not measured ({e})"),
        }
    }

    // BENCH_ONLY=consent: Assent and its floor only.
    if std::env::var("BENCH_ONLY").is_ok_and(|o| o == "consent") {
        return;
    }

    // The seed tutorial's Node app, on the same stub, once Assent has stopped: as the tutorial
    // runs it (`npm start`), then with Express' production mode.
    for (production, how) in [(false, "as the tutorial runs it"), (true, "NODE_ENV=production")] {
        match seed_node(&issuer, &stats, seed_views, connections, production).await {
            Ok(seed) => {
                let per_view = seed.cpu as f64 / seed.views as f64;
                let (seed_done, upstream) = (seed.views, seed.upstream as f64 / seed.views as f64);
                let ratio = per_view / (cpu as f64 / total as f64);
                println!("  seed Node app CPU / view  {per_view:>7.0} µs  {how} ({seed_done} views, {upstream:.3} upstream requests / view): Assent uses {ratio:.1}x less");
            }
            Err(e) => println!("  seed Node app CPU / view  not measured ({e})"),
        }
    }

    println!("What a page costs a browser (Chromium; throttled: 1.6 Mbps, 150 ms round trip, 4x CPU slowdown)");
    for line in in_browser {
        println!("{line}");
    }

    portal::run(connections, portal_views).await;
    many::run(many).await;
    records::run().await;
}
