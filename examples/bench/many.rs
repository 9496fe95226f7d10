//! The portal of a customer with many consents (`BENCH_MANY`, 1,000 by default): what the
//! busiest customer's page costs, its consents read from the authorization server's FDX
//! management list a page of 100 at a time, and the same page filtered (`?q=`).
//!
//! Assent runs with its embedded sandbox, as `make dev` runs it: the portal lists a workspace's
//! FDX consents where a workspace is configured for them, and the sandbox brings that
//! configuration. So the CPU time printed is Assent's and the sandbox's together, and the
//! latency includes the sandbox's answers. One consent is given through Assent's own screen;
//! the others are copies of it, written into the sandbox's store.

use super::portal::{free_port, location, portal_views, signed_in, wait_for, Proc};
use std::process::Command;
use std::time::{Duration, Instant};

/// Gives user `user` one FDX consent through the sandbox's FDX demo and Assent's consent screen.
async fn give_fdx_consent(base: &str, sandbox: &str, user: &str) {
    let b = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let at = |l: &str| url::Url::parse(sandbox).expect("url").join(l).expect("url").to_string();
    let res = b.post(format!("{sandbox}/fdx-demo/connect")).send().await.expect("connect");
    let res = b.get(at(&location(&res))).send().await.expect("authorize");
    let login = at(&location(&res));
    let page = b.get(&login).send().await.expect("sign-in page").text().await.expect("body");
    let res = b
        .post(&login)
        .form(&[
            ("login_id", super::field(&page, "login_id").as_str()),
            ("username", user),
            ("password", super::portal::PASSWORD),
            ("csrf_token", &super::field(&page, "csrf_token")),
        ])
        .send()
        .await
        .expect("login");
    let consent = location(&res);
    assert!(consent.starts_with(&format!("{base}/consent?")), "sent to the consent screen: {consent}");
    let page = b.get(&consent).send().await.expect("consent page").text().await.expect("body");
    let account = super::field(&page, "account[]");
    let res = b
        .post(format!("{base}/api/fdx/decide"))
        .header("accept", "text/html")
        .header("origin", base)
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("login_id", super::field(&page, "login_id").as_str()),
            ("login_state", &super::field(&page, "login_state")),
            ("csrf_token", &super::field(&page, "csrf_token")),
            ("decision", "allow"),
            ("account[]", &account),
        ])
        .send()
        .await
        .expect("allow");
    assert_eq!(res.status(), 303, "the consent is given");
    let res = b.get(location(&res)).send().await.expect("back to the authorization server");
    assert_eq!(res.status(), 303, "and on to the recipient");
}

/// Copies the one authorised FDX consent in the sandbox's store `db` until there are `count`,
/// each a second older than the one before.
fn copy_consent(db: &std::path::Path, count: u32) {
    let conn = rusqlite::Connection::open(db).expect("sandbox store");
    conn.busy_timeout(Duration::from_secs(10)).expect("busy timeout");
    let copied = conn
        .execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
             INSERT INTO fdx_consents (id, workspace, client_id, subject, status, request, granted, revocation,
                                       created_at, updated_at, expires_at)
             SELECT 'bench-' || i, workspace, client_id, subject, status, request, granted, revocation,
                    created_at - i, updated_at, expires_at
             FROM fdx_consents, n WHERE subject IS NOT NULL",
            [count - 1],
        )
        .expect("copies");
    assert_eq!(copied as u32, count - 1, "one consent, copied");
}

pub async fn run(count: u32) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let assent_port = free_port();
    let base = format!("http://127.0.0.1:{assent_port}");
    let sandbox_port = free_port();
    let sandbox = format!("http://127.0.0.1:{sandbox_port}");
    let data = tempfile::tempdir().expect("tmp");
    let assent = Proc(
        Command::new("target/release/assent")
            .env("SANDBOX_ADDR", format!("127.0.0.1:{sandbox_port}"))
            .env("SANDBOX_MTLS_ADDR", "127.0.0.1:0")
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{assent_port}"))
            .env("LEPTOS_SITE_ROOT", "target/site")
            .env("ASSENT_DATA_DIR", data.path())
            .env("ASSENT_MAX_CONNECTIONS_PER_ADDRESS", "1024")
            .env("RUST_LOG", "error")
            .env_remove("AUTHORIZATION_SERVER_URL")
            .spawn()
            .expect("assent"),
    );
    wait_for(&format!("{base}/healthz")).await;
    wait_for(&format!("{sandbox}/demo")).await;
    give_fdx_consent(&base, &sandbox, "user").await;
    copy_consent(&data.path().join("sandbox.sqlite3"), count);

    let browsers = vec![signed_in(&base, &sandbox, "user").await, signed_in(&base, &sandbox, "user").await];
    let page = browsers[0].get(format!("{base}/portal")).send().await.expect("portal").text().await.expect("body");
    let (cards, hidden) = ("class=\"app fdx-consent\"", "class=\"app fdx-consent gone\"");
    assert_eq!(page.matches(cards).count(), count as usize, "every consent is listed");
    // What crosses the wire to a browser that accepts Brotli (this client does not decode it).
    let wire = browsers[0]
        .get(format!("{base}/portal"))
        .header("accept-encoding", "br")
        .send()
        .await
        .expect("portal")
        .bytes()
        .await
        .expect("body")
        .len();
    let filtered = format!("{base}/portal?q=no-such-application");
    let none = browsers[0].get(&filtered).send().await.expect("filtered").text().await.expect("body");
    assert_eq!(none.matches(hidden).count(), count as usize, "the filter hides every one");

    let views = 200;
    portal_views(&base, &browsers, 20).await; // warm-up
    let pid = assent.0.id();
    let cpu_before = super::cpu_us(pid);
    let lat = portal_views(&base, &browsers, views).await;
    let cpu = super::cpu_us(pid) - cpu_before;
    let mut filtered_lat = Vec::new();
    for _ in 0..50 {
        let started = Instant::now();
        browsers[0].get(&filtered).send().await.expect("filtered").text().await.expect("body");
        filtered_lat.push(started.elapsed());
    }
    filtered_lat.sort();
    println!(
        "  portal of a customer with {count} consents ({} pages of the FDX list; {views} views, 2 connections): p50 {:.1} ms, p99 {:.1} ms, \
         {:.1} ms CPU per view (Assent and its embedded sandbox), page {} B ({wire} B Brotli); filtered to none (?q=): p50 {:.1} ms",
        count.div_ceil(100),
        ms(super::percentile(&lat, 0.5)),
        ms(super::percentile(&lat, 0.99)),
        cpu as f64 / views as f64 / 1000.0,
        page.len(),
        ms(super::percentile(&filtered_lat, 0.5)),
    );
}
