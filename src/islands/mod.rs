//! The parts of Assent that hydrate. Each renders as a complete HTML form first, which works
//! without JavaScript (it posts to the same server function); the wasm adds comfort (live
//! summaries, select all, in-place checks and messages, dialogs, no double submit), never
//! function. Islands hold no secret: their props are what the page shows, and their texts
//! come translated from the server (the wasm carries no message files). The consent forms'
//! content (permissions, accounts) is the island's children, rendered on the server only: the
//! island reads what is ticked from the page (`choices`), so neither that markup nor its data
//! travels in the wasm or the props.

#[macro_use]
mod words;

mod account_decision;
mod choices;
mod consent_form;
mod obuk_payment;
mod portal_list;
mod staff_revoke;

pub use account_decision::{AccountPickerTexts, CdrAccountPicker, FdxAccountPicker, ObukAccountPicker};
pub use consent_form::{ConsentForm, ConsentTexts};
pub use obuk_payment::{PaymentForm, PaymentTexts};
pub use portal_list::{PortalList, PortalTexts};
pub use staff_revoke::{StaffRevokeForm, StaffRevokeTexts, StaffTarget};

use crate::error::AppError;
use leptos::prelude::*;

/// True once this island runs in the browser: controls that need JavaScript (select all, a
/// dialog) appear only then. Effects never run on the server. Also marks
/// `<body data-hydrated="true">`, so tests know when a page's island (each page has one at
/// most) works, and the stylesheet shows the controls that only work hydrated (`.js-only`).
fn hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| {
        set_hydrated.set(true);
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    hydrated
}

/// Says what stops a decision (`nudge` on) again at each try: said already, it is taken away
/// for a frame first, so that a screen reader announces the same words once more.
fn nudge_again(nudge: ReadSignal<bool>, set_nudge: WriteSignal<bool>) {
    if nudge.get_untracked() {
        set_nudge.set(false);
        request_animation_frame(move || set_nudge.set(true));
    } else {
        set_nudge.set(true);
    }
}

/// A page restored from the back/forward cache comes back as it was left: sending. Make its
/// form usable again (the server still refuses a decision made twice).
fn reset_on_back<S>(action: ServerAction<S>)
where
    S: leptos::server_fn::ServerFn + Send + Sync + Clone + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    // The listener stays for the page's lifetime (dropping the handle does not remove it).
    let _ = window_event_listener(leptos::ev::pageshow, move |e| {
        if e.persisted() {
            action.clear();
        }
    });
}

/// What a failed server function call says in place: its message (translated on the server),
/// or `fallback` when the browser could not reach Assent at all.
fn error_text(error: &AppError, fallback: &str) -> String {
    match (error.title.is_empty(), error.message.is_empty()) {
        // Two sentences: the title has no full stop of its own.
        (false, false) if error.title.ends_with(['.', '!', '?', ':']) => format!("{} {}", error.title, error.message),
        (false, false) => format!("{}. {}", error.title, error.message),
        (_, false) => error.message.clone(),
        _ => fallback.to_string(),
    }
}

/// `template` with `{name}` replaced by `value`, for texts translated on the server with
/// placeholders the island fills in.
/// One pass over the template: a value is never read for placeholders (an application named
/// "X {bank}" stays so named).
pub(crate) fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    let mut filled = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        filled.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            pairs.iter().find(|(n, _)| *n == name).map(|(_, value)| (*value, close))
        });
        match value {
            Some((value, close)) => {
                filled.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                filled.push('{');
                rest = after;
            }
        }
    }
    filled.push_str(rest);
    filled
}

/// The hidden fields of a consent decision: the flow, and the form token of this browser.
#[component]
pub fn FlowFields(login_id: String, login_state: String, csrf_token: String) -> impl IntoView {
    view! {
        <input type="hidden" name="login_id" value=login_id/>
        <input type="hidden" name="login_state" value=login_state/>
        <input type="hidden" name="csrf_token" value=csrf_token/>
    }
}

/// Above a decision form: what stops it or what went wrong (`message`), and `sending` said to
/// screen readers while `busy`. A form the server sent back (`sent_back`, without JavaScript)
/// gives its message the focus as the page loads, which brings it into view and has it read
/// (the error summary pattern): on a long screen it would be far above the button pressed.
#[component]
fn FormNotice(
    message: impl Fn() -> Option<String> + Send + Sync + 'static,
    sent_back: bool,
    busy: Signal<bool>,
    sending: String,
) -> impl IntoView {
    view! {
        <p class="notice" role="alert" id=choices::NOTICE_ID tabindex=sent_back.then_some("-1") autofocus=sent_back>
            {message}
        </p>
        <BusyStatus busy words=sending/>
    }
}

