//! The portal's lists: the applications holding access, the Open Finance consents, the consent
//! records and the payments. Filter as you type (all of them, by the application's name); revoke or
//! stop sharing in an in-page confirmation (a modal `<dialog>`: focus moves in and back, Escape
//! cancels) that calls the server function and removes the card, announced in a live region.
//! Without JavaScript each action is a link to the confirmation page, and the filter is a GET
//! form.

mod cards;
mod dialog;
mod payments;
mod records;

use super::hydrated;
use crate::model::{AppAccess, FdxAccess, PaymentAccess, RecordLine};
use cards::{AppCard, FdxCard};
use dialog::{ConfirmDialog, Shared};
use leptos::prelude::*;
use payments::Payments;
use records::Records;

/// `s` in lower case, to match names against the filter. In the browser by its own Unicode
/// (`String.prototype.toLowerCase`): Rust's case tables (about 24 KB) would sit in the wasm
/// module every page loads, the consent page's too. On the server, Rust's: the same mapping.
#[cfg(feature = "hydrate")]
fn lower(s: &str) -> String {
    leptos::web_sys::js_sys::JsString::from(s).to_lower_case().into()
}
#[cfg(not(feature = "hydrate"))]
fn lower(s: &str) -> String {
    s.to_lowercase()
}

/// Says of the actions' links (`data-opens-dialog`) that they open a dialog, as they do once
/// the island runs; before, each leads to its confirmation page. Set once, where the page has
/// them, rather than kept by the view: a reactive attribute on each link cost the module 1.9 KB.
fn say_popups() {
    let links = document().get_elements_by_tag_name("a");
    for link in (0..links.length()).filter_map(|i| links.item(i)).filter(|a| a.has_attribute("data-opens-dialog")) {
        let _ = link.set_attribute("aria-haspopup", "dialog");
    }
}

/// `s` in upper case (a card's initial), likewise.
#[cfg(feature = "hydrate")]
fn upper(s: &str) -> String {
    leptos::web_sys::js_sys::JsString::from(s).to_upper_case().into()
}
#[cfg(not(feature = "hydrate"))]
fn upper(s: &str) -> String {
    s.to_uppercase()
}

words! {
    /// The portal's words, translated on the server. `{client}` and `{date}` are filled in.
    pub struct PortalTexts {
        pub filter_label: String,
        pub filter: String,
        pub empty: String,
        pub no_match: String,
        pub apps_label: String,
        pub active: String,
        pub granted: String,
        pub can: String,
        pub receives: String,
        pub website: String,
        pub revoke: String,
        pub revoke_label: String,
        pub revoke_title: String,
        pub revoke_loses: String,
        pub revoke_data: String,
        pub revoke_again: String,
        pub revoked: String,
        pub fdx_title: String,
        pub fdx_accounts: String,
        pub fdx_data: String,
        pub fdx_created: String,
        pub fdx_expires: String,
        pub fdx_revoke: String,
        pub fdx_revoke_label: String,
        pub fdx_revoke_title: String,
        pub fdx_revoke_loses: String,
        pub fdx_revoked: String,
        /// Said instead of the stop action on a consent another joint-account holder gave.
        pub fdx_other_holder: String,
        pub records_title: String,
        pub records_lead: String,
        /// "Given {date}".
        pub record_given: String,
        pub record_declined: String,
        pub record_shares: String,
        pub record_asked: String,
        /// A record's status once its application is revoked in the page.
        pub record_ended: String,
        /// And how it ended.
        pub record_ended_now: String,
        /// "{client} at {bank}": an application named with the bank its record was given at,
        /// where revoking it ends what it holds there.
        pub client_at_bank: String,
        pub receipt: String,
        pub receipt_label: String,
        pub payments_title: String,
        pub payments_lead: String,
        pub payment_amount: String,
        pub payment_payee: String,
        pub payment_reference: String,
        pub payment_from: String,
        pub payment_date: String,
        pub cancel: String,
        pub sending: String,
        pub offline: String,
    }
}

/// What the dialog is about to revoke.
#[derive(Clone, Debug, PartialEq)]
enum Target {
    App { client_id: String, name: String },
    Fdx { consent_id: String, recipient: String },
}

impl Target {
    fn key(&self) -> String {
        match self {
            Target::App { client_id, .. } => format!("app:{client_id}"),
            Target::Fdx { consent_id, .. } => format!("fdx:{consent_id}"),
        }
    }
}

