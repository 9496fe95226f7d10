//! A bank's resource API as the aggregator calls it with a customer's access token: a `GET`
//! answered with JSON, or 401 when the token is not (or no longer) honoured.

use crate::sandbox::state::Sandbox;

/// Transactions shown per account.
pub const RECENT: usize = 5;

/// Why a bank was not read.
pub enum Read {
    /// 401: the token is not (or no longer) honoured.
    Unauthorized,
    Failed(String),
}

/// `GET url` with `token`: the JSON answer as `T`.
pub async fn get<T: serde::de::DeserializeOwned>(sb: &Sandbox, url: &str, token: &str) -> Result<T, Read> {
    get_if_covered(sb, url, token).await?.ok_or_else(|| Read::Failed("the bank answered 403".into()))
}

/// `GET url` with `token`, for data the customer's authorization may not cover: `None` when
/// the bank says it does not (403), rather than a failure of the whole read.
pub async fn get_if_covered<T: serde::de::DeserializeOwned>(
    sb: &Sandbox,
    url: &str,
    token: &str,
) -> Result<Option<T>, Read> {
    let res = sb.http.get(url).bearer_auth(token).send().await.map_err(|e| Read::Failed(e.to_string()))?;
    match res.status().as_u16() {
        200 => res.json().await.map(Some).map_err(|e| Read::Failed(format!("the bank's answer: {e}"))),
        401 => Err(Read::Unauthorized),
        403 => Ok(None),
        status => Err(Read::Failed(format!("the bank answered {status}"))),
    }
}

/// A path segment, percent-encoded.
pub fn segment(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes()).collect()
}
