//! Renders a page in one synchronous pass: Leptos renders the view in its own reactive owner
//! and arena, and this file writes the document around it (the doctype, the CSP nonce, the
//! hydration data the islands read). Every touchpoint with Leptos' rendering internals
//! (`hydration_context`, `Sandboxed`, `Position`, `to_html_with_buf`) is in this file;
//! checked against leptos 0.8.23.
//!
//! Why not `leptos_axum`'s router and stream: Assent's pages are a handful of fixed screens whose
//! data is ready before rendering, and that machinery costs more CPU than the page itself (see
//! the README). Server functions are served by `leptos_axum` as usual.

use super::AppState;
use crate::app::shell;
use crate::i18n::Locale;
use crate::model::{Brand, Here, Page};
use axum::{
    body::Body,
    http::{header, HeaderValue, StatusCode, Uri},
    response::Response,
};
use futures::{FutureExt, StreamExt};
use hydration_context::{SharedContext, SsrSharedContext};
use leptos::config::LeptosOptions;
use leptos::nonce::Nonce;
use leptos::prelude::{provide_context, RenderHtml};
use leptos::reactive::owner::{Owner, Sandboxed};
use leptos::tachys::view::Position;
use std::sync::Arc;

/// A consent page's own GET address, also for a page shown in answer to a POST.
fn consent_address(login_id: &str, login_state: &str, fdx: bool) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("login_id", login_id).append_pair("login_state", login_state);
    if fdx {
        query.append_pair("consent_type", "fdx");
    }
    format!("/consent?{}", query.finish())
}

/// What every page's document needs besides the page itself.
struct Document {
    options: LeptosOptions,
    nonce: String,
    locale: Locale,
    brand: Brand,
    here: Here,
}

impl Document {
    /// The HTML of `page`, rendered in one synchronous pass in its own reactive owner and
    /// arena (islands need the server's hydration context).
    async fn render(self, page: Page) -> String {
        let Document { options, nonce, locale, brand, here } = self;
        Sandboxed::new(async move {
            let shared = Arc::new(SsrSharedContext::new());
            let owner = Owner::new_root(Some(shared.clone()));
            // The doctype is written here, not in the view: in `cargo leptos watch` builds
            // Leptos marks each view with comments, and nothing may come before the doctype.
            let mut html = String::with_capacity(8 * 1024);
            html.push_str("<!DOCTYPE html>");
            owner.with(|| {
                provide_context(Nonce::from_value(nonce.clone()));
                provide_context(locale);
                provide_context(brand);
                provide_context(here);
                shell(options, page).to_html_with_buf(&mut html, &mut Position::FirstChild, true, false, vec![]);
            });
            owner.cleanup();
            // What the islands' hydration reads at start, as Leptos writes it. Assent's pages
            // have no resources to stream, so the stream is ready at once.
            let data = shared.pending_data().and_then(|s| s.collect::<String>().now_or_never()).unwrap_or_default();
            let script = format!("<script nonce=\"{nonce}\">{data}</script>");
            match html.rfind("</body>") {
                Some(at) => html.insert_str(at, &script),
                None => html.push_str(&script),
            }
            html
        })
        .await
    }
}

/// Renders `page` as a whole HTML document, with the status and the headers every page
/// carries (a CSP with a fresh nonce, `no-store`, the language).
///
/// The server has every value before it renders, so the page is rendered in one
/// synchronous pass, in its own reactive owner and arena: nothing is shared between
/// requests, and nothing waits.
pub async fn render(state: &AppState, uri: &Uri, status: StatusCode, page: Page) -> Response {
    let nonce = crate::server::random_b64(16);
    let locale = super::observe::locale();
    // Where the language switcher comes back to. A consent page shown after a POST is
    // addressed by its GET URL.
    let here = match &page {
        Page::Consent(v, _) => consent_address(&v.login_id, &v.login_state, false),
        Page::FdxConsent(v, _) => consent_address(&v.login_id, &v.login_state, true),
        // Other pages come back to their own address; an overlong one (bad input) is not
        // echoed back, only its path.
        _ => match uri.path_and_query() {
            Some(p) if p.as_str().len() <= 1024 => p.as_str().to_string(),
            _ => uri.path().to_string(),
        },
    };
    let document = Document {
        options: state.leptos.clone(),
        nonce: nonce.clone(),
        locale,
        brand: state.brand.clone(),
        here: Here(here),
    };
    let html = document.render(page).await;
    let mut response = Response::new(Body::from(html));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    if let Ok(csp) = HeaderValue::from_str(&state.csp(&nonce)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(locale.tag()));
    headers.insert(header::VARY, HeaderValue::from_static("accept-language, cookie"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::HomeView;

    async fn home(brand: &str) -> String {
        let document = Document {
            options: LeptosOptions::builder().output_name("assent").build(),
            nonce: "n0nce".into(),
            locale: Locale::Es,
            brand: Brand { name: brand.into(), logo: None },
            here: Here("/".into()),
        };
        document
            .render(Page::Home(HomeView { demo_url: None, fdx_demo_url: None, issuer: "https://as.example".into() }))
            .await
    }

    #[tokio::test]
    async fn a_document_starts_with_its_doctype_and_escapes_its_title() {
        let html = home("<Bank & Co>").await;
        assert!(html.starts_with("<!DOCTYPE html><html lang=\"es\">"), "{}", &html[..80]);
        assert!(html.contains("<title>Inicio · &lt;Bank &amp; Co&gt;</title>"), "{html}");
        // The island script and the globals its hydration reads carry the page's nonce.
        assert!(html.contains("<script nonce=\"n0nce\">__RESOLVED_RESOURCES=[];"), "{html}");
        assert!(html.contains("__INCOMPLETE_CHUNKS=[];</script></body>"), "{html}");
        assert!(html.contains("<leptos-island"), "{html}");
    }
}
