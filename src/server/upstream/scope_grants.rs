//! The consent page's System API for scope grants (`/api/system/{tid}/scope-grants/{login}`):
//! read a consent request, accept it, reject it.

use super::{at, Upstream, UpstreamError};
use crate::server::observe::Endpoint;
use crate::wire::{AcceptScopeGrant, RedirectTo, RejectScopeGrant, ScopeGrantSession};
use reqwest::Method;
use url::Url;

impl Upstream {
    /// `{base}/api/system/{tid}/scope-grants/{login}[/{action}]`
    pub(super) fn scope_grant_url(&self, login: &str, action: Option<&str>) -> Result<Url, UpstreamError> {
        let grant = at(&self.prefixes.system_api, &["scope-grants", login])?;
        match action {
            Some(action) => at(&grant, &[action]),
            None => Ok(grant),
        }
    }

    /// `GET /api/system/{tid}/scope-grants/{login}?login_state=…`
    pub async fn scope_grant(&self, login_id: &str, login_state: &str) -> Result<ScopeGrantSession, UpstreamError> {
        let url = self.scope_grant_url(login_id, None)?;
        self.system_call(Endpoint::ScopeGrant, Method::GET, url, &[("login_state", login_state)], None::<&()>).await
    }

    /// `POST /api/system/{tid}/scope-grants/{login}/accept`
    pub async fn accept_scope_grant(&self, body: &AcceptScopeGrant) -> Result<RedirectTo, UpstreamError> {
        let url = self.scope_grant_url(&body.id, Some("accept"))?;
        self.system_decide(Endpoint::ScopeGrantAccept, url, body).await
    }

    /// `POST /api/system/{tid}/scope-grants/{login}/reject`
    pub async fn reject_scope_grant(&self, body: &RejectScopeGrant) -> Result<RedirectTo, UpstreamError> {
        let url = self.scope_grant_url(&body.id, Some("reject"))?;
        self.system_decide(Endpoint::ScopeGrantReject, url, body).await
    }
}
