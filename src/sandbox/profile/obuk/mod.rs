//! The UK Open Banking profile (account access): the recipient's consent resource and its
//! rules (`consent`), the consent-page API (`consent_page`, reference §1c), the management API
//! (`management`, §1d (2')) and the profile the OAuth core calls (`profile`).

pub mod consent;
pub mod consent_page;
pub mod management;
pub mod profile;
