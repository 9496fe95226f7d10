//! Scope grants on the consent screen: what a consent request becomes on the page, and what a
//! decision sends back. Nothing sensitive comes from the form: the request is fetched again on
//! submit and only scopes it asked for are granted. The calls themselves are the server
//! functions of `crate::api::consent`.

use super::present::{clean_text, client_view, code_label, unverified, user_of};
use crate::i18n;
use crate::model::{ClientView, ConsentView, ScopeGroup, ScopeView, Unverified};
use crate::request;
use crate::wire::ScopeGrantSession;

/// Scopes that cannot be unticked when requested.
const REQUIRED_SCOPES: &[&str] = &["openid"];

/// The authorization request's `ui_locales` picks the language unless the user chose one.
pub fn hint_locale(session: &ScopeGrantSession) {
    if let Some(list) = session.request_query_params.get("ui_locales").and_then(|v| v.first()) {
        request::hint_ui_locales(list);
    }
}

/// Where the authorization server sends the user's answer: the `redirect_uri` it says the
/// request asked for, else the one in the request's query. Not the query's when the request
/// came signed or pushed (`request`, `request_uri`): the request object's then counts, and the
/// query may say anything.
fn redirect_uri(session: &ScopeGrantSession) -> Option<&str> {
    let given = |u: &&String| !u.is_empty();
    let query = &session.request_query_params;
    let by_object = query.contains_key("request") || query.contains_key("request_uri");
    let asked = || query.get("redirect_uri").and_then(|v| v.first()).filter(given).filter(|_| !by_object);
    session.requested_redirect_uri.as_ref().filter(given).or_else(asked).map(String::as_str)
}

/// What the consent screen warns about where the application gets its answer, if anything
/// (C-31): the screen shows it, and the consent's record keeps it.
pub fn warning(session: &ScopeGrantSession, assent_on_loopback: bool) -> Option<Unverified> {
    redirect_uri(session).and_then(|uri| unverified(uri, assent_on_loopback))
}

/// The scope string to send back in `granted_scopes`.
fn grant_name(s: &crate::wire::RequestedScope) -> &str {
    s.requested_name.as_deref().unwrap_or(&s.name)
}

/// What the user grants: the ticked scopes that were requested, plus required and implicit
/// ones. `None` when nothing at all would be granted.
pub fn granted_scopes(session: &ScopeGrantSession, ticked: &[String]) -> Option<Vec<String>> {
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

/// What the screen offered: the scopes the user could tick or untick (implicit ones are
/// granted unsaid), as `granted_scopes` names them.
pub fn offered_scopes(session: &ScopeGrantSession) -> Vec<String> {
    session.requested_scopes.iter().filter(|s| !s.implicit).map(|s| grant_name(s).to_string()).collect()
}

/// The names the consent request gives `scopes` (those with a name besides the scope's own),
/// as the screen shows them, for the consent's record: what the user read is what the record
/// says (an implicit scope, granted unshown, keeps the name the server gives it).
pub fn shown_names(session: &ScopeGrantSession, scopes: &[String]) -> std::collections::BTreeMap<String, String> {
    session
        .requested_scopes
        .iter()
        .filter(|s| scopes.iter().any(|g| g == grant_name(s)))
        .map(|s| (grant_name(s).to_string(), shown_name(s)))
        .filter(|(scope, name)| scope != name)
        .collect()
}

/// A scope's name as the screen shows it: its display name, else its own.
fn shown_name(scope: &crate::wire::RequestedScope) -> String {
    scope.display_name.as_deref().map(clean_text).filter(|d| !d.is_empty()).unwrap_or_else(|| clean_text(&scope.name))
}

/// Whether a requested scope shares accounts: its name, or the name it is granted by (a
/// parameterised scope's, `accounts.1234`), is one of `account_scopes`.
fn shares_accounts(scope: &crate::wire::RequestedScope, account_scopes: &[String]) -> bool {
    account_scopes.iter().any(|a| a == &scope.name || a == grant_name(scope))
}

/// Whether the request asks for a scope that shares accounts (`account_scopes`).
pub fn asks_for_accounts(session: &ScopeGrantSession, account_scopes: &[String]) -> bool {
    session.requested_scopes.iter().any(|s| shares_accounts(s, account_scopes))
}

/// Whether `granted` (as [`granted_scopes`] names them) includes a requested scope that
/// shares accounts.
pub fn grants_accounts(session: &ScopeGrantSession, granted: &[String], account_scopes: &[String]) -> bool {
    session
        .requested_scopes
        .iter()
        .any(|s| shares_accounts(s, account_scopes) && granted.iter().any(|g| g == grant_name(s)))
}

/// How a workspace's consent screen is set.
pub struct Screen<'a> {
    /// The scopes that share accounts (its bank's `ACCOUNT_SCOPES`).
    pub account_scopes: &'a [String],
    /// Whether Assent itself is served on loopback (no warning for a loopback application).
    pub assent_on_loopback: bool,
    /// Whether the optional scopes start ticked (`preselect` in `ASSENT_CONFIG`).
    pub preselect: bool,
}

