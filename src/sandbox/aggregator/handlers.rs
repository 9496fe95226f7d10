//! The aggregator's routes under `/aggregator`: the dashboard (or its sign-in form), sign-in
//! and sign-out, Connect (at a UK bank, its account-access consent first; then a pushed request
//! with PKCE and state, then the bank's authorize URL with only `client_id` and `request_uri`),
//! the callback (state of this session, `iss` of the bank it went to, RFC 9207, then the code
//! exchange), and Disconnect (the tokens revoked at the bank, then forgotten). Every POST
//! carries the session's anti-forgery token.

use crate::sandbox::aggregator::client::{self, BankInfo, Grant, Regime};
use crate::sandbox::aggregator::links::{self, Link};
use crate::sandbox::aggregator::pages;
use crate::sandbox::aggregator::session::{self, Session};
use crate::sandbox::aggregator::uk;
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::PendingConnection;
use crate::sandbox::util::{now, random_token};
use axum::{
    extract::{ConnectInfo, Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Extension, Form,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

type Sb = State<Arc<Sandbox>>;
type Fields = Form<HashMap<String, String>>;

/// How long a connection may take at the bank.
const PENDING_TTL: i64 = 600;

fn storage_error(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "aggregator store");
    pages::error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "The aggregator could not save its records. Try again.",
    )
}

/// A session signed in to the aggregator, whose form token `form` carries; else the page to
/// answer with.
fn signed_in(sb: &Sandbox, headers: &HeaderMap, form: &HashMap<String, String>) -> Result<(Session, String), Response> {
    let stale = || {
        pages::error(
            StatusCode::FORBIDDEN,
            "This form has expired",
            "Your aggregator session has ended or this form is from an older page. Open the aggregator again.",
        )
    };
    let session = session::current(sb, headers).ok_or_else(stale)?;
    if !session.form_ok(form.get("csrf_token").map(String::as_str).unwrap_or_default()) {
        return Err(stale());
    }
    let username = session.username.clone().ok_or_else(stale)?;
    Ok((session, username))
}

/// The bank a form names, if the aggregator knows it.
fn bank_of(sb: &Sandbox, form: &HashMap<String, String>) -> Result<BankInfo, Response> {
    let wanted = form.get("bank").map(String::as_str).unwrap_or_default();
    client::banks(sb)
        .into_iter()
        .find(|b| b.wid == wanted)
        .ok_or_else(|| pages::error(StatusCode::NOT_FOUND, "Unknown bank", "The aggregator does not know this bank."))
}

/// At sandbox start, once its listeners serve: the aggregator's users seeded, and its
/// registration at each bank made (or the kept one checked).
pub async fn start(sb: Arc<Sandbox>) {
    let seeding = sb.clone();
    match tokio::task::spawn_blocking(move || session::seed_users(&seeding)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::error!(error = %e, "aggregator users"),
        Err(e) => tracing::error!(error = %e, "aggregator users"),
    }
    client::register_all(&sb).await;
}

/// `GET /aggregator`: the dashboard, or the sign-in form (with a new session to carry its token).
pub async fn index(State(sb): Sb, headers: HeaderMap) -> Response {
    let session = session::current(&sb, &headers);
    match session {
        Some(Session { username: Some(username), csrf, .. }) => {
            let mut banks = Vec::new();
            for bank in client::banks(&sb) {
                let view = links::view(&sb, &username, &bank).await;
                banks.push((bank, view));
            }
            pages::dashboard(&username, &csrf, &banks)
        }
        Some(session) => pages::sign_in(StatusCode::OK, &session.csrf, None),
        None => match session::start(&sb, None) {
            Ok((session, cookie)) => {
                let mut res = pages::sign_in(StatusCode::OK, &session.csrf, None);
                res.headers_mut().append(header::SET_COOKIE, cookie);
                res
            }
            Err(e) => storage_error(e),
        },
    }
}

