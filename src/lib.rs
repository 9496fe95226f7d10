//! Assent: a consent experience for OAuth 2.0 / OpenID Connect authorization servers.
//!
//! The view layer (`app`, `pages`, `islands`, `model`, `error`) compiles for both the server
//! and the browser. `api` holds the server functions: their bodies, the only calls Assent makes
//! to the authorization server and the bank for a user, exist only on the server; the browser
//! gets their clients. Everything that holds a secret or touches a database lives in `server`
//! and `sandbox`, which exist only with the `ssr` feature.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
// Release builds (no `erase_components`) spell out the whole view type of a page; the portal's
// is deeper than the default limit of 128.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
#[cfg(feature = "ssr")]
pub mod cookies;
pub mod error;
pub mod i18n;
pub mod islands;
#[cfg(feature = "ssr")]
pub mod listen;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod request;

#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod sandbox;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod sqlite;
#[cfg(feature = "ssr")]
pub mod wire;

/// Browser entry point: hydrate only the interactive islands, the rest stays server HTML.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_islands();
}
