//! The two halves of an OpenID Connect sign-in, shared by the customers' portal and the staff
//! console: each has its own client, cookie and kind of session, and the same checks.

use super::context;
use crate::error::{AppError, Failure};
use crate::server::portal_auth::{PortalAuth, SignedIn};
use crate::server::sessions::{Kind, LOGIN_TIMEOUT};
use crate::server::AppState;

/// Starts a sign-in at `auth`: PKCE, state and nonce sealed into this browser's `cookie`
/// (nothing is stored on the server), and the browser sent to the authorization server.
pub async fn begin(state: &AppState, auth: &PortalAuth, kind: Kind, cookie: &str) -> Result<(), AppError> {
    let started = auth.start(state.upstream.http()).await.map_err(|e| {
        tracing::warn!(error = %e, ?kind, "a sign-in could not start");
        AppError::new(Failure::SignInUnavailable)
    })?;
    let sealed = state.sessions.seal_sign_in(kind, &started.state, &started.verifier, &started.nonce)?;
    let secure = state.csrf.is_secure();
    if let Some(c) = crate::cookies::cookie_header(cookie, &sealed, LOGIN_TIMEOUT, "Lax", secure) {
        context::set_cookie(c);
    }
    context::navigate(&started.url);
    Ok(())
}

/// Opens a session for a verified sign-in, for its `holder` (kind, subject, the bank customer,
/// the name shown, a staff member's reach), sets its `cookie` and sends the browser `home`.
/// The browser's earlier session of that kind, if any, ends, its token revoked at `auth`: on a
/// shared computer, the next person's sign-in leaves nothing of the last one's open.
pub async fn open_session(
    state: &AppState,
    auth: &PortalAuth,
    signed_in: &SignedIn,
    holder: crate::server::sessions::Holder<'_>,
    cookie: &str,
    home: &str,
) -> Result<(), AppError> {
    use crate::server::sessions::ABSOLUTE_TIMEOUT;
    let kind = holder.kind;
    let id = state.sessions.create_of(holder, &signed_in.access_token, signed_in.lifetime).await?;
    if let Some(earlier) = crate::cookies::read_cookie(&context::headers(), cookie) {
        end_earlier(state, auth, earlier, kind).await;
    }
    if let Some(c) = crate::cookies::cookie_header(cookie, &id, ABSOLUTE_TIMEOUT, "Lax", state.csrf.is_secure()) {
        context::set_cookie(c);
    }
    context::navigate(home);
    Ok(())
}

/// Ends the session `id` if it is one of `kind`, and revokes its token. The new one is open
/// already: a failure here is logged, and the old session ends at its timeouts.
async fn end_earlier(state: &AppState, auth: &PortalAuth, id: &str, kind: Kind) {
    let earlier = match state.sessions.get(id).await {
        Ok(Some(session)) if session.kind == kind => session,
        Ok(_) => return,
        Err(e) => return tracing::warn!(error = %e, ?kind, "the browser's earlier session could not be read"),
    };
    if let Err(e) = state.sessions.delete(id).await {
        tracing::warn!(error = %e, ?kind, "the browser's earlier session could not be ended");
    }
    if let Err(e) = auth.revoke(state.upstream.http(), &earlier.access_token).await {
        tracing::warn!(error = %e, ?kind, "the token of the browser's earlier session could not be revoked");
    }
}

/// What the authorization server sent back to the callback.
pub struct Callback {
    pub state: String,
    pub code: Option<String>,
    pub iss: Option<String>,
    pub error: Option<String>,
}

/// Finishes a sign-in at its callback: checks state against this browser's sealed `cookie`,
/// uses it once, checks `iss` (RFC 9207), exchanges the code with its PKCE verifier and
/// verifies the ID token. Clears the cookie.
pub async fn complete(
    state: &AppState,
    auth: &PortalAuth,
    kind: Kind,
    cookie: &str,
    back: Callback,
) -> Result<SignedIn, AppError> {
    use subtle::ConstantTimeEq;
    let headers = context::headers();
    let Some(sealed) = crate::cookies::read_cookie(&headers, cookie) else {
        return Err(Failure::SignInUnverified.into());
    };
    // Made by this Assent for this browser and this kind of sign-in, and not expired.
    let Some(pending) = state.sessions.open_sign_in(kind, sealed) else {
        return Err(Failure::SignInExpired.into());
    };
    if back.state.is_empty() || !bool::from(back.state.as_bytes().ct_eq(pending.state.as_bytes())) {
        return Err(Failure::SignInUnverified.into());
    }
    // Each sign-in finishes once: a replayed callback is refused.
    if !state.sessions.claim_sign_in(&pending.state, pending.expires_at).await? {
        return Err(Failure::SignInExpired.into());
    }
    if let Some(c) = crate::cookies::cookie_header(cookie, "", 0, "Lax", state.csrf.is_secure()) {
        context::set_cookie(c);
    }
    if back.error.is_some() {
        return Err(Failure::SignInDenied.into());
    }
    // RFC 9207: the response must come from the issuer the sign-in was sent to, and carry
    // `iss` when that server says it always does.
    let iss_matches = auth.iss_matches(state.upstream.http(), back.iss.as_deref()).await.map_err(|e| {
        tracing::warn!(error = %e, ?kind, "a sign-in could not check iss");
        AppError::new(Failure::SignInUnavailable)
    })?;
    if !iss_matches {
        return Err(Failure::SignInUnverified.into());
    }
    let code = back.code.ok_or(Failure::SignInUnverified)?;
    auth.finish(state.upstream.http(), code, pending.verifier, pending.nonce).await.map_err(|e| {
        tracing::warn!(error = %e, ?kind, "a sign-in failed");
        AppError::new(Failure::SignInFailed)
    })
}