/// `POST /aggregator/sign-in`: the password checked (throttled), then a new session.
pub async fn sign_in(
    State(sb): Sb,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Fields,
) -> Response {
    let Some(old) = session::current(&sb, &headers) else {
        return Redirect::to("/aggregator").into_response();
    };
    if !old.form_ok(form.get("csrf_token").map(String::as_str).unwrap_or_default()) {
        return pages::error(StatusCode::FORBIDDEN, "This form has expired", "Open the aggregator again and sign in.");
    }
    let username = form.get("username").map(String::as_str).unwrap_or_default();
    let password = form.get("password").map(String::as_str).unwrap_or_default();
    let address = peer.map_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED), |p| p.0 .0.ip());
    match session::check_password(&sb, address, username, password).await {
        Ok(true) => {}
        Ok(false) => return pages::sign_in(StatusCode::UNAUTHORIZED, &old.csrf, Some("Wrong username or password.")),
        Err(wait) => {
            let mut res = pages::sign_in(
                StatusCode::TOO_MANY_REQUESTS,
                &old.csrf,
                Some("Too many attempts. Wait a little, then try again."),
            );
            res.headers_mut().insert(header::RETRY_AFTER, wait.into());
            return res;
        }
    }
    // A new session at sign-in: a session id known before it is never a signed-in one.
    let _ = sb.store.delete_aggregator_session(&old.id_hash);
    match session::start(&sb, Some(username)) {
        Ok((_, cookie)) => {
            let mut res = Redirect::to("/aggregator").into_response();
            res.headers_mut().append(header::SET_COOKIE, cookie);
            res
        }
        Err(e) => storage_error(e),
    }
}

