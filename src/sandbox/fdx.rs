//! The FDX (Open Finance) profile of workspace `fdx`: consents made by PAR with `fdx_v1.0`
//! authorization details, the consent-page API (reference §1c), the management API (§1d(2)),
//! the recipient's consent resource APIs (§1d(2'')) and FDX token introspection (§1e).
//!
//! Consent statuses (System APIs): `AwaitingAuthorisation` → `Authorised` | `Rejected`, then
//! `Authorised` → `Revoked` | `Expired`. The recipient's `GET /consents/{id}` speaks FDX's own
//! vocabulary: `PENDING`, `ACTIVE`, `REJECTED`, `REVOKED`, `EXPIRED`. Revoking or expiring a
//! consent revokes every access and refresh token issued under it.

use super::{
    active_token, api_error, bank::fdx_error, bearer, check_workspace, mtls::PeerCert, now, oauth, oauth::AuthRequest,
    random_token, scope_grants, sha256_b64, store::FdxConsentRow, store::FdxDecision, Sandbox, TENANT,
};
use crate::wire::{
    fdx_status, AcceptFDXConsentRequest, FDXAuthorizationDetail, FDXConsent, FDXConsentRequest, FDXConsentRevocation,
    FDXConsentRevocationRecord, FDXConsents, FDXConsentsRequest, FDXGrantedResource, FDXIntrospection,
    FDXRequestedResource, GetFDXConsent, GetFDXConsentResponse, Introspection, RejectConsentRequest,
};
use axum::{
    body::Bytes,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Form, Json,
};
use std::collections::HashMap;
use std::sync::Arc;

type Sb = State<Arc<Sandbox>>;

/// The workspace with the FDX profile and the mock bank.
pub const WORKSPACE: &str = "fdx";
/// The scope of the consent-page and management APIs.
pub const MANAGE_SCOPE: &str = "manage_openbanking_consents";
const INTROSPECT_SCOPE: &str = "introspect_openbanking_tokens";
const DURATION_TYPES: [&str; 3] = ["ONE_TIME", "PERSISTENT", "TIME_BOUND"];
const INITIATORS: [&str; 6] =
    ["DATA_ACCESS_PLATFORM", "DATA_PROVIDER", "DATA_RECIPIENT", "INDIVIDUAL", "MERCHANT", "VENDOR"];
const REASONS: [&str; 2] = ["BUSINESS_RULE", "USER_ACTION"];
/// How long a `ONE_TIME` consent lasts once authorised.
const ONE_TIME_TTL: i64 = 3600;

fn db_failure(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "sandbox database error");
    api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal error", "internal")
}

