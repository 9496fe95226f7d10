//! OAuth 2.0 / OpenID Connect endpoints of a sandbox workspace: discovery, JWKS, authorize
//! with a sign-in page, PAR (RFC 9126), token, introspection (RFC 7662), revocation
//! (RFC 7009), userinfo and dynamic client registration (RFC 7591).

use super::{
    active_token, api_error, bearer, check_workspace,
    mtls::{self, ClientCert, PeerCert},
    now, oauth_error, pages, presented_token, random_token, sha256_b64,
    store::{Binding, LoginRow},
    ClientData, Sandbox, UserData, LOGIN_TTL, TENANT,
};
use crate::wire::{Confirmation, FDXConsentRequest, Introspection, TokenResponse};
use axum::{
    extract::{Path, Query, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{Html, IntoResponse, Redirect, Response},
    Form, Json,
};
use base64::{engine::general_purpose::STANDARD, engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use openidconnect::core::{
    CoreAuthDisplay, CoreClaimName, CoreClaimType, CoreClientAuthMethod, CoreGenderClaim, CoreGrantType,
    CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm, CoreJwsSigningAlgorithm,
    CoreResponseMode, CoreResponseType, CoreSubjectIdentifierType,
};
use openidconnect::{
    AccessToken, AdditionalClaims, AdditionalProviderMetadata, Audience, AuthUrl, EndUserEmail, EndUserName,
    EndUserUsername, IssuerUrl, JsonWebKeySetUrl, LocalizedClaim, Nonce, ProviderMetadata, RegistrationUrl,
    ResponseTypes, Scope, StandardClaims, SubjectIdentifier, TokenUrl, UserInfoUrl,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;
use subtle::ConstantTimeEq;

type Sb = State<Arc<Sandbox>>;
type Params = HashMap<String, String>;

const ACCESS_TTL: i64 = 3600;
const REFRESH_TTL: i64 = 30 * 24 * 3600;
const CODE_TTL: i64 = 60;
const PAR_TTL: i64 = 60;

/// The bank's claim in the sandbox's ID tokens: the customer number (what `BANK_ID_CLAIM`
/// names), so a portal finds the customer's accounts whatever the subject looks like.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct BankClaims {
    customer_id: String,
    /// Staff roles, for the staff console (customers have none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    roles: Vec<String>,
}
impl AdditionalClaims for BankClaims {}

type IdTokenClaims = openidconnect::IdTokenClaims<BankClaims, CoreGenderClaim>;
type IdToken =
    openidconnect::IdToken<BankClaims, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm>;

/// Discovery fields the core metadata type does not carry.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExtraMetadata {
    pushed_authorization_request_endpoint: String,
    introspection_endpoint: String,
    revocation_endpoint: String,
    code_challenge_methods_supported: Vec<String>,
    authorization_response_iss_parameter_supported: bool,
    introspection_endpoint_auth_methods_supported: Vec<String>,
    revocation_endpoint_auth_methods_supported: Vec<String>,
    /// RFC 8705 §5: the same endpoints on the mutual-TLS listener.
    mtls_endpoint_aliases: Value,
    tls_client_certificate_bound_access_tokens: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    authorization_details_types_supported: Vec<String>,
}
impl AdditionalProviderMetadata for ExtraMetadata {}

type Metadata = ProviderMetadata<
    ExtraMetadata,
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

/// An authorization request, as received at `/oauth2/authorize` or `/par`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AuthRequest {
    pub client_id: String,
    pub redirect_uri: String,
    /// The request named its `redirect_uri` (rather than relying on the only one registered):
    /// the code exchange must then name the same (RFC 6749 §4.1.3).
    #[serde(default)]
    pub redirect_uri_given: bool,
    pub scopes: Vec<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub nonce: Option<String>,
    #[serde(default)]
    pub code_challenge: Option<String>,
    #[serde(default)]
    pub claims: Option<Value>,
    /// Languages the client prefers for the pages of this sign-in (OIDC Core §3.1.2.1).
    #[serde(default)]
    pub ui_locales: Option<String>,
    /// The FDX consent this request created (`fdx_v1.0` authorization details).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fdx_consent_id: Option<String>,
    /// The FDX consent request, until the consent is created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fdx_request: Option<FDXConsentRequest>,
}

/// What a code stands for.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct CodeData {
    workspace: String,
    client_id: String,
    redirect_uri: String,
    #[serde(default)]
    redirect_uri_given: bool,
    scopes: Vec<String>,
    subject: String,
    auth_time: i64,
    nonce: Option<String>,
    code_challenge: Option<String>,
    #[serde(default)]
    grant_id: Option<String>,
    /// The consent page's record of this consent, which its tokens carry.
    #[serde(default)]
    consent_id: Option<String>,
}

fn url(base: &str, path: &str) -> String {
    format!("{base}{path}")
}

pub async fn discovery(State(sb): Sb, Path((tid, wid)): Path<(String, String)>) -> Response {
    if let Err(r) = check_workspace(&sb, &tid, &wid) {
        return r;
    }
    match metadata(&sb, &wid) {
        Ok(m) => Json(m).into_response(),
        Err(e) => api_error(StatusCode::INTERNAL_SERVER_ERROR, &e, "internal"),
    }
}

