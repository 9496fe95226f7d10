//! The portal's lists: the applications holding access and the Open Finance consents. Filter
//! as you type; revoke or stop sharing in an in-page confirmation (a modal `<dialog>`: focus
//! moves in and back, Escape cancels) that calls the server function and removes the card,
//! announced in a live region. Without JavaScript each action is a link to the confirmation
//! page, and the filter is a GET form.

use super::{error_text, fill, hydrated};
use crate::api::portal::{RevokeAccess, StopSharing};
use crate::model::{AppAccess, FdxAccess};
use leptos::either::Either;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The portal's words, translated on the server. `{client}` and `{date}` are filled in.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
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
    pub cancel: String,
    pub sending: String,
    pub offline: String,
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

#[island]
pub fn PortalList(
    apps: Vec<AppAccess>,
    fdx: Vec<FdxAccess>,
    csrf_token: String,
    /// The filter of a plain GET (`?q=`), applied on the server too.
    filter: String,
    /// What the last action did (after a plain form's revocation); the live region says it.
    notice: Option<String>,
    texts: PortalTexts,
) -> impl IntoView {
    let texts = StoredValue::new(texts);
    let hydrated = hydrated();
    let needle = RwSignal::new(filter.trim().to_lowercase());
    let gone = RwSignal::new(Vec::<String>::new());
    let target = RwSignal::new(None::<Target>);
    let announce = RwSignal::new(notice.unwrap_or_default());
    let revoke = ServerAction::<RevokeAccess>::new();
    let stop = ServerAction::<StopSharing>::new();
    // Read once: each call of `pending()` or `value()` makes a new derived signal.
    let (revoked, stopped) = (revoke.value(), stop.value());
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let opener = StoredValue::new(String::new());

    let names: Vec<(String, String)> = apps
        .iter()
        .map(|a| (format!("app:{}", a.client_id), a.name.to_lowercase()))
        .chain(fdx.iter().map(|f| (format!("fdx:{}", f.consent_id), f.recipient.to_lowercase())))
        .collect();
    let total = names.len();
    let app_keys: Vec<String> = apps.iter().map(|a| format!("app:{}", a.client_id)).collect();
    let visible_apps = Memo::new(move |_| {
        let needle = needle.get();
        gone.with(|gone| {
            names.iter().filter(|(k, name)| app_keys.contains(k) && !gone.contains(k) && name.contains(&needle)).count()
        })
    });
    let shown = move |key: String, name: String| {
        let name = name.to_lowercase();
        Signal::derive(move || gone.with(|g| !g.contains(&key)) && name.contains(&needle.get()))
    };
    let has_apps = !apps.is_empty();
    // No card to show: none at all (or all revoked), or none matching the filter.
    let empty_text =
        move || texts.with_value(|t| if needle.with(String::is_empty) { t.empty.clone() } else { t.no_match.clone() });
    let has_fdx = !fdx.is_empty();

    let open = move |t: Target, ev: leptos::ev::MouseEvent| {
        if !hydrated.get_untracked() {
            return;
        }
        ev.prevent_default();
        if let Some(id) = event_target::<leptos::web_sys::Element>(&ev).get_attribute("id") {
            opener.set_value(id);
        }
        revoke.clear();
        stop.clear();
        target.set(Some(t));
        // Shown once its content is rendered, so that the dialog's first control (Cancel)
        // takes the focus.
        request_animation_frame(move || {
            if let Some(d) = dialog.get_untracked() {
                let _ = d.show_modal();
            }
        });
    };
    let close = move || {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
    };
    // After the dialog closes (Cancel, Escape, or done): focus goes back where it came from,
    // or to the page's heading when that card is gone.
    let on_close = move |_| {
        let removed = target.get_untracked().is_some_and(|t| gone.with_untracked(|g| g.contains(&t.key())));
        target.set(None);
        let back = if removed { "portal-title".to_string() } else { opener.get_value() };
        let element = document().get_element_by_id(&back).or_else(|| document().get_element_by_id("portal-title"));
        if let Some(e) =
            element.and_then(|e| leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::HtmlElement>(e).ok())
        {
            let _ = e.focus();
        }
    };
    // A confirmed revocation: the card goes, and the live region says so.
    Effect::new(move |_| {
        let done = matches!(revoked.get(), Some(Ok(()))) || matches!(stopped.get(), Some(Ok(())));
        if !done {
            return;
        }
        if let Some(t) = target.get_untracked() {
            let said = texts.with_value(|x| match &t {
                Target::App { name, .. } => fill(&x.revoked, &[("client", name)]),
                Target::Fdx { recipient, .. } => fill(&x.fdx_revoked, &[("client", recipient)]),
            });
            gone.update(|g| g.push(t.key()));
            announce.set(said);
        }
        revoke.clear();
        stop.clear();
        close();
    });

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

    let (revoking, stopping) = (revoke.pending(), stop.pending());
    let busy = Signal::derive(move || revoking.get() || stopping.get());
    let dialog_error = move || {
        let error = match (revoked.get(), stopped.get()) {
            (Some(Err(e)), _) | (_, Some(Err(e))) => e,
            _ => return None,
        };
        Some(texts.with_value(|t| error_text(&error, &t.offline)))
    };
    let csrf = StoredValue::new(csrf_token);
    let dialog_body = move || {
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
                <button type="button" class="btn" on:click=move |_| close()>
                    {texts.with_value(|x| x.cancel.clone())}
                </button>
                <button
                    type="submit"
                    class="btn danger-solid"
                    aria-disabled=move || busy.get().then_some("true")
                    on:click=move |ev| {
                        if busy.get_untracked() {
                            ev.prevent_default();
                        }
                    }
                >
                    {move || if busy.get() { texts.with_value(|x| x.sending.clone()) } else { label.clone() }}
                </button>
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
            <p class="notice" role="alert">{dialog_error}</p>
            {form}
        })
    };

    view! {
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
                            on:input=move |ev| needle.set(event_target_value(&ev).trim().to_lowercase())
                        />
                        <button type="submit" class="btn">{texts.with_value(|t| t.filter.clone())}</button>
                    </form>
                }
            })}
        <p class="empty" class:gone=move || { visible_apps.get() > 0 }>{empty_text}</p>
        {has_apps.then(|| view! { <ul class="apps" aria-label=texts.with_value(|t| t.apps_label.clone())>{app_cards}</ul> })}
        {has_fdx
            .then(|| {
                view! {
                    <h2 class="portal-section" id="fdx-title">{texts.with_value(|t| t.fdx_title.clone())}</h2>
                    <ul class="apps" aria-labelledby="fdx-title">{fdx_cards}</ul>
                }
            })}
        <dialog
            node_ref=dialog
            class="card confirm-dialog"
            aria-labelledby="dialog-title"
            aria-describedby="dialog-consequences"
            on:close=on_close
        >
            {dialog_body}
        </dialog>
    }
}

