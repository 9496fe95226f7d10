//! Workspaces as data: what `seed.json` describes for each workspace (its scope catalogue, its
//! clients, its consent profile, its mock bank, whether outside applications may register) and
//! for each user. A second bank is a second entry there, not new code.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A seeded or registered OAuth client (RFC 7591 metadata plus the sandbox's policy).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ClientData {
    pub client_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tos_uri: Option<String>,
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    pub token_endpoint_auth_method: String,
    #[serde(default)]
    pub grant_types: Vec<String>,
    /// Scopes this client may ask for.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Trusted clients skip the consent screen.
    #[serde(default)]
    pub trusted: bool,
    /// `tls_client_auth`: the subject DN the client's certificate must carry (RFC 8705 §2.1.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_client_auth_subject_dn: Option<String>,
    /// `self_signed_tls_client_auth`: a JWKS whose keys carry the client's certificate in `x5c`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks: Option<serde_json::Value>,
    /// Bind access tokens to the client's certificate (RFC 8705 §3).
    #[serde(default)]
    pub tls_client_certificate_bound_access_tokens: bool,
}

impl ClientData {
    /// Does the client authenticate with its TLS certificate?
    pub fn uses_mtls(&self) -> bool {
        matches!(self.token_endpoint_auth_method.as_str(), "tls_client_auth" | "self_signed_tls_client_auth")
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct SeedScope {
    pub name: String,
    pub display_name: String,
    pub description: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct SeedService {
    pub id: String,
    pub name: String,
    pub description: String,
    pub scopes: Vec<SeedScope>,
}

/// Which consent profile a workspace's authorization requests follow (`profile` in the seed):
/// what a regime adds to requests, consent and tokens (see `profile`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfileKind {
    /// Scopes granted on a custom consent page, optionally tied to its `consent_id`.
    #[default]
    ScopeGrants,
    /// The generic Open Banking profile: scope grants whose `consent_id` a bank's API honours.
    OpenBanking,
    /// FDX consents made by PAR with `fdx_v1.0` authorization details.
    Fdx,
    /// UK Open Banking account-access consents: a resource the recipient creates, then
    /// authorizes by its id (`profile::obuk`).
    Obuk,
    /// Australian CDR arrangements, made and amended by PAR (`profile::cdr`).
    Cdr,
}

/// The regime a workspace's mock bank API speaks (`bank` in the seed), if it has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BankRegime {
    /// FDX resource APIs at `/bank/accounts…`, by FDX introspection of a bound token.
    Fdx,
    /// `/bank/{workspace}/accounts`: the accounts of the token's `consent_id`.
    OpenBanking,
    /// `/bank/{workspace}/aisp/accounts`: the accounts of the token's UK account-access consent.
    Obuk,
    /// `/bank/{workspace}/cdr/banking/accounts`: the accounts of the token's CDR arrangement.
    Cdr,
}

fn yes() -> bool {
    true
}

/// A workspace (an authorization server of the tenant).
#[derive(Clone, Debug, Deserialize)]
pub struct Workspace {
    pub services: Vec<SeedService>,
    pub clients: Vec<ClientData>,
    /// Authorization requests only through PAR (RFC 9126), as `gobank` (FAPI-style).
    #[serde(default)]
    pub requires_par: bool,
    /// Every authorization request with PKCE (S256), confidential clients too.
    #[serde(default)]
    pub requires_pkce: bool,
    /// The consent profile (scope grants unless the seed says otherwise).
    #[serde(default)]
    pub profile: ProfileKind,
    /// The mock bank behind this workspace, if any.
    #[serde(default)]
    pub bank: Option<BankRegime>,
    /// Whose accounts its bank holds (`ledger` in the seed): Sandbox Bank's (`bank.json`) unless
    /// it names its own, as Hyperscale Bank does (`hyperscale` → `bank/hyperscale.json`).
    #[serde(default)]
    pub ledger: Option<String>,
    /// Signs its tokens with a key of its own, as a separate bank's authorization server does;
    /// otherwise with the sandbox's shared key.
    #[serde(default)]
    pub own_signing_key: bool,
    /// The identity pool this bank keeps its consent records in (`identity_pool` in the seed),
    /// as Hyperscale Bank does: its bank API reads what a consent covers there, and the System
    /// Identity API serves the pool.
    #[serde(default)]
    pub identity_pool: Option<String>,
    /// Outside applications may register clients here (RFC 7591); not in the System and staff
    /// workspaces, whose clients are the platform's own.
    #[serde(default = "yes")]
    pub registration: bool,
}

#[derive(Clone, Debug, Deserialize)]
pub struct SeedUser {
    pub username: String,
    pub password: String,
    pub email: String,
    pub name: String,
    #[serde(default)]
    pub customer_id: Option<String>,
    /// Staff roles (the `bank-admins` workspace's `admin` holds `consent_admin`).
    #[serde(default)]
    pub roles: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Seed {
    pub users: Vec<SeedUser>,
    pub workspaces: BTreeMap<String, Workspace>,
}

impl Seed {
    pub fn load() -> Result<Self, String> {
        serde_json::from_str(include_str!("seed.json")).map_err(|e| e.to_string())
    }
}

/// What the sandbox knows about a user besides the password.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UserData {
    pub email: String,
    pub name: String,
    /// The bank's customer number, when it is not the username: in `authentication_context`
    /// and the ID token as `customer_id` (what `BANK_ID_CLAIM` names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// Staff roles, in the ID token and at userinfo as `roles`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
}

impl UserData {
    /// The bank customer number of user `username`.
    pub fn customer<'a>(&'a self, username: &'a str) -> &'a str {
        self.customer_id.as_deref().unwrap_or(username)
    }
}
