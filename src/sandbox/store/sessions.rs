//! Short-lived records of a sign-in: pending logins (with their browser and decision),
//! pushed requests, codes, and the demo applications' sessions.

use crate::sandbox::store::db::{DbError, Store};
use rusqlite::{params, OptionalExtension};

/// A redeemed code: `(data, expires_at, family)`, or the family of an already used code.
pub type Redeemed = Result<(String, i64, String), String>;

/// A pending authorization request (`logins` row).
#[derive(Clone, Debug)]
pub struct LoginRow {
    pub id: String,
    pub workspace: String,
    pub client_id: String,
    pub login_state: String,
    pub request: String,
    pub subject: Option<String>,
    pub auth_time: Option<i64>,
    pub status: String,
    pub decision: Option<String>,
    pub expires_at: i64,
}

/// How long a demo application's sign-in not finished is kept (seconds).
const DEMO_SIGN_IN_KEPT: i64 = 3600;
/// How long the FDX demo recipient's session is kept (seconds).
const FDX_DEMO_KEPT: i64 = 24 * 3600;

impl Store {
    pub fn insert_login(&self, row: &LoginRow, now: i64) -> Result<(), DbError> {
        self.conn().execute(
            "INSERT INTO logins (id, workspace, client_id, login_state, request, status, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                row.id,
                row.workspace,
                row.client_id,
                row.login_state,
                row.request,
                row.status,
                now,
                row.expires_at
            ],
        )?;
        Ok(())
    }

    /// Binds a sign-in to the browser that started it.
    pub fn bind_login_browser(&self, login_id: &str, browser_hash: &str) -> Result<(), DbError> {
        self.conn().execute(
            "INSERT OR REPLACE INTO login_browsers (login_id, browser_hash) VALUES (?1, ?2)",
            params![login_id, browser_hash],
        )?;
        Ok(())
    }

    /// The hash of the browser a sign-in was started in.
    pub fn login_browser(&self, login_id: &str) -> Result<Option<String>, DbError> {
        self.conn()
            .query_row("SELECT browser_hash FROM login_browsers WHERE login_id = ?1", [login_id], |r| r.get(0))
            .optional()
    }

    pub fn login(&self, id: &str) -> Result<Option<LoginRow>, DbError> {
        self.conn()
            .query_row(
                "SELECT id, workspace, client_id, login_state, request, subject, auth_time, status, decision, expires_at
                 FROM logins WHERE id = ?1",
                [id],
                |r| {
                    Ok(LoginRow {
                        id: r.get(0)?,
                        workspace: r.get(1)?,
                        client_id: r.get(2)?,
                        login_state: r.get(3)?,
                        request: r.get(4)?,
                        subject: r.get(5)?,
                        auth_time: r.get(6)?,
                        status: r.get(7)?,
                        decision: r.get(8)?,
                        expires_at: r.get(9)?,
                    })
                },
            )
            .optional()
    }

    pub fn authenticate_login(&self, id: &str, subject: &str, auth_time: i64) -> Result<bool, DbError> {
        let n = self.conn().execute(
            "UPDATE logins SET subject = ?2, auth_time = ?3, status = 'authenticated' WHERE id = ?1 AND status = 'new'",
            params![id, subject, auth_time],
        )?;
        Ok(n == 1)
    }

    /// Records the consent decision once; returns false when the login was not awaiting one.
    pub fn decide_login(&self, id: &str, status: &str, decision: &str) -> Result<bool, DbError> {
        let n = self.conn().execute(
            "UPDATE logins SET status = ?2, decision = ?3 WHERE id = ?1 AND status = 'authenticated'",
            params![id, status, decision],
        )?;
        Ok(n == 1)
    }

    /// Marks a decided login as consumed by the authorize endpoint; false if it already was.
    pub fn finish_login(&self, id: &str, from_status: &str) -> Result<bool, DbError> {
        let n = self
            .conn()
            .execute("UPDATE logins SET status = 'done' WHERE id = ?1 AND status = ?2", params![id, from_status])?;
        Ok(n == 1)
    }

    /// Keeps a pushed request until `expires_at`, and forgets those that expired unused (a
    /// sign-in started and never finished).
    pub fn insert_par(
        &self,
        id: &str,
        workspace: &str,
        client_id: &str,
        request: &str,
        expires_at: i64,
    ) -> Result<(), DbError> {
        let conn = self.conn();
        conn.execute("DELETE FROM par WHERE expires_at < ?1", [crate::sandbox::util::now()])?;
        conn.execute(
            "INSERT INTO par (id, workspace, client_id, request, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, workspace, client_id, request, expires_at],
        )?;
        Ok(())
    }

    /// Takes a pushed request out (single use): `(workspace, client_id, request, expires_at)`.
    pub fn take_par(&self, id: &str) -> Result<Option<(String, String, String, i64)>, DbError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let row = tx
            .query_row("SELECT workspace, client_id, request, expires_at FROM par WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        tx.execute("DELETE FROM par WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(row)
    }

    pub fn insert_code(&self, code_hash: &str, data: &str, expires_at: i64, family: &str) -> Result<(), DbError> {
        self.conn().execute(
            "INSERT INTO codes (code_hash, data, expires_at, family) VALUES (?1, ?2, ?3, ?4)",
            params![code_hash, data, expires_at, family],
        )?;
        Ok(())
    }

    /// Redeems a code. `Ok(Err(family))` when it was already used: the caller revokes that family.
    pub fn redeem_code(&self, code_hash: &str) -> Result<Option<Redeemed>, DbError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let row: Option<(String, i64, bool, String)> = tx
            .query_row("SELECT data, expires_at, used, family FROM codes WHERE code_hash = ?1", [code_hash], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        let out = match row {
            None => None,
            Some((_, _, true, family)) => Some(Err(family)),
            Some((data, exp, false, family)) => {
                tx.execute("UPDATE codes SET used = 1 WHERE code_hash = ?1", [code_hash])?;
                Some(Ok((data, exp, family)))
            }
        };
        tx.commit()?;
        Ok(out)
    }

    pub fn insert_demo_session(&self, state: &str, verifier: &str, nonce: &str, now: i64) -> Result<(), DbError> {
        let conn = self.conn();
        // A sign-in never finished is of no use after an hour: gone, so that they do not pile up.
        conn.execute("DELETE FROM demo_sessions WHERE created_at < ?1", [now - DEMO_SIGN_IN_KEPT])?;
        conn.execute(
            "INSERT INTO demo_sessions (state, verifier, nonce, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![state, verifier, nonce, now],
        )?;
        Ok(())
    }

    /// Takes a demo session out (single use): `(verifier, nonce, created_at)`.
    pub fn take_demo_session(&self, state: &str) -> Result<Option<(String, String, i64)>, DbError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let row = tx
            .query_row("SELECT verifier, nonce, created_at FROM demo_sessions WHERE state = ?1", [state], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        tx.execute("DELETE FROM demo_sessions WHERE state = ?1", [state])?;
        tx.commit()?;
        Ok(row)
    }

    pub fn insert_fdx_demo(&self, id: &str, state: &str, verifier: &str, now: i64) -> Result<(), DbError> {
        let conn = self.conn();
        // A recipient's session is a day's demonstration at most.
        conn.execute("DELETE FROM fdx_demo_sessions WHERE created_at < ?1", [now - FDX_DEMO_KEPT])?;
        conn.execute(
            "INSERT INTO fdx_demo_sessions (id, state, verifier, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![id, state, verifier, now],
        )?;
        Ok(())
    }

    /// `(state, verifier, tokens)` of a demo-recipient session.
    pub fn fdx_demo(&self, id: &str) -> Result<Option<(String, String, Option<String>)>, DbError> {
        self.conn()
            .query_row("SELECT state, verifier, tokens FROM fdx_demo_sessions WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()
    }

    /// Uses up a session's state once (the callback) and returns its PKCE verifier.
    pub fn take_fdx_demo_state(&self, id: &str, state: &str) -> Result<Option<String>, DbError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let verifier: Option<String> = tx
            .query_row(
                "SELECT verifier FROM fdx_demo_sessions WHERE id = ?1 AND state = ?2 AND state != ''",
                params![id, state],
                |r| r.get(0),
            )
            .optional()?;
        tx.execute("UPDATE fdx_demo_sessions SET state = '' WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(verifier)
    }

    pub fn set_fdx_demo_tokens(&self, id: &str, tokens: &str) -> Result<(), DbError> {
        self.conn().execute("UPDATE fdx_demo_sessions SET tokens = ?2 WHERE id = ?1", params![id, tokens])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::sandbox::store::db::Store;
    use crate::sandbox::util::now;

    #[test]
    fn demo_sign_ins_never_finished_do_not_pile_up() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("sandbox.sqlite3")).unwrap();
        store.insert_demo_session("old", "v", "n", now() - 2 * 3600).unwrap();
        store.insert_demo_session("recent", "v", "n", now() - 60).unwrap();
        store.insert_fdx_demo("stale", "s", "v", now() - 2 * 24 * 3600).unwrap();
        store.insert_fdx_demo("today", "s", "v", now()).unwrap();
        assert_eq!(store.take_demo_session("old").unwrap(), None, "gone after an hour");
        assert!(store.take_demo_session("recent").unwrap().is_some());
        assert_eq!(store.fdx_demo("stale").unwrap(), None, "gone after a day");
        assert!(store.fdx_demo("today").unwrap().is_some());
    }

    #[test]
    fn pushed_requests_are_taken_once_and_forgotten_when_they_expire_unused() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("sandbox.sqlite3")).unwrap();
        store.insert_par("old", "default", "portal", "{}", now() - 1).unwrap();
        store.insert_par("live", "default", "portal", "{}", now() + 60).unwrap();
        store.insert_par("next", "default", "portal", "{}", now() + 60).unwrap();
        assert_eq!(store.take_par("old").unwrap(), None, "expired unused: forgotten");
        assert_eq!(
            store.take_par("live").unwrap().map(|(w, c, _, _)| (w, c)),
            Some(("default".into(), "portal".into()))
        );
        assert_eq!(store.take_par("live").unwrap(), None, "once");
        assert!(store.take_par("next").unwrap().is_some());
    }
}