fn metadata(sb: &Sandbox, wid: &str) -> Result<Metadata, String> {
    let iss = sb.issuer(wid);
    let e = |e: url::ParseError| e.to_string();
    let scopes: Vec<Scope> = sb
        .workspace(wid)
        .map(|w| w.services.iter().flat_map(|s| s.scopes.iter().map(|sc| Scope::new(sc.name.clone()))).collect())
        .unwrap_or_default();
    let auth_methods = vec![
        "client_secret_basic".to_string(),
        "client_secret_post".into(),
        "tls_client_auth".into(),
        "self_signed_tls_client_auth".into(),
        "none".into(),
    ];
    let mtls_iss = format!("{}/{TENANT}/{wid}", sb.mtls_base_url);
    let mut aliases = serde_json::json!({
        "token_endpoint": url(&mtls_iss, "/oauth2/token"),
        "pushed_authorization_request_endpoint": url(&mtls_iss, "/par"),
        "introspection_endpoint": url(&mtls_iss, "/oauth2/introspect"),
        "revocation_endpoint": url(&mtls_iss, "/oauth2/revoke"),
        "userinfo_endpoint": url(&mtls_iss, "/userinfo"),
    });
    let fdx = wid == super::fdx::WORKSPACE;
    if fdx {
        aliases["fdx_consent_introspection_endpoint"] = url(&mtls_iss, "/fdx/consents/introspect").into();
        aliases["fdx_consents_endpoint"] = url(&mtls_iss, "/consents").into();
        aliases["bank_endpoint"] = url(&sb.mtls_base_url, "/bank").into();
    }
    Ok(Metadata::new(
        IssuerUrl::new(iss.clone()).map_err(e)?,
        AuthUrl::new(url(&iss, "/oauth2/authorize")).map_err(e)?,
        JsonWebKeySetUrl::new(url(&iss, "/.well-known/jwks.json")).map_err(e)?,
        vec![ResponseTypes::new(vec![CoreResponseType::Code])],
        vec![CoreSubjectIdentifierType::Public],
        vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256],
        ExtraMetadata {
            pushed_authorization_request_endpoint: url(&iss, "/par"),
            introspection_endpoint: url(&iss, "/oauth2/introspect"),
            revocation_endpoint: url(&iss, "/oauth2/revoke"),
            code_challenge_methods_supported: vec!["S256".into()],
            authorization_response_iss_parameter_supported: true,
            introspection_endpoint_auth_methods_supported: auth_methods.clone(),
            revocation_endpoint_auth_methods_supported: auth_methods,
            mtls_endpoint_aliases: aliases,
            tls_client_certificate_bound_access_tokens: true,
            authorization_details_types_supported: if fdx { vec!["fdx_v1.0".into()] } else { Vec::new() },
        },
    )
    .set_token_endpoint(Some(TokenUrl::new(url(&iss, "/oauth2/token")).map_err(e)?))
    .set_userinfo_endpoint(Some(UserInfoUrl::new(url(&iss, "/userinfo")).map_err(e)?))
    .set_registration_endpoint(Some(RegistrationUrl::new(url(&iss, "/oauth2/register")).map_err(e)?))
    .set_scopes_supported(Some(scopes))
    .set_grant_types_supported(Some(vec![
        CoreGrantType::AuthorizationCode,
        CoreGrantType::RefreshToken,
        CoreGrantType::ClientCredentials,
    ]))
    .set_response_modes_supported(Some(vec![CoreResponseMode::Query]))
    .set_token_endpoint_auth_methods_supported(Some(vec![
        CoreClientAuthMethod::ClientSecretBasic,
        CoreClientAuthMethod::ClientSecretPost,
        CoreClientAuthMethod::Extension("tls_client_auth".into()),
        CoreClientAuthMethod::Extension("self_signed_tls_client_auth".into()),
        CoreClientAuthMethod::None,
    ]))
    .set_claims_supported(Some(
        [
            "sub",
            "iss",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "email",
            "email_verified",
            "name",
            "preferred_username",
            "customer_id",
        ]
        .into_iter()
        .map(|c| CoreClaimName::new(c.into()))
        .collect(),
    )))
}

pub async fn jwks(State(sb): Sb, Path((tid, wid)): Path<(String, String)>) -> Response {
    if let Err(r) = check_workspace(&sb, &tid, &wid) {
        return r;
    }
    Json(&sb.jwks).into_response()
}

