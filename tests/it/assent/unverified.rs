//! An application whose answer goes to the user's own device (a loopback address, or an app's
//! own URI scheme) has no website's address behind its name: anyone can register one called
//! "Your Bank". The consent screen says so (C-31), except where Assent itself is on this
//! machine (a developer's, the sandbox's), where every application is.

use crate::common::*;

const WARNING: &str = "Check that you started this";

/// Signs `user` in for `client_id` returning to `redirect`: the consent page's query.
async fn consent_query(app: &TestApp, b: &reqwest::Client, client_id: &str, redirect: &str) -> String {
    let redirect: String = url::form_urlencoded::byte_serialize(redirect.as_bytes()).collect();
    let authorize = format!(
        "{}/default/demo/oauth2/authorize?response_type=code&client_id={client_id}&redirect_uri={redirect}\
         &scope=openid%20email&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256",
        app.sandbox_url()
    );
    let consent = location(&sign_in(app, b, &authorize, "user").await);
    consent.split_once('?').unwrap().1.to_string()
}

#[tokio::test]
async fn an_application_answered_on_the_users_device_is_flagged_unless_assent_is_local_too() {
    let app = spawn_app().await;
    let data = tempfile::tempdir().unwrap();
    // The same authorization server's requests, read by an Assent whose browsers come from afar.
    let public = spawn_behind_https(&app, data.path()).await;
    let (loopback, native, web) =
        ("http://127.0.0.1:9/callback", "com.example.helper:/callback", "https://tpp.example/cb");
    let client_id = register_public_client(&app, "Your Bank", &[loopback, native, web]).await;
    let cases = [
        (loopback, Some("This application gets your answer on this device (127.0.0.1:9), not at a website")),
        (native, Some("in an app on this device, one that names itself com.example.helper, not at a website")),
        (web, None),
    ];
    for (redirect, said) in cases {
        let b = browser();
        let query = consent_query(&app, &b, &client_id, redirect).await;
        let far = open_consent(&b, &format!("{public}/consent?{query}")).await.html;
        assert!(far.contains("Your Bank"), "{redirect}: the consent screen itself");
        match said {
            Some(said) => {
                assert!(far.contains(WARNING) && far.contains(said), "{redirect}: {far}");
                assert!(far.contains("role=\"note\""), "{redirect}: the warning is announced as a note");
            }
            None => assert!(!far.contains(WARNING), "{redirect}: a website over https is no warning"),
        }
        let near = open_consent(&b, &format!("{}/consent?{query}", app.url)).await.html;
        let flagged = near.contains(WARNING);
        assert_eq!(flagged, redirect == native, "{redirect}: with Assent on this machine, only an app's scheme is");
    }
    // The demo application's website and policies are on this machine (the sandbox's): linked
    // where Assent is on it too, not where browsers come from afar.
    let b = browser();
    let consent = start_flow(&app, &b, "user", &["openid", "email"]).await;
    let query = consent.split_once('?').unwrap().1;
    let far = open_consent(&b, &format!("{public}/consent?{query}")).await.html;
    assert!(far.contains("Sandbox Demo App") && !far.contains("/demo/privacy"), "{far}");
    let near = open_consent(&b, &format!("{}/consent?{query}", app.url)).await.html;
    assert!(near.contains("/demo/privacy") && near.contains("/demo/terms"), "{near}");
}

/// The record of a consent given after the warning keeps it: staff read it on the record, and
/// the customer's receipt says it in their words. A consent without one keeps none.
#[tokio::test]
async fn the_record_keeps_the_warning_the_screen_showed() {
    let app = spawn_app().await;
    let (native, web) = ("com.example.helper:/callback", "https://tpp.example/cb");
    let client_id = register_public_client(&app, "Your Bank", &[native, web]).await;
    for redirect in [native, web] {
        let b = browser();
        let query = consent_query(&app, &b, &client_id, redirect).await;
        let page = open_consent(&b, &format!("{}/consent?{query}", app.url)).await;
        assert_eq!(page.html.contains(WARNING), redirect == native, "{redirect}");
        let res = submit(&app, &b, &page, "allow", &["openid", "email"]).await;
        assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER, "{redirect}: accepted");
    }

    let s = browser();
    crate::assent::console::console_sign_in(&app, &s, "admin").await;
    let found = s.get(format!("{}/admin?q={client_id}", app.url)).send().await.unwrap().text().await.unwrap();
    assert!(found.contains("2 consent records found"), "{found}");
    let records: Vec<String> =
        found.split("/admin/record?id=").skip(1).map(|rest| rest[..rest.find('"').unwrap()].to_string()).collect();
    let mut warned = Vec::new();
    for id in &records {
        let url = format!("{}/admin/record?id={id}", app.url);
        let record = s.get(url).send().await.unwrap().text().await.unwrap();
        assert!(record.contains("Your Bank"), "{record}");
        if record.contains("Warning shown") {
            let said = "in an app on the customer&#x27;s device that names itself com.example.helper";
            assert!(record.contains(said) || record.contains(&said.replace("&#x27;", "'")), "{record}");
            warned.push(id.clone());
        }
    }
    assert_eq!(warned.len(), 1, "the consent given after the warning, and only it: {records:?}");

    let c = browser();
    portal_sign_in(&app, &c, "user").await;
    for id in &records {
        let url = format!("{}/portal/receipt?id={id}", app.url);
        let receipt: serde_json::Value = c.get(url).send().await.unwrap().json().await.unwrap();
        let kept = &receipt["assent"]["warned"];
        if id == &warned[0] {
            assert_eq!((kept["kind"].as_str(), kept["where"].as_str()), (Some("app"), Some("com.example.helper")));
            assert!(kept["text"].as_str().unwrap().contains("names itself"), "{kept}");
        } else {
            assert!(kept.is_null(), "no warning was shown: {receipt}");
        }
    }
}
