//! The sandbox's SQLite store: everything it issues (clients, logins, codes, tokens, grants)
//! persists across restarts. WAL mode; each change is one statement or one transaction.

use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

pub use rusqlite::Error as DbError;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS clients (
  id TEXT PRIMARY KEY, workspace TEXT NOT NULL, secret_hash TEXT, data TEXT NOT NULL,
  created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS users (username TEXT PRIMARY KEY, password_hash TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS logins (
  id TEXT PRIMARY KEY, workspace TEXT NOT NULL, client_id TEXT NOT NULL, login_state TEXT NOT NULL,
  request TEXT NOT NULL, subject TEXT, auth_time INTEGER, status TEXT NOT NULL, decision TEXT,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS par (
  id TEXT PRIMARY KEY, workspace TEXT NOT NULL, client_id TEXT NOT NULL, request TEXT NOT NULL,
  expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS codes (
  code_hash TEXT PRIMARY KEY, data TEXT NOT NULL, expires_at INTEGER NOT NULL,
  used INTEGER NOT NULL DEFAULT 0, family TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
  token_hash TEXT PRIMARY KEY, kind TEXT NOT NULL, workspace TEXT NOT NULL, client_id TEXT NOT NULL,
  subject TEXT, scope TEXT NOT NULL, family TEXT NOT NULL, issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS tokens_by_family ON tokens (family);
CREATE INDEX IF NOT EXISTS tokens_by_grant ON tokens (workspace, subject, client_id);
-- The browser each sign-in was started in (the hash of its `sandbox_browser` cookie).
CREATE TABLE IF NOT EXISTS login_browsers (login_id TEXT PRIMARY KEY, browser_hash TEXT NOT NULL);
-- Authorizations ended as a whole (a replayed code or refresh token, a revoked refresh token):
-- a token issued into one later is born revoked, so no race outlives the revocation.
CREATE TABLE IF NOT EXISTS revoked_families (family TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS grants (
  workspace TEXT NOT NULL, subject TEXT NOT NULL, client_id TEXT NOT NULL, scopes TEXT NOT NULL,
  claims TEXT NOT NULL, granted_at INTEGER NOT NULL, PRIMARY KEY (workspace, subject, client_id));
CREATE TABLE IF NOT EXISTS demo_sessions (
  state TEXT PRIMARY KEY, verifier TEXT NOT NULL, nonce TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS token_binding (token_hash TEXT PRIMARY KEY, x5t TEXT, grant_id TEXT);
-- The consent page's record a token was issued under (`AcceptScopeGrant.consent_id`).
CREATE TABLE IF NOT EXISTS token_consents (token_hash TEXT PRIMARY KEY, consent_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS token_consents_by_consent ON token_consents (consent_id);
CREATE INDEX IF NOT EXISTS token_binding_by_grant ON token_binding (grant_id);
CREATE TABLE IF NOT EXISTS fdx_consents (
  id TEXT PRIMARY KEY, workspace TEXT NOT NULL, client_id TEXT NOT NULL, subject TEXT, status TEXT NOT NULL,
  request TEXT NOT NULL, granted TEXT NOT NULL DEFAULT '[]', revocation TEXT, created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL, expires_at INTEGER);
CREATE INDEX IF NOT EXISTS fdx_consents_by_workspace ON fdx_consents (workspace, created_at);
CREATE TABLE IF NOT EXISTS fdx_demo_sessions (
  id TEXT PRIMARY KEY, state TEXT NOT NULL, verifier TEXT NOT NULL, tokens TEXT, created_at INTEGER NOT NULL);
"#;

/// A redeemed code: `(data, expires_at, family)`, or the family of an already used code.
pub type Redeemed = Result<(String, i64, String), String>;
/// `(client_id, scopes, claims, granted_at)`.
pub type GrantRow = (String, Vec<String>, Vec<String>, i64);

/// One connection behind a lock: the sandbox's statements take microseconds.
pub struct Store {
    conn: Mutex<Connection>,
}

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

/// An issued access or refresh token (`tokens` row).
#[derive(Clone, Debug)]
pub struct TokenRow {
    pub kind: String,
    pub workspace: String,
    pub client_id: String,
    pub subject: Option<String>,
    pub scope: String,
    pub family: String,
    pub issued_at: i64,
    pub expires_at: i64,
    pub revoked: bool,
}

impl Store {
    pub fn open(path: &Path) -> Result<Self, DbError> {
        Ok(Self { conn: crate::sqlite::open(path, SCHEMA)? })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        crate::sqlite::lock(&self.conn)
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>, DbError> {
        self.conn().query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), DbError> {
        self.conn().execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
            params![key, value],
        )?;
        Ok(())
    }

    pub fn upsert_client(
        &self,
        id: &str,
        workspace: &str,
        secret_hash: Option<&str>,
        data: &str,
        now: i64,
    ) -> Result<(), DbError> {
        self.conn().execute(
            "INSERT INTO clients (id, workspace, secret_hash, data, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(id) DO UPDATE SET workspace = ?2, secret_hash = ?3, data = ?4",
            params![id, workspace, secret_hash, data, now],
        )?;
        Ok(())
    }

    /// `(workspace, secret_hash, data)` of a client.
    pub fn client(&self, id: &str) -> Result<Option<(String, Option<String>, String)>, DbError> {
        self.conn()
            .query_row("SELECT workspace, secret_hash, data FROM clients WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()
    }

    pub fn upsert_user(&self, username: &str, password_hash: &str, data: &str) -> Result<(), DbError> {
        self.conn().execute(
            "INSERT INTO users (username, password_hash, data) VALUES (?1, ?2, ?3)
             ON CONFLICT(username) DO UPDATE SET password_hash = ?2, data = ?3",
            params![username, password_hash, data],
        )?;
        Ok(())
    }

    /// `(password_hash, data)` of a user.
    pub fn user(&self, username: &str) -> Result<Option<(String, String)>, DbError> {
        self.conn()
            .query_row("SELECT password_hash, data FROM users WHERE username = ?1", [username], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
    }

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

    pub fn insert_par(
        &self,
        id: &str,
        workspace: &str,
        client_id: &str,
        request: &str,
        expires_at: i64,
    ) -> Result<(), DbError> {
        self.conn().execute(
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

    pub fn token(&self, token_hash: &str) -> Result<Option<TokenRow>, DbError> {
        self.conn()
            .query_row(
                "SELECT kind, workspace, client_id, subject, scope, family, issued_at, expires_at, revoked
                 FROM tokens WHERE token_hash = ?1",
                [token_hash],
                |r| {
                    Ok(TokenRow {
                        kind: r.get(0)?,
                        workspace: r.get(1)?,
                        client_id: r.get(2)?,
                        subject: r.get(3)?,
                        scope: r.get(4)?,
                        family: r.get(5)?,
                        issued_at: r.get(6)?,
                        expires_at: r.get(7)?,
                        revoked: r.get(8)?,
                    })
                },
            )
            .optional()
    }

    /// Revokes one token; true if it was active until now.
    pub fn revoke_token(&self, token_hash: &str) -> Result<bool, DbError> {
        let n =
            self.conn().execute("UPDATE tokens SET revoked = 1 WHERE token_hash = ?1 AND revoked = 0", [token_hash])?;
        Ok(n == 1)
    }

    /// Revokes every token issued from one authorization (a code and its refreshes).
    pub fn revoke_family(&self, family: &str) -> Result<usize, DbError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("INSERT OR IGNORE INTO revoked_families (family) VALUES (?1)", [family])?;
        let n = tx.execute("UPDATE tokens SET revoked = 1 WHERE family = ?1 AND revoked = 0", [family])?;
        tx.commit()?;
        Ok(n)
    }

    /// Revokes every token a client holds for a subject, and forgets the grant.
    pub fn revoke_grant(&self, workspace: &str, subject: &str, client_id: &str) -> Result<usize, DbError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let n = tx.execute(
            "UPDATE tokens SET revoked = 1 WHERE workspace = ?1 AND subject = ?2 AND client_id = ?3 AND revoked = 0",
            params![workspace, subject, client_id],
        )?;
        tx.execute(
            "DELETE FROM grants WHERE workspace = ?1 AND subject = ?2 AND client_id = ?3",
            params![workspace, subject, client_id],
        )?;
        tx.commit()?;
        Ok(n)
    }

    /// Adds scopes and claims to what a subject granted a client.
    pub fn merge_grant(
        &self,
        workspace: &str,
        subject: &str,
        client_id: &str,
        scopes: &[String],
        claims: &[String],
        now: i64,
    ) -> Result<(), DbError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let existing: Option<(String, String)> = tx
            .query_row(
                "SELECT scopes, claims FROM grants WHERE workspace = ?1 AND subject = ?2 AND client_id = ?3",
                params![workspace, subject, client_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let merge = |old: Option<&str>, new: &[String]| {
            let mut all: Vec<String> = old.and_then(|o| serde_json::from_str(o).ok()).unwrap_or_default();
            for s in new {
                if !all.contains(s) {
                    all.push(s.clone());
                }
            }
            serde_json::to_string(&all).unwrap_or_else(|_| "[]".into())
        };
        let scopes = merge(existing.as_ref().map(|e| e.0.as_str()), scopes);
        let claims = merge(existing.as_ref().map(|e| e.1.as_str()), claims);
        tx.execute(
            "INSERT INTO grants (workspace, subject, client_id, scopes, claims, granted_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(workspace, subject, client_id) DO UPDATE SET scopes = ?4, claims = ?5, granted_at = ?6",
            params![workspace, subject, client_id, scopes, claims, now],
        )?;
        tx.commit()
    }

    /// `(client_id, scopes, claims, granted_at)` of every grant a subject gave in a workspace.
    pub fn grants(&self, workspace: &str, subject: &str) -> Result<Vec<GrantRow>, DbError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT client_id, scopes, claims, granted_at FROM grants WHERE workspace = ?1 AND subject = ?2
             ORDER BY granted_at DESC",
        )?;
        let rows = stmt.query_map(params![workspace, subject], |r| {
            let scopes: String = r.get(1)?;
            let claims: String = r.get(2)?;
            Ok((
                r.get(0)?,
                serde_json::from_str(&scopes).unwrap_or_default(),
                serde_json::from_str(&claims).unwrap_or_default(),
                r.get(3)?,
            ))
        })?;
        rows.collect()
    }

    pub fn insert_demo_session(&self, state: &str, verifier: &str, nonce: &str, now: i64) -> Result<(), DbError> {
        self.conn().execute(
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
}

impl Store {
    /// Revokes every token of a workspace.
    pub fn revoke_all_in_workspace(&self, workspace: &str) -> Result<usize, DbError> {
        self.conn().execute("UPDATE tokens SET revoked = 1 WHERE workspace = ?1 AND revoked = 0", [workspace])
    }

    /// Makes every live token of a workspace expire now (fault injection: a token that expired
    /// before its holder expected).
    pub fn expire_all_in_workspace(&self, workspace: &str, now: i64) -> Result<usize, DbError> {
        self.conn().execute(
            "UPDATE tokens SET expires_at = ?2 WHERE workspace = ?1 AND expires_at > ?2",
            rusqlite::params![workspace, now],
        )
    }
}

/// An FDX consent (`fdx_consents` row). `request` is the `FDXConsentRequest` JSON, `granted` the
/// granted resources JSON, `revocation` the `FDXConsentRevocation` JSON.
#[derive(Clone, Debug)]
pub struct FdxConsentRow {
    pub id: String,
    pub workspace: String,
    pub client_id: String,
    pub subject: Option<String>,
    pub status: String,
    pub request: String,
    pub granted: String,
    pub revocation: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub expires_at: Option<i64>,
}

/// A token's certificate binding and grant: `(x5t#S256, grant_id)`.
pub type Binding = (Option<String>, Option<String>);

const FDX_COLUMNS: &str =
    "id, workspace, client_id, subject, status, request, granted, revocation, created_at, updated_at, expires_at";

fn fdx_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FdxConsentRow> {
    Ok(FdxConsentRow {
        id: r.get(0)?,
        workspace: r.get(1)?,
        client_id: r.get(2)?,
        subject: r.get(3)?,
        status: r.get(4)?,
        request: r.get(5)?,
        granted: r.get(6)?,
        revocation: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
        expires_at: r.get(10)?,
    })
}

/// Revokes, inside `tx`, every token issued under an FDX consent.
fn revoke_grant_tokens(tx: &rusqlite::Transaction<'_>, grant_id: &str) -> Result<usize, DbError> {
    tx.execute(
        "UPDATE tokens SET revoked = 1 WHERE revoked = 0
         AND token_hash IN (SELECT token_hash FROM token_binding WHERE grant_id = ?1)",
        [grant_id],
    )
}

/// What [`Store::decide_fdx`] records: the login's new status and decision, and the consent's.
pub struct FdxDecision<'a> {
    pub login_id: &'a str,
    pub login_status: &'a str,
    pub decision: &'a str,
    pub consent_id: &'a str,
    pub consent_status: &'a str,
    pub granted: &'a str,
    pub expires_at: Option<i64>,
}

impl Store {
    /// Inserts a token with its certificate binding and FDX grant, in one transaction.
    #[allow(clippy::too_many_arguments)]
    pub fn insert_bound_token(
        &self,
        token_hash: &str,
        kind: &str,
        workspace: &str,
        client_id: &str,
        subject: Option<&str>,
        scope: &str,
        family: &str,
        issued_at: i64,
        expires_at: i64,
        binding: &Binding,
    ) -> Result<(), DbError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO tokens (token_hash, kind, workspace, client_id, subject, scope, family, issued_at, expires_at, revoked)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, EXISTS (SELECT 1 FROM revoked_families WHERE family = ?7))",
            params![token_hash, kind, workspace, client_id, subject, scope, family, issued_at, expires_at],
        )?;
        if binding.0.is_some() || binding.1.is_some() {
            tx.execute(
                "INSERT INTO token_binding (token_hash, x5t, grant_id) VALUES (?1, ?2, ?3)",
                params![token_hash, binding.0, binding.1],
            )?;
        }
        tx.commit()
    }

    /// Ties a token to the consent record it was issued under.
    pub fn bind_consent(&self, token_hash: &str, consent_id: &str) -> Result<(), DbError> {
        self.conn().execute(
            "INSERT OR REPLACE INTO token_consents (token_hash, consent_id) VALUES (?1, ?2)",
            params![token_hash, consent_id],
        )?;
        Ok(())
    }

    /// The consent record a token was issued under.
    pub fn consent_of(&self, token_hash: &str) -> Result<Option<String>, DbError> {
        self.conn()
            .query_row("SELECT consent_id FROM token_consents WHERE token_hash = ?1", [token_hash], |r| r.get(0))
            .optional()
    }

    /// Revokes the access and refresh tokens of `workspace` issued under `consent_id`.
    pub fn revoke_consent_tokens(&self, workspace: &str, consent_id: &str) -> Result<usize, DbError> {
        self.conn().execute(
            "UPDATE tokens SET revoked = 1 WHERE revoked = 0 AND workspace = ?1
             AND token_hash IN (SELECT token_hash FROM token_consents WHERE consent_id = ?2)",
            params![workspace, consent_id],
        )
    }

    pub fn token_binding(&self, token_hash: &str) -> Result<Binding, DbError> {
        Ok(self
            .conn()
            .query_row("SELECT x5t, grant_id FROM token_binding WHERE token_hash = ?1", [token_hash], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .unwrap_or((None, None)))
    }

    pub fn insert_fdx_consent(&self, row: &FdxConsentRow) -> Result<(), DbError> {
        self.conn().execute(
            &format!("INSERT INTO fdx_consents ({FDX_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"),
            params![
                row.id,
                row.workspace,
                row.client_id,
                row.subject,
                row.status,
                row.request,
                row.granted,
                row.revocation,
                row.created_at,
                row.updated_at,
                row.expires_at
            ],
        )?;
        Ok(())
    }

    pub fn fdx_consent(&self, id: &str) -> Result<Option<FdxConsentRow>, DbError> {
        self.conn()
            .query_row(&format!("SELECT {FDX_COLUMNS} FROM fdx_consents WHERE id = ?1"), [id], fdx_row)
            .optional()
    }

    /// Every FDX consent of a workspace, newest first.
    pub fn fdx_consents(&self, workspace: &str) -> Result<Vec<FdxConsentRow>, DbError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {FDX_COLUMNS} FROM fdx_consents WHERE workspace = ?1 ORDER BY created_at DESC, rowid DESC"
        ))?;
        let rows = stmt.query_map([workspace], fdx_row)?;
        rows.collect()
    }

    /// Records who signs in for a consent (once).
    pub fn set_fdx_subject(&self, id: &str, subject: &str, now: i64) -> Result<bool, DbError> {
        let n = self.conn().execute(
            "UPDATE fdx_consents SET subject = ?2, updated_at = ?3 WHERE id = ?1 AND subject IS NULL",
            params![id, subject, now],
        )?;
        Ok(n == 1)
    }

    /// Records a consent-page decision on the login and the consent together; false (nothing
    /// changed) unless the login awaited a decision and the consent awaited authorisation.
    pub fn decide_fdx(&self, d: &FdxDecision<'_>, now: i64) -> Result<bool, DbError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let n = tx.execute(
            "UPDATE logins SET status = ?2, decision = ?3 WHERE id = ?1 AND status = 'authenticated'",
            params![d.login_id, d.login_status, d.decision],
        )?;
        let m = tx.execute(
            "UPDATE fdx_consents SET status = ?2, granted = ?3, expires_at = ?4, updated_at = ?5
             WHERE id = ?1 AND status = 'AwaitingAuthorisation'",
            params![d.consent_id, d.consent_status, d.granted, d.expires_at, now],
        )?;
        if n == 1 && m == 1 {
            tx.commit()?;
            Ok(true)
        } else {
            tx.rollback()?;
            Ok(false)
        }
    }

    /// Revokes a consent that is authorised or still awaiting authorisation, and every token
    /// issued under it. False if it was in another state.
    pub fn revoke_fdx_consent(&self, id: &str, revocation: &str, now: i64) -> Result<bool, DbError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let n = tx.execute(
            "UPDATE fdx_consents SET status = 'Revoked', revocation = ?2, updated_at = ?3
             WHERE id = ?1 AND status IN ('Authorised', 'AwaitingAuthorisation')",
            params![id, revocation, now],
        )?;
        if n == 1 {
            revoke_grant_tokens(&tx, id)?;
        }
        tx.commit()?;
        Ok(n == 1)
    }

    /// Marks an authorised consent whose time is up as expired, and revokes its tokens.
    pub fn expire_fdx_consent(&self, id: &str, now: i64) -> Result<bool, DbError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let n = tx.execute(
            "UPDATE fdx_consents SET status = 'Expired', updated_at = ?2
             WHERE id = ?1 AND status = 'Authorised' AND expires_at IS NOT NULL AND expires_at <= ?2",
            params![id, now],
        )?;
        if n == 1 {
            revoke_grant_tokens(&tx, id)?;
        }
        tx.commit()?;
        Ok(n == 1)
    }

    pub fn insert_fdx_demo(&self, id: &str, state: &str, verifier: &str, now: i64) -> Result<(), DbError> {
        self.conn().execute(
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
