//! The UK Open Banking profile (account access and domestic payments): the recipient's consent
//! resources and their rules (`consent`, `payment`), the consent-page APIs (`consent_page`,
//! `payment_page`, reference §1c), the management API (`management`, §1d (2')) and the profile
//! the OAuth core calls (`profile`).

pub mod consent;
pub mod consent_page;
pub mod management;
pub mod payment;
pub mod payment_page;
pub mod profile;
