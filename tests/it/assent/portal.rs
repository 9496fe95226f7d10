//! The user portal: sign in through the authorization server, see and revoke your own grants.

use crate::common::*;
use reqwest::{Client, StatusCode};

async fn revoke(app: &TestApp, b: &Client, client_id: &str) -> reqwest::Response {
    let confirm = b.get(format!("{}/portal/revoke?client_id={client_id}", app.url)).send().await.unwrap();
    assert_eq!(confirm.status(), StatusCode::OK);
    let html = confirm.text().await.unwrap();
    assert!(html.contains("immediately loses access") && html.contains("Cancel"));
    form_post(b, format!("{}/api/portal/revoke", app.url))
        .header("sec-fetch-site", "same-origin")
        .form(&[("client_id", client_id.to_string()), ("csrf_token", hidden(&html, "csrf_token"))])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn signed_out_the_portal_explains_and_offers_sign_in() {
    let app = spawn_app().await;
    let b = browser();
    let res = b.get(format!("{}/portal", app.url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("Your connected applications") && html.contains("Sign in"));
    // Nothing behind it without a session.
    let res = b.get(format!("{}/portal/revoke?client_id=demo-app", app.url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = form_post(&b, format!("{}/api/portal/revoke", app.url))
        .form(&[("client_id", "demo-app")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn revoking_ends_the_apps_access_for_real() {
    let app = spawn_app().await;
    let demo_token = consent_via_demo(&app, "user", &["openid", "email", "calendar.read"]).await;
    assert!(introspect(&app, &demo_token).await);
    let b = browser();
    let portal = portal_sign_in(&app, &b, "user").await;
    assert!(portal.contains("Signed in as") && portal.contains("user@example.com"));
    assert!(portal.contains("Sandbox Demo App"));
    assert!(portal.contains("View your calendar") && portal.contains("Email address"));
    assert!(portal.contains("Access granted") && portal.contains("<time datetime="));
    let res = revoke(&app, &b, "demo-app").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/portal");
    let portal = b.get(format!("{}/portal", app.url)).send().await.unwrap().text().await.unwrap();
    let apps = portal_apps(&portal);
    assert!(apps.contains("Access revoked") && !apps.contains("Sandbox Demo App"), "gone from the applications");
    // Said once: a reload, or a link saying so, does not say it again.
    for path in ["/portal", "/portal?revoked=1"] {
        let again = b.get(format!("{}{path}", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(again.contains("Signed in as") && !again.contains("Access revoked"), "{path}: {again}");
    }
    assert!(!introspect(&app, &demo_token).await, "the app's token is dead");
    // Revoking again (a second tab): the application is no longer in the list, so there is
    // nothing to revoke; a page says so, and no revocation is sent.
    let res = form_post(&b, format!("{}/api/portal/revoke", app.url))
        .header("sec-fetch-site", "same-origin")
        .form(&[("client_id", "demo-app"), ("csrf_token", &hidden(&portal, "csrf_token"))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("Request id"));
}

#[tokio::test]
async fn a_user_sees_and_revokes_only_their_own_grants() {
    let app = spawn_app().await;
    let token_a = consent_via_demo(&app, "user", &["openid", "photos.read"]).await;
    let b2 = browser();
    let portal_b = portal_sign_in(&app, &b2, "user2").await;
    assert!(!portal_b.contains("Sandbox Demo App"), "user2 sees user's grant");
    assert!(portal_b.contains("No application has access"));
    // user2 asks to revoke the demo app: it holds no access to user2's account: not found.
    let res = b2.get(format!("{}/portal/revoke?client_id=demo-app", app.url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "no confirmation for someone else's grant");
    let res = form_post(&b2, format!("{}/api/portal/revoke", app.url))
        .header("sec-fetch-site", "same-origin")
        .form(&[("client_id", "demo-app"), ("csrf_token", &hidden(&portal_b, "csrf_token"))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(introspect(&app, &token_a).await, "user's grant survives user2's request");
    let b1 = browser();
    assert!(portal_sign_in(&app, &b1, "user").await.contains("Sandbox Demo App"));
}

#[tokio::test]
async fn cross_site_and_tokenless_revokes_are_refused() {
    let app = spawn_app().await;
    let token = consent_via_demo(&app, "user", &["openid", "email"]).await;
    let b = browser();
    let portal = portal_sign_in(&app, &b, "user").await;
    let csrf = hidden(&portal, "csrf_token");
    for (site, token_value) in [("cross-site", csrf.as_str()), ("same-origin", "forged"), ("same-origin", "")] {
        let res = form_post(&b, format!("{}/api/portal/revoke", app.url))
            .header("sec-fetch-site", site)
            .form(&[("client_id", "demo-app"), ("csrf_token", token_value)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{site} {token_value}");
    }
    assert!(introspect(&app, &token).await, "nothing was revoked");
    // A GET never revokes.
    b.get(format!("{}/portal/revoke?client_id=demo-app", app.url)).send().await.unwrap();
    assert!(introspect(&app, &token).await);
}

#[tokio::test]
async fn sign_in_checks_state_and_sessions_time_out() {
    let app = spawn_app().await;
    let b = browser();
    // A callback that was not started in this browser.
    let res = b.get(format!("{}/portal/callback?code=x&state=forged", app.url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(portal_sign_in(&app, &b, "user3").await.contains("Sign out"));
    // An idle session ends; the portal shows sign-in again.
    assert_eq!(age_every_session(&app), 1);
    let res = b.get(format!("{}/portal", app.url)).send().await.unwrap();
    let cleared =
        res.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap().starts_with("assent-portal=;"));
    assert!(cleared, "the ended session's cookie is cleared");
    let page = res.text().await.unwrap();
    assert!(page.contains("Sign in") && !page.contains("Sign out"), "idle session still alive");
    // Sign-out ends a session for good.
    let portal = portal_sign_in(&app, &b, "user3").await;
    let res = form_post(&b, format!("{}/api/portal/sign-out", app.url))
        .header("sec-fetch-site", "same-origin")
        .form(&[("csrf_token", hidden(&portal, "csrf_token"))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = b.get(format!("{}/portal", app.url)).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("Sign out"));
}

/// Makes every portal session look idle for longer than the timeout.
fn age_every_session(app: &TestApp) -> usize {
    let path = app.data_dir().join("assent.sqlite3");
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute("UPDATE portal_sessions SET last_seen = last_seen - ?1", [assent::server::sessions::IDLE_TIMEOUT + 1])
        .unwrap()
}

#[tokio::test]
async fn upstream_faults_in_the_portal_get_pages_with_a_way_forward() {
    use assent::sandbox::Fault;
    use std::time::{Duration, Instant};
    let app = spawn_app().await;
    let token = consent_via_demo(&app, "user", &["openid", "email"]).await;
    let b = browser();
    let portal = portal_sign_in(&app, &b, "user").await;
    let csrf = hidden(&portal, "csrf_token");
    for (fault, status) in [
        (Fault::Status(500), StatusCode::BAD_GATEWAY),
        (Fault::BadJson, StatusCode::BAD_GATEWAY),
        (Fault::Delay(Duration::from_secs(8)), StatusCode::GATEWAY_TIMEOUT),
    ] {
        app.sandbox().set_fault(Some(fault.clone()));
        let started = Instant::now();
        let res = b.get(format!("{}/portal", app.url)).send().await.unwrap();
        assert_eq!(res.status(), status, "{fault:?}");
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(res.text().await.unwrap().contains("Reload this page"), "{fault:?}");
        // A revoke that fails upstream says so; the session survives it.
        let res = form_post(&b, format!("{}/api/portal/revoke", app.url))
            .header("sec-fetch-site", "same-origin")
            .form(&[("client_id", "demo-app"), ("csrf_token", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), status, "revoke under {fault:?}");
        app.sandbox().set_fault(None);
        assert!(introspect(&app, &token).await, "nothing was revoked under {fault:?}");
        let page = b.get(format!("{}/portal", app.url)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Sandbox Demo App"), "recovered after {fault:?}");
    }
    // A revoked user token ends the session instead of showing an error.
    app.sandbox().store.revoke_all_in_workspace("demo").unwrap();
    let res = b.get(format!("{}/portal", app.url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let cleared =
        res.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap().starts_with("assent-portal=;"));
    assert!(cleared, "the ended session's cookie is cleared");
    let page = res.text().await.unwrap();
    assert!(page.contains("Sign in") && !page.contains("Sign out"));
}

/// A callback in the browser that started the sign-in, its sealed cookie valid, but a `state`
/// that is not that sign-in's (a login CSRF, or a mix-up): refused, no session; the real one
/// then signs in.
#[tokio::test]
async fn a_callback_with_another_state_is_refused_even_with_the_sign_in_cookie() {
    let app = spawn_app().await;
    let b = browser();
    let callback = portal_callback(&app, &b, "user3").await;
    let forged = with_query(&callback, |k, v| Some(if k == "state" { format!("{v}x") } else { v.to_string() }));
    let res = b.get(forged.as_str()).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(!res.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap().starts_with("assent-portal=")));
    let res = b.get(callback.as_str()).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the sign-in it belongs to still finishes");
    let portal = b.get(format!("{}/portal", app.url)).send().await.unwrap().text().await.unwrap();
    assert!(portal.contains("Sign out"));
}

/// A sign-in in a browser that holds a session already (from a tab left on the signed-out
/// portal, the next person at a shared computer) ends that session: its cookie, kept by
/// anyone, opens nothing afterwards.
#[tokio::test]
async fn a_sign_in_ends_the_browsers_earlier_session() {
    let app = spawn_app().await;
    let b = browser();
    let tab = b.get(format!("{}/portal", app.url)).send().await.unwrap().text().await.unwrap();
    let session = |res: &reqwest::Response| {
        let cookies = res.headers().get_all("set-cookie");
        let value = cookies.iter().find_map(|c| c.to_str().unwrap().strip_prefix("assent-portal=").map(str::to_string));
        value.expect("a session cookie").split(';').next().unwrap().to_string()
    };
    let res = b.get(portal_callback(&app, &b, "user3").await.as_str()).send().await.unwrap();
    let first = session(&res);
    assert!(app.state.sessions.get(&first).await.unwrap().is_some());
    // The other tab's Sign in, signed in there as another user.
    let res = b.get(portal_callback_from(&app, &b, &tab, "user4").await.as_str()).send().await.unwrap();
    assert_ne!(session(&res), first);
    assert!(app.state.sessions.get(&first).await.unwrap().is_none(), "the earlier session ended");
    let page = browser().get(format!("{}/portal", app.url)).header("cookie", format!("assent-portal={first}"));
    let page = page.send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Sign in") && !page.contains("Sign out"), "{page}");
    let mine = b.get(format!("{}/portal", app.url)).send().await.unwrap().text().await.unwrap();
    assert!(mine.contains("Sign out"), "the new one is open");
}
