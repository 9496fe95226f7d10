//! The sandbox's SQLite store, by kind of record: the database and seeded things (`db`),
//! sign-in sessions (`sessions`), tokens and grants (`tokens`), FDX consents (`fdx`), identity
//! pools' users (`identity`), UK payments made (`obuk_payments`), client assertions' spent `jti`s (`assertions`), the aggregator
//! demo's records (`aggregator`), what the CDR bank disclosed (`disclosures`), joint account
//! holders' choices on sharing (`joint`).

mod aggregator;
mod assertions;
mod db;
mod disclosures;
mod fdx;
mod identity;
mod joint;
mod obuk_payments;
mod sessions;
mod tokens;

pub use aggregator::{AggregatorPayment, PendingConnection};
pub use db::{DbError, Store};
pub use disclosures::DisclosureRow;
pub use fdx::{FdxConsentRow, FdxDecision};
pub use identity::PoolUserRow;
pub use obuk_payments::PaymentRow;
pub use sessions::{LoginRow, Redeemed};
pub use tokens::{Binding, GrantRow, TokenRow};
