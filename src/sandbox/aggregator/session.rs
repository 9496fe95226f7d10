//! The aggregator's own accounts and sessions: its users (`demo`, password hashed as the
//! sandbox hashes its own), a session cookie (HttpOnly, SameSite=Lax, path `/aggregator`)
//! naming a server-side session, a new session at sign-in, and an anti-forgery token per
//! session that every POST carries.

use crate::sandbox::state::Sandbox;
use crate::sandbox::util::{hash_password, now, random_token, sha256_b64, verify_password};
use axum::http::{header, HeaderMap, HeaderValue};
use subtle::ConstantTimeEq;

/// The session cookie.
pub const COOKIE: &str = "sandbox_aggregator";
/// The aggregator's users: `(username, password)`, seeded at start.
const USERS: [(&str, &str); 1] = [("demo", "p@ssword!")];
/// How long a session lives.
const SESSION_TTL: i64 = 8 * 3600;
/// How long an authorization the session started may take at the bank.
pub const PENDING_TTL: i64 = 600;

/// A request's live session: its cookie's hash, its user (once signed in) and its form token.
pub struct Session {
    pub id_hash: String,
    pub username: Option<String>,
    pub csrf: String,
}

impl Session {
    /// Does `token` match this session's form token?
    pub fn form_ok(&self, token: &str) -> bool {
        !token.is_empty() && bool::from(self.csrf.as_bytes().ct_eq(token.as_bytes()))
    }
}

/// Seeds the aggregator's users (hashing their passwords once, on first start). Blocking.
pub fn seed_users(sb: &Sandbox) -> Result<(), String> {
    for (username, password) in USERS {
        if sb.store.aggregator_user(username).map_err(|e| e.to_string())?.is_none() {
            let hash = hash_password(password)?;
            sb.store.insert_aggregator_user(username, &hash).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// The request's session, if its cookie names a live one.
pub fn current(sb: &Sandbox, headers: &HeaderMap) -> Option<Session> {
    let id = crate::cookies::read_cookie(headers, COOKIE).filter(|v| (16..=64).contains(&v.len()))?;
    let id_hash = sha256_b64(id);
    let (username, csrf) = sb.store.aggregator_session(&id_hash, now()).ok()??;
    Some(Session { id_hash, username, csrf })
}

/// A new session (signed in as `username`, or not yet) and the cookie that names it.
pub fn start(sb: &Sandbox, username: Option<&str>) -> Result<(Session, HeaderValue), String> {
    let id = random_token(24);
    let session = Session { id_hash: sha256_b64(&id), username: username.map(str::to_string), csrf: random_token(24) };
    sb.store
        .insert_aggregator_session(&session.id_hash, username, &session.csrf, now() + SESSION_TTL)
        .map_err(|e| e.to_string())?;
    let cookie = format!("{COOKIE}={id}; Path=/aggregator; HttpOnly; SameSite=Lax; Max-Age={SESSION_TTL}");
    let value = HeaderValue::from_str(&cookie).map_err(|e| e.to_string())?;
    Ok((session, value))
}

/// The header that deletes the session cookie.
pub fn cleared_cookie() -> (header::HeaderName, HeaderValue) {
    (
        header::SET_COOKIE,
        HeaderValue::from_static("sandbox_aggregator=; Path=/aggregator; HttpOnly; SameSite=Lax; Max-Age=0"),
    )
}

/// Checks an aggregator user's password: throttled by address and username as the sandbox's
/// sign-in is, one bounded hash whether the user exists or not. `Err` with the seconds to wait.
pub async fn check_password(
    sb: &Sandbox,
    address: std::net::IpAddr,
    username: &str,
    password: &str,
) -> Result<bool, u64> {
    let now = now();
    let throttle_key = format!("aggregator:{username}");
    sb.throttle.check(address, &throttle_key, now)?;
    let Ok(Ok(_permit)) = tokio::time::timeout(std::time::Duration::from_secs(5), sb.hashing.acquire()).await else {
        return Err(5);
    };
    let known = sb.store.aggregator_user(username).ok().flatten();
    let exists = known.is_some();
    let hash = known.unwrap_or_else(|| sb.stand_in_hash.clone());
    let password = password.to_string();
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.unwrap_or(false);
    let ok = matches && exists;
    if ok {
        sb.throttle.succeeded(address, &throttle_key);
    } else {
        sb.throttle.failed(address, &throttle_key, now);
    }
    Ok(ok)
}
