//! Assent's own SQLite store: portal sign-ins in progress and portal sessions. Browsers hold
//! only an opaque random id; tokens stay here. Idle and absolute timeouts end sessions.

use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

pub use rusqlite::Error as DbError;

/// A session ends after this long without a request…
pub const IDLE_TIMEOUT: i64 = 15 * 60;
/// …and at the latest this long after sign-in (or when its access token expires).
pub const ABSOLUTE_TIMEOUT: i64 = 8 * 3600;
/// A sign-in must come back from the authorization server within this time.
pub const LOGIN_TIMEOUT: i64 = 600;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS portal_logins (
  state_hash TEXT PRIMARY KEY, verifier TEXT NOT NULL, nonce TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS portal_sessions (
  id_hash TEXT PRIMARY KEY, subject TEXT NOT NULL, display TEXT NOT NULL, access_token TEXT NOT NULL,
  created_at INTEGER NOT NULL, last_seen INTEGER NOT NULL, expires_at INTEGER NOT NULL);
"#;

pub struct Sessions {
    conn: Mutex<Connection>,
}

/// A live portal session.
#[derive(Clone, Debug)]
pub struct Session {
    /// Hash of the cookie value: what CSRF tokens bind to.
    pub id_hash: String,
    pub subject: String,
    pub display: String,
    pub access_token: String,
}

pub fn hash(value: &str) -> String {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
    URL_SAFE_NO_PAD.encode(Sha256::digest(value.as_bytes()))
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl Sessions {
    pub fn open(path: &Path) -> Result<Self, DbError> {
        Ok(Self { conn: crate::sqlite::open(path, SCHEMA)? })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        crate::sqlite::lock(&self.conn)
    }

    pub fn insert_login(&self, state: &str, verifier: &str, nonce: &str) -> Result<(), DbError> {
        let conn = self.conn();
        conn.execute("DELETE FROM portal_logins WHERE created_at < ?1", [now() - LOGIN_TIMEOUT])?;
        conn.execute(
            "INSERT INTO portal_logins (state_hash, verifier, nonce, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![hash(state), verifier, nonce, now()],
        )?;
        Ok(())
    }

    /// Takes a sign-in out (single use): `(verifier, nonce)` if it exists and is recent.
    pub fn take_login(&self, state: &str) -> Result<Option<(String, String)>, DbError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let row: Option<(String, String, i64)> = tx
            .query_row(
                "SELECT verifier, nonce, created_at FROM portal_logins WHERE state_hash = ?1",
                [hash(state)],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        tx.execute("DELETE FROM portal_logins WHERE state_hash = ?1", [hash(state)])?;
        tx.commit()?;
        Ok(row.filter(|r| r.2 > now() - LOGIN_TIMEOUT).map(|r| (r.0, r.1)))
    }

    /// Stores a new session and returns the cookie value (a fresh id at every sign-in).
    pub fn create(
        &self,
        subject: &str,
        display: &str,
        access_token: &str,
        token_lifetime: i64,
    ) -> Result<String, DbError> {
        let id = super::random_b64(32);
        let now = now();
        self.conn().execute(
            "INSERT INTO portal_sessions (id_hash, subject, display, access_token, created_at, last_seen, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
            params![hash(&id), subject, display, access_token, now, now + token_lifetime.min(ABSOLUTE_TIMEOUT)],
        )?;
        Ok(id)
    }

    /// The live session behind a cookie value; touches it, or deletes it when timed out.
    pub fn get(&self, id: &str) -> Result<Option<Session>, DbError> {
        let id_hash = hash(id);
        let conn = self.conn();
        let row: Option<(String, String, String, i64, i64)> = conn
            .query_row(
                "SELECT subject, display, access_token, last_seen, expires_at FROM portal_sessions WHERE id_hash = ?1",
                [&id_hash],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        let now = now();
        match row {
            Some((subject, display, access_token, last_seen, expires_at))
                if last_seen > now - IDLE_TIMEOUT && expires_at > now =>
            {
                conn.execute("UPDATE portal_sessions SET last_seen = ?2 WHERE id_hash = ?1", params![id_hash, now])?;
                Ok(Some(Session { id_hash, subject, display, access_token }))
            }
            Some(_) => {
                conn.execute("DELETE FROM portal_sessions WHERE id_hash = ?1", [&id_hash])?;
                Ok(None)
            }
            None => Ok(None),
        }
    }

    pub fn delete(&self, id: &str) -> Result<(), DbError> {
        self.conn().execute("DELETE FROM portal_sessions WHERE id_hash = ?1", [hash(id)])?;
        Ok(())
    }
}
