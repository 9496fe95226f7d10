//! Australian CDR arrangements on the consent screen: the requested scopes in the CDR data
//! language standards' words (a data cluster and its permissions each, never the scope
//! names, except scopes the page does not know), how long sharing lasts, and, for an
//! amendment, what changes against the arrangement in force. The calls are the server
//! functions of `crate::api::cdr`.
//!
//! An amendment shows which accounts are shared now, but ticks none of them: the customer
//! chooses again, so that an account is never shared again without being chosen (what a
//! careful bank does; an account left unticked stops being shared when the amendment is
//! given).

use super::fdx::account_views;
use super::present::{clean_text, client_view, format_date, user_of};
use crate::error::{AppError, Failure};
use crate::model::{CdrArrangementView, CdrCluster};
use crate::request;
use crate::wire::cdr::{sharing, AcceptCDRConsentRequest, CDRArrangement, GetCDRConsentResponse};
use crate::wire::InternalAccount;

/// The data clusters of the data language standards (the page's words are `cdr-cluster-{key}`
/// and `cdr-cluster-line-{key}`, the permission language), in their order, and the scope each
/// words.
pub const CLUSTERS: [(&str, &str); 8] = [
    ("accounts-basic", "bank:accounts.basic:read"),
    ("accounts-detail", "bank:accounts.detail:read"),
    ("transactions", "bank:transactions:read"),
    ("regular-payments", "bank:regular_payments:read"),
    ("payees", "bank:payees:read"),
    ("customer-basic", "common:customer.basic:read"),
    ("customer-detail", "common:customer.detail:read"),
    ("profile", "profile"),
];

/// Scopes that share no data and are not shown: signing in itself.
const SIGN_IN: [&str; 1] = ["openid"];

/// The cluster of scopes the page does not know: shown with the scopes themselves, never
/// dropped.
pub const OTHER: &str = "other";

/// `scopes` by data cluster, in the standards' order; scopes no cluster words under
/// [`OTHER`], cleaned (they come from the recipient). Each cluster once.
pub fn group(scopes: &[String]) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = CLUSTERS
        .iter()
        .filter(|(_, scope)| scopes.iter().any(|s| s == scope))
        .map(|(key, scope)| (key.to_string(), vec![scope.to_string()]))
        .collect();
    let mut other: Vec<String> = Vec::new();
    for s in scopes {
        let known = CLUSTERS.iter().any(|(_, scope)| scope == s) || SIGN_IN.contains(&s.as_str());
        let name = clean_text(s);
        if !known && !name.is_empty() && !other.contains(&name) {
            other.push(name);
        }
    }
    if !other.is_empty() {
        out.push((OTHER.to_string(), other));
    }
    out
}

/// The clusters asked for, each marked new when the arrangement in force (`previous`) does not
/// share it; and the clusters the amendment stops sharing.
pub fn diff(asked: &[String], previous: Option<&[String]>) -> (Vec<CdrCluster>, Vec<CdrCluster>) {
    let now = group(asked);
    let Some(previous) = previous else {
        let clusters = now.into_iter().map(|(key, scopes)| CdrCluster { key, scopes, new: false }).collect();
        return (clusters, Vec::new());
    };
    let before = group(previous);
    let had = |key: &str, scopes: &[String]| {
        before.iter().any(|(k, s)| k == key && (key != OTHER || scopes.iter().all(|x| s.contains(x))))
    };
    let clusters = now
        .iter()
        .map(|(key, scopes)| CdrCluster { key: key.clone(), scopes: scopes.clone(), new: !had(key, scopes) })
        .collect();
    let removed = before
        .into_iter()
        .filter(|(key, _)| !now.iter().any(|(k, _)| k == key))
        .map(|(key, scopes)| CdrCluster { key, scopes, new: false })
        .collect();
    (clusters, removed)
}

