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
    consents.sort_by(|a, b| b.created_time.cmp(&a.created_time));
    consents
        .into_iter()
        .map(|c| {
            let mut clusters: Vec<String> = Vec::new();
            let mut shared: Vec<String> = Vec::new();
            // The user's consent screen offers only their own accounts; an account of someone
            // else's in it means another holder of a joint account gave it.
            let all_mine = c
                .granted_resources
                .iter()
                .filter(|r| r.resource_type == "ACCOUNT")
                .all(|r| accounts.iter().any(|a| a.id == r.id));
            for r in &c.granted_resources {
                for cluster in &r.data_clusters {
                    let label = code_label(locale, "fdx-cluster-", cluster);
                    if !clusters.contains(&label) {
                        clusters.push(label);
                    }
                }
                if let Some(a) = accounts.iter().find(|a| r.resource_type == "ACCOUNT" && a.id == r.id) {
                    shared.push(card_account(locale, a));
                }
            }
            let status = crate::wire::fdx_status::known(&c.status).unwrap_or(&c.status);
            let card = card_state(locale, status, crate::wire::fdx_status::AUTHORISED, c.expiration_time.as_deref());
            FdxAccess {
                active: card.active,
                ended: crate::wire::fdx_status::known(&c.status) == Some(crate::wire::fdx_status::REVOKED),
                all_mine,
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
    consents.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    consents
        .into_iter()
        // Payments are listed apart (`server::obuk_payment::payments_view`): nothing to stop.
        .filter(|c| c.domestic_payment_consent.is_none() && c.kind != crate::wire::obuk_payment::DOMESTIC_PAYMENT)
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
            FdxAccess {
                active: card.active,
                ended: status == crate::wire::obuk::status::REVOKED,
                all_mine: c.account_ids.iter().all(|id| accounts.iter().any(|a| &a.id == id)),
                recipient: recipient.unwrap_or_else(|| clean_text(&c.client_id)),
                status: card.status,
                accounts: accounts
                    .iter()
                    .filter(|a| c.account_ids.contains(&a.id))
                    .map(|a| card_account(locale, a))
                    .collect(),
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
mod tests {
    use super::*;

    #[test]
    fn a_records_line_names_what_is_shared_and_leaves_unnamed_protocol_scopes_out() {
        use crate::server::records::{Draft, Record, Status};
        let record = |scopes: &[&str], scope_names: &[(&str, &str)]| Record {
            id: "r".into(),
            status: Status::Authorized,
            created_at: 0,
            updated_at: 0,
            draft: Draft {
                scopes: scopes.iter().map(|s| s.to_string()).collect(),
                scope_names: scope_names.iter().map(|(s, n)| (s.to_string(), n.to_string())).collect(),
                ..Default::default()
            },
            history: Vec::new(),
        };
        let names = [("bank:accounts.basic:read".to_string(), "Account name, type and balance".to_string())].into();
        let lines = records_view(
            vec![
                // A CDR arrangement's: `openid` was never on its screen.
                record(&["openid", "bank:accounts.basic:read", "offline_access"], &[]),
                // A generic consent's: its screen named `openid`, so the record does.
                record(&["openid", "email"], &[("openid", "Sign you in"), ("email", "Email address")]),
            ],
            &names,
            &Default::default(),
            |_| String::new(),
            Locale::En,
        );
        assert_eq!(lines[0].scopes, ["Account name, type and balance"]);
        assert_eq!(lines[1].scopes, ["Sign you in", "Email address"]);
    }

    #[test]
    fn a_consent_that_ran_out_says_when_and_the_card_of_one_too() {
        use crate::server::records::{Draft, Record, Status};
        // Authorised until a day long past, with no event to say it ended.
        let record = Record {
            id: "r".into(),
            status: Status::Authorized,
            created_at: 1_600_000_000,
            updated_at: 1_600_000_000,
            draft: Draft { expires_at: Some(1_700_000_000), ..Default::default() },
            history: Vec::new(),
        };
        let lines = records_view(vec![record], &Default::default(), &Default::default(), |_| String::new(), Locale::En);
        assert_eq!(lines[0].status, "Expired");
        assert_eq!(
            lines[0].ended.as_deref(),
            Some("Ended November 14, 2023, at the end of the period it was given for")
        );
        let expired: FDXConsent = serde_json::from_value(serde_json::json!({
            "id": "c1", "status": "EXPIRED", "client_id": "tpp", "expirationTime": "2026-03-01T00:00:00Z"
        }))
        .unwrap();
        let card = &fdx_view(&[], vec![expired], Locale::En)[0];
        assert!(!card.active);
        assert_eq!(card.status, "Expired March 1, 2026");
        // Still called authorised, but past its expiry: expired all the same.
        let lapsed: FDXConsent = serde_json::from_value(serde_json::json!({
            "id": "c2", "status": "AUTHORISED", "client_id": "tpp", "expirationTime": "2026-03-01T00:00:00Z"
        }))
        .unwrap();
        let card = &fdx_view(&[], vec![lapsed], Locale::En)[0];
        assert_eq!((card.active, card.status.as_str()), (false, "Expired March 1, 2026"));
    }

    fn card(id: &str, active: bool) -> FdxAccess {
        FdxAccess { consent_id: id.into(), recipient: "ADR".into(), active, all_mine: true, ..FdxAccess::default() }
    }

    #[test]
    fn a_consent_the_customers_own_record_names_is_theirs_to_stop_whatever_became_of_its_accounts() {
        let not_all = |id: &str| FdxAccess { all_mine: false, ..card(id, true) };
        let mut cards = vec![not_all("mine"), not_all("another-holders"), card("listed", true), not_all("pending")];
        use crate::server::records::{Draft, Record, Status};
        let record = |id: &str, workspace: &str, status| Record {
            id: id.into(),
            status,
            created_at: 1,
            updated_at: 1,
            draft: Draft { workspace: workspace.into(), ..Draft::default() },
            history: Vec::new(),
        };
        let own = [
            record("mine", "fdx", Status::Revoked),
            record("another-holders", "uk", Status::Authorized),
            record("pending", "fdx", Status::Pending),
        ];
        own_by_records(&mut cards, &own, "fdx");
        let mine: Vec<bool> = cards.iter().map(|c| c.all_mine).collect();
        assert_eq!(mine, [true, false, true, false], "another workspace's record, or one not given, says nothing");
    }

    #[test]
    fn a_card_says_what_was_disclosed_under_it_and_nothing_it_cannot_know() {
        let told: crate::wire::Disclosures = serde_json::from_value(serde_json::json!({"disclosures": [
            {"consent_id": "a", "data": "accounts", "count": 2, "last": "2026-03-01T10:00:00Z"},
            {"consent_id": "a", "data": "transactions", "count": 1, "last": "2026-03-02T09:30:00Z"},
            {"consent_id": "b", "data": "transactions", "count": u64::MAX, "last": "not a time"},
            {"consent_id": "b", "data": "transactions", "count": 1, "last": ""},
            {"consent_id": "b", "data": "odd\u{202E}kind", "count": 0, "last": ""}
        ]}))
        .unwrap();
        let mut cards = vec![card("a", true), card("b", true), card("c", true), card("d", false)];
        say_disclosed(&mut cards, &told, Locale::En);
        let said: Vec<_> = cards.iter().map(|c| c.shared.as_deref().unwrap()).collect();
        assert_eq!(
            said[0],
            "Shared 3 times, last on March 2, 2026, 09:30 UTC: account names and numbers, transactions"
        );
        // Counted without overflow, each kind once; no time that reads: none said.
        assert!(said[1].starts_with("Shared ") && said[1].ends_with(" times: transactions"), "{}", said[1]);
        assert_eq!(said[2], "Nothing shared yet");
        assert_eq!(said[3], "Nothing was shared", "an ended consent that never shared anything");
    }

    #[test]
    fn the_portal_cleans_every_upstream_text_it_shows() {
        let list: ClientsWithAccess = serde_json::from_value(serde_json::json!({
            "clients": [{"client": {"id": "app\u{202E}1", "name": "Pay\u{202E}lapyaP"},
                "granted_scopes": [{"scope_name": "email"}, {"scope_name": "x\u{2066}y"}],
                "granted_claims": [{"id": "c1", "claim_name": "email"}]}],
            "scopes": [{"scope_name": "email", "scope_display_name": "E\u{200F}mail", "scope_description": "\u{202A}See it"}],
            "claims": [{"id": "c1", "name": "email", "description": "Your e\u{202E}mail"}]
        }))
        .unwrap();
        let apps = apps_view(list);
        let app = &apps[0];
        assert_eq!(app.name, "PaylapyaP");
        assert_eq!(app.scopes[0].name, "Email");
        assert_eq!(app.scopes[0].description.as_deref(), Some("See it"));
        assert_eq!(app.scopes[1].name, "xy");
        assert_eq!(app.claims, ["Your email"]);
        // The id is what revocation sends back: kept as the platform gave it.
        assert_eq!(app.client_id, "app\u{202E}1");
        // Open Finance: the recipient, the accounts, and codes no message knows.
        let consent: FDXConsent = serde_json::from_value(serde_json::json!({
            "id": "c1", "status": "Odd\u{202E}Status", "client_id": "tpp\u{2066}x",
            "granted_resources": [{"id": "a1", "resourceType": "ACCOUNT", "dataClusters": ["NEW\u{202E}CLUSTER"]}]
        }))
        .unwrap();
        let account: InternalAccount = serde_json::from_value(serde_json::json!({
            "id": "a1", "name": "Check\u{202E}ing", "nickname": null, "type": "CHECKING",
            "masked_number": "…\u{200F}1234", "balance": 1.0, "currency": "USD"
        }))
        .unwrap();
        let fdx = fdx_view(&[account], vec![consent], Locale::En);
        assert_eq!(fdx[0].recipient, "tppx");
        assert_eq!(fdx[0].status, "OddStatus");
        assert_eq!(fdx[0].clusters, ["NEWCLUSTER"]);
        assert_eq!(fdx[0].accounts, ["Checking …1234"]);
    }
}
