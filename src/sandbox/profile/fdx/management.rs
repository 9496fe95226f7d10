//! The FDX consent management API (reference §1d(2)), on the System workspace: listing a
//! workspace's consents and revoking one. Callers need a System-workspace token with
//! `manage_openbanking_consents`.

use crate::sandbox::authz::consent_session::system_guard;
use crate::sandbox::http::{api_error, check_workspace, db_failure};
use crate::sandbox::profile::fdx::consent::{load, parse_revocation, to_fdx_consent};
use crate::sandbox::state::Sandbox;
use crate::sandbox::util::now;
use crate::wire::{FDXConsent, FDXConsents, FDXConsentsRequest};
use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use std::sync::Arc;

type Sb = State<Arc<Sandbox>>;

/// `POST /{tid}/system/servers/{wid}/fdx/consents` with `FDXConsentsRequest` (an empty body
/// lists everything). Newest first; `order: "acs"` reverses. `after_consent_id` and
/// `before_consent_id` page from a consent of the same listing; `limit` defaults to 100.
pub async fn list(
    State(sb): Sb,
    Path((tid, wid, sid)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = system_guard(&sb, &headers, &tid, &wid).await {
        return r;
    }
    if let Err(r) = check_workspace(&sb, &tid, &sid) {
        return r;
    }
    let filter: FDXConsentsRequest = if body.iter().all(u8::is_ascii_whitespace) {
        FDXConsentsRequest::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(f) => f,
            Err(_) => return api_error(StatusCode::BAD_REQUEST, "invalid request body", "bad_request"),
        }
    };
    let rows = match sb.store.fdx_consents(&sid) {
        Ok(r) => r,
        Err(e) => return db_failure(e),
    };
    let now = now();
    let mut consents: Vec<FDXConsent> = rows
        .into_iter()
        .filter_map(|r| sb.store.settled(r, now).ok())
        .map(|r| to_fdx_consent(&sb, &r))
        .filter(|c| filter.client_id.as_ref().is_none_or(|id| &c.client_id == id))
        .filter(|c| filter.status.is_empty() || filter.status.iter().any(|s| s.eq_ignore_ascii_case(&c.status)))
        .filter(|c| {
            filter.resource.as_ref().is_none_or(|f| {
                c.granted_resources.iter().any(|g| g.resource_type == f.resource_type && f.ids.contains(&g.id))
            })
        })
        .collect();
    if filter.order.as_deref() == Some("acs") || filter.order.as_deref() == Some("asc") {
        consents.reverse();
    }
    let position = |list: &[FDXConsent], id: &str| list.iter().position(|c| c.id == id);
    if let Some(after) = filter.after_consent_id.as_deref() {
        let Some(at) = position(&consents, after) else {
            return api_error(StatusCode::BAD_REQUEST, "after_consent_id is not in this listing", "bad_request");
        };
        consents.drain(..=at);
    }
    if let Some(before) = filter.before_consent_id.as_deref() {
        let Some(at) = position(&consents, before) else {
            return api_error(StatusCode::BAD_REQUEST, "before_consent_id is not in this listing", "bad_request");
        };
        consents.truncate(at);
        let limit = filter.limit.unwrap_or(100).clamp(1, 1000);
        let from = consents.len().saturating_sub(limit);
        consents.drain(..from);
    }
    consents.truncate(filter.limit.unwrap_or(100).clamp(1, 1000));
    Json(FDXConsents { consents }).into_response()
}

/// `DELETE /{tid}/system/servers/{wid}/fdx/consents/{consentID}` with `{initiator, reason}`:
/// 204; 409 when the consent is not authorised (or awaiting authorisation) any more.
pub async fn revoke_by_id(
    State(sb): Sb,
    Path((tid, wid, sid, cid)): Path<(String, String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = system_guard(&sb, &headers, &tid, &wid).await {
        return r;
    }
    let revocation = match parse_revocation(&body) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let Some(consent) = load(&sb, &cid).filter(|c| c.workspace == sid) else {
        return api_error(StatusCode::NOT_FOUND, "consent not found", "not_found");
    };
    match sb.store.revoke_fdx_consent(&consent.id, &serde_json::to_string(&revocation).unwrap_or_default(), now()) {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        Ok(false) => api_error(StatusCode::CONFLICT, &format!("the consent is {}", consent.status), "conflict"),
        Err(e) => db_failure(e),
    }
}
