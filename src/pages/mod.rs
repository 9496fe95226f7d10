//! The pages. Each takes its typed view as a prop; none fetches anything itself (the server
//! calls the server functions before it renders).

mod cdr;
mod consent;
mod console;
mod error;
mod fdx;
mod home;
mod obuk;
mod obuk_payment;
mod parts;
mod portal;

pub use cdr::CdrArrangementPage;
pub use consent::ConsentPage;
pub use console::{ConsolePage, ConsoleRecordPage, ConsoleSignedOutPage};
pub use error::ErrorPage;
pub use fdx::FdxConsentPage;
pub use home::HomePage;
pub use obuk::ObukConsentPage;
pub use obuk_payment::DomesticPaymentPage;
pub use portal::{PortalPage, RevokePage, SignedOutPage};
