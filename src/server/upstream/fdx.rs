//! Open Finance (FDX): the consent page's API (`/{tid}/system/fdx/fdx/{login}`) and the
//! management API of a workspace's consents (`/{tid}/system/servers/{wid}/fdx/consents`).

use super::consent_page::{Decide, Page};
use super::{at, Upstream, UpstreamError};
use crate::server::observe::Endpoint;
use crate::wire::{
    AcceptFDXConsentRequest, FDXConsentRevocation, FDXConsents, FDXConsentsRequest, FDXResourceFilter,
    GetFDXConsentResponse, RedirectTo, RejectScopeGrant,
};
use reqwest::Method;
use url::Url;

/// `{base}/{tid}/system/fdx/fdx/{login}`
const PAGE: Page = Page {
    segments: ["fdx", "fdx"],
    get: Endpoint::FdxConsent,
    accept: Endpoint::FdxAccept,
    reject: Endpoint::FdxReject,
};

/// Open Finance (FDX): where the bank's internal API is, and the workspace of the FDX consents.
#[derive(Clone, Debug)]
pub struct Fdx {
    /// `{BANK_URL}`.
    pub bank_url: Url,
    /// The workspace (authorization server) id of the FDX consents.
    pub workspace: String,
    /// The `authentication_context` claim holding the bank's customer id; the subject when unset.
    pub id_claim: Option<String>,
    /// Scope-grant scopes that share accounts (`ACCOUNT_SCOPES`).
    pub account_scopes: Vec<String>,
}

impl Upstream {
    /// Turns on Open Finance (FDX) consents.
    pub fn with_fdx(mut self, fdx: Fdx) -> Self {
        self.fdx = Some(fdx);
        self
    }

    pub fn fdx(&self) -> Option<&Fdx> {
        self.fdx.as_ref()
    }

    pub(super) fn fdx_or_off(&self) -> Result<&Fdx, UpstreamError> {
        self.fdx.as_ref().ok_or(UpstreamError::Status { status: 404, body: None, retry_after: None })
    }

    /// `{base}/{tid}/system/servers/{wid}/fdx/consents[/{id}]`
    fn fdx_consents_url(&self, id: Option<&str>) -> Result<Url, UpstreamError> {
        let fdx = self.fdx_or_off()?;
        let list = at(&self.prefixes.consent_api, &["servers", &fdx.workspace, "fdx", "consents"])?;
        match id {
            Some(id) => at(&list, &[id]),
            None => Ok(list),
        }
    }

    /// `GET {base}/{tid}/system/fdx/fdx/{login}?login_state=…`
    pub async fn fdx_consent(&self, login_id: &str, login_state: &str) -> Result<GetFDXConsentResponse, UpstreamError> {
        self.fdx_or_off()?;
        self.page_get(&PAGE, login_id, login_state).await
    }

    /// `POST {base}/{tid}/system/fdx/fdx/{login}/accept`
    pub async fn accept_fdx(
        &self,
        login_id: &str,
        body: &AcceptFDXConsentRequest,
    ) -> Result<RedirectTo, UpstreamError> {
        self.page_decide(&PAGE, login_id, Decide::Accept, body).await
    }

    /// `POST {base}/{tid}/system/fdx/fdx/{login}/reject`
    pub async fn reject_fdx(&self, body: &RejectScopeGrant) -> Result<RedirectTo, UpstreamError> {
        self.page_decide(&PAGE, &body.id, Decide::Reject, body).await
    }

    /// `POST {base}/{tid}/system/servers/{wid}/fdx/consents`: the FDX consents granting any of
    /// these accounts.
    pub async fn fdx_consents_of_accounts(&self, account_ids: &[String]) -> Result<FDXConsents, UpstreamError> {
        let url = self.fdx_consents_url(None)?;
        if account_ids.is_empty() {
            return Ok(FDXConsents::default());
        }
        let consents = super::pages::all_pages(
            |after| {
                let body = FDXConsentsRequest {
                    resource: Some(FDXResourceFilter { resource_type: "ACCOUNT".into(), ids: account_ids.to_vec() }),
                    limit: Some(super::pages::LIST_PAGE),
                    after_consent_id: after,
                    ..FDXConsentsRequest::default()
                };
                let url = url.clone();
                async move {
                    let page: FDXConsents =
                        self.system_call(Endpoint::FdxList, Method::POST, url, &[], Some(&body)).await?;
                    Ok(page.consents)
                }
            },
            |c| c.id.as_str(),
        )
        .await?;
        Ok(FDXConsents { consents })
    }

    /// `DELETE {base}/{tid}/system/servers/{wid}/fdx/consents/{id}`, by the customer
    /// (`INDIVIDUAL` / `USER_ACTION`) or by the bank (`DATA_PROVIDER` / `BUSINESS_RULE`: its
    /// staff), renewing the System token once on a 401 or 403. `true` when the consent is
    /// revoked now (204) or had ended already (409: not authorised any more); `false` when the
    /// server does not know it (404: never an FDX consent, or gone).
    pub async fn revoke_fdx_consent(&self, consent_id: &str, by_bank: bool) -> Result<bool, UpstreamError> {
        let url = self.fdx_consents_url(Some(consent_id))?;
        let (initiator, reason) =
            if by_bank { ("DATA_PROVIDER", "BUSINESS_RULE") } else { ("INDIVIDUAL", "USER_ACTION") };
        let body = FDXConsentRevocation { initiator: initiator.into(), reason: reason.into() };
        match self.delete_with_system_token(Endpoint::FdxRevoke, url, Some(&body)).await {
            Err(UpstreamError::Status { status: 409, .. }) => Ok(true),
            other => other,
        }
    }
}
