//! The UK account-access consent screen: who asks, the data in the UK's data clusters (a plain
//! line each, never the permission codes, except codes the page does not know), until when
//! and over which transaction window, then the customer's own accounts to choose from.

use crate::i18n::{once_per_language, t, t_code};
use crate::islands::{AccountPickerTexts, FlowFields, ObukAccountPicker};
use crate::model::ObukConsentView;
use crate::pages::parts::{picker_texts, AccountChoices, ClientHeader};
use leptos::prelude::*;
use std::sync::OnceLock;

#[component]
pub fn ObukConsentPage(view: ObukConsentView, notice: Option<String>) -> impl IntoView {
    let ObukConsentView {
        login_id,
        login_state,
        csrf_token,
        client,
        user,
        clusters,
        until,
        transactions_from,
        transactions_to,
        accounts,
        ..
    } = view;
    let date = |d: (String, String)| view! { <time datetime=d.1>{d.0}</time> };
    let window = match (transactions_from, transactions_to) {
        (None, None) => None,
        (from, to) => Some(view! {
            <div>
                <dt>{t("obuk-window")}</dt>
                <dd class="window">
                    {from.map(|d| view! { {t("obuk-window-from")} " " {date(d)} " " })}
                    {to.map(|d| view! { {t("obuk-window-to")} " " {date(d)} })}
                </dd>
            </div>
        }),
    };
    let texts = texts();
    view! {
        <section class="card consent obuk" aria-labelledby="consent-title">
            <ClientHeader client user title_key="obuk-title"/>
            <h2 class="section-title">{t("obuk-data")}</h2>
            <ul class="obuk-clusters">
                {clusters
                    .into_iter()
                    .map(|(key, codes)| {
                        let other = key == "other";
                        view! {
                            <li data-cluster=key.clone()>
                                <span class="scope-name">{t_code("obuk-cluster-", &key)}</span>
                                <span class="scope-desc">
                                    {if other { codes.join(", ") } else { t_code("obuk-cluster-line-", &key) }}
                                </span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <dl class="terms">
                <div>
                    <dt>{t("fdx-duration")}</dt>
                    <dd class="duration">
                        {match until {
                            Some(d) => view! { {t("obuk-until")} " " {date(d)} }.into_any(),
                            None => t("fdx-ongoing").into_any(),
                        }}
                    </dd>
                </div>
                {window}
            </dl>
            <ObukAccountPicker texts notice>
                <FlowFields login_id login_state csrf_token/>
                <AccountChoices accounts/>
            </ObukAccountPicker>
        </section>
    }
}

/// The account picker's words in the page's language.
fn texts() -> AccountPickerTexts {
    static TEXTS: [OnceLock<AccountPickerTexts>; 3] = [const { OnceLock::new() }; 3];
    once_per_language(&TEXTS, || picker_texts("obuk-summary"))
}