/// Where an authorization request goes wrong: before the redirect URI is trusted (an error
/// page) or after (an error sent back to the client).
enum AuthorizeError {
    Page(StatusCode, String),
    Redirect { redirect_uri: String, state: Option<String>, error: &'static str, description: String },
}

impl AuthorizeError {
    fn into_response(self, sb: &Sandbox, wid: &str) -> Response {
        match self {
            AuthorizeError::Page(status, message) => {
                (status, Html(pages::message_page("Cannot continue", &message))).into_response()
            }
            AuthorizeError::Redirect { redirect_uri, state, error, description } => {
                let params = [("error", error), ("error_description", description.as_str())];
                client_redirect(sb, wid, &redirect_uri, &params, state.as_deref())
            }
        }
    }
}

/// Sends the browser back to the client with `params`, `state` and `iss` (RFC 9207).
fn client_redirect(
    sb: &Sandbox,
    wid: &str,
    redirect_uri: &str,
    params: &[(&str, &str)],
    state: Option<&str>,
) -> Response {
    let Ok(mut target) = url::Url::parse(redirect_uri) else {
        return (StatusCode::BAD_REQUEST, Html(pages::message_page("Cannot continue", "Invalid redirect URI.")))
            .into_response();
    };
    {
        let mut q = target.query_pairs_mut();
        for (k, v) in params {
            q.append_pair(k, v);
        }
        if let Some(state) = state {
            q.append_pair("state", state);
        }
        q.append_pair("iss", &sb.issuer(wid));
    }
    Redirect::to(target.as_str()).into_response()
}

/// Validates an authorization request against the client's registration.
fn parse_auth_request(sb: &Sandbox, wid: &str, p: &Params) -> Result<(AuthRequest, ClientData), AuthorizeError> {
    let page = |m: &str| AuthorizeError::Page(StatusCode::BAD_REQUEST, m.to_string());
    let client_id = p.get("client_id").ok_or_else(|| page("The request has no client_id."))?;
    let (ws, _, client) = sb.client(client_id).ok_or_else(|| page("Unknown client."))?;
    if ws != wid {
        return Err(page("Unknown client."));
    }
    let redirect_uri = match p.get("redirect_uri") {
        Some(uri) if client.redirect_uris.contains(uri) => uri.clone(),
        Some(_) => return Err(page("The redirect_uri is not registered for this client.")),
        None if client.redirect_uris.len() == 1 => client.redirect_uris[0].clone(),
        None => return Err(page("The request has no redirect_uri.")),
    };
    let state = p.get("state").cloned();
    let fail = |error, description: &str| AuthorizeError::Redirect {
        redirect_uri: redirect_uri.clone(),
        state: state.clone(),
        error,
        description: description.into(),
    };
    if p.get("response_type").map(String::as_str) != Some("code") {
        return Err(fail("unsupported_response_type", "Only response_type=code is supported."));
    }
    let scopes: Vec<String> =
        p.get("scope").map(|s| s.split_whitespace().map(str::to_string).collect()).unwrap_or_default();
    if let Some(bad) = scopes.iter().find(|s| !client.scopes.contains(s)) {
        return Err(fail("invalid_scope", &format!("The client may not request the scope {bad}.")));
    }
    let code_challenge = match (p.get("code_challenge"), p.get("code_challenge_method").map(String::as_str)) {
        (Some(c), Some("S256")) if (43..=128).contains(&c.len()) => Some(c.clone()),
        (Some(_), _) => return Err(fail("invalid_request", "PKCE requires code_challenge_method=S256.")),
        (None, _) if client.token_endpoint_auth_method == "none" => {
            return Err(fail("invalid_request", "Public clients must use PKCE."))
        }
        (None, _) if sb.workspace(wid).is_some_and(|w| w.requires_pkce) => {
            return Err(fail("invalid_request", "This workspace requires PKCE (S256)."))
        }
        (None, _) => None,
    };
    let claims = match p.get("claims") {
        Some(c) => Some(serde_json::from_str(c).map_err(|_| fail("invalid_request", "claims is not JSON."))?),
        None => None,
    };
    let fdx_request = match p.get("authorization_details") {
        Some(d) => super::fdx::parse_authorization_details(wid, d).map_err(|e| fail("invalid_request", &e))?,
        None => None,
    };
    Ok((
        AuthRequest {
            client_id: client_id.clone(),
            redirect_uri,
            redirect_uri_given: p.contains_key("redirect_uri"),
            scopes,
            state,
            nonce: p.get("nonce").cloned(),
            code_challenge,
            claims,
            ui_locales: p.get("ui_locales").filter(|v| v.len() <= 256).cloned(),
            fdx_consent_id: None,
            fdx_request,
        },
        client,
    ))
}

pub async fn authorize(
    State(sb): Sb,
    Path((tid, wid)): Path<(String, String)>,
    headers: HeaderMap,
    Query(p): Query<Params>,
) -> Response {
    if let Err(r) = check_workspace(&sb, &tid, &wid) {
        return r;
    }
    if p.get("consent_verified").map(String::as_str) == Some("true") {
        // The step back from the consent page: only in the browser that signed in.
        let login_id = p.get("login_id").map(String::as_str).unwrap_or_default();
        if !sb.same_browser(login_id, &headers) {
            return other_browser_page();
        }
        return finish_consent(&sb, &wid, &p);
    }
    let parsed = match p.get("request_uri") {
        Some(uri) => {
            let id = uri.strip_prefix("urn:ietf:params:oauth:request_uri:").unwrap_or(uri);
            match sb.store.take_par(id) {
                Ok(Some((ws, client_id, request, exp)))
                    if ws == wid && Some(&client_id) == p.get("client_id") && exp > now() =>
                {
                    serde_json::from_str::<AuthRequest>(&request)
                        .ok()
                        .and_then(|r| sb.client(&r.client_id).map(|(_, _, c)| (r, c)))
                        .ok_or(AuthorizeError::Page(StatusCode::BAD_REQUEST, "Invalid pushed request.".into()))
                }
                _ => Err(AuthorizeError::Page(
                    StatusCode::BAD_REQUEST,
                    "The request_uri is unknown, expired or already used.".into(),
                )),
            }
        }
        None if sb.workspace(&wid).is_some_and(|w| w.requires_par) => Err(AuthorizeError::Page(
            StatusCode::BAD_REQUEST,
            "This workspace takes authorization requests only through PAR (a request_uri).".into(),
        )),
        None => parse_auth_request(&sb, &wid, &p),
    };
    let (mut request, _client) = match parsed {
        Ok(x) => x,
        Err(e) => return e.into_response(&sb, &wid),
    };
    if let Err(e) = super::fdx::create_consent(&sb, &wid, &mut request) {
        return db_failure(e);
    }
    let row = LoginRow {
        id: random_token(16),
        workspace: wid.clone(),
        client_id: request.client_id.clone(),
        login_state: random_token(16),
        request: serde_json::to_string(&request).unwrap_or_default(),
        subject: None,
        auth_time: None,
        status: "new".into(),
        decision: None,
        expires_at: now() + LOGIN_TTL,
    };
    if let Err(e) = sb.store.insert_login(&row, now()) {
        return db_failure(e);
    }
    // The sign-in belongs to this browser: a cookie names it, the login keeps its hash.
    let (browser, new_cookie) = match sb.browser_id(&headers) {
        Some(b) => (b.to_string(), None),
        None => {
            let b = random_token(24);
            let cookie = crate::cookies::cookie_header(super::BROWSER_COOKIE, &b, 24 * 3600, "Lax", false);
            (b, cookie)
        }
    };
    if let Err(e) = sb.store.bind_login_browser(&row.id, &sha256_b64(&browser)) {
        return db_failure(e);
    }
    let mut res = Redirect::to(&format!("/{tid}/{wid}/login?login_id={}", row.id)).into_response();
    if let Some(cookie) = new_cookie {
        res.headers_mut().append(header::SET_COOKIE, cookie);
    }
    res
}

/// A sign-in step from a browser other than the one that started it.
fn other_browser_page() -> Response {
    (
        StatusCode::FORBIDDEN,
        Html(pages::message_page(
            "Finish signing in where you started",
            "This sign-in was started in another browser (or its cookies were cleared). Go back to the application and start again.",
        )),
    )
        .into_response()
}

pub(super) fn db_failure(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "sandbox database error");
    api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal error", "internal")
}

