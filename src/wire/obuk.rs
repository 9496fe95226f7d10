//! Wire types of UK Open Banking account access (reference §1c "OBUK", §1d (2')): the data
//! recipient's consent resource (`OBReadConsent1` and its response), the consent page's GET,
//! accept and reject (the management list, of both UK kinds, is [`super::obuk_consents`]).
//! Field names are the spec's, capitals and all: the UK standard writes its own objects in
//! PascalCase, Cloudentity's wrappers in snake_case.

use super::{ClientInfo, RequestedScope};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The consent statuses the OBUK APIs use (`Status`).
pub mod status {
    pub const AWAITING_AUTHORISATION: &str = "AwaitingAuthorisation";
    pub const AUTHORISED: &str = "Authorised";
    pub const REJECTED: &str = "Rejected";
    pub const REVOKED: &str = "Revoked";
}

/// The permission codes of the UK Account and Transaction API (v3.1): what a recipient may
/// ask for (the sandbox refuses others; Assent words each of them).
pub const PERMISSIONS: [&str; 21] = [
    "ReadAccountsBasic",
    "ReadAccountsDetail",
    "ReadBalances",
    "ReadBeneficiariesBasic",
    "ReadBeneficiariesDetail",
    "ReadDirectDebits",
    "ReadOffers",
    "ReadPAN",
    "ReadParty",
    "ReadPartyPSU",
    "ReadProducts",
    "ReadScheduledPaymentsBasic",
    "ReadScheduledPaymentsDetail",
    "ReadStandingOrdersBasic",
    "ReadStandingOrdersDetail",
    "ReadStatementsBasic",
    "ReadStatementsDetail",
    "ReadTransactionsBasic",
    "ReadTransactionsCredits",
    "ReadTransactionsDebits",
    "ReadTransactionsDetail",
];

/// `consent_type` of an account-access consent on the consent page's address (reference §0.2).
pub const ACCOUNT_ACCESS: &str = "account_access";

/// `OBReadConsent1.Data`: what the data recipient asks for.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct OBReadData {
    #[serde(rename = "Permissions", default, deserialize_with = "crate::wire::null_is_empty")]
    pub permissions: Vec<String>,
    #[serde(
        rename = "ExpirationDateTime",
        default,
        deserialize_with = "crate::wire::unset_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub expiration_date_time: Option<String>,
    #[serde(
        rename = "TransactionFromDateTime",
        default,
        deserialize_with = "crate::wire::unset_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub transaction_from_date_time: Option<String>,
    #[serde(
        rename = "TransactionToDateTime",
        default,
        deserialize_with = "crate::wire::unset_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub transaction_to_date_time: Option<String>,
}

/// `OBReadConsent1`: body of `POST /{tid}/{wid}/open-banking/v3.1/aisp/account-access-consents`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct OBReadConsent {
    #[serde(rename = "Data")]
    pub data: OBReadData,
    #[serde(rename = "Risk", default, deserialize_with = "crate::wire::null_is_empty")]
    pub risk: Map<String, Value>,
}

/// `AccountAccessConsent` / `OBReadConsentResponse1.Data`: a consent as the APIs show it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct AccountAccessConsent {
    #[serde(rename = "ConsentId")]
    pub consent_id: String,
    #[serde(rename = "Permissions", default, deserialize_with = "crate::wire::null_is_empty")]
    pub permissions: Vec<String>,
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
    #[serde(
        rename = "ExpirationDateTime",
        default,
        deserialize_with = "crate::wire::unset_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub expiration_date_time: Option<String>,
    #[serde(
        rename = "TransactionFromDateTime",
        default,
        deserialize_with = "crate::wire::unset_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub transaction_from_date_time: Option<String>,
    #[serde(
        rename = "TransactionToDateTime",
        default,
        deserialize_with = "crate::wire::unset_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub transaction_to_date_time: Option<String>,
}

/// `Links` of an OBUK response.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct OBLinks {
    #[serde(rename = "Self")]
    pub self_link: String,
}

/// `Meta` of an OBUK response.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct OBMeta {
    #[serde(rename = "TotalPages", default, skip_serializing_if = "Option::is_none")]
    pub total_pages: Option<u32>,
}

/// `OBReadConsentResponse1`: the 201 answer to a new consent resource (and its GET).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct OBReadConsentResponse {
    #[serde(rename = "Data")]
    pub data: AccountAccessConsent,
    #[serde(rename = "Risk", default, deserialize_with = "crate::wire::null_is_empty")]
    pub risk: Map<String, Value>,
    #[serde(rename = "Links", default)]
    pub links: OBLinks,
    #[serde(rename = "Meta", default)]
    pub meta: OBMeta,
}

/// `GetAccountAccessConsentResponse`: `GET {base}/{tid}/system/open-banking/account-access-consent/{login}?login_state=`
/// (reference §1c): the common fields of a consent-page session and the consent.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct GetAccountAccessConsentResponse {
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
    pub account_access_consent: AccountAccessConsent,
}

/// `AcceptConsentRequest`: `POST {base}/{tid}/system/open-banking/account-access-consent/{login}/accept`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct AcceptConsentRequest {
    pub login_state: String,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub granted_scopes: Vec<String>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub account_ids: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::RejectScopeGrant;
    use serde::de::DeserializeOwned;

    /// Parses a fixture and writes it back: the JSON must come out unchanged.
    fn round_trip<T: DeserializeOwned + Serialize>(text: &str) -> T {
        let value: T = serde_json::from_str(text).unwrap();
        let original: Value = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_value(&value).unwrap(), original);
        value
    }

    #[test]
    fn account_access_bodies_match_the_reference() {
        let a: AcceptConsentRequest = round_trip(include_str!("../../tests/fixtures/obuk_accept.json"));
        assert_eq!(a.account_ids, ["UK-30001", "UK-30003"]);
        let r: RejectScopeGrant = round_trip(include_str!("../../tests/fixtures/obuk_reject.json"));
        assert_eq!(r, RejectScopeGrant::user_denied("cavai7d8s9nelp7k792g".into(), "cauq8fonbud6q8806bf0".into()));
        let g: GetAccountAccessConsentResponse = round_trip(include_str!("../../tests/fixtures/obuk_get_consent.json"));
        assert_eq!(g.account_access_consent.status, status::AWAITING_AUTHORISATION);
        assert_eq!(g.account_access_consent.permissions.len(), 2);
    }
}
