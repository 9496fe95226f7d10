//! The consent forms whose customer decides by choosing accounts (Open Finance, UK account
//! access, CDR arrangements). The server renders the customer's own accounts (none ticked) as
//! the island's children; the island reads what is ticked from the page and adds a live summary
//! of the chosen ones, select all, "choose at least one" said in place, and Allow naming what
//! will be shared. Each regime's island is this one form with its own decision server function.

use super::choices::{Choices, ChoicesForm, ACCOUNTS};
use super::{error_text, fill, hydrated, DecisionButtons, FormNotice};
use crate::api::cdr::DecideCdrArrangement;
use crate::api::fdx::DecideFdxConsent;
use crate::api::obuk::DecideObukConsent;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::{client::Client, codec::PostUrl, request::ClientReq, Http, ServerFn};
use serde::de::DeserializeOwned;

words! {
    /// The account pickers' words, translated on the server; `{n}` (and `{accounts}`) filled in.
    pub struct AccountPickerTexts {
        /// "{n} chosen: {accounts}" (the regime's words).
        pub summary: String,
        pub none_chosen: String,
        pub choose_one: String,
        pub change_mind: String,
        pub deny: String,
        pub allow: String,
        /// "Allow: share 1 account".
        pub allow_one: String,
        /// "Allow: share {n} accounts".
        pub allow_n: String,
        pub sending: String,
        pub offline: String,
    }
}

/// The Open Finance consent's form, deciding through `decide_fdx_consent`.
#[island(lazy)]
pub fn FdxAccountPicker(
    texts: AccountPickerTexts,
    notice: Option<String>,
    /// The recipient asks for account data: the accounts are listed, at least one required.
    accounts_requested: bool,
    children: Children,
) -> impl IntoView {
    account_form(ServerAction::<DecideFdxConsent>::new(), texts, notice, accounts_requested, children)
}

/// The UK account-access consent's form, deciding through `decide_obuk_consent`.
#[island(lazy)]
pub fn ObukAccountPicker(texts: AccountPickerTexts, notice: Option<String>, children: Children) -> impl IntoView {
    account_form(ServerAction::<DecideObukConsent>::new(), texts, notice, true, children)
}

/// The CDR arrangement's form, deciding through `decide_cdr_arrangement`.
#[island(lazy)]
pub fn CdrAccountPicker(texts: AccountPickerTexts, notice: Option<String>, children: Children) -> impl IntoView {
    account_form(ServerAction::<DecideCdrArrangement>::new(), texts, notice, true, children)
}

/// The form around `children` (the flow's fields and the accounts), posting to `decide` (a
/// server function taking the flow's fields, `decision` and `account[]`).
fn account_form<S, P>(
    decide: ServerAction<S>,
    texts: AccountPickerTexts,
    notice: Option<String>,
    accounts_required: bool,
    children: Children,
) -> impl IntoView
where
    S: DeserializeOwned
        + ServerFn<Protocol = Http<PostUrl, P>, Output = (), Error = AppError>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Client: Client<AppError>,
    <<S::Client as Client<AppError>>::Request as ClientReq<AppError>>::FormData: From<leptos::web_sys::FormData>,
    P: 'static,
{
    let hydrated = hydrated();
    let choices = Choices::new();
    let ticked = choices.ticked;
    let none_chosen = move || ticked.with(|now| now.accounts.is_empty());
    let (nudge, set_nudge) = signal(false);
    // Read once: each call of `pending()` or `value()` makes a new derived signal.
    let (pending, outcome) = (decide.pending(), decide.value());
    let busy = Signal::from(Memo::new(move |_| pending.get() || matches!(outcome.get(), Some(Ok(())))));
    super::reset_on_back(decide);
    let texts = StoredValue::new(texts);
    let sent_back = notice.is_some();
    let invalid = Signal::derive(move || (nudge.get() && accounts_required && none_chosen()).then_some(ACCOUNTS));
    let message = move || {
        if let Some(Err(e)) = outcome.get() {
            return Some(texts.with_value(|t| error_text(&e, &t.offline)));
        }
        if invalid.get().is_some() {
            return Some(texts.with_value(|t| t.choose_one.clone()));
        }
        notice.clone()
    };
    let summary = move || ticked.with(|now| texts.with_value(|t| now.accounts_in_words(&t.summary, &t.none_chosen)));
    let allow = Signal::derive(move || {
        let n = ticked.with(|now| now.accounts.len());
        texts.with_value(|t| match (busy.get(), n) {
            (true, _) => t.sending.clone(),
            (false, 0) => t.allow.clone(),
            (false, 1) => t.allow_one.clone(),
            (false, n) => fill(&t.allow_n, &[("n", &n.to_string())]),
        })
    });
    view! {
        <FormNotice message sent_back busy sending=texts.with_value(|t| t.sending.clone())/>
        <ActionForm action=decide>
            <ChoicesForm choices busy invalid>
                {children()}
                {accounts_required
                    .then(|| {
                        view! {
                            <p class="summary account-summary" aria-live="polite">
                                {move || hydrated.get().then(summary)}
                            </p>
                        }
                    })}
                <p class="muted small">{texts.with_value(|t| t.change_mind.clone())}</p>
                <DecisionButtons
                    deny=texts.with_value(|t| t.deny.clone())
                    allow
                    busy
                    on_allow=move || {
                        choices.refresh();
                        super::nudge_again(nudge, set_nudge);
                        !accounts_required || ticked.with_untracked(|now| !now.accounts.is_empty())
                    }
                />
            </ChoicesForm>
        </ActionForm>
    }
}
