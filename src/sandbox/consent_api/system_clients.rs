//! The System API's list of a workspace's clients (reference §1d (1')):
//! `GET /api/system/{tid}/clients/{wid}` with a System-workspace token carrying `view_clients`,
//! each client's display metadata, what a portal shows of a recipient that a management list
//! names only by `client_id`.

use crate::sandbox::http::{check_workspace, db_failure, injected_fault, system_token};
use crate::sandbox::state::Sandbox;
use crate::wire::cdr::{SystemClient, SystemClients};
use axum::{
    extract::{Path, State},
    http::HeaderMap,
    response::{IntoResponse, Response},
    Json,
};
use std::sync::Arc;

/// The scope a System-workspace token needs.
pub const VIEW_CLIENTS: &str = "view_clients";

/// `GET /api/system/{tid}/clients/{wid}`: the workspace's clients, seeded and registered
/// (RFC 7591), as stored (their addresses resolved).
pub async fn list(
    State(sb): State<Arc<Sandbox>>,
    Path((tid, wid)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = injected_fault(&sb).await {
        return r;
    }
    if let Err(r) = system_token(&sb, &headers, VIEW_CLIENTS) {
        return r;
    }
    if let Err(r) = check_workspace(&sb, &tid, &wid) {
        return r;
    }
    let ids = match sb.store.client_ids(&wid) {
        Ok(ids) => ids,
        Err(e) => return db_failure(e),
    };
    let clients = ids
        .iter()
        .filter_map(|id| sb.client(id).map(|(_, _, c)| c))
        .map(|c| SystemClient {
            client_id: c.client_id,
            client_name: c.client_name,
            logo_uri: c.logo_uri,
            client_uri: c.client_uri,
            policy_uri: c.policy_uri,
            tos_uri: c.tos_uri,
            system: false,
        })
        .collect();
    Json(SystemClients { clients }).into_response()
}
