//! The sandbox's demo application, like the platform's Demo Application: choose scopes, run
//! an authorization-code flow with PKCE against workspace `demo`, and see what came back.

use crate::error::with_causes;
use crate::sandbox::config::TENANT;
use crate::sandbox::pages::layout;
use crate::sandbox::state::Sandbox;
use crate::sandbox::util::{esc, now, random_token};
use crate::wire::{OAuthError, TokenResponse};
use axum::{
    body::Bytes,
    extract::{Query, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{Html, IntoResponse, Redirect, Response},
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;

type Sb = State<Arc<Sandbox>>;
const WORKSPACE: &str = "demo";
const CLIENT_ID: &str = "demo-app";
const COOKIE: &str = "sandbox_demo_state";

pub async fn index(State(sb): Sb) -> Response {
    let Some((_, _, client)) = sb.client(CLIENT_ID) else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "demo client missing").into_response();
    };
    let boxes: String = client
        .scopes
        .iter()
        .map(|s| {
            let label = sb.scope(WORKSPACE, s).map(|(_, sc)| sc.display_name.clone()).unwrap_or_else(|| s.clone());
            let checked = if ["openid", "email", "profile", "calendar.read"].contains(&s.as_str()) { " checked" } else { "" };
            format!(
                "<div><input type=\"checkbox\" name=\"scope\" id=\"s-{0}\" value=\"{0}\"{checked}> <label for=\"s-{0}\" style=\"display:inline\">{1} <code>{0}</code></label></div>",
                esc(s),
                esc(&label)
            )
        })
        .collect();
    Html(layout(
        "Demo application",
        &format!(
            "<h1>Sandbox Demo App</h1><p>Pick the scopes to ask for, then sign in. You will see Assent's consent screen.</p>\
<form method=\"post\" action=\"/demo/start\"><fieldset><legend>Scopes</legend>{boxes}</fieldset>\
<button type=\"submit\" id=\"start\">Sign in with the sandbox</button></form>\
<h2>More demo applications</h2><ul><li><a href=\"/aggregator\" id=\"aggregator-link\">Assent Aggregator</a>: your Go Bank and Hyperscale Bank accounts side by side</li>\
<li><a href=\"/fdx-demo\" id=\"fdx-demo-link\">Budget Buddy</a>: an FDX data recipient</li></ul>"
        ),
    ))
    .into_response()
}

pub async fn start(State(sb): Sb, body: Bytes) -> Response {
    let scopes: Vec<String> =
        url::form_urlencoded::parse(&body).filter(|(k, _)| k == "scope").map(|(_, v)| v.into_owned()).collect();
    let state = random_token(16);
    let verifier = random_token(48);
    let nonce = random_token(16);
    if let Err(e) = sb.store.insert_demo_session(&state, &verifier, &nonce, now()) {
        tracing::error!(error = %e, "demo session");
        return (StatusCode::INTERNAL_SERVER_ERROR, "storage error").into_response();
    }
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "code")
        .append_pair("client_id", CLIENT_ID)
        .append_pair("redirect_uri", &format!("{}/demo/callback", sb.base_url))
        .append_pair("scope", &scopes.join(" "))
        .append_pair("state", &state)
        .append_pair("nonce", &nonce)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256")
        .finish();
    let mut res = Redirect::to(&format!("/{TENANT}/{WORKSPACE}/oauth2/authorize?{query}")).into_response();
    let cookie = format!("{COOKIE}={state}; Path=/demo; HttpOnly; SameSite=Lax; Max-Age=900");
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

fn outcome_page(status: StatusCode, body: String) -> Response {
    let body = format!("{body}<p><a href=\"/demo\" id=\"again\">Start again</a></p>");
    (status, Html(layout("Demo application", &body))).into_response()
}

