//! Wire types of the authorization server's APIs, field for field as in
//! `shared/reference/cloudentity-api.md`. Assent's upstream client reads them and the
//! embedded sandbox writes them, so the two cannot drift apart; golden JSON fixtures taken
//! from the reference's examples pin them both ways (`tests/fixtures`).

pub mod obuk;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// `Error` of the System, Admin and Public APIs (reference §4).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ApiError {
    pub status_code: u16,
    pub error: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub error_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
}

/// Error body of the OAuth endpoints (RFC 6749 §5.2).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct OAuthError {
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
}

/// `TokenResponse` (reference §1a, RFC 6749 §5.1).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_id: Option<String>,
}

/// `ClientInfo`: what the consent page shows about the requesting client (reference §1b).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ClientInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tos_uri: Option<String>,
}

/// The service a scope belongs to (`RequestedScope.service`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ScopeService {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// `RequestedScope` (reference §1b).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct RequestedScope {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub transient: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub implicit: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<ScopeService>,
}

/// `ScopeGrantSessionResponse`: `GET /api/system/{tid}/scope-grants/{login}` (reference §1b).
/// Fields Assent does not read are kept out; unknown fields are ignored when reading.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ScopeGrantSession {
    pub id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tenant_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub server_id: String,
    #[serde(default)]
    pub client_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subject: String,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub authentication_context: Map<String, Value>,
    #[serde(default)]
    pub client_info: ClientInfo,
    #[serde(default)]
    pub requested_scopes: Vec<RequestedScope>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_claims: Option<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requested_claims_to_consent: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub granted_scopes: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub request_query_params: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub scope_grant_approved: bool,
    #[serde(default)]
    pub scope_grant_rejected: bool,
}

/// `AcceptScopeGrant` (reference §1b).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct AcceptScopeGrant {
    pub id: String,
    pub login_state: String,
    pub granted_scopes: Vec<String>,
    #[serde(default)]
    pub granted_claims: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_id: Option<String>,
}

/// `RejectScopeGrant` (reference §1b); also `RejectConsentRequest` of the FDX API.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct RejectScopeGrant {
    pub id: String,
    pub login_state: String,
    pub error: String,
    pub error_cause: String,
    pub error_description: String,
    pub status_code: u16,
}

impl RejectScopeGrant {
    /// The body every reference consent page sends when the user denies.
    pub fn user_denied(id: String, login_state: String) -> Self {
        Self {
            id,
            login_state,
            error: "rejected".into(),
            error_cause: "consent_rejected".into(),
            error_description: "The user rejected the authentication.".into(),
            status_code: 403,
        }
    }
}

/// `ScopeGrantAccepted` / `ScopeGrantRejected`: where the browser goes next.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RedirectTo {
    pub redirect_to: String,
}

/// `IntrospectResponse` (RFC 7662, reference §1e).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Introspection {
    pub active: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_id: Option<String>,
    /// Certificate binding of the token (RFC 8705 §3.2), when it is bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cnf: Option<Confirmation>,
    /// The consent record the token was issued under (the quickstart's token-minting script
    /// puts it in the token; introspection shows it to the bank).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_id: Option<String>,
}