fn rfc3339(t: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(t, 0).map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// Validates the `authorization_details` of a request: `None` when it has no `fdx_v1.0` entry.
pub fn parse_authorization_details(wid: &str, raw: &str) -> Result<Option<FDXConsentRequest>, String> {
    let details: Vec<serde_json::Value> =
        serde_json::from_str(raw).map_err(|_| "authorization_details must be a JSON array.".to_string())?;
    let mut fdx = None;
    for detail in details {
        match detail["type"].as_str() {
            Some("fdx_v1.0") if wid == WORKSPACE && fdx.is_none() => {
                let d: FDXAuthorizationDetail = serde_json::from_value(detail)
                    .map_err(|e| format!("Invalid fdx_v1.0 authorization detail: {e}"))?;
                fdx = Some(validate_consent_request(d.consent_request)?);
            }
            Some("fdx_v1.0") if wid == WORKSPACE => return Err("Only one fdx_v1.0 authorization detail.".into()),
            Some(t) => return Err(format!("Unsupported authorization_details type {t}.")),
            None => return Err("An authorization detail has no type.".into()),
        }
    }
    Ok(fdx)
}

fn validate_consent_request(mut r: FDXConsentRequest) -> Result<FDXConsentRequest, String> {
    let duration = r.duration_type.get_or_insert_with(|| "ONE_TIME".into()).clone();
    if !DURATION_TYPES.contains(&duration.as_str()) {
        return Err(format!("durationType must be one of {}.", DURATION_TYPES.join(", ")));
    }
    match (duration.as_str(), r.duration_period) {
        ("TIME_BOUND", Some(1..=3650)) => {}
        ("TIME_BOUND", _) => return Err("TIME_BOUND needs a durationPeriod of 1 to 3650 days.".into()),
        (_, Some(p)) if p < 1 => return Err("durationPeriod must be positive.".into()),
        _ => {}
    }
    if r.lookback_period.is_some_and(|l| !(0..=3650).contains(&l)) {
        return Err("lookbackPeriod must be 0 to 3650 days.".into());
    }
    if r.resources.is_empty() {
        return Err("consentRequest.resources must not be empty.".into());
    }
    let mut seen = Vec::new();
    for res in &r.resources {
        let valid = !res.resource_type.is_empty()
            && res.resource_type.chars().all(|c| c.is_ascii_uppercase() || c == '_')
            && res.data_clusters.iter().all(|c| !c.is_empty() && c.chars().all(|c| c.is_ascii_uppercase() || c == '_'));
        if !valid {
            return Err("Each resource needs an upper-case resourceType and dataClusters.".into());
        }
        if seen.contains(&res.resource_type) {
            return Err(format!("resourceType {} appears twice.", res.resource_type));
        }
        seen.push(res.resource_type.clone());
    }
    r.resources.iter_mut().for_each(|res| res.data_clusters.dedup());
    Ok(r)
}

/// Creates the consent an `fdx_v1.0` request asks for (status `AwaitingAuthorisation`).
pub fn create_consent(sb: &Sandbox, wid: &str, request: &mut AuthRequest) -> Result<(), super::store::DbError> {
    let Some(consent_request) = request.fdx_request.take() else { return Ok(()) };
    let now = now();
    let row = FdxConsentRow {
        id: random_token(18),
        workspace: wid.into(),
        client_id: request.client_id.clone(),
        subject: None,
        status: fdx_status::AWAITING_AUTHORISATION.into(),
        request: serde_json::to_string(&consent_request).unwrap_or_default(),
        granted: "[]".into(),
        revocation: None,
        created_at: now,
        updated_at: now,
        expires_at: None,
    };
    sb.store.insert_fdx_consent(&row)?;
    request.fdx_consent_id = Some(row.id);
    Ok(())
}

/// A consent, with its expiry applied (an authorised consent past its time becomes `Expired`).
fn load(sb: &Sandbox, id: &str) -> Option<FdxConsentRow> {
    let row = sb.store.fdx_consent(id).ok()??;
    if row.status == fdx_status::AUTHORISED && row.expires_at.is_some_and(|e| e <= now()) {
        let _ = sb.store.expire_fdx_consent(id, now());
        return sb.store.fdx_consent(id).ok()?;
    }
    Some(row)
}

pub fn consent_is_authorised(sb: &Sandbox, id: &str) -> bool {
    load(sb, id).is_some_and(|c| c.status == fdx_status::AUTHORISED)
}

fn request_of(row: &FdxConsentRow) -> FDXConsentRequest {
    serde_json::from_str(&row.request).unwrap_or_default()
}

fn granted_of(row: &FdxConsentRow) -> Vec<FDXGrantedResource> {
    serde_json::from_str(&row.granted).unwrap_or_default()
}

/// `FDXConsent` as the System APIs show it.
fn to_fdx_consent(sb: &Sandbox, row: &FdxConsentRow) -> FDXConsent {
    let req = request_of(row);
    FDXConsent {
        id: row.id.clone(),
        status: row.status.clone(),
        created_time: rfc3339(row.created_at),
        updated_time: rfc3339(row.updated_at),
        expiration_time: row.expires_at.and_then(rfc3339),
        duration_type: req.duration_type,
        duration_period: req.duration_period,
        lookback_period: req.lookback_period,
        resources: req.resources,
        granted_resources: granted_of(row),
        parties: vec![sb.bank.party.clone()],
        revocation_reason: row.revocation.as_deref().and_then(|r| serde_json::from_str(r).ok()),
        client_id: row.client_id.clone(),
        tenant_id: TENANT.into(),
        authorization_server_id: row.workspace.clone(),
    }
}

/// FDX's own status vocabulary, for the recipient.
fn fdx_standard_status(status: &str) -> &'static str {
    match status {
        fdx_status::AUTHORISED => "ACTIVE",
        fdx_status::REJECTED => "REJECTED",
        fdx_status::REVOKED => "REVOKED",
        fdx_status::EXPIRED => "EXPIRED",
        _ => "PENDING",
    }
}

