//! Consent records in PostgreSQL (`ASSENT_DATABASE_URL`), shared by replicas. A pool of async
//! connections; TLS verified by rustls (the system's roots and `ROOT_CA`) for any server not on
//! this machine. The schema is versioned like SQLite's: each migration runs once, in order, at
//! start, under an advisory lock so that replicas starting together migrate once.

use super::text::{names_to_text, warned_to_text};
use super::{Actor, Draft, Event, PaymentRecord, Record, RecordsError, Status};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use std::str::FromStr;

mod rows;
mod schema;
use rows::{complete, event_of, json, COLUMNS};
use schema::{MIGRATIONS, MIGRATION_LOCK};

pub struct PostgresRecords {
    pool: Pool,
}

/// A PostgreSQL failure with its causes (refused, no such host, a certificate not trusted).
fn failed(e: impl std::error::Error) -> RecordsError {
    RecordsError::Failed(format!("PostgreSQL: {}", crate::error::with_causes(&e)))
}

impl From<tokio_postgres::Error> for RecordsError {
    fn from(e: tokio_postgres::Error) -> Self {
        failed(e)
    }
}

impl From<deadpool_postgres::PoolError> for RecordsError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        failed(e)
    }
}

/// Whether `config` reaches the server over this machine only (loopback or a Unix socket):
/// every host, and every `hostaddr`, which is where it connects when given (a host named
/// `localhost` with the address of another machine is another machine).
fn is_local(config: &tokio_postgres::Config) -> bool {
    use tokio_postgres::config::Host;
    !config.get_hosts().is_empty()
        && config.get_hostaddrs().iter().all(|ip| ip.is_loopback())
        && config.get_hosts().iter().all(|h| match h {
            Host::Tcp(name) => {
                name.eq_ignore_ascii_case("localhost")
                    || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
            }
            Host::Unix(_) => true,
        })
}

/// The TLS client: the system's roots, plus `root_ca` (PEM) when given.
fn tls(root_ca: Option<&[u8]>) -> Result<tokio_postgres_rustls::MakeRustlsConnect, RecordsError> {
    use rustls::pki_types::{pem::PemObject, CertificateDer};
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    if let Some(pem) = root_ca {
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| RecordsError::Failed(format!("PostgreSQL: ROOT_CA: {e}")))?;
            roots.add(cert).map_err(failed)?;
        }
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(failed)?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

