//! The CDR arrangement screen: who asks, the data in the data language standards' clusters (a
//! cluster name and its permissions each, never the scope names, except scopes the page does
//! not know), how long sharing lasts, then the customer's own accounts to choose from. For an
//! amendment it says so, marks the data it adds and lists the data it stops, says how the
//! sharing period changes, and marks the accounts shared now (ticking none).

use crate::i18n::{once_per_language, t, t_args, t_code};
use crate::islands::{AccountPickerTexts, CdrAccountPicker, FlowFields};
use crate::model::{CdrArrangementView, CdrCluster};
use crate::pages::parts::{picker_texts, AccountChoices, ClientHeader};
use leptos::prelude::*;
use std::sync::OnceLock;

fn cluster_item(c: CdrCluster) -> impl IntoView {
    let other = c.key == "other";
    let line = if other { c.scopes.join(", ") } else { t_code("cdr-cluster-line-", &c.key) };
    view! {
        <li data-cluster=c.key.clone() data-change=if c.new { "new" } else { "kept" }>
            <span class="scope-name">
                {t_code("cdr-cluster-", &c.key)}
                {c.new.then(|| view! { " " <strong class="badge new">{t("cdr-new")}</strong> })}
            </span>
            <span class="scope-desc">{line}</span>
        </li>
    }
}

#[component]
pub fn CdrArrangementPage(view: CdrArrangementView, notice: Option<String>) -> impl IntoView {
    let CdrArrangementView {
        login_id,
        login_state,
        csrf_token,
        client,
        user,
        clusters,
        removed,
        once,
        until,
        period,
        amendment,
        previous_once,
        previous_until,
        shared_now,
        history_from,
        accounts,
        ..
    } = view;
    let date = |d: (String, String)| view! { <time datetime=d.1>{d.0}</time> };
    let how_long = match (once, until, period) {
        (false, Some(d), Some((unit, n))) => {
            let length = t_args(&format!("cdr-period-{unit}"), &[("n", &n.to_string())]);
            view! { {t_args("cdr-for", &[("period", &length)])} " " {t("cdr-until")} " " {date(d)} }.into_any()
        }
        _ => t("cdr-once").into_any(),
    };
    let before = amendment.then(|| {
        let was = match previous_until {
            Some(d) if !previous_once => view! { {t("cdr-until")} " " {date(d)} }.into_any(),
            _ => t("cdr-once").into_any(),
        };
        view! {
            <div>
                <dt>{t("cdr-before")}</dt>
                <dd class="previous-duration">{was}</dd>
            </div>
        }
    });
    let stopped = (!removed.is_empty()).then(|| {
        view! {
            <h2 class="section-title">{t("cdr-removed")}</h2>
            <ul class="cdr-clusters removed">
                {removed.into_iter().map(cluster_item).collect_view()}
            </ul>
        }
    });
    let texts = texts();
    view! {
        <section class="card consent cdr" aria-labelledby="consent-title">
            <ClientHeader client user title_key=if amendment { "cdr-amend-title" } else { "cdr-title" }/>
            {amendment.then(|| view! { <p class="notice amendment">{t("cdr-amend-lead")}</p> })}
            <h2 class="section-title">{t("cdr-data")}</h2>
            <ul class="cdr-clusters">{clusters.into_iter().map(cluster_item).collect_view()}</ul>
            {stopped}
            <dl class="terms">
                <div>
                    <dt>{t("fdx-duration")}</dt>
                    <dd class="duration">{how_long}</dd>
                </div>
                {before}
                {history_from.map(|d| view! {
                    <div>
                        <dt>{t("cdr-history")}</dt>
                        <dd class="history">{t("cdr-history-from")} " " {date(d)}</dd>
                    </div>
                })}
            </dl>
            {amendment.then(|| view! { <p class="muted small">{t("cdr-amend-accounts")}</p> })}
            <CdrAccountPicker texts notice>
                <FlowFields login_id login_state csrf_token/>
                <AccountChoices accounts shared_now/>
            </CdrAccountPicker>
        </section>
    }
}

/// The account picker's words in the page's language.
fn texts() -> AccountPickerTexts {
    static TEXTS: [OnceLock<AccountPickerTexts>; 3] = [const { OnceLock::new() }; 3];
    once_per_language(&TEXTS, || picker_texts("fdx-summary"))
}