/// `POST /aggregator/sign-out`.
pub async fn sign_out(State(sb): Sb, headers: HeaderMap, Form(form): Fields) -> Response {
    let (session, _) = match signed_in(&sb, &headers, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let _ = sb.store.delete_aggregator_session(&session.id_hash);
    let mut res = Redirect::to("/aggregator").into_response();
    let (name, value) = session::cleared_cookie();
    res.headers_mut().append(name, value);
    res
}

/// `POST /aggregator/connect` (also Reconnect): at a UK bank its account-access consent, then a
/// pushed request (naming that consent), then the bank.
pub async fn connect(State(sb): Sb, headers: HeaderMap, Form(form): Fields) -> Response {
    let (session, _) = match signed_in(&sb, &headers, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let bank = match bank_of(&sb, &form) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let unreachable = |e: String| {
        tracing::warn!(bank = bank.wid, error = %e, "aggregator connect");
        pages::error(
            StatusCode::BAD_GATEWAY,
            &format!("{} cannot be reached", bank.name),
            &format!("The aggregator could not start a connection with {}: {e}", bank.name),
        )
    };
    let reg = match client::registration(&sb, &bank).await {
        Ok(reg) => reg,
        Err(e) => return unreachable(e),
    };
    let claims = match bank.regime {
        Regime::OpenBanking => None,
        Regime::Uk => match uk::account_access_consent(&sb, &reg).await {
            Ok(consent) => Some(uk::intent_claims(&consent)),
            Err(e) => return unreachable(e),
        },
    };
    let (state, verifier) = (random_token(24), random_token(48));
    let pending = PendingConnection {
        session_hash: session.id_hash.clone(),
        bank: bank.wid.clone(),
        verifier: verifier.clone(),
        expires_at: now() + PENDING_TTL,
    };
    if let Err(e) = sb.store.insert_aggregator_pending(&state, &pending) {
        return storage_error(e);
    }
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    match client::push(&sb, &reg, &state, &challenge, claims.as_deref()).await {
        Ok(url) => Redirect::to(&url).into_response(),
        Err(e) => unreachable(e),
    }
}

/// `GET /aggregator/callback`: back from a bank.
pub async fn callback(State(sb): Sb, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    let state = q.get("state").map(String::as_str).unwrap_or_default();
    let session = session::current(&sb, &headers);
    let pending = if state.is_empty() { None } else { sb.store.take_aggregator_pending(state).ok().flatten() };
    let (Some(session), Some(pending)) = (session, pending) else {
        return pages::error(
            StatusCode::BAD_REQUEST,
            "Unexpected answer from a bank",
            "This answer does not belong to a connection started in this browser. Start again from the aggregator.",
        );
    };
    let (Some(username), true) = (session.username.clone(), session.id_hash == pending.session_hash) else {
        return pages::error(
            StatusCode::BAD_REQUEST,
            "Unexpected answer from a bank",
            "This answer does not belong to a connection started in this session. Start again from the aggregator.",
        );
    };
    if pending.expires_at <= now() {
        return pages::error(
            StatusCode::BAD_REQUEST,
            "This connection took too long",
            "Start again from the aggregator.",
        );
    }
    let Some(bank) = client::banks(&sb).into_iter().find(|b| b.wid == pending.bank) else {
        return pages::error(StatusCode::NOT_FOUND, "Unknown bank", "The aggregator does not know this bank.");
    };
    let reg = match client::registration(&sb, &bank).await {
        Ok(reg) => reg,
        Err(e) => return pages::error(StatusCode::BAD_GATEWAY, &format!("{} cannot be reached", bank.name), &e),
    };
    // RFC 9207: the answer must come from the authorization server the request went to (an
    // answer from another one is a mix-up attack, or a mistake; its code is never used).
    if q.get("iss") != Some(&reg.issuer) {
        return pages::error(
            StatusCode::BAD_REQUEST,
            "Answer from the wrong bank",
            &format!(
                "The aggregator sent you to {}, but this answer comes from another authorization server ({}). Nothing was connected.",
                bank.name,
                q.get("iss").map(String::as_str).unwrap_or("none named")
            ),
        );
    }
    if let Some(error) = q.get("error") {
        let description = q.get("error_description").map(String::as_str).unwrap_or(error);
        let (status, title) = if error == "access_denied" {
            (StatusCode::OK, format!("{} was not connected", bank.name))
        } else {
            (StatusCode::BAD_GATEWAY, format!("{} could not connect", bank.name))
        };
        return pages::error(status, &title, &format!("{} said: {description}", bank.name));
    }
    let Some(code) = q.get("code") else {
        return pages::error(
            StatusCode::BAD_REQUEST,
            "Unexpected answer from a bank",
            "The bank's answer has no code.",
        );
    };
    let tokens = match client::tokens(&sb, &reg, Grant::Code { code, verifier: &pending.verifier }).await {
        Ok(t) => t,
        Err(e) => {
            return pages::error(StatusCode::BAD_GATEWAY, &format!("{} could not connect", bank.name), &e.message)
        }
    };
    // A connection made again replaces the old one: its tokens are revoked, not left behind.
    if let Ok(Some(old)) = links::load(&sb, &username, &bank.wid) {
        revoke_all(&sb, &bank, &reg, &old).await.ok();
    }
    if let Err(e) = links::save(&sb, &username, &bank.wid, &Link::from_tokens(&tokens)) {
        return storage_error(e);
    }
    Redirect::to("/aggregator").into_response()
}

/// Revokes a link's tokens: at a UK bank first the consent they were issued under, then the
/// refresh token (ending the authorization) and the access token.
async fn revoke_all(sb: &Sandbox, bank: &BankInfo, reg: &client::Registration, link: &Link) -> Result<(), String> {
    if bank.regime == Regime::Uk {
        let tokens: Vec<&str> =
            link.refresh_token.iter().map(String::as_str).chain([link.access_token.as_str()]).collect();
        uk::end_consent(sb, reg, &tokens).await?;
    }
    if let Some(refresh) = &link.refresh_token {
        client::revoke(sb, reg, refresh, "refresh_token").await?;
    }
    client::revoke(sb, reg, &link.access_token, "access_token").await
}

/// `POST /aggregator/disconnect`: the tokens revoked at the bank (at a UK bank, their consent
/// ended first), then forgotten.
pub async fn disconnect(State(sb): Sb, headers: HeaderMap, Form(form): Fields) -> Response {
    let (_, username) = match signed_in(&sb, &headers, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let bank = match bank_of(&sb, &form) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let link = match links::load(&sb, &username, &bank.wid) {
        Ok(Some(link)) => link,
        Ok(None) => return Redirect::to("/aggregator").into_response(),
        Err(e) => return storage_error(e),
    };
    let revoked = match client::registration(&sb, &bank).await {
        Ok(reg) => revoke_all(&sb, &bank, &reg, &link).await,
        Err(e) => Err(e),
    };
    // An ended link's tokens are dead already; a live one is forgotten only once revoked.
    if let (Err(e), false) = (revoked, link.ended) {
        return pages::error(
            StatusCode::BAD_GATEWAY,
            &format!("{} did not confirm", bank.name),
            &format!("Your access at {} could not be revoked, so it is kept: {e}. Try again.", bank.name),
        );
    }
    if let Err(e) = sb.store.delete_aggregator_link(&username, &bank.wid) {
        return storage_error(e);
    }
    Redirect::to("/aggregator").into_response()
}
