//! The embedded sandbox: a local authorization server that speaks the upstream platform's
//! wire formats (tenant `default`, workspaces `demo` and `system`), with a sign-in page, a
//! demo application and SQLite persistence. Assent reaches it only over HTTP, through the
//! same client it uses for a real tenant; it runs on its own listener and origin.
//!
//! Its parts, lowest first (each imports only from the ones before it, never from this file):
//! `util`, `config`, `workspace`, `pages`, `mtls`, `throttle`, `store`, `consent_bank`,
//! `bank::data`; `state`, `signin`; `http`; `authz` (the OAuth core's vocabulary); `profile`
//! (what each consent regime adds: scope grants, Open Banking, FDX); `oauth` (one file per
//! endpoint), `consent_api`, `identity` (identity pools), the bank's APIs; the demo
//! applications (`demo`, `fdx_demo`, `aggregator`); `routes`, `server`.

// Handlers here return `Result<_, Response>` so an error is already the HTTP answer; the
// size of `Response` does not matter on these paths.
#![allow(clippy::result_large_err)]

mod aggregator;
mod authz;
pub mod bank;
mod config;
mod consent_api;
pub mod consent_bank;
mod demo;
mod fdx_demo;
mod http;
mod idempotency;
mod identity;
pub mod mtls;
mod oauth;
mod pages;
mod profile;
mod replays;
mod routes;
mod server;
mod signin;
mod state;
pub mod store;
pub mod throttle;
mod util;
mod workspace;

pub use config::{SandboxConfig, SandboxError, DEFAULT_MTLS_ADDR, LOGIN_TTL, TENANT};
pub use http::{api_error, oauth_error};
pub use routes::router;
pub use server::spawn;
pub use signin::SignInRefusal;
pub use state::{Fault, Sandbox, SandboxHandle, Stats, BROWSER_COOKIE, HASHING_AT_ONCE};
pub use util::{esc, now, random_token, sha256_b64};
pub use workspace::{BankRegime, ClientData, ProfileKind, SeedScope, SeedService, UserData, Workspace};
