//! Open Finance (FDX) consents: load one with the customer's own accounts, decide it (allow
//! with the chosen `account[]`s, or deny). Account ids from the form are never trusted: only
//! the customer's own accounts, as the bank lists them, can be granted.
//!
//! Each decision is recorded (`crate::server::records`) as the other regimes' are: Allow
//! writes the record pending, accepts, then marks it authorized; Deny writes it rejected. The
//! record's id is the FDX consent's id, which the management API lists and stops.

use crate::error::AppError;
use crate::model::FdxConsentView;
use leptos::prelude::*;

/// The consent `login_id` and, when it asks for account data, the accounts of the customer
/// who consents (from the bank), as the Open Finance screen shows them.
#[server(prefix = "/api", endpoint = "fdx/load")]
pub async fn load_fdx_consent(login_id: String, login_state: String) -> Result<FdxConsentView, AppError> {
    use super::consent::valid_handle;
    use super::context;
    use super::decide::CSRF_PURPOSE;
    use crate::error::Failure;
    use crate::server::fdx::view;
    if !valid_handle(&login_id) || !valid_handle(&login_state) {
        return Err(Failure::LinkInvalid.into());
    }
    let state = context::state()?;
    // Said as what it is: a flow of a kind this deployment does not serve, not an expired link.
    if state.upstream.fdx().is_none() {
        tracing::error!("an Open Finance (FDX) consent arrived, but BANK_URL is not set: FDX consents are off");
        return Err(Failure::ConsentTypeUnsupported.into());
    }
    let (consent, accounts) = open_consent(&state, &login_id, &login_state).await?;
    state.upstream.metrics().consent_views.inc();
    let token = state.csrf.token(&context::browser_id(&state), CSRF_PURPOSE, &login_id);
    let mut view = view(&consent, accounts, login_id, login_state, token);
    state.show_client(&mut view.client);
    Ok(view)
}

/// Allow (one `ACCOUNT` resource per chosen account) or deny, then on to `redirect_to`.
#[server(prefix = "/api", endpoint = "fdx/decide")]
pub async fn decide_fdx_consent(
    login_id: String,
    login_state: String,
    csrf_token: String,
    decision: String,
    #[server(default)] account: Vec<String>,
) -> Result<(), AppError> {
    use super::consent::valid_handle;
    use super::context;
    use super::decide::{decide, Form};
    use crate::error::Failure;
    if !valid_handle(&login_id) || !valid_handle(&login_state) || account.len() > 1000 {
        return Err(Failure::FormIncomplete.into());
    }
    let state = context::state()?;
    decide(&state, Form { login_id, login_state, csrf_token, decision }, &FdxDecision { account }).await
}

/// A decision on an FDX consent, with the accounts the form chose.
#[cfg(feature = "ssr")]
struct FdxDecision {
    account: Vec<String>,
}

#[cfg(feature = "ssr")]
impl super::decide::Regime for FdxDecision {
    const WHAT: &'static str = "FDX consent";
    type Accept = crate::wire::AcceptFDXConsentRequest;

    async fn refuse(
        &self,
        state: &crate::server::AppState,
        login_id: String,
        login_state: String,
        refusal: &super::decide::Refusal,
    ) -> Result<crate::wire::RedirectTo, AppError> {
        use crate::error::Failure;
        // The flow must still be open; the reject body is the reference's.
        let consent = state.upstream.fdx_consent(&login_id, &login_state).await?;
        if !consent.fdx_consent.awaiting() {
            return Err(Failure::Answered.into());
        }
        refusal.draft(crate::server::fdx::record_draft(&state.upstream, &consent, &login_id, &login_state, Vec::new()));
        let body = crate::wire::RejectScopeGrant::user_denied(login_id, login_state);
        Ok(state.upstream.reject_fdx(&body).await?)
    }

    async fn prepare(
        &self,
        state: &crate::server::AppState,
        login_id: &str,
        login_state: String,
    ) -> Result<(crate::server::records::Draft, Self::Accept), AppError> {
        use crate::error::Failure;
        use crate::server::fdx::{accept_body, accounts_requested, record_draft};
        let (consent, own) = open_consent(state, login_id, &login_state).await?;
        if accounts_requested(&consent) && self.account.is_empty() {
            return Err(Failure::NoAccountChosen.into());
        }
        let body = accept_body(&consent, &own, &self.account, login_state).map_err(AppError::new)?;
        let accounts = body.resources.iter().filter(|r| r.resource_type == "ACCOUNT").map(|r| r.id.clone()).collect();
        let draft = record_draft(&state.upstream, &consent, login_id, &body.login_state, accounts);
        Ok((draft, body))
    }

    async fn accept(
        &self,
        state: &crate::server::AppState,
        login_id: &str,
        body: &Self::Accept,
    ) -> Result<crate::wire::RedirectTo, AppError> {
        Ok(state.upstream.accept_fdx(login_id, body).await?)
    }
}

/// The consent, still awaiting a decision, and the customer's accounts when it asks for them.
#[cfg(feature = "ssr")]
async fn open_consent(
    state: &crate::server::AppState,
    login_id: &str,
    login_state: &str,
) -> Result<(crate::wire::GetFDXConsentResponse, Vec<crate::wire::InternalAccount>), AppError> {
    use crate::error::Failure;
    use crate::server::fdx::{accounts_requested, customer_accounts, still_open};
    let consent = state.upstream.fdx_consent(login_id, login_state).await?;
    if !consent.fdx_consent.awaiting() {
        return Err(Failure::Answered.into());
    }
    still_open(&consent)?;
    // At the consent's workspace's bank (its own, or `BANK_URL`'s), with that bank's claim: the
    // customer its record names.
    let accounts = if accounts_requested(&consent) {
        let (claims, subject) = (&consent.authentication_context, &consent.subject);
        customer_accounts(&state.upstream, &consent.server_id, "FDX consent", claims, subject).await?.1
    } else {
        Vec::new()
    };
    Ok((consent, accounts))
}
