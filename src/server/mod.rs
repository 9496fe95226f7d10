//! Assent's server: configuration, the upstream client, CSRF, rendering and handlers. Built
//! only with the `ssr` feature; nothing here reaches the browser.

pub mod config;
pub mod consent;
pub mod csrf;
pub mod fdx;
pub mod guard;
pub mod observe;
pub mod pages;
pub mod portal;
pub mod portal_auth;
pub mod present;
pub mod render;
pub mod respond;
pub mod sessions;
pub mod theme;
pub mod upstream;

use crate::error::{AppError, Failure};
use crate::i18n::Locale;
use crate::model::{Brand, HomeView};
use crate::sandbox::{self, SandboxConfig, SandboxHandle};
use axum::{
    extract::State,
    http::{header, HeaderValue, StatusCode, Uri},
    response::{IntoResponse, Response},
    routing::{any, get, post},
    Router,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use config::{Config, TenantConfig};
use csrf::Csrf;
use leptos::config::LeptosOptions;
use rand::RngCore;
use std::sync::Arc;
use tower_http::services::ServeDir;
use upstream::Upstream;
use url::Url;

/// Shared, read-only state of a running Assent. No per-user data lives here.
#[derive(Clone)]
pub struct AppState {
    pub leptos: LeptosOptions,
    pub upstream: Arc<Upstream>,
    pub csrf: Arc<Csrf>,
    pub home: HomeView,
    pub sessions: Arc<sessions::Sessions>,
    /// The portal's sign-in, when a portal client is configured (always with the sandbox).
    pub portal: Option<Arc<portal_auth::PortalAuth>>,
    pub brand: Brand,
    theme_css: Arc<str>,
    csp_sources: Arc<str>,
}

impl AppState {
    /// The page CSP for one response's nonce.
    pub fn csp(&self, nonce: &str) -> String {
        format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; {}; \
             object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
            self.csp_sources
        )
    }
}

