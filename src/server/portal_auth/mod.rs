//! The portal signs users in as a backend-for-frontend: authorization code with PKCE (S256),
//! `state` and `nonce`, done on the server with the `openidconnect` crate, the request pushed
//! to the server first (PAR, RFC 9126) where it offers that. The ID token is verified
//! (signature, issuer, audience, expiry, nonce); tokens never reach the browser.

mod client;

use super::config::{PortalClient, Secret};
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthenticationFlow, CoreClaimName, CoreClaimType, CoreClient, CoreClientAuthMethod,
    CoreGrantType, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm, CoreResponseMode,
    CoreResponseType, CoreSubjectIdentifierType,
};
use openidconnect::{
    AdditionalProviderMetadata, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken,
    IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, ProviderMetadata, RedirectUrl, Scope,
    TokenResponse,
};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// Discovery fields the portal acts on beyond the core ones.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct PortalMetadata {
    /// RFC 9207: the server puts `iss` in every authorization response, so one without it is
    /// refused (it may come from another server the browser was sent to).
    #[serde(default)]
    authorization_response_iss_parameter_supported: bool,
    /// RFC 7009: where signing out revokes the session's token.
    #[serde(default)]
    revocation_endpoint: Option<String>,
    /// RFC 9126: where a sign-in's request is pushed, so that only its `request_uri` passes
    /// through the browser.
    #[serde(default)]
    pushed_authorization_request_endpoint: Option<String>,
    /// …and whether the server takes no other (a FAPI workspace).
    #[serde(default)]
    require_pushed_authorization_requests: bool,
}
impl AdditionalProviderMetadata for PortalMetadata {}

type Metadata = ProviderMetadata<
    PortalMetadata,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

/// Scopes the portal asks for: who the user is, and the Public API's grant management.
pub const PORTAL_SCOPES: &[&str] = &["profile", "email", "list_clients_with_access", "revoke_client_access"];
/// Scopes the staff console asks for: who the staff member is (their roles come in the ID token,
/// and again from userinfo at every request: `crate::server::console`).
pub const CONSOLE_SCOPES: &[&str] = &["profile", "email"];

#[derive(Debug, thiserror::Error)]
pub enum PortalAuthError {
    #[error("discovery failed: {0}")]
    Discovery(String),
    #[error("configuration: {0}")]
    Config(String),
    #[error("code exchange failed: {0}")]
    Exchange(String),
    #[error("ID token rejected: {0}")]
    IdToken(String),
    #[error("revocation failed: {0}")]
    Revocation(String),
    #[error("userinfo failed: {0}")]
    UserInfo(String),
    #[error("the pushed authorization request failed: {0}")]
    Pushed(String),
    /// The server judged the pushed request and refused it (400): sent in the URL instead, it
    /// would be refused at the authorization endpoint too.
    #[error("the pushed authorization request was refused: {0}")]
    PushRefused(String),
}

/// Every claim of a userinfo answer beyond the standard ones (a staff member's roles).
#[derive(Clone, Debug, Deserialize, Serialize)]
struct OtherClaims {
    #[serde(flatten)]
    claims: serde_json::Map<String, serde_json::Value>,
}
impl openidconnect::AdditionalClaims for OtherClaims {}

/// Whether the JWT `token`'s header names (`kid`) a key of `keys`.
fn names_a_key_of(token: &str, keys: &openidconnect::core::CoreJsonWebKeySet) -> bool {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
    use openidconnect::JsonWebKey as _;
    let kid = token
        .split('.')
        .next()
        .and_then(|header| URL_SAFE_NO_PAD.decode(header.trim_end_matches('=')).ok())
        .and_then(|json| serde_json::from_slice::<serde_json::Value>(&json).ok())
        .and_then(|header| header.get("kid").and_then(|k| k.as_str()).map(str::to_string));
    kid.is_some_and(|kid| keys.keys().iter().any(|k| k.key_id().is_some_and(|id| id.as_str() == kid)))
}

