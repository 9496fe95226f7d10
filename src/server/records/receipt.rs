//! A consent receipt: the record of one consent as a document its subject can keep, in the
//! shape of the Kantara Initiative's Consent Receipt v1.1 (the basis of ISO/IEC TS 27560):
//! controller, subject, the service and its purposes, timestamps, and, as Assent's additions,
//! the status, the accounts and the history; for a payment, what was paid (`assent.payment`):
//! the amount exactly as authorised with its currency, the payee with its account masked as
//! the screen showed it, the reference, the account paid from and when it was authorised; and
//! the warning the screen showed about where the application gets its answer (`assent.warned`).

use super::{PaymentRecord, Record};
use crate::i18n::Locale;
use serde_json::{json, Value};

/// The record's events, each reason in words (Assent's own in the receipt's language).
fn history(record: &Record, locale: Locale) -> Vec<super::Event> {
    let mut history = record.history.clone();
    for e in &mut history {
        e.reason = e.reason.as_deref().map(|r| crate::server::present::reason_words(locale, r));
    }
    history
}

/// The receipt of `record`, issued by `controller` (the bank), in `locale`'s language.
pub fn receipt(record: &Record, controller: &str, locale: Locale) -> Value {
    let d = &record.draft;
    // A refusal consented to nothing: no purpose; what it was asked is Assent's addition.
    let refused = record.status == super::Status::Rejected;
    let consented: &[String] = if refused { &[] } else { &d.scopes };
    let text = |key: &str| crate::i18n::text(locale, key, &[]);
    let termination = text("receipt-termination");
    let category = text("receipt-purpose-category");
    let mut receipt = json!({
        "version": "KI-CR-v1.1.0",
        "jurisdiction": "",
        "consentTimestamp": record.created_at,
        "collectionMethod": text("receipt-collection-method"),
        "consentReceiptID": record.id,
        "language": locale.tag(),
        "piiPrincipalId": d.subject,
        "piiControllers": [{"piiController": controller, "onBehalf": false}],
        "policyUrl": "",
        "services": [{
            "service": d.client_name,
            "purposes": consented.iter().map(|scope| json!({
                "purpose": d.scope_names.get(scope).unwrap_or(scope),
                "consentType": "EXPLICIT",
                "purposeCategory": [category],
                "piiCategory": [scope],
                "primaryPurpose": true,
                "termination": termination,
                "thirdPartyDisclosure": true,
                "thirdPartyName": d.client_name,
            })).collect::<Vec<Value>>(),
        }],
        "sensitive": !d.accounts.is_empty(),
        "spiCat": if d.accounts.is_empty() { json!([]) } else { json!([text("receipt-financial-data")]) },
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
            "history": history(record, locale),
        },
    });
    if refused {
        let asked = d.scopes.iter().map(|s| json!({"scope": s, "name": d.scope_names.get(s).unwrap_or(s)}));
        receipt["assent"]["asked"] = Value::Array(asked.collect());
    }
    // Only a payment the customer authorised was paid: a cancelled or refused one's receipt
    // says no payment.
    let granted = record.history.iter().find(|e| e.kind == "granted").map(|e| e.at);
    if let (Some(p), Some(at)) = (&d.payment, granted) {
        receipt["assent"]["payment"] = payment(record, p, at);
    }
    if let Some(warned) = &d.warned {
        // The words the screen showed, in the receipt's language, and what they named.
        // Cleaned as every page cleans it: a store may have been edited outside Assent.
        let (kind, place) = warned.words();
        let place = crate::server::present::clean_text(place);
        receipt["assent"]["warned"] = json!({
            "kind": kind,
            "where": place,
            "title": text("consent-unverified-title"),
            "text": crate::i18n::text(locale, &format!("consent-unverified-{kind}"), &[("where", &place)]),
        });
    }
    receipt
}

