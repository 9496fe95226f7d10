//! The landing page.

use crate::model::HomeView;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let home = use_context::<HomeView>();
    let demo = home.as_ref().and_then(|h| h.demo_url.clone());
    let issuer = home.map(|h| h.issuer).unwrap_or_default();
    view! {
        <Title text="Home"/>
        <section class="card">
            <h1>"Assent"</h1>
            <p class="lead">
                "The consent screen of your authorization server: it shows people exactly what an application asks for, lets them grant all, some or none of it, and keeps their decision honest."
            </p>
            <p class="muted">"Authorization server: " <code>{issuer}</code></p>
            <p>
                <a class="btn" href="/portal">
                    "Review the applications you gave access to"
                </a>
            </p>
            {demo
                .map(|url| {
                    view! {
                        <p>
                            <a class="btn primary" href=url>
                                "Open the sandbox demo application"
                            </a>
                        </p>
                        <p class="muted">
                            "Sign in as " <code>"user"</code> ", " <code>"user2"</code> " or "
                            <code>"user3"</code> " with the password " <code>"p@ssword!"</code> "."
                        </p>
                    }
                })}
        </section>
    }
}
