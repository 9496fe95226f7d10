//! Discovery (`/.well-known/openid-configuration`, with the consent profile's additions) and
//! the signing keys (`/.well-known/jwks.json`) of a workspace.

use crate::sandbox::authz::client_assertion::SIGNING_ALGS;
use crate::sandbox::config::TENANT;
use crate::sandbox::http::{api_error, check_workspace};
use crate::sandbox::profile::of;
use crate::sandbox::state::Sandbox;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use openidconnect::core::{
    CoreAuthDisplay, CoreClaimName, CoreClaimType, CoreClientAuthMethod, CoreGrantType, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm, CoreJwsSigningAlgorithm, CoreResponseMode,
    CoreResponseType, CoreSubjectIdentifierType,
};
use openidconnect::{
    AdditionalProviderMetadata, AuthUrl, IssuerUrl, JsonWebKeySetUrl, ProviderMetadata, RegistrationUrl, ResponseTypes,
    Scope, TokenUrl, UserInfoUrl,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;

type Sb = State<Arc<Sandbox>>;

/// Discovery fields the core metadata type does not carry.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExtraMetadata {
    pushed_authorization_request_endpoint: String,
    /// RFC 9126 §5: authorization requests only through PAR (Go Bank, Hyperscale Bank).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    require_pushed_authorization_requests: bool,
    introspection_endpoint: String,
    revocation_endpoint: String,
    code_challenge_methods_supported: Vec<String>,
    authorization_response_iss_parameter_supported: bool,
    introspection_endpoint_auth_methods_supported: Vec<String>,
    revocation_endpoint_auth_methods_supported: Vec<String>,
    /// What `private_key_jwt` assertions may be signed with at these endpoints.
    introspection_endpoint_auth_signing_alg_values_supported: Vec<String>,
    revocation_endpoint_auth_signing_alg_values_supported: Vec<String>,
    /// RFC 8705 §5: the same endpoints on the mutual-TLS listener.
    mtls_endpoint_aliases: Value,
    tls_client_certificate_bound_access_tokens: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    authorization_details_types_supported: Vec<String>,
    /// CDR profile only: the data recipient's arrangement revocation endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cdr_arrangement_revocation_endpoint: Option<String>,
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
        "private_key_jwt".into(),
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
    let extra = of(sb, wid).discovery(sb, wid);
    let assertion_algs: Vec<String> = SIGNING_ALGS.iter().map(|a| format!("{a:?}")).collect();
    for (name, value) in extra.mtls_aliases {
        aliases[name] = value.into();
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
            require_pushed_authorization_requests: sb.workspace(wid).is_some_and(|w| w.requires_par),
            introspection_endpoint: url(&iss, "/oauth2/introspect"),
            revocation_endpoint: url(&iss, "/oauth2/revoke"),
            code_challenge_methods_supported: vec!["S256".into()],
            authorization_response_iss_parameter_supported: true,
            introspection_endpoint_auth_methods_supported: auth_methods.clone(),
            revocation_endpoint_auth_methods_supported: auth_methods,
            introspection_endpoint_auth_signing_alg_values_supported: assertion_algs.clone(),
            revocation_endpoint_auth_signing_alg_values_supported: assertion_algs,
            mtls_endpoint_aliases: aliases,
            tls_client_certificate_bound_access_tokens: true,
            authorization_details_types_supported: extra.authorization_details_types,
            cdr_arrangement_revocation_endpoint: extra.cdr_arrangement_revocation_endpoint,
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
        CoreClientAuthMethod::PrivateKeyJwt,
        CoreClientAuthMethod::Extension("tls_client_auth".into()),
        CoreClientAuthMethod::Extension("self_signed_tls_client_auth".into()),
        CoreClientAuthMethod::None,
    ]))
    .set_token_endpoint_auth_signing_alg_values_supported(Some(vec![
        CoreJwsSigningAlgorithm::EcdsaP256Sha256,
        CoreJwsSigningAlgorithm::RsaSsaPssSha256,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
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
    Json(sb.signing_of(&wid).1).into_response()
}
