//! Pushed authorization requests (RFC 9126) at `/par`: an authenticated client's request,
//! validated as at `/oauth2/authorize`, kept for a minute under a `request_uri`.

use crate::sandbox::authz::client_auth::authenticate_client;
use crate::sandbox::authz::request::Params;
use crate::sandbox::http::{api_error, check_workspace, db_failure, OAuthForm};
use crate::sandbox::mtls::PeerCert;
use crate::sandbox::oauth::request::{parse_auth_request, AuthorizeError};
use crate::sandbox::profile::of;
use crate::sandbox::state::Sandbox;
use crate::sandbox::util::{now, random_token};
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use std::sync::Arc;

type Sb = State<Arc<Sandbox>>;

const PAR_TTL: i64 = 60;

pub async fn par(
    State(sb): Sb,
    Path((tid, wid)): Path<(String, String)>,
    PeerCert(cert): PeerCert,
    headers: HeaderMap,
    OAuthForm(p): OAuthForm<Params>,
) -> Response {
    if let Err(r) = check_workspace(&sb, &tid, &wid) {
        return r;
    }
    let client = match authenticate_client(&sb, &wid, &headers, &p, cert.as_ref(), "/par") {
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
    if let Err(e) = of(&sb, &wid).on_request(&sb, &wid, &mut request) {
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
