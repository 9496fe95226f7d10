//! Consent records on PostgreSQL (`ASSENT_DATABASE_URL`): the same behaviour as on SQLite, a
//! server that stops means no accept and a clear answer, and replicas on one PostgreSQL see
//! each other's records at once. The harness starts its own cluster (`initdb` into a temporary
//! directory, its own port), never one that happens to run here.

use crate::common::*;
use assent::sandbox::Stats;
use reqwest::{Client, StatusCode};
use std::time::{Duration, Instant};

#[path = "../../support/postgres.rs"]
mod server;
use server::Postgres;

/// The records of `subject` as PostgreSQL holds them: (id, status).
async fn records_of(pg: &Postgres, subject: &str) -> Vec<(String, String)> {
    let rows = pg
        .client()
        .await
        .query("SELECT id, status FROM consent_records WHERE subject = $1 ORDER BY created_at", &[&subject])
        .await
        .unwrap();
    rows.iter().map(|r| (r.get(0), r.get(1))).collect()
}

async fn on_postgres(pg: &Postgres) -> TestApp {
    let url = pg.url();
    spawn_app_with(".", move |c| {
        c.database = Some(assent::server::config::DatabaseConfig {
            url: assent::server::config::Secret::new(url),
            root_ca: None,
        })
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_live_in_postgres_and_a_stopped_server_stops_the_accept_until_it_is_back() {
    let mut pg = Postgres::start().await;
    let app = on_postgres(&pg).await;
    let ready: serde_json::Value = reqwest::get(format!("{}/readyz", app.url)).await.unwrap().json().await.unwrap();
    assert_eq!(ready["consent_records"]["store"], "postgres");
    let token = consent_via_demo(&app, "user", &["openid", "email"]).await;
    let records = records_of(&pg, "user").await;
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].1, "authorized");
    assert_eq!(introspection(&app, &token).await["consent_id"], records[0].0.as_str(), "the token carries it");
    assert!(!app.data_dir().join("records.sqlite3").exists(), "nothing in SQLite");

    // The server stops: nothing is accepted, the user is told, in time.
    let b = browser();
    let consent = start_flow(&app, &b, "user2", &["openid", "email"]).await;
    let page = open_consent(&b, &consent).await;
    let decisions = Stats::get(&app.sandbox().stats.scope_grant_decisions);
    pg.stop();
    let started = Instant::now();
    let res = submit(&app, &b, &page, "allow", &["email"]).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert!(res.text().await.unwrap().contains("Nothing was shared"));
    assert_eq!(Stats::get(&app.sandbox().stats.scope_grant_decisions), decisions, "no accept was sent");
    let ready = reqwest::get(format!("{}/readyz", app.url)).await.unwrap();
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE, "/readyz says so");

    // Back: the same flow goes through, with one record.
    pg.restart().await;
    let res = submit(&app, &b, &page, "allow", &["email"]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the retry goes through");
    let records = records_of(&pg, "user2").await;
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].1, "authorized");

    // The staff console's count of an application's consents (one COUNT) agrees with its list.
    let store = assent::server::records::ConsentRecords::postgres(&pg.url(), None).await.unwrap();
    let tenant = assent::sandbox::TENANT;
    let listed = store.authorized_of_client(tenant, "demo-app").await.unwrap().len();
    assert_eq!(listed, 2, "user's and user2's");
    assert_eq!(store.count_authorized_of_client(tenant, "demo-app").await.unwrap(), listed);
    assert_eq!(store.count_authorized_of_client(tenant, "another-app").await.unwrap(), 0);
    // The staff search, within the workspaces a bank's staff reach, or all of them.
    let search = |within: Option<Vec<String>>| {
        let store = &store;
        async move { store.search(tenant, "user2", within.as_deref(), 10).await.unwrap().len() }
    };
    assert_eq!(search(None).await, 1);
    assert_eq!(search(Some(vec!["demo".into(), "gobank".into()])).await, 1);
    assert_eq!(search(Some(vec!["gobank".into()])).await, 0, "another workspace's record");
    // A record keeps the scopes' names as the screen showed them.
    let user2 = store.of_subject(tenant, "user2").await.unwrap();
    assert_eq!(user2[0].draft.scopes, ["openid", "email"]);
    assert_eq!(user2[0].draft.scope_names["email"], "Email address");
    // A retry of a pending flow takes its names; a Deny after an Allow that failed says what
    // the Deny refused, with no account.
    let draft = |scope: &str, name: &str, accounts: &[&str]| assent::server::records::Draft {
        login_id: "pg-flow".into(),
        tenant: tenant.into(),
        workspace: "demo".into(),
        subject: "user3".into(),
        client_id: "demo-app".into(),
        client_name: "App".into(),
        scopes: vec![scope.into()],
        scope_names: [(scope.to_string(), name.to_string())].into(),
        accounts: accounts.iter().map(|a| a.to_string()).collect(),
        ..Default::default()
    };
    let (id, _) = store.prepare(draft("email", "Email", &["A-1"])).await.unwrap().unwrap();
    store.prepare(draft("email", "Email address", &["A-1"])).await.unwrap();
    assert_eq!(store.get(&id).await.unwrap().unwrap().draft.scope_names["email"], "Email address");
    store.reject(draft("openid", "Sign you in", &[])).await.unwrap();
    let refused = store.get(&id).await.unwrap().unwrap();
    assert_eq!(refused.status, assent::server::records::Status::Rejected);
    assert_eq!((refused.draft.scopes.as_slice(), refused.draft.accounts.len()), (&["openid".to_string()][..], 0));
    assert_eq!(refused.draft.scope_names["openid"], "Sign you in");
    // A record keeps the warning its screen showed; one without keeps none.
    let device = assent::model::Unverified::ThisDevice("127.0.0.1:8080".into());
    let warned_draft = assent::server::records::Draft {
        login_id: "pg-warned".into(),
        warned: Some(device.clone()),
        ..draft("email", "Email", &[])
    };
    let (warned, _) = store.prepare(warned_draft).await.unwrap().unwrap();
    assert_eq!(store.get(&warned).await.unwrap().unwrap().draft.warned, Some(device));
    assert_eq!(store.get(&id).await.unwrap().unwrap().draft.warned, None);
    // A staff revoke just after a page saw the consent ended in its regime's list names itself.
    use assent::server::records::Actor;
    let ended_draft = assent::server::records::Draft { login_id: "pg-ended".into(), ..draft("email", "Email", &[]) };
    let (ended, _) = store.prepare(ended_draft).await.unwrap().unwrap();
    store.authorize(&ended).await.unwrap();
    assert!(store.revoke(&ended, Actor::AuthorizationServer, None, None).await.unwrap());
    assert!(store.revoke(&ended, Actor::Staff, Some("Ana".into()), Some("Fraud report".into())).await.unwrap());
    let history = store.get(&ended).await.unwrap().unwrap().history;
    let last = history.last().unwrap();
    assert_eq!(history.len(), 3, "granted, seen ended, named");
    assert_eq!(
        (last.by, last.by_name.as_deref(), last.reason.as_deref()),
        (Actor::Staff, Some("Ana"), Some("Fraud report"))
    );
}

