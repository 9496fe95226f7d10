//! UK Open Banking account access: the consent page's API
//! (`/{tid}/system/open-banking/account-access-consent/{login}`, reference §1c) and the
//! management API of a workspace's consents (`/{tid}/system/servers/{wid}/open-banking/consents`,
//! §1d (2')), both under the prefix the System client's issuer gives (§0.3), as FDX's.

use super::{at, Status, Upstream, UpstreamError};
use crate::server::observe::Endpoint;
use crate::wire::obuk::{AcceptConsentRequest, GetAccountAccessConsentResponse};
use crate::wire::obuk_consents::OBUKConsents;
use crate::wire::{RedirectTo, RejectScopeGrant};
use reqwest::Method;
use url::Url;

impl Upstream {
    /// Lists and revokes the UK consents of `workspace` in the portal.
    pub fn with_obuk(mut self, workspace: &str) -> Self {
        self.obuk_workspace = Some(workspace.to_string());
        self
    }

    pub fn obuk_workspace(&self) -> Option<&str> {
        self.obuk_workspace.as_deref()
    }

    /// `{base}/{tid}/system/open-banking/account-access-consent/{login}[/{action}]`
    fn obuk_login_url(&self, login: &str, action: Option<&str>) -> Result<Url, UpstreamError> {
        let consent = at(&self.base, &[&self.tenant, "system", "open-banking", "account-access-consent", login])?;
        match action {
            Some(action) => at(&consent, &[action]),
            None => Ok(consent),
        }
    }

    /// `{base}/{tid}/system/servers/{wid}/open-banking/consents[/{id}]`
    fn obuk_consents_url(&self, id: Option<&str>) -> Result<Url, UpstreamError> {
        let wid = self.obuk_workspace.as_deref().ok_or(UpstreamError::Status {
            status: 404,
            body: None,
            retry_after: None,
        })?;
        let list = at(&self.base, &[&self.tenant, "system", "servers", wid, "open-banking", "consents"])?;
        match id {
            Some(id) => at(&list, &[id]),
            None => Ok(list),
        }
    }

    /// `GET {base}/{tid}/system/open-banking/account-access-consent/{login}?login_state=…`
    pub async fn obuk_consent(
        &self,
        login_id: &str,
        login_state: &str,
    ) -> Result<GetAccountAccessConsentResponse, UpstreamError> {
        let url = self.obuk_login_url(login_id, None)?;
        self.system_call(Endpoint::ObukConsent, Method::GET, url, &[("login_state", login_state)], None::<&()>).await
    }

    /// `POST {base}/{tid}/system/open-banking/account-access-consent/{login}/accept`
    pub async fn accept_obuk(&self, login_id: &str, body: &AcceptConsentRequest) -> Result<RedirectTo, UpstreamError> {
        let url = self.obuk_login_url(login_id, Some("accept"))?;
        self.system_call(Endpoint::ObukAccept, Method::POST, url, &[], Some(body)).await
    }

    /// `POST {base}/{tid}/system/open-banking/account-access-consent/{login}/reject`
    pub async fn reject_obuk(&self, body: &RejectScopeGrant) -> Result<RedirectTo, UpstreamError> {
        let url = self.obuk_login_url(&body.id, Some("reject"))?;
        self.system_call(Endpoint::ObukReject, Method::POST, url, &[], Some(body)).await
    }

    /// `GET {base}/{tid}/system/servers/{wid}/open-banking/consents?accounts=…`: the UK consents
    /// sharing any of these accounts.
    pub async fn obuk_consents_of_accounts(&self, account_ids: &[String]) -> Result<OBUKConsents, UpstreamError> {
        let url = self.obuk_consents_url(None)?;
        if account_ids.is_empty() {
            return Ok(OBUKConsents::default());
        }
        let query: Vec<(&str, &str)> = account_ids.iter().map(|a| ("accounts", a.as_str())).collect();
        self.system_call(Endpoint::ObukList, Method::GET, url, &query, None::<&()>).await
    }

    /// `DELETE {base}/{tid}/system/servers/{wid}/open-banking/consents/{id}` (204), renewing
    /// the System token once on a 401.
    pub async fn revoke_obuk_consent(&self, consent_id: &str) -> Result<(), UpstreamError> {
        let url = self.obuk_consents_url(Some(consent_id))?;
        let mut renewed = false;
        loop {
            let token = self.system_token().await?;
            let request = self.http.delete(url.clone()).bearer_auth(token.expose());
            match self.expect_gone(Endpoint::ObukRevoke, request).await? {
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
