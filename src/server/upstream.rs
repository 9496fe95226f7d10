//! Assent's client for the authorization server. One `reqwest` client (timeouts, no
//! redirects, TLS verification always on), and the System-workspace token: fetched with
//! client credentials (`client_secret_basic`), cached until shortly before it expires,
//! refreshed by a single request however many pages want it at once, renewed once on a 401.

use super::config::{Secret, TenantConfig};
use super::observe::{Endpoint, Metrics};
use crate::error::{AppError, Failure};
use crate::wire::{
    AcceptFDXConsentRequest, AcceptScopeGrant, ApiError, ClientsWithAccess, FDXConsentRevocation, FDXConsents,
    FDXConsentsRequest, FDXResourceFilter, GetFDXConsentResponse, InternalAccounts, RedirectTo, RejectScopeGrant,
    ScopeGrantSession, TokenResponse,
};
use reqwest::{Method, StatusCode};
use serde::{de::DeserializeOwned, Serialize};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use url::Url;

/// Open Finance consents asked for per page of the management list, and at most this many
/// pages (5,000 consents) for one customer.
const FDX_PAGE: usize = 100;
const FDX_MAX_PAGES: usize = 50;
/// How long an idle pooled connection to the upstream is kept.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(4);
/// Scopes of the System-workspace token.
pub const SYSTEM_SCOPES: &str = "manage_scope_grants";
/// …and with Open Finance (FDX) on: the FDX consent APIs and the bank's internal accounts API.
pub const SYSTEM_SCOPES_FDX: &str = "manage_scope_grants manage_openbanking_consents read_internal_accounts";

/// Open Finance (FDX): where the bank's internal API is, and the workspace of the FDX consents.
#[derive(Clone, Debug)]
pub struct Fdx {
    /// `{BANK_URL}`, without a trailing slash.
    pub bank_url: String,
    /// The workspace (authorization server) id of the FDX consents.
    pub workspace: String,
    /// The `authentication_context` claim holding the bank's customer id; the subject when unset.
    pub id_claim: Option<String>,
}
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(4);
/// Renew this long before the token expires.
const EXPIRY_MARGIN: Duration = Duration::from_secs(30);

/// What went wrong talking to the authorization server. Logged in full on the server;
/// users see only a fitting page.
#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    #[error("timed out")]
    Timeout,
    #[error("unreachable: {0}")]
    Unreachable(String),
    #[error("answered {status}: {body:?}")]
    Status { status: u16, body: Option<ApiError>, retry_after: Option<u64> },
    #[error("answered a body that is not the expected JSON: {0}")]
    InvalidBody(String),
}

impl From<UpstreamError> for AppError {
    /// The one reading of an upstream failure for users: the status and words of its page,
    /// or of an island's message.
    fn from(e: UpstreamError) -> Self {
        tracing::warn!(error = %e, "upstream call failed");
        let failure = match &e {
            UpstreamError::Status { status: 404, .. } => Failure::FlowExpired,
            UpstreamError::Status { status: 409, .. } => Failure::Answered,
            UpstreamError::Status { status: 400 | 403 | 422, .. } => Failure::Refused,
            UpstreamError::Status { status: 429, .. } => Failure::Busy,
            UpstreamError::Status { .. } => Failure::UpstreamStatus,
            UpstreamError::Timeout => Failure::UpstreamTimeout,
            UpstreamError::Unreachable(_) => Failure::UpstreamUnreachable,
            UpstreamError::InvalidBody(_) => Failure::UpstreamInvalid,
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
            UpstreamError::InvalidBody(e.to_string())
        } else {
            UpstreamError::Unreachable(e.to_string())
        }
    }
}

#[derive(Clone)]
struct CachedToken {
    token: Arc<Secret>,
    renew_at: Instant,
}

