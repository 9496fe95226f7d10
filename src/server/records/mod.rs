//! Consent records: the bank's own record of every consent given through Assent (issue 20).
//!
//! On Allow, the consent screen first writes a record (`pending`), then accepts the grant with
//! `consent_id` = the record's id, which the authorization server copies into the tokens; only
//! then is the record `authorized`. So an accept never happens without a record, a failed
//! accept leaves none authorized, and one flow (one `login_id`) has one record however often it
//! is submitted. Each record keeps who, which application (its name and logo at the time),
//! what was granted, when, its status and an append-only history of events; nothing is deleted
//! by an ordinary action.
//!
//! A UK Open Banking account-access consent (`crate::api::obuk`) is already named: the
//! recipient created it, and the tokens carry its `ConsentId`, not an id Assent proposes. Its
//! record takes that name ([`Draft::id`]): the record's id *is* the `ConsentId`, so one id
//! finds the record, the consent in the management API and the consent in the tokens, and
//! nothing can disagree. Ending such a record stops the consent through the management API
//! (`server::revoke`), which is what makes the bank refuse its tokens. Its record keeps the
//! UK facts in the common fields: the permission codes as `scopes`, the accounts granted, and
//! `ExpirationDateTime` as the expiry. An FDX consent (`crate::api::fdx`) is named likewise, by
//! its FDX consent id, its data clusters as `scopes`. Assent's own stores (SQLite, PostgreSQL)
//! keep the id given; an identity pool or an external store names its records itself, so a UK
//! workspace keeps its records in Assent's own store, and an FDX consent is recorded only there.
//!
//! `CONSENT_STORAGE=assent` (the default) keeps them in SQLite in `ASSENT_DATA_DIR`, or in
//! PostgreSQL (`ASSENT_DATABASE_URL`) when replicas share them; `external` writes them to the
//! quickstart's external consent storage, which lists and revokes them; `none` keeps none (the
//! grant carries no `consent_id`). A workspace may say otherwise in `ASSENT_CONFIG`
//! (`storage`): Assent's own store, none, or an identity pool of the tenant (`identity_pool`,
//! Hyperscale Bank's way), so one Assent serves banks that keep their records apart. A record
//! left pending by a crash is settled by `server::reconcile`. No request waits on a store
//! longer than [`TIMEOUT`]: a store that cannot be written means nothing is shared, and the
//! user is told.

mod external;
mod identity_pool;
mod postgres;
mod receipt;
mod record;
mod sqlite;
mod stores;
mod text;

pub use receipt::receipt;
pub(crate) use record::now;
pub use record::{reason, Actor, Draft, Event, PaymentRecord, Record, Status};

use stores::Store;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// The longest a request waits on the records store.
pub const TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, thiserror::Error)]
pub enum RecordsError {
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("the records store failed: {0}")]
    Failed(String),
}

/// The records, in one store or several: the environment's (`CONSENT_STORAGE`) for every
/// workspace that does not name its own in `ASSENT_CONFIG`, Assent's own or an identity pool
/// for those that do, or none. Writes go to the draft's workspace's store; a record read or
/// revoked by id is looked for in each store, Assent's own first; lists merge every store's,
/// newest first.
pub struct ConsentRecords {
    stores: Vec<Store>,
    /// The environment's store (`None`: `CONSENT_STORAGE=none`).
    default: Option<usize>,
    /// Workspaces with a storage of their own: the store, or none.
    routes: BTreeMap<String, Option<usize>>,
}

/// Newest first, across stores.
fn newest_first(mut records: Vec<Record>) -> Vec<Record> {
    records.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| a.id.cmp(&b.id)));
    records
}

impl ConsentRecords {
    fn only(store: Store) -> Self {
        Self { stores: vec![store], default: Some(0), routes: BTreeMap::new() }
    }

    /// No records: grants carry no `consent_id`.
    pub fn none() -> Self {
        Self { stores: Vec::new(), default: None, routes: BTreeMap::new() }
    }

    /// Records in SQLite at `path` (migrated to the current schema at start).
    pub fn sqlite(path: &Path) -> Result<Self, RecordsError> {
        Ok(Self::only(Store::Sqlite(Arc::new(sqlite::SqliteRecords::open(path)?))))
    }

    /// Records in PostgreSQL at `url` (migrated to the current schema at start), trusting
    /// `root_ca` besides the system's roots.
    pub async fn postgres(url: &str, root_ca: Option<&[u8]>) -> Result<Self, RecordsError> {
        let store = postgres::PostgresRecords::connect(url, root_ca, TIMEOUT).await?;
        Ok(Self::only(Store::Postgres(store)))
    }

    /// Records written to the external consent storage at `url` (`CONSENT_STORAGE=external`),
    /// through `http` (the upstream client: TLS verified, mutual TLS when configured).
    pub fn external(url: url::Url, http: reqwest::Client) -> Self {
        Self::only(Store::External(external::ExternalRecords::new(url, http)))
    }

