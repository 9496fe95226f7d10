//! The UK domestic-payment screen: who asks to pay, how much (in the customer's language and
//! the currency's format), to whom (the payee's name, its account masked) and with which
//! reference, then the account it is paid from and a Pay button naming the amount.

use crate::i18n::{t, t_args, t_code};
use crate::islands::{FlowFields, PaymentForm, PaymentTexts};
use crate::model::{AccountView, DomesticPaymentView};
use crate::pages::parts::{ClientHeader, UnavailableAccounts};
use leptos::prelude::*;

#[component]
pub fn DomesticPaymentPage(view: DomesticPaymentView, notice: Option<String>) -> impl IntoView {
    let DomesticPaymentView {
        login_id,
        login_state,
        csrf_token,
        client,
        user,
        amount,
        payee,
        payee_account,
        reference,
        remittance,
        accounts,
        fixed,
        ..
    } = view;
    let texts = PaymentTexts {
        choose: t("payment-choose-account").into(),
        deny: t("payment-cancel").into(),
        pay: t_args("payment-pay", &[("amount", &amount)]),
        sending: t("sending").into(),
        offline: t("offline-message").into(),
    };
    view! {
        <section class="card consent payment" aria-labelledby="consent-title">
            <ClientHeader client user title_key="payment-title"/>
            <dl class="terms payment-terms">
                <div>
                    <dt>{t("payment-amount")}</dt>
                    <dd class="amount">
                        <strong>{amount}</strong>
                    </dd>
                </div>
                <div>
                    <dt>{t("payment-payee")}</dt>
                    <dd class="payee">
                        <strong>{payee}</strong>
                        " "
                        <span class="muted">{payee_account}</span>
                    </dd>
                </div>
                {reference
                    .map(|r| {
                        view! {
                            <div>
                                <dt>{t("payment-reference")}</dt>
                                <dd class="reference">
                                    <strong>{r}</strong>
                                </dd>
                            </div>
                        }
                    })}
                {remittance
                    .map(|r| {
                        view! {
                            <div>
                                <dt>{t("payment-details")}</dt>
                                <dd class="remittance">{r}</dd>
                            </div>
                        }
                    })}
            </dl>
            <p class="muted small">{t("payment-once")}</p>
            <PaymentForm texts notice>
                <FlowFields login_id login_state csrf_token/>
                <Payers accounts fixed/>
            </PaymentForm>
        </section>
    }
}

/// The account to pay from: the customer's own as radio buttons, none chosen, or the one the
/// consent fixes, shown and sent as it is.
#[component]
fn Payers(
    accounts: Vec<AccountView>,
    /// The consent fixes the account paid from (the only one in `accounts`).
    fixed: bool,
) -> impl IntoView {
    let (unavailable, accounts): (Vec<AccountView>, Vec<AccountView>) =
        accounts.into_iter().partition(|a| a.unavailable.is_some());
    let empty = accounts.is_empty();
    let rows = accounts
        .into_iter()
        .map(|a| {
            let id = format!("payer-{}", a.id);
            let name =
                view! { <span class="scope-name">{a.title()} " " <span class="masked">{a.masked_number}</span></span> };
            let detail = format!("{} · {} {}", t_code("account-kind-", &a.kind), t("fdx-balance"), a.balance);
            let detail = view! { <span class="scope-desc">{detail}</span> };
            if fixed {
                view! {
                    <div class="scope payer fixed">
                        <input type="hidden" name="account" value=a.id/>
                        <p>{name} {detail}</p>
                    </div>
                }
                .into_any()
            } else {
                view! {
                    <div class="scope payer">
                        <input type="radio" name="account" id=id.clone() value=a.id/>
                        <label for=id>{name} {detail}</label>
                    </div>
                }
                .into_any()
            }
        })
        .collect_view();
    view! {
        <fieldset class="scopes accounts payers">
            <legend>{t("payment-from")}</legend>
            {fixed.then(|| view! { <p class="muted small">{t("payment-fixed")}</p> })}
            {empty.then(|| view! { <p class="empty">{t("fdx-no-accounts")}</p> })}
            {rows}
        </fieldset>
        <UnavailableAccounts accounts=unavailable heading="payment-unavailable" section=true/>
    }
}
