//! The OAuth core's shared vocabulary, below the endpoints and the consent profiles: what an
//! authorization request, a code and a consent decision are; how a client authenticates (with a signed assertion too); what
//! introspection says of any active token; and the login a consent page works on.

pub mod client_assertion;
pub mod client_auth;
pub mod consent_session;
pub mod introspection;
pub mod request;
