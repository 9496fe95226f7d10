//! Assent's server binary: configuration → (sandbox) → router → serve.
//! `assent sandbox` runs only the embedded sandbox (for tests and demos of other clients);
//! `assent sandbox-cert CN [O]` prints a client certificate and key from the sandbox's local CA,
//! for a data recipient registered with `tls_client_auth` and that subject.
#![deny(clippy::unwrap_used, clippy::expect_used)]

use std::process::ExitCode;

/// Rendering a page allocates many small strings; mimalloc does that for a third of glibc's CPU.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    if let Err(e) = read_dotenv() {
        eprintln!("assent: configuration error: {e}");
        return ExitCode::from(2);
    }
    let (config, unread) = match assent::server::config::Config::from_env() {
        Ok(read) => read,
        Err(e) => {
            eprintln!("assent: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    init_logs(&config.log_filter, config.text_logs);
    for name in unread {
        tracing::warn!(name, "a variable named like Assent's settings that Assent does not read: a typo, or one read only beside another that is not set?");
    }
    if std::env::args().nth(1).as_deref() == Some("sandbox") {
        return run_sandbox(config).await;
    }
    if std::env::args().nth(1).as_deref() == Some("sandbox-cert") {
        let (cn, org) = (std::env::args().nth(2), std::env::args().nth(3));
        let Some(cn) = cn else {
            eprintln!("usage: assent sandbox-cert COMMON-NAME [ORGANIZATION]");
            return ExitCode::from(2);
        };
        return match assent::sandbox::mtls::issue_client_cert(&config.data_dir, &cn, org.as_deref()) {
            Ok(identity) => {
                print!("{}{}", identity.cert_pem, identity.key_pem);
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("assent: {e}");
                ExitCode::from(1)
            }
        };
    }
    let leptos = match leptos::config::get_configuration(None) {
        Ok(c) => c.leptos_options,
        Err(e) => {
            eprintln!(
                "assent: leptos configuration error: {e} (LEPTOS_SITE_ADDR is an IP address and port, such as 127.0.0.1:3000)"
            );
            return ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(leptos.site_addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("assent: cannot listen on {}: {e}", leptos.site_addr);
            return ExitCode::from(1);
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("assent: {e}");
            return ExitCode::from(1);
        }
    };
    // Forms are checked against the URL browsers use: on every interface, that cannot be
    // guessed from the listener, and every form would be refused as forged; on another
    // machine's address, it would be plain http beyond this machine (cookies in clear).
    // Without a tenant, the sandbox's test passwords are public: Assent serves this machine only.
    if !addr.ip().is_loopback() && config.tenant.is_none() {
        eprintln!(
            "assent: configuration error: LEPTOS_SITE_ADDR listens beyond this machine ({addr}) but \
             AUTHORIZATION_SERVER_URL is not set: the embedded sandbox serves this machine only"
        );
        return ExitCode::from(2);
    }
    if !addr.ip().is_loopback() && config.public_url.is_none() {
        let reach = if addr.ip().is_unspecified() { "on every interface" } else { "beyond this machine" };
        eprintln!(
            "assent: configuration error: LEPTOS_SITE_ADDR listens {reach} ({addr}): set ASSENT_PUBLIC_URL \
             to the https URL browsers use (such as https://consent.bank.example), which forms are checked against"
        );
        return ExitCode::from(2);
    }
    let public_url =
        match config.public_url.clone().map(Ok).unwrap_or_else(|| url::Url::parse(&format!("http://{addr}"))) {
            Ok(u) => u,
            Err(e) => {
                eprintln!("assent: {e}");
                return ExitCode::from(2);
            }
        };
    let real_tenant = config.tenant.is_some();
    let started = match assent::routes::start(config, leptos, public_url.clone()).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("assent: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    if real_tenant {
        if let Err(e) = started.state.upstream.check_client().await {
            eprintln!(
                "assent: cannot start: the System client gets no token: {e} (CLIENT_ID, CLIENT_SECRET, SYSTEM_SCOPES)"
            );
            return ExitCode::from(1);
        }
    }
    tracing::info!(url = %public_url, "Assent listening");
    assent::listen::serve(listener, started.router, started.limits, stop_signal()).await;
    // Decisions and revocations whose browsers left may still be running: let them finish.
    if !started.state.detached.finish(std::time::Duration::from_secs(10)).await {
        tracing::warn!("stopped with server functions still running after 10 s");
    }
    ExitCode::SUCCESS
}

/// Reads `.env` of the working directory (the environment's own variables win), if there is
/// one. A line that does not parse stops Assent: dotenvy would drop it and every line after it
/// unsaid. The message names the line by its number, never its text, which may hold a secret.
fn read_dotenv() -> Result<(), String> {
    match dotenvy::from_path(".env") {
        Ok(_) => Ok(()),
        Err(e) if e.not_found() => Ok(()),
        Err(dotenvy::Error::LineParse(line, _)) => {
            let text = std::fs::read_to_string(".env").unwrap_or_default();
            // The line as dotenvy read it: a quote left open runs on to the end of the file.
            let first = line.lines().next().unwrap_or_default().trim();
            let number = text.lines().position(|l| l.trim() == first).map(|n| n + 1);
            let at = number.map(|n| format!(" line {n}")).unwrap_or_default();
            Err(format!(".env{at} does not read as NAME=value (a quote left open, or a stray word): fix or remove it"))
        }
        Err(e) => Err(format!(".env cannot be read: {e}")),
    }
}

/// Ctrl-C, or the SIGTERM with which containers and service managers stop a process.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
                return;
            }
            Err(e) => tracing::warn!(error = %e, "SIGTERM cannot be caught; stopping on Ctrl-C only"),
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// JSON lines by default (one object per event, with the request id of the request span);
/// `ASSENT_LOG_FORMAT=text` for people reading a terminal. `RUST_LOG` filters.
fn init_logs(filter: &str, text: bool) {
    use tracing_subscriber::EnvFilter;
    // Checked with the rest of the configuration.
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if text {
        builder.init();
    } else {
        builder.json().flatten_event(true).with_current_span(true).with_span_list(false).init();
    }
}

/// Runs the sandbox alone until interrupted. Its consent URL is `ASSENT_PUBLIC_URL/consent`
/// (default `http://127.0.0.1:3000/consent`).
async fn run_sandbox(config: assent::server::config::Config) -> ExitCode {
    let public = config.public_url.as_ref().map(|u| u.as_str().trim_end_matches('/').to_string());
    let sandbox = assent::sandbox::SandboxConfig {
        addr: config.sandbox_addr,
        data_dir: config.data_dir,
        consent_url: format!("{}/consent", public.unwrap_or_else(|| "http://127.0.0.1:3000".into())),
        mtls_addr: config.sandbox_mtls_addr,
        limits: config.limits,
        client_ca: config.sandbox_client_ca,
    };
    match assent::sandbox::spawn(sandbox).await {
        Ok(handle) => {
            println!("sandbox listening on {}", handle.base_url);
            stop_signal().await;
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("assent: cannot start the sandbox: {e}");
            ExitCode::from(1)
        }
    }
}
