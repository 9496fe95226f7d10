//! OAuth 2.0 / OpenID Connect endpoints of a sandbox workspace, one file each: discovery and
//! JWKS, authorize with a sign-in page, PAR (RFC 9126), token, introspection (RFC 7662),
//! revocation (RFC 7009), userinfo and dynamic client registration (RFC 7591). What a consent
//! regime adds, they ask the workspace's profile (`profile`).

pub mod authorize;
pub mod discovery;
pub mod introspect;
pub mod issue;
pub mod login;
pub mod par;
pub mod registration;
pub mod request;
pub mod revoke;
pub mod token;
pub mod userinfo;
