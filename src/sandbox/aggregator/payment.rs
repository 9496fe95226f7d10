//! A payment from the aggregator at a UK bank ("Pay someone" on its card): a domestic-payment
//! consent created with the aggregator's client-credentials token (scope `payments`) at
//! `POST …/open-banking/v3.1/pisp/domestic-payment-consents` (a refusal, such as an amount the
//! bank does not take, shown with the bank's words); a pushed request naming it
//! (`openbanking_intent_id`), for `openid payments`; the customer approves on the bank's
//! payment screen (Assent's); back with a code, the payment order (the consent's id and
//! exactly its `Initiation`) at the bank's `POST /bank/{wid}/pisp/domestic-payments`, once;
//! the outcome kept to show on the dashboard (made, cancelled, or failed with why).

use crate::error::with_causes;
use crate::sandbox::aggregator::authorize::{self, storage_error, unreachable, Answer, Back};
use crate::sandbox::aggregator::client::{self, Ask, BankInfo, Registration};
use crate::sandbox::aggregator::pages;
use crate::sandbox::aggregator::session::Session;
use crate::sandbox::aggregator::uk;
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::AggregatorPayment;
use crate::sandbox::util::{now, random_token};
use axum::{
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde_json::{json, Value};
use std::collections::HashMap;

/// The scope of the client-credentials token that creates the consent, and of the payment's.
const PAYMENTS: &str = "payments";

/// What the customer asked to pay, read from the form.
#[derive(Debug, PartialEq)]
pub struct Order {
    /// As typed (the bank says whether it takes it).
    pub amount: String,
    pub payee: String,
    /// The sort code's six digits and the account number's eight.
    pub sort_code: String,
    pub account_number: String,
    pub reference: String,
}

/// The order a form asks for; `Err` says what to correct.
pub fn order_of(form: &HashMap<String, String>) -> Result<Order, String> {
    let field = |name: &str| form.get(name).map(|v| v.trim().to_string()).unwrap_or_default();
    let digits = |name: &str| field(name).chars().filter(|c| !matches!(c, ' ' | '-')).collect::<String>();
    let (sort_code, account_number) = (digits("sort_code"), digits("account_number"));
    let amount = field("amount");
    let amount = amount.strip_prefix('£').map(str::trim).unwrap_or(&amount).to_string();
    let order = Order { amount, payee: field("payee"), sort_code, account_number, reference: field("reference") };
    if order.amount.is_empty() {
        return Err("Enter the amount to pay.".into());
    }
    if order.payee.is_empty() {
        return Err("Enter the name of the person or business you are paying.".into());
    }
    if order.sort_code.len() != 6 || !order.sort_code.bytes().all(|b| b.is_ascii_digit()) {
        return Err("The sort code must be 6 digits, such as 08-08-00.".into());
    }
    if order.account_number.len() != 8 || !order.account_number.bytes().all(|b| b.is_ascii_digit()) {
        return Err("The account number must be 8 digits.".into());
    }
    Ok(order)
}

/// The consent's `Initiation` for `order`.
fn initiation(order: &Order) -> Value {
    let mut initiation = json!({
        "InstructionIdentification": random_token(12),
        "EndToEndIdentification": random_token(12),
        "InstructedAmount": {"Amount": order.amount, "Currency": "GBP"},
        "CreditorAccount": {
            "SchemeName": "UK.OBIE.SortCodeAccountNumber",
            "Identification": format!("{}{}", order.sort_code, order.account_number),
            "Name": order.payee,
        },
    });
    if !order.reference.is_empty() {
        initiation["RemittanceInformation"] = json!({"Reference": order.reference});
    }
    initiation
}

/// Why a payment could not start.
enum Refusal {
    /// The bank refused the consent (400): its message, for the customer.
    Refused(String),
    Failed(String),
}

/// Creates the domestic-payment consent for `order`: its `ConsentId` and `Initiation` as the
/// bank took them.
async fn consent(sb: &Sandbox, reg: &Registration, order: &Order) -> Result<(String, Value), Refusal> {
    let token = client::client_token(sb, reg, PAYMENTS).await.map_err(Refusal::Failed)?;
    let url = format!("{}/open-banking/v3.1/pisp/domestic-payment-consents", reg.issuer);
    let body = json!({"Data": {"Initiation": initiation(order)}, "Risk": {}});
    let res = sb.http.post(&url).bearer_auth(token).json(&body).send().await;
    let res = res.map_err(|e| Refusal::Failed(e.to_string()))?;
    let status = res.status().as_u16();
    let answer: Value = res.json().await.unwrap_or_default();
    let data = &answer["Data"];
    match (status, data["ConsentId"].as_str(), data["Status"].as_str()) {
        (201, Some(id), Some("AwaitingAuthorisation")) if !id.is_empty() && data["Initiation"].is_object() => {
            Ok((id.to_string(), data["Initiation"].clone()))
        }
        (400, _, _) => Err(Refusal::Refused(uk::ob_message(&answer))),
        _ => Err(Refusal::Failed(format!(
            "the bank did not create the payment consent ({status}): {}",
            uk::ob_describe(&answer)
        ))),
    }
}

/// `POST /aggregator/pay`: the consent, then the bank (its payment screen).
pub async fn start(sb: &Sandbox, session: &Session, username: &str, bank: &BankInfo, order: &Order) -> Response {
    let reg = match client::registration(sb, bank).await {
        Ok(reg) => reg,
        Err(e) => return unreachable(bank, &e),
    };
    let (consent_id, initiation) = match consent(sb, &reg, order).await {
        Ok(c) => c,
        Err(Refusal::Refused(message)) => {
            return pages::error(
                StatusCode::BAD_REQUEST,
                &format!("{} refused this payment", bank.name),
                &format!("{} said: {message} Nothing was paid.", bank.name),
            )
        }
        Err(Refusal::Failed(e)) => return unreachable(bank, &e),
    };
    let ask = Ask { scope: "openid payments", extra: vec![("claims", uk::intent_claims(&consent_id))] };
    let (state, url) = match authorize::begin(sb, session, bank, &reg, &ask).await {
        Ok(begun) => begun,
        Err(page) => return page,
    };
    let payment = AggregatorPayment {
        state,
        username: username.to_string(),
        bank: bank.wid.clone(),
        consent_id,
        initiation: initiation.to_string(),
        outcome: "pending".into(),
        payment_id: None,
        status: None,
        message: None,
        access_token: None,
        updated_at: now(),
    };
    match sb.store.insert_aggregator_payment(&payment) {
        Ok(()) => Redirect::to(&url).into_response(),
        Err(e) => storage_error(e),
    }
}

/// Back from the bank's payment screen: the payment made (once) with the code's token, or the
/// customer's refusal kept; then the dashboard, which shows the outcome.
pub async fn complete(sb: &Sandbox, back: &Back, mut payment: AggregatorPayment) -> Response {
    match &back.answer {
        answer if answer.declined() => {
            payment.outcome = "cancelled".into();
        }
        Answer::Refused { description, .. } => {
            payment.outcome = "failed".into();
            payment.message = Some(format!("{} said: {description}", back.bank.name));
        }
        Answer::Code(code) => {
            let made = match back.tokens(sb, code).await {
                Ok(tokens) => {
                    payment.access_token = Some(tokens.access_token.clone());
                    pay(sb, &back.bank, &payment, &tokens.access_token).await
                }
                Err(e) => Err(Unpaid::Refused(format!("{} did not confirm your approval: {e}", back.bank.name))),
            };
            match made {
                Ok((id, status)) => {
                    payment.outcome = "made".into();
                    (payment.payment_id, payment.status) = (Some(id), Some(status));
                }
                Err(Unpaid::Refused(message)) => {
                    payment.outcome = "failed".into();
                    payment.message = Some(message);
                }
                Err(Unpaid::Unknown(message)) => {
                    payment.outcome = "unknown".into();
                    payment.message = Some(message);
                }
            }
        }
    }
    payment.updated_at = now();
    match sb.store.settle_aggregator_payment(&payment) {
        Ok(_) => Redirect::to("/aggregator").into_response(),
        Err(e) => storage_error(e),
    }
}

/// Why a payment order did not come back made.
#[derive(Debug, PartialEq)]
enum Unpaid {
    /// The bank answered no (or was never asked): nothing was paid.
    Refused(String),
    /// No answer, an error of the bank's own, or an answer that does not read: the bank may have
    /// paid, so the customer must look before paying again.
    Unknown(String),
}

/// The payment order at the bank: `(DomesticPaymentId, Status)`, or why not.
async fn pay(
    sb: &Sandbox,
    bank: &BankInfo,
    payment: &AggregatorPayment,
    token: &str,
) -> Result<(String, String), Unpaid> {
    let initiation: Value = serde_json::from_str(&payment.initiation).map_err(|e| Unpaid::Refused(e.to_string()))?;
    let url = format!("{}/bank/{}/pisp/domestic-payments", sb.base_url, bank.wid);
    let body = json!({"Data": {"ConsentId": payment.consent_id, "Initiation": initiation}, "Risk": {}});
    let answer = match sb.http.post(&url).bearer_auth(token).json(&body).send().await {
        Ok(res) => {
            let status = res.status().as_u16();
            Some((status, res.json::<Value>().await.ok()))
        }
        Err(e) => {
            tracing::warn!(bank = %bank.wid, error = %with_causes(&e), "payment order sent, no answer");
            None
        }
    };
    judge(&bank.name, answer)
}

/// What the bank's answer to a payment order (`None`: none came) says became of the payment.
fn judge(bank: &str, answer: Option<(u16, Option<Value>)>) -> Result<(String, String), Unpaid> {
    let check = format!("Check your account at {bank} before you pay again.");
    let Some((status, body)) = answer else {
        return Err(Unpaid::Unknown(format!("{bank} did not answer, so we cannot tell whether it paid. {check}")));
    };
    let body = body.unwrap_or_default();
    let data = &body["Data"];
    match (status, data["DomesticPaymentId"].as_str(), data["Status"].as_str()) {
        (201, Some(id), Some(state)) if !id.is_empty() => Ok((id.to_string(), state.to_string())),
        (400..=499, ..) => {
            Err(Unpaid::Refused(format!("{bank} did not make the payment ({status}): {}", uk::ob_message(&body))))
        }
        _ => Err(Unpaid::Unknown(format!("{bank} answered {status} with no payment we could read. {check}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(fields: &[(&str, &str)]) -> HashMap<String, String> {
        fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn a_payment_is_unknown_unless_the_bank_said_made_or_no() {
        let made = json!({"Data": {"DomesticPaymentId": "pmt-1", "Status": "AcceptedSettlementCompleted"}});
        assert_eq!(
            judge("Albion Bank", Some((201, Some(made)))),
            Ok(("pmt-1".into(), "AcceptedSettlementCompleted".into()))
        );
        let refused = json!({"Code": "400 BadRequest", "Errors": [{"Message": "Amount too large"}]});
        match judge("Albion Bank", Some((400, Some(refused)))) {
            Err(Unpaid::Refused(m)) => assert!(m.contains("Albion Bank did not make the payment (400)"), "{m}"),
            other => panic!("a 400 is a refusal: {other:?}"),
        }
        // No answer, the bank's own error, or a 201 that does not read: the bank may have paid.
        for answer in [None, Some((502, None)), Some((500, Some(json!({})))), Some((201, Some(json!({"Data": {}}))))] {
            match judge("Albion Bank", answer.clone()) {
                Err(Unpaid::Unknown(m)) => assert!(m.contains("Check your account at Albion Bank"), "{m}"),
                other => panic!("{answer:?} is unknown, not {other:?}"),
            }
        }
    }

    #[test]
    fn an_order_is_read_from_the_form_and_bad_input_says_what_to_correct() {
        let good = [
            ("amount", " £12.34 "),
            ("payee", " Jo Bloggs "),
            ("sort_code", "08-08-00"),
            ("account_number", "2132 5698"),
            ("reference", "Lunch"),
        ];
        let order = order_of(&form(&good)).unwrap();
        assert_eq!(
            order,
            Order {
                amount: "12.34".into(),
                payee: "Jo Bloggs".into(),
                sort_code: "080800".into(),
                account_number: "21325698".into(),
                reference: "Lunch".into()
            }
        );
        let i = initiation(&order);
        assert_eq!(i["CreditorAccount"]["Identification"], "08080021325698");
        assert_eq!(
            (i["InstructedAmount"]["Amount"].as_str(), i["InstructedAmount"]["Currency"].as_str()),
            (Some("12.34"), Some("GBP"))
        );
        assert_eq!(i["RemittanceInformation"]["Reference"], "Lunch");
        let no_reference = Order { reference: String::new(), ..order };
        assert!(initiation(&no_reference).get("RemittanceInformation").is_none());
        for (field, value, says) in [
            ("amount", "", "amount"),
            ("payee", " ", "name"),
            ("sort_code", "08-08-0", "sort code"),
            ("sort_code", "08-08-0x", "sort code"),
            ("account_number", "1234567", "account number"),
            ("account_number", "1234567a", "account number"),
        ] {
            let mut bad = form(&good);
            bad.insert(field.into(), value.into());
            let e = order_of(&bad).unwrap_err();
            assert!(e.contains(says), "{field}={value}: {e}");
        }
    }
}
