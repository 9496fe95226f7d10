//! A decision sent whose answer never came, even sent twice: the server may have made it. What
//! was sent is noted for the try that sent it ([`noting`]), so that the same browser's next try
//! sends it again, byte for byte under the same idempotency key ([`Upstream::resend`]), and
//! the server answers it as it answered the first (reference §0.4: within a minute) instead of
//! "already answered", with the application never told.

use super::{Upstream, UpstreamError};
use crate::server::observe::Endpoint;
use crate::wire::RedirectTo;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::future::Future;
use url::Url;

/// A decision's request, as sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unanswered {
    #[serde(rename = "e")]
    pub(super) endpoint: Endpoint,
    #[serde(rename = "u")]
    pub(super) url: String,
    /// The JSON body.
    #[serde(rename = "b")]
    pub(super) body: String,
    #[serde(rename = "k")]
    pub(super) key: String,
}

tokio::task_local! {
    /// The decision of the try running on this task whose answer was lost.
    static LOST: RefCell<Option<Unanswered>>;
}

/// Runs `work`, and says which decision it sent and never got the answer of, if any.
pub async fn noting<F: Future>(work: F) -> (F::Output, Option<Unanswered>) {
    LOST.scope(RefCell::new(None), async {
        let out = work.await;
        (out, LOST.with(|lost| lost.take()))
    })
    .await
}

/// Notes `sent` for the try running (when one is [`noting`]).
pub(super) fn note(sent: Unanswered) {
    let _ = LOST.try_with(|lost| lost.replace(Some(sent)));
}

impl Upstream {
    /// Sends `sent` again, as it was: the server answers with what it answered it then, or
    /// makes it now if it never had it.
    pub async fn resend(&self, sent: &Unanswered) -> Result<RedirectTo, UpstreamError> {
        let Unanswered { endpoint, url, body, key } = sent;
        let url = Url::parse(url).map_err(|_| UpstreamError::NoSuchPath)?;
        self.system_call_keyed(*endpoint, Method::POST, url, &[], Some(body.as_bytes().to_vec()), Some(key)).await
    }
}
