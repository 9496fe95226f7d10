//! What an Australian CDR data holder asks of the aggregator, and what it answers: the pushed
//! request asks for an ongoing arrangement (`sharing_duration`, about 90 days, so the bank
//! gives a refresh token); the token response names the arrangement (`cdr_arrangement_id`,
//! kept with the tokens); the bank's `GET …/cdr/banking/accounts`, `…/accounts/balances` and
//! each account's `…/transactions` in the CDR banking shapes (amounts as decimal strings, in
//! the account's currency) made into the dashboard's model; and on Disconnect the arrangement
//! ended at the data holder's arrangement revocation endpoint (its discovery's
//! `cdr_arrangement_revocation_endpoint`, `POST` with `cdr_arrangement_id`,
//! client-authenticated), before the tokens are revoked.

use crate::sandbox::aggregator::api::{get, get_if_covered, segment, Read, RECENT};
use crate::sandbox::aggregator::client::{self, Registration};
use crate::sandbox::bank::data::Transaction;
use crate::sandbox::state::Sandbox;
use crate::wire::InternalAccount;
use serde::Deserialize;
use std::collections::HashMap;

/// How long the arrangement lasts, in days (its `sharing_duration`).
const SHARING_DAYS: i64 = 90;

/// The pushed request's CDR parameters: an ongoing arrangement of [`SHARING_DAYS`].
pub fn par_params() -> Vec<(&'static str, String)> {
    vec![("sharing_duration", (SHARING_DAYS * 86_400).to_string())]
}

/// `{"data": …}`, as every CDR banking answer.
#[derive(Deserialize)]
struct Cds<T> {
    data: T,
}

#[derive(Deserialize)]
struct Accounts {
    #[serde(default)]
    accounts: Vec<Account>,
}

/// `BankingAccount`, the fields the dashboard shows.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Account {
    account_id: String,
    display_name: String,
    #[serde(default)]
    nickname: Option<String>,
    #[serde(default)]
    masked_number: String,
    #[serde(default)]
    product_category: String,
}

#[derive(Deserialize)]
struct Balances {
    #[serde(default)]
    balances: Vec<Balance>,
}

/// `BankingBalance`: `currentBalance` as a decimal string, and its currency (AUD if absent, as
/// the standards have it).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Balance {
    account_id: String,
    current_balance: String,
    #[serde(default)]
    currency: Option<String>,
}

/// `BankingTransaction`, the fields the dashboard shows.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CdsTransaction {
    #[serde(default)]
    transaction_id: Option<String>,
    description: String,
    /// Booked (`POSTED`) transactions carry it; pending ones may not.
    #[serde(default)]
    posting_date_time: Option<String>,
    #[serde(default)]
    execution_date_time: Option<String>,
    amount: String,
    #[serde(default)]
    currency: Option<String>,
}

#[derive(Deserialize)]
struct CdsTransactions {
    #[serde(default)]
    transactions: Vec<CdsTransaction>,
}

/// The arrangement's accounts at bank `wid`, each with its balance and most recent
/// transactions (none shown when the arrangement does not cover them: one made before the
/// aggregator asked for them).
pub async fn read(sb: &Sandbox, wid: &str, token: &str) -> Result<Vec<(InternalAccount, Vec<Transaction>)>, Read> {
    let api = format!("{}/bank/{wid}/cdr/banking/accounts", sb.base_url);
    let accounts: Cds<Accounts> = get(sb, &api, token).await?;
    let balances: Cds<Balances> = get(sb, &format!("{api}/balances"), token).await?;
    let mut out = accounts_of(accounts.data, balances.data).map_err(Read::Failed)?;
    for (account, transactions) in &mut out {
        let url = format!("{api}/{}/transactions", segment(&account.id));
        if let Some(answer) = get_if_covered::<Cds<CdsTransactions>>(sb, &url, token).await? {
            *transactions = transactions_of(account, answer.data).map_err(Read::Failed)?;
        }
    }
    Ok(out)
}

/// An account's transactions in the dashboard's model, newest first, the most recent few; an
/// amount that does not read is refused, not guessed.
fn transactions_of(account: &InternalAccount, answer: CdsTransactions) -> Result<Vec<Transaction>, String> {
    let bad = || format!("the bank's transactions of {} do not read", account.id);
    let mut out = Vec::with_capacity(answer.transactions.len());
    for (n, t) in answer.transactions.into_iter().enumerate() {
        let amount: f64 = t.amount.trim().parse().ok().filter(|v: &f64| v.is_finite()).ok_or_else(bad)?;
        let when = t.posting_date_time.or(t.execution_date_time).unwrap_or_default();
        out.push(Transaction {
            id: t.transaction_id.unwrap_or_else(|| format!("{}-{n}", account.id)),
            booked: when.chars().take(10).collect(),
            description: t.description,
            amount,
            currency: t.currency.unwrap_or_else(|| account.currency.clone()),
        });
    }
    // Newest first (ISO dates sort as text), then the most recent few.
    out.sort_by(|a, b| b.booked.cmp(&a.booked));
    out.truncate(RECENT);
    Ok(out)
}

