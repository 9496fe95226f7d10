//! The staff console (issue 20): bank staff sign in at the staff workspace, and only holders of
//! the staff role get in; they search records, read one with its history, and revoke one
//! consent or a whole provider with a reason, each killing the tokens. A customer's session
//! never opens it.

use crate::common::*;
use assent::sandbox::Fault;
use reqwest::cookie::{CookieStore, Jar};
use reqwest::{redirect, Client, StatusCode};
use std::sync::Arc;

/// A browser whose cookies the test can read.
fn browser_with_jar() -> (Client, Arc<Jar>) {
    let jar = Arc::new(Jar::default());
    let b = Client::builder().cookie_provider(jar.clone()).redirect(redirect::Policy::none()).build().unwrap();
    (b, jar)
}

/// Signs `user` in to the console in `b`; returns the callback's answer.
pub async fn console_sign_in(app: &TestApp, b: &Client, user: &str) -> reqwest::Response {
    let callback = console_callback(app, b, user).await;
    b.get(&callback).send().await.unwrap()
}

/// Signs `user` in at the staff workspace for the console in `b`, up to the callback: its URL.
async fn console_callback(app: &TestApp, b: &Client, user: &str) -> String {
    let page = b.get(format!("{}/admin", app.url)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Sign in as staff"), "{page}");
    let res = form_post(b, format!("{}/api/admin/sign-in", app.url))
        .header("sec-fetch-site", "same-origin")
        .form(&[("csrf_token", hidden(&page, "csrf_token"))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let authorize = location(&res);
    assert!(authorize.contains("/default/bank-admins/"), "{authorize}");
    assert_pushed(&authorize);
    let res = sign_in(app, b, &authorize, user).await;
    let callback = location(&res);
    assert!(callback.starts_with(&format!("{}/admin/callback?", app.url)), "{callback}");
    callback
}

async fn admin_page(app: &TestApp, b: &Client, path: &str) -> String {
    let res = b.get(format!("{}{path}", app.url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.text().await.unwrap()
}

/// A GET with nothing but `cookie`, as someone who copied a cookie's value would send it.
async fn with_cookie(url: String, cookie: String) -> reqwest::Response {
    let bare = Client::builder().redirect(redirect::Policy::none()).build().unwrap();
    bare.get(url).header("cookie", cookie).send().await.unwrap()
}

fn post(app: &TestApp, b: &Client, path: &str) -> reqwest::RequestBuilder {
    form_post(b, format!("{}{path}", app.url)).header("sec-fetch-site", "same-origin")
}

#[tokio::test]
async fn only_staff_get_in_and_a_customers_session_never_opens_it() {
    let app = spawn_app().await;
    // A customer signs in at the staff workspace: refused, with a page that says why, and no session.
    let (b, jar) = browser_with_jar();
    let res = console_sign_in(&app, &b, "user").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let page = res.text().await.unwrap();
    assert!(page.contains("This console is for bank staff"));
    assert!(page.contains("href=\"/admin\" class=\"btn\">Open the staff console"), "its way forward: {page}");
    // A sign-in that does not verify leads back to the console too, never to the portal.
    let res = b.get(format!("{}/admin/callback?code=x&state=y", app.url)).send().await.unwrap();
    let page = res.text().await.unwrap();
    assert!(page.contains("href=\"/admin\"") && !page.contains("portal"), "{page}");
    let url = url::Url::parse(&app.url).unwrap();
    let cookies = jar.cookies(&url).map(|c| c.to_str().unwrap().to_string()).unwrap_or_default();
    assert!(!cookies.contains("assent-console="), "{cookies}");
    assert!(admin_page(&app, &b, "/admin").await.contains("Sign in as staff"));
    assert_eq!(
        post(&app, &b, "/api/admin/search").form(&[("q", "user")]).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );

    // A customer's portal session, its cookie value presented as the console's: still closed.
    let (c, jar) = browser_with_jar();
    portal_sign_in(&app, &c, "user").await;
    let cookies = jar.cookies(&url).unwrap().to_str().unwrap().to_string();
    let portal = cookies.split("; ").find_map(|c| c.strip_prefix("assent-portal=")).unwrap();
    let html = with_cookie(format!("{}/admin?q=user", app.url), format!("assent-console={portal}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Sign in as staff") && !html.contains("consent records found"));
    let res = with_cookie(format!("{}/admin/record?id=x", app.url), format!("assent-console={portal}")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "to the sign-in");

    // Nobody registers their own application in the staff workspace; Go Bank is open to them.
    let register = |wid: &'static str| {
        reqwest::Client::new()
            .post(format!("{}/default/{wid}/oauth2/register", app.sandbox_url()))
            .json(&serde_json::json!({"redirect_uris": ["https://tpp.example/cb"], "client_name": "X"}))
            .send()
    };
    assert_eq!(register("bank-admins").await.unwrap().status(), StatusCode::BAD_REQUEST);
    assert_eq!(register("gobank").await.unwrap().status(), StatusCode::CREATED);

    // Staff get in; their session does not open the portal either.
    let (s, jar) = browser_with_jar();
    let res = console_sign_in(&app, &s, "admin").await;
    assert_eq!((res.status(), location(&res).as_str()), (StatusCode::SEE_OTHER, "/admin"));
    assert!(admin_page(&app, &s, "/admin").await.contains("Signed in as Ada Admin"));
    let cookies = jar.cookies(&url).unwrap().to_str().unwrap().to_string();
    let staff = cookies.split("; ").find_map(|c| c.strip_prefix("assent-console=")).unwrap();
    let html = with_cookie(format!("{}/portal", app.url), format!("assent-portal={staff}")).await.text().await.unwrap();
    assert!(html.contains("Sign in") && !html.contains("Sign out"), "a staff session is not a customer's");

    // Signing out ends the staff session everywhere.
    let page = admin_page(&app, &s, "/admin").await;
    let res = post(&app, &s, "/api/admin/sign-out")
        .form(&[("csrf_token", hidden(&page, "csrf_token"))])
        .send()
        .await
        .unwrap();
    assert_eq!((res.status(), location(&res).as_str()), (StatusCode::SEE_OTHER, "/admin"));
    assert!(admin_page(&app, &s, "/admin").await.contains("Sign in as staff"));
    let html =
        with_cookie(format!("{}/admin?q=user", app.url), format!("assent-console={staff}")).await.text().await.unwrap();
    assert!(html.contains("Sign in as staff"), "the old cookie opens nothing");
}

#[tokio::test]
async fn staff_find_a_record_read_its_history_and_revoke_it_with_a_reason() {
    let app = spawn_app().await;
    let token = consent_via_demo(&app, "user9", &["openid", "email", "calendar.read"]).await;
    let other = consent_via_demo(&app, "user10", &["openid", "email"]).await;
    let (s, _) = browser_with_jar();
    console_sign_in(&app, &s, "admin").await;

    let found = admin_page(&app, &s, "/admin?q=user9").await;
    assert!(found.contains("One consent record found.") && found.contains("Sandbox Demo App"), "{found}");
    assert!(!found.contains("user10"), "only the customer searched for");
    let by_app = admin_page(&app, &s, "/admin?q=demo-app").await;
    assert!(by_app.contains("2 consent records found"), "by application");
    assert!(admin_page(&app, &s, "/admin?q=nobody").await.contains("No consent records match"));
    let start = found.find("/admin/record?id=").unwrap();
    let path = &found[start..start + found[start..].find('"').unwrap()];
    let record = admin_page(&app, &s, path).await;
    assert!(record.contains("History") && record.contains("Granted") && record.contains("by the customer"));
    // Each page of the console says in its title what it shows.
    assert!(found.contains("<title>Search: user9 · Consent records: bank staff · "), "{found}");
    let title = record.split("<title>").nth(1).unwrap().split("</title>").next().unwrap();
    assert!(
        title.contains(" with Sandbox Demo App · Consent records: bank staff · ") && title.contains("user9"),
        "{title}"
    );
    // Each event with its time of day (UTC, said so): two on one day are told apart.
    let history = record.split("<ol class=\"history\">").nth(1).unwrap().split("</ol>").next().unwrap();
    let time = history.split("<time").nth(1).unwrap().split("</time>").next().unwrap();
    assert!(time.contains(" UTC") && time.contains(':'), "{time}");
    assert!(record.contains("View your calendar (calendar.read)"), "the customer's words and the scope");
    let id = hidden(&record, "id");
    let token_field = hidden(&record, "csrf_token");

    // No reason: refused, nothing revoked (an island's call: 422). Another browser's token:
    // refused.
    let res = s
        .post(format!("{}/api/admin/revoke", app.url))
        .header("sec-fetch-site", "same-origin")
        .form(&[("csrf_token", &token_field), ("id", &id), ("reason", &"  ".to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Without JavaScript, back to the record, which says what to fix.
    let res = post(&app, &s, "/api/admin/revoke")
        .form(&[("csrf_token", &token_field), ("id", &id), ("reason", &"  ".to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let back = location(&res);
    assert_eq!(back, format!("{path}&reason=needed"));
    let again = admin_page(&app, &s, &back).await;
    assert!(again.contains(r#"<p role="alert" class="notice">Give a reason"#), "{again}");
    assert!(again.contains("name=\"reason\""), "the form is there to fill in");
    let res = post(&app, &s, "/api/admin/revoke")
        .form(&[("csrf_token", "forged"), ("id", id.as_str()), ("reason", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // A customer cannot call it at all.
    let c = browser();
    portal_sign_in(&app, &c, "user9").await;
    let res = post(&app, &c, "/api/admin/revoke")
        .form(&[("csrf_token", token_field.as_str()), ("id", id.as_str()), ("reason", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(introspect(&app, &token).await, "nothing was revoked yet");
    // A reason and the box unticked, without JavaScript (a browser that ignores `required`):
    // back to the record, which asks for the box; nothing revoked.
    assert!(record.contains(r#"name="confirmed" value="yes" required"#), "{record}");
    assert!(record.contains("I confirm: Sandbox Demo App loses this consent's access now"), "{record}");
    for confirmed in ["", "no"] {
        let res = post(&app, &s, "/api/admin/revoke")
            .form(&[("csrf_token", token_field.as_str()), ("id", &id), ("reason", "Fraud"), ("confirmed", confirmed)])
            .send()
            .await
            .unwrap();
        assert_eq!(location(&res), format!("{path}&confirm=needed"));
    }
    let again = admin_page(&app, &s, &format!("{path}&confirm=needed")).await;
    assert!(again.contains(r#"<p role="alert" class="notice">Tick the box to confirm"#), "{again}");
    assert!(introspect(&app, &token).await, "nothing was revoked yet");

    let res = post(&app, &s, "/api/admin/revoke")
        .form(&[
            ("csrf_token", token_field.as_str()),
            ("id", &id),
            ("reason", "Reported fraud on the account"),
            ("confirmed", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/admin/record?id={id}"));
    assert!(!introspect(&app, &token).await, "the consent's token is dead");
    assert!(introspect(&app, &other).await, "another customer's consent lives");
    let record = admin_page(&app, &s, &location(&res)).await;
    assert!(record.contains("The consent was revoked; its tokens"), "the notice, once: {record}");
    let again = admin_page(&app, &s, &location(&res)).await;
    assert!(again.contains("Reported fraud") && !again.contains("The consent was revoked;"), "{again}");
    assert!(
        record.contains("Revoked") && record.contains("by Ada Admin (bank staff)") && record.contains("Reported fraud")
    );
    // The customer sees who ended it and why.
    let portal = c.get(format!("{}/portal", app.url)).send().await.unwrap().text().await.unwrap();
    assert!(portal.contains("Ended by Ada Admin at the bank") && portal.contains("Reported fraud on the account"));
    // An unknown id is not found.
    let res = s.get(format!("{}/admin/record?id=nope", app.url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

/// `ASSENT_TIME_ZONE`: a record's history says its times in the deployment's zone, named;
/// the page's `datetime` keeps the moment.
/// A revocation whose record cannot be written (another process holds the store's lock) has
/// ended the access all the same: it says the record is behind, never that nothing changed;
/// once the store is back, the same revocation brings the record up to date.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocation_whose_record_cannot_be_written_says_the_access_ended() {
    let app = spawn_app().await;
    let token = consent_via_demo(&app, "user9", &["openid", "email"]).await;
    let (s, _) = browser_with_jar();
    console_sign_in(&app, &s, "admin").await;
    let found = admin_page(&app, &s, "/admin?q=user9").await;
    let start = found.find("/admin/record?id=").unwrap();
    let path = &found[start..start + found[start..].find('"').unwrap()];
    let record = admin_page(&app, &s, path).await;
    let (id, token_field) = (hidden(&record, "id"), hidden(&record, "csrf_token"));
    let lock = rusqlite::Connection::open(app.data_dir().join("records.sqlite3")).unwrap();
    lock.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let revoke = || {
        post(&app, &s, "/api/admin/revoke")
            .form(&[
                ("csrf_token", token_field.as_str()),
                ("id", &id),
                ("reason", "Reported fraud"),
                ("confirmed", "yes"),
            ])
            .send()
    };
    let res = revoke().await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let page = res.text().await.unwrap();
    assert!(page.contains("Access ended; its record is behind") && !page.contains("nothing was changed"), "{page}");
    assert!(!introspect(&app, &token).await, "the access has ended");
    lock.execute_batch("ROLLBACK").unwrap();
    drop(lock);
    let res = revoke().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(admin_page(&app, &s, path).await.contains("Reported fraud"), "the record says so now");
}

#[tokio::test]
async fn times_are_said_in_the_deployments_time_zone() {
    let app = spawn_app_with(".", |c| c.time_zone = chrono_tz::Asia::Tokyo).await;
    consent_via_demo(&app, "user9", &["openid", "email"]).await;
    let (s, _) = browser_with_jar();
    console_sign_in(&app, &s, "admin").await;
    let found = admin_page(&app, &s, "/admin?q=user9").await;
    let start = found.find("/admin/record?id=").unwrap();
    let record = admin_page(&app, &s, &found[start..start + found[start..].find('"').unwrap()]).await;
    let history = record.split("<ol class=\"history\">").nth(1).unwrap().split("</ol>").next().unwrap();
    let time = history.split("<time datetime=\"").nth(1).unwrap().split("</time>").next().unwrap();
    let (moment, said) = time.split_once("\">").unwrap();
    let said = said.trim_end_matches("<!>");
    let tokyo = chrono::DateTime::parse_from_rfc3339(moment).unwrap().with_timezone(&chrono_tz::Asia::Tokyo);
    assert!(moment.ends_with("+00:00"), "{moment}");
    assert!(said.ends_with(&tokyo.format(", %H:%M JST").to_string()), "{said} for {moment}");
}

#[tokio::test]
async fn revoking_a_provider_ends_every_consent_of_the_application() {
    let app = spawn_app().await;
    let tokens = [
        consent_via_demo(&app, "user11", &["openid", "email"]).await,
        consent_via_demo(&app, "user12", &["openid", "email"]).await,
    ];
    let (s, _) = browser_with_jar();
    console_sign_in(&app, &s, "admin").await;
    let found = admin_page(&app, &s, "/admin?q=user11").await;
    let start = found.find("/admin/record?id=").unwrap();
    let record = admin_page(&app, &s, &found[start..start + found[start..].find('"').unwrap()]).await;
    assert!(record.contains("Revoke every consent given to Sandbox Demo App at demo (2 active)"), "{record}");
    // No reason, without JavaScript: back to the record the form was on, nothing revoked.
    let id = hidden(&record, "record");
    let res = post(&app, &s, "/api/admin/revoke-provider")
        .form(&[
            ("csrf_token", hidden(&record, "csrf_token")),
            ("client_id", "demo-app".into()),
            ("reason", " ".into()),
            ("record", id.clone()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/admin/record?id={id}&reason=needed"));
    assert!(introspect(&app, &tokens[0]).await && introspect(&app, &tokens[1]).await, "nothing revoked");
    let res = post(&app, &s, "/api/admin/revoke-provider")
        .form(&[
            ("csrf_token", hidden(&record, "csrf_token")),
            ("client_id", "demo-app".into()),
            ("reason", "Provider offboarded".into()),
            ("confirmed", "yes".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/admin?q=demo-app");
    for token in &tokens {
        assert!(!introspect(&app, token).await);
    }
    let page = admin_page(&app, &s, "/admin?q=demo-app").await;
    assert!(page.contains("2 consents revoked") && !page.contains("status active"));
    let again = admin_page(&app, &s, "/admin?q=demo-app&revoked=2").await;
    assert!(!again.contains("consents revoked"), "said once, and never by a link: {again}");
}

/// A bank's own staff (`staff_role` of its workspace: the sandbox's `gobank-admin`) find, read
/// and revoke that bank's records only; another bank's are not found, and stay as they were.
#[tokio::test]
async fn a_banks_own_staff_reach_its_records_only() {
    use assent::server::records::{Draft, Status};
    let app = spawn_app().await;
    // One customer, a consent at the demo workspace and one at Go Bank.
    consent_via_demo(&app, "user10", &["openid", "email"]).await;
    let draft = Draft {
        login_id: "gobank-login".into(),
        tenant: "default".into(),
        workspace: "gobank".into(),
        subject: "user10".into(),
        client_id: "gobank-tpp".into(),
        client_name: "Budget Buddy (Go Bank)".into(),
        scopes: vec!["openid".into(), "accounts".into()],
        ..Draft::default()
    };
    let pooled = Draft {
        login_id: "hyperscale-login".into(),
        workspace: "hyperscalebank".into(),
        client_id: "hyperscalebank-tpp".into(),
        client_name: "Budget Buddy (Hyperscale Bank)".into(),
        ..draft.clone()
    };
    let (gobank, _) = app.state.records.prepare(draft).await.unwrap().unwrap();
    app.state.records.authorize(&gobank).await.unwrap();
    // Hyperscale Bank's, kept in its identity pool.
    let (hyperscale, _) = app.state.records.prepare(pooled).await.unwrap().unwrap();
    app.state.records.authorize(&hyperscale).await.unwrap();
    let demo = app.state.records.of_subject("default", "user10").await.unwrap();
    let demo = demo.iter().find(|r| r.draft.workspace == "demo").unwrap().id.clone();

    let (s, _) = browser_with_jar();
    assert_eq!(console_sign_in(&app, &s, "gobank-admin").await.status(), StatusCode::SEE_OTHER);
    let found = admin_page(&app, &s, "/admin?q=user10").await;
    assert!(found.contains(&gobank) && found.contains("One consent record found."), "{found}");
    assert!(!found.contains(&demo) && !found.contains("Sandbox Demo App"), "another bank's: {found}");
    assert!(!found.contains(&hyperscale), "nor one in another bank's identity pool");
    let record = admin_page(&app, &s, &format!("/admin/record?id={gobank}")).await;
    let token = hidden(&record, "csrf_token");
    // Another bank's record: not found, not revoked, and its application's consents not ended.
    let res = s.get(format!("{}/admin/record?id={demo}", app.url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = post(&app, &s, "/api/admin/revoke")
        .form(&[("csrf_token", token.as_str()), ("id", demo.as_str()), ("reason", "Not ours"), ("confirmed", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = post(&app, &s, "/api/admin/revoke-provider")
        .form(&[
            ("csrf_token", token.as_str()),
            ("client_id", "demo-app"),
            ("reason", "Not ours"),
            ("confirmed", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), "/admin?q=demo-app");
    let status = |id: String| {
        let records = app.state.records.clone();
        async move { records.get(&id).await.unwrap().unwrap().status }
    };
    assert_eq!(status(demo.clone()).await, Status::Authorized, "another bank's consent stands");
    // Its own bank's: revoked.
    let res = post(&app, &s, "/api/admin/revoke")
        .form(&[
            ("csrf_token", token.as_str()),
            ("id", gobank.as_str()),
            ("reason", "Customer called"),
            ("confirmed", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(gobank.clone()).await, Status::Revoked);

    // The global role reaches every bank's.
    let (a, _) = browser_with_jar();
    console_sign_in(&app, &a, "admin").await;
    let found = admin_page(&app, &a, "/admin?q=user10").await;
    assert!(found.contains(&gobank) && found.contains(&demo) && found.contains(&hyperscale), "{found}");
}

/// Whether `res` clears the console's session cookie.
fn cleared(res: &reqwest::Response) -> bool {
    res.headers().get_all("set-cookie").iter().any(|c| {
        let c = c.to_str().unwrap();
        c.starts_with("assent-console=;") && c.contains("Max-Age=0")
    })
}

/// Gives sandbox user `user` these staff `roles` (none: a customer's standing).
fn set_roles(app: &TestApp, user: &str, roles: &[&str]) {
    let store = &app.sandbox().store;
    let (hash, data) = store.user(user).unwrap().expect("a seeded user");
    let mut data: serde_json::Value = serde_json::from_str(&data).unwrap();
    data["roles"] = serde_json::json!(roles);
    store.upsert_user(user, &hash, &data.to_string()).unwrap();
}

/// The staff role is read again at every request, not only at sign-in: a role narrowed to one
/// bank's narrows what the next search finds, a role taken away closes the console at once
/// (and ends the session and its token), and so does the staff token revoked at the
/// authorization server.
#[tokio::test]
async fn a_role_taken_away_or_a_token_revoked_closes_the_console_at_once() {
    let app = spawn_app().await;
    consent_via_demo(&app, "user12", &["openid", "email"]).await;
    let records = app.state.records.of_subject("default", "user12").await.unwrap();
    let demo = records[0].id.clone();
    let (s, _) = browser_with_jar();
    assert_eq!(console_sign_in(&app, &s, "admin").await.status(), StatusCode::SEE_OTHER);
    assert!(admin_page(&app, &s, "/admin?q=user12").await.contains(&demo));

    set_roles(&app, "admin", &["gobank_consent_admin"]);
    let found = admin_page(&app, &s, "/admin?q=user12").await;
    assert!(found.contains("Signed in as Ada Admin") && !found.contains(&demo), "Go Bank's only now: {found}");
    let res = s.get(format!("{}/admin/record?id={demo}", app.url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "nor read");

    set_roles(&app, "admin", &[]);
    let res = s.get(format!("{}/admin?q=user12", app.url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(cleared(&res), "the session's cookie cleared");
    let page = res.text().await.unwrap();
    assert!(page.contains("This console is for bank staff") && !page.contains(&demo), "{page}");
    assert_eq!(app.sandbox().store.revoke_all_in_workspace("bank-admins").unwrap(), 0, "its token ended with it");
    set_roles(&app, "admin", &["consent_admin"]);
    assert!(admin_page(&app, &s, "/admin").await.contains("Sign in as staff"), "the session ended with the role");

    // Signed in again; the authorization server then revokes the staff token.
    assert_eq!(console_sign_in(&app, &s, "admin").await.status(), StatusCode::SEE_OTHER);
    assert!(admin_page(&app, &s, "/admin?q=user12").await.contains(&demo));
    assert!(app.sandbox().store.revoke_all_in_workspace("bank-admins").unwrap() > 0);
    let page = admin_page(&app, &s, "/admin?q=user12").await;
    assert!(page.contains("Sign in as staff") && !page.contains(&demo), "{page}");

    // A server that does not answer keeps the console closed while it does not, and no longer.
    assert_eq!(console_sign_in(&app, &s, "admin").await.status(), StatusCode::SEE_OTHER);
    app.sandbox().set_fault(Some(Fault::Status(500)));
    let res = s.get(format!("{}/admin?q=user12", app.url)).send().await.unwrap();
    app.sandbox().set_fault(None);
    assert_eq!(res.status(), StatusCode::BAD_GATEWAY);
    assert!(!cleared(&res), "the session stands");
    assert!(!res.text().await.unwrap().contains(&demo));
    assert!(admin_page(&app, &s, "/admin?q=user12").await.contains(&demo), "open again once it answers");
}

/// A staff sign-in whose token userinfo refuses is refused at once, rather than signed in and
/// then shut out at every page.
#[tokio::test]
async fn a_sign_in_that_userinfo_refuses_opens_no_session() {
    let app = spawn_app().await;
    let (s, jar) = browser_with_jar();
    let callback = console_callback(&app, &s, "admin").await;
    app.sandbox().set_fault(Some(Fault::Status(403)));
    let res = s.get(&callback).send().await.unwrap();
    app.sandbox().set_fault(None);
    assert_eq!(res.status(), StatusCode::BAD_GATEWAY);
    assert!(res.text().await.unwrap().contains("Sign-in failed"), "the token refused, not the server down");
    let cookies = jar.cookies(&url::Url::parse(&app.url).unwrap()).map(|c| c.to_str().unwrap().to_string());
    assert!(!cookies.unwrap_or_default().contains("assent-console="), "no session");
    assert!(admin_page(&app, &s, "/admin").await.contains("Sign in as staff"));
}
