//! The Open Finance (FDX) consent screen: who asks, what data, for how long, how far back;
//! then the user's own accounts to choose from. Allow and Deny as on the generic screen.

use crate::i18n::{once_per_language, t, t_args, t_code};
use crate::islands::{AccountPickerTexts, FdxAccountPicker, FlowFields};
use crate::model::FdxConsentView;
use crate::pages::parts::{picker_texts, AccountChoices, ClientHeader};
use leptos::prelude::*;
use std::sync::OnceLock;

#[component]
pub fn FdxConsentPage(view: FdxConsentView, notice: Option<String>) -> impl IntoView {
    let FdxConsentView {
        login_id,
        login_state,
        csrf_token,
        client,
        user,
        parties,
        resources,
        duration_type,
        duration_days,
        until,
        lookback_days,
        accounts,
        accounts_requested,
        scopes,
        ..
    } = view;
    let duration = match (duration_type.as_deref(), duration_days, until) {
        (Some("ONE_TIME"), _, _) => t("fdx-once").to_string(),
        (_, Some(days), Some((date, _))) => t_args("fdx-until", &[("days", &days.to_string()), ("date", &date)]),
        (_, None, Some((date, _))) => t_args("fdx-until-date", &[("date", &date)]),
        _ => t("fdx-ongoing").to_string(),
    };
    let texts = texts();
    view! {
        <section class="card consent fdx" aria-labelledby="consent-title">
            <ClientHeader client user title_key="fdx-title"/>
            {(!parties.is_empty())
                .then(|| {
                    view! {
                        <p class="parties">
                            {t("fdx-held-by")} " " <strong>{parties.join(", ")}</strong>
                        </p>
                    }
                })}
            <h2 class="section-title">{t("fdx-data")}</h2>
            <ul class="fdx-resources">
                {resources
                    .into_iter()
                    .map(|(kind, clusters)| {
                        view! {
                            <li>
                                <span class="scope-name">{t_code("fdx-resource-", &kind)}</span>
                                <ul class="clusters">
                                    {clusters
                                        .iter()
                                        .map(|c| view! { <li data-cluster=c.clone()>{t_code("fdx-cluster-", c)}</li> })
                                        .collect_view()}
                                </ul>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <dl class="terms">
                <div>
                    <dt>{t("fdx-duration")}</dt>
                    <dd class="duration">{duration}</dd>
                </div>
                {lookback_days
                    .map(|days| {
                        view! {
                            <div>
                                <dt>{t("fdx-lookback")}</dt>
                                <dd class="lookback">{t_args("fdx-lookback-days", &[("days", &days.to_string())])}</dd>
                            </div>
                        }
                    })}
                {(!scopes.is_empty())
                    .then(|| {
                        view! {
                            <div>
                                <dt>{t("fdx-scopes")}</dt>
                                <dd>{scopes.join(", ")}</dd>
                            </div>
                        }
                    })}
            </dl>
            <FdxAccountPicker texts notice accounts_requested>
                <FlowFields login_id login_state csrf_token/>
                {accounts_requested.then(|| view! { <AccountChoices accounts/> })}
            </FdxAccountPicker>
        </section>
    }
}

/// The account picker's words in the page's language.
fn texts() -> AccountPickerTexts {
    static TEXTS: [OnceLock<AccountPickerTexts>; 3] = [const { OnceLock::new() }; 3];
    once_per_language(&TEXTS, || picker_texts("fdx-summary"))
}