    fn own(&self) -> Option<usize> {
        self.stores.iter().position(|s| matches!(s, Store::Sqlite(_) | Store::Postgres(_)))
    }

    /// `workspace` keeps no records (`storage = "none"`).
    pub fn with_none_for(mut self, workspace: &str) -> Self {
        self.routes.insert(workspace.to_string(), None);
        self
    }

    /// Whether Assent's own store (SQLite or PostgreSQL) is one of these.
    pub fn keeps_own(&self) -> bool {
        self.own().is_some()
    }

    /// With Assent's own store `own` too, unless one is here already.
    pub fn with_own(mut self, own: ConsentRecords) -> Self {
        if self.own().is_none() {
            self.stores.splice(0..0, own.stores.into_iter().take(1));
            self.default = self.default.map(|d| d + 1);
            self.routes.values_mut().flatten().for_each(|r| *r += 1);
        }
        self
    }

    /// `workspace` keeps its records in Assent's own store ([`ConsentRecords::with_own`]
    /// first); with none here, it keeps none.
    pub fn with_own_for(mut self, workspace: &str) -> Self {
        let own = self.own();
        if own.is_none() {
            tracing::error!(workspace, "a workspace's records were to be in Assent's own store, and there is none");
        }
        self.routes.insert(workspace.to_string(), own);
        self
    }

    /// `workspace` keeps its records in identity pool `pool`, through `upstream` (whose System
    /// token must carry `identity`).
    pub fn with_pool_for(
        mut self,
        workspace: &str,
        pool: &str,
        upstream: Arc<crate::server::upstream::Upstream>,
    ) -> Self {
        let known = self.stores.iter().position(|s| matches!(s, Store::Pool(p) if p.pool() == pool));
        let at = known.unwrap_or_else(|| {
            self.stores.push(Store::Pool(identity_pool::PoolRecords::new(pool.to_string(), upstream)));
            self.stores.len() - 1
        });
        self.routes.insert(workspace.to_string(), Some(at));
        self
    }

    /// The store of `workspace`'s records, if it keeps any.
    fn store_of(&self, workspace: &str) -> Option<&Store> {
        self.routes.get(workspace).copied().unwrap_or(self.default).map(|at| &self.stores[at])
    }

    /// The stores that list and revoke records (not the external one's, kept elsewhere).
    fn listed(&self) -> impl Iterator<Item = &Store> {
        self.stores.iter().filter(|s| !matches!(s, Store::External(_)))
    }

    /// Whether Assent itself keeps records (and can list and revoke them): in its own store or
    /// in an identity pool.
    pub fn kept_here(&self) -> bool {
        self.listed().next().is_some()
    }

    /// Whether records are kept (here or elsewhere) for any workspace: accepts carry a
    /// `consent_id`.
    pub fn enabled(&self) -> bool {
        !self.stores.is_empty()
    }

