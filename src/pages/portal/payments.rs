//! The UK payments made from the customer's accounts: what was paid, to whom, when, by which
//! application. Apart from data sharing, and with nothing to stop: each was made once. Inside
//! the portal's island, so that its filter finds them too (by the application's name).

use super::ListTexts;
use crate::model::PaymentAccess;
use leptos::prelude::*;

#[component]
pub(super) fn Payments(
    payments: Vec<PaymentAccess>,
    /// The filter, lowered: a payment shows when its application's name contains it.
    needle: String,
    texts: StoredValue<ListTexts>,
) -> impl IntoView {
    let text = move |pick: fn(&ListTexts) -> &String| texts.with_value(|t| pick(t).clone());
    let mut shown = 0;
    let list = payments
        .into_iter()
        .map(|p| {
            let PaymentAccess { consent_id, recipient, logo_uri, amount, payee, reference, from, date, status } = p;
            let show = recipient.to_lowercase().contains(&needle);
            let name = recipient.clone();
            shown += usize::from(show);
            view! {
                <li class="payment" data-consent=consent_id class:gone=!show data-filter=name>
                    <div class="record-head">
                        {logo_uri.map(|src| {
                            view! { <img class="logo" src=src alt="" referrerpolicy="no-referrer" width="32" height="32"/> }
                        })}
                        <strong class="client-name">{recipient}</strong>
                        <span class="status">{status}</span>
                    </div>
                    <dl class="terms">
                        <div><dt>{text(|t| &t.payment_amount)}</dt><dd class="amount">{amount}</dd></div>
                        <div><dt>{text(|t| &t.payment_payee)}</dt><dd class="payee">{payee}</dd></div>
                        {reference.map(|r| view! { <div><dt>{text(|t| &t.payment_reference)}</dt><dd class="reference">{r}</dd></div> })}
                        {from.map(|f| view! { <div><dt>{text(|t| &t.payment_from)}</dt><dd>{f}</dd></div> })}
                        {date.map(|(shown, iso)| view! {
                            <div><dt>{text(|t| &t.payment_date)}</dt><dd><time datetime=iso>{shown}</time></dd></div>
                        })}
                    </dl>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card payments" aria-labelledby="payments-title" class:gone=shown == 0>
            <h2 id="payments-title">{text(|t| &t.payments_title)}</h2>
            <p class="muted small">{text(|t| &t.payments_lead)}</p>
            <ul class="payment-list">{list}</ul>
        </section>
    }
}