/// The address of an item's confirmation page (the action without JavaScript).
fn confirm_href(name: &str, value: &str) -> String {
    let mut query = String::new();
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => query.push(b as char),
            _ => query.push_str(&format!("%{b:02X}")),
        }
    }
    format!("/portal/revoke?{name}={query}")
}

fn initial(name: &str) -> String {
    name.chars().next().unwrap_or('?').to_uppercase().to_string()
}

#[component]
fn AppCard(
    app: AppAccess,
    index: usize,
    show: Signal<bool>,
    texts: StoredValue<PortalTexts>,
    on_revoke: impl Fn(leptos::ev::MouseEvent) + Send + Sync + 'static,
) -> impl IntoView {
    let label = texts.with_value(|t| fill(&t.revoke_label, &[("client", &app.name)]));
    view! {
        <li class="app" class:gone=move || !show.get()>
            <header class="client">
                {match app.logo_uri.clone() {
                    Some(src) => Either::Left(view! { <img class="logo" src=src alt="" referrerpolicy="no-referrer" width="48" height="48"/> }),
                    None => Either::Right(view! { <span class="logo initial" aria-hidden="true">{initial(&app.name)}</span> }),
                }}
                <div>
                    <h2 class="app-name">{app.name.clone()}</h2>
                    <p class="muted small">
                        <span class="status">{texts.with_value(|t| t.active.clone())}</span>
                        {app.granted_on.clone().map(|(text, iso)| {
                            let (before, after) = texts.with_value(|t| split_at(&t.granted, "{date}"));
                            view! { " · " {before} <time datetime=iso>{text}</time> {after} }
                        })}
                    </p>
                </div>
            </header>
            <h3 class="section-title">{texts.with_value(|t| t.can.clone())}</h3>
            <ul class="scope-list">
                {app.scopes
                    .into_iter()
                    .map(|s| view! {
                        <li>
                            <span class="scope-name">{s.name}</span>
                            {s.description.map(|d| view! { <span class="scope-desc">{d}</span> })}
                        </li>
                    })
                    .collect_view()}
            </ul>
            {(!app.claims.is_empty()).then(|| view! { <p class="claims">{texts.with_value(|t| t.receives.clone())} " " {app.claims.join(", ")}</p> })}
            <div class="app-actions">
                {app.client_uri.map(|href| view! { <a href=href target="_blank" rel="noopener noreferrer">{texts.with_value(|t| t.website.clone())}</a> })}
                <a
                    class="btn danger"
                    id=format!("revoke-app-{index}")
                    href=confirm_href("client_id", &app.client_id)
                    aria-label=label
                    aria-haspopup="dialog"
                    on:click=on_revoke
                >
                    {texts.with_value(|t| t.revoke.clone())}
                </a>
            </div>
        </li>
    }
}

