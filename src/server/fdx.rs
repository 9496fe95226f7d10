//! Open Finance (FDX) consents on the consent screen: the request comes from the FDX
//! consent-page API, the accounts from the bank, for the subject of this consent only. Account
//! ids from the form are never trusted: only the user's own accounts can be granted.

use super::consent::{
    already_answered, clean_text, client_view, error_page, follow, upstream_failure, user_of, CSRF_PURPOSE,
};
use super::observe::{self, ErrorKind};
use super::portal::format_date;
use super::render::{render, Page};
use super::AppState;
use crate::i18n;
use crate::model::{AccountView, FdxConsentView};
use crate::wire::{fdx_status, AcceptFDXConsentRequest, FDXResource, GetFDXConsentResponse, RejectScopeGrant};
use axum::{
    http::{header, HeaderMap, StatusCode, Uri},
    response::Response,
};

/// The bank's customer id of the person consenting: the configured claim of the
/// authentication context, or the subject.
fn customer_id(state: &AppState, consent: &GetFDXConsentResponse) -> String {
    let claim = state.upstream.fdx().and_then(|f| f.id_claim.as_deref());
    claim
        .and_then(|c| consent.authentication_context.get(c))
        .and_then(|v| v.as_str().map(str::to_string).or_else(|| v.as_i64().map(|n| n.to_string())))
        .unwrap_or_else(|| consent.subject.clone())
}

fn accounts_requested(consent: &GetFDXConsentResponse) -> bool {
    consent.fdx_consent.resources.iter().any(|r| r.resource_type == "ACCOUNT")
}

fn view(
    consent: &GetFDXConsentResponse,
    accounts: Vec<crate::wire::InternalAccount>,
    login_id: String,
    login_state: String,
    csrf_token: String,
) -> FdxConsentView {
    let locale = observe::locale();
    let fdx = &consent.fdx_consent;
    let until = fdx.expiration_time.as_deref().and_then(format_date).or_else(|| {
        let days = fdx.duration_period?;
        let end = chrono::Utc::now() + chrono::Duration::days(days);
        format_date(&end.to_rfc3339())
    });
    FdxConsentView {
        login_id,
        login_state,
        csrf_token,
        client: client_view(&consent.client_info, &consent.client_id),
        user: user_of(&consent.authentication_context, &consent.subject),
        parties: fdx.parties.iter().map(|p| clean_text(&p.name)).filter(|n| !n.is_empty()).collect(),
        resources: fdx
            .resources
            .iter()
            .map(|r| (clean_text(&r.resource_type), r.data_clusters.iter().map(|c| clean_text(c)).collect()))
            .collect(),
        duration_type: fdx.duration_type.clone(),
        duration_days: fdx.duration_period,
        until,
        lookback_days: fdx.lookback_period,
        accounts: accounts
            .into_iter()
            .map(|a| AccountView {
                balance: i18n::money(locale, a.balance, &clean_text(&a.currency)),
                id: a.id,
                name: clean_text(&a.name),
                nickname: a.nickname.as_deref().map(clean_text).filter(|n| !n.is_empty()),
                kind: clean_text(&a.kind),
                masked_number: clean_text(&a.masked_number),
            })
            .collect(),
        accounts_requested: accounts_requested(consent),
        scopes: consent
            .requested_scopes
            .iter()
            .filter(|s| !s.implicit)
            .map(|s| clean_text(s.display_name.as_deref().unwrap_or(&s.name)))
            .collect(),
    }
}

/// The consent and the customer's accounts, or the page that says why not.
async fn load(
    state: &AppState,
    uri: &Uri,
    login_id: &str,
    login_state: &str,
) -> Result<(GetFDXConsentResponse, Vec<crate::wire::InternalAccount>), Response> {
    let consent = match state.upstream.fdx_consent(login_id, login_state).await {
        Ok(c) => c,
        Err(e) => return Err(upstream_failure(state, uri, &e).await),
    };
    if consent.fdx_consent.status != fdx_status::AWAITING_AUTHORISATION {
        return Err(already_answered(state, uri).await);
    }
    let accounts = if accounts_requested(&consent) {
        match state.upstream.bank_accounts(&customer_id(state, &consent)).await {
            Ok(a) => a.accounts,
            Err(e) => return Err(upstream_failure(state, uri, &e).await),
        }
    } else {
        Vec::new()
    };
    Ok((consent, accounts))
}

