//! The System Identity API's users of identity pools (reference §1d (4)), as far as a consent
//! store needs them: create, read, update and list with a query (`api`, matching in `query`),
//! kept in the sandbox's SQLite; and the bank's view of a pool that holds consent records
//! (`consents`). Which pools exist is the seed's: a workspace's `identity_pool`.

mod api;
mod consents;
mod query;

pub use api::routes;
pub use consents::PoolConsents;
