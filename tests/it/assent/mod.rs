//! Assent: the consent screens, the portal and everything around them.

mod brands;
mod cdr;
mod consent;
pub(crate) mod console;
mod delivery;
mod faults;
mod fdx_consent;
mod hardening;
mod identity_pool;
mod listeners;
mod obuk;
mod obuk_payment;
mod ops;
mod portal;
mod postgres;
mod props;
mod recipient;
mod records;
mod records_crash;
mod replicas;
