//! Error pages: a clear message, the status, a request id and a way forward.

use crate::i18n::{t, t_args};
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
                {t_args("error-status", &[("status", &error.status.to_string())])}
                " · "
                {t("error-request-id")}
                " "
                <code class="request-id">{error.request_id}</code>
            </p>
            <p>
                <a class="btn" href="/">
                    {t("error-home")}
                </a>
            </p>
        </section>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <Title text=t("not-found-title")/>
        <section class="card error">
            <h1>{t("not-found-title")}</h1>
            <p class="lead">{t("not-found-message")}</p>
            <p>
                <a class="btn" href="/">
                    {t("error-home")}
                </a>
            </p>
        </section>
    }
}
