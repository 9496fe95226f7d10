//! The portal's server-side state: sign-ins in progress and sessions. Browsers hold only an
//! opaque random id; stores keep its hash, and the user's token sealed (see [`seal`]).
//!
//! Two stores behind one interface, with the same rules:
//! - SQLite in `ASSENT_DATA_DIR`: the embedded default, for one machine;
//! - Redis (or Valkey): for replicas that share nothing else. Timeouts are key expiry there.
//!
//! No call waits longer than the configured timeout: a store that is down or slow is an error
//! the portal shows (503), never a hung request. The consent screen needs no session at all.

mod redis_store;
mod seal;
mod sqlite;

use sha2::{Digest, Sha256};
use std::future::Future;
use std::path::Path;
use std::time::Duration;

/// A session ends after this long without a request…
pub const IDLE_TIMEOUT: i64 = 15 * 60;
/// …and at the latest this long after sign-in (or when its access token expires).
pub const ABSOLUTE_TIMEOUT: i64 = 8 * 3600;
/// A sign-in must come back from the authorization server within this time.
pub const LOGIN_TIMEOUT: i64 = 600;
/// At most this many sign-ins wait at once; more are refused (503) until some finish or expire.
pub const MAX_PENDING_LOGINS: u64 = 10_000;

/// A live portal session.
#[derive(Clone, Debug)]
pub struct Session {
    /// Hash of the cookie value: what CSRF tokens bind to.
    pub id_hash: String,
    pub subject: String,
    /// The bank's customer number of the user (what the portal's Open Finance list uses).
    pub customer: String,
    pub display: String,
    pub access_token: String,
}

/// What a store keeps of a session: no usable secret.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub subject: String,
    pub customer: String,
    pub display: String,
    /// The access token, sealed for this record.
    pub sealed_token: String,
    /// Unix time of the absolute timeout.
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
    #[error("too many sign-ins are in progress already")]
    Full,
    #[error(transparent)]
    Seal(#[from] seal::SealError),
}

enum Store {
    Sqlite(sqlite::SqliteStore),
    Redis(redis_store::RedisStore),
}

pub struct Sessions {
    store: Store,
    seal: seal::Seal,
    timeout: Duration,
    login_cap: u64,
}

/// The hash a store keeps instead of a browser's secret.
pub fn hash(value: &str) -> String {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
    URL_SAFE_NO_PAD.encode(Sha256::digest(value.as_bytes()))
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl Sessions {
    /// SQLite at `path`; `key` seals the tokens.
    pub fn sqlite(path: &Path, key: &[u8], timeout: Duration) -> Result<Self, StoreError> {
        Ok(Self {
            store: Store::Sqlite(sqlite::SqliteStore::open(path)?),
            seal: seal::Seal::new(key)?,
            timeout,
            login_cap: MAX_PENDING_LOGINS,
        })
    }

    /// Redis at `url` (`redis://` or `rediss://`, trusting `root_ca` when given). Connects on
    /// first use and again after any failure, so Assent starts, and recovers, without it.
    pub fn redis(url: &str, root_ca: Option<Vec<u8>>, key: &[u8], timeout: Duration) -> Result<Self, StoreError> {
        let store = redis_store::RedisStore::connect(url, root_ca, timeout)?;
        Ok(Self { store: Store::Redis(store), seal: seal::Seal::new(key)?, timeout, login_cap: MAX_PENDING_LOGINS })
    }

    /// Another cap on sign-ins in progress than [`MAX_PENDING_LOGINS`].
    pub fn with_login_cap(mut self, cap: u64) -> Self {
        self.login_cap = cap;
        self
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

    /// Keeps what the callback of sign-in `state` must check.
    pub async fn insert_login(&self, state: &str, verifier: &str, nonce: &str) -> Result<(), StoreError> {
        let key = hash(state);
        let sealed = self.seal.seal(&serde_json::json!([verifier, nonce]).to_string(), &key)?;
        let expires_at = now() + LOGIN_TIMEOUT;
        self.bounded(async {
            match &self.store {
                Store::Sqlite(s) => s.insert_login(&key, &sealed, expires_at, self.login_cap),
                Store::Redis(r) => r.insert_login(&key, &sealed, expires_at, self.login_cap).await,
            }
        })
        .await
    }

    /// Takes a sign-in out (single use): `(verifier, nonce)` if it exists and is recent.
    pub async fn take_login(&self, state: &str) -> Result<Option<(String, String)>, StoreError> {
        let key = hash(state);
        let sealed = self
            .bounded(async {
                match &self.store {
                    Store::Sqlite(s) => s.take_login(&key),
                    Store::Redis(r) => r.take_login(&key).await,
                }
            })
            .await?;
        Ok(sealed
            .and_then(|s| self.seal.open(&s, &key))
            .and_then(|plain| serde_json::from_str::<(String, String)>(&plain).ok()))
    }

    /// Stores a new session and returns the cookie value (a fresh id at every sign-in).
    pub async fn create(
        &self,
        subject: &str,
        customer: &str,
        display: &str,
        access_token: &str,
        token_lifetime: i64,
    ) -> Result<String, StoreError> {
        let id = crate::request::random_b64(32);
        let key = hash(&id);
        let now = now();
        let record = Record {
            subject: subject.into(),
            customer: customer.into(),
            display: display.into(),
            sealed_token: self.seal.seal(access_token, &key)?,
            expires_at: now + token_lifetime.clamp(1, ABSOLUTE_TIMEOUT),
        };
        self.bounded(async {
            match &self.store {
                Store::Sqlite(s) => s.create(&key, &record, now),
                Store::Redis(r) => r.create(&key, &record, now).await,
            }
        })
        .await?;
        Ok(id)
    }

    /// The live session behind a cookie value, its idle timer restarted; `None` when there is
    /// none, it timed out, or its token does not open with this key.
    pub async fn get(&self, id: &str) -> Result<Option<Session>, StoreError> {
        let key = hash(id);
        let record = self
            .bounded(async {
                match &self.store {
                    Store::Sqlite(s) => s.get(&key, now()),
                    Store::Redis(r) => r.get(&key, now()).await,
                }
            })
            .await?;
        let Some(record) = record else { return Ok(None) };
        match self.seal.open(&record.sealed_token, &key) {
            Some(access_token) => Ok(Some(Session {
                id_hash: key,
                subject: record.subject,
                customer: record.customer,
                display: record.display,
                access_token,
            })),
            None => {
                tracing::warn!("a portal session's token does not open with this key (ASSENT_SESSION_KEY changed?)");
                self.delete(id).await?;
                Ok(None)
            }
        }
    }

    pub async fn delete(&self, id: &str) -> Result<(), StoreError> {
        let key = hash(id);
        self.bounded(async {
            match &self.store {
                Store::Sqlite(s) => s.delete(&key),
                Store::Redis(r) => r.delete(&key).await,
            }
        })
        .await
    }

    /// Whether the store answers (for `/readyz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.bounded(async {
            match &self.store {
                Store::Sqlite(s) => s.ping(),
                Store::Redis(r) => r.ping().await,
            }
        })
        .await
    }
}

