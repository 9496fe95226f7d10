//! The consent forms of the regimes whose customer decides by choosing accounts alone (UK
//! account access, CDR arrangements): the customer's own accounts (none pre-ticked, at least one
//! required; for a CDR amendment, those shared now are marked in their description), a live
//! summary of the chosen ones, and Allow naming what will be shared. Each regime's island is
//! this one form with its own decision server function; the words are the Open Finance form's
//! ([`FdxTexts`]), the summary the regime's.

use super::accounts::{chosen_numbers, AccountFieldset};
use super::{error_text, fill, hydrated, DecisionButtons, FdxTexts, FlowFields};
use crate::api::cdr::DecideCdrArrangement;
use crate::api::obuk::DecideObukConsent;
use crate::error::AppError;
use crate::model::AccountView;
use leptos::prelude::*;
use leptos::server_fn::{client::Client, codec::PostUrl, request::ClientReq, Http, ServerFn};
use serde::de::DeserializeOwned;

/// The UK account-access consent's form, deciding through `decide_obuk_consent`.
#[island(lazy)]
pub fn ObukAccountPicker(
    login_id: String,
    login_state: String,
    csrf_token: String,
    accounts: Vec<AccountView>,
    /// Each account's kind in words, in the order of the accounts.
    kinds: Vec<String>,
    texts: FdxTexts,
    notice: Option<String>,
) -> impl IntoView {
    let flow = Flow { login_id, login_state, csrf_token, accounts, kinds, texts, notice };
    decision_form(ServerAction::<DecideObukConsent>::new(), flow)
}

/// The CDR arrangement's form, deciding through `decide_cdr_arrangement`.
#[island(lazy)]
pub fn CdrAccountPicker(
    login_id: String,
    login_state: String,
    csrf_token: String,
    accounts: Vec<AccountView>,
    /// Each account's kind in words, in the order of the accounts.
    kinds: Vec<String>,
    texts: FdxTexts,
    notice: Option<String>,
) -> impl IntoView {
    let flow = Flow { login_id, login_state, csrf_token, accounts, kinds, texts, notice };
    decision_form(ServerAction::<DecideCdrArrangement>::new(), flow)
}

/// What an island's form shows and posts.
struct Flow {
    login_id: String,
    login_state: String,
    csrf_token: String,
    accounts: Vec<AccountView>,
    kinds: Vec<String>,
    texts: FdxTexts,
    notice: Option<String>,
}

/// The form, posting to `decide` (a server function taking the flow's fields, `decision` and
/// `account[]`).
fn decision_form<S, P>(decide: ServerAction<S>, flow: Flow) -> impl IntoView
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
    let Flow { login_id, login_state, csrf_token, accounts, kinds, texts, notice } = flow;
    let hydrated = hydrated();
    let ticked = RwSignal::new(super::ticked_in_page(accounts.iter().map(|a| format!("account-{}", a.id)), false));
    let (nudge, set_nudge) = signal(false);
    // Read once: each call of `pending()` or `value()` makes a new derived signal.
    let (pending, outcome) = (decide.pending(), decide.value());
    let busy = Signal::from(Memo::new(move |_| pending.get() || matches!(outcome.get(), Some(Ok(())))));
    super::reset_on_back(decide);
    let chosen = chosen_numbers(&accounts, ticked);
    let account_texts = texts.accounts.clone();
    let texts = StoredValue::new(texts);
    let message = move || {
        if let Some(Err(e)) = outcome.get() {
            return Some(texts.with_value(|t| error_text(&e, &t.offline)));
        }
        if nudge.get() && chosen.with(Vec::is_empty) {
            return Some(texts.with_value(|t| t.choose_one.clone()));
        }
        notice.clone()
    };
    let allow = Signal::derive(move || {
        let n = chosen.with(Vec::len);
        texts.with_value(|t| match (busy.get(), hydrated.get() && n > 0) {
            (true, _) => t.sending.clone(),
            (false, true) if n == 1 => t.allow_one.clone(),
            (false, true) => fill(&t.allow_n, &[("n", &n.to_string())]),
            (false, false) => t.allow.clone(),
        })
    });
    view! {
        <p class="notice" role="alert" aria-live="assertive">{message}</p>
        <ActionForm action=decide>
            <div class="guarded-form" class:pending=busy aria-busy=move || if busy.get() { "true" } else { "false" }>
                <FlowFields login_id login_state csrf_token/>
                <AccountFieldset accounts kinds ticked chosen hydrated texts=account_texts/>
                <p class="muted small">{texts.with_value(|t| t.change_mind.clone())}</p>
                <DecisionButtons
                    deny=texts.with_value(|t| t.deny.clone())
                    allow
                    busy
                    on_allow=move || {
                        set_nudge.set(true);
                        !chosen.with_untracked(Vec::is_empty)
                    }
                />
            </div>
        </ActionForm>
    }
}