/// The portal's card (its head, drawn on the server, as `children`) with the lists, and below
/// it the consent records and the payments.
#[island(lazy)]
pub fn PortalList(
    apps: Vec<AppAccess>,
    fdx: Vec<FdxAccess>,
    records: Vec<RecordLine>,
    payments: Vec<PaymentAccess>,
    csrf_token: String,
    /// The filter of a plain GET (`?q=`), applied on the server too.
    filter: String,
    /// What the last action did (after a plain form's revocation); the live region says it.
    notice: Option<String>,
    texts: PortalTexts,
    children: Children,
) -> impl IntoView {
    let texts = StoredValue::new(texts);
    let hydrated = hydrated();
    Effect::new(move |_| say_popups());
    let needle = RwSignal::new(lower(filter.trim()));
    let shared = Shared {
        target: RwSignal::new(None),
        gone: RwSignal::new(Vec::new()),
        announce: RwSignal::new(notice.unwrap_or_default()),
        opener: StoredValue::new(String::new()),
        showing: StoredValue::new(false),
        dialog: NodeRef::new(),
    };
    let (gone, announce) = (shared.gone, shared.announce);

    let names: Vec<(String, String)> = apps
        .iter()
        .map(|a| (format!("app:{}", a.client_id), lower(&a.name)))
        .chain(fdx.iter().map(|f| (format!("fdx:{}", f.consent_id), lower(&f.recipient))))
        .collect();
    // Records and payments are filtered by their application's name too; the filter shows once
    // there is more than one thing to filter.
    let record_names: Vec<String> = records.iter().map(|r| lower(&r.client)).collect();
    let payment_names: Vec<String> = payments.iter().map(|p| lower(&p.recipient)).collect();
    let total = names.len() + record_names.len() + payment_names.len();
    let app_keys: Vec<String> = apps.iter().map(|a| format!("app:{}", a.client_id)).collect();
    let carded: Vec<String> =
        app_keys.iter().cloned().chain(fdx.iter().map(|f| format!("fdx:{}", f.consent_id))).collect();
    // How many cards show, applications' and financial data's: none is the empty text.
    let visible = Memo::new(move |_| {
        let needle = needle.get();
        gone.with(|gone| {
            let shown = names.iter().filter(|(k, name)| !gone.contains(k) && name.contains(&needle));
            shown.fold(
                (0, 0),
                |(apps, fdx), (k, _)| if app_keys.contains(k) { (apps + 1, fdx) } else { (apps, fdx + 1) },
            )
        })
    });
    let records_shown = Memo::new(move |_| needle.with(|n| record_names.iter().filter(|r| r.contains(n)).count()));
    let payments_shown = Memo::new(move |_| needle.with(|n| payment_names.iter().filter(|p| p.contains(n)).count()));
    let shown = move |key: String, name: String| {
        let name = lower(&name);
        Signal::derive(move || gone.with(|g| !g.contains(&key)) && name.contains(&needle.get()))
    };
    let has_apps = !apps.is_empty();
    // No card to show: none at all (or all revoked), or nothing matching the filter (neither a
    // card, nor a record, nor a payment).
    let empty_text =
        move || texts.with_value(|t| if needle.with(String::is_empty) { t.empty.clone() } else { t.no_match.clone() });
    let nothing_shown = move || {
        !(visible.with(|(apps, fdx)| apps + fdx > 0)
            || (!needle.with(String::is_empty) && records_shown.get() + payments_shown.get() > 0))
    };
    let has_fdx = !fdx.is_empty();

    // Without JavaScript (or before hydration) the card's link goes to the confirmation page.
    let open = move |t: Target, ev: leptos::ev::MouseEvent| {
        if hydrated.get_untracked() {
            shared.open(t, ev);
        }
    };

    let app_cards = apps
        .into_iter()
        .enumerate()
        .map(|(i, app)| {
            let key = format!("app:{}", app.client_id);
            let show = shown(key.clone(), app.name.clone());
            let t = Target::App { client_id: app.client_id.clone(), name: app.name.clone() };
            view! {
                {move || {
                    let t = t.clone();
                    gone.with(|g| !g.contains(&key))
                        .then(|| {
                            view! { <AppCard app=app.clone() index=i show texts on_revoke=move |ev| open(t.clone(), ev)/> }
                        })
                }}
            }
        })
        .collect_view();
    let fdx_cards = fdx
        .into_iter()
        .enumerate()
        .map(|(i, access)| {
            let key = format!("fdx:{}", access.consent_id);
            let show = shown(key.clone(), access.recipient.clone());
            let t = Target::Fdx { consent_id: access.consent_id.clone(), recipient: access.recipient.clone() };
            view! {
                {move || {
                    let t = t.clone();
                    gone.with(|g| !g.contains(&key))
                        .then(|| {
                            view! { <FdxCard access=access.clone() index=i show texts on_stop=move |ev| open(t.clone(), ev)/> }
                        })
                }}
            }
        })
        .collect_view();

    let records = (!records.is_empty())
        .then(|| view! { <Records records carded gone needle shown=records_shown texts on_revoke=open/> });
    let payments = (!payments.is_empty()).then(|| view! { <Payments payments needle shown=payments_shown texts/> });
    view! {
        <section class="card wide" aria-labelledby="portal-title">
        {children()}
        <p class="notice success" role="status" id="portal-announce">
            {move || Some(announce.get()).filter(|a| !a.is_empty())}
        </p>
        {(total > 1)
            .then(|| {
                view! {
                    <form method="get" action="/portal" class="filter" role="search">
                        <label for="q">{texts.with_value(|t| t.filter_label.clone())}</label>
                        <input
                            id="q"
                            name="q"
                            type="search"
                            value=filter.clone()
                            on:input=move |ev| needle.set(lower(event_target_value(&ev).trim()))
                        />
                        <button type="submit" class="btn">{texts.with_value(|t| t.filter.clone())}</button>
                    </form>
                }
            })}
        // Live: "nothing matches" is said as the filter empties the page, not only shown; kept
        // in the page while empty (a region that appears with its words is often not read).
        // Not a second status: the page's notice is its status.
        <p class="empty" aria-live="polite">
            {move || nothing_shown().then(empty_text)}
        </p>
        {has_apps.then(|| view! { <ul class="apps" aria-label=texts.with_value(|t| t.apps_label.clone())>{app_cards}</ul> })}
        {has_fdx
            .then(|| {
                view! {
                    <h2 class="portal-section" id="fdx-title" class:gone=move || visible.with(|(_, fdx)| *fdx == 0)>
                        {texts.with_value(|t| t.fdx_title.clone())}
                    </h2>
                    <ul class="apps" aria-labelledby="fdx-title">{fdx_cards}</ul>
                }
            })}
        <ConfirmDialog shared csrf_token texts/>
        </section>
        {records}
        {payments}
    }
}
