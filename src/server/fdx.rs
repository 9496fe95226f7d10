//! Open Finance (FDX) consents on the consent screen: what a consent becomes on the page, and
//! what an accept sends back. The calls are the server functions of `crate::api::fdx`.

use super::present::{clean_text, client_view, format_date, usable, user_of, why_not, Use};
use super::upstream::Upstream;
use crate::error::{AppError, Failure};
use crate::i18n;
use crate::model::{AccountView, FdxConsentView};
use crate::request;
use crate::wire::{AcceptFDXConsentRequest, FDXResource, GetFDXConsentResponse};

/// The bank's customer id in `claims` (an authentication context, an ID token's claims): the
/// claim `BANK_ID_CLAIM` names, as text or a number; the subject only when no claim is
/// configured. With a claim configured, one that is missing, empty or not a scalar is refused
/// (`NoCustomerId`): the subject is another id space, and the bank could know it as someone
/// else's customer number.
pub fn customer_of(
    upstream: &Upstream,
    claims: &serde_json::Map<String, serde_json::Value>,
    subject: &str,
) -> Result<String, AppError> {
    customer_by(upstream.fdx().and_then(|f| f.id_claim.as_deref()), claims, subject)
}

/// The same with `claim` (a workspace's own bank's, `bank_id_claim`).
pub fn customer_by(
    claim: Option<&str>,
    claims: &serde_json::Map<String, serde_json::Value>,
    subject: &str,
) -> Result<String, AppError> {
    let Some(claim) = claim else {
        return Ok(subject.to_string());
    };
    claim_text(claims, claim).ok_or_else(|| {
        tracing::error!(claim, "the bank customer claim (BANK_ID_CLAIM) is missing or not a text or a number; refused");
        AppError::new(Failure::NoCustomerId)
    })
}

/// The claim's value as a customer id: a non-blank text, or a number.
fn claim_text(claims: &serde_json::Map<String, serde_json::Value>, claim: &str) -> Option<String> {
    claims
        .get(claim)
        .and_then(|v| v.as_str().map(str::to_string).or_else(|| v.as_i64().map(|n| n.to_string())))
        .filter(|id| !id.trim().is_empty())
}

/// The customer of a consent (see [`customer_by`], with the claim of `workspace`'s bank) and
/// their accounts at that bank. A workspace without a bank is a configuration fault: logged
/// with `what` arrived, and a 500.
pub async fn customer_accounts(
    upstream: &Upstream,
    workspace: &str,
    what: &str,
    claims: &serde_json::Map<String, serde_json::Value>,
    subject: &str,
) -> Result<(String, Vec<crate::wire::InternalAccount>), AppError> {
    let Some(bank) = upstream.bank_of(workspace) else {
        tracing::error!(%workspace, "a {what} arrived, but its workspace has no bank (bank_url or BANK_URL)");
        return Err(Failure::Internal.into());
    };
    let customer = customer_by(bank.id_claim, claims, subject)?;
    let accounts = upstream.accounts_at(bank.url, &customer).await?.accounts;
    Ok((customer, accounts))
}

/// The bank's customer id a consent record keeps: only when `workspace`'s bank names a claim
/// (otherwise it would be the subject, which the record has already), and the claim is there.
pub fn record_customer(
    upstream: &Upstream,
    workspace: &str,
    claims: &serde_json::Map<String, serde_json::Value>,
) -> Option<String> {
    claim_text(claims, upstream.bank_of(workspace)?.id_claim?)
}

/// The bank's accounts as a consent screen for `purpose` shows them, in `locale`.
pub fn account_views(
    accounts: Vec<crate::wire::InternalAccount>,
    purpose: Use,
    locale: i18n::Locale,
) -> Vec<AccountView> {
    accounts
        .into_iter()
        .map(|a| AccountView {
            unavailable: why_not(&a, purpose, locale),
            balance: i18n::money(locale, a.balance, &clean_text(&a.currency)),
            id: a.id,
            name: clean_text(&a.name),
            nickname: a.nickname.as_deref().map(clean_text).filter(|n| !n.is_empty()),
            kind: clean_text(&a.kind),
            masked_number: clean_text(&a.masked_number),
            chosen: false,
        })
        .collect()
}

/// Whether the customer may share every chosen account ([`may_use`] to share).
pub fn may_share(own: &[crate::wire::InternalAccount], chosen: &[String]) -> Result<(), Failure> {
    may_use(own, chosen, Use::Share)
}

