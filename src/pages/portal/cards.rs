//! One card per application and per Open Finance consent, rendered on the server, with its
//! action: a link to the confirmation page, which the portal's island turns into its dialog
//! (`data-opens-dialog`, `data-id`, `data-name`). Each card carries what the island's filter
//! reads: its name (`data-filter`) and its key (`data-key`, `app:{client_id}` or
//! `fdx:{consent_id}`).

use super::ListTexts;
use crate::islands::fill;
use crate::model::{AppAccess, FdxAccess};
use leptos::either::Either;
use leptos::prelude::*;

/// The address of an item's confirmation page (the action without JavaScript).
pub(super) fn confirm_href(name: &str, value: &str) -> String {
    portal_href("revoke", name, value)
}

/// `/portal/{page}?{name}={value}`, the value percent-encoded whatever it holds.
pub(super) fn portal_href(page: &str, name: &str, value: &str) -> String {
    let mut query = String::new();
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => query.push(b as char),
            _ => query.push_str(&format!("%{b:02X}")),
        }
    }
    format!("/portal/{page}?{name}={query}")
}

fn initial(name: &str) -> String {
    name.chars().next().unwrap_or('?').to_uppercase().collect()
}

#[component]
pub(super) fn AppCard(
    app: AppAccess,
    index: usize,
    /// Whether it matches the filter.
    show: bool,
    texts: StoredValue<ListTexts>,
) -> impl IntoView {
    let label = texts.with_value(|t| fill(&t.revoke_label, &[("client", &app.name)]));
    view! {
        <li class="app" class:gone=!show data-filter=app.name.clone() data-key=format!("app:{}", app.client_id)>
            <header class="client">
                {match app.logo_uri.clone() {
                    Some(src) => Either::Left(view! { <img class="logo" src=src alt="" referrerpolicy="no-referrer" width="48" height="48"/> }),
                    None => Either::Right(view! { <span class="logo initial" aria-hidden="true">{initial(&app.name)}</span> }),
                }}
                <div>
                    <h2 class="app-name">{app.name.clone()}</h2>
                    <p class="muted small">
                        <span class="status">{texts.with_value(|t| t.active.clone())}</span>
                        {app.granted_on.clone().map(|(text, iso)| {
                            let (before, after) = texts.with_value(|t| split_at(&t.granted, "{date}"));
                            view! { " · " {before} <time datetime=iso>{text}</time> {after} }
                        })}
                    </p>
                </div>
            </header>
            <h3 class="section-title">{texts.with_value(|t| t.can.clone())}</h3>
            <ul class="scope-list">
                {app.scopes
                    .into_iter()
                    .map(|s| view! {
                        <li>
                            <span class="scope-name">{s.name}</span>
                            {s.description.map(|d| view! { <span class="scope-desc">{d}</span> })}
                        </li>
                    })
                    .collect_view()}
            </ul>
            {(!app.claims.is_empty()).then(|| view! { <p class="claims">{texts.with_value(|t| t.receives.clone())} " " {app.claims.join(", ")}</p> })}
            <div class="app-actions">
                {app.client_uri.map(|href| {
                    // Named with its application: a list of cards is no list of "Website" links.
                    let website = texts.with_value(|t| t.website.clone());
                    let named = format!("{website} · {}", app.name);
                    view! { <a href=href target="_blank" rel="noopener noreferrer" aria-label=named>{website}</a> }
                })}
                <a
                    class="btn danger"
                    id=format!("revoke-app-{index}")
                    href=confirm_href("client_id", &app.client_id)
                    aria-label=label
                    data-opens-dialog="app"
                    data-id=app.client_id.clone()
                    data-name=app.name.clone()
                >
                    {texts.with_value(|t| t.revoke.clone())}
                </a>
            </div>
        </li>
    }
}

#[component]
pub(super) fn FdxCard(
    access: FdxAccess,
    index: usize,
    /// Whether it matches the filter.
    show: bool,
    texts: StoredValue<ListTexts>,
) -> impl IntoView {
    let label = texts.with_value(|t| fill(&t.fdx_revoke_label, &[("client", &access.recipient)]));
    let date = |template: fn(&ListTexts) -> &String, (text, iso): (String, String)| {
        let (before, after) = texts.with_value(|t| split_at(template(t), "{date}"));
        view! { " · " {before} <time datetime=iso>{text}</time> {after} }
    };
    view! {
        <li
            class="app fdx-consent"
            data-consent-id=access.consent_id.clone()
            class:gone=!show
            data-filter=access.recipient.clone()
            data-key=format!("fdx:{}", access.consent_id)
        >
            <header class="client">
                {match access.logo_uri.clone() {
                    Some(src) => Either::Left(view! { <img class="logo" src=src alt="" referrerpolicy="no-referrer" width="48" height="48"/> }),
                    None => Either::Right(view! { <span class="logo initial" aria-hidden="true">{initial(&access.recipient)}</span> }),
                }}
                <div>
                    <h3 class="app-name">{access.recipient.clone()}</h3>
                    <p class="muted small">
                        {(!access.bank.is_empty()).then(|| view! { <span class="bank">{access.bank.clone()}</span> " · " })}
                        <span class="status">{access.status.clone()}</span>
                        {access.created.clone().map(|d| date(|t| &t.fdx_created, d))}
                        {access.expires.clone().filter(|_| access.active).map(|d| date(|t| &t.fdx_expires, d))}
                    </p>
                </div>
            </header>
            <p class="fdx-accounts">{texts.with_value(|t| t.fdx_accounts.clone())} " " {access.accounts.join(", ")}</p>
            <p class="muted small">{texts.with_value(|t| t.fdx_data.clone())} " " {access.clusters.join("; ")}</p>
            {access.shared.clone().map(|shared| view! { <p class="muted small disclosed">{shared}</p> })}
            {(access.active && !access.all_mine).then(|| view! {
                <p class="muted small other-holder">{texts.with_value(|t| t.fdx_other_holder.clone())}</p>
            })}
            {(access.active && access.all_mine).then(|| view! {
                <div class="app-actions end">
                    <a
                        class="btn danger"
                        id=format!("stop-fdx-{index}")
                        href=confirm_href("consent_id", &access.consent_id)
                        aria-label=label
                        data-opens-dialog="fdx"
                        data-id=access.consent_id.clone()
                        data-name=access.recipient.clone()
                    >
                        {texts.with_value(|t| t.fdx_revoke.clone())}
                    </a>
                </div>
            })}
        </li>
    }
}

/// `template` split around `marker`: the text before and after it.
pub(super) fn split_at(template: &str, marker: &str) -> (String, String) {
    match template.split_once(marker) {
        Some((before, after)) => (before.to_string(), after.to_string()),
        None => (template.to_string(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_portal_link_carries_any_value_whole() {
        assert_eq!(super::portal_href("receipt", "id", "a+b&c#d%e f"), "/portal/receipt?id=a%2Bb%26c%23d%25e%20f");
        assert_eq!(super::confirm_href("consent_id", "urn:x.1~"), "/portal/revoke?consent_id=urn%3Ax.1~");
    }
}
