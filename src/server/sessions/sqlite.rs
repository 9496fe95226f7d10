//! The embedded store: one SQLite file in `ASSENT_DATA_DIR`. Timeouts are checked on read,
//! and expired rows are swept as new ones come in.

use super::decisions::Held;
use super::{Record, StoreError, IDLE_TIMEOUT};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

/// Version 4 seals whole records and keeps no sign-in in progress, only the used ones; older
/// tables are dropped, which signs their users out once. Version 5 names each try of a
/// decision (`attempt`); version 6 keeps a decision whose answer was lost (`resend`). Older
/// decisions, two minutes' worth at most, are dropped.
const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS portal_used_sign_ins (state_hash TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS portal_sessions (
  id_hash TEXT PRIMARY KEY, sealed TEXT NOT NULL, last_seen INTEGER NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS consent_decisions (
  flow_hash TEXT PRIMARY KEY, browser_hash TEXT NOT NULL, decision TEXT NOT NULL, attempt TEXT NOT NULL,
  next TEXT, resend TEXT, expires_at INTEGER NOT NULL);
"#;
const VERSION: i64 = 6;

pub struct SqliteStore {
    conn: Mutex<Connection>,
}

impl SqliteStore {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = crate::sqlite::open(path, "")?;
        {
            let c = crate::sqlite::lock(&conn);
            let version: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if version < 4 {
                c.execute_batch("DROP TABLE IF EXISTS portal_logins; DROP TABLE IF EXISTS portal_sessions;")?;
            }
            if version < VERSION {
                c.execute_batch(&format!("DROP TABLE IF EXISTS consent_decisions; PRAGMA user_version = {VERSION};"))?;
            }
            c.execute_batch(SCHEMA)?;
        }
        Ok(Self { conn })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        crate::sqlite::lock(&self.conn)
    }

    /// `true` the first time `key` is claimed before it expires.
    pub fn claim_sign_in(&self, key: &str, expires_at: i64) -> Result<bool, StoreError> {
        let conn = self.conn();
        conn.execute("DELETE FROM portal_used_sign_ins WHERE expires_at <= ?1", [super::now()])?;
        let added = conn.execute(
            "INSERT INTO portal_used_sign_ins (state_hash, expires_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            params![key, expires_at],
        )?;
        Ok(added == 1)
    }

    pub fn create(&self, key: &str, record: &Record, now: i64) -> Result<(), StoreError> {
        let conn = self.conn();
        conn.execute(
            "DELETE FROM portal_sessions WHERE expires_at <= ?1 OR last_seen <= ?2",
            params![now, now - IDLE_TIMEOUT],
        )?;
        conn.execute(
            "INSERT INTO portal_sessions (id_hash, sealed, last_seen, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![key, record.sealed, now, record.expires_at],
        )?;
        Ok(())
    }

    pub fn get(&self, key: &str, now: i64) -> Result<Option<Record>, StoreError> {
        let conn = self.conn();
        let row: Option<(Record, i64)> = conn
            .query_row("SELECT sealed, expires_at, last_seen FROM portal_sessions WHERE id_hash = ?1", [key], |r| {
                Ok((Record { sealed: r.get(0)?, expires_at: r.get(1)? }, r.get(2)?))
            })
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

    /// Holds flow `key` for `mine` until `until`: `None` when it was free, else its holder.
    pub fn hold(&self, key: &str, mine: &Held, until: i64) -> Result<Option<Held>, StoreError> {
        let conn = self.conn();
        conn.execute("DELETE FROM consent_decisions WHERE expires_at <= ?1", [super::now()])?;
        let added = conn.execute(
            "INSERT INTO consent_decisions (flow_hash, browser_hash, decision, attempt, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
            params![key, mine.browser, mine.decision, mine.attempt, until],
        )?;
        if added == 1 {
            return Ok(None);
        }
        let held = conn.query_row(
            "SELECT browser_hash, decision, attempt, next, resend FROM consent_decisions WHERE flow_hash = ?1",
            [key],
            |r| {
                Ok(Held {
                    browser: r.get(0)?,
                    decision: r.get(1)?,
                    attempt: r.get(2)?,
                    next: r.get(3)?,
                    resend: r.get(4)?,
                })
            },
        )?;
        Ok(Some(held))
    }

    /// Flow `key`, held by no try since its decision's answer was lost (kept as `sealed`), is
    /// held by `mine` until `until`: `false` when another try took it first, or it is gone.
    pub fn take_over(&self, key: &str, sealed: &str, mine: &Held, until: i64) -> Result<bool, StoreError> {
        let changed = self.conn().execute(
            "UPDATE consent_decisions SET attempt = ?3, expires_at = ?4
             WHERE flow_hash = ?1 AND attempt = '' AND next IS NULL AND resend = ?2 AND expires_at > ?5",
            params![key, sealed, mine.attempt, until, super::now()],
        )?;
        Ok(changed == 1)
    }

    /// The try `attempt` of flow `key` lost its decision's answer: the flow is `lost` until
    /// `until`, held by no try. `false` when `attempt` did not hold it.
    pub fn lost(&self, key: &str, attempt: &str, lost: &Held, until: i64) -> Result<bool, StoreError> {
        let changed = self.conn().execute(
            "UPDATE consent_decisions SET attempt = '', resend = ?3, expires_at = ?4
             WHERE flow_hash = ?1 AND attempt = ?2 AND next IS NULL",
            params![key, attempt, lost.resend, until],
        )?;
        Ok(changed == 1)
    }

    /// The try `decided` of flow `key` decided it, kept until `until`: its hold becomes the
    /// decision; with no hold at all (one that timed out before it was written, and may be
    /// written yet) the decision is written in its place, so a late hold finds it taken.
    pub fn decided(&self, key: &str, decided: &Held, until: i64) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO consent_decisions (flow_hash, browser_hash, decision, attempt, next, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (flow_hash) DO UPDATE SET next = excluded.next, resend = NULL, expires_at = excluded.expires_at
             WHERE attempt = excluded.attempt AND next IS NULL",
            params![key, decided.browser, decided.decision, decided.attempt, decided.next, until],
        )?;
        Ok(())
    }

    /// Frees flow `key` if the try `mine` holds it undecided.
    pub fn release(&self, key: &str, mine: &Held) -> Result<(), StoreError> {
        self.conn().execute(
            "DELETE FROM consent_decisions WHERE flow_hash = ?1 AND attempt = ?2 AND next IS NULL",
            params![key, mine.attempt],
        )?;
        Ok(())
    }

    pub fn ping(&self) -> Result<(), StoreError> {
        self.conn().query_row("SELECT 1", [], |_| Ok(()))?;
        Ok(())
    }
}
