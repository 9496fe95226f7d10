//! Assent's client for the authorization server and the bank, one file per API:
//! `scope_grants` (the consent page's System API), `fdx` (Open Finance consents and their
//! management), `bank` (the bank's internal accounts), `public` (the user's own grants, with
//! the user's token), `identity` (identity pools' users, for records kept in a pool). This file holds what they share: one `reqwest` client (timeouts, no
//! redirects, TLS verification always on), the System-workspace token (`system.rs`), the one
//! way a URL is made (`at`), and the one reading of a failed call.

mod bank;
mod cdr;
mod consent_page;
mod consent_tokens;
mod fdx;
mod identity;
mod obuk;
mod obuk_payment;
mod pages;
mod public;
mod scope_grants;
mod system;
pub mod unanswered;

pub use bank::BankOf;
pub use fdx::Fdx;

use super::config::{BankClient, Prefixes, Secret, TenantConfig};
use super::observe::{Endpoint, Metrics};
use crate::error::{AppError, Failure};
use crate::wire::ApiError;
use reqwest::Method;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::{Duration, Instant};
use url::Url;

/// How long an idle pooled connection to the upstream is kept: well under the keep-alive of
/// common servers (Node and Apache: 5 s, the sandbox's listeners too), so that a request is
/// not sent on a connection the server is closing at that moment (an accept sent so would be
/// sent again, with its idempotency key, see [`Upstream::send`]).
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(2);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(4);
/// How long a readiness check's outcome answers `/readyz`: probes, however many and from
/// wherever (it is public), ask the authorization server at most this often.
const READINESS_KEPT: Duration = Duration::from_secs(5);

/// What went wrong talking to the authorization server. Logged in full on the server;
/// users see only a fitting page.
#[derive(Clone, Debug, thiserror::Error)]
pub enum UpstreamError {
    #[error("timed out")]
    Timeout,
    #[error("unreachable: {0}")]
    Unreachable(String),
    #[error("answered {status}: {body:?}")]
    Status { status: u16, body: Option<ApiError>, retry_after: Option<u64> },
    #[error("answered a body that is not the expected JSON: {0}")]
    InvalidBody(String),
    /// An id that cannot name one path segment (empty, `.` or `..`): nothing was sent.
    #[error("no such resource (an id that is not one path segment)")]
    NoSuchPath,
    /// A token endpoint refused one of Assent's own clients (4xx): its id, secret or scopes, or
    /// the token URL, are wrong. The operator's matter, never a user's flow.
    #[error("{0}; check its id, secret and scopes, and the token URL")]
    TokenRefused(String),
    /// A bank refused Assent's read of a customer's accounts (a 4xx other than 429): a wrong
    /// `BANK_URL` or bank client, or a customer it does not know. Never the user's flow.
    #[error("the bank answered {0} to a read of a customer's accounts")]
    BankRefused(u16),
}

impl From<UpstreamError> for AppError {
    /// The one reading of an upstream failure for users: the status and words of its page,
    /// or of an island's message.
    fn from(e: UpstreamError) -> Self {
        tracing::warn!(error = %e, "upstream call failed");
        let failure = match &e {
            UpstreamError::Status { status: 404, .. } | UpstreamError::NoSuchPath => Failure::FlowExpired,
            UpstreamError::Status { status: 409, .. } => Failure::Answered,
            // A 403 is never the user's to mend: from the System API, after the token's
            // renewal, the System client's lack of a scope (reference §4); from the Public API,
            // the portal client's; from a bank, Assent's client there. The operator's matter.
            UpstreamError::Status { status: 400 | 422, .. } => Failure::Refused,
            // Too many requests, or a server (or its proxy) that says it is down for now.
            UpstreamError::Status { status: 429 | 503, .. } => Failure::Busy,
            // A proxy in front of the server gave up waiting for it.
            UpstreamError::Status { status: 504, .. } => Failure::UpstreamTimeout,
            UpstreamError::Status { .. } => Failure::UpstreamStatus,
            UpstreamError::Timeout => Failure::UpstreamTimeout,
            UpstreamError::Unreachable(_) => Failure::UpstreamUnreachable,
            UpstreamError::InvalidBody(_) => Failure::UpstreamInvalid,
            UpstreamError::TokenRefused(_) | UpstreamError::BankRefused(_) => Failure::UpstreamStatus,
        };
        let mut error = AppError::new(failure);
        if let UpstreamError::Status { retry_after, .. } = e {
            error.retry_after = retry_after;
        }
        error
    }
}

