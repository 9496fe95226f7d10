//! CDR arrangements: what a data recipient's pushed request asks for (`sharing_duration`, and
//! `cdr_arrangement_id` when it amends an arrangement), the grant it makes, and how the APIs
//! show an arrangement.
//!
//! Each authorization is a grant of its own in the sandbox's consent table (`fdx_consents`,
//! regime-neutral in all but name), whose `request` holds [`CdrRequest`] and whose `granted`
//! holds [`CdrGranted`]; tokens are bound to the grant. An arrangement is the grant currently
//! authorised under its `cdr_arrangement_id`. An amendment is a new grant under the same id:
//! its accept authorises it and revokes the grant it amends (with that grant's tokens), so
//! the arrangement keeps its id while the old tokens stop. A superseded grant is `Revoked`
//! with `{"superseded_by": …}` as its revocation, and the management API lists it no more.

use crate::sandbox::authz::request::{AuthRequest, Params};
use crate::sandbox::config::TENANT;
use crate::sandbox::http::active_token;
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::{DbError, FdxConsentRow};
use crate::sandbox::util::{now, random_token, sha256_b64};
use crate::wire::cdr::{sharing, status, CDRArrangement, ScopeGrant, MAX_SHARING_SECONDS};
use serde::{Deserialize, Serialize};

/// How long a one-time arrangement (`sharing_duration` 0) stays usable once given.
pub const ONE_TIME_TTL: i64 = 3600;

/// What a pushed request asks for, kept with its grant.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct CdrRequest {
    /// The arrangement: a new id, or the one amended.
    #[serde(default)]
    pub cdr_arrangement_id: String,
    /// Seconds, capped at a year; 0: once.
    #[serde(default)]
    pub sharing_duration: i64,
    /// The grant an amendment replaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amends: Option<String>,
}

/// What the customer gave: the accounts and scopes, and when.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct CdrGranted {
    #[serde(default)]
    pub accounts: Vec<String>,
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub given_at: i64,
}

/// `sharing_duration` as the CDR standards read it: absent or 0 is once; a negative or
/// non-numeric value is refused; more than a year is a year.
pub fn sharing_duration(raw: Option<&str>) -> Result<i64, String> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else { return Ok(0) };
    let seconds: i64 = raw.parse().map_err(|_| "sharing_duration must be a whole number of seconds.".to_string())?;
    if seconds < 0 {
        return Err("sharing_duration must not be negative.".into());
    }
    Ok(seconds.min(MAX_SHARING_SECONDS))
}

