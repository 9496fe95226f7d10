//! Attacks of the security reference (`C-xx`, `P-xx` in peers-and-security.md) pinned end to
//! end: an application's own text on every consent screen (C-14), in the portal and the
//! staff console (P-09), a form sent after its flow
//! ended upstream (C-07), every server function called from another site or in another
//! encoding (C-25), and the portal session's timeouts in the default SQLite store (P-08).

use super::recipient::{CDR, UK};
use crate::common::*;
use assent::sandbox::Stats;
use reqwest::{header, Client, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

/// What an application writes that would end a `<script>` element and run one of its own…
const MARKUP: &str = "</script><img src=x onerror=alert(1)>";
/// …and a right-to-left override, which shows what follows it reversed ("Ltd ygrenE" for a
/// payee, "exe.pdf" for "fdp.exe").
const RLO: char = '\u{202E}';
/// How [`MARKUP`]'s element shows as text (its `</script>` is checked apart, as `script&gt;`).
const ESCAPED: &str = "&lt;img src=x onerror=alert(1)&gt;";

/// The `data-props` of every island in `html`, as written in the attribute.
fn island_props(html: &str) -> Vec<String> {
    html.split("data-props=\"").skip(1).map(|rest| rest[..rest.find('"').unwrap_or(rest.len())].to_string()).collect()
}

/// An attribute's value as the browser reads it.
fn unescape_attribute(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The text of the element whose opening tag holds `marker`, up to the first closing tag.
fn element_text<'a>(html: &'a str, marker: &str) -> &'a str {
    let at = html.find(marker).unwrap_or_else(|| panic!("no {marker} in the page: {html}"));
    let rest = &html[at + marker.len()..];
    &rest[..rest.find("</").unwrap_or(rest.len())]
}

/// C-14: nothing of [`MARKUP`] or [`RLO`] reaches `html` but as text: no element it wrote, no
/// script it ended, no override (raw or as a character reference), and neither in any island's
/// props, which the browser hands to the hydrated code.
fn assert_only_text(html: &str, what: &str) {
    assert!(!html.contains("<img src=x onerror"), "{what}: the application's text rendered as HTML: {html}");
    assert!(!html.contains("</script><img"), "{what}: the application's text ended a script element: {html}");
    let lower = html.to_ascii_lowercase();
    assert!(
        !html.contains(RLO) && !lower.contains("&#x202e;") && !lower.contains("&#8238;"),
        "{what}: the right-to-left override reached the page: {html}"
    );
    for props in island_props(html) {
        let decoded = unescape_attribute(&props);
        assert!(
            !decoded.contains(RLO) && !decoded.to_ascii_lowercase().contains("\\u202e"),
            "{what}: the override in an island's props: {props}"
        );
        assert!(
            !decoded.contains("onerror") && !decoded.contains("<img"),
            "{what}: the application's markup in an island's props: {props}"
        );
    }
}

/// As [`assert_only_text`], for a page whose islands carry the application's name as data (the
/// portal's list, the console's revocation): in their props it is a JSON string, escaped in the
/// attribute, which the island renders as text; the props must parse, and hold no override.
fn assert_only_text_and_data(html: &str, what: &str) {
    let mut outside = html.to_string();
    for props in island_props(html) {
        let decoded = unescape_attribute(&props);
        let parsed = serde_json::from_str::<Value>(&decoded);
        assert!(parsed.is_ok(), "{what}: props that do not parse as JSON: {decoded}");
        assert!(!decoded.contains(RLO) && !decoded.to_ascii_lowercase().contains("\\u202e"), "{what}: {decoded}");
        outside = outside.replace(&props, "");
    }
    assert_only_text(&outside, what);
}

/// Gives client `client_id` of the sandbox `name` and `description` behind its back: a server
/// whose registration took them as they are would send them on.
fn rename_client(app: &TestApp, client_id: &str, name: &str, description: &str) {
    let store = &app.sandbox().store;
    let (workspace, secret_hash, data) =
        store.client(client_id).unwrap().unwrap_or_else(|| panic!("no client {client_id} in the sandbox"));
    let mut data: Value = serde_json::from_str(&data).unwrap();
    data["client_name"] = Value::from(name);
    data["description"] = Value::from(description);
    store.upsert_client(client_id, &workspace, secret_hash.as_deref(), &data.to_string(), 0).unwrap();
}

