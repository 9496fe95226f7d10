//! The aggregator's routes under `/aggregator`: the dashboard (or its sign-in form), sign-in
//! and sign-out, Connect (at a UK bank, its account-access consent first; at a CDR bank, an
//! ongoing arrangement; then the way to the bank, `authorize`), Pay (a UK payment, `payment`),
//! the callback (checked by `authorize`, then the code exchanged for a connection, or the
//! payment made), and Disconnect (at a UK bank its consent ended, at a CDR bank its
//! arrangement; the tokens revoked at the bank, then forgotten). Every POST carries the
//! session's anti-forgery token.

use crate::sandbox::aggregator::authorize::{self, storage_error, unreachable, Answer};
use crate::sandbox::aggregator::cdr;
use crate::sandbox::aggregator::client::{self, Ask, BankInfo, Regime};
use crate::sandbox::aggregator::links::{self, Link};
use crate::sandbox::aggregator::pages;
use crate::sandbox::aggregator::payment;
use crate::sandbox::aggregator::session::{self, Session};
use crate::sandbox::aggregator::uk;
use crate::sandbox::state::Sandbox;
use axum::{
    extract::{ConnectInfo, Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Extension, Form,
};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

type Sb = State<Arc<Sandbox>>;
type Fields = Form<HashMap<String, String>>;

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
                let paid = match bank.regime {
                    Regime::Uk => sb.store.latest_aggregator_payment(&username, &bank.wid).ok().flatten(),
                    _ => None,
                };
                banks.push((bank, view, paid));
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
/// pushed request (naming that consent; at a CDR bank, asking for an ongoing arrangement), then
/// the bank.
pub async fn connect(State(sb): Sb, headers: HeaderMap, Form(form): Fields) -> Response {
    let (session, _) = match signed_in(&sb, &headers, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let bank = match bank_of(&sb, &form) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let reg = match client::registration(&sb, &bank).await {
        Ok(reg) => reg,
        Err(e) => return unreachable(&bank, &e),
    };
    let extra = match bank.regime {
        Regime::OpenBanking => Vec::new(),
        Regime::Uk => match uk::account_access_consent(&sb, &reg).await {
            Ok(consent) => vec![("claims", uk::intent_claims(&consent))],
            Err(e) => return unreachable(&bank, &e),
        },
        Regime::Cdr => cdr::par_params(),
    };
    let ask = Ask { scope: bank.regime.scope(), extra };
    match authorize::begin(&sb, &session, &bank, &reg, &ask).await {
        Ok((_, url)) => Redirect::to(&url).into_response(),
        Err(page) => page,
    }
}

/// `POST /aggregator/pay`: a UK payment (amount in pounds, payee's name, sort code and account
/// number, reference) from the customer's account at that bank, which they choose there.
pub async fn pay(State(sb): Sb, headers: HeaderMap, Form(form): Fields) -> Response {
    let (session, username) = match signed_in(&sb, &headers, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let bank = match bank_of(&sb, &form) {
        Ok(b) if b.regime == Regime::Uk => b,
        Ok(b) => {
            let message = format!("The aggregator makes payments at UK banks only, not at {}.", b.name);
            return pages::error(StatusCode::BAD_REQUEST, "Payments are not offered here", &message);
        }
        Err(r) => return r,
    };
    match payment::order_of(&form) {
        Ok(order) => payment::start(&sb, &session, &username, &bank, &order).await,
        Err(message) => pages::error(StatusCode::BAD_REQUEST, "Check the payment", &message),
    }
}

/// `GET /aggregator/callback`: back from a bank, with a payment's answer or a connection's.
pub async fn callback(State(sb): Sb, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    let back = match authorize::back(&sb, &headers, &q).await {
        Ok(back) => back,
        Err(page) => return page,
    };
    match sb.store.aggregator_payment(&back.state) {
        Ok(Some(paying)) => return payment::complete(&sb, &back, paying).await,
        Ok(None) => {}
        Err(e) => return storage_error(e),
    }
    let (bank, reg, username) = (&back.bank, &back.reg, &back.username);
    let code = match &back.answer {
        Answer::Code(code) => code,
        Answer::Refused { description, .. } => {
            let (status, title) = if back.answer.declined() {
                (StatusCode::OK, format!("{} was not connected", bank.name))
            } else {
                (StatusCode::BAD_GATEWAY, format!("{} could not connect", bank.name))
            };
            return pages::error(status, &title, &format!("{} said: {description}", bank.name));
        }
    };
    let tokens = match back.tokens(&sb, code).await {
        Ok(t) => t,
        Err(e) => return pages::error(StatusCode::BAD_GATEWAY, &format!("{} could not connect", bank.name), &e),
    };
    let link = Link::from_tokens(&tokens);
    if bank.regime == Regime::Cdr && link.arrangement_id.is_none() {
        // Its arrangement's id is how the connection is ended: without it, none is kept.
        revoke_all(&sb, bank, reg, &link).await.ok();
        return pages::error(
            StatusCode::BAD_GATEWAY,
            &format!("{} could not connect", bank.name),
            &format!("{} named no CDR arrangement for this connection, so it was not kept.", bank.name),
        );
    }
    // A connection made again replaces the old one: its tokens are revoked, not left behind.
    if let Ok(Some(old)) = links::load(&sb, username, &bank.wid) {
        revoke_all(&sb, bank, reg, &old).await.ok();
    }
    if let Err(e) = links::save(&sb, username, &bank.wid, &link) {
        return storage_error(e);
    }
    Redirect::to("/aggregator").into_response()
}

/// Revokes a link's tokens: at a UK bank first the consent they were issued under, at a CDR
/// bank the arrangement; then the refresh token (ending the authorization) and the access token.
async fn revoke_all(sb: &Sandbox, bank: &BankInfo, reg: &client::Registration, link: &Link) -> Result<(), String> {
    match (bank.regime, &link.arrangement_id) {
        (Regime::Uk, _) => {
            let tokens: Vec<&str> =
                link.refresh_token.iter().map(String::as_str).chain([link.access_token.as_str()]).collect();
            uk::end_consent(sb, reg, &tokens).await?;
        }
        (Regime::Cdr, Some(arrangement)) => cdr::end_arrangement(sb, reg, arrangement).await?,
        _ => {}
    }
    if let Some(refresh) = &link.refresh_token {
        client::revoke(sb, reg, refresh, "refresh_token").await?;
    }
    client::revoke(sb, reg, &link.access_token, "access_token").await
}

/// `POST /aggregator/disconnect`: the tokens revoked at the bank (at a UK bank, their consent
/// ended first; at a CDR bank, their arrangement), then forgotten.
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
