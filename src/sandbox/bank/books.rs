//! What the UK domestic payments the bank made do to its books: an account's balance is its
//! seed balance less every payment made from it, and each payment is a booked debit among its
//! transactions. Both are read from the payments the sandbox store keeps (`obuk_payments`), so
//! they survive a restart exactly as the payments do, and a balance can never disagree with
//! the payments listed. The bank models no overdraft limit: a payment the balance does not
//! cover is made, and the balance goes below zero (a `Debit` balance).

use crate::sandbox::bank::data::Account;
use crate::sandbox::bank::money::Money;
use crate::sandbox::profile::obuk::consent::rfc3339;
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::{DbError, PaymentRow};
use crate::wire::obuk_payment::OBDomesticInitiation;
use serde_json::{json, Value};

/// `account`'s balance in workspace `wid`'s ledger: the seed's, less the payments made from it.
pub fn balance(sb: &Sandbox, wid: &str, account: &Account) -> Result<Money, DbError> {
    let paid = sb.store.obuk_payments_from(wid, &account.id)?;
    Ok(paid.iter().filter_map(amount_of).fold(Money::of_seed(account.balance), |left, amount| left - amount))
}

/// A payment's amount; one the bank cannot read (it validated it when the consent was made)
/// is left out, and said.
fn amount_of(p: &PaymentRow) -> Option<Money> {
    let amount = Money::parse(&p.amount);
    if amount.is_none() {
        tracing::error!(payment = %p.id, "a UK payment whose amount does not read; left out of its account's balance");
    }
    amount
}

/// `{"Amount": "1234.50", "Currency": …}` and its `CreditDebitIndicator`, as OBIE writes money.
pub fn ob_money(amount: Money, currency: &str) -> (Value, &'static str) {
    let indicator = if amount.is_negative() { "Debit" } else { "Credit" };
    (json!({"Amount": amount.magnitude(), "Currency": currency}), indicator)
}

/// The payments made from `account` as `OBTransaction6` debits, newest first, each with the
/// time it was booked: the payee as the counterparty (`CreditorAccount`, with `detail`), the
/// payee's reference as `TransactionReference`.
pub fn payment_transactions(
    sb: &Sandbox,
    wid: &str,
    account: &Account,
    detail: bool,
) -> Result<Vec<(i64, Value)>, DbError> {
    let paid = sb.store.obuk_payments_from(wid, &account.id)?;
    Ok(paid
        .into_iter()
        .filter_map(|p| {
            let amount = amount_of(&p)?;
            let initiation: OBDomesticInitiation = serde_json::from_str(&p.data).unwrap_or_default();
            let payee = initiation.creditor_account.as_ref().and_then(|c| c.name.clone()).unwrap_or_default();
            let mut tx = json!({
                "AccountId": account.id,
                "TransactionId": p.id,
                "CreditDebitIndicator": "Debit",
                "Status": "Booked",
                "BookingDateTime": rfc3339(p.created_at),
                "ValueDateTime": rfc3339(p.created_at),
                "Amount": {"Amount": amount.magnitude(), "Currency": p.currency},
            });
            if let Some(reference) = initiation.remittance_information.and_then(|r| r.reference) {
                tx["TransactionReference"] = reference.into();
            }
            if detail {
                tx["TransactionInformation"] = format!("Payment to {payee}").into();
                if let Some(creditor) = initiation.creditor_account {
                    tx["CreditorAccount"] = json!({
                        "SchemeName": creditor.scheme_name,
                        "Identification": creditor.identification,
                        "Name": payee,
                    });
                }
            }
            Some((p.created_at, tx))
        })
        .collect())
}
