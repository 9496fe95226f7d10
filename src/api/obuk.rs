//! UK Open Banking account access: load a consent with the customer's own accounts, decide it
//! (allow with the chosen `account[]`s, or deny). Account ids from the form are never trusted:
//! only the customer's own accounts, as the bank lists them at submit, can be granted.
//!
//! Each decision is recorded (`crate::server::records`) as the generic screen's are: Allow
//! writes the record pending, accepts, then marks it authorized; Deny writes it rejected. The
//! record's id is the consent's `ConsentId` (the name its tokens carry), its `scopes` the
//! permission codes, its accounts those granted, its expiry the `ExpirationDateTime`.

use crate::error::AppError;
use crate::model::ObukConsentView;
use leptos::prelude::*;

/// The account-access consent `login_id` and the accounts of the customer who consents.
#[server(prefix = "/api", endpoint = "obuk/load")]
pub async fn load_obuk_consent(login_id: String, login_state: String) -> Result<ObukConsentView, AppError> {
    use super::consent::valid_handle;
    use super::context;
    use super::decide::CSRF_PURPOSE;
    use crate::error::Failure;
    if !valid_handle(&login_id) || !valid_handle(&login_state) {
        return Err(Failure::LinkInvalid.into());
    }
    let state = context::state()?;
    let (consent, accounts) = open_consent(&state, &login_id, &login_state).await?;
    let token = state.csrf.token(&context::browser_id(&state), CSRF_PURPOSE, &login_id);
    let mut view = crate::server::obuk::view(&consent, accounts, login_id, login_state, token)?;
    state.show_client(&mut view.client);
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
    use super::consent::valid_handle;
    use super::context;
    use super::decide::{decide, Form};
    use crate::error::Failure;
    if !valid_handle(&login_id) || !valid_handle(&login_state) || account.len() > 1000 {
        return Err(Failure::FormIncomplete.into());
    }
    let state = context::state()?;
    decide(&state, Form { login_id, login_state, csrf_token, decision }, &AccountAccess { account }).await
}

/// A decision on a UK account-access consent, with the accounts the form chose.
#[cfg(feature = "ssr")]
struct AccountAccess {
    account: Vec<String>,
}

#[cfg(feature = "ssr")]
impl super::decide::Regime for AccountAccess {
    const WHAT: &'static str = "UK consent";
    type Accept = crate::wire::obuk::AcceptConsentRequest;

    async fn refuse(
        &self,
        state: &crate::server::AppState,
        login_id: String,
        login_state: String,
        refusal: &super::decide::Refusal,
    ) -> Result<crate::wire::RedirectTo, AppError> {
        use crate::error::Failure;
        // The flow must still be open; the reject body is the reference's.
        let consent = state.upstream.obuk_consent(&login_id, &login_state).await?;
        if consent.account_access_consent.status != crate::wire::obuk::status::AWAITING_AUTHORISATION {
            return Err(Failure::Answered.into());
        }
        refusal.draft(record_draft(state, &consent, &login_id, &login_state, Vec::new()));
        let body = crate::wire::RejectScopeGrant::user_denied(login_id, login_state);
        Ok(state.upstream.reject_obuk(&body).await?)
    }

    async fn prepare(
        &self,
        state: &crate::server::AppState,
        login_id: &str,
        login_state: String,
    ) -> Result<(crate::server::records::Draft, Self::Accept), AppError> {
        use crate::error::Failure;
        if self.account.is_empty() {
            return Err(Failure::NoAccountChosen.into());
        }
        let (consent, own) = open_consent(state, login_id, &login_state).await?;
        // The same checks as the page's: an expired consent is not given.
        crate::server::obuk::view(&consent, Vec::new(), String::new(), String::new(), String::new())?;
        let body =
            crate::server::obuk::accept_body(&consent, &own, &self.account, login_state).map_err(AppError::new)?;
        let draft = record_draft(state, &consent, login_id, &body.login_state, body.account_ids.clone());
        Ok((draft, body))
    }

    async fn accept(
        &self,
        state: &crate::server::AppState,
        login_id: &str,
        body: &Self::Accept,
    ) -> Result<crate::wire::RedirectTo, AppError> {
        Ok(state.upstream.accept_obuk(login_id, body).await?)
    }
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
    let (_, accounts) = crate::server::fdx::customer_accounts(
        &state.upstream,
        &consent.server_id,
        "UK account-access consent",
        &consent.authentication_context,
        &consent.subject,
    )
    .await?;
    Ok((consent, accounts))
}

/// What the record of this UK consent keeps: its `ConsentId` as the record's id, who, which
/// application as the screen showed it, the permission codes (as `scopes`), the accounts
/// granted and the `ExpirationDateTime`.
#[cfg(feature = "ssr")]
fn record_draft(
    state: &crate::server::AppState,
    consent: &crate::wire::obuk::GetAccountAccessConsentResponse,
    login_id: &str,
    login_state: &str,
    accounts: Vec<String>,
) -> crate::server::records::Draft {
    let c = &consent.account_access_consent;
    let client = crate::server::present::client_view(&consent.client_info, &consent.client_id);
    let customer =
        crate::server::fdx::record_customer(&state.upstream, &consent.server_id, &consent.authentication_context);
    let expires_at = c
        .expiration_date_time
        .as_deref()
        .and_then(|e| chrono::DateTime::parse_from_rfc3339(e).ok())
        .map(|e| e.timestamp());
    crate::server::records::Draft {
        id: Some(c.consent_id.clone()).filter(|id| !id.is_empty()),
        login_id: login_id.to_string(),
        login_state: Some(login_state.to_string()),
        tenant: state.upstream.tenant_or(&consent.tenant_id),
        workspace: consent.server_id.clone(),
        subject: consent.subject.clone(),
        customer,
        client_id: consent.client_id.clone(),
        client_name: client.name,
        client_logo: client.logo_uri,
        scopes: c.permissions.clone(),
        scope_names: Default::default(),
        claims: Vec::new(),
        accounts,
        expires_at,
        payment: None,
        warned: None,
    }
}