impl From<reqwest::Error> for UpstreamError {
    fn from(e: reqwest::Error) -> Self {
        // The URL can carry `login_state` (and other per-user values): keep it out of messages,
        // which end up in logs.
        let e = e.without_url();
        if e.is_timeout() {
            UpstreamError::Timeout
        } else if e.is_decode() || e.is_body() {
            UpstreamError::InvalidBody(crate::error::with_causes(&e))
        } else {
            // With its causes: refused, no such host, or a certificate not trusted.
            UpstreamError::Unreachable(crate::error::with_causes(&e))
        }
    }
}

/// The typed client. Cheap to share (`Arc`), holds no per-user state.
pub struct Upstream {
    http: reqwest::Client,
    issuer: Url,
    /// Where each API family is (reference §0.3).
    prefixes: Prefixes,
    tenant: String,
    client_id: String,
    client_secret: Secret,
    /// The scopes the System client asks for, when set (`SYSTEM_SCOPES`); else worked out.
    system_scopes: Option<String>,
    system: system::TokenCache,
    /// The bank's own client (`BANK_CLIENT_*`) and its token, when the bank wants one.
    bank_client: Option<(BankClient, system::TokenCache)>,
    metrics: Arc<Metrics>,
    fdx: Option<Fdx>,
    /// Consent records are kept: the System token may revoke a consent's tokens.
    revokes_by_consent: bool,
    /// A workspace keeps its consent records in an identity pool: the token carries `identity`.
    identity_pools: bool,
    /// Workspaces whose consent pages list accounts from a bank of their own (`bank_url`).
    banks: std::collections::BTreeMap<String, WorkspaceBank>,
    /// The workspace of the UK account-access consents the portal lists, when there is one.
    obuk_workspace: Option<String>,
    /// The workspace of the CDR arrangements the portal lists, when there is one.
    cdr_workspace: Option<String>,
    /// The last readiness check: when, and what it found (one check at a time).
    readiness: tokio::sync::Mutex<Option<(Instant, Result<(), UpstreamError>)>>,
}

