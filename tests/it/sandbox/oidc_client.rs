//! A standard, independently written OpenID Connect client (the `openidconnect` crate)
//! registers itself, discovers, pushes its authorization request, gets through sign-in and
//! Assent's consent page, then exchanges, verifies, calls userinfo, introspects, refreshes
//! and revokes, with no special-casing; and loses everything when the user revokes it in
//! Assent's portal.

use crate::common::*;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreClientRegistrationRequest, CoreGrantType, CoreProviderMetadata,
    CoreUserInfoClaims,
};
use openidconnect::registration::EmptyAdditionalClientMetadata;
use openidconnect::{
    AuthorizationCode, ClientName, CsrfToken, IntrospectionUrl, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, RedirectUrl, Scope, TokenIntrospectionResponse, TokenResponse,
};
use reqwest::StatusCode;

#[tokio::test]
async fn a_standard_oidc_client_completes_every_step() {
    let app = spawn_app().await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let issuer = IssuerUrl::new(format!("{}/default/demo", app.sandbox_url())).unwrap();
    let metadata = CoreProviderMetadata::discover_async(issuer.clone(), &http).await.unwrap();
    let extra: serde_json::Value = http
        .get(format!("{}/.well-known/openid-configuration", issuer.as_str()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    // Dynamic client registration (RFC 7591).
    let redirect = RedirectUrl::new("http://127.0.0.1:9/callback".into()).unwrap();
    let registration = CoreClientRegistrationRequest::new(vec![redirect.clone()], EmptyAdditionalClientMetadata {})
        .set_client_name(Some(ClientName::new("Independent RP".into()).into()))
        .set_grant_types(Some(vec![CoreGrantType::AuthorizationCode, CoreGrantType::RefreshToken]))
        .register_async(metadata.registration_endpoint().unwrap(), &http)
        .await
        .unwrap();
    let client_id = registration.client_id().clone();
    let secret = registration.client_secret().cloned();
    let client = CoreClient::from_provider_metadata(metadata, client_id.clone(), secret.clone())
        .set_redirect_uri(redirect)
        .set_introspection_url(
            IntrospectionUrl::new(extra["introspection_endpoint"].as_str().unwrap().into()).unwrap(),
        );

    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (auth_url, csrf, nonce) = client
        .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("offline_access".into()))
        .set_pkce_challenge(challenge)
        .url();

    // Pushed authorization request (RFC 9126): the same parameters, sent server to server.
    let params: Vec<(String, String)> = auth_url.query_pairs().into_owned().collect();
    let par: serde_json::Value = {
        let res = http
            .post(extra["pushed_authorization_request_endpoint"].as_str().unwrap())
            .basic_auth(client_id.as_str(), Some(secret.as_ref().unwrap().secret()))
            .form(&params)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        res.json().await.unwrap()
    };
    let request_uri = par["request_uri"].as_str().unwrap();

    // The user's browser: authorize with the request_uri, sign in, consent in Assent.
    let b = browser();
    let mut authorize = url::Url::parse(auth_url.as_str()).unwrap();
    authorize
        .query_pairs_mut()
        .clear()
        .append_pair("client_id", client_id.as_str())
        .append_pair("request_uri", request_uri);
    let res = sign_in(&app, &b, authorize.as_str(), "user3").await;
    let page = open_consent(&b, &location(&res)).await;
    assert!(page.html.contains("Independent RP"));
    let res = submit(&app, &b, &page, "allow", &["email", "offline_access"]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = b.get(location(&res)).send().await.unwrap();
    let callback = url::Url::parse(&location(&res)).unwrap();
    assert!(callback.as_str().starts_with("http://127.0.0.1:9/callback"));
    let q: std::collections::HashMap<_, _> = callback.query_pairs().into_owned().collect();
    assert_eq!(q["state"], *csrf.secret());
    assert_eq!(q["iss"], issuer.as_str());

    // Code exchange with PKCE; ID token verified against the JWKS.
    let token = client
        .exchange_code(AuthorizationCode::new(q["code"].clone()))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .unwrap();
    let id_token = token.id_token().expect("an ID token");
    let claims = id_token.claims(&client.id_token_verifier(), &nonce).unwrap();
    assert_eq!(claims.subject().as_str(), "user3");
    assert_eq!(claims.email().unwrap().as_str(), "user3@example.com");

    let userinfo: CoreUserInfoClaims =
        client.user_info(token.access_token().clone(), None).unwrap().request_async(&http).await.unwrap();
    assert_eq!(userinfo.subject().as_str(), "user3");

    let introspection = client.introspect(token.access_token()).request_async(&http).await.unwrap();
    assert!(introspection.active());
    assert_eq!(introspection.sub(), Some("user3"));

    // Refresh (rotating: see the replay below), then revoke the new refresh token: everything
    // from this sign-in ends.
    let refresh = token.refresh_token().expect("a refresh token for offline_access");
    let refreshed = client.exchange_refresh_token(refresh).unwrap().request_async(&http).await.unwrap();
    assert!(client.introspect(refreshed.access_token()).request_async(&http).await.unwrap().active());
    let new_refresh = refreshed.refresh_token().unwrap();
    // RFC 7009. The oauth2 crate refuses non-https revocation endpoints, and the sandbox
    // listens on plain http, so this one request is made by hand.
    let res = http
        .post(extra["revocation_endpoint"].as_str().unwrap())
        .basic_auth(client_id.as_str(), Some(secret.as_ref().unwrap().secret()))
        .form(&[("token", new_refresh.secret().as_str()), ("token_type_hint", "refresh_token")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let after = client.introspect(refreshed.access_token()).request_async(&http).await.unwrap();
    assert!(!after.active(), "revoking the refresh token ends the access token too");
    assert!(!client.introspect(token.access_token()).request_async(&http).await.unwrap().active());

    // Another sign-in of user3 with `offline_access`, allowed on Assent's screen: its tokens.
    let sign_in_again = || async {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (auth_url, _, _) = client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .add_scope(Scope::new("offline_access".into()))
            .set_pkce_challenge(challenge)
            .url();
        let res = sign_in(&app, &b, auth_url.as_str(), "user3").await;
        let page = open_consent(&b, &location(&res)).await;
        let res = b.get(location(&submit(&app, &b, &page, "allow", &["offline_access"]).await)).send().await.unwrap();
        let callback = url::Url::parse(&location(&res)).unwrap();
        let code = callback.query_pairs().find(|(k, _)| k == "code").unwrap().1.to_string();
        let exchange = client.exchange_code(AuthorizationCode::new(code)).unwrap().set_pkce_verifier(verifier);
        exchange.request_async(&http).await.unwrap()
    };

    // A second sign-in: a rotated refresh token used again (stolen, or replayed) fails and ends
    // the whole authorization, the tokens of the legitimate rotation included (RFC 9700 §4.14.2).
    let token = sign_in_again().await;
    let stolen = token.refresh_token().unwrap();
    let rotated = client.exchange_refresh_token(stolen).unwrap().request_async(&http).await.unwrap();
    assert!(client.introspect(rotated.access_token()).request_async(&http).await.unwrap().active());
    assert!(client.exchange_refresh_token(stolen).unwrap().request_async(&http).await.is_err(), "replay refused");
    assert!(
        !client.introspect(rotated.access_token()).request_async(&http).await.unwrap().active(),
        "the replay ended the whole authorization"
    );
    let next = rotated.refresh_token().unwrap();
    assert!(client.exchange_refresh_token(next).unwrap().request_async(&http).await.is_err());

    // P-05: a third sign-in, then the user revokes the application in Assent's portal: its
    // access token and its refresh token both stop (the refresh fails, no new access).
    let token = sign_in_again().await;
    assert!(client.introspect(token.access_token()).request_async(&http).await.unwrap().active());
    let user = browser();
    let portal = portal_sign_in(&app, &user, "user3").await;
    assert!(portal.contains("Independent RP"), "{portal}");
    let res = form_post(&user, format!("{}/api/portal/revoke", app.url))
        .header("sec-fetch-site", "same-origin")
        .form(&[("client_id", client_id.as_str()), ("csrf_token", hidden(&portal, "csrf_token").as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(!client.introspect(token.access_token()).request_async(&http).await.unwrap().active());
    let refresh = token.refresh_token().expect("a refresh token");
    let renewed = client.exchange_refresh_token(refresh).unwrap().request_async(&http).await;
    assert!(renewed.is_err(), "the refresh token died with the revocation");
}
