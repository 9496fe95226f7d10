//! The portal's sessions and what its lists become on the page. The sign-in, the lists and
//! the revocations themselves are the server functions of `crate::api::portal`.

use super::present::{card_account, card_state, clean_text, code_label, format_date, safe_url};
use super::sessions::{Session, StoreError};
use super::AppState;
use crate::cookies::{cookie_header, read_cookie};
use crate::i18n::Locale;
use crate::model::{AppAccess, FdxAccess, ScopeLine};
use crate::wire::{ClientsWithAccess, FDXConsent, InternalAccount};
use axum::http::{HeaderMap, HeaderValue};

/// The purpose of the sign-in form's token (before there is a session).
pub const LOGIN_PURPOSE: &str = "portal-login";
/// The purpose of the signed-in portal's form tokens, bound to the session.
pub const PORTAL_PURPOSE: &str = "portal";

pub fn session_cookie(state: &AppState) -> &'static str {
    if state.csrf.is_secure() {
        "__Host-assent-portal"
    } else {
        "assent-portal"
    }
}

pub fn state_cookie(state: &AppState) -> &'static str {
    if state.csrf.is_secure() {
        "__Host-assent-portal-state"
    } else {
        "assent-portal-state"
    }
}

/// The signed-in user's live session, if any, with its cookie value.
pub async fn current_session(state: &AppState, headers: &HeaderMap) -> Result<Option<(String, Session)>, StoreError> {
    let Some(id) = read_cookie(headers, session_cookie(state)) else { return Ok(None) };
    // A staff member's session is the console's: it never opens the portal.
    let session = state.sessions.get(id).await?.filter(|s| s.kind == super::sessions::Kind::Customer);
    Ok(session.map(|session| (id.to_string(), session)))
}

/// Ends a session in the store (for every replica); returns the `Set-Cookie` that clears its
/// cookie.
pub async fn end_session(state: &AppState, id: &str) -> Result<Option<HeaderValue>, StoreError> {
    state.sessions.delete(id).await?;
    Ok(clear_session_cookie(state))
}

/// The `Set-Cookie` that clears the session cookie.
pub fn clear_session_cookie(state: &AppState) -> Option<HeaderValue> {
    cookie_header(session_cookie(state), "", 0, "Lax", state.csrf.is_secure())
}

/// Turns the Public API's list into cards, newest first.
pub fn apps_view(list: ClientsWithAccess) -> Vec<AppAccess> {
    let ClientsWithAccess { clients, scopes, claims } = list;
    let mut apps: Vec<(Option<String>, AppAccess)> = clients
        .into_iter()
        .map(|c| {
            let lines = c
                .granted_scopes
                .iter()
                .map(|g| match scopes.iter().find(|s| s.scope_name == g.scope_name) {
                    Some(s) => ScopeLine {
                        name: clean_text(s.scope_display_name.as_deref().unwrap_or(&s.scope_name)),
                        description: s.scope_description.as_deref().map(clean_text).filter(|d| !d.is_empty()),
                    },
                    None => ScopeLine { name: clean_text(&g.scope_name), description: None },
                })
                .collect();
            let claim_names = c
                .granted_claims
                .iter()
                .map(|g| {
                    claims
                        .iter()
                        .find(|k| k.id == g.id || k.name == g.claim_name)
                        .and_then(|k| k.description.as_deref())
                        .map_or_else(|| clean_text(&g.claim_name), clean_text)
                })
                .collect();
            let app = AppAccess {
                name: c
                    .client
                    .name
                    .as_deref()
                    .map(clean_text)
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| clean_text(&c.client.id)),
                client_id: c.client.id,
                logo_uri: safe_url(c.client.logo_uri.as_ref()),
                client_uri: safe_url(c.client.client_uri.as_ref()),
                scopes: lines,
                claims: claim_names,
                granted_on: c.granted_at.as_deref().and_then(format_date),
            };
            (c.granted_at, app)
        })
        .collect();
    apps.sort_by(|a, b| b.0.cmp(&a.0));
    apps.into_iter().map(|(_, a)| a).collect()
}

