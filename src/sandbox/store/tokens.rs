//! Issued tokens and what they carry (certificate binding, grant, consent record), their
//! revocation (one, a family, a grant, a consent's, a workspace's), and the grants users gave
//! clients.

use crate::sandbox::store::db::{DbError, Store};
use rusqlite::{params, OptionalExtension};

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

/// `(client_id, scopes, claims, granted_at)`.
pub type GrantRow = (String, Vec<String>, Vec<String>, i64);

/// A token's certificate binding and grant: `(x5t#S256, grant_id)`.
pub type Binding = (Option<String>, Option<String>);

impl Store {
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
}
