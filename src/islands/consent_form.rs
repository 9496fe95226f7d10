//! The consent screen's form: the requested permissions by service, a live summary of what
//! will be shared, select all / none per service, and Allow or Deny through the
//! `decide_consent` server function.

use super::accounts::{chosen_numbers, AccountFieldset, AccountTexts};
use super::{error_text, fill, hydrated, DecisionButtons, FlowFields};
use crate::api::consent::DecideConsent;
use crate::model::{AccountView, ScopeGroup};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The consent form's words, translated on the server. `summary` has `{n}` and `{total}`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ConsentTexts {
    pub asks: String,
    pub summary: String,
    pub select_all: String,
    pub select_none: String,
    /// Why a required permission cannot be unticked.
    pub required: String,
    pub already_shared: String,
    pub choose_one: String,
    /// When a scope that shares accounts is ticked and no account is.
    pub choose_account: String,
    pub also_receive: String,
    pub change_mind: String,
    pub deny: String,
    pub allow: String,
    pub sending: String,
    /// When the browser cannot reach Assent.
    pub offline: String,
}

#[island(lazy)]
pub fn ConsentForm(
    login_id: String,
    login_state: String,
    csrf_token: String,
    groups: Vec<ScopeGroup>,
    claims: Vec<String>,
    texts: ConsentTexts,
    /// Shown above the form when the server sent it back (e.g. nothing was chosen).
    notice: Option<String>,
    /// The customer's accounts, when a scope shares them (none otherwise).
    accounts: Vec<AccountView>,
    /// Each account's kind in words.
    kinds: Vec<String>,
    /// The account list's words, with the accounts.
    account_texts: Option<AccountTexts>,
) -> impl IntoView {
    let decide = ServerAction::<DecideConsent>::new();
    let hydrated = hydrated();
    // One flag per scope, in page order; every scope starts ticked (or as the user left it
    // before the island hydrated).
    let total: usize = groups.iter().map(|g| g.scopes.len()).sum();
    let scope_ids = groups.iter().flat_map(|g| g.scopes.iter()).map(|s| format!("scope-{}", s.name));
    let ticked = RwSignal::new(super::ticked_in_page(scope_ids, true));
    let chosen = Memo::new(move |_| ticked.with(|t| t.iter().filter(|x| **x).count()));
    // Scopes that share accounts: while one is ticked, at least one account must be too.
    let sharing: Vec<usize> = groups
        .iter()
        .flat_map(|g| g.scopes.iter())
        .enumerate()
        .filter(|(_, s)| s.shares_accounts)
        .map(|(i, _)| i)
        .collect();
    let accounts_ticked =
        RwSignal::new(super::ticked_in_page(accounts.iter().map(|a| format!("account-{}", a.id)), false));
    let chosen_accounts = chosen_numbers(&accounts, accounts_ticked);
    let needs_account =
        Memo::new(move |_| ticked.with(|t| sharing.iter().any(|i| t[*i])) && chosen_accounts.with(Vec::is_empty));
    let (nudge, set_nudge) = signal(false);
    // A decision on its way, or sent and the window navigating to the authorization server.
    // Read once: each call of `pending()` or `value()` makes a new derived signal.
    let (pending, outcome) = (decide.pending(), decide.value());
    let busy = Signal::from(Memo::new(move |_| pending.get() || matches!(outcome.get(), Some(Ok(())))));
    super::reset_on_back(decide);
    let texts = StoredValue::new(texts);
    let message = move || {
        if let Some(Err(e)) = outcome.get() {
            return Some(texts.with_value(|t| error_text(&e, &t.offline)));
        }
        if nudge.get() && chosen.get() == 0 {
            return Some(texts.with_value(|t| t.choose_one.clone()));
        }
        if nudge.get() && needs_account.get() {
            return Some(texts.with_value(|t| t.choose_account.clone()));
        }
        notice.clone()
    };
    let mut offset = 0;
    let fieldsets = groups
        .into_iter()
        .map(|group| {
            let first = offset;
            offset += group.scopes.len();
            view! { <ScopeFieldset group first ticked hydrated texts/> }
        })
        .collect_view();
    let summary = move || {
        texts.with_value(|t| fill(&t.summary, &[("n", &chosen.get().to_string()), ("total", &total.to_string())]))
    };
    view! {
        <p class="notice" role="alert" aria-live="assertive">{message}</p>
        <ActionForm action=decide>
            <div class="guarded-form" class:pending=busy aria-busy=move || if busy.get() { "true" } else { "false" }>
                <FlowFields login_id login_state csrf_token/>
                <h2 class="section-title">{texts.with_value(|t| t.asks.clone())}</h2>
                {fieldsets}
                {account_texts.map(|texts| {
                    view! { <AccountFieldset accounts kinds ticked=accounts_ticked chosen=chosen_accounts hydrated texts/> }
                })}
                {(!claims.is_empty())
                    .then(|| {
                        view! {
                            <p class="claims">
                                {texts.with_value(|t| t.also_receive.clone())}
                                " "
                                <span class="claim-list">{claims.join(", ")}</span>
                            </p>
                        }
                    })}
                <p class="summary" aria-live="polite">{move || hydrated.get().then(summary)}</p>
                <p class="muted small">{texts.with_value(|t| t.change_mind.clone())}</p>
                <DecisionButtons
                    deny=texts.with_value(|t| t.deny.clone())
                    allow=Signal::derive(move || {
                        texts.with_value(|t| if busy.get() { t.sending.clone() } else { t.allow.clone() })
                    })
                    busy
                    on_allow=move || {
                        set_nudge.set(true);
                        chosen.get_untracked() > 0 && !needs_account.get_untracked()
                    }
                />
            </div>
        </ActionForm>
    }
}

