//! The consent screen: who asks, who is signed in, what is asked; Allow or Deny.

use crate::i18n::{t, t_around};
use crate::islands::GuardedForm;
use crate::model::{ClientView, ConsentView, FdxConsentView, ScopeGroup};
use crate::pages::fdx::FdxConsentPage;
use leptos::prelude::*;

/// Context value (as `Option<ConsentNotice>`): a message shown above the form (e.g. nothing
/// was selected).
#[derive(Clone, Debug)]
pub struct ConsentNotice(pub String);

#[component]
pub fn ConsentPage() -> impl IntoView {
    if let Some(view) = use_context::<FdxConsentView>() {
        return view! { <FdxConsentPage view/> }.into_any();
    }
    let Some(consent) = use_context::<ConsentView>() else {
        return view! {
            <section class="card error">
                <h1>{t("consent-nothing")}</h1>
                <p class="lead">{t("consent-nothing-lead")}</p>
            </section>
        }
        .into_any();
    };
    let notice = use_context::<Option<ConsentNotice>>().flatten().map(|n| n.0);
    let ConsentView { login_id, login_state, csrf_token, client, user, groups, claims } = consent;
    view! {
        <section class="card consent" aria-labelledby="consent-title">
            <ClientHeader client=client.clone() user title_key="consent-title"/>
            {notice.map(|n| view! { <p class="notice" role="alert">{n}</p> })}
            <GuardedForm action="/consent".to_string()>
                <input type="hidden" name="login_id" value=login_id/>
                <input type="hidden" name="login_state" value=login_state/>
                <input type="hidden" name="csrf_token" value=csrf_token/>
                <h2 class="section-title">{t("consent-asks")}</h2>
                {groups.into_iter().map(|group| view! { <ScopeFieldset group/> }).collect_view()}
                {(!claims.is_empty())
                    .then(|| {
                        view! {
                            <p class="claims">
                                {t("consent-also-receive")}
                                " "
                                <span class="claim-list">{claims.join(", ")}</span>
                            </p>
                        }
                    })}
                <p class="muted small">{t("consent-change-mind")}</p>
                <DecisionButtons/>
            </GuardedForm>
        </section>
    }
    .into_any()
}

/// Deny and Allow, with equal weight; the values are never translated.
#[component]
pub(crate) fn DecisionButtons() -> impl IntoView {
    view! {
        <div class="actions">
            <button type="submit" name="decision" value="deny" class="btn">
                {t("deny")}
            </button>
            <button type="submit" name="decision" value="allow" class="btn primary">
                {t("allow")}
            </button>
        </div>
    }
}

/// The application asking, its logo and links, and who is signed in. `title_key` is the
/// heading's message, with the application's name as `$client`.
#[component]
pub(crate) fn ClientHeader(client: ClientView, user: String, title_key: &'static str) -> impl IntoView {
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

#[component]
fn ScopeFieldset(group: ScopeGroup) -> impl IntoView {
    view! {
        <fieldset class="scopes">
            <legend>{group.service}</legend>
            {group
                .scopes
                .into_iter()
                .map(|scope| {
                    let id = format!("scope-{}", scope.name);
                    let desc_id = format!("{id}-desc");
                    let required = scope.required;
                    view! {
                        <div class="scope">
                            <input
                                type="checkbox"
                                name="scope"
                                id=id.clone()
                                value=scope.name.clone()
                                checked=true
                                disabled=required
                                aria-describedby=desc_id.clone()
                            />
                            <label for=id>
                                <span class="scope-name">{scope.display_name}</span>
                                <span class="scope-desc" id=desc_id>
                                    {scope.description.unwrap_or_default()}
                                    {required.then(|| format!(" {}", t("consent-required")))}
                                </span>
                            </label>
                        </div>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}