impl PostgresRecords {
    /// Connects to `url` and brings the schema up to date. A server not on this machine is
    /// reached over verified TLS only.
    pub async fn connect(
        url: &str,
        root_ca: Option<&[u8]>,
        timeout: std::time::Duration,
    ) -> Result<Self, RecordsError> {
        let mut config = tokio_postgres::Config::from_str(url).map_err(failed)?;
        config.connect_timeout(timeout);
        if config.get_application_name().is_none() {
            config.application_name("assent");
        }
        let manager_config = ManagerConfig { recycling_method: RecyclingMethod::Fast };
        let manager = if is_local(&config) && config.get_ssl_mode() != tokio_postgres::config::SslMode::Require {
            Manager::from_config(config, tokio_postgres::NoTls, manager_config)
        } else {
            config.ssl_mode(tokio_postgres::config::SslMode::Require);
            Manager::from_config(config, tls(root_ca)?, manager_config)
        };
        let pool = Pool::builder(manager)
            .max_size(16)
            .wait_timeout(Some(timeout))
            .create_timeout(Some(timeout))
            .runtime(Runtime::Tokio1)
            .build()
            .map_err(failed)?;
        let store = Self { pool };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), RecordsError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS assent_schema (version INTEGER NOT NULL)").await?;
        let version: i32 = match tx.query_opt("SELECT version FROM assent_schema", &[]).await? {
            Some(row) => row.get(0),
            None => {
                tx.execute("INSERT INTO assent_schema (version) VALUES (0)", &[]).await?;
                0
            }
        };
        for (n, migration) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.batch_execute(migration).await?;
            tx.execute("UPDATE assent_schema SET version = $1", &[&(n as i32 + 1)]).await?;
            tracing::info!(version = n + 1, "consent records (PostgreSQL): migrated");
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn prepare(&self, d: &Draft, now: i64) -> Result<(String, Status), RecordsError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        take_over(&tx, d, now).await?;
        // One record per flow, whichever replica gets there first.
        let id = d.id.clone().unwrap_or_else(|| crate::request::random_b64(16));
        let inserted = insert_new(&tx, &id, d, Status::Pending, now).await?;
        if inserted == 1 {
            insert_accounts(&tx, &id, &d.accounts).await?;
            tx.commit().await?;
            return Ok((id, Status::Pending));
        }
        let row = tx
            .query_one(
                "SELECT id, status FROM consent_records WHERE tenant = $1 AND login_id = $2 FOR UPDATE",
                &[&d.tenant, &d.login_id],
            )
            .await?;
        let (id, status): (String, String) = (row.get(0), row.get(1));
        let status = Status::parse(&status).unwrap_or(Status::Pending);
        if status == Status::Pending {
            // A retry may grant other scopes or accounts than the attempt before.
            tx.execute(
                "UPDATE consent_records SET scopes = $2, claims = $3, updated_at = $4, expires_at = $5, login_state = $6,
                   scope_names = $7
                 WHERE id = $1",
                &[&id, &json(&d.scopes), &json(&d.claims), &now, &d.expires_at, &d.login_state, &names_to_text(&d.scope_names)],
            )
            .await?;
            replace_accounts(&tx, &id, &d.accounts).await?;
        }
        tx.commit().await?;
        Ok((id, status))
    }

    pub async fn authorize(&self, id: &str, now: i64) -> Result<(), RecordsError> {
        self.change(id, "pending", "authorized", &Event::of(now, "granted", Actor::Customer)).await.map(|_| ())
    }

    pub async fn reject(&self, d: &Draft, now: i64) -> Result<(), RecordsError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        // A record named by its consent is inserted only when there is none: one left pending
        // by a flow that failed is this flow's (as in `prepare`), and this Deny its decision;
        // one decided in an earlier flow stays as it is.
        take_over(&tx, d, now).await?;
        let named = match &d.id {
            Some(id) => tx.query_opt("SELECT 1 FROM consent_records WHERE id = $1 FOR UPDATE", &[id]).await?.is_some(),
            None => false,
        };
        let id = d.id.clone().unwrap_or_else(|| crate::request::random_b64(16));
        let inserted = if named { 0 } else { insert_new(&tx, &id, d, Status::Rejected, now).await? };
        let id = if inserted == 1 {
            Some(id)
        } else {
            // A pending record of this flow is rejected, with what was asked this time and no
            // account (an Allow that failed before this Deny); a decided one stays as it is.
            let id: Option<String> = tx
                .query_opt(
                    "UPDATE consent_records SET status = 'rejected', updated_at = $3, login_state = NULL, scopes = $4,
                       scope_names = $5
                     WHERE tenant = $1 AND login_id = $2 AND status = 'pending' RETURNING id",
                    &[&d.tenant, &d.login_id, &now, &json(&d.scopes), &names_to_text(&d.scope_names)],
                )
                .await?
                .map(|r| r.get(0));
            if let Some(id) = &id {
                replace_accounts(&tx, id, &d.accounts).await?;
            }
            id
        };
        if let Some(id) = id {
            event(&tx, &id, &Event::of(now, "rejected", Actor::Customer)).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn revoke(&self, id: &str, end: &Event) -> Result<bool, RecordsError> {
        self.change(id, "authorized", "revoked", end).await
    }

    /// Names who ended record `id` when its last event is an end seen in a list a moment ago
    /// ([`Event::is_seen_end`]): the record's row locked while it is checked and written, so
    /// that of two revokes at once (on two replicas, say) only one names itself.
    pub async fn name_seen_end(&self, id: &str, end: &Event) -> Result<bool, RecordsError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let revoked = tx
            .query_opt("SELECT 1 FROM consent_records WHERE id = $1 AND status = 'revoked' FOR UPDATE", &[&id])
            .await?
            .is_some();
        let last = if revoked {
            let last = "SELECT at, kind, actor, actor_name, reason FROM consent_events
                        WHERE record_id = $1 ORDER BY seq DESC LIMIT 1";
            tx.query_opt(last, &[&id]).await?
        } else {
            None
        };
        let seen = last.is_some_and(|row| event_of(&row, 0).is_seen_end(end.at));
        if seen {
            event(&tx, id, end).await?;
            tx.execute("UPDATE consent_records SET updated_at = $2 WHERE id = $1", &[&id, &end.at]).await?;
        }
        tx.commit().await?;
        Ok(seen)
    }

    /// Moves record `id` from `from` to `to` with event `e`, at its time; `false` when it was
    /// not `from`.
    async fn change(&self, id: &str, from: &str, to: &str, e: &Event) -> Result<bool, RecordsError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let changed = tx
            .execute(
                "UPDATE consent_records SET status = $3, updated_at = $2, login_state = NULL WHERE id = $1 AND status = $4",
                &[&id, &e.at, &to, &from],
            )
            .await?;
        if changed == 1 {
            event(&tx, id, e).await?;
        }
        tx.commit().await?;
        Ok(changed == 1)
    }

    pub async fn get(&self, id: &str) -> Result<Option<Record>, RecordsError> {
        let client = self.pool.get().await?;
        let rows = client.query(&format!("SELECT {COLUMNS} FROM consent_records WHERE id = $1"), &[&id]).await?;
        Ok(complete(&**client, rows).await?.pop())
    }

    pub async fn of_subject(&self, tenant: &str, subject: &str) -> Result<Vec<Record>, RecordsError> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM consent_records WHERE tenant = $1 AND subject = $2
                     ORDER BY created_at DESC, id"
                ),
                &[&tenant, &subject],
            )
            .await?;
        complete(&**client, rows).await
    }

    pub async fn search(
        &self,
        tenant: &str,
        q: &str,
        within: Option<&[String]>,
        limit: usize,
    ) -> Result<Vec<Record>, RecordsError> {
        let client = self.pool.get().await?;
        let statement = client
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM consent_records WHERE tenant = $1 AND status <> 'pending' AND id IN (
                   SELECT id FROM consent_records WHERE customer = $2
                   UNION SELECT id FROM consent_records WHERE tenant = $1 AND subject = $2
                   UNION SELECT id FROM consent_records WHERE tenant = $1 AND client_id = $2
                   UNION SELECT record_id FROM consent_accounts WHERE account_id = $2)
                 AND ($4::text[] IS NULL OR workspace = ANY($4::text[]))
                 ORDER BY created_at DESC, id LIMIT $3"
            ))
            .await?;
        let within = within.map(<[String]>::to_vec);
        let rows = client.query(&statement, &[&tenant, &q, &(limit as i64), &within]).await?;
        complete(&**client, rows).await
    }

    pub async fn authorized_of_client(&self, tenant: &str, client_id: &str) -> Result<Vec<Record>, RecordsError> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM consent_records WHERE tenant = $1 AND client_id = $2
                     AND status = 'authorized' ORDER BY created_at, id"
                ),
                &[&tenant, &client_id],
            )
            .await?;
        complete(&**client, rows).await
    }

    pub async fn pending(&self, tenant: &str, since: i64) -> Result<Vec<(String, String, String)>, RecordsError> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT id, login_id, login_state FROM consent_records
                 WHERE tenant = $1 AND status = 'pending' AND created_at >= $2 AND login_state IS NOT NULL",
                &[&tenant, &since],
            )
            .await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect())
    }

    pub async fn count_authorized_of_client(&self, tenant: &str, client_id: &str) -> Result<usize, RecordsError> {
        let row = self
            .pool
            .get()
            .await?
            .query_one(
                "SELECT COUNT(*) FROM consent_records
                 WHERE tenant = $1 AND client_id = $2 AND status = 'authorized' AND payment IS NULL
                   AND (expires_at IS NULL OR expires_at > $3)",
                &[&tenant, &client_id, &super::record::now()],
            )
            .await?;
        Ok(row.get::<_, i64>(0) as usize)
    }

    pub async fn ping(&self) -> Result<(), RecordsError> {
        self.pool.get().await?.execute("SELECT 1", &[]).await?;
        Ok(())
    }
}

