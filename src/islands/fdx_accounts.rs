//! The Open Finance consent's form: the customer's own accounts (none pre-ticked), a live
//! summary of the chosen ones, select all, and Allow naming what will be shared, through the
//! `decide_fdx_consent` server function.

use super::{error_text, fill, hydrated, DecisionButtons, FlowFields};
use crate::api::fdx::DecideFdxConsent;
use crate::model::AccountView;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The account picker's words, translated on the server; `{n}` and `{accounts}` are filled in.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FdxTexts {
    pub choose: String,
    pub choose_hint: String,
    pub no_accounts: String,
    pub select_all: String,
    /// "{n} accounts: {accounts}".
    pub summary: String,
    pub none_chosen: String,
    pub choose_one: String,
    pub balance: String,
    pub change_mind: String,
    pub deny: String,
    pub allow: String,
    /// "Allow: share 1 account".
    pub allow_one: String,
    /// "Allow: share {n} accounts".
    pub allow_n: String,
    pub sending: String,
    pub offline: String,
}

#[island(lazy)]
pub fn FdxAccountPicker(
    login_id: String,
    login_state: String,
    csrf_token: String,
    accounts: Vec<AccountView>,
    /// Each account's kind in words, in the order of the accounts.
    kinds: Vec<String>,
    /// Whether the recipient asks for account data (then at least one account is required).
    accounts_requested: bool,
    texts: FdxTexts,
    notice: Option<String>,
) -> impl IntoView {
    let decide = ServerAction::<DecideFdxConsent>::new();
    let hydrated = hydrated();
    let ticked = RwSignal::new(vec![false; accounts.len()]);
    let (nudge, set_nudge) = signal(false);
    // Read once: each call of `pending()` or `value()` makes a new derived signal.
    let (pending, outcome) = (decide.pending(), decide.value());
    let busy = Signal::from(Memo::new(move |_| pending.get() || matches!(outcome.get(), Some(Ok(())))));
    super::reset_on_back(decide);
    let texts = StoredValue::new(texts);
    let numbers: Vec<String> = accounts.iter().map(|a| a.masked_number.clone()).collect();
    let chosen = Memo::new(move |_| {
        ticked.with(|t| numbers.iter().zip(t).filter(|(_, on)| **on).map(|(n, _)| n.clone()).collect::<Vec<_>>())
    });
    let needs_one = accounts_requested;
    let message = move || {
        if let Some(Err(e)) = outcome.get() {
            return Some(texts.with_value(|t| error_text(&e, &t.offline)));
        }
        if nudge.get() && needs_one && chosen.with(Vec::is_empty) {
            return Some(texts.with_value(|t| t.choose_one.clone()));
        }
        notice.clone()
    };
    let summary = move || {
        chosen.with(|c| {
            texts.with_value(|t| match c.len() {
                0 => t.none_chosen.clone(),
                n => fill(&t.summary, &[("n", &n.to_string()), ("accounts", &c.join(", "))]),
            })
        })
    };
    let allow = Signal::derive(move || {
        let n = chosen.with(Vec::len);
        texts.with_value(|t| match (busy.get(), hydrated.get() && n > 0) {
            (true, _) => t.sending.clone(),
            (false, true) if n == 1 => t.allow_one.clone(),
            (false, true) => fill(&t.allow_n, &[("n", &n.to_string())]),
            (false, false) => t.allow.clone(),
        })
    });
    let several = accounts.len() > 1;
    let no_accounts = accounts.is_empty();
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
        <p class="notice" role="alert" aria-live="assertive">{message}</p>
        <ActionForm action=decide>
            <div class="guarded-form" class:pending=busy aria-busy=move || if busy.get() { "true" } else { "false" }>
                <FlowFields login_id login_state csrf_token/>
                {accounts_requested
                    .then(|| {
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
                    })}
                <p class="muted small">{texts.with_value(|t| t.change_mind.clone())}</p>
                <DecisionButtons
                    deny=texts.with_value(|t| t.deny.clone())
                    allow
                    busy
                    on_allow=move || {
                        set_nudge.set(true);
                        !needs_one || !chosen.with_untracked(Vec::is_empty)
                    }
                />
            </div>
        </ActionForm>
    }
}
