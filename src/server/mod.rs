//! Assent's server: configuration, the upstream client, CSRF, rendering and handlers. Built
//! only with the `ssr` feature; nothing here reaches the browser.

pub mod config;
pub mod consent;
pub mod csrf;
pub mod portal;
pub mod portal_auth;
pub mod render;
pub mod sessions;
pub mod upstream;

use crate::model::{HomeView, PageError};
use crate::sandbox::{self, SandboxConfig, SandboxHandle};
use axum::{
    extract::State,
    http::{header, HeaderValue, StatusCode, Uri},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use config::{Config, TenantConfig};
use csrf::Csrf;
use leptos::config::LeptosOptions;
use rand::RngCore;
use render::{render, Page};
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

/// `n` random bytes, base64url.
pub fn random_b64(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
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
    let upstream = Upstream::new(&tenant)?;
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
    if std::env::var_os("LEPTOS_WATCH").is_some() {
        // `cargo leptos watch` reloads the page over a websocket.
        let port = leptos.reload_port;
        connect.push_str(&format!(" ws://{}:{port} ws://localhost:{port}", leptos.site_addr.ip()));
    }
    let state = AppState {
        leptos,
        upstream: Arc::new(upstream),
        csrf: Arc::new(Csrf::new(key, origin)),
        sessions: Arc::new(sessions),
        portal,
        home: HomeView {
            demo_url: sandbox.as_ref().map(|s| format!("{}/demo", s.base_url)),
            issuer: tenant.issuer.to_string(),
        },
        csp_sources: format!("{img}; {connect}").into(),
    };
    Ok(Started { router: router(state.clone()), state, sandbox })
}

/// Assent's routes.
pub fn router(state: AppState) -> Router {
    let site_root = state.leptos.site_root.to_string();
    let files = ServeDir::new(site_root).fallback(get(not_found).with_state(state.clone()));
    Router::new()
        .route("/", get(home))
        .route("/consent", get(consent::show).post(consent::decide))
        .route("/portal", get(portal::index))
        .route("/portal/login", axum::routing::post(portal::login))
        .route("/portal/callback", get(portal::callback))
        .route("/portal/revoke", get(portal::confirm_revoke).post(portal::revoke))
        .route("/portal/logout", axum::routing::post(portal::logout))
        .route("/healthz", get(|| async { "ok" }))
        .fallback_service(files)
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

async fn home(State(state): State<AppState>, uri: Uri) -> Response {
    render(&state, &uri, StatusCode::OK, Page::Home(state.home.clone())).await
}

async fn not_found(State(state): State<AppState>, uri: Uri) -> Response {
    let error = PageError {
        status: 404,
        title: "Page not found".into(),
        message: "There is nothing at this address.".into(),
        request_id: random_b64(9),
    };
    render(&state, &uri, StatusCode::NOT_FOUND, Page::Error(error)).await.into_response()
}

/// Headers every response carries; pages set their own CSP with a nonce.
async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"));
    res
}
