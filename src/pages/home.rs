//! The landing page.

use crate::i18n::t;
use crate::model::{Brand, HomeView};
use leptos::prelude::*;

#[component]
pub fn HomePage(home: HomeView) -> impl IntoView {
    let HomeView { demo_url: demo, fdx_demo_url: fdx_demo, aggregator_url: aggregator, issuer, console } = home;
    view! {
        <section class="card">
            <h1>{use_context::<Brand>().unwrap_or_default().name}</h1>
            <p class="lead">{t("home-lead")}</p>
            <p class="muted">{t("home-issuer")} " " <code>{issuer}</code></p>
            <p>
                <a class="btn" href="/portal">
                    {t("home-portal-link")}
                </a>
            </p>
            {console.then(|| view! {
                <p>
                    <a class="btn" href="/admin">{t("home-console-link")}</a>
                </p>
            })}
            {demo
                .map(|url| {
                    view! {
                        <p>
                            <a class="btn primary" href=url>
                                {t("home-demo-link")}
                            </a>
                        </p>
                        <p class="muted">{t("home-demo-hint")}</p>
                        {fdx_demo
                            .clone()
                            .map(|url| {
                                view! {
                                    <p>
                                        <a class="btn" href=url>
                                            {t("home-fdx-demo-link")}
                                        </a>
                                    </p>
                                }
                            })}
                        {aggregator
                            .clone()
                            .map(|url| {
                                view! {
                                    <p>
                                        <a class="btn" href=url>
                                            {t("home-aggregator-link")}
                                        </a>
                                    </p>
                                }
                            })}
                    }
                })}
        </section>
    }
}
