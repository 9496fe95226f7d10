//! The System Identity API's users of an identity pool (reference §1d (4)), for consent records
//! kept in a pool: `{identity API}/system/pools/{ipID}/users[/{userID}]` (by default
//! `{base}/api/identity/{tid}/…`), with the
//! System token, which then carries `identity`.

use super::{at, Upstream, UpstreamError};
use crate::server::observe::Endpoint;
use crate::wire::{NewPoolUser, PoolUser, PoolUsers, UpdatePoolUser};
use reqwest::Method;
use url::Url;

impl Upstream {
    /// Lets the System token read and write identity pools (a workspace keeps its consent
    /// records in one).
    pub fn with_identity_pools(mut self) -> Self {
        self.identity_pools = true;
        self
    }

    fn pool_users_url(&self, pool: &str, user: Option<&str>) -> Result<Url, UpstreamError> {
        let mut path = vec!["system", "pools", pool, "users"];
        path.extend(user);
        at(&self.prefixes.identity_api, &path)
    }

    /// `POST …/users`: the new user (a 409, an identifier that is another user's, is an
    /// `UpstreamError::Status`).
    pub async fn create_pool_user(&self, pool: &str, user: &NewPoolUser) -> Result<PoolUser, UpstreamError> {
        let url = self.pool_users_url(pool, None)?;
        self.system_call(Endpoint::IdentityPool, Method::POST, url, &[], Some(user)).await
    }

    /// `GET …/users/{userID}`; `None` when the pool has no such user.
    pub async fn pool_user(&self, pool: &str, id: &str) -> Result<Option<PoolUser>, UpstreamError> {
        let url = match self.pool_users_url(pool, Some(id)) {
            Ok(url) => url,
            Err(UpstreamError::NoSuchPath) => return Ok(None),
            Err(e) => return Err(e),
        };
        match self.system_call(Endpoint::IdentityPool, Method::GET, url, &[], None::<&()>).await {
            Ok(user) => Ok(Some(user)),
            Err(UpstreamError::Status { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `PUT …/users/{userID}`: status, payload and metadata replaced.
    pub async fn update_pool_user(
        &self,
        pool: &str,
        id: &str,
        user: &UpdatePoolUser,
    ) -> Result<PoolUser, UpstreamError> {
        let url = self.pool_users_url(pool, Some(id))?;
        self.system_call(Endpoint::IdentityPool, Method::PUT, url, &[], Some(user)).await
    }

    /// `GET …/users?query=&limit=&after_user_id=`: one page of the users matching `query`.
    pub async fn pool_users(
        &self,
        pool: &str,
        query: &serde_json::Value,
        limit: usize,
        after: Option<&str>,
    ) -> Result<PoolUsers, UpstreamError> {
        let url = self.pool_users_url(pool, None)?;
        let (query, limit) = (query.to_string(), limit.to_string());
        let mut params = vec![("query", query.as_str()), ("limit", limit.as_str())];
        params.extend(after.map(|a| ("after_user_id", a)));
        self.system_call(Endpoint::IdentityPool, Method::GET, url, &params, None::<&()>).await
    }
}
