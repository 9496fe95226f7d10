//! The portal signs users in as a backend-for-frontend: authorization code with PKCE (S256),
//! `state` and `nonce`, done on the server with the `openidconnect` crate. The ID token is
//! verified (signature, issuer, audience, expiry, nonce); tokens never reach the browser.

use super::config::{PortalClient, Secret};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};

/// Scopes the portal asks for: who the user is, and the Public API's grant management.
pub const PORTAL_SCOPES: &[&str] = &["profile", "email", "list_clients_with_access", "revoke_client_access"];

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
}

pub struct PortalAuth {
    client_id: ClientId,
    secret: Option<Secret>,
    redirect: RedirectUrl,
    issuer: IssuerUrl,
    metadata: tokio::sync::OnceCell<CoreProviderMetadata>,
}

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
    pub access_token: String,
    pub lifetime: i64,
}

impl PortalAuth {
    pub fn new(client: &PortalClient, issuer: &url::Url, redirect: String) -> Result<Self, PortalAuthError> {
        Ok(Self {
            client_id: ClientId::new(client.client_id.clone()),
            secret: client.client_secret.clone(),
            redirect: RedirectUrl::new(redirect).map_err(|e| PortalAuthError::Config(e.to_string()))?,
            issuer: IssuerUrl::new(issuer.as_str().trim_end_matches('/').to_string())
                .map_err(|e| PortalAuthError::Config(e.to_string()))?,
            metadata: tokio::sync::OnceCell::new(),
        })
    }

    pub fn issuer(&self) -> &str {
        self.issuer.as_str()
    }

    /// Discovery, fetched once and kept (a failure is retried on the next sign-in).
    async fn metadata(&self, http: &reqwest::Client) -> Result<CoreProviderMetadata, PortalAuthError> {
        self.metadata
            .get_or_try_init(|| async {
                CoreProviderMetadata::discover_async(self.issuer.clone(), http)
                    .await
                    .map_err(|e| PortalAuthError::Discovery(e.to_string()))
            })
            .await
            .cloned()
    }

    pub async fn start(&self, http: &reqwest::Client) -> Result<SignIn, PortalAuthError> {
        let metadata = self.metadata(http).await?;
        let secret = self.secret.as_ref().map(|s| ClientSecret::new(s.expose().to_string()));
        let client = CoreClient::from_provider_metadata(metadata, self.client_id.clone(), secret)
            .set_redirect_uri(self.redirect.clone());
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .set_pkce_challenge(challenge);
        for scope in PORTAL_SCOPES {
            request = request.add_scope(Scope::new(scope.to_string()));
        }
        let (url, state, nonce) = request.url();
        Ok(SignIn {
            url: url.to_string(),
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
        let metadata = self.metadata(http).await?;
        let secret = self.secret.as_ref().map(|s| ClientSecret::new(s.expose().to_string()));
        let client = CoreClient::from_provider_metadata(metadata, self.client_id.clone(), secret)
            .set_redirect_uri(self.redirect.clone());
        let token = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| PortalAuthError::Config(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(verifier))
            .request_async(http)
            .await
            .map_err(|e| PortalAuthError::Exchange(e.to_string()))?;
        let id_token = token.id_token().ok_or_else(|| PortalAuthError::IdToken("none in the token response".into()))?;
        let claims = id_token
            .claims(&client.id_token_verifier(), &Nonce::new(nonce))
            .map_err(|e| PortalAuthError::IdToken(e.to_string()))?;
        let subject = claims.subject().to_string();
        let display = claims
            .email()
            .map(|e| e.to_string())
            .or_else(|| claims.name().and_then(|n| n.get(None)).map(|n| n.to_string()))
            .unwrap_or_else(|| subject.clone());
        Ok(SignedIn {
            subject,
            display,
            access_token: token.access_token().secret().clone(),
            lifetime: token.expires_in().map(|d| d.as_secs() as i64).unwrap_or(3600),
        })
    }
}
