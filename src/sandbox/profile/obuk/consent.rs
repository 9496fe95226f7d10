//! UK account-access consents: the resource a data recipient creates with a client-credentials
//! token (`POST /{tid}/{wid}/open-banking/v3.1/aisp/account-access-consents`), read back with
//! `GET …/{ConsentId}`, then authorizes by its id, and may end with `DELETE …/{ConsentId}`.
//!
//! The real UK profile carries the consent id in the `claims` of a signed request object
//! (`{"id_token": {"openbanking_intent_id": {"value": …, "essential": true}}}`). The sandbox
//! takes the same `claims` as a plain parameter of the pushed request: PAR already
//! authenticates the client, and the sandbox signs no request objects. The OAuth core hands
//! the profile only what it parsed (`AuthRequest::claims`), so this is where the intent is read.
//!
//! The consents are kept in the sandbox's consent table (`fdx_consents`, regime-neutral in
//! all but name): `request` holds the `OBReadData`, `granted` the chosen account ids, and the
//! statuses are the UK's. An authorised consent past its `ExpirationDateTime` expires, with its
//! tokens.

use crate::sandbox::authz::request::AuthRequest;
use crate::sandbox::http::{active_token, bearer, check_workspace, db_failure};
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::FdxConsentRow;
use crate::sandbox::util::{now, random_token, sha256_b64};
use crate::wire::obuk::{
    status, AccountAccessConsent, OBLinks, OBMeta, OBReadConsent, OBReadConsentResponse, OBReadData, PERMISSIONS,
};
use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::{json, Value};
use std::sync::Arc;

/// The scope a recipient's client-credentials token needs to create and read consents, and
/// that its user tokens need at the bank.
pub const ACCOUNTS_SCOPE: &str = "accounts";

/// The start of every account-access consent's id (a payment consent's is another).
pub const ID_PREFIX: &str = "aac-";

pub fn rfc3339(t: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(t, 0).map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

fn parse_time(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(s).ok().map(|d| d.timestamp())
}

/// `OBErrorResponse1` with one error: how the UK APIs refuse a request.
pub fn ob_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({
        "Code": status.as_u16().to_string(),
        "Message": message,
        "Errors": [{"ErrorCode": code, "Message": message}],
    });
    (status, Json(body)).into_response()
}

/// Checks what a recipient asks for: known permissions, at least one; dates that parse; an
/// expiry in the future; a transaction window that is not upside down. Returns the expiry.
pub fn validate(data: &OBReadData, now: i64) -> Result<Option<i64>, String> {
    if data.permissions.is_empty() {
        return Err("Data.Permissions must not be empty.".into());
    }
    if let Some(bad) = data.permissions.iter().find(|p| !PERMISSIONS.contains(&p.as_str())) {
        return Err(format!("Unknown permission {bad}."));
    }
    let time = |field: &str, value: &Option<String>| match value {
        None => Ok(None),
        Some(v) => parse_time(v).map(Some).ok_or_else(|| format!("Data.{field} is not an ISO 8601 date-time.")),
    };
    let expiry = time("ExpirationDateTime", &data.expiration_date_time)?;
    let from = time("TransactionFromDateTime", &data.transaction_from_date_time)?;
    let to = time("TransactionToDateTime", &data.transaction_to_date_time)?;
    if expiry.is_some_and(|e| e <= now) {
        return Err("Data.ExpirationDateTime is in the past.".into());
    }
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            return Err("Data.TransactionFromDateTime is after Data.TransactionToDateTime.".into());
        }
    }
    Ok(expiry)
}

/// A consent of workspace `wid`, with its expiry applied.
pub fn load(sb: &Sandbox, wid: &str, id: &str) -> Option<FdxConsentRow> {
    let row = sb.store.fdx_consent(id).ok()??;
    if row.workspace != wid {
        return None;
    }
    sb.store.settled(row, now()).ok()
}

pub fn request_of(row: &FdxConsentRow) -> OBReadData {
    serde_json::from_str(&row.request).unwrap_or_default()
}

/// The account ids an authorised consent shares.
pub fn accounts_of(row: &FdxConsentRow) -> Vec<String> {
    serde_json::from_str(&row.granted).unwrap_or_default()
}

/// `AccountAccessConsent` as every API shows it.
pub fn to_consent(row: &FdxConsentRow) -> AccountAccessConsent {
    let data = request_of(row);
    AccountAccessConsent {
        consent_id: row.id.clone(),
        permissions: data.permissions,
        status: row.status.clone(),
        creation_date_time: rfc3339(row.created_at),
        status_update_date_time: rfc3339(row.updated_at),
        expiration_date_time: data.expiration_date_time,
        transaction_from_date_time: data.transaction_from_date_time,
        transaction_to_date_time: data.transaction_to_date_time,
    }
}

