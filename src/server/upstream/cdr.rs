//! Australian CDR arrangements: the consent page's API
//! (`/{tid}/system/cdr/cdr-arrangement/{login}`, reference §1c) and the management API of a
//! workspace's arrangements (`/{tid}/system/servers/{wid}/cdr/arrangements`, §1d (2')), both
//! under the prefix the System client's issuer gives (§0.3), as the UK's; and the System API's
//! client list, which names the recipients the management list gives only by id.

use super::{at, Status, Upstream, UpstreamError};
use crate::server::observe::Endpoint;
use crate::wire::cdr::{
    AcceptCDRConsentRequest, CDRArrangements, CDRConsentsRequest, GetCDRConsentResponse, RejectCDRConsentRequest,
    SystemClients,
};
use crate::wire::RedirectTo;
use reqwest::Method;
use url::Url;

impl Upstream {
    /// Lists and revokes the CDR arrangements of `workspace` in the portal and the console.
    pub fn with_cdr(mut self, workspace: &str) -> Self {
        self.cdr_workspace = Some(workspace.to_string());
        self
    }

    pub fn cdr_workspace(&self) -> Option<&str> {
        self.cdr_workspace.as_deref()
    }

    /// `{base}/{tid}/system/cdr/cdr-arrangement/{login}[/{action}]`
    fn cdr_login_url(&self, login: &str, action: Option<&str>) -> Result<Url, UpstreamError> {
        let page = at(&self.base, &[&self.tenant, "system", "cdr", "cdr-arrangement", login])?;
        match action {
            Some(action) => at(&page, &[action]),
            None => Ok(page),
        }
    }

    /// `{base}/{tid}/system/servers/{wid}/cdr/arrangements[/{id}]`
    fn cdr_arrangements_url(&self, id: Option<&str>) -> Result<Url, UpstreamError> {
        let wid = self.cdr_workspace.as_deref().ok_or(UpstreamError::Status {
            status: 404,
            body: None,
            retry_after: None,
        })?;
        let list = at(&self.base, &[&self.tenant, "system", "servers", wid, "cdr", "arrangements"])?;
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
        let url = self.cdr_login_url(login_id, None)?;
        self.system_call(Endpoint::CdrArrangement, Method::GET, url, &[("login_state", login_state)], None::<&()>).await
    }

    /// `POST {base}/{tid}/system/cdr/cdr-arrangement/{login}/accept`
    pub async fn accept_cdr(
        &self,
        login_id: &str,
        body: &AcceptCDRConsentRequest,
    ) -> Result<RedirectTo, UpstreamError> {
        let url = self.cdr_login_url(login_id, Some("accept"))?;
        self.system_call(Endpoint::CdrAccept, Method::POST, url, &[], Some(body)).await
    }

    /// `POST {base}/{tid}/system/cdr/cdr-arrangement/{login}/reject`
    pub async fn reject_cdr(
        &self,
        login_id: &str,
        body: &RejectCDRConsentRequest,
    ) -> Result<RedirectTo, UpstreamError> {
        let url = self.cdr_login_url(login_id, Some("reject"))?;
        self.system_call(Endpoint::CdrReject, Method::POST, url, &[], Some(body)).await
    }

    /// `POST {base}/{tid}/system/servers/{wid}/cdr/arrangements` with `CDRConsentsRequest`: the
    /// arrangements of `customer_id` that share any of `account_ids`.
    pub async fn cdr_arrangements_of(
        &self,
        customer_id: &str,
        account_ids: &[String],
    ) -> Result<CDRArrangements, UpstreamError> {
        let url = self.cdr_arrangements_url(None)?;
        if account_ids.is_empty() || customer_id.is_empty() {
            return Ok(CDRArrangements::default());
        }
        let body = CDRConsentsRequest {
            accounts: account_ids.to_vec(),
            customer_id: Some(customer_id.to_string()),
            ..CDRConsentsRequest::default()
        };
        self.system_call(Endpoint::CdrList, Method::POST, url, &[], Some(&body)).await
    }

    /// `DELETE {base}/{tid}/system/servers/{wid}/cdr/arrangements/{id}` (204), renewing the
    /// System token once on a 401.
    pub async fn revoke_cdr_arrangement(&self, arrangement_id: &str) -> Result<(), UpstreamError> {
        let url = self.cdr_arrangements_url(Some(arrangement_id))?;
        let mut renewed = false;
        loop {
            let token = self.system_token().await?;
            let request = self.http.delete(url.clone()).bearer_auth(token.expose());
            match self.expect_gone(Endpoint::CdrRevoke, request).await? {
                Status::Gone => return Ok(()),
                Status::Unauthorized if !renewed => {
                    self.invalidate(&token);
                    renewed = true;
                }
                Status::Unauthorized => {
                    return Err(UpstreamError::Status { status: 401, body: None, retry_after: None })
                }
            }
        }
    }
}

impl Upstream {
    /// `GET {base}/api/system/{tid}/clients/{wid}` (scope `view_clients`): the names and logos
    /// of the workspace's applications.
    pub async fn system_clients(&self, workspace: &str) -> Result<SystemClients, UpstreamError> {
        let url = at(&self.base, &["api", "system", &self.tenant, "clients", workspace])?;
        self.system_call(Endpoint::SystemClients, Method::GET, url, &[], None::<&()>).await
    }
}
