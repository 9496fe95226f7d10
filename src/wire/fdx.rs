//! Wire types of Open Finance / FDX (reference §1c, §1d(2), §1d(2''), §1e, §4). Field names are
//! the reference's, camelCase where the FDX spec uses it, including the `resouceType`
//! misspelling on accept.

use super::{ClientInfo, Introspection, RejectScopeGrant, RequestedScope};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Statuses of an FDX consent in the System APIs (consent page, management), reference §5 gap 3.
pub mod fdx_status {
    pub const AWAITING_AUTHORISATION: &str = "AwaitingAuthorisation";
    pub const AUTHORISED: &str = "Authorised";
    pub const REJECTED: &str = "Rejected";
    pub const REVOKED: &str = "Revoked";
    pub const EXPIRED: &str = "Expired";

    /// The status above that `status`, as the server wrote it, names. The reference leaves
    /// casing and spelling open (§5, gap 3: `Authorised` in lists, `REVOKED` in a
    /// description), so case, `_`, `-`, spaces and the American `z` do not matter:
    /// `AWAITING_AUTHORIZATION` is [`AWAITING_AUTHORISATION`].
    pub fn known(status: &str) -> Option<&'static str> {
        [AWAITING_AUTHORISATION, AUTHORISED, REJECTED, REVOKED, EXPIRED]
            .into_iter()
            .find(|known| letters(status).eq(letters(known)))
    }

    /// The letters and digits of `s`, lower case, `z` as `s`.
    fn letters(s: &str) -> impl Iterator<Item = u8> + '_ {
        s.bytes().filter(u8::is_ascii_alphanumeric).map(|b| match b.to_ascii_lowercase() {
            b'z' => b's',
            other => other,
        })
    }
}

/// `FDXConsentRequest` inside an `fdx_v1.0` authorization detail (reference §1e, PAR).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FDXConsentRequest {
    #[serde(rename = "durationType", default, skip_serializing_if = "Option::is_none")]
    pub duration_type: Option<String>,
    #[serde(rename = "durationPeriod", default, skip_serializing_if = "Option::is_none")]
    pub duration_period: Option<i64>,
    #[serde(rename = "lookbackPeriod", default, skip_serializing_if = "Option::is_none")]
    pub lookback_period: Option<i64>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub resources: Vec<FDXRequestedResource>,
}

/// One `authorization_details` entry of type `fdx_v1.0` (RFC 9396 with the FDX profile).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FDXAuthorizationDetail {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(rename = "consentRequest")]
    pub consent_request: FDXConsentRequest,
}

/// A requested resource: `{resourceType, dataClusters}`, e.g. `ACCOUNT` with `ACCOUNT_DETAILED`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FDXRequestedResource {
    #[serde(rename = "resourceType")]
    pub resource_type: String,
    #[serde(rename = "dataClusters", default, deserialize_with = "crate::wire::null_is_empty")]
    pub data_clusters: Vec<String>,
}

/// A granted resource in `FDXConsent.granted_resources` and `GetFDXConsent.resources`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FDXGrantedResource {
    pub id: String,
    #[serde(rename = "resourceType")]
    pub resource_type: String,
    #[serde(rename = "dataClusters", default, deserialize_with = "crate::wire::null_is_empty")]
    pub data_clusters: Vec<String>,
}

/// `FDXResource` of `AcceptFDXConsentRequest`: the spec spells the key `resouceType`. It is
/// written that way; `resourceType` is read as well.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FDXResource {
    pub id: String,
    #[serde(rename = "resouceType", alias = "resourceType")]
    pub resource_type: String,
    #[serde(rename = "dataClusters", default, deserialize_with = "crate::wire::null_is_empty")]
    pub data_clusters: Vec<String>,
}

/// `Party`: the data provider's legal entity, shown to the user.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FDXParty {
    pub name: String,
    #[serde(rename = "homeUri", default, skip_serializing_if = "Option::is_none")]
    pub home_uri: Option<String>,
    #[serde(rename = "logoUri", default, skip_serializing_if = "Option::is_none")]
    pub logo_uri: Option<String>,
    #[serde(rename = "registryName", default, skip_serializing_if = "Option::is_none")]
    pub registry_name: Option<String>,
    #[serde(rename = "registeredEntityName", default, skip_serializing_if = "Option::is_none")]
    pub registered_entity_name: Option<String>,
    #[serde(rename = "registeredEntityIdentifier", default, skip_serializing_if = "Option::is_none")]
    pub registered_entity_identifier: Option<String>,
}

/// `FDXConsentRevocation` / `revocationReason`: `initiator` is one of `DATA_ACCESS_PLATFORM`,
/// `DATA_PROVIDER`, `DATA_RECIPIENT`, `INDIVIDUAL`, `MERCHANT`, `VENDOR`; `reason` is
/// `BUSINESS_RULE` or `USER_ACTION`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FDXConsentRevocation {
    pub initiator: String,
    pub reason: String,
}

