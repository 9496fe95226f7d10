//! The portal's lists: the applications holding access, the Open Finance consents, the consent
//! records and the payments. Filter as you type (all of them, by the application's name); revoke or
//! stop sharing in an in-page confirmation (a modal `<dialog>`: focus moves in and back, Escape
//! cancels) that calls the server function and removes the card, announced in a live region.
//! Without JavaScript each action is a link to the confirmation page, and the filter is a GET
//! form.

mod dialog;

use super::hydrated;
use dialog::{ConfirmDialog, Shared};
use leptos::prelude::*;

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

words! {
    /// The words the portal's island says itself (its filter's, its dialog's, what a
    /// revocation made in place changes), translated on the server. `{client}` is filled in.
    pub struct PortalTexts {
        pub empty: String,
        pub no_match: String,
        pub revoke: String,
        pub revoke_title: String,
        pub revoke_loses: String,
        pub revoke_data: String,
        pub revoke_again: String,
        pub revoked: String,
        pub fdx_revoke: String,
        pub fdx_revoke_title: String,
        pub fdx_revoke_loses: String,
        pub fdx_revoked: String,
        /// A record's status once its application is revoked in the page.
        pub record_ended: String,
        /// And how it ended.
        pub record_ended_now: String,
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

/// The portal's lists, rendered on the server as `children` (`pages/portal`): the applications'
/// and Open Finance consents' cards, the consent records and the payments. Every item the
/// filter reads carries its name (`data-filter`); a card its key (`data-key`), an active record
/// the keys of the cards that end it (`data-ends`); an action's link what its dialog is about
/// (`data-opens-dialog`, `data-id`, `data-name`). The island keeps no copy of the lists: it
/// reads and changes the page itself.
#[island(lazy)]
pub fn PortalList(
    csrf_token: String,
    /// The filter of a plain GET (`?q=`), which the server applied to the page it drew.
    filter: String,
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
        announce: RwSignal::new(String::new()),
        opener: StoredValue::new(String::new()),
        showing: StoredValue::new(false),
        dialog: NodeRef::new(),
    };
    let gone = shared.gone;
    // What was typed in the filter before the island ran is the filter.
    Effect::new(move |_| {
        use leptos::wasm_bindgen::JsCast;
        let input =
            document().get_element_by_id("q").and_then(|e| e.dyn_into::<leptos::web_sys::HtmlInputElement>().ok());
        if let Some(typed) = input.map(|q| lower(q.value().trim())).filter(|typed| *typed != needle.get_untracked()) {
            needle.set(typed);
        }
    });
    // The page as the filter and the revocations made here leave it.
    Effect::new(move |_| needle.with(|needle| gone.with(|gone| texts.with_value(|t| show_only(needle, gone, t)))));
    Effect::new(move |_| {
        let said = shared.announce.get();
        if let (false, Some(region)) = (said.is_empty(), document().get_element_by_id("portal-announce")) {
            region.set_text_content(Some(&said));
        }
    });
    // The filter and the actions are the server's markup: listened to where their events
    // arrive. Without JavaScript (or before hydration) an action's link goes to its page.
    let _ = window_event_listener(leptos::ev::input, move |ev| {
        if event_target::<leptos::web_sys::Element>(&ev).id() == "q" {
            needle.set(lower(event_target_value(&ev).trim()));
        }
    });
    let _ = window_event_listener(leptos::ev::click, move |ev| {
        let link = event_target::<leptos::web_sys::Element>(&ev).closest("[data-opens-dialog]").ok().flatten();
        if let (true, Some(link)) = (hydrated.get_untracked(), link) {
            let (id, name) = (
                link.get_attribute("data-id").unwrap_or_default(),
                link.get_attribute("data-name").unwrap_or_default(),
            );
            let target = match link.get_attribute("data-opens-dialog").as_deref() {
                Some("fdx") => Target::Fdx { consent_id: id, recipient: name },
                _ => Target::App { client_id: id, name },
            };
            shared.open(target, link.id(), ev);
        }
    });
    view! {
        {children()}
        <ConfirmDialog shared csrf_token texts/>
    }
}

/// Shows the items whose name contains `needle` (lowered), hides the others and the sections
/// left empty, takes away the cards revoked here (`gone`) and marks their records ended, and
/// says when nothing is left to show.
fn show_only(needle: &str, gone: &[String], texts: &PortalTexts) {
    let items = document().get_elements_by_tag_name("li");
    let (mut cards, mut fdx, mut records, mut payments) = (0, 0, 0, 0);
    let mut taken = Vec::new();
    for item in (0..items.length()).filter_map(|i| items.item(i)) {
        let Some(name) = item.get_attribute("data-filter") else { continue };
        let key = item.get_attribute("data-key");
        if key.as_ref().is_some_and(|k| gone.contains(k)) {
            taken.push(item);
            continue;
        }
        if item.get_attribute("data-ends").is_some_and(|keys| keys.split(' ').any(|k| gone.iter().any(|g| g == k))) {
            end_record(&item, texts);
        }
        let shown = lower(&name).contains(needle);
        let _ = item.class_list().toggle_with_force("gone", !shown);
        if shown {
            match key.as_deref().map(|k| k.split(':').next()) {
                Some(Some("app")) => cards += 1,
                Some(_) => fdx += 1,
                None if item.class_list().contains("record") => records += 1,
                None => payments += 1,
            }
        }
    }
    for item in taken {
        item.remove();
    }
    let by_id = |id: &str| document().get_element_by_id(id);
    let hide = |element: Option<leptos::web_sys::Element>, hidden: bool| {
        if let Some(e) = element {
            let _ = e.class_list().toggle_with_force("gone", hidden);
        }
    };
    // The Open Finance heading; the records' and payments' sections, by their headings.
    hide(by_id("fdx-title"), fdx == 0);
    hide(by_id("records-title").and_then(|h| h.parent_element()), records == 0);
    hide(by_id("payments-title").and_then(|h| h.parent_element()), payments == 0);
    let nothing = cards + fdx == 0 && (needle.is_empty() || records + payments == 0);
    let words = match (nothing, needle.is_empty()) {
        (false, _) => "",
        (true, true) => texts.empty.as_str(),
        (true, false) => texts.no_match.as_str(),
    };
    if let Ok(Some(region)) = document().query_selector("p.empty[aria-live]") {
        if region.text_content().unwrap_or_default() != words {
            region.set_text_content(Some(words));
        }
    }
}

/// An active record whose application was revoked, or whose consent was stopped, here: ended,
/// by the customer; its own Revoke goes.
fn end_record(item: &leptos::web_sys::Element, texts: &PortalTexts) {
    let _ = item.remove_attribute("data-ends");
    let _ = item.class_list().add_1("ended");
    if let Ok(Some(status)) = item.query_selector(".status") {
        let _ = status.class_list().remove_1("active");
        status.set_text_content(Some(&texts.record_ended));
    }
    if let Ok(Some(link)) = item.query_selector(".revoke-record") {
        link.remove();
    }
    let before =
        item.query_selector(".record-shares").ok().flatten().or_else(|| item.query_selector(".receipt").ok().flatten());
    if let Ok(said) = document().create_element("p") {
        said.set_class_name("record-ended");
        said.set_text_content(Some(&texts.record_ended_now));
        let _ = item.insert_before(&said, before.as_ref().map(|b| b.as_ref()));
    }
}
