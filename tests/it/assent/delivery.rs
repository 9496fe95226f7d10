//! What the browser downloads: the site's files precompressed and chosen by `Accept-Encoding`,
//! hashed names cached for good, the consent page's HTML compressed, and each page preloading
//! only its own island's modules.

use crate::common::*;
use reqwest::{header, StatusCode};
use std::io::Read;

const WASM: &str = "assent.kQ1pbiq4oQ8vBcDCVGQ5Hg.wasm";

/// A built site as `make release` leaves it: hashed files, each also as `.br` and `.gz`, and a
/// split manifest (unhashed names: the test binary has no hash file).
fn site() -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join(WASM), b"\0asm wasm bytes").unwrap();
    std::fs::write(pkg.join(format!("{WASM}.br")), b"brotli bytes").unwrap();
    std::fs::write(pkg.join(format!("{WASM}.gz")), b"gzip bytes").unwrap();
    std::fs::write(pkg.join("assent.css"), b"body{}").unwrap();
    std::fs::write(site.path().join("favicon.svg"), b"<svg/>").unwrap();
    std::fs::write(
        pkg.join("__wasm_split_manifest.json"),
        r#"{"consent_form_loader_1":["chunk_1.AAAAAAAAAAAAAAAAAAAAAA","split_consent_form_loader_1.BBBBBBBBBBBBBBBBBBBBBB"],
            "portal_list_loader_2":["chunk_1.AAAAAAAAAAAAAAAAAAAAAA","split_portal_list_loader_2.CCCCCCCCCCCCCCCCCCCCCC"]}"#,
    )
    .unwrap();
    site
}

async fn get(url: &str, accept_encoding: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(url);
    if let Some(encodings) = accept_encoding {
        request = request.header(header::ACCEPT_ENCODING, encodings);
    }
    request.send().await.unwrap()
}

/// Every value of header `name`, joined as one list.
fn header_of(res: &reqwest::Response, name: header::HeaderName) -> String {
    res.headers().get_all(name).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(", ")
}

#[tokio::test]
async fn files_are_sent_precompressed_as_accepted_and_hashed_ones_cached_for_good() {
    let site = site();
    let app = spawn_app_on_site(site.path().to_str().unwrap()).await;
    let url = format!("{}/pkg/{WASM}", app.url);
    for (accepted, encoding, body) in [
        (Some("gzip, deflate, br, zstd"), "br", &b"brotli bytes"[..]),
        (Some("gzip"), "gzip", &b"gzip bytes"[..]),
        (None, "", &b"\0asm wasm bytes"[..]),
    ] {
        let res = get(&url, accepted).await;
        assert_eq!(res.status(), StatusCode::OK, "{accepted:?}");
        assert_eq!(header_of(&res, header::CONTENT_ENCODING), encoding, "{accepted:?}");
        assert_eq!(header_of(&res, header::CONTENT_TYPE), "application/wasm");
        assert_eq!(header_of(&res, header::CACHE_CONTROL), "public, max-age=31536000, immutable");
        assert!(header_of(&res, header::VARY).contains("accept-encoding"), "{:?}", res.headers());
        assert_eq!(&res.bytes().await.unwrap()[..], body, "{accepted:?}");
    }
    // A name without a hash may change in place: the browser asks again each time.
    let res = get(&format!("{}/favicon.svg", app.url), Some("br")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header_of(&res, header::CACHE_CONTROL), "public, max-age=0, must-revalidate");
    // A file that is not there is the site's 404 page, never cached.
    let res = get(&format!("{}/pkg/assent.ZZZZZZZZZZZZZZZZZZZZZZ.wasm", app.url), None).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(header_of(&res, header::CACHE_CONTROL), "no-store");
    // A folder is not a page: not found, never redirected (`//pkg` to `//pkg/`, another host).
    let unfollowed = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    for folder in ["/pkg", "//pkg", "/pkg/"] {
        let res = unfollowed.get(format!("{}{folder}", app.url)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{folder}");
        assert!(res.headers().get(header::LOCATION).is_none(), "{folder}");
    }
}

#[tokio::test]
async fn the_consent_page_is_compressed_and_preloads_only_its_own_island() {
    let site = site();
    let app = spawn_app_on_site(site.path().to_str().unwrap()).await;
    let b = browser();
    let consent = start_flow(&app, &b, "user", &["openid", "email"]).await;
    let res = b.get(&consent).header(header::ACCEPT_ENCODING, "gzip").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header_of(&res, header::CONTENT_ENCODING), "gzip");
    assert!(header_of(&res, header::VARY).contains("accept-encoding"), "{:?}", res.headers());
    let compressed = res.bytes().await.unwrap();
    let mut html = String::new();
    flate2::read::GzDecoder::new(&compressed[..]).read_to_string(&mut html).unwrap();
    assert!(compressed.len() * 2 < html.len(), "{} compressed to {}", html.len(), compressed.len());
    assert!(html.contains("name=\"login_state\""), "{html}");
    // Its island's modules, asked for with the page; never the portal's.
    assert!(html.contains("href=\"/pkg/split_consent_form_loader_1.BBBBBBBBBBBBBBBBBBBBBB.wasm\""), "{html}");
    assert!(html.contains("href=\"/pkg/chunk_1.AAAAAAAAAAAAAAAAAAAAAA.wasm\""), "{html}");
    assert!(!html.contains("portal_list"), "{html}");
    assert!(html.contains("href=\"/pkg/assent.css\""), "{html}");
}