/// The recipient's client behind a request's client-credentials (or any access) token with
/// the `accounts` scope, in workspace `wid`.
fn recipient(sb: &Sandbox, tid: &str, wid: &str, headers: &HeaderMap) -> Result<String, Response> {
    recipient_with(sb, tid, wid, headers, ACCOUNTS_SCOPE)
}

/// The same with scope `scope` (`payments` for payment consents).
pub fn recipient_with(
    sb: &Sandbox,
    tid: &str,
    wid: &str,
    headers: &HeaderMap,
    scope: &str,
) -> Result<String, Response> {
    check_workspace(sb, tid, wid).map_err(|_| ob_error(StatusCode::NOT_FOUND, "UK.OBIE.NotFound", "Not found."))?;
    let unauthorized =
        || ob_error(StatusCode::UNAUTHORIZED, "UK.OBIE.Unauthorised", "A valid access token is required.");
    let token = bearer(headers).ok_or_else(unauthorized)?;
    let row = active_token(sb, token).filter(|r| r.workspace == wid && r.kind == "access").ok_or_else(unauthorized)?;
    if !row.scope.split_whitespace().any(|s| s == scope) {
        return Err(ob_error(
            StatusCode::FORBIDDEN,
            "UK.OBIE.Forbidden",
            &format!("The token does not carry the {scope} scope."),
        ));
    }
    Ok(row.client_id)
}

fn response(sb: &Sandbox, wid: &str, row: &FdxConsentRow) -> OBReadConsentResponse {
    OBReadConsentResponse {
        data: to_consent(row),
        risk: serde_json::Map::new(),
        links: OBLinks {
            self_link: format!("{}/open-banking/v3.1/aisp/account-access-consents/{}", sb.issuer(wid), row.id),
        },
        meta: OBMeta { total_pages: Some(1) },
    }
}