/// OpenID Connect's own scopes: how an application signs the customer in or keeps them signed
/// in, not data shared.
const PROTOCOL_SCOPES: [&str; 2] = ["openid", "offline_access"];

/// The user's consent records, newest first, with their words in `locale`; a scope is named as
/// the consent screen showed it, else as `names` does (the display names the authorization
/// server lists now, the UK and CDR clusters' words), else by itself; `accounts` gives the
/// accounts' names and last digits where the bank still lists them, `bank` the name of a
/// workspace's bank. Pending records (an accept that did not go through) are not consents and
/// are not shown.
pub fn records_view(
    records: Vec<crate::server::records::Record>,
    names: &std::collections::HashMap<String, String>,
    accounts: &std::collections::HashMap<String, String>,
    bank: impl Fn(&str) -> String,
    locale: Locale,
) -> Vec<crate::model::RecordLine> {
    use crate::server::records::{Actor, Status};
    let date = |t: i64| chrono::DateTime::from_timestamp(t, 0).and_then(|d| format_date(&d.to_rfc3339()));
    records
        .into_iter()
        .filter(|r| r.status != Status::Pending)
        .map(|r| {
            // A payment's record says what was paid; it is never something to revoke.
            let paid = r.draft.payment.as_ref().map(|p| super::obuk_payment::payment_line(locale, p));
            let end = r.history.iter().rev().find(|e| e.kind == "revoked" || e.kind == "expired");
            let ended = end.map(|e| {
                let when = date(e.at).map(|d| d.0).unwrap_or_default();
                let key = match e.by {
                    // Ended by a joint account's other holder, not this customer.
                    Actor::Customer if e.by_name.is_some() => "portal-record-ended-co-holder",
                    Actor::Customer => "portal-record-ended-customer",
                    Actor::Staff => "portal-record-ended-staff",
                    Actor::Application => "portal-record-ended-application",
                    Actor::AuthorizationServer => "portal-record-ended-server",
                };
                let name = clean_text(e.by_name.as_deref().unwrap_or_default());
                let reason = super::present::reason_words(locale, e.reason.as_deref().unwrap_or_default());
                crate::i18n::text(locale, key, &[("date", &when), ("name", &name), ("reason", &reason)])
            });
            // One that ran out of time, with nothing in its history to say so (D-06): when.
            let ran_out = (r.status_now() == Status::Expired).then_some(r.draft.expires_at).flatten();
            let ended = ended.or_else(|| {
                let when = date(ran_out?)?.0;
                Some(crate::i18n::text(locale, "portal-record-ended-expiry", &[("date", &when)]))
            });
            let status = super::present::record_status(locale, &r);
            crate::model::RecordLine {
                status,
                active: r.is_active() && paid.is_none(),
                given: date(r.created_at),
                declined: r.status_now() == Status::Rejected,
                ended,
                bank: bank(&r.draft.workspace),
                client: clean_text(&r.draft.client_name),
                client_id: r.draft.client_id.clone(),
                scopes: match &paid {
                    Some(p) => vec![crate::i18n::text(
                        locale,
                        "portal-payment-line",
                        &[("amount", &p.amount), ("payee", &p.payee)],
                    )],
                    None => r.draft.scopes.iter().fold(Vec::new(), |mut shown, s| {
                        let named = r.draft.scope_names.get(s).or(names.get(s));
                        // How an application signs in or stays signed in, where no screen named
                        // it (a CDR arrangement's `openid`): never data the customer shares.
                        if named.is_none() && PROTOCOL_SCOPES.contains(&s.as_str()) {
                            return shown;
                        }
                        // Each name once (a UK cluster covers several permission codes).
                        let name = clean_text(named.unwrap_or(s));
                        if !shown.contains(&name) {
                            shown.push(name);
                        }
                        shown
                    }),
                },
                accounts: r.draft.accounts.iter().map(|a| clean_text(accounts.get(a).unwrap_or(a))).collect(),
                id: r.id,
            }
        })
        .collect()
}

