//! The consent screen: who asks, who is signed in, what is asked; Allow or Deny. The form's
//! content is rendered here, on the server only; the `ConsentForm` island around it adds the
//! live summary, select all / none and the in-place checks.

use crate::i18n::{once_per_language, t, t_args};
use crate::islands::{ConsentForm, ConsentTexts, FlowFields};
use crate::model::{ConsentView, ScopeGroup};
use crate::pages::parts::{AccountChoices, ClientHeader};
use leptos::prelude::*;
use std::sync::OnceLock;

#[component]
pub fn ConsentPage(view: ConsentView, notice: Option<String>) -> impl IntoView {
    let ConsentView { login_id, login_state, csrf_token, client, user, groups, claims, accounts, .. } = view;
    let has_accounts = !accounts.is_empty();
    view! {
        <section class="card consent" aria-labelledby="consent-title">
            <ClientHeader client user title_key="consent-title"/>
            <ConsentForm texts=texts() notice accounts=has_accounts>
                <FlowFields login_id login_state csrf_token/>
                <h2 class="section-title">{t("consent-asks")}</h2>
                {groups.into_iter().map(|group| view! { <ScopeFieldset group/> }).collect_view()}
                {has_accounts.then(|| view! { <AccountChoices accounts/> })}
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
            </ConsentForm>
        </section>
    }
}

/// One service's permissions, ticked as the workspace begins them; select all / none appear
/// once the island runs.
#[component]
fn ScopeFieldset(group: ScopeGroup) -> impl IntoView {
    let ScopeGroup { service, scopes } = group;
    let bulk = scopes.iter().filter(|s| !s.required).count() > 1;
    let buttons = bulk.then(|| {
        let (all, none) = (t("select-all"), t("select-none"));
        view! {
            <span class="bulk js-only">
                <button type="button" class="link-button" data-bulk="all" aria-label=format!("{all} — {service}")>
                    {all}
                </button>
                <button type="button" class="link-button" data-bulk="none" aria-label=format!("{none} — {service}")>
                    {none}
                </button>
            </span>
        }
    });
    let scopes = scopes
        .into_iter()
        .map(|scope| {
            let id = format!("scope-{}", scope.name);
            let desc_id = format!("{id}-desc");
            // Its name is the permission's (and whether it is shared already); its description
            // is read as one, not a second time as part of the name.
            let name_id = if scope.granted { format!("{id}-name {id}-shared") } else { format!("{id}-name") };
            view! {
                <div class="scope">
                    <input
                        type="checkbox"
                        name="scope[]"
                        id=id.clone()
                        value=scope.name
                        checked=scope.ticked
                        disabled=scope.required
                        data-shares-accounts=scope.shares_accounts.then_some("")
                        aria-labelledby=name_id.clone()
                        aria-describedby=desc_id.clone()
                    />
                    <label for=id>
                        <span class="scope-name" id=format!("{id}-name")>{scope.display_name}</span>
                        {scope.granted
                            .then(|| {
                                view! {
                                    <span class="badge shared" id=format!("{id}-shared")>
                                        {t("consent-already-shared")}
                                    </span>
                                }
                            })}
                        <span class="scope-desc" id=desc_id>
                            {scope.description.unwrap_or_default()}
                            {scope.required.then(|| format!(" {}", t("consent-required")))}
                        </span>
                    </label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="scopes">
            <legend>{service.clone()}</legend>
            {buttons}
            {scopes}
        </fieldset>
    }
}

/// The island's own words in the page's language.
fn texts() -> ConsentTexts {
    static TEXTS: [OnceLock<ConsentTexts>; 3] = [const { OnceLock::new() }; 3];
    once_per_language(&TEXTS, || ConsentTexts {
        summary: t_args("consent-summary", &[("n", "{n}"), ("total", "{total}")]),
        accounts_summary: t_args("fdx-summary", &[("n", "{n}"), ("accounts", "{accounts}")]),
        no_account_chosen: t("fdx-none-chosen").into(),
        choose_one: t("consent-select-one").into(),
        choose_account: t("fdx-choose-one").into(),
        accounts_without_permission: t("consent-accounts-without-permission").into(),
        change_mind: t("consent-change-mind").into(),
        deny: t("deny").into(),
        allow: t("allow").into(),
        sending: t("sending").into(),
        offline: t("offline-message").into(),
    })
}