/// A login awaiting sign-in, with its request and client.
fn pending_login(sb: &Sandbox, wid: &str, id: &str) -> Option<(LoginRow, AuthRequest, ClientData)> {
    let row = sb.store.login(id).ok()??;
    if row.workspace != wid || row.expires_at <= now() {
        return None;
    }
    let req: AuthRequest = serde_json::from_str(&row.request).ok()?;
    let (_, _, client) = sb.client(&row.client_id)?;
    Some((row, req, client))
}

pub async fn login_page(
    State(sb): Sb,
    Path((tid, wid)): Path<(String, String)>,
    headers: HeaderMap,
    Query(p): Query<Params>,
) -> Response {
    if let Err(r) = check_workspace(&sb, &tid, &wid) {
        return r;
    }
    let id = p.get("login_id").cloned().unwrap_or_default();
    match pending_login(&sb, &wid, &id) {
        Some((row, _, client)) if row.status == "new" => match sb.browser_id(&headers) {
            Some(browser) if sb.same_browser(&row.id, &headers) => {
                let token = sb.form_token(&row.id, browser);
                Html(pages::login_page(&tid, &wid, &row.id, &token, &client, None)).into_response()
            }
            _ => other_browser_page(),
        },
        _ => expired_login_page(),
    }
}

fn expired_login_page() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(pages::message_page("This sign-in has expired", "Go back to the application and start again.")),
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct LoginForm {
    login_id: String,
    username: String,
    password: String,
    #[serde(default)]
    csrf_token: String,
}

pub async fn login_submit(
    State(sb): Sb,
    Path((tid, wid)): Path<(String, String)>,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    if let Err(r) = check_workspace(&sb, &tid, &wid) {
        return r;
    }
    let Some((row, request, client)) = pending_login(&sb, &wid, &f.login_id) else {
        return expired_login_page();
    };
    if row.status != "new" {
        return expired_login_page();
    }
    // The form this browser was shown for this sign-in, and no other (checked before any
    // password is hashed).
    if !sb.form_token_ok(&row.id, &headers, &f.csrf_token) {
        return other_browser_page();
    }
    let token = sb.browser_id(&headers).map(|b| sb.form_token(&row.id, b)).unwrap_or_default();
    // The client's address as the listener saw it (a proxy's in front of the sandbox would
    // need its own limits; the sandbox trusts no forwarded header).
    let address = peer.map_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED), |p| p.0 .0.ip());
    let ok = match sb.check_password(address, &f.username, &f.password).await {
        Ok(ok) => ok,
        Err(refusal) => {
            let (status, message, wait) = match refusal {
                super::SignInRefusal::Throttled(s) => {
                    (StatusCode::TOO_MANY_REQUESTS, "Too many wrong passwords. Wait a little, then try again.", s)
                }
                super::SignInRefusal::Busy => {
                    (StatusCode::SERVICE_UNAVAILABLE, "Too many sign-ins right now. Try again in a moment.", 5)
                }
            };
            let page = pages::login_page(&tid, &wid, &row.id, &token, &client, Some(message));
            let mut res = (status, Html(page)).into_response();
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait));
            return res;
        }
    };
    if !ok {
        let page = pages::login_page(&tid, &wid, &row.id, &token, &client, Some("Wrong username or password."));
        return (StatusCode::UNAUTHORIZED, Html(page)).into_response();
    }
    let auth_time = now();
    match sb.store.authenticate_login(&row.id, &f.username, auth_time) {
        Ok(true) => {}
        Ok(false) => return expired_login_page(),
        Err(e) => return db_failure(e),
    }
    if let Some(consent) = &request.fdx_consent_id {
        if let Err(e) = sb.store.set_fdx_subject(consent, &f.username, auth_time) {
            return db_failure(e);
        }
    }
    if client.trusted && request.fdx_consent_id.is_none() {
        let code = issue_code(&sb, &wid, &request, &f.username, auth_time, &request.scopes, None);
        let _ = sb.store.finish_login(&row.id, "authenticated");
        return match code {
            Ok(code) => client_redirect(&sb, &wid, &request.redirect_uri, &[("code", &code)], request.state.as_deref()),
            Err(r) => r,
        };
    }
    let mut consent = match url::Url::parse(&sb.consent_url) {
        Ok(u) => u,
        Err(e) => return db_failure(e),
    };
    consent.query_pairs_mut().append_pair("login_id", &row.id).append_pair("login_state", &row.login_state);
    if request.fdx_consent_id.is_some() {
        consent.query_pairs_mut().append_pair("consent_type", "fdx");
    }
    Redirect::to(consent.as_str()).into_response()
}

/// The decision recorded by the scope-grant API.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Decision {
    Accepted {
        scopes: Vec<String>,
        claims: Vec<String>,
        /// The consent page's own record of this consent (`AcceptScopeGrant.consent_id`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        consent_id: Option<String>,
    },
    Rejected {
        error: String,
        error_description: String,
        error_cause: String,
    },
}

