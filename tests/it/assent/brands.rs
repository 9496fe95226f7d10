//! One Assent for every workspace of the tenant, each consent page in the brand of the
//! workspace asking (`ASSENT_CONFIG`; the sandbox brings its banks'): name, logo and accent
//! colour, with the bank's brand (`ASSENT_BRAND_*`) for every other page and workspace.

use crate::common::*;
use assent::server::config::{Rgb, Theme};
use reqwest::StatusCode;

/// Go Bank's consent page for `user`, reached as the quickstart's TPP reaches it (PAR, PKCE).
async fn gobank_consent(app: &TestApp, b: &reqwest::Client, user: &str) -> ConsentPage {
    let (_, challenge) = super::records::pkce();
    let secret = app.sandbox().store.meta("client_secret:gobank-tpp").unwrap().unwrap();
    let form = [
        ("response_type", "code".to_string()),
        ("redirect_uri", "https://tpp.example/callback".to_string()),
        ("scope", "openid accounts".to_string()),
        ("state", "st-brand".to_string()),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256".to_string()),
    ];
    let pushed: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/default/gobank/par", app.sandbox_url()))
        .basic_auth("gobank-tpp", Some(&secret))
        .form(&form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let request_uri: String =
        url::form_urlencoded::byte_serialize(pushed["request_uri"].as_str().unwrap().as_bytes()).collect();
    let authorize =
        format!("{}/default/gobank/oauth2/authorize?client_id=gobank-tpp&request_uri={request_uri}", app.sandbox_url());
    let res = sign_in(app, b, &authorize, user).await;
    open_consent(b, &location(&res)).await
}

/// The brand in a page's header: its name, and its logo's address.
fn header_brand(html: &str) -> (String, Option<String>) {
    let start = html.find("class=\"brand\"").expect("the header's brand");
    let header = &html[start..start + html[start..].find("</a>").unwrap()];
    let text = &header[header.find("<span>").unwrap() + 6..];
    // Up to the next tag (Leptos may mark a text node's end with a comment).
    let name = text[..text.find('<').unwrap()].to_string();
    let logo = header.find("src=\"").map(|i| header[i + 5..i + 5 + header[i + 5..].find('"').unwrap()].to_string());
    (name, logo)
}

async fn css(app: &TestApp, query: &str) -> String {
    let res = reqwest::get(format!("{}/theme.css{query}", app.url)).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.text().await.unwrap()
}

#[tokio::test]
async fn each_consent_page_wears_its_workspaces_brand_and_others_the_banks() {
    let app = spawn_app().await;
    let b = browser();

    // Go Bank's consent page: its name (also in the title), its logo, its colours.
    let gobank = gobank_consent(&app, &b, "user").await;
    assert_eq!(header_brand(&gobank.html), ("Go Bank".to_string(), Some("/brands/gobank.svg".to_string())));
    assert!(gobank.html.contains(" · Go Bank</title>"), "the title names the bank");
    assert!(gobank.html.contains("href=\"/theme.css?workspace=gobank\""), "its stylesheet");
    assert!(!gobank.html.contains("href=\"/theme.css\""));
    assert!(css(&app, "?workspace=gobank").await.contains("--brand: #0b6e4f"));
    assert!(css(&app, "?workspace=hyperscalebank").await.contains("--brand: #5b3cc4"), "both banks ship");
    assert!(css(&app, "?workspace=obuk").await.contains("--brand: #8a1c3b"), "the UK bank ships its own");

    // The demo workspace has no brand of its own: the bank's (here Assent's defaults).
    let demo = open_consent(&b, &start_flow(&app, &b, "user2", &["openid", "email"]).await).await;
    assert_eq!(header_brand(&demo.html), ("Assent".to_string(), None));
    assert!(demo.html.contains("href=\"/theme.css\""));
    // As does every page that is no workspace's, and a workspace nobody branded.
    let home = b.get(format!("{}/", app.url)).send().await.unwrap().text().await.unwrap();
    assert_eq!(header_brand(&home).0, "Assent");
    let default_css = css(&app, "").await;
    assert!(default_css.contains("No brand colour configured"));
    assert_eq!(css(&app, "?workspace=nobody").await, default_css);
    assert_eq!(css(&app, "?workspace=%3Cscript%3E").await, default_css);
}

#[tokio::test]
async fn a_workspace_brand_from_the_file_replaces_the_banks_and_keeps_contrast() {
    // A configured brand for `demo`, with an accent too pale to read on white.
    let app = spawn_app_with(".", |c| {
        c.theme = Theme { name: "Example Bank".into(), ..Theme::default() };
        c.workspace_themes.insert(
            "demo".into(),
            Theme {
                name: "Demo Credit Union".into(),
                logo: Some("https://cu.example/logo.svg".into()),
                color: Some(Rgb::parse("#ffe680").unwrap()),
                color_dark: None,
            },
        );
    })
    .await;
    let b = browser();
    let consent = start_flow(&app, &b, "user3", &["openid", "email"]).await;
    let csp = b.get(&consent).send().await.unwrap().headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("img-src 'self' data: https://cu.example;"), "the brand's logo host, and no other: {csp}");
    let page = open_consent(&b, &consent).await;
    assert_eq!(
        header_brand(&page.html),
        ("Demo Credit Union".to_string(), Some("https://cu.example/logo.svg".to_string()))
    );
    let theme = css(&app, "?workspace=demo").await;
    let light = theme.lines().next().unwrap();
    assert!(
        light.starts_with(":root { --brand: #") && !light.contains("#ffe680"),
        "darkened to reach 4.5:1 on the page: {theme}"
    );
    // Other pages keep the bank's brand.
    let home = b.get(format!("{}/", app.url)).send().await.unwrap().text().await.unwrap();
    assert_eq!(header_brand(&home).0, "Example Bank");
}