/// Says `words` ("Sending…", a busy button's new text) to screen readers, which do not announce
/// a button's text changing: a polite live region, in the page from the start, seen by no one.
/// Outside the form, whose `aria-busy` would hold it back; no `status` role, which stays the
/// page's one notice of what was done.
#[component]
fn BusyStatus(busy: Signal<bool>, words: String) -> impl IntoView {
    view! { <span class="visually-hidden busy-status" aria-live="polite">{move || busy.get().then(|| words.clone())}</span> }
}

/// How long after its window comes to the front a click on Allow counts.
const ALLOW_ARMS_MS: f64 = 500.0;

/// Deny and Allow with equal weight (both filled, the same size: `style/main.css`; the values
/// are never translated), disabled in effect while a decision is on its way. `on_allow` may
/// stop an Allow (nothing chosen).
///
/// Allow takes no click in the first moments of its window at the front: a double-click meant
/// for a window that closes on its first press would otherwise land its second on Allow
/// (DoubleClickjacking). Before hydration the stylesheet holds Allow back after the page shows.
#[component]
fn DecisionButtons(
    deny: String,
    allow: Signal<String>,
    busy: Signal<bool>,
    on_allow: impl Fn() -> bool + Send + Sync + 'static,
) -> impl IntoView {
    // From when (an event's time stamp) a click on Allow counts: at once in a window the user
    // is in when the island wakes; otherwise only once the window came to the front. Where a
    // browser never says so (no focus event), a first press in the page arms it.
    let counts_from = StoredValue::new(f64::NEG_INFINITY);
    Effect::new(move |_| {
        if !document().has_focus().unwrap_or(true) {
            counts_from.set_value(f64::INFINITY);
        }
    });
    let _ = window_event_listener(leptos::ev::focus, move |e| counts_from.set_value(e.time_stamp() + ALLOW_ARMS_MS));
    let _ = window_event_listener(leptos::ev::pointerdown, move |e| {
        if counts_from.get_value() == f64::INFINITY {
            counts_from.set_value(e.time_stamp() + ALLOW_ARMS_MS);
        }
    });
    // A click from the keyboard (no pointer: `detail` 0) is never a stray double-click's.
    let stray = move |ev: &leptos::ev::MouseEvent| ev.detail() != 0 && ev.time_stamp() < counts_from.get_value();
    view! {
        <div class="actions">
            // The form's default button, first and disabled: Enter on a checkbox, which some
            // browsers take as a request to submit, then sends neither decision.
            <button type="submit" disabled hidden></button>
            <button
                type="submit"
                name="decision"
                value="deny"
                class="btn"
                aria-disabled=move || busy.get().then_some("true")
                on:click=move |ev| {
                    if busy.get_untracked() {
                        ev.prevent_default();
                    }
                }
            >
                {deny}
            </button>
            <button
                type="submit"
                name="decision"
                value="allow"
                class="btn primary"
                aria-disabled=move || busy.get().then_some("true")
                on:click=move |ev| {
                    if stray(&ev) || busy.get_untracked() || !on_allow() {
                        ev.prevent_default();
                    }
                }
            >
                {move || allow.get()}
            </button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fill_reads_its_template_once_and_never_a_value() {
        let pairs = [("client", "Budget {bank} App"), ("bank", "Go Bank")];
        assert_eq!(super::fill("Revoke {client} at {bank}?", &pairs), "Revoke Budget {bank} App at Go Bank?");
        assert_eq!(super::fill("{unknown} {client", &pairs), "{unknown} {client");
        assert_eq!(super::fill("", &pairs), "");
    }

    /// The islands' words (`words!`) travel as arrays of strings in field order, read back as
    /// written; an array of another length, or of anything but strings, is refused.
    #[test]
    fn island_words_travel_as_arrays_and_read_back_whole() {
        use super::{ConsentTexts, PortalTexts};
        let portal = PortalTexts { no_match: "No match".into(), offline: "Offline".into(), ..Default::default() };
        let json = serde_json::to_string(&portal).unwrap();
        assert!(json.starts_with("[\"\",\"No match\","), "{json}");
        assert!(json.ends_with(",\"Offline\"]") && !json.contains("no_match"), "no field names: {json}");
        assert_eq!(serde_json::from_str::<PortalTexts>(&json).unwrap(), portal);
        let consent = ConsentTexts { summary: "{n} of {total}".into(), deny: "Deny".into(), ..Default::default() };
        let json = serde_json::to_string(&consent).unwrap();
        assert_eq!(json.matches("\",\"").count(), 10, "11 words: {json}");
        assert_eq!(serde_json::from_str::<ConsentTexts>(&json).unwrap(), consent);
        assert!(serde_json::from_str::<ConsentTexts>(&json.replacen('[', "[\"extra\",", 1)).is_err());
        assert!(serde_json::from_str::<ConsentTexts>(&json.replacen("\"Deny\",", "", 1)).is_err());
        assert!(serde_json::from_str::<ConsentTexts>(&json.replacen("\"Deny\"", "7", 1)).is_err());
        assert!(serde_json::from_str::<ConsentTexts>(r#"{"summary":"x"}"#).is_err());
    }
}
