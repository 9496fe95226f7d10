//! The user portal: sign in, see every application you gave access to, revoke any of them.
//! Its lists are rendered here, on the server, as the portal island's children: the island
//! (`islands/portal_list`) filters them as the user types, and turns each action's link into
//! its confirmation dialog.

mod cards;
mod payments;
mod records;

use crate::api::portal::{RevokeAccess, SetJointSharing, SignIn, SignOut, StopSharing};
use crate::i18n::{once_per_language, t, t_args, t_around};
use crate::islands::{PortalList, PortalTexts};
use crate::model::{JointAccountView, PortalView, RevokeView, SignedOutView};
use cards::{AppCard, FdxCard};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use payments::Payments;
use records::Records;
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
    let words = StoredValue::new(list_texts());
    // The filter of a plain GET (`?q=`): what does not match is drawn hidden (`gone`), as the
    // island hides it while the user types.
    let needle = filter.trim().to_lowercase();
    let matches = |name: &str| name.to_lowercase().contains(&needle);
    let apps_shown = apps.iter().filter(|a| matches(&a.name)).count();
    let fdx_shown = fdx.iter().filter(|f| matches(&f.recipient)).count();
    let others_shown = records.iter().filter(|r| matches(&r.client)).count()
        + payments.iter().filter(|p| matches(&p.recipient)).count();
    // No card to show: none at all, or nothing matching the filter (neither a card, nor a
    // record, nor a payment).
    let nothing_shown = apps_shown + fdx_shown == 0 && (needle.is_empty() || others_shown == 0);
    let empty = nothing_shown
        .then(|| words.with_value(|t| if needle.is_empty() { t.empty.clone() } else { t.no_match.clone() }));
    let total = apps.len() + fdx.len() + records.len() + payments.len();
    let carded: Vec<String> = apps
        .iter()
        .map(|a| format!("app:{}", a.client_id))
        .chain(fdx.iter().map(|f| format!("fdx:{}", f.consent_id)))
        .collect();
    let has_apps = !apps.is_empty();
    let app_cards = apps
        .into_iter()
        .enumerate()
        .map(|(index, app)| {
            let show = matches(&app.name);
            view! { <AppCard app index show texts=words/> }
        })
        .collect_view();
    let has_fdx = !fdx.is_empty();
    let fdx_cards = fdx
        .into_iter()
        .enumerate()
        .map(|(index, access)| {
            let show = matches(&access.recipient);
            view! { <FdxCard access index show texts=words/> }
        })
        .collect_view();
    let records = (!records.is_empty()).then(|| view! { <Records records carded needle=needle.clone() texts=words/> });
    let payments = (!payments.is_empty()).then(|| view! { <Payments payments needle=needle.clone() texts=words/> });
    view! {
        <PortalList csrf_token=csrf_token.clone() filter=filter.clone() texts=texts()>
            <section class="card wide" aria-labelledby="portal-title">
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
                // What the last action did (after a plain form's revocation); the island says
                // what it does here too.
                <p class="notice success" role="status" id="portal-announce">{notice}</p>
                {(total > 1)
                    .then(|| {
                        view! {
                            <form method="get" action="/portal" class="filter" role="search">
                                <label for="q">{t("portal-filter-label")}</label>
                                <input id="q" name="q" type="search" value=filter/>
                                <button type="submit" class="btn">{t("portal-filter")}</button>
                            </form>
                        }
                    })}
                // Live: "nothing matches" is said as the filter empties the page, not only
                // shown; kept in the page while empty (a region that appears with its words is
                // often not read). Not a second status: the page's notice is its status.
                <p class="empty" aria-live="polite">{empty}</p>
                {has_apps.then(|| view! { <ul class="apps" aria-label=t("portal-apps-label")>{app_cards}</ul> })}
                {has_fdx
                    .then(|| {
                        view! {
                            <h2 class="portal-section" id="fdx-title" class:gone=fdx_shown == 0>{t("portal-fdx-title")}</h2>
                            <ul class="apps" aria-labelledby="fdx-title">{fdx_cards}</ul>
                        }
                    })}
            </section>
            {records}
            {payments}
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

/// The words of the portal's lists, drawn on the server (`{client}` and `{date}` are filled in
/// there).
#[derive(Clone)]
pub(super) struct ListTexts {
    pub(super) empty: String,
    pub(super) no_match: String,
    pub(super) active: String,
    pub(super) granted: String,
    pub(super) can: String,
    pub(super) receives: String,
    pub(super) website: String,
    pub(super) revoke: String,
    pub(super) revoke_label: String,
    pub(super) fdx_accounts: String,
    pub(super) fdx_data: String,
    pub(super) fdx_created: String,
    pub(super) fdx_expires: String,
    pub(super) fdx_revoke: String,
    pub(super) fdx_revoke_label: String,
    /// Said instead of the stop action on a consent another joint-account holder gave.
    pub(super) fdx_other_holder: String,
    pub(super) records_title: String,
    pub(super) records_lead: String,
    /// "Given {date}".
    pub(super) record_given: String,
    pub(super) record_declined: String,
    pub(super) record_shares: String,
    pub(super) record_asked: String,
    /// "{client} at {bank}": an application named with the bank its record was given at,
    /// where revoking it ends what it holds there.
    pub(super) client_at_bank: String,
    pub(super) receipt: String,
    pub(super) receipt_label: String,
    pub(super) payments_title: String,
    pub(super) payments_lead: String,
    pub(super) payment_amount: String,
    pub(super) payment_payee: String,
    pub(super) payment_reference: String,
    pub(super) payment_from: String,
    pub(super) payment_date: String,
}

/// The island's words in the page's language.
fn texts() -> PortalTexts {
    static TEXTS: [OnceLock<PortalTexts>; 3] = [const { OnceLock::new() }; 3];
    once_per_language(&TEXTS, || {
        let client = |key: &str| t_args(key, &[("client", "{client}")]);
        PortalTexts {
            empty: t("portal-empty").into(),
            no_match: t("portal-no-match").into(),
            revoke: t("portal-revoke").into(),
            revoke_title: client("revoke-title"),
            revoke_loses: client("revoke-loses"),
            revoke_data: t("revoke-data").into(),
            revoke_again: t("revoke-again").into(),
            revoked: client("portal-revoked-named"),
            fdx_revoke: t("portal-fdx-revoke").into(),
            fdx_revoke_title: client("fdx-revoke-title"),
            fdx_revoke_loses: client("fdx-revoke-loses"),
            fdx_revoked: client("portal-fdx-revoked-named"),
            record_ended: t("portal-record-revoked").into(),
            record_ended_now: t("portal-record-ended-now").into(),
            cancel: t("cancel").into(),
            sending: t("sending").into(),
            offline: t("offline-message").into(),
        }
    })
}

/// The lists' words in the page's language.
fn list_texts() -> ListTexts {
    static TEXTS: [OnceLock<ListTexts>; 3] = [const { OnceLock::new() }; 3];
    once_per_language(&TEXTS, || {
        let client = |key: &str| t_args(key, &[("client", "{client}")]);
        let date = |key: &str| t_args(key, &[("date", "{date}")]);
        ListTexts {
            empty: t("portal-empty").into(),
            no_match: t("portal-no-match").into(),
            active: t("portal-active").into(),
            granted: date("portal-granted"),
            can: t("portal-can").into(),
            receives: t("portal-receives").into(),
            website: t("link-website").into(),
            revoke: t("portal-revoke").into(),
            revoke_label: client("portal-revoke-label"),
            fdx_accounts: t("portal-fdx-accounts").into(),
            fdx_data: t("portal-fdx-data").into(),
            fdx_created: date("portal-fdx-created"),
            fdx_expires: date("portal-fdx-expires"),
            fdx_revoke: t("portal-fdx-revoke").into(),
            fdx_revoke_label: client("portal-fdx-revoke-label"),
            fdx_other_holder: t("portal-fdx-other-holder").into(),
            records_title: t("portal-records-title").into(),
            records_lead: t("portal-records-lead").into(),
            record_given: date("portal-record-given"),
            record_declined: date("portal-record-declined"),
            record_shares: t("portal-record-shares").into(),
            record_asked: t("portal-record-asked").into(),
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
        }
    })
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
