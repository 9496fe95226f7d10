//! The CDR profile ([`Cdr`]) as the OAuth core sees it: a pushed request makes a grant under
//! a new arrangement, or under the arrangement its `cdr_arrangement_id` amends (see
//! `arrangement`); the grant gets its subject at sign-in and is decided on the CDR consent
//! page, never skipped and never through the generic scope-grant accept; codes, refresh
//! tokens and introspection answer only while it is authorised; the token response and
//! introspection name the arrangement (`cdr_arrangement_id`, `consent_id`).

use crate::sandbox::authz::request::{AuthRequest, Decision, Params};
use crate::sandbox::http::api_error;
use crate::sandbox::profile::api::{ConsentProfile, ConsentRoute, Discovery};
use crate::sandbox::profile::cdr::arrangement::{create_grant, load, parse_request, request_of};
use crate::sandbox::profile::cdr::{consent_page, management};
use crate::sandbox::profile::scope_grants::ScopeGrants;
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::DbError;
use crate::wire::cdr::{status, CDR_ARRANGEMENT};
use crate::wire::{AcceptScopeGrant, Introspection, TokenResponse};
use axum::{
    http::StatusCode,
    response::Response,
    routing::{delete, get, post},
    Router,
};
use serde_json::Value;
use std::sync::Arc;

pub struct Cdr;

/// The arrangement id of grant `grant_id`, while the grant is authorised.
fn arrangement_of(sb: &Sandbox, grant_id: &str) -> Option<String> {
    let row = sb.store.fdx_consent(grant_id).ok()??;
    let row = load(sb, &row.workspace, grant_id).filter(|r| r.status == status::AUTHORISED)?;
    Some(request_of(&row).cdr_arrangement_id)
}

impl ConsentProfile for Cdr {
    fn discovery(&self, sb: &Sandbox, wid: &str) -> Discovery {
        let revocation = format!("{}/arrangements/revoke", sb.issuer(wid));
        Discovery { cdr_arrangement_revocation_endpoint: Some(revocation), ..Discovery::default() }
    }

    fn parse_details(&self, raw: &str) -> Result<Option<Value>, String> {
        ScopeGrants.parse_details(raw)
    }

    /// Every CDR request makes a grant: `sharing_duration` and, for an amendment,
    /// `cdr_arrangement_id`, checked here so that a bad one is refused at `/par`.
    fn parse_params(&self, sb: &Sandbox, wid: &str, p: &Params, _: Option<Value>) -> Result<Option<Value>, String> {
        let request = parse_request(sb, wid, p)?;
        serde_json::to_value(request).map(Some).map_err(|e| e.to_string())
    }

    fn on_request(&self, sb: &Sandbox, wid: &str, req: &mut AuthRequest) -> Result<(), DbError> {
        create_grant(sb, wid, req)
    }

    fn on_sign_in(&self, sb: &Sandbox, req: &AuthRequest, subject: &str, at: i64) -> Result<(), DbError> {
        if let Some(grant) = &req.grant_id {
            sb.store.set_fdx_subject(grant, subject, at)?;
        }
        Ok(())
    }

    fn consent_route(&self, _: &AuthRequest) -> ConsentRoute {
        ConsentRoute { skip_if_trusted: false, consent_type: Some(CDR_ARRANGEMENT) }
    }

    fn accept_scope_grant(&self, _: &AuthRequest, _: AcceptScopeGrant) -> Result<Decision, Response> {
        Err(api_error(
            StatusCode::BAD_REQUEST,
            "this is a CDR arrangement: use /cdr/cdr-arrangement/{login}/accept",
            "invalid_request",
        ))
    }

    /// A refresh token for an ongoing arrangement (`sharing_duration` above 0), none for a
    /// one-time one, as the CDR standards have it; it works while the grant is in force.
    fn offers_refresh(&self, sb: &Sandbox, grant_id: Option<&str>, _: &[String]) -> bool {
        let row = grant_id.and_then(|g| sb.store.fdx_consent(g).ok().flatten());
        row.is_some_and(|r| request_of(&r).sharing_duration > 0)
    }

    fn grant_is_active(&self, sb: &Sandbox, grant_id: &str) -> bool {
        arrangement_of(sb, grant_id).is_some()
    }

    fn tokens_issued(&self, sb: &Sandbox, tokens: &TokenResponse, consent_id: Option<&str>) -> Result<(), DbError> {
        ScopeGrants.tokens_issued(sb, tokens, consent_id)
    }

    /// The arrangement's id beside the tokens, as a CDR data holder answers.
    fn token_response(&self, sb: &Sandbox, tokens: TokenResponse) -> TokenResponse {
        let cdr_arrangement_id = tokens.grant_id.as_deref().and_then(|g| arrangement_of(sb, g));
        TokenResponse { cdr_arrangement_id, ..tokens }
    }

    /// The token's arrangement, as a bank reads it.
    fn introspect(&self, sb: &Sandbox, token_hash: &str, base: Introspection) -> Introspection {
        let grant = sb.store.token_binding(token_hash).ok().and_then(|(_, g)| g);
        Introspection { consent_id: grant.and_then(|g| arrangement_of(sb, &g)), ..base }
    }

    /// The consent-page API (reference §1c), the management API (§1d (2')) and the data
    /// recipient's arrangement revocation (`{issuer}/arrangements/revoke`).
    fn routes(&self) -> Router<Arc<Sandbox>> {
        let page = "/{tid}/{wid}/cdr/cdr-arrangement/{login}";
        Router::new()
            .route(page, get(consent_page::get_login))
            .route(&format!("{page}/accept"), post(consent_page::accept))
            .route(&format!("{page}/reject"), post(consent_page::reject))
            .route("/{tid}/{wid}/servers/{sid}/cdr/arrangements", get(management::list).post(management::search))
            .route("/{tid}/{wid}/servers/{sid}/cdr/arrangements/{aid}", delete(management::revoke))
            .route("/{tid}/{wid}/arrangements/revoke", post(management::revoke_by_recipient))
    }
}
