//! The login a consent page works on, whatever the profile: the signed-in login awaiting (or
//! holding) a decision, what the page shows of its user, client and scopes, and where the
//! browser goes once the page has decided.

use crate::sandbox::authz::request::AuthRequest;
use crate::sandbox::config::TENANT;
use crate::sandbox::http::{api_error, injected_fault, system_token};
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::{FdxConsentRow, LoginRow};
use crate::sandbox::util::now;
use crate::sandbox::workspace::ClientData;
use crate::wire::{ClientInfo, RedirectTo, RequestedScope, ScopeService};
use axum::{
    http::{HeaderMap, StatusCode},
    response::Response,
};

/// The scope of the Open Banking consent-page and management APIs (FDX, UK).
pub const MANAGE_SCOPE: &str = "manage_openbanking_consents";

/// A System-workspace caller with `manage_openbanking_consents` (and any injected fault).
pub async fn system_guard(sb: &Sandbox, headers: &HeaderMap, tid: &str, wid: &str) -> Result<(), Response> {
    injected_fault(sb).await?;
    if tid != TENANT || wid != "system" {
        return Err(api_error(StatusCode::NOT_FOUND, "not found", "not_found"));
    }
    system_token(sb, headers, MANAGE_SCOPE)
}

/// 409: an Open Banking consent that is no longer awaiting authorisation.
pub fn not_awaiting(consent: &FdxConsentRow) -> Response {
    api_error(
        StatusCode::CONFLICT,
        &format!("the consent is {}, not awaiting authorisation", consent.status),
        "consent_not_awaiting_authorisation",
    )
}

/// A login that is signed in and awaiting (or holding) a consent decision.
pub fn login_for_consent(
    sb: &Sandbox,
    login: &str,
    login_state: Option<&str>,
) -> Result<(LoginRow, AuthRequest), Response> {
    let not_found = || api_error(StatusCode::NOT_FOUND, "login not found", "not_found");
    let row = sb.store.login(login).ok().flatten().ok_or_else(not_found)?;
    let live = row.expires_at > now() && matches!(row.status.as_str(), "authenticated" | "accepted" | "rejected");
    if !live || login_state.is_some_and(|s| s != row.login_state) {
        return Err(not_found());
    }
    let request = serde_json::from_str(&row.request).map_err(|_| not_found())?;
    Ok((row, request))
}

/// Where the consent page sends the browser once a decision is recorded: back to the
/// authorization endpoint, which finishes the login.
pub fn redirect_to(sb: &Sandbox, row: &LoginRow) -> RedirectTo {
    let mut url = format!("{}/oauth2/authorize?", sb.issuer(&row.workspace));
    url.push_str(
        &url::form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &row.client_id)
            .append_pair("consent_verified", "true")
            .append_pair("login_id", &row.id)
            .append_pair("login_state", &row.login_state)
            .finish(),
    );
    RedirectTo { redirect_to: url }
}

/// `client_info` of a consent session: what the page shows of the client.
pub fn client_info(client: &ClientData) -> ClientInfo {
    ClientInfo {
        client_name: client.client_name.clone(),
        client_uri: client.client_uri.clone(),
        description: client.description.clone(),
        logo_uri: client.logo_uri.clone(),
        policy_uri: client.policy_uri.clone(),
        tos_uri: client.tos_uri.clone(),
    }
}

/// `authentication_context` of a signed-in user: `sub`, `email`, `name`, `customer_id`.
pub fn authentication_context(sb: &Sandbox, subject: &str) -> serde_json::Map<String, serde_json::Value> {
    let user = sb.user(subject);
    let mut context = serde_json::Map::new();
    context.insert("sub".into(), subject.into());
    if let Some(user) = user {
        context.insert("customer_id".into(), user.customer(subject).into());
        context.insert("email".into(), user.email.into());
        context.insert("name".into(), user.name.into());
    }
    context
}

/// `requested_scopes` with display names from a workspace's catalogue.
pub fn requested_scopes(sb: &Sandbox, workspace: &str, scopes: &[String]) -> Vec<RequestedScope> {
    scopes
        .iter()
        .map(|name| match sb.scope(workspace, name) {
            Some((svc, scope)) => RequestedScope {
                id: format!("{}-{}", workspace, scope.name),
                name: scope.name.clone(),
                requested_name: Some(name.clone()),
                display_name: Some(scope.display_name.clone()),
                description: Some(scope.description.clone()),
                service: Some(ScopeService {
                    id: svc.id.clone(),
                    name: svc.name.clone(),
                    description: Some(svc.description.clone()),
                    kind: Some("user".into()),
                }),
                ..Default::default()
            },
            None => RequestedScope { name: name.clone(), requested_name: Some(name.clone()), ..Default::default() },
        })
        .collect()
}
