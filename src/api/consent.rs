//! Scope grants: load a consent request, decide it (allow with the ticked scopes, or deny).

use crate::error::AppError;
use crate::model::ConsentView;
use leptos::prelude::*;

/// The purpose of the consent forms' tokens, bound to the browser and to `login_id`.
#[cfg(feature = "ssr")]
pub(crate) const CSRF_PURPOSE: &str = "consent";

/// `login_id` and `login_state` as the authorization server makes them: short, URL-safe.
pub fn valid_handle(s: &str) -> bool {
    (1..=128).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
}

/// The consent request `login_id` (one upstream call), as the consent screen shows it, with a
/// form token for this browser.
#[server(prefix = "/api", endpoint = "consent/load")]
pub async fn load_consent(login_id: String, login_state: String) -> Result<ConsentView, AppError> {
    use super::context;
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
    state.upstream.metrics().consent_views.inc();
    let token = state.csrf.token(&context::browser_id(&state), CSRF_PURPOSE, &login_id);
    Ok(consent_view(&session, login_id, login_state, token))
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
) -> Result<(), AppError> {
    use super::context;
    use crate::error::Failure;
    use crate::server::consent::{granted_scopes, hint_locale};
    use crate::wire::{AcceptScopeGrant, RejectScopeGrant};
    if !valid_handle(&login_id) || !valid_handle(&login_state) {
        return Err(Failure::FormIncomplete.into());
    }
    let state = context::state()?;
    context::check_token(&state, CSRF_PURPOSE, &login_id, &csrf_token, Failure::Forged)?;
    let session = state.upstream.scope_grant(&login_id, &login_state).await?;
    hint_locale(&session);
    if session.scope_grant_approved || session.scope_grant_rejected {
        return Err(Failure::Answered.into());
    }
    let metrics = state.upstream.metrics();
    let next = match decision.as_str() {
        "allow" => {
            let granted = granted_scopes(&session, &scope).ok_or(Failure::NothingChosen)?;
            let body = AcceptScopeGrant {
                id: login_id,
                login_state,
                granted_scopes: granted,
                granted_claims: session.requested_claims_to_consent.clone(),
                consent_id: None,
            };
            let next = state.upstream.accept_scope_grant(&body).await?;
            metrics.accepts.inc();
            next
        }
        "deny" => {
            let next = state.upstream.reject_scope_grant(&RejectScopeGrant::user_denied(login_id, login_state)).await?;
            metrics.rejects.inc();
            next
        }
        _ => return Err(Failure::NoDecision.into()),
    };
    context::follow(&state, &next.redirect_to)
}

#[cfg(test)]
mod tests {
    use super::valid_handle;

    #[test]
    fn flow_handles_are_short_and_url_safe() {
        assert!(!valid_handle("") && !valid_handle("../x") && !valid_handle(&"a".repeat(129)) && !valid_handle("a b"));
        assert!(valid_handle("cavai7d8s9nelp7k792g"));
    }
}
