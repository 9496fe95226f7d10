//! The FDX consent-page API (reference §1c), on the System workspace: what a consent page reads
//! of an FDX consent awaiting authorisation, and its accept (with the accounts shared) or
//! reject. Callers need a System-workspace token with `manage_openbanking_consents`.

use crate::sandbox::authz::consent_session::{
    authentication_context, client_info, login_for_consent, not_awaiting, redirect_to, requested_scopes, system_guard,
};
use crate::sandbox::authz::request::{AuthRequest, Decision};
use crate::sandbox::config::TENANT;
use crate::sandbox::http::{api_error, db_failure};
use crate::sandbox::profile::fdx::consent::{load, request_of, rfc3339, to_fdx_consent, ONE_TIME_TTL};
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::{FdxConsentRow, FdxDecision, LoginRow};
use crate::sandbox::util::now;
use crate::wire::{
    fdx_status, AcceptFDXConsentRequest, FDXGrantedResource, FDXRequestedResource, GetFDXConsentResponse,
    RejectConsentRequest,
};
use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use std::collections::HashMap;
use std::sync::Arc;

type Sb = State<Arc<Sandbox>>;

/// The FDX consent of a login awaiting (or holding) a decision.
fn login_consent(
    sb: &Sandbox,
    login: &str,
    login_state: Option<&str>,
) -> Result<(LoginRow, AuthRequest, FdxConsentRow), Response> {
    let (row, request) = login_for_consent(sb, login, login_state)?;
    let consent = request
        .grant_id
        .as_deref()
        .and_then(|id| load(sb, id))
        .ok_or_else(|| api_error(StatusCode::NOT_FOUND, "FDX consent not found for this login", "not_found"))?;
    Ok((row, request, consent))
}

