//! Renders a page in one synchronous pass. This file writes the document around it (the
//! doctype, the head with the page's nonce and Leptos' hydration scripts, the hydration data
//! the islands read); Leptos renders the body in its own reactive owner and arena. Every
//! touchpoint with Leptos' rendering internals (`hydration_context`, `Sandboxed`, `Position`,
//! `to_html_with_buf`, the hydration scripts' markup) is in this file; checked against
//! leptos 0.8.23.
//!
//! Why not `leptos_axum`'s router and stream: Assent's pages are a handful of fixed screens whose
//! data is ready before rendering, and that machinery costs more CPU than the page itself (see
//! the README). Server functions are served by `leptos_axum` as usual.

use crate::app::{title, App};
use crate::i18n::Locale;
use crate::model::{Brand, Here, Onward, Page};
use crate::server::AppState;
use axum::{
    body::Body,
    http::{header, HeaderValue, StatusCode, Uri},
    response::Response,
};
use futures::{FutureExt, StreamExt};
use hydration_context::{SharedContext, SsrSharedContext};
use leptos::config::LeptosOptions;
use leptos::hydration::{AutoReload, HydrationScripts};
use leptos::nonce::Nonce;
use leptos::prelude::{provide_context, view, RenderHtml};
use leptos::reactive::owner::{Owner, Sandboxed};
use leptos::tachys::view::Position;
use std::sync::Arc;

/// A consent page's own GET address, also for a page shown in answer to a POST.
fn consent_address(login_id: &str, login_state: &str, consent_type: Option<&str>) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("login_id", login_id).append_pair("login_state", login_state);
    if let Some(kind) = consent_type {
        query.append_pair("consent_type", kind);
    }
    format!("/consent?{}", query.finish())
}

/// Stands for the nonce while the hydration scripts are rendered once.
const NONCE_MARK: &str = "AssentNonceMark";

/// The head's scripts, as Leptos writes them (its islands loader and, under `cargo leptos
/// watch`, its live reload), rendered once and split around the nonce. One correction: Leptos
/// copies the nonce into its preload links' `crossorigin` attribute, where any style or
/// script that reads the DOM could take it (the browser hides only the `nonce` attribute).
/// `crossorigin` names a CORS mode; an empty one is `anonymous`, what those requests use.
fn head_scripts(options: &LeptosOptions) -> Vec<String> {
    let owner = Owner::new_root(Some(Arc::new(SsrSharedContext::new())));
    let html = owner.with(|| {
        provide_context(Nonce::from_value(NONCE_MARK.to_string()));
        let options = options.clone();
        view! {
            <AutoReload options=options.clone()/>
            <HydrationScripts options islands=true/>
        }
        .to_html()
    });
    owner.cleanup();
    let html = html.replace(&format!("crossorigin=\"{NONCE_MARK}\""), "crossorigin=\"\"");
    html.split(NONCE_MARK).map(str::to_string).collect()
}

/// `s` as HTML text (also inside a double-quoted attribute).
fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// What every page's document needs besides the page itself.
struct Document<'a> {
    nonce: String,
    locale: Locale,
    brand: Brand,
    here: Here,
    /// The stylesheet's path.
    css: &'a str,
    /// The brand's stylesheet: `/theme.css`, with `?workspace=` for a workspace's own.
    theme: String,
    /// The head's scripts, split around the nonce.
    scripts: &'a [String],
    /// Links that preload the modules of the page's island, if it is split off.
    preloads: &'a str,
    /// The page's referrer policy.
    referrer: &'static str,
}

