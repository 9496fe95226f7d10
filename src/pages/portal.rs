//! The user portal: sign in, see every application you gave access to, revoke any of them.

use crate::i18n::{t, t_args, t_around, t_code};
use crate::islands::GuardedForm;
use crate::model::{AppAccess, FdxAccess, PortalView, RevokeView, SignedOutView};
use leptos::prelude::*;

#[component]
pub fn PortalPage() -> impl IntoView {
    if let Some(view) = use_context::<PortalView>() {
        return view! { <SignedIn view/> }.into_any();
    }
    let csrf_token = use_context::<SignedOutView>().map(|v| v.csrf_token).unwrap_or_default();
    view! {
        <section class="card" aria-labelledby="portal-title">
            <h1 id="portal-title">{t("portal-title")}</h1>
            <p class="lead">{t("portal-lead")}</p>
            <form method="post" action="/portal/login">
                <input type="hidden" name="csrf_token" value=csrf_token/>
                <button type="submit" class="btn primary">{t("sign-in")}</button>
            </form>
        </section>
    }
    .into_any()
}

#[component]
fn SignedIn(view: PortalView) -> impl IntoView {
    let PortalView { user, apps, total, filter, csrf_token, notice, fdx } = view;
    let empty = apps.is_empty();
    let (user_before, user_after) = t_around("portal-signed-in", "user");
    view! {
        <section class="card wide" aria-labelledby="portal-title">
            <div class="portal-head">
                <div>
                    <h1 id="portal-title">{t("portal-title")}</h1>
                    <p class="signed-in">{user_before} <strong class="subject">{user}</strong> {user_after}</p>
                </div>
                <form method="post" action="/portal/logout">
                    <input type="hidden" name="csrf_token" value=csrf_token.clone()/>
                    <button type="submit" class="btn">{t("sign-out")}</button>
                </form>
            </div>
            {notice.map(|n| view! { <p class="notice success" role="status">{n}</p> })}
            {(total > 5)
                .then(|| {
                    view! {
                        <form method="get" action="/portal" class="filter" role="search">
                            <label for="q">{t("portal-filter-label")}</label>
                            <input id="q" name="q" type="search" value=filter.clone()/>
                            <button type="submit" class="btn">{t("portal-filter")}</button>
                        </form>
                    }
                })}
            {if empty && total == 0 {
                view! {
                    <p class="empty">{t("portal-empty")}</p>
                }
                    .into_any()
            } else if empty {
                view! { <p class="empty">{t("portal-no-match")}</p> }.into_any()
            } else {
                view! {
                    <ul class="apps" aria-label=t("portal-apps-label")>
                        {apps.into_iter().map(|app| view! { <AppCard app/> }).collect_view()}
                    </ul>
                }
                    .into_any()
            }}
            {(!fdx.is_empty())
                .then(|| {
                    view! {
                        <h2 class="portal-section" id="fdx-title">{t("portal-fdx-title")}</h2>
                        <ul class="apps" aria-labelledby="fdx-title">
                            {fdx.into_iter().map(|access| view! { <FdxCard access/> }).collect_view()}
                        </ul>
                    }
                })}
        </section>
    }
}

#[component]
fn AppCard(app: AppAccess) -> impl IntoView {
    let initial = app.name.chars().next().unwrap_or('?').to_uppercase().to_string();
    let revoke_href = format!("/portal/revoke?client_id={}", urlencode(&app.client_id));
    let label = t_args("portal-revoke-label", &[("client", &app.name)]);
    view! {
        <li class="app">
            <header class="client">
                {match app.logo_uri.clone() {
                    Some(src) => view! { <img class="logo" src=src alt="" referrerpolicy="no-referrer" width="48" height="48"/> }.into_any(),
                    None => view! { <span class="logo initial" aria-hidden="true">{initial}</span> }.into_any(),
                }}
                <div>
                    <h2 class="app-name">{app.name.clone()}</h2>
                    <p class="muted small">
                        <span class="status">{t("portal-active")}</span>
                        {app.granted_on.clone().map(|(text, iso)| {
                            let (before, after) = t_around("portal-granted", "date");
                            view! { " · " {before} <time datetime=iso>{text}</time> {after} }
                        })}
                    </p>
                </div>
            </header>
            <h3 class="section-title">{t("portal-can")}</h3>
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
            {(!app.claims.is_empty()).then(|| view! { <p class="claims">{t("portal-receives")} " " {app.claims.join(", ")}</p> })}
            <div class="app-actions">
                {app.client_uri.map(|href| view! { <a href=href target="_blank" rel="noopener noreferrer">{t("link-website")}</a> })}
                <a class="btn danger" href=revoke_href aria-label=label>{t("portal-revoke")}</a>
            </div>
        </li>
    }
}