/// `FDXConsent` (reference §1c): the consent as the System APIs show it. `status` uses
/// [`fdx_status`]; times are RFC 3339.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FDXConsent {
    pub id: String,
    /// Left out by the reference's own consent-page example (§1c); see [`FDXConsent::awaiting`].
    #[serde(default)]
    pub status: String,
    #[serde(
        rename = "createdTime",
        default,
        deserialize_with = "crate::wire::unset_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_time: Option<String>,
    #[serde(
        rename = "updatedTime",
        default,
        deserialize_with = "crate::wire::unset_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub updated_time: Option<String>,
    #[serde(
        rename = "expirationTime",
        default,
        deserialize_with = "crate::wire::unset_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub expiration_time: Option<String>,
    #[serde(rename = "durationType", default, skip_serializing_if = "Option::is_none")]
    pub duration_type: Option<String>,
    #[serde(rename = "durationPeriod", default, skip_serializing_if = "Option::is_none")]
    pub duration_period: Option<i64>,
    #[serde(rename = "lookbackPeriod", default, skip_serializing_if = "Option::is_none")]
    pub lookback_period: Option<i64>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub resources: Vec<FDXRequestedResource>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty", skip_serializing_if = "Vec::is_empty")]
    pub granted_resources: Vec<FDXGrantedResource>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty", skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<FDXParty>,
    #[serde(rename = "revocationReason", default, skip_serializing_if = "Option::is_none")]
    pub revocation_reason: Option<FDXConsentRevocation>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub client_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tenant_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub authorization_server_id: String,
}

impl FDXConsent {
    /// Still awaiting the customer's decision. A consent-page read without a status counts:
    /// the server answers a login that is over with 404, not with the consent (reference §4).
    pub fn awaiting(&self) -> bool {
        self.status.is_empty() || fdx_status::known(&self.status) == Some(fdx_status::AWAITING_AUTHORISATION)
    }

    /// In force: authorised.
    pub fn authorised(&self) -> bool {
        fdx_status::known(&self.status) == Some(fdx_status::AUTHORISED)
    }
}

/// `GetFDXConsentResponse`: `GET {base}/{tid}/system/fdx/fdx/{login}?login_state=` (reference §1c).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct GetFDXConsentResponse {
    pub consent_id: String,
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
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub account_ids: Vec<String>,
    #[serde(default, deserialize_with = "crate::wire::unset_time", skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub status: String,
    #[serde(rename = "type", default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tenant_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub server_id: String,
    pub fdx_consent: FDXConsent,
}

/// `AcceptFDXConsentRequest`: `POST {base}/{tid}/system/fdx/fdx/{login}/accept` (reference §1c).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct AcceptFDXConsentRequest {
    pub login_state: String,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub granted_scopes: Vec<String>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub resources: Vec<FDXResource>,
}

/// `RejectConsentRequest` of the FDX API: the same fields as `RejectScopeGrant`.
pub type RejectConsentRequest = RejectScopeGrant;

/// `FDXConsentsRequest`: body of `POST {base}/{tid}/system/servers/{wid}/fdx/consents`
/// (reference §1d(2)). Every filter is optional; `order` is `acs` or `desc` as the spec spells it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FDXConsentsRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<FDXResourceFilter>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty", skip_serializing_if = "Vec::is_empty")]
    pub status: Vec<String>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty", skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_consent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before_consent_id: Option<String>,
}

/// `resource` filter of [`FDXConsentsRequest`]: consents that granted any of these ids.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FDXResourceFilter {
    #[serde(rename = "resourceType")]
    pub resource_type: String,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub ids: Vec<String>,
}

/// `FDXConsents`: the management list's answer.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FDXConsents {
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub consents: Vec<FDXConsent>,
}

/// `GetFDXConsent`: the recipient's view, `GET {base}/{tid}/{wid}/consents/{id}` (reference
/// §1d(2'')). `resources` are the **granted** resources; `status` is FDX's own vocabulary
/// (`PENDING`, `ACTIVE`, `REJECTED`, `REVOKED`, `EXPIRED`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct GetFDXConsent {
    pub id: String,
    pub status: String,
    #[serde(
        rename = "createdTime",
        default,
        deserialize_with = "crate::wire::unset_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_time: Option<String>,
    #[serde(
        rename = "expirationTime",
        default,
        deserialize_with = "crate::wire::unset_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub expiration_time: Option<String>,
    #[serde(rename = "durationType", default, skip_serializing_if = "Option::is_none")]
    pub duration_type: Option<String>,
    #[serde(rename = "durationPeriod", default, skip_serializing_if = "Option::is_none")]
    pub duration_period: Option<i64>,
    #[serde(rename = "lookbackPeriod", default, skip_serializing_if = "Option::is_none")]
    pub lookback_period: Option<i64>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty", skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<FDXParty>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub resources: Vec<FDXGrantedResource>,
}

/// `GET {base}/{tid}/{wid}/consents/{id}/revocation`: the revocation record.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FDXConsentRevocationRecord {
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(
        rename = "updatedTime",
        default,
        deserialize_with = "crate::wire::unset_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub updated_time: Option<String>,
}

/// `FDXErrorResponse` of the FDX resource APIs (reference §4): `{"error":{"code","message"}}`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FDXErrorResponse {
    pub error: FDXError,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FDXError {
    pub code: String,
    pub message: String,
}

/// Certificate confirmation of a bound token (RFC 8705 §3.1): `{"x5t#S256": …}`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Confirmation {
    #[serde(rename = "x5t#S256", default, skip_serializing_if = "Option::is_none")]
    pub x5t_s256: Option<String>,
}

/// `POST {base}/{tid}/{wid}/fdx/consents/introspect`: `IntrospectResponse` plus `fdx_consent`
/// (reference §1e).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FDXIntrospection {
    #[serde(flatten)]
    pub token: Introspection,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fdx_consent: Option<GetFDXConsent>,
}
