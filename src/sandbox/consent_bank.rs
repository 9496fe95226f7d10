//! Where the mock bank reads what a consent covers: Assent's own consent records, handed over
//! in process ([`Sandbox::set_consent_store`](crate::sandbox::Sandbox::set_consent_store)), as a
//! bank's API would read the records database it shares with its consent application.

use std::future::Future;
use std::pin::Pin;

/// Where the bank reads what a consent covers.
pub trait ConsentStore: Send + Sync {
    /// The accounts of consent `id` while it is authorized; `None` when it is not (unknown,
    /// pending, revoked, expired) or cannot be read.
    fn authorized_accounts(&self, id: String) -> Pin<Box<dyn Future<Output = Option<Vec<String>>> + Send + '_>>;
}
