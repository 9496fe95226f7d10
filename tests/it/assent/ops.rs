//! What users and operators get around the flows: languages, the language switcher, request
//! ids, readiness, metrics and the theme.

use crate::common::*;
use assent::sandbox::Stats;
use reqwest::{header, StatusCode};

fn lang_of(html: &str) -> &str {
    let at = html.find("<html lang=\"").unwrap() + 12;
    &html[at..at + html[at..].find('"').unwrap()]
}

#[tokio::test]
async fn the_language_follows_choice_then_ui_locales_then_accept_language() {
    let app = spawn_app().await;
    let b = browser();
    let consent = start_flow(&app, &b, "user", &["openid", "email"]).await;

    let es = b.get(&consent).header(header::ACCEPT_LANGUAGE, "fr;q=0.9, es-MX;q=0.8, en;q=0.1").send().await.unwrap();
    assert_eq!(es.headers()[header::CONTENT_LANGUAGE], "es");
    let html = es.text().await.unwrap();
    assert_eq!(lang_of(&html), "es");
    assert!(html.contains("quiere acceder a su cuenta") && html.contains(">Permitir<") && html.contains(">Rechazar<"));
    // Decisions are keyed by values that are never translated.
    assert!(html.contains("value=\"allow\"") && html.contains("value=\"deny\""));

    let none = b.get(&consent).header(header::ACCEPT_LANGUAGE, "de-DE").send().await.unwrap().text().await.unwrap();
    assert_eq!(lang_of(&none), "en");

    // The switcher: a same-origin POST sets the cookie and comes back to the page.
    let page = open_consent(&b, &consent).await;
    let next = hidden(&page.html, "next");
    assert!(next.starts_with("/consent?login_id="), "{next}");
    let res = b
        .post(format!("{}/lang", app.url))
        .header("sec-fetch-site", "same-origin")
        .form(&[("lang", "pt-BR"), ("next", next.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), next);
    let cookie = res.headers()[header::SET_COOKIE].to_str().unwrap().to_string();
    assert!(cookie.starts_with("assent-lang=pt-BR;") && cookie.contains("SameSite=Lax"), "{cookie}");
    let chosen = b
        .get(&consent)
        .header(header::ACCEPT_LANGUAGE, "es")
        .header(header::COOKIE, "assent-lang=pt-BR")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(lang_of(&chosen), "pt-BR");
    assert!(chosen.contains("quer acessar sua conta") && chosen.contains(">Recusar<"));

    // Another site cannot change it; and `next` never leaves this site.
    let cross = b
        .post(format!("{}/lang", app.url))
        .header("sec-fetch-site", "cross-site")
        .form(&[("lang", "es"), ("next", "/portal")])
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    assert!(cross.headers().get(header::SET_COOKIE).is_none());
    for evil in ["//evil.example/", "https://evil.example/", "/\\evil.example", "/a\r\nSet-Cookie: x=y"] {
        let res = b
            .post(format!("{}/lang", app.url))
            .header("origin", app.url.as_str())
            .form(&[("lang", "es"), ("next", evil)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{evil:?}");
        assert_eq!(location(&res), "/", "{evil:?}");
    }
}

#[tokio::test]
async fn ui_locales_of_the_authorization_request_picks_the_language() {
    let app = spawn_app().await;
    let b = browser();
    let res = b.post(format!("{}/demo/start", app.sandbox_url())).form(&[("scope", "openid")]).send().await.unwrap();
    let authorize = format!("{}&ui_locales=fr-CA%20pt-BR", absolute(app.sandbox_url(), &location(&res)));
    let res = sign_in(&app, &b, &authorize, "user").await;
    let consent = location(&res);
    let html = b.get(&consent).header(header::ACCEPT_LANGUAGE, "es").send().await.unwrap().text().await.unwrap();
    assert_eq!(lang_of(&html), "pt-BR", "ui_locales beats Accept-Language");
    // …but not the user's own choice.
    let html = b.get(&consent).header(header::COOKIE, "assent-lang=es").send().await.unwrap().text().await.unwrap();
    assert_eq!(lang_of(&html), "es");
}

#[tokio::test]
async fn error_pages_show_the_request_id_of_the_logs_and_header() {
    let app = spawn_app().await;
    let res = browser()
        .get(format!("{}/consent?login_id=unknown&login_state=x", app.url))
        .header(header::ACCEPT_LANGUAGE, "es")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let id = res.headers()["x-request-id"].to_str().unwrap().to_string();
    let html = res.text().await.unwrap();
    assert!(html.contains(&format!("<code class=\"request-id\">{id}")), "{html}");
    assert!(html.contains("Esta solicitud de inicio de sesión ha caducado"));
}

#[tokio::test]
async fn readiness_and_metrics_count_what_happened() {
    let app = spawn_app().await;
    let b = browser();
    let ready = b.get(format!("{}/readyz", app.url)).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    // Asked again at once (it is public): answered from the check just made.
    for _ in 0..3 {
        assert_eq!(b.get(format!("{}/readyz", app.url)).send().await.unwrap().status(), StatusCode::OK);
    }
    let consent = start_flow(&app, &b, "user", &["openid", "email"]).await;
    let page = open_consent(&b, &consent).await;
    let res = submit(&app, &b, &page, "allow", &["email"]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let consent = start_flow(&app, &b, "user2", &["openid"]).await;
    let page = open_consent(&b, &consent).await;
    submit(&app, &b, &page, "deny", &[]).await;
    b.get(format!("{}/consent", app.url)).send().await.unwrap();

    let res = b.get(format!("{}/metrics", app.url)).send().await.unwrap();
    assert!(res.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("application/openmetrics-text"));
    let m = res.text().await.unwrap();
    for line in [
        "assent_consent_views_total 2",
        "assent_consent_accepts_total 1",
        "assent_consent_rejects_total 1",
        "assent_system_token_refreshes_total 1",
        "assent_errors_total{kind=\"BadRequest\"} 1",
        "assent_upstream_request_duration_seconds_count{endpoint=\"ScopeGrantAccept\"} 1",
        "assent_upstream_request_duration_seconds_count{endpoint=\"ScopeGrantReject\"} 1",
        "assent_upstream_request_duration_seconds_count{endpoint=\"Discovery\"} 1",
    ] {
        assert!(m.lines().any(|l| l == line), "{line} in\n{m}");
    }
    // Four reads: two page views and the re-read before each decision.
    assert!(m.lines().any(|l| l == "assent_upstream_request_duration_seconds_count{endpoint=\"ScopeGrant\"} 4"), "{m}");
    assert!(!m.contains(&page.login_state), "no per-user values in metrics");
    assert!(!m.contains(&app.sandbox_handle.consent_client_secret), "nor the System client's secret");
}

/// With `ASSENT_METRICS_TOKEN`, `/metrics` answers only a scraper bearing it.
#[tokio::test]
async fn metrics_can_ask_for_a_token() {
    let token = "a metrics token of some length";
    let app = spawn_app_with(".", |c| c.metrics_token = Some(assent::server::config::Secret::new(token))).await;
    let metrics = |auth: Option<&str>| {
        let mut req = browser().get(format!("{}/metrics", app.url));
        if let Some(auth) = auth {
            req = req.header(header::AUTHORIZATION, auth);
        }
        async move { req.send().await.unwrap() }
    };
    for auth in [None, Some("Bearer wrong"), Some(token), Some("Basic YTpi")] {
        let res = metrics(auth).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{auth:?}");
        assert_eq!(res.headers()[header::WWW_AUTHENTICATE], "Bearer");
        assert!(!res.text().await.unwrap().contains("assent_"), "{auth:?}");
    }
    for auth in [format!("Bearer {token}"), format!("bearer {token}")] {
        let res = metrics(Some(&auth)).await;
        assert_eq!(res.status(), StatusCode::OK, "{auth}");
        assert!(res.text().await.unwrap().contains("assent_consent_views_total"));
    }
}

#[tokio::test]
async fn the_theme_is_a_stylesheet_on_our_origin() {
    let app = spawn_app().await;
    let res = browser().get(format!("{}/theme.css", app.url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/css"));
    let home = browser().get(&app.url).send().await.unwrap().text().await.unwrap();
    assert!(home.contains("href=\"/theme.css\""));
}

/// Users' tokens, the sandbox's signing key and client secrets live in the data directory:
/// it and its database files are private to Assent's user, whatever the umask.
#[cfg(unix)]
#[tokio::test]
async fn the_data_directory_and_its_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().unwrap();
    let data = parent.path().join("data");
    let config = crate::common::sandbox_config(&data);
    let leptos = leptos::config::LeptosOptions::builder().output_name("assent").build();
    let started = assent::routes::start(config, leptos, url::Url::parse("http://127.0.0.1:9").unwrap()).await.unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700, "the data directory");
    let mut files = 0;
    for entry in std::fs::read_dir(&data).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.contains(".sqlite3") || name.ends_with("-key.pem") {
            assert_eq!(mode(&path), 0o600, "{name}");
            files += 1;
        }
    }
    // Assent's and the sandbox's databases with their WAL files, and the CA's key.
    assert!(files >= 4, "{files} files checked");
    drop(started);
}

/// The binary stops at start, with exit code 2 and one line naming what to fix, where it would
/// otherwise run misconfigured: a `.env` line that does not read (named by its number, never
/// its text, which may hold a secret; dotenvy would drop it and every line after it), and a
/// listener on every interface with no `ASSENT_PUBLIC_URL` (every form would be refused), or
/// beyond this machine with no tenant (the sandbox's passwords are public).
#[tokio::test]
async fn misconfigurations_stop_the_binary_with_the_fix_named() {
    let run = |dir: &std::path::Path, vars: &[(&str, &str)]| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_assent"));
        command.env_clear().current_dir(dir).env("ASSENT_DATA_DIR", dir.join("data"));
        command.envs(vars.iter().copied());
        let out = command.output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stderr).to_string())
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "RUST_LOG=warn\nCLIENT_SECRET=Super\"Secret\nASSENT_SESSION_KEY=x\n")
        .unwrap();
    let (code, said) = run(dir.path(), &[("LEPTOS_SITE_ADDR", "127.0.0.1:0")]);
    assert_eq!(code, Some(2), "{said}");
    assert!(said.contains(".env line 2") && !said.contains("Secret"), "{said}");

    let dir = tempfile::tempdir().unwrap();
    let tenant = [("AUTHORIZATION_SERVER_URL", "https://t.example/t/w"), ("CLIENT_ID", "c"), ("CLIENT_SECRET", "s")];
    let (code, said) = run(dir.path(), &[tenant.as_slice(), &[("LEPTOS_SITE_ADDR", "0.0.0.0:0")]].concat());
    assert_eq!(code, Some(2), "{said}");
    assert!(said.contains("set ASSENT_PUBLIC_URL"), "{said}");
    // Without a tenant (the sandbox, whose passwords are public), only this machine's.
    let (code, said) =
        run(dir.path(), &[("LEPTOS_SITE_ADDR", "0.0.0.0:0"), ("ASSENT_PUBLIC_URL", "http://localhost:3000")]);
    assert_eq!(code, Some(2), "{said}");
    assert!(said.contains("the embedded sandbox serves this machine only"), "{said}");

    // A tenant whose token endpoint refuses the System client: a wrong secret, a scope it does
    // not hold. Told at start in the endpoint's words, not at the first consent page.
    let app = spawn_app().await;
    let issuer = format!("{}/default/demo", app.sandbox_url());
    let client_id = app.sandbox_handle.consent_client_id.clone();
    let secret = app.sandbox_handle.consent_client_secret.clone();
    let tenant = |secret: &str, scopes: &str| {
        let vars =
            [("AUTHORIZATION_SERVER_URL", issuer.as_str()), ("CLIENT_ID", &client_id), ("CLIENT_SECRET", secret)];
        let mut vars: Vec<(&str, String)> = vars.iter().map(|(k, v)| (*k, v.to_string())).collect();
        vars.extend([("SYSTEM_SCOPES", scopes.to_string()), ("LEPTOS_SITE_ADDR", "127.0.0.1:0".to_string())]);
        vars.push(("ASSENT_SESSION_KEY", "k".repeat(32)));
        vars
    };
    for (secret, scopes, says) in [
        ("wrong", "manage_scope_grants", "invalid_client"),
        (secret.as_str(), "manage_scope_grants manage_logins", "invalid_scope"),
    ] {
        // Off the runtime's thread: the sandbox answering the binary runs on it.
        let (vars, dir) = (tenant(secret, scopes), dir.path().to_path_buf());
        let (code, said) = tokio::task::spawn_blocking(move || {
            let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
            run(&dir, &vars)
        })
        .await
        .unwrap();
        assert_eq!(code, Some(1), "{said}");
        assert!(said.contains("the System client gets no token") && said.contains(says), "{said}");
        assert!(!said.contains(&app.sandbox_handle.consent_client_secret), "{said}");
    }
}

