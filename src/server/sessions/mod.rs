//! The portal's server-side state: sessions, and the sign-ins already finished. Browsers hold
//! only an opaque random id; stores keep its hash and the whole record sealed (see [`seal`]):
//! who the user is, the bank customer, the name shown and the access token, bound to the
//! record's id and end, so that a record altered, moved or made by someone without the key
//! does not open, and is refused.
//!
//! A sign-in in progress needs no server storage: what its callback must check (state, PKCE
//! verifier, nonce, deadline) travels sealed in its own HttpOnly cookie ([`PendingSignIn`]);
//! the store only records each state once its callback has used it, so no client can fill the
//! store and lock others out, and no callback is accepted twice.
//!
//! Two stores behind one interface, with the same rules:
//! - SQLite in `ASSENT_DATA_DIR`: the embedded default, for one machine;
//! - Redis (or Valkey): for replicas that share nothing else. Timeouts are key expiry there.
//!
//! No call waits longer than the configured timeout: a store that is down or slow is an error
//! the portal shows (503), never a hung request. The consent screen needs no session at all;
//! its decisions are kept here a moment so that each flow is decided once ([`decisions`]).

mod decisions;
mod redis_store;
mod seal;
mod sqlite;

pub use decisions::{Decision, Lost, Turn, HOLD};

use crate::server::keys;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::future::Future;
use std::path::Path;
use std::time::Duration;

/// A session ends after this long without a request…
pub const IDLE_TIMEOUT: i64 = 15 * 60;
/// …and at the latest this long after sign-in (or when its access token expires).
pub const ABSOLUTE_TIMEOUT: i64 = 8 * 3600;
/// A sign-in must come back from the authorization server within this time.
pub const LOGIN_TIMEOUT: i64 = 600;

/// Whose session: a customer's (the portal) or a bank staff member's (the console). Sealed
/// with the record, so one kind never opens as the other.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    #[default]
    Customer,
    Staff,
}

impl Kind {
    /// What a sign-in cookie of this kind is sealed to.
    fn sign_in_place(self) -> &'static str {
        match self {
            Kind::Customer => "portal sign-in cookie",
            Kind::Staff => "console sign-in cookie",
        }
    }
}

/// A live portal session.
#[derive(Clone, Debug)]
pub struct Session {
    pub kind: Kind,
    /// Hash of the cookie value: what CSRF tokens bind to.
    pub id_hash: String,
    pub subject: String,
    /// The bank's customer number of the user (what the portal's Open Finance list uses).
    pub customer: String,
    /// The user's customer number at each bank of the workspaces whose consents the portal
    /// lists (by workspace), each read with that bank's claim at sign-in; a workspace missing
    /// here has no customer of theirs the portal may ask about. `None` in a session sealed
    /// before these were kept.
    pub customers: Option<BTreeMap<String, String>>,
    pub display: String,
    pub access_token: String,
    /// A staff member's reach: the workspaces whose records they may see (`None`: all).
    pub reach: Option<Vec<String>>,
}

impl Session {
    /// The user's customer number at `workspace`'s bank (see [`Session::customers`]). A session
    /// sealed before those were kept has its one `customer` for every bank, as it had then.
    pub fn customer_at(&self, workspace: &str) -> Option<&str> {
        match &self.customers {
            Some(customers) => customers.get(workspace).map(String::as_str),
            None => Some(&self.customer),
        }
    }
}

/// Whom a new session is for.
pub struct Holder<'a> {
    pub kind: Kind,
    pub subject: &'a str,
    /// The bank's customer number (a customer's), or nothing (staff).
    pub customer: &'a str,
    /// The customer's number at each bank the portal lists consents of, by workspace (none
    /// for staff).
    pub customers: Option<BTreeMap<String, String>>,
    pub display: &'a str,
    /// A staff member's reach (`None`: every workspace's records; always for customers).
    pub reach: Option<Vec<String>>,
}

/// What a session record holds, sealed as one.
#[derive(Serialize, Deserialize)]
struct Sealed {
    #[serde(default)]
    kind: SealedKind,
    subject: String,
    customer: String,
    /// Absent in a record sealed before they were kept (see [`Session::customer_at`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    customers: Option<BTreeMap<String, String>>,
    display: String,
    access_token: String,
    /// Absent in a record sealed before staff had a reach: those were all of the global role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reach: Option<Vec<String>>,
}

/// Whose session, as a record names it. A staff member with a reach is `staff_within`, a name
/// the builds from before reaches do not know: rolled back to one of those, Assent refuses the
/// record (the staff member signs in again, and such a build lets in its global role only)
/// rather than read it as a session that reaches every workspace's records. A record that
/// says `staff` with a reach (sealed by the first build with reaches) keeps it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum SealedKind {
    #[default]
    Customer,
    Staff,
    StaffWithin,
}

impl SealedKind {
    fn of(kind: Kind, reach: &Option<Vec<String>>) -> Self {
        match (kind, reach) {
            (Kind::Customer, _) => SealedKind::Customer,
            (Kind::Staff, None) => SealedKind::Staff,
            (Kind::Staff, Some(_)) => SealedKind::StaffWithin,
        }
    }

