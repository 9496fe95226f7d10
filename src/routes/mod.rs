//! Assent's HTTP surface: the pages (GET), the server functions under `/api` behind their
//! guard, the language switcher and the operational endpoints. It sits above `api` (whose
//! server functions the pages call) and `server` (the state and services both use).

mod consent;
mod console;
mod files;
mod guard;
mod logo;
mod pages;
mod portal;
mod render;
mod respond;

use crate::api::{cdr::DecideCdrArrangement, consent::DecideConsent, fdx::DecideFdxConsent, obuk::DecideObukConsent};
use crate::error::{AppError, Failure};
use crate::i18n::Locale;
use crate::sandbox::SandboxHandle;
use crate::server::config::Config;
use crate::server::{build, observe, AppState, StartError};
use axum::{
    extract::State,
    http::{header, HeaderValue, StatusCode, Uri},
    response::{IntoResponse, Response},
    routing::{get, on, post, MethodFilter},
    Router,
};
use leptos::config::LeptosOptions;
use leptos::server_fn::ServerFn as _;
use url::Url;

/// A started Assent: its router, and the sandbox when it runs one.
pub struct Started {
    pub router: Router,
    pub state: AppState,
    pub sandbox: Option<SandboxHandle>,
    /// What Assent's listener lets clients take: serve `router` with `crate::listen::serve`.
    pub limits: crate::listen::Limits,
}

/// Builds Assent for `public_url` (where browsers reach it), starting the embedded sandbox
/// when no tenant is configured.
pub async fn start(config: Config, leptos: LeptosOptions, public_url: Url) -> Result<Started, StartError> {
    let limits = config.limits;
    let (state, sandbox) = build(config, leptos, public_url).await?;
    crate::server::reconcile::spawn(state.clone());
    // Every form Assent takes is small: 64 KiB (the server functions' guard says the same).
    let router =
        crate::listen::limit_bodies(router(state.clone()), &crate::listen::Limits { max_body: 64 * 1024, ..limits });
    Ok(Started { router, state, sandbox, limits })
}

/// Assent's routes: the pages (GET), the server functions under `/api` behind their guard,
/// and the operational endpoints.
pub fn router(state: AppState) -> Router {
    let mut router = Router::new()
        // The pages that pay to compress: the home page, the consent screen and the portal's
        // list when its address has no query (see `unless_query`).
        .route("/", get(pages::home).layer(compress_html()))
        .route("/consent", get(consent::consent).layer(compress_html()))
        .route("/portal", get(portal::portal).layer(compress_html()).layer(axum::middleware::from_fn(unless_query)))
        .route("/portal/callback", get(portal::callback))
        .route("/portal/revoke", get(portal::confirm_revoke))
        .route("/portal/receipt", get(portal::receipt))
        .route("/admin", get(console::console))
        .route("/admin/record", get(console::record))
        .route("/admin/callback", get(console::callback));
    // Each server function at the path `server_fn` registered it under, behind the guard; any
    // other `/api/…` path is the site's 404. The consent decisions show their form again when
    // a plain form chose nothing.
    let decisions = [
        DecideConsent::PATH,
        DecideFdxConsent::PATH,
        DecideObukConsent::PATH,
        DecideCdrArrangement::PATH,
        crate::api::obuk_payment::DecideDomesticPayment::PATH,
    ];
    // The guard wraps the server function itself, not its route: a request of another method
    // is the route's 405 (`Allow: POST`), and never read.
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        use axum::handler::Handler as _;
        let Ok(filter) = MethodFilter::try_from(method.clone()) else { continue };
        let guard = axum::middleware::from_fn_with_state(state.clone(), guard::guard);
        let route = if decisions.contains(&path) {
            let again = axum::middleware::from_fn_with_state(state.clone(), consent::form_again);
            on(filter, server_fn.layer(again).layer(guard))
        } else {
            on(filter, server_fn.layer(guard))
        };
        router = router.route(path, route.fallback(move |state, uri| respond::not_allowed(state, uri, method.clone())));
    }
    router
        .route("/theme.css", get(theme_css))
        .route("/logo", get(logo::logo))
        .route("/lang", post(set_language))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .fallback_service(files::service(&state))
        .layer(axum::middleware::from_fn_with_state(state.clone(), respond::catch_panics))
        .layer(axum::middleware::map_response_with_state(state.clone(), security_headers))
        .layer(axum::middleware::from_fn_with_state((state.time_zone, state.csrf.is_secure()), observe::trace_requests))
        .with_state(state)
}

/// Compression of a page's HTML, Brotli or gzip as the browser accepts, at a level that costs
/// far less than the transfer it saves on a slow connection.
fn compress_html() -> tower_http::compression::CompressionLayer<tower_http::compression::predicate::SizeAbove> {
    tower_http::compression::CompressionLayer::new()
        .quality(tower_http::CompressionLevel::Precise(4))
        .compress_when(tower_http::compression::predicate::SizeAbove::new(1024))
}

/// Leaves the page of an address with a query uncompressed, by hiding what the browser accepts
/// from the compression inside. The portal's list puts a session-bound form token and the
/// customer's consents beside the filter it was asked for (`?q=`): compressed together, text an
/// attacker chooses would let an observer of sizes guess the rest (BREACH). Without a query the
/// page holds nothing from the request, and there is nothing to guess against.
async fn unless_query(mut request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    if request.uri().query().is_some() {
        request.headers_mut().remove(header::ACCEPT_ENCODING);
    }
    next.run(request).await
}