/// A record named by its consent (a UK ConsentId) left pending by a flow that failed is flow
/// `d`'s now: the consent is decided again through a new login. It begins again with this
/// flow (who, for whom, what the screen showed), the rest written by the caller.
async fn take_over(tx: &deadpool_postgres::Transaction<'_>, d: &Draft, now: i64) -> Result<(), RecordsError> {
    let Some(id) = &d.id else { return Ok(()) };
    tx.execute(
        "UPDATE consent_records SET login_id = $3, created_at = $4, subject = $5, customer = $6, client_name = $7,
           client_logo = $8, warned = $9
         WHERE id = $1 AND tenant = $2 AND status = 'pending' AND login_id <> $3",
        &[
            id,
            &d.tenant,
            &d.login_id,
            &now,
            &d.subject,
            &d.customer,
            &d.client_name,
            &d.client_logo,
            &warned_to_text(d.warned.as_ref()),
        ],
    )
    .await?;
    Ok(())
}

/// Inserts the record of flow `d` as `status`, unless the flow has one already (another
/// submission, or another replica, got there first): 1 when inserted, 0 when not. A pending
/// record keeps the flow's `login_state`.
async fn insert_new(
    tx: &deadpool_postgres::Transaction<'_>,
    id: &str,
    d: &Draft,
    status: Status,
    now: i64,
) -> Result<u64, RecordsError> {
    let login_state = if status == Status::Pending { d.login_state.as_deref() } else { None };
    let payment = d.payment.as_ref().map(PaymentRecord::to_text);
    let inserted = tx
        .execute(
            "INSERT INTO consent_records (id, tenant, workspace, login_id, subject, customer, client_id,
               client_name, client_logo, scopes, claims, status, created_at, updated_at, expires_at, login_state,
               payment, scope_names, warned)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15, $16, $17, $18)
             ON CONFLICT (tenant, login_id) DO NOTHING",
            &[
                &id,
                &d.tenant,
                &d.workspace,
                &d.login_id,
                &d.subject,
                &d.customer,
                &d.client_id,
                &d.client_name,
                &d.client_logo,
                &json(&d.scopes),
                &json(&d.claims),
                &status.as_str(),
                &now,
                &d.expires_at,
                &login_state,
                &payment,
                &names_to_text(&d.scope_names),
                &warned_to_text(d.warned.as_ref()),
            ],
        )
        .await?;
    Ok(inserted)
}

