//! The real tenant: the workspace Assent serves, the System client it acts as, and where each
//! API family lives (reference §0.3). The prefixes are built as acp-client-go builds them for
//! a consent page's client, whose issuer is the System workspace's: from that issuer and its
//! vanity domain type. The consent-page and management prefix can be set on its own (§5 gap 1).
//! For certificate-bound System tokens, the System issuer is the mTLS host's (the quickstart's
//! `ACP_MTLS_URL`), so that the token and every System call present the certificate.

use super::{err, parse_url, ConfigError, Secret};
use std::path::PathBuf;
use url::Url;

/// A real tenant: the workspace Assent serves and the System client it acts as.
#[derive(Clone, Debug)]
pub struct TenantConfig {
    /// `https://host/{tenant}/{workspace}` (`https://domain/{workspace}` on a tenant's vanity
    /// domain, `https://domain` on a workspace's own).
    pub issuer: Url,
    pub tenant_id: String,
    pub client_id: String,
    pub client_secret: Secret,
    /// PEM file of a private CA to trust in addition to the public roots.
    pub root_ca: Option<PathBuf>,
    /// PEM certificate and key for mutual TLS towards the authorization server.
    pub client_cert: Option<(PathBuf, PathBuf)>,
    pub routing: Routing,
    /// `SYSTEM_SCOPES`: the scopes the System client asks for, space-separated, in place of
    /// those Assent works out from what it serves (a System client without one of them).
    pub system_scopes: Option<String>,
}

/// acp-client-go's `VanityDomainType`, of the System issuer's domain: a tenant's own domain
/// drops `/{tid}` from every prefix, a server's own domain drops `/{tid}/{wid}`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Vanity {
    #[default]
    None,
    Tenant,
    Server,
}

/// How the tenant's APIs are reached, when not by the default routing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Routing {
    /// `VANITY_DOMAIN_TYPE`, of the System issuer's domain.
    pub vanity: Vanity,
    /// `SYSTEM_ISSUER_URL`: the System workspace's issuer, where Assent's client gets its token.
    /// When unset, the issuer's with `system` for its workspace.
    pub system_issuer: Option<Url>,
    /// `WORKSPACE_ID`: the issuer's workspace, for a domain that is the workspace's own (no
    /// path); when set it is the workspace whatever the issuer's path says.
    pub workspace: Option<String>,
    /// `CONSENT_API_URL`: the prefix of the open-banking consent-page and management APIs; the
    /// System issuer when unset.
    pub consent_api: Option<Url>,
}

/// Where each API family is.
#[derive(Clone, Debug, PartialEq)]
pub struct Prefixes {
    /// The System workspace's issuer (`{base}/{tid}/system`): its token endpoint and discovery.
    pub system_issuer: Url,
    /// The System APIs (`{base}/api/system/{tid}`): scope grants, clients, tokens.
    pub system_api: Url,
    /// The Identity API (`{base}/api/identity/{tid}`): identity pools.
    pub identity_api: Url,
    /// The consent-page and management APIs of FDX, UK and CDR (the System issuer by default).
    pub consent_api: Url,
}

/// The path segments of `url` that are not empty.
fn segments(url: &Url) -> Vec<&str> {
    url.path_segments().map(|s| s.filter(|x| !x.is_empty()).collect()).unwrap_or_default()
}

/// The System workspace's issuer beside `issuer`'s workspace: its last segment `system`.
fn system_beside(issuer: &Url) -> Url {
    let mut url = issuer.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().pop().push("system");
    }
    url
}

impl TenantConfig {
    /// The issuer's workspace: `WORKSPACE_ID`, or the issuer's last path segment.
    pub fn workspace(&self) -> String {
        let last = || segments(&self.issuer).last().map(|s| s.to_string());
        self.routing.workspace.clone().or_else(last).unwrap_or_default()
    }

    /// The prefixes of every API family.
    pub fn prefixes(&self) -> Prefixes {
        let Routing { vanity, system_issuer, consent_api, .. } = &self.routing;
        let system_issuer = system_issuer.clone().unwrap_or_else(|| system_beside(&self.issuer));
        // The base is the System issuer without what names the tenant and the workspace.
        let mut base = system_issuer.clone();
        if let Ok(mut path) = base.path_segments_mut() {
            path.pop_if_empty();
            match vanity {
                Vanity::None => drop(path.pop().pop()),
                Vanity::Tenant => drop(path.pop()),
                Vanity::Server => {}
            }
        }
        let family = |name: &str| {
            let mut url = base.clone();
            if let Ok(mut path) = url.path_segments_mut() {
                path.pop_if_empty().extend(["api", name]);
                if *vanity == Vanity::None {
                    path.push(&self.tenant_id);
                }
            }
            url
        };
        Prefixes {
            system_api: family("system"),
            identity_api: family("identity"),
            consent_api: consent_api.clone().unwrap_or_else(|| system_issuer.clone()),
            system_issuer,
        }
    }
}

