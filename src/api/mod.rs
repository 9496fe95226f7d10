//! Server functions: Assent's only door to the authorization server and the bank. Each body is
//! thin: the app state and the request from context, a call through the server-only client,
//! the answer mapped to a view model or an [`AppError`](crate::error::AppError).
//!
//! Browsers reach them at `/api/…` (an island's `ActionForm`, or the same `<form method="post">`
//! without JavaScript); page views call them directly on the server, with no HTTP hop. Every
//! call passes the site check of `server::guard` first; each state-changing one also checks
//! its form token.

pub mod cdr;
pub mod consent;
pub mod console;
#[cfg(feature = "ssr")]
mod decide;
pub mod fdx;
pub mod obuk;
pub mod obuk_payment;
pub mod portal;
#[cfg(feature = "ssr")]
mod sign_in;

#[cfg(feature = "ssr")]
pub use context::run;

/// Set by a server function that sends the browser somewhere: the guard then knows a plain
/// form's redirect is the function's own, not Leptos' default to the Referer.
#[cfg(feature = "ssr")]
pub const NAVIGATE_HEADER: &str = "x-assent-navigate";

/// What a server function reads from the request it serves, and how it answers besides its
/// return value.
#[cfg(feature = "ssr")]
pub(crate) mod context {
    use crate::error::{AppError, Failure};
    use crate::server::AppState;
    use axum::http::{header, request::Parts, HeaderMap, HeaderValue};
    use leptos::prelude::{provide_context, use_context};
    use leptos::reactive::computed::ScopedFuture;
    use leptos::reactive::owner::Owner;
    use leptos_axum::ResponseOptions;
    use std::future::Future;

    /// Runs a server function directly on the server, for a page view: in a fresh reactive
    /// owner with the app state and `parts`; returns its result and what it set on the response.
    pub async fn run<T>(state: &AppState, parts: Parts, call: impl Future<Output = T>) -> (T, ResponseOptions) {
        let owner = Owner::new();
        let response = ResponseOptions::default();
        owner.with(|| {
            provide_context(state.clone());
            provide_context(parts);
            provide_context(response.clone());
        });
        let out = owner.with(|| ScopedFuture::new(call)).await;
        owner.cleanup();
        (out, response)
    }

    pub fn state() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or_else(|| {
            tracing::error!("a server function ran without the app state in context");
            AppError::new(Failure::Internal)
        })
    }

    pub fn headers() -> HeaderMap {
        use_context::<Parts>().map(|p| p.headers).unwrap_or_default()
    }

    pub fn set_cookie(value: HeaderValue) {
        if let Some(response) = use_context::<ResponseOptions>() {
            response.append_header(header::SET_COOKIE, value);
        }
    }

    /// A plain HTML form post (no JavaScript): the answer is a page or a redirect, not data.
    pub fn plain_form() -> bool {
        crate::request::wants_html(&headers())
    }

    /// Sends the browser to `url`: a 303 for a plain form (the guard makes Leptos' 302 a 303),
    /// a whole-window navigation for an island.
    pub fn navigate(url: &str) {
        // Leptos panics on a location no header can carry; every caller builds its own from
        // parsed or encoded parts, so this would be Assent's bug: logged, and answered 500.
        if HeaderValue::from_str(url).is_err() {
            tracing::error!("a redirect to a location no header can carry was dropped");
            if let Some(response) = use_context::<ResponseOptions>() {
                response.set_status(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
            }
            return;
        }
        leptos_axum::redirect(url);
        if let Some(response) = use_context::<ResponseOptions>() {
            response.insert_header(
                axum::http::HeaderName::from_static(super::NAVIGATE_HEADER),
                HeaderValue::from_static("1"),
            );
        }
    }

    /// Has the next page this browser loads say `notice`, once.
    pub fn say_next(state: &AppState, notice: crate::server::notice::Notice) {
        if let Some(cookie) = notice.cookie(state.csrf.is_secure()) {
            set_cookie(cookie);
        }
    }

    /// The browser id of the CSRF cookie, setting a new cookie when it has none.
    pub fn browser_id(state: &AppState) -> String {
        let (id, set) = state.csrf.ensure_cookie(&headers());
        if let Some(cookie) = set {
            set_cookie(cookie);
        }
        id
    }

    /// The form token of this request, for `purpose` and `flow`: refused as `failure` when it
    /// was not made for this browser.
    pub fn check_token(
        state: &AppState,
        purpose: &str,
        flow: &str,
        token: &str,
        failure: Failure,
    ) -> Result<(), AppError> {
        state.csrf.verify(&headers(), purpose, flow, token).map_err(|why| {
            tracing::warn!(reason = ?why, purpose, "form refused by the CSRF checks");
            AppError::new(failure)
        })
    }
}
