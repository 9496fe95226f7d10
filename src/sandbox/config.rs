//! How the sandbox is started: its addresses, data directory and consent page
//! ([`SandboxConfig`]), and what can go wrong starting it ([`SandboxError`]).

use crate::sandbox::store::DbError;
use std::net::SocketAddr;
use std::path::PathBuf;

/// The only tenant the sandbox serves.
pub const TENANT: &str = "default";
/// How long a login (authorization request awaiting sign-in and consent) lives.
pub const LOGIN_TTL: i64 = 600;

/// Where the sandbox listens, keeps its data, and sends browsers for consent.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub consent_url: String,
    /// The mutual-TLS listener's address, when configured (`SANDBOX_MTLS_ADDR`).
    pub mtls_addr: Option<SocketAddr>,
    /// What each of its listeners lets clients take.
    pub limits: crate::listen::Limits,
    /// `SANDBOX_CLIENT_CA`: a PEM bundle of CAs whose client certificates `tls_client_auth`
    /// clients may present, besides the local CA.
    pub client_ca: Option<PathBuf>,
}

/// Default address of the mutual-TLS listener (`SANDBOX_MTLS_ADDR`).
pub const DEFAULT_MTLS_ADDR: &str = "127.0.0.1:3443";

impl SandboxConfig {
    /// Where the mutual-TLS listener goes: the configured address if any, else a port the OS
    /// picks when the main listener's port is 0 (tests), else [`DEFAULT_MTLS_ADDR`].
    pub fn mtls_addr(&self) -> Result<SocketAddr, SandboxError> {
        match self.mtls_addr {
            Some(addr) => Ok(addr),
            None if self.addr.port() == 0 => Ok(SocketAddr::new(self.addr.ip(), 0)),
            None => DEFAULT_MTLS_ADDR.parse().map_err(|e| SandboxError::Seed(format!("{e}"))),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("cannot listen on {0}: {1}")]
    Listen(SocketAddr, std::io::Error),
    #[error("cannot use the data directory {0}: {1}")]
    DataDir(PathBuf, std::io::Error),
    #[error("sandbox database: {0}")]
    Db(#[from] DbError),
    #[error("sandbox signing key: {0}")]
    Key(String),
    #[error("sandbox seed: {0}")]
    Seed(String),
    #[error("sandbox TLS: {0}")]
    Tls(String),
}
