//! Every listener Assent opens (its own, the sandbox's and the sandbox's mutual-TLS one) serves
//! HTTP through here, with the same limits against slow and greedy clients:
//! - at most `max_connections` connections at once; more wait in the kernel's backlog until one
//!   closes;
//! - at most `max_per_address` of them from one client address (an IPv6 /64 counts as one):
//!   more from that address are answered 503 with `Retry-After` (plain listeners) and closed at
//!   once, so that one client's half-open connections cannot take every slot and slow everyone
//!   else;
//! - a TLS handshake, and then each request's headers, within `header_timeout`, or the
//!   connection closes (the timer also closes a connection idle between requests);
//! - a request body whole within `body_timeout` of its request's start (a deadline, not an idle
//!   timer: a body trickling in a byte at a time is cut off too), and at most `max_body` bytes,
//!   a declared length beyond that refused before anything is read ([`limit_bodies`]);
//! - a response that makes no progress for `write_timeout` (a client that stops reading) closes
//!   the connection (over HTTP/2, where a client may withhold its flow-control window while it
//!   answers pings, only the keep-alive pings watch the connection).
//!
//! Plain listeners speak HTTP/1.1 (what a TLS-terminating proxy sends on); the mutual-TLS one
//! also HTTP/2 when the client asks for it by ALPN, with keep-alive pings.

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};

/// How much a listener lets its clients take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_connections: usize,
    pub max_per_address: usize,
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub write_timeout: Duration,
    pub max_body: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 1024,
            max_per_address: 256,
            header_timeout: Duration::from_secs(5),
            body_timeout: Duration::from_secs(10),
            // Longer than a phone's radio gap with full buffers.
            write_timeout: Duration::from_secs(20),
            max_body: 1024 * 1024,
        }
    }
}

impl Limits {
    /// How long a client of these listeners keeps a connection idle in its pool: well under
    /// `header_timeout`, after which the listener closes an idle connection. A request sent on a
    /// connection the listener is closing fails ("connection closed before message completed"),
    /// and a code exchange cannot be sent again.
    pub fn client_idle(&self) -> Duration {
        self.header_timeout / 4
    }
}

/// `router` with the body limits: a body not whole by its deadline fails (its handler sees an
/// error and answers, 400 or its own page), one declared too large gets 413 before a byte of
/// it is read, and one that grows too large fails as it does.
pub fn limit_bodies(router: Router, limits: &Limits) -> Router {
    let (deadline, max_body) = (limits.body_timeout, limits.max_body);
    router
        .layer(axum::middleware::from_fn(move |request, next| within(deadline, max_body, request, next)))
        .layer(axum::extract::DefaultBodyLimit::max(max_body))
}

/// The request with its body due by `deadline` from now; 413 if it declares over `max_body`.
async fn within(
    deadline: Duration,
    max_body: usize,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    use hyper::body::Body as _;
    if request.body().is_end_stream() {
        return next.run(request).await;
    }
    if request.body().size_hint().lower() > max_body as u64 {
        // Answered here, outside the app's layers: with the headers every answer carries.
        tracing::warn!(path = request.uri().path(), "a request body declared over the limit was refused");
        let headers = [
            (header::CONNECTION, "close"),
            (header::CACHE_CONTROL, "no-store"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; frame-ancestors 'none'"),
        ];
        return (axum::http::StatusCode::PAYLOAD_TOO_LARGE, headers, "Request body too large\n").into_response();
    }
    let (parts, body) = request.into_parts();
    let due = Box::pin(tokio::time::sleep(deadline));
    next.run(axum::extract::Request::from_parts(parts, axum::body::Body::new(Due { body, due }))).await
}

/// A request body due by a deadline. (tower-http's body timeout starts again with each frame,
/// so a client sending a byte every few seconds would keep its connection as long as it liked.)
struct Due {
    body: axum::body::Body,
    due: std::pin::Pin<Box<tokio::time::Sleep>>,
}

/// The error a body past its deadline ends with.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
struct BodyTooSlow;

impl hyper::body::Body for Due {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    /// What has arrived is handed on; only a body still waiting past its deadline fails.
    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        let this = self.get_mut();
        match std::pin::Pin::new(&mut this.body).poll_frame(cx) {
            std::task::Poll::Pending if this.due.as_mut().poll(cx).is_ready() => {
                std::task::Poll::Ready(Some(Err(axum::Error::new(BodyTooSlow))))
            }
            polled => polled,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.body.size_hint()
    }
}

/// An accepted connection: writes that make no progress for the listener's `write_timeout`
/// fail, and the connection with them.
pub type Connection = std::pin::Pin<Box<tokio_io_timeout::TimeoutStream<TcpStream>>>;

/// Serves `app` on `listener` over plain HTTP/1.1 until `shutdown`; then lets requests in
/// flight finish (for up to 10 seconds).
pub async fn serve(listener: TcpListener, app: Router, limits: Limits, shutdown: impl Future<Output = ()> + Send) {
    accept(listener, limits, shutdown, BUSY, move |tcp: Connection, peer, watcher| {
        let app = app.clone();
        async move { http1(TokioIo::new(tcp), app, peer, None::<()>, &limits, watcher).await }
    })
    .await
}

/// The key a client address counts under: the address, or for IPv6 its /64 (what one client
/// is usually given).
pub fn address_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(std::net::Ipv6Addr::from(u128::from(v6) & (u128::MAX << 64))),
        },
        v4 => v4,
    }
}

