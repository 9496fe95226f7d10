//! The consent-profile interface: what a regime (generic scope grants, Open Banking, FDX) adds
//! to the OAuth core at its few extension points. The core calls the profile of the request's
//! workspace (`profile::of`) and knows nothing of any regime itself.

use crate::sandbox::authz::request::{AuthRequest, Decision, Params};
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::DbError;
use crate::wire::{AcceptScopeGrant, Introspection, TokenResponse};
use axum::{response::Response, Router};
use serde_json::Value;
use std::sync::Arc;

/// What a profile adds to a workspace's discovery document.
#[derive(Debug, Default)]
pub struct Discovery {
    /// More `mtls_endpoint_aliases` (RFC 8705 §5), after the core's: name and URL.
    pub mtls_aliases: Vec<(&'static str, String)>,
    /// `authorization_details_types_supported` (RFC 9396).
    pub authorization_details_types: Vec<String>,
    /// CDR: where a data recipient ends an arrangement (`cdr_arrangement_revocation_endpoint`).
    pub cdr_arrangement_revocation_endpoint: Option<String>,
}

/// Where a signed-in user goes next.
#[derive(Debug, Clone, Copy)]
pub struct ConsentRoute {
    /// A trusted client skips the consent page.
    pub skip_if_trusted: bool,
    /// The `consent_type` the consent page is told, when not the generic scope grant.
    pub consent_type: Option<&'static str>,
}

/// A consent regime, as the OAuth core sees it.
pub trait ConsentProfile: Send + Sync {
    /// Discovery fields of workspace `wid` beyond the core's.
    fn discovery(&self, sb: &Sandbox, wid: &str) -> Discovery;

    /// Validates a request's `authorization_details` (RFC 9396): what the profile keeps of
    /// them (`AuthRequest::details`), or the error description.
    fn parse_details(&self, raw: &str) -> Result<Option<Value>, String>;

    /// Validates the request's parameters of the profile's own (CDR's `sharing_duration` and
    /// `cdr_arrangement_id`), given what `parse_details` kept: what the profile keeps of both
    /// (`AuthRequest::details`), or the error description. Most profiles read none.
    fn parse_params(
        &self,
        _sb: &Sandbox,
        _wid: &str,
        _p: &Params,
        details: Option<Value>,
    ) -> Result<Option<Value>, String> {
        Ok(details)
    }

    /// An authorization request (at `/authorize` or `/par`) about to be stored: makes the grant
    /// its details ask for, if any (`AuthRequest::grant_id`).
    fn on_request(&self, sb: &Sandbox, wid: &str, req: &mut AuthRequest) -> Result<(), DbError>;

    /// The user `subject` signed in for `req` at `at`.
    fn on_sign_in(&self, sb: &Sandbox, req: &AuthRequest, subject: &str, at: i64) -> Result<(), DbError>;

    /// Whether the request may skip the consent page, and what kind of consent the page is
    /// asked for.
    fn consent_route(&self, req: &AuthRequest) -> ConsentRoute;

    /// The decision a consent page's generic scope-grant accept records (`Err`: the API's
    /// answer, when this request is not decided that way or the accept is invalid).
    fn accept_scope_grant(&self, req: &AuthRequest, body: AcceptScopeGrant) -> Result<Decision, Response>;

    /// Whether a code exchanged for `scopes` under grant `grant_id` also gets a refresh token
    /// (when the client may use one): with `offline_access`, unless the regime says otherwise.
    fn offers_refresh(&self, _sb: &Sandbox, _grant_id: Option<&str>, scopes: &[String]) -> bool {
        scopes.iter().any(|s| s == "offline_access")
    }

    /// Is the profile's grant `grant_id` still in force? Codes and refresh tokens of an ended
    /// grant are refused, and its tokens introspect inactive.
    fn grant_is_active(&self, sb: &Sandbox, grant_id: &str) -> bool;

    /// Tokens were issued under the consent page's record `consent_id` (from the decision, or
    /// the refresh token they replace).
    fn tokens_issued(&self, sb: &Sandbox, tokens: &TokenResponse, consent_id: Option<&str>) -> Result<(), DbError>;

    /// The token response as the client receives it: a profile may name its grant there (CDR's
    /// `cdr_arrangement_id`).
    fn token_response(&self, _sb: &Sandbox, tokens: TokenResponse) -> TokenResponse {
        tokens
    }

    /// Standard introspection of an active token (by its hash), with the profile's fields.
    fn introspect(&self, sb: &Sandbox, token_hash: &str, base: Introspection) -> Introspection;

    /// The consent-page and management APIs the profile serves (mounted once for all its
    /// workspaces; the handlers check the workspace).
    fn routes(&self) -> Router<Arc<Sandbox>>;
}

/// Walks `authorization_details` (a JSON array of objects with a `type`) in order: `take`
/// answers for each detail whose type the profile knows (`None` for one it does not).
pub fn walk_details(raw: &str, mut take: impl FnMut(&str, Value) -> Option<Result<(), String>>) -> Result<(), String> {
    let details: Vec<Value> =
        serde_json::from_str(raw).map_err(|_| "authorization_details must be a JSON array.".to_string())?;
    for detail in details {
        let Some(kind) = detail["type"].as_str().map(str::to_string) else {
            return Err("An authorization detail has no type.".into());
        };
        match take(&kind, detail) {
            Some(result) => result?,
            None => return Err(format!("Unsupported authorization_details type {kind}.")),
        }
    }
    Ok(())
}
