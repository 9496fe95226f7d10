//! Consent records in SQLite (`ASSENT_DATA_DIR/records.sqlite3`), one machine. The schema is
//! versioned: each migration runs once, in order, at start (`PRAGMA user_version`).

use super::text::{names_from_text, names_to_text, warned_from_text, warned_to_text};
use super::{Actor, Draft, Event, PaymentRecord, Record, RecordsError, Status};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::path::Path;
use std::sync::Mutex;

/// Migrations, in order; version N is the first N applied.
const MIGRATIONS: &[&str] = &[
    // 1: records, their events, and the accounts each shares (searchable by account).
    r#"
    CREATE TABLE consent_records (
      id TEXT PRIMARY KEY,
      tenant TEXT NOT NULL,
      workspace TEXT NOT NULL,
      login_id TEXT NOT NULL,
      subject TEXT NOT NULL,
      customer TEXT,
      client_id TEXT NOT NULL,
      client_name TEXT NOT NULL,
      client_logo TEXT,
      scopes TEXT NOT NULL,
      claims TEXT NOT NULL,
      status TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      expires_at INTEGER,
      UNIQUE (tenant, login_id));
    CREATE INDEX consent_records_subject ON consent_records (tenant, subject, created_at);
    CREATE INDEX consent_records_customer ON consent_records (customer, created_at);
    CREATE INDEX consent_records_client ON consent_records (tenant, client_id, created_at);
    CREATE TABLE consent_accounts (record_id TEXT NOT NULL REFERENCES consent_records (id), account_id TEXT NOT NULL,
      PRIMARY KEY (record_id, account_id));
    CREATE INDEX consent_accounts_account ON consent_accounts (account_id);
    CREATE TABLE consent_events (
      record_id TEXT NOT NULL REFERENCES consent_records (id),
      at INTEGER NOT NULL,
      kind TEXT NOT NULL,
      actor TEXT NOT NULL,
      actor_name TEXT,
      reason TEXT);
    CREATE INDEX consent_events_record ON consent_events (record_id, at);
    "#,
    // 2: the flow's handle while a record is pending, to settle it after a crash.
    r#"
    ALTER TABLE consent_records ADD COLUMN login_state TEXT;
    CREATE INDEX consent_records_pending ON consent_records (tenant, created_at) WHERE status = 'pending';
    "#,
    // 3: what a payment consent pays (`PaymentRecord` as JSON); NULL for every other consent.
    r#"
    ALTER TABLE consent_records ADD COLUMN payment TEXT;
    "#,
    // 4: the names the consent screen showed for the scopes (a JSON object); NULL for none.
    r#"
    ALTER TABLE consent_records ADD COLUMN scope_names TEXT;
    "#,
    // 5: the warning the consent screen showed about where the application gets its answer
    // (`Unverified` as JSON); NULL for none.
    r#"
    ALTER TABLE consent_records ADD COLUMN warned TEXT;
    "#,
];

pub struct SqliteRecords {
    conn: Mutex<Connection>,
}

