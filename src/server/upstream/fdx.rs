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

/// Open Finance consents asked for per page of the management list, and at most this many
/// pages (5,000 consents) for one customer.
const FDX_PAGE: usize = 100;
const FDX_MAX_PAGES: usize = 50;

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
        let list = at(&self.base, &[&self.tenant, "system", "servers", &fdx.workspace, "fdx", "consents"])?;
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
        // The list answers pages of at most `limit` with no cursor of its own: ask for the page
        // after the last consent seen until a short page. A page with nothing new (a server
        // that ignores the cursor) ends it too, and so does the bound on pages.
        let mut all = FDXConsents::default();
        let mut after: Option<String> = None;
        for _ in 0..FDX_MAX_PAGES {
            let body = FDXConsentsRequest {
                resource: Some(FDXResourceFilter { resource_type: "ACCOUNT".into(), ids: account_ids.to_vec() }),
                limit: Some(FDX_PAGE),
                after_consent_id: after.clone(),
                ..FDXConsentsRequest::default()
            };
            let page: FDXConsents =
                self.system_call(Endpoint::FdxList, Method::POST, url.clone(), &[], Some(&body)).await?;
            let full = page.consents.len() >= FDX_PAGE;
            let before = all.consents.len();
            for consent in page.consents {
                if !all.consents.iter().any(|c| c.id == consent.id) {
                    all.consents.push(consent);
                }
            }
            if !full || all.consents.len() == before {
                break;
            }
            after = all.consents.last().map(|c| c.id.clone());
        }
        Ok(all)
    }

    /// `DELETE {base}/{tid}/system/servers/{wid}/fdx/consents/{id}` by the user (204; 404,
    /// already gone, is not an error), renewing the System token once on a 401 or 403.
    pub async fn revoke_fdx_consent(&self, consent_id: &str) -> Result<(), UpstreamError> {
        let url = self.fdx_consents_url(Some(consent_id))?;
        let body = FDXConsentRevocation { initiator: "INDIVIDUAL".into(), reason: "USER_ACTION".into() };
        self.delete_with_system_token(Endpoint::FdxRevoke, url, Some(&body)).await.map(drop)
    }
}
