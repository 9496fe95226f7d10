//! The CDR consent-page API (reference §1c), on the System workspace:
//! `GET /{tid}/system/cdr/cdr-arrangement/{login}?login_state=`, and its accept (with the
//! accounts the customer chose and the customer's id) and reject. Callers need a
//! System-workspace token with `manage_openbanking_consents`.
//!
//! An amendment is shown with the arrangement it replaces (`previous_cdr_arrangement`) only
//! to that arrangement's customer: for anyone else, and once it has ended, the login's
//! arrangement is not found.

use crate::sandbox::authz::request::AuthRequest;
use crate::sandbox::http::api_error;
use crate::sandbox::profile::cdr::arrangement::{expiry_from, load, request_of, to_arrangement, CdrGranted};
use crate::sandbox::profile::consent_page::{self as page, Found, Granted, LoginPath, Regime};
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::{FdxConsentRow, LoginRow};
use crate::wire::cdr::{status, AcceptCDRConsentRequest, GetCDRConsentResponse, RejectCDRConsentRequest};
use axum::{
    extract::{rejection::JsonRejection, Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::Response,
    Json,
};
use std::collections::HashMap;
use std::sync::Arc;

type Sb = State<Arc<Sandbox>>;

/// The login's grant comes with the grant it amends (in force, and the signed-in customer's).
const REGIME: Regime<Option<FdxConsentRow>> = Regime { find, refused_granted: "{}", refused_keeps_expiry: false };

fn not_found() -> Response {
    api_error(StatusCode::NOT_FOUND, "cdr arrangement not found for this login", "not_found")
}

fn find(sb: &Sandbox, row: &LoginRow, request: &AuthRequest) -> Found<Option<FdxConsentRow>> {
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
    Ok((grant, previous))
}

/// `GET /{tid}/system/cdr/cdr-arrangement/{login}?login_state=`.
pub async fn get_login(
    State(sb): Sb,
    Path(path): Path<LoginPath>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    page::get(&sb, &REGIME, &path, &q, &headers, |p, shown| GetCDRConsentResponse {
        authentication_context: shown.authentication_context,
        cdr_arrangement: to_arrangement(&sb, &p.grant),
        client_info: shown.client_info,
        previous_cdr_arrangement: p.extra.as_ref().map(|prev| to_arrangement(&sb, prev)),
        requested_scopes: shown.requested_scopes,
        status: p.grant.status.clone(),
        subject: shown.subject,
    })
    .await
}

/// `POST /{tid}/system/cdr/cdr-arrangement/{login}/accept` with `AcceptCDRConsentRequest`: the
/// signed-in customer's id and at least one account, each theirs. An amendment's accept
/// revokes the grant it replaces, with its tokens.
pub async fn accept(
    State(sb): Sb,
    Path(path): Path<LoginPath>,
    headers: HeaderMap,
    body: Result<Json<AcceptCDRConsentRequest>, JsonRejection>,
) -> Response {
    page::accept(&sb, &REGIME, &path, &headers, body, |p, body, now| {
        p.check_scopes(&body.granted_scopes)?;
        if body.account_ids.is_empty() {
            return Err(api_error(StatusCode::BAD_REQUEST, "account_ids must not be empty", "invalid_request"));
        }
        let customer = sb.customer_of(&p.subject());
        if body.customer_id != customer {
            let details = serde_json::json!({"customer_id": body.customer_id});
            return Err(page::unprocessable(
                "customer_id is not the signed-in customer".into(),
                "invalid_customer",
                details,
            ));
        }
        let ledger = sb.ledger_of(&p.row.workspace);
        if let Some(foreign) = body.account_ids.iter().find(|id| !ledger.accounts_of(&customer).any(|a| &a.id == *id)) {
            let details = serde_json::json!({"account_id": foreign});
            return Err(page::unprocessable(
                format!("account {foreign} is not an account of the customer"),
                "invalid_account",
                details,
            ));
        }
        let mut accounts = body.account_ids.clone();
        accounts.sort();
        accounts.dedup();
        let granted = CdrGranted { accounts, scopes: body.granted_scopes.clone(), given_at: now };
        Ok(Granted {
            granted: serde_json::to_string(&granted).unwrap_or_default(),
            expires_at: Some(expiry_from(&request_of(&p.grant), now)),
            supersedes: p.extra.as_ref().map(|prev| prev.id.clone()),
        })
    })
    .await
}

/// `POST /{tid}/system/cdr/cdr-arrangement/{login}/reject` with `RejectCDRConsentRequest` (no
/// `id`). An amendment refused leaves the arrangement it would have replaced as it was.
pub async fn reject(
    State(sb): Sb,
    Path(path): Path<LoginPath>,
    headers: HeaderMap,
    body: Result<Json<RejectCDRConsentRequest>, JsonRejection>,
) -> Response {
    page::reject(&sb, &REGIME, &path, &headers, body).await
}