/// Every server function, served by `leptos_axum` with the app state in context, to its end
/// ([`crate::request::Detached`]): a decision, a revocation or a sign-out runs on even if the
/// browser goes away (a second click aborts the first request), never cut between what it
/// changes upstream and what it records. One that panics answers as a failure.
async fn server_fn(State(state): State<AppState>, request: axum::extract::Request) -> Response {
    let detached = state.detached.clone();
    let context = move || leptos::prelude::provide_context(state.clone());
    match detached.run(leptos_axum::handle_server_fns_with_context(context, request)).await {
        Some(response) => response.into_response(),
        None => {
            use leptos::server_fn::error::FromServerFnError as _;
            let error = AppError::new(Failure::Internal);
            let marked = [(leptos::server_fn::error::SERVER_FN_ERROR_HEADER, "1")];
            (StatusCode::INTERNAL_SERVER_ERROR, marked, error.ser()).into_response()
        }
    }
}

/// The metrics in Prometheus' text format; with `ASSENT_METRICS_TOKEN` set, only for a scraper
/// bearing it.
async fn metrics(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    let authorization = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    if !state.may_read_metrics(authorization) {
        return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer")]).into_response();
    }
    state.upstream.metrics().render().into_response()
}

/// `/theme.css`, or `/theme.css?workspace=…` for a workspace with a brand of its own.
async fn theme_css(State(state): State<AppState>, uri: Uri) -> Response {
    let query = pages::query_of(&uri);
    let css = state.theme_css_of(pages::field(&query, "workspace").as_deref()).to_string();
    let headers = [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=300")];
    (headers, css).into_response()
}

/// The language switcher: remembers the choice in a cookie and goes back to the page
/// (a path on this site only).
async fn set_language(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    uri: Uri,
    body: axum::body::Bytes,
) -> Response {
    if !state.csrf.is_same_origin(&headers) {
        return respond::failure_page(&state, &uri, AppError::new(Failure::PortalForged)).await;
    }
    let mut lang = None;
    let mut next = None;
    for (k, v) in url::form_urlencoded::parse(&body) {
        match k.as_ref() {
            "lang" => lang = Locale::ALL.into_iter().find(|l| l.tag() == v),
            "next" => next = Some(v.into_owned()),
            _ => {}
        }
    }
    let next = next
        .filter(|n| n.starts_with('/') && !n.starts_with("//") && n.len() <= 4096)
        // Visible ASCII only: what a Location header can carry, and no backslash tricks.
        .filter(|n| n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\'))
        .unwrap_or_else(|| "/".into());
    let secure = state.csrf.is_secure();
    let cookie = lang.and_then(|l| {
        crate::cookies::cookie_header(crate::request::lang_cookie(secure), l.tag(), 31_536_000, "Lax", secure)
    });
    pages::with_cookie(axum::response::Redirect::to(&next).into_response(), cookie)
}

/// Each dependency and how it is. Not ready (503) without the authorization server or the
/// consent records: no consent can be given then. Without the session store only the portal is
/// down, and the consent screen still works, so the replica stays in the balancer, `degraded`
/// (200), naming what failed. Why it failed (an upstream answer, a database error) goes to the
/// log, not to whoever asks.
async fn readyz(State(state): State<AppState>) -> Response {
    let (upstream, store, records) = tokio::join!(state.upstream.ready(), state.sessions.ping(), state.records.ping());
    let check = |ok: bool| serde_json::json!({ "ok": ok });
    let (status, word) = match (&upstream, &records, &store) {
        (Ok(()), Ok(()), Ok(())) => (StatusCode::OK, "ready"),
        (Ok(()), Ok(()), Err(_)) => (StatusCode::OK, "degraded"),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "not ready"),
    };
    let failed: Vec<&str> = [
        ("authorization_server", upstream.is_err()),
        ("consent_records", records.is_err()),
        ("session_store", store.is_err()),
    ]
    .into_iter()
    .filter_map(|(name, failed)| failed.then_some(name))
    .collect();
    if !failed.is_empty() {
        tracing::warn!(
            ?failed,
            upstream = ?upstream.as_ref().err(),
            records = ?records.as_ref().err(),
            store = ?store.as_ref().err(),
            "{word}"
        );
    }
    let body = serde_json::json!({
        "status": word,
        "failed": failed,
        "authorization_server": check(upstream.is_ok()),
        "consent_records": {"enabled": state.records.enabled(), "store": state.records.kind(), "pools": state.records.pools(), "check": check(records.is_ok())},
        "session_store": {"kind": state.sessions.kind(), "check": check(store.is_ok())},
    });
    (status, axum::Json(body)).into_response()
}

/// Headers every response carries; pages set their own CSP (with a nonce) and referrer policy.
async fn security_headers(State(state): State<AppState>, mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    // Same-origin: Assent's own forms carry their real `Origin` (and Referer); nothing reaches
    // client sites or logo hosts. Consent pages send none at all.
    h.entry(header::REFERRER_POLICY).or_insert(HeaderValue::from_static("same-origin"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    // No other site's window keeps a handle on Assent's pages.
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"));
    if state.csrf.is_secure() {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    res
}
