//! The UK domestic payment's form. The server renders the account to pay from as the island's
//! children: one of the customer's own (radio buttons, none pre-chosen) or the one the consent
//! fixes (shown, not changeable). The island adds "choose an account" said in place and Pay
//! naming the amount, through the `decide_domestic_payment` server function.

use super::choices::{Choices, ChoicesForm, PAYERS};
use super::{error_text, hydrated, DecisionButtons, FormNotice};
use crate::api::obuk_payment::DecideDomesticPayment;
use leptos::prelude::*;

words! {
    /// The payment form's words, translated on the server.
    pub struct PaymentTexts {
        /// "Choose the account to pay from".
        pub choose: String,
        /// "Cancel payment".
        pub deny: String,
        /// "Pay £1,234.50".
        pub pay: String,
        pub sending: String,
        pub offline: String,
    }
}

#[island(lazy)]
pub fn PaymentForm(texts: PaymentTexts, notice: Option<String>, children: Children) -> impl IntoView {
    let decide = ServerAction::<DecideDomesticPayment>::new();
    let _ = hydrated();
    let choices = Choices::new();
    let ticked = choices.ticked;
    let (nudge, set_nudge) = signal(false);
    let (pending, outcome) = (decide.pending(), decide.value());
    let busy = Signal::from(Memo::new(move |_| pending.get() || matches!(outcome.get(), Some(Ok(())))));
    super::reset_on_back(decide);
    let texts = StoredValue::new(texts);
    let sent_back = notice.is_some();
    let invalid = Signal::derive(move || (nudge.get() && !ticked.with(|now| now.payer)).then_some(PAYERS));
    let message = move || {
        if let Some(Err(e)) = outcome.get() {
            return Some(texts.with_value(|t| error_text(&e, &t.offline)));
        }
        if invalid.get().is_some() {
            return Some(texts.with_value(|t| t.choose.clone()));
        }
        notice.clone()
    };
    let pay = Signal::derive(move || texts.with_value(|t| if busy.get() { t.sending.clone() } else { t.pay.clone() }));
    view! {
        <FormNotice message sent_back busy sending=texts.with_value(|t| t.sending.clone())/>
        <ActionForm action=decide>
            <ChoicesForm choices busy invalid>
                {children()}
                <DecisionButtons
                    deny=texts.with_value(|t| t.deny.clone())
                    allow=pay
                    busy
                    on_allow=move || {
                        choices.refresh();
                        super::nudge_again(nudge, set_nudge);
                        ticked.with_untracked(|now| now.payer)
                    }
                />
            </ChoicesForm>
        </ActionForm>
    }
}
