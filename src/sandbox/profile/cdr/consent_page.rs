//! The CDR consent-page API (reference §1c), on the System workspace:
//! `GET /{tid}/system/cdr/cdr-arrangement/{login}?login_state=`, and its accept (with the
//! accounts the customer chose and the customer's id) and reject. Callers need a
//! System-workspace token with `manage_openbanking_consents`.
//!
//! An amendment is shown with the arrangement it replaces (`previous_cdr_arrangement`) only
//! to that arrangement's customer: for anyone else, and once it has ended, the login's
//! arrangement is not found.

use crate::sandbox::authz::consent_session::{
    authentication_context, client_info, login_for_consent, not_awaiting, redirect_to, requested_scopes, system_guard,
};
use crate::sandbox::authz::request::{AuthRequest, Decision};
use crate::sandbox::http::{api_error, db_failure};
use crate::sandbox::profile::cdr::arrangement::{expiry_from, load, request_of, to_arrangement, CdrGranted};
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::{FdxConsentRow, FdxDecision, LoginRow};
use crate::sandbox::util::now;
use crate::wire::cdr::{status, AcceptCDRConsentRequest, GetCDRConsentResponse, RejectCDRConsentRequest};
use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use std::collections::HashMap;
use std::sync::Arc;

type Sb = State<Arc<Sandbox>>;

/// The login's grant, and the grant it amends (in force, and the signed-in customer's).
struct Session {
    row: LoginRow,
    request: AuthRequest,
    grant: FdxConsentRow,
    previous: Option<FdxConsentRow>,
}

fn not_found() -> Response {
    api_error(StatusCode::NOT_FOUND, "cdr arrangement not found for this login", "not_found")
}

fn session(sb: &Sandbox, login: &str, login_state: Option<&str>) -> Result<Session, Response> {
    let (row, request) = login_for_consent(sb, login, login_state)?;
    let grant = request.grant_id.as_deref().and_then(|id| load(sb, &row.workspace, id)).ok_or_else(not_found)?;
    let previous = match request_of(&grant).amends {
        None => None,
        Some(id) => {
            let customer = sb.customer_of(row.subject.as_deref().unwrap_or_default());
            let previous = load(sb, &row.workspace, &id)
                .filter(|p| p.subject.as_deref().is_some_and(|s| sb.customer_of(s) == customer))
                .ok_or_else(not_found)?;
            // Once the amendment is given, the grant it replaced is no longer in force.
            if previous.status != status::AUTHORISED && grant.status == status::AWAITING_AUTHORISATION {
                return Err(not_found());
            }
            Some(previous)
        }
    };
    Ok(Session { row, request, grant, previous })
}

