//! The consent screens (generic, FDX, UK account access and domestic payment, CDR arrangement, by
//! `consent_type`): `GET /consent`, and the same screen again, with what was wrong, when a
//! plain form (no JavaScript) allowed without choosing anything.

use super::pages::{carry_over, field, query_of};
use super::render::render;
use super::respond::{count, failure_page, failure_page_onward};
use crate::api::{
    self, cdr::load_cdr_arrangement, consent::load_consent, fdx::load_fdx_consent, obuk::load_obuk_consent,
    obuk_payment::load_domestic_payment,
};
use crate::error::{AppError, Failure};
use crate::model::{Onward, Page};
use crate::request::wants_html;
use crate::server::AppState;
use axum::{
    body::{to_bytes, Body, Bytes},
    extract::{Request, State},
    http::{header, request::Parts, HeaderMap, StatusCode},
    middleware::Next,
    response::Response,
};
use leptos::server_fn::error::{FromServerFnError, SERVER_FN_ERROR_HEADER};
use leptos::server_fn::ServerFn as _;

/// The largest answer of a server function this reads back: an error is a few hundred bytes.
const MAX_ERROR: usize = 64 * 1024;

/// Which consent screen a flow gets: its `consent_type` (reference §0.2); none is the generic
/// scope grant's.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    ScopeGrant,
    Fdx,
    AccountAccess,
    CdrArrangement,
    DomesticPayment,
}

impl Kind {
    /// `None` for a kind Assent has no screen for: Open Banking Brasil's `consents` and
    /// `payments`, the UK's other payments (`domestic_scheduled_payment`, `file_payment`, …),
    /// any other. Only a flow that names no kind is a scope grant: shown as one, a payment
    /// would be asked for without its amount or payee.
    fn of(consent_type: Option<&str>) -> Option<Self> {
        Some(match consent_type {
            None | Some("") => Kind::ScopeGrant,
            Some("fdx") => Kind::Fdx,
            Some(crate::wire::obuk::ACCOUNT_ACCESS) => Kind::AccountAccess,
            Some(crate::wire::cdr::CDR_ARRANGEMENT) => Kind::CdrArrangement,
            Some(crate::wire::obuk_payment::DOMESTIC_PAYMENT) => Kind::DomesticPayment,
            Some(_) => return None,
        })
    }

    /// The kind whose decision posts to `path`.
    fn of_decision(path: &str) -> Self {
        if path == crate::api::fdx::DecideFdxConsent::PATH {
            Kind::Fdx
        } else if path == crate::api::obuk::DecideObukConsent::PATH {
            Kind::AccountAccess
        } else if path == crate::api::cdr::DecideCdrArrangement::PATH {
            Kind::CdrArrangement
        } else if path == crate::api::obuk_payment::DecideDomesticPayment::PATH {
            Kind::DomesticPayment
        } else {
            Kind::ScopeGrant
        }
    }
}

/// `GET /consent?login_id=…&login_state=…[&consent_type=fdx|account_access|domestic_payment|cdr_arrangement]`:
/// the consent screen.
pub async fn consent(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let query = query_of(&parts.uri);
    let (Some(login_id), Some(login_state)) = (field(&query, "login_id"), field(&query, "login_state")) else {
        return failure_page(&state, &parts.uri, AppError::new(Failure::LinkIncomplete)).await;
    };
    let consent_type = field(&query, "consent_type");
    let Some(kind) = Kind::of(consent_type.as_deref()) else {
        let consent_type: Option<String> = consent_type.map(|t| t.chars().take(64).collect());
        tracing::warn!(?consent_type, "a kind of consent Assent has no screen for");
        return failure_page(&state, &parts.uri, AppError::new(Failure::ConsentTypeUnsupported)).await;
    };
    // An Open Banking consent where no bank is configured: its read would be refused (the
    // System token lacks the scope), which would read as the authorization server's fault.
    if kind != Kind::ScopeGrant && !state.upstream.serves_open_banking() {
        tracing::warn!(
            ?consent_type,
            "an Open Banking consent arrived, but Assent serves none (its System token is not asked for \
             manage_openbanking_consents): set BANK_URL or a workspace's bank_url, and keep that scope in SYSTEM_SCOPES"
        );
        return failure_page(&state, &parts.uri, AppError::new(Failure::ConsentTypeUnsupported)).await;
    }
    consent_screen(&state, parts, login_id, login_state, kind, None).await
}

/// A plain form sent back: what was wrong, and what it had ticked.
struct SentBack {
    notice: String,
    /// Its `scope[]` and `account[]`.
    scopes: Vec<String>,
    accounts: Vec<String>,
}

impl SentBack {
    fn of(notice: String, form: &Bytes) -> Self {
        let (mut scopes, mut accounts) = (Vec::new(), Vec::new());
        for (name, value) in url::form_urlencoded::parse(form) {
            match name.as_ref() {
                "scope[]" => scopes.push(value.into_owned()),
                "account[]" => accounts.push(value.into_owned()),
                _ => {}
            }
        }
        SentBack { notice, scopes, accounts }
    }