/// Signs `user` in to the portal of `replica`, an Assent behind the balancer at `app.url`.
async fn portal_on(app: &TestApp, b: &Client, replica: &str, user: &str) -> String {
    let page = b.get(format!("{replica}/portal")).send().await.unwrap().text().await.unwrap();
    let res = form_post(b, format!("{replica}/api/portal/sign-in"))
        .header("origin", &app.url)
        .header("sec-fetch-site", "same-origin")
        .form(&[("csrf_token", hidden(&page, "csrf_token"))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = sign_in(app, b, &location(&res), user).await;
    let callback = location(&res).replacen(&app.url, replica, 1);
    assert_eq!(b.get(&callback).send().await.unwrap().status(), StatusCode::SEE_OTHER);
    b.get(format!("{replica}/portal")).send().await.unwrap().text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_on_one_postgres_see_each_others_records_at_once() {
    let pg = Postgres::start().await;
    let app = on_postgres(&pg).await;
    let data = tempfile::tempdir().unwrap();
    let url = pg.url();
    let other = spawn_assent_with(
        &format!("{}/default/demo", app.sandbox_url()),
        &app.sandbox_handle.consent_client_secret,
        &"k".repeat(32),
        data.path(),
        Some(&app.url),
        move |c| {
            c.database = Some(assent::server::config::DatabaseConfig {
                url: assent::server::config::Secret::new(url),
                root_ca: None,
            })
        },
    )
    .await;
    // The consent goes through the first replica; the second shows it at once.
    let token = consent_via_demo(&app, "user3", &["openid", "email"]).await;
    let b = browser();
    let portal = portal_on(&app, &b, &other, "user3").await;
    let section = portal_records(&portal);
    assert!(section.contains("Sandbox Demo App") && section.contains("Active"));
    // Revoked on the second replica: the first sees it ended, and the token is dead.
    let res = form_post(&b, format!("{other}/api/portal/revoke"))
        .header("origin", &app.url)
        .header("sec-fetch-site", "same-origin")
        .form(&[("client_id", "demo-app"), ("csrf_token", &hidden(&portal, "csrf_token"))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(!introspect(&app, &token).await);
    let first = browser();
    let portal = portal_sign_in(&app, &first, "user3").await;
    assert!(portal.contains("Ended by you"), "seen at once on the first replica");
}

/// A consent named by its own id (UK, FDX, CDR) left pending by a flow that failed, then
/// refused through the next flow: its one record is rejected, not a second one refused by the
/// database; a Deny in another flow of a consent decided already leaves its record as it is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_named_consent_refused_in_a_later_flow_is_its_one_record_rejected() {
    use assent::server::records::{Draft, Status};
    let pg = Postgres::start().await;
    let app = on_postgres(&pg).await;
    let draft = |id: &str, login: &str| Draft {
        id: Some(id.into()),
        login_id: login.into(),
        tenant: "default".into(),
        workspace: "demo".into(),
        subject: "named".into(),
        client_id: "app".into(),
        client_name: "App".into(),
        scopes: vec!["openid".into()],
        ..Draft::default()
    };
    let records = &app.state.records;
    records.prepare(draft("urn-1", "login-1")).await.unwrap();
    records.reject(draft("urn-1", "login-2")).await.unwrap();
    let record = records.get("urn-1").await.unwrap().unwrap();
    assert_eq!((record.status, record.draft.login_id.as_str()), (Status::Rejected, "login-2"));
    records.prepare(draft("urn-2", "login-3")).await.unwrap();
    records.authorize("urn-2").await.unwrap();
    records.reject(draft("urn-2", "login-4")).await.unwrap();
    assert_eq!(records.get("urn-2").await.unwrap().unwrap().status, Status::Authorized);
    assert_eq!(records_of(&pg, "named").await.len(), 2);
}