/// `GET /oauth2/authorize?consent_verified=true&login_id&login_state`: the consent page is done.
fn finish_consent(sb: &Sandbox, wid: &str, p: &Params) -> Response {
    let id = p.get("login_id").map(String::as_str).unwrap_or_default();
    let Some(row) = sb.store.login(id).ok().flatten() else {
        return expired_login_page();
    };
    let matches = row.workspace == wid
        && p.get("login_state") == Some(&row.login_state)
        && p.get("client_id") == Some(&row.client_id);
    let (Some(decision), Some(subject), Some(auth_time), Ok(request)) = (
        row.decision.as_deref().and_then(|d| serde_json::from_str::<Decision>(d).ok()),
        row.subject.clone(),
        row.auth_time,
        serde_json::from_str::<AuthRequest>(&row.request),
    ) else {
        return expired_login_page();
    };
    if !matches || row.expires_at <= now() || !sb.store.finish_login(&row.id, &row.status).unwrap_or(false) {
        return expired_login_page();
    }
    match decision {
        Decision::Accepted { scopes, claims, consent_id } => {
            if let Err(e) = sb.store.merge_grant(wid, &subject, &request.client_id, &scopes, &claims, now()) {
                return db_failure(e);
            }
            match issue_code(sb, wid, &request, &subject, auth_time, &scopes, consent_id) {
                Ok(code) => {
                    client_redirect(sb, wid, &request.redirect_uri, &[("code", &code)], request.state.as_deref())
                }
                Err(r) => r,
            }
        }
        Decision::Rejected { error, error_description, error_cause } => client_redirect(
            sb,
            wid,
            &request.redirect_uri,
            &[
                ("error", &error),
                ("error_description", &error_description),
                ("error_cause", &error_cause),
                ("trace_id", &random_token(8)),
            ],
            request.state.as_deref(),
        ),
    }
}

fn issue_code(
    sb: &Sandbox,
    wid: &str,
    req: &AuthRequest,
    subject: &str,
    auth_time: i64,
    scopes: &[String],
    consent_id: Option<String>,
) -> Result<String, Response> {
    let code = random_token(32);
    let data = CodeData {
        workspace: wid.into(),
        client_id: req.client_id.clone(),
        redirect_uri: req.redirect_uri.clone(),
        redirect_uri_given: req.redirect_uri_given,
        scopes: scopes.to_vec(),
        subject: subject.into(),
        auth_time,
        nonce: req.nonce.clone(),
        code_challenge: req.code_challenge.clone(),
        grant_id: req.fdx_consent_id.clone(),
        consent_id,
    };
    let data = serde_json::to_string(&data).map_err(db_failure)?;
    sb.store.insert_code(&sha256_b64(&code), &data, now() + CODE_TTL, &random_token(16)).map_err(db_failure)?;
    Ok(code)
}

/// Authenticates the calling client (`client_secret_basic`, `client_secret_post`, `none`, or
/// with its TLS certificate: `tls_client_auth`, `self_signed_tls_client_auth`, RFC 8705 §2).
pub(super) fn authenticate_client(
    sb: &Sandbox,
    wid: &str,
    headers: &HeaderMap,
    form: &Params,
    cert: Option<&ClientCert>,
) -> Result<ClientData, Response> {
    let invalid = || oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Client authentication failed.");
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic ").or_else(|| v.strip_prefix("basic ")))
        .map(|b64| {
            let raw = STANDARD.decode(b64.trim()).map_err(|_| invalid())?;
            let raw = String::from_utf8(raw).map_err(|_| invalid())?;
            let (id, secret) = raw.split_once(':').ok_or_else(invalid)?;
            // RFC 6749 §2.3.1: both parts are form-urlencoded before Basic encoding.
            let decode = |s: &str| {
                url::form_urlencoded::parse(s.as_bytes()).next().map(|(k, _)| k.into_owned()).unwrap_or_default()
            };
            Ok::<_, Response>((decode(id), decode(secret)))
        })
        .transpose()?;
    let (client_id, secret, method) = match (basic, form.get("client_secret")) {
        (Some((id, secret)), None) => (id, Some(secret), "client_secret_basic"),
        (None, Some(secret)) => {
            (form.get("client_id").cloned().unwrap_or_default(), Some(secret.clone()), "client_secret_post")
        }
        (None, None) => (form.get("client_id").cloned().unwrap_or_default(), None, "none"),
        (Some(_), Some(_)) => {
            return Err(oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Use one client authentication method.",
            ))
        }
    };
    let (ws, hash, client) = sb.client(&client_id).ok_or_else(invalid)?;
    if ws != wid {
        return Err(invalid());
    }
    if client.uses_mtls() && method == "none" {
        let cert = cert.ok_or_else(invalid)?;
        let ok = match client.token_endpoint_auth_method.as_str() {
            // The registered subject, on a certificate from a CA the sandbox trusts.
            "tls_client_auth" => match (&client.tls_client_auth_subject_dn, mtls::subject_dn(&cert.0)) {
                (Some(expected), Some(presented)) => {
                    mtls::dn_matches(expected, &presented) && sb.client_cas.trust(&cert.0)
                }
                _ => false,
            },
            _ => client.jwks.as_ref().is_some_and(|jwks| mtls::jwks_holds(jwks, &cert.0)),
        };
        return if ok { Ok(client) } else { Err(invalid()) };
    }
    if client.token_endpoint_auth_method != method {
        return Err(invalid());
    }
    if let Some(secret) = secret {
        let expected = hash.unwrap_or_default();
        if !bool::from(sha256_b64(&secret).as_bytes().ct_eq(expected.as_bytes())) {
            return Err(invalid());
        }
    }
    Ok(client)
}

