//! The consent records' PostgreSQL schema: its migrations, and the lock replicas migrate under.

/// Migrations, in order; version N is the first N applied.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: records, the accounts each shares, and their events (searchable by customer, subject,
    // application and account).
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
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL,
      expires_at BIGINT,
      UNIQUE (tenant, login_id));
    CREATE INDEX consent_records_subject ON consent_records (tenant, subject, created_at);
    CREATE INDEX consent_records_customer ON consent_records (customer, created_at);
    CREATE INDEX consent_records_client ON consent_records (tenant, client_id, created_at);
    CREATE TABLE consent_accounts (
      record_id TEXT NOT NULL REFERENCES consent_records (id),
      account_id TEXT NOT NULL,
      PRIMARY KEY (record_id, account_id));
    CREATE INDEX consent_accounts_account ON consent_accounts (account_id);
    CREATE TABLE consent_events (
      seq BIGSERIAL PRIMARY KEY,
      record_id TEXT NOT NULL REFERENCES consent_records (id),
      at BIGINT NOT NULL,
      kind TEXT NOT NULL,
      actor TEXT NOT NULL,
      actor_name TEXT,
      reason TEXT);
    CREATE INDEX consent_events_record ON consent_events (record_id, seq);
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

/// The advisory lock replicas take to migrate one at a time.
pub(super) const MIGRATION_LOCK: i64 = 0x4153_5345_4e54_0001;