pub fn rfc3339(t: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(t, 0).map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// A grant of workspace `wid`, with its expiry applied.
pub fn load(sb: &Sandbox, wid: &str, id: &str) -> Option<FdxConsentRow> {
    let row = sb.store.fdx_consent(id).ok()??;
    if row.workspace != wid {
        return None;
    }
    sb.store.settled(row, now()).ok()
}

pub fn request_of(row: &FdxConsentRow) -> CdrRequest {
    serde_json::from_str(&row.request).unwrap_or_default()
}

pub fn granted_of(row: &FdxConsentRow) -> CdrGranted {
    serde_json::from_str(&row.granted).unwrap_or_default()
}

/// Was this grant replaced by an amendment?
pub fn superseded(row: &FdxConsentRow) -> bool {
    row.revocation.as_deref().is_some_and(|r| r.contains("\"superseded_by\""))
}

/// The grant in force under arrangement `arrangement_id` of workspace `wid`, if any.
pub fn current(sb: &Sandbox, wid: &str, arrangement_id: &str) -> Option<FdxConsentRow> {
    let rows = sb.store.fdx_consents(wid).ok()?;
    let now = now();
    rows.into_iter()
        .filter(|r| r.status == status::AUTHORISED && request_of(r).cdr_arrangement_id == arrangement_id)
        .find_map(|r| sb.store.settled(r, now).ok().filter(|r| r.status == status::AUTHORISED))
}

/// The CDR side of `parse_params`: the duration, and the arrangement an amendment names,
/// which must be in force and the requesting client's (the customer is checked once known,
/// on the consent page).
pub fn parse_request(sb: &Sandbox, wid: &str, p: &Params) -> Result<CdrRequest, String> {
    let sharing_duration = sharing_duration(p.get("sharing_duration").map(String::as_str))?;
    let mut request = CdrRequest { sharing_duration, ..CdrRequest::default() };
    if let Some(id) = p.get("cdr_arrangement_id") {
        let client = p.get("client_id").map(String::as_str).unwrap_or_default();
        let grant = current(sb, wid, id)
            .filter(|g| g.client_id == client)
            .ok_or_else(|| "cdr_arrangement_id does not name an active arrangement of this client.".to_string())?;
        request.cdr_arrangement_id = id.clone();
        request.amends = Some(grant.id);
    }
    Ok(request)
}

/// Makes the grant a request asks for (status `AwaitingAuthorisation`), under a new
/// arrangement id unless it amends one.
pub fn create_grant(sb: &Sandbox, wid: &str, req: &mut AuthRequest) -> Result<(), DbError> {
    let Some(details) = req.details.take() else { return Ok(()) };
    let mut request: CdrRequest = serde_json::from_value(details).unwrap_or_default();
    if request.cdr_arrangement_id.is_empty() {
        request.cdr_arrangement_id = format!("arr-{}", random_token(18));
    }
    let now = now();
    let row = FdxConsentRow {
        id: format!("cdrg-{}", random_token(18)),
        workspace: wid.into(),
        client_id: req.client_id.clone(),
        subject: None,
        status: status::AWAITING_AUTHORISATION.into(),
        request: serde_json::to_string(&request).unwrap_or_default(),
        granted: "{}".into(),
        revocation: None,
        created_at: now,
        updated_at: now,
        expires_at: None,
    };
    sb.store.insert_fdx_consent(&row)?;
    req.grant_id = Some(row.id);
    Ok(())
}

/// When a grant given now would end.
pub fn expiry_from(request: &CdrRequest, at: i64) -> i64 {
    at + if request.sharing_duration == 0 { ONE_TIME_TTL } else { request.sharing_duration }
}

/// `CDRArrangement` as every API shows a grant. An arrangement awaiting authorisation shows
/// the expiry it would have if given now (none when one-time).
pub fn to_arrangement(sb: &Sandbox, row: &FdxConsentRow) -> CDRArrangement {
    let request = request_of(row);
    let granted = granted_of(row);
    let expiry = match row.status.as_str() {
        status::AWAITING_AUTHORISATION if request.sharing_duration > 0 => Some(expiry_from(&request, now())),
        status::AWAITING_AUTHORISATION => None,
        _ => row.expires_at,
    };
    CDRArrangement {
        cdr_arrangement_id: request.cdr_arrangement_id.clone(),
        account_ids: granted.accounts,
        amending_arrangement_id: request.amends.as_ref().map(|_| request.cdr_arrangement_id.clone()),
        authorization_server_id: row.workspace.clone(),
        client_id: row.client_id.clone(),
        created_at: rfc3339(row.created_at),
        customer_id: row.subject.as_deref().map(|s| sb.customer_of(s)),
        expiry: expiry.and_then(rfc3339),
        scope_grants: granted.scopes.iter().map(|name| ScopeGrant::of(name, rfc3339(granted.given_at))).collect(),
        sharing_type: if request.sharing_duration == 0 { sharing::ONE_TIME } else { sharing::REUSABLE }.into(),
        spec_version: Some("v1".into()),
        status: row.status.clone(),
        subject: row.subject.clone().unwrap_or_default(),
        tenant_id: TENANT.into(),
        updated_at: rfc3339(row.updated_at),
    }
}

/// What the bank learns of a token of workspace `wid` (as from introspection): its
/// arrangement's accounts and the token's scopes, while the token is active and its grant
/// authorised.
pub struct Consented {
    /// The arrangement's `cdr_arrangement_id`.
    pub arrangement: String,
    pub accounts: Vec<String>,
    pub scopes: Vec<String>,
}

pub fn consented(sb: &Sandbox, wid: &str, token: &str) -> Option<Consented> {
    let row = active_token(sb, token).filter(|r| r.workspace == wid && r.kind == "access")?;
    let (_, grant) = sb.store.token_binding(&sha256_b64(token)).ok()?;
    let grant = load(sb, wid, &grant?).filter(|g| g.status == status::AUTHORISED)?;
    Some(Consented {
        arrangement: request_of(&grant).cdr_arrangement_id,
        accounts: granted_of(&grant).accounts,
        scopes: row.scope.split_whitespace().map(str::to_string).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sharing_durations_follow_the_standard() {
        assert_eq!(sharing_duration(None), Ok(0));
        assert_eq!(sharing_duration(Some("0")), Ok(0));
        assert_eq!(sharing_duration(Some("7776000")), Ok(7_776_000));
        assert_eq!(sharing_duration(Some("99999999999")), Ok(MAX_SHARING_SECONDS), "capped at a year");
        for bad in ["-1", "ninety days", "1.5", "1e6", "9223372036854775808"] {
            assert!(sharing_duration(Some(bad)).is_err(), "{bad}");
        }
        let once = CdrRequest { sharing_duration: 0, ..CdrRequest::default() };
        assert_eq!(expiry_from(&once, 1000), 1000 + ONE_TIME_TTL);
        let ninety = CdrRequest { sharing_duration: 90 * 86400, ..CdrRequest::default() };
        assert_eq!(expiry_from(&ninety, 1000), 1000 + 90 * 86400);
    }
}