/// A store failure as the user meets it: the portal is briefly unavailable (503), or, when too
/// many sign-ins wait, busy. Logged here with what failed.
impl From<StoreError> for crate::error::AppError {
    fn from(e: StoreError) -> Self {
        use crate::error::Failure;
        tracing::warn!(error = %e, "portal session store");
        match e {
            StoreError::Full => Failure::Busy.into(),
            _ => Failure::SessionStoreDown.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sign_ins_in_progress_are_capped_and_single_use() {
        let dir = tempfile::tempdir().unwrap();
        let timeout = Duration::from_millis(500);
        let sessions = Sessions::sqlite(&dir.path().join("s.sqlite3"), &[3u8; 32], timeout).unwrap().with_login_cap(3);
        for n in 0..3 {
            sessions.insert_login(&format!("state-{n}"), "verifier", "nonce").await.unwrap();
        }
        assert!(matches!(sessions.insert_login("state-3", "v", "n").await, Err(StoreError::Full)));
        let refused = crate::error::AppError::from(StoreError::Full);
        assert_eq!(refused.status(), 503);
        // One finishes (or fails): room for the next.
        assert!(sessions.take_login("state-0").await.unwrap().is_some());
        assert!(sessions.take_login("state-0").await.unwrap().is_none(), "single use");
        sessions.insert_login("state-3", "v", "n").await.unwrap();
        // Expired ones leave room by themselves.
        if let Store::Sqlite(s) = &sessions.store {
            s.conn().execute("UPDATE portal_logins SET expires_at = 0", []).unwrap();
        }
        sessions.insert_login("state-4", "v", "n").await.unwrap();
        assert!(sessions.take_login("state-1").await.unwrap().is_none(), "expired");
    }

    #[tokio::test]
    async fn tokens_are_sealed_at_rest_and_ids_hashed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sqlite3");
        let sessions = Sessions::sqlite(&path, &[3u8; 32], Duration::from_millis(500)).unwrap();
        let id = sessions.create("user", "user", "User", "the-access-token", 3600).await.unwrap();
        assert_eq!(sessions.get(&id).await.unwrap().unwrap().access_token, "the-access-token");
        let mut dump = std::fs::read(&path).unwrap();
        dump.extend(std::fs::read(dir.path().join("s.sqlite3-wal")).unwrap_or_default());
        let dump = String::from_utf8_lossy(&dump);
        assert!(!dump.contains("the-access-token") && !dump.contains(&id), "neither the token nor the id at rest");
        // The same file with another key: no session, and the unreadable row is gone.
        drop(sessions);
        let other = Sessions::sqlite(&path, &[4u8; 32], Duration::from_millis(500)).unwrap();
        assert!(other.get(&id).await.unwrap().is_none());
    }
}