/// C-14 on the UK payment screen: a payee name (as the bank takes it, within its 70
/// characters), a reference (put in place behind the bank's back: its 35 characters are too
/// few for the markup) and the payment's details, each with markup that would end a script and
/// run one, and a right-to-left override. Each is shown, escaped, where it belongs, the
/// override dropped; no markup or override reaches the page or the payment form's props.
#[tokio::test]
async fn application_text_on_the_payment_screen_is_only_ever_text() {
    let app = spawn_app().await;
    let b = browser();
    let mut initiation = super::obuk_payment::initiation();
    initiation["CreditorAccount"]["Name"] = json!(format!("{MARKUP}{RLO}ACME Energy Ltd"));
    initiation["RemittanceInformation"]["Unstructured"] = json!(format!("{MARKUP}{RLO}Internal ops code 5120101"));
    let (id, consent) = super::obuk_payment::start(&app, &b, "user", initiation).await;
    let sandbox = rusqlite::Connection::open(app.data_dir().join("sandbox.sqlite3")).unwrap();
    sandbox.busy_timeout(Duration::from_secs(5)).unwrap();
    let stored: String =
        sandbox.query_row("SELECT request FROM fdx_consents WHERE id = ?1", [&id], |r| r.get(0)).unwrap();
    let mut stored: Value = serde_json::from_str(&stored).unwrap();
    assert_eq!(stored["CreditorAccount"]["Name"], json!(format!("{MARKUP}{RLO}ACME Energy Ltd")), "{stored}");
    stored["RemittanceInformation"]["Reference"] = json!(format!("{MARKUP}{RLO}FRESCO-101"));
    let changed = sandbox
        .execute("UPDATE fdx_consents SET request = ?1 WHERE id = ?2", rusqlite::params![stored.to_string(), id])
        .unwrap();
    assert_eq!(changed, 1);

    let page = open_consent(&b, &consent).await;
    let html = page.html.replace("<!>", "");
    assert!(html.contains("£1,234.50"), "the payment's screen: {html}");
    assert_only_text(&html, "the payment screen");
    assert!(!island_props(&html).is_empty(), "the payment form's island and its props: {html}");
    for (marker, then) in [
        ("class=\"payee\"", "ACME Energy Ltd"),
        ("class=\"reference\"", "FRESCO-101"),
        ("class=\"remittance\"", "Internal ops code 5120101"),
    ] {
        let shown = element_text(&html, marker);
        assert!(shown.contains(&format!("{ESCAPED}{then}")), "{marker}: shown as text, unreversed: {shown}");
        assert!(shown.contains("script&gt;"), "{marker}: the script's end shown as text: {shown}");
    }
}

/// C-14 on the CDR, FDX and UK screens: a data recipient's name and description with markup that
/// would end a script and run one, and a right-to-left override. The screen's header shows
/// them escaped, the override dropped; no markup or override reaches the page or the account
/// picker's props.
#[tokio::test]
async fn a_recipients_name_on_the_cdr_fdx_and_uk_screens_is_only_ever_text() {
    let app = spawn_app().await;
    let name = format!("{MARKUP}{RLO}Budget Buddy");
    let description = format!("{RLO}{MARKUP}Budgets for everyone");
    let check = |html: &str, regime: &str| {
        let html = html.replace("<!>", "");
        assert_only_text(&html, regime);
        let shown = element_text(&html, "class=\"client-name\"");
        assert!(shown.contains(&format!("{ESCAPED}Budget Buddy")), "{regime}: the name as text, unreversed: {shown}");
        assert!(shown.contains("script&gt;"), "{regime}: the script's end shown as text: {shown}");
        let shown = element_text(&html, "class=\"client-description\"");
        assert!(shown.contains(&format!("{ESCAPED}Budgets for everyone")), "{regime}: the description: {shown}");
    };

    // The CDR's accredited data recipient.
    rename_client(&app, CDR.client, &name, &description);
    let b = browser();
    let consent =
        super::cdr::authorize(&app, &b, super::cdr::SCOPES, &[("sharing_duration", super::cdr::NINETY_DAYS)], "user")
            .await;
    check(&open_consent(&b, &consent).await.html, "CDR");

    // The FDX demo recipient: renamed between its pushed request and the customer's sign-in.
    let b = browser();
    let res = b.post(format!("{}/fdx-demo/connect", app.sandbox_url())).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let authorize = absolute(app.sandbox_url(), &location(&res));
    let client_id = url::Url::parse(&authorize)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "client_id")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("no client_id in {authorize}"));
    rename_client(&app, &client_id, &name, &description);
    let res = sign_in(&app, &b, &authorize, "user").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let consent = location(&res);
    assert!(consent.starts_with(&format!("{}/consent?", app.url)) && consent.contains("consent_type=fdx"), "{consent}");
    check(&open_consent(&b, &consent).await.html, "FDX");

    // The UK account-access recipient.
    rename_client(&app, UK.client, &name, &description);
    let b = browser();
    let (_, consent) = super::obuk::start_uk(&app, &b, "user").await;
    let html = open_consent(&b, &consent).await.html.replace("<!>", "");
    assert_only_text(&html, "UK");
    let shown = element_text(&html, "class=\"client-name\"");
    assert!(shown.contains(&format!("{ESCAPED}Budget Buddy")), "UK: the name as text, unreversed: {shown}");
}

