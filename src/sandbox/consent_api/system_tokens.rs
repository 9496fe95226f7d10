//! The System API's token revocation by consent (reference §1d (1')):
//! `DELETE /api/system/{tid}/servers/{wid}/tokens?consent_id=…` revokes the access and refresh
//! tokens issued under that consent record, 204. Callers need a System-workspace token with
//! `revoke_tokens`. The revocation by subjects (a body of `subjects[]`) is not served here.

use crate::sandbox::config::TENANT;
use crate::sandbox::http::{api_error, injected_fault, system_token};
use crate::sandbox::state::Sandbox;
use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use std::collections::HashMap;
use std::sync::Arc;

pub async fn revoke(
    State(sb): State<Arc<Sandbox>>,
    Path((tid, wid)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = injected_fault(&sb).await {
        return r;
    }
    if tid != TENANT || sb.workspace(&wid).is_none() {
        return api_error(StatusCode::NOT_FOUND, "workspace not found", "not_found");
    }
    if let Err(r) = system_token(&sb, &headers, "revoke_tokens") {
        return r;
    }
    let Some(consent) = q.get("consent_id").filter(|c| !c.is_empty()) else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "consent_id is required (the sandbox does not revoke by subjects)",
            "invalid_request",
        );
    };
    match sb.store.revoke_consent_tokens(&wid, consent) {
        Ok(n) => {
            sb.stats.consent_revokes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            tracing::info!(workspace = wid, revoked = n, "tokens of a consent revoked");
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "sandbox database error");
            api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal error", "internal")
        }
    }
}
