//! The embedded sandbox: a local authorization server that speaks the upstream platform's
//! wire formats (tenant `default`, workspaces `demo` and `system`), with a sign-in page, a
//! demo application and SQLite persistence. Assent reaches it only over HTTP, through the
//! same client it uses for a real tenant; it runs on its own listener and origin.

// Handlers here return `Result<_, Response>` so an error is already the HTTP answer; the
// size of `Response` does not matter on these paths.
#![allow(clippy::result_large_err)]

pub mod bank;
pub mod consent_bank;
mod demo;
mod fdx;
mod fdx_demo;
pub mod mtls;
mod oauth;
mod pages;
mod public_api;
mod registration;
mod scope_grants;
pub mod store;
mod system_tokens;
pub mod throttle;

use crate::wire::{ApiError, OAuthError};
use axum::{
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use openidconnect::core::{CoreJsonWebKeySet, CoreRsaPrivateSigningKey};
use openidconnect::{JsonWebKeyId, PrivateSigningKey};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::Store;

/// The only tenant the sandbox serves.
pub const TENANT: &str = "default";
/// How long a login (authorization request awaiting sign-in and consent) lives.
pub const LOGIN_TTL: i64 = 600;

/// Where the sandbox listens, keeps its data, and sends browsers for consent.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub consent_url: String,
    /// The mutual-TLS listener's address, when configured (`SANDBOX_MTLS_ADDR`).
    pub mtls_addr: Option<SocketAddr>,
    /// What each of its listeners lets clients take.
    pub limits: crate::listen::Limits,
    /// `SANDBOX_CLIENT_CA`: a PEM bundle of CAs whose client certificates `tls_client_auth`
    /// clients may present, besides the local CA.
    pub client_ca: Option<PathBuf>,
}

/// Default address of the mutual-TLS listener (`SANDBOX_MTLS_ADDR`).
pub const DEFAULT_MTLS_ADDR: &str = "127.0.0.1:3443";

impl SandboxConfig {
    /// Where the mutual-TLS listener goes: the configured address if any, else a port the OS
    /// picks when the main listener's port is 0 (tests), else [`DEFAULT_MTLS_ADDR`].
    pub fn mtls_addr(&self) -> Result<SocketAddr, SandboxError> {
        match self.mtls_addr {
            Some(addr) => Ok(addr),
            None if self.addr.port() == 0 => Ok(SocketAddr::new(self.addr.ip(), 0)),
            None => DEFAULT_MTLS_ADDR.parse().map_err(|e| SandboxError::Seed(format!("{e}"))),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("cannot listen on {0}: {1}")]
    Listen(SocketAddr, std::io::Error),
    #[error("cannot use the data directory {0}: {1}")]
    DataDir(PathBuf, std::io::Error),
    #[error("sandbox database: {0}")]
    Db(#[from] store::DbError),
    #[error("sandbox signing key: {0}")]
    Key(String),
    #[error("sandbox seed: {0}")]
    Seed(String),
    #[error("sandbox TLS: {0}")]
    Tls(String),
}

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

#[derive(Clone, Debug, Deserialize)]
pub struct SeedWorkspace {
    pub services: Vec<SeedService>,
    pub clients: Vec<ClientData>,
    /// Authorization requests only through PAR (RFC 9126), as `gobank` (FAPI-style).
    #[serde(default)]
    pub requires_par: bool,
    /// Every authorization request with PKCE (S256), confidential clients too.
    #[serde(default)]
    pub requires_pkce: bool,
}

#[derive(Clone, Debug, Deserialize)]
struct SeedUser {
    username: String,
    password: String,
    email: String,
    name: String,
    #[serde(default)]
    customer_id: Option<String>,
    /// Staff roles (the `bank-admins` workspace's `admin` holds `consent_admin`).
    #[serde(default)]
    roles: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
struct Seed {
    users: Vec<SeedUser>,
    workspaces: BTreeMap<String, SeedWorkspace>,
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
    /// Staff roles, in the ID token as `roles`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
}

impl UserData {
    /// The bank customer number of user `username`.
    pub fn customer<'a>(&'a self, username: &'a str) -> &'a str {
        self.customer_id.as_deref().unwrap_or(username)
    }
}

/// A fault the sandbox injects into its System API, for tests of Assent's error handling.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// Answer with this status and an `Error` body.
    Status(u16),
    /// Answer after this delay.
    Delay(Duration),
    /// Answer 200 with a body that is not JSON.
    BadJson,
}

/// Request counters, read by tests to check Assent's upstream traffic.
#[derive(Debug, Default)]
pub struct Stats {
    pub system_tokens: AtomicU64,
    pub scope_grant_reads: AtomicU64,
    pub scope_grant_decisions: AtomicU64,
    /// Passwords checked (an unknown user's attempt is checked against a stand-in hash too).
    pub password_checks: AtomicU64,
    /// Password hashes being computed now, and the most at once.
    pub hashing_now: AtomicU64,
    pub hashing_peak: AtomicU64,
    /// Calls of the Public API's revocation (`DELETE /{tid}/{wid}/clients/{cid}`).
    pub public_revokes: AtomicU64,
    /// Calls of the System API's revocation of a consent's tokens.
    pub consent_revokes: AtomicU64,
}

impl Stats {
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::SeqCst)
    }
}

