//! The mock Australian bank's banking API (CDR), behind each workspace whose `bank` is `cdr`:
//!
//! - `GET /bank/{wid}/cdr/banking/accounts`: the accounts of the token's arrangement
//!   (`ResponseBankingAccountList`), while it is in force; 401 once it ends. Needs
//!   `bank:accounts.basic:read`; account numbers only with `bank:accounts.detail:read`.
//! - `GET /bank/{wid}/cdr/banking/accounts/balances`: their balances, with the same scope.
//! - `GET /bank/{wid}/cdr/banking/accounts/{accountId}/transactions`: an account's transactions
//!   (`ResponseBankingTransactionList`), newest first, with `bank:transactions:read`; an
//!   account outside the arrangement is unavailable (404).
//! - `GET /bank/{wid}/internal/accounts?customer_id=`: a customer's accounts for the consent
//!   page, as the other banks' internal APIs list theirs, and `PUT …/accounts/{id}/sharing`, a
//!   joint account holder's choice (`crate::sandbox::bank::internal`).
//! - `GET /bank/{wid}/internal/disclosures?customer_id=`: what went out under each of a
//!   customer's arrangements (`crate::sandbox::bank::disclosures`); every answered data request
//!   above is noted.
//!
//! The bank learns what a token may open from the profile (`profile::cdr::arrangement::consented`),
//! as a real bank learns it from the authorization server's introspection.

use crate::sandbox::bank::disclosures::{customer_disclosures, disclose};
use crate::sandbox::bank::internal::{customer_accounts, sharing_route};
use crate::sandbox::http::bearer;
use crate::sandbox::profile::cdr::arrangement::{consented, Consented};
use crate::sandbox::profile::cdr::management::cds_error;
use crate::sandbox::state::Sandbox;
use crate::sandbox::workspace::BankRegime;
use axum::{
    extract::{Path, Query, State},
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
        let (a, b, c, d, e) = (wid.to_string(), wid.to_string(), wid.to_string(), wid.to_string(), wid.to_string());
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
                &format!("/bank/{wid}/cdr/banking/accounts/{{account}}/transactions"),
                get(
                    move |sb: State<Arc<Sandbox>>,
                          headers: HeaderMap,
                          id: Path<String>,
                          q: Query<HashMap<String, String>>| {
                        transactions(sb, d.clone(), headers, id.0, q.0)
                    },
                ),
            )
            .route(
                &format!("/bank/{wid}/internal/accounts"),
                get(move |sb: State<Arc<Sandbox>>, headers: HeaderMap, q: Query<HashMap<String, String>>| {
                    customer_accounts(sb, c.clone(), headers, q)
                }),
            )
            .route(&format!("/bank/{wid}/internal/accounts/{{id}}/sharing"), sharing_route(wid.to_string()))
            .route(
                &format!("/bank/{wid}/internal/disclosures"),
                get(move |sb: State<Arc<Sandbox>>, headers: HeaderMap, q: Query<HashMap<String, String>>| {
                    customer_disclosures(sb, e.clone(), headers, q)
                }),
            )
    })
}

/// The scope that opens accounts, their balances and details.
const ACCOUNTS: &str = "bank:accounts.basic:read";
/// The scope that opens their transactions.
const TRANSACTIONS: &str = "bank:transactions:read";

/// The arrangement behind the request's token, if its token has `scope`.
fn arrangement(sb: &Sandbox, wid: &str, headers: &HeaderMap, scope: &str) -> Result<Consented, Response> {
    let unauthorized = || {
        cds_error(
            StatusCode::UNAUTHORIZED,
            "urn:au-cds:error:cds-all:Authorisation/InvalidArrangement",
            "The access token is not active.",
        )
    };
    let token = bearer(headers).ok_or_else(unauthorized)?;
    let mut consented = consented(sb, wid, token).ok_or_else(unauthorized)?;
    // An account whose sharing is off now discloses nothing, whatever the arrangement says.
    let ledger = sb.ledger_of(wid);
    consented.accounts.retain(|id| ledger.shared(id).is_some());
    if !consented.scopes.iter().any(|s| s == scope) {
        let detail = if scope == TRANSACTIONS {
            "The arrangement does not cover transactions."
        } else {
            "The arrangement does not cover account data."
        };
        return Err(cds_error(StatusCode::FORBIDDEN, "urn:au-cds:error:cds-all:Authorisation/InvalidConsent", detail));
    }
    Ok(consented)
}

