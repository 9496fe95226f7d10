//! The UK domestic-payment consent-page API (reference §1c), on the System workspace:
//! `GET /{tid}/system/open-banking/domestic-payment-consent/{login}?login_state=`, and its
//! accept (with the one account the customer pays from) and reject. Callers need a
//! System-workspace token with `manage_openbanking_consents`.

use crate::sandbox::authz::request::AuthRequest;
use crate::sandbox::config::TENANT;
use crate::sandbox::http::api_error;
use crate::sandbox::profile::consent_page::{self as page, Found, Granted, LoginPath, Regime};
use crate::sandbox::profile::obuk::consent::load;
use crate::sandbox::profile::obuk::payment::{initiation_of, is_payment, same_account, to_payment_consent};
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::LoginRow;
use crate::wire::obuk::AcceptConsentRequest;
use crate::wire::obuk_payment::GetDomesticPaymentConsentResponse;
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

/// The payment consent of a login awaiting (or holding) a decision.
fn find(sb: &Sandbox, row: &LoginRow, request: &AuthRequest) -> Found<()> {
    let consent = request
        .grant_id
        .as_deref()
        .filter(|id| is_payment(id))
        .and_then(|id| load(sb, &row.workspace, id))
        .ok_or_else(|| {
        api_error(StatusCode::NOT_FOUND, "domestic payment consent not found for this login", "not_found")
    })?;
    Ok((consent, ()))
}

fn account_error(message: String, account: &str) -> Response {
    page::unprocessable(message, "invalid_account", serde_json::json!({"account_id": account}))
}

/// `GET /{tid}/system/open-banking/domestic-payment-consent/{login}?login_state=`.
pub async fn get_login(
    State(sb): Sb,
    Path(path): Path<LoginPath>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    page::get(&sb, &REGIME, &path, &q, &headers, |p, shown| GetDomesticPaymentConsentResponse {
        id: p.row.id.clone(),
        client_id: p.row.client_id.clone(),
        client_info: shown.client_info,
        authentication_context: shown.authentication_context,
        subject: shown.subject,
        requested_scopes: shown.requested_scopes,
        tenant_id: TENANT.into(),
        server_id: p.row.workspace.clone(),
        domestic_payment_consent: to_payment_consent(&p.grant),
    })
    .await
}

/// `POST /{tid}/system/open-banking/domestic-payment-consent/{login}/accept` with
/// `AcceptConsentRequest`: exactly one account, the signed-in customer's, and the consent's
/// `DebtorAccount` when it names one (422 otherwise, as account access answers a foreign one).
pub async fn accept(
    State(sb): Sb,
    Path(path): Path<LoginPath>,
    headers: HeaderMap,
    body: Result<Json<AcceptConsentRequest>, JsonRejection>,
) -> Response {
    page::accept(&sb, &REGIME, &path, &headers, body, |p, body, _| {
        p.check_scopes(&body.granted_scopes)?;
        let [debtor] = body.account_ids.as_slice() else {
            return Err(api_error(
                StatusCode::BAD_REQUEST,
                "account_ids must name exactly one account: the one paid from",
                "invalid_request",
            ));
        };
        let customer = sb.customer_of(&p.subject());
        let ledger = sb.ledger_of(&p.row.workspace);
        let Some(account) = ledger.accounts_of(&customer).find(|a| &a.id == debtor) else {
            return Err(account_error(format!("account {debtor} is not an account of the signed-in user"), debtor));
        };
        if let Some(fixed) = &initiation_of(&p.grant).debtor_account {
            if !same_account(account, fixed) {
                return Err(account_error(
                    format!("the consent pays from its DebtorAccount, not from account {debtor}"),
                    debtor,
                ));
            }
        }
        Ok(Granted {
            granted: serde_json::to_string(&[debtor]).unwrap_or_default(),
            expires_at: p.grant.expires_at,
            supersedes: None,
        })
    })
    .await
}

/// `POST /{tid}/system/open-banking/domestic-payment-consent/{login}/reject` with the
/// quickstart's reject body.
pub async fn reject(
    State(sb): Sb,
    Path(path): Path<LoginPath>,
    headers: HeaderMap,
    body: Result<Json<RejectConsentRequest>, JsonRejection>,
) -> Response {
    page::reject(&sb, &REGIME, &path, &headers, body).await
}