/// Whether the customer may use every chosen account for `purpose`: each one of `own` (else
/// `NotYours`), and none that cannot be used so now (else `AccountUnavailable`: its sharing
/// may have been turned off since the page showed it).
pub fn may_use(own: &[crate::wire::InternalAccount], chosen: &[String], purpose: Use) -> Result<(), Failure> {
    for id in chosen {
        match own.iter().find(|a| &a.id == id) {
            None => {
                tracing::warn!("an account chosen that is not the customer's; refused");
                return Err(Failure::NotYours);
            }
            Some(a) if !usable(a, purpose) => {
                tracing::info!("an account chosen that cannot be used so now; refused");
                return Err(Failure::AccountUnavailable);
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// A consent whose end has passed (its `expirationTime`, or a duration of no days) could not
/// be given any more: refused (`ConsentExpired`), as the UK and CDR screens refuse theirs. One
/// whose `expirationTime` does not read is refused as the server's fault (`UpstreamInvalid`),
/// never shown as lasting until the user stops it.
pub fn still_open(consent: &GetFDXConsentResponse) -> Result<(), AppError> {
    let fdx = &consent.fdx_consent;
    if fdx.expiration_time.as_deref().is_some_and(|e| chrono::DateTime::parse_from_rfc3339(e).is_err()) {
        tracing::error!("an FDX consent whose expirationTime is not RFC 3339; refused");
        return Err(Failure::UpstreamInvalid.into());
    }
    let no_days = time_bound(fdx) && fdx.duration_period.is_some_and(|days| days <= 0);
    match ends_at(fdx) {
        _ if no_days => Err(Failure::ConsentExpired.into()),
        Some(end) if end <= chrono::Utc::now() => Err(Failure::ConsentExpired.into()),
        _ => Ok(()),
    }
}

/// Whether the consent's days count: a `TIME_BOUND` one's (or one of no type). A `ONE_TIME` or
/// `PERSISTENT` one has none, whatever a `durationPeriod` of 0 (a Go zero value) says.
fn time_bound(fdx: &crate::wire::FDXConsent) -> bool {
    !matches!(fdx.duration_type.as_deref(), Some("ONE_TIME" | "PERSISTENT"))
}

pub fn accounts_requested(consent: &GetFDXConsentResponse) -> bool {
    consent.fdx_consent.resources.iter().any(|r| r.resource_type == "ACCOUNT")
}

pub fn view(
    consent: &GetFDXConsentResponse,
    accounts: Vec<crate::wire::InternalAccount>,
    login_id: String,
    login_state: String,
    csrf_token: String,
) -> FdxConsentView {
    let locale = request::locale();
    let fdx = &consent.fdx_consent;
    let until = ends_at(fdx).and_then(|end| format_date(&end.to_rfc3339()));
    FdxConsentView {
        login_id,
        login_state,
        workspace: consent.server_id.clone(),
        csrf_token,
        client: client_view(&consent.client_info, &consent.client_id),
        user: user_of(&consent.authentication_context, &consent.subject),
        parties: fdx.parties.iter().map(|p| clean_text(&p.name)).filter(|n| !n.is_empty()).collect(),
        resources: fdx
            .resources
            .iter()
            .map(|r| (clean_text(&r.resource_type), r.data_clusters.iter().map(|c| clean_text(c)).collect()))
            .collect(),
        duration_type: fdx.duration_type.clone(),
        duration_days: fdx.duration_period,
        until,
        lookback_days: fdx.lookback_period,
        accounts: account_views(accounts, Use::Share, locale),
        accounts_requested: accounts_requested(consent),
        scopes: consent
            .requested_scopes
            .iter()
            .filter(|s| !s.implicit)
            .map(|s| clean_text(s.display_name.as_deref().unwrap_or(&s.name)))
            .collect(),
    }
}

/// What the record of this FDX consent keeps: the consent's id as the record's id (what the
/// management API lists and stops, so one id names both), who, which application as the screen
/// showed it, the data clusters (as `scopes`, named as the screen named them), the accounts
/// granted and when it ends.
pub fn record_draft(
    upstream: &Upstream,
    consent: &GetFDXConsentResponse,
    login_id: &str,
    login_state: &str,
    accounts: Vec<String>,
) -> crate::server::records::Draft {
    let fdx = &consent.fdx_consent;
    let locale = request::locale();
    let mut clusters: Vec<String> = Vec::new();
    for cluster in fdx.resources.iter().flat_map(|r| &r.data_clusters) {
        if !clusters.contains(cluster) {
            clusters.push(cluster.clone());
        }
    }
    let scope_names =
        clusters.iter().map(|c| (c.clone(), super::present::code_label(locale, "fdx-cluster-", c))).collect();
    let expires_at = ends_at(fdx).map(|end| end.timestamp());
    let client = client_view(&consent.client_info, &consent.client_id);
    crate::server::records::Draft {
        id: Some(fdx.id.clone()).filter(|id| !id.is_empty()),
        login_id: login_id.to_string(),
        login_state: Some(login_state.to_string()),
        tenant: upstream.tenant_or(&consent.tenant_id),
        workspace: consent.server_id.clone(),
        subject: consent.subject.clone(),
        customer: record_customer(upstream, &consent.server_id, &consent.authentication_context),
        client_id: consent.client_id.clone(),
        client_name: client.name,
        client_logo: client.logo_uri,
        scopes: clusters,
        scope_names,
        claims: Vec::new(),
        accounts,
        expires_at,
        payment: None,
        warned: None,
    }
}

/// When the consent ends: its `expirationTime`, else a time-bound one's days from now (checked:
/// a recipient may ask for any number of days; none when it asks for none).
fn ends_at(fdx: &crate::wire::FDXConsent) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    let expires = fdx.expiration_time.as_deref().and_then(|e| chrono::DateTime::parse_from_rfc3339(e).ok());
    expires.or_else(|| {
        let days = fdx.duration_period.filter(|d| *d > 0 && time_bound(fdx))?;
        let end = chrono::Utc::now().checked_add_signed(chrono::Duration::try_days(days)?)?;
        Some(end.fixed_offset())
    })
}

/// What an accept grants: one `ACCOUNT` resource per chosen account (with the clusters the
/// `ACCOUNT` request asked for), other requested resources as they were asked, and every
/// requested scope. Refused when a chosen account may not be shared ([`may_share`]).
pub fn accept_body(
    consent: &GetFDXConsentResponse,
    own: &[crate::wire::InternalAccount],
    chosen: &[String],
    login_state: String,
) -> Result<AcceptFDXConsentRequest, Failure> {
    may_share(own, chosen)?;
    let mut chosen: Vec<&String> = chosen.iter().collect();
    chosen.sort();
    chosen.dedup();
    let mut resources = Vec::new();
    for (index, requested) in consent.fdx_consent.resources.iter().enumerate() {
        if requested.resource_type == "ACCOUNT" {
            resources.extend(chosen.iter().map(|id| FDXResource {
                id: (*id).clone(),
                resource_type: "ACCOUNT".into(),
                data_clusters: requested.data_clusters.clone(),
            }));
        } else {
            resources.push(FDXResource {
                id: format!("id-{index}"),
                resource_type: requested.resource_type.clone(),
                data_clusters: requested.data_clusters.clone(),
            });
        }
    }
    Ok(AcceptFDXConsentRequest {
        login_state,
        granted_scopes: consent
            .requested_scopes
            .iter()
            .map(|s| s.requested_name.clone().unwrap_or_else(|| s.name.clone()))
            .collect(),
        resources,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{FDXConsent, FDXRequestedResource, InternalAccount, RequestedScope};

    fn account(id: &str) -> InternalAccount {
        InternalAccount { id: id.into(), ..InternalAccount::default() }
    }

    #[test]
    fn only_the_customers_own_accounts_are_granted() {
        let consent = GetFDXConsentResponse {
            requested_scopes: vec![RequestedScope { name: "fdx:accountdetailed:read".into(), ..Default::default() }],
            fdx_consent: FDXConsent {
                resources: vec![
                    FDXRequestedResource {
                        resource_type: "ACCOUNT".into(),
                        data_clusters: vec!["ACCOUNT_DETAILED".into(), "TRANSACTIONS".into()],
                    },
                    FDXRequestedResource {
                        resource_type: "CUSTOMER".into(),
                        data_clusters: vec!["CUSTOMER_CONTACT".into()],
                    },
                ],
                ..FDXConsent::default()
            },
            ..GetFDXConsentResponse::default()
        };
        let own = [account("1"), account("2"), account("3")];
        let chosen = ["2".to_string(), "1".to_string(), "2".to_string()];
        let body = accept_body(&consent, &own, &chosen, "ls".into()).unwrap();
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"login_state": "ls", "granted_scopes": ["fdx:accountdetailed:read"], "resources": [
                {"id": "1", "resouceType": "ACCOUNT", "dataClusters": ["ACCOUNT_DETAILED", "TRANSACTIONS"]},
                {"id": "2", "resouceType": "ACCOUNT", "dataClusters": ["ACCOUNT_DETAILED", "TRANSACTIONS"]},
                {"id": "id-1", "resouceType": "CUSTOMER", "dataClusters": ["CUSTOMER_CONTACT"]}]})
        );
        let refused = accept_body(&consent, &own, &["1".into(), "9000001".into()], "ls".into());
        assert_eq!(refused.err(), Some(Failure::NotYours));
    }

    #[test]
    fn an_account_the_bank_says_is_unavailable_is_not_shared() {
        let closed = InternalAccount { unavailable: Some("Closed".into()), ..account("2") };
        let own = [account("1"), closed];
        assert_eq!(may_share(&own, &["1".into()]), Ok(()));
        assert_eq!(may_share(&own, &[]), Ok(()));
        assert_eq!(may_share(&own, &["1".into(), "2".into()]), Err(Failure::AccountUnavailable));
        assert_eq!(may_share(&own, &["3".into(), "2".into()]), Err(Failure::NotYours));
        // With no reason given it is still unavailable.
        let silent = [InternalAccount { unavailable: Some(String::new()), ..account("1") }];
        assert_eq!(may_share(&silent, &["1".into()]), Err(Failure::AccountUnavailable));
        let views = account_views(own.to_vec(), Use::Share, i18n::Locale::En);
        assert_eq!(views[1].unavailable.as_deref(), Some("Closed"));
        assert_eq!(views[0].unavailable, None);
    }

    #[test]
    fn a_joint_account_whose_sharing_is_off_is_not_shared_yet_may_be_paid_from() {
        use crate::wire::JointAccount;
        let off = |allowed| InternalAccount {
            joint: Some(JointAccount { holders: 2, allowed, withheld: true }),
            ..account("J")
        };
        let own = [account("1"), off(true)];
        assert_eq!(may_share(&own, &["J".into()]), Err(Failure::AccountUnavailable));
        assert_eq!(may_use(&own, &["J".into()], Use::Pay), Ok(()));
        let on = [InternalAccount {
            joint: Some(JointAccount { holders: 2, allowed: true, withheld: false }),
            ..account("J")
        }];
        assert_eq!(may_share(&on, &["J".into()]), Ok(()));
        // Said to each holder in Assent's words; the payment screen offers it.
        let why = |a: &InternalAccount| why_not(a, Use::Share, i18n::Locale::En).unwrap_or_default();
        assert!(why(&off(true)).starts_with("Another holder of this joint account"), "{}", why(&off(true)));
        assert!(why(&off(false)).starts_with("You turned sharing off"), "{}", why(&off(false)));
        assert_eq!(account_views(vec![off(true)], Use::Pay, i18n::Locale::En)[0].unavailable, None);
        // A blocked joint account: the bank's reason, for either use.
        let blocked = InternalAccount { unavailable: Some("Blocked".into()), ..off(true) };
        assert_eq!(why_not(&blocked, Use::Pay, i18n::Locale::En).as_deref(), Some("Blocked"));
    }

    #[test]
    fn any_duration_a_recipient_asks_for_makes_a_page() {
        for days in [i64::MAX, i64::MIN, 1_000_000_000, -1, 0, 90] {
            let consent = GetFDXConsentResponse {
                fdx_consent: FDXConsent { duration_period: Some(days), ..FDXConsent::default() },
                ..GetFDXConsentResponse::default()
            };
            let view = view(&consent, Vec::new(), "l".into(), "s".into(), "t".into());
            assert_eq!(view.duration_days, Some(days));
            // An end date only when there is one to show.
            assert_eq!(view.until.is_some(), (1..=90).contains(&days), "{days}");
            // None left (or ended before it began): it could not be given any more.
            assert_eq!(still_open(&consent).is_err(), days <= 0, "{days}");
            // Unless its type has no days: a Go zero value says nothing.
            for kind in ["ONE_TIME", "PERSISTENT"] {
                let mut typed = consent.clone();
                typed.fdx_consent.duration_type = Some(kind.into());
                assert!(still_open(&typed).is_ok(), "{kind} {days}");
            }
        }
    }

    #[test]
    fn a_consent_whose_expiration_has_passed_is_refused() {
        let at = |time: chrono::DateTime<chrono::Utc>| GetFDXConsentResponse {
            fdx_consent: FDXConsent { expiration_time: Some(time.to_rfc3339()), ..FDXConsent::default() },
            ..GetFDXConsentResponse::default()
        };
        let past = still_open(&at(chrono::Utc::now() - chrono::Duration::hours(1))).unwrap_err();
        assert_eq!(past.failure, Failure::ConsentExpired);
        assert!(still_open(&at(chrono::Utc::now() + chrono::Duration::days(30))).is_ok());
        // Without an end, it lasts until the customer stops it.
        assert!(still_open(&GetFDXConsentResponse::default()).is_ok());
        // An end that does not read is the server's fault, not "until you stop it".
        let unread = GetFDXConsentResponse {
            fdx_consent: FDXConsent { expiration_time: Some("next Tuesday".into()), ..FDXConsent::default() },
            ..GetFDXConsentResponse::default()
        };
        assert_eq!(still_open(&unread).unwrap_err().failure, Failure::UpstreamInvalid);
    }
}
