//! The Open Finance (FDX) consent screen: who asks, what data, for how long, how far back;
//! then the user's own accounts to choose from. Allow and Deny as on the generic screen.

use crate::i18n::{t, t_args, t_code};
use crate::islands::GuardedForm;
use crate::model::FdxConsentView;
use crate::pages::consent::{ClientHeader, ConsentNotice, DecisionButtons};
use leptos::prelude::*;

#[component]
pub fn FdxConsentPage(view: FdxConsentView) -> impl IntoView {
    let notice = use_context::<Option<ConsentNotice>>().flatten().map(|n| n.0);
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
    } = view;
    let duration = match (duration_type.as_deref(), duration_days, until) {
        (Some("ONE_TIME"), _, _) => t("fdx-once").to_string(),
        (_, Some(days), Some((date, _))) => t_args("fdx-until", &[("days", &days.to_string()), ("date", &date)]),
        _ => t("fdx-ongoing").to_string(),
    };
    let no_accounts = accounts.is_empty();
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
            {notice.map(|n| view! { <p class="notice" role="alert">{n}</p> })}
            <GuardedForm action="/consent".to_string()>
                <input type="hidden" name="kind" value="fdx"/>
                <input type="hidden" name="login_id" value=login_id/>
                <input type="hidden" name="login_state" value=login_state/>
                <input type="hidden" name="csrf_token" value=csrf_token/>
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
                {accounts_requested
                    .then(|| {
                        view! {
                            <fieldset class="scopes accounts" aria-describedby="accounts-hint">
                                <legend>{t("fdx-choose")}</legend>
                                <p class="muted small" id="accounts-hint">{t("fdx-choose-hint")}</p>
                                {no_accounts.then(|| view! { <p class="empty">{t("fdx-no-accounts")}</p> })}
                                {accounts
                                    .into_iter()
                                    .map(|a| {
                                        let id = format!("account-{}", a.id);
                                        let desc = format!("{id}-desc");
                                        let title = match &a.nickname {
                                            Some(n) => format!("{} ({n})", a.name),
                                            None => a.name.clone(),
                                        };
                                        view! {
                                            <div class="scope">
                                                <input
                                                    type="checkbox"
                                                    name="account"
                                                    id=id.clone()
                                                    value=a.id.clone()
                                                    aria-describedby=desc.clone()
                                                />
                                                <label for=id>
                                                    <span class="scope-name">{title} " " {a.masked_number.clone()}</span>
                                                    <span class="scope-desc" id=desc>
                                                        {t_code("account-kind-", &a.kind)}
                                                        " · "
                                                        {t("fdx-balance")}
                                                        " "
                                                        {a.balance.clone()}
                                                    </span>
                                                </label>
                                            </div>
                                        }
                                    })
                                    .collect_view()}
                            </fieldset>
                        }
                    })}
                <p class="muted small">{t("consent-change-mind")}</p>
                <DecisionButtons/>
            </GuardedForm>
        </section>
    }
}