/// `ListClientsWithAccess`: `GET /{tid}/{wid}/clients` of the Public API, called with the
/// user's own token (reference §1d(1)). `scopes` and `claims` are dictionaries for display.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ClientsWithAccess {
    #[serde(default)]
    pub clients: Vec<ClientWithAccess>,
    #[serde(default)]
    pub scopes: Vec<ScopeInfo>,
    #[serde(default)]
    pub claims: Vec<ClaimInfo>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ClientWithAccess {
    pub client: ClientRef,
    #[serde(default)]
    pub granted_scopes: Vec<GrantedScope>,
    #[serde(default)]
    pub granted_claims: Vec<GrantedClaim>,
    /// When access was granted (RFC 3339). Not in the reference's schema: the sandbox adds it,
    /// and Assent shows it when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub granted_at: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ClientRef {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_uri: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct GrantedScope {
    pub scope_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub granted_scope_name: Option<String>,
    #[serde(default)]
    pub is_dynamic: bool,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct GrantedClaim {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    pub claim_name: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ScopeInfo {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope_id: String,
    pub scope_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope_display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub with_service: bool,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ClaimInfo {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Open Finance / FDX (reference §1c, §1d(2), §1d(2''), §1e, §4). Field names are the reference's,
// camelCase where the FDX spec uses it, including the `resouceType` misspelling on accept.

/// Statuses of an FDX consent in the System APIs (consent page, management), reference §5 gap 3.
pub mod fdx_status {
    pub const AWAITING_AUTHORISATION: &str = "AwaitingAuthorisation";
    pub const AUTHORISED: &str = "Authorised";
    pub const REJECTED: &str = "Rejected";
    pub const REVOKED: &str = "Revoked";
    pub const EXPIRED: &str = "Expired";
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
    #[serde(default)]
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
    #[serde(rename = "dataClusters", default)]
    pub data_clusters: Vec<String>,
}

/// A granted resource in `FDXConsent.granted_resources` and `GetFDXConsent.resources`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FDXGrantedResource {
    pub id: String,
    #[serde(rename = "resourceType")]
    pub resource_type: String,
    #[serde(rename = "dataClusters", default)]
    pub data_clusters: Vec<String>,
}

/// `FDXResource` of `AcceptFDXConsentRequest`: the spec spells the key `resouceType`. It is
/// written that way; `resourceType` is read as well.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FDXResource {
    pub id: String,
    #[serde(rename = "resouceType", alias = "resourceType")]
    pub resource_type: String,
    #[serde(rename = "dataClusters", default)]
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
    pub status: String,
    #[serde(rename = "createdTime", default, skip_serializing_if = "Option::is_none")]
    pub created_time: Option<String>,
    #[serde(rename = "updatedTime", default, skip_serializing_if = "Option::is_none")]
    pub updated_time: Option<String>,
    #[serde(rename = "expirationTime", default, skip_serializing_if = "Option::is_none")]
    pub expiration_time: Option<String>,
    #[serde(rename = "durationType", default, skip_serializing_if = "Option::is_none")]
    pub duration_type: Option<String>,
    #[serde(rename = "durationPeriod", default, skip_serializing_if = "Option::is_none")]
    pub duration_period: Option<i64>,
    #[serde(rename = "lookbackPeriod", default, skip_serializing_if = "Option::is_none")]
    pub lookback_period: Option<i64>,
    #[serde(default)]
    pub resources: Vec<FDXRequestedResource>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub granted_resources: Vec<FDXGrantedResource>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
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
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub authentication_context: Map<String, Value>,
    #[serde(default)]
    pub requested_scopes: Vec<RequestedScope>,
    #[serde(default)]
    pub account_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
    #[serde(default)]
    pub granted_scopes: Vec<String>,
    #[serde(default)]
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
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
    #[serde(default)]
    pub ids: Vec<String>,
}

/// `FDXConsents`: the management list's answer.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FDXConsents {
    #[serde(default)]
    pub consents: Vec<FDXConsent>,
}

/// `GetFDXConsent`: the recipient's view, `GET {base}/{tid}/{wid}/consents/{id}` (reference
/// §1d(2'')). `resources` are the **granted** resources; `status` is FDX's own vocabulary
/// (`PENDING`, `ACTIVE`, `REJECTED`, `REVOKED`, `EXPIRED`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct GetFDXConsent {
    pub id: String,
    pub status: String,
    #[serde(rename = "createdTime", default, skip_serializing_if = "Option::is_none")]
    pub created_time: Option<String>,
    #[serde(rename = "expirationTime", default, skip_serializing_if = "Option::is_none")]
    pub expiration_time: Option<String>,
    #[serde(rename = "durationType", default, skip_serializing_if = "Option::is_none")]
    pub duration_type: Option<String>,
    #[serde(rename = "durationPeriod", default, skip_serializing_if = "Option::is_none")]
    pub duration_period: Option<i64>,
    #[serde(rename = "lookbackPeriod", default, skip_serializing_if = "Option::is_none")]
    pub lookback_period: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<FDXParty>,
    #[serde(default)]
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
    #[serde(rename = "updatedTime", default, skip_serializing_if = "Option::is_none")]
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

/// The sandbox bank's internal accounts API for the consent page (not in the reference; the
/// quickstart bank has an unauthenticated one): `GET {BANK_URL}/internal/accounts?customer_id=`
/// with a System-workspace bearer token carrying `read_internal_accounts`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct InternalAccounts {
    #[serde(default)]
    pub accounts: Vec<InternalAccount>,
}

