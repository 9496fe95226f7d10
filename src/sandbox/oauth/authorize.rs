//! `/oauth2/authorize`: an authorization request (or a pushed one, by `request_uri`) becomes a
//! login bound to this browser and goes to the sign-in page; the step back from the consent
//! page (`consent_verified=true`) finishes it with a code or the consent page's error.

use crate::sandbox::authz::request::{AuthRequest, Decision, Params};
use crate::sandbox::config::LOGIN_TTL;
use crate::sandbox::http::{check_workspace, db_failure};
use crate::sandbox::oauth::issue::issue_code;
use crate::sandbox::oauth::request::{
    client_redirect, expired_login_page, other_browser_page, parse_auth_request, AuthorizeError,
};
use crate::sandbox::profile::of;
use crate::sandbox::state::{Sandbox, BROWSER_COOKIE};
use crate::sandbox::store::LoginRow;
use crate::sandbox::util::{now, random_token, sha256_b64};
use axum::{
    extract::{Path, Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use std::sync::Arc;

type Sb = State<Arc<Sandbox>>;

pub async fn authorize(
    State(sb): Sb,
    Path((tid, wid)): Path<(String, String)>,
    headers: HeaderMap,
    Query(p): Query<Params>,
) -> Response {
    if let Err(r) = check_workspace(&sb, &tid, &wid) {
        return r;
    }
    if p.get("consent_verified").map(String::as_str) == Some("true") {
        // The step back from the consent page: only in the browser that signed in.
        let login_id = p.get("login_id").map(String::as_str).unwrap_or_default();
        if !sb.same_browser(login_id, &headers) {
            return other_browser_page();
        }
        return finish_consent(&sb, &wid, &p);
    }
    let parsed = match p.get("request_uri") {
        Some(uri) => {
            let id = uri.strip_prefix("urn:ietf:params:oauth:request_uri:").unwrap_or(uri);
            match sb.store.take_par(id) {
                Ok(Some((ws, client_id, request, exp)))
                    if ws == wid && Some(&client_id) == p.get("client_id") && exp > now() =>
                {
                    serde_json::from_str::<AuthRequest>(&request)
                        .ok()
                        .and_then(|r| sb.client(&r.client_id).map(|(_, _, c)| (r, c)))
                        .ok_or(AuthorizeError::Page(StatusCode::BAD_REQUEST, "Invalid pushed request.".into()))
                }
                _ => Err(AuthorizeError::Page(
                    StatusCode::BAD_REQUEST,
                    "The request_uri is unknown, expired or already used.".into(),
                )),
            }
        }
        None if sb.workspace(&wid).is_some_and(|w| w.requires_par) => Err(AuthorizeError::Page(
            StatusCode::BAD_REQUEST,
            "This workspace takes authorization requests only through PAR (a request_uri).".into(),
        )),
        None => parse_auth_request(&sb, &wid, &p),
    };
    let (mut request, _client) = match parsed {
        Ok(x) => x,
        Err(e) => return e.into_response(&sb, &wid),
    };
    if let Err(e) = of(&sb, &wid).on_request(&sb, &wid, &mut request) {
        return db_failure(e);
    }
    let row = LoginRow {
        id: random_token(16),
        workspace: wid.clone(),
        client_id: request.client_id.clone(),
        login_state: random_token(16),
        request: serde_json::to_string(&request).unwrap_or_default(),
        subject: None,
        auth_time: None,
        status: "new".into(),
        decision: None,
        expires_at: now() + LOGIN_TTL,
    };
    if let Err(e) = sb.store.insert_login(&row, now()) {
        return db_failure(e);
    }
    // The sign-in belongs to this browser: a cookie names it, the login keeps its hash.
    let (browser, new_cookie) = match sb.browser_id(&headers) {
        Some(b) => (b.to_string(), None),
        None => {
            let b = random_token(24);
            let cookie = crate::cookies::cookie_header(BROWSER_COOKIE, &b, 24 * 3600, "Lax", false);
            (b, cookie)
        }
    };
    if let Err(e) = sb.store.bind_login_browser(&row.id, &sha256_b64(&browser)) {
        return db_failure(e);
    }
    let mut res = Redirect::to(&format!("/{tid}/{wid}/login?login_id={}", row.id)).into_response();
    if let Some(cookie) = new_cookie {
        res.headers_mut().append(header::SET_COOKIE, cookie);
    }
    res
}

/// `GET /oauth2/authorize?consent_verified=true&login_id&login_state`: the consent page is done.
fn finish_consent(sb: &Sandbox, wid: &str, p: &Params) -> Response {
    let id = p.get("login_id").map(String::as_str).unwrap_or_default();
    let Some(row) = sb.store.login(id).ok().flatten() else {
        return expired_login_page();
    };
    let matches = row.workspace == wid
        && p.get("login_state") == Some(&row.login_state)
        && p.get("client_id") == Some(&row.client_id);
    let (Some(decision), Some(subject), Some(auth_time), Ok(request)) = (
        row.decision.as_deref().and_then(|d| serde_json::from_str::<Decision>(d).ok()),
        row.subject.clone(),
        row.auth_time,
        serde_json::from_str::<AuthRequest>(&row.request),
    ) else {
        return expired_login_page();
    };
    if !matches || row.expires_at <= now() || !sb.store.finish_login(&row.id, &row.status).unwrap_or(false) {
        return expired_login_page();
    }
    match decision {
        Decision::Accepted { scopes, claims, consent_id } => {
            if let Err(e) = sb.store.merge_grant(wid, &subject, &request.client_id, &scopes, &claims, now()) {
                return db_failure(e);
            }
            match issue_code(sb, wid, &request, &subject, auth_time, &scopes, consent_id) {
                Ok(code) => {
                    client_redirect(sb, wid, &request.redirect_uri, &[("code", &code)], request.state.as_deref())
                }
                Err(r) => r,
            }
        }
        Decision::Rejected { error, error_description, error_cause } => client_redirect(
            sb,
            wid,
            &request.redirect_uri,
            &[
                ("error", &error),
                ("error_description", &error_description),
                ("error_cause", &error_cause),
                ("trace_id", &random_token(8)),
            ],
            request.state.as_deref(),
        ),
    }
}
