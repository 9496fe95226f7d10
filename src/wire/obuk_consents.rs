//! Wire types of the management list of a workspace's UK consents (reference §1d (2')), which
//! lists both kinds: account access ([`super::obuk`]) and domestic payments
//! ([`super::obuk_payment`]).

use super::obuk::AccountAccessConsent;
use super::obuk_payment::DomesticPaymentConsent;
use serde::{Deserialize, Serialize};

/// `ConsentsRequest`: the management list's filters and page, posted (reference §1d (2'); the
/// `GET` taking them in its query is deprecated in the spec, which leaves how a list of
/// accounts is written there unsaid).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ConsentsRequest {
    /// Consents sharing any of these accounts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_consent_id: Option<String>,
}

/// `OpenbankingClient`: the application embedded in each listed consent.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct OpenbankingClient {
    #[serde(default)]
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_uri: Option<String>,
}

/// `OBUKConsentWithClient`: one consent of the management list.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct OBUKConsentWithClient {
    #[serde(rename = "Client", default, skip_serializing_if = "Option::is_none")]
    pub client: Option<OpenbankingClient>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_access_consent: Option<AccountAccessConsent>,
    /// Set instead of `account_access_consent` on a payment consent (`type` `domestic_payment`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domestic_payment_consent: Option<DomesticPaymentConsent>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub account_ids: Vec<String>,
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub consent_id: String,
    #[serde(default, deserialize_with = "crate::wire::unset_time", skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub server_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tenant_id: String,
    #[serde(default)]
    pub status: String,
    #[serde(rename = "type", default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
}

/// `OBUKConsents`: the management list's answer (capital C, as the spec writes it).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct OBUKConsents {
    #[serde(rename = "Consents", default, deserialize_with = "crate::wire::null_is_empty")]
    pub consents: Vec<OBUKConsentWithClient>,
}
