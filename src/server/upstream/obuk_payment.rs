//! UK Open Banking domestic payments: the consent page's API
//! (`/{tid}/system/open-banking/domestic-payment-consent/{login}`, reference §1c), under the
//! prefix the System client's issuer gives (§0.3), as account access's. The calls are counted
//! under account access's endpoints: one UK consent page, whichever kind.

use super::consent_page::{Decide, Page};
use super::{Upstream, UpstreamError};
use crate::wire::obuk::AcceptConsentRequest;
use crate::wire::obuk_payment::GetDomesticPaymentConsentResponse;
use crate::wire::{RedirectTo, RejectScopeGrant};

/// `{base}/{tid}/system/open-banking/domestic-payment-consent/{login}`, counted as account
/// access's page.
const PAGE: Page = Page { segments: ["open-banking", "domestic-payment-consent"], ..super::obuk::PAGE };

impl Upstream {
    /// `GET {base}/{tid}/system/open-banking/domestic-payment-consent/{login}?login_state=…`
    pub async fn domestic_payment_consent(
        &self,
        login_id: &str,
        login_state: &str,
    ) -> Result<GetDomesticPaymentConsentResponse, UpstreamError> {
        self.page_get(&PAGE, login_id, login_state).await
    }

    /// `POST {base}/{tid}/system/open-banking/domestic-payment-consent/{login}/accept`
    pub async fn accept_domestic_payment(
        &self,
        login_id: &str,
        body: &AcceptConsentRequest,
    ) -> Result<RedirectTo, UpstreamError> {
        self.page_decide(&PAGE, login_id, Decide::Accept, body).await
    }

    /// `POST {base}/{tid}/system/open-banking/domestic-payment-consent/{login}/reject`
    pub async fn reject_domestic_payment(&self, body: &RejectScopeGrant) -> Result<RedirectTo, UpstreamError> {
        self.page_decide(&PAGE, &body.id, Decide::Reject, body).await
    }
}
