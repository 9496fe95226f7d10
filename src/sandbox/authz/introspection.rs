//! What introspection (RFC 7662) says of any active token, before a consent profile adds its
//! own: the platform's `IntrospectResponse` fields.

use crate::sandbox::config::TENANT;
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::TokenRow;
use crate::wire::{Confirmation, Introspection};

/// `IntrospectResponse` of an active token.
pub fn introspection(sb: &Sandbox, wid: &str, row: TokenRow, x5t: Option<String>) -> Introspection {
    Introspection {
        active: true,
        sub: Some(row.subject.clone().unwrap_or_else(|| row.client_id.clone())),
        client_id: Some(row.client_id),
        scope: Some(row.scope),
        iss: Some(sb.issuer(wid)),
        exp: Some(row.expires_at),
        iat: Some(row.issued_at),
        token_type: Some(if row.kind == "refresh" { "refresh_token" } else { "access_token" }.into()),
        tenant_id: Some(TENANT.into()),
        server_id: Some(wid.to_string()),
        cnf: x5t.map(|t| Confirmation { x5t_s256: Some(t) }),
        consent_id: None,
    }
}
