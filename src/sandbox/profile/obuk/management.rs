//! The UK consents' management API (reference §1d (2')), for a System-workspace client with
//! `manage_openbanking_consents`: list a workspace's consents, each with its application
//! (`Client`), and revoke one (with every token issued under it).
//!
//! Served under the client-derived prefix (`/{tid}/system/servers/{wid}/…`, as FDX's) and
//! under the System API's (`/api/system/{tid}/servers/{wid}/…`): the reference lists both
//! forms for the open-banking APIs (§5, gap 1).

use crate::sandbox::authz::consent_session::system_guard;
use crate::sandbox::config::TENANT;
use crate::sandbox::http::{api_error, check_workspace, db_failure, page_of};
use crate::sandbox::profile::obuk::consent::{accounts_of, load, rfc3339, to_consent};
use crate::sandbox::profile::obuk::payment::{is_payment, to_payment_consent};
use crate::sandbox::state::Sandbox;
use crate::sandbox::util::now;
use crate::wire::obuk::ACCOUNT_ACCESS;
use crate::wire::obuk_consents::{ConsentsRequest as Filter, OBUKConsentWithClient, OBUKConsents, OpenbankingClient};
use crate::wire::obuk_payment::DOMESTIC_PAYMENT;
use axum::{
    extract::{rejection::JsonRejection, Path, RawQuery, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use std::sync::Arc;

type Sb = State<Arc<Sandbox>>;

/// The filters of a list (`accounts`: consents sharing any of them, `client_id`, `status`) and
/// its page (`limit`, `after_consent_id`): posted as a `ConsentsRequest`, or in the deprecated
/// `GET`'s query, each list's items as repeated parameters or separated by commas.
fn filter_of(query: Option<&str>) -> Filter {
    let mut f = Filter::default();
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            "accounts" => f.accounts.extend(v.split(',').map(str::to_string)),
            "client_id" => f.client_id = Some(v.into_owned()),
            "status" => f.status.extend(v.split(',').map(str::to_string)),
            "limit" => f.limit = v.parse().ok(),
            "after_consent_id" => f.after_consent_id = Some(v.into_owned()),
            _ => {}
        }
    }
    f
}

fn list_of(sb: &Sandbox, sid: &str, filter: &Filter) -> Result<OBUKConsents, Response> {
    let rows = sb.store.fdx_consents(sid).map_err(db_failure)?;
    let now = now();
    let consents = rows
        .into_iter()
        .filter_map(|r| sb.store.settled(r, now).ok())
        .map(|row| {
            let client = sb.client(&row.client_id).map(|(_, _, c)| OpenbankingClient {
                id: c.client_id.clone(),
                name: c.client_name.clone(),
                logo_uri: c.logo_uri.clone(),
                client_uri: c.client_uri.clone(),
            });
            let payment = is_payment(&row.id);
            OBUKConsentWithClient {
                client,
                account_access_consent: (!payment).then(|| to_consent(&row)),
                domestic_payment_consent: payment.then(|| to_payment_consent(&row)),
                account_ids: accounts_of(&row),
                client_id: row.client_id.clone(),
                consent_id: row.id.clone(),
                created_at: rfc3339(row.created_at),
                server_id: row.workspace.clone(),
                tenant_id: TENANT.into(),
                status: row.status.clone(),
                kind: if payment { DOMESTIC_PAYMENT } else { ACCOUNT_ACCESS }.into(),
            }
        })
        .filter(|c| filter.client_id.as_ref().is_none_or(|id| &c.client_id == id))
        .filter(|c| filter.status.is_empty() || filter.status.iter().any(|s| s.eq_ignore_ascii_case(&c.status)))
        .filter(|c| filter.accounts.is_empty() || c.account_ids.iter().any(|a| filter.accounts.contains(a)))
        .collect();
    let consents = page_of(consents, |c| c.consent_id.as_str(), filter.after_consent_id.as_deref(), filter.limit)?;
    Ok(OBUKConsents { consents })
}

