//! The customer's accounts to choose from, as both consent forms show them (the generic one
//! when a scope shares accounts, the Open Finance one): none ticked, select all once hydrated,
//! and a live summary of the chosen ones.

use super::fill;
use crate::model::AccountView;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The account list's words, translated on the server; `summary` has `{n}` and `{accounts}`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct AccountTexts {
    pub choose: String,
    pub choose_hint: String,
    pub no_accounts: String,
    pub select_all: String,
    /// "{n} accounts: {accounts}".
    pub summary: String,
    pub none_chosen: String,
    pub balance: String,
}

/// The masked numbers of the ticked accounts, in page order.
pub fn chosen_numbers(accounts: &[AccountView], ticked: RwSignal<Vec<bool>>) -> Memo<Vec<String>> {
    let numbers: Vec<String> = accounts.iter().map(|a| a.masked_number.clone()).collect();
    Memo::new(move |_| {
        ticked.with(|t| numbers.iter().zip(t).filter(|(_, on)| **on).map(|(n, _)| n.clone()).collect::<Vec<_>>())
    })
}

/// The fieldset of `account[]` checkboxes.
#[component]
pub fn AccountFieldset(
    accounts: Vec<AccountView>,
    /// Each account's kind in words, in the order of the accounts.
    kinds: Vec<String>,
    ticked: RwSignal<Vec<bool>>,
    chosen: Memo<Vec<String>>,
    hydrated: ReadSignal<bool>,
    texts: AccountTexts,
) -> impl IntoView {
    let texts = StoredValue::new(texts);
    let several = accounts.len() > 1;
    let no_accounts = accounts.is_empty();
    let summary = move || {
        chosen.with(|c| {
            texts.with_value(|t| match c.len() {
                0 => t.none_chosen.clone(),
                n => fill(&t.summary, &[("n", &n.to_string()), ("accounts", &c.join(", "))]),
            })
        })
    };
    let list = accounts
        .into_iter()
        .enumerate()
        .map(|(index, a)| {
            let id = format!("account-{}", a.id);
            let desc = format!("{id}-desc");
            let title = match &a.nickname {
                Some(n) => format!("{} ({n})", a.name),
                None => a.name.clone(),
            };
            let kind = kinds.get(index).cloned().unwrap_or_default();
            view! {
                <div class="scope">
                    <input
                        type="checkbox"
                        name="account[]"
                        id=id.clone()
                        value=a.id.clone()
                        prop:checked=move || ticked.with(|t| t[index])
                        aria-describedby=desc.clone()
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            ticked.update(|t| t[index] = on);
                        }
                    />
                    <label for=id>
                        <span class="scope-name">{title} " " {a.masked_number.clone()}</span>
                        <span class="scope-desc" id=desc>
                            {kind}
                            " · "
                            {texts.with_value(|t| t.balance.clone())}
                            " "
                            {a.balance.clone()}
                        </span>
                    </label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="scopes accounts" aria-describedby="accounts-hint">
            <legend>{texts.with_value(|t| t.choose.clone())}</legend>
            <p class="muted small" id="accounts-hint">{texts.with_value(|t| t.choose_hint.clone())}</p>
            {move || {
                (hydrated.get() && several)
                    .then(|| {
                        view! {
                            <span class="bulk">
                                <button
                                    type="button"
                                    class="link-button"
                                    on:click=move |_| ticked.update(|t| t.iter_mut().for_each(|x| *x = true))
                                >
                                    {texts.with_value(|t| t.select_all.clone())}
                                </button>
                            </span>
                        }
                    })
            }}
            {no_accounts.then(|| view! { <p class="empty">{texts.with_value(|t| t.no_accounts.clone())}</p> })}
            {list}
            <p class="summary" aria-live="polite">{move || hydrated.get().then(summary)}</p>
        </fieldset>
    }
}
