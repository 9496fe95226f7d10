//! The customer's consent records, current and past, each with its receipt. Part of the list's
//! island so that revoking an application in place ends its records on the page too.

use super::cards::{confirm_href, portal_href, split_at};
use super::{PortalTexts, Target};
use crate::islands::fill;
use crate::model::RecordLine;
use leptos::prelude::*;

#[component]
pub(super) fn Records(
    records: Vec<RecordLine>,
    /// Keys of the cards above: applications' (`app:{client_id}`) and consents' (`fdx:{id}`).
    /// A record with a card is ended by its card's action; a record of another bank's
    /// application has no card and carries its own Revoke.
    carded: Vec<String>,
    /// Keys of the cards revoked or stopped in this page.
    gone: RwSignal<Vec<String>>,
    /// The filter, lowered: a record shows when its application's name contains it.
    needle: RwSignal<String>,
    /// How many records match the filter: none hides the section.
    shown: Memo<usize>,
    texts: StoredValue<PortalTexts>,
    /// A record's Revoke, once hydrated: the same dialog as a card's.
    on_revoke: impl Fn(Target, leptos::ev::MouseEvent) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let list = records
        .into_iter()
        .enumerate()
        .map(|(index, r)| {
            let own_revoke = !keys(&r).iter().any(|k| carded.contains(k));
            let name = super::lower(&r.client);
            let show = Signal::derive(move || needle.with(|n| name.contains(n)));
            view! { <Record record=r index own_revoke gone show texts on_revoke/> }
        })
        .collect_view();
    view! {
        <section class="card wide records" aria-labelledby="records-title" class:gone=move || shown.get() == 0>
            <h2 id="records-title">{texts.with_value(|t| t.records_title.clone())}</h2>
            <p class="lead">{texts.with_value(|t| t.records_lead.clone())}</p>
            <ul class="record-list">{list}</ul>
        </section>
    }
}

/// The keys of the cards that end `record`: its application's, and its consent's (a UK or FDX
/// consent's record is named by the consent; a CDR record by its arrangement, up to a `.`).
fn keys(record: &RecordLine) -> [String; 3] {
    let arrangement = record.id.split('.').next().unwrap_or_default();
    [format!("app:{}", record.client_id), format!("fdx:{}", record.id), format!("fdx:{arrangement}")]
}

#[component]
fn Record(
    record: RecordLine,
    index: usize,
    own_revoke: bool,
    gone: RwSignal<Vec<String>>,
    /// Whether the record matches the filter.
    show: Signal<bool>,
    texts: StoredValue<PortalTexts>,
    on_revoke: impl Fn(Target, leptos::ev::MouseEvent) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let keys = keys(&record);
    let RecordLine { id, client_id, bank, client, status, active, given, declined, ended, scopes, accounts } = record;
    // An active record whose application was revoked, or whose consent was stopped, in this
    // page has ended, by the customer.
    let ended_here = Signal::derive(move || active && gone.with(|g| keys.iter().any(|k| g.contains(k))));
    let active_now = move || active && !ended_here.get();
    let status_now =
        move || if ended_here.get() { texts.with_value(|t| t.record_ended.clone()) } else { status.clone() };
    let ended_now = move || {
        if ended_here.get() {
            Some(texts.with_value(|t| t.record_ended_now.clone()))
        } else {
            ended.clone()
        }
    };
    let receipt_label = texts.with_value(|t| fill(&t.receipt_label, &[("client", &client)]));
    // Ending an active consent: the application's confirmation page, or once hydrated the
    // cards' dialog (another bank's application has no card above, so its records are where
    // it is revoked).
    let revoke_href = confirm_href("client_id", &client_id);
    // Named with its bank: what its Revoke ends is what it holds there.
    let at_bank = texts.with_value(|t| fill(&t.client_at_bank, &[("client", &client), ("bank", &bank)]));
    let revoke_label = texts.with_value(|t| fill(&t.revoke_label, &[("client", &at_bank)]));
    let target = Target::App { client_id: client_id.clone(), name: at_bank };
    view! {
        <li class="record" class:ended=move || !active_now() class:gone=move || !show.get()>
            <div class="record-head">
                <strong class="client-name">{client}</strong>
                <span class="bank">{bank}</span>
                <span class="status" class:active=active_now>{status_now}</span>
            </div>
            {given.map(|(shown, iso)| {
                let template = texts.with_value(|t| if declined { t.record_declined.clone() } else { t.record_given.clone() });
                let (before, after) = split_at(&template, "{date}");
                view! { <p class="record-given">{before} <time datetime=iso>{shown}</time> {after}</p> }
            })}
            {move || ended_now().map(|words| view! { <p class="record-ended">{words}</p> })}
            {(!scopes.is_empty() || !accounts.is_empty()).then(|| {
                let what = texts.with_value(|t| if declined { t.record_asked.clone() } else { t.record_shares.clone() });
                view! {
                    <p class="record-shares">
                        {what} " " {scopes.join(", ")}
                        {(!accounts.is_empty()).then(|| format!(" · {}", accounts.join(", ")))}
                    </p>
                }
            })}
            <a class="receipt" href=portal_href("receipt", "id", &id) download="" aria-label=receipt_label>
                {texts.with_value(|t| t.receipt.clone())}
            </a>
            {move || {
                (own_revoke && active_now())
                    .then(|| {
                        view! {
                            <a
                                class="revoke-record"
                                id=format!("revoke-record-{index}")
                                href=revoke_href.clone()
                                aria-label=revoke_label.clone()
                                data-opens-dialog=""
                                on:click={
                                    let target = target.clone();
                                    move |ev| on_revoke(target.clone(), ev)
                                }
                            >
                                {texts.with_value(|t| t.revoke.clone())}
                            </a>
                        }
                    })
            }}
        </li>
    }
}
