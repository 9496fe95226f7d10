//! Token introspection (RFC 7662): for a bearer token with `introspect_tokens`, or for an
//! authenticated client about its own tokens. A token of an ended grant is inactive; the
//! consent profile adds its fields.

use crate::sandbox::authz::client_auth::authenticate_client;
use crate::sandbox::authz::introspection::introspection;
use crate::sandbox::authz::request::Params;
use crate::sandbox::http::{active_token, bearer, check_workspace, oauth_error, OAuthForm};
use crate::sandbox::mtls::PeerCert;
use crate::sandbox::profile::of;
use crate::sandbox::state::Sandbox;
use crate::sandbox::util::sha256_b64;
use crate::wire::Introspection;
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use std::sync::Arc;

type Sb = State<Arc<Sandbox>>;

pub async fn introspect(
    State(sb): Sb,
    Path((tid, wid)): Path<(String, String)>,
    PeerCert(cert): PeerCert,
    headers: HeaderMap,
    OAuthForm(p): OAuthForm<Params>,
) -> Response {
    if let Err(r) = check_workspace(&sb, &tid, &wid) {
        return r;
    }
    // Either a bearer token carrying `introspect_tokens`, or the client's own authentication.
    let caller = match bearer(&headers).and_then(|t| active_token(&sb, t)) {
        Some(row) if row.workspace == wid && row.scope.split_whitespace().any(|s| s == "introspect_tokens") => None,
        _ => match authenticate_client(&sb, &wid, &headers, &p, cert.as_ref(), "/oauth2/introspect") {
            Ok(c) => Some(c.client_id),
            Err(r) => return r,
        },
    };
    let inactive = Json(Introspection::default()).into_response();
    let Some(token) = p.get("token") else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "Missing token.");
    };
    let Some(row) = active_token(&sb, token) else { return inactive };
    if row.workspace != wid || caller.as_ref().is_some_and(|c| c != &row.client_id) {
        return inactive;
    }
    let hash = sha256_b64(token);
    let (x5t, grant) = sb.store.token_binding(&hash).unwrap_or_default();
    let profile = of(&sb, &wid);
    if grant.as_deref().is_some_and(|g| !profile.grant_is_active(&sb, g)) {
        return inactive;
    }
    Json(profile.introspect(&sb, &hash, introspection(&sb, &wid, row, x5t))).into_response()
}
