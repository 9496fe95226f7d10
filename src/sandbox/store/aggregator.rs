//! The sandbox aggregator's records (`aggregator`): its own users (password hashes), its
//! browser sessions (each with its anti-forgery token), the connections under way (state,
//! PKCE verifier, bank), the tokens it keeps per user and bank, with a short lease so one
//! refresh at a time spends a refresh token, and its payments (each settled once).

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

/// A payment the aggregator asked a bank for, by the state of its authorization.
#[derive(Clone, Debug, PartialEq)]
pub struct AggregatorPayment {
    pub state: String,
    pub username: String,
    pub bank: String,
    pub consent_id: String,
    /// The consent's `Initiation` (JSON), as the bank took it: the payment order repeats it.
    pub initiation: String,
    /// `pending` until the customer answers, then `made`, `cancelled` or `failed`.
    pub outcome: String,
    pub payment_id: Option<String>,
    /// The bank's status of the payment (`AcceptedSettlementCompleted`, …).
    pub status: Option<String>,
    /// Why it failed, as the bank said.
    pub message: Option<String>,
    /// The access token the payment was made with (one payment per consent: it opens nothing
    /// more once used).
    pub access_token: Option<String>,
    pub updated_at: i64,
}

impl AggregatorPayment {
    fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Self> {
        Ok(AggregatorPayment {
            state: r.get(0)?,
            username: r.get(1)?,
            bank: r.get(2)?,
            consent_id: r.get(3)?,
            initiation: r.get(4)?,
            outcome: r.get(5)?,
            payment_id: r.get(6)?,
            status: r.get(7)?,
            message: r.get(8)?,
            access_token: r.get(9)?,
            updated_at: r.get(10)?,
        })
    }
}

const PAYMENT_COLUMNS: &str =
    "state, username, bank, consent_id, initiation, outcome, payment_id, status, message, access_token, updated_at";

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

    pub fn insert_aggregator_payment(&self, p: &AggregatorPayment) -> Result<(), DbError> {
        self.conn().execute(
            &format!("INSERT INTO aggregator_payments ({PAYMENT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"),
            params![
                p.state,
                p.username,
                p.bank,
                p.consent_id,
                p.initiation,
                p.outcome,
                p.payment_id,
                p.status,
                p.message,
                p.access_token,
                p.updated_at
            ],
        )?;
        Ok(())
    }

    /// The payment whose authorization was started with `state`.
    pub fn aggregator_payment(&self, state: &str) -> Result<Option<AggregatorPayment>, DbError> {
        self.conn()
            .query_row(
                &format!("SELECT {PAYMENT_COLUMNS} FROM aggregator_payments WHERE state = ?1"),
                [state],
                AggregatorPayment::from_row,
            )
            .optional()
    }

    /// The latest payment of `username` at `bank`.
    pub fn latest_aggregator_payment(&self, username: &str, bank: &str) -> Result<Option<AggregatorPayment>, DbError> {
        self.conn()
            .query_row(
                &format!(
                    "SELECT {PAYMENT_COLUMNS} FROM aggregator_payments WHERE username = ?1 AND bank = ?2
                     ORDER BY updated_at DESC, rowid DESC LIMIT 1"
                ),
                params![username, bank],
                AggregatorPayment::from_row,
            )
            .optional()
    }

    /// Settles a pending payment with its outcome (`p`'s outcome, payment id, status, message
    /// and token): `false` when it was settled already, and nothing changes.
    pub fn settle_aggregator_payment(&self, p: &AggregatorPayment) -> Result<bool, DbError> {
        let n = self.conn().execute(
            "UPDATE aggregator_payments SET outcome = ?2, payment_id = ?3, status = ?4, message = ?5,
             access_token = ?6, updated_at = ?7 WHERE state = ?1 AND outcome = 'pending'",
            params![p.state, p.outcome, p.payment_id, p.status, p.message, p.access_token, p.updated_at],
        )?;
        Ok(n == 1)
    }
}
