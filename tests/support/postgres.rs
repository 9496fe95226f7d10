//! A private PostgreSQL cluster for a test or a benchmark: `initdb` into a temporary directory,
//! the server on a free port of its own, stopped on drop. Never a server that happens to run
//! here. Shared by `tests/it` and `examples/bench` (`#[path]`).

// Each user takes what it needs.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A private PostgreSQL cluster.
pub struct Postgres {
    child: Option<Child>,
    pub port: u16,
    dir: tempfile::TempDir,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Debian's PostgreSQL programs (the newest installed), or ones on PATH.
fn pg_bin(name: &str) -> PathBuf {
    let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.flatten().map(|e| e.path().join("bin").join(name)).filter(|p| p.is_file()).collect())
        .unwrap_or_default();
    debian.sort();
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join(name))
        .find(|p| p.is_file());
    debian.pop().or(on_path).unwrap_or_else(|| panic!("{name} is missing: `make test` installs postgresql"))
}

/// PostgreSQL refuses to run as root: as root, its programs run as the `postgres` user (the
/// process itself, so that signals reach the server).
fn as_server_user(program: PathBuf, dir: &std::path::Path) -> Command {
    use std::os::unix::process::CommandExt;
    let mut c = Command::new(program);
    c.current_dir(dir);
    if let Some((uid, gid)) = server_user() {
        c.uid(uid).gid(gid);
    }
    c
}

/// The `postgres` user's ids when this runs as root.
fn server_user() -> Option<(u32, u32)> {
    use std::os::unix::fs::MetadataExt;
    if std::fs::metadata("/proc/self").ok()?.uid() != 0 {
        return None;
    }
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    let line = passwd.lines().find(|l| l.starts_with("postgres:")).expect("no postgres user: install postgresql");
    let fields: Vec<&str> = line.split(':').collect();
    Some((fields[2].parse().ok()?, fields[3].parse().ok()?))
}

impl Postgres {
    pub async fn start() -> Postgres {
        let dir = tempfile::tempdir().unwrap();
        if let Some((uid, gid)) = server_user() {
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).unwrap();
        }
        let init = as_server_user(pg_bin("initdb"), dir.path())
            .arg("-D")
            .arg(dir.path().join("data"))
            .args(["-U", "assent", "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"])
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(init.success(), "initdb failed");
        let mut pg = Postgres { child: None, port: free_port(), dir };
        pg.run().await;
        pg
    }

    async fn run(&mut self) {
        let child = as_server_user(pg_bin("postgres"), self.dir.path())
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-p", &self.port.to_string(), "-c", "listen_addresses=127.0.0.1"])
            .arg("-k")
            .arg(self.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let url = self.url();
            let connect = tokio_postgres::connect(&url, tokio_postgres::NoTls);
            if matches!(tokio::time::timeout(Duration::from_secs(1), connect).await, Ok(Ok(_))) {
                break;
            }
            assert!(Instant::now() < deadline, "postgres did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn url(&self) -> String {
        format!("postgres://assent@127.0.0.1:{}/postgres", self.port)
    }

    /// A client of the test's own, to look at what Assent wrote.
    pub async fn client(&self) -> tokio_postgres::Client {
        let (client, connection) = tokio_postgres::connect(&self.url(), tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        client
    }

    /// Stops the server (fast shutdown: connections are cut).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
            let _ = child.wait();
        }
    }

    pub async fn restart(&mut self) {
        self.stop();
        self.run().await;
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        self.stop();
    }
}
