//! The door of every server function (`/api/…`), in one place so that no new server function
//! can forget it:
//! - before it runs: the site check of every state-changing request (Fetch Metadata and
//!   `Origin`), a web form's encoding (anything else is 415), and a bound on the body. A forged
//!   cross-site call never reaches a server function, so it makes no upstream call.
//! - after it ran: its failure keeps its meaning. A plain HTML form (no JavaScript) gets a page
//!   that says what happened with the fitting status instead of Leptos' redirect to the
//!   Referer; an island gets the error as JSON with the same status instead of 500. A plain
//!   form's success is a 303 (RFC 9700 §4.12) to where the server function sent it, and
//!   otherwise to the home page: never to the request's Referer.
//! - every answer is `Cache-Control: no-store`: they carry users' data and form tokens.
//!
//! Only the paths `server_fn` registered are routed here (see `super::router`); any other
//! `/api/…` path is the site's 404.

use super::respond::{count, failure_page};
use crate::api::NAVIGATE_HEADER;
use crate::error::{AppError, Failure};
use crate::request::wants_html;
use crate::server::AppState;
use axum::{
    body::{to_bytes, Body},
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, StatusCode, Uri},
    middleware::Next,
    response::{IntoResponse, Response},
};
use leptos::server_fn::error::{FromServerFnError, SERVER_FN_ERROR_HEADER};

/// The largest body a server function accepts: its forms are a few hundred bytes.
const MAX_BODY: usize = 64 * 1024;

pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = checked(&state, request, next).await;
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn checked(state: &AppState, request: Request, next: Next) -> Response {
    let plain_form = wants_html(request.headers());
    let uri = request.uri().clone();
    if let Err(why) = state.csrf.check_site(request.headers()) {
        tracing::warn!(reason = ?why, path = uri.path(), "server function call refused by the site check");
        return refuse(state, plain_form, &uri, AppError::new(Failure::Forged), &HeaderMap::new()).await;
    }
    if !is_web_form(request.headers()) {
        return refuse(state, plain_form, &uri, AppError::new(Failure::Unsupported), &HeaderMap::new()).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(form) = to_bytes(body, MAX_BODY).await else {
        return refuse(state, plain_form, &uri, AppError::new(Failure::FormIncomplete), &HeaderMap::new()).await;
    };
    let mut response = next.run(Request::from_parts(parts, Body::from(form))).await;
    if !response.headers().contains_key(SERVER_FN_ERROR_HEADER) {
        let sent_on = response.headers_mut().remove(NAVIGATE_HEADER).is_some();
        if plain_form && response.status().is_redirection() {
            // Where the server function sent the browser, or home; never Leptos' default, the
            // request's Referer.
            if !sent_on {
                response.headers_mut().insert(header::LOCATION, HeaderValue::from_static("/"));
            }
            *response.status_mut() = StatusCode::SEE_OTHER;
        }
        return response;
    }
    let (answer, body) = response.into_parts();
    let error = AppError::de(to_bytes(body, MAX_BODY).await.unwrap_or_default());
    refuse(state, plain_form, &uri, error, &answer.headers).await
}

/// A body encoded as a web form sends it: what plain forms and the islands' calls send.
fn is_web_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"))
}

/// A refusal or failure: a page for a plain form, JSON with the fitting status for an island;
/// with the cookies the server function set (a session it ended, a fresh CSRF cookie).
async fn refuse(state: &AppState, plain_form: bool, uri: &Uri, error: AppError, set: &HeaderMap) -> Response {
    let mut response = if plain_form {
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
    for value in set.get_all(header::SET_COOKIE) {
        response.headers_mut().append(header::SET_COOKIE, value.clone());
    }
    response
}
