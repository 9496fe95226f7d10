//! The FDX consent-page API (reference §1c), on the System workspace: what a consent page reads
//! of an FDX consent awaiting authorisation, and its accept (with the accounts shared) or
//! reject. Callers need a System-workspace token with `manage_openbanking_consents`.

use crate::sandbox::authz::request::AuthRequest;
use crate::sandbox::config::TENANT;
use crate::sandbox::http::api_error;
use crate::sandbox::profile::consent_page::{self as page, Found, Granted, LoginPath, Regime};
use crate::sandbox::profile::fdx::consent::{load, request_of, rfc3339, to_fdx_consent, ONE_TIME_TTL};
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::{FdxConsentRow, LoginRow};
use crate::wire::{
    AcceptFDXConsentRequest, FDXGrantedResource, FDXRequestedResource, GetFDXConsentResponse, RejectConsentRequest,
};
use axum::{
    extract::{rejection::JsonRejection, Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::Response,
    Json,
};
use std::collections::HashMap;
use std::sync::Arc;

type Sb = State<Arc<Sandbox>>;

const REGIME: Regime<()> = Regime { find, refused_granted: "[]", refused_keeps_expiry: false };

/// The FDX consent of a login awaiting (or holding) a decision.
fn find(sb: &Sandbox, _: &LoginRow, request: &AuthRequest) -> Found<()> {
    let consent = request
        .grant_id
        .as_deref()
        .and_then(|id| load(sb, id))
        .ok_or_else(|| api_error(StatusCode::NOT_FOUND, "FDX consent not found for this login", "not_found"))?;
    Ok((consent, ()))
}

/// `GET /{tid}/system/fdx/fdx/{login}?login_state=`.
pub async fn get_login(
    State(sb): Sb,
    Path(path): Path<LoginPath>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    page::get(&sb, &REGIME, &path, &q, &headers, |p, shown| {
        let fdx_consent = to_fdx_consent(&sb, &p.grant);
        GetFDXConsentResponse {
            consent_id: p.grant.id.clone(),
            client_id: p.row.client_id.clone(),
            client_info: shown.client_info,
            authentication_context: shown.authentication_context,
            subject: shown.subject,
            requested_scopes: shown.requested_scopes,
            account_ids: fdx_consent
                .granted_resources
                .iter()
                .filter(|r| r.resource_type == "ACCOUNT")
                .map(|r| r.id.clone())
                .collect(),
            created_at: rfc3339(p.grant.created_at),
            status: p.grant.status.clone(),
            kind: "fdx".into(),
            tenant_id: TENANT.into(),
            server_id: p.row.workspace.clone(),
            fdx_consent,
        }
    })
    .await
}

/// Checks an accept against the consent request and the subject's accounts: the granted
/// resources, with each resource's data clusters defaulting to the requested ones.
fn granted_resources(
    sb: &Sandbox,
    consent: &FdxConsentRow,
    subject: &str,
    body: &AcceptFDXConsentRequest,
) -> Result<Vec<FDXGrantedResource>, Response> {
    let bad = |m: String| api_error(StatusCode::BAD_REQUEST, &m, "invalid_request");
    if body.resources.is_empty() {
        return Err(bad("resources must not be empty".into()));
    }
    let requested: Vec<FDXRequestedResource> = request_of(consent).resources;
    let mut out: Vec<FDXGrantedResource> = Vec::new();
    for res in &body.resources {
        let Some(asked) = requested.iter().find(|r| r.resource_type == res.resource_type) else {
            return Err(bad(format!("resource type {:?} was not requested", res.resource_type)));
        };
        if let Some(extra) = res.data_clusters.iter().find(|c| !asked.data_clusters.contains(c)) {
            return Err(bad(format!("data cluster {extra} was not requested for {}", res.resource_type)));
        }
        if res.id.is_empty() {
            return Err(bad("every resource needs an id".into()));
        }
        if res.resource_type == "ACCOUNT" && !sb.bank.accounts_of(&sb.customer_of(subject)).any(|a| a.id == res.id) {
            return Err(page::unprocessable(
                format!("account {} is not an account of the signed-in user", res.id),
                "invalid_account",
                serde_json::json!({"account_id": res.id}),
            ));
        }
        if out.iter().any(|o| o.id == res.id && o.resource_type == res.resource_type) {
            continue;
        }
        let clusters =
            if res.data_clusters.is_empty() { asked.data_clusters.clone() } else { res.data_clusters.clone() };
        out.push(FDXGrantedResource {
            id: res.id.clone(),
            resource_type: res.resource_type.clone(),
            data_clusters: clusters,
        });
    }
    Ok(out)
}

/// `POST /{tid}/system/fdx/fdx/{login}/accept` with `AcceptFDXConsentRequest`.
pub async fn accept(
    State(sb): Sb,
    Path(path): Path<LoginPath>,
    headers: HeaderMap,
    body: Result<Json<AcceptFDXConsentRequest>, JsonRejection>,
) -> Response {
    page::accept(&sb, &REGIME, &path, &headers, body, |p, body, now| {
        p.check_scopes(&body.granted_scopes)?;
        let granted = granted_resources(&sb, &p.grant, &p.subject(), body)?;
        let req = request_of(&p.grant);
        let expires_at = match req.duration_type.as_deref() {
            Some("TIME_BOUND") => Some(now + req.duration_period.unwrap_or(1) * 86_400),
            Some("PERSISTENT") => None,
            _ => Some(now + ONE_TIME_TTL),
        };
        Ok(Granted { granted: serde_json::to_string(&granted).unwrap_or_default(), expires_at, supersedes: None })
    })
    .await
}

/// `POST /{tid}/system/fdx/fdx/{login}/reject` with `RejectConsentRequest`.
pub async fn reject(
    State(sb): Sb,
    Path(path): Path<LoginPath>,
    headers: HeaderMap,
    body: Result<Json<RejectConsentRequest>, JsonRejection>,
) -> Response {
    page::reject(&sb, &REGIME, &path, &headers, body).await
}
