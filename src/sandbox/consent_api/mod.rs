//! The System and Public APIs a consent application calls, whatever the workspace's profile:
//! the scope-grant consent page (reference §1b), token revocation by consent (§1d (1')), and
//! the Public API's list and revocation of a user's applications, and the System API's list
//! of a workspace's clients.

pub mod public_api;
pub mod scope_grants;
pub mod system_clients;
pub mod system_tokens;
