//! The mock bank behind workspace `fdx` (reference §2.6), mounted at `/bank` on both sandbox
//! listeners. Its data is `bank.json`: accounts with owners (sandbox users; some accounts are
//! joint) and transactions dated relative to today.
//!
//! - `GET /bank/internal/accounts?customer_id=<sub>`: the consent page's list of a customer's
//!   accounts ([`InternalAccounts`]). Bearer token from the System workspace with
//!   `read_internal_accounts`.
//! - `GET /bank/accounts`, `/bank/accounts/{id}`, `/bank/accounts/{id}/transactions`: FDX
//!   resource APIs for data recipients. Only on the mutual-TLS listener in effect: the access
//!   token must be bound (`cnf.x5t#S256`) to the certificate presented on the connection. The
//!   token is checked by FDX introspection, and only the consent's granted accounts are served.

use super::{active_token, api_error, bearer, fdx, mtls::PeerCert, Sandbox};
use crate::wire::{FDXError, FDXErrorResponse, FDXGrantedResource, FDXParty, InternalAccount, InternalAccounts};
use axum::{
    extract::{Path, Query, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;

type Sb = State<Arc<Sandbox>>;

/// The scope a System-workspace token needs for the internal accounts API.
pub const INTERNAL_SCOPE: &str = "read_internal_accounts";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SeedTransaction {
    pub id: String,
    pub days_ago: i64,
    pub description: String,
    pub amount: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    pub owners: Vec<String>,
    pub name: String,
    #[serde(default)]
    pub nickname: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub number: String,
    pub balance: f64,
    pub currency: String,
    #[serde(default)]
    pub transactions: Vec<SeedTransaction>,
}

impl Account {
    /// `…1234`: the last four digits.
    pub fn masked_number(&self) -> String {
        let digits: Vec<char> = self.number.chars().filter(char::is_ascii_digit).collect();
        let tail: String = digits[digits.len().saturating_sub(4)..].iter().collect();
        format!("…{tail}")
    }

    pub(super) fn internal(&self) -> InternalAccount {
        InternalAccount {
            id: self.id.clone(),
            name: self.name.clone(),
            nickname: self.nickname.clone(),
            kind: self.kind.clone(),
            masked_number: self.masked_number(),
            balance: self.balance,
            currency: self.currency.clone(),
        }
    }

    /// The FDX `Account` entity; balances only with `ACCOUNT_DETAILED`.
    fn fdx(&self, detailed: bool) -> serde_json::Value {
        let category = if self.kind == "CREDIT_CARD" { "LOC_ACCOUNT" } else { "DEPOSIT_ACCOUNT" };
        let mut account = json!({
            "accountId": self.id,
            "accountCategory": category,
            "accountType": if self.kind == "CREDIT_CARD" { "CREDITCARD" } else { self.kind.as_str() },
            "productName": self.name,
            "accountNumberDisplay": self.masked_number(),
            "currency": {"currencyCode": self.currency},
            "status": "OPEN",
        });
        if let Some(nick) = &self.nickname {
            account["nickname"] = nick.clone().into();
        }
        if detailed {
            account["currentBalance"] = self.balance.into();
            account["availableBalance"] = self.balance.into();
            account["balanceAsOf"] = chrono::Utc::now().to_rfc3339().into();
        }
        account
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Bank {
    pub party: FDXParty,
    pub accounts: Vec<Account>,
}

impl Bank {
    pub fn load() -> Result<Self, String> {
        serde_json::from_str(include_str!("bank.json")).map_err(|e| format!("bank.json: {e}"))
    }

    /// The accounts a customer (a sandbox user's subject) owns, alone or jointly.
    pub fn accounts_of<'a>(&'a self, customer: &'a str) -> impl Iterator<Item = &'a Account> + 'a {
        self.accounts.iter().filter(move |a| a.owners.iter().any(|o| o == customer))
    }

    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }
}

/// `GET /bank/internal/accounts?customer_id=`.
pub async fn internal_accounts(
    State(sb): Sb,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match bearer(&headers).and_then(|t| active_token(&sb, t)) {
        Some(row) if row.workspace == "system" && row.scope.split_whitespace().any(|s| s == INTERNAL_SCOPE) => {}
        Some(row) if row.workspace == "system" => {
            return api_error(StatusCode::FORBIDDEN, &format!("the token lacks {INTERNAL_SCOPE}"), "insufficient_scope")
        }
        _ => return api_error(StatusCode::UNAUTHORIZED, "invalid or expired access token", "unauthorized"),
    }
    let Some(customer) = q.get("customer_id").filter(|c| !c.is_empty()) else {
        return api_error(StatusCode::BAD_REQUEST, "customer_id is required", "invalid_request");
    };
    Json(InternalAccounts { accounts: sb.bank.accounts_of(customer).map(Account::internal).collect() }).into_response()
}

pub(super) fn fdx_error(status: StatusCode, message: &str) -> Response {
    let body = FDXErrorResponse { error: FDXError { code: status.as_u16().to_string(), message: message.into() } };
    let mut res = (status, Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer error=\"invalid_token\""));
    }
    res
}

