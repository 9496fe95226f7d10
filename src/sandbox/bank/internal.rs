//! The bank's internal accounts API, for the consent page:
//! `GET /bank/internal/accounts?customer_id=<sub>` lists a customer's accounts
//! ([`InternalAccounts`]). Bearer token of a System-workspace client with
//! `read_internal_accounts`: the bank's own reader ([`BANK_READER`]), which Assent is given as
//! its `BANK_CLIENT_*`; Assent's System client lacks the scope, so its token is refused here.
//! Balances are after the UK payments made from each account (`crate::sandbox::bank::books`).

use crate::sandbox::bank::books::balance;
use crate::sandbox::http::{api_error, system_token};
use crate::sandbox::state::Sandbox;
use crate::wire::InternalAccounts;
use axum::{
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use std::collections::HashMap;
use std::sync::Arc;

/// The scope a System-workspace token needs for the internal accounts API.
pub const INTERNAL_SCOPE: &str = "read_internal_accounts";
/// The client the bank lets read its internal API (seeded in the System workspace).
pub const BANK_READER: &str = "assent-bank-reader";

/// `GET /bank/internal/accounts?customer_id=`: Sandbox Bank's.
pub async fn internal_accounts(
    sb: State<Arc<Sandbox>>,
    headers: HeaderMap,
    q: Query<HashMap<String, String>>,
) -> Response {
    customer_accounts(sb, String::new(), headers, q).await
}

/// The customer an internal API call asks about (`customer_id`), once its System token is
/// checked; the refusal otherwise.
pub fn asked_for<'q>(sb: &Sandbox, headers: &HeaderMap, q: &'q HashMap<String, String>) -> Result<&'q str, Response> {
    system_token(sb, headers, INTERNAL_SCOPE)?;
    match q.get("customer_id").filter(|c| !c.is_empty()) {
        Some(customer) => Ok(customer),
        None => Err(api_error(StatusCode::BAD_REQUEST, "customer_id is required", "invalid_request")),
    }
}

/// A customer's accounts in workspace `wid`'s ledger (Sandbox Bank's for `""`).
pub async fn customer_accounts(
    State(sb): State<Arc<Sandbox>>,
    wid: String,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let customer = match asked_for(&sb, &headers, &q) {
        Ok(customer) => customer,
        Err(refused) => return refused,
    };
    let mut accounts = Vec::new();
    for account in sb.ledger_of(&wid).accounts_of(customer) {
        let left = match balance(&sb, &wid, account) {
            Ok(left) => left,
            Err(e) => return crate::sandbox::http::db_failure(e),
        };
        accounts.push(crate::wire::InternalAccount { balance: left.approximate(), ..account.internal() });
    }
    Json(InternalAccounts { accounts }).into_response()
}
