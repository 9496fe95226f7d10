//! Parts both consent screens show.

use crate::i18n::{t, t_args, t_around};
use crate::islands::AccountTexts;
use crate::model::ClientView;
use leptos::prelude::*;

/// The application asking, its logo and links, and who is signed in. `title_key` is the
/// heading's message, with the application's name as `$client`.
#[component]
pub fn ClientHeader(client: ClientView, user: String, title_key: &'static str) -> impl IntoView {
    let initial = client.name.chars().next().unwrap_or('?').to_uppercase().to_string();
    let links = [
        (client.client_uri.clone(), t("link-website")),
        (client.policy_uri.clone(), t("link-policy")),
        (client.tos_uri.clone(), t("link-terms")),
    ];
    let (title_before, title_after) = t_around(title_key, "client");
    let (user_before, user_after) = t_around("consent-signed-in", "user");
    view! {
        <header class="client">
            {match client.logo_uri.clone() {
                Some(src) => {
                    view! {
                        <img class="logo" src=src alt="" referrerpolicy="no-referrer" width="56" height="56"/>
                    }
                        .into_any()
                }
                None => view! { <span class="logo initial" aria-hidden="true">{initial}</span> }.into_any(),
            }}
            <div>
                <h1 id="consent-title">
                    {title_before}
                    <span class="client-name">{client.name.clone()}</span>
                    {title_after}
                </h1>
                <p class="signed-in">{user_before} <strong class="subject">{user}</strong> {user_after}</p>
            </div>
        </header>
        {client.description.map(|d| view! { <p class="client-description">{d}</p> })}
        <nav class="client-links" aria-label=t("consent-about-app")>
            {links
                .into_iter()
                .filter_map(|(href, label)| href.map(|href| (href, label)))
                .map(|(href, label)| {
                    view! {
                        <a href=href target="_blank" rel="noopener noreferrer">
                            {label}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}

/// The account list's words (both consent screens) in the page's language.
pub fn account_texts() -> AccountTexts {
    AccountTexts {
        choose: t("fdx-choose").into(),
        choose_hint: t("fdx-choose-hint").into(),
        no_accounts: t("fdx-no-accounts").into(),
        select_all: t("select-all").into(),
        summary: t_args("fdx-summary", &[("n", "{n}"), ("accounts", "{accounts}")]),
        none_chosen: t("fdx-none-chosen").into(),
        balance: t("fdx-balance").into(),
    }
}