/// The sandbox's shared state.
pub struct Sandbox {
    pub store: Store,
    pub base_url: String,
    /// `https://host:port` of the mutual-TLS listener.
    pub mtls_base_url: String,
    /// The local CA's certificate (PEM): what clients of the mTLS listener trust.
    pub ca_pem: String,
    /// Whose certificates `tls_client_auth` clients may present.
    pub client_cas: mtls::ClientCas,
    data_dir: PathBuf,
    pub bank: bank::Bank,
    /// The demo data recipient's certificate and its mTLS HTTP client.
    recipient: Option<(mtls::Identity, reqwest::Client)>,
    pub consent_url: String,
    key: CoreRsaPrivateSigningKey,
    jwks: CoreJsonWebKeySet,
    workspaces: BTreeMap<String, SeedWorkspace>,
    http: reqwest::Client,
    pub stats: Stats,
    fault: Mutex<Option<Fault>>,
    /// Sign-in throttling (see `throttle`).
    pub throttle: throttle::Throttle,
    /// Where the bank reads what a consent covers (`consent_bank`).
    consents: std::sync::OnceLock<Arc<dyn consent_bank::ConsentStore>>,
    /// At most [`HASHING_AT_ONCE`] password hashes at once: each takes 19 MiB and a core.
    hashing: tokio::sync::Semaphore,
    /// What an unknown user's password is checked against, so that it costs what a known
    /// user's does.
    stand_in_hash: String,
    /// Key of the sign-in forms' anti-forgery tokens (kept in the database across restarts).
    form_key: Vec<u8>,
}

/// The cookie that ties a sign-in to the browser that started it.
pub const BROWSER_COOKIE: &str = "sandbox_browser";

/// Password hashes computed at once; more sign-ins wait their turn (up to 5 s, then 503).
pub const HASHING_AT_ONCE: usize = 2;

/// A running sandbox.
pub struct SandboxHandle {
    pub addr: SocketAddr,
    pub base_url: String,
    /// The mutual-TLS listener (token, PAR, introspection, revocation, FDX APIs, bank).
    pub mtls_addr: SocketAddr,
    pub mtls_base_url: String,
    /// Where the local CA's certificate is written (PEM).
    pub ca_path: PathBuf,
    /// Credentials of the System-workspace client Assent uses.
    pub consent_client_id: String,
    pub consent_client_secret: String,
    pub sandbox: Arc<Sandbox>,
}

