//! The embedded sandbox's authorization server, bank and demo applications on their own.

mod aggregator;
mod banks;
mod crash;
mod fdx;
mod hardening;
mod identity;
mod layout;
mod oidc_client;
