//! The consent screen: who asks, who is signed in, what is asked; Allow or Deny.

use crate::i18n::{once_per_language, t, t_args, t_code};
use crate::islands::{ConsentForm, ConsentTexts};
use crate::model::ConsentView;
use crate::pages::parts::{account_texts, ClientHeader};
use leptos::prelude::*;
use std::sync::OnceLock;

#[component]
pub fn ConsentPage(view: ConsentView, notice: Option<String>) -> impl IntoView {
    let ConsentView { login_id, login_state, csrf_token, client, user, groups, claims, accounts, .. } = view;
    let kinds = accounts.iter().map(|a| t_code("account-kind-", &a.kind)).collect::<Vec<_>>();
    let account_texts = (!accounts.is_empty()).then(account_texts);
    view! {
        <section class="card consent" aria-labelledby="consent-title">
            <ClientHeader client user title_key="consent-title"/>
            <ConsentForm login_id login_state csrf_token groups claims texts=texts() notice accounts kinds account_texts/>
        </section>
    }
}

/// The form's words in the page's language.
fn texts() -> ConsentTexts {
    static TEXTS: [OnceLock<ConsentTexts>; 3] = [const { OnceLock::new() }; 3];
    once_per_language(&TEXTS, || ConsentTexts {
        asks: t("consent-asks").into(),
        summary: t_args("consent-summary", &[("n", "{n}"), ("total", "{total}")]),
        select_all: t("select-all").into(),
        select_none: t("select-none").into(),
        required: t("consent-required").into(),
        already_shared: t("consent-already-shared").into(),
        choose_one: t("consent-select-one").into(),
        choose_account: t("fdx-choose-one").into(),
        also_receive: t("consent-also-receive").into(),
        change_mind: t("consent-change-mind").into(),
        deny: t("deny").into(),
        allow: t("allow").into(),
        sending: t("sending").into(),
        offline: t("offline-message").into(),
    })
}
