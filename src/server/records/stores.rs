//! The stores records are kept in, each behind the same operations: SQLite's run off the async
//! workers, every one bounded by [`TIMEOUT`].

use super::{external, identity_pool, postgres, sqlite};
use super::{Draft, Event, Record, RecordsError, Status, TIMEOUT};
use std::sync::Arc;

/// Where the records are.
pub(super) enum Store {
    Sqlite(Arc<sqlite::SqliteRecords>),
    Postgres(postgres::PostgresRecords),
    /// Another system's (`CONSENT_STORAGE=external`): records are written there, and read,
    /// listed and revoked there too; here, reads find nothing.
    External(external::ExternalRecords),
    /// A workspace's identity pool (`storage = "identity-pool"`).
    Pool(identity_pool::PoolRecords),
}

/// Runs one operation on `$store`: SQLite's off the async workers, all bounded by [`TIMEOUT`].
/// `$s` names the store in each arm; SQLite's and PostgreSQL's are the same code, the external
/// store's and the pool's their own.
macro_rules! on_store {
    ($store:expr, |$s:ident| $sqlite:expr, $postgres:expr, $external:expr, $pool:expr) => {
        match $store {
            Store::Sqlite(store) => {
                let $s = store.clone();
                let work = tokio::task::spawn_blocking(move || $sqlite);
                match tokio::time::timeout(TIMEOUT, work).await {
                    Ok(Ok(result)) => result,
                    Ok(Err(e)) => Err(RecordsError::Failed(e.to_string())),
                    Err(_) => Err(RecordsError::Timeout(TIMEOUT)),
                }
            }
            Store::Postgres($s) => {
                tokio::time::timeout(TIMEOUT, $postgres).await.unwrap_or(Err(RecordsError::Timeout(TIMEOUT)))
            }
            Store::External($s) => {
                let _ = $s;
                tokio::time::timeout(TIMEOUT, async { $external }).await.unwrap_or(Err(RecordsError::Timeout(TIMEOUT)))
            }
            Store::Pool($s) => {
                tokio::time::timeout(TIMEOUT, $pool).await.unwrap_or(Err(RecordsError::Timeout(TIMEOUT)))
            }
        }
    };
}

impl Store {
    pub(super) fn kind(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
            Store::External(_) => "external",
            Store::Pool(_) => "identity-pool",
        }
    }

    /// Whether a record named by its consent ([`Draft::id`]) is kept under that name: in
    /// Assent's own stores; an external store and an identity pool name records themselves, so
    /// a consent named by its regime (an FDX consent in such a store) is not recorded there,
    /// and is ended through its regime's API alone.
    pub(super) fn keeps_given_ids(&self) -> bool {
        matches!(self, Store::Sqlite(_) | Store::Postgres(_))
    }

    pub(super) async fn prepare(&self, draft: &Draft, now: i64) -> Result<(String, Status), RecordsError> {
        let d = draft.clone();
        on_store!(self, |s| s.prepare(&d, now), s.prepare(draft, now), s.prepare(draft).await, s.prepare(draft, now))
    }

    pub(super) async fn authorize(&self, id: &str, now: i64) -> Result<(), RecordsError> {
        let owned = id.to_string();
        on_store!(self, |s| s.authorize(&owned, now), s.authorize(id, now), Ok(()), s.authorize(id, now))
    }

    pub(super) async fn reject(&self, draft: &Draft, now: i64) -> Result<(), RecordsError> {
        let d = draft.clone();
        on_store!(self, |s| s.reject(&d, now), s.reject(draft, now), Ok(()), s.reject(draft, now))
    }

    pub(super) async fn get(&self, id: &str) -> Result<Option<Record>, RecordsError> {
        let owned = id.to_string();
        on_store!(self, |s| s.get(&owned), s.get(id), Ok(None), s.get(id))
    }

    pub(super) async fn of_subject(&self, tenant: &str, subject: &str) -> Result<Vec<Record>, RecordsError> {
        let (t, u) = (tenant.to_string(), subject.to_string());
        on_store!(
            self,
            |s| s.of_subject(&t, &u),
            s.of_subject(tenant, subject),
            Ok(Vec::new()),
            s.of_subject(tenant, subject)
        )
    }

    pub(super) async fn search(
        &self,
        tenant: &str,
        q: &str,
        within: Option<&[String]>,
        limit: usize,
    ) -> Result<Vec<Record>, RecordsError> {
        let (t, w, i) = (tenant.to_string(), q.to_string(), within.map(<[String]>::to_vec));
        on_store!(
            self,
            |s| s.search(&t, &w, i.as_deref(), limit),
            s.search(tenant, q, within, limit),
            Ok(Vec::new()),
            s.search(tenant, q, within, limit)
        )
    }

    pub(super) async fn authorized_of_client(
        &self,
        tenant: &str,
        client_id: &str,
    ) -> Result<Vec<Record>, RecordsError> {
        let (t, c) = (tenant.to_string(), client_id.to_string());
        on_store!(
            self,
            |s| s.authorized_of_client(&t, &c),
            s.authorized_of_client(tenant, client_id),
            Ok(Vec::new()),
            s.authorized_of_client(tenant, client_id)
        )
    }

    pub(super) async fn count_authorized_of_client(
        &self,
        tenant: &str,
        client_id: &str,
    ) -> Result<usize, RecordsError> {
        let (t, c) = (tenant.to_string(), client_id.to_string());
        on_store!(
            self,
            |s| s.count_authorized_of_client(&t, &c),
            s.count_authorized_of_client(tenant, client_id),
            Ok(0),
            async {
                let all = s.authorized_of_client(tenant, client_id).await?;
                Ok(all.iter().filter(|r| r.is_active() && r.draft.payment.is_none()).count())
            }
        )
    }

    /// Ends authorized record `id` with `end` (its `revoked` event).
    pub(super) async fn revoke(&self, id: &str, end: &Event) -> Result<bool, RecordsError> {
        let (i, e) = (id.to_string(), end.clone());
        on_store!(self, |s| s.revoke(&i, &e), s.revoke(id, end), Ok(false), s.revoke(id, end))
    }

    /// Adds `end` to revoked record `id` when its last event is an end seen in a list a moment
    /// ago ([`Event::is_seen_end`]).
    pub(super) async fn name_seen_end(&self, id: &str, end: &Event) -> Result<bool, RecordsError> {
        let (i, e) = (id.to_string(), end.clone());
        on_store!(self, |s| s.name_seen_end(&i, &e), s.name_seen_end(id, end), Ok(false), s.name_seen_end(id, end))
    }

    pub(super) async fn pending(
        &self,
        tenant: &str,
        since: i64,
    ) -> Result<Vec<(String, String, String)>, RecordsError> {
        let t = tenant.to_string();
        on_store!(self, |s| s.pending(&t, since), s.pending(tenant, since), Ok(Vec::new()), s.pending(tenant, since))
    }

    pub(super) async fn ping(&self) -> Result<(), RecordsError> {
        on_store!(self, |s| s.ping(), s.ping(), s.ping().await, s.ping())
    }
}
