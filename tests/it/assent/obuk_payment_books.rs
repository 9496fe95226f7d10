//! What a UK domestic payment leaves behind: the mock bank's books (the debtor account's
//! balance lower by exactly the amount, the payment among its transactions) and the
//! customer's receipt of the payment consent in the portal.

use crate::assent::obuk::{allow, authorize, bank_read, create_consent};
use crate::assent::obuk_payment::{access_token, decide, initiation, pay, start};
use crate::assent::recipient::UK;
use crate::common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A balance as signed hundredths (`Credit` positive), read exactly from its text.
fn cents(balance: &Value) -> i64 {
    let amount = balance["Amount"]["Amount"].as_str().unwrap_or_else(|| panic!("{balance}"));
    let (units, fraction) = amount.split_once('.').unwrap();
    assert_eq!(fraction.len(), 2, "{amount}");
    let value: i64 = units.parse::<i64>().unwrap() * 100 + fraction.parse::<i64>().unwrap();
    if balance["CreditDebitIndicator"] == "Debit" {
        -value
    } else {
        value
    }
}

/// `user`'s account-access token for UK-30001: balances and every transaction in detail.
async fn reader(app: &TestApp) -> String {
    let permissions = json!({"Permissions": ["ReadAccountsDetail", "ReadBalances", "ReadTransactionsDetail",
                                              "ReadTransactionsCredits", "ReadTransactionsDebits"]});
    let (status, body) = create_consent(app, permissions).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["Data"]["ConsentId"].as_str().unwrap().to_string();
    let b = browser();
    let consent = authorize(app, &b, &id, "user").await;
    allow(app, &b, &consent, &["UK-30001"]).await
}

async fn balance(app: &TestApp, token: &str) -> i64 {
    let (status, body) = bank_read(app, token, "UK-30001", "balances").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    cents(&body["Data"]["Balance"][0])
}

#[tokio::test]
async fn a_payment_lowers_the_balance_by_its_amount_is_listed_and_has_its_receipt() {
    let app = spawn_app().await;
    let ais = reader(&app).await;
    let before = balance(&app, &ais).await;
    assert_eq!(before, 125_040, "the seed's 1250.40");

    let b = browser();
    let (id, consent) = start(&app, &b, "user", initiation()).await;
    let page = open_consent(&b, &consent).await;
    let callback = UK.to_recipient(&app, &b, decide(&app, &b, &page, "allow", &[("account", "UK-30001")]).await).await;
    let access = access_token(&app, &callback).await;
    // Authorised, not yet paid: the balance stands.
    assert_eq!(balance(&app, &ais).await, before);
    let (status, body) = pay(&app, &access, &id, initiation()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let payment_id = body["Data"]["DomesticPaymentId"].as_str().unwrap().to_string();

    assert_eq!(balance(&app, &ais).await, before - 123_450, "less exactly £1,234.50");
    let (status, body) = bank_read(&app, &ais, "UK-30001", "transactions").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let tx = &body["Data"]["Transaction"][0];
    assert_eq!(tx["TransactionId"], payment_id.as_str(), "the payment, newest: {body}");
    assert_eq!((tx["CreditDebitIndicator"].as_str(), tx["Status"].as_str()), (Some("Debit"), Some("Booked")));
    assert_eq!(tx["Amount"], json!({"Amount": "1234.50", "Currency": "GBP"}));
    assert_eq!(tx["TransactionReference"], "FRESCO-101");
    assert_eq!(tx["CreditorAccount"]["Name"], "ACME Energy Ltd");
    assert_eq!(tx["CreditorAccount"]["Identification"], "08080021325698");
    assert_eq!(app.sandbox().store.obuk_payments_from("obuk", "UK-30001").unwrap().len(), 1, "kept once");

    // The receipt of the payment consent says what was paid.
    let portal = browser();
    portal_sign_in(&app, &portal, "user").await;
    let res = portal.get(format!("{}/portal/receipt?id={id}", app.url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let receipt: Value = res.json().await.unwrap();
    let paid = &receipt["assent"]["payment"];
    assert_eq!(paid["amountWithCurrency"], "1234.50 GBP", "{receipt}");
    assert_eq!((paid["amount"].as_str(), paid["currency"].as_str()), (Some("1234.50"), Some("GBP")));
    assert_eq!((paid["payee"].as_str(), paid["payeeAccount"].as_str()), (Some("ACME Energy Ltd"), Some("…5698")));
    assert_eq!((paid["reference"].as_str(), paid["debtorAccount"].as_str()), (Some("FRESCO-101"), Some("UK-30001")));
    assert!(paid["date"].as_str().is_some_and(|d| d.ends_with('Z')), "{receipt}");
    assert!(!receipt.to_string().contains("08080021325698"), "the payee's account masked");
}

#[tokio::test]
async fn the_receipt_of_a_consent_that_pays_nothing_names_no_payment() {
    let app = spawn_app().await;
    reader(&app).await;
    let b = browser();
    let portal = portal_sign_in(&app, &b, "user").await;
    let id = portal_records(&portal)
        .split("/portal/receipt?id=")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("a receipt link: {portal}"))
        .to_string();
    let receipt: Value =
        b.get(format!("{}/portal/receipt?id={id}", app.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(receipt["consentReceiptID"], id.as_str());
    assert!(receipt["assent"].get("payment").is_none(), "{receipt}");
}
