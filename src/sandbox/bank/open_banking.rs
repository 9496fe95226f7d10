//! The mock bank's generic Open Banking API, behind each workspace whose `bank` is
//! `open_banking` (`gobank`, the quickstart's): a data recipient's access token opens only the
//! accounts of the consent it was issued under, and nothing once that consent has ended.
//!
//! - `GET /bank/{wid}/accounts` (`/bank/gobank/accounts`): the consent's accounts (`{"accounts": [InternalAccount]}`).
//! - `GET /bank/{wid}/accounts/{id}/transactions`: an account of the consent's recent
//!   transactions, newest first (`{"transactions": [Transaction]}`).
//! - `GET /bank/{wid}/internal/accounts?customer_id=`, for a workspace with a ledger of its own
//!   (Hyperscale Bank's): a customer's accounts for the consent page, as `/bank/internal/accounts`
//!   lists Sandbox Bank's, and `PUT …/accounts/{id}/sharing`, a joint account holder's choice.
//!
//! Each workspace's accounts are its ledger's (`Sandbox::ledger_of`): Go Bank's are Sandbox
//! Bank's, Hyperscale Bank's its own.
//!
//! The token's consent is the `consent_id` its accept carried (as introspection shows it);
//! what that consent covers, and whether it is still authorized, the bank asks its consent
//! store (`consent_bank`): in the embedded sandbox, Assent's own records, handed over in
//! process at start ([`Sandbox::set_consent_store`]), as a bank's API would read the records
//! database it shares with its consent application; or, for a workspace with an
//! `identity_pool` (Hyperscale Bank), that pool's users (`identity::PoolConsents`).

use crate::sandbox::bank::data::{Account, Transactions};
use crate::sandbox::bank::internal::{customer_accounts, sharing_route};
use crate::sandbox::consent_bank::ConsentStore;
use crate::sandbox::http::{active_token, bearer, fdx_error};
use crate::sandbox::identity::PoolConsents;
use crate::sandbox::state::Sandbox;
use crate::sandbox::util::sha256_b64;
use crate::sandbox::workspace::BankRegime;
use crate::wire::InternalAccounts;
use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use std::collections::HashMap;
use std::sync::Arc;

/// The routes of each workspace whose `bank` is `open_banking`: literal paths per workspace, so
/// no other path under `/bank` answers differently than before.
pub fn routes(sb: &Sandbox) -> Router<Arc<Sandbox>> {
    sb.workspaces().filter(|(_, w)| w.bank == Some(BankRegime::OpenBanking)).fold(Router::new(), |router, (wid, ws)| {
        let (a, b, c) = (wid.to_string(), wid.to_string(), wid.to_string());
        let router = router
            .route(
                &format!("/bank/{wid}/accounts"),
                get(move |sb: State<Arc<Sandbox>>, headers: HeaderMap| accounts(sb, a.clone(), headers)),
            )
            .route(
                &format!("/bank/{wid}/accounts/{{id}}/transactions"),
                get(move |sb: State<Arc<Sandbox>>, Path(id): Path<String>, headers: HeaderMap| {
                    transactions(sb, b.clone(), id, headers)
                }),
            );
        if ws.ledger.is_none() {
            return router;
        }
        router
            .route(
                &format!("/bank/{wid}/internal/accounts"),
                get(move |sb: State<Arc<Sandbox>>, headers: HeaderMap, q: Query<HashMap<String, String>>| {
                    customer_accounts(sb, c.clone(), headers, q)
                }),
            )
            .route(&format!("/bank/{wid}/internal/accounts/{{id}}/sharing"), sharing_route(wid.to_string()))
    })
}

/// The accounts of the consent behind the request's token, a token of workspace `wid`.
async fn accounts(State(sb): State<Arc<Sandbox>>, wid: String, headers: HeaderMap) -> Response {
    match consented_accounts(&sb, &wid, &headers).await {
        Ok(accounts) => {
            Json(InternalAccounts { accounts: accounts.iter().map(|a| a.internal()).collect() }).into_response()
        }
        Err(r) => r,
    }
}

/// The recent transactions of account `id`, if the token's consent covers it (404 otherwise,
/// as for an account that does not exist: a recipient learns nothing of other accounts).
async fn transactions(State(sb): State<Arc<Sandbox>>, wid: String, id: String, headers: HeaderMap) -> Response {
    let accounts = match consented_accounts(&sb, &wid, &headers).await {
        Ok(accounts) => accounts,
        Err(r) => return r,
    };
    match accounts.into_iter().find(|a| a.id == id) {
        Some(account) => Json(Transactions::of(account)).into_response(),
        None => fdx_error(StatusCode::NOT_FOUND, "No such account under this consent."),
    }
}

/// The accounts of workspace `wid`'s ledger that the token's consent covers, while it holds.
async fn consented_accounts<'a>(sb: &'a Sandbox, wid: &str, headers: &HeaderMap) -> Result<Vec<&'a Account>, Response> {
    let unauthorized = |m: &str| fdx_error(StatusCode::UNAUTHORIZED, m);
    let Some(token) = bearer(headers) else { return Err(unauthorized("A bearer access token is required.")) };
    let row = match active_token(sb, token) {
        Some(row) if row.workspace == wid && row.kind != "refresh" => row,
        _ => return Err(unauthorized("The access token is not active.")),
    };
    if !row.scope.split_whitespace().any(|s| s == "accounts") {
        return Err(fdx_error(StatusCode::FORBIDDEN, "The token does not carry the accounts scope."));
    }
    let Ok(Some(consent)) = sb.store.consent_of(&sha256_b64(token)) else {
        return Err(fdx_error(StatusCode::FORBIDDEN, "The token carries no consent."));
    };
    // A bank that keeps its consents in an identity pool reads them there; the others read
    // the store handed over at start.
    let pool = sb.workspace(wid).and_then(|w| w.identity_pool.as_deref()).map(|p| PoolConsents::new(&sb.store, p));
    let store: &dyn ConsentStore = match (&pool, sb.consents.get()) {
        (Some(pool), _) => pool,
        (None, Some(store)) => store.as_ref(),
        (None, None) => return Err(fdx_error(StatusCode::SERVICE_UNAVAILABLE, "The bank has no consent store.")),
    };
    let Some(ids) = store.authorized_accounts(consent).await else {
        return Err(unauthorized("The consent is not active."));
    };
    let ledger = sb.ledger_of(wid);
    Ok(ids.iter().filter_map(|id| ledger.shared(id)).collect())
}