/// `POST /{tid}/{wid}/open-banking/v3.1/aisp/account-access-consents` with `OBReadConsent1`:
/// 201 with the consent, `AwaitingAuthorisation`.
pub async fn create(
    State(sb): State<Arc<Sandbox>>,
    Path((tid, wid)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let client_id = match recipient(&sb, &tid, &wid, &headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Ok(request) = serde_json::from_slice::<OBReadConsent>(&body) else {
        return ob_error(StatusCode::BAD_REQUEST, "UK.OBIE.Resource.InvalidFormat", "The body must be OBReadConsent1.");
    };
    let now = now();
    let expires_at = match validate(&request.data, now) {
        Ok(e) => e,
        Err(m) => return ob_error(StatusCode::BAD_REQUEST, "UK.OBIE.Field.Invalid", &m),
    };
    let row = FdxConsentRow {
        id: format!("{ID_PREFIX}{}", random_token(18)),
        workspace: wid.clone(),
        client_id,
        subject: None,
        status: status::AWAITING_AUTHORISATION.into(),
        request: serde_json::to_string(&request.data).unwrap_or_default(),
        granted: "[]".into(),
        revocation: None,
        created_at: now,
        updated_at: now,
        expires_at,
    };
    if let Err(e) = sb.store.insert_fdx_consent(&row) {
        return db_failure(e);
    }
    (StatusCode::CREATED, Json(response(&sb, &wid, &row))).into_response()
}

/// `GET /{tid}/{wid}/open-banking/v3.1/aisp/account-access-consents/{ConsentId}`: the
/// recipient's own consent.
pub async fn get(
    State(sb): State<Arc<Sandbox>>,
    Path((tid, wid, id)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let client_id = match recipient(&sb, &tid, &wid, &headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    match load(&sb, &wid, &id).filter(|c| c.client_id == client_id && c.id.starts_with(ID_PREFIX)) {
        Some(row) => Json(response(&sb, &wid, &row)).into_response(),
        None => ob_error(StatusCode::NOT_FOUND, "UK.OBIE.NotFound", "Consent not found."),
    }
}

/// `DELETE /{tid}/{wid}/open-banking/v3.1/aisp/account-access-consents/{ConsentId}`: the
/// recipient ends its own consent (revoked, with its tokens); 204, also for one already ended.
pub async fn delete(
    State(sb): State<Arc<Sandbox>>,
    Path((tid, wid, id)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let client_id = match recipient(&sb, &tid, &wid, &headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    // Only an account-access consent ends here: a payment consent is not an AISP's to end.
    let found = load(&sb, &wid, &id).filter(|c| c.client_id == client_id && c.id.starts_with(ID_PREFIX));
    let Some(row) = found else {
        return ob_error(StatusCode::NOT_FOUND, "UK.OBIE.NotFound", "Consent not found.");
    };
    let revocation = json!({"initiator": "DATA_RECIPIENT", "reason": "USER_ACTION"}).to_string();
    match sb.store.revoke_fdx_consent(&row.id, &revocation, now()) {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => db_failure(e),
    }
}

/// The consent id a request names in its `claims` (`openbanking_intent_id`, in `id_token` or
/// `userinfo`).
pub fn intent_in(claims: &Value) -> Option<String> {
    ["id_token", "userinfo"]
        .iter()
        .find_map(|place| claims[place]["openbanking_intent_id"]["value"].as_str())
        .map(str::to_string)
}

pub fn intent_of(req: &AuthRequest) -> Option<String> {
    intent_in(req.claims.as_ref()?)
}

/// Whether a request of `client_id` may name consent `id` (account access or a domestic
/// payment): the client's own, in this workspace, awaiting authorisation and nobody's yet.
pub fn usable_intent(sb: &Sandbox, wid: &str, client_id: &str, id: &str) -> bool {
    load(sb, wid, id)
        .is_some_and(|c| c.client_id == client_id && c.status == status::AWAITING_AUTHORISATION && c.subject.is_none())
}

/// Ties a request to the consent it names, when it may name it (a request naming one it may
/// not is refused at `/par` and `/authorize`, see the profile's `parse_params`; one that names
/// none carries no consent, and its consent page finds none to show).
pub fn bind_intent(sb: &Sandbox, wid: &str, req: &mut AuthRequest) {
    let Some(id) = intent_of(req) else { return };
    if usable_intent(sb, wid, &req.client_id, &id) {
        req.grant_id = Some(id);
    }
}

/// What the bank needs to know of a token of workspace `wid`: its consent's accounts,
/// permissions and transaction window, while the token is active and the consent authorised.
pub struct Consented {
    /// The account-access consent's `ConsentId`.
    pub consent_id: String,
    pub accounts: Vec<String>,
    pub permissions: Vec<String>,
    /// `TransactionFromDateTime` and `TransactionToDateTime`, when the consent names them.
    pub transactions_from: Option<i64>,
    pub transactions_to: Option<i64>,
}

pub fn consented(sb: &Sandbox, wid: &str, token: &str) -> Option<Consented> {
    let row = active_token(sb, token).filter(|r| r.workspace == wid && r.kind == "access")?;
    row.scope.split_whitespace().any(|s| s == ACCOUNTS_SCOPE).then_some(())?;
    let (_, grant) = sb.store.token_binding(&sha256_b64(token)).ok()?;
    let consent = load(sb, wid, &grant?).filter(|c| c.status == status::AUTHORISED)?;
    let request = request_of(&consent);
    let time = |t: &Option<String>| t.as_deref().and_then(parse_time);
    Some(Consented {
        consent_id: consent.id.clone(),
        accounts: accounts_of(&consent),
        transactions_from: time(&request.transaction_from_date_time),
        transactions_to: time(&request.transaction_to_date_time),
        permissions: request.permissions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(permissions: &[&str], expiry: Option<&str>, from: Option<&str>, to: Option<&str>) -> OBReadData {
        OBReadData {
            permissions: permissions.iter().map(|p| p.to_string()).collect(),
            expiration_date_time: expiry.map(str::to_string),
            transaction_from_date_time: from.map(str::to_string),
            transaction_to_date_time: to.map(str::to_string),
        }
    }

    #[test]
    fn requests_are_checked() {
        let now = parse_time("2030-01-01T00:00:00Z").unwrap();
        let ok = data(&["ReadAccountsDetail"], Some("2030-06-01T00:00:00+01:00"), Some("2029-01-01T00:00:00Z"), None);
        assert!(validate(&ok, now).unwrap().is_some());
        for bad in [
            data(&[], None, None, None),
            data(&["ReadEverything"], None, None, None),
            data(&["ReadAccountsBasic"], Some("2029-12-31T23:59:59Z"), None, None),
            data(&["ReadAccountsBasic"], Some("next week"), None, None),
            data(&["ReadAccountsBasic"], None, Some("2029-06-01T00:00:00Z"), Some("2029-01-01T00:00:00Z")),
        ] {
            assert!(validate(&bad, now).is_err(), "{bad:?}");
        }
    }
}
