//! Wire types of the authorization server's APIs, field for field as in
//! `shared/reference/cloudentity-api.md`. Assent's upstream client reads them and the
//! embedded sandbox writes them, so the two cannot drift apart; golden JSON fixtures taken
//! from the reference's examples pin them both ways (`tests/fixtures`).

pub mod bank;
pub mod cdr;
pub mod fdx;
pub mod identity;
pub mod obuk;
pub mod obuk_consents;
pub mod obuk_payment;

pub use bank::{Disclosure, Disclosures, InternalAccount, InternalAccounts, JointAccount, JointSharing};
pub use fdx::{
    fdx_status, AcceptFDXConsentRequest, Confirmation, FDXAuthorizationDetail, FDXConsent, FDXConsentRequest,
    FDXConsentRevocation, FDXConsentRevocationRecord, FDXConsents, FDXConsentsRequest, FDXError, FDXErrorResponse,
    FDXGrantedResource, FDXIntrospection, FDXParty, FDXRequestedResource, FDXResource, FDXResourceFilter,
    GetFDXConsent, GetFDXConsentResponse, RejectConsentRequest,
};
pub use identity::{NewPoolUser, PoolIdentifier, PoolUser, PoolUsers, UpdatePoolUser};

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Reads a list or map that may come as `null` as empty, like one left out: servers built on
/// Go's generated models (Cloudentity's among them) write an empty slice or map as `null`.
pub(crate) fn null_is_empty<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Option::unwrap_or_default)
}

/// Reads a time that may be Go's zero time (`0001-01-01T00:00:00Z`, what a Go server writes
/// for a time never set) as none: no expiry, not one two thousand years ago.
pub(crate) fn unset_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.filter(|t| !t.starts_with("0001-01-01")))
}

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

/// Error body of the OAuth endpoints (RFC 6749 §5.2; the platform's `genericError` adds a
/// hint, reference §4).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct OAuthError {
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_hint: Option<String>,
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
    /// The CDR arrangement the tokens serve (reference §2.4: a CDR token response names it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cdr_arrangement_id: Option<String>,
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
    #[serde(default, deserialize_with = "crate::wire::null_is_empty", skip_serializing_if = "Map::is_empty")]
    pub authentication_context: Map<String, Value>,
    #[serde(default)]
    pub client_info: ClientInfo,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub requested_scopes: Vec<RequestedScope>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_claims: Option<Value>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty", skip_serializing_if = "Vec::is_empty")]
    pub requested_claims_to_consent: Vec<String>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty", skip_serializing_if = "Vec::is_empty")]
    pub granted_scopes: Vec<String>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty", skip_serializing_if = "BTreeMap::is_empty")]
    pub request_query_params: BTreeMap<String, Vec<String>>,
    /// Where the authorization server sends the answer: the application's `redirect_uri`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_redirect_uri: Option<String>,
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
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
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
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub clients: Vec<ClientWithAccess>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub scopes: Vec<ScopeInfo>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub claims: Vec<ClaimInfo>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ClientWithAccess {
    pub client: ClientRef,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub granted_scopes: Vec<GrantedScope>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub granted_claims: Vec<GrantedClaim>,
    /// When access was granted (RFC 3339). Not in the reference's schema: the sandbox adds it,
    /// and Assent shows it when present.
    #[serde(default, deserialize_with = "crate::wire::unset_time", skip_serializing_if = "Option::is_none")]
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

    /// A Go server writes an empty list or map as `null` (a nil slice): read like one left out.
    #[test]
    fn null_lists_and_maps_read_as_empty() {
        let s: ScopeGrantSession = serde_json::from_str(
            r#"{"id":"x","subject":"u","requested_scopes":[{"name":"openid"}],"granted_scopes":null,
               "requested_claims_to_consent":null,"authentication_context":null,"request_query_params":null}"#,
        )
        .unwrap();
        assert!(s.granted_scopes.is_empty() && s.requested_claims_to_consent.is_empty());
        assert!(s.authentication_context.is_empty() && s.request_query_params.is_empty());
        let s: ScopeGrantSession = serde_json::from_str(r#"{"id":"x","requested_scopes":null}"#).unwrap();
        assert!(s.requested_scopes.is_empty());
        let g: GetFDXConsentResponse = serde_json::from_str(
            r#"{"consent_id":"c","account_ids":null,"requested_scopes":null,
               "fdx_consent":{"id":"c","resources":null,"granted_resources":null,"parties":null}}"#,
        )
        .unwrap();
        assert!(g.account_ids.is_empty() && g.fdx_consent.resources.is_empty());
        assert!(g.fdx_consent.awaiting(), "no status on the consent page: still to decide");
        let a: cdr::CDRArrangements = serde_json::from_str(
            r#"{"arrangements":[{"cdr_arrangement_id":"a","account_ids":null,"scope_grants":null}]}"#,
        )
        .unwrap();
        assert!(a.arrangements[0].account_ids.is_empty() && a.arrangements[0].scope_grants.is_empty());
        let l: ClientsWithAccess = serde_json::from_str(r#"{"clients":null,"scopes":null,"claims":null}"#).unwrap();
        assert!(l.clients.is_empty());
        let b: InternalAccounts = serde_json::from_str(r#"{"accounts":null}"#).unwrap();
        assert!(b.accounts.is_empty());
        // Go's zero time is no time at all.
        let f: FDXConsent = serde_json::from_str(
            r#"{"id":"c","expirationTime":"0001-01-01T00:00:00Z","createdTime":"2026-12-04T10:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!((f.expiration_time, f.created_time.as_deref()), (None, Some("2026-12-04T10:00:00Z")));
        let a: cdr::CDRArrangement = serde_json::from_str(r#"{"expiry":"0001-01-01T00:00:00.000Z"}"#).unwrap();
        assert_eq!(a.expiry, None);
        // A value of the wrong kind is still an error, not an empty list.
        assert!(serde_json::from_str::<InternalAccounts>(r#"{"accounts":"none"}"#).is_err());
    }

    #[test]
    fn fdx_statuses_are_read_whatever_their_casing() {
        for (written, known) in [
            ("AwaitingAuthorisation", fdx_status::AWAITING_AUTHORISATION),
            ("AWAITING_AUTHORIZATION", fdx_status::AWAITING_AUTHORISATION),
            ("awaiting-authorisation", fdx_status::AWAITING_AUTHORISATION),
            ("Authorised", fdx_status::AUTHORISED),
            ("AUTHORIZED", fdx_status::AUTHORISED),
            ("REVOKED", fdx_status::REVOKED),
        ] {
            assert_eq!(fdx_status::known(written), Some(known), "{written}");
        }
        assert_eq!(fdx_status::known("Suspended"), None);
        assert_eq!(fdx_status::known(""), None);
        let consent = |status: &str| FDXConsent { status: status.into(), ..FDXConsent::default() };
        assert!(consent("AWAITING_AUTHORISATION").awaiting() && !consent("AUTHORISED").awaiting());
        assert!(consent("AUTHORISED").authorised() && !consent("Revoked").authorised());
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
