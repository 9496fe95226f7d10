//! Dynamic client registration (RFC 7591) at `/{tid}/{wid}/oauth2/register`: open to outside
//! applications in every workspace whose seed allows it (not the System and staff ones), with bounded metadata, web
//! redirect URIs only, and a secret for confidential clients that authenticate with one (not
//! those of mutual TLS or `private_key_jwt`, whose `jwks` holds public keys only).

use crate::sandbox::authz::client_assertion::registrable_jwks;
use crate::sandbox::http::{check_workspace, db_failure};
use crate::sandbox::state::Sandbox;
use crate::sandbox::util::{now, random_token, sha256_b64};
use crate::sandbox::workspace::ClientData;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde::Deserialize;
use serde_json::Value;
use std::sync::Arc;

/// RFC 7591 client metadata accepted at registration.
#[derive(Deserialize)]
pub struct RegistrationRequest {
    #[serde(default)]
    redirect_uris: Vec<String>,
    #[serde(default)]
    client_name: Option<String>,
    #[serde(default)]
    token_endpoint_auth_method: Option<String>,
    #[serde(default)]
    grant_types: Option<Vec<String>>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    logo_uri: Option<String>,
    #[serde(default)]
    client_uri: Option<String>,
    #[serde(default)]
    policy_uri: Option<String>,
    #[serde(default)]
    tos_uri: Option<String>,
    #[serde(default)]
    tls_client_auth_subject_dn: Option<String>,
    #[serde(default)]
    jwks: Option<Value>,
    #[serde(default)]
    tls_client_certificate_bound_access_tokens: bool,
}

/// The largest registration request accepted (RFC 7591 metadata is small).
pub const REGISTRATION_MAX_BYTES: usize = 64 * 1024;

/// True for `https:`, and for `http:` towards this machine only (RFC 8252 §7.3).
fn web_url_ok(u: &url::Url) -> bool {
    match u.scheme() {
        "https" => u.host().is_some(),
        "http" => match u.host() {
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        },
        _ => false,
    }
}

/// Redirect URIs a client may register (RFC 9700 §2.1, §4.1; RFC 6749 §3.1.2): absolute, no
/// fragment, `https` (or `http` on loopback), or a native app's private-use scheme in reverse
/// domain form (RFC 8252 §7.1). Never `javascript:`, `data:` and the like, which would make the
/// authorization server's own origin an open redirector or script runner.
fn registered_redirects(uris: &[String]) -> Result<(), String> {
    if uris.is_empty() || uris.len() > 10 {
        return Err("Register between 1 and 10 redirect_uris.".into());
    }
    for raw in uris {
        if raw.len() > 2048 {
            return Err("A redirect_uri is longer than 2048 characters.".into());
        }
        let u = url::Url::parse(raw).map_err(|_| format!("{raw} is not an absolute URL."))?;
        if u.fragment().is_some() || raw.contains('#') {
            return Err(format!("{raw} has a fragment."));
        }
        let native = u.scheme().contains('.') && !u.cannot_be_a_base();
        if !(web_url_ok(&u) || native) {
            return Err(format!(
                "{raw}: redirect URIs must be https (http only for loopback hosts) or a reverse-domain app scheme."
            ));
        }
    }
    Ok(())
}

/// Every metadata field has a size, and the links are web URLs.
fn bounded_metadata(r: &RegistrationRequest) -> Result<(), String> {
    let texts = [
        ("client_name", r.client_name.as_deref(), 200),
        ("scope", r.scope.as_deref(), 2048),
        ("tls_client_auth_subject_dn", r.tls_client_auth_subject_dn.as_deref(), 1024),
        ("token_endpoint_auth_method", r.token_endpoint_auth_method.as_deref(), 64),
    ];
    for (name, value, max) in texts {
        if value.is_some_and(|v| v.len() > max) {
            return Err(format!("{name} is longer than {max} characters."));
        }
    }
    for (name, value) in [
        ("logo_uri", &r.logo_uri),
        ("client_uri", &r.client_uri),
        ("policy_uri", &r.policy_uri),
        ("tos_uri", &r.tos_uri),
    ] {
        if let Some(v) = value {
            if v.len() > 2048 || !url::Url::parse(v).is_ok_and(|u| web_url_ok(&u)) {
                return Err(format!("{name} must be an https URL of at most 2048 characters."));
            }
        }
    }
    if r.grant_types.as_ref().is_some_and(|g| g.len() > 8) {
        return Err("Too many grant_types.".into());
    }
    if r.jwks.as_ref().is_some_and(|j| j.to_string().len() > 16 * 1024) {
        return Err("jwks is larger than 16 KiB.".into());
    }
    Ok(())
}

