//! The sandbox's shared state ([`Sandbox`]), what a running one hands its starter
//! ([`SandboxHandle`]), the counters tests read ([`Stats`]) and the faults they inject
//! ([`Fault`]). Handlers get an `Arc<Sandbox>`; every other part of the sandbox reads it here.

use crate::sandbox::bank::data::Bank;
use crate::sandbox::config::TENANT;
use crate::sandbox::consent_bank::ConsentStore;
use crate::sandbox::mtls;
use crate::sandbox::store::{DbError, Store};
use crate::sandbox::throttle::Throttle;
use crate::sandbox::util::now;
use crate::sandbox::workspace::{ClientData, SeedScope, SeedService, UserData, Workspace};
use openidconnect::core::{CoreJsonWebKeySet, CoreRsaPrivateSigningKey};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// A fault the sandbox injects into its System API, for tests of Assent's error handling.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// Answer with this status and an `Error` body.
    Status(u16),
    /// Answer after this delay.
    Delay(Duration),
    /// Answer 200 with a body that is not JSON.
    BadJson,
    /// Answer a POST carrying an idempotency key (a decision) only after this delay, its work
    /// done and its answer kept: the answer a caller loses when it gives up first.
    LateAnswer(Duration),
    /// As [`Fault::LateAnswer`], and the answers kept are given again late too: every try of a
    /// decision loses its answer.
    LateAnswers(Duration),
    /// Start a POST carrying an idempotency key only after this delay: a slow decision, asked
    /// again while it still runs.
    SlowStart(Duration),
}

/// Request counters, read by tests to check Assent's upstream traffic.
#[derive(Debug, Default)]
pub struct Stats {
    pub system_tokens: AtomicU64,
    /// Tokens of the bank's reader (`assent-bank-reader`), for its internal API.
    pub bank_tokens: AtomicU64,
    pub scope_grant_reads: AtomicU64,
    pub scope_grant_decisions: AtomicU64,
    /// Keyed POSTs answered with what the same key was answered before (`idempotency`).
    pub idempotent_replays: AtomicU64,
    /// Passwords checked (an unknown user's attempt is checked against a stand-in hash too).
    pub password_checks: AtomicU64,
    /// Password hashes being computed now, and the most at once.
    pub hashing_now: AtomicU64,
    pub hashing_peak: AtomicU64,
    /// Calls of the Public API's revocation (`DELETE /{tid}/{wid}/clients/{cid}`).
    pub public_revokes: AtomicU64,
    /// Calls of the System API's revocation of a consent's tokens.
    pub consent_revokes: AtomicU64,
}

impl Stats {
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::SeqCst)
    }
}

/// The sandbox's shared state. Fields the outside does not read are visible to the sandbox's
/// own modules only.
pub struct Sandbox {
    pub store: Store,
    pub base_url: String,
    /// `https://host:port` of the mutual-TLS listener.
    pub mtls_base_url: String,
    /// The local CA's certificate (PEM): what clients of the mTLS listener trust.
    pub ca_pem: String,
    /// Whose certificates `tls_client_auth` clients may present.
    pub client_cas: mtls::ClientCas,
    pub(super) data_dir: PathBuf,
    /// Sandbox Bank's ledger: the accounts behind every workspace without a ledger of its own.
    pub bank: Bank,
    /// The ledgers of workspaces that name their own (Hyperscale Bank's), by workspace.
    pub(super) ledgers: BTreeMap<String, Arc<Bank>>,
    /// The demo data recipient's certificate and its mTLS HTTP client.
    pub(super) recipient: Option<(mtls::Identity, reqwest::Client)>,
    pub consent_url: String,
    pub(super) key: CoreRsaPrivateSigningKey,
    pub(super) jwks: CoreJsonWebKeySet,
    /// The keys of workspaces that sign with their own (`own_signing_key`), by workspace.
    pub(super) own_keys: BTreeMap<String, SigningKey>,
    pub(super) workspaces: BTreeMap<String, Workspace>,
    pub(super) http: reqwest::Client,
    pub stats: Stats,
    pub(super) fault: Mutex<Option<Fault>>,
    /// The answers to keyed POSTs, for the same key's next ask (`idempotency`).
    pub(super) replays: crate::sandbox::replays::Replays,
    /// Sign-in throttling (see `throttle`).
    pub throttle: Throttle,
    /// Where the bank reads what a consent covers (`consent_bank`).
    pub(super) consents: OnceLock<Arc<dyn ConsentStore>>,
    /// At most [`HASHING_AT_ONCE`] password hashes at once: each takes 19 MiB and a core.
    pub(super) hashing: tokio::sync::Semaphore,
    /// What an unknown user's password is checked against, so that it costs what a known
    /// user's does.
    pub(super) stand_in_hash: String,
    /// Key of the sign-in forms' anti-forgery tokens (kept in the database across restarts).
    pub(super) form_key: Vec<u8>,
}

