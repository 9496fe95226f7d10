//! One card per application and per Open Finance consent, rendered on the server, with its
//! action: a link to the confirmation page, which the portal's island turns into its dialog
//! (`data-opens-dialog`, `data-id`, `data-name`). Each card carries what the island's filter
//! reads: its name (`data-filter`) and its key (`data-key`, `app:{client_id}` or
//! `fdx:{consent_id}`).

use super::ListTexts;
use crate::islands::fill;
use crate::model::{AppAccess, FdxAccess};
use crate::pages::parts::ClientLogo;
use leptos::prelude::*;

/// An item's action: a link to its confirmation page, which the portal's island turns into
/// its dialog by what the link says it is about (`data-opens-dialog`, `data-id`, `data-name`).
#[component]
pub(super) fn DialogLink(
    /// `app` (an application's access, by its client id) or `fdx` (a consent, by its id).
    kind: &'static str,
    class: &'static str,
    /// The link's own id, where focus goes back when the dialog closes.
    element_id: String,
    /// The client id or the consent id.
    target: String,
    /// Who the dialog names.
    name: String,
    label: String,
    text: String,
) -> impl IntoView {
    let href = portal_href("revoke", if kind == "fdx" { "consent_id" } else { "client_id" }, &target);
    view! {
        <a class=class id=element_id href=href aria-label=label data-opens-dialog=kind data-id=target data-name=name>
            {text}
        </a>
    }
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
                <ClientLogo name=app.name.clone() logo_uri=app.logo_uri.clone() size=48/>
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
                <DialogLink
                    kind="app"
                    class="btn danger"
                    element_id=format!("revoke-app-{index}")
                    target=app.client_id.clone()
                    name=app.name.clone()
                    label
                    text=texts.with_value(|t| t.revoke.clone())
                />
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
                <ClientLogo name=access.recipient.clone() logo_uri=access.logo_uri.clone() size=48/>
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
                    <DialogLink
                        kind="fdx"
                        class="btn danger"
                        element_id=format!("stop-fdx-{index}")
                        target=access.consent_id.clone()
                        name=access.recipient.clone()
                        label
                        text=texts.with_value(|t| t.fdx_revoke.clone())
                    />
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
        assert_eq!(super::portal_href("revoke", "consent_id", "urn:x.1~"), "/portal/revoke?consent_id=urn%3Ax.1~");
    }
}
