//! Every listener (Assent's, the sandbox's and its mutual-TLS one) through `src/listen.rs`:
//! slow clients cut off, a cap on connections, bodies bounded, a graceful stop.

use crate::common::*;

/// Reads from `stream` until the server closes it; how long that took, or `None` if it was
/// still open after `wait`.
async fn closed_within<S: tokio::io::AsyncRead + Unpin>(
    stream: &mut S,
    wait: std::time::Duration,
) -> Option<std::time::Duration> {
    use tokio::io::AsyncReadExt;
    let started = std::time::Instant::now();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(wait.saturating_sub(started.elapsed()), stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => {}
        }
    }
}

/// Item 3: on every listener (Assent's, the sandbox's, the sandbox's mutual-TLS one) a client
/// that sends half its request headers, or stalls its TLS handshake, is cut off in seconds.
#[tokio::test]
async fn slow_clients_are_cut_off_on_every_listener() {
    use std::time::Duration;
    use tokio::io::AsyncWriteExt;
    let app = spawn_app().await;
    let half = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
    let assent_addr = app.url.trim_start_matches("http://").to_string();
    let sandbox_addr = app.sandbox_handle.addr.to_string();
    let mtls_addr = app.sandbox_handle.mtls_addr.to_string();
    let limit = Duration::from_secs(9); // the header timeout is 5 s
    let mut checks = Vec::new();
    for addr in [assent_addr, sandbox_addr] {
        checks.push(tokio::spawn(async move {
            let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
            tcp.write_all(half).await.unwrap();
            (format!("half headers to {addr}"), closed_within(&mut tcp, limit).await)
        }));
    }
    let stalled_handshake = mtls_addr.clone();
    checks.push(tokio::spawn(async move {
        let mut tcp = tokio::net::TcpStream::connect(&stalled_handshake).await.unwrap();
        tcp.write_all(&[0x16, 0x03, 0x01]).await.unwrap(); // the start of a ClientHello
        ("a stalled TLS handshake".to_string(), closed_within(&mut tcp, limit).await)
    }));
    let ca = app.sandbox().ca_pem.clone();
    checks.push(tokio::spawn(async move {
        let mut roots = rustls::RootCertStore::empty();
        for cert in rustls::pki_types::pem::PemObject::pem_slice_iter(ca.as_bytes()) {
            roots.add(cert.unwrap()).unwrap();
        }
        let config = rustls::ClientConfig::builder().with_root_certificates(roots).with_no_client_auth();
        let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
        let tcp = tokio::net::TcpStream::connect(&mtls_addr).await.unwrap();
        let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
        let mut tls = connector.connect(name, tcp).await.unwrap();
        tls.write_all(half).await.unwrap();
        tls.flush().await.unwrap();
        ("half headers over mutual TLS".to_string(), closed_within(&mut tls, limit).await)
    }));
    for check in checks {
        let (what, closed) = check.await.unwrap();
        let after = closed.unwrap_or_else(|| panic!("{what}: still open after {limit:?}"));
        assert!(after >= Duration::from_secs(3), "{what}: closed after {after:?}, not by the timeout");
    }
}

/// Item 3: a listener takes at most its number of connections; the next one waits until a slot
/// is free, and is then served.
#[tokio::test]
async fn connections_beyond_the_cap_wait_for_a_free_slot() {
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let mut config = sandbox_config(dir.path());
    config.limits.max_connections = 2;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let leptos = leptos::config::LeptosOptions::builder().output_name("assent").site_addr(addr).build();
    let started =
        assent::routes::start(config, leptos, url::Url::parse(&format!("http://{addr}")).unwrap()).await.unwrap();
    tokio::spawn(assent::listen::serve(listener, started.router, started.limits, std::future::pending()));
    // Two idle connections take both slots.
    let mut first = tokio::net::TcpStream::connect(addr).await.unwrap();
    let _second = tokio::net::TcpStream::connect(addr).await.unwrap();
    first.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut buf = [0u8; 256];
    let n = first.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"), "a connection within the cap is served");
    // A third is not taken in, so its request waits…
    let mut third = tokio::net::TcpStream::connect(addr).await.unwrap();
    third.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
    assert!(tokio::time::timeout(Duration::from_millis(1500), third.read(&mut buf)).await.is_err(), "over the cap");
    // …until a slot frees up.
    drop(first);
    let n = tokio::time::timeout(Duration::from_secs(3), third.read(&mut buf))
        .await
        .expect("served once a slot is free")
        .unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
}

