//! `GET /consent` shows a consent request; `POST /consent` decides it. Both work without
//! JavaScript. Nothing sensitive comes from the form: the request is fetched again on
//! submit and only scopes it asked for are granted.

use super::observe::{self, ErrorKind};
use super::render::{render, Page};
use super::upstream::UpstreamError;
use super::AppState;
use crate::i18n;
use crate::model::{ClientView, ConsentView, PageError, ScopeGroup, ScopeView};
use crate::wire::{AcceptScopeGrant, RedirectTo, RejectScopeGrant, ScopeGrantSession};
use axum::{
    body::Bytes,
    extract::{RawQuery, State},
    http::{header, HeaderMap, StatusCode, Uri},
    response::{IntoResponse, Redirect, Response},
};

pub(super) const CSRF_PURPOSE: &str = "consent";
/// Scopes that cannot be unticked when requested.
const REQUIRED_SCOPES: &[&str] = &["openid"];

/// `login_id` and `login_state` as the authorization server makes them: short, URL-safe.
pub(super) fn valid_handle(s: &str) -> bool {
    (1..=128).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
}

struct ConsentForm {
    login_id: String,
    login_state: String,
    csrf_token: String,
    decision: String,
    scopes: Vec<String>,
    /// `fdx` for an Open Finance consent.
    kind: Option<String>,
    /// The accounts ticked on an FDX consent.
    accounts: Vec<String>,
}

