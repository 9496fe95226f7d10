//! Wire types of the Australian Consumer Data Right (reference §1c "CDR", §1d (2')): the
//! consent page's GET (`GetCDRConsentResponse`, with the arrangement asked for and, for an
//! amendment, the one it replaces), accept (`AcceptCDRConsentRequest`) and reject, and the
//! management list (`CDRArrangements`). Field names are Cloudentity's (`acp-client-go`,
//! `clients/cdr/models`), snake_case throughout.

use super::{ClientInfo, RequestedScope};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `consent_type` of a CDR arrangement on the consent page's address (reference §0.2).
pub const CDR_ARRANGEMENT: &str = "cdr_arrangement";

/// The consent statuses of an arrangement (`ConsentStatus`).
pub mod status {
    pub const AWAITING_AUTHORISATION: &str = "AwaitingAuthorisation";
    pub const AUTHORISED: &str = "Authorised";
    pub const REJECTED: &str = "Rejected";
    pub const REVOKED: &str = "Revoked";
}

/// `sharing_type`: how the customer shares (the spec's enum).
pub mod sharing {
    /// Once: `sharing_duration` 0 or absent.
    pub const ONE_TIME: &str = "one_time";
    pub const ONE_TIME_WITH_REFRESH_TOKEN: &str = "one_time_with_refresh_token";
    /// Ongoing, until the arrangement's `expiry`.
    pub const REUSABLE: &str = "reusable";
}

/// The longest sharing period the CDR rules allow (twelve months): a longer
/// `sharing_duration` is taken as this.
pub const MAX_SHARING_SECONDS: i64 = 365 * 24 * 3600;

/// The scopes of the CDR banking and common APIs a data recipient may ask for (Assent words
/// each of them in the data language standards' terms).
pub const SCOPES: [&str; 7] = [
    "bank:accounts.basic:read",
    "bank:accounts.detail:read",
    "bank:transactions:read",
    "bank:regular_payments:read",
    "bank:payees:read",
    "common:customer.basic:read",
    "common:customer.detail:read",
];

/// One scope granted under an arrangement: the CDR spec's `ScopeGrant`, which the reference
/// cites (`[acp:spec/cdr.yaml]`) but does not spell out (§5). Its `scope_name` is the scope as
/// set (a dynamic scope's template), `granted_scope_name` as granted; Assent reads the name
/// granted, or the name set. (`name` is how the sandbox wrote it before, still read.)
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ScopeGrant {
    #[serde(default, alias = "name")]
    pub scope_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub granted_scope_name: Option<String>,
    #[serde(default, deserialize_with = "crate::wire::unset_time", skip_serializing_if = "Option::is_none")]
    pub given_at: Option<String>,
}

impl ScopeGrant {
    /// A scope granted by its name, as set and as granted.
    pub fn of(name: &str, given_at: Option<String>) -> Self {
        ScopeGrant { scope_name: name.into(), granted_scope_name: Some(name.into()), given_at }
    }

    /// The scope's name as granted (or, without it, as set).
    pub fn name(&self) -> &str {
        self.granted_scope_name.as_deref().filter(|n| !n.is_empty()).unwrap_or(&self.scope_name)
    }
}

/// `CDRArrangement`: an arrangement as the consent page and the management API show it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct CDRArrangement {
    #[serde(default)]
    pub cdr_arrangement_id: String,
    /// The accounts shared (none while awaiting authorisation).
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub account_ids: Vec<String>,
    /// The arrangement this one amends, when it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amending_arrangement_id: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub authorization_server_id: String,
    #[serde(default)]
    pub client_id: String,
    #[serde(default, deserialize_with = "crate::wire::unset_time", skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// When sharing ends (RFC 3339); none for a one-time arrangement not yet given.
    #[serde(default, deserialize_with = "crate::wire::unset_time", skip_serializing_if = "Option::is_none")]
    pub expiry: Option<String>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub scope_grants: Vec<ScopeGrant>,
    /// `one_time`, `one_time_with_refresh_token` or `reusable`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sharing_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec_version: Option<String>,
    #[serde(default)]
    pub status: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subject: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tenant_id: String,
    #[serde(default, deserialize_with = "crate::wire::unset_time", skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

impl CDRArrangement {
    /// The names of the scopes granted.
    pub fn scopes(&self) -> Vec<String> {
        self.scope_grants.iter().map(|g| g.name().to_string()).collect()
    }
}

/// `GetCDRConsentResponse`: `GET {base}/{tid}/system/cdr/cdr-arrangement/{login}?login_state=`
/// (reference §1c). The client, workspace and tenant are the arrangement's.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct GetCDRConsentResponse {
    #[serde(default, deserialize_with = "crate::wire::null_is_empty", skip_serializing_if = "Map::is_empty")]
    pub authentication_context: Map<String, Value>,
    pub cdr_arrangement: CDRArrangement,
    #[serde(default)]
    pub client_info: ClientInfo,
    /// The arrangement being amended, as it stands: what the customer shares now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_cdr_arrangement: Option<CDRArrangement>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub requested_scopes: Vec<RequestedScope>,
    /// Deprecated by the spec in favour of `cdr_arrangement.status`; written the same.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub status: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subject: String,
}

