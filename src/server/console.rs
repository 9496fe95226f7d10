//! The bank staff's console (`/admin`): staff sign in with OpenID Connect at the staff
//! workspace, and only those holding the consent-staff role get a session, of its own kind
//! and under its own cookie; a customer's session never opens it. What the console's pages
//! show of the records is made here; the searches and revocations are the server functions of
//! `crate::api::console`.

use super::config::ConsoleConfig;
use super::portal_auth::{PortalAuth, PortalAuthError, CONSOLE_SCOPES};
use super::present::{clean_text, code_label};
use super::records::{Actor, Record};
use super::sessions::{Kind, Session, StoreError};
use super::AppState;
use crate::cookies::read_cookie;
use crate::error::{AppError, Failure};
use crate::i18n::{text, Locale};
use crate::model::{HistoryLine, StaffRecordLine};
use axum::http::{HeaderMap, HeaderValue};

/// The purpose of the console's sign-in form token.
pub const LOGIN_PURPOSE: &str = "console-login";
/// The purpose of the signed-in console's form tokens, bound to the staff session.
pub const CONSOLE_PURPOSE: &str = "console";
/// The most records one search shows.
pub const SEARCH_LIMIT: usize = 200;

/// The console's sign-in and the roles that open it.
pub struct Console {
    pub auth: PortalAuth,
    role_claim: String,
    /// Opens every workspace's records (`STAFF_ROLE`).
    role: String,
    /// Each workspace's own staff role (`staff_role` in `ASSENT_CONFIG`): its records only.
    workspace_roles: Vec<(String, String)>,
}

/// Whose records a staff member may search, read and revoke: every workspace's, or only these.
/// A staff session keeps it as `Option<Vec<String>>` (`None`: every workspace's).
pub type Reach = Option<Vec<String>>;

/// Whether `workspace`'s records are within `reach`.
pub fn reaches(reach: &Reach, workspace: &str) -> bool {
    reach.as_ref().is_none_or(|only| only.iter().any(|w| w == workspace))
}

impl Console {
    /// `workspace_roles`: each workspace with a staff role of its own, and that role.
    pub fn new(
        config: &ConsoleConfig,
        workspace_roles: Vec<(String, String)>,
        issuer: &url::Url,
        origin: &str,
    ) -> Result<Self, PortalAuthError> {
        Ok(Self {
            auth: PortalAuth::new(&config.client, issuer, format!("{origin}/admin/callback"), CONSOLE_SCOPES)?,
            role_claim: config.role_claim.clone(),
            role: config.role.clone(),
            workspace_roles,
        })
    }

    /// What a verified ID token's claims open: every workspace's records with the staff role,
    /// the workspaces whose own staff role they hold otherwise, and nothing (`None`) without
    /// either. The role claim is a list of roles, or one string of space-separated roles.
    pub fn reach(&self, claims: &serde_json::Map<String, serde_json::Value>) -> Option<Reach> {
        reach_of(&roles_in(claims, &self.role_claim), &self.role, &self.workspace_roles)
    }
}

/// The roles `claim` lists: an array of strings, or one string of space-separated roles.
fn roles_in<'a>(claims: &'a serde_json::Map<String, serde_json::Value>, claim: &str) -> Vec<&'a str> {
    match claims.get(claim) {
        Some(serde_json::Value::Array(roles)) => roles.iter().filter_map(|r| r.as_str()).collect(),
        Some(serde_json::Value::String(roles)) => roles.split_whitespace().collect(),
        _ => Vec::new(),
    }
}

/// What `roles` open: everything with the `global` role, else the workspaces whose own role
/// they hold, else nothing.
fn reach_of(roles: &[&str], global: &str, workspace_roles: &[(String, String)]) -> Option<Reach> {
    if roles.contains(&global) {
        return Some(None);
    }
    let only: Vec<String> =
        workspace_roles.iter().filter(|(_, role)| roles.contains(&role.as_str())).map(|(w, _)| w.clone()).collect();
    (!only.is_empty()).then_some(Some(only))
}

pub fn session_cookie(state: &AppState) -> &'static str {
    if state.csrf.is_secure() {
        "__Host-assent-console"
    } else {
        "assent-console"
    }
}

/// The `Set-Cookie` that clears the staff session's cookie.
pub fn clear_session_cookie(state: &AppState) -> Option<HeaderValue> {
    crate::cookies::cookie_header(session_cookie(state), "", 0, "Lax", state.csrf.is_secure())
}