impl Document<'_> {
    /// The HTML of `page`: the head written here, the body rendered by Leptos in one
    /// synchronous pass in its own reactive owner and arena (islands need the server's
    /// hydration context), then the hydration data.
    async fn render(self, page: Page) -> String {
        let Document { nonce, locale, brand, here, css, theme, scripts, preloads, referrer } = self;
        let mut html = String::with_capacity(16 * 1024);
        Sandboxed::new(async {
            let shared = Arc::new(SsrSharedContext::new());
            // Islands: only what is inside an island hydrates (as Leptos' islands scripts set it).
            shared.set_is_hydrating(false);
            let owner = Owner::new_root(Some(shared.clone()));
            owner.with(|| {
                provide_context(Nonce::from_value(nonce.clone()));
                provide_context(locale);
                provide_context(brand.clone());
                provide_context(here);
                let title = escape_text(&format!("{} · {}", title(&page), brand.name));
                // The doctype and head are written here: nothing may come before the doctype,
                // and in `cargo leptos watch` builds Leptos marks each view with comments.
                html.push_str("<!DOCTYPE html><html lang=\"");
                html.push_str(locale.tag());
                html.push_str(
                    "\"><head><meta charset=\"utf-8\"/><meta name=\"viewport\" content=\"width=device-width, \
                     initial-scale=1\"/><meta name=\"referrer\" content=\"",
                );
                html.push_str(referrer);
                html.push_str("\"/><meta name=\"color-scheme\" content=\"light dark\"/><title>");
                html.push_str(&title);
                // `id="leptos"`: cargo-leptos swaps this stylesheet when it changes in `make dev`.
                html.push_str("</title><link id=\"leptos\" rel=\"stylesheet\" href=\"");
                html.push_str(&escape_text(css));
                html.push_str("\"/><link rel=\"stylesheet\" href=\"");
                html.push_str(&escape_text(&theme));
                html.push_str("\"/><link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\"/>");
                for (i, part) in scripts.iter().enumerate() {
                    if i > 0 {
                        html.push_str(&nonce);
                    }
                    html.push_str(part);
                }
                html.push_str(preloads);
                html.push_str("</head><body>");
                view! { <App page brand/> }.to_html_with_buf(&mut html, &mut Position::FirstChild, true, false, vec![]);
            });
            owner.cleanup();
            // What the islands' hydration reads at start, as Leptos writes it. Assent's pages
            // have no resources to stream, so the stream is ready at once.
            let data = shared.pending_data().and_then(|s| s.collect::<String>().now_or_never()).unwrap_or_default();
            html.push_str("<script nonce=\"");
            html.push_str(&nonce);
            html.push_str("\">");
            html.push_str(&data);
            html.push_str("</script></body></html>");
        })
        .await;
        html
    }
}

/// The island a page shows (each page has one at most), by the name of its split module.
fn island_of(page: &Page) -> &'static str {
    match page {
        Page::Consent(..) => "consent_form",
        Page::FdxConsent(..) => "fdx_account_picker",
        Page::ObukConsent(..) => "obuk_account_picker",
        Page::CdrArrangement(..) => "cdr_account_picker",
        Page::DomesticPayment(..) => "payment_form",
        Page::Portal(_) => "portal_list",
        _ => "",
    }
}

/// Whether the page at `path` answers what cannot be asked again by a GET: a form posted to
/// a server function or to `/lang`, or a sign-in's callback.
fn answers_once(path: &str) -> bool {
    path.starts_with("/api/") || path == "/lang" || path.ends_with("/callback")
}

