//! One integration-test binary: Assent and its embedded sandbox on ports chosen by the OS,
//! driven over real HTTP the way a browser and a client application would.

mod common;
mod consent_flow;
mod crash;
mod faults;
mod fdx;
mod fdx_consent;
mod hardening;
mod oidc_client;
mod ops;
mod portal_flow;
mod props;
mod replicas;
