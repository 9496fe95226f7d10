//! Consent records: what writing a record adds to an accept (the store's work alone, then whole
//! accepts through Assent without records, with SQLite and with PostgreSQL), and the staff search among
//! `BENCH_RECORDS` (default 1,000,000) records, on SQLite and on PostgreSQL (a private cluster,
//! started here). The search looks a customer up by id, as the console does; the indexes
//! behind it are `consent_records (customer, created_at)` and `consent_accounts (account_id)`.

use super::percentile;
use assent::server::records::{ConsentRecords, Draft};
use std::time::{Duration, Instant};

#[path = "../../tests/support/postgres.rs"]
mod server;

/// Customers: each has ten records; accounts: each is in five.
fn shape(n: u64) -> (u64, u64) {
    ((n / 10).max(1), (n / 5).max(1))
}

pub async fn run() {
    let n: u64 = std::env::var("BENCH_RECORDS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    println!("Consent records ({n} records per store, BENCH_RECORDS)");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("records.sqlite3");
    let sqlite = ConsentRecords::sqlite(&path).expect("SQLite records");
    let started = Instant::now();
    load_sqlite(&path, n);
    println!("  SQLite: {n} records loaded in {:.1} s", started.elapsed().as_secs_f64());
    measure("SQLite", &sqlite, n).await;

    let pg = server::Postgres::start().await;
    let postgres = ConsentRecords::postgres(&pg.url(), None).await.expect("PostgreSQL records");
    let started = Instant::now();
    load_postgres(&pg, n).await;
    println!("  PostgreSQL: {n} records loaded in {:.1} s", started.elapsed().as_secs_f64());
    measure("PostgreSQL", &postgres, n).await;
    whole_accepts(&pg).await;
}

/// Whole accepts through Assent's release binary and the stub upstream, as `make bench`'s
/// consent line makes them, without records (`CONSENT_STORAGE=none`), with them on SQLite and
/// with them on PostgreSQL: what a record costs an accept as the browser sees it.
async fn whole_accepts(pg: &server::Postgres) {
    let accepts: u64 = std::env::var("BENCH_RECORD_ACCEPTS").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000);
    let connections = 8;
    let (issuer, _) = super::stub().await;
    let stores: [(&str, Vec<(&str, String)>); 3] = [
        ("no records", vec![("CONSENT_STORAGE", "none".into())]),
        ("SQLite", vec![("CONSENT_STORAGE", "assent".into())]),
        ("PostgreSQL", vec![("CONSENT_STORAGE", "assent".into()), ("ASSENT_DATABASE_URL", pg.url())]),
    ];
    let mut without = None;
    for (k, (store, envs)) in stores.into_iter().enumerate() {
        let data = tempfile::tempdir().expect("tmp");
        let (mut child, base) = super::start_assent(&issuer, data.path(), &envs).await;
        let super::Accepts { times, elapsed, cpu } =
            super::accept_flows(&base, child.id(), &format!("r{k}-"), accepts, connections).await;
        let _ = child.kill();
        let _ = child.wait();
        let cpu = cpu as f64 / accepts as f64;
        let p50 = ms(percentile(&times, 0.5));
        let than = match without {
            None => {
                without = Some((p50, cpu));
                String::new()
            }
            Some((p50_none, cpu_none)) => format!(": +{:.2} ms p50, +{:.0} µs CPU", p50 - p50_none, cpu - cpu_none),
        };
        println!(
            "  whole accept, {store:<10} p50 {p50:>6.2} ms  p99 {:>6.2} ms  Assent CPU {cpu:>5.0} µs / accept  {:>5.0} accepts/s ({accepts} accepts, {connections} at once){than}",
            ms(percentile(&times, 0.99)),
            accepts as f64 / elapsed.as_secs_f64(),
        );
    }
}