pub async fn par(
    State(sb): Sb,
    Path((tid, wid)): Path<(String, String)>,
    PeerCert(cert): PeerCert,
    headers: HeaderMap,
    Form(p): Form<Params>,
) -> Response {
    if let Err(r) = check_workspace(&sb, &tid, &wid) {
        return r;
    }
    let client = match authenticate_client(&sb, &wid, &headers, &p, cert.as_ref()) {
        Ok(c) => c,
        Err(_) => return api_error(StatusCode::UNAUTHORIZED, "client authentication failed", "invalid_client"),
    };
    let mut p = p;
    p.insert("client_id".into(), client.client_id.clone());
    if p.contains_key("request_uri") {
        return api_error(StatusCode::BAD_REQUEST, "request_uri is not allowed in a pushed request", "invalid_request");
    }
    let mut request = match parse_auth_request(&sb, &wid, &p) {
        Ok((r, _)) => r,
        Err(AuthorizeError::Page(_, m)) => return api_error(StatusCode::BAD_REQUEST, &m, "invalid_request"),
        Err(AuthorizeError::Redirect { error, description, .. }) => {
            return api_error(StatusCode::BAD_REQUEST, &description, error)
        }
    };
    if let Err(e) = super::fdx::create_consent(&sb, &wid, &mut request) {
        return db_failure(e);
    }
    let id = random_token(24);
    let data = serde_json::to_string(&request).unwrap_or_default();
    if let Err(e) = sb.store.insert_par(&id, &wid, &client.client_id, &data, now() + PAR_TTL) {
        return db_failure(e);
    }
    let body =
        serde_json::json!({"request_uri": format!("urn:ietf:params:oauth:request_uri:{id}"), "expires_in": PAR_TTL});
    (StatusCode::CREATED, Json(body)).into_response()
}

pub async fn token(
    State(sb): Sb,
    Path((tid, wid)): Path<(String, String)>,
    PeerCert(cert): PeerCert,
    headers: HeaderMap,
    Form(p): Form<Params>,
) -> Response {
    if let Err(r) = check_workspace(&sb, &tid, &wid) {
        return r;
    }
    if wid == "system" {
        sb.stats.system_tokens.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
    let client = match authenticate_client(&sb, &wid, &headers, &p, cert.as_ref()) {
        Ok(c) => c,
        Err(r) => return r,
    };
    // RFC 8705 §3: tokens of certificate-authenticated clients are bound to the certificate.
    let x5t = match &cert {
        Some(c) if client.uses_mtls() || client.tls_client_certificate_bound_access_tokens => Some(c.thumbprint()),
        None if client.tls_client_certificate_bound_access_tokens => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "This client's tokens are certificate-bound: call the mutual-TLS endpoint.",
            )
        }
        _ => None,
    };
    let grant_type = p.get("grant_type").map(String::as_str).unwrap_or_default();
    if !client.grant_types.iter().any(|g| g == grant_type) {
        return oauth_error(StatusCode::BAD_REQUEST, "unauthorized_client", "The client may not use this grant type.");
    }
    let result = match grant_type {
        "authorization_code" => code_grant(&sb, &wid, &client, &p, x5t),
        "refresh_token" => refresh_grant(&sb, &wid, &client, &p, cert.as_ref(), x5t),
        "client_credentials" => {
            let scopes: Vec<String> = match p.get("scope") {
                Some(s) => s.split_whitespace().map(str::to_string).collect(),
                None => client.scopes.clone(),
            };
            if let Some(bad) = scopes.iter().find(|s| !client.scopes.contains(s)) {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    &format!("The client may not request {bad}."),
                );
            }
            issue_tokens(&sb, &wid, &client.client_id, None, &scopes, &random_token(16), None, (x5t, None), false)
        }
        _ => Err(oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", "Unsupported grant_type.")),
    };
    match result {
        Ok(tokens) => {
            let mut res = Json(tokens).into_response();
            res.headers_mut().insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
            res
        }
        Err(r) => r,
    }
}

fn code_grant(
    sb: &Sandbox,
    wid: &str,
    client: &ClientData,
    p: &Params,
    x5t: Option<String>,
) -> Result<TokenResponse, Response> {
    let invalid = |d: &str| oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", d);
    let code = p.get("code").ok_or_else(|| invalid("Missing code."))?;
    let (data, exp, family) = match sb.store.redeem_code(&sha256_b64(code)).map_err(db_failure)? {
        None => return Err(invalid("Unknown code.")),
        Some(Err(family)) => {
            // A code used twice: revoke what the first use issued (RFC 6749 §4.1.2).
            let _ = sb.store.revoke_family(&family);
            return Err(invalid("The code was already used."));
        }
        Some(Ok(x)) => x,
    };
    let data: CodeData = serde_json::from_str(&data).map_err(db_failure)?;
    if exp <= now() {
        return Err(invalid("The code has expired."));
    }
    if data.workspace != wid || data.client_id != client.client_id {
        return Err(invalid("The code was issued to another client."));
    }
    match p.get("redirect_uri") {
        Some(r) if r != &data.redirect_uri => return Err(invalid("redirect_uri does not match.")),
        None if data.redirect_uri_given => {
            return Err(invalid("redirect_uri is required: the authorization request named one."))
        }
        _ => {}
    }
    match (&data.code_challenge, p.get("code_verifier")) {
        (Some(challenge), Some(verifier)) => {
            let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
            if !bool::from(computed.as_bytes().ct_eq(challenge.as_bytes())) {
                return Err(invalid("PKCE verification failed."));
            }
        }
        (Some(_), None) => return Err(invalid("Missing code_verifier.")),
        (None, Some(_)) => return Err(invalid("No code_challenge was sent for this code.")),
        (None, None) => {}
    }
    if let Some(grant) = &data.grant_id {
        if !super::fdx::consent_is_authorised(sb, grant) {
            return Err(invalid("The consent is not authorised."));
        }
    }
    let refresh =
        data.scopes.iter().any(|s| s == "offline_access") && client.grant_types.iter().any(|g| g == "refresh_token");
    let tokens = issue_tokens(
        sb,
        wid,
        &client.client_id,
        Some((&data.subject, data.auth_time)),
        &data.scopes,
        &family,
        data.nonce.as_deref(),
        (x5t, data.grant_id.clone()),
        refresh,
    )?;
    bind_consent(sb, &tokens, data.consent_id.as_deref())?;
    Ok(tokens)
}

