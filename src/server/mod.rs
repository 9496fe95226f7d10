//! Assent's server side: configuration, the state, the upstream client, CSRF, sessions and
//! the presentation of upstream data. Built only with the `ssr` feature; nothing here
//! reaches the browser. The server functions (`crate::api`) and the HTTP routes
//! (`crate::routes`) are built on it.

pub mod assets;
pub mod cdr;
pub mod config;
pub mod consent;
pub mod console;
pub mod csrf;
pub mod fdx;
pub mod keys;
pub mod logos;
pub mod notice;
pub mod observe;
pub mod obuk;
pub mod obuk_payment;
pub mod portal;
pub mod portal_auth;
pub mod present;
pub mod reconcile;
pub mod records;
pub mod revoke;
pub mod sessions;
mod state;
pub mod theme;
pub mod upstream;

pub use state::{build, AppState, Shared, StartError};
