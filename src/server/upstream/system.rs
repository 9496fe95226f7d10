//! The System-workspace token: fetched with client credentials (`client_secret_basic`),
//! cached until shortly before it expires, fetched by a single request however many pages
//! want it at once, and renewed once when a call answers 401 (or 403, at most once a minute).

use super::{at, read_json, Upstream, UpstreamError};
use crate::server::config::Secret;
use crate::server::observe::Endpoint;
use crate::wire::{OAuthError, TokenResponse};
use reqwest::{Method, StatusCode};
use serde::{de::DeserializeOwned, Serialize};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use url::Url;

/// Scopes of the System-workspace token: the consent page's API…
pub const SYSTEM_SCOPES: &str = "manage_scope_grants";
/// …with Open Finance (FDX, UK, CDR) on, the consent APIs of Open Banking…
pub const SYSTEM_SCOPES_FDX: &str = "manage_openbanking_consents";
/// …and with consent records kept, the revocation of a consent's tokens.
pub const SYSTEM_SCOPES_RECORDS: &str = "revoke_tokens";
/// …and with a workspace's records in an identity pool, the System Identity API.
pub const SYSTEM_SCOPES_IDENTITY: &str = "identity";
/// Renew this long before the token expires (at most: see [`kept_for`]).
const EXPIRY_MARGIN: Duration = Duration::from_secs(30);
/// Keep a token at most this long.
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// How long a token given for `expires_in` is used: until [`EXPIRY_MARGIN`] before it expires,
/// or half its life for one given for a minute or less (kept all the same: a token no call
/// could reuse would be fetched for every call).
fn kept_for(expires_in: Duration) -> Duration {
    expires_in.saturating_sub(EXPIRY_MARGIN.min(expires_in / 2)).min(MAX_LIFETIME)
}

#[derive(Clone)]
struct CachedToken {
    token: Arc<Secret>,
    renew_at: Instant,
}

/// A client-credentials token: kept until shortly before it expires, fetched by one caller
/// while the others wait. The System token is one; the bank's client's (`BANK_CLIENT_*`)
/// another.
#[derive(Default)]
pub(super) struct TokenCache {
    token: RwLock<Option<CachedToken>>,
    refresh: tokio::sync::Mutex<()>,
    /// The last fetch that failed: when, and how.
    failed: std::sync::Mutex<Option<(Instant, UpstreamError)>>,
    /// When a 403 last renewed the token (see [`TokenCache::renew_after`]).
    forbidden: std::sync::Mutex<Option<Instant>>,
}

/// At most one renewal per this long because of a 403.
const FORBIDDEN_RENEWAL: Duration = Duration::from_secs(60);

/// Who asks for a client-credentials token, where, and for what.
pub(super) struct Credentials<'a> {
    pub url: Url,
    pub client_id: &'a str,
    pub client_secret: &'a Secret,
    pub scope: &'a str,
    /// What the token request is timed as.
    pub endpoint: Endpoint,
}