impl Sandbox {
    /// A `tls_client_auth` certificate for subject `CN=cn, O=org` from the local CA: what a
    /// data recipient registered with that subject presents.
    pub fn issue_client_cert(&self, cn: &str, org: Option<&str>) -> Result<mtls::Identity, String> {
        mtls::issue_client_cert(&self.data_dir, cn, org)
    }

    /// The bank customer number of a signed-in user (their username unless seeded otherwise).
    pub fn customer_of(&self, subject: &str) -> String {
        self.store
            .user(subject)
            .ok()
            .flatten()
            .and_then(|(_, d)| serde_json::from_str::<UserData>(&d).ok())
            .and_then(|u| u.customer_id)
            .unwrap_or_else(|| subject.to_string())
    }

    /// The staff roles of `subject` (none for customers).
    pub fn roles_of(&self, subject: &str) -> Vec<String> {
        self.store
            .user(subject)
            .ok()
            .flatten()
            .and_then(|(_, d)| serde_json::from_str::<UserData>(&d).ok())
            .map(|u| u.roles)
            .unwrap_or_default()
    }

    /// The issuer URL of a workspace.
    pub fn issuer(&self, workspace: &str) -> String {
        format!("{}/{TENANT}/{workspace}", self.base_url)
    }

    pub fn workspace(&self, name: &str) -> Option<&SeedWorkspace> {
        self.workspaces.get(name)
    }

    /// Looks a scope up in a workspace's catalogue: `(service, scope)`.
    pub fn scope(&self, workspace: &str, name: &str) -> Option<(&SeedService, &SeedScope)> {
        self.workspace(workspace)?
            .services
            .iter()
            .find_map(|svc| svc.scopes.iter().find(|s| s.name == name).map(|s| (svc, s)))
    }

    pub fn client(&self, id: &str) -> Option<(String, Option<String>, ClientData)> {
        let (ws, hash, data) = self.store.client(id).ok()??;
        let data = serde_json::from_str(&data).ok()?;
        Some((ws, hash, data))
    }

    /// Makes the System API and the Public API misbehave (or behave again, with `None`).
    pub fn set_fault(&self, fault: Option<Fault>) {
        *self.fault.lock().unwrap_or_else(|p| p.into_inner()) = fault;
    }

    fn fault(&self) -> Option<Fault> {
        self.fault.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Revokes every token issued by the System workspace, as an operator rotating secrets would.
    pub fn revoke_system_tokens(&self) -> Result<usize, store::DbError> {
        self.store.revoke_all_in_workspace("system")
    }

    /// Expires every System token now, before the expiry its holders were told.
    pub fn expire_system_tokens(&self) -> Result<usize, store::DbError> {
        self.store.expire_all_in_workspace("system", now())
    }
}

/// Starts the sandbox on its own listener, and its mutual-TLS listener.
pub async fn spawn(config: SandboxConfig) -> Result<SandboxHandle, SandboxError> {
    let limits = config.limits;
    crate::sqlite::private_dir(&config.data_dir).map_err(|e| SandboxError::DataDir(config.data_dir.clone(), e))?;
    let listener =
        tokio::net::TcpListener::bind(config.addr).await.map_err(|e| SandboxError::Listen(config.addr, e))?;
    let addr = listener.local_addr().map_err(|e| SandboxError::Listen(config.addr, e))?;
    let mtls_wanted = config.mtls_addr()?;
    let mtls_listener =
        tokio::net::TcpListener::bind(mtls_wanted).await.map_err(|e| SandboxError::Listen(mtls_wanted, e))?;
    let mtls_addr = mtls_listener.local_addr().map_err(|e| SandboxError::Listen(mtls_wanted, e))?;
    let base_url = format!("http://{addr}");
    let shown = if mtls_addr.ip().is_unspecified() {
        SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), mtls_addr.port())
    } else {
        mtls_addr
    };
    let mtls_host = shown.ip().to_string();
    let mtls_base_url = format!("https://{shown}");
    let (sandbox, secret, ca) = {
        let base_url = base_url.clone();
        let mtls_base_url = mtls_base_url.clone();
        tokio::task::spawn_blocking(move || {
            let mut hosts = vec!["localhost".to_string(), "127.0.0.1".to_string()];
            if !hosts.contains(&mtls_host) {
                hosts.push(mtls_host);
            }
            let ca = mtls::local_ca(&config.data_dir, &hosts).map_err(SandboxError::Tls)?;
            let (sandbox, secret) = open(&config, base_url, mtls_base_url, &ca.ca_pem)?;
            Ok::<_, SandboxError>((sandbox, secret, ca))
        })
        .await
        .map_err(|e| SandboxError::Seed(e.to_string()))??
    };
    let sandbox = Arc::new(sandbox);
    let app = crate::listen::limit_bodies(router(sandbox.clone()), &limits);
    tokio::spawn(mtls::serve(mtls_listener, ca.server_config.clone(), app.clone(), limits));
    tokio::spawn(crate::listen::serve(listener, app, limits, std::future::pending()));
    tracing::info!(%base_url, "sandbox authorization server listening");
    tracing::info!(%mtls_base_url, ca = %ca.ca_path.display(), "sandbox mutual-TLS listener; trust this CA file");
    Ok(SandboxHandle {
        addr,
        base_url,
        mtls_addr,
        mtls_base_url,
        ca_path: ca.ca_path,
        consent_client_id: "assent-consent".into(),
        consent_client_secret: secret,
        sandbox,
    })
}

