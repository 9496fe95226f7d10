//! The CDR arrangements' management API (reference §1d (2')), for a System-workspace client
//! with `manage_openbanking_consents`: list a workspace's arrangements (`GET` with a query, or
//! `POST` with `CDRConsentsRequest`), and revoke one with every token issued under it.
//! Served under the client-derived prefix (`/{tid}/system/servers/{wid}/cdr/…`), as FDX's.

use crate::sandbox::authz::consent_session::system_guard;
use crate::sandbox::http::{api_error, check_workspace, db_failure};
use crate::sandbox::profile::cdr::arrangement::{current, load, request_of, superseded, to_arrangement};
use crate::sandbox::state::Sandbox;
use crate::sandbox::util::now;
use crate::wire::cdr::{status, CDRArrangements, CDRConsentsRequest};
use axum::{
    body::Bytes,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use std::sync::Arc;

type Sb = State<Arc<Sandbox>>;

/// The filters of a `GET`: `accounts` (repeated), `client_id`, `customer_id`, `status`
/// (repeated).
fn filter_of(query: Option<&str>) -> CDRConsentsRequest {
    let mut f = CDRConsentsRequest::default();
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            "accounts" => f.accounts.push(v.into_owned()),
            "client_id" => f.client_id = Some(v.into_owned()),
            "customer_id" => f.customer_id = Some(v.into_owned()),
            "status" => f.status.push(v.into_owned()),
            _ => {}
        }
    }
    f
}

/// Every arrangement of workspace `sid` (each grant not replaced by an amendment, and no
/// amendment not given), newest first, that passes the filters: sharing any of `accounts`, of `client_id`, of `customer_id`,
/// in one of `status`.
fn list_of(sb: &Sandbox, sid: &str, f: &CDRConsentsRequest) -> Result<CDRArrangements, Response> {
    let rows = sb.store.fdx_consents(sid).map_err(db_failure)?;
    let arrangements = rows
        .iter()
        .filter(|r| !superseded(r))
        // An amendment is listed once given: pending or refused, it is not an arrangement.
        .filter(|r| {
            request_of(r).amends.is_none() || r.status != status::AWAITING_AUTHORISATION && r.status != status::REJECTED
        })
        .filter_map(|r| load(sb, sid, &r.id))
        .map(|row| to_arrangement(sb, &row))
        .filter(|a| f.client_id.as_ref().is_none_or(|c| &a.client_id == c))
        .filter(|a| f.customer_id.as_ref().is_none_or(|c| a.customer_id.as_ref() == Some(c)))
        .filter(|a| f.status.is_empty() || f.status.iter().any(|s| s.eq_ignore_ascii_case(&a.status)))
        .filter(|a| f.accounts.is_empty() || a.account_ids.iter().any(|id| f.accounts.contains(id)))
        .collect();
    Ok(CDRArrangements { arrangements })
}

async fn answer(
    sb: &Sandbox,
    headers: &HeaderMap,
    tid: &str,
    wid: &str,
    sid: &str,
    f: &CDRConsentsRequest,
) -> Response {
    if let Err(r) = system_guard(sb, headers, tid, wid).await {
        return r;
    }
    if let Err(r) = check_workspace(sb, tid, sid) {
        return r;
    }
    match list_of(sb, sid, f) {
        Ok(list) => Json(list).into_response(),
        Err(r) => r,
    }
}

/// `GET /{tid}/system/servers/{wid}/cdr/arrangements[?accounts=…&customer_id=…&client_id=…]`.
pub async fn list(
    State(sb): Sb,
    Path((tid, wid, sid)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    answer(&sb, &headers, &tid, &wid, &sid, &filter_of(query.as_deref())).await
}

/// `POST /{tid}/system/servers/{wid}/cdr/arrangements` with `CDRConsentsRequest`.
pub async fn search(
    State(sb): Sb,
    Path((tid, wid, sid)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let filter = if body.is_empty() { Ok(CDRConsentsRequest::default()) } else { serde_json::from_slice(&body) };
    match filter {
        Ok(f) => answer(&sb, &headers, &tid, &wid, &sid, &f).await,
        Err(_) => api_error(StatusCode::BAD_REQUEST, "the body must be CDRConsentsRequest", "bad_request"),
    }
}

/// `DELETE /{tid}/system/servers/{wid}/cdr/arrangements/{arrangementID}`: 204; the
/// arrangement is `Revoked` and its tokens with it. 404 when no arrangement of that id is in
/// force.
pub async fn revoke(
    State(sb): Sb,
    Path((tid, wid, sid, aid)): Path<(String, String, String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = system_guard(&sb, &headers, &tid, &wid).await {
        return r;
    }
    if let Err(r) = check_workspace(&sb, &tid, &sid) {
        return r;
    }
    let Some(grant) = current(&sb, &sid, &aid) else {
        return api_error(StatusCode::NOT_FOUND, "arrangement not found", "not_found");
    };
    let mut revocation = serde_json::json!({"revocation_channel": "data_holder", "revocation_reason": "user_action"});
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if matches!(k.as_ref(), "revocation_channel" | "revocation_reason") && v.len() <= 64 {
            revocation[k.as_ref()] = serde_json::Value::String(v.into_owned());
        }
    }
    match sb.store.revoke_fdx_consent(&grant.id, &revocation.to_string(), now()) {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        Ok(false) => api_error(StatusCode::CONFLICT, "the arrangement is no longer in force", "conflict"),
        Err(e) => db_failure(e),
    }
}
