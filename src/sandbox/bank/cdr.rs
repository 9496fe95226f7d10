//! The mock Australian bank's banking API (CDR), behind each workspace whose `bank` is `cdr`:
//!
//! - `GET /bank/{wid}/cdr/banking/accounts`: the accounts of the token's arrangement
//!   (`ResponseBankingAccountList`), while it is in force; 401 once it ends. Needs
//!   `bank:accounts.basic:read`; account numbers only with `bank:accounts.detail:read`.
//! - `GET /bank/{wid}/cdr/banking/accounts/balances`: their balances, with the same scope.
//! - `GET /bank/{wid}/internal/accounts?customer_id=`: a customer's accounts for the consent
//!   page, as the other banks' internal APIs list theirs.
//!
//! The bank learns what a token may open from the profile (`profile::cdr::arrangement::consented`),
//! as a real bank learns it from the authorization server's introspection.

use crate::sandbox::bank::internal::customer_accounts;
use crate::sandbox::http::bearer;
use crate::sandbox::profile::cdr::arrangement::{consented, Consented};
use crate::sandbox::profile::cdr::management::cds_error;
use crate::sandbox::state::Sandbox;
use crate::sandbox::workspace::BankRegime;
use axum::{
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// The routes of each workspace whose `bank` is `cdr`.
pub fn routes(sb: &Sandbox) -> Router<Arc<Sandbox>> {
    sb.workspaces().filter(|(_, w)| w.bank == Some(BankRegime::Cdr)).fold(Router::new(), |router, (wid, _)| {
        let (a, b, c) = (wid.to_string(), wid.to_string(), wid.to_string());
        router
            .route(
                &format!("/bank/{wid}/cdr/banking/accounts"),
                get(move |sb: State<Arc<Sandbox>>, headers: HeaderMap| accounts(sb, a.clone(), headers)),
            )
            .route(
                &format!("/bank/{wid}/cdr/banking/accounts/balances"),
                get(move |sb: State<Arc<Sandbox>>, headers: HeaderMap| balances(sb, b.clone(), headers)),
            )
            .route(
                &format!("/bank/{wid}/internal/accounts"),
                get(move |sb: State<Arc<Sandbox>>, headers: HeaderMap, q: Query<HashMap<String, String>>| {
                    customer_accounts(sb, c.clone(), headers, q)
                }),
            )
    })
}

/// The arrangement behind the request's token, if it may read accounts.
fn arrangement(sb: &Sandbox, wid: &str, headers: &HeaderMap) -> Result<Consented, Response> {
    let unauthorized = || {
        cds_error(
            StatusCode::UNAUTHORIZED,
            "urn:au-cds:error:cds-all:Authorisation/InvalidArrangement",
            "The access token is not active.",
        )
    };
    let token = bearer(headers).ok_or_else(unauthorized)?;
    let consented = consented(sb, wid, token).ok_or_else(unauthorized)?;
    if !consented.scopes.iter().any(|s| s == "bank:accounts.basic:read") {
        return Err(cds_error(
            StatusCode::FORBIDDEN,
            "urn:au-cds:error:cds-all:Authorisation/InvalidConsent",
            "The arrangement does not cover account data.",
        ));
    }
    Ok(consented)
}

fn page(data: Value, link: String, n: usize) -> Response {
    Json(json!({"data": data, "links": {"self": link}, "meta": {"totalRecords": n, "totalPages": 1}})).into_response()
}

async fn accounts(State(sb): State<Arc<Sandbox>>, wid: String, headers: HeaderMap) -> Response {
    let consented = match arrangement(&sb, &wid, &headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let detail = consented.scopes.iter().any(|s| s == "bank:accounts.detail:read");
    let ledger = sb.ledger_of(&wid);
    let list: Vec<Value> = consented
        .accounts
        .iter()
        .filter_map(|id| ledger.account(id))
        .map(|a| {
            let mut account = json!({
                "accountId": a.id,
                "displayName": a.name,
                "nickname": a.nickname.clone().unwrap_or_else(|| a.name.clone()),
                "maskedNumber": a.masked_number(),
                "productCategory": if a.kind == "CREDIT_CARD" { "CRED_AND_CHRG_CARDS" } else { "TRANS_AND_SAVINGS_ACCOUNTS" },
                "productName": a.name,
                "openStatus": "OPEN",
                "isOwned": true,
            });
            if detail {
                account["accountNumber"] = json!(a.number);
            }
            account
        })
        .collect();
    let n = list.len();
    page(json!({"accounts": list}), format!("{}/bank/{wid}/cdr/banking/accounts", sb.base_url), n)
}

async fn balances(State(sb): State<Arc<Sandbox>>, wid: String, headers: HeaderMap) -> Response {
    let consented = match arrangement(&sb, &wid, &headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let ledger = sb.ledger_of(&wid);
    let list: Vec<Value> = consented
        .accounts
        .iter()
        .filter_map(|id| ledger.account(id))
        .map(|a| {
            let amount = format!("{:.2}", a.balance);
            json!({"accountId": a.id, "currentBalance": amount, "availableBalance": amount, "currency": a.currency})
        })
        .collect();
    let n = list.len();
    page(json!({"balances": list}), format!("{}/bank/{wid}/cdr/banking/accounts/balances", sb.base_url), n)
}