pub async fn callback(State(sb): Sb, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    let state = q.get("state").cloned().unwrap_or_default();
    let session = if crate::cookies::read_cookie(&headers, COOKIE) == Some(state.as_str()) {
        sb.store.take_demo_session(&state).ok().flatten()
    } else {
        None
    };
    let Some((verifier, nonce, _)) = session else {
        return outcome_page(StatusCode::BAD_REQUEST, "<h1>Unexpected callback</h1><p class=\"error\">The state does not match a sign-in started in this browser.</p>".into());
    };
    if let Some(error) = q.get("error") {
        let field = |k: &str| esc(q.get(k).map(String::as_str).unwrap_or(""));
        return outcome_page(
            StatusCode::OK,
            format!(
                "<h1>Access was not granted</h1><dl id=\"error\"><dt>error</dt><dd id=\"error-code\">{}</dd>\
<dt>error_description</dt><dd id=\"error-description\">{}</dd><dt>error_cause</dt><dd id=\"error-cause\">{}</dd>\
<dt>trace_id</dt><dd>{}</dd></dl>",
                esc(error),
                field("error_description"),
                field("error_cause"),
                field("trace_id")
            ),
        );
    }
    let Some(code) = q.get("code") else {
        return outcome_page(StatusCode::BAD_REQUEST, "<h1>No code</h1>".into());
    };
    let secret = sb.store.meta(&format!("client_secret:{CLIENT_ID}")).ok().flatten().unwrap_or_default();
    let response = sb
        .http
        .post(format!("{}/oauth2/token", sb.issuer(WORKSPACE)))
        .basic_auth(CLIENT_ID, Some(secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", &format!("{}/demo/callback", sb.base_url)),
            ("code_verifier", &verifier),
        ])
        .send()
        .await;
    let body = match response {
        Ok(r) => (r.status(), r.text().await.unwrap_or_default()),
        Err(e) => {
            return outcome_page(
                StatusCode::BAD_GATEWAY,
                format!("<h1>Token request failed</h1><p>{}</p>", esc(&with_causes(&e))),
            )
        }
    };
    let tokens: TokenResponse = match serde_json::from_str(&body.1) {
        Ok(t) if body.0.is_success() => t,
        _ => {
            let err: Option<OAuthError> = serde_json::from_str(&body.1).ok();
            let text =
                err.map(|e| format!("{}: {}", e.error, e.error_description.unwrap_or_default())).unwrap_or(body.1);
            return outcome_page(
                StatusCode::BAD_GATEWAY,
                format!("<h1>Token request failed</h1><p class=\"error\">{}</p>", esc(&text)),
            );
        }
    };
    let claims = tokens.id_token.as_deref().and_then(decode_payload);
    let nonce_ok = claims.as_ref().map(|c| c.get("nonce").and_then(|n| n.as_str()) == Some(nonce.as_str()));
    let scopes: String = tokens
        .scope
        .as_deref()
        .unwrap_or_default()
        .split_whitespace()
        .map(|s| format!("<li class=\"badge\">{}</li>", esc(s)))
        .collect();
    let pretty = serde_json::to_string_pretty(&tokens).unwrap_or_default();
    let claims_html = claims
        .map(|c| {
            format!("<pre id=\"id-token-claims\">{}</pre>", esc(&serde_json::to_string_pretty(&c).unwrap_or_default()))
        })
        .unwrap_or_else(|| "<p>No ID token (the <code>openid</code> scope was not granted).</p>".into());
    outcome_page(
        StatusCode::OK,
        format!(
            "<h1>Signed in</h1><h2>Granted scopes</h2><ul id=\"granted-scopes\">{scopes}</ul>\
<h2>ID token claims</h2>{claims_html}{}\
<h2>Token response</h2><pre id=\"token-response\">{}</pre><p>Access token: <code id=\"access-token\">{}</code></p>\
<form method=\"post\" action=\"/demo/introspect\"><input type=\"hidden\" name=\"token\" value=\"{}\">\
<button type=\"submit\">Introspect the access token</button></form>",
            match nonce_ok {
                Some(true) => "<p class=\"note\">nonce matches.</p>",
                Some(false) => "<p class=\"error\">nonce does not match!</p>",
                None => "",
            },
            esc(&pretty),
            esc(&tokens.access_token),
            esc(&tokens.access_token)
        ),
    )
}

/// Introspects a token as the demo app (RFC 7662), to show whether it still works.
pub async fn introspect(State(sb): Sb, body: Bytes) -> Response {
    let token =
        url::form_urlencoded::parse(&body).find(|(k, _)| k == "token").map(|(_, v)| v.into_owned()).unwrap_or_default();
    let secret = sb.store.meta(&format!("client_secret:{CLIENT_ID}")).ok().flatten().unwrap_or_default();
    let answer = sb
        .http
        .post(format!("{}/oauth2/introspect", sb.issuer(WORKSPACE)))
        .basic_auth(CLIENT_ID, Some(secret))
        .form(&[("token", token.as_str())])
        .send()
        .await;
    let json: serde_json::Value = match answer {
        Ok(r) => r.json().await.unwrap_or_default(),
        Err(e) => {
            return outcome_page(StatusCode::BAD_GATEWAY, format!("<p class=\"error\">{}</p>", esc(&with_causes(&e))))
        }
    };
    let active = json["active"] == true;
    outcome_page(
        StatusCode::OK,
        format!(
            "<h1>Token introspection</h1><p id=\"active\">active: {active}</p><pre id=\"introspection\">{}</pre>",
            esc(&serde_json::to_string_pretty(&json).unwrap_or_default())
        ),
    )
}

/// The claims of a JWT, for display (the signature is checked by real clients, not here).
fn decode_payload(jwt: &str) -> Option<serde_json::Value> {
    let payload = jwt.split('.').nth(1)?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

pub async fn privacy() -> Html<String> {
    Html(layout("Privacy policy", "<h1>Demo App privacy policy</h1><p>The demo application keeps nothing: it shows what it received and forgets it.</p>"))
}

pub async fn terms() -> Html<String> {
    Html(layout("Terms", "<h1>Demo App terms</h1><p>For testing only.</p>"))
}

pub async fn logo() -> Response {
    const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 64 64\"><rect width=\"64\" height=\"64\" rx=\"14\" fill=\"#0f766e\"/><path d=\"M18 40l10-18 8 12 5-7 7 13z\" fill=\"#fff\"/><circle cx=\"44\" cy=\"20\" r=\"5\" fill=\"#fde68a\"/></svg>";
    ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=3600")], SVG).into_response()
}
