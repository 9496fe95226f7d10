//! The sandbox's routes: every URL it serves, on both listeners (OAuth/OIDC per workspace, the
//! System and Public APIs, each consent profile's own APIs, the mock bank, the demo
//! applications), with the security headers every answer carries.

use crate::sandbox::bank;
use crate::sandbox::consent_api::{public_api, scope_grants, system_clients, system_tokens};
use crate::sandbox::http::api_error;
use crate::sandbox::idempotency;
use crate::sandbox::identity;
use crate::sandbox::oauth::{authorize, discovery, introspect, login, par, registration, revoke, token, userinfo};
use crate::sandbox::profile;
use crate::sandbox::state::Sandbox;
use crate::sandbox::{aggregator, demo, fdx_demo};
use axum::{
    http::{header, HeaderValue, StatusCode},
    response::Response,
    routing::{delete, get, post},
    Router,
};
use std::sync::Arc;

/// The sandbox's routes: OAuth/OIDC per workspace, the System API, the demo application.
pub fn router(sandbox: Arc<Sandbox>) -> Router {
    Router::new()
        .route("/{tid}/{wid}/.well-known/openid-configuration", get(discovery::discovery))
        .route("/{tid}/{wid}/.well-known/jwks.json", get(discovery::jwks))
        .route("/{tid}/{wid}/oauth2/authorize", get(authorize::authorize))
        .route("/{tid}/{wid}/login", get(login::login_page).post(login::login_submit))
        .route("/{tid}/{wid}/par", post(par::par))
        .route("/{tid}/{wid}/oauth2/token", post(token::token))
        .route("/{tid}/{wid}/oauth2/introspect", post(introspect::introspect))
        .route("/{tid}/{wid}/oauth2/revoke", post(revoke::revoke))
        .route(
            "/{tid}/{wid}/oauth2/register",
            post(registration::register)
                .layer(axum::extract::DefaultBodyLimit::max(registration::REGISTRATION_MAX_BYTES)),
        )
        .route("/{tid}/{wid}/userinfo", get(userinfo::userinfo).post(userinfo::userinfo))
        .route("/{tid}/{wid}/clients", get(public_api::list))
        .route("/{tid}/{wid}/clients/{cid}", delete(public_api::revoke))
        .route("/api/system/{tid}/scope-grants/{login}", get(scope_grants::session))
        .route("/api/system/{tid}/scope-grants/{login}/accept", post(scope_grants::accept))
        .route("/api/system/{tid}/scope-grants/{login}/reject", post(scope_grants::reject))
        .route("/api/system/{tid}/servers/{wid}/tokens", delete(system_tokens::revoke))
        .route("/api/system/{tid}/clients/{wid}", get(system_clients::list))
        .merge(profile::routes())
        .merge(identity::routes())
        .route("/bank/internal/accounts", get(bank::internal::internal_accounts))
        .route("/bank/internal/accounts/{id}/sharing", bank::internal::sharing_route(String::new()))
        .route("/bank/internal/disclosures", get(bank::fdx::disclosures))
        .route("/bank/accounts", get(bank::fdx::accounts))
        .merge(bank::open_banking::routes(&sandbox))
        .merge(bank::obuk::routes(&sandbox))
        .merge(bank::cdr::routes(&sandbox))
        .route("/bank/accounts/{id}", get(bank::fdx::account))
        .route("/bank/accounts/{id}/transactions", get(bank::fdx::transactions))
        .route("/fdx-demo", get(fdx_demo::index))
        .route("/fdx-demo/callback", get(fdx_demo::callback))
        .route("/aggregator", get(aggregator::index))
        .route("/aggregator/sign-in", post(aggregator::sign_in))
        .route("/aggregator/sign-out", post(aggregator::sign_out))
        .route("/aggregator/connect", post(aggregator::connect))
        .route("/aggregator/pay", post(aggregator::pay))
        .route("/aggregator/callback", get(aggregator::callback))
        .route("/aggregator/disconnect", post(aggregator::disconnect))
        .route("/", get(|| async { axum::response::Redirect::to("/demo") }))
        .route("/demo", get(demo::index))
        .route("/demo/callback", get(demo::callback))
        .merge(demo_forms())
        .route("/demo/privacy", get(demo::privacy))
        .route("/demo/terms", get(demo::terms))
        .route("/static/demo-logo.svg", get(demo::logo))
        .fallback(|| async { api_error(StatusCode::NOT_FOUND, "Not found", "not_found") })
        .layer(axum::middleware::from_fn_with_state(sandbox.clone(), idempotency::replay))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(sandbox)
}

/// The demo applications' forms, each taken from its own pages only ([`own_forms_only`]).
fn demo_forms() -> Router<Arc<Sandbox>> {
    Router::new()
        .route("/fdx-demo/connect", post(fdx_demo::connect))
        .route("/fdx-demo/fetch", post(fdx_demo::fetch_again))
        .route("/demo/start", post(demo::start))
        .route("/demo/introspect", post(demo::introspect))
        .route_layer(axum::middleware::from_fn(own_forms_only))
}

/// The demo applications' forms come from their own pages: one posted from another site (which
/// would replace the browser's demo session, or introspect a token with the demo client's
/// secret) is refused, as the browser's `Sec-Fetch-Site` says.
/// A browser that does not send `Sec-Fetch-Site` is held to its `Origin`: this host's.
async fn own_forms_only(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let h = req.headers();
    let foreign = match h.get("sec-fetch-site").map(|v| v.as_bytes()) {
        Some(site) => matches!(site, b"cross-site" | b"same-site"),
        None => h.get(axum::http::header::ORIGIN).is_some_and(|origin| {
            let host = h.get(axum::http::header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
            let origin = origin.to_str().unwrap_or_default();
            origin.split_once("://").is_none_or(|(_, authority)| authority != host)
        }),
    };
    if foreign {
        return api_error(StatusCode::FORBIDDEN, "a form from another site", "forbidden");
    }
    next.run(req).await
}

async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    res
}