/// One service's permissions, with select all / none once hydrated.
#[component]
fn ScopeFieldset(
    group: ScopeGroup,
    /// The index of its first scope in `ticked`.
    first: usize,
    ticked: RwSignal<Vec<bool>>,
    hydrated: ReadSignal<bool>,
    texts: StoredValue<ConsentTexts>,
) -> impl IntoView {
    let optional: Vec<usize> =
        group.scopes.iter().enumerate().filter(|(_, s)| !s.required).map(|(i, _)| first + i).collect();
    let bulk = optional.len() > 1;
    let set_all = move |value: bool| {
        let optional = optional.clone();
        move |_| ticked.update(|t| optional.iter().for_each(|i| t[*i] = value))
    };
    let service = group.service.clone();
    let select_all_label = texts.with_value(|t| format!("{} — {}", t.select_all, service));
    let select_none_label = texts.with_value(|t| format!("{} — {}", t.select_none, service));
    let (all, none) = (set_all(true), set_all(false));
    let select_all = texts.with_value(|t| t.select_all.clone());
    let select_none = texts.with_value(|t| t.select_none.clone());
    view! {
        <fieldset class="scopes">
            <legend>{group.service}</legend>
            {move || {
                (hydrated.get() && bulk)
                    .then(|| {
                        view! {
                            <span class="bulk">
                                <button type="button" class="link-button" aria-label=select_all_label.clone() on:click=all.clone()>
                                    {select_all.clone()}
                                </button>
                                <button type="button" class="link-button" aria-label=select_none_label.clone() on:click=none.clone()>
                                    {select_none.clone()}
                                </button>
                            </span>
                        }
                    })
            }}
            {group
                .scopes
                .into_iter()
                .enumerate()
                .map(|(i, scope)| {
                    let index = first + i;
                    let id = format!("scope-{}", scope.name);
                    let desc_id = format!("{id}-desc");
                    let required = scope.required;
                    view! {
                        <div class="scope">
                            <input
                                type="checkbox"
                                name="scope[]"
                                id=id.clone()
                                value=scope.name.clone()
                                checked=true
                                prop:checked=move || ticked.with(|t| t[index])
                                disabled=required
                                aria-describedby=desc_id.clone()
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    ticked.update(|t| t[index] = on);
                                }
                            />
                            <label for=id>
                                <span class="scope-name">{scope.display_name}</span>
                                {scope
                                    .granted
                                    .then(|| {
                                        view! {
                                            <span class="badge shared">{texts.with_value(|t| t.already_shared.clone())}</span>
                                        }
                                    })}
                                <span class="scope-desc" id=desc_id>
                                    {scope.description.unwrap_or_default()}
                                    {required.then(|| format!(" {}", texts.with_value(|t| t.required.clone())))}
                                </span>
                            </label>
                        </div>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}