    /// The kind and reach a record holds; `None` for a record that names a reach it lacks.
    fn open(self, reach: Option<Vec<String>>) -> Option<(Kind, Option<Vec<String>>)> {
        match (self, reach) {
            (SealedKind::Customer, _) => Some((Kind::Customer, None)),
            (SealedKind::Staff, reach) => Some((Kind::Staff, reach)),
            (SealedKind::StaffWithin, Some(reach)) => Some((Kind::Staff, Some(reach))),
            (SealedKind::StaffWithin, None) => None,
        }
    }
}

/// What a store keeps of a session: one sealed value, and when it ends at the latest.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub sealed: String,
    /// Unix time of the absolute timeout (also bound into the seal).
    pub expires_at: i64,
}

/// A sign-in on its way to the authorization server, as its cookie carries it (sealed).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PendingSignIn {
    pub state: String,
    pub verifier: String,
    pub nonce: String,
    /// Unix time after which its callback is refused.
    pub expires_at: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("Redis: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error(transparent)]
    Seal(#[from] seal::SealError),
    #[error("the SQLite worker stopped: {0}")]
    Worker(String),
    #[error("a stored value does not read: {0}")]
    Value(#[from] serde_json::Error),
}

enum Store {
    /// Its calls run off the async workers (`spawn_blocking`): a busy database waits there, and
    /// the timeout still fires.
    Sqlite(std::sync::Arc<sqlite::SqliteStore>),
    Redis(redis_store::RedisStore),
}

pub struct Sessions {
    store: Store,
    /// Seals session records.
    records: seal::Seal,
    /// Seals sign-in cookies.
    sign_ins: seal::Seal,
    /// Seals where a decided flow sends its browser.
    decisions: seal::Seal,
    timeout: Duration,
}

/// The hash a store keeps instead of a browser's secret.
pub fn hash(value: &str) -> String {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
    URL_SAFE_NO_PAD.encode(Sha256::digest(value.as_bytes()))
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// What a session record's seal is bound to: its id (hashed) and its end.
fn bound_to(id_hash: &str, expires_at: i64) -> String {
    format!("{id_hash}.{expires_at}")
}

impl Sessions {
    fn with_store(store: Store, session_key: &[u8], timeout: Duration) -> Self {
        Self {
            store,
            records: seal::Seal::new(session_key, keys::SESSION_RECORDS),
            sign_ins: seal::Seal::new(session_key, keys::SIGN_IN),
            decisions: seal::Seal::new(session_key, keys::DECISIONS),
            timeout,
        }
    }

    /// SQLite at `path`; keys derived from `session_key` seal what it keeps.
    pub fn sqlite(path: &Path, session_key: &[u8], timeout: Duration) -> Result<Self, StoreError> {
        Ok(Self::with_store(Store::Sqlite(sqlite::SqliteStore::open(path)?.into()), session_key, timeout))
    }

    /// Redis at `url` (`redis://` or `rediss://`, trusting `root_ca` when given). Connects on
    /// first use and again after any failure, so Assent starts, and recovers, without it.
    pub fn redis(
        url: &str,
        root_ca: Option<Vec<u8>>,
        session_key: &[u8],
        timeout: Duration,
    ) -> Result<Self, StoreError> {
        let store = redis_store::RedisStore::connect(url, root_ca, timeout)?;
        Ok(Self::with_store(Store::Redis(store), session_key, timeout))
    }

    /// `sqlite` or `redis`: what `/readyz` names.
    pub fn kind(&self) -> &'static str {
        match self.store {
            Store::Sqlite(_) => "sqlite",
            Store::Redis(_) => "redis",
        }
    }

    /// `op`, or a timeout error once the configured time has passed.
    async fn bounded<T>(&self, op: impl Future<Output = Result<T, StoreError>>) -> Result<T, StoreError> {
        tokio::time::timeout(self.timeout, op).await.unwrap_or(Err(StoreError::Timeout(self.timeout)))
    }

    /// `op` on the SQLite store, on a blocking thread.
    async fn blocking<T: Send + 'static>(
        store: &std::sync::Arc<sqlite::SqliteStore>,
        op: impl FnOnce(&sqlite::SqliteStore) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = store.clone();
        tokio::task::spawn_blocking(move || op(&store)).await.map_err(|e| StoreError::Worker(e.to_string()))?
    }

    /// A new sign-in's cookie value: what its callback must check, sealed. Nothing is stored.
    pub fn seal_sign_in(&self, kind: Kind, state: &str, verifier: &str, nonce: &str) -> Result<String, StoreError> {
        let pending = PendingSignIn {
            state: state.into(),
            verifier: verifier.into(),
            nonce: nonce.into(),
            expires_at: now() + LOGIN_TIMEOUT,
        };
        let plain = serde_json::to_string(&pending).map_err(|_| seal::SealError)?;
        Ok(self.sign_ins.seal(&plain, kind.sign_in_place())?)
    }

    /// The sign-in of `kind` a cookie carries, if it opens with this key and has not expired.
    pub fn open_sign_in(&self, kind: Kind, cookie: &str) -> Option<PendingSignIn> {
        let plain = self.sign_ins.open(cookie, kind.sign_in_place())?;
        serde_json::from_str::<PendingSignIn>(&plain).ok().filter(|p| p.expires_at > now())
    }

    /// Records that the callback of sign-in `state` has run: `false` when it had already, so
    /// each sign-in finishes once. The record lasts until the sign-in would have expired.
    pub async fn claim_sign_in(&self, state: &str, expires_at: i64) -> Result<bool, StoreError> {
        let key = hash(state);
        self.bounded(async {
            match &self.store {
                Store::Sqlite(s) => Self::blocking(s, move |s| s.claim_sign_in(&key, expires_at)).await,
                Store::Redis(r) => r.claim_sign_in(&key, expires_at).await,
            }
        })
        .await
    }

    /// Stores a new customer's session and returns the cookie value (a fresh id at every sign-in).
    pub async fn create(
        &self,
        subject: &str,
        customer: &str,
        display: &str,
        access_token: &str,
        token_lifetime: i64,
    ) -> Result<String, StoreError> {
        let holder = Holder { kind: Kind::Customer, subject, customer, customers: None, display, reach: None };
        self.create_of(holder, access_token, token_lifetime).await
    }

    /// Stores a new session of `kind` and returns the cookie value.
    pub async fn create_of(
        &self,
        holder: Holder<'_>,
        access_token: &str,
        token_lifetime: i64,
    ) -> Result<String, StoreError> {
        let Holder { kind, subject, customer, customers, display, reach } = holder;
        let id = crate::request::random_b64(32);
        let key = hash(&id);
        let now = now();
        let expires_at = now + token_lifetime.clamp(1, ABSOLUTE_TIMEOUT);
        let plain = serde_json::to_string(&Sealed {
            kind: SealedKind::of(kind, &reach),
            subject: subject.into(),
            customer: customer.into(),
            customers,
            display: display.into(),
            access_token: access_token.into(),
            reach,
        })
        .map_err(|_| seal::SealError)?;
        let record = Record { sealed: self.records.seal(&plain, &bound_to(&key, expires_at))?, expires_at };
        self.bounded(async {
            match &self.store {
                Store::Sqlite(s) => {
                    let (key, record) = (key.clone(), record.clone());
                    Self::blocking(s, move |s| s.create(&key, &record, now)).await
                }
                Store::Redis(r) => r.create(&key, &record, now).await,
            }
        })
        .await?;
        Ok(id)
    }

    /// The live session behind a cookie value, its idle timer restarted; `None` when there is
    /// none, it timed out, or its record does not open with this key for this id and end (then
    /// it is deleted).
    pub async fn get(&self, id: &str) -> Result<Option<Session>, StoreError> {
        let key = hash(id);
        let record = self
            .bounded(async {
                match &self.store {
                    Store::Sqlite(s) => {
                        let key = key.clone();
                        Self::blocking(s, move |s| s.get(&key, now())).await
                    }
                    Store::Redis(r) => r.get(&key, now()).await,
                }
            })
            .await?;
        let Some(record) = record else { return Ok(None) };
        let opened = self
            .records
            .open(&record.sealed, &bound_to(&key, record.expires_at))
            .and_then(|plain| serde_json::from_str::<Sealed>(&plain).ok())
            .and_then(|s| {
                let (kind, reach) = s.kind.open(s.reach)?;
                let Sealed { subject, customer, customers, display, access_token, .. } = s;
                Some(Session { kind, id_hash: key, subject, customer, customers, display, access_token, reach })
            });
        match opened {
            Some(session) => Ok(Some(session)),
            None => {
                tracing::warn!(
                    "a portal session record does not verify (altered, moved, or ASSENT_SESSION_KEY changed): refused"
                );
                self.delete(id).await?;
                Ok(None)
            }
        }
    }

    pub async fn delete(&self, id: &str) -> Result<(), StoreError> {
        let key = hash(id);
        self.bounded(async {
            match &self.store {
                Store::Sqlite(s) => {
                    let key = key.clone();
                    Self::blocking(s, move |s| s.delete(&key)).await
                }
                Store::Redis(r) => r.delete(&key).await,
            }
        })
        .await
    }

    /// Whether the store answers (for `/readyz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.bounded(async {
            match &self.store {
                Store::Sqlite(s) => Self::blocking(s, |s| s.ping()).await,
                Store::Redis(r) => r.ping().await,
            }
        })
        .await
    }
}

/// A store failure as the user meets it: the portal is briefly unavailable (503). Logged here
/// with what failed.
impl From<StoreError> for crate::error::AppError {
    fn from(e: StoreError) -> Self {
        tracing::warn!(error = %e, "portal session store");
        crate::error::Failure::SessionStoreDown.into()
    }
}

#[cfg(test)]
mod tests;
