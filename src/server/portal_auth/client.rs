//! The HTTP calls openidconnect makes for a sign-in (discovery, the keys, the code exchange)
//! and for the console's userinfo:
//! through Assent's own client (timeouts, no redirects, TLS verified), each answer read to
//! 4 MiB at most, as every answer from another server is ([`read_body`]).

use crate::server::upstream::{read_body, UpstreamError};
use openidconnect::{AsyncHttpClient, HttpRequest, HttpResponse};
use std::future::Future;
use std::pin::Pin;

/// Assent's client, as openidconnect calls it.
pub(super) struct Bounded<'a>(pub &'a reqwest::Client);

impl<'c> AsyncHttpClient<'c> for Bounded<'_> {
    type Error = UpstreamError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, UpstreamError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(send(self.0, request))
    }
}

/// Sends `request` with `http`, its answer read to the bound.
async fn send(http: &reqwest::Client, request: HttpRequest) -> Result<HttpResponse, UpstreamError> {
    let (parts, body) = request.into_parts();
    let response = http.request(parts.method, parts.uri.to_string()).headers(parts.headers).body(body).send().await?;
    let mut answer = HttpResponse::new(Vec::new());
    *answer.status_mut() = response.status();
    *answer.headers_mut() = response.headers().clone();
    *answer.body_mut() = read_body(response).await?;
    Ok(answer)
}
