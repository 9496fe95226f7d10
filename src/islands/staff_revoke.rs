//! A staff revocation on a record's page: one consent, or every consent of its application.
//! Drawn as the plain form (reason required, and a box that confirms what ends: nothing can
//! undo it) that posts to the server function; once hydrated, the box goes and sending asks
//! first in a modal `<dialog>` that states what ends (focus moves in and back,
//! Escape cancels), a failure is said in the dialog with the reason kept, and a done revocation
//! loads the page a plain form would have reached.

use super::{error_text, hydrated, reset_on_back, BusyStatus};
use crate::api::console::{record_path, RevokeProvider, StaffRevoke};
use leptos::either::Either;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What is revoked.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub enum StaffTarget {
    /// One consent record.
    One { id: String },
    /// Every authorized consent given to one application; `search` is the console's search for
    /// it (`/admin?q=…`), where a done revocation leads; `record`, the record whose page shows
    /// the form (where a plain form with no reason goes back to).
    Provider { client_id: String, search: String, record: String },
}

/// The form's and the dialog's words, translated on the server.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct StaffRevokeTexts {
    pub title: String,
    /// What the revocation does, under the title (none for one consent).
    pub consequence: Option<String>,
    pub reason: String,
    /// Said at the reason when it is blank (spaces only), before anything is asked or sent.
    pub reason_needed: String,
    pub button: String,
    /// The plain form's box to tick, saying what ends (the dialog asks once hydrated).
    pub confirm_check: String,
    pub confirm_title: String,
    /// The dialog's list of what ends.
    pub confirm_lines: Vec<String>,
    pub cancel: String,
    pub sending: String,
    pub offline: String,
}