/// `AcceptCDRConsentRequest`: `POST {base}/{tid}/system/cdr/cdr-arrangement/{login}/accept`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct AcceptCDRConsentRequest {
    pub login_state: String,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub granted_scopes: Vec<String>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub account_ids: Vec<String>,
    #[serde(default)]
    pub customer_id: String,
}

/// `RejectCDRConsentRequest`: the reject body, without the `id` of other specs' (reference §1c).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct RejectCDRConsentRequest {
    pub login_state: String,
    pub error: String,
    pub error_cause: String,
    pub error_description: String,
    pub status_code: u16,
}

impl RejectCDRConsentRequest {
    /// What every reference consent page sends when the customer denies.
    pub fn user_denied(login_state: String) -> Self {
        Self {
            login_state,
            error: "rejected".into(),
            error_cause: "consent_rejected".into(),
            error_description: "The user rejected the authentication.".into(),
            status_code: 403,
        }
    }
}

/// `CDRArrangements`: the management list's answer.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct CDRArrangements {
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub arrangements: Vec<CDRArrangement>,
}

/// `CDRConsentsRequest`: the filters of `POST /servers/{wid}/cdr/arrangements` (and the query
/// of its `GET`), those the sandbox and Assent use.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct CDRConsentsRequest {
    #[serde(default, deserialize_with = "crate::wire::null_is_empty", skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    #[serde(default, deserialize_with = "crate::wire::null_is_empty", skip_serializing_if = "Vec::is_empty")]
    pub status: Vec<String>,
    /// A page of at most this many (reference §5 gap 12)…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
    /// …after this arrangement of the same listing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_consent_id: Option<String>,
}

/// `Client` of the System API's client list (`GET /api/system/{tid}/clients/{wid}`, scope
/// `view_clients`, reference §1d (1')): what a portal shows of a recipient whose consents the
/// management list names only by `client_id`, as CDR's do.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct SystemClient {
    pub client_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tos_uri: Option<String>,
    #[serde(default)]
    pub system: bool,
}

/// The System API's client list.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct SystemClients {
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub clients: Vec<SystemClient>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::DeserializeOwned;

    /// Parses a fixture and writes it back: the JSON must come out unchanged.
    fn round_trip<T: DeserializeOwned + Serialize>(text: &str) -> T {
        let value: T = serde_json::from_str(text).unwrap();
        let original: Value = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_value(&value).unwrap(), original);
        value
    }

    #[test]
    fn cdr_bodies_match_the_reference() {
        let a: AcceptCDRConsentRequest = round_trip(include_str!("../../tests/fixtures/cdr_accept.json"));
        assert_eq!(a.account_ids, ["AU-40001", "AU-40003"]);
        assert_eq!(a.customer_id, "user");
        let r: RejectCDRConsentRequest = round_trip(include_str!("../../tests/fixtures/cdr_reject.json"));
        assert_eq!(r, RejectCDRConsentRequest::user_denied("cauq8fonbud6q8806bf0".into()));
        let g: GetCDRConsentResponse = round_trip(include_str!("../../tests/fixtures/cdr_get_arrangement.json"));
        assert_eq!(g.cdr_arrangement.status, status::AWAITING_AUTHORISATION);
        assert!(g.previous_cdr_arrangement.is_none());
        let m: GetCDRConsentResponse = round_trip(include_str!("../../tests/fixtures/cdr_get_amendment.json"));
        let previous = m.previous_cdr_arrangement.unwrap();
        assert_eq!(previous.cdr_arrangement_id, m.cdr_arrangement.cdr_arrangement_id);
        assert_eq!(previous.status, status::AUTHORISED);
        assert_eq!(previous.scopes(), ["openid", "bank:accounts.basic:read"]);
    }

    /// A `ScopeGrant` as the CDR spec has it (its other fields read past), a dynamic scope by
    /// the name granted, and one the sandbox wrote before by `name`.
    #[test]
    fn scope_grants_are_read_as_the_spec_has_them() {
        let grants: Vec<ScopeGrant> = serde_json::from_str(
            r#"[{"client_id":"c","given_at":"2026-12-03T10:01:00Z","granted_scope_name":"bank:accounts.basic:read",
                 "language":"en","scope_name":"bank:accounts.basic:read","server_id":"cdr"},
                {"scope_name":"accounts.read.*","granted_scope_name":"accounts.read.own"},
                {"scope_name":"openid"},
                {"name":"bank:payees:read","given_at":"2026-12-03T10:01:00Z"}]"#,
        )
        .unwrap();
        let names: Vec<&str> = grants.iter().map(ScopeGrant::name).collect();
        assert_eq!(names, ["bank:accounts.basic:read", "accounts.read.own", "openid", "bank:payees:read"]);
    }
}
