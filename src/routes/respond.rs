//! Answers that are not a page's own view: a failure as a page, counted and logged.

use super::render::render;
use crate::error::{AppError, Failure};
use crate::model::Page;
use crate::server::observe::ErrorKind;
use crate::server::AppState;
use axum::{
    http::{header, StatusCode, Uri},
    response::Response,
};

/// The metric kind of a failure shown to a user.
fn kind(failure: Failure) -> ErrorKind {
    use Failure::*;
    match failure {
        UpstreamTimeout => ErrorKind::UpstreamTimeout,
        SessionStoreDown => ErrorKind::SessionStore,
        RecordsDown => ErrorKind::ConsentRecords,
        UpstreamUnreachable | Offline => ErrorKind::UpstreamUnreachable,
        UpstreamInvalid | NoCustomerId => ErrorKind::UpstreamInvalidBody,
        UpstreamStatus | Refused | Busy | BadRedirect | SignInUnavailable | SignInFailed | Internal => {
            ErrorKind::UpstreamStatus
        }
        Forged | PortalForged => ErrorKind::Csrf,
        NotStaff => ErrorKind::Forbidden,
        NotFound | FlowExpired | Answered | PaymentMade | ConsentExpired => ErrorKind::NotFound,
        LinkIncomplete
        | LinkInvalid
        | ConsentTypeUnsupported
        | FormIncomplete
        | Unsupported
        | NoDecision
        | NothingChosen
        | NoAccountChosen
        | AccountsWithoutPermission
        | NotYours
        | AccountUnavailable
        | NoPayerChosen
        | DebtorNotYours
        | DebtorUnavailable
        | OtherHolders
        | PortalOff
        | SessionEnded
        | SignInUnverified
        | SignInExpired
        | SignInDenied
        | ReasonNeeded => ErrorKind::BadRequest,
    }
}

/// Counts a failure shown to a user, and logs it.
pub fn count(state: &AppState, error: &AppError) {
    state.upstream.metrics().error(kind(error.failure));
    tracing::info!(status = error.status(), failure = ?error.failure, "failure shown");
}

/// `error` as a page with its status (and `Retry-After` when the upstream gave one).
pub async fn failure_page(state: &AppState, uri: &Uri, error: AppError) -> Response {
    count(state, &error);
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let retry_after = error.retry_after;
    let onward = crate::model::Onward::of(uri.path());
    let mut response = render(state, uri, status, Page::Error(error, onward)).await;
    if let Some(seconds) = retry_after {
        response.headers_mut().insert(header::RETRY_AFTER, seconds.into());
    }
    response
}
