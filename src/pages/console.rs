//! The staff console's pages: the sign-in, the search with its results, and one record with
//! its history and the revocations. Drawn on the server; every form is a plain form, and the
//! revocations are islands that ask first in a dialog once hydrated.

use crate::api::console::{ConsoleSignIn, ConsoleSignOut};
use crate::i18n::{t, t_args};
use crate::islands::{StaffRevokeForm, StaffRevokeTexts, StaffTarget};
use crate::model::{ConsoleView, HistoryLine, SignedOutView, StaffRecordLine, StaffRecordView};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn ConsoleSignedOutPage(view: SignedOutView) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="console-title">
            <h1 id="console-title">{t("console-title")}</h1>
            <p class="lead">{t("console-lead")}</p>
            <form method="post" action=ConsoleSignIn::url()>
                <input type="hidden" name="csrf_token" value=view.csrf_token/>
                <button type="submit" class="btn primary">{t("console-sign-in")}</button>
            </form>
        </section>
    }
}

/// Who is signed in, and the way out.
#[component]
fn StaffHead(staff: String, csrf_token: String) -> impl IntoView {
    view! {
        <div class="portal-head">
            <div>
                <h1 id="console-title" tabindex="-1">{t("console-title")}</h1>
                <p class="signed-in">{t_args("console-signed-in", &[("name", &staff)])}</p>
            </div>
            <form method="post" action=ConsoleSignOut::url()>
                <input type="hidden" name="csrf_token" value=csrf_token/>
                <button type="submit" class="btn">{t("sign-out")}</button>
            </form>
        </div>
    }
}