/// A started Assent: its router, and the sandbox when it runs one.
pub struct Started {
    pub router: Router,
    pub state: AppState,
    pub sandbox: Option<SandboxHandle>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Sandbox(#[from] sandbox::SandboxError),
    #[error("upstream client: {0}")]
    Client(#[from] upstream::ClientBuildError),
    #[error("Assent's database: {0}")]
    Db(#[from] sessions::DbError),
    #[error("portal client: {0}")]
    Portal(#[from] portal_auth::PortalAuthError),
    #[error("{0}")]
    Other(String),
}

/// `n` random bytes, base64url: nonces, ids, tokens. From the thread's CSPRNG (ChaCha,
/// seeded and regularly reseeded from the OS), which spares a system call per value.
pub fn random_b64(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Builds Assent for `public_url` (where browsers reach it), starting the embedded sandbox
/// when no tenant is configured.
pub async fn start(config: Config, leptos: LeptosOptions, public_url: Url) -> Result<Started, StartError> {
    // Leptos renders on the tokio runtime; a second call (tests start several apps) is a no-op.
    let _ = any_spawner::Executor::init_tokio();
    let origin = public_url.origin().ascii_serialization();
    let (tenant, sandbox) = match config.tenant.clone() {
        Some(t) => (t, None),
        None => {
            let handle = sandbox::spawn(SandboxConfig {
                addr: config.sandbox_addr,
                data_dir: config.data_dir.clone(),
                consent_url: format!("{origin}/consent"),
                mtls_addr: config.sandbox_mtls_addr,
            })
            .await?;
            let issuer = Url::parse(&format!("{}/{}/demo", handle.base_url, sandbox::TENANT))
                .map_err(|e| StartError::Other(e.to_string()))?;
            let tenant = TenantConfig {
                issuer,
                tenant_id: sandbox::TENANT.into(),
                client_id: handle.consent_client_id.clone(),
                client_secret: config::Secret::new(handle.consent_client_secret.clone()),
                root_ca: None,
                client_cert: None,
            };
            (tenant, Some(handle))
        }
    };
    let key = match &config.session_key {
        Some(k) => k.expose().as_bytes().to_vec(),
        None => {
            tracing::info!("ASSENT_SESSION_KEY is not set: generated a key for this process (replicas must share one)");
            let mut k = vec![0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut k);
            k
        }
    };
    let mut upstream = Upstream::new(&tenant, Arc::default())?;
    let bank = match (&config.bank, &sandbox) {
        (Some(b), _) => Some(b.clone()),
        (None, Some(handle)) => Url::parse(&format!("{}/bank", handle.base_url)).ok().map(|url| config::BankConfig {
            url,
            id_claim: None,
            // The sandbox's FDX workspace, `default/fdx`.
            workspace: Some("fdx".into()),
        }),
        (None, None) => None,
    };
    if let Some(bank) = bank {
        let workspace = bank
            .workspace
            .clone()
            .or_else(|| tenant.issuer.path_segments().and_then(|mut s| s.rfind(|x| !x.is_empty()).map(str::to_string)))
            .unwrap_or_default();
        upstream = upstream.with_fdx(upstream::Fdx {
            bank_url: bank.url.as_str().trim_end_matches('/').to_string(),
            workspace,
            id_claim: bank.id_claim.clone(),
        });
    }
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| StartError::Other(format!("cannot use the data directory {}: {e}", config.data_dir.display())))?;
    let sessions = sessions::Sessions::open(&config.data_dir.join("assent.sqlite3"))?;
    let portal_client = config.portal.clone().or_else(|| {
        sandbox.as_ref().map(|_| config::PortalClient { client_id: "assent-portal".into(), client_secret: None })
    });
    let portal = portal_client
        .map(|c| portal_auth::PortalAuth::new(&c, &tenant.issuer, format!("{origin}/portal/callback")))
        .transpose()?
        .map(Arc::new);
    let issuer_origin = upstream.origin();
    let mut img = "img-src 'self' data: https:".to_string();
    if issuer_origin.starts_with("http://") {
        img.push(' ');
        img.push_str(&issuer_origin);
    }
    let mut connect = "connect-src 'self'".to_string();
    if config.live_reload {
        // `cargo leptos watch` reloads the page over a websocket.
        let port = leptos.reload_port;
        connect.push_str(&format!(" ws://{}:{port} ws://localhost:{port}", leptos.site_addr.ip()));
    }
    let theme_css = theme::stylesheet(&config.theme).into();
    let brand = Brand { name: config.theme.name.clone(), logo: config.theme.logo.clone() };
    let state = AppState {
        leptos,
        brand,
        theme_css,
        upstream: Arc::new(upstream),
        csrf: Arc::new(Csrf::new(key, origin)),
        sessions: Arc::new(sessions),
        portal,
        home: HomeView {
            demo_url: sandbox.as_ref().map(|s| format!("{}/demo", s.base_url)),
            fdx_demo_url: sandbox.as_ref().map(|s| format!("{}/fdx-demo", s.base_url)),
            issuer: tenant.issuer.to_string(),
        },
        csp_sources: format!("{img}; {connect}").into(),
    };
    Ok(Started { router: router(state.clone()), state, sandbox })
}

/// Assent's routes: the pages (GET), the server functions under `/api` behind their guard,
/// and the operational endpoints.
pub fn router(state: AppState) -> Router {
    let site_root = state.leptos.site_root.to_string();
    let files = ServeDir::new(site_root).fallback(get(pages::not_found).with_state(state.clone()));
    let server_fns = any(server_fn).layer(axum::middleware::from_fn_with_state(state.clone(), guard::guard));
    Router::new()
        .route("/", get(pages::home))
        .route("/consent", get(pages::consent))
        .route("/portal", get(pages::portal))
        .route("/portal/callback", get(pages::callback))
        .route("/portal/revoke", get(pages::confirm_revoke))
        .route("/api/{*fn_name}", server_fns)
        .route("/theme.css", get(theme_css))
        .route("/lang", post(set_language))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(|State(state): State<AppState>| async move { state.upstream.metrics().render() }))
        .fallback_service(files)
        .layer(axum::middleware::map_response(security_headers))
        .layer(axum::middleware::from_fn(observe::trace_requests))
        .with_state(state)
}

/// Every server function, served by `leptos_axum` with the app state in context.
async fn server_fn(State(state): State<AppState>, request: axum::extract::Request) -> Response {
    leptos_axum::handle_server_fns_with_context(move || leptos::prelude::provide_context(state.clone()), request)
        .await
        .into_response()
}

async fn theme_css(State(state): State<AppState>) -> Response {
    let headers = [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=300")];
    (headers, state.theme_css.to_string()).into_response()
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
    let mut response = axum::response::Redirect::to(&next).into_response();
    if let Some(cookie) = lang.and_then(|l| {
        crate::cookies::cookie_header(observe::LANG_COOKIE, l.tag(), 31_536_000, "Lax", state.csrf.is_secure())
    }) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// Ready when the authorization server answers and a System token can be had.
async fn readyz(State(state): State<AppState>) -> Response {
    match state.upstream.ready().await {
        Ok(()) => (StatusCode::OK, axum::Json(serde_json::json!({"status": "ready"}))).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            let body = serde_json::json!({"status": "not ready", "reason": e.to_string()});
            (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response()
        }
    }
}

/// Headers every response carries; pages set their own CSP with a nonce.
async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    // Same-origin: Assent's own forms carry their real `Origin` (and Referer); nothing reaches
    // client sites or logo hosts.
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"));
    res
}
