//! The bank's internal API: the customer's accounts, for the consent screens and the portal.
//! A workspace may have a bank of its own (`bank_url` in `ASSENT_CONFIG`): its consent page
//! lists that bank's accounts; every other workspace's, `BANK_URL`'s.

use super::{at, Upstream, UpstreamError, WorkspaceBank};
use crate::server::config::default_account_scopes;
use crate::server::observe::Endpoint;
use crate::wire::InternalAccounts;
use reqwest::Method;
use url::Url;

/// The bank behind one workspace's consent page.
pub struct BankOf<'a> {
    /// `{url}/internal/accounts?customer_id=…`
    pub url: &'a Url,
    /// The `authentication_context` claim holding the customer id; the subject when unset.
    pub id_claim: Option<&'a str>,
    /// Scopes that share accounts (`ACCOUNT_SCOPES`).
    pub account_scopes: &'a [String],
}

static DEFAULT_SCOPES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();

impl Upstream {
    /// Gives `workspace` a bank of its own.
    pub fn with_workspace_bank(mut self, workspace: &str, bank: WorkspaceBank) -> Self {
        self.banks.insert(workspace.to_string(), bank);
        self
    }

    /// The bank of `workspace`: its own, or `BANK_URL`'s; `None` when there is neither.
    pub fn bank_of(&self, workspace: &str) -> Option<BankOf<'_>> {
        let fdx = self.fdx.as_ref();
        let account_scopes = match fdx {
            Some(f) => f.account_scopes.as_slice(),
            None => DEFAULT_SCOPES.get_or_init(default_account_scopes).as_slice(),
        };
        let fallback_claim = fdx.and_then(|f| f.id_claim.as_deref());
        match self.banks.get(workspace) {
            Some(own) => {
                Some(BankOf { url: &own.url, id_claim: own.id_claim.as_deref().or(fallback_claim), account_scopes })
            }
            None => fdx.map(|f| BankOf { url: &f.bank_url, id_claim: fallback_claim, account_scopes }),
        }
    }

    /// The internal API of `workspace`'s own bank, when it has one (not `BANK_URL`'s).
    pub fn own_bank(&self, workspace: &str) -> Option<&Url> {
        self.banks.get(workspace).map(|b| &b.url)
    }

    /// `GET {BANK_URL}/internal/accounts?customer_id=…`: the customer's accounts, with the
    /// System token (`read_internal_accounts`) and the client certificate when one is set.
    pub async fn bank_accounts(&self, customer_id: &str) -> Result<InternalAccounts, UpstreamError> {
        let url = self.fdx_or_off()?.bank_url.clone();
        self.accounts_at(&url, customer_id).await
    }

    /// The same of the bank at `bank` (a workspace's own, see [`Upstream::bank_of`]).
    pub async fn accounts_at(&self, bank: &Url, customer_id: &str) -> Result<InternalAccounts, UpstreamError> {
        let url = at(bank, &["internal", "accounts"])?;
        self.system_call(Endpoint::BankAccounts, Method::GET, url, &[("customer_id", customer_id)], None::<&()>).await
    }
}
