//! The UK account-access consent-page API (reference §1c), on the System workspace:
//! `GET /{tid}/system/open-banking/account-access-consent/{login}?login_state=`, and its
//! accept (with the accounts the customer chose) and reject. Callers need a System-workspace
//! token with `manage_openbanking_consents`.

use crate::sandbox::authz::consent_session::{
    authentication_context, client_info, login_for_consent, not_awaiting, redirect_to, requested_scopes, system_guard,
};
use crate::sandbox::authz::request::{AuthRequest, Decision};
use crate::sandbox::config::TENANT;
use crate::sandbox::http::{api_error, db_failure};
use crate::sandbox::profile::obuk::consent::{load, to_consent};
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::{FdxConsentRow, FdxDecision, LoginRow};
use crate::sandbox::util::now;
use crate::wire::obuk::{status, AcceptConsentRequest, GetAccountAccessConsentResponse};
use crate::wire::RejectConsentRequest;
use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use std::collections::HashMap;
use std::sync::Arc;

type Sb = State<Arc<Sandbox>>;

/// The account-access consent of a login awaiting (or holding) a decision.
fn login_consent(
    sb: &Sandbox,
    login: &str,
    login_state: Option<&str>,
) -> Result<(LoginRow, AuthRequest, FdxConsentRow), Response> {
    let (row, request) = login_for_consent(sb, login, login_state)?;
    let consent = request
        .grant_id
        .as_deref()
        .filter(|id| !crate::sandbox::profile::obuk::payment::is_payment(id))
        .and_then(|id| load(sb, &row.workspace, id))
        .ok_or_else(|| {
            api_error(StatusCode::NOT_FOUND, "account access consent not found for this login", "not_found")
        })?;
    Ok((row, request, consent))
}

/// `GET /{tid}/system/open-banking/account-access-consent/{login}?login_state=`.
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
    let viewable = consent.status == status::AWAITING_AUTHORISATION
        || (consent.status == status::AUTHORISED && row.status == "accepted");
    if !viewable {
        return not_awaiting(&consent);
    }
    let Some((_, _, client)) = sb.client(&row.client_id) else {
        return api_error(StatusCode::NOT_FOUND, "client not found", "not_found");
    };
    let subject = row.subject.clone().unwrap_or_default();
    Json(GetAccountAccessConsentResponse {
        id: row.id.clone(),
        client_id: row.client_id.clone(),
        client_info: client_info(&client),
        authentication_context: authentication_context(&sb, &subject),
        subject,
        requested_scopes: requested_scopes(&sb, &row.workspace, &request.scopes),
        tenant_id: TENANT.into(),
        server_id: row.workspace.clone(),
        account_access_consent: to_consent(&consent),
    })
    .into_response()
}

/// `POST /{tid}/system/open-banking/account-access-consent/{login}/accept` with
/// `AcceptConsentRequest`: at least one account, each the signed-in customer's.
pub async fn accept(
    State(sb): Sb,
    Path((tid, wid, login)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Result<Json<AcceptConsentRequest>, axum::extract::rejection::JsonRejection>,
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
    if row.status == "accepted" && consent.status == status::AUTHORISED {
        // A double submit: the same answer.
        return Json(redirect_to(&sb, &row)).into_response();
    }
    if row.status != "authenticated" || consent.status != status::AWAITING_AUTHORISATION {
        return not_awaiting(&consent);
    }
    if consent.expires_at.is_some_and(|e| e <= now()) {
        return api_error(StatusCode::BAD_REQUEST, "the consent's ExpirationDateTime has passed", "consent_expired");
    }
    if let Some(extra) = body.granted_scopes.iter().find(|s| !request.scopes.contains(s)) {
        return api_error(StatusCode::BAD_REQUEST, &format!("scope {extra} was not requested"), "invalid_scope");
    }
    if body.account_ids.is_empty() {
        return api_error(StatusCode::BAD_REQUEST, "account_ids must not be empty", "invalid_request");
    }
    let subject = row.subject.clone().unwrap_or_default();
    let customer = sb.customer_of(&subject);
    let ledger = sb.ledger_of(&row.workspace);
    if let Some(foreign) = body.account_ids.iter().find(|id| !ledger.accounts_of(&customer).any(|a| &a.id == *id)) {
        let e = crate::wire::ApiError {
            status_code: 422,
            error: format!("account {foreign} is not an account of the signed-in user"),
            error_code: "invalid_account".into(),
            details: Some(serde_json::json!({"account_id": foreign})),
        };
        return (StatusCode::UNPROCESSABLE_ENTITY, Json(e)).into_response();
    }
    let mut accounts = body.account_ids.clone();
    accounts.sort();
    accounts.dedup();
    let decision = Decision::Accepted { scopes: body.granted_scopes.clone(), claims: Vec::new(), consent_id: None };
    let decided = sb.store.decide_fdx(
        &FdxDecision {
            login_id: &row.id,
            login_status: "accepted",
            decision: &serde_json::to_string(&decision).unwrap_or_default(),
            consent_id: &consent.id,
            consent_status: status::AUTHORISED,
            granted: &serde_json::to_string(&accounts).unwrap_or_default(),
            expires_at: consent.expires_at,
        },
        now(),
    );
    match decided {
        Ok(true) => Json(redirect_to(&sb, &row)).into_response(),
        Ok(false) => api_error(StatusCode::CONFLICT, "the consent request was already decided", "conflict"),
        Err(e) => db_failure(e),
    }
}

/// `POST /{tid}/system/open-banking/account-access-consent/{login}/reject` with the
/// quickstart's reject body.
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
    if row.status == "rejected" && consent.status == status::REJECTED {
        return Json(redirect_to(&sb, &row)).into_response();
    }
    if row.status != "authenticated" || consent.status != status::AWAITING_AUTHORISATION {
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
            consent_status: status::REJECTED,
            granted: "[]",
            expires_at: consent.expires_at,
        },
        now(),
    );
    match decided {
        Ok(true) => Json(redirect_to(&sb, &row)).into_response(),
        Ok(false) => api_error(StatusCode::CONFLICT, "the consent request was already decided", "conflict"),
        Err(e) => db_failure(e),
    }
}