/// An endpoint of the server's metadata that may carry the client's secret or a sign-in's
/// parameters: https, or plain http to this machine (the sandbox).
fn trusted_endpoint(endpoint: &str) -> Option<url::Url> {
    let url = url::Url::parse(endpoint).ok()?;
    (url.scheme() == "https" || (url.scheme() == "http" && super::config::is_loopback(&url))).then_some(url)
}

pub struct PortalAuth {
    client_id: ClientId,
    secret: Option<Secret>,
    redirect: RedirectUrl,
    issuer: IssuerUrl,
    scopes: &'static [&'static str],
    /// Discovery, with the signing keys, and when it was fetched.
    discovered: tokio::sync::Mutex<Option<(Metadata, Instant)>>,
    /// The last fetch of discovery that failed: when, and how.
    undiscovered: std::sync::Mutex<Option<(Instant, String)>>,
}

/// How long discovery (and with it the server's signing keys) is kept before it is fetched
/// again. Sooner when an ID token is signed with a key it does not have: the server rotated.
const DISCOVERY_TTL: Duration = Duration::from_secs(3600);
/// After a fetch of discovery failed, how long the copy kept serves without another try.
const DISCOVERY_RETRY: Duration = Duration::from_secs(30);

/// A sign-in to send the browser on: the URL, and what the callback must check.
pub struct SignIn {
    pub url: String,
    pub state: String,
    pub verifier: String,
    pub nonce: String,
}

/// A verified sign-in.
pub struct SignedIn {
    pub subject: String,
    pub display: String,
    /// Every claim of the verified ID token, for the ones the core types do not name (the
    /// bank's customer number, `BANK_ID_CLAIM`).
    pub claims: serde_json::Map<String, serde_json::Value>,
    pub access_token: String,
    pub lifetime: i64,
}