/// Renders `page` as a whole HTML document, with the status and the headers every page
/// carries (a CSP with a fresh nonce, `no-store`, the language).
///
/// The server has every value before it renders, so the page is rendered in one
/// synchronous pass, in its own reactive owner and arena: nothing is shared between
/// requests, and nothing waits.
pub async fn render(state: &AppState, uri: &Uri, status: StatusCode, page: Page) -> Response {
    let nonce = crate::request::random_b64(16);
    // A consent page's address holds its flow's `login_state`: it goes nowhere as a Referer,
    // not even to Assent's own files. Other pages send their origin to Assent's own forms.
    let referrer = if uri.path() == "/consent"
        || matches!(
            page,
            Page::Consent(..)
                | Page::FdxConsent(..)
                | Page::ObukConsent(..)
                | Page::CdrArrangement(..)
                | Page::DomesticPayment(..)
        ) {
        "no-referrer"
    } else {
        "same-origin"
    };
    let locale = crate::request::locale();
    // Where the language switcher comes back to. A consent page shown after a POST is
    // addressed by its GET URL.
    let here = match &page {
        Page::Consent(v, _) => consent_address(&v.login_id, &v.login_state, None),
        Page::FdxConsent(v, _) => consent_address(&v.login_id, &v.login_state, Some("fdx")),
        Page::ObukConsent(v, _) => {
            consent_address(&v.login_id, &v.login_state, Some(crate::wire::obuk::ACCOUNT_ACCESS))
        }
        Page::CdrArrangement(v, _) => {
            consent_address(&v.login_id, &v.login_state, Some(crate::wire::cdr::CDR_ARRANGEMENT))
        }
        Page::DomesticPayment(v, _) => {
            consent_address(&v.login_id, &v.login_state, Some(crate::wire::obuk_payment::DOMESTIC_PAYMENT))
        }
        // A page answering a form (a server function's, the switcher's own) or a sign-in's
        // callback (its code used once) has no address to come back to: the part of the site
        // it belongs to.
        _ if answers_once(uri.path()) => match Onward::of(uri.path()) {
            Onward::Console => "/admin".to_string(),
            Onward::Portal => "/portal".to_string(),
            _ => "/".to_string(),
        },
        // Other pages come back to their own address; an overlong one (bad input) is not
        // echoed back, only its path.
        _ => match uri.path_and_query() {
            Some(p) if p.as_str().len() <= 1024 => p.as_str().to_string(),
            _ => uri.path().to_string(),
        },
    };
    // A consent page wears the brand of the workspace asking, when it has one.
    let workspace = match &page {
        Page::Consent(v, _) => Some(v.workspace.as_str()),
        Page::FdxConsent(v, _) => Some(v.workspace.as_str()),
        Page::ObukConsent(v, _) => Some(v.workspace.as_str()),
        Page::CdrArrangement(v, _) => Some(v.workspace.as_str()),
        Page::DomesticPayment(v, _) => Some(v.workspace.as_str()),
        _ => None,
    };
    let (brand, branded) = state.brand_of(workspace);
    let theme = match branded {
        Some(id) => format!("/theme.css?workspace={id}"),
        None => "/theme.css".to_string(),
    };
    let document = Document {
        nonce: nonce.clone(),
        locale,
        brand: brand.clone(),
        theme,
        here: Here(here),
        css: &state.assets.css,
        scripts: state.head.get_or_init(|| head_scripts(&state.leptos)),
        preloads: state.assets.preloads(island_of(&page)),
        referrer,
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
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static(referrer));
    headers.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(locale.tag()));
    headers.insert(header::VARY, HeaderValue::from_static("accept-language, cookie"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::HomeView;

    async fn home(brand: &str) -> String {
        let scripts = head_scripts(&LeptosOptions::builder().output_name("assent").build());
        let document = Document {
            nonce: "n0nce".into(),
            locale: Locale::Es,
            brand: Brand { name: brand.into(), logo: None },
            here: Here("/".into()),
            css: "/pkg/assent.css",
            theme: "/theme.css".into(),
            scripts: &scripts,
            preloads: "",
            referrer: "same-origin",
        };
        document
            .render(Page::Home(HomeView {
                demo_url: None,
                fdx_demo_url: None,
                aggregator_url: None,
                issuer: "https://as.example".into(),
                console: false,
            }))
            .await
    }

    #[tokio::test]
    async fn a_document_starts_with_its_doctype_and_escapes_its_title() {
        let html = home("<Bank & Co>").await;
        assert!(html.starts_with("<!DOCTYPE html><html lang=\"es\">"), "{}", &html[..80]);
        assert!(html.contains("<title>Inicio · &lt;Bank &amp; Co&gt;</title>"), "{html}");
        // The island script and the globals its hydration reads carry the page's nonce; no
        // other attribute does.
        assert!(html.contains("<script nonce=\"n0nce\">__RESOLVED_RESOURCES=[];"), "{html}");
        assert!(html.contains("<script type=\"module\" nonce=\"n0nce\">"), "{html}");
        assert_eq!(html.matches("n0nce").count(), 2, "{html}");
        assert!(html.contains("rel=\"modulepreload\"") && html.contains("crossorigin=\"\""), "{html}");
        assert!(html.contains("__INCOMPLETE_CHUNKS=[];</script></body></html>"), "{html}");
    }
}
