//! The way to a bank and back, the same for a connection and for a payment: a pushed request
//! (RFC 9126) with PKCE and a state kept for this session, then the bank's authorize URL with
//! only `client_id` and `request_uri`; on the way back the state (of this session, not
//! expired, spent once), `iss` of the bank it went to (RFC 9207), then the bank's answer: a
//! code to exchange, or a refusal.

use crate::sandbox::aggregator::client::{self, Ask, BankInfo, Grant, Registration};
use crate::sandbox::aggregator::pages;
use crate::sandbox::aggregator::session::{self, Session, PENDING_TTL};
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::PendingConnection;
use crate::sandbox::util::{now, random_token};
use crate::wire::TokenResponse;
use axum::{
    http::{HeaderMap, StatusCode},
    response::Response,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

pub fn storage_error(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "aggregator store");
    pages::error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "The aggregator could not save its records. Try again.",
    )
}

/// The page saying `bank` could not be reached, because of `e`.
pub fn unreachable(bank: &BankInfo, e: &str) -> Response {
    tracing::warn!(bank = bank.wid, error = %e, "aggregator");
    pages::error(
        StatusCode::BAD_GATEWAY,
        &format!("{} cannot be reached", bank.name),
        &format!("The aggregator could not start with {}: {e}", bank.name),
    )
}

/// Pushes `ask` to `reg`'s bank for `session`: the state it is kept under, and the bank's
/// authorize URL to send the browser to.
pub async fn begin(
    sb: &Sandbox,
    session: &Session,
    bank: &BankInfo,
    reg: &Registration,
    ask: &Ask,
) -> Result<(String, String), Response> {
    let (state, verifier) = (random_token(24), random_token(48));
    let pending = PendingConnection {
        session_hash: session.id_hash.clone(),
        bank: bank.wid.clone(),
        verifier: verifier.clone(),
        expires_at: now() + PENDING_TTL,
    };
    sb.store.insert_aggregator_pending(&state, &pending).map_err(storage_error)?;
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    match client::push(sb, reg, &state, &challenge, ask).await {
        Ok(url) => Ok((state, url)),
        Err(e) => Err(unreachable(bank, &e)),
    }
}

/// What a bank answered, checked.
pub struct Back {
    pub username: String,
    pub bank: BankInfo,
    pub reg: Registration,
    /// The state the authorization was started with.
    pub state: String,
    verifier: String,
    pub answer: Answer,
}

pub enum Answer {
    Code(String),
    /// The bank's `error` and its description.
    Refused {
        error: String,
        description: String,
    },
}

impl Answer {
    /// Did the customer say no? (`access_denied`, or `rejected` as a UK bank answers a
    /// refused consent.)
    pub fn declined(&self) -> bool {
        matches!(self, Answer::Refused { error, .. } if error == "access_denied" || error == "rejected")
    }
}

impl Back {
    /// Exchanges the code (with the PKCE verifier) for tokens; else the bank's refusal.
    pub async fn tokens(&self, sb: &Sandbox, code: &str) -> Result<TokenResponse, String> {
        let grant = Grant::Code { code, verifier: &self.verifier };
        client::tokens(sb, &self.reg, grant).await.map_err(|e| e.message)
    }
}

fn unexpected(message: &str) -> Response {
    pages::error(StatusCode::BAD_REQUEST, "Unexpected answer from a bank", message)
}

/// `GET /aggregator/callback`'s checks: an answer to an authorization this session started,
/// in time, from the authorization server it went to.
pub async fn back(sb: &Sandbox, headers: &HeaderMap, q: &HashMap<String, String>) -> Result<Back, Response> {
    let state = q.get("state").map(String::as_str).unwrap_or_default();
    let session = session::current(sb, headers);
    let pending = if state.is_empty() { None } else { sb.store.take_aggregator_pending(state).ok().flatten() };
    let (Some(session), Some(pending)) = (session, pending) else {
        return Err(unexpected(
            "This answer does not belong to a connection started in this browser. Start again from the aggregator.",
        ));
    };
    let (Some(username), true) = (session.username.clone(), session.id_hash == pending.session_hash) else {
        return Err(unexpected(
            "This answer does not belong to a connection started in this session. Start again from the aggregator.",
        ));
    };
    if pending.expires_at <= now() {
        return Err(pages::error(StatusCode::BAD_REQUEST, "This took too long", "Start again from the aggregator."));
    }
    let Some(bank) = client::banks(sb).into_iter().find(|b| b.wid == pending.bank) else {
        return Err(pages::error(StatusCode::NOT_FOUND, "Unknown bank", "The aggregator does not know this bank."));
    };
    let reg = match client::registration(sb, &bank).await {
        Ok(reg) => reg,
        Err(e) => return Err(pages::error(StatusCode::BAD_GATEWAY, &format!("{} cannot be reached", bank.name), &e)),
    };
    // RFC 9207: the answer must come from the authorization server the request went to (an
    // answer from another one is a mix-up attack, or a mistake; its code is never used).
    if q.get("iss") != Some(&reg.issuer) {
        return Err(pages::error(
            StatusCode::BAD_REQUEST,
            "Answer from the wrong bank",
            &format!(
                "The aggregator sent you to {}, but this answer comes from another authorization server ({}). Nothing was done.",
                bank.name,
                q.get("iss").map(String::as_str).unwrap_or("none named")
            ),
        ));
    }
    let answer = match (q.get("error"), q.get("code")) {
        (Some(error), _) => Answer::Refused {
            error: error.clone(),
            description: q.get("error_description").cloned().unwrap_or_else(|| error.clone()),
        },
        (None, Some(code)) => Answer::Code(code.clone()),
        (None, None) => return Err(unexpected("The bank's answer has no code.")),
    };
    Ok(Back { username, bank, reg, state: state.to_string(), verifier: pending.verifier, answer })
}
