//! The UK Open Banking profile ([`Obuk`]) as the OAuth core sees it: a request names its
//! account-access or domestic-payment consent (`openbanking_intent_id` in its `claims`, see `consent`), which gets
//! its subject at sign-in and is decided on its consent page (account access or domestic payment), never skipped and
//! never through the generic scope-grant accept; codes, refresh tokens and introspection
//! answer only while it is authorised, and introspection names it (`consent_id`).

use crate::sandbox::authz::request::{AuthRequest, Decision, Params};
use crate::sandbox::http::api_error;
use crate::sandbox::profile::api::{ConsentProfile, ConsentRoute, Discovery};
use crate::sandbox::profile::obuk::consent::{bind_intent, create, get, intent_in, load, usable_intent};
use crate::sandbox::profile::obuk::{consent_page, management, payment, payment_page};
use crate::sandbox::profile::scope_grants::ScopeGrants;
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::DbError;
use crate::wire::obuk::{status, ACCOUNT_ACCESS};
use crate::wire::obuk_payment::DOMESTIC_PAYMENT;
use crate::wire::{AcceptScopeGrant, Introspection, TokenResponse};
use axum::{
    http::StatusCode,
    response::Response,
    routing::{delete, get as get_route, post},
    Router,
};
use serde_json::Value;
use std::sync::Arc;

pub struct Obuk;

impl ConsentProfile for Obuk {
    fn discovery(&self, _: &Sandbox, _: &str) -> Discovery {
        Discovery::default()
    }

    fn parse_details(&self, raw: &str) -> Result<Option<Value>, String> {
        ScopeGrants.parse_details(raw)
    }

    /// A request naming a consent (`openbanking_intent_id`) it may not name is refused here,
    /// at `/par` or `/authorize`, before anyone signs in: one unknown, another client's, no
    /// longer awaiting authorisation, or already being authorised by a customer.
    fn parse_params(
        &self,
        sb: &Sandbox,
        wid: &str,
        p: &Params,
        details: Option<Value>,
    ) -> Result<Option<Value>, String> {
        let claims = p.get("claims").and_then(|c| serde_json::from_str::<Value>(c).ok());
        let (Some(id), Some(client_id)) = (claims.as_ref().and_then(intent_in), p.get("client_id")) else {
            return Ok(details);
        };
        if usable_intent(sb, wid, client_id, &id) {
            Ok(details)
        } else {
            Err("The openbanking_intent_id names no consent awaiting authorisation for this client.".into())
        }
    }

    fn on_request(&self, sb: &Sandbox, wid: &str, req: &mut AuthRequest) -> Result<(), DbError> {
        bind_intent(sb, wid, req);
        Ok(())
    }

    fn on_sign_in(&self, sb: &Sandbox, req: &AuthRequest, subject: &str, at: i64) -> Result<(), DbError> {
        if let Some(consent) = &req.grant_id {
            sb.store.set_fdx_subject(consent, subject, at)?;
        }
        Ok(())
    }

    /// The domestic-payment page for a payment consent, otherwise always the account-access
    /// page: a request whose consent was not found there shows none, rather than turning into
    /// a generic scope grant.
    fn consent_route(&self, req: &AuthRequest) -> ConsentRoute {
        let payment = req.grant_id.as_deref().is_some_and(payment::is_payment);
        let consent_type = if payment { DOMESTIC_PAYMENT } else { ACCOUNT_ACCESS };
        ConsentRoute { skip_if_trusted: false, consent_type: Some(consent_type) }
    }

    fn accept_scope_grant(&self, _: &AuthRequest, _: AcceptScopeGrant) -> Result<Decision, Response> {
        Err(api_error(
            StatusCode::BAD_REQUEST,
            "this is a UK account-access consent: use /open-banking/account-access-consent/{login}/accept",
            "invalid_request",
        ))
    }

    fn grant_is_active(&self, sb: &Sandbox, grant_id: &str) -> bool {
        sb.store
            .fdx_consent(grant_id)
            .ok()
            .flatten()
            .and_then(|c| load(sb, &c.workspace, grant_id))
            .is_some_and(|c| c.status == status::AUTHORISED)
    }

    fn tokens_issued(&self, sb: &Sandbox, tokens: &TokenResponse, consent_id: Option<&str>) -> Result<(), DbError> {
        ScopeGrants.tokens_issued(sb, tokens, consent_id)
    }

    /// The token's consent id, as a bank reads it.
    fn introspect(&self, sb: &Sandbox, token_hash: &str, base: Introspection) -> Introspection {
        let grant = sb.store.token_binding(token_hash).ok().and_then(|(_, g)| g);
        Introspection { consent_id: grant, ..base }
    }

    /// The recipient's consent resource, the consent-page API (reference §1c) and the
    /// management API (§1d (2')).
    fn routes(&self) -> Router<Arc<Sandbox>> {
        let page = "/{tid}/{wid}/open-banking/account-access-consent/{login}";
        let pay = "/{tid}/{wid}/open-banking/domestic-payment-consent/{login}";
        Router::new()
            .route("/{tid}/{wid}/open-banking/v3.1/pisp/domestic-payment-consents", post(payment::create))
            .route("/{tid}/{wid}/open-banking/v3.1/pisp/domestic-payment-consents/{cid}", get_route(payment::get))
            .route(pay, get_route(payment_page::get_login))
            .route(&format!("{pay}/accept"), post(payment_page::accept))
            .route(&format!("{pay}/reject"), post(payment_page::reject))
            .route("/{tid}/{wid}/open-banking/v3.1/aisp/account-access-consents", post(create))
            .route(
                "/{tid}/{wid}/open-banking/v3.1/aisp/account-access-consents/{cid}",
                get_route(get).delete(super::consent::delete),
            )
            .route(page, get_route(consent_page::get_login))
            .route(&format!("{page}/accept"), post(consent_page::accept))
            .route(&format!("{page}/reject"), post(consent_page::reject))
            .route(
                "/{tid}/{wid}/servers/{sid}/open-banking/consents",
                post(management::list).get(management::list_by_query),
            )
            .route("/{tid}/{wid}/servers/{sid}/open-banking/consents/{cid}", delete(management::revoke))
            .route(
                "/api/system/{tid}/servers/{wid}/open-banking/consents",
                post(management::list_system).get(management::list_system_by_query),
            )
            .route("/api/system/{tid}/servers/{wid}/open-banking/consents/{cid}", delete(management::revoke_system))
    }
}
