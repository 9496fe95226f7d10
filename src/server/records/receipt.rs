//! A consent receipt: the record of one consent as a document its subject can keep, in the
//! shape of the Kantara Initiative's Consent Receipt v1.1 (the basis of ISO/IEC TS 27560):
//! controller, subject, the service and its purposes, timestamps, and, as Assent's additions,
//! the status, the accounts and the history.

use super::Record;
use serde_json::{json, Value};

/// The receipt of `record`, issued by `controller` (the bank), in `language` (a BCP 47 tag).
pub fn receipt(record: &Record, controller: &str, language: &str) -> Value {
    let d = &record.draft;
    let termination = "Revocable at any time, by the customer in the bank's consent portal or by the bank.";
    json!({
        "version": "KI-CR-v1.1.0",
        "jurisdiction": "",
        "consentTimestamp": record.created_at,
        "collectionMethod": "Online consent screen (Assent), shown to the signed-in customer",
        "consentReceiptID": record.id,
        "language": language,
        "piiPrincipalId": d.subject,
        "piiControllers": [{"piiController": controller, "onBehalf": false}],
        "policyUrl": "",
        "services": [{
            "service": d.client_name,
            "purposes": d.scopes.iter().map(|scope| json!({
                "purpose": scope,
                "consentType": "EXPLICIT",
                "purposeCategory": ["Sharing data with a third-party application"],
                "piiCategory": [scope],
                "primaryPurpose": true,
                "termination": termination,
                "thirdPartyDisclosure": true,
                "thirdPartyName": d.client_name,
            })).collect::<Vec<Value>>(),
        }],
        "sensitive": !d.accounts.is_empty(),
        "spiCat": if d.accounts.is_empty() { json!([]) } else { json!(["Financial account data"]) },
        "assent": {
            "status": record.status_now().as_str(),
            "active": record.is_active(),
            "tenant": d.tenant,
            "workspace": d.workspace,
            "clientId": d.client_id,
            "customer": d.customer,
            "claims": d.claims,
            "accounts": d.accounts,
            "expires": d.expires_at,
            "updated": record.updated_at,
            "history": record.history,
        },
    })
}