impl PortalAuth {
    /// Signs users in at `issuer` as `client`, asking for `scopes` (besides `openid`).
    pub fn new(
        client: &PortalClient,
        issuer: &url::Url,
        redirect: String,
        scopes: &'static [&'static str],
    ) -> Result<Self, PortalAuthError> {
        Ok(Self {
            client_id: ClientId::new(client.client_id.clone()),
            secret: client.client_secret.clone(),
            redirect: RedirectUrl::new(redirect).map_err(|e| PortalAuthError::Config(e.to_string()))?,
            issuer: IssuerUrl::new(issuer.as_str().trim_end_matches('/').to_string())
                .map_err(|e| PortalAuthError::Config(e.to_string()))?,
            scopes,
            discovered: tokio::sync::Mutex::new(None),
            undiscovered: std::sync::Mutex::new(None),
        })
    }

    pub fn issuer(&self) -> &str {
        self.issuer.as_str()
    }

    /// Discovery, fetched on the first sign-in and kept for [`DISCOVERY_TTL`] (a failure is
    /// retried on the next sign-in; past its time, the copy kept serves while the server does
    /// not answer).
    async fn metadata(&self, http: &reqwest::Client) -> Result<Metadata, PortalAuthError> {
        self.discover(http, |at| at.elapsed() >= DISCOVERY_TTL).await.map(|(metadata, _)| metadata)
    }

    /// The copy kept, or a new one where there is none or `stale(when it was fetched)`.
    async fn discover(
        &self,
        http: &reqwest::Client,
        stale: impl Fn(Instant) -> bool,
    ) -> Result<(Metadata, Instant), PortalAuthError> {
        // Held while fetching: sign-ins that arrive meanwhile take the one fetched, or its
        // failure (never one fetch each behind a server that does not answer).
        let arrived = Instant::now();
        let mut kept = self.discovered.lock().await;
        let failed = self.undiscovered.lock().unwrap_or_else(|p| p.into_inner()).clone();
        match kept.as_ref() {
            // Fresh, or a fetch failed while this caller waited or a moment ago: the copy serves.
            Some((metadata, at))
                if !stale(*at)
                    || failed.as_ref().is_some_and(|(f, _)| *f >= arrived || f.elapsed() < DISCOVERY_RETRY) =>
            {
                return Ok((metadata.clone(), *at));
            }
            None => {
                if let Some((_, e)) = failed.as_ref().filter(|(f, _)| *f >= arrived) {
                    return Err(PortalAuthError::Discovery(e.clone()));
                }
            }
            Some(_) => {}
        }
        match Metadata::discover_async(self.issuer.clone(), &client::Bounded(http)).await {
            Ok(metadata) => {
                let now = Instant::now();
                *kept = Some((metadata.clone(), now));
                Ok((metadata, now))
            }
            Err(e) => {
                let e = crate::error::with_causes(&e);
                *self.undiscovered.lock().unwrap_or_else(|p| p.into_inner()) = Some((Instant::now(), e.clone()));
                match kept.as_ref() {
                    Some((metadata, at)) => {
                        tracing::warn!(error = %e, "discovery could not be fetched again; the copy kept serves");
                        Ok((metadata.clone(), *at))
                    }
                    None => Err(PortalAuthError::Discovery(e)),
                }
            }
        }
    }

    /// Whether `iss` of an authorization response is acceptable (RFC 9207): the issuer the
    /// sign-in was sent to; and present when the server says it always sends it.
    pub async fn iss_matches(&self, http: &reqwest::Client, iss: Option<&str>) -> Result<bool, PortalAuthError> {
        Ok(match iss {
            Some(iss) => iss.trim_end_matches('/') == self.issuer.as_str().trim_end_matches('/'),
            None => !self.metadata(http).await?.additional_metadata().authorization_response_iss_parameter_supported,
        })
    }

    /// Revokes a session's access token at the server's revocation endpoint (RFC 7009), when it
    /// has one. Sent by hand: the `oauth2` crate refuses a revocation endpoint that is not https,
    /// and the sandbox's is plain http on loopback.
    pub async fn revoke(&self, http: &reqwest::Client, access_token: &str) -> Result<(), PortalAuthError> {
        let metadata = self.metadata(http).await?;
        let Some(endpoint) = metadata.additional_metadata().revocation_endpoint.clone() else {
            return Ok(());
        };
        let endpoint = trusted_endpoint(&endpoint)
            .ok_or_else(|| PortalAuthError::Revocation(format!("not an https endpoint: {endpoint}")))?;
        let mut form = vec![("token", access_token), ("token_type_hint", "access_token")];
        if self.secret.is_none() {
            form.push(("client_id", self.client_id.as_str()));
        }
        let request = self.authenticated(http.post(endpoint)).form(&form);
        let res = request.send().await.map_err(|e| PortalAuthError::Revocation(e.to_string()))?;
        match res.status() {
            s if s.is_success() => Ok(()),
            s => Err(PortalAuthError::Revocation(format!("the revocation endpoint answered {s}"))),
        }
    }

    /// What the userinfo endpoint (OIDC Core §5.3) says now of `subject`, the holder of
    /// `access_token`: the claims beyond the standard ones; `None` when it refuses the token
    /// (401 or 403: revoked, or expired). An answer about another subject is refused (§5.3.2),
    /// and said without either subject, which logs must not hold.
    pub async fn userinfo(
        &self,
        http: &reqwest::Client,
        access_token: &str,
        subject: &str,
    ) -> Result<Option<serde_json::Map<String, serde_json::Value>>, PortalAuthError> {
        use openidconnect::{core::CoreGenderClaim, AccessToken, SubjectIdentifier, UserInfoClaims, UserInfoError};
        let fail = |e: String| PortalAuthError::UserInfo(e);
        let metadata = self.metadata(http).await?;
        // The token goes only to https, or to this machine (the sandbox).
        let Some(endpoint) = metadata.userinfo_endpoint().map(|u| u.url().as_str().to_string()) else {
            return Err(fail("discovery names no userinfo_endpoint".into()));
        };
        if trusted_endpoint(&endpoint).is_none() {
            return Err(fail(format!("not an https endpoint: {endpoint}")));
        }
        let client = self.client(metadata);
        let request = client
            .user_info(AccessToken::new(access_token.to_string()), Some(SubjectIdentifier::new(subject.to_string())))
            .map_err(|e| fail(e.to_string()))?;
        let answer: Result<UserInfoClaims<OtherClaims, CoreGenderClaim>, _> =
            request.request_async(&client::Bounded(http)).await;
        match answer {
            Ok(claims) => Ok(Some(claims.additional_claims().claims.clone())),
            Err(UserInfoError::Response(status, ..)) if matches!(status.as_u16(), 401 | 403) => Ok(None),
            Err(UserInfoError::ClaimsVerification(_)) => {
                Err(fail("its claims do not verify (another subject?)".into()))
            }
            Err(e) => Err(fail(crate::error::with_causes(&e))),
        }
    }

    /// `request` with the client's authentication: `client_secret_basic` (each part
    /// form-encoded first, RFC 6749 §2.3.1) where it has a secret; a public client is named by
    /// the `client_id` of the form.
    fn authenticated(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.secret {
            Some(secret) => {
                let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
                request.basic_auth(encode(&self.client_id), Some(encode(secret.expose())))
            }
            None => request,
        }
    }

    /// RFC 9126: pushes the parameters of the authorization request `front` (to the server's
    /// `authorization` endpoint) to `endpoint`, and answers the URL that carries only the
    /// `client_id` and the `request_uri` the server gave: `state`, `nonce`, the PKCE challenge
    /// and the redirect URI never pass through the browser. The authorization endpoint's own
    /// query, if it has one, stays in the URL and is not pushed.
    async fn push(
        &self,
        http: &reqwest::Client,
        endpoint: &str,
        authorization: &url::Url,
        front: &url::Url,
    ) -> Result<String, PortalAuthError> {
        #[derive(Deserialize)]
        struct Pushed {
            request_uri: String,
        }
        let fail = |e: String| PortalAuthError::Pushed(e);
        let endpoint = trusted_endpoint(endpoint).ok_or_else(|| fail(format!("not an https endpoint: {endpoint}")))?;
        let own: Vec<(String, String)> = authorization.query_pairs().into_owned().collect();
        let params: Vec<(String, String)> = front.query_pairs().into_owned().filter(|p| !own.contains(p)).collect();
        let res =
            self.authenticated(http.post(endpoint)).form(&params).send().await.map_err(|e| fail(e.to_string()))?;
        match res.status() {
            s if s.is_success() => {}
            s if s == reqwest::StatusCode::BAD_REQUEST => {
                let body = super::upstream::read_body(res).await.unwrap_or_default();
                return Err(PortalAuthError::PushRefused(String::from_utf8_lossy(&body).chars().take(300).collect()));
            }
            s => return Err(fail(format!("the endpoint answered {s}"))),
        }
        let body = super::upstream::read_body(res).await.map_err(|e| fail(e.to_string()))?;
        let pushed: Pushed = serde_json::from_slice(&body).map_err(|e| fail(e.to_string()))?;
        if pushed.request_uri.is_empty() {
            return Err(fail("no request_uri in its answer".into()));
        }
        let mut url = authorization.clone();
        url.query_pairs_mut()
            .append_pair("client_id", self.client_id.as_str())
            .append_pair("request_uri", &pushed.request_uri);
        Ok(url.to_string())
    }

    /// The client at the server `metadata` describes.
    fn client(
        &self,
        metadata: Metadata,
    ) -> CoreClient<
        openidconnect::EndpointSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointMaybeSet,
        openidconnect::EndpointMaybeSet,
    > {
        let secret = self.secret.as_ref().map(|s| ClientSecret::new(s.expose().to_string()));
        CoreClient::from_provider_metadata(metadata, self.client_id.clone(), secret)
            .set_redirect_uri(self.redirect.clone())
    }

    pub async fn start(&self, http: &reqwest::Client) -> Result<SignIn, PortalAuthError> {
        let metadata = self.metadata(http).await?;
        let pushing = metadata.additional_metadata().clone();
        let authorization = metadata.authorization_endpoint().url().clone();
        let client = self.client(metadata);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .set_pkce_challenge(challenge);
        for scope in self.scopes {
            request = request.add_scope(Scope::new(scope.to_string()));
        }
        let (url, state, nonce) = request.url();
        // Pushed where the server offers it. Where it also takes the request in the URL, a push
        // that could not be made (the endpoint down, or not https) falls back to that, as before
        // PAR; one the server refused, or one it requires, fails the sign-in.
        let url = match pushing.pushed_authorization_request_endpoint.as_deref() {
            Some(endpoint) => match self.push(http, endpoint, &authorization, &url).await {
                Ok(pushed) => pushed,
                Err(e @ PortalAuthError::Pushed(_)) if !pushing.require_pushed_authorization_requests => {
                    tracing::warn!(error = %e, "a sign-in's request could not be pushed; it goes in the URL");
                    url.to_string()
                }
                Err(e) => return Err(e),
            },
            None if pushing.require_pushed_authorization_requests => {
                return Err(PortalAuthError::Pushed("PAR is required, and discovery names no endpoint".into()))
            }
            None => url.to_string(),
        };
        Ok(SignIn {
            url,
            state: state.secret().clone(),
            verifier: verifier.secret().clone(),
            nonce: nonce.secret().clone(),
        })
    }

    pub async fn finish(
        &self,
        http: &reqwest::Client,
        code: String,
        verifier: String,
        nonce: String,
    ) -> Result<SignedIn, PortalAuthError> {
        let (metadata, fetched) = self.discover(http, |at| at.elapsed() >= DISCOVERY_TTL).await?;
        let keys = metadata.jwks().clone();
        let client = self.client(metadata);
        let token = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| PortalAuthError::Config(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(verifier))
            .request_async(&client::Bounded(http))
            .await
            .map_err(|e| PortalAuthError::Exchange(crate::error::with_causes(&e)))?;
        let id_token = token.id_token().ok_or_else(|| PortalAuthError::IdToken("none in the token response".into()))?;
        let nonce = Nonce::new(nonce);
        let claims = match id_token.claims(&client.id_token_verifier(), &nonce) {
            Ok(claims) => claims.clone(),
            // Signed with a key the copy kept does not have: the server rotated its keys. Its
            // keys are fetched again (unless another sign-in just did) and the token checked
            // once more. The token came straight from the token endpoint, so no one else can
            // make Assent fetch them; one that names a key kept is refused as it is.
            Err(ClaimsVerificationError::SignatureVerification(_)) if !names_a_key_of(&id_token.to_string(), &keys) => {
                let (metadata, _) = self.discover(http, |at| at <= fetched).await?;
                id_token
                    .claims(&self.client(metadata).id_token_verifier(), &nonce)
                    .map_err(|e| PortalAuthError::IdToken(e.to_string()))?
                    .clone()
            }
            Err(e) => return Err(PortalAuthError::IdToken(e.to_string())),
        };
        let subject = claims.subject().to_string();
        // The signature, issuer, audience, expiry and nonce are verified above; this reads the
        // same token's payload for its other claims.
        let all_claims = id_token
            .to_string()
            .split('.')
            .nth(1)
            .and_then(|payload| {
                use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
                URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()
            })
            .and_then(|json| serde_json::from_slice(&json).ok())
            .unwrap_or_default();
        let display = claims
            .email()
            .map(|e| e.to_string())
            .or_else(|| claims.name().and_then(|n| n.get(None)).map(|n| n.to_string()))
            .unwrap_or_else(|| subject.clone());
        Ok(SignedIn {
            subject,
            display,
            claims: all_claims,
            access_token: token.access_token().secret().clone(),
            lifetime: token.expires_in().map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)).unwrap_or(3600),
        })
    }
}

#[cfg(test)]
mod tests;
