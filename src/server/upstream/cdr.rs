//! Australian CDR arrangements: the consent page's API
//! (`/{tid}/system/cdr/cdr-arrangement/{login}`, reference §1c) and the management API of a
//! workspace's arrangements (`/{tid}/system/servers/{wid}/cdr/arrangements`, §1d (2')), both
//! under the prefix the System client's issuer gives (§0.3), as the UK's; and the System API's
//! client list, which names the recipients the management list gives only by id.

use super::consent_page::{Decide, Page};
use super::{at, Upstream, UpstreamError};
use crate::server::observe::Endpoint;
use crate::wire::cdr::{
    AcceptCDRConsentRequest, CDRArrangements, CDRConsentsRequest, GetCDRConsentResponse, RejectCDRConsentRequest,
    SystemClients,
};
use crate::wire::RedirectTo;
use reqwest::Method;
use url::Url;

/// `{base}/{tid}/system/cdr/cdr-arrangement/{login}`
const PAGE: Page = Page {
    segments: ["cdr", "cdr-arrangement"],
    get: Endpoint::CdrArrangement,
    accept: Endpoint::CdrAccept,
    reject: Endpoint::CdrReject,
};

impl Upstream {
    /// Lists and revokes the CDR arrangements of `workspace` in the portal and the console.
    pub fn with_cdr(mut self, workspace: &str) -> Self {
        self.cdr_workspace = Some(workspace.to_string());
        self
    }

    pub fn cdr_workspace(&self) -> Option<&str> {
        self.cdr_workspace.as_deref()
    }

    /// `{base}/{tid}/system/servers/{wid}/cdr/arrangements[/{id}]`
    fn cdr_arrangements_url(&self, id: Option<&str>) -> Result<Url, UpstreamError> {
        let wid = self.cdr_workspace.as_deref().ok_or(UpstreamError::Status {
            status: 404,
            body: None,
            retry_after: None,
        })?;
        let list = at(&self.prefixes.consent_api, &["servers", wid, "cdr", "arrangements"])?;
        match id {
            Some(id) => at(&list, &[id]),
            None => Ok(list),
        }
    }

    /// `GET {base}/{tid}/system/cdr/cdr-arrangement/{login}?login_state=…`
    pub async fn cdr_arrangement(
        &self,
        login_id: &str,
        login_state: &str,
    ) -> Result<GetCDRConsentResponse, UpstreamError> {
        self.page_get(&PAGE, login_id, login_state).await
    }

    /// `POST {base}/{tid}/system/cdr/cdr-arrangement/{login}/accept`
    pub async fn accept_cdr(
        &self,
        login_id: &str,
        body: &AcceptCDRConsentRequest,
    ) -> Result<RedirectTo, UpstreamError> {
        self.page_decide(&PAGE, login_id, Decide::Accept, body).await
    }

    /// `POST {base}/{tid}/system/cdr/cdr-arrangement/{login}/reject`
    pub async fn reject_cdr(
        &self,
        login_id: &str,
        body: &RejectCDRConsentRequest,
    ) -> Result<RedirectTo, UpstreamError> {
        self.page_decide(&PAGE, login_id, Decide::Reject, body).await
    }

    /// `POST {base}/{tid}/system/servers/{wid}/cdr/arrangements` with `CDRConsentsRequest`: the
    /// arrangements of `customer_id` that share any of `account_ids`, every page of them.
    pub async fn cdr_arrangements_of(
        &self,
        customer_id: &str,
        account_ids: &[String],
    ) -> Result<CDRArrangements, UpstreamError> {
        if customer_id.is_empty() {
            return Ok(CDRArrangements::default());
        }
        self.cdr_arrangements(Some(customer_id), account_ids).await
    }

    /// The same list of every customer's arrangements sharing any of `account_ids`: a joint
    /// account's, whichever holder gave them.
    pub async fn cdr_arrangements_sharing(&self, account_ids: &[String]) -> Result<CDRArrangements, UpstreamError> {
        self.cdr_arrangements(None, account_ids).await
    }

    async fn cdr_arrangements(
        &self,
        customer_id: Option<&str>,
        account_ids: &[String],
    ) -> Result<CDRArrangements, UpstreamError> {
        let url = self.cdr_arrangements_url(None)?;
        if account_ids.is_empty() {
            return Ok(CDRArrangements::default());
        }
        let arrangements = super::pages::all_pages(
            |after| {
                let body = CDRConsentsRequest {
                    accounts: account_ids.to_vec(),
                    customer_id: customer_id.map(str::to_string),
                    limit: Some(super::pages::LIST_PAGE),
                    after_consent_id: after,
                    ..CDRConsentsRequest::default()
                };
                let url = url.clone();
                async move {
                    let page: CDRArrangements =
                        self.system_call(Endpoint::CdrList, Method::POST, url, &[], Some(&body)).await?;
                    Ok(page.arrangements)
                }
            },
            |a| a.cdr_arrangement_id.as_str(),
        )
        .await?;
        Ok(CDRArrangements { arrangements })
    }

    /// `DELETE {base}/{tid}/system/servers/{wid}/cdr/arrangements/{id}` (204), renewing the
    /// System token once on a 401 or 403. `false` when the API does not know the arrangement
    /// (404): revoked before, or not an arrangement at all.
    pub async fn revoke_cdr_arrangement(&self, arrangement_id: &str) -> Result<bool, UpstreamError> {
        let url = self.cdr_arrangements_url(Some(arrangement_id))?;
        self.delete_with_system_token(Endpoint::CdrRevoke, url, None::<&()>).await
    }
}

impl Upstream {
    /// `GET {base}/api/system/{tid}/clients/{wid}` (scope `view_clients`): the names and logos
    /// of the workspace's applications.
    pub async fn system_clients(&self, workspace: &str) -> Result<SystemClients, UpstreamError> {
        let url = at(&self.prefixes.system_api, &["clients", workspace])?;
        self.system_call(Endpoint::SystemClients, Method::GET, url, &[], None::<&()>).await
    }
}
