//! The HTML shell and the screen it wraps.

use crate::i18n::{self, t, Locale};
use crate::islands::HydrationMarker;
use crate::model::{Brand, Here, Page};
use crate::pages::{ConsentPage, ErrorPage, FdxConsentPage, HomePage, PortalPage, RevokePage, SignedOutPage};
use leptos::prelude::*;

/// The document around every page (the server writes the doctype before it, and the
/// hydration data after it). Islands hydrate; everything else is plain server HTML.
pub fn shell(options: LeptosOptions, page: Page) -> impl IntoView {
    let brand = use_context::<Brand>().unwrap_or_default();
    let title = escape_text(&format!("{} · {}", title(&page), brand.name));
    view! {
        <html lang=i18n::current().tag()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="referrer" content="same-origin"/>
                <meta name="color-scheme" content="light dark"/>
                // As raw HTML, escaped above: a child view would add a hydration marker to the text
                // in debug builds, and `<title>` shows markup as text.
                <title inner_html=title></title>
                // `id="leptos"`: cargo-leptos swaps this stylesheet when it changes in `make dev`.
                <link id="leptos" rel="stylesheet" href="/pkg/assent.css"/>
                <link rel="stylesheet" href="/theme.css"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options islands=true/>
            </head>
            <body>
                <App page brand/>
            </body>
        </html>
    }
}

/// `s` as HTML text.
fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The page's `<title>`, before the brand name.
fn title(page: &Page) -> String {
    match page {
        Page::Home(_) => t("home-title").into(),
        Page::FdxConsent(..) => t("fdx-page-title").into(),
        Page::Consent(..) => t("consent-page-title").into(),
        Page::Portal(_) | Page::PortalSignedOut(_) => t("portal-title").into(),
        Page::Revoke(_) => t("revoke-page-title").into(),
        Page::Error(e) => e.title.clone(),
    }
}

/// The page: top bar, the screen, and the language switcher.
#[component]
pub fn App(page: Page, brand: Brand) -> impl IntoView {
    view! {
        <HydrationMarker/>
        <a class="skip" href="#main">{t("skip-to-content")}</a>
        <header class="topbar">
            <a class="brand" href="/">
                {brand.logo.map(|src| view! { <img class="brand-logo" src=src alt="" height="28"/> })}
                <span>{brand.name}</span>
            </a>
        </header>
        <main id="main" tabindex="-1">
            {match page {
                Page::Home(home) => view! { <HomePage home/> }.into_any(),
                Page::Consent(view, notice) => view! { <ConsentPage view=*view notice/> }.into_any(),
                Page::FdxConsent(view, notice) => view! { <FdxConsentPage view=*view notice/> }.into_any(),
                Page::Portal(view) => view! { <PortalPage view=*view/> }.into_any(),
                Page::PortalSignedOut(view) => view! { <SignedOutPage view/> }.into_any(),
                Page::Revoke(view) => view! { <RevokePage view/> }.into_any(),
                Page::Error(error) => view! { <ErrorPage error/> }.into_any(),
            }}
        </main>
        <LanguageSwitcher/>
    }
}

/// Buttons, one per language, that post the choice (remembered in a cookie) and come back
/// to this page. Works without JavaScript.
#[component]
fn LanguageSwitcher() -> impl IntoView {
    let current = i18n::current();
    let here = use_context::<Here>().map(|h| h.0).unwrap_or_else(|| "/".into());
    view! {
        <footer class="footer">
            <form method="post" action="/lang" class="lang-switch">
                <input type="hidden" name="next" value=here/>
                <fieldset>
                    <legend>{t("language")}</legend>
                    {Locale::ALL
                        .into_iter()
                        .map(|l| {
                            let selected = l == current;
                            view! {
                                <button
                                    type="submit"
                                    name="lang"
                                    value=l.tag()
                                    lang=l.tag()
                                    class="link-button"
                                    aria-pressed=if selected { "true" } else { "false" }
                                >
                                    {l.native_name()}
                                </button>
                            }
                        })
                        .collect_view()}
                </fieldset>
            </form>
        </footer>
    }
}
