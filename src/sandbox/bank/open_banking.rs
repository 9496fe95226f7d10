//! The mock bank's generic Open Banking API, behind each workspace whose `bank` is
//! `open_banking` (`gobank`, the quickstart's): a data recipient's access token opens only the
//! accounts of the consent it was issued under, and nothing once that consent has ended.
//!
//! - `GET /bank/{wid}/accounts` (`/bank/gobank/accounts`): the consent's accounts (`{"accounts": [InternalAccount]}`).
//!
//! The token's consent is the `consent_id` its accept carried (as introspection shows it);
//! what that consent covers, and whether it is still authorized, the bank asks its consent
//! store (`consent_bank`): in the embedded sandbox, Assent's own records, handed over in
//! process at start ([`Sandbox::set_consent_store`]), as a bank's API would read the records
//! database it shares with its consent application.

use crate::sandbox::http::{active_token, bearer, fdx_error};
use crate::sandbox::state::Sandbox;
use crate::sandbox::util::sha256_b64;
use crate::sandbox::workspace::BankRegime;
use crate::wire::InternalAccounts;
use axum::{
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use std::sync::Arc;

/// `GET /bank/{wid}/accounts` for each workspace whose `bank` is `open_banking`: one literal
/// route per workspace, so no other path under `/bank` answers differently than before.
pub fn routes(sb: &Sandbox) -> Router<Arc<Sandbox>> {
    sb.workspaces().filter(|(_, w)| w.bank == Some(BankRegime::OpenBanking)).fold(Router::new(), |router, (wid, _)| {
        let wid = wid.to_string();
        router.route(
            &format!("/bank/{wid}/accounts"),
            get(move |sb: State<Arc<Sandbox>>, headers: HeaderMap| accounts(sb, wid.clone(), headers)),
        )
    })
}

/// The accounts of the consent behind the request's token, a token of workspace `wid`.
async fn accounts(State(sb): State<Arc<Sandbox>>, wid: String, headers: HeaderMap) -> Response {
    let unauthorized = |m: &str| fdx_error(StatusCode::UNAUTHORIZED, m);
    let Some(token) = bearer(&headers) else { return unauthorized("A bearer access token is required.") };
    let row = match active_token(&sb, token) {
        Some(row) if row.workspace == wid && row.kind != "refresh" => row,
        _ => return unauthorized("The access token is not active."),
    };
    if !row.scope.split_whitespace().any(|s| s == "accounts") {
        return fdx_error(StatusCode::FORBIDDEN, "The token does not carry the accounts scope.");
    }
    let Ok(Some(consent)) = sb.store.consent_of(&sha256_b64(token)) else {
        return fdx_error(StatusCode::FORBIDDEN, "The token carries no consent.");
    };
    let Some(store) = sb.consents.get() else {
        return fdx_error(StatusCode::SERVICE_UNAVAILABLE, "The bank has no consent store.");
    };
    let Some(ids) = store.authorized_accounts(consent).await else {
        return unauthorized("The consent is not active.");
    };
    let accounts = ids.iter().filter_map(|id| sb.bank.account(id)).map(|a| a.internal()).collect();
    Json(InternalAccounts { accounts }).into_response()
}
