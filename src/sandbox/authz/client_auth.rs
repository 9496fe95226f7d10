//! Client authentication at the token, PAR, introspection and revocation endpoints:
//! `client_secret_basic`, `client_secret_post`, `none`, a signed assertion (`private_key_jwt`,
//! RFC 7523 §2.2, see `client_assertion`), and with the TLS certificate (`tls_client_auth`,
//! `self_signed_tls_client_auth`, RFC 8705 §2).

use crate::sandbox::authz::client_assertion::{self, JWT_BEARER};
use crate::sandbox::authz::request::Params;
use crate::sandbox::http::oauth_error;
use crate::sandbox::mtls::{self, ClientCert};
use crate::sandbox::state::Sandbox;
use crate::sandbox::util::sha256_b64;
use crate::sandbox::workspace::ClientData;
use axum::{
    http::{header, HeaderMap, StatusCode},
    response::Response,
};
use base64::{engine::general_purpose::STANDARD, Engine as _};
use subtle::ConstantTimeEq;

/// Authenticates the calling client at `endpoint` (its path below the workspace, such as
/// `/oauth2/token`: an assertion may name it as its audience) by `client_secret_basic`,
/// `client_secret_post`, `private_key_jwt`, `none`, or with its TLS certificate
/// (`tls_client_auth`, `self_signed_tls_client_auth`, RFC 8705 §2).
pub fn authenticate_client(
    sb: &Sandbox,
    wid: &str,
    headers: &HeaderMap,
    form: &Params,
    cert: Option<&ClientCert>,
    endpoint: &str,
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
    if let Some(assertion) = form.get("client_assertion") {
        return assertion_client(sb, wid, form, assertion, basic.is_some(), endpoint);
    }
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

/// `private_key_jwt`: the client the assertion names, if it registered that method, the form's
/// `client_id` (when sent) is the same, and the assertion verifies (`client_assertion`).
fn assertion_client(
    sb: &Sandbox,
    wid: &str,
    form: &Params,
    assertion: &str,
    also_basic: bool,
    endpoint: &str,
) -> Result<ClientData, Response> {
    let invalid = || oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Client authentication failed.");
    if also_basic || form.contains_key("client_secret") {
        return Err(oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "Use one client authentication method."));
    }
    if form.get("client_assertion_type").map(String::as_str) != Some(JWT_BEARER) {
        return Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer.",
        ));
    }
    let client_id = client_assertion::named_client(assertion).ok_or_else(invalid)?;
    if form.get("client_id").is_some_and(|id| id != &client_id) {
        return Err(invalid());
    }
    let (ws, _, client) = sb.client(&client_id).ok_or_else(invalid)?;
    if ws != wid || client.token_endpoint_auth_method != "private_key_jwt" {
        return Err(invalid());
    }
    match client_assertion::verify(sb, wid, &client, assertion, endpoint) {
        Ok(()) => Ok(client),
        Err(why) => {
            tracing::info!(client_id, why, "client assertion refused");
            Err(invalid())
        }
    }
}