/// A sharing period in words' terms: its unit (`hours`, `days`, `months`) and how many. A year
/// (the longest) is twelve months; less than a day is counted in hours, rounded up.
pub fn period(seconds: i64) -> (&'static str, i64) {
    const DAY: i64 = 86_400;
    if seconds < DAY {
        return ("hours", ((seconds + 3599) / 3600).max(1));
    }
    let days = (seconds + DAY / 2) / DAY;
    if days >= 365 {
        ("months", 12)
    } else {
        ("days", days)
    }
}

fn date(value: &Option<String>) -> Result<Option<(String, String)>, AppError> {
    match value {
        None => Ok(None),
        Some(v) => format_date(v).map(Some).ok_or_else(|| {
            tracing::error!("a CDR arrangement with a date that is not RFC 3339; refused");
            AppError::new(Failure::UpstreamInvalid)
        }),
    }
}

/// Whether the arrangement is shared once (no expiry to speak of).
fn once(a: &CDRArrangement) -> bool {
    a.sharing_type == sharing::ONE_TIME
}

/// The scopes an arrangement asks for: every requested scope, by its requested name.
pub fn requested(consent: &GetCDRConsentResponse) -> Vec<String> {
    consent.requested_scopes.iter().map(|s| s.requested_name.clone().unwrap_or_else(|| s.name.clone())).collect()
}

/// The arrangement as the screen shows it. An ongoing arrangement whose expiry has passed or
/// does not parse is refused (`ConsentExpired`, `UpstreamInvalid`).
pub fn view(
    consent: &GetCDRConsentResponse,
    accounts: Vec<InternalAccount>,
    login_id: String,
    login_state: String,
    csrf_token: String,
) -> Result<CdrArrangementView, AppError> {
    let a = &consent.cdr_arrangement;
    let until = if once(a) { None } else { date(&a.expiry)? };
    let seconds = match &a.expiry {
        Some(e) if !once(a) => {
            let end = chrono::DateTime::parse_from_rfc3339(e).map_err(|_| AppError::new(Failure::UpstreamInvalid))?;
            let left = end.timestamp() - chrono::Utc::now().timestamp();
            if left <= 0 {
                return Err(Failure::ConsentExpired.into());
            }
            Some(left)
        }
        _ => None,
    };
    let previous = consent.previous_cdr_arrangement.as_ref();
    let previous_scopes = previous.map(CDRArrangement::scopes);
    let (clusters, removed) = diff(&requested(consent), previous_scopes.as_deref());
    let previous_until = match previous {
        Some(p) if !once(p) => date(&p.expiry)?,
        _ => None,
    };
    Ok(CdrArrangementView {
        login_id,
        login_state,
        workspace: a.authorization_server_id.clone(),
        csrf_token,
        client: client_view(&consent.client_info, &a.client_id),
        user: user_of(&consent.authentication_context, &consent.subject),
        clusters,
        removed,
        once: once(a) || seconds.is_none(),
        until,
        period: seconds.map(|s| {
            let (unit, n) = period(s);
            (unit.to_string(), n)
        }),
        amendment: previous.is_some(),
        previous_once: previous.is_some_and(once),
        previous_until,
        shared_now: previous.map(|p| p.account_ids.clone()).unwrap_or_default(),
        history_from: None,
        accounts: account_views(accounts, super::present::Use::Share, request::locale()),
    })
}

/// Says how far back the transactions go (`from`, the bank's history), when the arrangement
/// asks for them: the historic range a data holder's authorisation states.
pub fn say_history(view: &mut CdrArrangementView, from: Option<chrono::NaiveDate>) {
    let asks = view.clusters.iter().any(|c| c.key == "transactions");
    view.history_from = from.filter(|_| asks).and_then(super::present::format_day);
}

/// What an accept grants: the chosen accounts (sorted, each once), every requested scope and
/// the customer. Refused when a chosen account may not be shared (`may_share`).
pub fn accept_body(
    consent: &GetCDRConsentResponse,
    own: &[InternalAccount],
    chosen: &[String],
    customer_id: String,
    login_state: String,
) -> Result<AcceptCDRConsentRequest, Failure> {
    crate::server::fdx::may_share(own, chosen)?;
    let mut account_ids = chosen.to_vec();
    account_ids.sort();
    account_ids.dedup();
    Ok(AcceptCDRConsentRequest { login_state, granted_scopes: requested(consent), account_ids, customer_id })
}