/// A workspace's own bank: its internal accounts API, and the claim holding its customer id.
#[derive(Clone, Debug)]
pub struct WorkspaceBank {
    pub url: Url,
    pub id_claim: Option<String>,
    /// Its scopes that share accounts, when not `ACCOUNT_SCOPES`' (or its default).
    pub account_scopes: Option<Vec<String>>,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ClientBuildError(String);

/// `root` with `segments` appended, each percent-encoded as exactly one path segment (a space
/// is `%20`, a slash `%2F`). A segment that is empty, `.` or `..` would address another
/// resource than the one named, so it is refused and nothing is sent.
pub fn at(root: &Url, segments: &[&str]) -> Result<Url, UpstreamError> {
    if segments.iter().any(|s| matches!(*s, "" | "." | "..")) {
        return Err(UpstreamError::NoSuchPath);
    }
    let mut url = root.clone();
    url.path_segments_mut().map_err(|()| UpstreamError::NoSuchPath)?.pop_if_empty().extend(segments);
    Ok(url)
}

/// `url` parsed, when it is an absolute http(s) URL on exactly `origin`. Its serialization is
/// what to send a browser to: plain ASCII, any control character in `url` removed or escaped.
pub fn on_origin(url: &str, origin: &str) -> Option<url::Url> {
    url::Url::parse(url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.origin().ascii_serialization() == origin)
}

impl Upstream {
    pub fn new(config: &TenantConfig, metrics: Arc<Metrics>) -> Result<Self, ClientBuildError> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .https_only(!super::config::is_loopback(&config.issuer))
            .user_agent(concat!("assent/", env!("CARGO_PKG_VERSION")))
            // A pooled connection is rarely one the server is closing; `send` covers the rest.
            .pool_idle_timeout(POOL_IDLE_TIMEOUT);
        if let Some(ca) = &config.root_ca {
            let pem = std::fs::read(ca).map_err(|e| ClientBuildError(format!("ROOT_CA {}: {e}", ca.display())))?;
            for cert in reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|e| ClientBuildError(format!("ROOT_CA: {}", crate::error::with_causes(&e))))?
            {
                builder = builder.add_root_certificate(cert);
            }
        }
        if let Some((cert, key)) = &config.client_cert {
            let mut pem =
                std::fs::read(cert).map_err(|e| ClientBuildError(format!("CERT_FILE {}: {e}", cert.display())))?;
            // A certificate file without a final newline (as secrets are often mounted) would
            // run into the key's first line.
            pem.push(b'\n');
            pem.extend(std::fs::read(key).map_err(|e| ClientBuildError(format!("KEY_FILE {}: {e}", key.display())))?);
            let identity = reqwest::Identity::from_pem(&pem)
                .map_err(|e| ClientBuildError(format!("CERT_FILE/KEY_FILE: {}", crate::error::with_causes(&e))))?;
            builder = builder.identity(identity);
        }
        let http = builder.build().map_err(|e| ClientBuildError(crate::error::with_causes(&e)))?;
        Ok(Self {
            http,
            issuer: config.issuer.clone(),
            prefixes: config.prefixes(),
            tenant: config.tenant_id.clone(),
            client_id: config.client_id.clone(),
            client_secret: config.client_secret.clone(),
            system_scopes: config.system_scopes.clone(),
            system: Default::default(),
            bank_client: None,
            metrics,
            fdx: None,
            revokes_by_consent: false,
            identity_pools: false,
            banks: Default::default(),
            obuk_workspace: None,
            cdr_workspace: None,
            readiness: tokio::sync::Mutex::new(None),
        })
    }

    /// Counters shared with the handlers.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Readiness: a System token can be had (a cached one counts) and the authorization
    /// server answers its discovery document. Checked at most once in [`READINESS_KEPT`].
    pub async fn ready(&self) -> Result<(), UpstreamError> {
        let mut last = self.readiness.lock().await;
        if let Some((_, outcome)) = last.as_ref().filter(|(at, _)| at.elapsed() < READINESS_KEPT) {
            return outcome.clone();
        }
        let outcome = self.check_ready().await;
        *last = Some((Instant::now(), outcome.clone()));
        outcome
    }

    async fn check_ready(&self) -> Result<(), UpstreamError> {
        self.system_token().await?;
        let url = at(&self.issuer, &[".well-known", "openid-configuration"])?;
        let started = Instant::now();
        let response = self.send(self.http.get(url)).await;
        self.metrics.observe_upstream(Endpoint::Discovery, started.elapsed());
        let response = response?;
        let status = response.status();
        // Read to its end (bounded), so that its connection goes back to the pool.
        read_body(response).await?;
        if status.is_success() {
            Ok(())
        } else {
            Err(UpstreamError::Status { status: status.as_u16(), body: None, retry_after: None })
        }
    }

    pub fn issuer(&self) -> &Url {
        &self.issuer
    }

    /// The tenant id of the System APIs.
    pub fn tenant(&self) -> &str {
        &self.tenant
    }

    /// A tenant id an upstream answer names, or this tenant's when it names none.
    pub fn tenant_or(&self, named: &str) -> String {
        if named.is_empty() { &self.tenant } else { named }.to_string()
    }

    /// The origin every `redirect_to` must have.
    pub fn origin(&self) -> String {
        self.issuer.origin().ascii_serialization()
    }

    /// The shared HTTP client (timeouts, no redirects, TLS verified).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Sends `request`. An idempotent one (GET, HEAD, PUT, DELETE) that failed because the
    /// server closed the pooled connection it went out on, before any answer (the server's
    /// keep-alive ran out as the request left), is sent once more, on a fresh connection. One
    /// with an idempotency key (a decision) is sent once more also when its answer did not come
    /// in time: the server may have acted on it, and answers the same key with what it answered
    /// then.
    async fn send(&self, request: reqwest::RequestBuilder) -> Result<reqwest::Response, reqwest::Error> {
        let request = request.build()?;
        let keyed = request.headers().contains_key(IDEMPOTENCY_KEY);
        let idempotent =
            keyed || matches!(request.method(), &Method::GET | &Method::HEAD | &Method::PUT | &Method::DELETE);
        let again = if idempotent { request.try_clone() } else { None };
        match (self.http.execute(request).await, again) {
            // Not a timeout connecting: the server never had it, and is likely down.
            (Err(e), Some(again)) if closed_under_us(&e) || (keyed && e.is_timeout() && !e.is_connect()) => {
                // Without the URL: it can carry `login_state` and other per-user values.
                let error = crate::error::with_causes(&e.without_url());
                tracing::info!(%error, "the upstream's answer was lost; sending once more");
                self.http.execute(again).await
            }
            (result, _) => result,
        }
    }

    /// Sends `request`, timed as `endpoint`, and expects 204 (or 404: not there, or already
    /// gone): the only answers that confirm a revocation. Any other, a 200 included, is an error.
    async fn expect_gone(&self, endpoint: Endpoint, request: reqwest::RequestBuilder) -> Result<Status, UpstreamError> {
        let started = Instant::now();
        let response = self.send(request).await;
        self.metrics.observe_upstream(endpoint, started.elapsed());
        let response = response?;
        let status = response.status();
        match status {
            reqwest::StatusCode::NO_CONTENT => return Ok(Status::Gone),
            reqwest::StatusCode::NOT_FOUND => return Ok(Status::Unknown),
            reqwest::StatusCode::UNAUTHORIZED | reqwest::StatusCode::FORBIDDEN => return Ok(Status::Refused(status)),
            _ => {}
        }
        let body = serde_json::from_slice(&read_body(response).await?).ok();
        Err(UpstreamError::Status { status: status.as_u16(), body, retry_after: None })
    }
}

