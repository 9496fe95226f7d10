//! Scope grants: load a consent request, decide it (allow with the ticked scopes, or deny).

use crate::error::AppError;
use crate::model::ConsentView;
use leptos::prelude::*;

/// `login_id` and `login_state` as the authorization server makes them: short, URL-safe, and
/// not only dots (`.` and `..` would name another path than a flow's).
pub fn valid_handle(s: &str) -> bool {
    (1..=128).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
        && s.bytes().any(|b| b != b'.')
}

/// The consent request `login_id` (one upstream call), as the consent screen shows it, with a
/// form token for this browser.
#[server(prefix = "/api", endpoint = "consent/load")]
pub async fn load_consent(login_id: String, login_state: String) -> Result<ConsentView, AppError> {
    use super::context;
    use super::decide::CSRF_PURPOSE;
    use crate::error::Failure;
    use crate::server::consent::{consent_view, hint_locale};
    if !valid_handle(&login_id) || !valid_handle(&login_state) {
        return Err(Failure::LinkInvalid.into());
    }
    let state = context::state()?;
    let session = state.upstream.scope_grant(&login_id, &login_state).await?;
    hint_locale(&session);
    if session.scope_grant_approved || session.scope_grant_rejected {
        return Err(Failure::Answered.into());
    }
    let accounts = customer_accounts(&state, &session).await?;
    state.upstream.metrics().consent_views.inc();
    let token = state.csrf.token(&context::browser_id(&state), CSRF_PURPOSE, &login_id);
    let bank = state.upstream.bank_of(&session.server_id);
    let account_scopes = bank.map(|b| b.account_scopes).unwrap_or_default();
    let screen = crate::server::consent::Screen {
        account_scopes,
        assent_on_loopback: state.on_loopback,
        preselect: state.preselects(&session.server_id),
    };
    let mut view = consent_view(&session, login_id, login_state, token, accounts, screen);
    state.show_client(&mut view.client);
    Ok(view)
}

/// The accounts of the customer consenting, when the request asks for a scope that shares
/// accounts and the workspace's bank is known (its own `bank_url`, or `BANK_URL`); none
/// otherwise.
#[cfg(feature = "ssr")]
async fn customer_accounts(
    state: &crate::server::AppState,
    session: &crate::wire::ScopeGrantSession,
) -> Result<Vec<crate::wire::InternalAccount>, AppError> {
    use crate::server::consent::asks_for_accounts;
    let Some(bank) = state.upstream.bank_of(&session.server_id) else { return Ok(Vec::new()) };
    if !asks_for_accounts(session, bank.account_scopes) {
        return Ok(Vec::new());
    }
    let customer = crate::server::fdx::customer_by(bank.id_claim, &session.authentication_context, &session.subject)?;
    Ok(state.upstream.accounts_at(bank.url, &customer).await?.accounts)
}

/// Allow (with the ticked `scope[]`s; required and implicit ones are always granted) or deny,
/// then on to the authorization server's `redirect_to`.
#[server(prefix = "/api", endpoint = "consent/decide")]
pub async fn decide_consent(
    login_id: String,
    login_state: String,
    csrf_token: String,
    decision: String,
    #[server(default)] scope: Vec<String>,
    #[server(default)] account: Vec<String>,
) -> Result<(), AppError> {
    use super::context;
    use crate::error::Failure;
    use crate::server::consent::{granted_scopes, hint_locale};
    use crate::wire::{AcceptScopeGrant, RejectScopeGrant};
    if !valid_handle(&login_id) || !valid_handle(&login_state) || account.len() > 1000 {
        return Err(Failure::FormIncomplete.into());
    }
    let state = context::state()?;
    let (flow, way, refusal) = (login_id.clone(), decision.clone(), &super::decide::Refusal::default());
    super::decide::once(&state, &flow, &csrf_token, &way, refusal, async {
        let state = &state;
        let session = state.upstream.scope_grant(&login_id, &login_state).await?;
        hint_locale(&session);
        if session.scope_grant_approved || session.scope_grant_rejected {
            return Err(Failure::Answered.into());
        }
        let metrics = state.upstream.metrics();
        if decision == "deny" {
            // A refusal's record keeps what was asked for.
            let asked = crate::server::consent::offered_scopes(&session);
            refusal.draft(record_draft(state, &session, &login_id, &login_state, asked, Vec::new()));
            let next = state.upstream.reject_scope_grant(&RejectScopeGrant::user_denied(login_id, login_state)).await?;
            metrics.rejects.inc();
            return Ok(next);
        }
        let granted = granted_scopes(&session, &scope).ok_or(Failure::NothingChosen)?;
        let claims = session.requested_claims_to_consent.clone();
        let accounts = chosen_accounts(state, &session, &granted, account).await?;
        // The record first: no accept without one. A store that cannot be written stops here,
        // with nothing shared.
        let mut draft = record_draft(state, &session, &login_id, &login_state, granted.clone(), claims.clone());
        draft.accounts = accounts;
        let record = state.records.prepare(draft).await.map_err(crate::server::records::nothing_shared)?;
        let body = AcceptScopeGrant {
            id: login_id,
            login_state,
            granted_scopes: granted,
            granted_claims: claims,
            consent_id: record.as_ref().map(|(id, _)| id.clone()),
        };
        let next = state.upstream.accept_scope_grant(&body).await?;
        metrics.accepts.inc();
        if let Some((id, _)) = record {
            // Accepted: the record is a consent now. Should this write fail, the record stays
            // pending (never authorized without its accept), and the bank, which honours
            // authorized records only, shares nothing under it.
            if let Err(e) = state.records.authorize(&id).await {
                tracing::error!(error = %e, "an accepted consent's record could not be marked authorized");
            }
        }
        Ok(next)
    })
    .await
}

