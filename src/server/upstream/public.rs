//! The Public API, called with the signed-in user's own token: the applications holding
//! access to the user's account, and revoking one.

use super::{at, read_json, Status, Upstream, UpstreamError};
use crate::server::observe::Endpoint;
use crate::wire::ClientsWithAccess;
use std::time::Instant;

impl Upstream {
    /// `GET /{tid}/{wid}/clients` with the signed-in user's own token.
    pub async fn list_clients(&self, user_token: &str) -> Result<ClientsWithAccess, UpstreamError> {
        let url = at(&self.issuer, &["clients"])?;
        let started = Instant::now();
        let result = match self.send(self.http.get(url).bearer_auth(user_token)).await {
            Ok(response) => read_json(response).await,
            Err(e) => Err(e.into()),
        };
        self.metrics.observe_upstream(Endpoint::ListClients, started.elapsed());
        result
    }

    /// `DELETE /{tid}/{wid}/clients/{cid}` with the user's token (204). Already gone is not an
    /// error; a 401 or 403 (the user's token no longer works, or may not) is.
    pub async fn revoke_client(&self, user_token: &str, client_id: &str) -> Result<(), UpstreamError> {
        let url = at(&self.issuer, &["clients", client_id])?;
        match self.expect_gone(Endpoint::RevokeClient, self.http.delete(url).bearer_auth(user_token)).await? {
            Status::Gone | Status::Unknown => Ok(()),
            Status::Refused(status) => Err(Status::refused(status)),
        }
    }
}