pub fn state_cookie(state: &AppState) -> &'static str {
    if state.csrf.is_secure() {
        "__Host-assent-console-state"
    } else {
        "assent-console-state"
    }
}

/// The signed-in staff member's live session, if any, with its cookie value. Only a staff
/// session opens the console.
pub async fn current_staff(state: &AppState, headers: &HeaderMap) -> Result<Option<(String, Session)>, StoreError> {
    let Some(id) = read_cookie(headers, session_cookie(state)) else { return Ok(None) };
    let session = state.sessions.get(id).await?.filter(|s| s.kind == Kind::Staff);
    Ok(session.map(|session| (id.to_string(), session)))
}

/// What the authorization server says of a staff member now (userinfo, with their own token).
#[derive(Debug, PartialEq)]
pub enum Standing {
    /// Staff, reaching this far.
    Staff(Reach),
    /// No staff role; `named`: whether the answer carried the role claim at all (a server that
    /// never releases it at userinfo shuts every staff member out, which its operator must hear).
    NoRole { named: bool },
    /// The token is refused (revoked, or expired).
    TokenRefused,
}

impl Console {
    /// The standing of `subject`, holder of `access_token`, read now at userinfo.
    pub async fn standing(
        &self,
        http: &reqwest::Client,
        access_token: &str,
        subject: &str,
    ) -> Result<Standing, PortalAuthError> {
        Ok(match self.auth.userinfo(http, access_token, subject).await? {
            None => Standing::TokenRefused,
            Some(claims) => match self.reach(&claims) {
                Some(reach) => Standing::Staff(reach),
                None => Standing::NoRole { named: claims.contains_key(&self.role_claim) },
            },
        })
    }

    /// Says in the log why `standing` is not a staff member's, when it is the server's setup.
    fn explain(&self, standing: &Standing) {
        if *standing == (Standing::NoRole { named: false }) {
            let claim = &self.role_claim;
            tracing::warn!(claim, "userinfo names no staff role: it must release the role claim, as the ID token does");
        }
    }
}

/// The staff member of `session` (its cookie value `id`) as the authorization server sees them
/// now. Their roles are read again from userinfo with their own token at every request, so that
/// a role taken away, or narrowed to one bank's, closes the console or those records at once
/// rather than when the session ends (at most 8 hours on).
/// - A token the server no longer takes (revoked, or expired) ends the session (`SessionEnded`:
///   signing in again), and so does a role gone (`NotStaff`); a session that cannot be deleted
///   is logged, and refused all the same.
/// - An answer without the role claim says no role: the server must release it at userinfo as
///   in the ID token (a warning says so).
/// - A server that does not answer keeps the console closed for this request (502): it never
///   opens on an old word.
pub async fn still_staff(state: &AppState, id: &str, mut session: Session) -> Result<Session, AppError> {
    let Some(console) = &state.console else { return Err(Failure::NotFound.into()) };
    let http = state.upstream.http();
    let standing = console.standing(http, &session.access_token, &session.subject).await.map_err(|e| {
        tracing::warn!(error = %e, "a staff member's roles could not be read again: the console stays closed");
        AppError::new(Failure::UpstreamUnreachable)
    })?;
    let ended = match standing {
        Standing::Staff(reach) => {
            session.reach = reach;
            return Ok(session);
        }
        Standing::TokenRefused => Failure::SessionEnded,
        Standing::NoRole { .. } => Failure::NotStaff,
    };
    console.explain(&standing);
    tracing::warn!(?standing, "a staff session ends: the authorization server no longer says its holder is staff");
    if let Err(e) = state.sessions.delete(id).await {
        tracing::warn!(error = %e, "could not delete an ended staff session");
    }
    // Its token ends with it, as a sign-out's does (one refused already is dead).
    if ended == Failure::NotStaff {
        if let Err(e) = console.auth.revoke(http, &session.access_token).await {
            tracing::warn!(error = %e, "could not revoke the token of an ended staff session");
        }
    }
    Err(ended.into())
}

/// Whether a sign-in whose ID token opens the console (`subject`, `access_token`) can be read
/// again at userinfo, as every request will: else the staff member would be signed in and shut
/// out at once, page after page. `Ok(())`, or why not, with the cause in the log.
pub async fn check_userinfo(
    console: &Console,
    http: &reqwest::Client,
    access_token: &str,
    subject: &str,
) -> Result<(), AppError> {
    let standing = console.standing(http, access_token, subject).await.map_err(|e| {
        tracing::warn!(error = %e, "a staff sign-in could not read userinfo: refused");
        AppError::new(Failure::SignInUnavailable)
    })?;
    match standing {
        Standing::Staff(_) => Ok(()),
        Standing::NoRole { named: true } => {
            tracing::warn!("a staff sign-in whose role userinfo no longer lists: refused");
            Err(Failure::NotStaff.into())
        }
        refused => {
            console.explain(&refused);
            if refused == Standing::TokenRefused {
                tracing::warn!("userinfo refuses the staff token just issued: the console cannot read the role again");
            }
            Err(Failure::SignInFailed.into())
        }
    }
}

