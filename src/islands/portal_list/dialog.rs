//! The confirmation of a revocation, as a modal `<dialog>`: focus moves in (to Cancel) and
//! back, Escape cancels, the consequences are stated, and confirming calls the server
//! function; a confirmed revocation removes the card and the live region says so.

use super::{PortalTexts, Target};
use crate::api::portal::{RevokeAccess, StopSharing};
use crate::islands::{error_text, fill, BusyStatus};
use leptos::either::Either;
use leptos::prelude::*;

/// What the list and its dialog share.
#[derive(Clone, Copy)]
pub(super) struct Shared {
    /// What the dialog is about (none: closed).
    pub target: RwSignal<Option<Target>>,
    /// Keys of the cards revoked in this page.
    pub gone: RwSignal<Vec<String>>,
    /// What the live region says.
    pub announce: RwSignal<String>,
    /// The control that opened the dialog, to give the focus back to.
    pub opener: StoredValue<String>,
    /// Opened, and about to be shown (on the next frame).
    pub showing: StoredValue<bool>,
    pub dialog: NodeRef<leptos::html::Dialog>,
}

impl Shared {
    /// Opens the dialog for `t`, from the action `opener` (its id) that `ev` clicked.
    pub fn open(self, t: Target, opener: String, ev: leptos::ev::MouseEvent) {
        ev.prevent_default();
        self.opener.set_value(opener);
        self.target.set(Some(t));
        self.showing.set_value(true);
        // Shown once its content is rendered, so that the dialog's first control (Cancel)
        // takes the focus.
        let (dialog, showing) = (self.dialog, self.showing);
        request_animation_frame(move || {
            showing.set_value(false);
            if let Some(d) = dialog.get_untracked() {
                let _ = d.show_modal();
            }
        });
    }

    fn close(self) {
        if let Some(d) = self.dialog.get_untracked() {
            d.close();
        }
    }
}

