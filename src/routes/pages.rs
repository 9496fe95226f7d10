//! The pages' GET handlers. Each reads its address, gets its data by calling its server
//! functions directly (no HTTP hop, the same code the browser reaches at `/api/…`), and
//! renders in one pass. The cookies a server function set are carried over; where the browser
//! goes next is the page's own answer.

use crate::api::{self, consent::load_consent, fdx::load_fdx_consent, portal};
use crate::error::{AppError, Failure};
use crate::i18n;
use crate::model::{Page, RevokeView, SignedOutView};
use crate::server::portal::LOGIN_PURPOSE;
use crate::server::render::render;
use crate::server::respond::failure_page;
use crate::server::AppState;
use axum::{
    extract::{Request, State},
    http::{header, request::Parts, StatusCode, Uri},
    response::{IntoResponse, Redirect, Response},
};
use leptos_axum::ResponseOptions;

pub async fn home(State(state): State<AppState>, uri: Uri) -> Response {
    render(&state, &uri, StatusCode::OK, Page::Home(state.home.clone())).await
}

pub async fn not_found(State(state): State<AppState>, uri: Uri) -> Response {
    failure_page(&state, &uri, AppError::new(Failure::NotFound)).await
}

/// The one value of a single-valued query field; a repeated one is ambiguous and refused.
fn field(query: &[(String, String)], name: &str) -> Option<String> {
    let mut values = query.iter().filter(|(k, _)| k == name);
    let first = values.next()?.1.clone();
    values.next().is_none().then_some(first)
}

fn query_of(uri: &Uri) -> Vec<(String, String)> {
    url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes()).into_owned().collect()
}

/// `GET /consent?login_id=…&login_state=…[&consent_type=fdx]`: the consent screen.
pub async fn consent(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let query = query_of(&parts.uri);
    let (Some(login_id), Some(login_state)) = (field(&query, "login_id"), field(&query, "login_state")) else {
        return failure_page(&state, &parts.uri, AppError::new(Failure::LinkIncomplete)).await;
    };
    let fdx = field(&query, "consent_type").as_deref() == Some("fdx");
    consent_screen(&state, parts, login_id, login_state, fdx, None).await
}

/// The consent screen of one flow, with `notice` above its form (then with 422: the form was
/// sent back). Also shown by the server-function guard when a plain form chose nothing.
pub async fn consent_screen(
    state: &AppState,
    parts: Parts,
    login_id: String,
    login_state: String,
    fdx: bool,
    notice: Option<String>,
) -> Response {
    let uri = parts.uri.clone();
    let status = if notice.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let (page, options) = if fdx {
        let (view, options) = api::run(state, parts, load_fdx_consent(login_id, login_state)).await;
        (view.map(|v| Page::FdxConsent(Box::new(v), notice)), options)
    } else {
        let (view, options) = api::run(state, parts, load_consent(login_id, login_state)).await;
        (view.map(|v| Page::Consent(Box::new(v), notice)), options)
    };
    let response = match page {
        Ok(page) => render(state, &uri, status, page).await,
        Err(e) => failure_page(state, &uri, e).await,
    };
    carry_over(response, &options)
}

/// `GET /portal`: the signed-in user's applications and consents, or the sign-in.
pub async fn portal(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let uri = parts.uri.clone();
    let query = query_of(&uri);
    let browser = parts.headers.clone();
    let (loaded, options) = api::run(&state, parts, portal::load_portal()).await;
    let response = match loaded {
        Ok(mut view) => {
            view.filter = field(&query, "q").map(|q| q.trim().chars().take(200).collect()).unwrap_or_default();
            view.notice = field(&query, "revoked").map(|r| {
                let key = if r == "fdx" { "portal-fdx-revoked" } else { "portal-revoked" };
                i18n::text(crate::server::observe::locale(), key, &[])
            });
            render(&state, &uri, StatusCode::OK, Page::Portal(Box::new(view))).await
        }
        // Nobody signed in, or the session ended (timed out, or its token was revoked upstream;
        // its cookie is cleared): the sign-in.
        Err(e) if e.failure == Failure::SessionEnded => {
            let (id, set_cookie) = state.csrf.ensure_cookie(&browser);
            let csrf_token = state.csrf.token(&id, LOGIN_PURPOSE, "");
            let mut response =
                render(&state, &uri, StatusCode::OK, Page::PortalSignedOut(SignedOutView { csrf_token })).await;
            if let Some(c) = set_cookie {
                response.headers_mut().append(header::SET_COOKIE, c);
            }
            response
        }
        Err(e) => failure_page(&state, &uri, e).await,
    };
    carry_over(response, &options)
}

/// `GET /portal/revoke?client_id=…` (or `consent_id=…`): the confirmation without JavaScript.
/// Only an application or consent of this user's list can be chosen; anything else goes back
/// to the portal.
pub async fn confirm_revoke(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let uri = parts.uri.clone();
    let query = query_of(&uri);
    let (loaded, options) = api::run(&state, parts, portal::load_portal()).await;
    let view = match loaded {
        Ok(view) => view,
        Err(e) if e.failure == Failure::SessionEnded => {
            return carry_over(Redirect::to("/portal").into_response(), &options)
        }
        Err(e) => return carry_over(failure_page(&state, &uri, e).await, &options),
    };
    let chosen = match (field(&query, "consent_id"), field(&query, "client_id")) {
        (Some(id), _) => {
            view.fdx.into_iter().find(|a| a.consent_id == id && a.active && a.all_mine).map(|a| RevokeView {
                client_id: String::new(),
                name: a.recipient,
                csrf_token: view.csrf_token.clone(),
                consent_id: Some(a.consent_id),
            })
        }
        (None, Some(id)) => view.apps.into_iter().find(|a| a.client_id == id).map(|a| RevokeView {
            client_id: a.client_id,
            name: a.name,
            csrf_token: view.csrf_token.clone(),
            consent_id: None,
        }),
        (None, None) => None,
    };
    let response = match chosen {
        Some(revoke) => render(&state, &uri, StatusCode::OK, Page::Revoke(revoke)).await,
        None => Redirect::to("/portal").into_response(),
    };
    carry_over(response, &options)
}

/// `GET /portal/callback`: where the authorization server sends the browser back after the
/// portal's sign-in.
pub async fn callback(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let uri = parts.uri.clone();
    let query = query_of(&uri);
    let call = portal::finish_sign_in(
        field(&query, "state").unwrap_or_default(),
        field(&query, "code"),
        field(&query, "iss"),
        field(&query, "error"),
    );
    let (finished, options) = api::run(&state, parts, call).await;
    let response = match finished {
        Ok(()) => Redirect::to("/portal").into_response(),
        Err(e) => failure_page(&state, &uri, e).await,
    };
    carry_over(response, &options)
}

/// Adds what a server function set (cookies) to a page's response. A redirect it asked for is
/// the page's to decide: pages answer with their own.
fn carry_over(mut response: Response, options: &ResponseOptions) -> Response {
    let Ok(set) = options.0.read() else { return response };
    for cookie in set.headers.get_all(header::SET_COOKIE) {
        response.headers_mut().append(header::SET_COOKIE, cookie.clone());
    }
    response
}