fn form_escape(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

impl TokenCache {
    fn cached(&self) -> Option<Arc<Secret>> {
        let guard = self.token.read().unwrap_or_else(|p| p.into_inner());
        guard.as_ref().filter(|t| Instant::now() < t.renew_at).map(|t| t.token.clone())
    }

    /// The token: cached, or fetched with `client_secret_basic` by exactly one caller.
    pub(super) async fn get(&self, up: &Upstream, who: Credentials<'_>) -> Result<Arc<Secret>, UpstreamError> {
        if let Some(token) = self.cached() {
            return Ok(token);
        }
        let arrived = Instant::now();
        let _single_flight = self.refresh.lock().await;
        if let Some(token) = self.cached() {
            return Ok(token);
        }
        // A fetch that failed while this caller waited is its answer too: callers queued behind
        // a token endpoint that does not answer wait for one fetch, not one each.
        if let Some((at, e)) = self.failed.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            if *at >= arrived {
                return Err(e.clone());
            }
        }
        let started = Instant::now();
        let response = up
            .http
            .post(who.url.clone())
            .basic_auth(form_escape(who.client_id), Some(form_escape(who.client_secret.expose())))
            .form(&[("grant_type", "client_credentials"), ("scope", who.scope)])
            .send()
            .await;
        let token: Result<TokenResponse, _> = match response {
            // Refused (not a 429): in the token endpoint's own words (`error`, and its
            // description or hint), for the operator.
            Ok(r) if r.status().is_client_error() && r.status() != StatusCode::TOO_MANY_REQUESTS => {
                let status = r.status().as_u16();
                let said = super::read_body(r).await.ok().and_then(|b| serde_json::from_slice::<OAuthError>(&b).ok());
                let why = said.map_or_else(String::new, |e| {
                    let detail = e.error_description.or(e.error_hint).unwrap_or_default();
                    format!(" {}: {detail}", e.error)
                });
                Err(UpstreamError::TokenRefused(format!(
                    "the token endpoint {} refused client {} (scope {}): {status}{why}",
                    who.url, who.client_id, who.scope
                )))
            }
            Ok(r) => read_json(r).await,
            Err(e) => Err(e.into()),
        };
        up.metrics.observe_upstream(who.endpoint, started.elapsed());
        let token = token.inspect_err(|e| {
            *self.failed.lock().unwrap_or_else(|p| p.into_inner()) = Some((Instant::now(), e.clone()));
        })?;
        if who.endpoint == Endpoint::Token {
            up.metrics.token_refreshes.inc();
        }
        let lifetime = kept_for(Duration::from_secs(token.expires_in));
        let token = Arc::new(Secret::new(token.access_token));
        *self.token.write().unwrap_or_else(|p| p.into_inner()) =
            Some(CachedToken { token: token.clone(), renew_at: Instant::now() + lifetime });
        tracing::info!(valid_for_s = lifetime.as_secs(), endpoint = ?who.endpoint, "fetched a client-credentials token");
        Ok(token)
    }

    /// Whether to fetch a new token and make the call once more after it answered `status`
    /// to `token`, as acp-client-go does (reference §0.4); if so, `token` is forgotten. Always
    /// after a 401 (the token expired or was revoked). After a 403 (the token may lack a scope
    /// its client has been given since) at most once a minute: a 403 may be the call's own
    /// refusal (a wrong `login_state`), and repeating it must not cost a token request each time.
    pub(super) fn renew_after(&self, token: &Arc<Secret>, status: StatusCode) -> bool {
        let renew = match status {
            StatusCode::UNAUTHORIZED => true,
            StatusCode::FORBIDDEN => {
                let mut last = self.forbidden.lock().unwrap_or_else(|p| p.into_inner());
                let due = last.is_none_or(|at| at.elapsed() >= FORBIDDEN_RENEWAL);
                if due {
                    *last = Some(Instant::now());
                }
                due
            }
            _ => false,
        };
        if renew {
            self.invalidate(token);
        }
        renew
    }

    /// Forgets `token` if it is still the cached one (another caller may have renewed it).
    fn invalidate(&self, token: &Arc<Secret>) {
        let mut guard = self.token.write().unwrap_or_else(|p| p.into_inner());
        if guard.as_ref().is_some_and(|c| Arc::ptr_eq(&c.token, token)) {
            *guard = None;
        }
    }
}

impl Upstream {
    /// What the System client asks for: `SYSTEM_SCOPES` when set, else what Assent serves
    /// needs.
    pub fn system_scopes(&self) -> String {
        self.system_scopes.clone().unwrap_or_else(|| self.needed_scopes())
    }

