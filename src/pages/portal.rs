//! The user portal: sign in, see every application you gave access to, revoke any of them.

use crate::islands::GuardedForm;
use crate::model::{AppAccess, PortalView, RevokeView, SignedOutView};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn PortalPage() -> impl IntoView {
    if let Some(view) = use_context::<PortalView>() {
        return view! { <SignedIn view/> }.into_any();
    }
    let csrf_token = use_context::<SignedOutView>().map(|v| v.csrf_token).unwrap_or_default();
    view! {
        <Title text="Your connected applications"/>
        <section class="card" aria-labelledby="portal-title">
            <h1 id="portal-title">"Your connected applications"</h1>
            <p class="lead">
                "See every application you allowed to access your account, what each can do, and take access away whenever you want."
            </p>
            <form method="post" action="/portal/login">
                <input type="hidden" name="csrf_token" value=csrf_token/>
                <button type="submit" class="btn primary">"Sign in"</button>
            </form>
        </section>
    }
    .into_any()
}

#[component]
fn SignedIn(view: PortalView) -> impl IntoView {
    let PortalView { user, apps, total, filter, csrf_token, notice } = view;
    let empty = apps.is_empty();
    view! {
        <Title text="Your connected applications"/>
        <section class="card wide" aria-labelledby="portal-title">
            <div class="portal-head">
                <div>
                    <h1 id="portal-title">"Your connected applications"</h1>
                    <p class="signed-in">"Signed in as " <strong class="subject">{user}</strong></p>
                </div>
                <form method="post" action="/portal/logout">
                    <input type="hidden" name="csrf_token" value=csrf_token.clone()/>
                    <button type="submit" class="btn">"Sign out"</button>
                </form>
            </div>
            {notice.map(|n| view! { <p class="notice success" role="status">{n}</p> })}
            {(total > 5)
                .then(|| {
                    view! {
                        <form method="get" action="/portal" class="filter" role="search">
                            <label for="q">"Filter by name"</label>
                            <input id="q" name="q" type="search" value=filter.clone()/>
                            <button type="submit" class="btn">"Filter"</button>
                        </form>
                    }
                })}
            {if empty && total == 0 {
                view! {
                    <p class="empty">
                        "No application has access to your account. When you allow one, it appears here."
                    </p>
                }
                    .into_any()
            } else if empty {
                view! { <p class="empty">"No application matches this filter."</p> }.into_any()
            } else {
                view! {
                    <ul class="apps" aria-label="Applications with access">
                        {apps.into_iter().map(|app| view! { <AppCard app/> }).collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn AppCard(app: AppAccess) -> impl IntoView {
    let initial = app.name.chars().next().unwrap_or('?').to_uppercase().to_string();
    let revoke_href = format!("/portal/revoke?client_id={}", urlencode(&app.client_id));
    let label = format!("Revoke access of {}", app.name);
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
                        <span class="status">"Active"</span>
                        {app.granted_on.clone().map(|(text, iso)| view! { " · Access granted " <time datetime=iso>{text}</time> })}
                    </p>
                </div>
            </header>
            <h3 class="section-title">"It can:"</h3>
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
            {(!app.claims.is_empty()).then(|| view! { <p class="claims">"It receives: " {app.claims.join(", ")}</p> })}
            <div class="app-actions">
                {app.client_uri.map(|href| view! { <a href=href target="_blank" rel="noopener noreferrer">"Website"</a> })}
                <a class="btn danger" href=revoke_href aria-label=label>"Revoke access"</a>
            </div>
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
    let Some(RevokeView { client_id, name, csrf_token }) = use_context::<RevokeView>() else {
        return view! { <section class="card"><p>"Nothing to revoke."</p></section> }.into_any();
    };
    view! {
        <Title text="Revoke access"/>
        <section class="card" aria-labelledby="revoke-title">
            <h1 id="revoke-title">"Revoke access of " <span class="client-name">{name.clone()}</span> "?"</h1>
            <ul class="consequences">
                <li>{format!("{name} immediately loses access to your account, and its sign-in tokens stop working.")}</li>
                <li>"It may still hold data it fetched before; ask the application if you want that deleted."</li>
                <li>"You can allow it again later by signing in to it."</li>
            </ul>
            <GuardedForm action="/portal/revoke".to_string()>
                <input type="hidden" name="client_id" value=client_id/>
                <input type="hidden" name="csrf_token" value=csrf_token/>
                <div class="actions">
                    <a class="btn" href="/portal">"Cancel"</a>
                    <button type="submit" class="btn danger-solid">"Revoke access"</button>
                </div>
            </GuardedForm>
        </section>
    }
    .into_any()
}
