//! The sandbox aggregator's records (`aggregator`): its own users (password hashes), its
//! browser sessions (each with its anti-forgery token), the connections under way (state,
//! PKCE verifier, bank), and the tokens it keeps per user and bank, with a short lease so one
//! refresh at a time spends a refresh token.

use crate::sandbox::store::db::{DbError, Store};
use rusqlite::{params, OptionalExtension};

/// A connection the aggregator started and the bank has not answered yet.
#[derive(Clone, Debug)]
pub struct PendingConnection {
    /// The hash of the session that started it.
    pub session_hash: String,
    pub bank: String,
    pub verifier: String,
    pub expires_at: i64,
}

impl Store {
    /// The password hash of aggregator user `username`.
    pub fn aggregator_user(&self, username: &str) -> Result<Option<String>, DbError> {
        self.conn()
            .query_row("SELECT password_hash FROM aggregator_users WHERE username = ?1", [username], |r| r.get(0))
            .optional()
    }

    pub fn insert_aggregator_user(&self, username: &str, password_hash: &str) -> Result<(), DbError> {
        self.conn().execute(
            "INSERT OR IGNORE INTO aggregator_users (username, password_hash) VALUES (?1, ?2)",
            params![username, password_hash],
        )?;
        Ok(())
    }

    /// A session (by the hash of its cookie), signed in as `username` or not yet (`None`).
    pub fn insert_aggregator_session(
        &self,
        id_hash: &str,
        username: Option<&str>,
        csrf: &str,
        expires_at: i64,
    ) -> Result<(), DbError> {
        let conn = self.conn();
        conn.execute("DELETE FROM aggregator_sessions WHERE expires_at < ?1", [crate::sandbox::util::now()])?;
        conn.execute(
            "INSERT INTO aggregator_sessions (id_hash, username, csrf, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![id_hash, username, csrf, expires_at],
        )?;
        Ok(())
    }

    /// `(username, csrf)` of a live session.
    pub fn aggregator_session(&self, id_hash: &str, now: i64) -> Result<Option<(Option<String>, String)>, DbError> {
        self.conn()
            .query_row(
                "SELECT username, csrf FROM aggregator_sessions WHERE id_hash = ?1 AND expires_at > ?2",
                params![id_hash, now],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
    }

    pub fn delete_aggregator_session(&self, id_hash: &str) -> Result<(), DbError> {
        self.conn().execute("DELETE FROM aggregator_sessions WHERE id_hash = ?1", [id_hash])?;
        Ok(())
    }

    pub fn insert_aggregator_pending(&self, state: &str, p: &PendingConnection) -> Result<(), DbError> {
        self.conn().execute(
            "INSERT INTO aggregator_pending (state, session_hash, bank, verifier, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![state, p.session_hash, p.bank, p.verifier, p.expires_at],
        )?;
        Ok(())
    }

    /// Takes (once) the connection started with `state`.
    pub fn take_aggregator_pending(&self, state: &str) -> Result<Option<PendingConnection>, DbError> {
        let conn = self.conn();
        let row = conn
            .query_row(
                "SELECT session_hash, bank, verifier, expires_at FROM aggregator_pending WHERE state = ?1",
                [state],
                |r| {
                    Ok(PendingConnection {
                        session_hash: r.get(0)?,
                        bank: r.get(1)?,
                        verifier: r.get(2)?,
                        expires_at: r.get(3)?,
                    })
                },
            )
            .optional()?;
        conn.execute("DELETE FROM aggregator_pending WHERE state = ?1", [state])?;
        Ok(row)
    }

    /// The tokens (JSON) the aggregator keeps for `username` at `bank`.
    pub fn aggregator_link(&self, username: &str, bank: &str) -> Result<Option<String>, DbError> {
        self.conn()
            .query_row(
                "SELECT tokens FROM aggregator_links WHERE username = ?1 AND bank = ?2",
                params![username, bank],
                |r| r.get(0),
            )
            .optional()
    }

    /// Keeps `tokens` for `username` at `bank` (and lets go of any refresh lease).
    pub fn set_aggregator_link(&self, username: &str, bank: &str, tokens: &str, now: i64) -> Result<(), DbError> {
        self.conn().execute(
            "INSERT INTO aggregator_links (username, bank, tokens, updated_at, lease_until) VALUES (?1, ?2, ?3, ?4, 0)
             ON CONFLICT(username, bank) DO UPDATE SET tokens = ?3, updated_at = ?4, lease_until = 0",
            params![username, bank, tokens, now],
        )?;
        Ok(())
    }

    pub fn delete_aggregator_link(&self, username: &str, bank: &str) -> Result<(), DbError> {
        self.conn()
            .execute("DELETE FROM aggregator_links WHERE username = ?1 AND bank = ?2", params![username, bank])?;
        Ok(())
    }

    /// Takes the refresh lease of `username`'s link to `bank` until `until`: `false` while
    /// another request holds it.
    pub fn lease_aggregator_link(&self, username: &str, bank: &str, now: i64, until: i64) -> Result<bool, DbError> {
        let n = self.conn().execute(
            "UPDATE aggregator_links SET lease_until = ?4 WHERE username = ?1 AND bank = ?2 AND lease_until <= ?3",
            params![username, bank, now, until],
        )?;
        Ok(n == 1)
    }

    /// Lets go of a refresh lease without new tokens.
    pub fn release_aggregator_link(&self, username: &str, bank: &str) -> Result<(), DbError> {
        self.conn().execute(
            "UPDATE aggregator_links SET lease_until = 0 WHERE username = ?1 AND bank = ?2",
            params![username, bank],
        )?;
        Ok(())
    }
}
