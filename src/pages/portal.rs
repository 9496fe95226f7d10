//! The user portal: sign in, see every application you gave access to, revoke any of them.

use crate::api::portal::{RevokeAccess, SetJointSharing, SignIn, SignOut, StopSharing};
use crate::i18n::{once_per_language, t, t_args, t_around};
use crate::islands::{PortalList, PortalTexts};
use crate::model::{JointAccountView, PortalView, RevokeView, SignedOutView};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use std::sync::OnceLock;

#[component]
pub fn SignedOutPage(view: SignedOutView) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="portal-title">
            <h1 id="portal-title">{t("portal-title")}</h1>
            <p class="lead">{t("portal-lead")}</p>
            <form method="post" action=SignIn::url()>
                <input type="hidden" name="csrf_token" value=view.csrf_token/>
                <button type="submit" class="btn primary">{t("sign-in")}</button>
            </form>
        </section>
    }
}

#[component]
pub fn PortalPage(view: PortalView) -> impl IntoView {
    let PortalView { user, apps, filter, csrf_token, notice, fdx, records, payments, joint, partial } = view;
    let (user_before, user_after) = t_around("portal-signed-in", "user");
    let joint = (!joint.is_empty()).then(|| view! { <JointAccounts accounts=joint csrf_token=csrf_token.clone()/> });
    view! {
        <PortalList apps fdx records payments csrf_token=csrf_token.clone() filter notice texts=texts()>
            <div class="portal-head">
                <div>
                    <h1 id="portal-title" tabindex="-1">{t("portal-title")}</h1>
                    <p class="signed-in">{user_before} <strong class="subject">{user}</strong> {user_after}</p>
                </div>
                <form method="post" action=SignOut::url()>
                    <input type="hidden" name="csrf_token" value=csrf_token/>
                    <button type="submit" class="btn">{t("sign-out")}</button>
                </form>
            </div>
            {partial.then(|| view! { <p class="notice" role="status" data-testid="partial">{t("portal-partial")}</p> })}
        </PortalList>
        {joint}
    }
}

