//! The decision a regime's consent form posts (UK account access, UK domestic payments, CDR):
//! the form's CSRF token, then Deny (the refusal upstream, and its record kept when it can be)
//! or Allow (the record written pending first, the accept upstream, then the record marked
//! authorized), and on to the authorization server's `redirect_to`, only on its origin. Each
//! regime's server function gives only what differs ([`Regime`]).

use super::consent::CSRF_PURPOSE;
use super::context;
use crate::error::{AppError, Failure};
use crate::server::records::Draft;
use crate::server::AppState;
use crate::wire::RedirectTo;
use std::future::Future;

/// One regime's side of a decision.
pub trait Regime {
    /// What the logs call a consent of this regime ("UK consent").
    const WHAT: &'static str;
    /// What an Allow prepares: the accept body, checked, and what the regime knows with it.
    type Accept: Send + Sync;

    /// Deny: the consent, still awaiting a decision, refused upstream; with the record of the
    /// refusal.
    fn refuse(
        &self,
        state: &AppState,
        login_id: String,
        login_state: String,
    ) -> impl Future<Output = Result<(Draft, RedirectTo), AppError>> + Send;

    /// Allow: the accept, checked against the consent and the customer's own accounts, and
    /// the draft of its record.
    fn prepare(
        &self,
        state: &AppState,
        login_id: &str,
        login_state: String,
    ) -> impl Future<Output = Result<(Draft, Self::Accept), AppError>> + Send;

    /// The accept upstream.
    fn accept(
        &self,
        state: &AppState,
        login_id: &str,
        accept: &Self::Accept,
    ) -> impl Future<Output = Result<RedirectTo, AppError>> + Send;

    /// After the accepted record `record_id` is marked authorized.
    fn given(&self, _state: &AppState, _accept: &Self::Accept, _record_id: &str) -> impl Future<Output = ()> + Send {
        async {}
    }
}

/// The form's fields every regime's decision has.
pub struct Form {
    pub login_id: String,
    pub login_state: String,
    pub csrf_token: String,
    pub decision: String,
}

/// Checks the form's token, decides as `regime` does, and sends the browser on.
pub async fn decide<R: Regime + Sync>(state: &AppState, form: Form, regime: &R) -> Result<(), AppError> {
    let Form { login_id, login_state, csrf_token, decision } = form;
    context::check_token(state, CSRF_PURPOSE, &login_id, &csrf_token, Failure::Forged)?;
    let metrics = state.upstream.metrics();
    let next = match decision.as_str() {
        "deny" => {
            let (draft, next) = regime.refuse(state, login_id, login_state).await?;
            metrics.rejects.inc();
            // A refusal shares nothing: its entry in the history is kept when it can be.
            if let Err(e) = state.records.reject(draft).await {
                tracing::warn!(error = %e, "a rejected {} could not be recorded", R::WHAT);
            }
            next
        }
        "allow" => {
            let (draft, accept) = regime.prepare(state, &login_id, login_state).await?;
            // The record first: no accept without one. A store that cannot be written stops
            // here, with nothing shared.
            let record = state.records.prepare(draft).await?;
            let next = regime.accept(state, &login_id, &accept).await?;
            metrics.accepts.inc();
            if let Some((id, _)) = record {
                // Accepted: should this write fail, the record stays pending (never authorized
                // without its accept), and ending the consent is the management API's.
                if let Err(e) = state.records.authorize(&id).await {
                    tracing::error!(error = %e, "an accepted {}'s record could not be marked authorized", R::WHAT);
                }
                regime.given(state, &accept, &id).await;
            }
            next
        }
        _ => return Err(Failure::NoDecision.into()),
    };
    context::follow(state, &next.redirect_to)
}