/// `GET /{tid}/system/fdx/fdx/{login}?login_state=`.
pub async fn get_login(
    State(sb): Sb,
    Path((tid, wid, login)): Path<(String, String, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = system_guard(&sb, &headers, &tid, &wid).await {
        return r;
    }
    let (row, request, consent) = match login_consent(&sb, &login, q.get("login_state").map(String::as_str)) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let viewable = consent.status == fdx_status::AWAITING_AUTHORISATION
        || (consent.status == fdx_status::AUTHORISED && row.status == "accepted");
    if !viewable {
        return not_awaiting(&consent);
    }
    let Some((_, _, client)) = sb.client(&row.client_id) else {
        return api_error(StatusCode::NOT_FOUND, "client not found", "not_found");
    };
    let subject = row.subject.clone().unwrap_or_default();
    let fdx_consent = to_fdx_consent(&sb, &consent);
    let body = GetFDXConsentResponse {
        consent_id: consent.id.clone(),
        client_id: row.client_id.clone(),
        client_info: client_info(&client),
        authentication_context: authentication_context(&sb, &subject),
        subject,
        requested_scopes: requested_scopes(&sb, &row.workspace, &request.scopes),
        account_ids: fdx_consent
            .granted_resources
            .iter()
            .filter(|r| r.resource_type == "ACCOUNT")
            .map(|r| r.id.clone())
            .collect(),
        created_at: rfc3339(consent.created_at),
        status: consent.status.clone(),
        kind: "fdx".into(),
        tenant_id: TENANT.into(),
        server_id: row.workspace.clone(),
        fdx_consent,
    };
    Json(body).into_response()
}

/// Checks an accept against the consent request and the subject's accounts: the granted
/// resources, with each resource's data clusters defaulting to the requested ones.
fn granted_resources(
    sb: &Sandbox,
    consent: &FdxConsentRow,
    subject: &str,
    body: &AcceptFDXConsentRequest,
) -> Result<Vec<FDXGrantedResource>, Response> {
    let bad = |m: String| api_error(StatusCode::BAD_REQUEST, &m, "invalid_request");
    if body.resources.is_empty() {
        return Err(bad("resources must not be empty".into()));
    }
    let requested: Vec<FDXRequestedResource> = request_of(consent).resources;
    let mut out: Vec<FDXGrantedResource> = Vec::new();
    for res in &body.resources {
        let Some(asked) = requested.iter().find(|r| r.resource_type == res.resource_type) else {
            return Err(bad(format!("resource type {:?} was not requested", res.resource_type)));
        };
        if let Some(extra) = res.data_clusters.iter().find(|c| !asked.data_clusters.contains(c)) {
            return Err(bad(format!("data cluster {extra} was not requested for {}", res.resource_type)));
        }
        if res.id.is_empty() {
            return Err(bad("every resource needs an id".into()));
        }
        if res.resource_type == "ACCOUNT" && !sb.bank.accounts_of(&sb.customer_of(subject)).any(|a| a.id == res.id) {
            let mut e = crate::wire::ApiError {
                status_code: 422,
                error: format!("account {} is not an account of the signed-in user", res.id),
                error_code: "invalid_account".into(),
                details: None,
            };
            e.details = Some(serde_json::json!({"account_id": res.id}));
            return Err((StatusCode::UNPROCESSABLE_ENTITY, Json(e)).into_response());
        }
        if out.iter().any(|o| o.id == res.id && o.resource_type == res.resource_type) {
            continue;
        }
        let clusters =
            if res.data_clusters.is_empty() { asked.data_clusters.clone() } else { res.data_clusters.clone() };
        out.push(FDXGrantedResource {
            id: res.id.clone(),
            resource_type: res.resource_type.clone(),
            data_clusters: clusters,
        });
    }
    Ok(out)
}

/// `POST /{tid}/system/fdx/fdx/{login}/accept` with `AcceptFDXConsentRequest`.
pub async fn accept(
    State(sb): Sb,
    Path((tid, wid, login)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Result<Json<AcceptFDXConsentRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    if let Err(r) = system_guard(&sb, &headers, &tid, &wid).await {
        return r;
    }
    let Ok(Json(body)) = body else {
        return api_error(StatusCode::BAD_REQUEST, "invalid request body", "bad_request");
    };
    let (row, request, consent) = match login_consent(&sb, &login, None) {
        Ok(x) => x,
        Err(r) => return r,
    };
    if body.login_state != row.login_state {
        return api_error(StatusCode::FORBIDDEN, "login_state does not match", "invalid_login_state");
    }
    if row.status == "accepted" && consent.status == fdx_status::AUTHORISED {
        // A double submit: the same answer.
        return Json(redirect_to(&sb, &row)).into_response();
    }
    if row.status != "authenticated" || consent.status != fdx_status::AWAITING_AUTHORISATION {
        return not_awaiting(&consent);
    }
    if let Some(extra) = body.granted_scopes.iter().find(|s| !request.scopes.contains(s)) {
        return api_error(StatusCode::BAD_REQUEST, &format!("scope {extra} was not requested"), "invalid_scope");
    }
    let subject = row.subject.clone().unwrap_or_default();
    let granted = match granted_resources(&sb, &consent, &subject, &body) {
        Ok(g) => g,
        Err(r) => return r,
    };
    let req = request_of(&consent);
    let now = now();
    let expires_at = match req.duration_type.as_deref() {
        Some("TIME_BOUND") => Some(now + req.duration_period.unwrap_or(1) * 86_400),
        Some("PERSISTENT") => None,
        _ => Some(now + ONE_TIME_TTL),
    };
    let decision = Decision::Accepted { scopes: body.granted_scopes.clone(), claims: Vec::new(), consent_id: None };
    let decided = sb.store.decide_fdx(
        &FdxDecision {
            login_id: &row.id,
            login_status: "accepted",
            decision: &serde_json::to_string(&decision).unwrap_or_default(),
            consent_id: &consent.id,
            consent_status: fdx_status::AUTHORISED,
            granted: &serde_json::to_string(&granted).unwrap_or_default(),
            expires_at,
        },
        now,
    );
    match decided {
        Ok(true) => Json(redirect_to(&sb, &row)).into_response(),
        Ok(false) => api_error(StatusCode::CONFLICT, "the consent request was already decided", "conflict"),
        Err(e) => db_failure(e),
    }
}

/// `POST /{tid}/system/fdx/fdx/{login}/reject` with `RejectConsentRequest`.
pub async fn reject(
    State(sb): Sb,
    Path((tid, wid, login)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Result<Json<RejectConsentRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    if let Err(r) = system_guard(&sb, &headers, &tid, &wid).await {
        return r;
    }
    let Ok(Json(body)) = body else {
        return api_error(StatusCode::BAD_REQUEST, "invalid request body", "bad_request");
    };
    let (row, _, consent) = match login_consent(&sb, &login, None) {
        Ok(x) => x,
        Err(r) => return r,
    };
    if body.id != row.id || body.login_state != row.login_state {
        return api_error(StatusCode::FORBIDDEN, "login_state does not match", "invalid_login_state");
    }
    if row.status == "rejected" && consent.status == fdx_status::REJECTED {
        return Json(redirect_to(&sb, &row)).into_response();
    }
    if row.status != "authenticated" || consent.status != fdx_status::AWAITING_AUTHORISATION {
        return not_awaiting(&consent);
    }
    let decision = Decision::Rejected {
        error: body.error,
        error_description: body.error_description,
        error_cause: body.error_cause,
    };
    let decided = sb.store.decide_fdx(
        &FdxDecision {
            login_id: &row.id,
            login_status: "rejected",
            decision: &serde_json::to_string(&decision).unwrap_or_default(),
            consent_id: &consent.id,
            consent_status: fdx_status::REJECTED,
            granted: "[]",
            expires_at: None,
        },
        now(),
    );
    match decided {
        Ok(true) => Json(redirect_to(&sb, &row)).into_response(),
        Ok(false) => api_error(StatusCode::CONFLICT, "the consent request was already decided", "conflict"),
        Err(e) => db_failure(e),
    }
}
