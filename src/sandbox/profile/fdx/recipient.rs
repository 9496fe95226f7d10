//! What an FDX data recipient calls in its workspace: FDX token introspection and the
//! consent resource (`GET /consents/{id}`, its revocation record, and revoking it).

use crate::sandbox::authz::client_auth::authenticate_client;
use crate::sandbox::http::{active_token, bearer, check_workspace, db_failure, fdx_error, oauth_error};
use crate::sandbox::mtls::PeerCert;
use crate::sandbox::profile::fdx::consent::{
    fdx_standard_status, introspect_token, load, parse_revocation, rfc3339, to_get_fdx_consent, INTROSPECT_SCOPE,
};
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::FdxConsentRow;
use crate::sandbox::util::{now, sha256_b64};
use crate::wire::{fdx_status, FDXConsentRevocation, FDXConsentRevocationRecord, FDXIntrospection, Introspection};
use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Form, Json,
};
use std::collections::HashMap;
use std::sync::Arc;

type Sb = State<Arc<Sandbox>>;

/// `POST /{tid}/{wid}/fdx/consents/introspect` (form `token`). The caller is a bearer token
/// with `introspect_openbanking_tokens`, or an authenticated client (its own tokens only).
pub async fn introspect(
    State(sb): Sb,
    Path((tid, wid)): Path<(String, String)>,
    cert: PeerCert,
    headers: HeaderMap,
    Form(p): Form<HashMap<String, String>>,
) -> Response {
    if let Err(r) = check_workspace(&sb, &tid, &wid) {
        return r;
    }
    let caller = match bearer(&headers).and_then(|t| active_token(&sb, t)) {
        Some(row) if row.workspace == wid && row.scope.split_whitespace().any(|s| s == INTROSPECT_SCOPE) => None,
        _ => match authenticate_client(&sb, &wid, &headers, &p, cert.0.as_ref(), "/fdx/consents/introspect") {
            Ok(c) => Some(c.client_id),
            Err(r) => return r,
        },
    };
    let Some(token) = p.get("token") else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "Missing token.");
    };
    let intro = introspect_token(&sb, &wid, token);
    if caller.is_some() && intro.token.client_id != caller {
        return Json(FDXIntrospection { token: Introspection::default(), fdx_consent: None }).into_response();
    }
    Json(intro).into_response()
}

/// The consent a recipient asks about, after checking its token: active, of this workspace,
/// issued to the consent's client, and presented with its certificate when bound.
fn recipient_consent(
    sb: &Sandbox,
    tid: &str,
    wid: &str,
    cid: &str,
    headers: &HeaderMap,
    cert: &PeerCert,
) -> Result<FdxConsentRow, Response> {
    check_workspace(sb, tid, wid).map_err(|_| fdx_error(StatusCode::NOT_FOUND, "Not found."))?;
    let unauthorized = |m: &str| fdx_error(StatusCode::UNAUTHORIZED, m);
    let token = bearer(headers).ok_or_else(|| unauthorized("A bearer access token is required."))?;
    let row = active_token(sb, token)
        .filter(|r| r.workspace == wid && r.kind == "access")
        .ok_or_else(|| unauthorized("The access token is not active."))?;
    let (x5t, _) = sb.store.token_binding(&sha256_b64(token)).unwrap_or_default();
    if let Some(expected) = x5t {
        if cert.0.as_ref().map(|c| c.thumbprint()) != Some(expected) {
            return Err(unauthorized("The token is bound to a certificate that was not presented."));
        }
    }
    load(sb, cid)
        .filter(|c| c.workspace == wid && c.client_id == row.client_id)
        .ok_or_else(|| fdx_error(StatusCode::NOT_FOUND, "Consent not found."))
}

/// `GET /{tid}/{wid}/consents/{consentID}` → `GetFDXConsent`.
pub async fn get_consent(
    State(sb): Sb,
    Path((tid, wid, cid)): Path<(String, String, String)>,
    cert: PeerCert,
    headers: HeaderMap,
) -> Response {
    match recipient_consent(&sb, &tid, &wid, &cid, &headers, &cert) {
        Ok(c) => Json(to_get_fdx_consent(&sb, &c)).into_response(),
        Err(r) => r,
    }
}

/// `GET /{tid}/{wid}/consents/{consentID}/revocation`: 404 unless revoked.
pub async fn get_revocation(
    State(sb): Sb,
    Path((tid, wid, cid)): Path<(String, String, String)>,
    cert: PeerCert,
    headers: HeaderMap,
) -> Response {
    let consent = match recipient_consent(&sb, &tid, &wid, &cid, &headers, &cert) {
        Ok(c) => c,
        Err(r) => return r,
    };
    if consent.status != fdx_status::REVOKED {
        return fdx_error(StatusCode::NOT_FOUND, "The consent is not revoked.");
    }
    let reason: Option<FDXConsentRevocation> = consent.revocation.as_deref().and_then(|r| serde_json::from_str(r).ok());
    Json(FDXConsentRevocationRecord {
        status: "REVOKED".into(),
        initiator: reason.as_ref().map(|r| r.initiator.clone()),
        reason: reason.map(|r| r.reason),
        updated_time: rfc3339(consent.updated_at),
    })
    .into_response()
}

/// `PUT /{tid}/{wid}/consents/{consentID}/revocation` with `{initiator, reason}`: 204, or 409
/// when the consent is already revoked (or otherwise not revocable).
pub async fn put_revocation(
    State(sb): Sb,
    Path((tid, wid, cid)): Path<(String, String, String)>,
    cert: PeerCert,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let consent = match recipient_consent(&sb, &tid, &wid, &cid, &headers, &cert) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let revocation = match parse_revocation(&body) {
        Ok(r) => r,
        Err(_) => return fdx_error(StatusCode::BAD_REQUEST, "Body must be {initiator, reason} with FDX values."),
    };
    match sb.store.revoke_fdx_consent(&consent.id, &serde_json::to_string(&revocation).unwrap_or_default(), now()) {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        Ok(false) => {
            fdx_error(StatusCode::CONFLICT, &format!("The consent is {}.", fdx_standard_status(&consent.status)))
        }
        Err(e) => db_failure(e),
    }
}