/// Record `id`'s accounts, now exactly `accounts` (a retry, or a Deny, says them again).
async fn replace_accounts(
    tx: &deadpool_postgres::Transaction<'_>,
    id: &str,
    accounts: &[String],
) -> Result<(), RecordsError> {
    tx.execute("DELETE FROM consent_accounts WHERE record_id = $1", &[&id]).await?;
    insert_accounts(tx, id, accounts).await
}

async fn insert_accounts(
    tx: &deadpool_postgres::Transaction<'_>,
    id: &str,
    accounts: &[String],
) -> Result<(), RecordsError> {
    if accounts.is_empty() {
        return Ok(());
    }
    tx.execute(
        "INSERT INTO consent_accounts (record_id, account_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING",
        &[&id, &accounts],
    )
    .await?;
    Ok(())
}

/// Adds `e` to record `id`'s history.
async fn event(tx: &deadpool_postgres::Transaction<'_>, id: &str, e: &Event) -> Result<(), RecordsError> {
    tx.execute(
        "INSERT INTO consent_events (record_id, at, kind, actor, actor_name, reason) VALUES ($1, $2, $3, $4, $5, $6)",
        &[&id, &e.at, &e.kind, &e.by.as_str(), &e.by_name, &e.reason],
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_this_machine_may_be_reached_without_tls() {
        let local = |url: &str| super::is_local(&url.parse().unwrap());
        assert!(local("postgres://assent@localhost/assent"));
        assert!(local("postgres://assent@127.0.0.1:5432/assent"));
        assert!(local("host=/var/run/postgresql user=assent"));
        assert!(local("host=localhost hostaddr=127.0.0.1 user=assent"));
        // Named this machine, connecting to another: another machine.
        assert!(!local("host=localhost hostaddr=10.0.0.5 user=assent"));
        assert!(!local("postgres://assent@pg.internal/assent"));
        assert!(!local("host=localhost,pg.internal user=assent"));
    }
}
