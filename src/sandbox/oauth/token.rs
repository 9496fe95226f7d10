//! The token endpoint: the authorization code (with PKCE and the redirect URI it was issued
//! for), refresh (rotating, with reuse detection) and client credentials grants. Tokens of a
//! profile's grant are issued only while it is in force.

use crate::sandbox::authz::client_auth::authenticate_client;
use crate::sandbox::authz::request::{CodeData, Params};
use crate::sandbox::http::{bound_to, check_workspace, db_failure, oauth_error, OAuthForm};
use crate::sandbox::mtls::{ClientCert, PeerCert};
use crate::sandbox::oauth::issue::issue_tokens;
use crate::sandbox::profile::of;
use crate::sandbox::state::Sandbox;
use crate::sandbox::util::{now, random_token, sha256_b64};
use crate::sandbox::workspace::ClientData;
use crate::wire::TokenResponse;
use axum::{
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use subtle::ConstantTimeEq;

type Sb = State<Arc<Sandbox>>;

pub async fn token(
    State(sb): Sb,
    Path((tid, wid)): Path<(String, String)>,
    PeerCert(cert): PeerCert,
    headers: HeaderMap,
    OAuthForm(p): OAuthForm<Params>,
) -> Response {
    if let Err(r) = check_workspace(&sb, &tid, &wid) {
        return r;
    }
    let client = match authenticate_client(&sb, &wid, &headers, &p, cert.as_ref(), "/oauth2/token") {
        Ok(c) => c,
        Err(r) => return r,
    };
    // Tokens of Assent's System client; the bank's reader's are counted apart.
    let counter = match client.client_id.as_str() {
        crate::sandbox::bank::internal::BANK_READER => &sb.stats.bank_tokens,
        _ => &sb.stats.system_tokens,
    };
    if wid == "system" {
        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
    // RFC 8705 §3: tokens of certificate-authenticated clients are bound to the certificate.
    let x5t = match &cert {
        Some(c) if client.uses_mtls() || client.tls_client_certificate_bound_access_tokens => Some(c.thumbprint()),
        None if client.tls_client_certificate_bound_access_tokens => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "This client's tokens are certificate-bound: call the mutual-TLS endpoint.",
            )
        }
        _ => None,
    };
    let grant_type = p.get("grant_type").map(String::as_str).unwrap_or_default();
    if !client.grant_types.iter().any(|g| g == grant_type) {
        return oauth_error(StatusCode::BAD_REQUEST, "unauthorized_client", "The client may not use this grant type.");
    }
    let result = match grant_type {
        "authorization_code" => code_grant(&sb, &wid, &client, &p, x5t),
        "refresh_token" => refresh_grant(&sb, &wid, &client, &p, cert.as_ref(), x5t),
        "client_credentials" => {
            let scopes: Vec<String> = match p.get("scope") {
                Some(s) => s.split_whitespace().map(str::to_string).collect(),
                None => client.scopes.clone(),
            };
            if let Some(bad) = scopes.iter().find(|s| !client.scopes.contains(s)) {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    &format!("The client may not request {bad}."),
                );
            }
            issue_tokens(&sb, &wid, &client.client_id, None, &scopes, &random_token(16), None, (x5t, None), false)
        }
        _ => Err(oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", "Unsupported grant_type.")),
    };
    match result {
        Ok(tokens) => {
            let mut res = Json(tokens).into_response();
            res.headers_mut().insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
            res
        }
        Err(r) => r,
    }
}

