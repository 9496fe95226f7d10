//! The embedded store: one SQLite file in `ASSENT_DATA_DIR`. Timeouts are checked on read,
//! and expired rows are swept as new ones come in.

use super::{Record, StoreError, IDLE_TIMEOUT};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

/// Version 2 seals tokens, version 3 keeps the bank customer; older rows are dropped, which
/// signs their users out once.
const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS portal_logins (
  state_hash TEXT PRIMARY KEY, sealed TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS portal_sessions (
  id_hash TEXT PRIMARY KEY, subject TEXT NOT NULL, customer TEXT NOT NULL, display TEXT NOT NULL, sealed_token TEXT NOT NULL,
  last_seen INTEGER NOT NULL, expires_at INTEGER NOT NULL);
"#;
const VERSION: i64 = 3;

pub struct SqliteStore {
    conn: Mutex<Connection>,
}

impl SqliteStore {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = crate::sqlite::open(path, "")?;
        {
            let c = crate::sqlite::lock(&conn);
            let version: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if version < VERSION {
                c.execute_batch(&format!(
                    "DROP TABLE IF EXISTS portal_logins; DROP TABLE IF EXISTS portal_sessions; PRAGMA user_version = {VERSION};"
                ))?;
            }
            c.execute_batch(SCHEMA)?;
        }
        Ok(Self { conn })
    }

    pub(super) fn conn(&self) -> MutexGuard<'_, Connection> {
        crate::sqlite::lock(&self.conn)
    }

    pub fn insert_login(&self, key: &str, sealed: &str, expires_at: i64, cap: u64) -> Result<(), StoreError> {
        let conn = self.conn();
        conn.execute("DELETE FROM portal_logins WHERE expires_at <= ?1", [super::now()])?;
        let pending: u64 = conn.query_row("SELECT COUNT(*) FROM portal_logins", [], |r| r.get(0))?;
        if pending >= cap {
            return Err(StoreError::Full);
        }
        conn.execute(
            "INSERT INTO portal_logins (state_hash, sealed, expires_at) VALUES (?1, ?2, ?3)",
            params![key, sealed, expires_at],
        )?;
        Ok(())
    }

    pub fn take_login(&self, key: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(String, i64)> = self
            .conn()
            .query_row("DELETE FROM portal_logins WHERE state_hash = ?1 RETURNING sealed, expires_at", [key], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        Ok(row.filter(|(_, expires_at)| *expires_at > super::now()).map(|(sealed, _)| sealed))
    }

    pub fn create(&self, key: &str, record: &Record, now: i64) -> Result<(), StoreError> {
        let conn = self.conn();
        conn.execute(
            "DELETE FROM portal_sessions WHERE expires_at <= ?1 OR last_seen <= ?2",
            params![now, now - IDLE_TIMEOUT],
        )?;
        conn.execute(
            "INSERT INTO portal_sessions (id_hash, subject, customer, display, sealed_token, last_seen, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![key, record.subject, record.customer, record.display, record.sealed_token, now, record.expires_at],
        )?;
        Ok(())
    }

    pub fn get(&self, key: &str, now: i64) -> Result<Option<Record>, StoreError> {
        let conn = self.conn();
        let row: Option<(Record, i64)> = conn
            .query_row(
                "SELECT subject, customer, display, sealed_token, expires_at, last_seen FROM portal_sessions
                 WHERE id_hash = ?1",
                [key],
                |r| {
                    let record = Record {
                        subject: r.get(0)?,
                        customer: r.get(1)?,
                        display: r.get(2)?,
                        sealed_token: r.get(3)?,
                        expires_at: r.get(4)?,
                    };
                    Ok((record, r.get(5)?))
                },
            )
            .optional()?;
        match row {
            Some((record, last_seen)) if last_seen > now - IDLE_TIMEOUT && record.expires_at > now => {
                conn.execute("UPDATE portal_sessions SET last_seen = ?2 WHERE id_hash = ?1", params![key, now])?;
                Ok(Some(record))
            }
            Some(_) => {
                conn.execute("DELETE FROM portal_sessions WHERE id_hash = ?1", [key])?;
                Ok(None)
            }
            None => Ok(None),
        }
    }

    pub fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.conn().execute("DELETE FROM portal_sessions WHERE id_hash = ?1", [key])?;
        Ok(())
    }

    pub fn ping(&self) -> Result<(), StoreError> {
        self.conn().query_row("SELECT 1", [], |_| Ok(()))?;
        Ok(())
    }
}
