//! Error pages: a clear message, the status, a request id and a way forward.

use crate::error::AppError;
use crate::i18n::{t, t_args};
use crate::model::Onward;
use leptos::prelude::*;

#[component]
pub fn ErrorPage(error: AppError, onward: Onward) -> impl IntoView {
    let status = error.status().to_string();
    let (href, label) = match onward {
        Onward::Home => ("/", t("error-home")),
        Onward::Portal => ("/portal", t("error-portal")),
        Onward::Console => ("/admin", t("error-console")),
    };
    view! {
        <section class="card error" aria-labelledby="error-title">
            <h1 id="error-title">{error.title}</h1>
            <p class="lead">{error.message}</p>
            <p class="muted">
                {t_args("error-status", &[("status", &status)])}
                " · "
                {t("error-request-id")}
                " "
                <code class="request-id">{error.request_id}</code>
            </p>
            <p>
                <a class="btn" href=href>
                    {label}
                </a>
            </p>
        </section>
    }
}
