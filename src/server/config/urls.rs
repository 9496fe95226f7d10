//! The URLs of the configuration: each checked as it is read (`https://`, or `http://` only on
//! this machine), shown in messages without user info, and all of them `https://` beside a
//! real tenant's.

use super::{err, ConfigError};
use url::Url;

/// `http:` is allowed only towards this machine.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        // URLs of other schemes (redis://) keep their host as text.
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost")
                || d.trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

pub(super) fn parse_url(name: &str, value: &str) -> Result<Url, ConfigError> {
    let shown = shown_url(value);
    let url = Url::parse(value).or_else(|e| err(format!("{name} is not a URL ({e}): {shown}")))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return err(format!("{name} must use https:// (http:// is allowed for loopback hosts only): {shown}"))
        }
        other => return err(format!("{name} has an unsupported scheme {other}: {shown}")),
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
        return err(format!("{name} must not carry a query, fragment or user info: {shown}"));
    }
    Ok(url)
}

/// `value` as a message may show it: a user and password in it are hidden. Read as the `url`
/// crate reads it when it names a host (`https:/u:p@h` has user info too); otherwise whatever
/// stands before an `@` ahead of the first `/`, `?`, `#` or `\` after the scheme's colon.
fn shown_url(value: &str) -> String {
    if let Ok(mut url) = Url::parse(value) {
        if url.has_host() {
            if !url.username().is_empty() || url.password().is_some() {
                let _ = url.set_password(None);
                let _ = url.set_username("***");
                return url.to_string();
            }
            return value.to_string();
        }
    }
    let start = value.find(':').map_or(0, |i| i + 1);
    let rest = value[start..].trim_start_matches(['/', '\\']);
    let offset = value.len() - rest.len();
    match rest[..rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len())].rfind('@') {
        Some(at) => format!("{}***@{}", &value[..offset], &rest[at + 1..]),
        None => value.to_string(),
    }
}

/// `ASSENT_PUBLIC_URL`: the origin browsers use, which every form's `Origin` is checked against
/// and the OAuth redirect URIs are made from, so nothing else (no path: Assent is served at
/// its host's root).
pub(super) fn public_url(value: &str) -> Result<Url, ConfigError> {
    let expected = "ASSENT_PUBLIC_URL must be the origin browsers use, such as https://consent.bank.example \
                    (http or https, a host, an optional port, no path)";
    let shown = shown_url(value);
    let url = Url::parse(value).or_else(|e| err(format!("{expected} ({e}): {shown}")))?;
    let origin = matches!(url.scheme(), "http" | "https")
        && url.host().is_some()
        && url.username().is_empty()
        && url.password().is_none()
        && url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none();
    if !origin {
        return err(format!("{expected}: {shown}"));
    }
    // Over plain http anywhere but this machine, the session and form cookies would travel in
    // clear, without `__Host-`/`Secure`, and no HSTS.
    if url.scheme() == "http" && !is_loopback(&url) {
        return err(format!(
            "ASSENT_PUBLIC_URL must be https (http only for this machine: localhost, 127.0.0.1, [::1]): {shown}"
        ));
    }
    Ok(url)
}

/// Beside a real tenant's `https://` issuer, every URL Assent's client calls is `https://`
/// too: towards a real tenant that client speaks TLS only (so that no discovery document nor
/// answer can turn it to plain http), and an `http://` one, even on this machine, would fail
/// at its first call.
pub(super) fn tls_throughout(config: &super::Config) -> Result<(), ConfigError> {
    let Some(tenant) = config.tenant.as_ref().filter(|t| !is_loopback(&t.issuer)) else {
        return Ok(());
    };
    let routing =
        [("SYSTEM_ISSUER_URL", &tenant.routing.system_issuer), ("CONSENT_API_URL", &tenant.routing.consent_api)];
    let named = routing.into_iter().filter_map(|(name, url)| Some((name.to_string(), url.as_ref()?)));
    let bank = config.bank.as_ref().map(|b| ("BANK_URL".to_string(), &b.url));
    let bank_client = config.bank_client.as_ref().map(|c| ("BANK_CLIENT_TOKEN_URL".to_string(), &c.token_url));
    let store = config.external_storage.as_ref().map(|u| ("EXTERNAL_CONSENT_STORAGE_URL".to_string(), u));
    let staff = config.console.as_ref().and_then(|c| Some(("STAFF_ISSUER_URL".to_string(), c.issuer.as_ref()?)));
    let banks = (config.workspaces.iter())
        .filter_map(|(wid, w)| Some((format!("ASSENT_CONFIG: workspace.{wid}.bank_url"), w.bank_url.as_ref()?)));
    let mut all = named.chain(bank).chain(bank_client).chain(store).chain(staff).chain(banks);
    match all.find(|(_, url)| url.scheme() != "https") {
        Some((name, url)) => err(format!(
            "{name} must use https:// as AUTHORIZATION_SERVER_URL does: Assent speaks only TLS beside a real \
             tenant (a private CA goes in ROOT_CA): {}",
            shown_url(url.as_str())
        )),
        None => Ok(()),
    }
}