#[component]
fn FdxCard(
    access: FdxAccess,
    index: usize,
    show: Signal<bool>,
    texts: StoredValue<PortalTexts>,
    on_stop: impl Fn(leptos::ev::MouseEvent) + Send + Sync + 'static,
) -> impl IntoView {
    let label = texts.with_value(|t| fill(&t.fdx_revoke_label, &[("client", &access.recipient)]));
    let date = |template: fn(&PortalTexts) -> &String, (text, iso): (String, String)| {
        let (before, after) = texts.with_value(|t| split_at(template(t), "{date}"));
        view! { " · " {before} <time datetime=iso>{text}</time> {after} }
    };
    view! {
        <li class="app fdx-consent" data-consent-id=access.consent_id.clone() class:gone=move || !show.get()>
            <header class="client">
                <span class="logo initial" aria-hidden="true">{initial(&access.recipient)}</span>
                <div>
                    <h3 class="app-name">{access.recipient.clone()}</h3>
                    <p class="muted small">
                        <span class="status">{access.status.clone()}</span>
                        {access.created.clone().map(|d| date(|t| &t.fdx_created, d))}
                        {access.expires.clone().map(|d| date(|t| &t.fdx_expires, d))}
                    </p>
                </div>
            </header>
            <p class="fdx-accounts">{texts.with_value(|t| t.fdx_accounts.clone())} " " {access.accounts.join(", ")}</p>
            <p class="muted small">{texts.with_value(|t| t.fdx_data.clone())} " " {access.clusters.join("; ")}</p>
            {(access.active && !access.all_mine).then(|| view! {
                <p class="muted small other-holder">{texts.with_value(|t| t.fdx_other_holder.clone())}</p>
            })}
            {(access.active && access.all_mine).then(|| view! {
                <div class="app-actions end">
                    <a
                        class="btn danger"
                        id=format!("stop-fdx-{index}")
                        href=confirm_href("consent_id", &access.consent_id)
                        aria-label=label
                        aria-haspopup="dialog"
                        on:click=on_stop
                    >
                        {texts.with_value(|t| t.fdx_revoke.clone())}
                    </a>
                </div>
            })}
        </li>
    }
}

/// `template` split around `marker`: the text before and after it.
fn split_at(template: &str, marker: &str) -> (String, String) {
    match template.split_once(marker) {
        Some((before, after)) => (before.to_string(), after.to_string()),
        None => (template.to_string(), String::new()),
    }
}
