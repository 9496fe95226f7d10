//! The userinfo endpoint (OIDC Core §5.3): the profile claims an `openid` access token's
//! scopes release, with the tenant, the workspace and a staff member's roles.

use crate::sandbox::config::TENANT;
use crate::sandbox::http::{bearer, check_workspace, injected_fault, presented_token};
use crate::sandbox::mtls::PeerCert;
use crate::sandbox::oauth::issue::standard_claims;
use crate::sandbox::state::Sandbox;
use axum::{
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use std::sync::Arc;

type Sb = State<Arc<Sandbox>>;

pub async fn userinfo(
    State(sb): Sb,
    Path((tid, wid)): Path<(String, String)>,
    PeerCert(cert): PeerCert,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = check_workspace(&sb, &tid, &wid) {
        return r;
    }
    if let Err(r) = injected_fault(&sb).await {
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
        // A staff member's roles, as the ID token has them, read now.
        let roles = sb.roles_of(&sub);
        if !roles.is_empty() {
            map.insert("roles".into(), roles.into());
        }
    }
    Json(body).into_response()
}
