//! The only parts of Assent that hydrate. Each works as plain HTML first; the wasm adds
//! comfort (pending state, no double submit), never function.

use leptos::prelude::*;

/// A form that shows a pending state once submitted and ignores further submissions.
///
/// Buttons are not `disabled` on submit: a disabled submitter is left out of the form data,
/// and the button's `decision` value is what says allow or deny.
#[island]
pub fn GuardedForm(action: String, children: Children) -> impl IntoView {
    let (pending, set_pending) = signal(false);
    // Back/forward cache restores the page as it was left: pending. Make it usable again.
    let _ = window_event_listener(leptos::ev::pageshow, move |e| {
        if e.persisted() {
            set_pending.set(false);
        }
    });
    view! {
        <form
            method="post"
            action=action
            class="guarded-form"
            class:pending=pending
            aria-busy=move || if pending.get() { "true" } else { "false" }
            on:submit=move |ev| {
                if pending.get_untracked() {
                    ev.prevent_default();
                } else {
                    set_pending.set(true);
                }
            }
        >
            {children()}
        </form>
    }
}

/// Marks `<body data-hydrated="true">` once the wasm runs, so tests can wait for it.
#[island]
pub fn HydrationMarker() -> impl IntoView {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
