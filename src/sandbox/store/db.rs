//! The sandbox's SQLite store: everything it issues (clients, logins, codes, tokens, grants)
//! persists across restarts. WAL mode; each change is one statement or one transaction. This
//! file holds the schema, the connection, and the seeded things (meta, clients, users); the
//! other files of `store` add the statements of each kind of record.

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
CREATE INDEX IF NOT EXISTS par_by_expiry ON par (expires_at);
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
-- What the CDR bank disclosed under each arrangement: one row per data request.
CREATE TABLE IF NOT EXISTS cdr_disclosures (
  arrangement_id TEXT NOT NULL, workspace TEXT NOT NULL, customer TEXT NOT NULL, data TEXT NOT NULL,
  at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS cdr_disclosures_by_customer ON cdr_disclosures (workspace, customer);
-- UK domestic payments made under a payment consent: one per consent (its UNIQUE id).
CREATE TABLE IF NOT EXISTS obuk_payments (
  id TEXT PRIMARY KEY, consent_id TEXT NOT NULL UNIQUE, workspace TEXT NOT NULL, debtor TEXT NOT NULL,
  amount TEXT NOT NULL, currency TEXT NOT NULL, data TEXT NOT NULL, created_at INTEGER NOT NULL);
-- Identity pools' users (the System Identity API); `seq` orders a pool's listing.
CREATE TABLE IF NOT EXISTS pool_users (
  id TEXT PRIMARY KEY, pool_id TEXT NOT NULL, status TEXT NOT NULL, payload TEXT NOT NULL,
  metadata TEXT NOT NULL, identifiers TEXT NOT NULL DEFAULT '[]', created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL, seq INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS pool_users_by_pool ON pool_users (pool_id, seq);
CREATE TABLE IF NOT EXISTS pool_identifiers (
  pool_id TEXT NOT NULL, identifier TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (pool_id, identifier));
CREATE TABLE IF NOT EXISTS fdx_demo_sessions (
  id TEXT PRIMARY KEY, state TEXT NOT NULL, verifier TEXT NOT NULL, tokens TEXT, created_at INTEGER NOT NULL);
-- Client assertions' `jti`s already used (`private_key_jwt`), until their `exp`.
CREATE TABLE IF NOT EXISTS used_jtis (
  client_id TEXT NOT NULL, jti TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (client_id, jti));
-- The aggregator demo application: its users, sessions, connections under way, kept tokens.
CREATE TABLE IF NOT EXISTS aggregator_users (username TEXT PRIMARY KEY, password_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS aggregator_sessions (
  id_hash TEXT PRIMARY KEY, username TEXT, csrf TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS aggregator_pending (
  state TEXT PRIMARY KEY, session_hash TEXT NOT NULL, bank TEXT NOT NULL, verifier TEXT NOT NULL,
  expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS aggregator_links (
  username TEXT NOT NULL, bank TEXT NOT NULL, tokens TEXT NOT NULL, updated_at INTEGER NOT NULL,
  lease_until INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (username, bank));
-- The aggregator's payments: each by the state of its authorization, with the bank's outcome.
CREATE TABLE IF NOT EXISTS aggregator_payments (
  state TEXT PRIMARY KEY, username TEXT NOT NULL, bank TEXT NOT NULL, consent_id TEXT NOT NULL,
  initiation TEXT NOT NULL, outcome TEXT NOT NULL, payment_id TEXT, status TEXT, message TEXT,
  access_token TEXT, updated_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS aggregator_payments_by_user ON aggregator_payments (username, bank, updated_at);
-- Each joint account holder's latest choice on its sharing, by ledger (the seed's otherwise).
CREATE TABLE IF NOT EXISTS joint_sharing (
  ledger TEXT NOT NULL, account TEXT NOT NULL, holder TEXT NOT NULL, allowed INTEGER NOT NULL,
  at INTEGER NOT NULL, PRIMARY KEY (ledger, account, holder));
"#;

/// One connection behind a lock: the sandbox's statements take microseconds.
pub struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    pub fn open(path: &Path) -> Result<Self, DbError> {
        Ok(Self { conn: crate::sqlite::open(path, SCHEMA)? })
    }

    pub(super) fn conn(&self) -> MutexGuard<'_, Connection> {
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

    /// The ids of a workspace's clients, seeded or registered, oldest first.
    pub fn client_ids(&self, workspace: &str) -> Result<Vec<String>, DbError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT id FROM clients WHERE workspace = ?1 ORDER BY created_at, id")?;
        let ids = stmt.query_map([workspace], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
        Ok(ids)
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
}
