//! The System API's scope-grant operations (reference §1b): what a custom consent page reads
//! and decides. Callers need a System-workspace token with `manage_scope_grants`.

use super::{
    active_token, api_error, bearer, now,
    oauth::{AuthRequest, Decision},
    store::LoginRow,
    Fault, Sandbox, UserData, TENANT,
};
use crate::wire::{
    AcceptScopeGrant, ClientInfo, RedirectTo, RejectScopeGrant, RequestedScope, ScopeGrantSession, ScopeService,
};
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

/// Applies an injected fault, if any: an error answer, or a delay before the real one.
pub(super) async fn injected_fault(sb: &Sandbox) -> Result<(), Response> {
    match sb.fault() {
        Some(Fault::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut res = api_error(status, "injected fault", "fault");
            if code == 429 {
                res.headers_mut().insert("retry-after", axum::http::HeaderValue::from_static("2"));
            }
            return Err(res);
        }
        Some(Fault::Delay(d)) => tokio::time::sleep(d).await,
        Some(Fault::BadJson) => return Err((StatusCode::OK, "{\"id\": \"not json").into_response()),
        None => {}
    }
    Ok(())
}

/// Checks the caller's token and applies any injected fault.
async fn guard(sb: &Sandbox, headers: &HeaderMap, tid: &str) -> Result<(), Response> {
    injected_fault(sb).await?;
    if tid != TENANT {
        return Err(api_error(StatusCode::NOT_FOUND, "tenant not found", "not_found"));
    }
    let token = bearer(headers).and_then(|t| active_token(sb, t));
    match token {
        Some(row) if row.workspace == "system" && row.scope.split_whitespace().any(|s| s == "manage_scope_grants") => {
            Ok(())
        }
        Some(row) if row.workspace == "system" => {
            Err(api_error(StatusCode::FORBIDDEN, "the token lacks manage_scope_grants", "insufficient_scope"))
        }
        _ => Err(api_error(StatusCode::UNAUTHORIZED, "invalid or expired access token", "unauthorized")),
    }
}

/// A login that is signed in and awaiting (or holding) a consent decision.
pub(super) fn login_for_consent(
    sb: &Sandbox,
    login: &str,
    login_state: Option<&str>,
) -> Result<(LoginRow, AuthRequest), Response> {
    let not_found = || api_error(StatusCode::NOT_FOUND, "login not found", "not_found");
    let row = sb.store.login(login).ok().flatten().ok_or_else(not_found)?;
    let live = row.expires_at > now() && matches!(row.status.as_str(), "authenticated" | "accepted" | "rejected");
    if !live || login_state.is_some_and(|s| s != row.login_state) {
        return Err(not_found());
    }
    let request = serde_json::from_str(&row.request).map_err(|_| not_found())?;
    Ok((row, request))
}

pub async fn get(
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
        client_info: ClientInfo {
            client_name: client.client_name.clone(),
            client_uri: client.client_uri.clone(),
            description: client.description.clone(),
            logo_uri: client.logo_uri.clone(),
            policy_uri: client.policy_uri.clone(),
            tos_uri: client.tos_uri.clone(),
        },
        requested_scopes,
        requested_claims: request.claims.clone(),
        requested_claims_to_consent: claims_to_consent,
        granted_scopes,
        request_query_params: query,
        scope_grant_approved: row.status == "accepted",
        scope_grant_rejected: row.status == "rejected",
    };
    Json(session).into_response()
}

pub(super) fn redirect_to(sb: &Sandbox, row: &LoginRow) -> RedirectTo {
    let mut url = format!("{}/oauth2/authorize?", sb.issuer(&row.workspace));
    url.push_str(
        &url::form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &row.client_id)
            .append_pair("consent_verified", "true")
            .append_pair("login_id", &row.id)
            .append_pair("login_state", &row.login_state)
            .finish(),
    );
    RedirectTo { redirect_to: url }
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
    if request.fdx_consent_id.is_some() {
        // An FDX consent is decided with its accounts, through the FDX consent-page API.
        return api_error(
            StatusCode::BAD_REQUEST,
            "this is an FDX consent: use /fdx/fdx/{login}/accept",
            "invalid_request",
        );
    }
    if let Some(extra) = body.granted_scopes.iter().find(|s| !request.scopes.contains(s)) {
        return api_error(StatusCode::BAD_REQUEST, &format!("scope {extra} was not requested"), "invalid_scope");
    }
    let decision =
        Decision::Accepted { scopes: body.granted_scopes, claims: body.granted_claims, consent_id: body.consent_id };
    decide(&sb, &row, "accepted", &decision)
}

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

/// `authentication_context` of a signed-in user: `sub`, `email`, `name`, `customer_id`.
pub(super) fn authentication_context(sb: &Sandbox, subject: &str) -> serde_json::Map<String, serde_json::Value> {
    let user: Option<UserData> = sb.store.user(subject).ok().flatten().and_then(|(_, d)| serde_json::from_str(&d).ok());
    let mut context = serde_json::Map::new();
    context.insert("sub".into(), subject.into());
    if let Some(user) = user {
        context.insert("customer_id".into(), user.customer(subject).into());
        context.insert("email".into(), user.email.into());
        context.insert("name".into(), user.name.into());
    }
    context
}

/// `requested_scopes` with display names from a workspace's catalogue.
pub(super) fn requested_scopes(sb: &Sandbox, workspace: &str, scopes: &[String]) -> Vec<RequestedScope> {
    scopes
        .iter()
        .map(|name| match sb.scope(workspace, name) {
            Some((svc, scope)) => RequestedScope {
                id: format!("{}-{}", workspace, scope.name),
                name: scope.name.clone(),
                requested_name: Some(name.clone()),
                display_name: Some(scope.display_name.clone()),
                description: Some(scope.description.clone()),
                service: Some(ScopeService {
                    id: svc.id.clone(),
                    name: svc.name.clone(),
                    description: Some(svc.description.clone()),
                    kind: Some("user".into()),
                }),
                ..Default::default()
            },
            None => RequestedScope { name: name.clone(), requested_name: Some(name.clone()), ..Default::default() },
        })
        .collect()
}
