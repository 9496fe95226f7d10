//! Opening SQLite the same way everywhere: one connection behind a lock (statements take
//! microseconds), a busy timeout, WAL and the caller's schema. The data directory and the
//! database files are private to Assent's user (0700 and 0600), whatever the umask: they hold
//! users' tokens, the sandbox's signing key and client secrets.

use rusqlite::Connection;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

/// Creates `dir` if needed and makes it private (0700).
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Makes the database file private (0600) before SQLite opens it; SQLite creates its WAL and
/// shared-memory files with the same permissions.
fn private_file(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        std::fs::OpenOptions::new().create(true).append(true).mode(0o600).open(path)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

pub fn open(path: &Path, schema: &str) -> rusqlite::Result<Mutex<Connection>> {
    private_file(path).map_err(|e| {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN), Some(e.to_string()))
    })?;
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