/// Opens the database, creates the signing key and seeds users and clients. Blocking.
fn open(
    config: &SandboxConfig,
    base_url: String,
    mtls_base_url: String,
    ca_pem: &str,
) -> Result<(Sandbox, String), SandboxError> {
    let store = Store::open(&config.data_dir.join("sandbox.sqlite3"))?;
    let pem = match store.meta("signing_key")? {
        Some(pem) => pem,
        None => {
            use rsa::pkcs1::EncodeRsaPrivateKey;
            let key =
                rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).map_err(|e| SandboxError::Key(e.to_string()))?;
            let pem =
                key.to_pkcs1_pem(rsa::pkcs8::LineEnding::LF).map_err(|e| SandboxError::Key(e.to_string()))?.to_string();
            store.set_meta("signing_key", &pem)?;
            pem
        }
    };
    let kid = format!("sandbox-{}", &sha256_b64(&pem)[..12]);
    let key = CoreRsaPrivateSigningKey::from_pem(&pem, Some(JsonWebKeyId::new(kid))).map_err(SandboxError::Key)?;
    let jwks = CoreJsonWebKeySet::new(vec![key.as_verification_key()]);

    let seed: Seed = serde_json::from_str(include_str!("seed.json")).map_err(|e| SandboxError::Seed(e.to_string()))?;
    let now = now();
    for user in &seed.users {
        if store.user(&user.username)?.is_none() {
            let hash = hash_password(&user.password).map_err(SandboxError::Seed)?;
            let data = serde_json::to_string(&UserData {
                email: user.email.clone(),
                name: user.name.clone(),
                customer_id: user.customer_id.clone(),
                roles: user.roles.clone(),
            })
            .map_err(|e| SandboxError::Seed(e.to_string()))?;
            store.upsert_user(&user.username, &hash, &data)?;
        }
    }
    let mut workspaces = seed.workspaces;
    let assent_origin = url::Url::parse(&config.consent_url)
        .map(|u| u.origin().ascii_serialization())
        .map_err(|e| SandboxError::Seed(format!("consent URL: {e}")))?;
    let mut consent_secret = String::new();
    for (ws, seeded) in workspaces.iter_mut() {
        for client in seeded.clients.iter_mut() {
            for uri in [&mut client.logo_uri, &mut client.client_uri, &mut client.policy_uri, &mut client.tos_uri]
                .into_iter()
                .flatten()
            {
                *uri = uri.replace("{base}", &base_url);
            }
            for uri in client.redirect_uris.iter_mut() {
                *uri = uri.replace("{base}", &base_url).replace("{assent}", &assent_origin);
            }
            if client.uses_mtls() {
                let data = serde_json::to_string(client).map_err(|e| SandboxError::Seed(e.to_string()))?;
                store.upsert_client(&client.client_id, ws, None, &data, now)?;
                continue;
            }
            // Secrets are made on first start, never compiled in.
            let key = format!("client_secret:{}", client.client_id);
            let secret = match store.meta(&key)? {
                Some(s) => s,
                None => {
                    let s = random_token(32);
                    store.set_meta(&key, &s)?;
                    s
                }
            };
            if client.client_id == "assent-consent" {
                consent_secret = secret.clone();
            }
            let data = serde_json::to_string(client).map_err(|e| SandboxError::Seed(e.to_string()))?;
            store.upsert_client(&client.client_id, ws, Some(&sha256_b64(&secret)), &data, now)?;
        }
    }
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| SandboxError::Seed(e.to_string()))?;
    let recipient = fdx_demo::register(&store, &workspaces, ca_pem, now).map_err(SandboxError::Tls)?;
    let bank = bank::Bank::load().map_err(SandboxError::Seed)?;
    let form_key = match store.meta("form_key")? {
        Some(k) => k.into_bytes(),
        None => {
            let k = random_token(32);
            store.set_meta("form_key", &k)?;
            k.into_bytes()
        }
    };
    Ok((
        Sandbox {
            store,
            base_url,
            mtls_base_url,
            ca_pem: ca_pem.to_string(),
            client_cas: mtls::ClientCas::new(ca_pem, config.client_ca.as_deref()).map_err(SandboxError::Tls)?,
            data_dir: config.data_dir.clone(),
            bank,
            recipient: Some(recipient),
            consent_url: config.consent_url.clone(),
            key,
            jwks,
            workspaces,
            http,
            stats: Stats::default(),
            fault: Mutex::new(None),
            throttle: throttle::Throttle::default(),
            consents: std::sync::OnceLock::new(),
            hashing: tokio::sync::Semaphore::new(HASHING_AT_ONCE),
            stand_in_hash: hash_password(&random_token(16)).map_err(SandboxError::Seed)?,
            form_key,
        },
        consent_secret,
    ))
}

