//! Applications' logos come from Assent's origin (attack list C-13, C-16): a page names no
//! client's host, `/logo` serves only the links Assent made, fetches only images, and waits
//! on one fetch per logo.

use crate::common::*;
use axum::{http::header, response::IntoResponse, routing::get, Router};
use reqwest::StatusCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// The `src` of the application's logo on a page, unescaped.
fn logo_src(html: &str) -> String {
    let header = html.split("<header class=\"client\">").nth(1).unwrap_or_else(|| panic!("no header: {html}"));
    let src = header.split("<img src=\"").nth(1).unwrap_or_else(|| panic!("no logo: {header}"));
    src.split('"').next().unwrap().replace("&amp;", "&")
}

#[tokio::test]
async fn a_consent_page_shows_the_logo_from_assents_origin() {
    let app = spawn_app().await;
    let b = browser();
    let consent = start_flow(&app, &b, "user", &["openid"]).await;
    let res = b.get(&consent).send().await.unwrap();
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("img-src 'self' data:;"), "no other image host: {csp}");
    let html = res.text().await.unwrap();
    let src = logo_src(&html);
    let logo = format!("{}/static/demo-logo.svg", app.sandbox_url());
    assert!(src.starts_with("/logo?u="), "{src}");
    assert!(!html.contains(&format!("src=\"{logo}")), "the client's host is not on the page");

    let res = b.get(format!("{}{src}", app.url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    assert_eq!(h[header::CONTENT_TYPE], "image/svg+xml");
    assert!(h[header::CONTENT_SECURITY_POLICY].to_str().unwrap().contains("sandbox"), "an SVG runs nothing");
    assert_eq!(h[header::CACHE_CONTROL], "public, max-age=86400");
    let served = res.bytes().await.unwrap();
    let original = reqwest::get(&logo).await.unwrap().bytes().await.unwrap();
    assert_eq!(served, original);

    // Only the links Assent made: another address with this MAC, or another MAC, is not served.
    let m = src.rsplit("&m=").next().unwrap();
    let other = format!("/logo?u={}&m={m}", urlencode(&format!("{}/demo", app.sandbox_url())));
    for link in [other, src.replace("&m=", "&m=A"), format!("/logo?u={}", urlencode(&logo)), "/logo".into()] {
        let res = b.get(format!("{}{link}", app.url)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{link}");
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A client's host that counts its visitors and answers with `body` as `content_type`.
async fn logo_host(routes: Vec<(&'static str, &'static str, Vec<u8>)>) -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let mut router = Router::new();
    for (path, content_type, body) in routes {
        let hits = hits.clone();
        router = router.route(
            path,
            get(move || async move {
                hits.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                ([(header::CONTENT_TYPE, content_type)], body).into_response()
            }),
        );
    }
    router =
        router.route("/elsewhere", get(|| async { axum::response::Redirect::temporary("https://10.0.0.1/logo.png") }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, hits)
}

#[tokio::test]
async fn only_images_are_fetched_from_public_addresses_once() {
    let app = spawn_app().await;
    let png = b"\x89PNG\r\n\x1a\n a picture".to_vec();
    let (host, hits) = logo_host(vec![
        ("/logo.png", "text/html", png.clone()),
        ("/page", "image/png", b"<html>a page</html>".to_vec()),
        ("/large.png", "image/png", [png.clone(), vec![0; 300 * 1024]].concat()),
    ])
    .await;
    let b = browser();
    let get = |url: String| {
        let link = app.state.logos.link(&url);
        let b = b.clone();
        let base = app.url.clone();
        async move { b.get(format!("{base}{link}")).send().await.unwrap() }
    };

    // Twenty at once for one logo: one fetch, each served the image by its bytes' type.
    let answers = futures::future::join_all((0..20).map(|_| get(format!("{host}/logo.png")))).await;
    for res in answers {
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[header::CONTENT_TYPE], "image/png", "Assent's type, not the host's");
        assert_eq!(res.bytes().await.unwrap(), png);
    }
    assert_eq!(hits.load(Ordering::SeqCst), 1, "one fetch");
    assert_eq!(get(format!("{host}/logo.png")).await.status(), StatusCode::OK);
    assert_eq!(hits.load(Ordering::SeqCst), 1, "then the cache");

    // Not an image, too large, a redirect or a name to a private address, another scheme:
    // nothing is served.
    for url in [
        format!("{host}/page"),
        format!("{host}/large.png"),
        format!("{host}/elsewhere"),
        format!("{host}/missing.png"),
        "https://10.0.0.1/logo.png".into(),
        "https://169.254.169.254/latest/meta-data/".into(),
        "https://[fd00::1]/logo.png".into(),
        "ftp://127.0.0.1/logo.png".into(),
    ] {
        let res = get(url.clone()).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{url}");
        assert!(res.bytes().await.unwrap().is_empty(), "{url}");
    }
}

/// The fetcher as built for a real tenant, its guards wired in: neither a name that resolves to
/// this machine nor this machine's address is ever connected to (the guards' pieces have unit
/// tests in `server/logos.rs`). The same fetcher for a local authorization server connects.
#[tokio::test]
async fn with_a_real_tenant_this_machine_is_never_connected_to() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    let urls = [
        format!("https://localhost:{port}/logo.png"),
        format!("https://127.0.0.1:{port}/logo.png"),
        format!("http://localhost:{port}/logo.png"),
    ];
    let real = assent::server::logos::Logos::new(&[7u8; 32], false).unwrap();
    for url in &urls {
        assert!(matches!(real.get(url).await, Ok(None)), "{url}");
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 0, "never connected");
    let local = assent::server::logos::Logos::new(&[7u8; 32], true).unwrap();
    assert!(matches!(local.get(&urls[0]).await, Ok(None)), "no TLS there");
    assert!(accepted.load(Ordering::SeqCst) >= 1, "connected by name");
}

/// More logos than are fetched at once, from a host that never answers: those fetched fail
/// (404, kept for a while), and one still waiting its turn at the deadline is a 503 that no
/// cache keeps, not a 404 that would hide a logo for minutes.
#[tokio::test]
async fn a_logo_not_had_in_time_is_answered_as_late_and_kept_nowhere() {
    let app = spawn_app().await;
    let router = Router::new().route(
        "/slow/{n}",
        get(|| async {
            tokio::time::sleep(std::time::Duration::from_secs(30)).await;
            "never"
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let host = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let b = browser();
    let asks = (0..=assent::server::logos::FETCHES).map(|n| {
        let link = app.state.logos.link(&format!("{host}/slow/{n}.png"));
        b.get(format!("{}{link}", app.url)).send()
    });
    let answers: Vec<_> = futures::future::join_all(asks).await.into_iter().map(Result::unwrap).collect();
    let late: Vec<_> = answers.iter().filter(|r| r.status() == StatusCode::SERVICE_UNAVAILABLE).collect();
    assert!(!late.is_empty(), "one waited its turn past the deadline");
    for res in &answers {
        let kept = res.headers()[header::CACHE_CONTROL].to_str().unwrap();
        match res.status() {
            StatusCode::SERVICE_UNAVAILABLE => assert_eq!(kept, "no-store"),
            StatusCode::NOT_FOUND => assert_eq!(kept, "public, max-age=300"),
            other => panic!("{other}"),
        }
    }
}