/// The FDX consents that share any of `accounts` (the user's own), newest first, with their
/// words in `locale`.
pub fn fdx_view(accounts: &[InternalAccount], mut consents: Vec<FDXConsent>, locale: Locale) -> Vec<FdxAccess> {
    super::present::newest_first(&mut consents, |c| c.created_time.as_deref());
    let theirs = |id: &str| accounts.iter().any(|a| a.id == id);
    consents
        .into_iter()
        // The list was asked for those sharing the customer's accounts; one of a server that
        // did not filter is never shown (nor stopped: a stop finds its consent here).
        .filter(|c| c.granted_resources.iter().any(|r| r.resource_type == "ACCOUNT" && theirs(&r.id)))
        .map(|c| {
            let mut clusters: Vec<String> = Vec::new();
            let mut shared: Vec<String> = Vec::new();
            // The user's consent screen offers only their own accounts; an account of someone
            // else's in it means another holder of a joint account gave it.
            let all_mine = c.granted_resources.iter().filter(|r| r.resource_type == "ACCOUNT").all(|r| theirs(&r.id));
            let mut joint = false;
            for r in &c.granted_resources {
                for cluster in &r.data_clusters {
                    let label = code_label(locale, "fdx-cluster-", cluster);
                    if !clusters.contains(&label) {
                        clusters.push(label);
                    }
                }
                if let Some(a) = accounts.iter().find(|a| r.resource_type == "ACCOUNT" && a.id == r.id) {
                    shared.push(card_account(locale, a));
                    joint |= a.joint.is_some();
                }
            }
            let status = crate::wire::fdx_status::known(&c.status).unwrap_or(&c.status);
            let card = card_state(locale, status, crate::wire::fdx_status::AUTHORISED, c.expiration_time.as_deref());
            FdxAccess {
                active: card.active,
                ended: crate::wire::fdx_status::known(&c.status) == Some(crate::wire::fdx_status::REVOKED),
                all_mine,
                joint,
                recipient: clean_text(&c.client_id),
                status: card.status,
                consent_id: c.id,
                accounts: shared,
                clusters,
                created: c.created_time.as_deref().and_then(format_date),
                expires: card.expires,
                logo_uri: None,
                bank: String::new(),
                shared: None,
            }
        })
        .collect()
}

/// Marks the cards (of `workspace`'s consents) the customer gave as theirs by their own records
/// of them (`own`: the customer's), though an account a card shares is no longer in the bank's
/// list (closed, say): they stop what they gave, whatever became of its accounts.
pub fn own_by_records(cards: &mut [FdxAccess], own: &[crate::server::records::Record], workspace: &str) {
    for card in cards.iter_mut().filter(|c| !c.all_mine) {
        card.all_mine = own.iter().any(|r| r.gave(&card.consent_id, workspace));
    }
}

/// Names each of `cards` (FDX consents, which the management list names by client id alone) as
/// its consent screen named its application, where the customer's record of that consent (the
/// record named by the consent's id) says: the name, and the logo where the card has none.
pub fn named_by_records(cards: &mut [FdxAccess], records: &[crate::server::records::Record]) {
    let by_id: std::collections::HashMap<&str, &crate::server::records::Draft> =
        records.iter().map(|r| (r.id.as_str(), &r.draft)).collect();
    for card in cards {
        let Some(draft) = by_id.get(card.consent_id.as_str()) else { continue };
        let name = clean_text(&draft.client_name);
        if !name.is_empty() {
            card.recipient = name;
        }
        if card.logo_uri.is_none() {
            card.logo_uri = safe_url(draft.client_logo.as_ref());
        }
    }
}

