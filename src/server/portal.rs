//! `/portal`: sign in (authorization code + PKCE on the server), list the applications that
//! hold access, revoke one. Every handler derives the user from the server-side session;
//! every POST carries a token bound to that session.

use super::csrf::{cookie_header, read_cookie};
use super::observe::{self, ErrorKind};
use super::render::{render, Page};
use super::sessions::{Session, ABSOLUTE_TIMEOUT, LOGIN_TIMEOUT};
use super::upstream::UpstreamError;
use super::AppState;
use crate::i18n::{self, Locale};
use crate::model::{AppAccess, FdxAccess, PageError, PortalView, RevokeView, ScopeLine, SignedOutView};
use crate::wire::ClientsWithAccess;
use axum::{
    body::Bytes,
    extract::{Query, State},
    http::{header, HeaderMap, StatusCode, Uri},
    response::{IntoResponse, Redirect, Response},
};
use std::collections::HashMap;
use subtle::ConstantTimeEq;

const LOGIN_PURPOSE: &str = "portal-login";
const PORTAL_PURPOSE: &str = "portal";

fn session_cookie(state: &AppState) -> &'static str {
    if state.csrf.is_secure() {
        "__Host-assent-portal"
    } else {
        "assent-portal"
    }
}

fn state_cookie(state: &AppState) -> &'static str {
    if state.csrf.is_secure() {
        "__Host-assent-portal-state"
    } else {
        "assent-portal-state"
    }
}

/// The signed-in user's live session, if any.
fn current_session(state: &AppState, headers: &HeaderMap) -> Option<(String, Session)> {
    let id = read_cookie(headers, session_cookie(state))?;
    let session = state.sessions.get(id).ok()??;
    Some((id.to_string(), session))
}

/// An error page; `title` and `message` are message keys.
async fn page_error(state: &AppState, uri: &Uri, status: StatusCode, title: &str, message: &str) -> Response {
    let kind = match status {
        StatusCode::FORBIDDEN => ErrorKind::Csrf,
        StatusCode::NOT_FOUND => ErrorKind::NotFound,
        s if s.is_server_error() => ErrorKind::UpstreamStatus,
        _ => ErrorKind::BadRequest,
    };
    super::consent::error_page(state, uri, status, kind, title, message).await
}