async fn measure(store: &str, records: &ConsentRecords, n: u64) {
    // What a record adds to an accept: its write before the accept, and its authorization after.
    // An accept without records (CONSENT_STORAGE=none) does neither.
    let accepts = 2_000;
    let cpu = super::cpu_us(std::process::id());
    let mut times = Vec::with_capacity(accepts);
    for i in 0..accepts {
        let draft = Draft {
            login_id: format!("bench-{store}-{i}"),
            tenant: "default".into(),
            workspace: "gobank".into(),
            subject: format!("bench-user-{i}"),
            customer: Some(format!("B-{i}")),
            client_id: "bench-app".into(),
            client_name: "Bench App".into(),
            scopes: vec!["openid".into(), "accounts".into()],
            accounts: vec![format!("BA-{i}-1"), format!("BA-{i}-2")],
            ..Draft::default()
        };
        let t = Instant::now();
        let (id, _) = records.prepare(draft).await.expect("prepare").expect("a record");
        records.authorize(&id).await.expect("authorize");
        times.push(t.elapsed());
    }
    let cpu = (super::cpu_us(std::process::id()) - cpu) as f64 / accepts as f64;
    times.sort();
    println!(
        "  {store}: record of an accept       p50 {:>6.2} ms  p99 {:>6.2} ms  Assent CPU {cpu:>5.0} µs / accept ({accepts} accepts; none without records)",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
    );

    // Staff search by customer id (10 records each), then by account id (5 each).
    let (customers, accounts) = shape(n);
    for (what, count, key) in [("customer", customers, "C"), ("account", accounts, "A")] {
        let mut times = Vec::with_capacity(1_000);
        let mut found = 0;
        for i in 0..1_000u64 {
            let q = format!("{key}-{:07}", (i * 7_919) % count);
            let t = Instant::now();
            found += records.search("default", &q, None, 200).await.expect("search").len();
            times.push(t.elapsed());
        }
        times.sort();
        println!(
            "  {store}: staff search by {what:<8} p50 {:>6.2} ms  p99 {:>6.2} ms  ({:.1} records per answer, 1000 searches)",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99)),
            found as f64 / 1_000.0,
        );
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

/// `n` records (one granted event and one account each) written straight into the store's
/// tables, in one transaction.
fn load_sqlite(path: &std::path::Path, n: u64) {
    let (customers, accounts) = shape(n);
    let mut conn = rusqlite::Connection::open(path).expect("open");
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;").expect("pragmas");
    let tx = conn.transaction().expect("transaction");
    tx.execute(
        &format!(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {last})
             INSERT INTO consent_records (id, tenant, workspace, login_id, subject, customer, client_id, client_name,
               client_logo, scopes, claims, status, created_at, updated_at, expires_at)
             SELECT 'r' || i, 'default', 'gobank', 'l' || i, 'u' || (i % {customers}),
               printf('C-%07d', i % {customers}), 'app-' || (i % 50), 'App ' || (i % 50), NULL,
               '[\"openid\",\"accounts\"]', '[]', CASE WHEN i % 7 = 0 THEN 'revoked' ELSE 'authorized' END,
               1700000000 + i, 1700000000 + i, NULL FROM n",
            last = n - 1
        ),
        [],
    )
    .expect("records");
    tx.execute(
        &format!(
            "INSERT INTO consent_accounts (record_id, account_id)
             SELECT id, printf('A-%07d', CAST(substr(id, 2) AS INTEGER) % {accounts}) FROM consent_records"
        ),
        [],
    )
    .expect("accounts");
    tx.execute(
        "INSERT INTO consent_events (record_id, at, kind, actor) SELECT id, created_at, 'granted', 'customer' FROM consent_records",
        [],
    )
    .expect("events");
    tx.commit().expect("commit");
    conn.execute_batch("ANALYZE").expect("analyze");
}

/// The same `n` records in PostgreSQL, generated by the server.
async fn load_postgres(pg: &server::Postgres, n: u64) {
    let (customers, accounts) = shape(n);
    let client = pg.client().await;
    client
        .batch_execute(&format!(
            "INSERT INTO consent_records (id, tenant, workspace, login_id, subject, customer, client_id, client_name,
               client_logo, scopes, claims, status, created_at, updated_at, expires_at)
             SELECT 'r' || i, 'default', 'gobank', 'l' || i, 'u' || (i % {customers}),
               'C-' || lpad((i % {customers})::text, 7, '0'), 'app-' || (i % 50), 'App ' || (i % 50), NULL,
               '[\"openid\",\"accounts\"]', '[]', CASE WHEN i % 7 = 0 THEN 'revoked' ELSE 'authorized' END,
               1700000000 + i, 1700000000 + i, NULL FROM generate_series(0, {last}) AS i;
             INSERT INTO consent_accounts (record_id, account_id)
               SELECT 'r' || i, 'A-' || lpad((i % {accounts})::text, 7, '0') FROM generate_series(0, {last}) AS i;
             INSERT INTO consent_events (record_id, at, kind, actor)
               SELECT 'r' || i, 1700000000 + i, 'granted', 'customer' FROM generate_series(0, {last}) AS i;
             ANALYZE;",
            last = n - 1
        ))
        .await
        .expect("load");
}