#[tokio::test]
async fn the_portal_page_is_compressed_only_when_its_address_has_no_query() {
    let app = spawn_app().await;
    let b = browser();
    portal_sign_in(&app, &b, "user").await;
    let res = b.get(format!("{}/portal", app.url)).header(header::ACCEPT_ENCODING, "gzip").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header_of(&res, header::CONTENT_ENCODING), "gzip");
    let mut html = String::new();
    flate2::read::GzDecoder::new(&res.bytes().await.unwrap()[..]).read_to_string(&mut html).unwrap();
    assert!(html.contains("name=\"csrf_token\"") && html.contains("Sign out"), "{html}");
    // With a query, the page shows its filter beside the session-bound token: compressing both
    // in one body would let an observer of sizes guess the token (BREACH).
    for query in ["q=abc", "q=", "x=1"] {
        let res = b
            .get(format!("{}/portal?{query}", app.url))
            .header(header::ACCEPT_ENCODING, "gzip, br")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(header_of(&res, header::CONTENT_ENCODING), "", "{query}");
        assert!(res.text().await.unwrap().contains("name=\"csrf_token\""), "{query}");
    }
}

#[tokio::test]
async fn the_consent_form_travels_as_html_not_as_island_props() {
    let app = spawn_app().await;
    let b = browser();
    let consent = start_flow(&app, &b, "user", &["openid", "email", "calendar.read"]).await;
    let html = b.get(&consent).send().await.unwrap().text().await.unwrap();
    // The permissions are in the page, once, as the form's inputs...
    assert!(html.contains("name=\"scope[]\""), "{html}");
    assert_eq!(html.matches("value=\"calendar.read\"").count(), 1, "{html}");
    // ...and the island's props carry only its own words: no scope, no flow, no form token.
    let props_at = html.find("data-props=\"").expect("the consent form's island has props") + 12;
    let props = &html[props_at..props_at + html[props_at..].find('"').unwrap()];
    // Its words travel as one array, in the order `ConsentTexts` declares them: no field names.
    assert!(props.contains("&quot;texts&quot;:[&quot;You are sharing {n} of {total} permissions.&quot;,"), "{props}");
    assert!(!props.contains("summary"), "{props}");
    for absent in ["calendar", "login_state", "csrf", "email"] {
        assert!(!props.contains(absent), "{absent} in the island's props: {props}");
    }
}