/// The user's joint accounts, each with their say on its sharing: plain forms, the same with
/// JavaScript or without (the page comes back saying what was done).
#[component]
fn JointAccounts(accounts: Vec<JointAccountView>, csrf_token: String) -> impl IntoView {
    let items = accounts
        .into_iter()
        .map(|a| {
            let (sharing, button, class) = if a.allowed {
                ("off", "portal-joint-stop", "btn danger")
            } else {
                ("on", "portal-joint-allow", "btn primary")
            };
            let label = t_args(&format!("{button}-label"), &[("account", &a.name)]);
            let others = a.others.to_string();
            let held = match a.bank.as_str() {
                "" => t_args("portal-joint-others", &[("others", &others)]),
                bank => t_args("portal-joint-held", &[("bank", bank), ("others", &others)]),
            };
            let stands = match &a.unavailable {
                None => t("portal-joint-shared").to_string(),
                Some(why) => {
                    let why = if why.is_empty() { t("accounts-unavailable-reason") } else { why.as_str() };
                    t_args("portal-joint-not-shared", &[("reason", why)])
                }
            };
            let (id, account_id) = (a.id.clone(), a.id);
            view! {
                <li class="joint-account" data-account=id>
                    <p class="joint-name"><strong>{a.name}</strong>{" "}<span class="muted">{held}</span></p>
                    <p class="joint-stands">{stands}</p>
                    <form method="post" action=SetJointSharing::url()>
                        <input type="hidden" name="csrf_token" value=csrf_token.clone()/>
                        <input type="hidden" name="bank" value=a.bank_key/>
                        <input type="hidden" name="account_id" value=account_id/>
                        <input type="hidden" name="sharing" value=sharing/>
                        <button type="submit" class=class aria-label=label>{t(button)}</button>
                    </form>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card wide joint" aria-labelledby="joint-title">
            <h2 id="joint-title">{t("portal-joint-title")}</h2>
            <p class="lead">{t("portal-joint-lead")}</p>
            <ul class="joint-accounts">{items}</ul>
        </section>
    }
}

/// The list's words in the page's language.
fn texts() -> PortalTexts {
    static TEXTS: [OnceLock<PortalTexts>; 3] = [const { OnceLock::new() }; 3];
    once_per_language(&TEXTS, build_texts)
}

fn build_texts() -> PortalTexts {
    let client = |key: &str| t_args(key, &[("client", "{client}")]);
    let date = |key: &str| t_args(key, &[("date", "{date}")]);
    PortalTexts {
        filter_label: t("portal-filter-label").into(),
        filter: t("portal-filter").into(),
        empty: t("portal-empty").into(),
        no_match: t("portal-no-match").into(),
        apps_label: t("portal-apps-label").into(),
        active: t("portal-active").into(),
        granted: date("portal-granted"),
        can: t("portal-can").into(),
        receives: t("portal-receives").into(),
        website: t("link-website").into(),
        revoke: t("portal-revoke").into(),
        revoke_label: client("portal-revoke-label"),
        revoke_title: client("revoke-title"),
        revoke_loses: client("revoke-loses"),
        revoke_data: t("revoke-data").into(),
        revoke_again: t("revoke-again").into(),
        revoked: client("portal-revoked-named"),
        fdx_title: t("portal-fdx-title").into(),
        fdx_accounts: t("portal-fdx-accounts").into(),
        fdx_data: t("portal-fdx-data").into(),
        fdx_created: date("portal-fdx-created"),
        fdx_expires: date("portal-fdx-expires"),
        fdx_revoke: t("portal-fdx-revoke").into(),
        fdx_revoke_label: client("portal-fdx-revoke-label"),
        fdx_revoke_title: client("fdx-revoke-title"),
        fdx_revoke_loses: client("fdx-revoke-loses"),
        fdx_revoked: client("portal-fdx-revoked-named"),
        fdx_other_holder: t("portal-fdx-other-holder").into(),
        records_title: t("portal-records-title").into(),
        records_lead: t("portal-records-lead").into(),
        record_given: date("portal-record-given"),
        record_declined: date("portal-record-declined"),
        record_shares: t("portal-record-shares").into(),
        record_asked: t("portal-record-asked").into(),
        record_ended: t("portal-record-revoked").into(),
        record_ended_now: t("portal-record-ended-now").into(),
        client_at_bank: t_args("portal-client-at-bank", &[("client", "{client}"), ("bank", "{bank}")]),
        receipt: t("portal-record-receipt").into(),
        receipt_label: client("portal-record-receipt-label"),
        payments_title: t("portal-payments-title").into(),
        payments_lead: t("portal-payments-lead").into(),
        payment_amount: t("payment-amount").into(),
        payment_payee: t("payment-payee").into(),
        payment_reference: t("payment-reference").into(),
        payment_from: t("portal-payment-from").into(),
        payment_date: t("portal-payment-date").into(),
        cancel: t("cancel").into(),
        sending: t("sending").into(),
        offline: t("offline-message").into(),
    }
}

/// The confirmation page of a revocation without JavaScript (with it, the list's dialog).
#[component]
pub fn RevokePage(view: RevokeView) -> impl IntoView {
    let RevokeView { client_id, name, csrf_token, consent_id } = view;
    let fdx = consent_id.is_some();
    let (before, after) = t_around(if fdx { "fdx-revoke-title" } else { "revoke-title" }, "client");
    view! {
        <section class="card" aria-labelledby="revoke-title">
            <h1 id="revoke-title">{before} <span class="client-name">{name.clone()}</span> {after}</h1>
            <ul class="consequences">
                <li>{t_args(if fdx { "fdx-revoke-loses" } else { "revoke-loses" }, &[("client", &name)])}</li>
                <li>{t("revoke-data")}</li>
                <li>{t("revoke-again")}</li>
            </ul>
            <form method="post" action=if fdx { StopSharing::url() } else { RevokeAccess::url() }>
                {match consent_id {
                    Some(id) => view! { <input type="hidden" name="consent_id" value=id/> }.into_any(),
                    None => view! { <input type="hidden" name="client_id" value=client_id/> }.into_any(),
                }}
                <input type="hidden" name="csrf_token" value=csrf_token/>
                <div class="actions">
                    <a class="btn" href="/portal">{t("cancel")}</a>
                    <button type="submit" class="btn danger-solid">
                        {if fdx { t("portal-fdx-revoke") } else { t("portal-revoke") }}
                    </button>
                </div>
            </form>
        </section>
    }
}