/// Ties issued tokens to the consent record they were issued under (what the quickstart's
/// token-minting script does): introspection then names it, and revoking by it kills them.
fn bind_consent(sb: &Sandbox, tokens: &TokenResponse, consent_id: Option<&str>) -> Result<(), Response> {
    let Some(consent) = consent_id else { return Ok(()) };
    for token in std::iter::once(&tokens.access_token).chain(tokens.refresh_token.as_ref()) {
        sb.store.bind_consent(&sha256_b64(token), consent).map_err(db_failure)?;
    }
    Ok(())
}

fn refresh_grant(
    sb: &Sandbox,
    wid: &str,
    client: &ClientData,
    p: &Params,
    cert: Option<&ClientCert>,
    x5t: Option<String>,
) -> Result<TokenResponse, Response> {
    let invalid = |d: &str| oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", d);
    let token = p.get("refresh_token").ok_or_else(|| invalid("Missing refresh_token."))?;
    let hash = sha256_b64(token);
    let row = sb
        .store
        .token(&hash)
        .map_err(db_failure)?
        .filter(|r| r.kind == "refresh")
        .ok_or_else(|| invalid("The refresh token is not active."))?;
    if row.workspace != wid || row.client_id != client.client_id {
        return Err(invalid("The refresh token was issued to another client."));
    }
    if row.expires_at <= now() {
        return Err(invalid("The refresh token is not active."));
    }
    // A refresh token bound to a certificate (RFC 8705 §3) is used only with it.
    if !super::bound_to(sb, token, cert) {
        return Err(invalid("The refresh token is bound to another certificate."));
    }
    let granted: Vec<String> = row.scope.split_whitespace().map(str::to_string).collect();
    let scopes = match p.get("scope") {
        Some(s) => {
            let asked: Vec<String> = s.split_whitespace().map(str::to_string).collect();
            if asked.iter().any(|a| !granted.contains(a)) {
                return Err(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    "Cannot widen the scope on refresh.",
                ));
            }
            asked
        }
        None => granted,
    };
    let (_, grant_id) = sb.store.token_binding(&hash).map_err(db_failure)?;
    if let Some(grant) = &grant_id {
        if !super::fdx::consent_is_authorised(sb, grant) {
            return Err(invalid("The consent is not authorised."));
        }
    }
    // Rotation, claimed atomically: of two requests with one refresh token, one wins. A refresh
    // token used again after rotation was stolen or replayed: the whole authorization ends
    // (RFC 9700 §4.14.2).
    if !sb.store.revoke_token(&hash).map_err(db_failure)? {
        sb.store.revoke_family(&row.family).map_err(db_failure)?;
        return Err(invalid("The refresh token was already used; the authorization is revoked."));
    }
    let subject = row.subject.clone().unwrap_or_default();
    let consent = sb.store.consent_of(&hash).map_err(db_failure)?;
    let tokens = issue_tokens(
        sb,
        wid,
        &client.client_id,
        Some((&subject, row.issued_at)),
        &scopes,
        &row.family,
        None,
        (x5t, grant_id),
        true,
    )?;
    bind_consent(sb, &tokens, consent.as_deref())?;
    Ok(tokens)
}

#[allow(clippy::too_many_arguments)]
fn issue_tokens(
    sb: &Sandbox,
    wid: &str,
    client_id: &str,
    subject: Option<(&str, i64)>,
    scopes: &[String],
    family: &str,
    nonce: Option<&str>,
    binding: Binding,
    refresh: bool,
) -> Result<TokenResponse, Response> {
    let now = now();
    let scope = scopes.join(" ");
    let access = random_token(32);
    let sub = subject.map(|s| s.0);
    sb.store
        .insert_bound_token(
            &sha256_b64(&access),
            "access",
            wid,
            client_id,
            sub,
            &scope,
            family,
            now,
            now + ACCESS_TTL,
            &binding,
        )
        .map_err(db_failure)?;
    let refresh_token = if refresh {
        let rt = random_token(32);
        sb.store
            .insert_bound_token(
                &sha256_b64(&rt),
                "refresh",
                wid,
                client_id,
                sub,
                &scope,
                family,
                now,
                now + REFRESH_TTL,
                &binding,
            )
            .map_err(db_failure)?;
        Some(rt)
    } else {
        None
    };
    let id_token = match subject {
        Some((sub, auth_time)) if scopes.iter().any(|s| s == "openid") => {
            Some(sign_id_token(sb, wid, client_id, sub, auth_time, nonce, scopes, &access).map_err(db_failure)?)
        }
        _ => None,
    };
    Ok(TokenResponse {
        access_token: access,
        token_type: "bearer".into(),
        expires_in: ACCESS_TTL as u64,
        scope: Some(scope),
        refresh_token,
        id_token,
        grant_id: binding.1,
    })
}

/// Profile claims of a user that the granted scopes release.
fn standard_claims(sb: &Sandbox, sub: &str, scopes: &[String]) -> StandardClaims<openidconnect::core::CoreGenderClaim> {
    let user: Option<UserData> = sb.store.user(sub).ok().flatten().and_then(|(_, d)| serde_json::from_str(&d).ok());
    let mut claims = StandardClaims::new(SubjectIdentifier::new(sub.into()));
    if let Some(user) = user {
        if scopes.iter().any(|s| s == "email") {
            claims = claims.set_email(Some(EndUserEmail::new(user.email))).set_email_verified(Some(true));
        }
        if scopes.iter().any(|s| s == "profile") {
            let mut name = LocalizedClaim::new();
            name.insert(None, EndUserName::new(user.name));
            claims = claims.set_name(Some(name)).set_preferred_username(Some(EndUserUsername::new(sub.into())));
        }
    }
    claims
}

