//! Every listener Assent opens (its own, the sandbox's and the sandbox's mutual-TLS one) serves
//! HTTP through here, with the same limits against slow and greedy clients:
//! - at most `max_connections` connections at once; more wait in the kernel's backlog until one
//!   closes;
//! - a TLS handshake, and then each request's headers, within `header_timeout`, or the
//!   connection closes (the timer also closes a connection idle between requests);
//! - a request body within `body_timeout`, and at most `max_body` bytes ([`limit_bodies`]).
//!
//! Plain listeners speak HTTP/1.1 (what a TLS-terminating proxy sends on); the mutual-TLS one
//! also HTTP/2 when the client asks for it by ALPN, with keep-alive pings.

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};

/// How much a listener lets its clients take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_connections: usize,
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub max_body: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 1024,
            header_timeout: Duration::from_secs(5),
            body_timeout: Duration::from_secs(10),
            max_body: 1024 * 1024,
        }
    }
}

/// `router` with the body limits: too slow a body fails (its handler sees an error and answers
/// 400), too large a one gets 413.
pub fn limit_bodies(router: Router, limits: &Limits) -> Router {
    router
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(limits.body_timeout))
        .layer(axum::extract::DefaultBodyLimit::max(limits.max_body))
}

/// Serves `app` on `listener` over plain HTTP/1.1 until `shutdown`; then lets requests in
/// flight finish (for up to 10 seconds).
pub async fn serve(listener: TcpListener, app: Router, limits: Limits, shutdown: impl Future<Output = ()> + Send) {
    accept(listener, limits, shutdown, move |tcp, watcher| {
        let app = app.clone();
        async move { http1(TokioIo::new(tcp), app, None::<()>, &limits, watcher).await }
    })
    .await
}

/// The accept loop: takes a connection only while a slot is free, and hands it to `handle`.
pub async fn accept<F, Fut>(listener: TcpListener, limits: Limits, shutdown: impl Future<Output = ()> + Send, handle: F)
where
    F: Fn(TcpStream, Watcher) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = slots.clone().acquire_owned() => permit,
            () = &mut shutdown => break,
        };
        let Ok(permit) = permit else { break };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        match accepted {
            Ok((tcp, _)) => {
                let _ = tcp.set_nodelay(true);
                let connection = handle(tcp, graceful.watcher());
                tokio::spawn(async move {
                    connection.await;
                    drop(permit);
                });
            }
            Err(e) => {
                // Out of file descriptors, most likely: wait instead of spinning.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    // Stop taking connections; idle ones close now, busy ones after their request.
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(10), graceful.shutdown()).await;
}

/// One HTTP/1.1 connection to `app`, each request carrying `extension` (a TLS client
/// certificate, say).
pub async fn http1<I, E>(io: I, app: Router, extension: Option<E>, limits: &Limits, watcher: Watcher)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
    E: Clone + Send + Sync + 'static,
{
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout).max_buf_size(64 * 1024);
    let connection = http.serve_connection(io, service(app, extension));
    if let Err(e) = watcher.watch(connection).await {
        tracing::debug!(error = %e, "connection ended");
    }
}

/// One connection over TLS: HTTP/2 when ALPN chose it, HTTP/1.1 otherwise. A stalled HTTP/2
/// client is caught by keep-alive pings; header and body sizes are bounded.
pub async fn http1_or_2<S, E>(tls: S, h2: bool, app: Router, extension: Option<E>, limits: &Limits, watcher: Watcher)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    E: Clone + Send + Sync + 'static,
{
    let io = TokioIo::new(tls);
    if !h2 {
        return http1(io, app, extension, limits, watcher).await;
    }
    let mut http = hyper::server::conn::http2::Builder::new(TokioExecutor::new());
    http.timer(TokioTimer::new())
        .keep_alive_interval(Some(Duration::from_secs(20)))
        .keep_alive_timeout(limits.header_timeout)
        .max_concurrent_streams(100)
        .max_header_list_size(64 * 1024);
    let connection = http.serve_connection(io, service(app, extension));
    if let Err(e) = watcher.watch(connection).await {
        tracing::debug!(error = %e, "connection ended");
    }
}

fn service<E: Clone + Send + Sync + 'static>(
    app: Router,
    extension: Option<E>,
) -> impl hyper::service::Service<
    hyper::Request<Incoming>,
    Response = axum::response::Response,
    Error = std::convert::Infallible,
    Future = impl Future<Output = Result<axum::response::Response, std::convert::Infallible>> + Send,
> + Clone {
    hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        if let Some(extension) = &extension {
            req.extensions_mut().insert(extension.clone());
        }
        tower::ServiceExt::oneshot(app.clone(), req)
    })
}