    /// `sqlite`, `postgres`, `external` or `none`: the environment's store, what `/readyz` names.
    pub fn kind(&self) -> &'static str {
        self.default.map_or("none", |at| self.stores[at].kind())
    }

    /// The identity pools records are kept in besides (for `/readyz`).
    pub fn pools(&self) -> Vec<&str> {
        self.stores.iter().filter_map(|s| if let Store::Pool(p) = s { Some(p.pool()) } else { None }).collect()
    }

    /// The pending record of this flow, written now or earlier (a retry, a second submission):
    /// its id, and its status (`authorized` when the flow was accepted already). `None` when
    /// the flow's workspace keeps no records, or keeps them where a record named by its
    /// consent cannot keep that name (see `Store::keeps_given_ids`).
    pub async fn prepare(&self, draft: Draft) -> Result<Option<(String, Status)>, RecordsError> {
        let Some(store) = self.store_of(&draft.workspace) else { return Ok(None) };
        if draft.id.is_some() && !store.keeps_given_ids() {
            return Ok(None);
        }
        store.prepare(&draft, now()).await.map(Some)
    }

    /// The store holding record `id`, and the record.
    async fn holder(&self, id: &str) -> Result<Option<(&Store, Record)>, RecordsError> {
        for store in self.listed() {
            if let Some(record) = store.get(id).await? {
                return Ok(Some((store, record)));
            }
        }
        Ok(None)
    }

    /// The accept went through: the record is authorized, granted by the customer.
    pub async fn authorize(&self, id: &str) -> Result<(), RecordsError> {
        match self.holder(id).await? {
            Some((store, _)) => store.authorize(id, now()).await,
            None => Ok(()),
        }
    }

    /// The user chose Deny: the flow's record, rejected (none authorized).
    pub async fn reject(&self, draft: Draft) -> Result<(), RecordsError> {
        // Found by its flow in every store (a pool's named its own way), or written rejected.
        let Some(store) = self.store_of(&draft.workspace) else { return Ok(()) };
        store.reject(&draft, now()).await
    }

    /// One record with its history.
    pub async fn get(&self, id: &str) -> Result<Option<Record>, RecordsError> {
        Ok(self.holder(id).await?.map(|(_, record)| record))
    }

    /// Record `id` from the store of `workspace`'s records, if Assent keeps them (here or in an
    /// identity pool): where a record of that workspace's consent can be, and nowhere else.
    pub async fn get_in(&self, workspace: &str, id: &str) -> Result<Option<Record>, RecordsError> {
        match self.store_of(workspace) {
            Some(store) if !matches!(store, Store::External(_)) => store.get(id).await,
            _ => Ok(None),
        }
    }

    /// The records of `subject` in `tenant`, newest first.
    pub async fn of_subject(&self, tenant: &str, subject: &str) -> Result<Vec<Record>, RecordsError> {
        let mut all = Vec::new();
        for store in self.listed() {
            all.extend(store.of_subject(tenant, subject).await?);
        }
        Ok(newest_first(all))
    }

    /// Records whose customer, subject, account or client id is `q` (staff search), of the
    /// workspaces `within` (all when `None`), newest first, at most `limit`.
    pub async fn search(
        &self,
        tenant: &str,
        q: &str,
        within: Option<&[String]>,
        limit: usize,
    ) -> Result<Vec<Record>, RecordsError> {
        let mut all = Vec::new();
        for store in self.listed() {
            all.extend(store.search(tenant, q, within, limit).await?);
        }
        let mut all = newest_first(all);
        all.truncate(limit);
        Ok(all)
    }

    /// The authorized records of one application (to revoke them all).
    pub async fn authorized_of_client(&self, tenant: &str, client_id: &str) -> Result<Vec<Record>, RecordsError> {
        let mut all = Vec::new();
        for store in self.listed() {
            all.extend(store.authorized_of_client(tenant, client_id).await?);
        }
        // In force only: one past its expiry has ended already, and is no one's to revoke.
        all.retain(Record::is_active);
        Ok(newest_first(all))
    }

    /// How many authorized records in force one application holds that can be revoked: a
    /// payment's record (which says what was paid) is not counted, nor one past its expiry.
    pub async fn count_authorized_of_client(&self, tenant: &str, client_id: &str) -> Result<usize, RecordsError> {
        let mut n = 0;
        for store in self.listed() {
            n += store.count_authorized_of_client(tenant, client_id).await?;
        }
        Ok(n)
    }

    /// Ends an authorized record: `revoked`, with who did it and why, in its history. `false`
    /// when it was not authorized (revoked already, say): nothing changes then. But a record a
    /// page has just seen ended in its regime's list (by the authorization server, no one named:
    /// most likely Assent's own end there, a moment before this call) gets this revoke's name
    /// and reason in its history, and counts as revoked by it ([`Event::is_seen_end`]).
    pub async fn revoke(
        &self,
        id: &str,
        by: Actor,
        by_name: Option<String>,
        reason: Option<String>,
    ) -> Result<bool, RecordsError> {
        let Some((store, _)) = self.holder(id).await? else { return Ok(false) };
        let end = Event { at: now(), kind: "revoked".into(), by, by_name, reason };
        let ended = store.revoke(id, &end).await?;
        if ended || by == Actor::AuthorizationServer {
            return Ok(ended);
        }
        store.name_seen_end(id, &end).await
    }

    /// Pending records of `tenant` written since `since` (unix time), with their flows' handles:
    /// (id, login id, login state).
    pub async fn pending(&self, tenant: &str, since: i64) -> Result<Vec<(String, String, String)>, RecordsError> {
        let mut all = Vec::new();
        for store in self.listed() {
            all.extend(store.pending(tenant, since).await?);
        }
        Ok(all)
    }

    /// Whether every store answers (for `/readyz`).
    pub async fn ping(&self) -> Result<(), RecordsError> {
        for store in &self.stores {
            store.ping().await?;
        }
        Ok(())
    }
}

/// A store failure as the user meets it: nothing was changed, try again (503).
impl From<RecordsError> for crate::error::AppError {
    fn from(e: RecordsError) -> Self {
        tracing::error!(error = %e, "consent records store");
        crate::error::Failure::RecordsUnavailable.into()
    }
}

/// A consent's record that could not be written before its accept, as the user meets it:
/// nothing was shared, try again (503).
pub fn nothing_shared(e: RecordsError) -> crate::error::AppError {
    tracing::error!(error = %e, "consent records store: the consent's record could not be written");
    crate::error::Failure::RecordsDown.into()
}

#[cfg(test)]
mod tests;