/// A signing key and the key set that publishes it.
pub type SigningKey = (CoreRsaPrivateSigningKey, CoreJsonWebKeySet);

/// The cookie that ties a sign-in to the browser that started it.
pub const BROWSER_COOKIE: &str = "sandbox_browser";

/// Password hashes computed at once; more sign-ins wait their turn (up to 5 s, then 503).
pub const HASHING_AT_ONCE: usize = 2;

/// A running sandbox.
pub struct SandboxHandle {
    pub addr: SocketAddr,
    pub base_url: String,
    /// The mutual-TLS listener (token, PAR, introspection, revocation, FDX APIs, bank).
    pub mtls_addr: SocketAddr,
    pub mtls_base_url: String,
    /// Where the local CA's certificate is written (PEM).
    pub ca_path: PathBuf,
    /// Credentials of the System-workspace client Assent uses.
    pub consent_client_id: String,
    pub consent_client_secret: String,
    /// Credentials of the client the mock bank's internal API wants a token of
    /// ([`crate::sandbox::bank::internal::BANK_READER`]).
    pub bank_client_secret: String,
    pub sandbox: Arc<Sandbox>,
}

impl Sandbox {
    /// A `tls_client_auth` certificate for subject `CN=cn, O=org` from the local CA: what a
    /// data recipient registered with that subject presents.
    pub fn issue_client_cert(&self, cn: &str, org: Option<&str>) -> Result<mtls::Identity, String> {
        mtls::issue_client_cert(&self.data_dir, cn, org)
    }

    /// What the sandbox knows about user `subject`, if it is one.
    pub fn user(&self, subject: &str) -> Option<UserData> {
        self.store.user(subject).ok().flatten().and_then(|(_, d)| serde_json::from_str::<UserData>(&d).ok())
    }

    /// The bank customer number of a signed-in user (their username unless seeded otherwise).
    pub fn customer_of(&self, subject: &str) -> String {
        self.user(subject).and_then(|u| u.customer_id).unwrap_or_else(|| subject.to_string())
    }

    /// The staff roles of `subject` (none for customers).
    pub fn roles_of(&self, subject: &str) -> Vec<String> {
        self.user(subject).map(|u| u.roles).unwrap_or_default()
    }

    /// The issuer URL of a workspace.
    pub fn issuer(&self, workspace: &str) -> String {
        format!("{}/{TENANT}/{workspace}", self.base_url)
    }

    /// The accounts behind workspace `wid`'s bank: its own ledger, or Sandbox Bank's.
    pub fn ledger_of(&self, wid: &str) -> &Bank {
        self.ledgers.get(wid).map_or(&self.bank, |ledger| ledger)
    }

    /// The key workspace `wid` signs with, and the key set its `jwks_uri` publishes.
    pub(super) fn signing_of(&self, wid: &str) -> (&CoreRsaPrivateSigningKey, &CoreJsonWebKeySet) {
        match self.own_keys.get(wid) {
            Some((key, jwks)) => (key, jwks),
            None => (&self.key, &self.jwks),
        }
    }

    pub fn workspace(&self, name: &str) -> Option<&Workspace> {
        self.workspaces.get(name)
    }

    /// Every workspace, by name.
    pub fn workspaces(&self) -> impl Iterator<Item = (&str, &Workspace)> {
        self.workspaces.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Looks a scope up in a workspace's catalogue: `(service, scope)`.
    pub fn scope(&self, workspace: &str, name: &str) -> Option<(&SeedService, &SeedScope)> {
        self.workspace(workspace)?
            .services
            .iter()
            .find_map(|svc| svc.scopes.iter().find(|s| s.name == name).map(|s| (svc, s)))
    }

    pub fn client(&self, id: &str) -> Option<(String, Option<String>, ClientData)> {
        let (ws, hash, data) = self.store.client(id).ok()??;
        let data = serde_json::from_str(&data).ok()?;
        Some((ws, hash, data))
    }

    /// Makes the System API and the Public API misbehave (or behave again, with `None`).
    pub fn set_fault(&self, fault: Option<Fault>) {
        *self.fault.lock().unwrap_or_else(|p| p.into_inner()) = fault;
    }

    pub(super) fn fault(&self) -> Option<Fault> {
        self.fault.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Revokes every token issued by the System workspace, as an operator rotating secrets would.
    pub fn revoke_system_tokens(&self) -> Result<usize, DbError> {
        self.store.revoke_all_in_workspace("system")
    }

    /// Expires every System token now, before the expiry its holders were told.
    pub fn expire_system_tokens(&self) -> Result<usize, DbError> {
        self.store.expire_all_in_workspace("system", now())
    }

    /// Hands the bank its consent store (once; later calls are ignored).
    pub fn set_consent_store(&self, store: Arc<dyn ConsentStore>) {
        let _ = self.consents.set(store);
    }
}
