//! Consent profiles: what each regime adds to the OAuth core (see [`api::ConsentProfile`]).
//! Generic scope grants, the generic Open Banking profile, FDX, UK Open Banking and the CDR
//! each live in their own files;
//! a workspace picks one in the seed.

pub mod api;
pub mod cdr;
pub mod consent_page;
pub mod fdx;
pub mod obuk;
pub mod open_banking;
pub mod scope_grants;
pub mod select;

pub use select::{of, routes};
