//! The bank's internal API: the customer's accounts, for the consent screens and the portal,
//! and what it disclosed under their consents, for the portal (where it keeps such a log), and
//! a joint account holder's choice on its sharing, from the portal.
//! A workspace may have a bank of its own (`bank_url` in `ASSENT_CONFIG`): its consent page
//! lists that bank's accounts; every other workspace's, `BANK_URL`'s.
//!
//! The bank is another party: it gets the token of its own client (`BANK_CLIENT_*`), renewed
//! once on a 401 or 403, or none (the reference's internal API is open to the bank's network;
//! Assent's client certificate goes with every call when one is set). Never the System token.

use super::system::{Credentials, TokenCache};
use super::{at, read_json, Upstream, UpstreamError, WorkspaceBank};
use crate::server::config::{default_account_scopes, BankClient};
use crate::server::observe::Endpoint;
use crate::wire::{Disclosures, InternalAccount, InternalAccounts, JointSharing};
use std::time::Instant;
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
            Some(own) => Some(BankOf {
                url: &own.url,
                id_claim: own.id_claim.as_deref().or(fallback_claim),
                account_scopes: own.account_scopes.as_deref().unwrap_or(account_scopes),
            }),
            None => fdx.map(|f| BankOf { url: &f.bank_url, id_claim: fallback_claim, account_scopes }),
        }
    }

    /// The internal API of `workspace`'s own bank, when it has one (not `BANK_URL`'s).
    pub fn own_bank(&self, workspace: &str) -> Option<&Url> {
        self.banks.get(workspace).map(|b| &b.url)
    }

    /// Calls the banks with a token of `client`'s.
    pub fn with_bank_client(mut self, client: BankClient) -> Self {
        self.bank_client = Some((client, TokenCache::default()));
        self
    }

    /// `GET {bank}/internal/accounts?customer_id=…`: the customer's accounts at the bank at
    /// `bank` (a workspace's own or `BANK_URL`'s, see [`Upstream::bank_of`]), with the bank's
    /// client's token when there is one.
    /// A 4xx other than 429 is [`UpstreamError::BankRefused`]: never read as the flow's own.
    pub async fn accounts_at(&self, bank: &Url, customer_id: &str) -> Result<InternalAccounts, UpstreamError> {
        match self.internal(bank, &["accounts"], customer_id, None, Endpoint::BankAccounts).await {
            Err(UpstreamError::Status { status, .. }) if (400..500).contains(&status) && status != 429 => {
                Err(UpstreamError::BankRefused(status))
            }
            other => other,
        }
    }

    /// `PUT {bank}/internal/accounts/{id}/sharing?customer_id=…`: `customer_id`, a holder of
    /// joint account `account`, allows its sharing or stops it; the account as they now see it.
    pub async fn set_joint_sharing(
        &self,
        bank: &Url,
        customer_id: &str,
        account: &str,
        allowed: bool,
    ) -> Result<InternalAccount, UpstreamError> {
        let choice = JointSharing { allowed };
        let path = ["accounts", account, "sharing"];
        self.internal(bank, &path, customer_id, Some(&choice), Endpoint::BankSharing).await
    }

    /// `GET {bank}/internal/disclosures?customer_id=…`: what the bank at `bank` disclosed under
    /// the customer's consents; `None` from a bank that keeps no such log (404).
    pub async fn disclosures_at(&self, bank: &Url, customer_id: &str) -> Result<Option<Disclosures>, UpstreamError> {
        match self.internal(bank, &["disclosures"], customer_id, None, Endpoint::BankDisclosures).await {
            Err(UpstreamError::Status { status: 404, .. }) => Ok(None),
            other => other.map(Some),
        }
    }

    /// `GET {bank}/internal/{path…}?customer_id=…` (a `PUT` of `choice`, when there is one),
    /// with the bank's client's token when there is one (renewed once on a 401 or 403).
    async fn internal<T: serde::de::DeserializeOwned>(
        &self,
        bank: &Url,
        path: &[&str],
        customer_id: &str,
        choice: Option<&JointSharing>,
        endpoint: Endpoint,
    ) -> Result<T, UpstreamError> {
        let segments: Vec<&str> = std::iter::once("internal").chain(path.iter().copied()).collect();
        let url = at(bank, &segments)?;
        let mut renewed = false;
        loop {
            let request = match choice {
                Some(choice) => self.http.put(url.clone()).json(choice),
                None => self.http.get(url.clone()),
            };
            let mut request = request.query(&[("customer_id", customer_id)]);
            let token = match &self.bank_client {
                Some((client, cache)) => {
                    let who = Credentials {
                        url: client.token_url.clone(),
                        client_id: &client.client_id,
                        client_secret: &client.client_secret,
                        scope: &client.scopes,
                        endpoint: Endpoint::BankToken,
                    };
                    let token = cache.get(self, who).await?;
                    request = request.bearer_auth(token.expose());
                    Some((token, cache))
                }
                None => None,
            };
            let started = Instant::now();
            let response = self.send(request).await;
            self.metrics.observe_upstream(endpoint, started.elapsed());
            let response = response?;
            if let Some((token, cache)) = token.filter(|_| !renewed) {
                if cache.renew_after(&token, response.status()) {
                    renewed = true;
                    continue;
                }
            }
            return read_json(response).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{tests::upstream, Fdx, WorkspaceBank};
    use url::Url;

    /// A workspace's own bank shares accounts under its own scopes when it names them, and
    /// under `ACCOUNT_SCOPES` (or its default) when not; a workspace without a bank of its own
    /// has `BANK_URL`'s.
    #[test]
    fn each_bank_shares_accounts_under_its_own_scopes() {
        let url = |u: &str| Url::parse(u).unwrap();
        let own = |scopes: Option<&[&str]>| WorkspaceBank {
            url: url("https://bank.example/c"),
            id_claim: None,
            account_scopes: scopes.map(|s| s.iter().map(|s| s.to_string()).collect()),
        };
        let u = upstream().with_workspace_bank("c", own(Some(&["transactions"]))).with_workspace_bank("d", own(None));
        assert_eq!(u.bank_of("c").unwrap().account_scopes, ["transactions"]);
        assert_eq!(u.bank_of("d").unwrap().account_scopes, ["accounts"], "the default");
        assert!(u.bank_of("e").is_none(), "no bank there");
        let fdx = Fdx {
            bank_url: url("https://bank.example/main"),
            workspace: "fdx".into(),
            id_claim: None,
            account_scopes: vec!["shared_accounts".into()],
        };
        let u = u.with_fdx(fdx);
        assert_eq!(u.bank_of("c").unwrap().account_scopes, ["transactions"]);
        assert_eq!(u.bank_of("d").unwrap().account_scopes, ["shared_accounts"], "ACCOUNT_SCOPES");
        let e = u.bank_of("e").unwrap();
        assert_eq!(
            (e.url.as_str(), e.account_scopes),
            ("https://bank.example/main", &["shared_accounts".to_string()][..])
        );
    }
}