/// The typed client. Cheap to share (`Arc`), holds no per-user state.
pub struct Upstream {
    http: reqwest::Client,
    issuer: Url,
    /// Everything before `/{tenant}/{workspace}` in the issuer URL.
    base: String,
    tenant: String,
    /// `{base}/api/system/{tenant}/scope-grants`, parsed once: a page view only appends.
    scope_grants: Url,
    client_id: String,
    client_secret: Secret,
    token: RwLock<Option<CachedToken>>,
    refresh: tokio::sync::Mutex<()>,
    metrics: Arc<Metrics>,
    fdx: Option<Fdx>,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ClientBuildError(String);

fn form_escape(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

impl Upstream {
    pub fn new(config: &TenantConfig, metrics: Arc<Metrics>) -> Result<Self, ClientBuildError> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .https_only(!super::config::is_loopback(&config.issuer))
            .user_agent(concat!("assent/", env!("CARGO_PKG_VERSION")))
            // Below the keep-alive of common servers (Node and Apache: 5 s), so a pooled
            // connection is rarely one the server is closing; `send` covers the rest.
            .pool_idle_timeout(POOL_IDLE_TIMEOUT);
        if let Some(ca) = &config.root_ca {
            let pem = std::fs::read(ca).map_err(|e| ClientBuildError(format!("ROOT_CA {}: {e}", ca.display())))?;
            for cert in
                reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| ClientBuildError(format!("ROOT_CA: {e}")))?
            {
                builder = builder.add_root_certificate(cert);
            }
        }
        if let Some((cert, key)) = &config.client_cert {
            let mut pem =
                std::fs::read(cert).map_err(|e| ClientBuildError(format!("CERT_FILE {}: {e}", cert.display())))?;
            pem.extend(std::fs::read(key).map_err(|e| ClientBuildError(format!("KEY_FILE {}: {e}", key.display())))?);
            let identity =
                reqwest::Identity::from_pem(&pem).map_err(|e| ClientBuildError(format!("CERT_FILE/KEY_FILE: {e}")))?;
            builder = builder.identity(identity);
        }
        let http = builder.build().map_err(|e| ClientBuildError(e.to_string()))?;
        let mut base = config.issuer.clone();
        if let Ok(mut segments) = base.path_segments_mut() {
            segments.pop_if_empty().pop().pop();
        }
        let mut scope_grants = base.clone();
        if let Ok(mut segments) = scope_grants.path_segments_mut() {
            segments.pop_if_empty().extend(["api", "system", &config.tenant_id, "scope-grants"]);
        }
        let base = base.as_str().trim_end_matches('/').to_string();
        Ok(Self {
            http,
            issuer: config.issuer.clone(),
            base,
            tenant: config.tenant_id.clone(),
            scope_grants,
            client_id: config.client_id.clone(),
            client_secret: config.client_secret.clone(),
            token: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(()),
            metrics,
            fdx: None,
        })
    }

    /// Turns on Open Finance (FDX) consents.
    pub fn with_fdx(mut self, fdx: Fdx) -> Self {
        self.fdx = Some(fdx);
        self
    }

    pub fn fdx(&self) -> Option<&Fdx> {
        self.fdx.as_ref()
    }