/// Item 3, on the way out: a listener told to stop takes no new connection, lets the request in
/// flight finish, and only then returns (so `assent` exits after answering it).
#[tokio::test]
async fn a_stopping_listener_finishes_the_request_in_flight() {
    use std::time::Duration;
    let app = axum::Router::new().route(
        "/slow",
        axum::routing::get(|| async {
            tokio::time::sleep(Duration::from_millis(800)).await;
            "done"
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(assent::listen::serve(listener, app, Default::default(), async {
        let _ = stopped.await;
    }));
    let request =
        tokio::spawn(async move { reqwest::get(format!("http://{addr}/slow")).await.unwrap().text().await.unwrap() });
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!server.is_finished(), "still serving the request in flight");
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "no new connections");
    assert_eq!(request.await.unwrap(), "done");
    tokio::time::timeout(Duration::from_secs(2), server).await.expect("stopped once the request was answered").unwrap();
}

/// Item 3: a body that stops arriving gets an answer within seconds, not never, on Assent's
/// listener and the sandbox's (the same layer serves the mutual-TLS one).
#[tokio::test]
async fn a_body_that_stalls_is_answered_within_seconds() {
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app().await;
    let targets = [
        (app.url.trim_start_matches("http://").to_string(), "/lang"),
        (app.sandbox_handle.addr.to_string(), "/default/demo/oauth2/token"),
    ];
    let mut checks = Vec::new();
    for (addr, path) in targets {
        checks.push(tokio::spawn(async move {
            let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
            let head = format!(
                "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nlang=e"
            );
            tcp.write_all(head.as_bytes()).await.unwrap();
            let started = Instant::now();
            let mut buf = [0u8; 512];
            let answered = tokio::time::timeout(Duration::from_secs(20), tcp.read(&mut buf)).await;
            (path, answered.is_ok(), started.elapsed())
        }));
    }
    for check in checks {
        let (path, answered, after) = check.await.unwrap();
        assert!(answered, "{path}: no answer to a stalled body after {after:?}");
        assert!(after >= Duration::from_secs(8), "{path}: answered after {after:?}, not by the body timeout");
    }
}

/// A body trickling in (a byte every two seconds: no pause long enough for an idle timer) is
/// cut off at its deadline, 10 s after its request began, on Assent's listener and the
/// sandbox's; a body declared larger than the limit is refused before any of it is sent.
#[tokio::test]
async fn a_trickling_body_is_cut_off_at_its_deadline_and_an_oversized_one_at_once() {
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app().await;
    let targets = [
        (app.url.trim_start_matches("http://").to_string(), "/lang"),
        (app.sandbox_handle.addr.to_string(), "/default/demo/oauth2/token"),
    ];
    let mut checks = Vec::new();
    for (addr, path) in targets.clone() {
        checks.push(tokio::spawn(async move {
            let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
            let head = format!(
                "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n"
            );
            tcp.write_all(head.as_bytes()).await.unwrap();
            let started = Instant::now();
            let mut buf = [0u8; 512];
            while started.elapsed() < Duration::from_secs(30) {
                match tokio::time::timeout(Duration::from_secs(2), tcp.read(&mut buf)).await {
                    Ok(_) => return (path, Some(started.elapsed())),
                    Err(_) if tcp.write_all(b"a").await.is_err() => return (path, Some(started.elapsed())),
                    Err(_) => {}
                }
            }
            (path, None)
        }));
    }
    for (addr, path) in targets {
        let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000000\r\n\r\n"
        );
        tcp.write_all(head.as_bytes()).await.unwrap();
        let mut buf = [0u8; 512];
        let n =
            tokio::time::timeout(Duration::from_secs(2), tcp.read(&mut buf)).await.expect("answered at once").unwrap();
        let answer = String::from_utf8_lossy(&buf[..n]).to_string();
        assert!(answer.starts_with("HTTP/1.1 413"), "{path}: {answer}");
    }
    for check in checks {
        let (path, answered) = check.await.unwrap();
        let after = answered.unwrap_or_else(|| panic!("{path}: a trickling body still read after 30 s"));
        assert!(after >= Duration::from_secs(8) && after < Duration::from_secs(16), "{path}: cut off after {after:?}");
    }
}

/// A client that asks and then stops reading (its answers pile up unread) loses its connection
/// once a write has made no progress for 20 s; it does not keep its slot for as long as it likes.
#[tokio::test]
async fn a_client_that_stops_reading_loses_its_connection() {
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    const SIZE: usize = 1 << 20;
    const ASKED: usize = 50;
    let app = axum::Router::new().route("/big", axum::routing::get(|| async { vec![b'x'; SIZE] }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(assent::listen::serve(listener, app, Default::default(), std::future::pending()));
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let ask = b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n".repeat(ASKED);
    tcp.write_all(&ask).await.unwrap();
    // Not reading: the answers fill the buffers, then the server's writes stall.
    tokio::time::sleep(Duration::from_secs(25)).await;
    let mut received = 0;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match tokio::time::timeout(Duration::from_secs(8), tcp.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => break,
            Ok(Ok(n)) => received += n,
        }
    }
    // What the kernel's buffers held when the connection was dropped, far from every answer.
    assert!(
        received < SIZE * ASKED / 2,
        "received {received} of {} bytes: the stalled connection lived on",
        SIZE * ASKED
    );
}
