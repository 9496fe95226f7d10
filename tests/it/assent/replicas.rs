//! Scale-out on Redis: Assent replicas that share nothing but their configuration and a Redis.
//! The harness starts its own `redis-server` on a free port, with its own directory, and stops
//! it; the replicas are real `assent` processes with separate data directories, so one can be
//! killed mid-run.

use crate::common::*;
use reqwest::{Client, StatusCode};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A private Redis for one test.
pub struct Redis {
    child: Option<Child>,
    pub port: u16,
    dir: tempfile::TempDir,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn redis_server() -> PathBuf {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .chain([PathBuf::from("/usr/bin"), PathBuf::from("/usr/sbin")])
        .map(|d| d.join("redis-server"))
        .find(|p| p.is_file());
    found.expect("redis-server is missing: `make test` installs it (scripts/setup.sh)")
}

impl Redis {
    pub async fn start() -> Redis {
        let mut redis = Redis { child: None, port: free_port(), dir: tempfile::tempdir().unwrap() };
        redis.run().await;
        redis
    }

    /// Starts (or restarts) the server on the same port and directory. Every write is in the
    /// append-only file before Redis answers, so a restart keeps what it confirmed.
    async fn run(&mut self) {
        let child = Command::new(redis_server())
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string(), "--save", ""])
            .args(["--appendonly", "yes", "--appendfsync", "always"])
            .arg("--dir")
            .arg(self.dir.path())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/3", self.port)
    }

    pub async fn client(&self) -> redis::aio::MultiplexedConnection {
        redis::Client::open(self.url()).unwrap().get_multiplexed_async_connection().await.unwrap()
    }

    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub async fn restart(&mut self) {
        self.kill();
        self.run().await;
    }

    /// Freezes (`SIGSTOP`) or thaws (`SIGCONT`) the server: a Redis that accepts and never answers.
    pub fn signal(&self, signal: &str) {
        let pid = self.child.as_ref().unwrap().id().to_string();
        assert!(Command::new("kill").args([signal, &pid]).status().unwrap().success());
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        if let Some(child) = &self.child {
            let _ = Command::new("kill").args(["-CONT", &child.id().to_string()]).status();
        }
        self.kill();
    }
}

/// An `assent` process on Redis, behind the balancer address `public` (the portal's callback
/// goes there; the tests play the balancer and pick the replica for each request).
pub struct Replica {
    child: Child,
    pub url: String,
    _dir: tempfile::TempDir,
}

