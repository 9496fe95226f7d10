//! `storage = "identity-pool"` (a workspace's setting in `ASSENT_CONFIG`): the quickstart's
//! `identity` storage mode, Hyperscale Bank's. Each record is a user of the workspace's
//! identity pool, written through the System Identity API with the System token (`identity`),
//! through the upstream client: TLS verified, its token cached and renewed like every System
//! call. The user's `id` is the record's id, the `consent_id` the accept carries. Its payload is
//! exactly what the bank reads, `{subject, client_id, status, granted_scopes, account_ids}`
//! (status `pending`, then `authorized` or `rejected`, later `revoked`); everything else Assent
//! keeps of a record (tenant, workspace, customer, the application's name and logo at the time,
//! claims, expiry, the warning the consent screen showed, the flow's `login_id` and
//! `login_state` while pending, created and updated times, the append-only history) is the
//! user's `metadata`.
//!
//! One flow, one record, however often it is submitted: the user carries an identifier derived
//! from the flow (`assent-flow:…`, the tenant and `login_id` hashed), which the pool keeps
//! unique. A submission first looks for the flow's record among the subject's records of that
//! application (a list query on the payload); when there is none it creates one, and when a
//! concurrent submission created it first (409 on the identifier), it reads that one.
//!
//! Updates read the user, change it and write it back (the API has no conditional update here):
//! two changes of one record at the same instant could lose one history entry, never a status
//! change to `revoked`, which is only written after the tokens are revoked.

use super::{Actor, Draft, Event, Record, RecordsError, Status};
use crate::server::upstream::{Upstream, UpstreamError};
use crate::wire::{NewPoolUser, PoolIdentifier, PoolUser, UpdatePoolUser};
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// A page of a list, and the most pages read for one answer (bounds a list's cost).
const PAGE: usize = 100;
const MAX_PAGES: usize = 20;

pub struct PoolRecords {
    pool: String,
    upstream: Arc<Upstream>,
}

fn failed(pool: &str, e: UpstreamError) -> RecordsError {
    RecordsError::Failed(format!("identity pool {pool}: {e}"))
}

/// The identifier of flow `login_id`'s record: the same for every submission.
fn flow_identifier(tenant: &str, login_id: &str) -> String {
    format!("assent-flow:{}", super::external::flow_id(tenant, login_id))
}

fn payload(d: &Draft, status: Status) -> Map<String, Value> {
    // A refusal grants nothing: what it was asked is kept in the metadata (`asked_scopes`).
    let granted: &[String] = if status == Status::Rejected { &[] } else { &d.scopes };
    let v = json!({
        "subject": d.subject,
        "client_id": d.client_id,
        "status": status.as_str(),
        "granted_scopes": granted,
        "account_ids": d.accounts,
    });
    v.as_object().cloned().unwrap_or_default()
}

