//! The Public API a user's own token opens (reference §1d(1)): which applications hold
//! access, and taking it away. Revoking ends the grant and every token issued under it.

use crate::sandbox::http::{api_error, bearer, check_workspace, injected_fault, presented_token};
use crate::sandbox::mtls::{ClientCert, PeerCert};
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::TokenRow;
use crate::wire::{ClaimInfo, ClientRef, ClientWithAccess, ClientsWithAccess, GrantedClaim, GrantedScope, ScopeInfo};
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use std::sync::Arc;

type Sb = State<Arc<Sandbox>>;

/// The user behind a bearer token that carries `scope`, in workspace `wid`.
fn user_token(
    sb: &Sandbox,
    headers: &HeaderMap,
    cert: Option<&ClientCert>,
    wid: &str,
    scope: &str,
) -> Result<(TokenRow, String), Response> {
    let row = bearer(headers)
        .and_then(|t| presented_token(sb, t, cert))
        .filter(|r| r.workspace == wid && r.kind == "access")
        .ok_or_else(|| api_error(StatusCode::UNAUTHORIZED, "invalid or expired access token", "unauthorized"))?;
    let subject = row
        .subject
        .clone()
        .ok_or_else(|| api_error(StatusCode::FORBIDDEN, "a user token is required", "insufficient_scope"))?;
    if !row.scope.split_whitespace().any(|s| s == scope) {
        return Err(api_error(StatusCode::FORBIDDEN, &format!("the token lacks {scope}"), "insufficient_scope"));
    }
    Ok((row, subject))
}

pub async fn list(
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
    let subject = match user_token(&sb, &headers, cert.as_ref(), &wid, "list_clients_with_access") {
        Ok((_, s)) => s,
        Err(r) => return r,
    };
    let grants = match sb.store.grants(&wid, &subject) {
        Ok(g) => g,
        Err(e) => {
            tracing::error!(error = %e, "sandbox database error");
            return api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal error", "internal");
        }
    };
    let mut out = ClientsWithAccess::default();
    for (client_id, scopes, claims, granted_at) in grants {
        let client = sb.client(&client_id).map(|(_, _, c)| c);
        for name in &scopes {
            if out.scopes.iter().any(|s| &s.scope_name == name) {
                continue;
            }
            let (service, scope) = match sb.scope(&wid, name) {
                Some((svc, sc)) => (Some(svc.name.clone()), Some(sc)),
                None => (None, None),
            };
            out.scopes.push(ScopeInfo {
                scope_id: format!("{wid}-{name}"),
                scope_name: name.clone(),
                scope_display_name: scope.map(|s| s.display_name.clone()),
                scope_description: scope.map(|s| s.description.clone()),
                with_service: service.is_some(),
                service_name: service,
            });
        }
        for claim in &claims {
            if !out.claims.iter().any(|c| &c.name == claim) {
                out.claims.push(ClaimInfo { id: claim.clone(), name: claim.clone(), description: None });
            }
        }
        out.clients.push(ClientWithAccess {
            client: ClientRef {
                id: client_id.clone(),
                name: client.as_ref().and_then(|c| c.client_name.clone()),
                logo_uri: client.as_ref().and_then(|c| c.logo_uri.clone()),
                client_uri: client.as_ref().and_then(|c| c.client_uri.clone()),
            },
            granted_scopes: scopes
                .iter()
                .map(|s| GrantedScope { scope_name: s.clone(), granted_scope_name: Some(s.clone()), is_dynamic: false })
                .collect(),
            granted_claims: claims.iter().map(|c| GrantedClaim { id: c.clone(), claim_name: c.clone() }).collect(),
            granted_at: chrono::DateTime::from_timestamp(granted_at, 0).map(|t| t.to_rfc3339()),
        });
    }
    Json(out).into_response()
}

pub async fn revoke(
    State(sb): Sb,
    Path((tid, wid, cid)): Path<(String, String, String)>,
    PeerCert(cert): PeerCert,
    headers: HeaderMap,
) -> Response {
    sb.stats.public_revokes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    if let Err(r) = check_workspace(&sb, &tid, &wid) {
        return r;
    }
    if let Err(r) = injected_fault(&sb).await {
        return r;
    }
    let subject = match user_token(&sb, &headers, cert.as_ref(), &wid, "revoke_client_access") {
        Ok((_, s)) => s,
        Err(r) => return r,
    };
    // Only the caller's own grant: the subject comes from the token, never from the request.
    match sb.store.revoke_grant(&wid, &subject, &cid) {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "sandbox database error");
            api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal error", "internal")
        }
    }
}
