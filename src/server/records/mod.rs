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
//! `CONSENT_STORAGE=assent` (the default) keeps them in SQLite in `ASSENT_DATA_DIR`, or in
//! PostgreSQL (`ASSENT_DATABASE_URL`) when replicas share them; `external` writes them to the
//! quickstart's external consent storage, which lists and revokes them; `none` keeps none (the
//! grant carries no `consent_id`). A record left pending by a crash is settled by
//! `server::reconcile`. No request waits on the store longer than [`TIMEOUT`]: a store that
//! cannot be written means nothing is shared, and the user is told.

mod external;
mod postgres;
mod receipt;
mod sqlite;

pub use receipt::receipt;

use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// The longest a request waits on the records store.
pub const TIMEOUT: Duration = Duration::from_secs(2);

/// Where a record stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Written before the accept; not (yet) a consent.
    Pending,
    Authorized,
    /// The user chose Deny.
    Rejected,
    Revoked,
    Expired,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Authorized => "authorized",
            Status::Rejected => "rejected",
            Status::Revoked => "revoked",
            Status::Expired => "expired",
        }
    }

    fn parse(s: &str) -> Option<Status> {
        [Status::Pending, Status::Authorized, Status::Rejected, Status::Revoked, Status::Expired]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// Who did something to a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Customer,
    Staff,
    Application,
    AuthorizationServer,
}

impl Actor {
    pub fn as_str(self) -> &'static str {
        match self {
            Actor::Customer => "customer",
            Actor::Staff => "staff",
            Actor::Application => "application",
            Actor::AuthorizationServer => "authorization_server",
        }
    }

    fn parse(s: &str) -> Option<Actor> {
        [Actor::Customer, Actor::Staff, Actor::Application, Actor::AuthorizationServer]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// One entry of a record's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Unix time.
    pub at: i64,
    /// `granted`, `rejected`, `revoked`, `expired`.
    pub kind: String,
    pub by: Actor,
    /// A staff member's name.
    pub by_name: Option<String>,
    /// Why (a staff member's reason).
    pub reason: Option<String>,
}

/// What the consent screen knows when the user decides.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Draft {
    /// The flow: one record per `login_id`.
    pub login_id: String,
    /// The flow's `login_state`, kept while the record is pending so that a record left
    /// pending by a crash can be settled with the authorization server ([`ConsentRecords::pending`]).
    pub login_state: Option<String>,
    pub tenant: String,
    pub workspace: String,
    pub subject: String,
    /// The bank's customer id (`BANK_ID_CLAIM`), when known.
    pub customer: Option<String>,
    pub client_id: String,
    /// The application's name and logo as the screen showed them.
    pub client_name: String,
    pub client_logo: Option<String>,
    pub scopes: Vec<String>,
    pub claims: Vec<String>,
    pub accounts: Vec<String>,
    /// Unix time the consent ends, if it does.
    pub expires_at: Option<i64>,
}

/// A record as the store keeps it.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub id: String,
    pub status: Status,
    pub created_at: i64,
    pub updated_at: i64,
    pub draft: Draft,
    pub history: Vec<Event>,
}

impl Record {
    /// Where the record stands now: an authorized consent past its expiry has expired, though
    /// the store still says authorized (nothing writes at the moment a consent runs out).
    pub fn status_now(&self) -> Status {
        match (self.status, self.draft.expires_at) {
            (Status::Authorized, Some(end)) if end <= now() => Status::Expired,
            (status, _) => status,
        }
    }

