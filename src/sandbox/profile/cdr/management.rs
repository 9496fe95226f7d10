//! The CDR arrangements' management API (reference §1d (2')), for a System-workspace client
//! with `manage_openbanking_consents`: list a workspace's arrangements (`GET` with a query, or
//! `POST` with `CDRConsentsRequest`), and revoke one with every token issued under it.
//! Served under the client-derived prefix (`/{tid}/system/servers/{wid}/cdr/…`), as FDX's.
//!
//! Also the data holder's arrangement revocation endpoint (CDR standards, "CDR Arrangement
//! Revocation End Point"): `POST {issuer}/arrangements/revoke` with `cdr_arrangement_id`, for
//! the data recipient whose arrangement it is, client-authenticated as at the token endpoint.
//! It ends the arrangement exactly as the management `DELETE` does ([`end`]).

use crate::sandbox::authz::client_auth::authenticate_client;
use crate::sandbox::authz::consent_session::system_guard;
use crate::sandbox::authz::request::Params;
use crate::sandbox::http::{api_error, check_workspace, db_failure, page_of};
use crate::sandbox::mtls::PeerCert;
use crate::sandbox::profile::cdr::arrangement::{current, request_of, superseded, to_arrangement};
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::FdxConsentRow;
use crate::sandbox::util::now;
use crate::sandbox::workspace::ProfileKind;
use crate::wire::cdr::{status, CDRArrangements, CDRConsentsRequest};
use axum::{
    body::Bytes,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Form, Json,
};
use serde_json::{json, Value};
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
            "limit" => f.limit = v.parse().ok(),
            "after_consent_id" => f.after_consent_id = Some(v.into_owned()),
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
    let now = now();
    let arrangements = rows
        .into_iter()
        .filter(|r| !superseded(r))
        // An amendment is listed once given: pending or refused, it is not an arrangement.
        .filter(|r| {
            request_of(r).amends.is_none() || r.status != status::AWAITING_AUTHORISATION && r.status != status::REJECTED
        })
        .filter_map(|r| sb.store.settled(r, now).ok())
        .map(|row| to_arrangement(sb, &row))
        .filter(|a| f.client_id.as_ref().is_none_or(|c| &a.client_id == c))
        .filter(|a| f.customer_id.as_ref().is_none_or(|c| a.customer_id.as_ref() == Some(c)))
        .filter(|a| f.status.is_empty() || f.status.iter().any(|s| s.eq_ignore_ascii_case(&a.status)))
        .filter(|a| f.accounts.is_empty() || a.account_ids.iter().any(|id| f.accounts.contains(id)))
        .collect();
    let arrangements =
        page_of(arrangements, |a| a.cdr_arrangement_id.as_str(), f.after_consent_id.as_deref(), f.limit)?;
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
    let mut revocation = json!({"revocation_channel": "data_holder", "revocation_reason": "user_action"});
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if matches!(k.as_ref(), "revocation_channel" | "revocation_reason") && v.len() <= 64 {
            revocation[k.as_ref()] = Value::String(v.into_owned());
        }
    }
    end(&sb, &grant, &revocation)
}

/// Ends arrangement `grant` (its status `Revoked`, with `revocation` said why) and every token
/// issued under it: 204; 409 when it ended meanwhile.
fn end(sb: &Sandbox, grant: &FdxConsentRow, revocation: &Value) -> Response {
    match sb.store.revoke_fdx_consent(&grant.id, &revocation.to_string(), now()) {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        Ok(false) => api_error(StatusCode::CONFLICT, "the arrangement is no longer in force", "conflict"),
        Err(e) => db_failure(e),
    }
}

/// `ResponseErrorListV2` with one error, as the CDR standards answer.
pub fn cds_error(status: StatusCode, code: &str, title: &str) -> Response {
    (status, Json(json!({"errors": [{"code": code, "title": title, "detail": title}]}))).into_response()
}

/// `POST {issuer}/arrangements/revoke` (form: `cdr_arrangement_id`), by the data recipient
/// whose arrangement it is: 204 once ended, as the management `DELETE` ends it; 422
/// `InvalidArrangement` when no arrangement of that id is in force for this client.
pub async fn revoke_by_recipient(
    State(sb): Sb,
    Path((tid, wid)): Path<(String, String)>,
    PeerCert(cert): PeerCert,
    headers: HeaderMap,
    Form(p): Form<Params>,
) -> Response {
    if let Err(r) = check_workspace(&sb, &tid, &wid) {
        return r;
    }
    if sb.workspace(&wid).is_none_or(|w| w.profile != ProfileKind::Cdr) {
        return api_error(StatusCode::NOT_FOUND, "no CDR arrangements here", "not_found");
    }
    let client = match authenticate_client(&sb, &wid, &headers, &p, cert.as_ref(), "/arrangements/revoke") {
        Ok(c) => c,
        Err(r) => return r,
    };
    let id = p.get("cdr_arrangement_id").map(String::as_str).unwrap_or_default();
    let Some(grant) = current(&sb, &wid, id).filter(|g| !id.is_empty() && g.client_id == client.client_id) else {
        return cds_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "urn:au-cds:error:cds-all:Authorisation/InvalidArrangement",
            "cdr_arrangement_id does not name an arrangement of this client in force.",
        );
    };
    end(&sb, &grant, &json!({"revocation_channel": "data_recipient", "revocation_reason": "user_action"}))
}