fn metadata(d: &Draft, status: Status, created: i64, now: i64, history: &[Event]) -> Map<String, Value> {
    let mut m = json!({
        "tenant": d.tenant,
        "workspace": d.workspace,
        "customer": d.customer,
        "client_name": d.client_name,
        "client_logo": d.client_logo,
        "scope_names": d.scope_names,
        "claims": d.claims,
        "expires_at": d.expires_at,
        "payment": d.payment,
        "warned": d.warned,
        "flow": flow_identifier(&d.tenant, &d.login_id),
        // Kept once decided too (its state is not): the record is found by its flow, and each
        // later write (a revocation) names the same flow again.
        "login_id": d.login_id,
        "created_at": created,
        "updated_at": now,
        "history": history,
    });
    if status == Status::Pending {
        m["login_state"] = json!(d.login_state);
    }
    if status == Status::Rejected {
        m["asked_scopes"] = json!(d.scopes);
    }
    m.as_object().cloned().unwrap_or_default()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

fn text(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// The record a pool user holds; `None` for a user that is not one of Assent's records.
fn record(user: PoolUser) -> Option<Record> {
    let (p, m) = (Value::Object(user.payload), Value::Object(user.metadata));
    let status = Status::parse(p["status"].as_str()?)?;
    let draft = Draft {
        id: None,
        login_id: text(&m["login_id"]).unwrap_or_default(),
        login_state: text(&m["login_state"]),
        tenant: text(&m["tenant"])?,
        workspace: text(&m["workspace"]).unwrap_or_default(),
        subject: text(&p["subject"])?,
        customer: text(&m["customer"]),
        client_id: text(&p["client_id"])?,
        client_name: text(&m["client_name"]).unwrap_or_default(),
        client_logo: text(&m["client_logo"]),
        scopes: if status == Status::Rejected { strings(&m["asked_scopes"]) } else { strings(&p["granted_scopes"]) },
        scope_names: serde_json::from_value(m["scope_names"].clone()).unwrap_or_default(),
        claims: strings(&m["claims"]),
        accounts: strings(&p["account_ids"]),
        expires_at: m["expires_at"].as_i64(),
        payment: serde_json::from_value(m["payment"].clone()).ok().flatten(),
        warned: serde_json::from_value(m["warned"].clone()).ok().flatten(),
    };
    Some(Record {
        id: user.id,
        status,
        created_at: m["created_at"].as_i64().unwrap_or_default(),
        updated_at: m["updated_at"].as_i64().unwrap_or_default(),
        history: serde_json::from_value(m["history"].clone()).unwrap_or_default(),
        draft,
    })
}

/// Newest first.
fn newest_first(records: &mut [Record]) {
    records.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| a.id.cmp(&b.id)));
}

impl PoolRecords {
    pub fn new(pool: String, upstream: Arc<Upstream>) -> Self {
        Self { pool, upstream }
    }

    pub fn pool(&self) -> &str {
        &self.pool
    }