    /// Whether the consent still holds.
    pub fn is_active(&self) -> bool {
        self.status_now() == Status::Authorized
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RecordsError {
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("the records store failed: {0}")]
    Failed(String),
}

/// Where the records are.
enum Store {
    Sqlite(Arc<sqlite::SqliteRecords>),
    Postgres(postgres::PostgresRecords),
    /// Another system's (`CONSENT_STORAGE=external`): records are written there, and read,
    /// listed and revoked there too; here, reads find nothing.
    External(external::ExternalRecords),
}

/// The records, or none (`CONSENT_STORAGE=none`).
pub struct ConsentRecords {
    store: Option<Store>,
}

pub(crate) fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Runs one operation on whichever store there is: SQLite's off the async workers, all bounded
/// by [`TIMEOUT`]. `$s` names the store in each arm; SQLite's and PostgreSQL's are the same
/// code, the external store's is its own (most often: nothing kept here).
macro_rules! on_store {
    ($self:ident, |$s:ident| $sqlite:expr, $postgres:expr, $external:expr) => {
        match &$self.store {
            None => Err(RecordsError::Failed("no records are kept".into())),
            Some(Store::Sqlite(store)) => {
                let $s = store.clone();
                let work = tokio::task::spawn_blocking(move || $sqlite);
                match tokio::time::timeout(TIMEOUT, work).await {
                    Ok(Ok(result)) => result,
                    Ok(Err(e)) => Err(RecordsError::Failed(e.to_string())),
                    Err(_) => Err(RecordsError::Timeout(TIMEOUT)),
                }
            }
            Some(Store::Postgres($s)) => {
                tokio::time::timeout(TIMEOUT, $postgres).await.unwrap_or(Err(RecordsError::Timeout(TIMEOUT)))
            }
            Some(Store::External($s)) => {
                let _ = $s;
                tokio::time::timeout(TIMEOUT, async { $external }).await.unwrap_or(Err(RecordsError::Timeout(TIMEOUT)))
            }
        }
    };
}

impl ConsentRecords {
    /// No records: grants carry no `consent_id`.
    pub fn none() -> Self {
        Self { store: None }
    }

    /// Records in SQLite at `path` (migrated to the current schema at start).
    pub fn sqlite(path: &Path) -> Result<Self, RecordsError> {
        Ok(Self { store: Some(Store::Sqlite(Arc::new(sqlite::SqliteRecords::open(path)?))) })
    }

    /// Records in PostgreSQL at `url` (migrated to the current schema at start), trusting
    /// `root_ca` besides the system's roots.
    pub async fn postgres(url: &str, root_ca: Option<&[u8]>) -> Result<Self, RecordsError> {
        let store = postgres::PostgresRecords::connect(url, root_ca, TIMEOUT).await?;
        Ok(Self { store: Some(Store::Postgres(store)) })
    }

    /// Records written to the external consent storage at `url` (`CONSENT_STORAGE=external`),
    /// through `http` (the upstream client: TLS verified, mutual TLS when configured).
    pub fn external(url: url::Url, http: reqwest::Client) -> Self {
        Self { store: Some(Store::External(external::ExternalRecords::new(url, http))) }
    }

    /// Whether Assent itself keeps the records (and can list and revoke them).
    pub fn kept_here(&self) -> bool {
        matches!(self.store, Some(Store::Sqlite(_) | Store::Postgres(_)))
    }

    /// Whether records are kept (here or elsewhere): accepts carry a `consent_id`.
    pub fn enabled(&self) -> bool {
        self.store.is_some()
    }

    /// `sqlite` or `postgres` (or `none`): what `/readyz` names.
    pub fn kind(&self) -> &'static str {
        match self.store {
            None => "none",
            Some(Store::Sqlite(_)) => "sqlite",
            Some(Store::Postgres(_)) => "postgres",
            Some(Store::External(_)) => "external",
        }
    }

    /// The pending record of this flow, written now or earlier (a retry, a second submission):
    /// its id, and its status (`authorized` when the flow was accepted already). `None` when
    /// no records are kept.
    pub async fn prepare(&self, draft: Draft) -> Result<Option<(String, Status)>, RecordsError> {
        if !self.enabled() {
            return Ok(None);
        }
        let now = now();
        let prepared = on_store!(self, |s| s.prepare(&draft, now), s.prepare(&draft, now), s.prepare(&draft).await);
        prepared.map(Some)
    }

    /// The accept went through: the record is authorized, granted by the customer.
    pub async fn authorize(&self, id: &str) -> Result<(), RecordsError> {
        let (id, now) = (id.to_string(), now());
        on_store!(self, |s| s.authorize(&id, now), s.authorize(&id, now), Ok(()))
    }

    /// The user chose Deny: the flow's record, rejected (none authorized).
    pub async fn reject(&self, draft: Draft) -> Result<(), RecordsError> {
        if !self.enabled() {
            return Ok(());
        }
        let now = now();
        on_store!(self, |s| s.reject(&draft, now), s.reject(&draft, now), Ok(()))
    }

