//! UK Open Banking account access: load a consent with the customer's own accounts, decide it
//! (allow with the chosen `account[]`s, or deny). Account ids from the form are never trusted:
//! only the customer's own accounts, as the bank lists them at submit, can be granted.

use crate::error::AppError;
use crate::model::ObukConsentView;
use leptos::prelude::*;

/// The account-access consent `login_id` and the accounts of the customer who consents.
#[server(prefix = "/api", endpoint = "obuk/load")]
pub async fn load_obuk_consent(login_id: String, login_state: String) -> Result<ObukConsentView, AppError> {
    use super::consent::{valid_handle, CSRF_PURPOSE};
    use super::context;
    use crate::error::Failure;
    if !valid_handle(&login_id) || !valid_handle(&login_state) {
        return Err(Failure::LinkInvalid.into());
    }
    let state = context::state()?;
    let (consent, accounts) = open_consent(&state, &login_id, &login_state).await?;
    let token = state.csrf.token(&context::browser_id(&state), CSRF_PURPOSE, &login_id);
    let view = crate::server::obuk::view(&consent, accounts, login_id, login_state, token)?;
    state.upstream.metrics().consent_views.inc();
    Ok(view)
}

/// Allow (with the chosen accounts, at least one) or deny, then on to `redirect_to`.
#[server(prefix = "/api", endpoint = "obuk/decide")]
pub async fn decide_obuk_consent(
    login_id: String,
    login_state: String,
    csrf_token: String,
    decision: String,
    #[server(default)] account: Vec<String>,
) -> Result<(), AppError> {
    use super::consent::{valid_handle, CSRF_PURPOSE};
    use super::context;
    use crate::error::Failure;
    use crate::server::obuk::accept_body;
    use crate::wire::obuk::status;
    use crate::wire::RejectScopeGrant;
    if !valid_handle(&login_id) || !valid_handle(&login_state) || account.len() > 1000 {
        return Err(Failure::FormIncomplete.into());
    }
    let state = context::state()?;
    context::check_token(&state, CSRF_PURPOSE, &login_id, &csrf_token, Failure::Forged)?;
    let metrics = state.upstream.metrics();
    let next = match decision.as_str() {
        "deny" => {
            // The flow must still be open; the reject body is the reference's.
            let consent = state.upstream.obuk_consent(&login_id, &login_state).await?;
            if consent.account_access_consent.status != status::AWAITING_AUTHORISATION {
                return Err(Failure::Answered.into());
            }
            let next = state.upstream.reject_obuk(&RejectScopeGrant::user_denied(login_id, login_state)).await?;
            metrics.rejects.inc();
            next
        }
        "allow" => {
            if account.is_empty() {
                return Err(Failure::NoAccountChosen.into());
            }
            let (consent, own) = open_consent(&state, &login_id, &login_state).await?;
            // The same checks as the page's: an expired consent is not given.
            crate::server::obuk::view(&consent, Vec::new(), String::new(), String::new(), String::new())?;
            let body = accept_body(&consent, &own, &account, login_state).ok_or_else(|| {
                tracing::warn!("a UK account-access accept with an account that is not the customer's; refused");
                AppError::new(Failure::NotYours)
            })?;
            let next = state.upstream.accept_obuk(&login_id, &body).await?;
            metrics.accepts.inc();
            next
        }
        _ => return Err(Failure::NoDecision.into()),
    };
    context::follow(&state, &next.redirect_to)
}

/// The consent, still awaiting a decision, and the customer's accounts at the workspace's
/// bank (its own `bank_url`, or `BANK_URL`).
#[cfg(feature = "ssr")]
async fn open_consent(
    state: &crate::server::AppState,
    login_id: &str,
    login_state: &str,
) -> Result<(crate::wire::obuk::GetAccountAccessConsentResponse, Vec<crate::wire::InternalAccount>), AppError> {
    use crate::error::Failure;
    let consent = state.upstream.obuk_consent(login_id, login_state).await?;
    if consent.account_access_consent.status != crate::wire::obuk::status::AWAITING_AUTHORISATION {
        return Err(Failure::Answered.into());
    }
    let Some(bank) = state.upstream.bank_of(&consent.server_id) else {
        tracing::error!(
            workspace = %consent.server_id,
            "a UK account-access consent arrived, but its workspace has no bank (bank_url or BANK_URL)"
        );
        return Err(Failure::Internal.into());
    };
    let customer = crate::server::fdx::customer_by(bank.id_claim, &consent.authentication_context, &consent.subject)?;
    let accounts = state.upstream.accounts_at(bank.url, &customer).await?.accounts;
    Ok((consent, accounts))
}
