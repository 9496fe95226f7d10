//! Token revocation (RFC 7009): a client revokes its own tokens; revoking a refresh token ends
//! the whole authorization.

use crate::sandbox::authz::client_auth::authenticate_client;
use crate::sandbox::authz::request::Params;
use crate::sandbox::http::{active_token, check_workspace, db_failure, oauth_error, OAuthForm};
use crate::sandbox::mtls::PeerCert;
use crate::sandbox::state::Sandbox;
use crate::sandbox::util::sha256_b64;
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use std::sync::Arc;

type Sb = State<Arc<Sandbox>>;

pub async fn revoke(
    State(sb): Sb,
    Path((tid, wid)): Path<(String, String)>,
    PeerCert(cert): PeerCert,
    headers: HeaderMap,
    OAuthForm(p): OAuthForm<Params>,
) -> Response {
    if let Err(r) = check_workspace(&sb, &tid, &wid) {
        return r;
    }
    let client = match authenticate_client(&sb, &wid, &headers, &p, cert.as_ref(), "/oauth2/revoke") {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some(token) = p.get("token") else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "Missing token.");
    };
    if let Some(row) = active_token(&sb, token) {
        if row.workspace == wid && row.client_id == client.client_id {
            let result = if row.kind == "refresh" {
                // Revoking a refresh token ends the whole authorization (RFC 7009 §2.1).
                sb.store.revoke_family(&row.family).map(|_| ())
            } else {
                sb.store.revoke_token(&sha256_b64(token)).map(|_| ())
            };
            if let Err(e) = result {
                return db_failure(e);
            }
        }
    }
    // Unknown, foreign or already revoked tokens also answer 200 (RFC 7009 §2.2).
    StatusCode::OK.into_response()
}
