//! Joint account holders' choices on sharing (`joint_sharing`): the latest of each holder, by
//! ledger, read back when the sandbox starts so that a choice outlives a restart.

use crate::sandbox::store::db::{DbError, Store};
use rusqlite::params;

impl Store {
    /// Keeps `holder`'s choice on the sharing of joint account `account` of `ledger`.
    pub fn set_joint_sharing(
        &self,
        ledger: &str,
        account: &str,
        holder: &str,
        allowed: bool,
        at: i64,
    ) -> Result<(), DbError> {
        self.conn().execute(
            "INSERT INTO joint_sharing (ledger, account, holder, allowed, at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (ledger, account, holder) DO UPDATE SET allowed = excluded.allowed, at = excluded.at",
            params![ledger, account, holder, allowed, at],
        )?;
        Ok(())
    }

    /// Every holder's choice kept for `ledger`: `(account, holder, allowed)`.
    pub fn joint_sharing_of(&self, ledger: &str) -> Result<Vec<(String, String, bool)>, DbError> {
        let conn = self.conn();
        let mut rows =
            conn.prepare("SELECT account, holder, allowed FROM joint_sharing WHERE ledger = ?1 ORDER BY at")?;
        let found = rows.query_map(params![ledger], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        found.collect()
    }
}