    fn system_scopes(&self) -> &'static str {
        if self.fdx.is_some() {
            SYSTEM_SCOPES_FDX
        } else {
            SYSTEM_SCOPES
        }
    }

    fn fdx_url(&self, path: &str) -> String {
        format!("{}/{}/system{path}", self.base, self.tenant)
    }

    fn fdx_or_off(&self) -> Result<&Fdx, UpstreamError> {
        self.fdx.as_ref().ok_or(UpstreamError::Status { status: 404, body: None, retry_after: None })
    }

    /// `GET {base}/{tid}/system/fdx/fdx/{login}?login_state=…`
    pub async fn fdx_consent(&self, login_id: &str, login_state: &str) -> Result<GetFDXConsentResponse, UpstreamError> {
        self.fdx_or_off()?;
        let url = self.fdx_url(&format!("/fdx/fdx/{}", path_segment(login_id)));
        self.system_call(Endpoint::FdxConsent, Method::GET, &url, &[("login_state", login_state)], None::<&()>).await
    }

    /// `POST {base}/{tid}/system/fdx/fdx/{login}/accept`
    pub async fn accept_fdx(
        &self,
        login_id: &str,
        body: &AcceptFDXConsentRequest,
    ) -> Result<RedirectTo, UpstreamError> {
        let url = self.fdx_url(&format!("/fdx/fdx/{}/accept", path_segment(login_id)));
        self.system_call(Endpoint::FdxAccept, Method::POST, &url, &[], Some(body)).await
    }

    /// `POST {base}/{tid}/system/fdx/fdx/{login}/reject`
    pub async fn reject_fdx(&self, body: &RejectScopeGrant) -> Result<RedirectTo, UpstreamError> {
        let url = self.fdx_url(&format!("/fdx/fdx/{}/reject", path_segment(&body.id)));
        self.system_call(Endpoint::FdxReject, Method::POST, &url, &[], Some(body)).await
    }

    /// `GET {BANK_URL}/internal/accounts?customer_id=…`: the customer's accounts, with the
    /// System token (`read_internal_accounts`) and the client certificate when one is set.
    pub async fn bank_accounts(&self, customer_id: &str) -> Result<InternalAccounts, UpstreamError> {
        let url = format!("{}/internal/accounts", self.fdx_or_off()?.bank_url);
        self.system_call(Endpoint::BankAccounts, Method::GET, &url, &[("customer_id", customer_id)], None::<&()>).await
    }

    /// `POST {base}/{tid}/system/servers/{wid}/fdx/consents`: the FDX consents granting any of
    /// these accounts.
    pub async fn fdx_consents_of_accounts(&self, account_ids: &[String]) -> Result<FDXConsents, UpstreamError> {
        let fdx = self.fdx_or_off()?;
        if account_ids.is_empty() {
            return Ok(FDXConsents::default());
        }
        let url = self.fdx_url(&format!("/servers/{}/fdx/consents", path_segment(&fdx.workspace)));
        // The list answers pages of at most `limit` with no cursor of its own: ask for the page
        // after the last consent seen until a short page. A page with nothing new (a server
        // that ignores the cursor) ends it too, and so does the bound on pages.
        let mut all = FDXConsents::default();
        let mut after: Option<String> = None;
        for _ in 0..FDX_MAX_PAGES {
            let body = FDXConsentsRequest {
                resource: Some(FDXResourceFilter { resource_type: "ACCOUNT".into(), ids: account_ids.to_vec() }),
                limit: Some(FDX_PAGE),
                after_consent_id: after.clone(),
                ..FDXConsentsRequest::default()
            };
            let page: FDXConsents = self.system_call(Endpoint::FdxList, Method::POST, &url, &[], Some(&body)).await?;
            let full = page.consents.len() >= FDX_PAGE;
            let before = all.consents.len();
            for consent in page.consents {
                if !all.consents.iter().any(|c| c.id == consent.id) {
                    all.consents.push(consent);
                }
            }
            if !full || all.consents.len() == before {
                break;
            }
            after = all.consents.last().map(|c| c.id.clone());
        }
        Ok(all)
    }

    /// `DELETE {base}/{tid}/system/servers/{wid}/fdx/consents/{id}` by the user (204).
    pub async fn revoke_fdx_consent(&self, consent_id: &str) -> Result<(), UpstreamError> {
        let fdx = self.fdx_or_off()?;
        let url = self.fdx_url(&format!(
            "/servers/{}/fdx/consents/{}",
            path_segment(&fdx.workspace),
            path_segment(consent_id)
        ));
        let body = FDXConsentRevocation { initiator: "INDIVIDUAL".into(), reason: "USER_ACTION".into() };
        let mut renewed = false;
        loop {
            let token = self.system_token().await?;
            let started = Instant::now();
            let response = self.send(self.http.delete(&url).bearer_auth(token.expose()).json(&body)).await;
            self.metrics.observe_upstream(Endpoint::FdxRevoke, started.elapsed());
            let response = response?;
            let status = response.status();
            if status == StatusCode::UNAUTHORIZED && !renewed {
                self.invalidate(&token);
                renewed = true;
                continue;
            }
            // Only a 204 (or 404: already gone) confirms the revocation.
            if status == StatusCode::NO_CONTENT || status == StatusCode::NOT_FOUND {
                return Ok(());
            }
            let body = serde_json::from_slice(&response.bytes().await?).ok();
            return Err(UpstreamError::Status { status: status.as_u16(), body, retry_after: None });
        }
    }

    /// Counters shared with the handlers.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Readiness: a System token can be had (a cached one counts) and the authorization
    /// server answers its discovery document.
    pub async fn ready(&self) -> Result<(), UpstreamError> {
        self.system_token().await?;
        let url = format!("{}/.well-known/openid-configuration", self.issuer.as_str().trim_end_matches('/'));
        let started = Instant::now();
        let response = self.send(self.http.get(url)).await;
        self.metrics.observe_upstream(Endpoint::Discovery, started.elapsed());
        let status = response?.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(UpstreamError::Status { status: status.as_u16(), body: None, retry_after: None })
        }
    }

    pub fn issuer(&self) -> &Url {
        &self.issuer
    }

    /// The origin every `redirect_to` must have.
    pub fn origin(&self) -> String {
        self.issuer.origin().ascii_serialization()
    }

    fn token_url(&self) -> String {
        format!("{}/{}/system/oauth2/token", self.base, self.tenant)
    }

    fn scope_grant_url(&self, login: &str, action: Option<&str>) -> Url {
        let mut url = self.scope_grants.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.push(login).extend(action);
        }
        url
    }

    fn cached(&self) -> Option<Arc<Secret>> {
        let guard = self.token.read().unwrap_or_else(|p| p.into_inner());
        guard.as_ref().filter(|t| Instant::now() < t.renew_at).map(|t| t.token.clone())
    }

    /// The System token: cached, or fetched by exactly one caller while the others wait.
    async fn system_token(&self) -> Result<Arc<Secret>, UpstreamError> {
        if let Some(token) = self.cached() {
            return Ok(token);
        }
        let _single_flight = self.refresh.lock().await;
        if let Some(token) = self.cached() {
            return Ok(token);
        }
        let started = Instant::now();
        let response = self
            .http
            .post(self.token_url())
            .basic_auth(form_escape(&self.client_id), Some(form_escape(self.client_secret.expose())))
            .form(&[("grant_type", "client_credentials"), ("scope", self.system_scopes())])
            .send()
            .await;
        let token: Result<TokenResponse, _> = match response {
            Ok(r) => read_json(r).await,
            Err(e) => Err(e.into()),
        };
        self.metrics.observe_upstream(Endpoint::Token, started.elapsed());
        let token = token?;
        self.metrics.token_refreshes.inc();
        let lifetime = Duration::from_secs(token.expires_in).saturating_sub(EXPIRY_MARGIN);
        let token = Arc::new(Secret::new(token.access_token));
        *self.token.write().unwrap_or_else(|p| p.into_inner()) =
            Some(CachedToken { token: token.clone(), renew_at: Instant::now() + lifetime });
        tracing::info!(valid_for_s = lifetime.as_secs(), "fetched a System token");
        Ok(token)
    }

    /// Forgets `token` if it is still the cached one (another caller may have renewed it).
    fn invalidate(&self, token: &Arc<Secret>) {
        let mut guard = self.token.write().unwrap_or_else(|p| p.into_inner());
        if guard.as_ref().is_some_and(|c| Arc::ptr_eq(&c.token, token)) {
            *guard = None;
        }
    }

    /// Sends a System API request with the System token, renewing it once on a 401.
    async fn system_call<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        method: Method,
        url: impl reqwest::IntoUrl + Clone,
        query: &[(&str, &str)],
        body: Option<&(impl Serialize + Sync)>,
    ) -> Result<T, UpstreamError> {
        let mut renewed = false;
        loop {
            let token = self.system_token().await?;
            let mut request = self.http.request(method.clone(), url.clone()).bearer_auth(token.expose()).query(query);
            if let Some(body) = body {
                request = request.json(body);
            }
            let started = Instant::now();
            let response = match self.send(request).await {
                Ok(r) => r,
                Err(e) => {
                    self.metrics.observe_upstream(endpoint, started.elapsed());
                    return Err(e.into());
                }
            };
            if response.status() == StatusCode::UNAUTHORIZED && !renewed {
                self.metrics.observe_upstream(endpoint, started.elapsed());
                self.invalidate(&token);
                renewed = true;
                continue;
            }
            let result = read_json(response).await;
            self.metrics.observe_upstream(endpoint, started.elapsed());
            return result;
        }
    }

    /// `GET /api/system/{tid}/scope-grants/{login}?login_state=…`
    pub async fn scope_grant(&self, login_id: &str, login_state: &str) -> Result<ScopeGrantSession, UpstreamError> {
        let url = self.scope_grant_url(login_id, None);
        self.system_call(Endpoint::ScopeGrant, Method::GET, url, &[("login_state", login_state)], None::<&()>).await
    }

    /// `POST /api/system/{tid}/scope-grants/{login}/accept`
    pub async fn accept_scope_grant(&self, body: &AcceptScopeGrant) -> Result<RedirectTo, UpstreamError> {
        let url = self.scope_grant_url(&body.id, Some("accept"));
        self.system_call(Endpoint::ScopeGrantAccept, Method::POST, url, &[], Some(body)).await
    }

    /// Sends `request`. An idempotent one (GET, HEAD, PUT, DELETE) that failed because the
    /// server closed the pooled connection it went out on, before any answer (the server's
    /// keep-alive ran out as the request left), is sent once more, on a fresh connection.
    async fn send(&self, request: reqwest::RequestBuilder) -> Result<reqwest::Response, reqwest::Error> {
        let request = request.build()?;
        let idempotent = matches!(request.method(), &Method::GET | &Method::HEAD | &Method::PUT | &Method::DELETE);
        let again = if idempotent { request.try_clone() } else { None };
        match (self.http.execute(request).await, again) {
            (Err(e), Some(again)) if closed_under_us(&e) => {
                tracing::info!(error = %e, "the upstream closed a pooled connection; sending once more");
                self.http.execute(again).await
            }
            (result, _) => result,
        }
    }

    /// The shared HTTP client (timeouts, no redirects, TLS verified).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    fn public_url(&self, path: &str) -> String {
        format!("{}{path}", self.issuer.as_str().trim_end_matches('/'))
    }

    /// `GET /{tid}/{wid}/clients` with the signed-in user's own token (Public API).
    pub async fn list_clients(&self, user_token: &str) -> Result<ClientsWithAccess, UpstreamError> {
        let started = Instant::now();
        let result = match self.send(self.http.get(self.public_url("/clients")).bearer_auth(user_token)).await {
            Ok(response) => read_json(response).await,
            Err(e) => Err(e.into()),
        };
        self.metrics.observe_upstream(Endpoint::ListClients, started.elapsed());
        result
    }

    /// `DELETE /{tid}/{wid}/clients/{cid}` with the user's token (204). Already gone is not an error.
    pub async fn revoke_client(&self, user_token: &str, client_id: &str) -> Result<(), UpstreamError> {
        let cid: String = url::form_urlencoded::byte_serialize(client_id.as_bytes()).collect();
        let started = Instant::now();
        let response =
            self.send(self.http.delete(self.public_url(&format!("/clients/{cid}"))).bearer_auth(user_token)).await;
        self.metrics.observe_upstream(Endpoint::RevokeClient, started.elapsed());
        let response = response?;
        let status = response.status();
        // The reference answers 204; 404 means already gone. Any other answer, a 200 included,
        // is not a confirmed revocation, and the user must not be told it happened.
        if status == StatusCode::NO_CONTENT || status == StatusCode::NOT_FOUND {
            return Ok(());
        }
        let body = serde_json::from_slice(&response.bytes().await?).ok();
        Err(UpstreamError::Status { status: status.as_u16(), body, retry_after: None })
    }

    /// `POST /api/system/{tid}/scope-grants/{login}/reject`
    pub async fn reject_scope_grant(&self, body: &RejectScopeGrant) -> Result<RedirectTo, UpstreamError> {
        let url = self.scope_grant_url(&body.id, Some("reject"));
        self.system_call(Endpoint::ScopeGrantReject, Method::POST, url, &[], Some(body)).await
    }
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