/// What a payment's record says was paid, and when the customer authorised it (`authorised`,
/// its `granted` event).
fn payment(record: &Record, p: &PaymentRecord, authorised: i64) -> Value {
    let date =
        chrono::DateTime::from_timestamp(authorised, 0).map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    json!({
        "amount": p.amount,
        "currency": p.currency,
        "amountWithCurrency": format!("{} {}", p.amount, p.currency),
        "payee": p.payee,
        "payeeAccount": p.payee_account,
        "reference": p.reference,
        "debtorAccount": record.draft.accounts.first(),
        "date": date,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{Actor, Draft, Event, Status};
    use super::*;

    #[test]
    fn assents_own_reasons_are_in_the_receipts_language_and_staffs_as_written() {
        let mut r = record(None);
        let ended = |reason: &str| Event {
            at: 1_800_000_100,
            kind: "revoked".into(),
            by: Actor::Customer,
            by_name: None,
            reason: Some(reason.into()),
        };
        r.history.extend([ended(super::super::reason::AMENDED), ended("Fraude"), ended("Replaced by an amendment")]);
        let history = &receipt(&r, "Bank", Locale::Es)["assent"]["history"];
        assert_eq!(history[1]["reason"], "Reemplazado por una modificación");
        assert_eq!(history[2]["reason"], "Fraude");
        assert_eq!(history[3]["reason"], "Reemplazado por una modificación", "as an earlier build kept it");
        // The console says who ended it: a joint account's other holder is not the customer.
        r.history[1].by_name = Some("co-holder".into());
        let lines = crate::server::console::history(&r, Locale::En);
        assert_eq!(lines[1].who, "by another holder of a joint account");
        assert_eq!(lines[1].reason.as_deref(), Some("Replaced by an amendment"));
        assert_eq!(lines[2].who, "by the customer");
    }

    fn record(payment: Option<PaymentRecord>) -> Record {
        let draft = Draft { accounts: vec!["UK-30001".into()], payment, ..Draft::default() };
        let granted =
            Event { at: 1_800_000_000, kind: "granted".into(), by: Actor::Customer, by_name: None, reason: None };
        Record {
            id: "pdc-1".into(),
            status: Status::Authorized,
            created_at: 1,
            updated_at: 2,
            draft,
            history: vec![granted],
        }
    }

    #[test]
    fn a_payments_receipt_says_what_was_paid_and_no_other_does() {
        let paid = PaymentRecord {
            amount: "1234.50".into(),
            currency: "GBP".into(),
            payee: "ACME Energy Ltd".into(),
            payee_account: Some("…5698".into()),
            reference: Some("FRESCO-101".into()),
        };
        let r = receipt(&record(Some(paid.clone())), "Bank", Locale::En);
        let p = &r["assent"]["payment"];
        assert_eq!(p["amountWithCurrency"], "1234.50 GBP");
        assert_eq!((p["payee"].as_str(), p["payeeAccount"].as_str()), (Some("ACME Energy Ltd"), Some("…5698")));
        assert_eq!((p["reference"].as_str(), p["debtorAccount"].as_str()), (Some("FRESCO-101"), Some("UK-30001")));
        assert_eq!(p["date"], "2027-01-15T08:00:00Z");
        assert!(receipt(&record(None), "Bank", Locale::En)["assent"].get("payment").is_none());
        let mut cancelled = record(Some(paid));
        cancelled.history.clear();
        cancelled.status = Status::Rejected;
        assert!(
            receipt(&cancelled, "Bank", Locale::En)["assent"].get("payment").is_none(),
            "a cancelled payment was not paid"
        );
    }

    #[test]
    fn purposes_read_as_the_screen_named_them() {
        let mut r = record(None);
        r.draft.scopes = vec!["accounts".into(), "openid".into()];
        r.draft.scope_names = [("accounts".to_string(), "Your accounts".to_string())].into();
        let receipt = receipt(&r, "Bank", Locale::En);
        let purposes = receipt["services"][0]["purposes"].as_array().unwrap();
        let shown: Vec<_> = purposes.iter().map(|p| (p["purpose"].as_str(), p["piiCategory"][0].as_str())).collect();
        assert_eq!(shown, [(Some("Your accounts"), Some("accounts")), (Some("openid"), Some("openid"))]);
        assert!(receipt["assent"].get("asked").is_none());
        assert!(receipt["assent"].get("warned").is_none(), "no warning was shown");
        // A refusal consented to nothing: no purpose, and what it was asked, named.
        r.status = Status::Rejected;
        let refused = super::receipt(&r, "Bank", Locale::En);
        assert_eq!(refused["services"][0]["purposes"], json!([]));
        assert_eq!(
            refused["assent"]["asked"],
            json!([{"scope": "accounts", "name": "Your accounts"}, {"scope": "openid", "name": "openid"}])
        );
    }

    #[test]
    fn a_receipt_keeps_the_warning_the_screen_showed_in_its_language() {
        let mut r = record(None);
        r.draft.warned = Some(crate::model::Unverified::ThisDevice("127.0.0.1:8080".into()));
        let warned = &receipt(&r, "Bank", Locale::Es)["assent"]["warned"];
        assert_eq!((warned["kind"].as_str(), warned["where"].as_str()), (Some("device"), Some("127.0.0.1:8080")));
        let text = warned["text"].as_str().unwrap();
        assert!(text.starts_with("Esta aplicación recibe") && text.contains("127.0.0.1:8080"), "{text}");
        assert_eq!(warned["title"], "Compruebe que fue usted quien lo inició");
        // The receipt's own words are in its language too.
        let receipt = receipt(&r, "Bank", Locale::PtBr);
        assert_eq!(receipt["language"], "pt-BR");
        assert!(receipt["collectionMethod"].as_str().unwrap().starts_with("Tela de consentimento"), "{receipt}");
    }
}