pub(super) fn parse_pairs(raw: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

pub(super) fn field(pairs: &[(String, String)], name: &str) -> Option<String> {
    let mut values = pairs.iter().filter(|(k, _)| k == name);
    let first = values.next()?.1.clone();
    // A repeated single-valued field is ambiguous: refuse it.
    values.next().is_none().then_some(first)
}

/// Renders an error page (title and message are message keys) and counts it.
pub(super) async fn error_page(
    state: &AppState,
    uri: &Uri,
    status: StatusCode,
    kind: ErrorKind,
    title: &str,
    message: &str,
) -> Response {
    state.upstream.metrics().error(kind);
    let error = PageError::new(status, title, message);
    tracing::info!(status = status.as_u16(), title, "error page");
    render(state, uri, status, Page::Error(error)).await
}

pub(super) async fn upstream_failure(state: &AppState, uri: &Uri, e: &UpstreamError) -> Response {
    tracing::warn!(error = %e, "authorization server call failed");
    state.upstream.metrics().error(ErrorKind::of(e));
    let (status, title, message) = match e {
        UpstreamError::Status { status: 404, .. } => {
            (StatusCode::NOT_FOUND, "flow-expired-title", "flow-expired-message")
        }
        UpstreamError::Status { status: 409, .. } => (StatusCode::CONFLICT, "answered-title", "answered-message"),
        UpstreamError::Status { status: 400 | 403 | 422, .. } => {
            (StatusCode::BAD_REQUEST, "refused-title", "refused-message")
        }
        UpstreamError::Status { status: 429, .. } => (StatusCode::SERVICE_UNAVAILABLE, "busy-title", "busy-message"),
        UpstreamError::Timeout => (StatusCode::GATEWAY_TIMEOUT, "timeout-title", "timeout-message"),
        UpstreamError::Status { .. } | UpstreamError::Unreachable(_) | UpstreamError::InvalidBody(_) => {
            (StatusCode::BAD_GATEWAY, "trouble-title", "trouble-message")
        }
    };
    let error = PageError::new(status, title, message);
    let mut response = render(state, uri, status, Page::Error(error)).await;
    if let UpstreamError::Status { retry_after: Some(s), .. } = e {
        if let Ok(v) = s.to_string().parse() {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    response
}

pub async fn show(State(state): State<AppState>, headers: HeaderMap, uri: Uri, RawQuery(query): RawQuery) -> Response {
    let pairs = parse_pairs(query.unwrap_or_default().as_bytes());
    let (Some(login_id), Some(login_state)) = (field(&pairs, "login_id"), field(&pairs, "login_state")) else {
        return error_page(
            &state,
            &uri,
            StatusCode::BAD_REQUEST,
            ErrorKind::BadRequest,
            "link-incomplete-title",
            "link-incomplete-message",
        )
        .await;
    };
    if !valid_handle(&login_id) || !valid_handle(&login_state) {
        return error_page(
            &state,
            &uri,
            StatusCode::BAD_REQUEST,
            ErrorKind::BadRequest,
            "link-invalid-title",
            "link-invalid-message",
        )
        .await;
    }
    if field(&pairs, "consent_type").as_deref() == Some("fdx") {
        return super::fdx::show(&state, &headers, &uri, login_id, login_state).await;
    }
    let session = match state.upstream.scope_grant(&login_id, &login_state).await {
        Ok(s) => s,
        Err(e) => return upstream_failure(&state, &uri, &e).await,
    };
    hint_locale(&session);
    if session.scope_grant_approved || session.scope_grant_rejected {
        return already_answered(&state, &uri).await;
    }
    state.upstream.metrics().consent_views.inc();
    let (browser, set_cookie) = state.csrf.ensure_cookie(&headers);
    let token = state.csrf.token(&browser, CSRF_PURPOSE, &login_id);
    let view = consent_view(&session, login_id, login_state, token);
    let mut response = render(&state, &uri, StatusCode::OK, Page::Consent(Box::new(view), None)).await;
    if let Some(cookie) = set_cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

pub(super) async fn already_answered(state: &AppState, uri: &Uri) -> Response {
    error_page(state, uri, StatusCode::CONFLICT, ErrorKind::NotFound, "answered-title", "answered-message").await
}

pub async fn decide(State(state): State<AppState>, headers: HeaderMap, uri: Uri, body: Bytes) -> Response {
    let pairs = parse_pairs(&body);
    let form = match (
        field(&pairs, "login_id"),
        field(&pairs, "login_state"),
        field(&pairs, "csrf_token"),
        field(&pairs, "decision"),
    ) {
        (Some(login_id), Some(login_state), Some(csrf_token), Some(decision))
            if valid_handle(&login_id) && valid_handle(&login_state) =>
        {
            let kind = field(&pairs, "kind");
            let all = |name: &str| pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect();
            let (scopes, accounts) = (all("scope"), all("account"));
            ConsentForm { login_id, login_state, csrf_token, decision, scopes, kind, accounts }
        }
        _ => {
            return error_page(
                &state,
                &uri,
                StatusCode::BAD_REQUEST,
                ErrorKind::BadRequest,
                "form-incomplete-title",
                "form-incomplete-message",
            )
            .await
        }
    };
    if let Err(why) = state.csrf.verify(&headers, CSRF_PURPOSE, &form.login_id, &form.csrf_token) {
        tracing::warn!(reason = ?why, "consent POST refused by CSRF checks");
        return error_page(
            &state,
            &uri,
            StatusCode::FORBIDDEN,
            ErrorKind::Csrf,
            "form-forged-title",
            "form-forged-message",
        )
        .await;
    }
    if form.kind.as_deref() == Some("fdx") {
        return super::fdx::decide(
            &state,
            &headers,
            &uri,
            form.login_id,
            form.login_state,
            &form.decision,
            form.accounts,
        )
        .await;
    }
    let session = match state.upstream.scope_grant(&form.login_id, &form.login_state).await {
        Ok(s) => s,
        Err(e) => return upstream_failure(&state, &uri, &e).await,
    };
    hint_locale(&session);
    if session.scope_grant_approved || session.scope_grant_rejected {
        return already_answered(&state, &uri).await;
    }
    let metrics = state.upstream.metrics();
    let result = match form.decision.as_str() {
        "allow" => {
            let Some(granted) = granted_scopes(&session, &form.scopes) else {
                let (browser, _) = state.csrf.ensure_cookie(&headers);
                let token = state.csrf.token(&browser, CSRF_PURPOSE, &form.login_id);
                let view = consent_view(&session, form.login_id, form.login_state, token);
                let notice = i18n::text(observe::locale(), "consent-select-one", &[]);
                return render(
                    &state,
                    &uri,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Page::Consent(Box::new(view), Some(notice)),
                )
                .await;
            };
            let body = AcceptScopeGrant {
                id: form.login_id,
                login_state: form.login_state,
                granted_scopes: granted,
                granted_claims: session.requested_claims_to_consent.clone(),
                consent_id: None,
            };
            state.upstream.accept_scope_grant(&body).await.inspect(|_| {
                metrics.accepts.inc();
            })
        }
        "deny" => {
            let body = RejectScopeGrant::user_denied(form.login_id, form.login_state);
            state.upstream.reject_scope_grant(&body).await.inspect(|_| {
                metrics.rejects.inc();
            })
        }
        _ => {
            return error_page(
                &state,
                &uri,
                StatusCode::BAD_REQUEST,
                ErrorKind::BadRequest,
                "form-incomplete-title",
                "form-choose",
            )
            .await
        }
    };
    follow(&state, &uri, result).await
}

/// Sends the browser on to the authorization server's `redirect_to`, only on its origin.
pub(super) async fn follow(state: &AppState, uri: &Uri, result: Result<RedirectTo, UpstreamError>) -> Response {
    match result {
        Ok(next) if is_on_origin(&next.redirect_to, &state.upstream.origin()) => {
            // 303: the browser follows with a GET and never re-sends this form (RFC 9700 §4.12).
            Redirect::to(&next.redirect_to).into_response()
        }
        Ok(_) => {
            tracing::error!("the authorization server answered a redirect_to outside its origin; not followed");
            error_page(
                state,
                uri,
                StatusCode::BAD_GATEWAY,
                ErrorKind::UpstreamStatus,
                "trouble-title",
                "bad-redirect-message",
            )
            .await
        }
        Err(e) => upstream_failure(state, uri, &e).await,
    }
}

/// The authorization request's `ui_locales` picks the language unless the user chose one.
fn hint_locale(session: &ScopeGrantSession) {
    if let Some(list) = session.request_query_params.get("ui_locales").and_then(|v| v.first()) {
        observe::hint_ui_locales(list);
    }
}

/// True when `url` is an absolute http(s) URL on exactly `origin`.
pub fn is_on_origin(url: &str, origin: &str) -> bool {
    url::Url::parse(url)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.origin().ascii_serialization() == origin)
}

/// The scope string to send back in `granted_scopes`.
fn grant_name(s: &crate::wire::RequestedScope) -> &str {
    s.requested_name.as_deref().unwrap_or(&s.name)
}

/// What the user grants: the ticked scopes that were requested, plus required and implicit
/// ones. `None` when nothing at all would be granted.
fn granted_scopes(session: &ScopeGrantSession, ticked: &[String]) -> Option<Vec<String>> {
    let granted: Vec<String> = session
        .requested_scopes
        .iter()
        .filter(|s| {
            s.implicit || REQUIRED_SCOPES.contains(&s.name.as_str()) || ticked.iter().any(|t| t == grant_name(s))
        })
        .map(|s| grant_name(s).to_string())
        .collect();
    (!granted.is_empty()).then_some(granted)
}

/// Removes bidirectional-override and other invisible formatting characters that could make
/// a client-controlled name read differently than it is.
pub(super) fn clean_text(s: &str) -> String {
    s.chars()
        .filter(
            |c| !matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'),
        )
        .filter(|c| !c.is_control() || *c == ' ')
        .collect::<String>()
        .trim()
        .to_string()
}

/// Only `https:` links and images are shown (`http:` for loopback hosts, in development).
pub(super) fn safe_url(s: Option<&String>) -> Option<String> {
    let url = url::Url::parse(s?).ok()?;
    match url.scheme() {
        "https" => Some(url.to_string()),
        "http" if super::config::is_loopback(&url) => Some(url.to_string()),
        _ => None,
    }
}

/// The application as the page shows it: cleaned text, safe links only.
pub(super) fn client_view(info: &crate::wire::ClientInfo, client_id: &str) -> ClientView {
    let name =
        info.client_name.as_deref().map(clean_text).filter(|n| !n.is_empty()).unwrap_or_else(|| clean_text(client_id));
    ClientView {
        name,
        description: info.description.as_deref().map(clean_text).filter(|d| !d.is_empty()),
        logo_uri: safe_url(info.logo_uri.as_ref()),
        client_uri: safe_url(info.client_uri.as_ref()),
        policy_uri: safe_url(info.policy_uri.as_ref()),
        tos_uri: safe_url(info.tos_uri.as_ref()),
    }
}

/// Who is signed in: e-mail, name or subject, in that order of preference.
pub(super) fn user_of(ctx: &serde_json::Map<String, serde_json::Value>, subject: &str) -> String {
    let text = |k: &str| ctx.get(k).and_then(|v| v.as_str()).map(clean_text).filter(|s| !s.is_empty());
    text("email").or_else(|| text("name")).unwrap_or_else(|| clean_text(subject))
}

fn consent_view(session: &ScopeGrantSession, login_id: String, login_state: String, csrf_token: String) -> ConsentView {
    let user = user_of(&session.authentication_context, &session.subject);
    let mut groups: Vec<ScopeGroup> = Vec::new();
    for scope in session.requested_scopes.iter().filter(|s| !s.implicit) {
        let service = scope
            .service
            .as_ref()
            .map(|s| clean_text(&s.name))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| i18n::text(observe::locale(), "other-permissions", &[]));
        let view = ScopeView {
            name: grant_name(scope).to_string(),
            display_name: scope
                .display_name
                .as_deref()
                .map(clean_text)
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| clean_text(&scope.name)),
            description: scope.description.as_deref().map(clean_text).filter(|d| !d.is_empty()),
            required: REQUIRED_SCOPES.contains(&scope.name.as_str()),
        };
        match groups.iter_mut().find(|g| g.service == service) {
            Some(g) => g.scopes.push(view),
            None => groups.push(ScopeGroup { service, scopes: vec![view] }),
        }
    }
    ConsentView {
        login_id,
        login_state,
        csrf_token,
        client: client_view(&session.client_info, &session.client_id),
        user,
        groups,
        claims: session.requested_claims_to_consent.iter().map(|c| clean_text(c)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::RequestedScope;

    fn scope(name: &str) -> RequestedScope {
        RequestedScope { name: name.into(), requested_name: Some(name.into()), ..Default::default() }
    }

    #[test]
    fn only_requested_scopes_are_granted_and_openid_always() {
        let session = ScopeGrantSession {
            requested_scopes: vec![scope("openid"), scope("email"), scope("calendar.read")],
            ..Default::default()
        };
        let granted = granted_scopes(&session, &["email".into(), "admin".into()]).unwrap();
        assert_eq!(granted, ["openid", "email"]);
        let none = ScopeGrantSession { requested_scopes: vec![scope("email")], ..Default::default() };
        assert_eq!(granted_scopes(&none, &[]), None);
    }

    #[test]
    fn redirects_are_followed_only_on_the_issuer_origin() {
        let origin = "https://authz.example.com";
        assert!(is_on_origin("https://authz.example.com/t/w/oauth2/authorize?x=1", origin));
        assert!(!is_on_origin("https://evil.example/authz.example.com", origin));
        assert!(!is_on_origin("https://authz.example.com.evil.example/", origin));
        assert!(!is_on_origin("http://authz.example.com/", origin));
        assert!(!is_on_origin("javascript:alert(1)", origin));
        assert!(!is_on_origin("/relative", origin));
    }

    #[test]
    fn untrusted_text_and_links_are_cleaned() {
        assert_eq!(clean_text("Pay\u{202E}lapyaP\u{0007}"), "PaylapyaP");
        assert_eq!(safe_url(Some(&"javascript:alert(1)".to_string())), None);
        assert_eq!(safe_url(Some(&"http://evil.example/logo.png".to_string())), None);
        assert_eq!(safe_url(Some(&"data:image/png;base64,AAAA".to_string())), None);
        assert!(safe_url(Some(&"https://tpp.example/logo.png".to_string())).is_some());
        assert!(safe_url(Some(&"http://127.0.0.1:3030/logo.svg".to_string())).is_some());
        assert!(!valid_handle("") && !valid_handle("../x") && !valid_handle(&"a".repeat(129)) && !valid_handle("a b"));
        assert!(valid_handle("cavai7d8s9nelp7k792g"));
    }
}