/// The accounts an Allow shares: when a granted scope shares accounts, at least one, and only
/// the customer's own, as the bank lists them now (ids from the form are never trusted); none
/// otherwise, and accounts ticked without such a scope are asked about, never dropped unsaid.
#[cfg(feature = "ssr")]
async fn chosen_accounts(
    state: &crate::server::AppState,
    session: &crate::wire::ScopeGrantSession,
    granted: &[String],
    chosen: Vec<String>,
) -> Result<Vec<String>, AppError> {
    use crate::error::Failure;
    let Some(bank) = state.upstream.bank_of(&session.server_id) else { return Ok(Vec::new()) };
    if !crate::server::consent::grants_accounts(session, granted, bank.account_scopes) {
        return if chosen.is_empty() { Ok(Vec::new()) } else { Err(Failure::AccountsWithoutPermission.into()) };
    }
    if chosen.is_empty() {
        return Err(Failure::NoAccountChosen.into());
    }
    let own = customer_accounts(state, session).await?;
    crate::server::fdx::may_share(&own, &chosen)?;
    let mut chosen = chosen;
    chosen.sort();
    chosen.dedup();
    Ok(chosen)
}

/// What a record of this flow keeps: who, which application as the screen showed it, what.
#[cfg(feature = "ssr")]
fn record_draft(
    state: &crate::server::AppState,
    session: &crate::wire::ScopeGrantSession,
    login_id: &str,
    login_state: &str,
    scopes: Vec<String>,
    claims: Vec<String>,
) -> crate::server::records::Draft {
    let client = crate::server::present::client_view(&session.client_info, &session.client_id);
    let customer =
        crate::server::fdx::record_customer(&state.upstream, &session.server_id, &session.authentication_context);
    crate::server::records::Draft {
        id: None,
        login_id: login_id.to_string(),
        login_state: Some(login_state.to_string()),
        tenant: state.upstream.tenant_or(&session.tenant_id),
        workspace: session.server_id.clone(),
        subject: session.subject.clone(),
        customer,
        client_id: session.client_id.clone(),
        client_name: client.name,
        client_logo: client.logo_uri,
        scope_names: crate::server::consent::shown_names(session, &scopes),
        scopes,
        claims,
        accounts: Vec::new(),
        expires_at: None,
        payment: None,
        warned: crate::server::consent::warning(session, state.on_loopback),
    }
}

#[cfg(test)]
mod tests {
    use super::valid_handle;

    #[test]
    fn flow_handles_are_short_and_url_safe() {
        assert!(!valid_handle("") && !valid_handle("../x") && !valid_handle(&"a".repeat(129)) && !valid_handle("a b"));
        assert!(valid_handle("cavai7d8s9nelp7k792g") && valid_handle("a.b") && valid_handle(".a"));
        assert!(!valid_handle(".") && !valid_handle("..") && !valid_handle("..."));
    }
}
