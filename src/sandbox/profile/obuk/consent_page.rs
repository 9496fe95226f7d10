//! The UK account-access consent-page API (reference §1c), on the System workspace:
//! `GET /{tid}/system/open-banking/account-access-consent/{login}?login_state=`, and its
//! accept (with the accounts the customer chose) and reject. Callers need a System-workspace
//! token with `manage_openbanking_consents`.

use crate::sandbox::authz::request::AuthRequest;
use crate::sandbox::config::TENANT;
use crate::sandbox::http::api_error;
use crate::sandbox::profile::consent_page::{self as page, Found, Granted, LoginPath, Regime};
use crate::sandbox::profile::obuk::consent::{load, to_consent};
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::LoginRow;
use crate::wire::obuk::{AcceptConsentRequest, GetAccountAccessConsentResponse};
use crate::wire::RejectConsentRequest;
use axum::{
    extract::{rejection::JsonRejection, Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::Response,
    Json,
};
use std::collections::HashMap;
use std::sync::Arc;

type Sb = State<Arc<Sandbox>>;

const REGIME: Regime<()> = Regime { find, refused_granted: "[]", refused_keeps_expiry: true };

/// The account-access consent of a login awaiting (or holding) a decision.
fn find(sb: &Sandbox, row: &LoginRow, request: &AuthRequest) -> Found<()> {
    let consent = request
        .grant_id
        .as_deref()
        .filter(|id| !crate::sandbox::profile::obuk::payment::is_payment(id))
        .and_then(|id| load(sb, &row.workspace, id))
        .ok_or_else(|| {
            api_error(StatusCode::NOT_FOUND, "account access consent not found for this login", "not_found")
        })?;
    Ok((consent, ()))
}

/// `GET /{tid}/system/open-banking/account-access-consent/{login}?login_state=`.
pub async fn get_login(
    State(sb): Sb,
    Path(path): Path<LoginPath>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    page::get(&sb, &REGIME, &path, &q, &headers, |p, shown| GetAccountAccessConsentResponse {
        id: p.row.id.clone(),
        client_id: p.row.client_id.clone(),
        client_info: shown.client_info,
        authentication_context: shown.authentication_context,
        subject: shown.subject,
        requested_scopes: shown.requested_scopes,
        tenant_id: TENANT.into(),
        server_id: p.row.workspace.clone(),
        account_access_consent: to_consent(&p.grant),
    })
    .await
}

/// `POST /{tid}/system/open-banking/account-access-consent/{login}/accept` with
/// `AcceptConsentRequest`: at least one account, each the signed-in customer's.
pub async fn accept(
    State(sb): Sb,
    Path(path): Path<LoginPath>,
    headers: HeaderMap,
    body: Result<Json<AcceptConsentRequest>, JsonRejection>,
) -> Response {
    page::accept(&sb, &REGIME, &path, &headers, body, |p, body, now| {
        if p.grant.expires_at.is_some_and(|e| e <= now) {
            return Err(api_error(
                StatusCode::BAD_REQUEST,
                "the consent's ExpirationDateTime has passed",
                "consent_expired",
            ));
        }
        p.check_scopes(&body.granted_scopes)?;
        if body.account_ids.is_empty() {
            return Err(api_error(StatusCode::BAD_REQUEST, "account_ids must not be empty", "invalid_request"));
        }
        let customer = sb.customer_of(&p.subject());
        let ledger = sb.ledger_of(&p.row.workspace);
        if let Some(foreign) = body.account_ids.iter().find(|id| !ledger.accounts_of(&customer).any(|a| &a.id == *id)) {
            return Err(page::unprocessable(
                format!("account {foreign} is not an account of the signed-in user"),
                "invalid_account",
                serde_json::json!({"account_id": foreign}),
            ));
        }
        let mut accounts = body.account_ids.clone();
        accounts.sort();
        accounts.dedup();
        Ok(Granted {
            granted: serde_json::to_string(&accounts).unwrap_or_default(),
            expires_at: p.grant.expires_at,
            supersedes: None,
        })
    })
    .await
}

/// `POST /{tid}/system/open-banking/account-access-consent/{login}/reject` with the
/// quickstart's reject body.
pub async fn reject(
    State(sb): Sb,
    Path(path): Path<LoginPath>,
    headers: HeaderMap,
    body: Result<Json<RejectConsentRequest>, JsonRejection>,
) -> Response {
    page::reject(&sb, &REGIME, &path, &headers, body).await
}
