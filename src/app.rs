//! The HTML shell and the route table.

use crate::i18n::{self, t, Locale};
use crate::islands::HydrationMarker;
use crate::model::{Brand, Here, PageError};
use crate::pages::{ConsentPage, ErrorPage, HomePage, NotFound, PortalPage, RevokePage};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

/// The document around every page. Islands hydrate; everything else is plain server HTML.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang=i18n::current().tag()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="referrer" content="no-referrer"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// `<title>` is written unescaped by leptos_meta: escape what goes in.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Renders the page for the current path, or the error the server put in context.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let error = use_context::<PageError>();
    let brand = use_context::<Brand>().unwrap_or_default();
    let suffix = escape(&brand.name);
    view! {
        <Stylesheet id="leptos" href="/pkg/assent.css"/>
        <link rel="stylesheet" href="/theme.css"/>
        <Title formatter=move |text: String| format!("{text} · {suffix}")/>
        <HydrationMarker/>
        <a class="skip" href="#main">{t("skip-to-content")}</a>
        <header class="topbar">
            <a class="brand" href="/">
                {brand.logo.map(|src| view! { <img class="brand-logo" src=src alt="" height="28"/> })}
                <span>{brand.name}</span>
            </a>
        </header>
        <main id="main" tabindex="-1">
            {match error {
                Some(error) => view! { <ErrorPage error/> }.into_any(),
                None => {
                    view! {
                        <Router>
                            <Routes fallback=NotFound>
                                <Route path=path!("/") view=HomePage/>
                                <Route path=path!("/consent") view=ConsentPage/>
                                <Route path=path!("/portal") view=PortalPage/>
                                <Route path=path!("/portal/revoke") view=RevokePage/>
                            </Routes>
                        </Router>
                    }
                        .into_any()
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
