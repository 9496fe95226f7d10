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
    let issuer = format!("{}/default/demo", app.sandbox_url());
    let secret = app.sandbox_handle.consent_client_secret.clone();
    // The same authorization server's requests, read by an Assent whose browsers come from afar.
    let public = spawn_assent(&issuer, &secret, &"k".repeat(32), data.path(), Some("https://consent.example")).await;
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
}
