//! Error pages: a clear message, the status, a request id and a way forward.

use crate::error::AppError;
use crate::i18n::{t, t_args};
use crate::model::Onward;
use leptos::prelude::*;

#[component]
pub fn ErrorPage(error: AppError, onward: Onward) -> impl IntoView {
    let status = error.status().to_string();
    let onward = match onward {
        Onward::Home => link("/", t("error-home")),
        Onward::Portal => link("/portal", t("error-portal")),
        Onward::Console => link("/admin", t("error-console")),
        Onward::SendAgain { action, fields } => view! {
            <form method="post" action=action>
                {fields.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value/> }).collect_view()}
                <button class="btn primary" type="submit">
                    {t("unanswered-send-again")}
                </button>
            </form>
        }
        .into_any(),
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
            {onward}
        </section>
    }
}

/// A way forward by a link.
fn link(href: &'static str, label: &'static str) -> AnyView {
    view! {
        <p>
            <a class="btn" href=href>
                {label}
            </a>
        </p>
    }
    .into_any()
}
