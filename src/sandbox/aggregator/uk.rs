//! What a UK bank asks of the aggregator before the customer sees anything: an account-access
//! consent, created with the aggregator's own client-credentials token (scope `accounts`) at
//! the bank's `POST …/open-banking/v3.1/aisp/account-access-consents`, asking for what the
//! dashboard shows (account details, balances, transactions) for about 90 days; then the
//! `claims` of the pushed request that name it (`openbanking_intent_id`, essential). On
//! Disconnect it ends that consent (`DELETE …/account-access-consents/{ConsentId}`), found by
//! the bank's introspection of the kept tokens, before their revocation.

use crate::sandbox::aggregator::client::{self, Registration};
use crate::sandbox::state::Sandbox;
use serde_json::{json, Value};

/// What the dashboard reads, and nothing more: account names and numbers, balances, and
/// transactions in and out with their descriptions.
pub const PERMISSIONS: [&str; 5] = [
    "ReadAccountsDetail",
    "ReadBalances",
    "ReadTransactionsCredits",
    "ReadTransactionsDebits",
    "ReadTransactionsDetail",
];
/// How long the consent lasts (its `ExpirationDateTime`).
const ACCESS_DAYS: i64 = 90;
/// How far back it asks for transactions (its `TransactionFromDateTime`).
const HISTORY_DAYS: i64 = 90;

/// The scope of the client-credentials token that creates the consent.
const CONSENT_SCOPE: &str = "accounts";

/// Creates an account-access consent at `reg`'s bank: its `ConsentId`, awaiting authorisation.
pub async fn account_access_consent(sb: &Sandbox, reg: &Registration) -> Result<String, String> {
    let token = client::client_token(sb, reg, CONSENT_SCOPE).await?;
    let now = chrono::Utc::now();
    let time = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let body = json!({
        "Data": {
            "Permissions": PERMISSIONS,
            "ExpirationDateTime": time(now + chrono::Duration::days(ACCESS_DAYS)),
            "TransactionFromDateTime": time(now - chrono::Duration::days(HISTORY_DAYS)),
        },
        "Risk": {},
    });
    let url = format!("{}/open-banking/v3.1/aisp/account-access-consents", reg.issuer);
    let res = sb.http.post(&url).bearer_auth(token).json(&body).send().await.map_err(|e| e.to_string())?;
    let status = res.status().as_u16();
    let answer: Value = res.json().await.unwrap_or_default();
    let data = &answer["Data"];
    match (status, data["ConsentId"].as_str(), data["Status"].as_str()) {
        (201, Some(id), Some("AwaitingAuthorisation")) if !id.is_empty() => Ok(id.to_string()),
        _ => Err(format!("the bank did not create the account-access consent ({status}): {}", ob_describe(&answer))),
    }
}

/// Ends the consent behind `tokens` (the first the bank says is active names it): `Ok` once the
/// bank confirms, or when no token is active any more (the consent ended with them).
pub async fn end_consent(sb: &Sandbox, reg: &Registration, tokens: &[&str]) -> Result<(), String> {
    let mut consent = None;
    for token in tokens {
        let seen = client::introspect(sb, reg, token).await?;
        if seen["active"] == true {
            consent = seen["consent_id"].as_str().map(str::to_string);
            break;
        }
    }
    let Some(id) = consent.filter(|id| !id.is_empty()) else { return Ok(()) };
    let token = client::client_token(sb, reg, CONSENT_SCOPE).await?;
    let segment: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
    let url = format!("{}/open-banking/v3.1/aisp/account-access-consents/{segment}", reg.issuer);
    let res = sb.http.delete(&url).bearer_auth(token).send().await.map_err(|e| e.to_string())?;
    match res.status().as_u16() {
        204 => Ok(()),
        status => {
            let answer: Value = res.json().await.unwrap_or_default();
            Err(format!("the bank did not end the consent ({status}): {}", ob_describe(&answer)))
        }
    }
}

/// The pushed request's `claims` naming consent `id`, as the UK profile asks.
pub fn intent_claims(id: &str) -> String {
    json!({"id_token": {"openbanking_intent_id": {"value": id, "essential": true}}}).to_string()
}

/// `ErrorCode: Message` of an `OBErrorResponse1`, or the OAuth error of a token answer.
pub fn ob_describe(answer: &Value) -> String {
    match answer["Errors"][0]["ErrorCode"].as_str() {
        Some(code) => format!("{code}: {}", answer["Errors"][0]["Message"].as_str().unwrap_or_default()),
        None => client::describe(answer),
    }
}

/// The `Message` of an `OBErrorResponse1` (what the bank tells the customer), else as
/// [`ob_describe`].
pub fn ob_message(answer: &Value) -> String {
    match answer["Errors"][0]["Message"].as_str() {
        Some(message) if !message.is_empty() => message.to_string(),
        _ => ob_describe(answer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_intent_is_named_as_the_uk_profile_reads_it() {
        let claims: Value = serde_json::from_str(&intent_claims("aac-1\"x")).unwrap();
        assert_eq!(claims["id_token"]["openbanking_intent_id"]["value"], "aac-1\"x");
        assert_eq!(claims["id_token"]["openbanking_intent_id"]["essential"], true);
    }

    #[test]
    fn refusals_say_why() {
        let ob = json!({"Code": "400", "Errors": [{"ErrorCode": "UK.OBIE.Field.Invalid", "Message": "bad"}]});
        assert_eq!(ob_describe(&ob), "UK.OBIE.Field.Invalid: bad");
        assert_eq!(ob_describe(&json!({"error": "invalid_scope"})), "invalid_scope: ");
        assert_eq!(ob_describe(&Value::Null), "error: ");
        assert_eq!(ob_message(&ob), "bad");
        assert_eq!(ob_message(&json!({"error": "invalid_scope"})), "invalid_scope: ");
    }
}