fn json(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

fn list(s: &str) -> Vec<String> {
    serde_json::from_str(s).unwrap_or_default()
}

impl SqliteRecords {
    pub fn open(path: &Path) -> Result<Self, RecordsError> {
        let conn = crate::sqlite::open(path, "")?;
        {
            let mut c = crate::sqlite::lock(&conn);
            c.execute_batch("PRAGMA foreign_keys = ON;")?;
            let version: usize = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            for (n, migration) in MIGRATIONS.iter().enumerate().skip(version) {
                let tx = c.transaction_with_behavior(TransactionBehavior::Exclusive)?;
                tx.execute_batch(migration)?;
                tx.execute_batch(&format!("PRAGMA user_version = {}", n + 1))?;
                tx.commit()?;
                tracing::info!(version = n + 1, "consent records: migrated");
            }
        }
        Ok(Self { conn })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        crate::sqlite::lock(&self.conn)
    }

    pub fn prepare(&self, d: &Draft, now: i64) -> Result<(String, Status), RecordsError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        take_over(&tx, d, now)?;
        let existing: Option<(String, String)> = tx
            .query_row(
                "SELECT id, status FROM consent_records WHERE tenant = ?1 AND login_id = ?2",
                params![d.tenant, d.login_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (id, status) = match existing {
            Some((id, status)) => {
                let status = Status::parse(&status).unwrap_or(Status::Pending);
                if status == Status::Pending {
                    // A retry may grant other scopes or accounts than the attempt before.
                    tx.execute(
                        "UPDATE consent_records SET scopes = ?2, claims = ?3, updated_at = ?4, expires_at = ?5,
                           login_state = ?6, scope_names = ?7 WHERE id = ?1",
                        params![
                            id,
                            json(&d.scopes),
                            json(&d.claims),
                            now,
                            d.expires_at,
                            d.login_state,
                            names_to_text(&d.scope_names)
                        ],
                    )?;
                    replace_accounts(&tx, &id, &d.accounts)?;
                }
                (id, status)
            }
            None => {
                let id = d.id.clone().unwrap_or_else(|| crate::request::random_b64(16));
                insert(&tx, &id, d, Status::Pending, now)?;
                (id, Status::Pending)
            }
        };
        tx.commit()?;
        Ok((id, status))
    }

    pub fn authorize(&self, id: &str, now: i64) -> Result<(), RecordsError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let changed = tx.execute(
            "UPDATE consent_records SET status = 'authorized', updated_at = ?2, login_state = NULL
             WHERE id = ?1 AND status = 'pending'",
            params![id, now],
        )?;
        if changed == 1 {
            event(&tx, id, &Event::of(now, "granted", Actor::Customer))?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn reject(&self, d: &Draft, now: i64) -> Result<(), RecordsError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // As in `prepare`; this Deny is then its decision.
        take_over(&tx, d, now)?;
        let existing: Option<(String, String)> = tx
            .query_row(
                "SELECT id, status FROM consent_records WHERE tenant = ?1 AND login_id = ?2",
                params![d.tenant, d.login_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let decided_before = match &d.id {
            Some(id) if existing.is_none() => exists(&tx, id)?,
            _ => false,
        };
        let id = match existing {
            Some((id, status)) if status == "pending" => {
                // What was asked this time, and no account: the record of an Allow that failed
                // before this Deny says what the Deny refused.
                tx.execute(
                    "UPDATE consent_records SET status = 'rejected', updated_at = ?2, login_state = NULL, scopes = ?3,
                       scope_names = ?4 WHERE id = ?1",
                    params![id, now, json(&d.scopes), names_to_text(&d.scope_names)],
                )?;
                replace_accounts(&tx, &id, &d.accounts)?;
                Some(id)
            }
            // Decided already: nothing changes.
            Some(_) => None,
            // A consent decided in an earlier flow keeps its record as it is.
            None if decided_before => None,
            None => {
                let id = d.id.clone().unwrap_or_else(|| crate::request::random_b64(16));
                insert(&tx, &id, d, Status::Rejected, now)?;
                Some(id)
            }
        };
        if let Some(id) = id {
            event(&tx, &id, &Event::of(now, "rejected", Actor::Customer))?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn revoke(&self, id: &str, end: &Event) -> Result<bool, RecordsError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let changed = tx.execute(
            "UPDATE consent_records SET status = 'revoked', updated_at = ?2 WHERE id = ?1 AND status = 'authorized'",
            params![id, end.at],
        )?;
        if changed == 1 {
            event(&tx, id, end)?;
        }
        tx.commit()?;
        Ok(changed == 1)
    }

    /// Names who ended record `id` when its last event is an end seen in a list a moment ago
    /// ([`Event::is_seen_end`]): checked and written in one transaction, so that of two
    /// revokes at once only one names itself.
    pub fn name_seen_end(&self, id: &str, end: &Event) -> Result<bool, RecordsError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let last = tx
            .query_row(
                "SELECT e.at, e.kind, e.actor, e.actor_name, e.reason FROM consent_events e
                 JOIN consent_records r ON r.id = e.record_id AND r.status = 'revoked'
                 WHERE e.record_id = ?1 ORDER BY e.at DESC, e.rowid DESC LIMIT 1",
                [id],
                event_row,
            )
            .optional()?;
        let seen = last.is_some_and(|e| e.is_seen_end(end.at));
        if seen {
            event(&tx, id, end)?;
            tx.execute("UPDATE consent_records SET updated_at = ?2 WHERE id = ?1", params![id, end.at])?;
        }
        tx.commit()?;
        Ok(seen)
    }

    pub fn get(&self, id: &str) -> Result<Option<Record>, RecordsError> {
        let conn = self.conn();
        let record =
            conn.query_row(&format!("SELECT {COLUMNS} FROM consent_records WHERE id = ?1"), [id], row).optional()?;
        record.map(|r| complete(&conn, r)).transpose()
    }

    pub fn of_subject(&self, tenant: &str, subject: &str) -> Result<Vec<Record>, RecordsError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM consent_records WHERE tenant = ?1 AND subject = ?2 ORDER BY created_at DESC, id"
        ))?;
        let records = stmt.query_map(params![tenant, subject], row)?.collect::<Result<Vec<_>, _>>()?;
        records.into_iter().map(|r| complete(&conn, r)).collect()
    }

    /// Records of `tenant` whose customer, subject, account or client id is exactly `q`, of the
    /// workspaces `within` (all when `None`), newest first, at most `limit`; consents only (no
    /// pending ones). Each branch is one index lookup.
    pub fn search(
        &self,
        tenant: &str,
        q: &str,
        within: Option<&[String]>,
        limit: usize,
    ) -> Result<Vec<Record>, RecordsError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM consent_records WHERE tenant = ?1 AND status != 'pending' AND id IN (
               SELECT id FROM consent_records WHERE customer = ?2
               UNION SELECT id FROM consent_records WHERE tenant = ?1 AND subject = ?2
               UNION SELECT id FROM consent_records WHERE tenant = ?1 AND client_id = ?2
               UNION SELECT record_id FROM consent_accounts WHERE account_id = ?2)
             AND (?4 IS NULL OR workspace IN (SELECT value FROM json_each(?4)))
             ORDER BY created_at DESC, id LIMIT ?3"
        ))?;
        let within = within.map(|w| serde_json::Value::from(w.to_vec()).to_string());
        let records = stmt.query_map(params![tenant, q, limit as i64, within], row)?.collect::<Result<Vec<_>, _>>()?;
        records.into_iter().map(|r| complete(&conn, r)).collect()
    }

    /// The authorized records of `client_id` in `tenant`.
    pub fn authorized_of_client(&self, tenant: &str, client_id: &str) -> Result<Vec<Record>, RecordsError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM consent_records WHERE tenant = ?1 AND client_id = ?2 AND status = 'authorized'
             ORDER BY created_at, id"
        ))?;
        let records = stmt.query_map(params![tenant, client_id], row)?.collect::<Result<Vec<_>, _>>()?;
        records.into_iter().map(|r| complete(&conn, r)).collect()
    }

    pub fn pending(&self, tenant: &str, since: i64) -> Result<Vec<(String, String, String)>, RecordsError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, login_id, login_state FROM consent_records
             WHERE tenant = ?1 AND status = 'pending' AND created_at >= ?2 AND login_state IS NOT NULL",
        )?;
        let rows = stmt.query_map(params![tenant, since], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn count_authorized_of_client(&self, tenant: &str, client_id: &str) -> Result<usize, RecordsError> {
        let n: i64 = self.conn().query_row(
            "SELECT COUNT(*) FROM consent_records
             WHERE tenant = ?1 AND client_id = ?2 AND status = 'authorized' AND payment IS NULL
               AND (expires_at IS NULL OR expires_at > ?3)",
            params![tenant, client_id, super::record::now()],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    pub fn ping(&self) -> Result<(), RecordsError> {
        self.conn().query_row("SELECT 1", [], |_| Ok(()))?;
        Ok(())
    }
}

const COLUMNS: &str = "id, status, created_at, updated_at, login_id, tenant, workspace, subject, customer, client_id, \
                       client_name, client_logo, scopes, claims, expires_at, payment, scope_names, warned";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Record> {
    let status: String = r.get(1)?;
    Ok(Record {
        id: r.get(0)?,
        status: Status::parse(&status).unwrap_or(Status::Pending),
        created_at: r.get(2)?,
        updated_at: r.get(3)?,
        draft: Draft {
            id: None,
            login_id: r.get(4)?,
            login_state: None,
            tenant: r.get(5)?,
            workspace: r.get(6)?,
            subject: r.get(7)?,
            customer: r.get(8)?,
            client_id: r.get(9)?,
            client_name: r.get(10)?,
            client_logo: r.get(11)?,
            scopes: list(&r.get::<_, String>(12)?),
            claims: list(&r.get::<_, String>(13)?),
            accounts: Vec::new(),
            expires_at: r.get(14)?,
            payment: PaymentRecord::from_text(r.get::<_, Option<String>>(15)?.as_deref()),
            scope_names: names_from_text(r.get::<_, Option<String>>(16)?.as_deref()),
            warned: warned_from_text(r.get::<_, Option<String>>(17)?.as_deref()),
        },
        history: Vec::new(),
    })
}

/// A record's accounts and history.
fn complete(conn: &Connection, mut record: Record) -> Result<Record, RecordsError> {
    let mut accounts =
        conn.prepare("SELECT account_id FROM consent_accounts WHERE record_id = ?1 ORDER BY account_id")?;
    record.draft.accounts = accounts.query_map([&record.id], |r| r.get(0))?.collect::<Result<_, _>>()?;
    let mut events = conn.prepare(
        "SELECT at, kind, actor, actor_name, reason FROM consent_events WHERE record_id = ?1 ORDER BY at, rowid",
    )?;
    record.history = events.query_map([&record.id], event_row)?.collect::<Result<_, _>>()?;
    Ok(record)
}

/// An event from its row: at, kind, actor, actor name, reason.
fn event_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Event> {
    let actor: String = r.get(2)?;
    Ok(Event {
        at: r.get(0)?,
        kind: r.get(1)?,
        by: Actor::parse(&actor).unwrap_or(Actor::AuthorizationServer),
        by_name: r.get(3)?,
        reason: r.get(4)?,
    })
}

fn insert(tx: &rusqlite::Transaction<'_>, id: &str, d: &Draft, status: Status, now: i64) -> Result<(), RecordsError> {
    tx.execute(
        "INSERT INTO consent_records (id, tenant, workspace, login_id, subject, customer, client_id, client_name,
           client_logo, scopes, claims, status, created_at, updated_at, expires_at, login_state, payment, scope_names,
           warned)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14, ?15, ?16, ?17, ?18)",
        params![
            id,
            d.tenant,
            d.workspace,
            d.login_id,
            d.subject,
            d.customer,
            d.client_id,
            d.client_name,
            d.client_logo,
            json(&d.scopes),
            json(&d.claims),
            status.as_str(),
            now,
            d.expires_at,
            if status == Status::Pending { d.login_state.as_deref() } else { None },
            d.payment.as_ref().map(PaymentRecord::to_text),
            names_to_text(&d.scope_names),
            warned_to_text(d.warned.as_ref())
        ],
    )?;
    insert_accounts(tx, id, &d.accounts)
}