/// One account of a bank customer, as a consent page lists it for selection.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct InternalAccount {
    /// The id a consent grants (`FDXResource.id` with `resouceType` `ACCOUNT`).
    pub id: String,
    /// The product name, e.g. "Everyday Checking".
    pub name: String,
    /// The customer's own name for the account, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    /// `CHECKING`, `SAVINGS` or `CREDIT_CARD`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The account number masked for display, e.g. `…1234`.
    pub masked_number: String,
    /// Current balance in `currency` (negative for money owed on a card).
    pub balance: f64,
    /// ISO 4217 code.
    pub currency: String,
}

/// A user of an identity pool (System Identity API, reference §1d (4)): what
/// `systemCreateUser`, `systemGetUser` and `systemUpdateUser` answer. `payload` and
/// `metadata` are free JSON objects; times are RFC 3339.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct PoolUser {
    pub id: String,
    pub pool_id: String,
    pub status: String,
    #[serde(default)]
    pub payload: Map<String, Value>,
    #[serde(default)]
    pub metadata: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<PoolIdentifier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

/// One identifier of a pool user, unique in its pool (a second user with it is a 409).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct PoolIdentifier {
    pub identifier: String,
    #[serde(rename = "type", default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
}

/// `NewUser` of `systemCreateUser`: `status` is required.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct NewPoolUser {
    pub status: String,
    #[serde(default)]
    pub payload: Map<String, Value>,
    #[serde(default)]
    pub metadata: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<PoolIdentifier>,
}

/// `UpdateUser` of `systemUpdateUser`: the user's status, payload and metadata, replaced.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct UpdatePoolUser {
    pub status: String,
    #[serde(default)]
    pub payload: Map<String, Value>,
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

