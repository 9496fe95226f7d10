//! The consent screen's form. The server renders the requested permissions (and accounts) as
//! the island's children; the island adds what needs a browser: a live summary of what will be
//! shared, select all / none per service, "choose at least one" said in place, and Allow or Deny
//! through the `decide_consent` server function without leaving the page.

use super::choices::{Choices, ChoicesForm, Stop, Ticked};
use super::{error_text, fill, hydrated, DecisionButtons, FormNotice};
use crate::api::consent::DecideConsent;
use leptos::prelude::*;

words! {
    /// The words the island says itself, translated on the server. `summary` has `{n}` and
    /// `{total}`, `accounts_summary` `{n}` and `{accounts}`.
    pub struct ConsentTexts {
        pub summary: String,
        pub accounts_summary: String,
        pub no_account_chosen: String,
        pub choose_one: String,
        /// When a scope that shares accounts is ticked and no account is.
        pub choose_account: String,
        /// When accounts are ticked and no scope that shares them is.
        pub accounts_without_permission: String,
        pub change_mind: String,
        pub deny: String,
        pub allow: String,
        pub sending: String,
        /// When the browser cannot reach Assent.
        pub offline: String,
    }
}

/// `children` is the form's content as the server renders it: the flow's hidden fields, the
/// permissions by service (with `data-bulk` buttons shown once hydrated), the accounts.
#[island(lazy)]
pub fn ConsentForm(
    texts: ConsentTexts,
    /// Shown above the form when the server sent it back (e.g. nothing was chosen).
    notice: Option<String>,
    /// The form lists the customer's accounts: say which are chosen.
    accounts: bool,
    children: Children,
) -> impl IntoView {
    let decide = ServerAction::<DecideConsent>::new();
    let hydrated = hydrated();
    let choices = Choices::new();
    let ticked = choices.ticked;
    let (nudge, set_nudge) = signal(false);
    // A decision on its way, or sent and the window navigating to the authorization server.
    // Read once: each call of `pending()` or `value()` makes a new derived signal.
    let (pending, outcome) = (decide.pending(), decide.value());
    let busy = Signal::from(Memo::new(move |_| pending.get() || matches!(outcome.get(), Some(Ok(())))));
    super::reset_on_back(decide);
    let texts = StoredValue::new(texts);
    let sent_back = notice.is_some();
    // What stops an Allow, said (and its groups marked) once the user tried one.
    let stop = move || if nudge.get() { ticked.with(Ticked::stop) } else { None };
    let invalid = Signal::derive(move || stop().map(Stop::groups));
    let message = move || {
        if let Some(Err(e)) = outcome.get() {
            return Some(texts.with_value(|t| error_text(&e, &t.offline)));
        }
        let said = stop().map(|stop| {
            texts.with_value(|t| match stop {
                Stop::NothingChosen => t.choose_one.clone(),
                Stop::NeedsAccount => t.choose_account.clone(),
                Stop::StrayAccounts => t.accounts_without_permission.clone(),
            })
        });
        said.or_else(|| notice.clone())
    };
    let summary = move || {
        ticked.with(|now| {
            if now.scopes_offered == 0 {
                return String::new();
            }
            let (n, total) = (now.scopes.to_string(), now.scopes_offered.to_string());
            texts.with_value(|t| fill(&t.summary, &[("n", &n), ("total", &total)]))
        })
    };
    let accounts_summary = move || {
        ticked.with(|now| texts.with_value(|t| now.accounts_in_words(&t.accounts_summary, &t.no_account_chosen)))
    };
    view! {
        <FormNotice message sent_back busy sending=texts.with_value(|t| t.sending.clone())/>
        <ActionForm action=decide>
            <ChoicesForm choices busy invalid>
                {children()}
                <p class="summary" aria-live="polite">{move || hydrated.get().then(summary)}</p>
                {accounts
                    .then(|| {
                        view! {
                            <p class="summary account-summary" aria-live="polite">
                                {move || hydrated.get().then(accounts_summary)}
                            </p>
                        }
                    })}
                <p class="muted small">{texts.with_value(|t| t.change_mind.clone())}</p>
                <DecisionButtons
                    deny=texts.with_value(|t| t.deny.clone())
                    allow=Signal::derive(move || {
                        texts.with_value(|t| if busy.get() { t.sending.clone() } else { t.allow.clone() })
                    })
                    busy
                    on_allow=move || {
                        choices.refresh();
                        super::nudge_again(nudge, set_nudge);
                        ticked.with_untracked(|now| !now.stops_allow())
                    }
                />
            </ChoicesForm>
        </ActionForm>
    }
}