#[allow(clippy::too_many_arguments)]
fn sign_id_token(
    sb: &Sandbox,
    wid: &str,
    client_id: &str,
    sub: &str,
    auth_time: i64,
    nonce: Option<&str>,
    scopes: &[String],
    access: &str,
) -> Result<String, String> {
    let now = chrono::Utc::now();
    let auth_time = chrono::DateTime::from_timestamp(auth_time, 0).unwrap_or(now);
    let claims = IdTokenClaims::new(
        IssuerUrl::new(sb.issuer(wid)).map_err(|e| e.to_string())?,
        vec![Audience::new(client_id.into())],
        now + chrono::Duration::seconds(ACCESS_TTL),
        now,
        standard_claims(sb, sub, scopes),
        BankClaims { customer_id: sb.customer_of(sub), roles: sb.roles_of(sub) },
    )
    .set_auth_time(Some(auth_time))
    .set_nonce(nonce.map(|n| Nonce::new(n.into())));
    IdToken::new(
        claims,
        &sb.key,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        Some(&AccessToken::new(access.into())),
        None,
    )
    .map(|t| t.to_string())
    .map_err(|e| e.to_string())
}

pub async fn introspect(
    State(sb): Sb,
    Path((tid, wid)): Path<(String, String)>,
    PeerCert(cert): PeerCert,
    headers: HeaderMap,
    Form(p): Form<Params>,
) -> Response {
    if let Err(r) = check_workspace(&sb, &tid, &wid) {
        return r;
    }
    // Either a bearer token carrying `introspect_tokens`, or the client's own authentication.
    let caller = match bearer(&headers).and_then(|t| active_token(&sb, t)) {
        Some(row) if row.workspace == wid && row.scope.split_whitespace().any(|s| s == "introspect_tokens") => None,
        _ => match authenticate_client(&sb, &wid, &headers, &p, cert.as_ref()) {
            Ok(c) => Some(c.client_id),
            Err(r) => return r,
        },
    };
    let inactive = Json(Introspection::default()).into_response();
    let Some(token) = p.get("token") else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "Missing token.");
    };
    let Some(row) = active_token(&sb, token) else { return inactive };
    if row.workspace != wid || caller.as_ref().is_some_and(|c| c != &row.client_id) {
        return inactive;
    }
    let (x5t, grant) = sb.store.token_binding(&sha256_b64(token)).unwrap_or_default();
    if grant.as_deref().is_some_and(|g| !super::fdx::consent_is_authorised(&sb, g)) {
        return inactive;
    }
    let consent = sb.store.consent_of(&sha256_b64(token)).ok().flatten();
    Json(Introspection { consent_id: consent, ..introspection(&sb, &wid, row, x5t) }).into_response()
}

/// `IntrospectResponse` of an active token.
pub(super) fn introspection(
    sb: &Sandbox,
    wid: &str,
    row: super::store::TokenRow,
    x5t: Option<String>,
) -> Introspection {
    Introspection {
        active: true,
        sub: Some(row.subject.clone().unwrap_or_else(|| row.client_id.clone())),
        client_id: Some(row.client_id),
        scope: Some(row.scope),
        iss: Some(sb.issuer(wid)),
        exp: Some(row.expires_at),
        iat: Some(row.issued_at),
        token_type: Some(if row.kind == "refresh" { "refresh_token" } else { "access_token" }.into()),
        tenant_id: Some(TENANT.into()),
        server_id: Some(wid.to_string()),
        cnf: x5t.map(|t| Confirmation { x5t_s256: Some(t) }),
        consent_id: None,
    }
}

pub async fn revoke(
    State(sb): Sb,
    Path((tid, wid)): Path<(String, String)>,
    PeerCert(cert): PeerCert,
    headers: HeaderMap,
    Form(p): Form<Params>,
) -> Response {
    if let Err(r) = check_workspace(&sb, &tid, &wid) {
        return r;
    }
    let client = match authenticate_client(&sb, &wid, &headers, &p, cert.as_ref()) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some(token) = p.get("token") else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "Missing token.");
    };
    if let Some(row) = active_token(&sb, token) {
        if row.workspace == wid && row.client_id == client.client_id {
            let result = if row.kind == "refresh" {
                // Revoking a refresh token ends the whole authorization (RFC 7009 §2.1).
                sb.store.revoke_family(&row.family).map(|_| ())
            } else {
                sb.store.revoke_token(&sha256_b64(token)).map(|_| ())
            };
            if let Err(e) = result {
                return db_failure(e);
            }
        }
    }
    // Unknown, foreign or already revoked tokens also answer 200 (RFC 7009 §2.2).
    StatusCode::OK.into_response()
}

pub async fn userinfo(
    State(sb): Sb,
    Path((tid, wid)): Path<(String, String)>,
    PeerCert(cert): PeerCert,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = check_workspace(&sb, &tid, &wid) {
        return r;
    }
    let unauthorized = || {
        let mut r = StatusCode::UNAUTHORIZED.into_response();
        r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer error=\"invalid_token\""));
        r
    };
    let Some(row) = bearer(&headers).and_then(|t| presented_token(&sb, t, cert.as_ref())) else {
        return unauthorized();
    };
    let scopes: Vec<String> = row.scope.split_whitespace().map(str::to_string).collect();
    let (Some(sub), true, "access") = (row.subject, row.workspace == wid, row.kind.as_str()) else {
        return unauthorized();
    };
    if !scopes.iter().any(|s| s == "openid") {
        return unauthorized();
    }
    let mut body = serde_json::to_value(standard_claims(&sb, &sub, &scopes)).unwrap_or_default();
    if let Some(map) = body.as_object_mut() {
        map.insert("tid".into(), TENANT.into());
        map.insert("aid".into(), wid.into());
    }
    Json(body).into_response()
}
