//! The FDX (Open Finance) profile: consents made by PAR with `fdx_v1.0` authorization details
//! (`consent`), the consent-page API (`consent_page`, reference §1c), the management API
//! (`management`, §1d(2)), the recipient's consent resource APIs and FDX token introspection
//! (`recipient`, §1d(2''), §1e), and the profile the OAuth core calls (`profile`).

pub mod consent;
pub mod consent_page;
pub mod management;
pub mod profile;
pub mod recipient;