/// The sandbox's routes: OAuth/OIDC per workspace, the System API, the demo application.
pub fn router(sandbox: Arc<Sandbox>) -> Router {
    Router::new()
        .route("/{tid}/{wid}/.well-known/openid-configuration", get(oauth::discovery))
        .route("/{tid}/{wid}/.well-known/jwks.json", get(oauth::jwks))
        .route("/{tid}/{wid}/oauth2/authorize", get(oauth::authorize))
        .route("/{tid}/{wid}/login", get(oauth::login_page).post(oauth::login_submit))
        .route("/{tid}/{wid}/par", post(oauth::par))
        .route("/{tid}/{wid}/oauth2/token", post(oauth::token))
        .route("/{tid}/{wid}/oauth2/introspect", post(oauth::introspect))
        .route("/{tid}/{wid}/oauth2/revoke", post(oauth::revoke))
        .route(
            "/{tid}/{wid}/oauth2/register",
            post(registration::register)
                .layer(axum::extract::DefaultBodyLimit::max(registration::REGISTRATION_MAX_BYTES)),
        )
        .route("/{tid}/{wid}/userinfo", get(oauth::userinfo).post(oauth::userinfo))
        .route("/{tid}/{wid}/clients", get(public_api::list))
        .route("/{tid}/{wid}/clients/{cid}", axum::routing::delete(public_api::revoke))
        .route("/api/system/{tid}/scope-grants/{login}", get(scope_grants::get))
        .route("/api/system/{tid}/scope-grants/{login}/accept", post(scope_grants::accept))
        .route("/api/system/{tid}/scope-grants/{login}/reject", post(scope_grants::reject))
        .route("/api/system/{tid}/servers/{wid}/tokens", axum::routing::delete(system_tokens::revoke))
        .route("/{tid}/{wid}/fdx/fdx/{login}", get(fdx::get_login))
        .route("/{tid}/{wid}/fdx/fdx/{login}/accept", post(fdx::accept))
        .route("/{tid}/{wid}/fdx/fdx/{login}/reject", post(fdx::reject))
        .route("/{tid}/{wid}/servers/{sid}/fdx/consents", post(fdx::list))
        .route("/{tid}/{wid}/servers/{sid}/fdx/consents/{cid}", axum::routing::delete(fdx::revoke_by_id))
        .route("/{tid}/{wid}/fdx/consents/introspect", post(fdx::introspect))
        .route("/{tid}/{wid}/consents/{cid}", get(fdx::get_consent))
        .route("/{tid}/{wid}/consents/{cid}/revocation", get(fdx::get_revocation).put(fdx::put_revocation))
        .route("/bank/internal/accounts", get(bank::internal_accounts))
        .route("/bank/accounts", get(bank::accounts))
        .route("/bank/gobank/accounts", get(consent_bank::accounts))
        .route("/bank/accounts/{id}", get(bank::account))
        .route("/bank/accounts/{id}/transactions", get(bank::transactions))
        .route("/fdx-demo", get(fdx_demo::index))
        .route("/fdx-demo/connect", post(fdx_demo::connect))
        .route("/fdx-demo/callback", get(fdx_demo::callback))
        .route("/fdx-demo/fetch", post(fdx_demo::fetch_again))
        .route("/", get(|| async { axum::response::Redirect::to("/demo") }))
        .route("/demo", get(demo::index))
        .route("/demo/start", post(demo::start))
        .route("/demo/callback", get(demo::callback))
        .route("/demo/introspect", post(demo::introspect))
        .route("/demo/privacy", get(demo::privacy))
        .route("/demo/terms", get(demo::terms))
        .route("/static/demo-logo.svg", get(demo::logo))
        .fallback(|| async { api_error(StatusCode::NOT_FOUND, "Not found", "not_found") })
        .layer(axum::middleware::map_response(security_headers))
        .with_state(sandbox)
}