/// Connections open per client address.
#[derive(Clone, Default)]
struct PerAddress(Arc<Mutex<HashMap<IpAddr, usize>>>);

/// One connection counted against its address until dropped.
struct Counted(PerAddress, IpAddr);

impl PerAddress {
    /// Counts a connection from `ip`, unless `max` are open from it already.
    fn take(&self, ip: IpAddr, max: usize) -> Option<Counted> {
        let key = address_key(ip);
        let mut open = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(key).or_default();
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(Counted(self.clone(), key))
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        let mut open = self.0 .0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.1) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.1);
            }
        }
    }
}

/// What a plain listener answers a connection beyond its address's share, before closing it.
const BUSY: &[u8] =
    b"HTTP/1.1 503 Service Unavailable\r\nretry-after: 1\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";

/// The accept loop: takes a connection only while a slot is free and its address has fewer
/// than its share (beyond it, `busy` is written, if it fits at once, and the connection closed),
/// and hands it, with the client's address, to `handle`.
pub async fn accept<F, Fut>(
    listener: TcpListener,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send,
    busy: &'static [u8],
    handle: F,
) where
    F: Fn(Connection, SocketAddr, Watcher) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.max_connections.max(1)));
    let per_address = PerAddress::default();
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
            Ok((tcp, peer)) => {
                let Some(counted) = per_address.take(peer.ip(), limits.max_per_address.max(1)) else {
                    tracing::debug!(%peer, "connection refused: too many from this address");
                    let _ = tcp.try_write(busy);
                    drop(tcp);
                    continue;
                };
                let _ = tcp.set_nodelay(true);
                let mut tcp = tokio_io_timeout::TimeoutStream::new(tcp);
                tcp.set_write_timeout(Some(limits.write_timeout));
                let connection = handle(Box::pin(tcp), peer, graceful.watcher());
                tokio::spawn(async move {
                    connection.await;
                    // The address's count first: once the slot is free, the next connection
                    // (from the same address, perhaps) must find it counted out.
                    drop(counted);
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

/// One HTTP/1.1 connection from `peer` to `app`, each request carrying the peer's address
/// (`ConnectInfo`) and `extension` (a TLS client certificate, say).
pub async fn http1<I, E>(io: I, app: Router, peer: SocketAddr, extension: Option<E>, limits: &Limits, watcher: Watcher)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
    E: Clone + Send + Sync + 'static,
{
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout).max_buf_size(64 * 1024);
    let connection = http.serve_connection(io, service(app, peer, extension));
    if let Err(e) = watcher.watch(connection).await {
        tracing::debug!(error = %e, "connection ended");
    }
}

/// One connection over TLS: HTTP/2 when ALPN chose it, HTTP/1.1 otherwise. A stalled HTTP/2
/// client is caught by keep-alive pings; header and body sizes are bounded.
pub async fn http1_or_2<S, E>(
    tls: S,
    h2: bool,
    app: Router,
    peer: SocketAddr,
    extension: Option<E>,
    limits: &Limits,
    watcher: Watcher,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    E: Clone + Send + Sync + 'static,
{
    let io = TokioIo::new(tls);
    if !h2 {
        return http1(io, app, peer, extension, limits, watcher).await;
    }
    let mut http = hyper::server::conn::http2::Builder::new(TokioExecutor::new());
    http.timer(TokioTimer::new())
        .keep_alive_interval(Some(Duration::from_secs(20)))
        .keep_alive_timeout(limits.header_timeout)
        .max_concurrent_streams(100)
        .max_header_list_size(64 * 1024);
    let connection = http.serve_connection(io, service(app, peer, extension));
    if let Err(e) = watcher.watch(connection).await {
        tracing::debug!(error = %e, "connection ended");
    }
}

fn service<E: Clone + Send + Sync + 'static>(
    app: Router,
    peer: SocketAddr,
    extension: Option<E>,
) -> impl hyper::service::Service<
    hyper::Request<Incoming>,
    Response = axum::response::Response,
    Error = std::convert::Infallible,
    Future = impl Future<Output = Result<axum::response::Response, std::convert::Infallible>> + Send,
> + Clone {
    hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(axum::extract::ConnectInfo(peer));
        if let Some(extension) = &extension {
            req.extensions_mut().insert(extension.clone());
        }
        tower::ServiceExt::oneshot(app.clone(), req)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_are_counted_per_address_and_ipv6_per_64() {
        let per = PerAddress::default();
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let held: Vec<_> = (0..3).map(|_| per.take(a, 3).unwrap()).collect();
        assert!(per.take(a, 3).is_none(), "a fourth from the same address");
        assert!(per.take("192.0.2.2".parse().unwrap(), 3).is_some(), "another address");
        drop(held);
        assert!(per.take(a, 3).is_some(), "freed when they close");
        let v6 = |s: &str| -> IpAddr { s.parse().unwrap() };
        assert_eq!(address_key(v6("2001:db8:1:2:aaaa::1")), address_key(v6("2001:db8:1:2:bbbb::9")));
        assert_ne!(address_key(v6("2001:db8:1:2::1")), address_key(v6("2001:db8:1:3::1")));
        assert_eq!(address_key(v6("::ffff:192.0.2.1")), a);
    }
}
