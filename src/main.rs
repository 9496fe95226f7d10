//! Assent's server binary: configuration → (sandbox) → router → serve.
#![deny(clippy::unwrap_used, clippy::expect_used)]

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    use tracing_subscriber::EnvFilter;
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .init();
    let _ = dotenvy::dotenv();
    let config = match assent::server::config::Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("assent: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    let leptos = match leptos::config::get_configuration(None) {
        Ok(c) => c.leptos_options,
        Err(e) => {
            eprintln!("assent: leptos configuration error: {e}");
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
    let public_url =
        match config.public_url.clone().map(Ok).unwrap_or_else(|| url::Url::parse(&format!("http://{addr}"))) {
            Ok(u) => u,
            Err(e) => {
                eprintln!("assent: {e}");
                return ExitCode::from(2);
            }
        };
    let started = match assent::server::start(config, leptos, public_url.clone()).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("assent: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    tracing::info!(url = %public_url, "Assent listening");
    let serve = axum::serve(listener, started.router).with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    });
    if let Err(e) = serve.await {
        eprintln!("assent: server error: {e}");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
