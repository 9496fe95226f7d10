//! The door of every server function (`/api/…`), in one place so that no new server function
//! can forget it:
//! - before it runs: the site check of every state-changing request (Fetch Metadata and
//!   `Origin`), and a bound on the body. A forged cross-site call never reaches a server
//!   function, so it makes no upstream call.
//! - after it ran: its failure keeps its meaning. A plain HTML form (no JavaScript) gets a page
//!   that says what happened with the fitting status (the consent form again when nothing was
//!   chosen) instead of Leptos' redirect to the Referer; an island gets the error as JSON with
//!   the same status instead of 500. A plain form's success is a 303, not a 302 (RFC 9700 §4.12).

use super::pages::consent_screen;
use crate::error::{AppError, Failure};
use crate::server::respond::{count, failure_page};
use crate::server::AppState;
use axum::{
    body::{to_bytes, Body, Bytes},
    extract::{Request, State},
    http::{header, HeaderMap, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use leptos::server_fn::error::{FromServerFnError, SERVER_FN_ERROR_HEADER};

/// The largest body a server function accepts: its forms are a few hundred bytes.
const MAX_BODY: usize = 64 * 1024;

pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let plain_form = accepts_html(request.headers());
    let uri = request.uri().clone();
    if let Err(why) = state.csrf.check_site(request.headers()) {
        tracing::warn!(reason = ?why, path = uri.path(), "server function call refused by the site check");
        return refuse(&state, plain_form, &uri, AppError::new(Failure::Forged), HeaderMap::new()).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(form) = to_bytes(body, MAX_BODY).await else {
        return refuse(&state, plain_form, &uri, AppError::new(Failure::FormIncomplete), HeaderMap::new()).await;
    };
    let mut response = next.run(Request::from_parts(parts.clone(), Body::from(form.clone()))).await;
    let failed = response.headers().contains_key(SERVER_FN_ERROR_HEADER);
    if !failed && response.status() == StatusCode::BAD_REQUEST {
        // Leptos' answer for a path (or method) no server function has.
        return refuse(&state, plain_form, &uri, AppError::new(Failure::NotFound), HeaderMap::new()).await;
    }
    if !failed {
        if plain_form && response.status() == StatusCode::FOUND {
            *response.status_mut() = StatusCode::SEE_OTHER;
        }
        return response;
    }
    let (answer, body) = response.into_parts();
    let error = AppError::de(to_bytes(body, MAX_BODY).await.unwrap_or_default());
    let cookies = set_cookies(&answer.headers);
    if plain_form && matches!(error.failure, Failure::NothingChosen | Failure::NoAccountChosen) {
        if let Some((login_id, login_state)) = flow_of(&form) {
            count(&state, &error);
            let fdx = uri.path().starts_with("/api/fdx/");
            let page = consent_screen(&state, parts, login_id, login_state, fdx, Some(error.message)).await;
            return with_headers(page, cookies);
        }
    }
    refuse(&state, plain_form, &uri, error, cookies).await
}

/// A refusal or failure: a page for a plain form, JSON with the fitting status for an island.
async fn refuse(
    state: &AppState,
    plain_form: bool,
    uri: &axum::http::Uri,
    error: AppError,
    headers: HeaderMap,
) -> Response {
    let response = if plain_form {
        failure_page(state, uri, error).await
    } else {
        count(state, &error);
        let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, [(header::CONTENT_TYPE, "application/json")], error.ser()).into_response();
        if let Ok(path) = uri.path().parse() {
            response.headers_mut().insert(SERVER_FN_ERROR_HEADER, path);
        }
        response
    };
    with_headers(response, headers)
}

fn accepts_html(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
}

/// The `Set-Cookie`s a server function set (a session it ended, a fresh CSRF cookie).
fn set_cookies(headers: &HeaderMap) -> HeaderMap {
    let mut kept = HeaderMap::new();
    for value in headers.get_all(header::SET_COOKIE) {
        kept.append(header::SET_COOKIE, value.clone());
    }
    kept
}

fn with_headers(mut response: Response, headers: HeaderMap) -> Response {
    for (name, value) in &headers {
        response.headers_mut().append(name, value.clone());
    }
    response
}

/// The flow a consent form was about.
fn flow_of(form: &Bytes) -> Option<(String, String)> {
    let mut login_id = None;
    let mut login_state = None;
    for (k, v) in url::form_urlencoded::parse(form) {
        match k.as_ref() {
            "login_id" => login_id = Some(v.into_owned()),
            "login_state" => login_state = Some(v.into_owned()),
            _ => {}
        }
    }
    Some((login_id?, login_state?))
}
