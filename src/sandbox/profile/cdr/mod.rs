//! The Australian CDR profile: arrangements made and amended by PAR (`arrangement`), the
//! consent-page API (`consent_page`, reference §1c), the management API (`management`,
//! §1d (2')) and the profile the OAuth core calls (`profile`).

pub mod arrangement;
pub mod consent_page;
pub mod management;
pub mod profile;
