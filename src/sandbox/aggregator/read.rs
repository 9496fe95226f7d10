//! What the aggregator reads at a bank with a customer's access token, in that bank's regime,
//! made into the dashboard's one model (`InternalAccount` and its recent `Transaction`s, each
//! in its own currency): an Open Banking bank's `/bank/{wid}/accounts` as it is, a UK bank's
//! `/bank/{wid}/aisp/accounts`, `…/{AccountId}/balances` and `…/{AccountId}/transactions` from
//! the OBIE shapes (amounts as decimal strings with a credit or debit indicator), a CDR bank's
//! in the CDR shapes (`cdr`).

use crate::sandbox::aggregator::api::{get, segment, Read, RECENT};
use crate::sandbox::aggregator::cdr;
use crate::sandbox::aggregator::client::Regime;
use crate::sandbox::bank::data::{Transaction, Transactions};
use crate::sandbox::state::Sandbox;
use crate::wire::{InternalAccount, InternalAccounts};
use serde::Deserialize;

/// The accounts the token opens at bank `wid`, each with its most recent transactions.
pub async fn read(
    sb: &Sandbox,
    wid: &str,
    regime: Regime,
    token: &str,
) -> Result<Vec<(InternalAccount, Vec<Transaction>)>, Read> {
    match regime {
        Regime::OpenBanking => read_open_banking(sb, wid, token).await,
        Regime::Uk => read_uk(sb, wid, token).await,
        Regime::Cdr => cdr::read(sb, wid, token).await,
    }
}

async fn read_open_banking(
    sb: &Sandbox,
    wid: &str,
    token: &str,
) -> Result<Vec<(InternalAccount, Vec<Transaction>)>, Read> {
    let api = format!("{}/bank/{wid}", sb.base_url);
    let list: InternalAccounts = get(sb, &format!("{api}/accounts"), token).await?;
    let mut out = Vec::with_capacity(list.accounts.len());
    for account in list.accounts {
        let mut txs: Transactions =
            get(sb, &format!("{api}/accounts/{}/transactions", segment(&account.id)), token).await?;
        txs.transactions.truncate(RECENT);
        out.push((account, txs.transactions));
    }
    Ok(out)
}

/// `{"Data": …}`, as every OBIE read answers.
#[derive(Deserialize)]
struct Ob<T> {
    #[serde(rename = "Data")]
    data: T,
}

#[derive(Deserialize)]
struct ObAccounts {
    #[serde(rename = "Account", default)]
    account: Vec<ObAccount>,
}

