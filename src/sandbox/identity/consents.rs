//! The bank's view of an identity pool that holds consent records (Hyperscale Bank's): each
//! user is a consent, its id the `consent_id` its tokens carry; it holds while its payload's
//! `status` is `authorized`, and covers its payload's `account_ids`. The bank reads the pool
//! as it would read its own consent store, not through Assent.

use crate::sandbox::consent_bank::ConsentStore;
use crate::sandbox::store::Store;
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;

/// The consents in pool `pool` of the sandbox's store.
pub struct PoolConsents<'a> {
    store: &'a Store,
    pool: &'a str,
}

impl<'a> PoolConsents<'a> {
    pub fn new(store: &'a Store, pool: &'a str) -> Self {
        Self { store, pool }
    }

    /// The accounts of user `id` while its payload says authorized.
    fn accounts(&self, id: &str) -> Option<Vec<String>> {
        let row = self.store.pool_user(self.pool, id).ok()??;
        let payload: Value = serde_json::from_str(&row.payload).ok()?;
        if payload["status"] != "authorized" {
            return None;
        }
        let ids = payload["account_ids"].as_array()?;
        Some(ids.iter().filter_map(|a| a.as_str().map(str::to_string)).collect())
    }
}

impl ConsentStore for PoolConsents<'_> {
    fn authorized_accounts(&self, id: String) -> Pin<Box<dyn Future<Output = Option<Vec<String>>> + Send + '_>> {
        let found = self.accounts(&id);
        Box::pin(async move { found })
    }
}
