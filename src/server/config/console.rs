//! The bank staff's console (`/admin`): which staff workspace its staff sign in to, as which
//! client, and the role that opens it.

use super::{err, parse_url, ConfigError, PortalClient, Secret};
use url::Url;

/// The staff console's sign-in and the role it requires.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsoleConfig {
    /// The staff workspace's issuer (`STAFF_ISSUER_URL`); the sandbox's `bank-admins` when unset.
    pub issuer: Option<Url>,
    pub client: PortalClient,
    /// The claim that lists the staff member's roles (`STAFF_ROLE_CLAIM`, `roles`), in the ID
    /// token and at userinfo, where every request reads it again.
    pub role_claim: String,
    /// The role that opens the console (`STAFF_ROLE`, `consent_admin`).
    pub role: String,
}

impl ConsoleConfig {
    /// The sandbox's: its `bank-admins` workspace and `assent-console` client, the default role.
    pub fn sandbox() -> Self {
        Self {
            issuer: None,
            client: PortalClient { client_id: "assent-console".into(), client_secret: None },
            role_claim: "roles".into(),
            role: "consent_admin".into(),
        }
    }
}

/// The console's configuration: with a real tenant, on when `STAFF_ISSUER_URL` and
/// `STAFF_CLIENT_ID` are set; with the sandbox, always on (its `bank-admins` workspace).
pub fn console(get: &impl Fn(&str) -> Option<String>, sandbox: bool) -> Result<Option<ConsoleConfig>, ConfigError> {
    let role_claim = get("STAFF_ROLE_CLAIM").map(|c| c.trim().to_string()).unwrap_or_else(|| "roles".into());
    let role = get("STAFF_ROLE").map(|r| r.trim().to_string()).unwrap_or_else(|| "consent_admin".into());
    let secret = get("STAFF_CLIENT_SECRET").map(Secret::new);
    match (get("STAFF_ISSUER_URL"), get("STAFF_CLIENT_ID")) {
        (Some(issuer), Some(client_id)) => Ok(Some(ConsoleConfig {
            issuer: Some(parse_url("STAFF_ISSUER_URL", issuer.trim().trim_end_matches('/'))?),
            client: PortalClient { client_id: client_id.trim().to_string(), client_secret: secret },
            role_claim,
            role,
        })),
        (Some(_), None) => err("STAFF_ISSUER_URL is set but STAFF_CLIENT_ID is not: the console needs both"),
        (None, Some(_)) => err("STAFF_CLIENT_ID is set but STAFF_ISSUER_URL is not: the console needs both"),
        (None, None) if sandbox => Ok(Some(ConsoleConfig { role_claim, role, ..ConsoleConfig::sandbox() })),
        (None, None) => {
            if secret.is_some() {
                return err("STAFF_CLIENT_SECRET is set but STAFF_CLIENT_ID is not");
            }
            Ok(None)
        }
    }
}