pub async fn register(
    State(sb): State<Arc<Sandbox>>,
    Path((tid, wid)): Path<(String, String)>,
    Json(r): Json<RegistrationRequest>,
) -> Response {
    if let Err(resp) = check_workspace(&sb, &tid, &wid) {
        return resp;
    }
    let bad = |d: &str| {
        (StatusCode::BAD_REQUEST, Json(serde_json::json!({"error": "invalid_client_metadata", "error_description": d})))
            .into_response()
    };
    if !sb.workspace(&wid).is_some_and(|w| w.registration) {
        // The System workspace and the bank's staff workspace take no outside applications.
        return bad("Registration is not open in this workspace.");
    }
    if let Err(why) = registered_redirects(&r.redirect_uris) {
        return (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({"error": "invalid_redirect_uri", "error_description": why})),
        )
            .into_response();
    }
    if let Err(why) = bounded_metadata(&r) {
        return bad(&why);
    }
    let method = r.token_endpoint_auth_method.unwrap_or_else(|| "client_secret_basic".into());
    if ![
        "client_secret_basic",
        "client_secret_post",
        "private_key_jwt",
        "none",
        "tls_client_auth",
        "self_signed_tls_client_auth",
    ]
    .contains(&method.as_str())
    {
        return bad("Unsupported token_endpoint_auth_method.");
    }
    if method == "private_key_jwt" {
        if let Err(why) = registrable_jwks(r.jwks.as_ref()) {
            return bad(&why);
        }
    }
    if method == "tls_client_auth" && r.tls_client_auth_subject_dn.as_deref().is_none_or(|d| d.trim().is_empty()) {
        return bad("tls_client_auth needs tls_client_auth_subject_dn.");
    }
    let has_x5c = |j: &Value| j["keys"].as_array().is_some_and(|k| k.iter().any(|k| k["x5c"][0].is_string()));
    if method == "self_signed_tls_client_auth" && !r.jwks.as_ref().is_some_and(has_x5c) {
        return bad("self_signed_tls_client_auth needs a jwks with an x5c certificate.");
    }
    let bound = method_is_mtls(&method);
    let grant_types = r.grant_types.unwrap_or_else(|| vec!["authorization_code".into()]);
    if grant_types.iter().any(|g| !["authorization_code", "refresh_token", "client_credentials"].contains(&g.as_str()))
    {
        return bad("Unsupported grant type.");
    }
    if method == "none" && grant_types.iter().any(|g| g == "client_credentials") {
        return bad("A public client (token_endpoint_auth_method none) cannot use client_credentials.");
    }
    let catalogue: Vec<String> = sb
        .workspace(&wid)
        .map(|w| {
            w.services
                .iter()
                .filter(|s| s.id != "portal" && s.id != "internal")
                .flat_map(|s| s.scopes.iter().map(|sc| sc.name.clone()))
                .collect()
        })
        .unwrap_or_default();
    let scopes = match r.scope {
        Some(s) => {
            let asked: Vec<String> = s.split_whitespace().map(str::to_string).collect();
            if let Some(bad_scope) = asked.iter().find(|a| !catalogue.contains(a)) {
                return bad(&format!("Unknown scope {bad_scope}."));
            }
            asked
        }
        None => catalogue,
    };
    let client = ClientData {
        client_id: random_token(12),
        client_name: r.client_name,
        description: None,
        logo_uri: r.logo_uri,
        client_uri: r.client_uri,
        policy_uri: r.policy_uri,
        tos_uri: r.tos_uri,
        redirect_uris: r.redirect_uris,
        token_endpoint_auth_method: method,
        grant_types,
        scopes,
        trusted: false,
        tls_client_auth_subject_dn: r.tls_client_auth_subject_dn,
        jwks: r.jwks,
        tls_client_certificate_bound_access_tokens: r.tls_client_certificate_bound_access_tokens || bound,
    };
    let secret = (!["none", "private_key_jwt"].contains(&client.token_endpoint_auth_method.as_str())
        && !client.uses_mtls())
    .then(|| random_token(32));
    let data = serde_json::to_string(&client).unwrap_or_default();
    if let Err(e) =
        sb.store.upsert_client(&client.client_id, &wid, secret.as_deref().map(sha256_b64).as_deref(), &data, now())
    {
        return db_failure(e);
    }
    let mut body = serde_json::to_value(&client).unwrap_or_default();
    if let Some(map) = body.as_object_mut() {
        map.remove("trusted");
        map.insert("scope".into(), client.scopes.join(" ").into());
        map.remove("scopes");
        map.insert("client_id_issued_at".into(), now().into());
        map.insert("response_types".into(), serde_json::json!(["code"]));
        if let Some(secret) = secret {
            map.insert("client_secret".into(), secret.into());
            map.insert("client_secret_expires_at".into(), 0.into());
        }
    }
    (StatusCode::CREATED, Json(body)).into_response()
}

fn method_is_mtls(method: &str) -> bool {
    matches!(method, "tls_client_auth" | "self_signed_tls_client_auth")
}