#[component]
pub fn ConsolePage(view: ConsoleView) -> impl IntoView {
    let ConsoleView { staff, csrf_token, query, results, more, notice } = view;
    view! {
        <section class="card wide" aria-labelledby="console-title">
            <StaffHead staff csrf_token/>
            {notice.map(|n| view! { <p class="notice success" role="status">{n}</p> })}
            <form method="get" action="/admin" class="filter" role="search">
                <label for="q">{t("console-search-label")}</label>
                <input id="q" name="q" type="search" value=query maxlength="200" required autocomplete="off"/>
                <button type="submit" class="btn primary">{t("console-search")}</button>
            </form>
            <p class="muted">{t("console-search-hint")}</p>
            {results.map(|found| {
                if found.is_empty() {
                    view! { <p class="empty">{t("console-none")}</p> }.into_any()
                } else {
                    view! {
                        <p>{t_args("console-found", &[("count", &found.len().to_string())])}</p>
                        {more.then(|| view! { <p class="muted">{t("console-more")}</p> })}
                        <ul class="record-list">
                            {found.into_iter().map(|r| view! { <ResultLine record=r/> }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }
            })}
        </section>
    }
}

#[component]
fn ResultLine(record: StaffRecordLine) -> impl IntoView {
    let StaffRecordLine {
        id,
        bank,
        client,
        client_id,
        subject,
        customer,
        status,
        active,
        given,
        declined,
        scopes,
        accounts,
        payment,
        warned: _,
    } = record;
    // Results of one application are many links: each named with its customer and day too.
    let named = match &given {
        Some((shown, _)) => format!("{client} · {customer} · {shown}"),
        None => format!("{client} · {customer}"),
    };
    view! {
        <li class="record" class:ended=!active>
            <div class="record-head">
                <a class="client-name" href=crate::api::console::record_path(&id) aria-label=named>
                    {client}
                </a>
                <span class="status" class:active=active>{status}</span>
            </div>
            <p>
                <span class="bank">{bank}</span> " · " {t("console-customer")} " " <strong>{customer}</strong> " · "
                {t("console-subject")} " " {subject} " · " {client_id}
            </p>
            {given.map(|(shown, iso)| view! { <p><time datetime=iso>{shown}</time></p> })}
            <p class="record-shares">
                {t(if declined { "portal-record-asked" } else { "portal-record-shares" })} " " {scopes.join(", ")}
                {(!accounts.is_empty()).then(|| format!(" · {}", accounts.join(", ")))}
            </p>
            {payment.map(|p| view! { <p class="record-payment">{t("console-paid")} " " {p.amount} " · " {p.payee}</p> })}
        </li>
    }
}

#[component]
pub fn ConsoleRecordPage(view: StaffRecordView) -> impl IntoView {
    let StaffRecordView {
        staff,
        csrf_token,
        record,
        history,
        client_active,
        client_key,
        client_search,
        notice,
        problem,
    } = view;
    let StaffRecordLine {
        id,
        bank,
        client,
        client_id,
        subject,
        customer,
        status,
        active,
        given,
        declined,
        scopes,
        accounts,
        payment,
        warned,
    } = record;
    // A payment was made once: its record says what was paid, and there is nothing to revoke.
    let revocable = active && payment.is_none();
    // Staff know a customer by the bank's id; a record without one, by the user's subject.
    let customer_name = if customer.is_empty() { subject.clone() } else { customer.clone() };
    let bank_name = bank.clone();
    view! {
        <section class="card wide" aria-labelledby="console-title">
            <StaffHead staff csrf_token=csrf_token.clone()/>
            <p><a href="/admin">{t("console-back")}</a></p>
            {notice.map(|n| view! { <p class="notice success" role="status">{n}</p> })}
            {problem.map(|p| view! { <p class="notice" role="alert">{p}</p> })}
            <h2 class="client-name">{client.clone()} " · " <span class="status" class:active=active>{status}</span></h2>
            <dl class="terms">
                <div><dt>{t("console-record-id")}</dt><dd><code>{id.clone()}</code></dd></div>
                <div><dt>{t("console-bank")}</dt><dd class="bank">{bank}</dd></div>
                <div><dt>{t("console-customer")}</dt><dd>{customer}</dd></div>
                <div><dt>{t("console-subject")}</dt><dd>{subject}</dd></div>
                <div><dt>{t("console-application")}</dt><dd>{client_id.clone()}</dd></div>
                <div><dt>{t(if declined { "console-declined" } else { "console-given" })}</dt><dd>{given.map(|(shown, iso)| view! { <time datetime=iso>{shown}</time> })}</dd></div>
                <div><dt>{t("console-scopes")}</dt><dd>{scopes.join(", ")}</dd></div>
                <div><dt>{t("console-accounts")}</dt><dd>{accounts.join(", ")}</dd></div>
                {warned.map(|w| view! { <div><dt>{t("console-warned")}</dt><dd class="warned">{w}</dd></div> })}
                {payment.map(|p| view! {
                    <div><dt>{t("payment-amount")}</dt><dd class="amount">{p.amount}</dd></div>
                    <div><dt>{t("payment-payee")}</dt><dd class="payee">{p.payee}</dd></div>
                    {p.reference.map(|r| view! { <div><dt>{t("payment-reference")}</dt><dd class="reference">{r}</dd></div> })}
                })}
            </dl>
            <h3>{t("console-history")}</h3>
            <ol class="history">{history.into_iter().map(|h| view! { <History line=h/> }).collect_view()}</ol>
            {revocable.then(|| {
                let target = StaffTarget::One { id: id.clone() };
                let texts = one_texts(&customer_name, &client);
                view! { <StaffRevokeForm target csrf_token=csrf_token.clone() texts/> }
            })}
            {(client_active > 0).then(|| {
                let target = StaffTarget::Provider { client_id: client_key, search: client_search, record: id };
                let texts = provider_texts(&client, &bank_name, client_active);
                view! { <StaffRevokeForm target csrf_token texts/> }
            })}
        </section>
    }
}

#[component]
fn History(line: HistoryLine) -> impl IntoView {
    let HistoryLine { when: (shown, iso), what, who, reason } = line;
    view! {
        <li>
            <time datetime=iso>{shown}</time> " · " <strong>{what}</strong> " · " {who}
            {reason.map(|r| view! { <span class="reason">" · " {r}</span> })}
        </li>
    }
}

/// The revocation of one consent, in words.
fn one_texts(customer: &str, client: &str) -> StaffRevokeTexts {
    let pair = [("customer", customer), ("client", client)];
    StaffRevokeTexts {
        title: t("console-revoke-title").into(),
        consequence: None,
        button: t("console-revoke").into(),
        confirm_check: t_args("console-check-one", &pair),
        confirm_title: t_args("console-confirm-one-title", &pair),
        confirm_lines: vec![
            t_args("console-confirm-one-tokens", &pair),
            t("console-confirm-reason-one").into(),
            t("console-confirm-undo").into(),
        ],
        ..shared_texts()
    }
}

/// The revocation of every consent given to `client` (its registration at `bank`), in words.
fn provider_texts(client: &str, bank: &str, count: usize) -> StaffRevokeTexts {
    let count = count.to_string();
    let pair = [("client", client), ("bank", bank), ("count", count.as_str())];
    StaffRevokeTexts {
        title: t_args("console-provider-title", &pair),
        consequence: Some(t("console-provider-consequence").into()),
        button: t("console-provider-revoke").into(),
        confirm_check: t_args("console-check-all", &pair),
        confirm_title: t_args("console-confirm-all-title", &pair),
        confirm_lines: vec![
            t_args("console-confirm-all-tokens", &pair),
            t("console-confirm-reason").into(),
            t("console-confirm-undo").into(),
        ],
        ..shared_texts()
    }
}

fn shared_texts() -> StaffRevokeTexts {
    StaffRevokeTexts {
        reason: t("console-reason").into(),
        reason_needed: t("console-reason-needed").into(),
        cancel: t("cancel").into(),
        sending: t("sending").into(),
        offline: t("offline-message").into(),
        ..Default::default()
    }
}
