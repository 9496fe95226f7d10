//! UK domestic payments (`obuk_payments`): made once per authorised payment consent, which
//! the same transaction marks `Consumed`.

use crate::sandbox::store::db::{DbError, Store};
use rusqlite::{params, OptionalExtension};

/// A payment the bank made (`obuk_payments` row); `data` is the payment's `Initiation` JSON.
#[derive(Clone, Debug, PartialEq)]
pub struct PaymentRow {
    pub id: String,
    pub consent_id: String,
    pub workspace: String,
    /// The account debited (the ledger's id).
    pub debtor: String,
    pub amount: String,
    pub currency: String,
    pub data: String,
    pub created_at: i64,
}

impl Store {
    /// Makes payment `p` under its consent: the consent goes from `Authorised` to `Consumed`
    /// and the payment is kept, together. False (nothing changed) when the consent was not
    /// authorised any more, e.g. consumed by an earlier payment.
    pub fn make_obuk_payment(&self, p: &PaymentRow) -> Result<bool, DbError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let n = tx.execute(
            "UPDATE fdx_consents SET status = 'Consumed', updated_at = ?2 WHERE id = ?1 AND status = 'Authorised'",
            params![p.consent_id, p.created_at],
        )?;
        if n != 1 {
            tx.rollback()?;
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO obuk_payments (id, consent_id, workspace, debtor, amount, currency, data, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![p.id, p.consent_id, p.workspace, p.debtor, p.amount, p.currency, p.data, p.created_at],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// The payment made under consent `consent_id`, if any.
    pub fn obuk_payment_of(&self, consent_id: &str) -> Result<Option<PaymentRow>, DbError> {
        self.conn()
            .query_row(&format!("SELECT {COLUMNS} FROM obuk_payments WHERE consent_id = ?1"), [consent_id], row)
            .optional()
    }

    /// The payments made from account `debtor` of workspace `workspace`'s ledger, newest first:
    /// what lowers its balance and what its transactions list.
    pub fn obuk_payments_from(&self, workspace: &str, debtor: &str) -> Result<Vec<PaymentRow>, DbError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM obuk_payments WHERE workspace = ?1 AND debtor = ?2 ORDER BY created_at DESC, id"
        ))?;
        let rows = stmt.query_map(params![workspace, debtor], row)?;
        rows.collect()
    }
}

const COLUMNS: &str = "id, consent_id, workspace, debtor, amount, currency, data, created_at";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PaymentRow> {
    Ok(PaymentRow {
        id: r.get(0)?,
        consent_id: r.get(1)?,
        workspace: r.get(2)?,
        debtor: r.get(3)?,
        amount: r.get(4)?,
        currency: r.get(5)?,
        data: r.get(6)?,
        created_at: r.get(7)?,
    })
}
