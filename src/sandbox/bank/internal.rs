//! The bank's internal accounts API, for the consent page:
//! `GET /bank/internal/accounts?customer_id=<sub>` lists a customer's accounts
//! ([`InternalAccounts`]). Bearer token of a System-workspace client with
//! `read_internal_accounts`: the bank's own reader ([`BANK_READER`]), which Assent is given as
//! its `BANK_CLIENT_*`; Assent's System client lacks the scope, so its token is refused here.
//! Balances are after the UK payments made from each account (`crate::sandbox::bank::books`).
//! `PUT …/internal/accounts/{id}/sharing?customer_id=` with `{"allowed": …}`: a joint
//! account's holder allows its sharing or stops it ([`crate::wire::JointSharing`]).

use crate::sandbox::bank::books::balance;
use crate::sandbox::bank::data::Account;
use crate::sandbox::http::{api_error, system_token};
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::DbError;
use crate::wire::{InternalAccount, InternalAccounts, JointSharing};
use axum::{
    extract::{rejection::JsonRejection, Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{put, MethodRouter},
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
    let accounts: Result<Vec<_>, _> =
        sb.ledger_of(&wid).accounts_of(customer).map(|account| seen_by(&sb, &wid, account, customer)).collect();
    match accounts {
        Ok(accounts) => Json(InternalAccounts { accounts }).into_response(),
        Err(e) => crate::sandbox::http::db_failure(e),
    }
}

/// `account` of workspace `wid`'s ledger as its holder `customer` sees it, with its balance.
fn seen_by(sb: &Sandbox, wid: &str, account: &Account, customer: &str) -> Result<InternalAccount, DbError> {
    let left = balance(sb, wid, account)?;
    Ok(InternalAccount { balance: left.approximate(), ..sb.ledger_of(wid).seen_by(account, customer) })
}

/// The route of [`set_sharing`] at workspace `wid`'s bank (Sandbox Bank's for `""`).
pub fn sharing_route(wid: String) -> MethodRouter<Arc<Sandbox>> {
    put(move |sb: State<Arc<Sandbox>>, Path(id): Path<String>, headers: HeaderMap, q, body| {
        set_sharing(sb, wid.clone(), id, headers, q, body)
    })
}

/// `PUT …/internal/accounts/{id}/sharing?customer_id=`: joint account `id`'s holder `customer`
/// allows its sharing, or stops it, for every holder's consents at once; answered with the
/// account as they now see it. Only a holder's own joint account (404 otherwise, 409 for one
/// of theirs held alone).
pub async fn set_sharing(
    State(sb): State<Arc<Sandbox>>,
    wid: String,
    id: String,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Result<Json<JointSharing>, JsonRejection>,
) -> Response {
    let customer = match asked_for(&sb, &headers, &q) {
        Ok(customer) => customer,
        Err(refused) => return refused,
    };
    let Ok(Json(JointSharing { allowed })) = body else {
        return api_error(StatusCode::BAD_REQUEST, "the body must be {\"allowed\": true|false}", "invalid_request");
    };
    let ledger = sb.ledger_of(&wid);
    let Some(account) = ledger.accounts_of(customer).find(|a| a.id == id) else {
        return api_error(StatusCode::NOT_FOUND, "no such account of this customer", "not_found");
    };
    if account.owners.len() < 2 {
        return api_error(StatusCode::CONFLICT, "only a joint account's holders choose its sharing", "not_joint");
    }
    let kept = ledger.choose(&id, customer, allowed, || {
        sb.store.set_joint_sharing(&ledger.name, &id, customer, allowed, crate::sandbox::util::now())
    });
    if let Err(e) = kept {
        return crate::sandbox::http::db_failure(e);
    }
    tracing::info!(account = %id, allowed, "a joint account's holder chose its sharing");
    match seen_by(&sb, &wid, account, customer) {
        Ok(account) => Json(account).into_response(),
        Err(e) => crate::sandbox::http::db_failure(e),
    }
}