/// Ends a session and sends the browser to the signed-out portal.
fn sign_out_response(state: &AppState, id: Option<&str>) -> Response {
    if let Some(id) = id {
        if let Err(e) = state.sessions.delete(id) {
            tracing::error!(error = %e, "could not delete a portal session");
        }
    }
    let mut res = Redirect::to("/portal").into_response();
    if let Some(c) = cookie_header(session_cookie(state), "", 0, "Lax", state.csrf.is_secure()) {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

async fn upstream_trouble(state: &AppState, uri: &Uri, e: &UpstreamError) -> Response {
    tracing::warn!(error = %e, "portal upstream call failed");
    let (status, title) = match e {
        UpstreamError::Timeout => (StatusCode::GATEWAY_TIMEOUT, "timeout-title"),
        _ => (StatusCode::BAD_GATEWAY, "trouble-title"),
    };
    state.upstream.metrics().error(ErrorKind::of(e));
    let error = PageError::new(status, title, "portal-load-failed");
    render(state, uri, status, Page::Error(error)).await
}

/// A date in the response's language (the format is a message), and its RFC 3339 form.
pub(super) fn format_date(rfc3339: &str) -> Option<(String, String)> {
    let t = chrono::DateTime::parse_from_rfc3339(rfc3339).ok()?;
    let locale = observe::locale();
    let chrono_locale = match locale {
        Locale::En => chrono::Locale::en_US,
        Locale::Es => chrono::Locale::es_ES,
        Locale::PtBr => chrono::Locale::pt_BR,
    };
    let format = i18n::text(locale, "date-format", &[]);
    let items = chrono::format::StrftimeItems::new_with_locale(&format, chrono_locale).parse().ok()?;
    Some((t.format_localized_with_items(items.iter(), chrono_locale).to_string(), t.to_rfc3339()))
}

/// Turns the Public API's list into cards, newest first.
fn apps_view(list: ClientsWithAccess) -> Vec<AppAccess> {
    let ClientsWithAccess { clients, scopes, claims } = list;
    let mut apps: Vec<(Option<String>, AppAccess)> = clients
        .into_iter()
        .map(|c| {
            let lines = c
                .granted_scopes
                .iter()
                .map(|g| match scopes.iter().find(|s| s.scope_name == g.scope_name) {
                    Some(s) => ScopeLine {
                        name: s.scope_display_name.clone().unwrap_or_else(|| s.scope_name.clone()),
                        description: s.scope_description.clone(),
                    },
                    None => ScopeLine { name: g.scope_name.clone(), description: None },
                })
                .collect();
            let claim_names = c
                .granted_claims
                .iter()
                .map(|g| {
                    claims
                        .iter()
                        .find(|k| k.id == g.id || k.name == g.claim_name)
                        .and_then(|k| k.description.clone())
                        .unwrap_or_else(|| g.claim_name.clone())
                })
                .collect();
            let app = AppAccess {
                name: c.client.name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| c.client.id.clone()),
                client_id: c.client.id,
                logo_uri: super::consent::safe_url(c.client.logo_uri.as_ref()),
                client_uri: super::consent::safe_url(c.client.client_uri.as_ref()),
                scopes: lines,
                claims: claim_names,
                granted_on: c.granted_at.as_deref().and_then(format_date),
            };
            (c.granted_at, app)
        })
        .collect();
    apps.sort_by(|a, b| b.0.cmp(&a.0));
    apps.into_iter().map(|(_, a)| a).collect()
}

pub async fn index(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (browser, set_cookie) = state.csrf.ensure_cookie(&headers);
    let mut response = match current_session(&state, &headers) {
        None => {
            let csrf_token = state.csrf.token(&browser, LOGIN_PURPOSE, "");
            render(&state, &uri, StatusCode::OK, Page::PortalSignedOut(SignedOutView { csrf_token })).await
        }
        Some((id, session)) => match tokio::join!(
            state.upstream.list_clients(&session.access_token),
            // The two lists come from different APIs: ask for both at once.
            fdx_accesses(&state, &session.subject)
        ) {
            (Ok(list), fdx) => {
                let all = apps_view(list);
                let total = all.len();
                let filter = q.get("q").map(|f| f.trim().to_string()).unwrap_or_default();
                let needle = filter.to_lowercase();
                let apps = all.into_iter().filter(|a| a.name.to_lowercase().contains(&needle)).collect();
                let fdx = match fdx {
                    Ok(list) => list,
                    Err(e) => return upstream_trouble(&state, &uri, &e).await,
                };
                let notice = match q.get("revoked").map(String::as_str) {
                    Some("fdx") => Some(i18n::text(observe::locale(), "portal-fdx-revoked", &[])),
                    Some(_) => Some(i18n::text(observe::locale(), "portal-revoked", &[])),
                    None => None,
                };
                let view = PortalView {
                    user: session.display.clone(),
                    apps,
                    total,
                    filter,
                    csrf_token: state.csrf.token(&browser, PORTAL_PURPOSE, &session.id_hash),
                    notice,
                    fdx,
                };
                render(&state, &uri, StatusCode::OK, Page::Portal(Box::new(view))).await
            }
            // The user's token was revoked or expired upstream: the session is over.
            (Err(UpstreamError::Status { status: 401, .. }), _) => sign_out_response(&state, Some(&id)),
            (Err(e), _) => upstream_trouble(&state, &uri, &e).await,
        },
    };
    if let Some(c) = set_cookie {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    response
}

/// The FDX consents that share any of the user's accounts, newest first; none when Open
/// Finance is off. The user is the bank customer with the session's subject.
async fn fdx_accesses(state: &AppState, subject: &str) -> Result<Vec<FdxAccess>, UpstreamError> {
    if state.upstream.fdx().is_none() {
        return Ok(Vec::new());
    }
    let accounts = state.upstream.bank_accounts(subject).await?.accounts;
    let ids: Vec<String> = accounts.iter().map(|a| a.id.clone()).collect();
    let mut consents = state.upstream.fdx_consents_of_accounts(&ids).await?.consents;
    consents.sort_by(|a, b| b.created_time.cmp(&a.created_time));
    Ok(consents
        .into_iter()
        .map(|c| {
            let mut clusters: Vec<String> = Vec::new();
            let mut shared: Vec<String> = Vec::new();
            for r in &c.granted_resources {
                for cluster in &r.data_clusters {
                    if !clusters.contains(cluster) {
                        clusters.push(cluster.clone());
                    }
                }
                if let Some(a) = accounts.iter().find(|a| r.resource_type == "ACCOUNT" && a.id == r.id) {
                    shared.push(format!("{} {}", a.name, a.masked_number));
                }
            }
            FdxAccess {
                active: c.status == crate::wire::fdx_status::AUTHORISED,
                consent_id: c.id,
                recipient: c.client_id,
                status: c.status,
                accounts: shared,
                clusters,
                created: c.created_time.as_deref().and_then(format_date),
                expires: c.expiration_time.as_deref().and_then(format_date),
            }
        })
        .collect())
}

fn form(body: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

pub async fn login(State(state): State<AppState>, headers: HeaderMap, uri: Uri, body: Bytes) -> Response {
    let Some(auth) = state.portal.clone() else {
        return page_error(&state, &uri, StatusCode::SERVICE_UNAVAILABLE, "portal-off-title", "portal-off-message")
            .await;
    };
    let f = form(&body);
    let token = f.get("csrf_token").map(String::as_str).unwrap_or_default();
    if state.csrf.verify(&headers, LOGIN_PURPOSE, "", token).is_err() {
        return page_error(&state, &uri, StatusCode::FORBIDDEN, "form-forged-title", "portal-form-forged-message")
            .await;
    }
    let sign_in = match auth.start(state.upstream.http()).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "portal sign-in could not start");
            return page_error(
                &state,
                &uri,
                StatusCode::BAD_GATEWAY,
                "sign-in-unavailable-title",
                "sign-in-unavailable-message",
            )
            .await;
        }
    };
    if let Err(e) = state.sessions.insert_login(&sign_in.state, &sign_in.verifier, &sign_in.nonce) {
        tracing::error!(error = %e, "portal login store");
        return page_error(
            &state,
            &uri,
            StatusCode::INTERNAL_SERVER_ERROR,
            "sign-in-unavailable-title",
            "sign-in-unavailable-message",
        )
        .await;
    }
    let mut res = Redirect::to(&sign_in.url).into_response();
    if let Some(c) = cookie_header(state_cookie(&state), &sign_in.state, LOGIN_TIMEOUT, "Lax", state.csrf.is_secure()) {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(auth) = state.portal.clone() else {
        return page_error(&state, &uri, StatusCode::NOT_FOUND, "not-found-title", "not-found-message").await;
    };
    let restart = "sign-in-restart";
    let returned = q.get("state").map(String::as_str).unwrap_or_default();
    let expected = read_cookie(&headers, state_cookie(&state)).unwrap_or_default();
    if returned.is_empty() || !bool::from(returned.as_bytes().ct_eq(expected.as_bytes())) {
        return page_error(&state, &uri, StatusCode::BAD_REQUEST, "sign-in-unverified-title", restart).await;
    }
    let Ok(Some((verifier, nonce))) = state.sessions.take_login(returned) else {
        return page_error(&state, &uri, StatusCode::BAD_REQUEST, "sign-in-expired-title", restart).await;
    };
    if q.contains_key("error") {
        return page_error(&state, &uri, StatusCode::FORBIDDEN, "sign-in-denied-title", restart).await;
    }
    // RFC 9207: the response must come from the issuer the sign-in was sent to.
    if q.get("iss").is_some_and(|iss| iss.trim_end_matches('/') != auth.issuer().trim_end_matches('/')) {
        return page_error(&state, &uri, StatusCode::BAD_REQUEST, "sign-in-unverified-title", restart).await;
    }
    let Some(code) = q.get("code").cloned() else {
        return page_error(&state, &uri, StatusCode::BAD_REQUEST, "sign-in-unverified-title", restart).await;
    };
    let signed_in = match auth.finish(state.upstream.http(), code, verifier, nonce).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "portal sign-in failed");
            return page_error(&state, &uri, StatusCode::BAD_GATEWAY, "sign-in-failed-title", restart).await;
        }
    };
    let id = match state.sessions.create(
        &signed_in.subject,
        &signed_in.display,
        &signed_in.access_token,
        signed_in.lifetime,
    ) {
        Ok(id) => id,
        Err(e) => {
            tracing::error!(error = %e, "portal session store");
            return page_error(&state, &uri, StatusCode::INTERNAL_SERVER_ERROR, "sign-in-failed-title", restart).await;
        }
    };
    let secure = state.csrf.is_secure();
    let mut res = Redirect::to("/portal").into_response();
    for c in [
        cookie_header(session_cookie(&state), &id, ABSOLUTE_TIMEOUT, "Lax", secure),
        cookie_header(state_cookie(&state), "", 0, "Lax", secure),
    ]
    .into_iter()
    .flatten()
    {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

pub async fn confirm_revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some((id, session)) = current_session(&state, &headers) else {
        return Redirect::to("/portal").into_response();
    };
    if let Some(consent_id) = q.get("consent_id") {
        let list = match fdx_accesses(&state, &session.subject).await {
            Ok(l) => l,
            Err(e) => return upstream_trouble(&state, &uri, &e).await,
        };
        // Only an active consent sharing this user's accounts can be chosen.
        let Some(access) = list.into_iter().find(|a| &a.consent_id == consent_id && a.active) else {
            return Redirect::to("/portal").into_response();
        };
        let (browser, set_cookie) = state.csrf.ensure_cookie(&headers);
        let view = RevokeView {
            client_id: String::new(),
            name: access.recipient,
            csrf_token: state.csrf.token(&browser, PORTAL_PURPOSE, &session.id_hash),
            consent_id: Some(access.consent_id),
        };
        let mut res = render(&state, &uri, StatusCode::OK, Page::Revoke(view)).await;
        if let Some(c) = set_cookie {
            res.headers_mut().append(header::SET_COOKIE, c);
        }
        return res;
    }
    let client_id = q.get("client_id").cloned().unwrap_or_default();
    let list = match state.upstream.list_clients(&session.access_token).await {
        Ok(l) => l,
        Err(UpstreamError::Status { status: 401, .. }) => return sign_out_response(&state, Some(&id)),
        Err(e) => return upstream_trouble(&state, &uri, &e).await,
    };
    // Only an application that holds access to this user's account can be chosen.
    let Some(app) = apps_view(list).into_iter().find(|a| a.client_id == client_id) else {
        return Redirect::to("/portal").into_response();
    };
    let (browser, set_cookie) = state.csrf.ensure_cookie(&headers);
    let view = RevokeView {
        client_id,
        name: app.name,
        csrf_token: state.csrf.token(&browser, PORTAL_PURPOSE, &session.id_hash),
        consent_id: None,
    };
    let mut res = render(&state, &uri, StatusCode::OK, Page::Revoke(view)).await;
    if let Some(c) = set_cookie {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

pub async fn revoke(State(state): State<AppState>, headers: HeaderMap, uri: Uri, body: Bytes) -> Response {
    let Some((id, session)) = current_session(&state, &headers) else {
        return page_error(&state, &uri, StatusCode::UNAUTHORIZED, "session-ended-title", "sign-in-restart").await;
    };
    let f = form(&body);
    let token = f.get("csrf_token").map(String::as_str).unwrap_or_default();
    if state.csrf.verify(&headers, PORTAL_PURPOSE, &session.id_hash, token).is_err() {
        return page_error(&state, &uri, StatusCode::FORBIDDEN, "form-forged-title", "portal-form-forged-message")
            .await;
    }
    if let Some(consent_id) = f.get("consent_id").filter(|c| !c.is_empty() && c.len() <= 256) {
        // The consent must share this user's accounts: the management API itself would revoke
        // anyone's.
        let mine = match fdx_accesses(&state, &session.subject).await {
            Ok(list) => list.into_iter().find(|a| &a.consent_id == consent_id),
            Err(e) => return upstream_trouble(&state, &uri, &e).await,
        };
        match mine {
            None => {
                return page_error(&state, &uri, StatusCode::NOT_FOUND, "not-found-title", "not-found-message").await
            }
            // Already stopped (another tab, or it expired): nothing to do.
            Some(access) if !access.active => return Redirect::to("/portal").into_response(),
            Some(_) => {}
        }
        return match state.upstream.revoke_fdx_consent(consent_id).await {
            Ok(()) => {
                state.upstream.metrics().revokes.inc();
                Redirect::to("/portal?revoked=fdx").into_response()
            }
            Err(e) => upstream_trouble(&state, &uri, &e).await,
        };
    }
    let Some(client_id) = f.get("client_id").filter(|c| !c.is_empty() && c.len() <= 256) else {
        return page_error(
            &state,
            &uri,
            StatusCode::BAD_REQUEST,
            "form-incomplete-title",
            "portal-form-forged-message",
        )
        .await;
    };
    match state.upstream.revoke_client(&session.access_token, client_id).await {
        Ok(()) => {
            state.upstream.metrics().revokes.inc();
            Redirect::to("/portal?revoked=1").into_response()
        }
        Err(UpstreamError::Status { status: 401, .. }) => sign_out_response(&state, Some(&id)),
        Err(e) => upstream_trouble(&state, &uri, &e).await,
    }
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap, uri: Uri, body: Bytes) -> Response {
    let Some((id, session)) = current_session(&state, &headers) else {
        return sign_out_response(&state, None);
    };
    let token = form(&body).remove("csrf_token").unwrap_or_default();
    if state.csrf.verify(&headers, PORTAL_PURPOSE, &session.id_hash, &token).is_err() {
        return page_error(&state, &uri, StatusCode::FORBIDDEN, "form-forged-title", "portal-form-forged-message")
            .await;
    }
    sign_out_response(&state, Some(&id))
}
