//! FDX consents: what an `fdx_v1.0` authorization detail asks for, the consent it makes, how
//! the System APIs and the recipient see one, and FDX token introspection (§1e).
//!
//! Consent statuses (System APIs): `AwaitingAuthorisation` → `Authorised` | `Rejected`, then
//! `Authorised` → `Revoked` | `Expired`. The recipient's `GET /consents/{id}` speaks FDX's own
//! vocabulary: `PENDING`, `ACTIVE`, `REJECTED`, `REVOKED`, `EXPIRED`. Revoking or expiring a
//! consent revokes every access and refresh token issued under it.

use crate::sandbox::authz::introspection::introspection;
use crate::sandbox::authz::request::AuthRequest;
use crate::sandbox::config::TENANT;
use crate::sandbox::http::{active_token, api_error};
use crate::sandbox::profile::api::walk_details;
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::{DbError, FdxConsentRow};
use crate::sandbox::util::{now, random_token, sha256_b64};
use crate::wire::{
    fdx_status, FDXAuthorizationDetail, FDXConsent, FDXConsentRequest, FDXConsentRevocation, FDXGrantedResource,
    FDXIntrospection, GetFDXConsent,
};
use axum::{http::StatusCode, response::Response};

pub const INTROSPECT_SCOPE: &str = "introspect_openbanking_tokens";
const DURATION_TYPES: [&str; 3] = ["ONE_TIME", "PERSISTENT", "TIME_BOUND"];
const INITIATORS: [&str; 6] =
    ["DATA_ACCESS_PLATFORM", "DATA_PROVIDER", "DATA_RECIPIENT", "INDIVIDUAL", "MERCHANT", "VENDOR"];
const REASONS: [&str; 2] = ["BUSINESS_RULE", "USER_ACTION"];
/// How long a `ONE_TIME` consent lasts once authorised.
pub const ONE_TIME_TTL: i64 = 3600;

pub fn rfc3339(t: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(t, 0).map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// Validates the `authorization_details` of a request in an FDX workspace: `None` when it has
/// no `fdx_v1.0` entry.
pub fn parse_authorization_details(raw: &str) -> Result<Option<FDXConsentRequest>, String> {
    let mut fdx = None;
    walk_details(raw, |kind, detail| {
        (kind == "fdx_v1.0").then(|| {
            if fdx.is_some() {
                return Err("Only one fdx_v1.0 authorization detail.".to_string());
            }
            let d: FDXAuthorizationDetail =
                serde_json::from_value(detail).map_err(|e| format!("Invalid fdx_v1.0 authorization detail: {e}"))?;
            fdx = Some(validate_consent_request(d.consent_request)?);
            Ok(())
        })
    })?;
    Ok(fdx)
}

fn validate_consent_request(mut r: FDXConsentRequest) -> Result<FDXConsentRequest, String> {
    let duration = r.duration_type.get_or_insert_with(|| "ONE_TIME".into()).clone();
    if !DURATION_TYPES.contains(&duration.as_str()) {
        return Err(format!("durationType must be one of {}.", DURATION_TYPES.join(", ")));
    }
    match (duration.as_str(), r.duration_period) {
        ("TIME_BOUND", Some(1..=3650)) => {}
        ("TIME_BOUND", _) => return Err("TIME_BOUND needs a durationPeriod of 1 to 3650 days.".into()),
        (_, Some(p)) if p < 1 => return Err("durationPeriod must be positive.".into()),
        _ => {}
    }
    if r.lookback_period.is_some_and(|l| !(0..=3650).contains(&l)) {
        return Err("lookbackPeriod must be 0 to 3650 days.".into());
    }
    if r.resources.is_empty() {
        return Err("consentRequest.resources must not be empty.".into());
    }
    let mut seen = Vec::new();
    for res in &r.resources {
        let valid = !res.resource_type.is_empty()
            && res.resource_type.chars().all(|c| c.is_ascii_uppercase() || c == '_')
            && res.data_clusters.iter().all(|c| !c.is_empty() && c.chars().all(|c| c.is_ascii_uppercase() || c == '_'));
        if !valid {
            return Err("Each resource needs an upper-case resourceType and dataClusters.".into());
        }
        if seen.contains(&res.resource_type) {
            return Err(format!("resourceType {} appears twice.", res.resource_type));
        }
        seen.push(res.resource_type.clone());
    }
    r.resources.iter_mut().for_each(|res| res.data_clusters.dedup());
    Ok(r)
}

/// Creates the consent an `fdx_v1.0` request asks for (status `AwaitingAuthorisation`).
pub fn create_consent(sb: &Sandbox, wid: &str, request: &mut AuthRequest) -> Result<(), DbError> {
    let Some(details) = request.details.take() else { return Ok(()) };
    // What `parse_authorization_details` validated, stored with the request.
    let consent_request: FDXConsentRequest = serde_json::from_value(details).unwrap_or_default();
    let now = now();
    let row = FdxConsentRow {
        id: random_token(18),
        workspace: wid.into(),
        client_id: request.client_id.clone(),
        subject: None,
        status: fdx_status::AWAITING_AUTHORISATION.into(),
        request: serde_json::to_string(&consent_request).unwrap_or_default(),
        granted: "[]".into(),
        revocation: None,
        created_at: now,
        updated_at: now,
        expires_at: None,
    };
    sb.store.insert_fdx_consent(&row)?;
    request.grant_id = Some(row.id);
    Ok(())
}

/// A consent, with its expiry applied (an authorised consent past its time becomes `Expired`).
pub fn load(sb: &Sandbox, id: &str) -> Option<FdxConsentRow> {
    sb.store.settled(sb.store.fdx_consent(id).ok()??, now()).ok()
}

pub fn consent_is_authorised(sb: &Sandbox, id: &str) -> bool {
    load(sb, id).is_some_and(|c| c.status == fdx_status::AUTHORISED)
}

pub fn request_of(row: &FdxConsentRow) -> FDXConsentRequest {
    serde_json::from_str(&row.request).unwrap_or_default()
}

pub fn granted_of(row: &FdxConsentRow) -> Vec<FDXGrantedResource> {
    serde_json::from_str(&row.granted).unwrap_or_default()
}

/// `FDXConsent` as the System APIs show it.
pub fn to_fdx_consent(sb: &Sandbox, row: &FdxConsentRow) -> FDXConsent {
    let req = request_of(row);
    FDXConsent {
        id: row.id.clone(),
        status: row.status.clone(),
        created_time: rfc3339(row.created_at),
        updated_time: rfc3339(row.updated_at),
        expiration_time: row.expires_at.and_then(rfc3339),
        duration_type: req.duration_type,
        duration_period: req.duration_period,
        lookback_period: req.lookback_period,
        resources: req.resources,
        granted_resources: granted_of(row),
        parties: vec![sb.bank.party.clone()],
        revocation_reason: row.revocation.as_deref().and_then(|r| serde_json::from_str(r).ok()),
        client_id: row.client_id.clone(),
        tenant_id: TENANT.into(),
        authorization_server_id: row.workspace.clone(),
    }
}

/// FDX's own status vocabulary, for the recipient.
pub fn fdx_standard_status(status: &str) -> &'static str {
    match status {
        fdx_status::AUTHORISED => "ACTIVE",
        fdx_status::REJECTED => "REJECTED",
        fdx_status::REVOKED => "REVOKED",
        fdx_status::EXPIRED => "EXPIRED",
        _ => "PENDING",
    }
}

