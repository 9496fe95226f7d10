//! Identity pools' users (`pool_users`), for the System Identity API: each a row with its JSON
//! payload and metadata, and its identifiers, unique in their pool (`pool_identifiers`), so two
//! users with one identifier cannot both be created, however close together they arrive.

use crate::sandbox::store::db::{DbError, Store};
use rusqlite::{params, OptionalExtension};

/// A pool user as stored: `payload`, `metadata` and `identifiers` are JSON text.
#[derive(Clone, Debug)]
pub struct PoolUserRow {
    pub id: String,
    pub pool_id: String,
    pub status: String,
    pub payload: String,
    pub metadata: String,
    pub identifiers: String,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, pool_id, status, payload, metadata, identifiers, created_at, updated_at";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PoolUserRow> {
    Ok(PoolUserRow {
        id: r.get(0)?,
        pool_id: r.get(1)?,
        status: r.get(2)?,
        payload: r.get(3)?,
        metadata: r.get(4)?,
        identifiers: r.get(5)?,
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

impl Store {
    /// Creates a user with its identifiers; `false` (nothing written) when one of them is
    /// another user's of the pool already.
    pub fn insert_pool_user(&self, user: &PoolUserRow, identifiers: &[String]) -> Result<bool, DbError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for identifier in identifiers {
            let n = tx.execute(
                "INSERT OR IGNORE INTO pool_identifiers (pool_id, identifier, user_id) VALUES (?1, ?2, ?3)",
                params![user.pool_id, identifier, user.id],
            )?;
            if n == 0 {
                tx.rollback()?;
                return Ok(false);
            }
        }
        tx.execute(
            &format!(
                "INSERT INTO pool_users ({COLUMNS}, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,
                 (SELECT COALESCE(MAX(seq), 0) + 1 FROM pool_users))"
            ),
            params![
                user.id,
                user.pool_id,
                user.status,
                user.payload,
                user.metadata,
                user.identifiers,
                user.created_at,
                user.updated_at
            ],
        )?;
        tx.commit()?;
        Ok(true)
    }

    pub fn pool_user(&self, pool: &str, id: &str) -> Result<Option<PoolUserRow>, DbError> {
        self.conn()
            .query_row(&format!("SELECT {COLUMNS} FROM pool_users WHERE pool_id = ?1 AND id = ?2"), [pool, id], row)
            .optional()
    }

    /// Replaces a user's status, payload and metadata; `false` when there is no such user.
    pub fn update_pool_user(
        &self,
        pool: &str,
        id: &str,
        status: &str,
        payload: &str,
        metadata: &str,
        now: i64,
    ) -> Result<bool, DbError> {
        let n = self.conn().execute(
            "UPDATE pool_users SET status = ?3, payload = ?4, metadata = ?5, updated_at = ?6
             WHERE pool_id = ?1 AND id = ?2",
            params![pool, id, status, payload, metadata, now],
        )?;
        Ok(n == 1)
    }

    /// A pool's users in the order they were created, from the one after `after` (a user id;
    /// `None` when `after` is not a user of the pool).
    pub fn pool_users_after(&self, pool: &str, after: Option<&str>) -> Result<Option<Vec<PoolUserRow>>, DbError> {
        let conn = self.conn();
        let from = match after {
            None => 0,
            Some(id) => {
                let seq: Option<i64> = conn
                    .query_row("SELECT seq FROM pool_users WHERE pool_id = ?1 AND id = ?2", [pool, id], |r| r.get(0))
                    .optional()?;
                match seq {
                    Some(seq) => seq,
                    None => return Ok(None),
                }
            }
        };
        let mut stmt =
            conn.prepare(&format!("SELECT {COLUMNS} FROM pool_users WHERE pool_id = ?1 AND seq > ?2 ORDER BY seq"))?;
        let rows = stmt.query_map(params![pool, from], row)?;
        rows.collect::<Result<Vec<_>, _>>().map(Some)
    }
}
