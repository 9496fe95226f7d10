//! The customer's consent records, current and past, each with its receipt, rendered on the
//! server inside the portal's island: an active record names the cards whose revocation ends
//! it (`data-ends`), so that revoking in place marks it ended on the page too.

use super::cards::{portal_href, split_at, DialogLink};
use super::ListTexts;
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
    /// The filter, lowered: a record shows when its application's name contains it.
    needle: String,
    texts: StoredValue<ListTexts>,
) -> impl IntoView {
    let mut shown = 0;
    let list = records
        .into_iter()
        .enumerate()
        .map(|(index, r)| {
            let own_revoke = !keys(&r).iter().any(|k| carded.contains(k));
            let show = r.client.to_lowercase().contains(&needle);
            shown += usize::from(show);
            view! { <Record record=r index own_revoke show texts/> }
        })
        .collect_view();
    view! {
        <section class="card wide records" aria-labelledby="records-title" class:gone=shown == 0>
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
    /// Whether the record matches the filter.
    show: bool,
    texts: StoredValue<ListTexts>,
) -> impl IntoView {
    // An active record ends, by the customer, when its application is revoked or its consent
    // stopped in this page: the island marks it so.
    let ends = record.active.then(|| {
        let mut keys = keys(&record).to_vec();
        keys.dedup();
        keys.join(" ")
    });
    let RecordLine { id, client_id, bank, client, status, active, given, declined, ended, scopes, accounts } = record;
    let receipt_label = texts.with_value(|t| fill(&t.receipt_label, &[("client", &client)]));
    // Named with its bank: what its Revoke ends is what it holds there.
    let at_bank = texts.with_value(|t| fill(&t.client_at_bank, &[("client", &client), ("bank", &bank)]));
    let revoke_label = texts.with_value(|t| fill(&t.revoke_label, &[("client", &at_bank)]));
    let name = client.clone();
    view! {
        <li class="record" class:ended=!active class:gone=!show data-filter=name data-ends=ends>
            <div class="record-head">
                <strong class="client-name">{client}</strong>
                <span class="bank">{bank}</span>
                <span class="status" class:active=active>{status}</span>
            </div>
            {given.map(|(shown, iso)| {
                let template = texts.with_value(|t| if declined { t.record_declined.clone() } else { t.record_given.clone() });
                let (before, after) = split_at(&template, "{date}");
                view! { <p class="record-given">{before} <time datetime=iso>{shown}</time> {after}</p> }
            })}
            {ended.map(|words| view! { <p class="record-ended">{words}</p> })}
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
            // Ending an active consent: the application's confirmation page, or once hydrated the
            // cards' dialog (another bank's application has no card above, so its records are
            // where it is revoked).
            {(own_revoke && active)
                .then(|| {
                    view! {
                        <DialogLink
                            kind="app"
                            class="revoke-record"
                            element_id=format!("revoke-record-{index}")
                            target=client_id
                            name=at_bank
                            label=revoke_label
                            text=texts.with_value(|t| t.revoke.clone())
                        />
                    }
                })}
        </li>
    }
}
