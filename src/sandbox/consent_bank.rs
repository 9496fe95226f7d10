//! The mock bank's generic Open Banking API for workspace `gobank` (the quickstart's): a data
//! recipient's access token opens only the accounts of the consent it was issued under, and
//! nothing once that consent has ended.
//!
//! - `GET /bank/gobank/accounts`: the consent's accounts (`{"accounts": [InternalAccount]}`).
//!
//! The token's consent is the `consent_id` its accept carried (as introspection shows it);
//! what that consent covers, and whether it is still authorized, the bank asks its consent
//! store: in the embedded sandbox, Assent's own records, handed over in process at start
//! ([`Sandbox::set_consent_store`]), as a bank's API would read the records database it shares
//! with its consent application.

use super::{active_token, bank::fdx_error, bearer, sha256_b64, Sandbox};
use crate::wire::InternalAccounts;
use axum::{extract::State, http::HeaderMap, http::StatusCode, response::IntoResponse, response::Response, Json};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// The generic Open Banking workspace.
pub const WORKSPACE: &str = "gobank";

/// Where the bank reads what a consent covers.
pub trait ConsentStore: Send + Sync {
    /// The accounts of consent `id` while it is authorized; `None` when it is not (unknown,
    /// pending, revoked, expired) or cannot be read.
    fn authorized_accounts(&self, id: String) -> Pin<Box<dyn Future<Output = Option<Vec<String>>> + Send + '_>>;
}

impl Sandbox {
    /// Hands the bank its consent store (once; later calls are ignored).
    pub fn set_consent_store(&self, store: Arc<dyn ConsentStore>) {
        let _ = self.consents.set(store);
    }
}

/// `GET /bank/gobank/accounts`.
pub async fn accounts(State(sb): State<Arc<Sandbox>>, headers: HeaderMap) -> Response {
    let unauthorized = |m: &str| fdx_error(StatusCode::UNAUTHORIZED, m);
    let Some(token) = bearer(&headers) else { return unauthorized("A bearer access token is required.") };
    let row = match active_token(&sb, token) {
        Some(row) if row.workspace == WORKSPACE && row.kind != "refresh" => row,
        _ => return unauthorized("The access token is not active."),
    };
    if !row.scope.split_whitespace().any(|s| s == "accounts") {
        return fdx_error(StatusCode::FORBIDDEN, "The token does not carry the accounts scope.");
    }
    let Ok(Some(consent)) = sb.store.consent_of(&sha256_b64(token)) else {
        return fdx_error(StatusCode::FORBIDDEN, "The token carries no consent.");
    };
    let Some(store) = sb.consents.get() else {
        return fdx_error(StatusCode::SERVICE_UNAVAILABLE, "The bank has no consent store.");
    };
    let Some(ids) = store.authorized_accounts(consent).await else {
        return unauthorized("The consent is not active.");
    };
    let accounts = ids.iter().filter_map(|id| sb.bank.account(id)).map(|a| a.internal()).collect();
    Json(InternalAccounts { accounts }).into_response()
}