/// The customer's CDR arrangements (the management list, without those still awaiting
/// authorisation), newest first, as the portal's consent cards: the recipient by the name and
/// logo the System client list gives, the data in the clusters' words, the customer's
/// accounts by name (only theirs, on another holder's arrangement over a joint account).
pub fn portal_view(
    customer: &str,
    accounts: &[InternalAccount],
    mut arrangements: Vec<CDRArrangement>,
    clients: &[crate::wire::cdr::SystemClient],
    locale: crate::i18n::Locale,
) -> Vec<crate::model::FdxAccess> {
    use super::present::safe_url;
    arrangements.retain(|a| a.status != crate::wire::cdr::status::AWAITING_AUTHORISATION);
    super::present::newest_first(&mut arrangements, |a| a.created_at.as_deref());
    arrangements
        .into_iter()
        .map(|a| {
            let client = clients.iter().find(|c| c.client_id == a.client_id);
            // Another holder's arrangement over a joint account is theirs to stop (the CDR's
            // initiator); this customer turns the account's sharing off instead. Its card shows
            // only the banking data: the customer data clusters are the other holder's own.
            // The customer's own, whatever became of its accounts since (one closed, say).
            let all_mine = a.customer_id.as_deref() == Some(customer);
            let mut scopes = a.scopes();
            if a.customer_id.as_deref() != Some(customer) {
                scopes.retain(|s| s.starts_with("bank:"));
            }
            let recipient = client.and_then(|c| c.client_name.as_deref()).map(clean_text).filter(|n| !n.is_empty());
            let clusters = group(&scopes)
                .into_iter()
                .map(|(key, scopes)| match key.as_str() {
                    OTHER => scopes.join(", "),
                    _ => crate::i18n::text(locale, &format!("cdr-cluster-{key}"), &[]),
                })
                .collect();
            // Given, a one-off arrangement ends too (when its data has been collected): its
            // card says when, and says it expired once it has, as an ongoing one's does.
            let ends = a.expiry.as_deref();
            let card = super::present::card_state(locale, &a.status, crate::wire::cdr::status::AUTHORISED, ends);
            let shared: Vec<_> = accounts.iter().filter(|x| a.account_ids.contains(&x.id)).collect();
            crate::model::FdxAccess {
                active: card.active,
                ended: a.status == crate::wire::cdr::status::REVOKED,
                all_mine,
                joint: shared.iter().any(|x| x.joint.is_some()),
                recipient: recipient.unwrap_or_else(|| clean_text(&a.client_id)),
                status: card.status,
                accounts: shared.into_iter().map(|x| super::present::card_account(locale, x)).collect(),
                clusters,
                created: a.created_at.as_deref().and_then(format_date),
                expires: card.expires,
                logo_uri: safe_url(client.and_then(|c| c.logo_uri.as_ref())),
                bank: String::new(),
                shared: None,
                consent_id: a.cdr_arrangement_id,
            }
        })
        .collect()
}

/// The arrangement a CDR record stands for: its id up to the first `.` (an amendment's
/// record is `{cdr_arrangement_id}.{login_id}`).
pub fn arrangement_of_record(record_id: &str) -> &str {
    record_id.split('.').next().unwrap_or(record_id)
}

