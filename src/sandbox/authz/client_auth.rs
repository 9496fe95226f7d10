//! Client authentication at the token, PAR, introspection and revocation endpoints:
//! `client_secret_basic`, `client_secret_post`, `none`, and with the TLS certificate
//! (`tls_client_auth`, `self_signed_tls_client_auth`, RFC 8705 §2).

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

/// Authenticates the calling client (`client_secret_basic`, `client_secret_post`, `none`, or
/// with its TLS certificate: `tls_client_auth`, `self_signed_tls_client_auth`, RFC 8705 §2).
pub fn authenticate_client(
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
