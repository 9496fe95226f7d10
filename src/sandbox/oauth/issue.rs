//! What the OAuth core issues: codes, access and refresh tokens (with their certificate binding
//! and grant), and signed ID tokens with the bank's `customer_id` claim.

use crate::sandbox::authz::request::{AuthRequest, CodeData};
use crate::sandbox::http::db_failure;
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::Binding;
use crate::sandbox::util::{now, random_token, sha256_b64};
use crate::wire::TokenResponse;
use axum::response::Response;
use openidconnect::core::{CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm};
use openidconnect::{
    AccessToken, AdditionalClaims, Audience, EndUserEmail, EndUserName, EndUserUsername, IssuerUrl, LocalizedClaim,
    Nonce, StandardClaims, SubjectIdentifier,
};
use serde::{Deserialize, Serialize};

pub const ACCESS_TTL: i64 = 3600;
const REFRESH_TTL: i64 = 30 * 24 * 3600;
const CODE_TTL: i64 = 60;

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

pub fn issue_code(
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
        grant_id: req.grant_id.clone(),
        consent_id,
    };
    let data = serde_json::to_string(&data).map_err(db_failure)?;
    sb.store.insert_code(&sha256_b64(&code), &data, now() + CODE_TTL, &random_token(16)).map_err(db_failure)?;
    Ok(code)
}

#[allow(clippy::too_many_arguments)]
pub fn issue_tokens(
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
        cdr_arrangement_id: None,
    })
}

/// Profile claims of a user that the granted scopes release.
pub fn standard_claims(
    sb: &Sandbox,
    sub: &str,
    scopes: &[String],
) -> StandardClaims<openidconnect::core::CoreGenderClaim> {
    let user = sb.user(sub);
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
        sb.signing_of(wid).0,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        Some(&AccessToken::new(access.into())),
        None,
    )
    .map(|t| t.to_string())
    .map_err(|e| e.to_string())
}
