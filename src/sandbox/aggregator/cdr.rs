//! What an Australian CDR data holder asks of the aggregator, and what it answers: the pushed
//! request asks for an ongoing arrangement (`sharing_duration`, about 90 days, so the bank
//! gives a refresh token); the token response names the arrangement (`cdr_arrangement_id`,
//! kept with the tokens); the bank's `GET …/cdr/banking/accounts` and
//! `…/accounts/balances` in the CDR banking shapes (amounts as decimal strings, in the
//! account's currency) made into the dashboard's model; and on Disconnect the arrangement
//! ended at the data holder's arrangement revocation endpoint (`POST {issuer}/arrangements/revoke`
//! with `cdr_arrangement_id`, client-authenticated), before the tokens are revoked.

use crate::sandbox::aggregator::api::{get, Read};
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

/// The arrangement's accounts at bank `wid`, each with its balance (and no transactions: the
/// aggregator does not ask for them here).
pub async fn read(sb: &Sandbox, wid: &str, token: &str) -> Result<Vec<(InternalAccount, Vec<Transaction>)>, Read> {
    let api = format!("{}/bank/{wid}/cdr/banking/accounts", sb.base_url);
    let accounts: Cds<Accounts> = get(sb, &api, token).await?;
    let balances: Cds<Balances> = get(sb, &format!("{api}/balances"), token).await?;
    accounts_of(accounts.data, balances.data).map_err(Read::Failed)
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
        };
        out.push((internal, Vec::new()));
    }
    Ok(out)
}

/// Ends arrangement `id` at `reg`'s data holder: `Ok` once it confirms (204), or when it says
/// no such arrangement is in force for the aggregator (422: it ended already).
pub async fn end_arrangement(sb: &Sandbox, reg: &Registration, id: &str) -> Result<(), String> {
    let url = format!("{}/arrangements/revoke", reg.issuer);
    let (status, answer) = client::post(sb, reg, &url, &[("cdr_arrangement_id", id)]).await?;
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
    fn the_arrangement_is_ongoing_for_ninety_days() {
        assert_eq!(par_params(), [("sharing_duration", "7776000".to_string())]);
    }
}
