//! C-30: what Assent logs through whole flows (a consent, a refused form, a bad link, the
//! portal's sign-in and sign-out) carries none of the values a log reader could use: no
//! `login_state`, form token, authorization code, `state`, access token or session cookie, nor
//! the System client's secret or a customer's email address. Assent's own lines are read at
//! `debug`, below the `info` a deployment logs at, and every other crate's at `info`.

use crate::common::*;
use std::sync::{Arc, Mutex};

/// Where the test's log lines go.
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Lines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// On tokio's default single-threaded runtime: the subscriber set below sees every task of the
// test, Assent's servers included; not what runs on blocking threads (SQLite's work, which logs
// nothing of a request's values).
#[tokio::test]
async fn logs_of_whole_flows_carry_no_secret() {
    let lines = Lines::default();
    let sink = lines.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("info,assent=debug,assent::sandbox=off")
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .finish();
    let _logging = tracing::subscriber::set_default(subscriber);
    // `tracing` keeps each callsite's interest from when it is first hit. With this test's
    // subscriber the only one registered, a callsite first hit on another test's thread would
    // be judged by that thread's (none) and stay silent here too. A second, silent one makes
    // every callsite ask each thread's own subscriber.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let app = spawn_app().await;
    // The System client's secret, and the customers' email addresses.
    let mut secrets = vec![app.sandbox_handle.consent_client_secret.clone()];
    secrets.extend(["user5@example.com", "user6@example.com"].map(String::from));

    // A consent, allowed: its flow's handle, form token and the token the application got.
    let b = browser();
    let consent = start_flow(&app, &b, "user5", &["openid", "email"]).await;
    let page = open_consent(&b, &consent).await;
    secrets.extend([page.login_state.clone(), page.csrf_token.clone()]);
    let demo = finish(&app, &b, submit(&app, &b, &page, "allow", &["openid", "email"]).await).await;
    let start = demo.find("id=\"access-token\">").unwrap() + "id=\"access-token\">".len();
    secrets.push(demo[start..start + demo[start..].find('<').unwrap()].to_string());
    // A forged form and a link that is no flow's.
    let other = browser();
    let flow = start_flow(&app, &other, "user6", &["openid"]).await;
    let forged = open_consent(&other, &flow).await;
    secrets.push(forged.login_state.clone());
    let res =
        submit(&app, &other, &ConsentPage { csrf_token: "forged-token-value".into(), ..forged }, "allow", &[]).await;
    assert_eq!(res.status(), reqwest::StatusCode::FORBIDDEN);
    let res = b.get(format!("{}/consent?login_id=nope&login_state=a-state-worth-stealing", app.url)).send().await;
    assert!(res.unwrap().status().is_client_error());
    secrets.extend(["forged-token-value".to_string(), "a-state-worth-stealing".to_string()]);

    // The portal: the callback's code and state, the session's cookie and form token.
    let p = browser();
    let callback = portal_callback(&app, &p, "user5").await;
    secrets.extend(callback.query_pairs().filter(|(k, _)| k == "code" || k == "state").map(|(_, v)| v.into_owned()));
    let res = p.get(callback.as_str()).send().await.unwrap();
    let cookies = res.headers().get_all("set-cookie").iter().map(|c| c.to_str().unwrap().to_string());
    secrets.extend(
        cookies.filter_map(|c| c.strip_prefix("assent-portal=").map(|v| v[..v.find(';').unwrap()].to_string())),
    );
    let portal = p.get(format!("{}/portal", app.url)).send().await.unwrap().text().await.unwrap();
    let token = hidden(&portal, "csrf_token");
    let res = form_post(&p, format!("{}/api/portal/sign-out", app.url))
        .header("sec-fetch-site", "same-origin")
        .form(&[("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
    secrets.push(token);

    let logged = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
    // The lines were caught: one per request, by path.
    assert!(logged.contains("/consent") && logged.contains("/api/portal/sign-out"), "{logged}");
    assert!(secrets.len() >= 10 && secrets.iter().all(|s| s.len() >= 8), "{secrets:?}");
    for secret in &secrets {
        assert!(!logged.contains(secret.as_str()), "{secret} is in the log:\n{logged}");
    }
}
