//! Assent: the consent screens, the portal and everything around them.

mod brands;
pub(crate) mod cdr;
mod consent;
pub(crate) mod console;
mod decisions;
mod delivery;
mod faults;
mod fdx_consent;
mod hardening;
mod identity_pool;
mod joint;
mod listeners;
mod logos;
mod logs;
pub(crate) mod obuk;
pub(crate) mod obuk_payment;
mod obuk_payment_books;
mod ops;
mod portal;
mod postgres;
mod props;
mod recipient;
mod records;
mod records_crash;
mod records_settle;
pub(crate) mod replicas;
mod unverified;