/// C-14 on the generic screen, then P-09: the application's name and description, with markup
/// that would end a script and run one and a right-to-left override, are only ever text on the
/// consent screen, in the customer's portal and in the staff console (pages and islands' props).
#[tokio::test]
async fn an_applications_name_is_only_ever_text_on_the_screen_in_the_portal_and_the_console() {
    let app = spawn_app().await;
    rename_client(&app, "demo-app", &format!("{MARKUP}{RLO}Sandbox Demo"), &format!("{RLO}{MARKUP}A demo"));
    let b = browser();
    let consent = start_flow(&app, &b, "user7", &["openid", "email"]).await;
    let page = open_consent(&b, &consent).await;
    let screen = page.html.replace("<!>", "");
    assert_only_text(&screen, "consent screen");
    assert!(screen.contains(ESCAPED), "the name shown, as text: {screen}");
    finish(&app, &b, submit(&app, &b, &page, "allow", &["openid", "email"]).await).await;
    let portal = portal_sign_in(&app, &browser(), "user7").await.replace("<!>", "");
    assert_only_text_and_data(&portal, "portal");
    assert!(portal.contains(ESCAPED), "listed, as text: {portal}");
    let staff = browser();
    assert_eq!(super::console::console_sign_in(&app, &staff, "admin").await.status(), StatusCode::SEE_OTHER);
    let found = staff.get(format!("{}/admin?q=user7", app.url)).send().await.unwrap().text().await.unwrap();
    let found = found.replace("<!>", "");
    assert_only_text_and_data(&found, "console");
    assert!(found.contains(ESCAPED), "found, as text: {found}");
}

/// The consent records Assent's own store holds, of any status.
fn records_kept(app: &TestApp) -> i64 {
    rusqlite::Connection::open(app.data_dir().join("records.sqlite3"))
        .unwrap()
        .query_row("SELECT COUNT(*) FROM consent_records", [], |r| r.get(0))
        .unwrap()
}

