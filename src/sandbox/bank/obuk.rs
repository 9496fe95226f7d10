//! The mock UK bank's account information API, behind each workspace whose `bank` is `obuk`:
//!
//! - `GET /bank/{wid}/aisp/accounts`: the accounts of the token's account-access consent, as
//!   `OBReadAccount6` (`Data.Account[]`), while the consent is authorised; 401 once it ends.
//!   Account names and numbers only with `ReadAccountsDetail`.
//! - `GET /bank/{wid}/aisp/accounts/{AccountId}/balances` (`OBReadBalance1`, with
//!   `ReadBalances`) and `…/transactions` (`OBReadTransaction6`, with `ReadTransactionsBasic`
//!   or `…Detail`, credits and debits as `ReadTransactionsCredits` / `…Debits` allow, within
//!   the consent's transaction window; descriptions only with `ReadTransactionsDetail`), for
//!   an account of the consent only (403 for any other). Both count the domestic payments
//!   made from the account (`crate::sandbox::bank::books`): the balance less each, each a
//!   debit to its payee.
//! - `GET /bank/{wid}/internal/accounts?customer_id=`: a customer's accounts for the consent
//!   page, as `/bank/internal/accounts` lists Sandbox Bank's, and `PUT …/accounts/{id}/sharing`,
//!   a joint account holder's choice.
//! - `GET /bank/{wid}/internal/disclosures?customer_id=`: what went out under each of a
//!   customer's consents (`crate::sandbox::bank::disclosures`); every answered account,
//!   balance or transaction request is noted for each holder of the accounts it disclosed.
//!
//! - `POST /bank/{wid}/pisp/domestic-payments` (`OBWriteDomestic2`): makes the payment of the
//!   token's authorised domestic-payment consent from the account the customer chose, once
//!   (the consent is then `Consumed`); 201 `OBWriteDomesticResponse5`.
//!
//! The bank learns what a token may open from the profile (`profile::obuk::consent::consented`),
//! as a real bank learns it from the authorization server's introspection.