    /// Every user matching `query` (a list query), page after page.
    async fn users(&self, query: Value) -> Result<Vec<PoolUser>, RecordsError> {
        let mut found = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let page = self
                .upstream
                .pool_users(&self.pool, &query, PAGE, after.as_deref())
                .await
                .map_err(|e| failed(&self.pool, e))?;
            let full = page.users.len() == PAGE;
            after = page.users.last().map(|u| u.id.clone());
            found.extend(page.users);
            if !full {
                return Ok(found);
            }
        }
        tracing::warn!(pool = self.pool, "an identity pool list was cut at {} users", PAGE * MAX_PAGES);
        Ok(found)
    }

    /// Every record matching `query`.
    async fn list(&self, query: Value) -> Result<Vec<Record>, RecordsError> {
        Ok(self.users(query).await?.into_iter().filter_map(record).collect())
    }

    /// The record of `d`'s flow, if written already: among the subject's records of the
    /// application, the one whose metadata names the flow.
    async fn of_flow(&self, d: &Draft) -> Result<Option<Record>, RecordsError> {
        let flow = flow_identifier(&d.tenant, &d.login_id);
        let mine = self.users(json!({"payload": {"subject": d.subject, "client_id": d.client_id}})).await?;
        Ok(mine.into_iter().find(|u| u.metadata.get("flow").and_then(Value::as_str) == Some(&flow)).and_then(record))
    }

    async fn write(&self, record: &Record) -> Result<(), RecordsError> {
        let user = UpdatePoolUser {
            status: "active".into(),
            payload: payload(&record.draft, record.status),
            metadata: metadata(&record.draft, record.status, record.created_at, record.updated_at, &record.history),
        };
        self.upstream.update_pool_user(&self.pool, &record.id, &user).await.map_err(|e| failed(&self.pool, e))?;
        Ok(())
    }

    /// Creates the record of `d`'s flow with `status` (and `history`); if another submission of
    /// the flow created it first, that one.
    async fn create(&self, d: &Draft, status: Status, now: i64, history: &[Event]) -> Result<Record, RecordsError> {
        let user = NewPoolUser {
            status: "active".into(),
            payload: payload(d, status),
            metadata: metadata(d, status, now, now, history),
            identifiers: vec![PoolIdentifier {
                identifier: flow_identifier(&d.tenant, &d.login_id),
                kind: "external".into(),
            }],
        };
        match self.upstream.create_pool_user(&self.pool, &user).await {
            Ok(user) => record(user).ok_or_else(|| RecordsError::Failed("the pool answered another user".into())),
            Err(UpstreamError::Status { status: 409, .. }) => self
                .of_flow(d)
                .await?
                .ok_or_else(|| RecordsError::Failed("the flow's record is taken but cannot be found".into())),
            Err(e) => Err(failed(&self.pool, e)),
        }
    }

    pub async fn prepare(&self, d: &Draft, now: i64) -> Result<(String, Status), RecordsError> {
        match self.of_flow(d).await? {
            Some(mut r) if r.status == Status::Pending => {
                // A retry may grant other scopes or accounts than the attempt before.
                let history = std::mem::take(&mut r.history);
                r.draft = Draft { customer: d.customer.clone().or(r.draft.customer), ..d.clone() };
                r.history = history;
                r.updated_at = now;
                self.write(&r).await?;
                Ok((r.id, Status::Pending))
            }
            Some(r) => Ok((r.id, r.status)),
            None => {
                let r = self.create(d, Status::Pending, now, &[]).await?;
                Ok((r.id, r.status))
            }
        }
    }

    pub async fn authorize(&self, id: &str, now: i64) -> Result<(), RecordsError> {
        let Some(mut r) = self.get(id).await? else { return Ok(()) };
        if r.status != Status::Pending {
            return Ok(());
        }
        r.status = Status::Authorized;
        r.updated_at = now;
        r.history.push(Event::of(now, "granted", Actor::Customer));
        self.write(&r).await
    }

    pub async fn reject(&self, d: &Draft, now: i64) -> Result<(), RecordsError> {
        let rejected = Event::of(now, "rejected", Actor::Customer);
        match self.of_flow(d).await? {
            Some(mut r) if r.status == Status::Pending => {
                // What was asked this time, and no account: the record of an Allow that failed
                // before this Deny says what the Deny refused.
                r.draft.scopes = d.scopes.clone();
                r.draft.scope_names = d.scope_names.clone();
                r.draft.accounts = d.accounts.clone();
                r.status = Status::Rejected;
                r.updated_at = now;
                r.history.push(rejected);
                self.write(&r).await
            }
            // Decided already: nothing changes.
            Some(_) => Ok(()),
            None => self.create(d, Status::Rejected, now, &[rejected]).await.map(|_| ()),
        }
    }

    pub async fn get(&self, id: &str) -> Result<Option<Record>, RecordsError> {
        let user = self.upstream.pool_user(&self.pool, id).await.map_err(|e| failed(&self.pool, e))?;
        Ok(user.and_then(record))
    }

    pub async fn of_subject(&self, tenant: &str, subject: &str) -> Result<Vec<Record>, RecordsError> {
        let mut found = self.list(json!({"payload": {"subject": subject}})).await?;
        found.retain(|r| r.draft.tenant == tenant);
        newest_first(&mut found);
        Ok(found)
    }

    /// Records whose customer, subject, account or client id is `q`: one list query each.
    pub async fn search(
        &self,
        tenant: &str,
        q: &str,
        within: Option<&[String]>,
        limit: usize,
    ) -> Result<Vec<Record>, RecordsError> {
        let within = |w: &str| within.is_none_or(|only| only.iter().any(|o| o == w));
        let queries = [
            json!({"payload": {"subject": q}}),
            json!({"payload": {"client_id": q}}),
            json!({"payload": {"account_ids": q}}),
            json!({"metadata": {"customer": q}}),
        ];
        let mut found: Vec<Record> = Vec::new();
        for query in queries {
            for r in self.list(query).await? {
                let new = !found.iter().any(|f| f.id == r.id);
                if r.draft.tenant == tenant && r.status != Status::Pending && within(&r.draft.workspace) && new {
                    found.push(r);
                }
            }
        }
        newest_first(&mut found);
        found.truncate(limit);
        Ok(found)
    }

    pub async fn authorized_of_client(&self, tenant: &str, client_id: &str) -> Result<Vec<Record>, RecordsError> {
        let mut found = self.list(json!({"payload": {"client_id": client_id, "status": "authorized"}})).await?;
        found.retain(|r| r.draft.tenant == tenant);
        newest_first(&mut found);
        Ok(found)
    }

    pub async fn revoke(&self, id: &str, end: &Event) -> Result<bool, RecordsError> {
        let Some(mut r) = self.get(id).await? else { return Ok(false) };
        if r.status != Status::Authorized {
            return Ok(false);
        }
        r.status = Status::Revoked;
        r.updated_at = end.at;
        r.history.push(end.clone());
        self.write(&r).await?;
        Ok(true)
    }

    /// Names who ended record `id` when its last event is an end seen in a list a moment ago
    /// ([`Event::is_seen_end`]). The pool's user is read and written whole, with no lock: two
    /// revokes at that same moment could both name themselves.
    pub async fn name_seen_end(&self, id: &str, end: &Event) -> Result<bool, RecordsError> {
        let Some(mut r) = self.get(id).await? else { return Ok(false) };
        if r.status != Status::Revoked || !r.history.last().is_some_and(|e| e.is_seen_end(end.at)) {
            return Ok(false);
        }
        r.updated_at = end.at;
        r.history.push(end.clone());
        self.write(&r).await?;
        Ok(true)
    }

    pub async fn pending(&self, tenant: &str, since: i64) -> Result<Vec<(String, String, String)>, RecordsError> {
        let found = self.list(json!({"payload": {"status": "pending"}})).await?;
        Ok(found
            .into_iter()
            .filter(|r| r.draft.tenant == tenant && r.created_at >= since)
            .filter_map(|r| Some((r.id, r.draft.login_id, r.draft.login_state?)))
            .filter(|(_, login_id, _)| !login_id.is_empty())
            .collect())
    }

    /// Whether the pool answers (one user listed).
    pub async fn ping(&self) -> Result<(), RecordsError> {
        self.upstream.pool_users(&self.pool, &json!({}), 1, None).await.map_err(|e| failed(&self.pool, e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Unverified;

    #[test]
    fn a_pool_user_keeps_the_warning_in_its_metadata_and_the_bank_never_reads_it() {
        let draft = |warned| Draft {
            tenant: "default".into(),
            subject: "user".into(),
            client_id: "app".into(),
            scopes: vec!["openid".into()],
            warned,
            ..Draft::default()
        };
        let user = |d: &Draft| PoolUser {
            id: "r-1".into(),
            payload: payload(d, Status::Authorized),
            metadata: metadata(d, Status::Authorized, 1, 2, &[]),
            ..PoolUser::default()
        };
        let warned = draft(Some(Unverified::App("com.example.app".into())));
        let written = user(&warned);
        assert_eq!(written.metadata["warned"], json!({"kind": "app", "where": "com.example.app"}));
        assert!(!written.payload.contains_key("warned"), "the bank's payload is the quickstart's, exactly");
        assert_eq!(record(written).unwrap().draft.warned, warned.warned);
        // A record of before warnings were kept, or of a screen that showed none: none.
        let plain = user(&draft(None));
        assert_eq!(plain.metadata["warned"], Value::Null);
        assert_eq!(record(plain).unwrap().draft.warned, None);
    }

    #[test]
    fn a_decided_record_keeps_its_flow_through_each_write() {
        let d = Draft {
            login_id: "login-1".into(),
            tenant: "default".into(),
            subject: "user".into(),
            client_id: "app".into(),
            login_state: Some("st".into()),
            ..Draft::default()
        };
        let read = |status| {
            record(PoolUser {
                id: "r-1".into(),
                payload: payload(&d, status),
                metadata: metadata(&d, status, 1, 2, &[]),
                ..PoolUser::default()
            })
            .unwrap()
        };
        let pending = read(Status::Pending);
        assert_eq!((pending.draft.login_id.as_str(), pending.draft.login_state.as_deref()), ("login-1", Some("st")));
        // Authorized, then written again as revoked from what was read: the same flow, no state.
        let authorized = read(Status::Authorized);
        assert_eq!((authorized.draft.login_id.as_str(), authorized.draft.login_state.as_deref()), ("login-1", None));
        let rewritten = metadata(&authorized.draft, Status::Revoked, 1, 3, &[]);
        assert_eq!(rewritten["flow"], json!(flow_identifier("default", "login-1")));
    }
}
