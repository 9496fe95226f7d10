//! The staff console's pages: the search (or the sign-in), one record, and the callback of the
//! staff sign-in.

use super::pages::{carry_over, field, notice_for, query_of, sign_in_callback, with_cookie};
use super::render::render;
use super::respond::failure_page;
use crate::api::{self, console};
use crate::error::Failure;
use crate::i18n;
use crate::model::{Page, SignedOutView};
use crate::server::console::LOGIN_PURPOSE;
use crate::server::notice::Notice;
use crate::server::AppState;
use axum::{
    extract::{Request, State},
    http::{HeaderMap, StatusCode, Uri},
    response::{IntoResponse, Redirect, Response},
};

/// `GET /admin?q=…`: the search and its results, or the staff sign-in.
pub async fn console(State(state): State<AppState>, request: Request) -> Response {
    if state.console.is_none() {
        return not_found(&state, request.uri()).await;
    }
    let (parts, _) = request.into_parts();
    let uri = parts.uri.clone();
    let query = query_of(&uri);
    let browser = parts.headers.clone();
    let q = field(&query, "q").unwrap_or_default();
    let (loaded, options) = api::run(&state, parts, console::search_records(q)).await;
    let response = match loaded {
        Ok(mut view) => {
            let (notice, said) = notice_for(&state, &browser, |n| match n {
                Notice::ProviderRevoked(count) => Some(i18n::text(
                    crate::request::locale(),
                    "console-provider-revoked",
                    &[("count", &count.to_string())],
                )),
                _ => None,
            });
            view.notice = notice.or(view.notice);
            with_cookie(render(&state, &uri, StatusCode::OK, Page::Console(Box::new(view))).await, said)
        }
        Err(e) if e.failure == Failure::SessionEnded => sign_in_page(&state, &uri, &browser).await,
        Err(e) => failure_page(&state, &uri, e).await,
    };
    carry_over(response, &options)
}

/// `GET /admin/record?id=…`: one record with its history and the revocations.
pub async fn record(State(state): State<AppState>, request: Request) -> Response {
    if state.console.is_none() {
        return not_found(&state, request.uri()).await;
    }
    let (parts, _) = request.into_parts();
    let uri = parts.uri.clone();
    let query = query_of(&uri);
    let id = field(&query, "id").unwrap_or_default();
    let browser = parts.headers.clone();
    let (loaded, options) = api::run(&state, parts, console::load_record(id)).await;
    let response = match loaded {
        Ok(mut view) => {
            let (notice, said) = notice_for(&state, &browser, |n| {
                (n == Notice::RecordRevoked).then(|| i18n::text(crate::request::locale(), "console-revoked", &[]))
            });
            view.notice = notice;
            // A plain form sent back: what it lacked.
            let missing = match (field(&query, "reason"), field(&query, "confirm")) {
                (Some(_), _) => Some("console-reason-needed"),
                (None, Some(_)) => Some("console-confirm-needed"),
                (None, None) => None,
            };
            view.problem = missing.map(|key| i18n::text(crate::request::locale(), key, &[]));
            with_cookie(render(&state, &uri, StatusCode::OK, Page::ConsoleRecord(Box::new(view))).await, said)
        }
        Err(e) if e.failure == Failure::SessionEnded => Redirect::to("/admin").into_response(),
        Err(e) => failure_page(&state, &uri, e).await,
    };
    carry_over(response, &options)
}

/// `GET /admin/callback`: where the staff workspace sends the browser back after sign-in.
pub async fn callback(State(state): State<AppState>, request: Request) -> Response {
    sign_in_callback(&state, request, console::finish_console_sign_in, "/admin").await
}

async fn sign_in_page(state: &AppState, uri: &Uri, browser: &HeaderMap) -> Response {
    let (id, set_cookie) = state.csrf.ensure_cookie(browser);
    let csrf_token = state.csrf.token(&id, LOGIN_PURPOSE, "");
    let page = Page::ConsoleSignedOut(SignedOutView { csrf_token });
    with_cookie(render(state, uri, StatusCode::OK, page).await, set_cookie)
}

async fn not_found(state: &AppState, uri: &Uri) -> Response {
    failure_page(state, uri, Failure::NotFound.into()).await
}
