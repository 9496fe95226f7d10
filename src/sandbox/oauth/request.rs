//! An authorization request on its way in: validated against the client's registration (with
//! the consent profile's `authorization_details`), the answers when it cannot go on (an error
//! page, or an error sent back to the client), and the pending login it becomes.

use crate::sandbox::authz::request::{AuthRequest, Params};
use crate::sandbox::pages;
use crate::sandbox::profile::of;
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::LoginRow;
use crate::sandbox::util::now;
use crate::sandbox::workspace::ClientData;
use axum::{
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
};

/// Where an authorization request goes wrong: before the redirect URI is trusted (an error
/// page) or after (an error sent back to the client).
pub enum AuthorizeError {
    Page(StatusCode, String),
    Redirect { redirect_uri: String, state: Option<String>, error: &'static str, description: String },
}

impl AuthorizeError {
    pub fn into_response(self, sb: &Sandbox, wid: &str) -> Response {
        match self {
            AuthorizeError::Page(status, message) => {
                (status, Html(pages::message_page("Cannot continue", &message))).into_response()
            }
            AuthorizeError::Redirect { redirect_uri, state, error, description } => {
                let params = [("error", error), ("error_description", description.as_str())];
                client_redirect(sb, wid, &redirect_uri, &params, state.as_deref())
            }
        }
    }
}

/// Sends the browser back to the client with `params`, `state` and `iss` (RFC 9207).
pub fn client_redirect(
    sb: &Sandbox,
    wid: &str,
    redirect_uri: &str,
    params: &[(&str, &str)],
    state: Option<&str>,
) -> Response {
    let Ok(mut target) = url::Url::parse(redirect_uri) else {
        return (StatusCode::BAD_REQUEST, Html(pages::message_page("Cannot continue", "Invalid redirect URI.")))
            .into_response();
    };
    {
        let mut q = target.query_pairs_mut();
        for (k, v) in params {
            q.append_pair(k, v);
        }
        if let Some(state) = state {
            q.append_pair("state", state);
        }
        q.append_pair("iss", &sb.issuer(wid));
    }
    Redirect::to(target.as_str()).into_response()
}

/// Validates an authorization request against the client's registration.
pub fn parse_auth_request(sb: &Sandbox, wid: &str, p: &Params) -> Result<(AuthRequest, ClientData), AuthorizeError> {
    let page = |m: &str| AuthorizeError::Page(StatusCode::BAD_REQUEST, m.to_string());
    let client_id = p.get("client_id").ok_or_else(|| page("The request has no client_id."))?;
    let (ws, _, client) = sb.client(client_id).ok_or_else(|| page("Unknown client."))?;
    if ws != wid {
        return Err(page("Unknown client."));
    }
    let redirect_uri = match p.get("redirect_uri") {
        Some(uri) if client.redirect_uris.contains(uri) => uri.clone(),
        Some(_) => return Err(page("The redirect_uri is not registered for this client.")),
        None if client.redirect_uris.len() == 1 => client.redirect_uris[0].clone(),
        None => return Err(page("The request has no redirect_uri.")),
    };
    let state = p.get("state").cloned();
    let fail = |error, description: &str| AuthorizeError::Redirect {
        redirect_uri: redirect_uri.clone(),
        state: state.clone(),
        error,
        description: description.into(),
    };
    if p.get("response_type").map(String::as_str) != Some("code") {
        return Err(fail("unsupported_response_type", "Only response_type=code is supported."));
    }
    let scopes: Vec<String> =
        p.get("scope").map(|s| s.split_whitespace().map(str::to_string).collect()).unwrap_or_default();
    if let Some(bad) = scopes.iter().find(|s| !client.scopes.contains(s)) {
        return Err(fail("invalid_scope", &format!("The client may not request the scope {bad}.")));
    }
    let code_challenge = match (p.get("code_challenge"), p.get("code_challenge_method").map(String::as_str)) {
        (Some(c), Some("S256")) if (43..=128).contains(&c.len()) => Some(c.clone()),
        (Some(_), _) => return Err(fail("invalid_request", "PKCE requires code_challenge_method=S256.")),
        (None, _) if client.token_endpoint_auth_method == "none" => {
            return Err(fail("invalid_request", "Public clients must use PKCE."))
        }
        (None, _) if sb.workspace(wid).is_some_and(|w| w.requires_pkce) => {
            return Err(fail("invalid_request", "This workspace requires PKCE (S256)."))
        }
        (None, _) => None,
    };
    let claims = match p.get("claims") {
        Some(c) => Some(serde_json::from_str(c).map_err(|_| fail("invalid_request", "claims is not JSON."))?),
        None => None,
    };
    let details = match p.get("authorization_details") {
        Some(d) => of(sb, wid).parse_details(d).map_err(|e| fail("invalid_request", &e))?,
        None => None,
    };
    let details = of(sb, wid).parse_params(sb, wid, p, details).map_err(|e| fail("invalid_request", &e))?;
    Ok((
        AuthRequest {
            client_id: client_id.clone(),
            redirect_uri,
            redirect_uri_given: p.contains_key("redirect_uri"),
            scopes,
            state,
            nonce: p.get("nonce").cloned(),
            code_challenge,
            claims,
            ui_locales: p.get("ui_locales").filter(|v| v.len() <= 256).cloned(),
            grant_id: None,
            details,
        },
        client,
    ))
}

/// A sign-in step from a browser other than the one that started it.
pub fn other_browser_page() -> Response {
    (
        StatusCode::FORBIDDEN,
        Html(pages::message_page(
            "Finish signing in where you started",
            "This sign-in was started in another browser (or its cookies were cleared). Go back to the application and start again.",
        )),
    )
        .into_response()
}

/// A login awaiting sign-in, with its request and client.
pub fn pending_login(sb: &Sandbox, wid: &str, id: &str) -> Option<(LoginRow, AuthRequest, ClientData)> {
    let row = sb.store.login(id).ok()??;
    if row.workspace != wid || row.expires_at <= now() {
        return None;
    }
    let req: AuthRequest = serde_json::from_str(&row.request).ok()?;
    let (_, _, client) = sb.client(&row.client_id)?;
    Some((row, req, client))
}

pub fn expired_login_page() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(pages::message_page("This sign-in has expired", "Go back to the application and start again.")),
    )
        .into_response()
}
