//! The sandbox's account aggregator ("Assent Aggregator", at `/aggregator`), the quickstart's
//! Financroo made better: one customer's accounts at every Open Banking bank of the sandbox
//! (Go Bank, Hyperscale Bank, and the UK's Albion Bank, connected the UK way), side by side.
//! It registers itself at each bank by DCR at start with `private_key_jwt` (its ES256 key kept
//! in the sandbox store, never sent), connects by PAR with PKCE and state, checks `iss` on the
//! way back (RFC 9207), keeps the tokens server side per user and bank, renews them silently,
//! says when a bank ended a connection, and revokes its tokens on Disconnect. Its own users and
//! sessions, with a form token on each POST.
//!
//! Its parts, lowest first: `client` (the OAuth client of the banks, and each bank's regime),
//! `api` (a bank's resource API with a customer's token), `uk` (a UK bank's account-access
//! consent), `cdr` (a CDR bank's arrangement and shapes), `read` (a bank's data in its
//! regime's shapes, made into the dashboard's), `session`, `links` (the kept tokens and what
//! the banks say with them), `pages`, `authorize` (the way to a bank and back), `payment` (a
//! UK payment), `handlers`.

mod api;
mod authorize;
mod cdr;
mod client;
mod handlers;
mod links;
mod pages;
mod payment;
mod read;
mod session;
mod uk;

pub use handlers::{callback, connect, disconnect, index, pay, sign_in, sign_out, start};
