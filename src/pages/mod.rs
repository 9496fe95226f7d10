//! Routed pages. They render what the server put in context; they fetch nothing themselves.

mod consent;
mod error;
mod fdx;
mod home;
mod portal;

pub use consent::{ConsentNotice, ConsentPage};
pub use error::ErrorPage;
pub use home::HomePage;
pub use portal::{PortalPage, RevokePage};
