//! Error pages: a clear message, the status, a request id and a way forward.

use crate::model::PageError;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ErrorPage(error: PageError) -> impl IntoView {
    let title = error.title.clone();
    view! {
        <Title text=title.clone()/>
        <section class="card error" role="alert" aria-labelledby="error-title">
            <h1 id="error-title">{title}</h1>
            <p class="lead">{error.message}</p>
            <p class="muted">
                "Error " {error.status} " · Request id " <code class="request-id">{error.request_id}</code>
            </p>
            <p>
                <a class="btn" href="/">
                    "Go to the start page"
                </a>
            </p>
        </section>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <Title text="Not found"/>
        <section class="card error">
            <h1>"Page not found"</h1>
            <p class="lead">"There is nothing at this address."</p>
            <p>
                <a class="btn" href="/">
                    "Go to the start page"
                </a>
            </p>
        </section>
    }
}