fn code_grant(
    sb: &Sandbox,
    wid: &str,
    client: &ClientData,
    p: &Params,
    x5t: Option<String>,
) -> Result<TokenResponse, Response> {
    let invalid = |d: &str| oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", d);
    let code = p.get("code").ok_or_else(|| invalid("Missing code."))?;
    let (data, exp, family) = match sb.store.redeem_code(&sha256_b64(code)).map_err(db_failure)? {
        None => return Err(invalid("Unknown code.")),
        Some(Err(family)) => {
            // A code used twice: revoke what the first use issued (RFC 6749 §4.1.2).
            let _ = sb.store.revoke_family(&family);
            return Err(invalid("The code was already used."));
        }
        Some(Ok(x)) => x,
    };
    let data: CodeData = serde_json::from_str(&data).map_err(db_failure)?;
    if exp <= now() {
        return Err(invalid("The code has expired."));
    }
    if data.workspace != wid || data.client_id != client.client_id {
        return Err(invalid("The code was issued to another client."));
    }
    match p.get("redirect_uri") {
        Some(r) if r != &data.redirect_uri => return Err(invalid("redirect_uri does not match.")),
        None if data.redirect_uri_given => {
            return Err(invalid("redirect_uri is required: the authorization request named one."))
        }
        _ => {}
    }
    match (&data.code_challenge, p.get("code_verifier")) {
        (Some(challenge), Some(verifier)) => {
            let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
            if !bool::from(computed.as_bytes().ct_eq(challenge.as_bytes())) {
                return Err(invalid("PKCE verification failed."));
            }
        }
        (Some(_), None) => return Err(invalid("Missing code_verifier.")),
        (None, Some(_)) => return Err(invalid("No code_challenge was sent for this code.")),
        (None, None) => {}
    }
    let profile = of(sb, wid);
    if let Some(grant) = &data.grant_id {
        if !profile.grant_is_active(sb, grant) {
            return Err(invalid("The consent is not authorised."));
        }
    }
    let refresh = profile.offers_refresh(sb, data.grant_id.as_deref(), &data.scopes)
        && client.grant_types.iter().any(|g| g == "refresh_token");
    let tokens = issue_tokens(
        sb,
        wid,
        &client.client_id,
        Some((&data.subject, data.auth_time)),
        &data.scopes,
        &family,
        data.nonce.as_deref(),
        (x5t, data.grant_id.clone()),
        refresh,
    )?;
    profile.tokens_issued(sb, &tokens, data.consent_id.as_deref()).map_err(db_failure)?;
    Ok(profile.token_response(sb, tokens))
}

fn refresh_grant(
    sb: &Sandbox,
    wid: &str,
    client: &ClientData,
    p: &Params,
    cert: Option<&ClientCert>,
    x5t: Option<String>,
) -> Result<TokenResponse, Response> {
    let invalid = |d: &str| oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", d);
    let token = p.get("refresh_token").ok_or_else(|| invalid("Missing refresh_token."))?;
    let hash = sha256_b64(token);
    let row = sb
        .store
        .token(&hash)
        .map_err(db_failure)?
        .filter(|r| r.kind == "refresh")
        .ok_or_else(|| invalid("The refresh token is not active."))?;
    if row.workspace != wid || row.client_id != client.client_id {
        return Err(invalid("The refresh token was issued to another client."));
    }
    if row.expires_at <= now() {
        return Err(invalid("The refresh token is not active."));
    }
    // A refresh token bound to a certificate (RFC 8705 §3) is used only with it.
    if !bound_to(sb, token, cert) {
        return Err(invalid("The refresh token is bound to another certificate."));
    }
    let granted: Vec<String> = row.scope.split_whitespace().map(str::to_string).collect();
    let scopes = match p.get("scope") {
        Some(s) => {
            let asked: Vec<String> = s.split_whitespace().map(str::to_string).collect();
            if asked.iter().any(|a| !granted.contains(a)) {
                return Err(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    "Cannot widen the scope on refresh.",
                ));
            }
            asked
        }
        None => granted,
    };
    let (_, grant_id) = sb.store.token_binding(&hash).map_err(db_failure)?;
    let profile = of(sb, wid);
    if let Some(grant) = &grant_id {
        if !profile.grant_is_active(sb, grant) {
            return Err(invalid("The consent is not authorised."));
        }
    }
    // Rotation, claimed atomically: of two requests with one refresh token, one wins. A refresh
    // token used again after rotation was stolen or replayed: the whole authorization ends
    // (RFC 9700 §4.14.2).
    if !sb.store.revoke_token(&hash).map_err(db_failure)? {
        sb.store.revoke_family(&row.family).map_err(db_failure)?;
        return Err(invalid("The refresh token was already used; the authorization is revoked."));
    }
    let subject = row.subject.clone().unwrap_or_default();
    let consent = sb.store.consent_of(&hash).map_err(db_failure)?;
    let tokens = issue_tokens(
        sb,
        wid,
        &client.client_id,
        Some((&subject, row.issued_at)),
        &scopes,
        &row.family,
        None,
        (x5t, grant_id),
        true,
    )?;
    profile.tokens_issued(sb, &tokens, consent.as_deref()).map_err(db_failure)?;
    Ok(profile.token_response(sb, tokens))
}
