//! The FDX profile ([`Fdx`]) as the OAuth core sees it: an `fdx_v1.0` request makes an FDX
//! consent (the request's grant) at `/authorize` or `/par`; the consent gets its subject at
//! sign-in and is decided on the FDX consent page, never skipped and never through the generic
//! scope-grant accept; codes, refresh tokens and introspection answer only while it is
//! authorised. A request without `fdx_v1.0` details is a generic scope grant.

use crate::sandbox::authz::request::{AuthRequest, Decision};
use crate::sandbox::config::TENANT;
use crate::sandbox::http::api_error;
use crate::sandbox::profile::api::{ConsentProfile, ConsentRoute, Discovery};
use crate::sandbox::profile::fdx::consent::{consent_is_authorised, create_consent, parse_authorization_details};
use crate::sandbox::profile::fdx::{consent_page, management, recipient};
use crate::sandbox::profile::scope_grants::ScopeGrants;
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::DbError;
use crate::sandbox::workspace::BankRegime;
use crate::wire::{AcceptScopeGrant, Introspection, TokenResponse};
use axum::{
    http::StatusCode,
    response::Response,
    routing::{delete, get, post},
    Router,
};
use serde_json::Value;
use std::sync::Arc;

pub struct Fdx;

impl ConsentProfile for Fdx {
    fn discovery(&self, sb: &Sandbox, wid: &str) -> Discovery {
        let mtls_iss = format!("{}/{TENANT}/{wid}", sb.mtls_base_url);
        let mut mtls_aliases = vec![
            ("fdx_consent_introspection_endpoint", format!("{mtls_iss}/fdx/consents/introspect")),
            ("fdx_consents_endpoint", format!("{mtls_iss}/consents")),
        ];
        if sb.workspace(wid).is_some_and(|w| w.bank == Some(BankRegime::Fdx)) {
            mtls_aliases.push(("bank_endpoint", format!("{}/bank", sb.mtls_base_url)));
        }
        Discovery { mtls_aliases, authorization_details_types: vec!["fdx_v1.0".into()], ..Discovery::default() }
    }

    fn parse_details(&self, raw: &str) -> Result<Option<Value>, String> {
        parse_authorization_details(raw)?.map(|r| serde_json::to_value(r).map_err(|e| e.to_string())).transpose()
    }

    fn on_request(&self, sb: &Sandbox, wid: &str, req: &mut AuthRequest) -> Result<(), DbError> {
        create_consent(sb, wid, req)
    }

    fn on_sign_in(&self, sb: &Sandbox, req: &AuthRequest, subject: &str, at: i64) -> Result<(), DbError> {
        if let Some(consent) = &req.grant_id {
            sb.store.set_fdx_subject(consent, subject, at)?;
        }
        Ok(())
    }

    fn consent_route(&self, req: &AuthRequest) -> ConsentRoute {
        match req.grant_id {
            Some(_) => ConsentRoute { skip_if_trusted: false, consent_type: Some("fdx") },
            None => ScopeGrants.consent_route(req),
        }
    }

    fn accept_scope_grant(&self, req: &AuthRequest, body: AcceptScopeGrant) -> Result<Decision, Response> {
        if req.grant_id.is_some() {
            // An FDX consent is decided with its accounts, through the FDX consent-page API.
            return Err(api_error(
                StatusCode::BAD_REQUEST,
                "this is an FDX consent: use /fdx/fdx/{login}/accept",
                "invalid_request",
            ));
        }
        ScopeGrants.accept_scope_grant(req, body)
    }

    fn grant_is_active(&self, sb: &Sandbox, grant_id: &str) -> bool {
        consent_is_authorised(sb, grant_id)
    }

    fn tokens_issued(&self, sb: &Sandbox, tokens: &TokenResponse, consent_id: Option<&str>) -> Result<(), DbError> {
        ScopeGrants.tokens_issued(sb, tokens, consent_id)
    }

    fn introspect(&self, sb: &Sandbox, token_hash: &str, base: Introspection) -> Introspection {
        ScopeGrants.introspect(sb, token_hash, base)
    }

    /// The consent-page API (reference §1c), the management API (§1d(2)), FDX introspection
    /// (§1e) and the recipient's consent resource (§1d(2'')).
    fn routes(&self) -> Router<Arc<Sandbox>> {
        Router::new()
            .route("/{tid}/{wid}/fdx/fdx/{login}", get(consent_page::get_login))
            .route("/{tid}/{wid}/fdx/fdx/{login}/accept", post(consent_page::accept))
            .route("/{tid}/{wid}/fdx/fdx/{login}/reject", post(consent_page::reject))
            .route("/{tid}/{wid}/servers/{sid}/fdx/consents", post(management::list))
            .route("/{tid}/{wid}/servers/{sid}/fdx/consents/{cid}", delete(management::revoke_by_id))
            .route("/{tid}/{wid}/fdx/consents/introspect", post(recipient::introspect))
            .route("/{tid}/{wid}/consents/{cid}", get(recipient::get_consent))
            .route(
                "/{tid}/{wid}/consents/{cid}/revocation",
                get(recipient::get_revocation).put(recipient::put_revocation),
            )
    }
}
