//! Parts the consent screens show (and the portal, an application's logo).

use crate::i18n::{t, t_args, t_around, t_code};
use crate::islands::AccountPickerTexts;
use crate::model::{AccountView, ClientView, Unverified};
use leptos::either::Either;
use leptos::prelude::*;

/// A warning that the application cannot be verified by where it gets the answer: a program
/// or app on this device, a website without encryption, or an address that does not read.
#[component]
fn UnverifiedNote(where_to: Unverified) -> impl IntoView {
    let (kind, place) = where_to.words();
    view! {
        <div class="notice caution unverified" role="note">
            <strong>{t("consent-unverified-title")}</strong>
            <p>{t_args(&format!("consent-unverified-{kind}"), &[("where", place)])}</p>
        </div>
    }
}

/// An application's logo, or the first letter of its name where it has none: `size` pixels
/// square (the consent screen's header, the portal's cards).
#[component]
pub fn ClientLogo(name: String, logo_uri: Option<String>, size: u32) -> impl IntoView {
    match logo_uri {
        Some(src) => Either::Left(view! {
            <img class="logo" src=src alt="" referrerpolicy="no-referrer" width=size height=size/>
        }),
        None => Either::Right(view! {
            <span class="logo initial" aria-hidden="true">{name.chars().next().unwrap_or('?').to_uppercase().to_string()}</span>
        }),
    }
}

