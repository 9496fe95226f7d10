//! The built site's files (`/pkg/…`) and the public ones (`public/`): precompressed at build
//! time (Brotli and gzip, `cargo leptos build --release --precompress`) and served as the
//! browser's `Accept-Encoding` allows; cached for a year, immutable, when the name carries
//! its content's hash (a new build has new names), revalidated otherwise.

use super::pages;
use crate::server::AppState;
use axum::{
    extract::Request,
    http::{header, HeaderValue},
    middleware::Next,
    response::Response,
    routing::{get, MethodRouter},
};
use tower_http::services::ServeDir;

/// Serves the site's files; anything else is the site's 404 page.
pub fn service(state: &AppState) -> axum::Router {
    // No folder here has an index page: a folder's address is not found, never redirected to
    // itself with a slash (a redirect built from the raw path: `//pkg` would leave the site).
    let files = ServeDir::new(state.leptos.site_root.as_ref())
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
        .fallback(not_found(state));
    axum::Router::new().fallback_service(files).layer(axum::middleware::from_fn(cache))
}

fn not_found(state: &AppState) -> MethodRouter {
    get(pages::not_found).with_state(state.clone())
}

/// How long a file may be kept, by its name; every file varies by `Accept-Encoding`.
async fn cache(request: Request, next: Next) -> Response {
    let immutable = request.uri().path().rsplit('/').next().is_some_and(is_hashed);
    let mut response = next.run(request).await;
    if !response.status().is_success() && response.status() != axum::http::StatusCode::NOT_MODIFIED {
        return response;
    }
    let headers = response.headers_mut();
    let policy = if immutable { "public, max-age=31536000, immutable" } else { "public, max-age=0, must-revalidate" };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

/// A name with a content hash, as `cargo leptos` writes them (`assent.<22 characters>.wasm`:
/// the MD5 of the file, base64url).
fn is_hashed(name: &str) -> bool {
    name.split('.')
        .any(|part| part.len() == 22 && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn only_names_with_a_content_hash_are_immutable() {
        assert!(is_hashed("assent.kQ1pbiq4oQ8vBcDCVGQ5Hg.wasm"));
        assert!(is_hashed("__wasm_split.Q2tr6yG4a-LD2PIVd9zS_w.js"));
        assert!(!is_hashed("assent.wasm"));
        assert!(!is_hashed("favicon.svg"));
        assert!(!is_hashed("assent_bg.wasm"));
    }
}