async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    res
}

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// `n` random bytes, base64url without padding.
pub fn random_token(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn sha256_b64(s: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(s.as_bytes()))
}

fn hash_password(password: &str) -> Result<String, String> {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

impl Sandbox {
    /// Checks `password` for `username`, from `client`, as a sign-in must: throttled first by
    /// the client's address (`Err` with the seconds to wait), then one bounded hash whether the
    /// user exists or not.
    pub async fn check_password(
        &self,
        client: std::net::IpAddr,
        username: &str,
        password: &str,
    ) -> Result<bool, SignInRefusal> {
        let now = now();
        self.throttle.check(client, username, now).map_err(SignInRefusal::Throttled)?;
        let Ok(Ok(_permit)) = tokio::time::timeout(std::time::Duration::from_secs(5), self.hashing.acquire()).await
        else {
            return Err(SignInRefusal::Busy);
        };
        let known = self.store.user(username).ok().flatten().map(|(hash, _)| hash);
        let exists = known.is_some();
        let hash = known.unwrap_or_else(|| self.stand_in_hash.clone());
        let password = password.to_string();
        let running = self.stats.hashing_now.fetch_add(1, Ordering::SeqCst) + 1;
        self.stats.hashing_peak.fetch_max(running, Ordering::SeqCst);
        self.stats.password_checks.fetch_add(1, Ordering::SeqCst);
        let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.unwrap_or(false);
        self.stats.hashing_now.fetch_sub(1, Ordering::SeqCst);
        let ok = matches && exists;
        if ok {
            self.throttle.succeeded(client, username);
        } else {
            self.throttle.failed(client, username, now);
        }
        Ok(ok)
    }
}

impl Sandbox {
    /// The browser id of a request (its `sandbox_browser` cookie), if it has a usable one.
    pub fn browser_id<'a>(&self, headers: &'a HeaderMap) -> Option<&'a str> {
        crate::cookies::read_cookie(headers, BROWSER_COOKIE).filter(|v| (16..=64).contains(&v.len()))
    }

    /// Is this request from the browser sign-in `login_id` was started in?
    pub fn same_browser(&self, login_id: &str, headers: &HeaderMap) -> bool {
        let Some(browser) = self.browser_id(headers) else { return false };
        let Ok(Some(bound)) = self.store.login_browser(login_id) else { return false };
        bool::from(subtle::ConstantTimeEq::ct_eq(sha256_b64(browser).as_bytes(), bound.as_bytes()))
    }

    /// The sign-in form's anti-forgery token for `login_id` in this browser.
    pub fn form_token(&self, login_id: &str, browser: &str) -> String {
        use hmac::Mac;
        let mut mac = match hmac::Hmac::<sha2::Sha256>::new_from_slice(&self.form_key) {
            Ok(m) => m,
            // HMAC takes keys of any length; this arm cannot happen (and an empty token is
            // never accepted).
            Err(_) => return String::new(),
        };
        for part in [login_id, browser] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, mac.finalize().into_bytes())
    }

    /// Does `token` come from this sign-in's form, shown in this browser?
    pub fn form_token_ok(&self, login_id: &str, headers: &HeaderMap, token: &str) -> bool {
        let Some(browser) = self.browser_id(headers) else { return false };
        let expected = self.form_token(login_id, browser);
        !expected.is_empty()
            && self.same_browser(login_id, headers)
            && bool::from(subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), token.as_bytes()))
    }
}

