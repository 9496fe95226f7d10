//! Wire types of UK Open Banking domestic payments (reference §1c "OBUK payments"): the
//! payment initiation service provider's consent resource (`OBWriteDomesticConsent`, v3.1
//! Payment Initiation API), the consent page's GET (`GetDomesticPaymentConsentResponse`,
//! Cloudentity's `obuk.yaml`), and the bank's `OBWriteDomestic` payment order. Field names are
//! the specs': the UK's objects in PascalCase, Cloudentity's wrappers in snake_case.

use super::{ClientInfo, RequestedScope};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `consent_type` of a domestic-payment consent on the consent page's address (reference §0.2).
pub const DOMESTIC_PAYMENT: &str = "domestic_payment";

/// The status of a payment consent once its payment was made (besides those of
/// [`super::obuk::status`]).
pub const CONSUMED: &str = "Consumed";

/// `OBActiveOrHistoricCurrencyAndAmount`: an amount as text (up to 13 digits, up to 5
/// decimals in the spec) and its ISO 4217 currency.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct OBAmount {
    #[serde(rename = "Amount", default)]
    pub amount: String,
    #[serde(rename = "Currency", default)]
    pub currency: String,
}

/// `OBCashAccountDebtor4` / `OBCashAccountCreditor3`: an account by scheme and identification.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct OBCashAccount {
    #[serde(rename = "SchemeName", default)]
    pub scheme_name: String,
    #[serde(rename = "Identification", default)]
    pub identification: String,
    #[serde(rename = "Name", default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(rename = "SecondaryIdentification", default, skip_serializing_if = "Option::is_none")]
    pub secondary_identification: Option<String>,
}

/// `OBRemittanceInformation1`: what the payee sees on their statement.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct OBRemittance {
    #[serde(rename = "Reference", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(rename = "Unstructured", default, skip_serializing_if = "Option::is_none")]
    pub unstructured: Option<String>,
}

/// `OBWriteDomesticConsent4Data.Initiation` (the same object in the payment order): the
/// payment itself. `CreditorAccount` is required by the spec; it is optional here so that a
/// request without one gets a clear 400 rather than a parse failure.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct OBDomesticInitiation {
    #[serde(rename = "InstructionIdentification", default)]
    pub instruction_identification: String,
    #[serde(rename = "EndToEndIdentification", default)]
    pub end_to_end_identification: String,
    #[serde(rename = "LocalInstrument", default, skip_serializing_if = "Option::is_none")]
    pub local_instrument: Option<String>,
    #[serde(rename = "InstructedAmount", default)]
    pub instructed_amount: OBAmount,
    #[serde(rename = "DebtorAccount", default, skip_serializing_if = "Option::is_none")]
    pub debtor_account: Option<OBCashAccount>,
    #[serde(rename = "CreditorAccount", default, skip_serializing_if = "Option::is_none")]
    pub creditor_account: Option<OBCashAccount>,
    #[serde(rename = "RemittanceInformation", default, skip_serializing_if = "Option::is_none")]
    pub remittance_information: Option<OBRemittance>,
}

/// `OBWriteDomesticConsent4.Data`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct OBWriteDomesticConsentData {
    #[serde(rename = "Initiation")]
    pub initiation: OBDomesticInitiation,
}

/// `OBWriteDomesticConsent4`: body of `POST /{tid}/{wid}/open-banking/v3.1/pisp/domestic-payment-consents`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct OBWriteDomesticConsent {
    #[serde(rename = "Data")]
    pub data: OBWriteDomesticConsentData,
    #[serde(rename = "Risk", default, deserialize_with = "crate::wire::null_is_empty")]
    pub risk: Map<String, Value>,
}

/// `DomesticPaymentConsent` (`OBWriteDomesticConsentResponse5Data`): a payment consent as the
/// APIs show it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct DomesticPaymentConsent {
    #[serde(rename = "ConsentId")]
    pub consent_id: String,
    #[serde(rename = "Status")]
    pub status: String,
    #[serde(
        rename = "CreationDateTime",
        default,
        deserialize_with = "crate::wire::unset_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub creation_date_time: Option<String>,
    #[serde(
        rename = "StatusUpdateDateTime",
        default,
        deserialize_with = "crate::wire::unset_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub status_update_date_time: Option<String>,
    #[serde(rename = "Initiation")]
    pub initiation: OBDomesticInitiation,
}

/// `OBWriteDomesticConsentResponse5`: the 201 answer to a new payment consent (and its GET).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct OBWriteDomesticConsentResponse {
    #[serde(rename = "Data")]
    pub data: DomesticPaymentConsent,
    #[serde(rename = "Risk", default, deserialize_with = "crate::wire::null_is_empty")]
    pub risk: Map<String, Value>,
    #[serde(rename = "Links", default)]
    pub links: super::obuk::OBLinks,
    #[serde(rename = "Meta", default)]
    pub meta: super::obuk::OBMeta,
}

/// `GetDomesticPaymentConsentResponse`: `GET {base}/{tid}/system/open-banking/domestic-payment-consent/{login}?login_state=`
/// (reference §1c): the common fields of a consent-page session and the payment consent.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct GetDomesticPaymentConsentResponse {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub client_info: ClientInfo,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subject: String,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty", skip_serializing_if = "Map::is_empty")]
    pub authentication_context: Map<String, Value>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub requested_scopes: Vec<RequestedScope>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tenant_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub server_id: String,
    pub domestic_payment_consent: DomesticPaymentConsent,
}

/// `OBWriteDomestic2.Data`: the payment order names its consent and repeats its initiation.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct OBWriteDomesticData {
    #[serde(rename = "ConsentId")]
    pub consent_id: String,
    #[serde(rename = "Initiation")]
    pub initiation: OBDomesticInitiation,
}

/// `OBWriteDomestic2`: body of the bank's `POST …/pisp/domestic-payments`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct OBWriteDomestic {
    #[serde(rename = "Data")]
    pub data: OBWriteDomesticData,
    #[serde(rename = "Risk", default, deserialize_with = "crate::wire::null_is_empty")]
    pub risk: Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::obuk::AcceptConsentRequest;
    use crate::wire::RejectScopeGrant;
    use serde::de::DeserializeOwned;

    fn round_trip<T: DeserializeOwned + Serialize>(text: &str) -> T {
        let value: T = serde_json::from_str(text).unwrap();
        let original: Value = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_value(&value).unwrap(), original);
        value
    }

    #[test]
    fn domestic_payment_bodies_match_the_reference() {
        let g: GetDomesticPaymentConsentResponse =
            round_trip(include_str!("../../tests/fixtures/obuk_payment_get_consent.json"));
        let p = &g.domestic_payment_consent;
        assert_eq!(p.status, "AwaitingAuthorisation");
        assert_eq!(p.initiation.instructed_amount, OBAmount { amount: "1234.50".into(), currency: "GBP".into() });
        assert_eq!(p.initiation.creditor_account.as_ref().unwrap().name.as_deref(), Some("ACME Energy Ltd"));
        let a: AcceptConsentRequest = round_trip(include_str!("../../tests/fixtures/obuk_payment_accept.json"));
        assert_eq!(a.account_ids, ["UK-30001"]);
        let r: RejectScopeGrant = round_trip(include_str!("../../tests/fixtures/obuk_payment_reject.json"));
        assert_eq!(r.error, "rejected");
    }
}