/// `GetFDXConsent`: the recipient's view.
fn to_get_fdx_consent(sb: &Sandbox, row: &FdxConsentRow) -> GetFDXConsent {
    let req = request_of(row);
    GetFDXConsent {
        id: row.id.clone(),
        status: fdx_standard_status(&row.status).into(),
        created_time: rfc3339(row.created_at),
        expiration_time: row.expires_at.and_then(rfc3339),
        duration_type: req.duration_type,
        duration_period: req.duration_period,
        lookback_period: req.lookback_period,
        parties: vec![sb.bank.party.clone()],
        resources: granted_of(row),
    }
}

/// FDX introspection of a token in workspace `wid`: inactive unless the token is active and,
/// when it was issued under a consent, that consent is still authorised.
pub fn introspect_token(sb: &Sandbox, wid: &str, token: &str) -> FDXIntrospection {
    let inactive = FDXIntrospection::default();
    let Some(row) = active_token(sb, token).filter(|r| r.workspace == wid) else { return inactive };
    let (x5t, grant) = sb.store.token_binding(&sha256_b64(token)).unwrap_or_default();
    let consent = match grant {
        Some(id) => match load(sb, &id).filter(|c| c.status == fdx_status::AUTHORISED) {
            Some(c) => Some(to_get_fdx_consent(sb, &c)),
            None => return inactive,
        },
        None => None,
    };
    FDXIntrospection { token: oauth::introspection(sb, wid, row, x5t), fdx_consent: consent }
}

// ----- System API: consent page and management -------------------------------------------

/// A System-workspace caller with `manage_openbanking_consents` (and any injected fault).
async fn system_guard(sb: &Sandbox, headers: &HeaderMap, tid: &str, wid: &str) -> Result<(), Response> {
    scope_grants::injected_fault(sb).await?;
    if tid != TENANT || wid != "system" {
        return Err(api_error(StatusCode::NOT_FOUND, "not found", "not_found"));
    }
    match bearer(headers).and_then(|t| active_token(sb, t)) {
        Some(row) if row.workspace == "system" && row.scope.split_whitespace().any(|s| s == MANAGE_SCOPE) => Ok(()),
        Some(row) if row.workspace == "system" => {
            Err(api_error(StatusCode::FORBIDDEN, &format!("the token lacks {MANAGE_SCOPE}"), "insufficient_scope"))
        }
        _ => Err(api_error(StatusCode::UNAUTHORIZED, "invalid or expired access token", "unauthorized")),
    }
}

/// The FDX consent of a login awaiting (or holding) a decision.
fn login_consent(
    sb: &Sandbox,
    login: &str,
    login_state: Option<&str>,
) -> Result<(super::store::LoginRow, AuthRequest, FdxConsentRow), Response> {
    let (row, request) = scope_grants::login_for_consent(sb, login, login_state)?;
    let consent = request
        .fdx_consent_id
        .as_deref()
        .and_then(|id| load(sb, id))
        .ok_or_else(|| api_error(StatusCode::NOT_FOUND, "FDX consent not found for this login", "not_found"))?;
    Ok((row, request, consent))
}