/// A sign-in not checked at all.
#[derive(Debug, PartialEq)]
pub enum SignInRefusal {
    /// Too many failures: wait this many seconds.
    Throttled(u64),
    /// Too many sign-ins are being checked right now.
    Busy,
}

fn verify_password(password: &str, hash: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(hash)
        .map(|h| argon2::Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An OAuth endpoint error (RFC 6749 §5.2).
pub fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let body = OAuthError { error: error.into(), error_description: Some(description.into()) };
    let mut res = (status, Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"sandbox\""));
    }
    res
}

/// A System/Public API error with the `Error` shape (reference §4).
pub fn api_error(status: StatusCode, error: &str, code: &str) -> Response {
    let body = ApiError { status_code: status.as_u16(), error: error.into(), error_code: code.into(), details: None };
    (status, Json(body)).into_response()
}

/// Checks `tid` and `wid`; answers 404 with the `Error` shape for anything else.
fn check_workspace(sb: &Sandbox, tid: &str, wid: &str) -> Result<(), Response> {
    if tid == TENANT && sb.workspace(wid).is_some() {
        Ok(())
    } else {
        Err(api_error(StatusCode::NOT_FOUND, "workspace not found", "not_found"))
    }
}

/// The bearer token of a request, if any.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// An active token by its value: checks expiry and revocation.
fn active_token(sb: &Sandbox, token: &str) -> Option<store::TokenRow> {
    let row = sb.store.token(&sha256_b64(token)).ok()??;
    (!row.revoked && row.expires_at > now()).then_some(row)
}

/// An active token presented by a caller with `cert`: a token bound to a certificate (RFC 8705
/// §3) works only with that certificate, so a stolen one is worth nothing.
fn presented_token(sb: &Sandbox, token: &str, cert: Option<&mtls::ClientCert>) -> Option<store::TokenRow> {
    let row = active_token(sb, token)?;
    bound_to(sb, token, cert).then_some(row)
}

/// Whether `cert` is what `token` is bound to (an unbound token goes with any caller).
fn bound_to(sb: &Sandbox, token: &str, cert: Option<&mtls::ClientCert>) -> bool {
    match sb.store.token_binding(&sha256_b64(token)) {
        Ok((Some(x5t), _)) => cert.is_some_and(|c| c.thumbprint() == x5t),
        Ok((None, _)) => true,
        Err(_) => false,
    }
}
