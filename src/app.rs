//! The page: its title, the top bar, the screen and the language switcher (the document
//! around it is written by the server, `routes::render`).

use crate::i18n::{self, t, Locale};
use crate::model::{Brand, Here, Page};
use crate::pages::{
    CdrArrangementPage, ConsentPage, ConsolePage, ConsoleRecordPage, ConsoleSignedOutPage, DomesticPaymentPage,
    ErrorPage, FdxConsentPage, HomePage, ObukConsentPage, PortalPage, RevokePage, SignedOutPage,
};
use leptos::prelude::*;

/// The page's `<title>`, before the brand name: a form sent back with a notice says so first,
/// and each console page names what it shows.
pub fn title(page: &Page) -> String {
    use crate::i18n::t_args;
    let base = match page {
        Page::Console(view) if view.results.is_some() => {
            format!("{} · {}", t_args("console-results-title", &[("query", &view.query)]), t("console-title"))
        }
        Page::ConsoleRecord(view) => {
            let record = &view.record;
            let who = if record.customer.is_empty() { &record.subject } else { &record.customer };
            let of = [("customer", who.as_str()), ("client", record.client.as_str())];
            format!("{} · {}", t_args("console-record-title", &of), t("console-title"))
        }
        _ => screen_title(page),
    };
    let sent_back = match page {
        Page::Consent(_, n)
        | Page::FdxConsent(_, n)
        | Page::ObukConsent(_, n)
        | Page::CdrArrangement(_, n)
        | Page::DomesticPayment(_, n) => n.is_some(),
        _ => false,
    };
    if sent_back {
        t_args("title-error", &[("title", &base)])
    } else {
        base
    }
}

fn screen_title(page: &Page) -> String {
    match page {
        Page::Home(_) => t("home-title").into(),
        Page::FdxConsent(..) => t("fdx-page-title").into(),
        Page::ObukConsent(..) => t("obuk-page-title").into(),
        Page::CdrArrangement(..) => t("cdr-page-title").into(),
        Page::DomesticPayment(..) => t("payment-page-title").into(),
        Page::Consent(..) => t("consent-page-title").into(),
        Page::Portal(_) | Page::PortalSignedOut(_) => t("portal-title").into(),
        // Stopping a consent's sharing, or revoking an application's access.
        Page::Revoke(view) if view.consent_id.is_some() => t("stop-page-title").into(),
        Page::Revoke(_) => t("revoke-page-title").into(),
        Page::Console(_) | Page::ConsoleRecord(_) | Page::ConsoleSignedOut(_) => t("console-title").into(),
        Page::Error(e, _) => e.title.clone(),
    }
}

/// The page: top bar, the screen, and the language switcher.
#[component]
pub fn App(page: Page, brand: Brand) -> impl IntoView {
    view! {
        <a class="skip" href="#main">{t("skip-to-content")}</a>
        <header class="topbar">
            <a class="brand" href="/">
                {brand.logo.map(|src| view! { <img class="brand-logo" src=src alt="" height="28"/> })}
                <span>{brand.name}</span>
            </a>
        </header>
        <main id="main" tabindex="-1">
            {match page {
                Page::Home(home) => view! { <HomePage home/> }.into_any(),
                Page::Consent(view, notice) => view! { <ConsentPage view=*view notice/> }.into_any(),
                Page::FdxConsent(view, notice) => view! { <FdxConsentPage view=*view notice/> }.into_any(),
                Page::ObukConsent(view, notice) => view! { <ObukConsentPage view=*view notice/> }.into_any(),
                Page::CdrArrangement(view, notice) => view! { <CdrArrangementPage view=*view notice/> }.into_any(),
                Page::DomesticPayment(view, notice) => {
                    view! { <DomesticPaymentPage view=*view notice/> }.into_any()
                }
                Page::Portal(view) => view! { <PortalPage view=*view/> }.into_any(),
                Page::PortalSignedOut(view) => view! { <SignedOutPage view/> }.into_any(),
                Page::Revoke(view) => view! { <RevokePage view/> }.into_any(),
                Page::Console(view) => view! { <ConsolePage view=*view/> }.into_any(),
                Page::ConsoleRecord(view) => view! { <ConsoleRecordPage view=*view/> }.into_any(),
                Page::ConsoleSignedOut(view) => view! { <ConsoleSignedOutPage view/> }.into_any(),
                Page::Error(error, onward) => view! { <ErrorPage error onward/> }.into_any(),
            }}
        </main>
        <LanguageSwitcher/>
    }
}

/// Buttons, one per language, that post the choice (remembered in a cookie) and come back
/// to this page. Works without JavaScript.
#[component]
fn LanguageSwitcher() -> impl IntoView {
    let current = i18n::current();
    let here = use_context::<Here>().map(|h| h.0).unwrap_or_else(|| "/".into());
    view! {
        <footer class="footer">
            <form method="post" action="/lang" class="lang-switch">
                <input type="hidden" name="next" value=here/>
                <fieldset>
                    <legend>{t("language")}</legend>
                    {Locale::ALL
                        .into_iter()
                        .map(|l| {
                            let selected = l == current;
                            view! {
                                <button
                                    type="submit"
                                    name="lang"
                                    value=l.tag()
                                    lang=l.tag()
                                    class="link-button"
                                    aria-pressed=if selected { "true" } else { "false" }
                                >
                                    {l.native_name()}
                                </button>
                            }
                        })
                        .collect_view()}
                </fieldset>
            </form>
        </footer>
    }
}
