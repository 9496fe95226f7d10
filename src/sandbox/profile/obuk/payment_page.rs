//! The UK domestic-payment consent-page API (reference §1c), on the System workspace:
//! `GET /{tid}/system/open-banking/domestic-payment-consent/{login}?login_state=`, and its
//! accept (with the one account the customer pays from) and reject. Callers need a
//! System-workspace token with `manage_openbanking_consents`.

use crate::sandbox::authz::consent_session::{
    authentication_context, client_info, login_for_consent, not_awaiting, redirect_to, requested_scopes, system_guard,
};
use crate::sandbox::authz::request::{AuthRequest, Decision};
use crate::sandbox::config::TENANT;
use crate::sandbox::http::{api_error, db_failure};
use crate::sandbox::profile::obuk::consent::load;
use crate::sandbox::profile::obuk::payment::{initiation_of, is_payment, same_account, to_payment_consent};
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::{FdxConsentRow, FdxDecision, LoginRow};
use crate::sandbox::util::now;
use crate::wire::obuk::{status, AcceptConsentRequest};
use crate::wire::obuk_payment::GetDomesticPaymentConsentResponse;
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

/// The payment consent of a login awaiting (or holding) a decision.
fn login_payment(
    sb: &Sandbox,
    login: &str,
    login_state: Option<&str>,
) -> Result<(LoginRow, AuthRequest, FdxConsentRow), Response> {
    let (row, request) = login_for_consent(sb, login, login_state)?;
    let consent = request
        .grant_id
        .as_deref()
        .filter(|id| is_payment(id))
        .and_then(|id| load(sb, &row.workspace, id))
        .ok_or_else(|| {
        api_error(StatusCode::NOT_FOUND, "domestic payment consent not found for this login", "not_found")
    })?;
    Ok((row, request, consent))
}

fn account_error(status: StatusCode, message: String, account: &str) -> Response {
    let e = crate::wire::ApiError {
        status_code: status.as_u16(),
        error: message,
        error_code: "invalid_account".into(),
        details: Some(serde_json::json!({"account_id": account})),
    };
    (status, Json(e)).into_response()
}

/// `GET /{tid}/system/open-banking/domestic-payment-consent/{login}?login_state=`.
pub async fn get_login(
    State(sb): Sb,
    Path((tid, wid, login)): Path<(String, String, String)>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = system_guard(&sb, &headers, &tid, &wid).await {
        return r;
    }
    let (row, request, consent) = match login_payment(&sb, &login, q.get("login_state").map(String::as_str)) {
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
    Json(GetDomesticPaymentConsentResponse {
        id: row.id.clone(),
        client_id: row.client_id.clone(),
        client_info: client_info(&client),
        authentication_context: authentication_context(&sb, &subject),
        subject,
        requested_scopes: requested_scopes(&sb, &row.workspace, &request.scopes),
        tenant_id: TENANT.into(),
        server_id: row.workspace.clone(),
        domestic_payment_consent: to_payment_consent(&consent),
    })
    .into_response()
}

/// `POST /{tid}/system/open-banking/domestic-payment-consent/{login}/accept` with
/// `AcceptConsentRequest`: exactly one account, the signed-in customer's, and the consent's
/// `DebtorAccount` when it names one (422 otherwise, as account access answers a foreign one).
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
    let (row, request, consent) = match login_payment(&sb, &login, None) {
        Ok(x) => x,
        Err(r) => return r,
    };
    if body.login_state != row.login_state {
        return api_error(StatusCode::FORBIDDEN, "login_state does not match", "invalid_login_state");
    }
    if row.status == "accepted" && consent.status == status::AUTHORISED {
        return Json(redirect_to(&sb, &row)).into_response();
    }
    if row.status != "authenticated" || consent.status != status::AWAITING_AUTHORISATION {
        return not_awaiting(&consent);
    }
    if let Some(extra) = body.granted_scopes.iter().find(|s| !request.scopes.contains(s)) {
        return api_error(StatusCode::BAD_REQUEST, &format!("scope {extra} was not requested"), "invalid_scope");
    }
    let [debtor] = body.account_ids.as_slice() else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "account_ids must name exactly one account: the one paid from",
            "invalid_request",
        );
    };
    let subject = row.subject.clone().unwrap_or_default();
    let customer = sb.customer_of(&subject);
    let ledger = sb.ledger_of(&row.workspace);
    let Some(account) = ledger.accounts_of(&customer).find(|a| &a.id == debtor) else {
        return account_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("account {debtor} is not an account of the signed-in user"),
            debtor,
        );
    };
    if let Some(fixed) = &initiation_of(&consent).debtor_account {
        if !same_account(account, fixed) {
            return account_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("the consent pays from its DebtorAccount, not from account {debtor}"),
                debtor,
            );
        }
    }
    let decision = Decision::Accepted { scopes: body.granted_scopes.clone(), claims: Vec::new(), consent_id: None };
    let decided = sb.store.decide_fdx(
        &FdxDecision {
            login_id: &row.id,
            login_status: "accepted",
            decision: &serde_json::to_string(&decision).unwrap_or_default(),
            consent_id: &consent.id,
            consent_status: status::AUTHORISED,
            granted: &serde_json::to_string(&[debtor]).unwrap_or_default(),
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

/// `POST /{tid}/system/open-banking/domestic-payment-consent/{login}/reject` with the
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
    let (row, _, consent) = match login_payment(&sb, &login, None) {
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