/// C-07: a consent form sent after its flow ended at the authorization server (its login
/// expired while the page stood open, or the server forgot it), its token and cookie all
/// valid, Allow or Deny: 404 with the words the link's own expiry shows (sign in again, a
/// request id, no trace) for a plain form, `FlowExpired` for an island, and nothing decided
/// upstream or recorded.
#[tokio::test]
async fn a_form_for_a_flow_the_server_has_ended_says_sign_in_again_and_decides_nothing() {
    let app = spawn_app().await;
    let sandbox = rusqlite::Connection::open(app.data_dir().join("sandbox.sqlite3")).unwrap();
    sandbox.busy_timeout(Duration::from_secs(5)).unwrap();
    for (how, end) in [
        ("expired", "UPDATE logins SET expires_at = 0 WHERE id = ?1"),
        ("forgotten", "DELETE FROM logins WHERE id = ?1"),
    ] {
        for decision in ["allow", "deny"] {
            let b = browser();
            let consent = start_flow(&app, &b, "user", &["openid", "email"]).await;
            let page = open_consent(&b, &consent).await;
            assert_eq!(sandbox.execute(end, [&page.login_id]).unwrap(), 1, "{how}");
            let scopes: &[&str] = if decision == "allow" { &["email"] } else { &[] };

            // The plain form (no JavaScript).
            let res = submit(&app, &b, &page, decision, scopes).await;
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{how}, {decision}");
            assert!(res.headers().get(header::LOCATION).is_none(), "{how}, {decision}: sent nowhere");
            let html = res.text().await.unwrap();
            assert!(
                html.contains("This sign-in request has expired") && html.contains("sign in again"),
                "{how}, {decision}: {html}"
            );
            assert!(html.contains("Request id"), "{how}, {decision}: {html}");
            assert!(!html.contains("panicked") && !html.contains("UpstreamError"), "{how}, {decision}: {html}");

            // The island's call of the same form.
            let res = b
                .post(format!("{}{DECIDE}", app.url))
                .header(header::ACCEPT, "application/json")
                .header(header::ORIGIN, app.url.as_str())
                .form(&[
                    ("login_id", page.login_id.as_str()),
                    ("login_state", page.login_state.as_str()),
                    ("csrf_token", page.csrf_token.as_str()),
                    ("decision", decision),
                    ("scope[]", "email"),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{how}, {decision}: the island's call");
            let error: Value = res.json().await.unwrap();
            assert_eq!(error["failure"], "FlowExpired", "{how}, {decision}: {error}");
            assert!(error["message"].as_str().unwrap_or_default().contains("sign in again"), "{error}");

            // The same as the link itself says now.
            let res = b.get(&consent).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{how}: the link");
            assert!(res.text().await.unwrap().contains("sign in again"), "{how}: the link");

            // The sandbox holds no decision for the login.
            let login = app.sandbox().store.login(&page.login_id).unwrap();
            match how {
                "expired" => {
                    let login = login.expect("the expired login is still stored");
                    assert_eq!(login.status, "authenticated", "{how}, {decision}");
                    assert!(login.decision.is_none(), "{how}, {decision}: {:?}", login.decision);
                }
                _ => assert!(login.is_none(), "{how}, {decision}"),
            }
        }
    }
    assert_eq!(Stats::get(&app.sandbox().stats.scope_grant_decisions), 0, "no accept or reject went upstream");
    assert_eq!(records_kept(&app), 0, "nothing was recorded");
}

/// Every count the sandbox keeps of calls made to it (not its gauges of password hashing).
fn upstream_calls(app: &TestApp) -> Vec<(&'static str, u64)> {
    let s = &app.sandbox().stats;
    vec![
        ("system_tokens", Stats::get(&s.system_tokens)),
        ("bank_tokens", Stats::get(&s.bank_tokens)),
        ("scope_grant_reads", Stats::get(&s.scope_grant_reads)),
        ("scope_grant_decisions", Stats::get(&s.scope_grant_decisions)),
        ("idempotent_replays", Stats::get(&s.idempotent_replays)),
        ("password_checks", Stats::get(&s.password_checks)),
        ("public_revokes", Stats::get(&s.public_revokes)),
        ("consent_revokes", Stats::get(&s.consent_revokes)),
    ]
}

/// C-25: every registered server function, called straight instead of from Assent's own
/// pages, is refused at its door (`routes::guard`) before it runs: a cross-site form with the
/// victim's cookies (with `Sec-Fetch-Site`, or only `Origin` from an older browser) and a
/// cross-site `text/plain` fetch (sent without a preflight) get 403 `Forged`, the site check
/// coming first; a same-origin call in `text/plain` gets 415 `Unsupported`. As a page for a
/// plain form, as JSON for an island. The body is this browser's real consent form, token and
/// all, so a server function that ran would read or decide the flow: none reaches the
/// authorization server, nothing is recorded, and the flow is still there to be decided.
#[tokio::test]
async fn every_server_function_refuses_other_sites_and_other_encodings_before_it_runs() {
    const FORM: &str = "application/x-www-form-urlencoded";
    const EVIL: &str = "https://evil.example";
    let app = spawn_app().await;
    let b = browser();
    let consent = start_flow(&app, &b, "user", &["openid", "email"]).await;
    let page = open_consent(&b, &consent).await;
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("login_id", &page.login_id)
        .append_pair("login_state", &page.login_state)
        .append_pair("csrf_token", &page.csrf_token)
        .append_pair("decision", "allow")
        .append_pair("scope[]", "email")
        .finish();
    let paths = leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path).collect::<Vec<_>>();
    assert!(paths.contains(&DECIDE) && paths.contains(&"/api/consent/load") && paths.len() > 10, "{paths:?}");
    let forged = (StatusCode::FORBIDDEN, "Forged", "This form could not be verified");
    let unsupported = (StatusCode::UNSUPPORTED_MEDIA_TYPE, "Unsupported", "This kind of request is not accepted");
    // (what, Origin, Sec-Fetch-Site, Content-Type, and the answer: status, failure, words)
    let attempts = [
        ("a cross-site form", EVIL, Some("cross-site"), FORM, forged),
        ("a cross-site form from a browser without Fetch Metadata", EVIL, None, FORM, forged),
        ("a cross-site text/plain fetch", EVIL, Some("cross-site"), "text/plain", forged),
        ("a same-origin text/plain call", app.url.as_str(), Some("same-origin"), "text/plain", unsupported),
    ];
    let before = upstream_calls(&app);
    for path in &paths {
        for (what, origin, site, kind, (status, failure, words)) in attempts {
            for accept in ["text/html,application/xhtml+xml,*/*;q=0.8", "application/json"] {
                let mut request = b
                    .post(format!("{}{path}", app.url))
                    .header(header::ACCEPT, accept)
                    .header(header::CONTENT_TYPE, kind)
                    .header(header::ORIGIN, origin)
                    .body(body.clone());
                if let Some(site) = site {
                    request = request.header("sec-fetch-site", site);
                }
                let res = request.send().await.unwrap();
                assert_eq!(res.status(), status, "{what} to {path} ({accept})");
                assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store", "{what} to {path} ({accept})");
                if accept == "application/json" {
                    let error: Value = res.json().await.unwrap();
                    assert_eq!(error["failure"], failure, "{what} to {path}: {error}");
                } else {
                    let html = res.text().await.unwrap();
                    assert!(html.contains(words), "{what} to {path}: {html}");
                }
            }
        }
    }
    assert_eq!(upstream_calls(&app), before, "a refused call reached the authorization server");
    assert_eq!(records_kept(&app), 0, "a refused call recorded a consent");
    // The form was live all along: sent from Assent's own page, it decides the flow.
    let res = submit(&app, &b, &page, "allow", &["email"]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(Stats::get(&app.sandbox().stats.scope_grant_decisions), 1);
}

/// Signs `user` in to the portal in browser `b`: the session's id, as its cookie carries it.
async fn portal_session(app: &TestApp, b: &Client, user: &str) -> String {
    let callback = portal_callback(app, b, user).await;
    let res = b.get(callback.as_str()).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("assent-portal="))
        .map(|c| c.split(';').next().unwrap_or_default().to_string())
        .filter(|id| !id.is_empty())
        .expect("the portal's session cookie")
}

/// `GET /portal` in browser `b`.
async fn portal_page(app: &TestApp, b: &Client) -> (StatusCode, String) {
    let res = b.get(format!("{}/portal", app.url)).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

/// `GET /portal` with the session cookie `session` only.
async fn portal_page_of(app: &TestApp, session: &str) -> (StatusCode, String) {
    let res = Client::new()
        .get(format!("{}/portal", app.url))
        .header(header::COOKIE, format!("assent-portal={session}"))
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

/// The portal shows `user`'s consents (the demo app's).
fn shows_consents(html: &str) -> bool {
    html.contains("Signed in as") && html.contains("user@example.com") && html.contains("Sandbox Demo App")
}

/// The portal shows the sign-in, and no one's data.
fn shows_sign_in(html: &str) -> bool {
    html.contains("Sign in")
        && !html.contains("Signed in as")
        && !html.contains("user@example.com")
        && !html.contains("Sandbox Demo App")
}

/// `(expires_at, last_seen)` of the SQLite store's row of session `id`, if it has one.
fn session_row(app: &TestApp, id: &str) -> Option<(i64, i64)> {
    use assent::server::sessions::hash;
    let conn = rusqlite::Connection::open(app.data_dir().join("assent.sqlite3")).unwrap();
    let row = conn.query_row("SELECT expires_at, last_seen FROM portal_sessions WHERE id_hash = ?1", [hash(id)], |r| {
        Ok((r.get(0)?, r.get(1)?))
    });
    match row {
        Ok(row) => Some(row),
        Err(rusqlite::Error::QueryReturnedNoRows) => None,
        Err(e) => panic!("the session store: {e}"),
    }
}

/// Sets `column` of session `id`'s row in the SQLite file, as time (or someone with the file)
/// would.
fn set_session_time(app: &TestApp, id: &str, column: &str, value: i64) {
    use assent::server::sessions::hash;
    let conn = rusqlite::Connection::open(app.data_dir().join("assent.sqlite3")).unwrap();
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    let sql = format!("UPDATE portal_sessions SET {column} = ?1 WHERE id_hash = ?2");
    assert_eq!(conn.execute(&sql, rusqlite::params![value, hash(id)]).unwrap(), 1, "{column}");
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// P-08, absolute timeout, in the SQLite session store (the default): a session ends at its
/// end however busy it is. A portal session whose sealed record ends three seconds on (its
/// seal, its access token and its idle timer all good) shows the consents, then, once its end
/// has passed, the sign-in, and its row is gone; the browser's own session, its end not yet
/// come, goes on. That session's end set in the past in the file ends it too.
#[tokio::test]
async fn in_sqlite_a_portal_session_ends_at_its_absolute_timeout() {
    use assent::server::sessions::{Holder, Kind, ABSOLUTE_TIMEOUT};
    let app = spawn_app().await;
    consent_via_demo(&app, "user", &["openid", "email"]).await;
    let b = browser();
    let id = portal_session(&app, &b, "user").await;
    let (status, html) = portal_page(&app, &b).await;
    assert_eq!(status, StatusCode::OK);
    assert!(shows_consents(&html), "{html}");
    let (ends, _) = session_row(&app, &id).expect("the session's row");
    assert!(ends <= now() + ABSOLUTE_TIMEOUT, "capped by the absolute timeout: {ends}");

    // The same session, sealed by Assent's store to end three seconds on: only its time differs.
    let session = app.state.sessions.get(&id).await.unwrap().expect("the portal's session");
    let holder = Holder {
        kind: Kind::Customer,
        subject: &session.subject,
        customer: &session.customer,
        customers: session.customers.clone(),
        display: &session.display,
        reach: None,
    };
    let short = app.state.sessions.create_of(holder, &session.access_token, 3).await.unwrap();
    let (short_ends, _) = session_row(&app, &short).expect("the short session's row");
    assert!(short_ends <= now() + 3, "{short_ends}");
    let (status, html) = portal_page_of(&app, &short).await;
    assert_eq!(status, StatusCode::OK);
    assert!(shows_consents(&html), "before its end: {html}");
    let deadline = std::time::Instant::now() + Duration::from_secs(6);
    while now() <= short_ends {
        assert!(std::time::Instant::now() < deadline, "the clock did not pass {short_ends}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, html) = portal_page_of(&app, &short).await;
    assert_eq!(status, StatusCode::OK);
    assert!(shows_sign_in(&html), "past its end: {html}");
    assert!(session_row(&app, &short).is_none(), "the ended session's row is deleted");

    // The browser's own session, its end to come, goes on…
    let (_, html) = portal_page(&app, &b).await;
    assert!(shows_consents(&html), "{html}");
    // …until its end, set in the past in the file, ends it (refused twice over: past, and no
    // longer the end its record was sealed with).
    set_session_time(&app, &id, "expires_at", now() - 1);
    let (status, html) = portal_page(&app, &b).await;
    assert_eq!(status, StatusCode::OK);
    assert!(shows_sign_in(&html), "{html}");
    assert!(session_row(&app, &id).is_none(), "the ended session's row is deleted");
}

/// P-08, idle timeout, in the SQLite session store: a session last used just under
/// `IDLE_TIMEOUT` ago goes on, and that use starts its idle time again; one unused for longer
/// (its `last_seen` aged in the file, which the seal does not cover) shows the sign-in, and its
/// row is gone.
#[tokio::test]
async fn in_sqlite_a_portal_session_idle_too_long_ends() {
    use assent::server::sessions::IDLE_TIMEOUT;
    let app = spawn_app().await;
    consent_via_demo(&app, "user", &["openid", "email"]).await;
    let b = browser();
    let id = portal_session(&app, &b, "user").await;
    set_session_time(&app, &id, "last_seen", now() - IDLE_TIMEOUT + 60);
    let (status, html) = portal_page(&app, &b).await;
    assert_eq!(status, StatusCode::OK);
    assert!(shows_consents(&html), "a minute before its idle end: {html}");
    let (_, last_seen) = session_row(&app, &id).expect("the session's row");
    assert!(last_seen >= now() - 5, "its use starts the idle time again: {last_seen}");
    set_session_time(&app, &id, "last_seen", now() - IDLE_TIMEOUT - 1);
    let (status, html) = portal_page(&app, &b).await;
    assert_eq!(status, StatusCode::OK);
    assert!(shows_sign_in(&html), "idle too long: {html}");
    assert!(session_row(&app, &id).is_none(), "the ended session's row is deleted");
}
