//! Answers that are not a page's own view: a failure as a page, counted and logged.

use super::render::render;
use crate::error::{AppError, Failure};
use crate::model::{Onward, Page};
use crate::server::observe::ErrorKind;
use crate::server::AppState;
use axum::{
    extract::{Request, State},
    http::{header, StatusCode, Uri},
    middleware::Next,
    response::Response,
};

/// The metric kind of a failure shown to a user.
fn kind(failure: Failure) -> ErrorKind {
    use Failure::*;
    match failure {
        UpstreamTimeout | Unanswered => ErrorKind::UpstreamTimeout,
        SessionStoreDown => ErrorKind::SessionStore,
        RecordsDown | RecordsUnavailable | RecordBehind => ErrorKind::ConsentRecords,
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
        | ReasonNeeded
        | MethodNotAllowed => ErrorKind::BadRequest,
    }
}

/// Counts a failure shown to a user, and logs it.
pub fn count(state: &AppState, error: &AppError) {
    state.upstream.metrics().error(kind(error.failure));
    tracing::info!(status = error.status(), failure = ?error.failure, "failure shown");
}

/// `error` as a page with its status (and `Retry-After` when the upstream gave one).
pub async fn failure_page(state: &AppState, uri: &Uri, error: AppError) -> Response {
    failure_page_onward(state, uri, error, Onward::of(uri.path())).await
}

/// [`failure_page`], with its way forward.
pub async fn failure_page_onward(state: &AppState, uri: &Uri, error: AppError, onward: Onward) -> Response {
    count(state, &error);
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let retry_after = error.retry_after;
    let mut response = render(state, uri, status, Page::Error(error, onward)).await;
    if let Some(seconds) = retry_after {
        response.headers_mut().insert(header::RETRY_AFTER, seconds.into());
    }
    response
}

/// A server function's address opened (a link, the address bar after a form's page): a page
/// that says it only takes `allowed` (405), never an empty answer.
pub async fn not_allowed(State(state): State<AppState>, uri: Uri, allowed: axum::http::Method) -> Response {
    let mut response = failure_page(&state, &uri, AppError::new(Failure::MethodNotAllowed)).await;
    if let Ok(allowed) = allowed.as_str().parse() {
        response.headers_mut().insert(header::ALLOW, allowed);
    }
    response
}

/// A handler that panics answers the internal-error page, in the user's language, with the
/// headers every answer has; its connection would otherwise close on a blank page. (The panic
/// hook has logged it.)
pub async fn catch_panics(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let uri = request.uri().clone();
    or_on_panic(next.run(request), || failure_page(&state, &uri, AppError::new(Failure::Internal))).await
}

/// `work`'s answer, or `on_panic`'s where `work` panics.
async fn or_on_panic<Fut: std::future::Future<Output = Response>>(
    work: impl std::future::Future<Output = Response>,
    on_panic: impl FnOnce() -> Fut,
) -> Response {
    use futures::FutureExt as _;
    match std::panic::AssertUnwindSafe(work).catch_unwind().await {
        Ok(response) => response,
        Err(_) => on_panic().await,
    }
}

#[cfg(test)]
mod tests {
    use axum::response::IntoResponse as _;
    use tower::ServiceExt as _;

    #[tokio::test]
    async fn a_handler_that_panics_gets_an_answer() {
        let app = axum::Router::new()
            .route("/", axum::routing::get(|| async { panic!("a bug") as &'static str }))
            .route("/fine", axum::routing::get(|| async { "fine" }))
            .layer(axum::middleware::from_fn(|request, next: axum::middleware::Next| {
                super::or_on_panic(next.run(request), || async { axum::http::StatusCode::IM_A_TEAPOT.into_response() })
            }));
        let answer = |path: &'static str| {
            app.clone().oneshot(axum::http::Request::get(path).body(axum::body::Body::empty()).unwrap())
        };
        assert_eq!(answer("/").await.unwrap().status(), 418);
        assert_eq!(answer("/fine").await.unwrap().status(), 200);
    }
}