    /// The scopes of what Assent serves that `SYSTEM_SCOPES` leaves out: those calls will be
    /// refused.
    pub fn scopes_left_out(&self) -> Vec<&'static str> {
        let Some(set) = &self.system_scopes else { return Vec::new() };
        let set: Vec<&str> = set.split(' ').collect();
        self.needed().filter(|s| !set.contains(s)).collect()
    }

    /// Whether the System token is asked for `manage_openbanking_consents`, without which no
    /// FDX, UK or CDR consent can be read: no bank is configured (and `SYSTEM_SCOPES` does not
    /// name it).
    pub fn serves_open_banking(&self) -> bool {
        self.system_scopes().split(' ').any(|s| s == SYSTEM_SCOPES_FDX)
    }

    fn needed_scopes(&self) -> String {
        self.needed().collect::<Vec<_>>().join(" ")
    }

    /// What Assent serves needs of the System token.
    fn needed(&self) -> impl Iterator<Item = &'static str> {
        let banks = self.fdx.is_some() || !self.banks.is_empty() || self.obuk_workspace.is_some();
        let more = [
            (banks, SYSTEM_SCOPES_FDX),
            (self.revokes_by_consent, SYSTEM_SCOPES_RECORDS),
            (self.identity_pools, SYSTEM_SCOPES_IDENTITY),
            // The portal names CDR recipients from the System client list.
            (self.cdr_workspace.is_some(), "view_clients"),
        ];
        std::iter::once(SYSTEM_SCOPES).chain(more.into_iter().filter(|(on, _)| *on).map(|(_, scope)| scope))
    }

    /// `{System issuer}/oauth2/token` (by default `{base}/{tid}/system/oauth2/token`)
    pub(super) fn token_url(&self) -> Result<Url, UpstreamError> {
        at(&self.prefixes.system_issuer, &["oauth2", "token"])
    }

    /// At start, beside a real tenant: whether the System client gets its token. A token
    /// endpoint that refuses it (a wrong secret, a scope it does not hold) is the
    /// configuration's fault, told in the endpoint's words; one that does not answer may be
    /// down for now, which readiness reports, and is only logged.
    pub async fn check_client(&self) -> Result<(), UpstreamError> {
        match self.system_token().await {
            Ok(_) => Ok(()),
            Err(e @ UpstreamError::TokenRefused(_)) => Err(e),
            Err(e) => {
                tracing::warn!(error = %e, "no System token at start: /readyz tells when the authorization server answers");
                Ok(())
            }
        }
    }

    /// The System token: cached, or fetched by exactly one caller while the others wait.
    pub(super) async fn system_token(&self) -> Result<Arc<Secret>, UpstreamError> {
        if let Some(token) = self.system.cached() {
            return Ok(token);
        }
        // Both built only when a token is to be fetched: a page view with one cached pays nothing.
        let scope = self.system_scopes();
        let who = Credentials {
            url: self.token_url()?,
            client_id: &self.client_id,
            client_secret: &self.client_secret,
            scope: &scope,
            endpoint: Endpoint::Token,
        };
        self.system.get(self, who).await
    }

    /// [`TokenCache::renew_after`] for the System token.
    pub(super) fn renew_system_after(&self, token: &Arc<Secret>, status: StatusCode) -> bool {
        self.system.renew_after(token, status)
    }

    /// Sends a System API request with the System token, renewing it once on a 401 or 403, and
    /// reads its JSON answer.
    pub(super) async fn system_call<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        method: Method,
        url: Url,
        query: &[(&str, &str)],
        body: Option<&(impl Serialize + Sync)>,
    ) -> Result<T, UpstreamError> {
        let body = body.map(serde_json::to_vec).transpose().map_err(|e| UpstreamError::InvalidBody(e.to_string()))?;
        self.system_call_keyed(endpoint, method, url, query, body, None).await
    }

    /// `POST {url}` of a decision (a consent's accept or reject) with `body`: as
    /// [`Self::system_call`], with an `X-Idempotency-Key` made of the URL and the body
    /// (reference §0.4), so that the request can be sent again when its answer is lost (a
    /// timeout, a connection closed under it) and a decision posted twice in a minute is
    /// answered as the first was, never made twice. When even the second try's answer is
    /// lost, the request is noted for the decision's next try ([`super::unanswered`]).
    pub(super) async fn system_decide<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        url: Url,
        body: &(impl Serialize + Sync),
    ) -> Result<T, UpstreamError> {
        let bytes = serde_json::to_vec(body).map_err(|e| UpstreamError::InvalidBody(e.to_string()))?;
        let key = super::idempotency_key(&url, &bytes);
        let sent_at = chrono::Utc::now().timestamp();
        self.system_call_keyed(endpoint, Method::POST, url, &[], Some(bytes), Some((&key, sent_at))).await
    }

    /// A System API call with a JSON `body`; for a decision, with its idempotency key and when
    /// it was first sent.
    pub(super) async fn system_call_keyed<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        method: Method,
        url: Url,
        query: &[(&str, &str)],
        body: Option<Vec<u8>>,
        idempotency_key: Option<(&str, i64)>,
    ) -> Result<T, UpstreamError> {
        if idempotency_key.is_some() {
            super::unanswered::note(None);
        }
        let mut renewed = false;
        loop {
            let token = self.system_token().await?;
            let mut request = self.http.request(method.clone(), url.clone()).bearer_auth(token.expose()).query(query);
            if let Some(body) = &body {
                request = request.header(reqwest::header::CONTENT_TYPE, "application/json").body(body.clone());
            }
            // Sent again after a renewal, a key of its own: the refused token did nothing, and a
            // server that kept its refusal under the first key must not answer with it again.
            let key = idempotency_key
                .map(|(key, sent_at)| (if renewed { format!("{key}.renewed") } else { key.to_string() }, sent_at));
            if let Some((key, _)) = &key {
                request = request.header(super::IDEMPOTENCY_KEY, key);
            }
            // A decision whose answer did not come: either try may have reached the server.
            let lost = |key: Option<(String, i64)>| {
                let (Some((key, sent_at)), Some(body)) = (key, &body) else { return };
                let body = String::from_utf8_lossy(body).into_owned();
                let url = url.to_string();
                super::unanswered::note(Some(super::unanswered::Unanswered { endpoint, url, body, key, sent_at }));
            };
            let started = Instant::now();
            let response = match self.send(request).await {
                Ok(r) => r,
                Err(e) => {
                    self.metrics.observe_upstream(endpoint, started.elapsed());
                    if !e.is_builder() {
                        lost(key);
                    }
                    return Err(e.into());
                }
            };
            if !renewed && self.system.renew_after(&token, response.status()) {
                self.metrics.observe_upstream(endpoint, started.elapsed());
                renewed = true;
                continue;
            }
            let result = read_json(response).await;
            self.metrics.observe_upstream(endpoint, started.elapsed());
            // Cut off while its answer was read.
            if matches!(result, Err(UpstreamError::Timeout | UpstreamError::Unreachable(_))) {
                lost(key);
            }
            return result;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::upstream;
    use super::kept_for;
    use std::time::Duration;

    #[test]
    fn a_token_is_kept_until_shortly_before_it_expires_however_short_its_life() {
        let s = Duration::from_secs;
        assert_eq!(kept_for(s(3600)), s(3570));
        assert_eq!(kept_for(s(60)), s(30));
        assert_eq!(kept_for(s(20)), s(10), "a short-lived token is still reused");
        assert_eq!(kept_for(s(0)), s(0));
        assert_eq!(kept_for(s(30 * 24 * 3600)), s(24 * 3600));
    }

    #[test]
    fn the_system_client_asks_for_what_is_served_or_for_what_is_set() {
        let plain = upstream();
        assert_eq!(plain.system_scopes(), "manage_scope_grants");
        let served = upstream().with_consent_revocation().with_identity_pools().with_obuk("ob");
        assert_eq!(served.system_scopes(), "manage_scope_grants manage_openbanking_consents revoke_tokens identity");
        assert!(served.scopes_left_out().is_empty(), "nothing set, nothing left out");
        let mut set = upstream().with_obuk("ob").with_consent_revocation();
        set.system_scopes = Some("manage_openbanking_consents".into());
        assert_eq!(set.system_scopes(), "manage_openbanking_consents");
        assert_eq!(set.scopes_left_out(), ["manage_scope_grants", "revoke_tokens"]);
        // Open Banking consents are read only with a token that may read them.
        assert!(!plain.serves_open_banking() && served.serves_open_banking() && set.serves_open_banking());
        set.system_scopes = Some("manage_scope_grants".into());
        assert!(!set.serves_open_banking(), "SYSTEM_SCOPES left it out");
    }
}
