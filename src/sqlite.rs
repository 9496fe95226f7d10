//! Opening SQLite the same way everywhere: one connection behind a lock (statements take
//! microseconds), a busy timeout, WAL and the caller's schema.

use rusqlite::Connection;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

pub fn open(path: &Path, schema: &str) -> rusqlite::Result<Mutex<Connection>> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")?;
    conn.execute_batch(schema)?;
    Ok(Mutex::new(conn))
}

/// The connection; a panic elsewhere while holding the lock cannot leave SQLite inconsistent.
pub fn lock(conn: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