#[component]
fn FdxCard(access: FdxAccess) -> impl IntoView {
    let revoke_href = format!("/portal/revoke?consent_id={}", urlencode(&access.consent_id));
    let label = t_args("portal-fdx-revoke-label", &[("client", &access.recipient)]);
    let initial = access.recipient.chars().next().unwrap_or('?').to_uppercase().to_string();
    view! {
        <li class="app fdx-consent" data-consent-id=access.consent_id.clone()>
            <header class="client">
                <span class="logo initial" aria-hidden="true">{initial}</span>
                <div>
                    <h3 class="app-name">{access.recipient.clone()}</h3>
                    <p class="muted small">
                        <span class="status">{t_code("fdx-status-", &access.status)}</span>
                        {access.created.clone().map(|(text, iso)| {
                            let (before, after) = t_around("portal-fdx-created", "date");
                            view! { " · " {before} <time datetime=iso>{text}</time> {after} }
                        })}
                        {access.expires.clone().map(|(text, iso)| {
                            let (before, after) = t_around("portal-fdx-expires", "date");
                            view! { " · " {before} <time datetime=iso>{text}</time> {after} }
                        })}
                    </p>
                </div>
            </header>
            <p class="fdx-accounts">{t("portal-fdx-accounts")} " " {access.accounts.join(", ")}</p>
            <p class="muted small">{t("portal-fdx-data")} " "
                {access.clusters.iter().map(|c| t_code("fdx-cluster-", c)).collect::<Vec<_>>().join("; ")}
            </p>
            {access.active.then(|| view! {
                <div class="app-actions end">
                    <a class="btn danger" href=revoke_href aria-label=label>{t("portal-fdx-revoke")}</a>
                </div>
            })}
        </li>
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
pub fn RevokePage() -> impl IntoView {
    let Some(RevokeView { client_id, name, csrf_token, consent_id }) = use_context::<RevokeView>() else {
        return view! { <section class="card"><p>{t("revoke-nothing")}</p></section> }.into_any();
    };
    let fdx = consent_id.is_some();
    let (before, after) = t_around(if fdx { "fdx-revoke-title" } else { "revoke-title" }, "client");
    view! {
        <section class="card" aria-labelledby="revoke-title">
            <h1 id="revoke-title">{before} <span class="client-name">{name.clone()}</span> {after}</h1>
            <ul class="consequences">
                <li>{t_args(if fdx { "fdx-revoke-loses" } else { "revoke-loses" }, &[("client", &name)])}</li>
                <li>{t("revoke-data")}</li>
                <li>{t("revoke-again")}</li>
            </ul>
            <GuardedForm action="/portal/revoke".to_string()>
                {match consent_id {
                    Some(id) => view! { <input type="hidden" name="consent_id" value=id/> }.into_any(),
                    None => view! { <input type="hidden" name="client_id" value=client_id/> }.into_any(),
                }}
                <input type="hidden" name="csrf_token" value=csrf_token/>
                <div class="actions">
                    <a class="btn" href="/portal">{t("cancel")}</a>
                    <button type="submit" class="btn danger-solid">
                        {if fdx { t("portal-fdx-revoke") } else { t("portal-revoke") }}
                    </button>
                </div>
            </GuardedForm>
        </section>
    }
    .into_any()
}