/// Whether a record named `id` is kept.
fn exists(tx: &rusqlite::Transaction<'_>, id: &str) -> Result<bool, RecordsError> {
    Ok(tx.query_row("SELECT 1 FROM consent_records WHERE id = ?1", [id], |_| Ok(())).optional()?.is_some())
}

/// A record named by its consent (a UK ConsentId) left pending by a flow that failed is flow
/// `d`'s now: the consent is decided again through a new login. It begins again with this
/// flow (who, for whom, what the screen showed), the rest written by the caller.
fn take_over(tx: &rusqlite::Transaction<'_>, d: &Draft, now: i64) -> Result<(), RecordsError> {
    let Some(id) = &d.id else { return Ok(()) };
    tx.execute(
        "UPDATE consent_records SET login_id = ?3, created_at = ?4, subject = ?5, customer = ?6, client_name = ?7,
           client_logo = ?8, warned = ?9
         WHERE id = ?1 AND tenant = ?2 AND status = 'pending' AND login_id <> ?3",
        params![
            id,
            d.tenant,
            d.login_id,
            now,
            d.subject,
            d.customer,
            d.client_name,
            d.client_logo,
            warned_to_text(d.warned.as_ref())
        ],
    )?;
    Ok(())
}

/// Record `id`'s accounts, now exactly `accounts` (a retry, or a Deny, says them again).
fn replace_accounts(tx: &rusqlite::Transaction<'_>, id: &str, accounts: &[String]) -> Result<(), RecordsError> {
    tx.execute("DELETE FROM consent_accounts WHERE record_id = ?1", [id])?;
    insert_accounts(tx, id, accounts)
}

fn insert_accounts(tx: &rusqlite::Transaction<'_>, id: &str, accounts: &[String]) -> Result<(), RecordsError> {
    for account in accounts {
        tx.execute(
            "INSERT OR IGNORE INTO consent_accounts (record_id, account_id) VALUES (?1, ?2)",
            params![id, account],
        )?;
    }
    Ok(())
}

/// Adds `e` to record `id`'s history.
fn event(tx: &rusqlite::Transaction<'_>, id: &str, e: &Event) -> Result<(), RecordsError> {
    tx.execute(
        "INSERT INTO consent_events (record_id, at, kind, actor, actor_name, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, e.at, e.kind, e.by.as_str(), e.by_name, e.reason],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests;