/// One URL path segment, percent-encoded.
fn path_segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Reads a JSON body, or turns the status and the `Error` body into an `UpstreamError`.
async fn read_json<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, UpstreamError> {
    let status = response.status();
    let retry_after =
        response.headers().get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    let bytes = response.bytes().await?;
    if !status.is_success() {
        let body = serde_json::from_slice(&bytes).ok();
        return Err(UpstreamError::Status { status: status.as_u16(), body, retry_after });
    }
    serde_json::from_slice(&bytes).map_err(|e| UpstreamError::InvalidBody(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn transport_errors_do_not_carry_the_url() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let err = reqwest::Client::new()
            .get(format!("http://{closed}/scope-grants/x?login_state=SECRET-STATE"))
            .send()
            .await
            .unwrap_err();
        let message = UpstreamError::from(err).to_string();
        assert!(!message.contains("SECRET-STATE"), "{message}");
    }

    #[test]
    fn urls_follow_the_reference_prefixes() {
        let config = TenantConfig {
            issuer: Url::parse("https://authz.example.com:8443/default/gobank").unwrap(),
            tenant_id: "default".into(),
            client_id: "c".into(),
            client_secret: Secret::new("s"),
            root_ca: None,
            client_cert: None,
        };
        let u = Upstream::new(&config, Arc::default()).unwrap();
        assert_eq!(u.token_url(), "https://authz.example.com:8443/default/system/oauth2/token");
        assert_eq!(
            u.scope_grant_url("abc", Some("accept")).as_str(),
            "https://authz.example.com:8443/api/system/default/scope-grants/abc/accept"
        );
        assert_eq!(
            u.scope_grant_url("a/../b", None).as_str(),
            "https://authz.example.com:8443/api/system/default/scope-grants/a%2F..%2Fb"
        );
        assert_eq!(u.origin(), "https://authz.example.com:8443");
    }
}