/// The UK account-access consents that share any of `accounts` (the user's own), newest
/// first, as the portal's consent cards: the recipient by the name and logo of the embedded
/// `Client`, the permissions in the UK data clusters' words (`server::obuk::group`), the
/// user's accounts by name.
pub fn obuk_view(
    accounts: &[InternalAccount],
    mut consents: Vec<crate::wire::obuk_consents::OBUKConsentWithClient>,
    locale: Locale,
) -> Vec<FdxAccess> {
    super::present::newest_first(&mut consents, |c| c.created_at.as_deref());
    consents
        .into_iter()
        // Payments are listed apart (`server::obuk_payment::payments_view`): nothing to stop.
        .filter(|c| c.domestic_payment_consent.is_none() && c.kind != crate::wire::obuk_payment::DOMESTIC_PAYMENT)
        // Only those sharing the customer's accounts, whatever the server's filter did.
        .filter(|c| c.account_ids.iter().any(|id| accounts.iter().any(|a| &a.id == id)))
        .map(|c| {
            let status = super::obuk::listed_status(&c).to_string();
            let consent = c.account_access_consent.unwrap_or_default();
            let clusters = super::obuk::group(&consent.permissions)
                .into_iter()
                .map(|(key, codes)| match key.as_str() {
                    super::obuk::OTHER => codes.join(", "),
                    _ => crate::i18n::text(locale, &format!("obuk-cluster-{key}"), &[]),
                })
                .collect();
            let client = c.client.unwrap_or_default();
            let recipient = client.name.as_deref().map(clean_text).filter(|n| !n.is_empty());
            let authorised = crate::wire::obuk::status::AUTHORISED;
            let card = card_state(locale, &status, authorised, consent.expiration_date_time.as_deref());
            let shared: Vec<&InternalAccount> = accounts.iter().filter(|a| c.account_ids.contains(&a.id)).collect();
            FdxAccess {
                active: card.active,
                ended: status == crate::wire::obuk::status::REVOKED,
                all_mine: c.account_ids.iter().all(|id| accounts.iter().any(|a| &a.id == id)),
                joint: shared.iter().any(|a| a.joint.is_some()),
                recipient: recipient.unwrap_or_else(|| clean_text(&c.client_id)),
                status: card.status,
                accounts: shared.into_iter().map(|a| card_account(locale, a)).collect(),
                clusters,
                created: c.created_at.as_deref().or(consent.creation_date_time.as_deref()).and_then(format_date),
                expires: card.expires,
                logo_uri: safe_url(client.logo_uri.as_ref()),
                bank: String::new(),
                shared: None,
                consent_id: c.consent_id,
            }
        })
        .collect()
}

/// Says on each card what the bank disclosed under its consent (D-08, D-09): how often,
/// when last and what; that nothing has gone out under one the bank lists nothing of (yet,
/// while it is in force).
pub fn say_disclosed(cards: &mut [FdxAccess], disclosed: &crate::wire::Disclosures, locale: Locale) {
    use super::present::{code_label, format_date_time};
    use crate::i18n::text;
    for card in cards {
        let of_card: Vec<_> = disclosed.disclosures.iter().filter(|d| d.consent_id == card.consent_id).collect();
        let count = of_card.iter().fold(0u64, |n, d| n.saturating_add(d.count)).to_string();
        let mut data: Vec<String> = Vec::new();
        for d in of_card.iter().filter(|d| d.count > 0) {
            let words = code_label(locale, "portal-shared-", &d.data);
            if !data.contains(&words) {
                data.push(words);
            }
        }
        let last = of_card.iter().filter_map(|d| chrono::DateTime::parse_from_rfc3339(&d.last).ok()).max();
        let when = last.and_then(|t| format_date_time(&t.to_rfc3339())).map(|(shown, _)| shown);
        let data = data.join(", ");
        card.shared = Some(match (data.is_empty(), when) {
            (true, _) if card.active => text(locale, "portal-shared-none", &[]),
            (true, _) => text(locale, "portal-shared-never", &[]),
            (false, Some(when)) => {
                text(locale, "portal-shared", &[("count", &count), ("date", &when), ("data", &data)])
            }
            (false, None) => text(locale, "portal-shared-undated", &[("count", &count), ("data", &data)]),
        });
    }
}

#[cfg(test)]
mod tests;
