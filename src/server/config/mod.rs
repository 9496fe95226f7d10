//! Configuration, read once at start-up from the environment (and `.env`), validated, and
//! rejected with one clear line when something is wrong.

mod bank;
mod brand;
mod console;
mod file;
mod tenant;
mod urls;

pub use bank::{default_account_scopes, BankClient, BankConfig};
pub use brand::{Rgb, Theme};
pub use console::ConsoleConfig;
pub use file::{Regime, WorkspaceSettings, WorkspaceStorage};
pub use tenant::{Prefixes, Routing, TenantConfig, Vanity};
pub use urls::is_loopback;
use urls::{parse_url, public_url};

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use url::Url;

/// A secret that never prints.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    /// `None`: start the embedded sandbox and use it.
    pub tenant: Option<TenantConfig>,
    pub sandbox_addr: SocketAddr,
    pub data_dir: PathBuf,
    /// Key for CSRF tokens; shared by replicas. Generated per process when absent.
    pub session_key: Option<Secret>,
    /// The URL browsers use to reach Assent (behind a proxy); default `http://{listen address}`.
    pub public_url: Option<Url>,
    /// The OAuth client the user portal signs in with; the sandbox seeds its own.
    pub portal: Option<PortalClient>,
    pub theme: Theme,
    /// Brands of workspaces whose consent pages look like their bank's (`ASSENT_CONFIG`; the
    /// sandbox's banks when it runs); every other page has `theme`.
    pub workspace_themes: BTreeMap<String, Theme>,
    /// Workspaces' own settings (`ASSENT_CONFIG`; the sandbox's banks when it runs): where their
    /// consent records are kept, and their banks.
    pub workspaces: BTreeMap<String, WorkspaceSettings>,
    /// Open Finance (FDX): the bank's internal API; FDX consents are off without it (the
    /// sandbox brings its own mock bank).
    pub bank: Option<BankConfig>,
    /// The client the banks' internal APIs want a token of (`BANK_CLIENT_*`); without it Assent
    /// calls them with no token (and its client certificate, when one is set). Never the System
    /// token: that one may revoke tokens and read every consent.
    pub bank_client: Option<BankClient>,
    /// The sandbox's mutual-TLS listener (`SANDBOX_MTLS_ADDR`); see `SandboxConfig::mtls_addr`.
    pub sandbox_mtls_addr: Option<SocketAddr>,
    /// `ASSENT_LOG_FORMAT=text`: logs for a terminal instead of JSON lines.
    pub text_logs: bool,
    /// `RUST_LOG`: which log lines are written (default `info`).
    pub log_filter: String,
    /// `ASSENT_TIME_ZONE` (an IANA name, default `UTC`): the zone pages, the portal and the
    /// console say dates and times in (receipts keep RFC 3339 moments).
    pub time_zone: chrono_tz::Tz,
    /// `LEPTOS_WATCH` (set by `cargo leptos watch`): pages may open the live-reload websocket.
    pub live_reload: bool,
    /// `ASSENT_SESSION_STORE`: where portal and staff sessions, finished sign-ins and the
    /// consent flows' decisions live.
    pub session_store: SessionStoreConfig,
    /// `ASSENT_SESSION_STORE_TIMEOUT_MS`: the longest any request waits on the session store.
    pub session_store_timeout: std::time::Duration,
    /// Every listener's limits; `ASSENT_MAX_CONNECTIONS` sets how many connections each takes,
    /// `ASSENT_MAX_CONNECTIONS_PER_ADDRESS` how many of them one client address may hold.
    pub limits: crate::listen::Limits,
    /// `SANDBOX_CLIENT_CA`: more CAs the sandbox trusts for `tls_client_auth` (PEM bundle).
    pub sandbox_client_ca: Option<PathBuf>,
    /// `CONSENT_STORAGE`: where the records of consents are kept.
    pub consent_storage: ConsentStorage,
    /// `ASSENT_DATABASE_URL`: PostgreSQL for the consent records (replicas share it); SQLite in
    /// the data directory when unset.
    pub database: Option<DatabaseConfig>,
    /// `EXTERNAL_CONSENT_STORAGE_URL`, with `CONSENT_STORAGE=external`.
    pub external_storage: Option<Url>,
    /// The bank staff's console (`STAFF_*`); always on with the sandbox.
    pub console: Option<ConsoleConfig>,
    /// `ASSENT_METRICS_TOKEN`: when set, `/metrics` answers only a request bearing it.
    pub metrics_token: Option<Secret>,
}