pub async fn show(state: &AppState, headers: &HeaderMap, uri: &Uri, login_id: String, login_state: String) -> Response {
    if state.upstream.fdx().is_none() {
        tracing::error!("an Open Finance (FDX) consent arrived, but BANK_URL is not set: FDX consents are off");
    }
    let (consent, accounts) = match load(state, uri, &login_id, &login_state).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    state.upstream.metrics().consent_views.inc();
    let (browser, set_cookie) = state.csrf.ensure_cookie(headers);
    let token = state.csrf.token(&browser, CSRF_PURPOSE, &login_id);
    let view = view(&consent, accounts, login_id, login_state, token);
    let mut response = render(state, uri, StatusCode::OK, Page::FdxConsent(Box::new(view), None)).await;
    if let Some(cookie) = set_cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// What an accept grants: one `ACCOUNT` resource per chosen account (with the clusters the
/// `ACCOUNT` request asked for), other requested resources as they were asked, and every
/// requested scope. `None` when a chosen account is not the customer's.
pub(super) fn accept_body(
    consent: &GetFDXConsentResponse,
    own: &[crate::wire::InternalAccount],
    chosen: &[String],
    login_state: String,
) -> Option<AcceptFDXConsentRequest> {
    if chosen.iter().any(|id| !own.iter().any(|a| &a.id == id)) {
        return None;
    }
    let mut chosen: Vec<&String> = chosen.iter().collect();
    chosen.sort();
    chosen.dedup();
    let mut resources = Vec::new();
    for (index, requested) in consent.fdx_consent.resources.iter().enumerate() {
        if requested.resource_type == "ACCOUNT" {
            resources.extend(chosen.iter().map(|id| FDXResource {
                id: (*id).clone(),
                resource_type: "ACCOUNT".into(),
                data_clusters: requested.data_clusters.clone(),
            }));
        } else {
            resources.push(FDXResource {
                id: format!("id-{index}"),
                resource_type: requested.resource_type.clone(),
                data_clusters: requested.data_clusters.clone(),
            });
        }
    }
    Some(AcceptFDXConsentRequest {
        login_state,
        granted_scopes: consent
            .requested_scopes
            .iter()
            .map(|s| s.requested_name.clone().unwrap_or_else(|| s.name.clone()))
            .collect(),
        resources,
    })
}

pub async fn decide(
    state: &AppState,
    headers: &HeaderMap,
    uri: &Uri,
    login_id: String,
    login_state: String,
    decision: &str,
    chosen: Vec<String>,
) -> Response {
    let metrics = state.upstream.metrics();
    let result = match decision {
        "deny" => {
            // The flow must still be open; the reject body is the reference's.
            if let Err(page) = load_consent_only(state, uri, &login_id, &login_state).await {
                return page;
            }
            let body = RejectScopeGrant::user_denied(login_id, login_state);
            state.upstream.reject_fdx(&body).await.inspect(|_| {
                metrics.rejects.inc();
            })
        }
        "allow" => {
            let (consent, own) = match load(state, uri, &login_id, &login_state).await {
                Ok(x) => x,
                Err(page) => return page,
            };
            if accounts_requested(&consent) && chosen.is_empty() {
                let (browser, _) = state.csrf.ensure_cookie(headers);
                let token = state.csrf.token(&browser, CSRF_PURPOSE, &login_id);
                let notice = i18n::text(observe::locale(), "fdx-choose-one", &[]);
                let view = view(&consent, own, login_id, login_state, token);
                return render(
                    state,
                    uri,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Page::FdxConsent(Box::new(view), Some(notice)),
                )
                .await;
            }
            let Some(body) = accept_body(&consent, &own, &chosen, login_state) else {
                tracing::warn!("FDX accept with an account that is not the customer's; refused");
                return error_page(
                    state,
                    uri,
                    StatusCode::BAD_REQUEST,
                    ErrorKind::BadRequest,
                    "fdx-not-yours-title",
                    "fdx-not-yours-message",
                )
                .await;
            };
            state.upstream.accept_fdx(&login_id, &body).await.inspect(|_| {
                metrics.accepts.inc();
            })
        }
        _ => {
            return error_page(
                state,
                uri,
                StatusCode::BAD_REQUEST,
                ErrorKind::BadRequest,
                "form-incomplete-title",
                "form-choose",
            )
            .await
        }
    };
    follow(state, uri, result).await
}

/// The consent alone (for a reject): still open, or the page that says why not.
async fn load_consent_only(state: &AppState, uri: &Uri, login_id: &str, login_state: &str) -> Result<(), Response> {
    match state.upstream.fdx_consent(login_id, login_state).await {
        Ok(c) if c.fdx_consent.status == fdx_status::AWAITING_AUTHORISATION => Ok(()),
        Ok(_) => Err(already_answered(state, uri).await),
        Err(e) => Err(upstream_failure(state, uri, &e).await),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{FDXConsent, FDXRequestedResource, InternalAccount, RequestedScope};

    fn account(id: &str) -> InternalAccount {
        InternalAccount { id: id.into(), ..InternalAccount::default() }
    }

    #[test]
    fn only_the_customers_own_accounts_are_granted() {
        let consent = GetFDXConsentResponse {
            requested_scopes: vec![RequestedScope { name: "fdx:accountdetailed:read".into(), ..Default::default() }],
            fdx_consent: FDXConsent {
                resources: vec![
                    FDXRequestedResource {
                        resource_type: "ACCOUNT".into(),
                        data_clusters: vec!["ACCOUNT_DETAILED".into(), "TRANSACTIONS".into()],
                    },
                    FDXRequestedResource {
                        resource_type: "CUSTOMER".into(),
                        data_clusters: vec!["CUSTOMER_CONTACT".into()],
                    },
                ],
                ..FDXConsent::default()
            },
            ..GetFDXConsentResponse::default()
        };
        let own = [account("1"), account("2"), account("3")];
        let chosen = ["2".to_string(), "1".to_string(), "2".to_string()];
        let body = accept_body(&consent, &own, &chosen, "ls".into()).unwrap();
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"login_state": "ls", "granted_scopes": ["fdx:accountdetailed:read"], "resources": [
                {"id": "1", "resouceType": "ACCOUNT", "dataClusters": ["ACCOUNT_DETAILED", "TRANSACTIONS"]},
                {"id": "2", "resouceType": "ACCOUNT", "dataClusters": ["ACCOUNT_DETAILED", "TRANSACTIONS"]},
                {"id": "id-1", "resouceType": "CUSTOMER", "dataClusters": ["CUSTOMER_CONTACT"]}]})
        );
        assert!(accept_body(&consent, &own, &["1".into(), "9000001".into()], "ls".into()).is_none());
    }
}
