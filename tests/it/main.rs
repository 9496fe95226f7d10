//! One integration-test binary: Assent and its embedded sandbox on ports chosen by the OS,
//! driven over real HTTP the way a browser and a client application would. `assent/` tests
//! Assent (the consent screens, the portal, delivery, operations, replicas, faults and its
//! security findings); `sandbox/` tests the embedded authorization server on its own.

mod assent;
mod common;
mod sandbox;
