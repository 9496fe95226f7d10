//! What the mock CDR bank disclosed: each data request under an arrangement is noted
//! ([`disclose`]), and `GET /bank/{wid}/internal/disclosures?customer_id=` tells a customer's
//! dashboard how often and when each kind of data went out under each of their arrangements
//! ([`Disclosures`]), with the same System token as the internal accounts API.

use crate::sandbox::bank::internal::asked_for;
use crate::sandbox::http::db_failure;
use crate::sandbox::profile::cdr::arrangement::{rfc3339, Consented};
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

/// Notes that `data` went out under `consented`'s arrangement, at workspace `wid`'s bank.
pub fn disclose(sb: &Sandbox, wid: &str, consented: &Consented, data: &str) {
    let now = chrono::Utc::now().timestamp();
    let noted = sb.store.record_disclosure(wid, &consented.customer, &consented.arrangement, data, now);
    if let Err(e) = noted {
        tracing::error!(error = %e, "the sandbox bank could not note a disclosure");
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
