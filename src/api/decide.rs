//! A consent decision, whatever its regime: each flow decided once ([`once`]), and the
//! decision a regime's consent form posts (UK account access, UK domestic payments, CDR): the
//! form's CSRF token, then Deny (the refusal upstream, and its record kept when it can be)
//! or Allow (the record written pending first, the accept upstream, then the record marked
//! authorized), and on to the authorization server's `redirect_to`, only on its origin. Each
//! regime's server function gives only what differs ([`Regime`]).

use super::context;
use crate::error::{AppError, Failure};
use crate::server::records::Draft;
use crate::server::sessions::{Decision, Lost, Turn, HOLD};
use crate::server::upstream::unanswered::{noting, Unanswered};
use crate::server::AppState;
use crate::wire::RedirectTo;
use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The purpose of the consent forms' tokens, bound to the browser and to `login_id`.
pub(crate) const CSRF_PURPOSE: &str = "consent";

/// How often a decision sent again looks whether the first has finished.
const POLL: Duration = Duration::from_millis(100);

/// A Deny's record, drafted by its work before the refusal goes out: [`once`] writes it when
/// the refusal is answered, by this try or, its answer lost, by the try that sends it again.
#[derive(Default)]
pub struct Refusal(Mutex<Option<Draft>>);

impl Refusal {
    /// What the record of this refusal says (what was asked, by whom, of whom).
    pub fn draft(&self, draft: Draft) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(draft);
    }

    fn take(&self) -> Option<Draft> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

/// Checks the consent form's token, decides flow `login_id` as `decision` (`allow` or `deny`)
/// by `work`, once, and sends the browser on to the `redirect_to` it answers, only on the
/// authorization server's origin.
///
/// While the work runs it holds the flow; the same form sent again (a double click before
/// hydration) waits for it and follows the same `redirect_to`, and anything else then meets
/// "already answered" (see [`crate::server::sessions::Turn`]). A work that fails frees the
/// flow for the next try; one whose decision went out and never got its answer keeps what it
/// sent for the same browser's next try, which sends it again instead of doing `work` (the
/// flow is gone upstream by then: [`crate::server::upstream::unanswered`]), with the record
/// of a refusal the work drafted in `refusal`, kept when it can be once the refusal is
/// answered. A session store that does not answer costs only this: the decision runs unheld.
/// (The server function runs to its end even if the browser leaves: `crate::routes`.)
pub async fn once(
    state: &AppState,
    login_id: &str,
    csrf_token: &str,
    decision: &str,
    refusal: &Refusal,
    work: impl Future<Output = Result<RedirectTo, AppError>>,
) -> Result<(), AppError> {
    context::check_token(state, CSRF_PURPOSE, login_id, csrf_token, Failure::Forged)?;
    if decision != "allow" && decision != "deny" {
        return Err(Failure::NoDecision.into());
    }
    let (browser_id, attempt) = (context::browser_id(state), crate::request::random_b64(12));
    let mut d = Decision { login_id, browser_id: &browser_id, decision, attempt: &attempt, resend: None };
    let deadline = Instant::now() + Duration::from_secs(HOLD as u64 + 1);
    let mut resend = None;
    loop {
        match state.sessions.take_turn(&d).await {
            Ok(Turn::Ours) => break,
            Ok(Turn::Resend { lost, sealed }) => {
                resend = Some((lost, sealed));
                break;
            }
            Ok(Turn::Follow(next)) => {
                context::navigate(&next);
                return Ok(());
            }
            Ok(Turn::Answered) => return Err(Failure::Answered.into()),
            Ok(Turn::Waiting) if Instant::now() < deadline => tokio::time::sleep(POLL).await,
            Ok(Turn::Waiting) => return Err(Failure::UpstreamTimeout.into()),
            Err(e) => {
                tracing::warn!(error = %e, "a consent decision runs unheld: the session store failed");
                break;
            }
        }
    }
    let (next, noted) = match &resend {
        None => noting(work).await,
        Some((lost, sealed)) => {
            d.resend = Some(sealed);
            noting(send_again(state, login_id, decision, &lost.sent)).await
        }
    };
    let refusal = match &resend {
        None => refusal.take(),
        Some((lost, _)) => lost.refusal.as_deref().cloned(),
    };
    // Answered: a refusal shares nothing, and its entry in the history is kept when it can be.
    if let (Ok(_), Some(draft)) = (&next, &refusal) {
        if let Err(e) = state.records.reject(draft.clone()).await {
            tracing::warn!(error = %e, "a refused consent could not be recorded");
        }
    }
    let next = next.and_then(|next| {
        crate::server::upstream::on_origin(&next.redirect_to, &state.upstream.origin()).ok_or_else(|| {
            tracing::error!("the authorization server answered a redirect_to outside its origin; not followed");
            AppError::new(Failure::BadRedirect)
        })
    });
    // Kept for the next try: what this one sent, its answer lost; a try sending it again keeps
    // it as it was, unless the server answered it for good.
    let keep = match (&next, &resend, noted) {
        (Ok(_), _, _) => None,
        (Err(e), Some((lost, _)), _) => passing(e.failure).then(|| lost.clone()),
        (Err(_), None, noted) => noted.map(|sent| Lost { sent, refusal: refusal.map(Box::new) }),
    };
    // Also after a lookup that failed: it may have made this try the holder all the same.
    let kept = match (&next, &keep) {
        (Ok(url), _) => state.sessions.done(&d, url.as_str()).await.map(|()| false),
        (Err(_), Some(lost)) => state.sessions.unanswered(&d, lost).await,
        (Err(_), None) => state.sessions.give_up(&d).await.map(|()| false),
    };
    let kept = kept.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "a consent decision's outcome could not be kept");
        false
    });
    match next {
        Ok(url) => {
            context::navigate(url.as_str());
            Ok(())
        }
        Err(_) if kept => Err(Failure::Unanswered.into()),
        Err(e) => Err(e),
    }
}