fn not_awaiting(consent: &FdxConsentRow) -> Response {
    api_error(
        StatusCode::CONFLICT,
        &format!("the consent is {}, not awaiting authorisation", consent.status),
        "consent_not_awaiting_authorisation",
    )
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
        client_info: crate::wire::ClientInfo {
            client_name: client.client_name.clone(),
            client_uri: client.client_uri.clone(),
            description: client.description.clone(),
            logo_uri: client.logo_uri.clone(),
            policy_uri: client.policy_uri.clone(),
            tos_uri: client.tos_uri.clone(),
        },
        authentication_context: scope_grants::authentication_context(&sb, &subject),
        subject,
        requested_scopes: scope_grants::requested_scopes(&sb, &row.workspace, &request.scopes),
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
        return Json(scope_grants::redirect_to(&sb, &row)).into_response();
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
    let decision =
        oauth::Decision::Accepted { scopes: body.granted_scopes.clone(), claims: Vec::new(), consent_id: None };
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
        Ok(true) => Json(scope_grants::redirect_to(&sb, &row)).into_response(),
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
        return Json(scope_grants::redirect_to(&sb, &row)).into_response();
    }
    if row.status != "authenticated" || consent.status != fdx_status::AWAITING_AUTHORISATION {
        return not_awaiting(&consent);
    }
    let decision = oauth::Decision::Rejected {
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
        Ok(true) => Json(scope_grants::redirect_to(&sb, &row)).into_response(),
        Ok(false) => api_error(StatusCode::CONFLICT, "the consent request was already decided", "conflict"),
        Err(e) => db_failure(e),
    }
}

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
    let mut consents: Vec<FDXConsent> = rows
        .iter()
        .filter_map(|r| load(&sb, &r.id))
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

fn parse_revocation(body: &[u8]) -> Result<FDXConsentRevocation, Response> {
    let r: FDXConsentRevocation = serde_json::from_slice(body)
        .map_err(|_| api_error(StatusCode::BAD_REQUEST, "body must be {initiator, reason}", "bad_request"))?;
    if !INITIATORS.contains(&r.initiator.as_str()) || !REASONS.contains(&r.reason.as_str()) {
        return Err(api_error(
            StatusCode::BAD_REQUEST,
            &format!("initiator must be one of {}; reason one of {}", INITIATORS.join(", "), REASONS.join(", ")),
            "bad_request",
        ));
    }
    Ok(r)
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

// ----- Workspace APIs: FDX introspection and the recipient's consent resource ----------------

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
        _ => match oauth::authenticate_client(&sb, &wid, &headers, &p, cert.0.as_ref()) {
            Ok(c) => Some(c.client_id),
            Err(r) => return r,
        },
    };
    let Some(token) = p.get("token") else {
        return super::oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "Missing token.");
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_details_are_validated() {
        let ok = r#"[{"type":"fdx_v1.0","consentRequest":{"durationType":"TIME_BOUND","durationPeriod":90,"lookbackPeriod":365,
            "resources":[{"resourceType":"ACCOUNT","dataClusters":["ACCOUNT_DETAILED","TRANSACTIONS"]}]}}]"#;
        let r = parse_authorization_details(WORKSPACE, ok).unwrap().unwrap();
        assert_eq!(r.duration_period, Some(90));
        assert!(parse_authorization_details("demo", ok).is_err(), "fdx_v1.0 only in the FDX workspace");
        for bad in [
            "{}",
            r#"[{"type":"payment"}]"#,
            r#"[{"type":"fdx_v1.0","consentRequest":{"durationType":"TIME_BOUND","resources":[{"resourceType":"ACCOUNT"}]}}]"#,
            r#"[{"type":"fdx_v1.0","consentRequest":{"durationType":"FOREVER","resources":[{"resourceType":"ACCOUNT"}]}}]"#,
            r#"[{"type":"fdx_v1.0","consentRequest":{"resources":[]}}]"#,
            r#"[{"type":"fdx_v1.0","consentRequest":{"resources":[{"resourceType":"<b>"}]}}]"#,
        ] {
            assert!(parse_authorization_details(WORKSPACE, bad).is_err(), "{bad}");
        }
        let default = parse_authorization_details(
            WORKSPACE,
            r#"[{"type":"fdx_v1.0","consentRequest":{"resources":[{"resourceType":"CUSTOMER","dataClusters":["CUSTOMER_CONTACT"]}]}}]"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(default.duration_type.as_deref(), Some("ONE_TIME"));
    }
}
