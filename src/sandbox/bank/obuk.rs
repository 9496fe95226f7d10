//! The mock UK bank's account information API, behind each workspace whose `bank` is `obuk`:
//!
//! - `GET /bank/{wid}/aisp/accounts`: the accounts of the token's account-access consent, as
//!   `OBReadAccount6` (`Data.Account[]`), while the consent is authorised; 401 once it ends.
//!   Account names and numbers only with `ReadAccountsDetail`.
//! - `GET /bank/{wid}/internal/accounts?customer_id=`: a customer's accounts for the consent
//!   page, as `/bank/internal/accounts` lists Sandbox Bank's.
//!
//! The bank learns what a token may open from the profile (`profile::obuk::consent::consented`),
//! as a real bank learns it from the authorization server's introspection.

use crate::sandbox::bank::internal::customer_accounts;
use crate::sandbox::http::bearer;
use crate::sandbox::profile::obuk::consent::{consented, ob_error};
use crate::sandbox::state::Sandbox;
use crate::sandbox::workspace::BankRegime;
use axum::{
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;

/// The routes of each workspace whose `bank` is `obuk`.
pub fn routes(sb: &Sandbox) -> Router<Arc<Sandbox>> {
    sb.workspaces().filter(|(_, w)| w.bank == Some(BankRegime::Obuk)).fold(Router::new(), |router, (wid, _)| {
        let (a, b) = (wid.to_string(), wid.to_string());
        router
            .route(
                &format!("/bank/{wid}/aisp/accounts"),
                get(move |sb: State<Arc<Sandbox>>, headers: HeaderMap| accounts(sb, a.clone(), headers)),
            )
            .route(
                &format!("/bank/{wid}/internal/accounts"),
                get(move |sb: State<Arc<Sandbox>>, headers: HeaderMap, q: Query<HashMap<String, String>>| {
                    customer_accounts(sb, b.clone(), headers, q)
                }),
            )
    })
}

/// `UK.OBIE.SortCodeAccountNumber` or `UK.OBIE.PAN`, by the account's kind.
fn scheme(kind: &str) -> &'static str {
    if kind == "CREDIT_CARD" {
        "UK.OBIE.PAN"
    } else {
        "UK.OBIE.SortCodeAccountNumber"
    }
}

async fn accounts(State(sb): State<Arc<Sandbox>>, wid: String, headers: HeaderMap) -> Response {
    let unauthorized = || ob_error(StatusCode::UNAUTHORIZED, "UK.OBIE.Unauthorised", "The access token is not active.");
    let Some(token) = bearer(&headers) else { return unauthorized() };
    let Some(consent) = consented(&sb, &wid, token) else { return unauthorized() };
    let has = |p: &str| consent.permissions.iter().any(|x| x == p);
    if !has("ReadAccountsBasic") && !has("ReadAccountsDetail") {
        return ob_error(StatusCode::FORBIDDEN, "UK.OBIE.Forbidden", "The consent does not cover accounts.");
    }
    let ledger = sb.ledger_of(&wid);
    let list: Vec<serde_json::Value> = consent
        .accounts
        .iter()
        .filter_map(|id| ledger.account(id))
        .map(|a| {
            let mut account = json!({
                "AccountId": a.id,
                "Currency": a.currency,
                "AccountType": "Personal",
                "AccountSubType": if a.kind == "CREDIT_CARD" { "CreditCard" } else { "CurrentAccount" },
                "Nickname": a.nickname.clone().unwrap_or_else(|| a.name.clone()),
            });
            if has("ReadAccountsDetail") {
                let number: String = a.number.chars().filter(char::is_ascii_digit).collect();
                account["Account"] = json!([{"SchemeName": scheme(&a.kind), "Identification": number, "Name": a.name}]);
            }
            account
        })
        .collect();
    let link = format!("{}/bank/{wid}/aisp/accounts", sb.base_url);
    Json(json!({"Data": {"Account": list}, "Links": {"Self": link}, "Meta": {"TotalPages": 1}})).into_response()
}
