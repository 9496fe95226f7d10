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
#[derive(Clone, PartialEq, Serialize, Deserialize)]
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
    /// When it was first sent (Unix seconds): the server answers its key for a minute after.
    #[serde(rename = "t")]
    pub sent_at: i64,
}

/// Without the body (the flow's `login_state`, the accounts chosen), which logs must not hold.
impl std::fmt::Debug for Unanswered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Unanswered").field("endpoint", &self.endpoint).field("sent_at", &self.sent_at).finish()
    }
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

/// Notes `sent` for the try running (when one is [`noting`]), or, with `None`, forgets what an
/// earlier call noted: only the last decision sent counts.
pub(super) fn note(sent: Option<Unanswered>) {
    let _ = LOST.try_with(|lost| lost.replace(sent));
}

impl Upstream {
    /// Sends `sent` again, as it was: the server answers with what it answered it then, or
    /// makes it now if it never had it.
    pub async fn resend(&self, sent: &Unanswered) -> Result<RedirectTo, UpstreamError> {
        let Unanswered { endpoint, url, body, key, sent_at } = sent;
        let url = Url::parse(url).map_err(|_| UpstreamError::NoSuchPath)?;
        let body = Some(body.as_bytes().to_vec());
        self.system_call_keyed(*endpoint, Method::POST, url, &[], body, Some((key, *sent_at))).await
    }
}