    /// `page` ticked as the form was: its permissions (a required one stays ticked) and the
    /// accounts that can still be shared. Nothing the user unticked comes back ticked.
    fn tick(&self, page: &mut Page) {
        let accounts = match page {
            Page::Consent(view, _) => {
                for scope in view.groups.iter_mut().flat_map(|g| g.scopes.iter_mut()) {
                    scope.ticked = scope.required || self.scopes.contains(&scope.name);
                }
                &mut view.accounts
            }
            Page::FdxConsent(view, _) => &mut view.accounts,
            Page::ObukConsent(view, _) => &mut view.accounts,
            Page::CdrArrangement(view, _) => &mut view.accounts,
            // A payment's form has one account to pay from, and is sent back only without one.
            _ => return,
        };
        for account in accounts {
            account.chosen = account.unavailable.is_none() && self.accounts.contains(&account.id);
        }
    }
}

/// The consent screen of one flow; one `sent_back` says what was wrong above its form (with
/// 422) and is ticked as it was sent.
async fn consent_screen(
    state: &AppState,
    parts: Parts,
    login_id: String,
    login_state: String,
    kind: Kind,
    sent_back: Option<SentBack>,
) -> Response {
    let uri = parts.uri.clone();
    let status = if sent_back.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let notice = sent_back.as_ref().map(|s| s.notice.clone());
    let (page, options) = match kind {
        Kind::Fdx => {
            let (view, options) = api::run(state, parts, load_fdx_consent(login_id, login_state)).await;
            (view.map(|v| Page::FdxConsent(Box::new(v), notice)), options)
        }
        Kind::AccountAccess => {
            let (view, options) = api::run(state, parts, load_obuk_consent(login_id, login_state)).await;
            (view.map(|v| Page::ObukConsent(Box::new(v), notice)), options)
        }
        Kind::CdrArrangement => {
            let (view, options) = api::run(state, parts, load_cdr_arrangement(login_id, login_state)).await;
            (view.map(|v| Page::CdrArrangement(Box::new(v), notice)), options)
        }
        Kind::DomesticPayment => {
            let (view, options) = api::run(state, parts, load_domestic_payment(login_id, login_state)).await;
            (view.map(|v| Page::DomesticPayment(Box::new(v), notice)), options)
        }
        Kind::ScopeGrant => {
            let (view, options) = api::run(state, parts, load_consent(login_id, login_state)).await;
            (view.map(|v| Page::Consent(Box::new(v), notice)), options)
        }
    };
    let response = match page {
        Ok(mut page) => {
            if let Some(sent) = &sent_back {
                sent.tick(&mut page);
            }
            render(state, &uri, status, page).await
        }
        Err(e) => failure_page(state, &uri, e).await,
    };
    carry_over(response, &options)
}

/// Around the five decisions' server functions: a plain form that allowed with nothing chosen
/// gets its consent screen again, saying so (422), ticked as it was sent, instead of an error
/// page. An island shows the same words in place by itself.
pub async fn form_again(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(form) = to_bytes(body, MAX_ERROR).await else {
        return failure_page(&state, &parts.uri, AppError::new(Failure::FormIncomplete)).await;
    };
    let response = next.run(Request::from_parts(parts.clone(), Body::from(form.clone()))).await;
    if !response.headers().contains_key(SERVER_FN_ERROR_HEADER) || !wants_html(&parts.headers) {
        return response;
    }
    let (answer, body) = response.into_parts();
    let bytes = to_bytes(body, MAX_ERROR).await.unwrap_or_default();
    let error = AppError::de(bytes.clone());
    if error.failure == Failure::Unanswered {
        let onward = Onward::SendAgain { action: parts.uri.path().to_string(), fields: sent_again(&form) };
        return with_cookies(failure_page_onward(&state, &parts.uri, error, onward).await, &answer.headers);
    }
    let (true, Some((login_id, login_state))) = (
        matches!(
            error.failure,
            Failure::NothingChosen
                | Failure::NoAccountChosen
                | Failure::AccountsWithoutPermission
                | Failure::NoPayerChosen
                | Failure::AccountUnavailable
        ),
        flow_of(&form),
    ) else {
        return Response::from_parts(answer, Body::from(bytes));
    };
    count(&state, &error);
    let kind = Kind::of_decision(parts.uri.path());
    let sent = SentBack::of(error.message, &form);
    let page = consent_screen(&state, parts, login_id, login_state, kind, Some(sent)).await;
    with_cookies(page, &answer.headers)
}

/// Adds the `Set-Cookie`s of `from` (a fresh CSRF cookie) to `response`.
fn with_cookies(mut response: Response, from: &HeaderMap) -> Response {
    for value in from.get_all(header::SET_COOKIE) {
        response.headers_mut().append(header::SET_COOKIE, value.clone());
    }
    response
}

/// What a decision whose answer was lost is sent again with: the form as the user sent it, its
/// choice included. While the server keeps what went out (about a minute), that copy goes out
/// again under the same key; after that, the same choice is a decision afresh, never a
/// narrower one (an Allow with no scope ticked would grant only what cannot be unticked).
fn sent_again(form: &Bytes) -> Vec<(String, String)> {
    url::form_urlencoded::parse(form).into_owned().collect()
}

/// The flow a consent form was about.
fn flow_of(form: &Bytes) -> Option<(String, String)> {
    let mut login_id = None;
    let mut login_state = None;
    for (k, v) in url::form_urlencoded::parse(form) {
        match k.as_ref() {
            "login_id" => login_id = Some(v.into_owned()),
            "login_state" => login_state = Some(v.into_owned()),
            _ => {}
        }
    }
    Some((login_id?, login_state?))
}
