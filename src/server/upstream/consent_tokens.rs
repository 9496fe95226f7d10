//! The System API's revocation of a consent's tokens (reference §1d (1')):
//! `DELETE /api/system/{tid}/servers/{wid}/tokens?consent_id=…`, with `revoke_tokens`.

use super::{at, Status, Upstream, UpstreamError};
use crate::server::observe::Endpoint;

impl Upstream {
    /// Lets the System token revoke a consent's tokens (consent records are kept).
    pub fn with_consent_revocation(mut self) -> Self {
        self.revokes_by_consent = true;
        self
    }

    /// Revokes the tokens issued under `consent_id` in `workspace` (204; already gone is not an
    /// error), renewing the System token once on a 401 or 403.
    pub async fn revoke_consent_tokens(&self, workspace: &str, consent_id: &str) -> Result<(), UpstreamError> {
        let url = at(&self.prefixes.system_api, &["servers", workspace, "tokens"])?;
        let mut renewed = false;
        loop {
            let token = self.system_token().await?;
            let request =
                self.http.delete(url.clone()).bearer_auth(token.expose()).query(&[("consent_id", consent_id)]);
            match self.expect_gone(Endpoint::RevokeConsentTokens, request).await? {
                Status::Gone | Status::Unknown => return Ok(()),
                Status::Refused(status) if !renewed && self.renew_system_after(&token, status) => renewed = true,
                Status::Refused(status) => return Err(Status::refused(status)),
            }
        }
    }
}
