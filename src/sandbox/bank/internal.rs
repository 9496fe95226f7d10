//! The bank's internal accounts API, for the consent page:
//! `GET /bank/internal/accounts?customer_id=<sub>` lists a customer's accounts
//! ([`InternalAccounts`]). Bearer token from the System workspace with `read_internal_accounts`.

use crate::sandbox::bank::data::Account;
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

/// `GET /bank/internal/accounts?customer_id=`: Sandbox Bank's.
pub async fn internal_accounts(
    sb: State<Arc<Sandbox>>,
    headers: HeaderMap,
    q: Query<HashMap<String, String>>,
) -> Response {
    customer_accounts(sb, String::new(), headers, q).await
}

/// A customer's accounts in workspace `wid`'s ledger (Sandbox Bank's for `""`).
pub async fn customer_accounts(
    State(sb): State<Arc<Sandbox>>,
    wid: String,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = system_token(&sb, &headers, INTERNAL_SCOPE) {
        return r;
    }
    let Some(customer) = q.get("customer_id").filter(|c| !c.is_empty()) else {
        return api_error(StatusCode::BAD_REQUEST, "customer_id is required", "invalid_request");
    };
    Json(InternalAccounts { accounts: sb.ledger_of(&wid).accounts_of(customer).map(Account::internal).collect() })
        .into_response()
}
