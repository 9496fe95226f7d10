//! FDX consents (`fdx_consents`): made with a request, given a subject at sign-in, decided
//! with the login in one transaction, revoked or expired with every token issued under them.

use crate::sandbox::store::db::{DbError, Store};
use rusqlite::{params, OptionalExtension};

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

    /// `row` as it stands at `now`: an authorised consent past its expiry is expired first, with
    /// every token issued under it. Each regime reads its consents through this, one or a list.
    pub fn settled(&self, row: FdxConsentRow, now: i64) -> Result<FdxConsentRow, DbError> {
        if row.status == "Authorised" && row.expires_at.is_some_and(|e| e <= now) {
            self.expire_fdx_consent(&row.id, now)?;
            return Ok(self.fdx_consent(&row.id)?.unwrap_or(row));
        }
        Ok(row)
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
}
