//! The bank's side of the configuration: where its internal accounts API is (`BANK_URL` and
//! the settings that go with it), and the client whose token that API wants (`BANK_CLIENT_*`).

use super::{err, parse_url, ConfigError, Secret};
use url::Url;

/// Where the consent page finds the accounts of the signed-in customer.
#[derive(Clone, Debug, PartialEq)]
pub struct BankConfig {
    /// `GET {url}/internal/accounts?customer_id=…`
    pub url: Url,
    /// The `authentication_context` claim holding the customer id; the subject when unset.
    pub id_claim: Option<String>,
    /// The workspace whose FDX consents the portal lists; the issuer's workspace when unset.
    pub workspace: Option<String>,
    /// Scopes that share accounts (`ACCOUNT_SCOPES`, default `accounts`): a scope-grant request
    /// for one of them shows the customer's accounts, and at least one must be chosen.
    pub account_scopes: Vec<String>,
}

/// A client-credentials client of the bank's (`BANK_CLIENT_TOKEN_URL`, `BANK_CLIENT_ID`,
/// `BANK_CLIENT_SECRET`, `BANK_CLIENT_SCOPES`, as the reference's consent page names them):
/// its token, `client_secret_basic`, goes with every call to a bank's internal API.
#[derive(Clone, Debug, PartialEq)]
pub struct BankClient {
    pub token_url: Url,
    pub client_id: String,
    pub client_secret: Secret,
    /// Space-separated; may be empty.
    pub scopes: String,
}

/// The default of `ACCOUNT_SCOPES`.
pub fn default_account_scopes() -> Vec<String> {
    vec!["accounts".into()]
}

/// A list the environment gives separated by commas or spaces.
fn list(value: &str) -> Vec<String> {
    value.split([',', ' ']).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// `BANK_URL`, `BANK_ID_CLAIM`, `FDX_WORKSPACE`, `ACCOUNT_SCOPES`: none without `BANK_URL`,
/// and then none of the others may be set.
pub(super) fn bank(get: &impl Fn(&str) -> Option<String>) -> Result<Option<BankConfig>, ConfigError> {
    let Some(url) = get("BANK_URL") else {
        for name in ["BANK_ID_CLAIM", "FDX_WORKSPACE", "ACCOUNT_SCOPES"] {
            if get(name).is_some() {
                return err(format!("{name} is set but BANK_URL is not: Open Finance consents need the bank's API"));
            }
        }
        return Ok(None);
    };
    Ok(Some(BankConfig {
        url: parse_url("BANK_URL", url.trim_end_matches('/'))?,
        id_claim: get("BANK_ID_CLAIM"),
        workspace: get("FDX_WORKSPACE"),
        account_scopes: get("ACCOUNT_SCOPES").as_deref().map_or_else(default_account_scopes, list),
    }))
}

/// `BANK_CLIENT_ID`, `BANK_CLIENT_SECRET`, `BANK_CLIENT_TOKEN_URL` (all three or none) and
/// `BANK_CLIENT_SCOPES`.
pub(super) fn client(get: &impl Fn(&str) -> Option<String>) -> Result<Option<BankClient>, ConfigError> {
    match (get("BANK_CLIENT_ID"), get("BANK_CLIENT_SECRET"), get("BANK_CLIENT_TOKEN_URL")) {
        (Some(id), Some(secret), Some(url)) => Ok(Some(BankClient {
            token_url: parse_url("BANK_CLIENT_TOKEN_URL", url.trim())?,
            client_id: id,
            client_secret: Secret::new(secret),
            scopes: get("BANK_CLIENT_SCOPES").as_deref().map(list).unwrap_or_default().join(" "),
        })),
        (None, None, None) if get("BANK_CLIENT_SCOPES").is_none() => Ok(None),
        _ => {
            err("BANK_CLIENT_ID, BANK_CLIENT_SECRET and BANK_CLIENT_TOKEN_URL go together (with BANK_CLIENT_SCOPES if \
             the bank wants scopes)")
        }
    }
}
