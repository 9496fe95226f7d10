//! The HTML shell and the route table.

use crate::islands::HydrationMarker;
use crate::model::PageError;
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
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="referrer" content="no-referrer"/>
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

/// Renders the page for the current path, or the error the server put in context.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let error = use_context::<PageError>();
    view! {
        <Stylesheet id="leptos" href="/pkg/assent.css"/>
        <Title formatter=|text: String| format!("{text} · Assent")/>
        <HydrationMarker/>
        <header class="topbar">
            <a class="brand" href="/">"Assent"</a>
        </header>
        <main id="main">
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
    }
}
