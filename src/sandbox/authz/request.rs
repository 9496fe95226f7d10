//! What the OAuth core stores between its steps: an authorization request
//! ([`AuthRequest`], from `/oauth2/authorize` or `/par`, kept with its login), the consent
//! page's decision on it ([`Decision`]) and what a code stands for ([`CodeData`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;

/// Form or query parameters of an OAuth request.
pub type Params = HashMap<String, String>;

/// An authorization request, as received at `/oauth2/authorize` or `/par`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AuthRequest {
    pub client_id: String,
    pub redirect_uri: String,
    /// The request named its `redirect_uri` (rather than relying on the only one registered):
    /// the code exchange must then name the same (RFC 6749 §4.1.3).
    #[serde(default)]
    pub redirect_uri_given: bool,
    pub scopes: Vec<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub nonce: Option<String>,
    #[serde(default)]
    pub code_challenge: Option<String>,
    #[serde(default)]
    pub claims: Option<Value>,
    /// Languages the client prefers for the pages of this sign-in (OIDC Core §3.1.2.1).
    #[serde(default)]
    pub ui_locales: Option<String>,
    /// The grant the workspace's consent profile made for this request (an FDX consent from
    /// `fdx_v1.0` authorization details); its code and tokens carry it as `grant_id`. Stored
    /// under its first name, so logins and pushed requests already saved read the same.
    #[serde(default, rename = "fdx_consent_id", skip_serializing_if = "Option::is_none")]
    pub grant_id: Option<String>,
    /// The profile's validated `authorization_details`, until its grant is made.
    #[serde(default, rename = "fdx_request", skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
}

/// What a code stands for.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CodeData {
    pub workspace: String,
    pub client_id: String,
    pub redirect_uri: String,
    #[serde(default)]
    pub redirect_uri_given: bool,
    pub scopes: Vec<String>,
    pub subject: String,
    pub auth_time: i64,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    #[serde(default)]
    pub grant_id: Option<String>,
    /// The consent page's record of this consent, which its tokens carry.
    #[serde(default)]
    pub consent_id: Option<String>,
}

/// The decision recorded by the scope-grant API.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Decision {
    Accepted {
        scopes: Vec<String>,
        claims: Vec<String>,
        /// The consent page's own record of this consent (`AcceptScopeGrant.consent_id`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        consent_id: Option<String>,
    },
    Rejected {
        error: String,
        error_description: String,
        error_cause: String,
    },
}