/// `OBAccount6`, the fields the dashboard shows.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ObAccount {
    account_id: String,
    currency: String,
    #[serde(default)]
    account_sub_type: Option<String>,
    #[serde(default)]
    nickname: Option<String>,
    /// Its identification (sort code and number, or card number), with `ReadAccountsDetail`.
    #[serde(default)]
    account: Vec<ObIdentification>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ObIdentification {
    identification: String,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ObAmount {
    amount: String,
    currency: String,
}

impl ObAmount {
    /// The amount, negative for a debit; `None` when it is not a decimal number.
    fn signed(&self, indicator: &str) -> Option<f64> {
        let value: f64 = self.amount.trim().parse().ok().filter(|v: &f64| v.is_finite())?;
        Some(if indicator == "Debit" { -value } else { value })
    }
}

#[derive(Deserialize)]
struct ObBalances {
    #[serde(rename = "Balance", default)]
    balance: Vec<ObBalance>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ObBalance {
    credit_debit_indicator: String,
    #[serde(rename = "Type")]
    kind: String,
    amount: ObAmount,
}

#[derive(Deserialize)]
struct ObTransactions {
    #[serde(rename = "Transaction", default)]
    transaction: Vec<ObTransaction>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ObTransaction {
    #[serde(default)]
    transaction_id: Option<String>,
    credit_debit_indicator: String,
    booking_date_time: String,
    amount: ObAmount,
    #[serde(default)]
    transaction_information: Option<String>,
}

async fn read_uk(sb: &Sandbox, wid: &str, token: &str) -> Result<Vec<(InternalAccount, Vec<Transaction>)>, Read> {
    let api = format!("{}/bank/{wid}/aisp/accounts", sb.base_url);
    let list: Ob<ObAccounts> = get(sb, &api, token).await?;
    let mut out = Vec::with_capacity(list.data.account.len());
    for account in list.data.account {
        let id = segment(&account.account_id);
        let balances: Ob<ObBalances> = get(sb, &format!("{api}/{id}/balances"), token).await?;
        let txs: Ob<ObTransactions> = get(sb, &format!("{api}/{id}/transactions"), token).await?;
        out.push(uk_account(account, balances.data, txs.data).map_err(Read::Failed)?);
    }
    Ok(out)
}

/// A UK account, its balance and transactions in the dashboard's model.
fn uk_account(
    account: ObAccount,
    balances: ObBalances,
    txs: ObTransactions,
) -> Result<(InternalAccount, Vec<Transaction>), String> {
    let bad = |what: &str| format!("the bank's {what} of {} does not read", account.account_id);
    // The balance available now, else the last booked one.
    let balance = ["InterimAvailable", "InterimBooked", "ClosingAvailable", "ClosingBooked"]
        .iter()
        .find_map(|kind| balances.balance.iter().find(|b| b.kind == *kind))
        .or(balances.balance.first())
        .ok_or_else(|| bad("balance"))?;
    if balance.amount.currency != account.currency {
        return Err(bad("balance"));
    }
    let amount = balance.amount.signed(&balance.credit_debit_indicator).ok_or_else(|| bad("balance"))?;
    let identification = account.account.first();
    let digits: Vec<char> =
        identification.map(|i| i.identification.chars().filter(char::is_ascii_digit).collect()).unwrap_or_default();
    let masked_number = match digits.len() {
        0 => String::new(),
        n => format!("…{}", digits[n.saturating_sub(4)..].iter().collect::<String>()),
    };
    let kind = match account.account_sub_type.as_deref() {
        Some("CreditCard") => "CREDIT_CARD",
        Some("Savings") => "SAVINGS",
        _ => "CHECKING",
    };
    let name = identification
        .and_then(|i| i.name.clone())
        .or_else(|| account.nickname.clone())
        .unwrap_or_else(|| account.account_id.clone());
    let mut transactions = Vec::with_capacity(txs.transaction.len());
    for (n, t) in txs.transaction.iter().enumerate() {
        let amount = t.amount.signed(&t.credit_debit_indicator).ok_or_else(|| bad("transactions"))?;
        transactions.push(Transaction {
            id: t.transaction_id.clone().unwrap_or_else(|| format!("{}-{n}", account.account_id)),
            booked: t.booking_date_time.chars().take(10).collect(),
            description: t.transaction_information.clone().unwrap_or_default(),
            amount,
            currency: t.amount.currency.clone(),
        });
    }
    // Newest first (ISO dates sort as text), then the most recent few.
    transactions.sort_by(|a, b| b.booked.cmp(&a.booked));
    transactions.truncate(RECENT);
    let internal = InternalAccount {
        id: account.account_id,
        nickname: account.nickname.filter(|n| *n != name),
        name,
        kind: kind.into(),
        masked_number,
        balance: amount,
        currency: account.currency,
        identification: None,
        unavailable: None,
        joint: None,
    };
    Ok((internal, transactions))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_uk_account_becomes_the_dashboards_in_its_own_currency() {
        let account: ObAccount = parse(json!({"AccountId": "UK-1", "Currency": "GBP", "AccountSubType": "CreditCard",
            "Nickname": "Card", "Account": [{"SchemeName": "UK.OBIE.PAN", "Identification": "4929000000004321", "Name": "Credit Card"}]}));
        let balances: ObBalances = parse(json!({"Balance": [
            {"CreditDebitIndicator": "Credit", "Type": "ClosingBooked", "Amount": {"Amount": "1.00", "Currency": "GBP"}},
            {"CreditDebitIndicator": "Debit", "Type": "InterimAvailable", "Amount": {"Amount": "312.55", "Currency": "GBP"}}]}));
        let txs: ObTransactions = parse(json!({"Transaction": [
            {"TransactionId": "t1", "CreditDebitIndicator": "Debit", "BookingDateTime": "2026-11-01T00:00:00+00:00",
             "Amount": {"Amount": "18.99", "Currency": "GBP"}, "TransactionInformation": "Waterstones"},
            {"TransactionId": "t2", "CreditDebitIndicator": "Credit", "BookingDateTime": "2026-11-20T00:00:00+00:00",
             "Amount": {"Amount": "5", "Currency": "GBP"}}]}));
        let (a, t) = uk_account(account, balances, txs).unwrap();
        assert_eq!((a.id.as_str(), a.name.as_str(), a.kind.as_str()), ("UK-1", "Credit Card", "CREDIT_CARD"));
        assert_eq!((a.balance, a.currency.as_str(), a.masked_number.as_str()), (-312.55, "GBP", "…4321"));
        assert_eq!(a.nickname.as_deref(), Some("Card"));
        assert_eq!(t.iter().map(|t| (t.id.as_str(), t.amount)).collect::<Vec<_>>(), [("t2", 5.0), ("t1", -18.99)]);
        assert_eq!(
            (t[1].booked.as_str(), t[1].description.as_str(), t[1].currency.as_str()),
            ("2026-11-01", "Waterstones", "GBP")
        );
    }

    #[test]
    fn what_does_not_read_is_refused_not_guessed() {
        let account = || -> ObAccount { parse(json!({"AccountId": "UK-1", "Currency": "GBP"})) };
        let none: ObTransactions = parse(json!({}));
        for balance in [
            json!({"Balance": []}),
            json!({"Balance": [{"CreditDebitIndicator": "Credit", "Type": "InterimAvailable", "Amount": {"Amount": "NaN", "Currency": "GBP"}}]}),
            json!({"Balance": [{"CreditDebitIndicator": "Credit", "Type": "InterimAvailable", "Amount": {"Amount": "1e400", "Currency": "GBP"}}]}),
            json!({"Balance": [{"CreditDebitIndicator": "Credit", "Type": "InterimAvailable", "Amount": {"Amount": "1", "Currency": "EUR"}}]}),
        ] {
            let txs: ObTransactions = parse(json!({}));
            assert!(uk_account(account(), parse(balance.clone()), txs).is_err(), "{balance}");
        }
        let ok: ObBalances = parse(
            json!({"Balance": [{"CreditDebitIndicator": "Credit", "Type": "Expected", "Amount": {"Amount": "2", "Currency": "GBP"}}]}),
        );
        let (a, t) = uk_account(account(), ok, none).unwrap();
        assert_eq!((a.balance, a.name.as_str(), a.masked_number.as_str(), t.len()), (2.0, "UK-1", "", 0));
    }
}
