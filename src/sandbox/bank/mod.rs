//! The mock bank (reference §2.6), mounted at `/bank` on both sandbox listeners: its data, the
//! consent page's internal accounts API, and one API per regime: FDX resource APIs and the
//! generic Open Banking accounts API. Which workspace's tokens open which API is the seed's
//! `bank` entry of that workspace.

pub mod books;
pub mod cdr;
pub mod data;
pub mod disclosures;
pub mod fdx;
pub mod internal;
pub mod money;
pub mod obuk;
pub mod open_banking;

pub use data::{Account, Bank, SeedTransaction};