/// An Open Banking consent (FDX, UK, CDR) sent to an Assent that serves no bank: said to be
/// not offered here (400), the operator told what to set, instead of the authorization
/// server's refusal (the System token may not read such consents), which read as its fault
/// (a 502). The generic consent is read as ever.
#[tokio::test]
async fn an_open_banking_consent_without_a_bank_is_not_offered() {
    let app = spawn_app().await;
    let data = tempfile::tempdir().unwrap();
    let issuer = format!("{}/default/demo", app.sandbox_url());
    let secret = app.sandbox_handle.consent_client_secret.clone();
    let bankless = spawn_assent(&issuer, &secret, &"k".repeat(32), data.path(), None).await;
    let b = browser();
    for kind in ["fdx", "account_access", "cdr_arrangement", "domestic_payment"] {
        let url = format!("{bankless}/consent?login_id=abc&login_state=def&consent_type={kind}");
        let res = b.get(url).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{kind}");
        assert!(res.text().await.unwrap().contains("This kind of consent is not offered here"), "{kind}");
    }
    let reads = Stats::get(&app.sandbox().stats.scope_grant_reads);
    let res = b.get(format!("{bankless}/consent?login_id=abc&login_state=def")).send().await.unwrap();
    assert_ne!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(Stats::get(&app.sandbox().stats.scope_grant_reads), reads + 1, "a scope grant is read");

    // One whose System token may read Open Banking consents (for a UK bank, say) but that has
    // no FDX bank (no BANK_URL): an FDX flow is not offered either, rather than "expired".
    let data = tempfile::tempdir().unwrap();
    let fdxless = spawn_assent_with(&issuer, &secret, &"k".repeat(32), data.path(), None, |c| {
        if let Some(tenant) = c.tenant.as_mut() {
            tenant.system_scopes = Some("manage_scope_grants manage_openbanking_consents".into());
        }
    })
    .await;
    let res = b.get(format!("{fdxless}/consent?login_id=abc&login_state=def&consent_type=fdx")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("This kind of consent is not offered here"));
}