/// The tenant of `AUTHORIZATION_SERVER_URL` and the settings that go with it; `None` for the
/// sandbox.
pub(super) fn read(get: &impl Fn(&str) -> Option<String>) -> Result<Option<TenantConfig>, ConfigError> {
    let Some(raw) = get("AUTHORIZATION_SERVER_URL") else {
        let routing = ["VANITY_DOMAIN_TYPE", "SYSTEM_ISSUER_URL", "CONSENT_API_URL", "WORKSPACE_ID"];
        for name in ["TENANT_ID", "CLIENT_ID", "CLIENT_SECRET", "SYSTEM_SCOPES"].into_iter().chain(routing) {
            if get(name).is_some() {
                return err(format!(
                    "{name} is set but AUTHORIZATION_SERVER_URL is not: set both, or neither to use the sandbox"
                ));
            }
        }
        return Ok(None);
    };
    let issuer = parse_url("AUTHORIZATION_SERVER_URL", raw.trim_end_matches('/'))?;
    let vanity = match get("VANITY_DOMAIN_TYPE").as_deref() {
        None => Vanity::None,
        Some("tenant") => Vanity::Tenant,
        Some("server") => Vanity::Server,
        Some(other) => return err(format!("VANITY_DOMAIN_TYPE is tenant or server (or unset): {other}")),
    };
    let prefix = |name: &str| get(name).map(|u| parse_url(name, u.trim_end_matches('/'))).transpose();
    let routing = Routing {
        vanity,
        system_issuer: prefix("SYSTEM_ISSUER_URL")?,
        consent_api: prefix("CONSENT_API_URL")?,
        workspace: get("WORKSPACE_ID"),
    };
    if segments(&issuer).is_empty() && (routing.workspace.is_none() || routing.system_issuer.is_none()) {
        return err(format!(
            "AUTHORIZATION_SERVER_URL names no workspace, https://host/{{tenant}}/{{workspace}}: on a workspace's own domain set WORKSPACE_ID and SYSTEM_ISSUER_URL: {raw}"
        ));
    }
    if vanity == Vanity::Server && routing.system_issuer.is_none() {
        return err("SYSTEM_ISSUER_URL is required with VANITY_DOMAIN_TYPE=server: the System workspace's own domain");
    }
    // The System issuer's path names its tenant and workspace as its routing says (acp-client-go).
    let system_issuer = routing.system_issuer.clone().unwrap_or_else(|| system_beside(&issuer));
    let path = segments(&system_issuer);
    let tenant_id = match (get("TENANT_ID"), vanity) {
        (_, Vanity::None) if path.len() < 2 && routing.system_issuer.is_none() => {
            return err(format!(
                "AUTHORIZATION_SERVER_URL must be the workspace issuer URL, https://host/{{tenant}}/{{workspace}} (or set VANITY_DOMAIN_TYPE): {raw}"
            ))
        }
        (_, Vanity::None) if path.len() < 2 => {
            return err(format!(
                "SYSTEM_ISSUER_URL must be https://host/{{tenant}}/system (or set VANITY_DOMAIN_TYPE): {system_issuer}"
            ))
        }
        (_, Vanity::Tenant) if path.is_empty() => {
            return err(format!("the System issuer on a tenant's vanity domain is https://domain/system: {system_issuer}"))
        }
        (Some(t), Vanity::None) if t != path[path.len() - 2] => {
            return err(format!(
                "TENANT_ID {t} is not the tenant of the System issuer {system_issuer}: leave it unset, or set \
                 VANITY_DOMAIN_TYPE if the domain is a vanity one"
            ))
        }
        (Some(t), _) => t,
        (None, Vanity::None) => path[path.len() - 2].to_string(),
        (None, _) => return err("TENANT_ID is required with VANITY_DOMAIN_TYPE: the domain does not name the tenant"),
    };
    let id = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !id(&tenant_id) {
        return err(format!("TENANT_ID has characters other than letters, digits, - and _: {tenant_id}"));
    }
    if let Some(w) = routing.workspace.as_deref().filter(|w| !id(w)) {
        return err(format!("WORKSPACE_ID has characters other than letters, digits, - and _: {w}"));
    }
    let client_id =
        get("CLIENT_ID").ok_or_else(|| ConfigError("CLIENT_ID is required with AUTHORIZATION_SERVER_URL".into()))?;
    let client_secret = get("CLIENT_SECRET")
        .ok_or_else(|| ConfigError("CLIENT_SECRET is required with AUTHORIZATION_SERVER_URL".into()))?;
    let readable = |name: &str| -> Result<Option<PathBuf>, ConfigError> {
        match get(name) {
            None => Ok(None),
            Some(p) => {
                let path = PathBuf::from(&p);
                std::fs::metadata(&path).or_else(|e| err(format!("{name} cannot be read ({e}): {p}")))?;
                Ok(Some(path))
            }
        }
    };
    let root_ca = super::root_ca(get)?;
    let client_cert = match (readable("CERT_FILE")?, readable("KEY_FILE")?) {
        (Some(c), Some(k)) => Some((c, k)),
        (None, None) => None,
        _ => return err("CERT_FILE and KEY_FILE go together: set both for mutual TLS, or neither"),
    };
    Ok(Some(TenantConfig {
        issuer,
        tenant_id,
        client_id,
        client_secret: Secret::new(client_secret),
        root_ca,
        client_cert,
        routing,
        system_scopes: get("SYSTEM_SCOPES").map(|s| scopes("SYSTEM_SCOPES", &s)).transpose()?,
    }))
}