/// The accounts in the dashboard's model, each with its balance; an account without a
/// readable balance is refused, not guessed.
fn accounts_of(accounts: Accounts, balances: Balances) -> Result<Vec<(InternalAccount, Vec<Transaction>)>, String> {
    let by_id: HashMap<&str, &Balance> = balances.balances.iter().map(|b| (b.account_id.as_str(), b)).collect();
    let mut out = Vec::with_capacity(accounts.accounts.len());
    for a in accounts.accounts {
        let bad = || format!("the bank's balance of {} does not read", a.account_id);
        let balance = by_id.get(a.account_id.as_str()).ok_or_else(bad)?;
        let amount: f64 =
            balance.current_balance.trim().parse().ok().filter(|v: &f64| v.is_finite()).ok_or_else(bad)?;
        let kind = match a.product_category.as_str() {
            "CRED_AND_CHRG_CARDS" => "CREDIT_CARD",
            _ => "CHECKING",
        };
        let internal = InternalAccount {
            nickname: a.nickname.filter(|n| *n != a.display_name),
            name: a.display_name,
            kind: kind.into(),
            masked_number: a.masked_number,
            balance: amount,
            currency: balance.currency.clone().unwrap_or_else(|| "AUD".into()),
            id: a.account_id,
            identification: None,
            unavailable: None,
            joint: None,
        };
        out.push((internal, Vec::new()));
    }
    Ok(out)
}

/// Ends arrangement `id` at `reg`'s data holder: `Ok` once it confirms (204), or when it says
/// no such arrangement is in force for the aggregator (422: it ended already).
pub async fn end_arrangement(sb: &Sandbox, reg: &Registration, id: &str) -> Result<(), String> {
    let url = &reg.arrangement_revocation_endpoint;
    let (status, answer) = client::post(sb, reg, url, &[("cdr_arrangement_id", id)]).await?;
    match status {
        204 | 422 => Ok(()),
        _ => {
            let why = answer["errors"][0]["title"].as_str().map_or_else(|| client::describe(&answer), str::to_string);
            Err(format!("the bank did not end the arrangement ({status}): {why}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn cdr_accounts_become_the_dashboards_with_their_balances() {
        let accounts: Accounts = parse(json!({"accounts": [
            {"accountId": "AU-1", "displayName": "Everyday", "nickname": "Spending", "maskedNumber": "…5678",
             "productCategory": "TRANS_AND_SAVINGS_ACCOUNTS"},
            {"accountId": "AU-3", "displayName": "Card", "nickname": "Card", "productCategory": "CRED_AND_CHRG_CARDS"}]}));
        let balances: Balances = parse(json!({"balances": [
            {"accountId": "AU-3", "currentBalance": "-455.90", "availableBalance": "0", "currency": "AUD"},
            {"accountId": "AU-1", "currentBalance": "2140.25", "availableBalance": "2140.25"}]}));
        let out = accounts_of(accounts, balances).unwrap();
        let seen: Vec<_> = out
            .iter()
            .map(|(a, t)| {
                (a.id.as_str(), a.kind.as_str(), a.balance, a.currency.as_str(), a.nickname.as_deref(), t.len())
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("AU-1", "CHECKING", 2140.25, "AUD", Some("Spending"), 0),
                ("AU-3", "CREDIT_CARD", -455.9, "AUD", None, 0)
            ]
        );
        assert_eq!(out[0].0.masked_number, "…5678");
    }

    #[test]
    fn an_account_without_a_readable_balance_is_refused() {
        let accounts = || -> Accounts { parse(json!({"accounts": [{"accountId": "AU-1", "displayName": "E"}]})) };
        for balances in [
            json!({"balances": []}),
            json!({"balances": [{"accountId": "AU-2", "currentBalance": "1"}]}),
            json!({"balances": [{"accountId": "AU-1", "currentBalance": "NaN"}]}),
            json!({"balances": [{"accountId": "AU-1", "currentBalance": "lots"}]}),
        ] {
            assert!(accounts_of(accounts(), parse(balances.clone())).is_err(), "{balances}");
        }
    }

    #[test]
    fn cdr_transactions_become_the_dashboards_newest_first_and_a_bad_amount_is_refused() {
        let accounts: Accounts = parse(json!({"accounts": [{"accountId": "AU-1", "displayName": "Everyday"}]}));
        let balances: Balances = parse(json!({"balances": [{"accountId": "AU-1", "currentBalance": "1.00"}]}));
        let (account, _) = accounts_of(accounts, balances).unwrap().remove(0);
        let answer: CdsTransactions = parse(json!({"transactions": [
            {"accountId": "AU-1", "transactionId": "t1", "isDetailAvailable": false, "type": "PAYMENT",
             "status": "POSTED", "description": "Woolworths", "postingDateTime": "2026-12-01T00:00:00Z",
             "amount": "-86.40", "currency": "AUD", "reference": ""},
            {"accountId": "AU-1", "isDetailAvailable": false, "type": "OTHER", "status": "PENDING",
             "description": "Pending", "executionDateTime": "2026-12-03T10:00:00Z", "amount": "5.00", "reference": ""},
            {"accountId": "AU-1", "transactionId": "t3", "isDetailAvailable": false, "type": "TRANSFER_INCOMING",
             "status": "POSTED", "description": "Salary", "postingDateTime": "2026-11-28T00:00:00Z",
             "amount": "3650.00", "currency": "AUD", "reference": ""}]}));
        let out = transactions_of(&account, answer).unwrap();
        let seen: Vec<_> = out
            .iter()
            .map(|t| (t.id.as_str(), t.booked.as_str(), t.description.as_str(), t.amount, t.currency.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                ("AU-1-1", "2026-12-03", "Pending", 5.0, "AUD"),
                ("t1", "2026-12-01", "Woolworths", -86.4, "AUD"),
                ("t3", "2026-11-28", "Salary", 3650.0, "AUD"),
            ]
        );
        for amount in ["lots", "NaN", ""] {
            let answer: CdsTransactions = parse(json!({"transactions": [
                {"description": "x", "postingDateTime": "2026-12-01T00:00:00Z", "amount": amount}]}));
            assert!(transactions_of(&account, answer).is_err(), "{amount:?}");
        }
    }

    #[test]
    fn the_arrangement_is_ongoing_for_ninety_days() {
        assert_eq!(par_params(), [("sharing_duration", "7776000".to_string())]);
    }
}
