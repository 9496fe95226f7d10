//! What the mock banks disclosed under each consent (`cdr_disclosures`, named after the CDR
//! bank that kept it first; the UK bank's consents are there too): a row per data request and
//! customer, read back for the customer's dashboard as a count and the last time, per consent
//! and kind of data.

use crate::sandbox::store::db::{DbError, Store};
use rusqlite::params;

/// The requests of one kind of data under one arrangement.
#[derive(Clone, Debug, PartialEq)]
pub struct DisclosureRow {
    pub arrangement_id: String,
    /// `accounts`, `balances` or `transactions`.
    pub data: String,
    pub count: u64,
    /// Unix time of the last one.
    pub last: i64,
}

impl Store {
    /// Notes that `data` of `customer` went out under `arrangement_id` at `at`.
    pub fn record_disclosure(
        &self,
        workspace: &str,
        customer: &str,
        arrangement_id: &str,
        data: &str,
        at: i64,
    ) -> Result<(), DbError> {
        self.conn().execute(
            "INSERT INTO cdr_disclosures (arrangement_id, workspace, customer, data, at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![arrangement_id, workspace, customer, data, at],
        )?;
        Ok(())
    }

    /// What went out under `customer`'s arrangements at `workspace`'s bank.
    pub fn disclosures_of(&self, workspace: &str, customer: &str) -> Result<Vec<DisclosureRow>, DbError> {
        let conn = self.conn();
        let mut rows = conn.prepare(
            "SELECT arrangement_id, data, count(*), max(at) FROM cdr_disclosures WHERE workspace = ?1 AND customer = ?2
             GROUP BY arrangement_id, data ORDER BY arrangement_id, data",
        )?;
        let found = rows.query_map(params![workspace, customer], |r| {
            Ok(DisclosureRow { arrangement_id: r.get(0)?, data: r.get(1)?, count: r.get(2)?, last: r.get(3)? })
        })?;
        found.collect()
    }
}
