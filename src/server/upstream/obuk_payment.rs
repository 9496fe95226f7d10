//! UK Open Banking domestic payments: the consent page's API
//! (`/{tid}/system/open-banking/domestic-payment-consent/{login}`, reference §1c), under the
//! prefix the System client's issuer gives (§0.3), as account access's. The calls are counted
//! under account access's endpoints: one UK consent page, whichever kind.

use super::{at, Upstream, UpstreamError};
use crate::server::observe::Endpoint;
use crate::wire::obuk::AcceptConsentRequest;
use crate::wire::obuk_payment::GetDomesticPaymentConsentResponse;
use crate::wire::{RedirectTo, RejectScopeGrant};
use reqwest::Method;
use url::Url;

impl Upstream {
    /// `{base}/{tid}/system/open-banking/domestic-payment-consent/{login}[/{action}]`
    fn payment_login_url(&self, login: &str, action: Option<&str>) -> Result<Url, UpstreamError> {
        let consent = at(&self.base, &[&self.tenant, "system", "open-banking", "domestic-payment-consent", login])?;
        match action {
            Some(action) => at(&consent, &[action]),
            None => Ok(consent),
        }
    }

    /// `GET {base}/{tid}/system/open-banking/domestic-payment-consent/{login}?login_state=…`
    pub async fn domestic_payment_consent(
        &self,
        login_id: &str,
        login_state: &str,
    ) -> Result<GetDomesticPaymentConsentResponse, UpstreamError> {
        let url = self.payment_login_url(login_id, None)?;
        self.system_call(Endpoint::ObukConsent, Method::GET, url, &[("login_state", login_state)], None::<&()>).await
    }

    /// `POST {base}/{tid}/system/open-banking/domestic-payment-consent/{login}/accept`
    pub async fn accept_domestic_payment(
        &self,
        login_id: &str,
        body: &AcceptConsentRequest,
    ) -> Result<RedirectTo, UpstreamError> {
        let url = self.payment_login_url(login_id, Some("accept"))?;
        self.system_call(Endpoint::ObukAccept, Method::POST, url, &[], Some(body)).await
    }

    /// `POST {base}/{tid}/system/open-banking/domestic-payment-consent/{login}/reject`
    pub async fn reject_domestic_payment(&self, body: &RejectScopeGrant) -> Result<RedirectTo, UpstreamError> {
        let url = self.payment_login_url(&body.id, Some("reject"))?;
        self.system_call(Endpoint::ObukReject, Method::POST, url, &[], Some(body)).await
    }
}
