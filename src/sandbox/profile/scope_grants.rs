//! The generic scope-grant profile ([`ScopeGrants`]): what a custom consent page decides
//! through the System API's scope-grant operations, with no grant of its own. The other
//! profiles fall back on it for requests their regime does not cover.

use crate::sandbox::authz::request::{AuthRequest, Decision};
use crate::sandbox::http::api_error;
use crate::sandbox::profile::api::{walk_details, ConsentProfile, ConsentRoute, Discovery};
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::DbError;
use crate::sandbox::util::sha256_b64;
use crate::wire::{AcceptScopeGrant, Introspection, TokenResponse};
use axum::{http::StatusCode, response::Response, Router};
use serde_json::Value;
use std::sync::Arc;

/// The generic profile: scopes (and claims) granted on a custom consent page, optionally tied
/// to the page's own record of the consent (`AcceptScopeGrant.consent_id`), which the tokens
/// then carry: introspection names it, and the System API revokes tokens by it.
pub struct ScopeGrants;

impl ConsentProfile for ScopeGrants {
    fn discovery(&self, _: &Sandbox, _: &str) -> Discovery {
        Discovery::default()
    }

    fn parse_details(&self, raw: &str) -> Result<Option<Value>, String> {
        walk_details(raw, |_, _| None).map(|()| None)
    }

    fn on_request(&self, _: &Sandbox, _: &str, _: &mut AuthRequest) -> Result<(), DbError> {
        Ok(())
    }

    fn on_sign_in(&self, _: &Sandbox, _: &AuthRequest, _: &str, _: i64) -> Result<(), DbError> {
        Ok(())
    }

    fn consent_route(&self, _: &AuthRequest) -> ConsentRoute {
        ConsentRoute { skip_if_trusted: true, consent_type: None }
    }

    fn accept_scope_grant(&self, req: &AuthRequest, body: AcceptScopeGrant) -> Result<Decision, Response> {
        if let Some(extra) = body.granted_scopes.iter().find(|s| !req.scopes.contains(s)) {
            return Err(api_error(
                StatusCode::BAD_REQUEST,
                &format!("scope {extra} was not requested"),
                "invalid_scope",
            ));
        }
        Ok(Decision::Accepted { scopes: body.granted_scopes, claims: body.granted_claims, consent_id: body.consent_id })
    }

    /// This profile makes no grants: one it does not know is not in force.
    fn grant_is_active(&self, _: &Sandbox, _: &str) -> bool {
        false
    }

    /// Ties issued tokens to the consent record they were issued under (what the quickstart's
    /// token-minting script does): introspection then names it, and revoking by it kills them.
    fn tokens_issued(&self, sb: &Sandbox, tokens: &TokenResponse, consent_id: Option<&str>) -> Result<(), DbError> {
        let Some(consent) = consent_id else { return Ok(()) };
        for token in std::iter::once(&tokens.access_token).chain(tokens.refresh_token.as_ref()) {
            sb.store.bind_consent(&sha256_b64(token), consent)?;
        }
        Ok(())
    }

    fn introspect(&self, sb: &Sandbox, token_hash: &str, base: Introspection) -> Introspection {
        Introspection { consent_id: sb.store.consent_of(token_hash).ok().flatten(), ..base }
    }

    /// None of its own: the scope-grant API (`consent_api::scope_grants`) serves every
    /// workspace.
    fn routes(&self) -> Router<Arc<Sandbox>> {
        Router::new()
    }
}