/// An amendment was given: the arrangement's record in force before it (any authorized
/// record of the same arrangement, workspace and subject written before `current`) ends,
/// replaced. One written after it (a later amendment, while this one's record was settled
/// late) stays in force.
pub async fn supersede(
    state: &crate::server::AppState,
    consent: &crate::wire::cdr::GetCDRConsentResponse,
    current: &str,
) {
    use crate::server::records::{Actor, Status};
    let a = &consent.cdr_arrangement;
    let tenant = if a.tenant_id.is_empty() { state.upstream.tenant().to_string() } else { a.tenant_id.clone() };
    let records = match state.records.of_subject(&tenant, &consent.subject).await {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "the records an amendment replaces could not be read");
            return;
        }
    };
    let written = records.iter().find(|r| r.id == current).map_or(i64::MAX, |r| r.created_at);
    let replaced = records.iter().filter(|r| {
        r.id != current
            && r.created_at <= written
            && r.status == Status::Authorized
            && r.draft.workspace == a.authorization_server_id
            && arrangement_of_record(&r.id) == a.cdr_arrangement_id
    });
    for r in replaced {
        let reason = Some(crate::server::records::reason::AMENDED.to_string());
        if let Err(e) = state.records.revoke(&r.id, Actor::Customer, None, reason).await {
            tracing::warn!(error = %e, "a record replaced by an amendment could not be ended");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::cdr::{ScopeGrant, SCOPES};

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn every_cdr_scope_has_a_cluster_and_unknown_ones_are_kept() {
        for scope in SCOPES.iter().chain(["profile"].iter()) {
            let grouped = group(&[scope.to_string()]);
            assert_eq!(grouped.len(), 1, "{scope}");
            assert_ne!(grouped[0].0, OTHER, "{scope} has no cluster");
        }
        assert!(group(&names(&["openid"])).is_empty(), "signing in shares no data");
        let grouped = group(&names(&[
            "common:customer.basic:read",
            "openid",
            "bank:future:read",
            "bank:accounts.basic:read",
            "x\u{202E}y",
        ]));
        let keys: Vec<&str> = grouped.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["accounts-basic", "customer-basic", OTHER]);
        assert_eq!(grouped[2].1, ["bank:future:read", "xy"]);
    }

    #[test]
    fn the_customers_own_arrangement_is_theirs_to_stop_with_an_account_gone_and_anothers_is_not() {
        let given_by = |customer: &str| CDRArrangement {
            cdr_arrangement_id: format!("a-{customer}"),
            customer_id: Some(customer.into()),
            account_ids: names(&["AU-1", "AU-closed"]),
            status: crate::wire::cdr::status::AUTHORISED.into(),
            ..CDRArrangement::default()
        };
        let accounts = [InternalAccount { id: "AU-1".into(), ..InternalAccount::default() }];
        let view = portal_view("C-1", &accounts, vec![given_by("C-1"), given_by("C-2")], &[], crate::i18n::Locale::En);
        let mine = |id: &str| view.iter().find(|c| c.consent_id == id).unwrap().all_mine;
        assert!(mine("a-C-1"), "the bank no longer lists AU-closed; the arrangement is still the customer's");
        assert!(!mine("a-C-2"), "another holder's");
    }

    #[test]
    fn every_cluster_is_worded_in_every_language() {
        for locale in ["en", "es", "pt-BR"] {
            let text =
                std::fs::read_to_string(format!("{}/locales/{locale}/main.ftl", env!("CARGO_MANIFEST_DIR"))).unwrap();
            for key in CLUSTERS.iter().map(|(k, _)| *k).chain([OTHER]) {
                assert!(text.contains(&format!("\ncdr-cluster-{key} = ")), "{locale}: cdr-cluster-{key}");
                if key != OTHER {
                    assert!(text.contains(&format!("\ncdr-cluster-line-{key} = ")), "{locale}: cdr-cluster-line-{key}");
                }
            }
        }
    }

    #[test]
    fn sharing_periods_are_said_in_days_hours_or_months() {
        assert_eq!(period(90 * 86_400), ("days", 90));
        assert_eq!(period(90 * 86_400 - 3), ("days", 90), "a few seconds spent on the way");
        assert_eq!(period(365 * 86_400), ("months", 12));
        assert_eq!(period(3600), ("hours", 1));
        assert_eq!(period(5 * 3600 + 1), ("hours", 6));
        assert_eq!(period(1), ("hours", 1));
        assert_eq!(period(86_400), ("days", 1));
    }

    #[test]
    fn an_amendment_marks_new_and_removed_data() {
        let asked = names(&["openid", "bank:accounts.basic:read", "bank:transactions:read"]);
        let before = names(&["openid", "bank:accounts.basic:read", "common:customer.basic:read"]);
        let (clusters, removed) = diff(&asked, Some(&before));
        let marked: Vec<(&str, bool)> = clusters.iter().map(|c| (c.key.as_str(), c.new)).collect();
        assert_eq!(marked, [("accounts-basic", false), ("transactions", true)]);
        let removed: Vec<&str> = removed.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(removed, ["customer-basic"]);
        let (fresh, none) = diff(&asked, None);
        assert!(fresh.iter().all(|c| !c.new) && none.is_empty(), "a new arrangement marks nothing");
    }

    fn consent(expiry: Option<String>, sharing_type: &str) -> GetCDRConsentResponse {
        GetCDRConsentResponse {
            cdr_arrangement: CDRArrangement {
                cdr_arrangement_id: "arr".into(),
                expiry,
                sharing_type: sharing_type.into(),
                status: "AwaitingAuthorisation".into(),
                ..CDRArrangement::default()
            },
            ..GetCDRConsentResponse::default()
        }
    }

    #[test]
    fn the_sharing_period_is_checked_and_said() {
        let page = |c: &GetCDRConsentResponse| view(c, Vec::new(), "l".into(), "s".into(), "t".into());
        let in_90 = (chrono::Utc::now() + chrono::Duration::days(90)).to_rfc3339();
        let v = page(&consent(Some(in_90), sharing::REUSABLE)).unwrap();
        assert_eq!(v.period, Some(("days".to_string(), 90)));
        assert!(v.until.is_some() && !v.once && !v.amendment);
        let once = page(&consent(None, sharing::ONE_TIME)).unwrap();
        assert!(once.once && once.until.is_none() && once.period.is_none());
        let past = page(&consent(Some("2001-01-01T00:00:00Z".into()), sharing::REUSABLE)).unwrap_err();
        assert_eq!(past.failure, Failure::ConsentExpired);
        let garbled = page(&consent(Some("soon".into()), sharing::REUSABLE)).unwrap_err();
        assert_eq!(garbled.failure, Failure::UpstreamInvalid);
    }

    #[test]
    fn an_amendment_shows_what_is_shared_now_but_ticks_nothing() {
        let mut c = consent(Some((chrono::Utc::now() + chrono::Duration::days(365)).to_rfc3339()), sharing::REUSABLE);
        c.previous_cdr_arrangement = Some(CDRArrangement {
            account_ids: names(&["A"]),
            expiry: Some((chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339()),
            sharing_type: sharing::REUSABLE.into(),
            scope_grants: vec![ScopeGrant::of("bank:accounts.basic:read", None)],
            ..CDRArrangement::default()
        });
        let v = view(&c, Vec::new(), "l".into(), "s".into(), "t".into()).unwrap();
        assert!(v.amendment && v.previous_until.is_some());
        assert_eq!(v.shared_now, ["A"]);
        assert_eq!(v.removed.len(), 1, "basic account data is no longer asked for");
    }

    #[test]
    fn only_the_customers_own_accounts_are_granted() {
        let own = [
            InternalAccount { id: "A".into(), ..Default::default() },
            InternalAccount { id: "B".into(), ..Default::default() },
        ];
        let c = consent(None, sharing::ONE_TIME);
        let body = accept_body(&c, &own, &names(&["B", "A", "B"]), "cust".into(), "ls".into()).unwrap();
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"login_state": "ls", "granted_scopes": [], "account_ids": ["A", "B"], "customer_id": "cust"})
        );
        assert_eq!(
            accept_body(&c, &own, &names(&["A", "Z"]), "cust".into(), "ls".into()).err(),
            Some(Failure::NotYours)
        );
    }
}