pub fn consent_view(
    session: &ScopeGrantSession,
    login_id: String,
    login_state: String,
    csrf_token: String,
    accounts: Vec<crate::wire::InternalAccount>,
    screen: Screen<'_>,
) -> ConsentView {
    let Screen { account_scopes, assent_on_loopback, preselect } = screen;
    let user = user_of(&session.authentication_context, &session.subject);
    let mut groups: Vec<ScopeGroup> = Vec::new();
    for scope in session.requested_scopes.iter().filter(|s| !s.implicit) {
        let service = scope
            .service
            .as_ref()
            .map(|s| clean_text(&s.name))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| i18n::text(request::locale(), "other-permissions", &[]));
        let required = REQUIRED_SCOPES.contains(&scope.name.as_str());
        let granted = session.granted_scopes.iter().any(|g| g == grant_name(scope) || *g == scope.name);
        let view = ScopeView {
            name: grant_name(scope).to_string(),
            display_name: shown_name(scope),
            description: scope.description.as_deref().map(clean_text).filter(|d| !d.is_empty()),
            required,
            ticked: required || granted || preselect,
            granted,
            shares_accounts: !accounts.is_empty() && shares_accounts(scope, account_scopes),
        };
        match groups.iter_mut().find(|g| g.service == service) {
            Some(g) => g.scopes.push(view),
            None => groups.push(ScopeGroup { service, scopes: vec![view] }),
        }
    }
    ConsentView {
        login_id,
        login_state,
        workspace: session.server_id.clone(),
        csrf_token,
        client: ClientView {
            unverified: warning(session, assent_on_loopback),
            ..client_view(&session.client_info, &session.client_id)
        },
        user,
        groups,
        claims: session
            .requested_claims_to_consent
            .iter()
            .map(|c| code_label(request::locale(), "claim-", c))
            .collect(),
        accounts: super::fdx::account_views(accounts, super::present::Use::Share, request::locale()),
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
    fn the_answer_goes_where_the_server_says_else_where_the_query_says_unless_the_request_was_signed() {
        let query = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), vec![v.to_string()])).collect();
        let session = |requested: Option<&str>, pairs: &[(&str, &str)]| ScopeGrantSession {
            requested_redirect_uri: requested.map(str::to_string),
            request_query_params: query(pairs),
            ..Default::default()
        };
        let asked = [("redirect_uri", "http://127.0.0.1:9/cb")];
        assert_eq!(redirect_uri(&session(Some("com.app:/cb"), &asked)), Some("com.app:/cb"));
        assert_eq!(
            redirect_uri(&session(Some(""), &asked)),
            Some("http://127.0.0.1:9/cb"),
            "an empty one says nothing"
        );
        assert_eq!(redirect_uri(&session(None, &asked)), Some("http://127.0.0.1:9/cb"));
        let pushed =
            [("redirect_uri", "https://decoy.example/cb"), ("request_uri", "urn:ietf:params:oauth:request_uri:x")];
        assert_eq!(redirect_uri(&session(None, &pushed)), None, "a pushed request's query may say anything");
        assert_eq!(redirect_uri(&session(Some("http://127.0.0.1:9/cb"), &pushed)), Some("http://127.0.0.1:9/cb"));
        let signed = [("redirect_uri", "https://decoy.example/cb"), ("request", "eyJ…")];
        assert_eq!(redirect_uri(&session(None, &signed)), None);
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
    fn a_parameterised_scope_that_shares_accounts_shares_them_under_the_name_it_is_granted_by() {
        let accounts = RequestedScope { requested_name: Some("accounts.1234".into()), ..scope("accounts") };
        let session = ScopeGrantSession { requested_scopes: vec![scope("openid"), accounts], ..Default::default() };
        let account_scopes = ["accounts".to_string()];
        assert!(asks_for_accounts(&session, &account_scopes));
        let granted = granted_scopes(&session, &["accounts.1234".into()]).unwrap();
        assert_eq!(granted, ["openid", "accounts.1234"]);
        assert!(grants_accounts(&session, &granted, &account_scopes));
        assert!(!grants_accounts(&session, &["openid".into()], &account_scopes));
        let own = [crate::wire::InternalAccount { id: "A1".into(), ..Default::default() }];
        let screen = Screen { account_scopes: &account_scopes, assent_on_loopback: false, preselect: true };
        let view = consent_view(&session, "l".into(), "s".into(), "t".into(), own.to_vec(), screen);
        let shares: Vec<_> = view.groups.iter().flat_map(|g| &g.scopes).filter(|s| s.shares_accounts).collect();
        assert_eq!(shares.len(), 1);
        assert_eq!(shares[0].name, "accounts.1234");
    }

    #[test]
    fn standard_claims_are_named_in_words_and_others_as_asked() {
        let session = ScopeGrantSession {
            requested_claims_to_consent: vec!["email".into(), "phone_number".into(), "x_tier".into()],
            ..Default::default()
        };
        let screen = Screen { account_scopes: &[], assent_on_loopback: false, preselect: true };
        let view = consent_view(&session, "l".into(), "s".into(), "t".into(), Vec::new(), screen);
        assert_eq!(view.claims, ["your email address", "your phone number", "x_tier"]);
    }
}
