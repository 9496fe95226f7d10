//! The UK domestic payment's form: the account to pay from, one of the customer's own (radio
//! buttons, none pre-chosen) or the one the consent fixes (shown, not changeable), and Pay
//! naming the amount, through the `decide_domestic_payment` server function.

use super::{error_text, hydrated, DecisionButtons, FlowFields};
use crate::api::obuk_payment::DecideDomesticPayment;
use crate::model::AccountView;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The payment form's words, translated on the server.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PaymentTexts {
    /// "Pay from".
    pub pay_from: String,
    /// "Choose the account to pay from".
    pub choose: String,
    /// "The application set the account this payment is made from."
    pub fixed: String,
    pub no_accounts: String,
    pub balance: String,
    /// "Cancel payment".
    pub deny: String,
    /// "Pay £1,234.50".
    pub pay: String,
    pub sending: String,
    pub offline: String,
}

#[island(lazy)]
pub fn PaymentForm(
    login_id: String,
    login_state: String,
    csrf_token: String,
    accounts: Vec<AccountView>,
    /// Each account's kind in words, in the order of the accounts.
    kinds: Vec<String>,
    /// The consent fixes the account paid from (the only one in `accounts`).
    fixed: bool,
    texts: PaymentTexts,
    notice: Option<String>,
) -> impl IntoView {
    let decide = ServerAction::<DecideDomesticPayment>::new();
    let _ = hydrated();
    // What the page already has chosen when the island wakes (nothing on the server).
    let chosen = RwSignal::new(
        super::ticked_in_page(accounts.iter().map(|a| format!("payer-{}", a.id)), false).iter().any(|c| *c) || fixed,
    );
    let (nudge, set_nudge) = signal(false);
    let (pending, outcome) = (decide.pending(), decide.value());
    let busy = Signal::from(Memo::new(move |_| pending.get() || matches!(outcome.get(), Some(Ok(())))));
    super::reset_on_back(decide);
    let texts = StoredValue::new(texts);
    let message = move || {
        if let Some(Err(e)) = outcome.get() {
            return Some(texts.with_value(|t| error_text(&e, &t.offline)));
        }
        if nudge.get() && !chosen.get() {
            return Some(texts.with_value(|t| t.choose.clone()));
        }
        notice.clone()
    };
    let pay = Signal::derive(move || texts.with_value(|t| if busy.get() { t.sending.clone() } else { t.pay.clone() }));
    let no_accounts = accounts.is_empty();
    let list = accounts
        .into_iter()
        .enumerate()
        .map(|(index, a)| {
            let id = format!("payer-{}", a.id);
            let title = match &a.nickname {
                Some(n) => format!("{} ({n})", a.name),
                None => a.name.clone(),
            };
            let kind = kinds.get(index).cloned().unwrap_or_default();
            let detail = texts.with_value(|t| format!("{kind} · {} {}", t.balance, a.balance));
            if fixed {
                view! {
                    <div class="scope payer fixed">
                        <input type="hidden" name="account" value=a.id.clone()/>
                        <p>
                            <span class="scope-name">{title} " " {a.masked_number.clone()}</span>
                            <span class="scope-desc">{detail}</span>
                        </p>
                    </div>
                }
                .into_any()
            } else {
                view! {
                    <div class="scope payer">
                        <input
                            type="radio"
                            name="account"
                            id=id.clone()
                            value=a.id.clone()
                            on:change=move |_| chosen.set(true)
                        />
                        <label for=id>
                            <span class="scope-name">{title} " " {a.masked_number.clone()}</span>
                            <span class="scope-desc">{detail}</span>
                        </label>
                    </div>
                }
                .into_any()
            }
        })
        .collect_view();
    view! {
        <p class="notice" role="alert" aria-live="assertive">{message}</p>
        <ActionForm action=decide>
            <div class="guarded-form" class:pending=busy aria-busy=move || if busy.get() { "true" } else { "false" }>
                <FlowFields login_id login_state csrf_token/>
                <fieldset class="scopes accounts payers">
                    <legend>{texts.with_value(|t| t.pay_from.clone())}</legend>
                    {fixed.then(|| view! { <p class="muted small">{texts.with_value(|t| t.fixed.clone())}</p> })}
                    {no_accounts.then(|| view! { <p class="empty">{texts.with_value(|t| t.no_accounts.clone())}</p> })}
                    {list}
                </fieldset>
                <DecisionButtons
                    deny=texts.with_value(|t| t.deny.clone())
                    allow=pay
                    busy
                    on_allow=move || {
                        set_nudge.set(true);
                        chosen.get_untracked()
                    }
                />
            </div>
        </ActionForm>
    }
}
