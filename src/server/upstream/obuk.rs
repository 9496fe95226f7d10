//! UK Open Banking account access: the consent page's API
//! (`/{tid}/system/open-banking/account-access-consent/{login}`, reference §1c) and the
//! management API of a workspace's consents (`/{tid}/system/servers/{wid}/open-banking/consents`,
//! §1d (2')), both under the prefix the System client's issuer gives (§0.3), as FDX's.

use super::consent_page::{Decide, Page};
use super::{at, Upstream, UpstreamError};
use crate::server::observe::Endpoint;
use crate::wire::obuk::{AcceptConsentRequest, GetAccountAccessConsentResponse};
use crate::wire::obuk_consents::{ConsentsRequest, OBUKConsents};
use crate::wire::{RedirectTo, RejectScopeGrant};
use reqwest::Method;
use url::Url;

/// `{base}/{tid}/system/open-banking/account-access-consent/{login}`
pub(super) const PAGE: Page = Page {
    segments: ["open-banking", "account-access-consent"],
    get: Endpoint::ObukConsent,
    accept: Endpoint::ObukAccept,
    reject: Endpoint::ObukReject,
};

impl Upstream {
    /// Lists and revokes the UK consents of `workspace` in the portal.
    pub fn with_obuk(mut self, workspace: &str) -> Self {
        self.obuk_workspace = Some(workspace.to_string());
        self
    }

    pub fn obuk_workspace(&self) -> Option<&str> {
        self.obuk_workspace.as_deref()
    }

    /// `{base}/{tid}/system/servers/{wid}/open-banking/consents[/{id}]`
    fn obuk_consents_url(&self, id: Option<&str>) -> Result<Url, UpstreamError> {
        let wid = self.obuk_workspace.as_deref().ok_or(UpstreamError::Status {
            status: 404,
            body: None,
            retry_after: None,
        })?;
        let list = at(&self.prefixes.consent_api, &["servers", wid, "open-banking", "consents"])?;
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
        self.page_get(&PAGE, login_id, login_state).await
    }

    /// `POST {base}/{tid}/system/open-banking/account-access-consent/{login}/accept`
    pub async fn accept_obuk(&self, login_id: &str, body: &AcceptConsentRequest) -> Result<RedirectTo, UpstreamError> {
        self.page_decide(&PAGE, login_id, Decide::Accept, body).await
    }

    /// `POST {base}/{tid}/system/open-banking/account-access-consent/{login}/reject`
    pub async fn reject_obuk(&self, body: &RejectScopeGrant) -> Result<RedirectTo, UpstreamError> {
        self.page_decide(&PAGE, &body.id, Decide::Reject, body).await
    }

    /// `POST {base}/{tid}/system/servers/{wid}/open-banking/consents`, body `ConsentsRequest`:
    /// the UK consents sharing any of these accounts, every page of them.
    pub async fn obuk_consents_of_accounts(&self, account_ids: &[String]) -> Result<OBUKConsents, UpstreamError> {
        let url = self.obuk_consents_url(None)?;
        if account_ids.is_empty() {
            return Ok(OBUKConsents::default());
        }
        let consents = super::pages::all_pages(
            |after| {
                let body = ConsentsRequest {
                    accounts: account_ids.to_vec(),
                    limit: Some(super::pages::LIST_PAGE),
                    after_consent_id: after,
                    ..ConsentsRequest::default()
                };
                let url = url.clone();
                async move {
                    let page: OBUKConsents =
                        self.system_call(Endpoint::ObukList, Method::POST, url, &[], Some(&body)).await?;
                    Ok(page.consents)
                }
            },
            |c| c.consent_id.as_str(),
        )
        .await?;
        Ok(OBUKConsents { consents })
    }

    /// `DELETE {base}/{tid}/system/servers/{wid}/open-banking/consents/{id}` (204), renewing
    /// the System token once on a 401 or 403. `false` when the API does not know the consent
    /// (404): revoked before, or not a UK consent at all.
    pub async fn revoke_obuk_consent(&self, consent_id: &str) -> Result<bool, UpstreamError> {
        let url = self.obuk_consents_url(Some(consent_id))?;
        self.delete_with_system_token(Endpoint::ObukRevoke, url, None::<&()>).await
    }
}