/// `GET /{tid}/system/cdr/cdr-arrangement/{login}?login_state=`.
pub async fn get_login(
    State(sb): Sb,
    Path((tid, wid, login)): Path<(String, String, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = system_guard(&sb, &headers, &tid, &wid).await {
        return r;
    }
    let s = match session(&sb, &login, q.get("login_state").map(String::as_str)) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let viewable = s.grant.status == status::AWAITING_AUTHORISATION
        || (s.grant.status == status::AUTHORISED && s.row.status == "accepted");
    if !viewable {
        return not_awaiting(&s.grant);
    }
    let Some((_, _, client)) = sb.client(&s.row.client_id) else {
        return api_error(StatusCode::NOT_FOUND, "client not found", "not_found");
    };
    let subject = s.row.subject.clone().unwrap_or_default();
    Json(GetCDRConsentResponse {
        authentication_context: authentication_context(&sb, &subject),
        cdr_arrangement: to_arrangement(&sb, &s.grant),
        client_info: client_info(&client),
        previous_cdr_arrangement: s.previous.as_ref().map(|p| to_arrangement(&sb, p)),
        requested_scopes: requested_scopes(&sb, &s.row.workspace, &s.request.scopes),
        status: s.grant.status.clone(),
        subject,
    })
    .into_response()
}

fn unprocessable(message: String, code: &str, details: serde_json::Value) -> Response {
    let e = crate::wire::ApiError { status_code: 422, error: message, error_code: code.into(), details: Some(details) };
    (StatusCode::UNPROCESSABLE_ENTITY, Json(e)).into_response()
}

/// `POST /{tid}/system/cdr/cdr-arrangement/{login}/accept` with `AcceptCDRConsentRequest`: the
/// signed-in customer's id and at least one account, each theirs. An amendment's accept
/// revokes the grant it replaces, with its tokens.
pub async fn accept(
    State(sb): Sb,
    Path((tid, wid, login)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Result<Json<AcceptCDRConsentRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    if let Err(r) = system_guard(&sb, &headers, &tid, &wid).await {
        return r;
    }
    let Ok(Json(body)) = body else {
        return api_error(StatusCode::BAD_REQUEST, "invalid request body", "bad_request");
    };
    let s = match session(&sb, &login, None) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let (row, grant) = (&s.row, &s.grant);
    if body.login_state != row.login_state {
        return api_error(StatusCode::FORBIDDEN, "login_state does not match", "invalid_login_state");
    }
    if row.status == "accepted" && grant.status == status::AUTHORISED {
        return Json(redirect_to(&sb, row)).into_response();
    }
    if row.status != "authenticated" || grant.status != status::AWAITING_AUTHORISATION {
        return not_awaiting(grant);
    }
    if let Some(extra) = body.granted_scopes.iter().find(|g| !s.request.scopes.contains(g)) {
        return api_error(StatusCode::BAD_REQUEST, &format!("scope {extra} was not requested"), "invalid_scope");
    }
    if body.account_ids.is_empty() {
        return api_error(StatusCode::BAD_REQUEST, "account_ids must not be empty", "invalid_request");
    }
    let customer = sb.customer_of(row.subject.as_deref().unwrap_or_default());
    if body.customer_id != customer {
        let details = serde_json::json!({"customer_id": body.customer_id});
        return unprocessable("customer_id is not the signed-in customer".into(), "invalid_customer", details);
    }
    let ledger = sb.ledger_of(&row.workspace);
    if let Some(foreign) = body.account_ids.iter().find(|id| !ledger.accounts_of(&customer).any(|a| &a.id == *id)) {
        let details = serde_json::json!({"account_id": foreign});
        return unprocessable(
            format!("account {foreign} is not an account of the customer"),
            "invalid_account",
            details,
        );
    }
    let mut accounts = body.account_ids.clone();
    accounts.sort();
    accounts.dedup();
    let now = now();
    let granted = CdrGranted { accounts, scopes: body.granted_scopes.clone(), given_at: now };
    let decision = Decision::Accepted { scopes: body.granted_scopes.clone(), claims: Vec::new(), consent_id: None };
    let decided = sb.store.decide_fdx(
        &FdxDecision {
            login_id: &row.id,
            login_status: "accepted",
            decision: &serde_json::to_string(&decision).unwrap_or_default(),
            consent_id: &grant.id,
            consent_status: status::AUTHORISED,
            granted: &serde_json::to_string(&granted).unwrap_or_default(),
            expires_at: Some(expiry_from(&request_of(grant), now)),
        },
        now,
    );
    match decided {
        Ok(true) => {}
        Ok(false) => return api_error(StatusCode::CONFLICT, "the consent request was already decided", "conflict"),
        Err(e) => return db_failure(e),
    }
    if let Some(previous) = &s.previous {
        let superseded = serde_json::json!({"superseded_by": grant.id}).to_string();
        if let Err(e) = sb.store.revoke_fdx_consent(&previous.id, &superseded, now) {
            return db_failure(e);
        }
    }
    Json(redirect_to(&sb, row)).into_response()
}

/// `POST /{tid}/system/cdr/cdr-arrangement/{login}/reject` with `RejectCDRConsentRequest` (no
/// `id`). An amendment refused leaves the arrangement it would have replaced as it was.
pub async fn reject(
    State(sb): Sb,
    Path((tid, wid, login)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Result<Json<RejectCDRConsentRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    if let Err(r) = system_guard(&sb, &headers, &tid, &wid).await {
        return r;
    }
    let Ok(Json(body)) = body else {
        return api_error(StatusCode::BAD_REQUEST, "invalid request body", "bad_request");
    };
    let s = match session(&sb, &login, None) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let (row, grant) = (&s.row, &s.grant);
    if body.login_state != row.login_state {
        return api_error(StatusCode::FORBIDDEN, "login_state does not match", "invalid_login_state");
    }
    if row.status == "rejected" && grant.status == status::REJECTED {
        return Json(redirect_to(&sb, row)).into_response();
    }
    if row.status != "authenticated" || grant.status != status::AWAITING_AUTHORISATION {
        return not_awaiting(grant);
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
            consent_id: &grant.id,
            consent_status: status::REJECTED,
            granted: "{}",
            expires_at: None,
        },
        now(),
    );
    match decided {
        Ok(true) => Json(redirect_to(&sb, row)).into_response(),
        Ok(false) => api_error(StatusCode::CONFLICT, "the consent request was already decided", "conflict"),
        Err(e) => db_failure(e),
    }
}