/// The application asking, its logo and links, and who is signed in. `title_key` is the
/// heading's message, with the application's name as `$client`.
#[component]
pub fn ClientHeader(client: ClientView, user: String, title_key: &'static str) -> impl IntoView {
    let links: Vec<(String, &str)> = [
        (client.client_uri.clone(), t("link-website")),
        (client.policy_uri.clone(), t("link-policy")),
        (client.tos_uri.clone(), t("link-terms")),
    ]
    .into_iter()
    .filter_map(|(href, label)| href.map(|href| (href, label)))
    .collect();
    let (title_before, title_after) = t_around(title_key, "client");
    let (user_before, user_after) = t_around("consent-signed-in", "user");
    view! {
        <header class="client">
            <ClientLogo name=client.name.clone() logo_uri=client.logo_uri.clone() size=56/>
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
        {client.unverified.map(|where_to| view! { <UnverifiedNote where_to/> })}
        // A landmark only where there are links: an empty one would still be announced.
        {(!links.is_empty())
            .then(|| {
                view! {
                    <nav class="client-links" aria-label=t("consent-about-app")>
                        {links
                            .into_iter()
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
            })}
    }
}

/// The customer's accounts to choose from, none ticked (but on a form sent back): the content
/// of a consent form's island, rendered on the server only (the island reads what is ticked
/// from the page). Select all appears once the island runs; accounts in `shared_now` (a CDR
/// amendment's) say so.
/// Accounts that cannot be shared now follow the fieldset, each with its reason and no
/// checkbox (one shared now says it leaves the arrangement with the amendment).
#[component]
pub fn AccountChoices(accounts: Vec<AccountView>, #[prop(optional)] shared_now: Vec<String>) -> impl IntoView {
    let (unavailable, accounts): (Vec<AccountView>, Vec<AccountView>) =
        accounts.into_iter().partition(|a| a.unavailable.is_some());
    let leaving: Vec<String> = unavailable.iter().map(|a| a.id.clone()).filter(|id| shared_now.contains(id)).collect();
    let several = accounts.len() > 1;
    let empty = accounts.is_empty();
    let rows = accounts
        .into_iter()
        .map(|account| {
            let id = format!("account-{}", account.id);
            let mut kind = t_code("account-kind-", &account.kind);
            if shared_now.contains(&account.id) {
                kind = format!("{kind} · {}", t("cdr-shared-now"));
            }
            view! {
                <div class="scope">
                    <input
                        type="checkbox"
                        name="account[]"
                        id=id.clone()
                        value=account.id.clone()
                        checked=account.chosen
                        data-number=account.masked_number.clone()
                        aria-labelledby=format!("{id}-name")
                        aria-describedby=format!("{id}-desc")
                    />
                    <AccountLabel account kind/>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="scopes accounts" aria-describedby="accounts-hint">
            <legend>{t("fdx-choose")}</legend>
            <p class="muted small" id="accounts-hint">{t("fdx-choose-hint")}</p>
            {several
                .then(|| {
                    view! {
                        <span class="bulk js-only">
                            <button type="button" class="link-button" data-bulk="all">
                                {t("select-all")}
                            </button>
                        </span>
                    }
                })}
            {empty.then(|| view! { <p class="empty">{t("fdx-no-accounts")}</p> })}
            {rows}
        </fieldset>
        <UnavailableAccounts accounts=unavailable heading="accounts-unavailable" leaving/>
    }
}

/// Accounts the customer holds but cannot share (or pay from) now, and why (the bank's words,
/// or ours when it gives none): shown after the choices so that none seems missing, never
/// offered. `heading` is the list's message key; `leaving`, those a CDR amendment takes out of
/// the arrangement (shared under it until now). Nothing when there are none.
#[component]
pub fn UnavailableAccounts(
    accounts: Vec<AccountView>,
    heading: &'static str,
    #[prop(optional)] leaving: Vec<String>,
    /// The list is a section of its page (no other heading above it but the page's own).
    #[prop(optional)]
    section: bool,
) -> impl IntoView {
    (!accounts.is_empty()).then(|| view! {
        <div class="unavailable-accounts">
            {if section {
                view! { <h2 id="accounts-unavailable">{t(heading)}</h2> }.into_any()
            } else {
                view! { <h3 id="accounts-unavailable">{t(heading)}</h3> }.into_any()
            }}
            <ul aria-labelledby="accounts-unavailable">
                {accounts
                    .into_iter()
                    .map(|account| {
                        let reason = account.unavailable.clone().filter(|r| !r.is_empty());
                        let leaves = leaving.contains(&account.id).then(|| {
                            view! { <span class="scope-desc leaves">{t("cdr-leaves-arrangement")}</span> }
                        });
                        view! {
                            <li data-account=account.id.clone()>
                                <span class="scope-name">
                                    {account.title()} " " <span class="masked">{account.masked_number.clone()}</span>
                                </span>
                                <span class="scope-desc">
                                    {t_code("account-kind-", &account.kind)} " · "
                                    {reason.unwrap_or_else(|| t("accounts-unavailable-reason").to_string())}
                                </span>
                                {leaves}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    })
}

/// An account's name, masked number, kind and balance: the label of its checkbox
/// `account-{id}`, described by `account-{id}-desc`.
#[component]
fn AccountLabel(
    account: AccountView,
    /// The account's kind in words.
    kind: String,
) -> impl IntoView {
    let id = format!("account-{}", account.id);
    let title = account.title();
    view! {
        <label for=id.clone()>
            <span class="scope-name" id=format!("{id}-name")>
                {title} " " <span class="masked">{account.masked_number}</span>
            </span>
            <span class="scope-desc" id=format!("{id}-desc")>
                {kind}
                " · "
                {t("fdx-balance")}
                " "
                {account.balance}
            </span>
        </label>
    }
}

/// The account pickers' words (Open Finance, UK, CDR) in the page's language; `summary_key`
/// names the regime's summary of the chosen accounts.
pub fn picker_texts(summary_key: &'static str) -> AccountPickerTexts {
    AccountPickerTexts {
        summary: t_args(summary_key, &[("n", "{n}"), ("accounts", "{accounts}")]),
        none_chosen: t("fdx-none-chosen").into(),
        choose_one: t("fdx-choose-one").into(),
        change_mind: t("consent-change-mind").into(),
        deny: t("deny").into(),
        allow: t("allow").into(),
        allow_one: t("fdx-allow-one").into(),
        allow_n: t_args("fdx-allow-n", &[("n", "{n}")]),
        sending: t("sending").into(),
        offline: t("offline-message").into(),
    }
}
