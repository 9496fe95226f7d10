//! What every page's GET handler shares, and the pages that are neither the consent screen
//! nor the portal. Each page reads its address, gets its data by calling its server functions
//! directly (no HTTP hop, the same code the browser reaches at `/api/…`), and renders in one
//! pass. The cookies a server function set are carried over; where the browser goes next is
//! the page's own answer.

use super::render::render;
use super::respond::failure_page;
use crate::error::{AppError, Failure};
use crate::model::Page;
use crate::server::notice::Notice;
use crate::server::AppState;
use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, StatusCode, Uri},
    response::{IntoResponse, Redirect, Response},
};
use leptos_axum::ResponseOptions;
use std::future::Future;

pub async fn home(State(state): State<AppState>, uri: Uri) -> Response {
    render(&state, &uri, StatusCode::OK, Page::Home(state.home.clone())).await
}

pub async fn not_found(State(state): State<AppState>, uri: Uri) -> Response {
    failure_page(&state, &uri, AppError::new(Failure::NotFound)).await
}

/// The one value of a single-valued query field; a repeated one is ambiguous and refused.
pub(super) fn field(query: &[(String, String)], name: &str) -> Option<String> {
    let mut values = query.iter().filter(|(k, _)| k == name);
    let first = values.next()?.1.clone();
    values.next().is_none().then_some(first)
}

pub(super) fn query_of(uri: &Uri) -> Vec<(String, String)> {
    url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes()).into_owned().collect()
}

/// The callback of a sign-in (the portal's or the console's): `finish` (its server function)
/// called with what the authorization server sent back (state, code, iss, error), then on to
/// `home`, or a page that says what failed.
pub(super) async fn sign_in_callback<F>(
    state: &AppState,
    request: Request,
    finish: impl FnOnce(String, Option<String>, Option<String>, Option<String>) -> F,
    home: &'static str,
) -> Response
where
    F: Future<Output = Result<(), AppError>>,
{
    let (parts, _) = request.into_parts();
    let uri = parts.uri.clone();
    let query = query_of(&uri);
    let call = finish(
        field(&query, "state").unwrap_or_default(),
        field(&query, "code"),
        field(&query, "iss"),
        field(&query, "error"),
    );
    let (finished, options) = crate::api::run(state, parts, call).await;
    let response = match finished {
        Ok(()) => Redirect::to(home).into_response(),
        Err(e) => failure_page(state, &uri, e).await,
    };
    carry_over(response, &options)
}

/// The words of the notice a plain form's action left for this page (`server::notice`), as
/// `words` says them, and the `Set-Cookie` that clears it; another page's notice is left for
/// that page, one not known is cleared.
pub(super) fn notice_for(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    words: impl Fn(Notice) -> Option<String>,
) -> (Option<String>, Option<HeaderValue>) {
    let secure = state.csrf.is_secure();
    match Notice::of(headers, secure) {
        None => (None, None),
        Some(notice) => match notice.map(words) {
            Some(None) => (None, None),
            Some(said) => (said, Notice::clear(secure)),
            None => (None, Notice::clear(secure)),
        },
    }
}

/// `response` with `cookie` set, where there is one.
pub(super) fn with_cookie(mut response: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(c) = cookie {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    response
}

/// Adds what a server function set (cookies) to a page's response. A redirect it asked for is
/// the page's to decide: pages answer with their own.
pub(super) fn carry_over(mut response: Response, options: &ResponseOptions) -> Response {
    let Ok(set) = options.0.read() else { return response };
    for cookie in set.headers.get_all(header::SET_COOKIE) {
        response.headers_mut().append(header::SET_COOKIE, cookie.clone());
    }
    response
}
