//! Australian CDR arrangements: load an arrangement (or an amendment) with the customer's own
//! accounts, decide it (allow with the chosen `account[]`s, or deny). Account ids from the form
//! are never trusted: only the customer's own accounts, as the bank lists them at submit, can
//! be granted; the customer id sent is the bank's customer of the signed-in user
//! (`BANK_ID_CLAIM`, or the subject), never the form's.
//!
//! Each decision is recorded (`crate::server::records`) as account access's are: Allow writes
//! the record pending, accepts, then marks it authorized; Deny writes it rejected. The
//! record's id is the `cdr_arrangement_id` (known before the decision); an amendment's is
//! `{cdr_arrangement_id}.{login_id}` and supersedes the arrangement's record in force, which
//! is ended as replaced once the amendment is given
//! ([`crate::server::cdr::arrangement_of_record`] reads the arrangement back from either). Its
//! `scopes` are the scopes granted, its accounts those granted, its expiry the end of sharing.

use crate::error::AppError;
use crate::model::CdrArrangementView;
use leptos::prelude::*;

/// The arrangement of `login_id` and the accounts of the customer who consents.
#[server(prefix = "/api", endpoint = "cdr/load")]
pub async fn load_cdr_arrangement(login_id: String, login_state: String) -> Result<CdrArrangementView, AppError> {
    use super::consent::valid_handle;
    use super::context;
    use super::decide::CSRF_PURPOSE;
    use crate::error::Failure;
    if !valid_handle(&login_id) || !valid_handle(&login_state) {
        return Err(Failure::LinkInvalid.into());
    }
    let state = context::state()?;
    let open = open_arrangement(&state, &login_id, &login_state).await?;
    let token = state.csrf.token(&context::browser_id(&state), CSRF_PURPOSE, &login_id);
    let mut view = crate::server::cdr::view(&open.consent, open.accounts, login_id, login_state, token)?;
    let history = state.history_from(&view.workspace);
    crate::server::cdr::say_history(&mut view, history);
    state.show_client(&mut view.client);
    state.upstream.metrics().consent_views.inc();
    Ok(view)
}

/// Allow (with the chosen accounts, at least one) or deny, then on to `redirect_to`.
#[server(prefix = "/api", endpoint = "cdr/decide")]
pub async fn decide_cdr_arrangement(
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
    decide(&state, Form { login_id, login_state, csrf_token, decision }, &Arrangement { account }).await
}

/// A decision on a CDR arrangement (or an amendment), with the accounts the form chose.
#[cfg(feature = "ssr")]
struct Arrangement {
    account: Vec<String>,
}

#[cfg(feature = "ssr")]
impl super::decide::Regime for Arrangement {
    const WHAT: &'static str = "CDR arrangement";
    type Accept = (crate::wire::cdr::AcceptCDRConsentRequest, Open);

    async fn refuse(
        &self,
        state: &crate::server::AppState,
        login_id: String,
        login_state: String,
        refusal: &super::decide::Refusal,
    ) -> Result<crate::wire::RedirectTo, AppError> {
        use crate::error::Failure;
        use crate::wire::cdr::{status, RejectCDRConsentRequest};
        let consent = state.upstream.cdr_arrangement(&login_id, &login_state).await?;
        if consent.cdr_arrangement.status != status::AWAITING_AUTHORISATION {
            return Err(Failure::Answered.into());
        }
        refusal.draft(record_draft(state, &consent, &login_id, &login_state, None, Vec::new()));
        let body = RejectCDRConsentRequest::user_denied(login_state);
        Ok(state.upstream.reject_cdr(&login_id, &body).await?)
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
        let open = open_arrangement(state, login_id, &login_state).await?;
        // The same checks as the page's: an arrangement whose time has passed is not given.
        crate::server::cdr::view(&open.consent, Vec::new(), String::new(), String::new(), String::new())?;
        let body = crate::server::cdr::accept_body(
            &open.consent,
            &open.accounts,
            &self.account,
            open.customer.clone(),
            login_state,
        )
        .map_err(AppError::new)?;
        let draft = record_draft(
            state,
            &open.consent,
            login_id,
            &body.login_state,
            Some(open.customer.clone()),
            body.account_ids.clone(),
        );
        Ok((draft, (body, open)))
    }

