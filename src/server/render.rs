//! Renders a page through Leptos with a fresh CSP nonce, the right status and the headers
//! every page carries.

use super::AppState;
use crate::app::shell;
use crate::i18n::Locale;
use crate::model::{
    Brand, ConsentView, FdxConsentView, Here, HomeView, PageError, PortalView, RevokeView, Screen, SignedOutView,
};
use crate::pages::ConsentNotice;
use axum::{
    body::Body,
    http::{header, HeaderValue, StatusCode, Uri},
    response::Response,
};
use hydration_context::SsrSharedContext;
use leptos::config::LeptosOptions;
use leptos::nonce::Nonce;
use leptos::prelude::{provide_context, RenderHtml};
use leptos::reactive::owner::{Owner, Sandboxed};
use leptos::tachys::view::Position;
use std::sync::Arc;

/// What a page shows; provided to the Leptos tree as context.
#[derive(Clone)]
pub enum Page {
    Home(HomeView),
    Consent(Box<ConsentView>, Option<String>),
    FdxConsent(Box<FdxConsentView>, Option<String>),
    Error(PageError),
    Portal(Box<PortalView>),
    PortalSignedOut(SignedOutView),
    Revoke(RevokeView),
}

impl PageError {
    /// An error page for this request: title and message are message keys, translated into
    /// the response's language; the request id is the one in the logs and `x-request-id`.
    pub fn new(status: StatusCode, title: &str, message: &str) -> Self {
        let locale = super::observe::locale();
        PageError {
            status: status.as_u16(),
            title: crate::i18n::text(locale, title, &[]),
            message: crate::i18n::text(locale, message, &[]),
            request_id: super::observe::request_id(),
        }
    }
}

/// A consent page's own GET address, also for a page shown in answer to a POST.
fn consent_address(login_id: &str, login_state: &str, fdx: bool) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("login_id", login_id).append_pair("login_state", login_state);
    if fdx {
        query.append_pair("consent_type", "fdx");
    }
    format!("/consent?{}", query.finish())
}

impl Page {
    fn screen(&self) -> Screen {
        match self {
            Page::Home(_) => Screen::Home,
            Page::Consent(..) | Page::FdxConsent(..) => Screen::Consent,
            Page::Portal(_) | Page::PortalSignedOut(_) => Screen::Portal,
            Page::Revoke(_) => Screen::Revoke,
            Page::Error(_) => Screen::Error,
        }
    }

    /// Puts what the page shows in the Leptos context.
    fn provide(self) {
        match self {
            Page::Home(v) => provide_context(v),
            Page::Consent(v, notice) => {
                provide_context(*v);
                provide_context(notice.map(ConsentNotice));
            }
            Page::FdxConsent(v, notice) => {
                provide_context(*v);
                provide_context(notice.map(ConsentNotice));
            }
            Page::Error(e) => provide_context(e),
            Page::Portal(v) => provide_context(*v),
            Page::PortalSignedOut(v) => provide_context(v),
            Page::Revoke(v) => provide_context(v),
        }
    }
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
            let owner = Owner::new_root(Some(Arc::new(SsrSharedContext::new())));
            // The doctype is written here, not in the view: in `cargo leptos watch` builds
            // Leptos marks each view with comments, and nothing may come before the doctype.
            let mut html = String::with_capacity(8 * 1024);
            html.push_str("<!DOCTYPE html>");
            owner.with(|| {
                provide_context(Nonce::from_value(nonce));
                provide_context(locale);
                provide_context(brand);
                provide_context(here);
                let screen = page.screen();
                page.provide();
                shell(options, screen).to_html_with_buf(&mut html, &mut Position::FirstChild, true, false, vec![]);
            });
            owner.cleanup();
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
    let nonce = super::random_b64(16);
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
        assert!(html.contains("<leptos-island"), "{html}");
    }
}
