//! The generic Open Banking profile ([`OpenBanking`], workspace `gobank`, the quickstart's):
//! requests go through PAR with PKCE (the workspace's seed says so) and are decided on the
//! consent page as scope grants, whose `consent_id` the tokens carry; the bank's API
//! (`bank::open_banking`) opens only that consent's accounts. The OAuth core needs nothing
//! beyond the scope-grant profile for it, so every extension point delegates; a regime rule
//! of Open Banking's own belongs here.

use crate::sandbox::authz::request::{AuthRequest, Decision};
use crate::sandbox::profile::api::{ConsentProfile, ConsentRoute, Discovery};
use crate::sandbox::profile::scope_grants::ScopeGrants;
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::DbError;
use crate::wire::{AcceptScopeGrant, Introspection, TokenResponse};
use axum::{response::Response, Router};
use serde_json::Value;
use std::sync::Arc;

pub struct OpenBanking;

impl ConsentProfile for OpenBanking {
    fn discovery(&self, sb: &Sandbox, wid: &str) -> Discovery {
        ScopeGrants.discovery(sb, wid)
    }

    fn parse_details(&self, raw: &str) -> Result<Option<Value>, String> {
        ScopeGrants.parse_details(raw)
    }

    fn on_request(&self, sb: &Sandbox, wid: &str, req: &mut AuthRequest) -> Result<(), DbError> {
        ScopeGrants.on_request(sb, wid, req)
    }

    fn on_sign_in(&self, sb: &Sandbox, req: &AuthRequest, subject: &str, at: i64) -> Result<(), DbError> {
        ScopeGrants.on_sign_in(sb, req, subject, at)
    }

    fn consent_route(&self, req: &AuthRequest) -> ConsentRoute {
        ScopeGrants.consent_route(req)
    }

    fn accept_scope_grant(&self, req: &AuthRequest, body: AcceptScopeGrant) -> Result<Decision, Response> {
        ScopeGrants.accept_scope_grant(req, body)
    }

    fn grant_is_active(&self, sb: &Sandbox, grant_id: &str) -> bool {
        ScopeGrants.grant_is_active(sb, grant_id)
    }

    fn tokens_issued(&self, sb: &Sandbox, tokens: &TokenResponse, consent_id: Option<&str>) -> Result<(), DbError> {
        ScopeGrants.tokens_issued(sb, tokens, consent_id)
    }

    fn introspect(&self, sb: &Sandbox, token_hash: &str, base: Introspection) -> Introspection {
        ScopeGrants.introspect(sb, token_hash, base)
    }

    fn routes(&self) -> Router<Arc<Sandbox>> {
        Router::new()
    }
}