    /// One record with its history.
    pub async fn get(&self, id: &str) -> Result<Option<Record>, RecordsError> {
        let id = id.to_string();
        on_store!(self, |s| s.get(&id), s.get(&id), Ok(None))
    }

    /// The records of `subject` in `tenant`, newest first.
    pub async fn of_subject(&self, tenant: &str, subject: &str) -> Result<Vec<Record>, RecordsError> {
        let (tenant, subject) = (tenant.to_string(), subject.to_string());
        on_store!(self, |s| s.of_subject(&tenant, &subject), s.of_subject(&tenant, &subject), Ok(Vec::new()))
    }

    /// Records whose customer, subject, account or client id is `q` (staff search), newest
    /// first, at most `limit`.
    pub async fn search(&self, tenant: &str, q: &str, limit: usize) -> Result<Vec<Record>, RecordsError> {
        let (tenant, q) = (tenant.to_string(), q.to_string());
        on_store!(self, |s| s.search(&tenant, &q, limit), s.search(&tenant, &q, limit), Ok(Vec::new()))
    }

    /// The authorized records of one application (to revoke them all).
    pub async fn authorized_of_client(&self, tenant: &str, client_id: &str) -> Result<Vec<Record>, RecordsError> {
        let (tenant, client_id) = (tenant.to_string(), client_id.to_string());
        on_store!(
            self,
            |s| s.authorized_of_client(&tenant, &client_id),
            s.authorized_of_client(&tenant, &client_id),
            Ok(Vec::new())
        )
    }

    /// How many authorized records one application holds.
    pub async fn count_authorized_of_client(&self, tenant: &str, client_id: &str) -> Result<usize, RecordsError> {
        let (tenant, client_id) = (tenant.to_string(), client_id.to_string());
        on_store!(
            self,
            |s| s.count_authorized_of_client(&tenant, &client_id),
            s.count_authorized_of_client(&tenant, &client_id),
            Ok(0)
        )
    }

    /// Ends an authorized record: `revoked`, with who did it and why, in its history. `false`
    /// when it was not authorized (revoked already, say): nothing changes then.
    pub async fn revoke(
        &self,
        id: &str,
        by: Actor,
        by_name: Option<String>,
        reason: Option<String>,
    ) -> Result<bool, RecordsError> {
        let (id, now) = (id.to_string(), now());
        on_store!(
            self,
            |s| s.revoke(&id, now, by, by_name.as_deref(), reason.as_deref()),
            s.revoke(&id, now, by, by_name.as_deref(), reason.as_deref()),
            Ok(false)
        )
    }

    /// Pending records of `tenant` written since `since` (unix time), with their flows' handles:
    /// (id, login id, login state).
    pub async fn pending(&self, tenant: &str, since: i64) -> Result<Vec<(String, String, String)>, RecordsError> {
        let tenant = tenant.to_string();
        on_store!(self, |s| s.pending(&tenant, since), s.pending(&tenant, since), Ok(Vec::new()))
    }

    /// Whether the store answers (for `/readyz`).
    pub async fn ping(&self) -> Result<(), RecordsError> {
        if !self.enabled() {
            return Ok(());
        }
        on_store!(self, |s| s.ping(), s.ping(), s.ping().await)
    }
}

/// A store failure as the user meets it: nothing was shared, try again (503).
impl From<RecordsError> for crate::error::AppError {
    fn from(e: RecordsError) -> Self {
        tracing::error!(error = %e, "consent records store");
        crate::error::Failure::RecordsDown.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(status: Status, expires_at: Option<i64>) -> Record {
        let draft = Draft { expires_at, ..Draft::default() };
        Record { id: "r".into(), status, created_at: 0, updated_at: 0, draft, history: Vec::new() }
    }

    #[test]
    fn an_authorized_consent_past_its_expiry_has_expired() {
        let hour = 3600;
        assert_eq!(record(Status::Authorized, None).status_now(), Status::Authorized);
        assert_eq!(record(Status::Authorized, Some(now() + hour)).status_now(), Status::Authorized);
        let ran_out = record(Status::Authorized, Some(now() - 1));
        assert_eq!(ran_out.status_now(), Status::Expired);
        assert!(!ran_out.is_active());
        // What ended otherwise stays what it was.
        assert_eq!(record(Status::Revoked, Some(now() - hour)).status_now(), Status::Revoked);
    }
}
