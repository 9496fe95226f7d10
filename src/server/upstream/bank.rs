//! The bank's internal API: the customer's accounts, for the consent screens and the portal.

use super::{at, Upstream, UpstreamError};
use crate::server::observe::Endpoint;
use crate::wire::InternalAccounts;
use reqwest::Method;

impl Upstream {
    /// `GET {BANK_URL}/internal/accounts?customer_id=…`: the customer's accounts, with the
    /// System token (`read_internal_accounts`) and the client certificate when one is set.
    pub async fn bank_accounts(&self, customer_id: &str) -> Result<InternalAccounts, UpstreamError> {
        let url = at(&self.fdx_or_off()?.bank_url, &["internal", "accounts"])?;
        self.system_call(Endpoint::BankAccounts, Method::GET, url, &[("customer_id", customer_id)], None::<&()>).await
    }
}