#[island(lazy)]
pub fn StaffRevokeForm(target: StaffTarget, csrf_token: String, texts: StaffRevokeTexts) -> impl IntoView {
    let hydrated = hydrated();
    let StaffRevokeTexts {
        title,
        consequence,
        reason,
        reason_needed,
        button,
        confirm_check,
        confirm_title,
        confirm_lines,
        cancel,
        sending,
        offline,
    } = texts;
    // The two forms of a page differ by this, in their elements' ids.
    let key = match &target {
        StaffTarget::One { .. } => "one",
        StaffTarget::Provider { .. } => "all",
    };
    let (reason_id, check_id, title_id, dialog_title_id, lines_id) = (
        format!("reason-{key}"),
        format!("check-{key}"),
        format!("revoke-{key}-title"),
        format!("confirm-{key}-title"),
        format!("confirm-{key}-lines"),
    );
    let one = ServerAction::<StaffRevoke>::new();
    let all = ServerAction::<RevokeProvider>::new();
    reset_on_back(one);
    reset_on_back(all);
    let (one_done, all_done) = (one.value(), all.value());
    let (one_pending, all_pending) = (one.pending(), all.pending());
    let busy = Signal::derive(move || one_pending.get() || all_pending.get());
    let form = NodeRef::<leptos::html::Form>::new();
    let reason_box = NodeRef::<leptos::html::Textarea>::new();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let opener = NodeRef::<leptos::html::Button>::new();
    let close = move || {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
    };

    // Done: the page a plain form reaches, which shows the record (or the search) as it is
    // now, and says what was done (the server function left it a notice).
    let done_path = match target.clone() {
        StaffTarget::One { id } => record_path(&id),
        StaffTarget::Provider { search, .. } => search,
    };
    Effect::new(move |_| {
        if matches!(one_done.get(), Some(Ok(()))) || matches!(all_done.get(), Some(Ok(_))) {
            let _ = window().location().assign(&done_path);
        }
    });
    let offline = StoredValue::new(offline);
    let error = move || {
        let error = match (one_done.get(), all_done.get()) {
            (Some(Err(e)), _) => e,
            (_, Some(Err(e))) => e,
            _ => return None,
        };
        Some(offline.with_value(|o| error_text(&error, o)))
    };

    // Once hydrated, a valid form asks first; a blank reason (spaces count as none) is said at
    // the reason by the browser's own check, and nothing is asked.
    let ask = move |ev: leptos::ev::MouseEvent| {
        if !hydrated.get_untracked() {
            return;
        }
        if let Some(r) = reason_box.get_untracked() {
            let blank = r.value().trim().is_empty();
            r.set_custom_validity(if blank { &reason_needed } else { "" });
        }
        if !form.get_untracked().is_some_and(|f| f.check_validity()) {
            return;
        }
        ev.prevent_default();
        one.clear();
        all.clear();
        if let Some(d) = dialog.get_untracked() {
            let _ = d.show_modal();
        }
    };
    // The dialog's confirmation sends the form (its handler calls the server function).
    let confirm = move |_| {
        if busy.get_untracked() {
            return;
        }
        if let Some(f) = form.get_untracked() {
            let _ = f.request_submit();
        }
    };
    let on_close = move |_| {
        if let Some(b) = opener.get_untracked() {
            let _ = b.focus();
        }
    };

    let confirm_label = button.clone();
    let sending_said = sending.clone();
    let fields = {
        let (reason_id, title_id) = (reason_id.clone(), title_id.clone());
        move |hidden: (&'static str, String)| {
            view! {
                <h3 id=title_id.clone()>{title.clone()}</h3>
                {consequence.clone().map(|c| view! { <p class="muted">{c}</p> })}
                <input type="hidden" name="csrf_token" value=csrf_token.clone()/>
                <input type="hidden" name=hidden.0 value=hidden.1/>
                <label for=reason_id.clone()>{reason.clone()}</label>
                <textarea
                    id=reason_id.clone()
                    name="reason"
                    required
                    maxlength="500"
                    rows="3"
                    node_ref=reason_box
                    on:input=move |_| {
                        if let Some(r) = reason_box.get_untracked() {
                            r.set_custom_validity("");
                        }
                    }
                ></textarea>
                // The plain form's only: hydrated, the dialog asks instead.
                <p class="confirm-check" hidden=move || hydrated.get()>
                    <input
                        type="checkbox"
                        id=check_id.clone()
                        name="confirmed"
                        value="yes"
                        required=move || !hydrated.get()
                    />
                    <label for=check_id.clone()>{confirm_check.clone()}</label>
                </p>
                <button
                    type="submit"
                    node_ref=opener
                    class=if key == "one" { "btn danger-solid" } else { "btn danger" }
                    on:click=ask
                >
                    {button.clone()}
                </button>
            }
        }
    };
    let plain = match target.clone() {
        StaffTarget::One { id } => Either::Left(view! {
            <ActionForm action=one node_ref=form attr:class="staff-revoke" attr:aria-labelledby=title_id.clone()>
                {fields(("id", id))}
            </ActionForm>
        }),
        StaffTarget::Provider { client_id, record, .. } => Either::Right(view! {
            <ActionForm action=all node_ref=form attr:class="staff-revoke" attr:aria-labelledby=title_id.clone()>
                <input type="hidden" name="record" value=record/>
                {fields(("client_id", client_id))}
            </ActionForm>
        }),
    };
    view! {
        {plain}
        <dialog
            node_ref=dialog
            class="card confirm-dialog"
            aria-labelledby=dialog_title_id.clone()
            aria-describedby=lines_id.clone()
            on:close=on_close
        >
            <h2 id=dialog_title_id.clone()>{confirm_title}</h2>
            <ul class="consequences" id=lines_id.clone()>
                {confirm_lines.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
            </ul>
            <p class="notice" role="alert">{error}</p>
            <div class="actions">
                <button type="button" class="btn" on:click=move |_| close()>{cancel}</button>
                <button
                    type="button"
                    class="btn danger-solid"
                    aria-disabled=move || busy.get().then_some("true")
                    on:click=confirm
                >
                    {move || if busy.get() { sending.clone() } else { confirm_label.clone() }}
                </button>
                <BusyStatus busy words=sending_said/>
            </div>
        </dialog>
    }
}