#[component]
pub(super) fn ConfirmDialog(shared: Shared, csrf_token: String, texts: StoredValue<PortalTexts>) -> impl IntoView {
    let Shared { target, gone, announce, opener, showing, dialog } = shared;
    let revoke = ServerAction::<RevokeAccess>::new();
    let stop = ServerAction::<StopSharing>::new();
    // Read once: each call of `pending()` or `value()` makes a new derived signal.
    let (revoked, stopped) = (revoke.value(), stop.value());
    let (revoking, stopping) = (revoke.pending(), stop.pending());
    let busy = Signal::derive(move || revoking.get() || stopping.get());
    // What the request on its way acts on: the dialog may close (Escape) before its answer,
    // and open again on another card. Its answer is the open dialog's only if it shows the same.
    let acting = StoredValue::new(None::<Target>);
    let answers_open = move || {
        acting.with_value(|a| a.as_ref().map(Target::key)) == target.with_untracked(|t| t.as_ref().map(Target::key))
    };
    // A new target starts with no outcome of the last one.
    Effect::new(move |_| {
        if target.with(Option::is_some) {
            revoke.clear();
            stop.clear();
        }
    });
    // After the dialog closes (Cancel, Escape, or done): focus goes back where it came from,
    // or to the page's heading when that card is gone.
    let on_close = move |_| {
        // The `close` event comes a task after the dialog closed: opened again in between
        // (Escape, then Enter at once), it belongs to the last showing, not to this one.
        if showing.get_value() {
            return;
        }
        let removed = target.get_untracked().is_some_and(|t| gone.with_untracked(|g| g.contains(&t.key())));
        target.set(None);
        focus(if removed { "portal-title".to_string() } else { opener.get_value() });
    };
    // A confirmed revocation: the card goes, and the live region says so.
    Effect::new(move |_| {
        let done = matches!(revoked.get(), Some(Ok(()))) || matches!(stopped.get(), Some(Ok(())));
        if !done {
            return;
        }
        if let Some(t) = acting.get_value() {
            let said = texts.with_value(|x| match &t {
                Target::App { name, .. } => fill(&x.revoked, &[("client", name)]),
                Target::Fdx { recipient, .. } => fill(&x.fdx_revoked, &[("client", recipient)]),
            });
            gone.update(|g| g.push(t.key()));
            announce.set(said);
            // Closed before the answer came (Escape): focus went back to the card that goes.
            if !dialog.get_untracked().is_some_and(|d| d.open()) {
                focus("portal-title".into());
            }
        }
        let open_on_it = answers_open();
        revoke.clear();
        stop.clear();
        if open_on_it {
            shared.close();
        }
    });
    let error = move || {
        let error = match (revoked.get(), stopped.get()) {
            (Some(Err(e)), _) | (_, Some(Err(e))) if answers_open() => e,
            _ => return None,
        };
        Some(texts.with_value(|t| error_text(&error, &t.offline)))
    };
    let csrf = StoredValue::new(csrf_token);
    let body = move || {
        let t = target.get()?;
        let (title, loses, label) = texts.with_value(|x| match &t {
            Target::App { name, .. } => (
                fill(&x.revoke_title, &[("client", name)]),
                fill(&x.revoke_loses, &[("client", name)]),
                x.revoke.clone(),
            ),
            Target::Fdx { recipient, .. } => (
                fill(&x.fdx_revoke_title, &[("client", recipient)]),
                fill(&x.fdx_revoke_loses, &[("client", recipient)]),
                x.fdx_revoke.clone(),
            ),
        });
        let confirm = view! {
            <div class="actions">
                <button type="button" class="btn" on:click=move |_| shared.close()>
                    {texts.with_value(|x| x.cancel.clone())}
                </button>
                <button
                    type="submit"
                    class="btn danger-solid"
                    aria-disabled=move || busy.get().then_some("true")
                    on:click=move |ev| {
                        if busy.get_untracked() {
                            ev.prevent_default();
                        } else {
                            acting.set_value(target.get_untracked());
                        }
                    }
                >
                    {move || if busy.get() { texts.with_value(|x| x.sending.clone()) } else { label.clone() }}
                </button>
                <BusyStatus busy words=texts.with_value(|x| x.sending.clone())/>
            </div>
        };
        let form = match t {
            Target::App { client_id, .. } => Either::Left(view! {
                <ActionForm action=revoke>
                    <input type="hidden" name="csrf_token" value=csrf.get_value()/>
                    <input type="hidden" name="client_id" value=client_id/>
                    {confirm}
                </ActionForm>
            }),
            Target::Fdx { consent_id, .. } => Either::Right(view! {
                <ActionForm action=stop>
                    <input type="hidden" name="csrf_token" value=csrf.get_value()/>
                    <input type="hidden" name="consent_id" value=consent_id/>
                    {confirm}
                </ActionForm>
            }),
        };
        Some(view! {
            <h2 id="dialog-title">{title}</h2>
            <ul class="consequences" id="dialog-consequences">
                <li>{loses}</li>
                <li>{texts.with_value(|x| x.revoke_data.clone())}</li>
                <li>{texts.with_value(|x| x.revoke_again.clone())}</li>
            </ul>
            <p class="notice" role="alert">{error}</p>
            {form}
        })
    };
    view! {
        <dialog
            node_ref=dialog
            class="card confirm-dialog"
            aria-labelledby="dialog-title"
            aria-describedby="dialog-consequences"
            on:close=on_close
        >
            {body}
        </dialog>
    }
}

/// Focuses the element `id`, or the page's heading when there is none.
fn focus(id: String) {
    let element = document().get_element_by_id(&id).or_else(|| document().get_element_by_id("portal-title"));
    if let Some(e) =
        element.and_then(|e| leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::HtmlElement>(e).ok())
    {
        let _ = e.focus();
    }
}