/// What a revocation's answer said, when it was not an error.
#[derive(Debug, PartialEq, Eq)]
enum Status {
    /// 204: revoked now.
    Gone,
    /// 404: the server does not know it (never there, or revoked before).
    Unknown,
    /// 401 or 403: the token was not good enough (the System token is renewed once).
    Refused(reqwest::StatusCode),
}

impl Status {
    fn refused(status: reqwest::StatusCode) -> UpstreamError {
        UpstreamError::Status { status: status.as_u16(), body: None, retry_after: None }
    }
}

/// The header of a System API POST's idempotency key (reference §0.4).
const IDEMPOTENCY_KEY: &str = "x-idempotency-key";

/// The idempotency key of a POST of `body` to `url`: the SHA-256 of both, 43 characters of
/// base64url (the API takes 32 to 255). The same decision, sent again, has the same key; a
/// different one (other scopes, other accounts) has its own, so the server never answers it
/// with the first one's answer.
fn idempotency_key(url: &Url, body: &[u8]) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let digest = Sha256::new().chain_update(url.as_str()).chain_update([0]).chain_update(body).finalize();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
}

/// The request failed because the connection closed before any answer: hyper's "connection
/// closed before message completed", a reset or a broken pipe. Not a timeout, not a refused
/// connection (the server is down, and retrying would only double the wait).
fn closed_under_us(e: &reqwest::Error) -> bool {
    if e.is_timeout() || e.is_connect() || e.status().is_some() {
        return false;
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if let Some(h) = err.downcast_ref::<hyper::Error>() {
            if h.is_incomplete_message() || h.is_canceled() {
                return true;
            }
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            if matches!(io.kind(), ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof) {
                return true;
            }
        }
        source = err.source();
    }
    false
}

/// The most of an answer Assent reads (a page of a hundred consents is a small part of it).
const MAX_BODY: usize = 4 << 20;

/// An answer's body, up to [`MAX_BODY`]: a larger one is no answer Assent can use. (Every
/// answer Assent reads from another server: the APIs', a sign-in's pushed request's, the
/// external consent storage's.)
pub async fn read_body(mut response: reqwest::Response) -> Result<Vec<u8>, UpstreamError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if bytes.len() + chunk.len() > MAX_BODY {
            return Err(UpstreamError::InvalidBody(format!("an answer over {MAX_BODY} bytes")));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// Reads a JSON body, or turns the status and the `Error` body into an `UpstreamError`.
async fn read_json<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, UpstreamError> {
    let status = response.status();
    let retry_after =
        response.headers().get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    let bytes = read_body(response).await?;
    if !status.is_success() {
        let body = serde_json::from_slice(&bytes).ok();
        return Err(UpstreamError::Status { status: status.as_u16(), body, retry_after });
    }
    serde_json::from_slice(&bytes).map_err(|e| UpstreamError::InvalidBody(e.to_string()))
}

#[cfg(test)]
mod tests;