/// The granted resources behind a request's token, after FDX introspection and the
/// certificate-binding check.
fn granted(sb: &Sandbox, headers: &HeaderMap, cert: &PeerCert) -> Result<(Vec<FDXGrantedResource>, i64), Response> {
    let unauthorized = |m: &str| fdx_error(StatusCode::UNAUTHORIZED, m);
    let token = bearer(headers).ok_or_else(|| unauthorized("A bearer access token is required."))?;
    let intro = fdx::introspect_token(sb, fdx::WORKSPACE, token);
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
    Ok((consent.resources, consent.lookback_period.unwrap_or(365)))
}

fn granted_account<'a>(resources: &'a [FDXGrantedResource], id: &str) -> Option<&'a FDXGrantedResource> {
    resources.iter().find(|r| r.resource_type == "ACCOUNT" && r.id == id)
}

/// `GET /bank/accounts`: the consented accounts.
pub async fn accounts(State(sb): Sb, cert: PeerCert, headers: HeaderMap) -> Response {
    let (resources, _) = match granted(&sb, &headers, &cert) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let accounts: Vec<serde_json::Value> = resources
        .iter()
        .filter(|r| r.resource_type == "ACCOUNT")
        .filter_map(|r| sb.bank.account(&r.id).map(|a| a.fdx(r.data_clusters.iter().any(|c| c == "ACCOUNT_DETAILED"))))
        .collect();
    let total = accounts.len();
    Json(json!({"page": {"totalElements": total}, "accounts": accounts})).into_response()
}

/// `GET /bank/accounts/{id}`.
pub async fn account(State(sb): Sb, cert: PeerCert, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let (resources, _) = match granted(&sb, &headers, &cert) {
        Ok(x) => x,
        Err(r) => return r,
    };
    match (granted_account(&resources, &id), sb.bank.account(&id)) {
        (Some(r), Some(a)) => Json(a.fdx(r.data_clusters.iter().any(|c| c == "ACCOUNT_DETAILED"))).into_response(),
        _ => fdx_error(StatusCode::NOT_FOUND, "Account not found."),
    }
}

/// `GET /bank/accounts/{id}/transactions`: needs the `TRANSACTIONS` data cluster; only the
/// consent's look-back period.
pub async fn transactions(State(sb): Sb, cert: PeerCert, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let (resources, lookback) = match granted(&sb, &headers, &cert) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (Some(granted), Some(account)) = (granted_account(&resources, &id), sb.bank.account(&id)) else {
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
    Json(json!({"page": {"totalElements": total}, "transactions": transactions})).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_loads_and_every_user_has_accounts() {
        let bank = Bank::load().unwrap();
        for user in ["user", "user2", "user3", "user4", "user5", "user6"] {
            assert!(bank.accounts_of(user).count() > 0, "{user}");
        }
        let joint = bank.account("9000001").unwrap();
        assert_eq!(joint.owners.len(), 2);
        assert_eq!(bank.account("1000003").unwrap().masked_number(), "…1234");
        let mut ids: Vec<&str> = bank.accounts.iter().map(|a| a.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), bank.accounts.len(), "account ids are unique");
    }
}
