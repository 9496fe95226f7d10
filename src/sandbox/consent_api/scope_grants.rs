//! The System API's scope-grant operations (reference §1b): what a custom consent page reads
//! and decides, in any workspace; the workspace's consent profile checks an accept. Callers
//! need a System-workspace token with `manage_scope_grants`.

use crate::sandbox::authz::consent_session::{
    authentication_context, client_info, login_for_consent, redirect_to, requested_scopes,
};
use crate::sandbox::authz::request::Decision;
use crate::sandbox::config::TENANT;
use crate::sandbox::http::{api_error, injected_fault, system_token};
use crate::sandbox::profile::select::of;
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::LoginRow;
use crate::wire::{AcceptScopeGrant, RejectScopeGrant, ScopeGrantSession};
use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::Ordering;
use std::sync::Arc;

type Sb = State<Arc<Sandbox>>;

/// Checks the caller's token and applies any injected fault.
async fn guard(sb: &Sandbox, headers: &HeaderMap, tid: &str) -> Result<(), Response> {
    injected_fault(sb).await?;
    if tid != TENANT {
        return Err(api_error(StatusCode::NOT_FOUND, "tenant not found", "not_found"));
    }
    system_token(sb, headers, "manage_scope_grants")
}

/// `GET /api/system/{tid}/scope-grants/{login}?login_state=`: the consent session.
pub async fn session(
    State(sb): Sb,
    Path((tid, login)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    sb.stats.scope_grant_reads.fetch_add(1, Ordering::SeqCst);
    if let Err(r) = guard(&sb, &headers, &tid).await {
        return r;
    }
    let (row, request) = match login_for_consent(&sb, &login, q.get("login_state").map(String::as_str)) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some((_, _, client)) = sb.client(&row.client_id) else {
        return api_error(StatusCode::NOT_FOUND, "client not found", "not_found");
    };
    let subject = row.subject.clone().unwrap_or_default();
    let context = authentication_context(&sb, &subject);
    let requested_scopes = requested_scopes(&sb, &row.workspace, &request.scopes);
    let claims_to_consent = request
        .claims
        .as_ref()
        .and_then(|c| c.as_object())
        .map(|o| {
            let mut names: Vec<String> =
                o.values().filter_map(|v| v.as_object()).flat_map(|m| m.keys().cloned()).collect();
            names.sort();
            names.dedup();
            names
        })
        .unwrap_or_default();
    let mut query = BTreeMap::new();
    query.insert("client_id".to_string(), vec![request.client_id.clone()]);
    query.insert("redirect_uri".to_string(), vec![request.redirect_uri.clone()]);
    query.insert("scope".to_string(), vec![request.scopes.join(" ")]);
    if let Some(ui_locales) = &request.ui_locales {
        query.insert("ui_locales".to_string(), vec![ui_locales.clone()]);
    }
    // What this subject already granted this client, as the platform reports it.
    let granted_scopes = sb
        .store
        .grants(&row.workspace, &subject)
        .unwrap_or_default()
        .into_iter()
        .find(|g| g.0 == row.client_id)
        .map(|g| g.1)
        .unwrap_or_default();
    let session = ScopeGrantSession {
        id: row.id.clone(),
        tenant_id: TENANT.into(),
        server_id: row.workspace.clone(),
        client_id: row.client_id.clone(),
        subject,
        authentication_context: context,
        client_info: client_info(&client),
        requested_scopes,
        requested_claims: request.claims.clone(),
        requested_claims_to_consent: claims_to_consent,
        granted_scopes,
        request_query_params: query,
        requested_redirect_uri: Some(request.redirect_uri.clone()),
        scope_grant_approved: row.status == "accepted",
        scope_grant_rejected: row.status == "rejected",
    };
    Json(session).into_response()
}

/// Records a decision once. Repeating the same decision answers the same `redirect_to`
/// (a double submit is harmless); the opposite decision is a conflict.
fn decide(sb: &Sandbox, row: &LoginRow, status: &str, decision: &Decision) -> Response {
    sb.stats.scope_grant_decisions.fetch_add(1, Ordering::SeqCst);
    let encoded = serde_json::to_string(decision).unwrap_or_default();
    match sb.store.decide_login(&row.id, status, &encoded) {
        Ok(true) => Json(redirect_to(sb, row)).into_response(),
        Ok(false) if row.status == status => Json(redirect_to(sb, row)).into_response(),
        Ok(false) => api_error(StatusCode::CONFLICT, "the consent request was already decided", "conflict"),
        Err(e) => {
            tracing::error!(error = %e, "sandbox database error");
            api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal error", "internal")
        }
    }
}

/// `POST /api/system/{tid}/scope-grants/{login}/accept` with `AcceptScopeGrant`.
pub async fn accept(
    State(sb): Sb,
    Path((tid, login)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<Json<AcceptScopeGrant>, axum::extract::rejection::JsonRejection>,
) -> Response {
    if let Err(r) = guard(&sb, &headers, &tid).await {
        return r;
    }
    let Ok(Json(body)) = body else {
        return api_error(StatusCode::BAD_REQUEST, "invalid request body", "bad_request");
    };
    let (row, request) = match login_for_consent(&sb, &login, None) {
        Ok(x) => x,
        Err(r) => return r,
    };
    if body.id != row.id || body.login_state != row.login_state {
        return api_error(StatusCode::FORBIDDEN, "login_state does not match", "invalid_login_state");
    }
    match of(&sb, &row.workspace).accept_scope_grant(&request, body) {
        Ok(decision) => decide(&sb, &row, "accepted", &decision),
        Err(r) => r,
    }
}

/// `POST /api/system/{tid}/scope-grants/{login}/reject` with `RejectScopeGrant`.
pub async fn reject(
    State(sb): Sb,
    Path((tid, login)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<Json<RejectScopeGrant>, axum::extract::rejection::JsonRejection>,
) -> Response {
    if let Err(r) = guard(&sb, &headers, &tid).await {
        return r;
    }
    let Ok(Json(body)) = body else {
        return api_error(StatusCode::BAD_REQUEST, "invalid request body", "bad_request");
    };
    let (row, _) = match login_for_consent(&sb, &login, None) {
        Ok(x) => x,
        Err(r) => return r,
    };
    if body.id != row.id || body.login_state != row.login_state {
        return api_error(StatusCode::FORBIDDEN, "login_state does not match", "invalid_login_state");
    }
    let decision = Decision::Rejected {
        error: body.error,
        error_description: body.error_description,
        error_cause: body.error_cause,
    };
    decide(&sb, &row, "rejected", &decision)
}