/// `GetFDXConsent`: the recipient's view.
pub fn to_get_fdx_consent(sb: &Sandbox, row: &FdxConsentRow) -> GetFDXConsent {
    let req = request_of(row);
    GetFDXConsent {
        id: row.id.clone(),
        status: fdx_standard_status(&row.status).into(),
        created_time: rfc3339(row.created_at),
        expiration_time: row.expires_at.and_then(rfc3339),
        duration_type: req.duration_type,
        duration_period: req.duration_period,
        lookback_period: req.lookback_period,
        parties: vec![sb.bank.party.clone()],
        resources: granted_of(row),
    }
}

/// FDX introspection of a token in workspace `wid`: inactive unless the token is active and,
/// when it was issued under a consent, that consent is still authorised.
pub fn introspect_token(sb: &Sandbox, wid: &str, token: &str) -> FDXIntrospection {
    let inactive = FDXIntrospection::default();
    let Some(row) = active_token(sb, token).filter(|r| r.workspace == wid) else { return inactive };
    let (x5t, grant) = sb.store.token_binding(&sha256_b64(token)).unwrap_or_default();
    let consent = match grant {
        Some(id) => match load(sb, &id).filter(|c| c.status == fdx_status::AUTHORISED) {
            Some(c) => Some(to_get_fdx_consent(sb, &c)),
            None => return inactive,
        },
        None => None,
    };
    FDXIntrospection { token: introspection(sb, wid, row, x5t), fdx_consent: consent }
}

pub fn parse_revocation(body: &[u8]) -> Result<FDXConsentRevocation, Response> {
    let r: FDXConsentRevocation = serde_json::from_slice(body)
        .map_err(|_| api_error(StatusCode::BAD_REQUEST, "body must be {initiator, reason}", "bad_request"))?;
    if !INITIATORS.contains(&r.initiator.as_str()) || !REASONS.contains(&r.reason.as_str()) {
        return Err(api_error(
            StatusCode::BAD_REQUEST,
            &format!("initiator must be one of {}; reason one of {}", INITIATORS.join(", "), REASONS.join(", ")),
            "bad_request",
        ));
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::profile::api::ConsentProfile;

    #[test]
    fn authorization_details_are_validated() {
        let ok = r#"[{"type":"fdx_v1.0","consentRequest":{"durationType":"TIME_BOUND","durationPeriod":90,"lookbackPeriod":365,
            "resources":[{"resourceType":"ACCOUNT","dataClusters":["ACCOUNT_DETAILED","TRANSACTIONS"]}]}}]"#;
        let r = parse_authorization_details(ok).unwrap().unwrap();
        assert_eq!(r.duration_period, Some(90));
        let generic = crate::sandbox::profile::scope_grants::ScopeGrants;
        assert!(generic.parse_details(ok).is_err(), "fdx_v1.0 only in the FDX workspace");
        for bad in [
            "{}",
            r#"[{"type":"payment"}]"#,
            r#"[{"type":"fdx_v1.0","consentRequest":{"durationType":"TIME_BOUND","resources":[{"resourceType":"ACCOUNT"}]}}]"#,
            r#"[{"type":"fdx_v1.0","consentRequest":{"durationType":"FOREVER","resources":[{"resourceType":"ACCOUNT"}]}}]"#,
            r#"[{"type":"fdx_v1.0","consentRequest":{"resources":[]}}]"#,
            r#"[{"type":"fdx_v1.0","consentRequest":{"resources":[{"resourceType":"<b>"}]}}]"#,
        ] {
            assert!(parse_authorization_details(bad).is_err(), "{bad}");
        }
        let default = parse_authorization_details(
            r#"[{"type":"fdx_v1.0","consentRequest":{"resources":[{"resourceType":"CUSTOMER","dataClusters":["CUSTOMER_CONTACT"]}]}}]"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(default.duration_type.as_deref(), Some("ONE_TIME"));
    }
}
