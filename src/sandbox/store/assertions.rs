//! The `jti`s of client assertions already used (RFC 7523 §3 item 7), each remembered until
//! its assertion expires.

use crate::sandbox::store::db::{DbError, Store};
use rusqlite::params;

impl Store {
    /// Spends `jti` of `client_id`'s assertion expiring at `exp`: `false` if it was used
    /// before. Forgets spent `jti`s whose assertions have expired.
    pub fn spend_jti(&self, client_id: &str, jti: &str, exp: i64, now: i64) -> Result<bool, DbError> {
        let conn = self.conn();
        conn.execute("DELETE FROM used_jtis WHERE expires_at < ?1", [now - 60])?;
        let fresh = conn.execute(
            "INSERT OR IGNORE INTO used_jtis (client_id, jti, expires_at) VALUES (?1, ?2, ?3)",
            params![client_id, jti, exp],
        )?;
        Ok(fresh == 1)
    }
}