fn date(t: i64) -> Option<(String, String)> {
    chrono::DateTime::from_timestamp(t, 0).and_then(|d| super::present::format_date(&d.to_rfc3339()))
}

fn date_time(t: i64) -> Option<(String, String)> {
    chrono::DateTime::from_timestamp(t, 0).and_then(|d| super::present::format_date_time(&d.to_rfc3339()))
}

/// One record as a line of the console's results; `bank` names its workspace's bank.
pub fn record_line(record: &Record, bank: String, locale: Locale) -> StaffRecordLine {
    let d = &record.draft;
    StaffRecordLine {
        id: record.id.clone(),
        bank,
        client: clean_text(&d.client_name),
        client_id: clean_text(&d.client_id),
        subject: clean_text(&d.subject),
        customer: d.customer.as_deref().map(clean_text).unwrap_or_default(),
        status: super::present::record_status(locale, record),
        active: record.is_active(),
        given: date(record.created_at),
        declined: record.status_now() == crate::server::records::Status::Rejected,
        // Staff see the words the customer read, and the scope each stands for.
        scopes: d
            .scopes
            .iter()
            .map(|s| match d.scope_names.get(s) {
                Some(name) => format!("{} ({})", clean_text(name), clean_text(s)),
                None => clean_text(s),
            })
            .collect(),
        accounts: d.accounts.iter().map(|a| clean_text(a)).collect(),
        payment: d.payment.as_ref().map(|p| crate::server::obuk_payment::payment_line(locale, p)),
        warned: d.warned.as_ref().map(|w| {
            let (kind, place) = w.words();
            text(locale, &format!("console-warned-{kind}"), &[("where", &clean_text(place))])
        }),
    }
}

/// A record's history, oldest first, in words.
pub fn history(record: &Record, locale: Locale) -> Vec<HistoryLine> {
    record
        .history
        .iter()
        .map(|e| {
            let who = match e.by {
                // Ended by a joint account's other holder, not the record's customer.
                Actor::Customer if e.by_name.is_some() => text(locale, "console-by-co-holder", &[]),
                Actor::Customer => text(locale, "console-by-customer", &[]),
                Actor::Staff => {
                    text(locale, "console-by-staff", &[("name", &clean_text(e.by_name.as_deref().unwrap_or("")))])
                }
                Actor::Application => text(locale, "console-by-application", &[]),
                Actor::AuthorizationServer => text(locale, "console-by-server", &[]),
            };
            HistoryLine {
                when: date_time(e.at).unwrap_or_default(),
                what: code_label(locale, "console-event-", &e.kind),
                who,
                reason: e.reason.as_deref().map(|r| super::present::reason_words(locale, r)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_open_every_workspace_or_their_own_or_nothing() {
        let own = [("gobank".to_string(), "gobank_staff".to_string()), ("cdr".to_string(), "cdr_staff".to_string())];
        assert_eq!(reach_of(&["consent_admin"], "consent_admin", &own), Some(None));
        assert_eq!(reach_of(&["gobank_staff", "other"], "consent_admin", &own), Some(Some(vec!["gobank".to_string()])));
        let both = reach_of(&["cdr_staff", "gobank_staff"], "consent_admin", &own);
        assert_eq!(both, Some(Some(vec!["gobank".to_string(), "cdr".to_string()])));
        assert_eq!(reach_of(&["customer"], "consent_admin", &own), None);
        assert_eq!(reach_of(&[], "consent_admin", &[]), None);
        let claims = serde_json::json!({"roles": "a gobank_staff", "other": ["consent_admin"]});
        let claims = claims.as_object().unwrap();
        assert_eq!(roles_in(claims, "roles"), ["a", "gobank_staff"]);
        assert_eq!(roles_in(claims, "other"), ["consent_admin"]);
        assert!(roles_in(claims, "missing").is_empty());
        assert!(reaches(&None, "anything"));
        assert!(reaches(&Some(vec!["gobank".into()]), "gobank"));
        assert!(!reaches(&Some(vec!["gobank".into()]), "demo"));
    }
}
