//! Records read from PostgreSQL's rows: the columns read, a record of a row, and its accounts
//! and history in two queries whatever the number of records.

use super::super::text::{names_from_text, warned_from_text};
use super::super::{Actor, Draft, Event, PaymentRecord, Record, RecordsError, Status};
use std::collections::HashMap;
use tokio_postgres::{GenericClient, Row};

pub(super) fn json(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

fn list(s: &str) -> Vec<String> {
    serde_json::from_str(s).unwrap_or_default()
}

pub(super) const COLUMNS: &str =
    "id, status, created_at, updated_at, login_id, tenant, workspace, subject, customer, client_id, \
                       client_name, client_logo, scopes, claims, expires_at, payment, scope_names, warned";

fn record(r: &Row) -> Record {
    let status: String = r.get(1);
    Record {
        id: r.get(0),
        status: Status::parse(&status).unwrap_or(Status::Pending),
        created_at: r.get(2),
        updated_at: r.get(3),
        draft: Draft {
            id: None,
            login_id: r.get(4),
            login_state: None,
            tenant: r.get(5),
            workspace: r.get(6),
            subject: r.get(7),
            customer: r.get(8),
            client_id: r.get(9),
            client_name: r.get(10),
            client_logo: r.get(11),
            scopes: list(r.get(12)),
            claims: list(r.get(13)),
            accounts: Vec::new(),
            expires_at: r.get(14),
            payment: PaymentRecord::from_text(r.get::<_, Option<String>>(15).as_deref()),
            scope_names: names_from_text(r.get::<_, Option<String>>(16).as_deref()),
            warned: warned_from_text(r.get::<_, Option<String>>(17).as_deref()),
        },
        history: Vec::new(),
    }
}

/// The records of `rows` with their accounts and histories: two queries, whatever their number.
pub(super) async fn complete(client: &impl GenericClient, rows: Vec<Row>) -> Result<Vec<Record>, RecordsError> {
    let mut records: Vec<Record> = rows.iter().map(record).collect();
    if records.is_empty() {
        return Ok(records);
    }
    let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
    let accounts = client
        .query(
            "SELECT record_id, account_id FROM consent_accounts WHERE record_id = ANY($1) ORDER BY account_id",
            &[&ids],
        )
        .await?;
    let events = client
        .query(
            "SELECT record_id, at, kind, actor, actor_name, reason FROM consent_events
             WHERE record_id = ANY($1) ORDER BY seq",
            &[&ids],
        )
        .await?;
    let at: HashMap<String, usize> = records.iter().enumerate().map(|(i, r)| (r.id.clone(), i)).collect();
    for row in accounts {
        if let Some(&i) = at.get(row.get::<_, &str>(0)) {
            records[i].draft.accounts.push(row.get(1));
        }
    }
    for row in events {
        if let Some(&i) = at.get(row.get::<_, &str>(0)) {
            records[i].history.push(event_of(&row, 1));
        }
    }
    Ok(records)
}

/// An event from `row`'s columns at, kind, actor, actor name and reason, from column `first`.
pub(super) fn event_of(row: &Row, first: usize) -> Event {
    let actor: &str = row.get(first + 2);
    Event {
        at: row.get(first),
        kind: row.get(first + 1),
        by: Actor::parse(actor).unwrap_or(Actor::AuthorizationServer),
        by_name: row.get(first + 3),
        reason: row.get(first + 4),
    }
}