/// Where consent records are kept (`CONSENT_STORAGE`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ConsentStorage {
    /// Assent's own records (`assent`, the default): SQLite in the data directory.
    #[default]
    Assent,
    /// Another system's (`external`): the quickstart's external consent storage at
    /// `EXTERNAL_CONSENT_STORAGE_URL`, which lists and revokes them.
    External,
    /// None (`none`): grants carry no `consent_id`.
    None,
}

/// PostgreSQL for consent records: `postgres://user:password@host:port/db` (TLS, verified,
/// for any host not on this machine), and a private CA to trust (`ROOT_CA`).
#[derive(Clone, Debug, PartialEq)]
pub struct DatabaseConfig {
    pub url: Secret,
    pub root_ca: Option<PathBuf>,
}

/// Where the portal keeps its sessions.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionStoreConfig {
    /// `assent.sqlite3` in the data directory: one machine (the default).
    Sqlite,
    /// Redis or Valkey, shared by replicas: `redis://` (loopback only) or `rediss://`, with
    /// user, password and database number in the URL; `root_ca` (`ROOT_CA`) to trust a private CA.
    Redis { url: Secret, root_ca: Option<PathBuf> },
}

/// The portal's client in the user's workspace: public (PKCE only) without a secret.
#[derive(Clone, Debug, PartialEq)]
pub struct PortalClient {
    pub client_id: String,
    pub client_secret: Option<Secret>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{0}")]
pub struct ConfigError(String);

fn err<T>(msg: impl Into<String>) -> Result<T, ConfigError> {
    Err(ConfigError(msg.into()))
}

/// `ROOT_CA`: a PEM file of at least one CA certificate to trust besides the system's roots.
fn root_ca(get: &impl Fn(&str) -> Option<String>) -> Result<Option<PathBuf>, ConfigError> {
    use rustls::pki_types::{pem::PemObject, CertificateDer};
    let Some(p) = get("ROOT_CA") else { return Ok(None) };
    let pem = std::fs::read(&p).or_else(|e| err(format!("ROOT_CA cannot be read ({e}): {p}")))?;
    let certs: Result<Vec<_>, _> = CertificateDer::pem_slice_iter(&pem).collect();
    match certs {
        Ok(certs) if !certs.is_empty() => Ok(Some(PathBuf::from(p))),
        Ok(_) => err(format!("ROOT_CA holds no PEM certificate (-----BEGIN CERTIFICATE-----): {p}")),
        Err(e) => err(format!("ROOT_CA is not a PEM file of certificates ({e}): {p}")),
    }
}

/// The prefixes of Assent's own variables: one of these names that Assent never reads is told.
const OWN_PREFIXES: [&str; 5] = ["ASSENT_", "PORTAL_", "STAFF_", "BANK_", "SANDBOX_"];

impl Config {
    /// Reads the process environment: the configuration, and the variables named as its own
    /// ([`OWN_PREFIXES`]) it never asked for (most likely a typo of one it does,
    /// `ASSENT_SESSION_STOR`, `PORTAL_CLIENTID`, or one read only beside another not set).
    pub fn from_env() -> Result<(Self, Vec<String>), ConfigError> {
        let names = std::env::vars_os().filter_map(|(k, _)| k.into_string().ok());
        Self::noting_unread(names, |k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads configuration through `get`, in the same pass noting which of `names` starting
    /// with one of [`OWN_PREFIXES`] it never asks for.
    fn noting_unread(
        names: impl Iterator<Item = String>,
        get: impl Fn(&str) -> Option<String>,
    ) -> Result<(Self, Vec<String>), ConfigError> {
        let asked = std::sync::Mutex::new(std::collections::BTreeSet::new());
        let config = Self::from_lookup(|k| {
            asked.lock().unwrap_or_else(|p| p.into_inner()).insert(k.to_string());
            get(k)
        })?;
        let asked = asked.into_inner().unwrap_or_else(|p| p.into_inner());
        let own = |k: &String| OWN_PREFIXES.iter().any(|p| k.starts_with(p));
        Ok((config, names.filter(|k| own(k) && !asked.contains(k)).collect()))
    }

    /// Reads configuration through `get`, so tests need not touch the process environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let tenant = tenant::read(&get)?;
        let sandbox_addr = match get("SANDBOX_ADDR") {
            Some(a) => {
                a.parse().or_else(|_| err(format!("SANDBOX_ADDR is not an address such as 127.0.0.1:3030: {a}")))?
            }
            None => SocketAddr::from(([127, 0, 0, 1], 3030)),
        };
        let session_key = match get("ASSENT_SESSION_KEY") {
            Some(k) if k.len() < 32 => return err("ASSENT_SESSION_KEY must be at least 32 characters of random text"),
            Some(k) => Some(Secret::new(k)),
            None => None,
        };
        let public_url = match get("ASSENT_PUBLIC_URL") {
            Some(u) => Some(public_url(u.trim())?),
            None => None,
        };
        let portal = match (get("PORTAL_CLIENT_ID"), get("PORTAL_CLIENT_SECRET")) {
            (Some(id), secret) => Some(PortalClient { client_id: id, client_secret: secret.map(Secret::new) }),
            (None, Some(_)) => return err("PORTAL_CLIENT_SECRET is set but PORTAL_CLIENT_ID is not"),
            (None, None) => None,
        };
        let theme = Theme {
            name: get("ASSENT_BRAND_NAME").map(|n| n.trim().to_string()).unwrap_or_else(|| "Assent".into()),
            logo: brand::logo("ASSENT_BRAND_LOGO", get("ASSENT_BRAND_LOGO"))?,
            color: brand::colour("ASSENT_BRAND_COLOR", get("ASSENT_BRAND_COLOR"))?,
            color_dark: brand::colour("ASSENT_BRAND_COLOR_DARK", get("ASSENT_BRAND_COLOR_DARK"))?,
        };
        let (bank, bank_client) = (bank::bank(&get)?, bank::client(&get)?);
        let sandbox_mtls_addr = match get("SANDBOX_MTLS_ADDR") {
            Some(a) => Some(
                a.trim()
                    .parse()
                    .or_else(|_| err(format!("SANDBOX_MTLS_ADDR is not an address such as 127.0.0.1:3443: {a}")))?,
            ),
            None => None,
        };
        // No tenant: the embedded sandbox, whose test users' passwords (staff's too) are in the
        // README. It serves this machine only: a deployment that lost its tenant's settings
        // stops here rather than run it for the world.
        if tenant.is_none() {
            if let Some(url) = public_url.as_ref().filter(|u| !is_loopback(u)) {
                return err(format!(
                    "ASSENT_PUBLIC_URL is {url} but AUTHORIZATION_SERVER_URL is not set: the embedded sandbox \
                     serves this machine only. Set AUTHORIZATION_SERVER_URL (and CLIENT_ID, CLIENT_SECRET) for a \
                     tenant"
                ));
            }
            let listeners = [("SANDBOX_ADDR", Some(sandbox_addr)), ("SANDBOX_MTLS_ADDR", sandbox_mtls_addr)];
            if let Some((name, Some(addr))) = listeners.iter().find(|(_, a)| a.is_some_and(|a| !a.ip().is_loopback())) {
                return err(format!(
                    "{name} must be on this machine (127.0.0.1 or [::1]): the embedded sandbox's test passwords \
                     are public: {addr}"
                ));
            }
        }
        let session_store = match get("ASSENT_SESSION_STORE") {
            None => SessionStoreConfig::Sqlite,
            Some(s) if s.trim().eq_ignore_ascii_case("sqlite") => SessionStoreConfig::Sqlite,
            Some(s) => {
                let shown = "ASSENT_SESSION_STORE must be sqlite, or a redis:// or rediss:// URL";
                let url = Url::parse(s.trim()).or_else(|e| err(format!("{shown} ({e})")))?;
                match url.scheme() {
                    "rediss" => {}
                    "redis" if is_loopback(&url) => {}
                    "redis" => {
                        return err("ASSENT_SESSION_STORE must use rediss:// (TLS) for a Redis on another host; redis:// is for loopback only")
                    }
                    _ => return err(shown),
                }
                if url.host().is_none() || url.fragment().is_some() || url.query().is_some() {
                    return err("ASSENT_SESSION_STORE must name a host, and carry no query or fragment (TLS is always verified)");
                }
                if session_key.is_none() {
                    return err("ASSENT_SESSION_STORE=redis needs ASSENT_SESSION_KEY: replicas share it to check forms and to seal users' tokens");
                }
                let root_ca = root_ca(&get)?;
                SessionStoreConfig::Redis { url: Secret::new(s.trim()), root_ca }
            }
        };
        let session_store_timeout = match get("ASSENT_SESSION_STORE_TIMEOUT_MS") {
            None => std::time::Duration::from_millis(500),
            Some(ms) => match ms.trim().parse::<u64>() {
                Ok(ms @ 10..=10_000) => std::time::Duration::from_millis(ms),
                _ => {
                    return err(format!("ASSENT_SESSION_STORE_TIMEOUT_MS must be milliseconds from 10 to 10000: {ms}"))
                }
            },
        };
        let mut limits = crate::listen::Limits::default();
        if let Some(n) = get("ASSENT_MAX_CONNECTIONS") {
            limits.max_connections = match n.trim().parse::<usize>() {
                Ok(n @ 1..=1_000_000) => n,
                _ => return err(format!("ASSENT_MAX_CONNECTIONS must be a number from 1 to 1000000: {n}")),
            };
        }
        if let Some(n) = get("ASSENT_MAX_CONNECTIONS_PER_ADDRESS") {
            limits.max_per_address = match n.trim().parse::<usize>() {
                Ok(n @ 1..=1_000_000) => n,
                _ => return err(format!("ASSENT_MAX_CONNECTIONS_PER_ADDRESS must be a number from 1 to 1000000: {n}")),
            };
        }
        let sandbox_client_ca = match get("SANDBOX_CLIENT_CA") {
            Some(p) => {
                std::fs::metadata(&p).or_else(|e| err(format!("SANDBOX_CLIENT_CA cannot be read ({e}): {p}")))?;
                Some(PathBuf::from(p))
            }
            None => None,
        };
        let consent_storage = match get("CONSENT_STORAGE").map(|s| s.trim().to_ascii_lowercase()).as_deref() {
            None | Some("assent") => ConsentStorage::Assent,
            Some("none") => ConsentStorage::None,
            Some("external") => ConsentStorage::External,
            Some(other) => return err(format!("CONSENT_STORAGE must be assent, external or none: {other}")),
        };
        let external_storage = match (consent_storage, get("EXTERNAL_CONSENT_STORAGE_URL")) {
            (ConsentStorage::External, Some(u)) => {
                Some(parse_url("EXTERNAL_CONSENT_STORAGE_URL", u.trim().trim_end_matches('/'))?)
            }
            (ConsentStorage::External, None) => {
                return err("CONSENT_STORAGE=external needs EXTERNAL_CONSENT_STORAGE_URL")
            }
            (_, Some(_)) => return err("EXTERNAL_CONSENT_STORAGE_URL is set but CONSENT_STORAGE is not external"),
            (_, None) => None,
        };
        let console = console::console(&get, tenant.is_none())?;
        let text_logs = match get("ASSENT_LOG_FORMAT").map(|f| f.trim().to_ascii_lowercase()).as_deref() {
            None | Some("json") => false,
            Some("text") => true,
            Some(other) => return err(format!("ASSENT_LOG_FORMAT must be json or text: {other}")),
        };
        let log_filter = get("RUST_LOG").map(|f| f.trim().to_string()).unwrap_or_else(|| "info".into());
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&log_filter) {
            return err(format!("RUST_LOG is not a log filter such as info or assent=debug,warn ({e}): {log_filter}"));
        }
        let time_zone = match get("ASSENT_TIME_ZONE").map(|z| z.trim().to_string()) {
            None => chrono_tz::UTC,
            Some(z) => z.parse().or_else(|_| {
                err(format!("ASSENT_TIME_ZONE is not a time zone name such as Europe/London or America/Sao_Paulo: {z}"))
            })?,
        };
        let file = match get("ASSENT_CONFIG") {
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .or_else(|e| err(format!("ASSENT_CONFIG cannot be read ({e}): {path}")))?;
                file::read(&text, &format!("ASSENT_CONFIG ({path})"))?
            }
            None if tenant.is_none() => file::read(file::SANDBOX, "the sandbox's configuration")?,
            None => file::FileConfig::default(),
        };
        let (workspace_themes, mut workspaces) = (file.brands, file.workspaces);
        // An external store picks its records' ids too; a UK or CDR consent's record must
        // carry the consent's own. An operator's file says where those records go; the
        // sandbox's UK and CDR banks then keep none.
        if consent_storage == ConsentStorage::External {
            let own_file = get("ASSENT_CONFIG").is_some();
            for (wid, w) in workspaces.iter_mut().filter(|(_, w)| w.regime.is_some() && w.storage.is_none()) {
                if own_file {
                    return err(format!(
                        "CONSENT_STORAGE=external picks its records' ids, but workspace {wid}'s consents are named \
                         by their own ids: set storage = \"assent\" or \"none\" for it in ASSENT_CONFIG"
                    ));
                }
                w.storage = Some(WorkspaceStorage::None);
            }
        }
        // Assent's own store: the environment's, or some workspace's.
        let own_store = consent_storage == ConsentStorage::Assent
            || workspaces.values().any(|w| w.storage == Some(WorkspaceStorage::Assent));
        let database = match get("ASSENT_DATABASE_URL") {
            None => None,
            Some(_) if !own_store => {
                return err(
                    "ASSENT_DATABASE_URL is set but Assent keeps no records of its own: CONSENT_STORAGE is not \
                     assent, and no workspace has storage = \"assent\"",
                )
            }
            Some(u) => {
                let shown = "ASSENT_DATABASE_URL must be a postgres:// URL";
                let url = Url::parse(u.trim()).or_else(|e| err(format!("{shown} ({e})")))?;
                if !matches!(url.scheme(), "postgres" | "postgresql") || url.host().is_none() {
                    return err(shown);
                }
                let root_ca = root_ca(&get)?;
                Some(DatabaseConfig { url: Secret::new(u.trim()), root_ca })
            }
        };
        let metrics_token = match get("ASSENT_METRICS_TOKEN") {
            Some(t) if t.len() < 16 => {
                return err("ASSENT_METRICS_TOKEN must be at least 16 characters of random text")
            }
            Some(t) => Some(Secret::new(t)),
            None => None,
        };
        let config = Config {
            metrics_token,
            external_storage,
            database,
            console,
            consent_storage,
            sandbox_client_ca,
            limits,
            session_store,
            session_store_timeout,
            sandbox_mtls_addr,
            text_logs,
            log_filter,
            time_zone,
            live_reload: get("LEPTOS_WATCH").is_some(),
            bank,
            bank_client,
            theme,
            workspace_themes,
            workspaces,
            portal,
            tenant,
            sandbox_addr,
            data_dir: PathBuf::from(get("ASSENT_DATA_DIR").unwrap_or_else(|| "./data".into())),
            session_key,
            public_url,
        };
        urls::tls_throughout(&config)?;
        Ok(config)
    }
}

/// The brands of the sandbox's banks (its `assent.toml`, checked by a unit test).
pub fn sandbox_themes() -> BTreeMap<String, Theme> {
    file::read(file::SANDBOX, "the sandbox's configuration").map(|f| f.brands).unwrap_or_default()
}

/// Where the sandbox's banks keep their consent records (its `assent.toml`).
pub fn sandbox_workspaces() -> BTreeMap<String, WorkspaceSettings> {
    file::read(file::SANDBOX, "the sandbox's configuration").map(|f| f.workspaces).unwrap_or_default()
}

#[cfg(test)]
mod tests;