impl Replica {
    pub async fn start(app: &TestApp, redis: &Redis) -> Replica {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_assent"))
            .env_clear()
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_OUTPUT_NAME", "assent")
            .env("AUTHORIZATION_SERVER_URL", format!("{}/default/demo", app.sandbox_url()))
            .env("CLIENT_ID", "assent-consent")
            .env("CLIENT_SECRET", &app.sandbox_handle.consent_client_secret)
            .env("PORTAL_CLIENT_ID", "assent-portal")
            .env("ASSENT_PUBLIC_URL", &app.url)
            .env("ASSENT_SESSION_KEY", "k".repeat(32))
            .env("ASSENT_SESSION_STORE", redis.url())
            .env("ASSENT_SESSION_STORE_TIMEOUT_MS", "300")
            .env("ASSENT_DATA_DIR", dir.path())
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while reqwest::get(format!("{url}/healthz")).await.is_err() {
            assert!(Instant::now() < deadline, "replica did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Replica { child, url, _dir: dir }
    }

    pub fn data_dir(&self) -> &Path {
        self._dir.path()
    }

    /// SIGKILL: the process is gone at once, mid-run.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A same-origin form post, as the browser sends it to the balancer's origin.
fn post(app: &TestApp, b: &Client, url: String) -> reqwest::RequestBuilder {
    form_post(b, url).header("origin", &app.url).header("sec-fetch-site", "same-origin")
}

/// Signs `user` in: the form from `first`, the sign-in posted to `second`, the callback (sent
/// by the authorization server to the balancer) delivered to `first` again. Returns the
/// session cookie's value.
async fn sign_in_across(app: &TestApp, b: &Client, first: &str, second: &str, user: &str) -> String {
    let page = b.get(format!("{first}/portal")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Sign in"), "{page}");
    let res = post(app, b, format!("{second}/api/portal/sign-in"))
        .form(&[("csrf_token", hidden(&page, "csrf_token"))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = sign_in(app, b, &location(&res), user).await;
    let callback = location(&res).replacen(&app.url, first, 1);
    assert!(callback.starts_with(&format!("{first}/portal/callback?")), "{callback}");
    let res = b.get(&callback).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "callback on the other replica");
    let cookie = res.headers().get_all("set-cookie").iter().find_map(|c| {
        c.to_str().unwrap().strip_prefix("assent-portal=").map(|v| v.split(';').next().unwrap().to_string())
    });
    cookie.expect("a session cookie")
}

async fn portal(b: &Client, replica: &str) -> (StatusCode, String) {
    let res = b.get(format!("{replica}/portal")).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

/// The demo app's access token after `user` allowed it.
async fn demo_consent(app: &TestApp, user: &str) -> String {
    let b = browser();
    let consent = start_flow(app, &b, user, &["openid", "email"]).await;
    let page = open_consent(&b, &consent).await;
    let demo = finish(app, &b, submit(app, &b, &page, "allow", &["email"]).await).await;
    let start = demo.find("id=\"access-token\">").unwrap() + "id=\"access-token\">".len();
    demo[start..start + demo[start..].find('<').unwrap()].to_string()
}

#[tokio::test]
async fn replicas_on_one_redis_serve_one_user_as_a_round_robin_balancer_sends_them() {
    let app = spawn_app().await;
    let redis = Redis::start().await;
    let token = demo_consent(&app, "user").await;
    let (mut a, b_) = (Replica::start(&app, &redis).await, Replica::start(&app, &redis).await);
    let (a_url, b_url) = (a.url.clone(), b_.url.clone());
    let browser = browser();
    let cookie = sign_in_across(&app, &browser, &a_url, &b_url, "user").await;
    // Round robin: every request to the other replica, each sees the same session.
    for i in 0..6 {
        let replica = if i % 2 == 0 { &a_url } else { &b_url };
        let (status, page) = portal(&browser, replica).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Sign out") && page.contains("Sandbox Demo App"), "request {i} on {replica}");
    }
    // Nothing of the session is on either replica's disk.
    for dir in [a.data_dir(), b_.data_dir()] {
        assert!(!dir.join("assent.sqlite3").exists(), "a replica on Redis keeps no session file");
    }
    // A dump of Redis is worth nothing without the key: hashed ids, sealed tokens.
    let mut r = redis.client().await;
    let keys: Vec<String> = redis::cmd("KEYS").arg("assent:session:*").query_async(&mut r).await.unwrap();
    assert_eq!(keys.len(), 1);
    assert!(!keys[0].contains(&cookie));
    let fields: Vec<String> = redis::cmd("HVALS").arg(&keys[0]).query_async(&mut r).await.unwrap();
    let ttl: i64 = redis::cmd("TTL").arg(&keys[0]).query_async(&mut r).await.unwrap();
    assert!(ttl > 0 && ttl <= assent::server::sessions::IDLE_TIMEOUT, "idle timeout as key expiry: {ttl}");
    assert!(fields.iter().all(|f| !f.contains(&cookie) && !f.starts_with("eyJ")), "{fields:?}");
    assert_eq!(fields.len(), 2, "one sealed record and its end, nothing readable: {fields:?}");

    // Revoke through the confirmation page of one replica, posted to the other.
    let confirm = browser.get(format!("{a_url}/portal/revoke?client_id=demo-app")).send().await.unwrap();
    let html = confirm.text().await.unwrap();
    let res = post(&app, &browser, format!("{b_url}/api/portal/revoke"))
        .form(&[("client_id", "demo-app"), ("csrf_token", &hidden(&html, "csrf_token"))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(!introspect(&app, &token).await, "revoking kills the app's tokens");
    let (_, page) = portal(&browser, &a_url).await;
    assert!(page.contains("Sign out"), "still signed in");
    assert!(!portal_apps(&page).contains("Sandbox Demo App"), "seen at once on the other replica");

    // One replica dies mid-run; the other carries on with the same session.
    a.kill();
    let (status, page) = portal(&browser, &b_url).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Sign out"));
    // A replica started now (a new machine, an empty disk) knows the session too; signing out
    // there ends it everywhere.
    let c = Replica::start(&app, &redis).await;
    let (_, page) = portal(&browser, &c.url).await;
    assert!(page.contains("Sign out"));
    let res = post(&app, &browser, format!("{}/api/portal/sign-out", c.url))
        .form(&[("csrf_token", hidden(&page, "csrf_token"))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = portal(&browser, &b_url).await;
    assert!(page.contains("Sign in") && !page.contains("Sign out"), "signed out on every replica");
    let keys: Vec<String> = redis::cmd("KEYS").arg("assent:session:*").query_async(&mut r).await.unwrap();
    assert!(keys.is_empty(), "{keys:?}");
}

#[tokio::test]
async fn without_redis_the_portal_says_503_in_time_consent_works_and_all_recovers() {
    let app = spawn_app().await;
    let mut redis = Redis::start().await;
    let replica = Replica::start(&app, &redis).await;
    let url = replica.url.clone();
    let b = browser();
    sign_in_across(&app, &b, &url, &url, "user").await;
    let ready = |body: serde_json::Value| (body["status"].as_str().unwrap().to_string(), body["failed"].clone());
    let readyz = || async { ready(b.get(format!("{url}/readyz")).send().await.unwrap().json().await.unwrap()) };
    assert_eq!(readyz().await.0, "ready");

    // A Redis that accepts and never answers (frozen), then one that is gone (killed).
    for outage in ["frozen", "killed"] {
        if outage == "frozen" {
            redis.signal("-STOP");
        } else {
            redis.kill();
        }
        let started = Instant::now();
        let (status, page) = portal(&b, &url).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{outage}");
        assert!(started.elapsed() < Duration::from_millis(1500), "{outage}: waited {:?}", started.elapsed());
        assert!(page.contains("Reload this page") && page.contains("Request id"), "{outage}: a way forward");
        // Readiness names the dependency; the replica stays in the balancer for consents.
        let res = b.get(format!("{url}/readyz")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let (word, failed) = ready(res.json().await.unwrap());
        assert_eq!((word.as_str(), failed), ("degraded", serde_json::json!(["session_store"])), "{outage}");
        // The consent screen needs no session: a whole flow through this replica works.
        let flow = browser();
        let consent = start_flow(&app, &flow, "user2", &["openid", "email"]).await.replacen(&app.url, &url, 1);
        let page = open_consent(&flow, &consent).await;
        let res = submit_to(&app, &flow, &url, &page, "allow", &[("scope[]", "email")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{outage}: consent without Redis");
        assert_eq!(granted_scopes(&finish(&app, &flow, res).await), ["openid", "email"]);
        // Redis comes back: Assent reconnects by itself, and the user is still signed in (Redis
        // wrote the session to its append-only file before it answered).
        if outage == "frozen" {
            redis.signal("-CONT");
        } else {
            redis.restart().await;
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let (status, page) = portal(&b, &url).await;
            if status == StatusCode::OK {
                assert!(page.contains("Sign out"), "{outage}: the session survived");
                break;
            }
            assert!(Instant::now() < deadline, "{outage}: no recovery");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(readyz().await.0, "ready", "{outage}");
    }
}

/// Timeouts are Redis' own key expiry: nothing sweeps, and a session no one reads is gone.
#[tokio::test]
async fn in_redis_sessions_and_sign_ins_end_by_key_expiry() {
    use assent::server::sessions::{hash, Sessions, IDLE_TIMEOUT, LOGIN_TIMEOUT};
    let redis = Redis::start().await;
    let sessions = Sessions::redis(&redis.url(), None, &[9u8; 32], Duration::from_millis(300)).unwrap();
    let mut r = redis.client().await;
    let reader = r.clone();
    let ttl = |key: String| {
        let mut r = reader.clone();
        async move { redis::cmd("TTL").arg(key).query_async::<i64>(&mut r).await.unwrap() }
    };
    // Idle: a fresh session lives IDLE_TIMEOUT; each use starts that again.
    let long = sessions.create("user", "C-1", "User", "token-1", 3600).await.unwrap();
    let key = format!("assent:session:{}", hash(&long));
    assert_eq!(ttl(key.clone()).await, IDLE_TIMEOUT);
    redis::cmd("EXPIRE").arg(&key).arg(5).query_async::<()>(&mut r).await.unwrap();
    let session = sessions.get(&long).await.unwrap().expect("alive");
    assert_eq!((session.subject.as_str(), session.customer.as_str()), ("user", "C-1"));
    assert_eq!(session.access_token, "token-1");
    assert_eq!(ttl(key.clone()).await, IDLE_TIMEOUT, "use restarts the idle timeout");
    // Idle too long: Redis drops it by itself.
    redis::cmd("EXPIRE").arg(&key).arg(1).query_async::<()>(&mut r).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1300)).await;
    assert_eq!(redis::cmd("EXISTS").arg(&key).query_async::<i64>(&mut r).await.unwrap(), 0);
    assert!(sessions.get(&long).await.unwrap().is_none());
    // Absolute: a session whose token lives 2 s never outlives it, however busy.
    let short = sessions.create("user", "C-1", "User", "token-2", 2).await.unwrap();
    let key = format!("assent:session:{}", hash(&short));
    assert!(sessions.get(&short).await.unwrap().is_some());
    assert!((1..=2).contains(&ttl(key.clone()).await), "capped by the absolute timeout");
    tokio::time::sleep(Duration::from_millis(2200)).await;
    assert_eq!(redis::cmd("EXISTS").arg(&key).query_async::<i64>(&mut r).await.unwrap(), 0);
    // A used sign-in is remembered until the sign-in would have expired, and only once.
    let deadline = chrono::Utc::now().timestamp() + LOGIN_TIMEOUT;
    assert!(sessions.claim_sign_in("state-1", deadline).await.unwrap());
    let used = format!("assent:used-sign-in:{}", hash("state-1"));
    assert!((LOGIN_TIMEOUT - 2..=LOGIN_TIMEOUT).contains(&ttl(used).await));
    assert!(!sessions.claim_sign_in("state-1", deadline).await.unwrap(), "single use");
    // Whoever can write to Redis gives one session another's sealed record (their customer
    // number, their token): it does not open there, and is dropped.
    let alice = sessions.create("alice", "C-1", "Alice", "alices-token", 3600).await.unwrap();
    let bob = sessions.create("bob", "C-2", "Bob", "bobs-token", 3600).await.unwrap();
    let bobs: String =
        redis::cmd("HGET").arg(format!("assent:session:{}", hash(&bob))).arg("r").query_async(&mut r).await.unwrap();
    redis::cmd("HSET")
        .arg(format!("assent:session:{}", hash(&alice)))
        .arg("r")
        .arg(&bobs)
        .query_async::<()>(&mut r)
        .await
        .unwrap();
    assert!(sessions.get(&alice).await.unwrap().is_none(), "a moved record is refused");
    assert_eq!(
        redis::cmd("EXISTS").arg(format!("assent:session:{}", hash(&alice))).query_async::<i64>(&mut r).await.unwrap(),
        0
    );
    assert_eq!(sessions.get(&bob).await.unwrap().unwrap().customer, "C-2");
    // Another key (a replica misconfigured) opens nothing, and the unreadable session is dropped.
    let id = sessions.create("user", "C-1", "User", "token-3", 3600).await.unwrap();
    let other = Sessions::redis(&redis.url(), None, &[1u8; 32], Duration::from_millis(300)).unwrap();
    assert!(other.get(&id).await.unwrap().is_none());
    assert!(sessions.get(&id).await.unwrap().is_none());
}

/// `rediss://` to a Redis whose certificate comes from a private CA: trusted through `ROOT_CA`
/// (here passed as its PEM), refused without it; the password in the URL is used.
#[tokio::test]
async fn rediss_to_a_private_ca_is_verified_and_the_password_used() {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
    let dir = tempfile::tempdir().unwrap();
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca.self_signed(&ca_key).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .unwrap()
        .signed_by(&server_key, &ca, &ca_key)
        .unwrap();
    let path = |name: &str| dir.path().join(name);
    std::fs::write(path("ca.pem"), ca.pem()).unwrap();
    std::fs::write(path("server.pem"), server.pem()).unwrap();
    std::fs::write(path("server.key"), server_key.serialize_pem()).unwrap();
    let port = free_port();
    let mut child = Command::new(redis_server())
        .args(["--bind", "127.0.0.1", "--port", "0", "--tls-port", &port.to_string(), "--save", ""])
        .args(["--appendonly", "no", "--tls-auth-clients", "no", "--requirepass", "s3cret"])
        .arg("--tls-cert-file")
        .arg(path("server.pem"))
        .arg("--tls-key-file")
        .arg(path("server.key"))
        .arg("--tls-ca-cert-file")
        .arg(path("ca.pem"))
        .arg("--dir")
        .arg(dir.path())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        assert!(Instant::now() < deadline, "redis-server (TLS) did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    use assent::server::sessions::Sessions;
    let timeout = Duration::from_millis(1000);
    let url = format!("rediss://:s3cret@127.0.0.1:{port}/1");
    let trusted = Sessions::redis(&url, Some(ca.pem().into_bytes()), &[5u8; 32], timeout).unwrap();
    let id = trusted.create("user", "user", "User", "token", 3600).await.expect("TLS to the private CA");
    assert_eq!(trusted.get(&id).await.unwrap().unwrap().access_token, "token");
    // Without the CA the certificate is not trusted; with a wrong password nothing is served.
    let untrusted = Sessions::redis(&url, None, &[5u8; 32], timeout).unwrap();
    assert!(untrusted.ping().await.is_err(), "a certificate from an unknown CA is refused");
    let wrong = format!("rediss://:wrong@127.0.0.1:{port}/1");
    let refused = Sessions::redis(&wrong, Some(ca.pem().into_bytes()), &[5u8; 32], timeout).unwrap();
    assert!(refused.ping().await.is_err(), "a wrong password is refused");
    let _ = child.kill();
    let _ = child.wait();
}

/// A form sent again to another replica (a double click a balancer spreads) waits for the
/// first and follows it: the flow's decision is held and kept in Redis.
#[tokio::test]
async fn a_form_sent_again_to_another_replica_follows_the_first() {
    let app = spawn_app().await;
    let redis = Redis::start().await;
    let (a, b) = (Replica::start(&app, &redis).await, Replica::start(&app, &redis).await);
    let flow = browser();
    let consent = start_flow(&app, &flow, "user", &["openid", "email"]).await.replacen(&app.url, &a.url, 1);
    let page = open_consent(&flow, &consent).await;
    // The second reaches the other replica while the first waits on the authorization server.
    app.sandbox().set_fault(Some(assent::sandbox::Fault::Delay(Duration::from_millis(300))));
    let (first, again) = tokio::join!(submit_to(&app, &flow, &a.url, &page, "allow", &[("scope[]", "email")]), async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        submit_to(&app, &flow, &b.url, &page, "allow", &[("scope[]", "email")]).await
    });
    app.sandbox().set_fault(None);
    assert_eq!((first.status(), again.status()), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER));
    assert_eq!(location(&again), location(&first));
    assert_eq!(assent::sandbox::Stats::get(&app.sandbox().stats.scope_grant_decisions), 1, "decided once");
    let other = submit_to(&app, &flow, &b.url, &page, "deny", &[]).await;
    assert_eq!(other.status(), StatusCode::CONFLICT);
    assert_eq!(granted_scopes(&finish(&app, &flow, first).await), ["openid", "email"]);
}

/// A replica stopped as containers and service managers stop it (SIGTERM) shuts down by
/// itself, letting what runs finish, and exits with success rather than dying of the signal.
#[tokio::test]
async fn a_replica_stops_cleanly_on_sigterm() {
    let app = spawn_app().await;
    let redis = Redis::start().await;
    let mut replica = Replica::start(&app, &redis).await;
    let pid = replica.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = replica.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "still running 15 s after SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "{status:?}: ended by the signal, not by its own shutdown");
}