    async fn accept(
        &self,
        state: &crate::server::AppState,
        login_id: &str,
        (body, _): &Self::Accept,
    ) -> Result<crate::wire::RedirectTo, AppError> {
        Ok(state.upstream.accept_cdr(login_id, body).await?)
    }

    /// An amendment given ends the arrangement's record it replaces.
    async fn given(&self, state: &crate::server::AppState, (_, open): &Self::Accept, record_id: &str) {
        if open.consent.previous_cdr_arrangement.is_some() {
            crate::server::cdr::supersede(state, &open.consent, record_id).await;
        }
    }
}

/// An arrangement awaiting a decision, the customer's accounts at the workspace's bank and the
/// customer's id there.
#[cfg(feature = "ssr")]
struct Open {
    consent: crate::wire::cdr::GetCDRConsentResponse,
    accounts: Vec<crate::wire::InternalAccount>,
    customer: String,
}

#[cfg(feature = "ssr")]
async fn open_arrangement(
    state: &crate::server::AppState,
    login_id: &str,
    login_state: &str,
) -> Result<Open, AppError> {
    use crate::error::Failure;
    let consent = state.upstream.cdr_arrangement(login_id, login_state).await?;
    if consent.cdr_arrangement.status != crate::wire::cdr::status::AWAITING_AUTHORISATION {
        return Err(Failure::Answered.into());
    }
    let (customer, accounts) = crate::server::fdx::customer_accounts(
        &state.upstream,
        &consent.cdr_arrangement.authorization_server_id,
        "CDR arrangement",
        &consent.authentication_context,
        &consent.subject,
    )
    .await?;
    Ok(Open { consent, accounts, customer })
}

/// What the record of this arrangement keeps: its id (the arrangement's, or for an amendment
/// `{cdr_arrangement_id}.{login_id}`), who, which application as the screen showed it, the
/// scopes, the accounts granted and when sharing ends.
#[cfg(feature = "ssr")]
fn record_draft(
    state: &crate::server::AppState,
    consent: &crate::wire::cdr::GetCDRConsentResponse,
    login_id: &str,
    login_state: &str,
    customer: Option<String>,
    accounts: Vec<String>,
) -> crate::server::records::Draft {
    let a = &consent.cdr_arrangement;
    let client = crate::server::present::client_view(&consent.client_info, &a.client_id);
    let id = match &consent.previous_cdr_arrangement {
        _ if a.cdr_arrangement_id.is_empty() => None,
        Some(_) => Some(format!("{}.{login_id}", a.cdr_arrangement_id)),
        None => Some(a.cdr_arrangement_id.clone()),
    };
    let expires_at = match a.sharing_type.as_str() {
        crate::wire::cdr::sharing::ONE_TIME => None,
        _ => a.expiry.as_deref().and_then(|e| chrono::DateTime::parse_from_rfc3339(e).ok()).map(|e| e.timestamp()),
    };
    crate::server::records::Draft {
        id,
        login_id: login_id.to_string(),
        login_state: Some(login_state.to_string()),
        tenant: state.upstream.tenant_or(&a.tenant_id),
        workspace: a.authorization_server_id.clone(),
        subject: consent.subject.clone(),
        customer,
        client_id: a.client_id.clone(),
        client_name: client.name,
        client_logo: client.logo_uri,
        scopes: crate::server::cdr::requested(consent),
        scope_names: Default::default(),
        claims: Vec::new(),
        accounts,
        expires_at,
        payment: None,
        warned: None,
    }
}
