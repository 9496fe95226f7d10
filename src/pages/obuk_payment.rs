//! The UK domestic-payment screen: who asks to pay, how much (in the customer's language and
//! the currency's format), to whom (the payee's name, its account masked) and with which
//! reference, then the account it is paid from and a Pay button naming the amount.

use crate::i18n::{t, t_args, t_code};
use crate::islands::{PaymentForm, PaymentTexts};
use crate::model::DomesticPaymentView;
use crate::pages::parts::ClientHeader;
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
    let kinds = accounts.iter().map(|a| t_code("account-kind-", &a.kind)).collect::<Vec<_>>();
    let texts = PaymentTexts {
        pay_from: t("payment-from").into(),
        choose: t("payment-choose-account").into(),
        fixed: t("payment-fixed").into(),
        no_accounts: t("fdx-no-accounts").into(),
        balance: t("fdx-balance").into(),
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
            <PaymentForm login_id login_state csrf_token accounts kinds fixed texts notice/>
        </section>
    }
}