use crate::sandbox::bank::books::{balance, ob_money, payment_transactions};
use crate::sandbox::bank::disclosures::{customer_disclosures, disclose};
use crate::sandbox::bank::internal::{customer_accounts, sharing_route};
use crate::sandbox::bank::money::Money;
use crate::sandbox::http::bearer;
use crate::sandbox::profile::obuk::consent::{accounts_of, consented, ob_error, rfc3339};
use crate::sandbox::profile::obuk::payment::{initiation_of, payment_consent_of};
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::PaymentRow;
use crate::sandbox::util::{now, random_token};
use crate::sandbox::workspace::BankRegime;
use crate::wire::obuk::status;
use crate::wire::obuk_payment::{OBWriteDomestic, CONSUMED};
use axum::{
    body::Bytes,
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
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
                &format!("/bank/{wid}/pisp/domestic-payments"),
                post({
                    let wid = wid.to_string();
                    move |sb: State<Arc<Sandbox>>, headers: HeaderMap, body: Bytes| {
                        domestic_payment(sb, wid.clone(), headers, body)
                    }
                }),
            )
            .route(
                &format!("/bank/{wid}/internal/accounts"),
                get(move |sb: State<Arc<Sandbox>>, headers: HeaderMap, q: Query<HashMap<String, String>>| {
                    customer_accounts(sb, b.clone(), headers, q)
                }),
            )
            .route(&format!("/bank/{wid}/internal/accounts/{{id}}/sharing"), sharing_route(wid.to_string()))
            .route(
                &format!("/bank/{wid}/aisp/accounts/{{account}}/balances"),
                get({
                    let wid = wid.to_string();
                    move |sb: State<Arc<Sandbox>>, headers: HeaderMap, id: axum::extract::Path<String>| {
                        balances(sb, wid.clone(), headers, id.0)
                    }
                }),
            )
            .route(
                &format!("/bank/{wid}/aisp/accounts/{{account}}/transactions"),
                get({
                    let wid = wid.to_string();
                    move |sb: State<Arc<Sandbox>>, headers: HeaderMap, id: axum::extract::Path<String>| {
                        transactions(sb, wid.clone(), headers, id.0)
                    }
                }),
            )
            .route(
                &format!("/bank/{wid}/internal/disclosures"),
                get({
                    let wid = wid.to_string();
                    move |sb: State<Arc<Sandbox>>, headers: HeaderMap, q: Query<HashMap<String, String>>| {
                        customer_disclosures(sb, wid.clone(), headers, q)
                    }
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

/// The token's consent and one of its accounts (`AccountId`), or the refusal: 401 for a token
/// not honoured, 403 without `permission` (any of them) or for an account not consented.
fn consented_account(
    sb: &Sandbox,
    wid: &str,
    headers: &HeaderMap,
    id: &str,
    permissions: &[&str],
) -> Result<(crate::sandbox::profile::obuk::consent::Consented, crate::sandbox::bank::data::Account), Response> {
    let unauthorized = || ob_error(StatusCode::UNAUTHORIZED, "UK.OBIE.Unauthorised", "The access token is not active.");
    let token = bearer(headers).ok_or_else(unauthorized)?;
    let consent = consented(sb, wid, token).ok_or_else(unauthorized)?;
    if !permissions.iter().any(|p| consent.permissions.iter().any(|x| x == p)) {
        return Err(ob_error(StatusCode::FORBIDDEN, "UK.OBIE.Forbidden", "The consent does not cover this data."));
    }
    let account = consent.accounts.iter().any(|a| a == id).then(|| sb.ledger_of(wid).shared(id).cloned()).flatten();
    let account = account.ok_or_else(|| {
        ob_error(StatusCode::FORBIDDEN, "UK.OBIE.Forbidden", "The account is not part of the consent.")
    })?;
    Ok((consent, account))
}

/// `GET /bank/{wid}/aisp/accounts/{AccountId}/balances`: the account's available balance,
/// after the payments made from it.
async fn balances(State(sb): State<Arc<Sandbox>>, wid: String, headers: HeaderMap, id: String) -> Response {
    let (consent, account) = match consented_account(&sb, &wid, &headers, &id, &["ReadBalances"]) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (amount, indicator) = match balance(&sb, &wid, &account) {
        Ok(left) => ob_money(left, &account.currency),
        Err(e) => return crate::sandbox::http::db_failure(e),
    };
    disclose(&sb, &wid, account.owners.iter().map(String::as_str), &consent.consent_id, "balances");
    let balance = json!({
        "AccountId": account.id,
        "Amount": amount,
        "CreditDebitIndicator": indicator,
        "Type": "InterimAvailable",
        "DateTime": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    });
    let link = format!("{}/bank/{wid}/aisp/accounts/{}/balances", sb.base_url, account.id);
    Json(json!({"Data": {"Balance": [balance]}, "Links": {"Self": link}, "Meta": {"TotalPages": 1}})).into_response()
}

/// `GET /bank/{wid}/aisp/accounts/{AccountId}/transactions`: newest first, the credits and
/// debits the consent allows, booked within its window: the payments made from the account,
/// then the seed's.
async fn transactions(State(sb): State<Arc<Sandbox>>, wid: String, headers: HeaderMap, id: String) -> Response {
    let (consent, account) =
        match consented_account(&sb, &wid, &headers, &id, &["ReadTransactionsBasic", "ReadTransactionsDetail"]) {
            Ok(x) => x,
            Err(r) => return r,
        };
    let has = |p: &str| consent.permissions.iter().any(|x| x == p);
    let (credits, debits, detail) =
        (has("ReadTransactionsCredits"), has("ReadTransactionsDebits"), has("ReadTransactionsDetail"));
    let within =
        |at: i64| consent.transactions_from.is_none_or(|f| at >= f) && consent.transactions_to.is_none_or(|e| at <= e);
    let paid = match payment_transactions(&sb, &wid, &account, detail) {
        Ok(paid) => paid,
        Err(e) => return crate::sandbox::http::db_failure(e),
    };
    let paid = paid.into_iter().filter(|(at, _)| debits && within(*at)).map(|(_, tx)| tx);
    let seeded = crate::sandbox::bank::data::Transactions::of(&account)
        .transactions
        .into_iter()
        .filter(|t| if t.amount < 0.0 { debits } else { credits })
        .filter_map(|t| {
            let booked = chrono::NaiveDate::parse_from_str(&t.booked, "%Y-%m-%d").ok()?.and_hms_opt(0, 0, 0)?;
            within(booked.and_utc().timestamp()).then_some((t, booked))
        })
        .map(|(t, booked)| {
            let (amount, indicator) = ob_money(Money::of_seed(t.amount), &t.currency);
            let mut tx = json!({
                "AccountId": account.id,
                "TransactionId": t.id,
                "CreditDebitIndicator": indicator,
                "Status": "Booked",
                "BookingDateTime": booked.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                "Amount": amount,
            });
            if detail {
                tx["TransactionInformation"] = t.description.into();
            }
            tx
        });
    let list: Vec<serde_json::Value> = paid.chain(seeded).collect();
    disclose(&sb, &wid, account.owners.iter().map(String::as_str), &consent.consent_id, "transactions");
    let link = format!("{}/bank/{wid}/aisp/accounts/{}/transactions", sb.base_url, account.id);
    Json(json!({"Data": {"Transaction": list}, "Links": {"Self": link}, "Meta": {"TotalPages": 1}})).into_response()
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
    let holders = ledger.holders(consent.accounts.iter().map(String::as_str));
    disclose(&sb, &wid, holders, &consent.consent_id, "accounts");
    let list: Vec<serde_json::Value> = consent
        .accounts
        .iter()
        .filter_map(|id| ledger.shared(id))
        .map(|a| {
            let mut account = json!({
                "AccountId": a.id,
                "Currency": a.currency,
                "AccountType": "Personal",
                "AccountSubType": match a.kind.as_str() {
                    "CREDIT_CARD" => "CreditCard",
                    "SAVINGS" => "Savings",
                    _ => "CurrentAccount",
                },
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

/// `POST /bank/{wid}/pisp/domestic-payments`: the payment order of the token's consent, with
/// the consent's id and exactly its `Initiation`. 401 without an active token carrying
/// `payments` under a payment consent; 403 when the consent is not authorised (a second
/// payment finds it `Consumed`); 400 when the order is not the consent's.
async fn domestic_payment(State(sb): State<Arc<Sandbox>>, wid: String, headers: HeaderMap, body: Bytes) -> Response {
    let unauthorized = || ob_error(StatusCode::UNAUTHORIZED, "UK.OBIE.Unauthorised", "The access token is not active.");
    let Some(token) = bearer(&headers) else { return unauthorized() };
    let Some(consent) = payment_consent_of(&sb, &wid, token) else { return unauthorized() };
    let Ok(order) = serde_json::from_slice::<OBWriteDomestic>(&body) else {
        return ob_error(
            StatusCode::BAD_REQUEST,
            "UK.OBIE.Resource.InvalidFormat",
            "The body must be OBWriteDomestic2.",
        );
    };
    let used = || {
        ob_error(
            StatusCode::FORBIDDEN,
            "UK.OBIE.Resource.InvalidConsentStatus",
            "The consent has already been used for a payment.",
        )
    };
    match consent.status.as_str() {
        status::AUTHORISED => {}
        CONSUMED => return used(),
        other => {
            return ob_error(
                StatusCode::FORBIDDEN,
                "UK.OBIE.Resource.InvalidConsentStatus",
                &format!("The consent is {other}, not authorised."),
            )
        }
    }
    let initiation = initiation_of(&consent);
    if order.data.consent_id != consent.id || order.data.initiation != initiation {
        return ob_error(
            StatusCode::BAD_REQUEST,
            "UK.OBIE.Resource.ConsentMismatch",
            "The payment order does not match its consent's Initiation.",
        );
    }
    let Some(debtor) = accounts_of(&consent).into_iter().next() else {
        return ob_error(
            StatusCode::FORBIDDEN,
            "UK.OBIE.Resource.InvalidConsentStatus",
            "The consent names no account.",
        );
    };
    let at = now();
    let payment = PaymentRow {
        id: format!("pmt-{}", random_token(18)),
        consent_id: consent.id.clone(),
        workspace: wid.clone(),
        debtor: debtor.clone(),
        amount: initiation.instructed_amount.amount.clone(),
        currency: initiation.instructed_amount.currency.clone(),
        data: serde_json::to_string(&initiation).unwrap_or_default(),
        created_at: at,
    };
    match sb.store.make_obuk_payment(&payment) {
        Ok(true) => {}
        Ok(false) => return used(),
        Err(e) => return crate::sandbox::http::db_failure(e),
    }
    let link = format!("{}/bank/{wid}/pisp/domestic-payments/{}", sb.base_url, payment.id);
    let body = json!({
        "Data": {
            "DomesticPaymentId": payment.id,
            "ConsentId": consent.id,
            "Status": "AcceptedSettlementCompleted",
            "CreationDateTime": rfc3339(at),
            "StatusUpdateDateTime": rfc3339(at),
            "Initiation": initiation,
        },
        "Links": {"Self": link},
        "Meta": {"TotalPages": 1},
    });
    (StatusCode::CREATED, Json(body)).into_response()
}
