//! The HTML shell and the screen it wraps.

use crate::i18n::{self, t, Locale};
use crate::islands::HydrationMarker;
use crate::model::{Brand, FdxConsentView, Here, PageError, Screen};
use crate::pages::{ConsentPage, ErrorPage, HomePage, PortalPage, RevokePage};
use leptos::nonce::use_nonce;
use leptos::prelude::*;

const HYDRATION_GLOBALS: &str = "__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];__PENDING_RESOURCES=[];\
     __RESOURCE_RESOLVERS=[];__INCOMPLETE_CHUNKS=[];";

/// The document around every page (the server writes the doctype before it). Islands hydrate; everything else is plain server HTML,
/// rendered in one pass: the server has every value before it renders.
pub fn shell(options: LeptosOptions, screen: Screen) -> impl IntoView {
    let brand = use_context::<Brand>().unwrap_or_default();
    let title = escape_text(&format!("{} · {}", title(screen), brand.name));
    view! {
        <html lang=i18n::current().tag()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="referrer" content="no-referrer"/>
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
                // What the islands' hydration reads at start; Assent's pages have no resources
                // to stream, so these are empty.
                <script nonce=use_nonce()>{HYDRATION_GLOBALS}</script>
            </head>
            <body>
                <App screen brand/>
            </body>
        </html>
    }
}

/// `s` as HTML text.
fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The page's `<title>`, before the brand name.
fn title(screen: Screen) -> String {
    match screen {
        Screen::Home => t("home-title").into(),
        Screen::Consent if use_context::<FdxConsentView>().is_some() => t("fdx-page-title").into(),
        Screen::Consent => t("consent-page-title").into(),
        Screen::Portal => t("portal-title").into(),
        Screen::Revoke => t("revoke-page-title").into(),
        Screen::Error => use_context::<PageError>().map(|e| e.title).unwrap_or_default(),
    }
}

/// The page: top bar, the screen, and the language switcher.
#[component]
pub fn App(screen: Screen, brand: Brand) -> impl IntoView {
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
            {match screen {
                Screen::Home => view! { <HomePage/> }.into_any(),
                Screen::Consent => view! { <ConsentPage/> }.into_any(),
                Screen::Portal => view! { <PortalPage/> }.into_any(),
                Screen::Revoke => view! { <RevokePage/> }.into_any(),
                Screen::Error => {
                    let error = use_context::<PageError>().unwrap_or_default();
                    view! { <ErrorPage error/> }.into_any()
                }
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