/// A space-separated list of scopes (RFC 6749 §3.3: printable ASCII but `"` and `\`), with
/// single spaces.
fn scopes(name: &str, raw: &str) -> Result<String, ConfigError> {
    scope_list(name, raw).map(|list| list.join(" "))
}

/// The scopes of a space-separated list, each checked as [`scopes`] says; at least one.
pub(super) fn scope_list(name: &str, raw: &str) -> Result<Vec<String>, ConfigError> {
    let token = |s: &&str| s.bytes().all(|b| b == 0x21 || ((0x23..=0x7e).contains(&b) && b != b'\\'));
    let list: Vec<&str> = raw.split_ascii_whitespace().collect();
    match list.iter().find(|s| !token(s)) {
        _ if list.is_empty() => err(format!("{name} names no scope")),
        Some(bad) => err(format!("{name} holds a scope with a character a scope cannot have: {bad}")),
        None => Ok(list.into_iter().map(str::to_string).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn tenant(vars: &[(&str, &str)]) -> Result<Option<TenantConfig>, ConfigError> {
        let mut env: HashMap<&str, &str> = [("CLIENT_ID", "c"), ("CLIENT_SECRET", "s")].into();
        env.extend(vars.iter().copied());
        read(&|k| env.get(k).map(|v| v.to_string()))
    }

    fn prefixes(vars: &[(&str, &str)]) -> [String; 4] {
        let p = tenant(vars).unwrap().unwrap().prefixes();
        [p.system_issuer, p.system_api, p.identity_api, p.consent_api].map(String::from)
    }

    #[test]
    fn prefixes_follow_the_default_routing_and_vanity_domains_as_acp_client_go_does() {
        assert_eq!(
            prefixes(&[("AUTHORIZATION_SERVER_URL", "https://authz.example.com/acme/bank")]),
            [
                "https://authz.example.com/acme/system",
                "https://authz.example.com/api/system/acme",
                "https://authz.example.com/api/identity/acme",
                "https://authz.example.com/acme/system",
            ]
        );
        // Behind a path prefix of its own.
        assert_eq!(
            prefixes(&[("AUTHORIZATION_SERVER_URL", "https://example.com/authz/acme/bank/")])[1],
            "https://example.com/authz/api/system/acme"
        );
        assert_eq!(
            prefixes(&[
                ("AUTHORIZATION_SERVER_URL", "https://acme.authz.example.com/bank"),
                ("VANITY_DOMAIN_TYPE", "tenant"),
                ("TENANT_ID", "acme"),
            ]),
            [
                "https://acme.authz.example.com/system",
                "https://acme.authz.example.com/api/system",
                "https://acme.authz.example.com/api/identity",
                "https://acme.authz.example.com/system",
            ]
        );
        assert_eq!(
            prefixes(&[
                ("AUTHORIZATION_SERVER_URL", "https://login.bank.example"),
                ("WORKSPACE_ID", "bank"),
                ("VANITY_DOMAIN_TYPE", "server"),
                ("TENANT_ID", "acme"),
                ("SYSTEM_ISSUER_URL", "https://consent-system.bank.example"),
                ("CONSENT_API_URL", "https://authz.example.com/api/system/acme/"),
            ]),
            [
                "https://consent-system.bank.example/",
                "https://consent-system.bank.example/api/system",
                "https://consent-system.bank.example/api/identity",
                "https://authz.example.com/api/system/acme",
            ]
        );
    }

    #[test]
    fn a_workspace_on_its_own_domain_with_the_system_workspace_on_the_tenants_routing() {
        let vars = [
            ("AUTHORIZATION_SERVER_URL", "https://login.bank.example/"),
            ("WORKSPACE_ID", "bank"),
            ("SYSTEM_ISSUER_URL", "https://acme.mtls.authz.example.com/acme/system"),
        ];
        assert_eq!(
            prefixes(&vars),
            [
                "https://acme.mtls.authz.example.com/acme/system",
                "https://acme.mtls.authz.example.com/api/system/acme",
                "https://acme.mtls.authz.example.com/api/identity/acme",
                "https://acme.mtls.authz.example.com/acme/system",
            ]
        );
        let config = tenant(&vars).unwrap().unwrap();
        assert_eq!((config.tenant_id.as_str(), config.workspace().as_str()), ("acme", "bank"));
        let usual = tenant(&[("AUTHORIZATION_SERVER_URL", "https://authz.example.com/acme/bank")]).unwrap().unwrap();
        assert_eq!(usual.workspace(), "bank");
    }

    #[test]
    fn vanity_domains_need_what_the_domain_does_not_say() {
        let refused = |vars: &[(&str, &str)], says: &str| {
            let e = tenant(vars).unwrap_err().to_string();
            assert!(e.contains(says), "{vars:?}: {e}");
        };
        let short = "https://host/{tenant}/{workspace}";
        refused(&[("AUTHORIZATION_SERVER_URL", "https://authz.example.com/bank")], short);
        refused(&[("AUTHORIZATION_SERVER_URL", "https://authz.example.com/bank"), ("TENANT_ID", "acme")], short);
        refused(
            &[
                ("AUTHORIZATION_SERVER_URL", "https://login.bank.example"),
                ("SYSTEM_ISSUER_URL", "https://a.example.com/t/system"),
            ],
            "WORKSPACE_ID",
        );
        refused(
            &[("AUTHORIZATION_SERVER_URL", "https://authz.example.com/a/b"), ("WORKSPACE_ID", "b/../c")],
            "WORKSPACE_ID has",
        );
        refused(
            &[
                ("AUTHORIZATION_SERVER_URL", "https://authz.example.com/a/b"),
                ("SYSTEM_ISSUER_URL", "https://a.example.com/system"),
            ],
            "SYSTEM_ISSUER_URL must be https://host/{tenant}/system",
        );
        refused(
            &[("AUTHORIZATION_SERVER_URL", "https://acme.authz.example.com/bank"), ("VANITY_DOMAIN_TYPE", "tenant")],
            "TENANT_ID is required",
        );
        refused(
            &[("AUTHORIZATION_SERVER_URL", "https://a.example.com/b"), ("VANITY_DOMAIN_TYPE", "domain")],
            "tenant or server",
        );
        refused(
            &[
                ("AUTHORIZATION_SERVER_URL", "https://authz.example.com/acme/bank"),
                ("VANITY_DOMAIN_TYPE", "server"),
                ("TENANT_ID", "acme"),
            ],
            "SYSTEM_ISSUER_URL is required",
        );
        refused(
            &[("AUTHORIZATION_SERVER_URL", "https://a.example.com/t/w"), ("CONSENT_API_URL", "http://a.example.com/x")],
            "CONSENT_API_URL must use https://",
        );
        refused(
            &[("AUTHORIZATION_SERVER_URL", "https://authz.example.com/acme/bank"), ("TENANT_ID", "other")],
            "TENANT_ID other is not the tenant of the System issuer https://authz.example.com/acme/system",
        );
        for name in ["CONSENT_API_URL", "WORKSPACE_ID", "SYSTEM_SCOPES"] {
            let alone = read(&|k| (k == name).then(|| "https://a.example.com".to_string())).unwrap_err().to_string();
            assert!(alone.contains("AUTHORIZATION_SERVER_URL is not"), "{name}: {alone}");
        }
    }

    #[test]
    fn system_scopes_are_read_as_a_list_of_scopes() {
        let at = ("AUTHORIZATION_SERVER_URL", "https://authz.example.com/acme/bank");
        assert_eq!(tenant(&[at]).unwrap().unwrap().system_scopes, None);
        let set = tenant(&[at, ("SYSTEM_SCOPES", " manage_openbanking_consents \t view_clients ")]);
        assert_eq!(set.unwrap().unwrap().system_scopes.as_deref(), Some("manage_openbanking_consents view_clients"));
        for bad in ["manage\"consents", "a\\b", "caf\u{e9}"] {
            let e = tenant(&[at, ("SYSTEM_SCOPES", bad)]).unwrap_err().to_string();
            assert!(e.contains("SYSTEM_SCOPES") && e.contains(bad), "{e}");
        }
    }
}
