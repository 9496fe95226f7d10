//! The portal's pages: the list (or the sign-in), the confirmation of a revocation without
//! JavaScript, and the callback of the sign-in.

use super::pages::{carry_over, field, notice_for, query_of, sign_in_callback, with_cookie};
use super::render::render;
use super::respond::failure_page;
use crate::api::{self, portal};
use crate::error::Failure;
use crate::i18n;
use crate::model::{Page, RevokeView, SignedOutView};
use crate::server::notice::Notice;
use crate::server::portal::LOGIN_PURPOSE;
use crate::server::AppState;
use axum::{
    extract::{Request, State},
    http::{header, StatusCode},
    response::{IntoResponse, Redirect, Response},
};

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
            let (notice, said) = notice_for(&state, &browser, |n| {
                let key = match n {
                    Notice::Revoked => "portal-revoked",
                    Notice::Stopped => "portal-fdx-revoked",
                    Notice::SharingAllowed => "portal-joint-allowed",
                    Notice::SharingStopped => "portal-joint-stopped",
                    _ => return None,
                };
                Some(i18n::text(crate::request::locale(), key, &[]))
            });
            view.notice = notice;
            with_cookie(render(&state, &uri, StatusCode::OK, Page::Portal(Box::new(view))).await, said)
        }
        // Nobody signed in, or the session ended (timed out, or its token was revoked upstream;
        // its cookie is cleared): the sign-in.
        Err(e) if e.failure == Failure::SessionEnded => {
            let (id, set_cookie) = state.csrf.ensure_cookie(&browser);
            let csrf_token = state.csrf.token(&id, LOGIN_PURPOSE, "");
            let page = Page::PortalSignedOut(SignedOutView { csrf_token });
            with_cookie(render(&state, &uri, StatusCode::OK, page).await, set_cookie)
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
        (None, Some(id)) => {
            // An application in the list, or one holding an active consent record (another
            // bank's application, which the list of the portal's workspace does not show).
            let app = view.apps.into_iter().find(|a| a.client_id == id).map(|a| (a.client_id, a.name));
            let record = || {
                view.records.iter().find(|r| r.client_id == id && r.active).map(|r| {
                    let at = [("client", r.client.as_str()), ("bank", r.bank.as_str())];
                    (r.client_id.clone(), i18n::text(crate::request::locale(), "portal-client-at-bank", &at))
                })
            };
            app.or_else(record).map(|(client_id, name)| RevokeView {
                client_id,
                name,
                csrf_token: view.csrf_token.clone(),
                consent_id: None,
            })
        }
        (None, None) => None,
    };
    let response = match chosen {
        Some(revoke) => render(&state, &uri, StatusCode::OK, Page::Revoke(revoke)).await,
        None => Redirect::to("/portal").into_response(),
    };
    carry_over(response, &options)
}

/// `GET /portal/receipt?id=…`: the receipt of one of the signed-in user's consent records, as
/// a JSON file to keep. Any id not the user's own is not found.
pub async fn receipt(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let uri = parts.uri.clone();
    let id = field(&query_of(&uri), "id").unwrap_or_default();
    // Each receipt a file of its own name: the record's id, in the characters a file name keeps.
    let name: String =
        id.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')).take(80).collect();
    let disposition = format!("attachment; filename=\"consent-receipt-{name}.json\"");
    let (receipt, options) = api::run(&state, parts, portal::consent_receipt(id)).await;
    let response = match receipt {
        Ok(json) => (
            [
                (header::CONTENT_TYPE, "application/json".to_string()),
                (header::CONTENT_DISPOSITION, disposition),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            json,
        )
            .into_response(),
        Err(e) if e.failure == Failure::SessionEnded => Redirect::to("/portal").into_response(),
        Err(e) => failure_page(&state, &uri, e).await,
    };
    carry_over(response, &options)
}

/// `GET /portal/callback`: where the authorization server sends the browser back after the
/// portal's sign-in.
pub async fn callback(State(state): State<AppState>, request: Request) -> Response {
    sign_in_callback(&state, request, portal::finish_sign_in, "/portal").await
}
