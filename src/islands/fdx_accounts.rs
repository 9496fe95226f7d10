//! The Open Finance consent's form: the customer's own accounts (none pre-ticked), a live
//! summary of the chosen ones, select all, and Allow naming what will be shared, through the
//! `decide_fdx_consent` server function.

use super::accounts::{chosen_numbers, AccountFieldset, AccountTexts};
use super::{error_text, fill, hydrated, DecisionButtons, FlowFields};
use crate::api::fdx::DecideFdxConsent;
use crate::model::AccountView;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The account picker's words, translated on the server; `{n}` is filled in.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FdxTexts {
    pub accounts: AccountTexts,
    pub choose_one: String,
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
    let ticked = RwSignal::new(super::ticked_in_page(accounts.iter().map(|a| format!("account-{}", a.id)), false));
    let (nudge, set_nudge) = signal(false);
    // Read once: each call of `pending()` or `value()` makes a new derived signal.
    let (pending, outcome) = (decide.pending(), decide.value());
    let busy = Signal::from(Memo::new(move |_| pending.get() || matches!(outcome.get(), Some(Ok(())))));
    super::reset_on_back(decide);
    let chosen = chosen_numbers(&accounts, ticked);
    let account_texts = texts.accounts.clone();
    let texts = StoredValue::new(texts);
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
    let allow = Signal::derive(move || {
        let n = chosen.with(Vec::len);
        texts.with_value(|t| match (busy.get(), hydrated.get() && n > 0) {
            (true, _) => t.sending.clone(),
            (false, true) if n == 1 => t.allow_one.clone(),
            (false, true) => fill(&t.allow_n, &[("n", &n.to_string())]),
            (false, false) => t.allow.clone(),
        })
    });
    view! {
        <p class="notice" role="alert" aria-live="assertive">{message}</p>
        <ActionForm action=decide>
            <div class="guarded-form" class:pending=busy aria-busy=move || if busy.get() { "true" } else { "false" }>
                <FlowFields login_id login_state csrf_token/>
                {accounts_requested
                    .then(|| {
                        view! { <AccountFieldset accounts kinds ticked chosen hydrated texts=account_texts/> }
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