/// `POST /{tid}/system/servers/{wid}/open-banking/consents`, body `ConsentsRequest`, newest
/// first.
pub async fn list(
    State(sb): Sb,
    Path((tid, wid, sid)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Result<Json<Filter>, JsonRejection>,
) -> Response {
    match body {
        Ok(Json(filter)) => answer(&sb, (&tid, &wid, &sid), &headers, &filter).await,
        Err(e) => api_error(StatusCode::BAD_REQUEST, &e.body_text(), "bad_request"),
    }
}

/// The same under the System API's prefix.
pub async fn list_system(
    sb: Sb,
    Path((tid, sid)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<Json<Filter>, JsonRejection>,
) -> Response {
    list(sb, Path((tid, "system".into(), sid)), headers, body).await
}

/// `GET /{tid}/system/servers/{wid}/open-banking/consents[?accounts=…&client_id=…&status=…]`
/// (deprecated in the spec), newest first.
pub async fn list_by_query(
    State(sb): Sb,
    Path((tid, wid, sid)): Path<(String, String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    answer(&sb, (&tid, &wid, &sid), &headers, &filter_of(query.as_deref())).await
}

/// The same under the System API's prefix.
pub async fn list_system_by_query(
    sb: Sb,
    Path((tid, sid)): Path<(String, String)>,
    query: RawQuery,
    headers: HeaderMap,
) -> Response {
    list_by_query(sb, Path((tid, "system".into(), sid)), query, headers).await
}

/// The list of workspace `sid` as `filter` narrows it, for a System client of `tid`.
async fn answer(sb: &Sandbox, (tid, wid, sid): (&str, &str, &str), headers: &HeaderMap, filter: &Filter) -> Response {
    if let Err(r) = system_guard(sb, headers, tid, wid).await {
        return r;
    }
    if let Err(r) = check_workspace(sb, tid, sid) {
        return r;
    }
    match list_of(sb, sid, filter) {
        Ok(list) => Json(list).into_response(),
        Err(r) => r,
    }
}

/// `DELETE /{tid}/system/servers/{wid}/open-banking/consents/{consentID}`: 204; the consent is
/// `Revoked` and its tokens with it. 409 when it is not authorised (or awaiting) any more.
pub async fn revoke(
    State(sb): Sb,
    Path((tid, wid, sid, cid)): Path<(String, String, String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = system_guard(&sb, &headers, &tid, &wid).await {
        return r;
    }
    let Some(consent) = load(&sb, &sid, &cid) else {
        return api_error(StatusCode::NOT_FOUND, "consent not found", "not_found");
    };
    let revocation = serde_json::json!({"initiator": "DATA_PROVIDER", "reason": "USER_ACTION"}).to_string();
    match sb.store.revoke_fdx_consent(&consent.id, &revocation, now()) {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        Ok(false) => api_error(StatusCode::CONFLICT, &format!("the consent is {}", consent.status), "conflict"),
        Err(e) => db_failure(e),
    }
}

/// The same under the System API's prefix.
pub async fn revoke_system(
    sb: Sb,
    Path((tid, sid, cid)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    revoke(sb, Path((tid, "system".into(), sid, cid)), headers).await
}

#[cfg(test)]
mod tests {
    /// The deprecated `GET`'s lists, as repeated parameters or separated by commas (the spec's
    /// default for a query array).
    #[test]
    fn a_query_lists_items_repeated_or_by_commas() {
        let f = super::filter_of(Some("accounts=A,B&accounts=C&status=Authorised&limit=5&after_consent_id=c1"));
        assert_eq!(f.accounts, ["A", "B", "C"]);
        assert_eq!(f.status, ["Authorised"]);
        assert_eq!((f.limit, f.after_consent_id.as_deref()), (Some(5), Some("c1")));
    }
}
