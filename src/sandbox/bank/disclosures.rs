//! What the mock CDR and UK banks disclosed: each data request under a consent (a CDR
//! arrangement, a UK account-access consent) is noted ([`disclose`]), and
//! `GET /bank/{wid}/internal/disclosures?customer_id=` tells a customer's dashboard how often
//! and when each kind of data went out under each of their consents ([`Disclosures`]), with
//! the same System token as the internal accounts API.

use crate::sandbox::bank::internal::asked_for;
use crate::sandbox::http::db_failure;
use crate::sandbox::profile::cdr::arrangement::rfc3339;
use crate::sandbox::state::Sandbox;
use crate::wire::{Disclosure, Disclosures};
use axum::{
    extract::{Query, State},
    http::HeaderMap,
    response::{IntoResponse, Response},
    Json,
};
use std::collections::HashMap;
use std::sync::Arc;

/// Notes that `data` of each of `customers` went out under `consent_id`, at workspace `wid`'s
/// bank (a joint account's data is each holder's).
pub fn disclose<'a>(
    sb: &Sandbox,
    wid: &str,
    customers: impl IntoIterator<Item = &'a str>,
    consent_id: &str,
    data: &str,
) {
    let now = chrono::Utc::now().timestamp();
    for customer in customers {
        if let Err(e) = sb.store.record_disclosure(wid, customer, consent_id, data, now) {
            tracing::error!(error = %e, "the sandbox bank could not note a disclosure");
        }
    }
}

/// `GET /bank/{wid}/internal/disclosures?customer_id=`.
pub async fn customer_disclosures(
    State(sb): State<Arc<Sandbox>>,
    wid: String,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let customer = match asked_for(&sb, &headers, &q) {
        Ok(customer) => customer,
        Err(refused) => return refused,
    };
    let rows = match sb.store.disclosures_of(&wid, customer) {
        Ok(rows) => rows,
        Err(e) => return db_failure(e),
    };
    let disclosures = rows
        .into_iter()
        .map(|r| Disclosure {
            consent_id: r.arrangement_id,
            data: r.data,
            count: r.count,
            last: rfc3339(r.last).unwrap_or_default(),
        })
        .collect();
    Json(Disclosures { disclosures }).into_response()
}
