//! The mock bank's FDX resource APIs for data recipients, behind the workspace whose `bank` is
//! `fdx` (`default/fdx`): `GET /bank/accounts`, `/bank/accounts/{id}`,
//! `/bank/accounts/{id}/transactions`. Only on the mutual-TLS listener in effect: the access
//! token must be bound (`cnf.x5t#S256`) to the certificate presented on the connection. The
//! token is checked by FDX introspection, and only the consent's granted accounts are served.
//! Each answered request is noted for every holder of the accounts it disclosed, and
//! `GET /bank/internal/disclosures?customer_id=` tells a customer's dashboard
//! (`crate::sandbox::bank::disclosures`).

use crate::sandbox::bank::disclosures::{customer_disclosures, disclose};
use crate::sandbox::http::{bearer, fdx_error};
use crate::sandbox::mtls::PeerCert;
use crate::sandbox::profile::fdx::consent::introspect_token;
use crate::sandbox::state::Sandbox;
use crate::sandbox::workspace::BankRegime;
use crate::wire::FDXGrantedResource;
use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;

type Sb = State<Arc<Sandbox>>;

/// The workspace whose tokens open this bank (the first with an FDX bank in the seed).
fn workspace(sb: &Sandbox) -> Option<&str> {
    sb.workspaces().find(|(_, w)| w.bank == Some(BankRegime::Fdx)).map(|(name, _)| name)
}

/// What a request's token opens: its consent, the granted resources and the look-back period.
struct Granted {
    consent_id: String,
    resources: Vec<FDXGrantedResource>,
    lookback: i64,
}

/// The grant behind a request's token, after FDX introspection and the certificate-binding
/// check.
fn granted(sb: &Sandbox, headers: &HeaderMap, cert: &PeerCert) -> Result<Granted, Response> {
    let unauthorized = |m: &str| fdx_error(StatusCode::UNAUTHORIZED, m);
    let token = bearer(headers).ok_or_else(|| unauthorized("A bearer access token is required."))?;
    let Some(wid) = workspace(sb) else { return Err(fdx_error(StatusCode::NOT_FOUND, "Not found.")) };
    let intro = introspect_token(sb, wid, token);
    if !intro.token.active || intro.token.token_type.as_deref() != Some("access_token") {
        return Err(unauthorized("The access token is not active."));
    }
    let bound = intro.token.cnf.as_ref().and_then(|c| c.x5t_s256.clone());
    match (bound, &cert.0) {
        (Some(expected), Some(presented)) if expected == presented.thumbprint() => {}
        (Some(_), Some(_)) => return Err(unauthorized("The token is bound to another certificate.")),
        _ => return Err(unauthorized("A certificate-bound token and its certificate (mTLS) are required.")),
    }
    let consent = intro.fdx_consent.ok_or_else(|| fdx_error(StatusCode::FORBIDDEN, "The token carries no consent."))?;
    Ok(Granted {
        consent_id: consent.id,
        resources: consent.resources,
        lookback: consent.lookback_period.unwrap_or(365),
    })
}

/// Notes that `data` of `accounts` went out under `consent_id`, for each of their holders.
fn disclosed<'a>(sb: &Sandbox, accounts: impl IntoIterator<Item = &'a str>, consent_id: &str, data: &str) {
    let Some(wid) = workspace(sb) else { return };
    disclose(sb, wid, sb.bank.holders(accounts), consent_id, data);
}

/// `GET /bank/internal/disclosures?customer_id=`: what went out under each of the customer's
/// FDX consents.
pub async fn disclosures(State(sb): Sb, headers: HeaderMap, q: Query<HashMap<String, String>>) -> Response {
    let Some(wid) = workspace(&sb).map(str::to_string) else { return fdx_error(StatusCode::NOT_FOUND, "Not found.") };
    customer_disclosures(State(sb), wid, headers, q).await
}

fn granted_account<'a>(resources: &'a [FDXGrantedResource], id: &str) -> Option<&'a FDXGrantedResource> {
    resources.iter().find(|r| r.resource_type == "ACCOUNT" && r.id == id)
}

/// `GET /bank/accounts`: the consented accounts.
pub async fn accounts(State(sb): Sb, cert: PeerCert, headers: HeaderMap) -> Response {
    let grant = match granted(&sb, &headers, &cert) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let accounts: Vec<serde_json::Value> = grant
        .resources
        .iter()
        .filter(|r| r.resource_type == "ACCOUNT")
        .filter_map(|r| sb.bank.shared(&r.id).map(|a| a.fdx(r.data_clusters.iter().any(|c| c == "ACCOUNT_DETAILED"))))
        .collect();
    let shown = grant.resources.iter().filter(|r| r.resource_type == "ACCOUNT").map(|r| r.id.as_str());
    disclosed(&sb, shown, &grant.consent_id, "accounts");
    let total = accounts.len();
    Json(json!({"page": {"totalElements": total}, "accounts": accounts})).into_response()
}

/// `GET /bank/accounts/{id}`.
pub async fn account(State(sb): Sb, cert: PeerCert, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let grant = match granted(&sb, &headers, &cert) {
        Ok(x) => x,
        Err(r) => return r,
    };
    match (granted_account(&grant.resources, &id), sb.bank.shared(&id)) {
        (Some(r), Some(a)) => {
            disclosed(&sb, [a.id.as_str()], &grant.consent_id, "accounts");
            Json(a.fdx(r.data_clusters.iter().any(|c| c == "ACCOUNT_DETAILED"))).into_response()
        }
        _ => fdx_error(StatusCode::NOT_FOUND, "Account not found."),
    }
}

/// `GET /bank/accounts/{id}/transactions`: needs the `TRANSACTIONS` data cluster; only the
/// consent's look-back period.
pub async fn transactions(State(sb): Sb, cert: PeerCert, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let grant = match granted(&sb, &headers, &cert) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let lookback = grant.lookback;
    let (Some(granted), Some(account)) = (granted_account(&grant.resources, &id), sb.bank.shared(&id)) else {
        return fdx_error(StatusCode::NOT_FOUND, "Account not found.");
    };
    if !granted.data_clusters.iter().any(|c| c == "TRANSACTIONS") {
        return fdx_error(StatusCode::FORBIDDEN, "The consent does not cover transactions.");
    }
    let today = chrono::Utc::now();
    let transactions: Vec<serde_json::Value> = account
        .transactions
        .iter()
        .filter(|t| t.days_ago <= lookback)
        .map(|t| {
            let posted = today - chrono::Duration::days(t.days_ago);
            json!({
                "accountId": account.id,
                "transactionId": t.id,
                "postedTimestamp": posted.format("%Y-%m-%dT12:00:00Z").to_string(),
                "description": t.description,
                "amount": t.amount.abs(),
                "debitCreditMemo": if t.amount < 0.0 { "DEBIT" } else { "CREDIT" },
                "status": "POSTED",
            })
        })
        .collect();
    let total = transactions.len();
    disclosed(&sb, [account.id.as_str()], &grant.consent_id, "transactions");
    Json(json!({"page": {"totalElements": total}, "transactions": transactions})).into_response()
}
