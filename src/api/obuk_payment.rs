//! UK Open Banking domestic payments: load a payment consent with the accounts the customer
//! may pay from, decide it (pay from the one chosen `account`, or deny). The account id from
//! the form is never trusted: only one of the customer's own accounts, as the bank lists them
//! at submit, and the consent's `DebtorAccount` when it fixes one, can be granted.
//!
//! Each decision is recorded as account access's are (`crate::api::obuk`): the record's id is
//! the `ConsentId`, its account the one paid from, and it keeps the payment itself (amount,
//! currency, payee, reference: [`crate::server::records::PaymentRecord`]).

use crate::error::AppError;
use crate::model::DomesticPaymentView;
use leptos::prelude::*;

/// The domestic-payment consent `login_id` and the accounts of the customer who pays.
#[server(prefix = "/api", endpoint = "obuk/payment/load")]
pub async fn load_domestic_payment(login_id: String, login_state: String) -> Result<DomesticPaymentView, AppError> {
    use super::consent::valid_handle;
    use super::context;
    use super::decide::CSRF_PURPOSE;
    use crate::error::Failure;
    if !valid_handle(&login_id) || !valid_handle(&login_state) {
        return Err(Failure::LinkInvalid.into());
    }
    let state = context::state()?;
    let (consent, accounts) = open_payment(&state, &login_id, &login_state).await?;
    let token = state.csrf.token(&context::browser_id(&state), CSRF_PURPOSE, &login_id);
    let mut view = crate::server::obuk_payment::view(&consent, accounts, login_id, login_state, token)?;
    state.show_client(&mut view.client);
    state.upstream.metrics().consent_views.inc();
    Ok(view)
}

/// Pay (from the one chosen `account`) or deny, then on to `redirect_to`. A form naming two
/// accounts does not decode (400).
#[server(prefix = "/api", endpoint = "obuk/payment/decide")]
pub async fn decide_domestic_payment(
    login_id: String,
    login_state: String,
    csrf_token: String,
    decision: String,
    #[server(default)] account: String,
) -> Result<(), AppError> {
    use super::consent::valid_handle;
    use super::context;
    use super::decide::{decide, Form};
    use crate::error::Failure;
    if !valid_handle(&login_id) || !valid_handle(&login_state) || account.len() > 256 {
        return Err(Failure::FormIncomplete.into());
    }
    let state = context::state()?;
    decide(&state, Form { login_id, login_state, csrf_token, decision }, &DomesticPayment { account }).await
}

/// A decision on a UK domestic-payment consent, with the account the form pays from.
#[cfg(feature = "ssr")]
struct DomesticPayment {
    account: String,
}

#[cfg(feature = "ssr")]
impl super::decide::Regime for DomesticPayment {
    const WHAT: &'static str = "UK payment consent";
    type Accept = crate::wire::obuk::AcceptConsentRequest;

    async fn refuse(
        &self,
        state: &crate::server::AppState,
        login_id: String,
        login_state: String,
        refusal: &super::decide::Refusal,
    ) -> Result<crate::wire::RedirectTo, AppError> {
        use crate::error::Failure;
        let consent = state.upstream.domestic_payment_consent(&login_id, &login_state).await?;
        if consent.domestic_payment_consent.status != crate::wire::obuk::status::AWAITING_AUTHORISATION {
            return Err(Failure::Answered.into());
        }
        refusal.draft(record_draft(state, &consent, &login_id, &login_state, Vec::new()));
        let body = crate::wire::RejectScopeGrant::user_denied(login_id, login_state);
        Ok(state.upstream.reject_domestic_payment(&body).await?)
    }

    async fn prepare(
        &self,
        state: &crate::server::AppState,
        login_id: &str,
        login_state: String,
    ) -> Result<(crate::server::records::Draft, Self::Accept), AppError> {
        use crate::error::Failure;
        if self.account.is_empty() {
            return Err(Failure::NoPayerChosen.into());
        }
        let (consent, own) = open_payment(state, login_id, &login_state).await?;
        // The same checks as the page's: a payment the page could not show is not made.
        crate::server::obuk_payment::view(&consent, own.clone(), String::new(), String::new(), String::new())?;
        let body = crate::server::obuk_payment::accept_body(&consent, &own, &self.account, login_state)?;
        let draft = record_draft(state, &consent, login_id, &body.login_state, body.account_ids.clone());
        Ok((draft, body))
    }

    async fn accept(
        &self,
        state: &crate::server::AppState,
        login_id: &str,
        body: &Self::Accept,
    ) -> Result<crate::wire::RedirectTo, AppError> {
        Ok(state.upstream.accept_domestic_payment(login_id, body).await?)
    }
}

/// The payment consent, still awaiting a decision, and the customer's accounts at the
/// workspace's bank.
#[cfg(feature = "ssr")]
async fn open_payment(
    state: &crate::server::AppState,
    login_id: &str,
    login_state: &str,
) -> Result<(crate::wire::obuk_payment::GetDomesticPaymentConsentResponse, Vec<crate::wire::InternalAccount>), AppError>
{
    use crate::error::Failure;
    let consent = state.upstream.domestic_payment_consent(login_id, login_state).await?;
    if consent.domestic_payment_consent.status != crate::wire::obuk::status::AWAITING_AUTHORISATION {
        return Err(Failure::Answered.into());
    }
    let (_, accounts) = crate::server::fdx::customer_accounts(
        &state.upstream,
        &consent.server_id,
        "UK payment consent",
        &consent.authentication_context,
        &consent.subject,
    )
    .await?;
    Ok((consent, accounts))
}

/// What the record of this payment consent keeps: its `ConsentId` as the record's id, who,
/// which application, the scopes requested, the account paid from, and the payment.
#[cfg(feature = "ssr")]
fn record_draft(
    state: &crate::server::AppState,
    consent: &crate::wire::obuk_payment::GetDomesticPaymentConsentResponse,
    login_id: &str,
    login_state: &str,
    accounts: Vec<String>,
) -> crate::server::records::Draft {
    use crate::server::present::clean_text;
    let c = &consent.domestic_payment_consent;
    let client = crate::server::present::client_view(&consent.client_info, &consent.client_id);
    let customer =
        crate::server::fdx::record_customer(&state.upstream, &consent.server_id, &consent.authentication_context);
    let i = &c.initiation;
    let payment = crate::server::records::PaymentRecord {
        amount: i.instructed_amount.amount.clone(),
        currency: i.instructed_amount.currency.clone(),
        payee: i.creditor_account.as_ref().and_then(|a| a.name.as_deref()).map(clean_text).unwrap_or_default(),
        payee_account: i.creditor_account.as_ref().map(|a| crate::server::obuk_payment::mask(&a.identification)),
        reference: i
            .remittance_information
            .as_ref()
            .and_then(|r| r.reference.as_deref())
            .map(clean_text)
            .filter(|r| !r.is_empty()),
    };
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
        scopes: consent
            .requested_scopes
            .iter()
            .map(|s| s.requested_name.clone().unwrap_or_else(|| s.name.clone()))
            .collect(),
        scope_names: Default::default(),
        claims: Vec::new(),
        accounts,
        expires_at: None,
        payment: Some(payment),
        warned: None,
    }
}
