//! What the regimes' consent-page calls share: a page at
//! `{base}/{tid}/system/{segments…}/{login}` (reference §1c) read with `GET ?login_state=` and
//! decided with `POST …/accept` or `…/reject`, each with the System token (renewed once on a
//! 401 or 403) and counted under the regime's endpoints; and the management APIs' `DELETE`.

use super::{at, Status, Upstream, UpstreamError};
use crate::server::observe::Endpoint;
use crate::wire::RedirectTo;
use reqwest::Method;
use serde::{de::DeserializeOwned, Serialize};
use url::Url;

/// A regime's consent page: where it is below `{base}/{tid}/system/`, and the endpoints its
/// calls are counted under.
pub(super) struct Page {
    pub segments: [&'static str; 2],
    pub get: Endpoint,
    pub accept: Endpoint,
    pub reject: Endpoint,
}

/// The decision posted to a consent page.
#[derive(Clone, Copy)]
pub(super) enum Decide {
    Accept,
    Reject,
}

impl Upstream {
    /// `{consent API}/{segments…}/{login}[/{action}]` (by default `{base}/{tid}/system/…`)
    fn page_url(&self, page: &Page, login: &str, action: Option<&str>) -> Result<Url, UpstreamError> {
        let [a, b] = page.segments;
        let url = at(&self.prefixes.consent_api, &[a, b, login])?;
        match action {
            Some(action) => at(&url, &[action]),
            None => Ok(url),
        }
    }

    /// `GET {page}/{login}?login_state=…`
    pub(super) async fn page_get<T: DeserializeOwned>(
        &self,
        page: &Page,
        login_id: &str,
        login_state: &str,
    ) -> Result<T, UpstreamError> {
        let url = self.page_url(page, login_id, None)?;
        self.system_call(page.get, Method::GET, url, &[("login_state", login_state)], None::<&()>).await
    }

    /// `POST {page}/{login}/accept` or `…/reject` with `body`.
    pub(super) async fn page_decide(
        &self,
        page: &Page,
        login_id: &str,
        decide: Decide,
        body: &(impl Serialize + Sync),
    ) -> Result<RedirectTo, UpstreamError> {
        let (action, endpoint) = match decide {
            Decide::Accept => ("accept", page.accept),
            Decide::Reject => ("reject", page.reject),
        };
        let url = self.page_url(page, login_id, Some(action))?;
        self.system_decide(endpoint, url, body).await
    }

    /// `DELETE {url}` (with a JSON body when given) expecting 204 (`true`) or 404 (`false`: the
    /// server does not know it), renewing the System token once on a 401 or 403.
    pub(super) async fn delete_with_system_token(
        &self,
        endpoint: Endpoint,
        url: Url,
        body: Option<&(impl Serialize + Sync)>,
    ) -> Result<bool, UpstreamError> {
        let mut renewed = false;
        loop {
            let token = self.system_token().await?;
            let mut request = self.http.delete(url.clone()).bearer_auth(token.expose());
            if let Some(body) = body {
                request = request.json(body);
            }
            match self.expect_gone(endpoint, request).await? {
                Status::Gone => return Ok(true),
                Status::Unknown => return Ok(false),
                Status::Refused(status) if !renewed && self.renew_system_after(&token, status) => renewed = true,
                Status::Refused(status) => return Err(Status::refused(status)),
            }
        }
    }
}