/// `systemListUsers`'s answer.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct PoolUsers {
    #[serde(default)]
    pub users: Vec<PoolUser>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::DeserializeOwned;

    /// Parses a fixture into `T` and writes it back: the JSON must come out unchanged.
    fn round_trip<T: Serialize + DeserializeOwned>(fixture: &str) -> T {
        let original: Value = serde_json::from_str(fixture).unwrap();
        let typed: T = serde_json::from_value(original.clone()).unwrap();
        assert_eq!(serde_json::to_value(&typed).unwrap(), original);
        typed
    }

    #[test]
    fn scope_grant_session_matches_reference_example() {
        let s: ScopeGrantSession = round_trip(include_str!("../tests/fixtures/scope_grant_session.json"));
        assert_eq!(s.id, "cavai7d8s9nelp7k792g");
        assert_eq!(s.requested_scopes[0].display_name.as_deref(), Some("Accounts"));
        assert_eq!(s.client_info.client_name.as_deref(), Some("Financroo"));
    }

    #[test]
    fn accept_reject_redirect_match_reference_examples() {
        let a: AcceptScopeGrant = round_trip(include_str!("../tests/fixtures/accept_scope_grant.json"));
        assert_eq!(a.granted_scopes, ["openid", "accounts"]);
        let r: RejectScopeGrant = round_trip(include_str!("../tests/fixtures/reject_scope_grant.json"));
        assert_eq!(r, RejectScopeGrant::user_denied(r.id.clone(), r.login_state.clone()));
        let to: RedirectTo = round_trip(include_str!("../tests/fixtures/redirect_to.json"));
        assert!(to.redirect_to.contains("consent_verified=true"));
    }

    #[test]
    fn token_error_and_introspection_match_reference_examples() {
        let t: TokenResponse = round_trip(include_str!("../tests/fixtures/token_response.json"));
        assert_eq!(t.expires_in, 3600);
        let e: ApiError = round_trip(include_str!("../tests/fixtures/api_error.json"));
        assert_eq!(e.status_code, 404);
        let i: Introspection = round_trip(include_str!("../tests/fixtures/introspection.json"));
        assert!(i.active);
    }

    #[test]
    fn clients_with_access_matches_reference_example() {
        let l: ClientsWithAccess = round_trip(include_str!("../tests/fixtures/clients_with_access.json"));
        assert_eq!(l.clients[0].granted_scopes[0].scope_name, "accounts");
        assert_eq!(l.scopes[0].scope_display_name.as_deref(), Some("Accounts"));
    }

    #[test]
    fn unknown_upstream_fields_are_ignored() {
        let s: ScopeGrantSession = serde_json::from_str(
            r#"{"id":"x","requested_scopes":[{"name":"a","params":[],"metadata":{}}],"acr":"1","login_approved":true}"#,
        )
        .unwrap();
        assert_eq!(s.requested_scopes[0].name, "a");
    }

    #[test]
    fn fdx_consent_page_types_match_reference_examples() {
        let g: GetFDXConsentResponse = round_trip(include_str!("../tests/fixtures/fdx_get_consent.json"));
        assert_eq!(g.fdx_consent.resources[1].resource_type, "CUSTOMER");
        assert_eq!(g.fdx_consent.parties[0].registry_name.as_deref(), Some("GLEIF"));
        let a: AcceptFDXConsentRequest = round_trip(include_str!("../tests/fixtures/fdx_accept.json"));
        assert_eq!(a.resources[0].resource_type, "ACCOUNT");
        let r: GetFDXConsent = round_trip(include_str!("../tests/fixtures/fdx_consent_resource.json"));
        assert_eq!(r.resources[0].data_clusters.len(), 3);
        let l: FDXConsentsRequest = round_trip(include_str!("../tests/fixtures/fdx_consents_request.json"));
        assert_eq!(l.resource.unwrap().ids, ["1000001", "1000002"]);
        let e: FDXErrorResponse = round_trip(include_str!("../tests/fixtures/fdx_error.json"));
        assert_eq!(e.error.code, "404");
        let d: Vec<FDXAuthorizationDetail> =
            round_trip(include_str!("../tests/fixtures/fdx_authorization_details.json"));
        assert_eq!(d[0].consent_request.lookback_period, Some(60));
    }

    #[test]
    fn fdx_accept_reads_both_spellings_and_writes_the_spec_one() {
        let a: AcceptFDXConsentRequest = serde_json::from_str(
            r#"{"login_state":"s","resources":[{"id":"1","resourceType":"ACCOUNT","dataClusters":[]}]}"#,
        )
        .unwrap();
        assert_eq!(a.resources[0].resource_type, "ACCOUNT");
        assert!(serde_json::to_string(&a).unwrap().contains("\"resouceType\":\"ACCOUNT\""));
    }

    #[test]
    fn fdx_introspection_flattens_the_token_fields() {
        let i = FDXIntrospection {
            token: Introspection {
                active: true,
                sub: Some("user".into()),
                cnf: Some(Confirmation { x5t_s256: Some("abc".into()) }),
                ..Default::default()
            },
            fdx_consent: None,
        };
        let v = serde_json::to_value(&i).unwrap();
        assert_eq!(v["active"], true);
        assert_eq!(v["cnf"]["x5t#S256"], "abc");
    }
}