fn page(data: Value, link: String, n: usize) -> Response {
    Json(json!({"data": data, "links": {"self": link}, "meta": {"totalRecords": n, "totalPages": 1}})).into_response()
}

async fn accounts(State(sb): State<Arc<Sandbox>>, wid: String, headers: HeaderMap) -> Response {
    let consented = match arrangement(&sb, &wid, &headers, ACCOUNTS) {
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
    // An answer with nothing in it discloses nothing.
    if n > 0 {
        let holders = sb.ledger_of(&wid).owners_of(consented.accounts.iter().map(String::as_str));
        disclose(&sb, &wid, holders, &consented.arrangement, "accounts");
    }
    page(json!({"accounts": list}), format!("{}/bank/{wid}/cdr/banking/accounts", sb.base_url), n)
}

async fn balances(State(sb): State<Arc<Sandbox>>, wid: String, headers: HeaderMap) -> Response {
    let consented = match arrangement(&sb, &wid, &headers, ACCOUNTS) {
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
    if n > 0 {
        disclose(
            &sb,
            &wid,
            ledger.owners_of(consented.accounts.iter().map(String::as_str)),
            &consented.arrangement,
            "balances",
        );
    }
    page(json!({"balances": list}), format!("{}/bank/{wid}/cdr/banking/accounts/balances", sb.base_url), n)
}

/// `GET …/accounts/{accountId}/transactions`: the account's transactions booked between
/// `oldest-time` (by default 90 days ago) and `newest-time` (by default now), newest first.
async fn transactions(
    State(sb): State<Arc<Sandbox>>,
    wid: String,
    headers: HeaderMap,
    id: String,
    query: HashMap<String, String>,
) -> Response {
    let consented = match arrangement(&sb, &wid, &headers, TRANSACTIONS) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let ledger = sb.ledger_of(&wid);
    let Some(account) = consented.accounts.iter().find(|a| **a == id).and_then(|id| ledger.account(id)) else {
        return cds_error(
            StatusCode::NOT_FOUND,
            "urn:au-cds:error:cds-banking:Authorisation/UnavailableBankingAccount",
            "The account is not shared under this arrangement.",
        );
    };
    let now = chrono::Utc::now();
    let time = |name: &str, default: chrono::DateTime<chrono::Utc>| match query.get(name) {
        None => Ok(default),
        Some(v) => chrono::DateTime::parse_from_rfc3339(v).map(|t| t.to_utc()).map_err(|_| {
            cds_error(
                StatusCode::BAD_REQUEST,
                "urn:au-cds:error:cds-all:Field/InvalidDateTime",
                &format!("{name} is not a date and time (RFC 3339)."),
            )
        }),
    };
    let (oldest, newest) = match (time("oldest-time", now - chrono::Duration::days(90)), time("newest-time", now)) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let list: Vec<Value> = crate::sandbox::bank::data::Transactions::of(account)
        .transactions
        .into_iter()
        .filter_map(|t| {
            let booked = chrono::NaiveDate::parse_from_str(&t.booked, "%Y-%m-%d").ok()?.and_hms_opt(0, 0, 0)?.and_utc();
            (oldest <= booked && booked <= newest).then_some((t, booked))
        })
        .map(|(t, booked)| {
            json!({
                "accountId": account.id,
                "transactionId": t.id,
                "isDetailAvailable": false,
                "type": if t.amount < 0.0 { "PAYMENT" } else { "TRANSFER_INCOMING" },
                "status": "POSTED",
                "description": t.description,
                "postingDateTime": booked.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                "amount": format!("{:.2}", t.amount),
                "currency": t.currency,
                "reference": "",
            })
        })
        .collect();
    let n = list.len();
    // A joint account's data is each holder's.
    disclose(&sb, &wid, sb.ledger_of(&wid).owners_of([account.id.as_str()]), &consented.arrangement, "transactions");
    let link = format!("{}/bank/{wid}/cdr/banking/accounts/{}/transactions", sb.base_url, account.id);
    page(json!({"transactions": list}), link, n)
}