/// Sends again the decision of flow `login_id` `sent`, whose answer was lost; an Allow's
/// record, left pending, is then authorized (the reconciler would, from the flow, if the flow
/// were still there to read when it passes).
async fn send_again(
    state: &AppState,
    login_id: &str,
    decision: &str,
    sent: &Unanswered,
) -> Result<RedirectTo, AppError> {
    tracing::info!(?sent, "a consent decision whose answer was lost is sent again");
    let next = state.upstream.resend(sent).await?;
    let metrics = state.upstream.metrics();
    if decision == "allow" {
        metrics.accepts.inc();
        if let Err(e) = crate::server::reconcile::accepted(state, login_id).await {
            tracing::error!(error = %e, "an accepted consent's record could not be marked authorized");
        }
    } else {
        metrics.rejects.inc();
    }
    Ok(next)
}

/// Whether a decision sent again may fare better another time: the server did not answer it,
/// or not for good.
fn passing(failure: Failure) -> bool {
    use Failure::*;
    matches!(failure, UpstreamTimeout | UpstreamUnreachable | UpstreamStatus | Busy | Unanswered)
}

/// One regime's side of a decision.
pub trait Regime {
    /// What the logs call a consent of this regime ("UK consent").
    const WHAT: &'static str;
    /// What an Allow prepares: the accept body, checked, and what the regime knows with it.
    type Accept: Send + Sync;

    /// Deny: the consent, still awaiting a decision, refused upstream, the record of the
    /// refusal drafted in `refusal` before it goes out.
    fn refuse(
        &self,
        state: &AppState,
        login_id: String,
        login_state: String,
        refusal: &Refusal,
    ) -> impl Future<Output = Result<RedirectTo, AppError>> + Send;

    /// Allow: the accept, checked against the consent and the customer's own accounts, and
    /// the draft of its record.
    fn prepare(
        &self,
        state: &AppState,
        login_id: &str,
        login_state: String,
    ) -> impl Future<Output = Result<(Draft, Self::Accept), AppError>> + Send;

    /// The accept upstream.
    fn accept(
        &self,
        state: &AppState,
        login_id: &str,
        accept: &Self::Accept,
    ) -> impl Future<Output = Result<RedirectTo, AppError>> + Send;

    /// After the accepted record `record_id` is marked authorized.
    fn given(&self, _state: &AppState, _accept: &Self::Accept, _record_id: &str) -> impl Future<Output = ()> + Send {
        async {}
    }
}

/// The form's fields every regime's decision has.
pub struct Form {
    pub login_id: String,
    pub login_state: String,
    pub csrf_token: String,
    pub decision: String,
}

/// Decides as `regime` does, once (the form's token checked), and sends the browser on.
pub async fn decide<R: Regime + Sync>(state: &AppState, form: Form, regime: &R) -> Result<(), AppError> {
    let Form { login_id, login_state, csrf_token, decision } = form;
    let (flow, way, refusal) = (login_id.clone(), decision.clone(), &Refusal::default());
    once(state, &flow, &csrf_token, &way, refusal, async move {
        let metrics = state.upstream.metrics();
        if decision == "deny" {
            let next = regime.refuse(state, login_id, login_state, refusal).await?;
            metrics.rejects.inc();
            return Ok(next);
        }
        let (draft, accept) = regime.prepare(state, &login_id, login_state).await?;
        // The record first: no accept without one. A store that cannot be written stops here,
        // with nothing shared.
        let record = state.records.prepare(draft).await.map_err(crate::server::records::nothing_shared)?;
        let next = regime.accept(state, &login_id, &accept).await?;
        metrics.accepts.inc();
        if let Some((id, _)) = record {
            // Accepted: should this write fail, the record stays pending (never authorized
            // without its accept), and ending the consent is the management API's.
            if let Err(e) = state.records.authorize(&id).await {
                tracing::error!(error = %e, "an accepted {}'s record could not be marked authorized", R::WHAT);
            }
            regime.given(state, &accept, &id).await;
        }
        Ok(next)
    })
    .await
}
