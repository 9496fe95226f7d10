//! `private_key_jwt` client authentication (RFC 7523 §2.2, §3; OpenID Connect Core §9): the
//! client signs a short-lived JWT with a key whose public half it registered in its `jwks`,
//! and the sandbox checks the signature (ES256, PS256 or RS256, never `none`), `iss` = `sub` =
//! the client, `aud` (the workspace's issuer, the token endpoint or the endpoint called), an
//! `exp` at most five minutes away, and a `jti` it has not seen before (remembered until `exp`).

use crate::sandbox::config::TENANT;
use crate::sandbox::state::Sandbox;
use crate::sandbox::util::now;
use crate::sandbox::workspace::ClientData;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, JwkSet, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::Value;

/// The `client_assertion_type` of a JWT bearer client assertion (RFC 7523 §2.2).
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The signing algorithms the sandbox verifies client assertions with (what discovery lists).
pub const SIGNING_ALGS: [Algorithm; 3] = [Algorithm::ES256, Algorithm::PS256, Algorithm::RS256];

/// The longest lifetime of an assertion: its `exp` at most this far in the future.
pub const MAX_LIFETIME: i64 = 300;

/// Clock skew forgiven on `exp` and `nbf`.
const LEEWAY: u64 = 5;

#[derive(Deserialize)]
struct Claims {
    exp: i64,
    jti: String,
}

/// The client an assertion names (`iss`, else `sub`), read before anything is verified: only
/// to look up the keys it must then verify against.
pub fn named_client(assertion: &str) -> Option<String> {
    let payload = assertion.split('.').nth(1)?;
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    claims["iss"].as_str().or_else(|| claims["sub"].as_str()).map(str::to_string)
}

/// The audiences an assertion sent to `endpoint` (a path below the workspace, such as
/// `/oauth2/token`) may name: the issuer, the token endpoint or that endpoint, on either listener.
fn audiences(sb: &Sandbox, wid: &str, endpoint: &str) -> Vec<String> {
    let mut out = Vec::new();
    for base in [&sb.base_url, &sb.mtls_base_url] {
        let iss = format!("{base}/{TENANT}/{wid}");
        out.push(format!("{iss}/oauth2/token"));
        out.push(format!("{iss}{endpoint}"));
        out.push(iss);
    }
    out
}

/// Can `key` verify a signature of `alg`? Its type, its `alg` and its `use` must allow it.
fn key_fits(key: &Jwk, alg: Algorithm) -> bool {
    let kind = matches!(
        (&key.algorithm, alg),
        (AlgorithmParameters::EllipticCurve(_), Algorithm::ES256)
            | (AlgorithmParameters::RSA(_), Algorithm::PS256 | Algorithm::RS256)
    );
    let named = match key.common.key_algorithm {
        None => true,
        Some(KeyAlgorithm::ES256) => alg == Algorithm::ES256,
        Some(KeyAlgorithm::PS256) => alg == Algorithm::PS256,
        Some(KeyAlgorithm::RS256) => alg == Algorithm::RS256,
        Some(_) => false,
    };
    kind && named && !matches!(key.common.public_key_use, Some(PublicKeyUse::Encryption))
}

/// Verifies `assertion` as `client`'s authentication at `endpoint` of workspace `wid`, and
/// spends its `jti`. `Err` says why not (for the log; the caller answers `invalid_client`).
pub fn verify(
    sb: &Sandbox,
    wid: &str,
    client: &ClientData,
    assertion: &str,
    endpoint: &str,
) -> Result<(), &'static str> {
    let header = jsonwebtoken::decode_header(assertion).map_err(|_| "not a signed JWT")?;
    if !SIGNING_ALGS.contains(&header.alg) {
        return Err("unsupported signing algorithm");
    }
    let jwks: JwkSet =
        client.jwks.clone().and_then(|j| serde_json::from_value(j).ok()).ok_or("the client has no usable jwks")?;
    let mut validation = Validation::new(header.alg);
    validation.set_required_spec_claims(&["exp", "iss", "sub", "aud"]);
    validation.set_issuer(&[&client.client_id]);
    validation.sub = Some(client.client_id.clone());
    validation.set_audience(&audiences(sb, wid, endpoint));
    validation.leeway = LEEWAY;
    let claims = jwks
        .keys
        .iter()
        .filter(|k| header.kid.is_none() || k.common.key_id == header.kid)
        .filter(|k| key_fits(k, header.alg))
        .filter_map(|k| DecodingKey::from_jwk(k).ok())
        .find_map(|key| jsonwebtoken::decode::<Claims>(assertion, &key, &validation).ok())
        .ok_or("bad signature or claims")?
        .claims;
    if claims.exp > now() + MAX_LIFETIME + LEEWAY as i64 {
        return Err("exp is too far in the future");
    }
    if claims.jti.is_empty() || claims.jti.len() > 256 {
        return Err("no usable jti");
    }
    match sb.store.spend_jti(&client.client_id, &claims.jti, claims.exp, now()) {
        Ok(true) => Ok(()),
        Ok(false) => Err("jti already used"),
        Err(e) => {
            tracing::error!(error = %e, "sandbox database error");
            Err("database error")
        }
    }
}

/// Checks a `jwks` registered for `private_key_jwt`: 1 to 10 public keys (EC P-256 or RSA of
/// at least 2048 bits), none with a private part, each one the verifier can use.
pub fn registrable_jwks(jwks: Option<&Value>) -> Result<(), String> {
    let keys = jwks.and_then(|j| j["keys"].as_array()).ok_or("private_key_jwt needs a jwks with keys.")?;
    if keys.is_empty() || keys.len() > 10 {
        return Err("Register between 1 and 10 keys in jwks.".into());
    }
    for key in keys {
        let private = ["d", "p", "q", "dp", "dq", "qi", "k", "oth"];
        if private.iter().any(|p| key.get(p).is_some()) {
            return Err("jwks must hold public keys only: a key has a private part.".into());
        }
        match (key["kty"].as_str(), key["crv"].as_str()) {
            (Some("EC"), Some("P-256")) => {}
            (Some("RSA"), _) => {
                let n = key["n"].as_str().and_then(|n| URL_SAFE_NO_PAD.decode(n).ok()).unwrap_or_default();
                if n.len() < 256 {
                    return Err("An RSA key in jwks is shorter than 2048 bits.".into());
                }
            }
            _ => return Err("jwks keys must be EC P-256 or RSA.".into()),
        }
        let jwk: Jwk = serde_json::from_value(key.clone()).map_err(|e| format!("A key in jwks is invalid: {e}"))?;
        DecodingKey::from_jwk(&jwk).map_err(|e| format!("A key in jwks is invalid: {e}"))?;
    }
    Ok(())
}
