//! UK Open Banking account access on the consent screen: the requested permissions grouped in
//! the UK customer-experience guidelines' data clusters (customers read "Your account
//! details", not `ReadAccountsDetail`), the dates, and what an accept sends back. The calls
//! are the server functions of `crate::api::obuk`.

use super::fdx::account_views;
use super::present::{clean_text, client_view, format_date, user_of};
use crate::error::{AppError, Failure};
use crate::model::ObukConsentView;
use crate::request;
use crate::wire::obuk::{AcceptConsentRequest, GetAccountAccessConsentResponse};
use crate::wire::InternalAccount;

/// The data clusters of the UK guidelines (the page's words are `obuk-cluster-{key}`), in
/// their order, and the permission codes each covers.
pub const CLUSTERS: [(&str, &[&str]); 6] = [
    ("account-details", &["ReadAccountsBasic", "ReadAccountsDetail", "ReadBalances", "ReadPAN"]),
    (
        "regular-payments",
        &[
            "ReadBeneficiariesBasic",
            "ReadBeneficiariesDetail",
            "ReadDirectDebits",
            "ReadStandingOrdersBasic",
            "ReadStandingOrdersDetail",
            "ReadScheduledPaymentsBasic",
            "ReadScheduledPaymentsDetail",
        ],
    ),
    (
        "transactions",
        &["ReadTransactionsBasic", "ReadTransactionsDetail", "ReadTransactionsCredits", "ReadTransactionsDebits"],
    ),
    ("statements", &["ReadStatementsBasic", "ReadStatementsDetail"]),
    ("features", &["ReadProducts", "ReadOffers"]),
    ("party", &["ReadParty", "ReadPartyPSU"]),
];

/// The cluster of codes the page does not know: shown with the codes themselves, never
/// dropped, so a customer is not told less than the recipient asked for.
pub const OTHER: &str = "other";

/// `permissions` by cluster, in the guidelines' order; codes no cluster covers under
/// [`OTHER`], cleaned (they come from the recipient). Each cluster once, each code once.
pub fn group(permissions: &[String]) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for (key, codes) in CLUSTERS {
        let asked: Vec<String> =
            codes.iter().filter(|c| permissions.iter().any(|p| p == *c)).map(|c| c.to_string()).collect();
        if !asked.is_empty() {
            out.push((key.to_string(), asked));
        }
    }
    let mut other: Vec<String> = Vec::new();
    for p in permissions {
        let code = clean_text(p);
        let known = CLUSTERS.iter().any(|(_, codes)| codes.contains(&p.as_str()));
        if !known && !code.is_empty() && !other.contains(&code) {
            other.push(code);
        }
    }
    if !other.is_empty() {
        out.push((OTHER.to_string(), other));
    }
    out
}

/// The consent as the screen shows it. A consent whose expiry has passed is refused
/// (`ConsentExpired`): it could not be given any more. One with a date that does not parse is
/// the authorization server's fault (`UpstreamInvalid`): the page cannot say how long access
/// would last.
pub fn view(
    consent: &GetAccountAccessConsentResponse,
    accounts: Vec<InternalAccount>,
    login_id: String,
    login_state: String,
    csrf_token: String,
) -> Result<ObukConsentView, AppError> {
    let c = &consent.account_access_consent;
    let date = |value: &Option<String>| -> Result<Option<(String, String)>, AppError> {
        match value {
            None => Ok(None),
            Some(v) => format_date(v).map(Some).ok_or_else(|| {
                tracing::error!("an account-access consent with a date that is not RFC 3339; refused");
                AppError::new(Failure::UpstreamInvalid)
            }),
        }
    };
    if let Some(end) = &c.expiration_date_time {
        let ended = chrono::DateTime::parse_from_rfc3339(end).is_ok_and(|e| e <= chrono::Utc::now());
        if ended {
            return Err(Failure::ConsentExpired.into());
        }
    }
    Ok(ObukConsentView {
        login_id,
        login_state,
        workspace: consent.server_id.clone(),
        csrf_token,
        client: client_view(&consent.client_info, &consent.client_id),
        user: user_of(&consent.authentication_context, &consent.subject),
        clusters: group(&c.permissions),
        until: date(&c.expiration_date_time)?,
        transactions_from: date(&c.transaction_from_date_time)?,
        transactions_to: date(&c.transaction_to_date_time)?,
        accounts: account_views(accounts, super::present::Use::Share, request::locale()),
    })
}

/// What an accept grants: the chosen accounts (sorted, each once) and every requested scope.
/// Refused when a chosen account may not be shared (`may_share`).
pub fn accept_body(
    consent: &GetAccountAccessConsentResponse,
    own: &[InternalAccount],
    chosen: &[String],
    login_state: String,
) -> Result<AcceptConsentRequest, Failure> {
    crate::server::fdx::may_share(own, chosen)?;
    let mut account_ids = chosen.to_vec();
    account_ids.sort();
    account_ids.dedup();
    Ok(AcceptConsentRequest {
        login_state,
        granted_scopes: consent
            .requested_scopes
            .iter()
            .map(|s| s.requested_name.clone().unwrap_or_else(|| s.name.clone()))
            .collect(),
        account_ids,
    })
}

/// A listed UK consent's status: the list's own, or where the list leaves it empty its
/// account-access consent's.
pub fn listed_status(c: &crate::wire::obuk_consents::OBUKConsentWithClient) -> &str {
    match (&c.status, &c.account_access_consent) {
        (status, _) if !status.is_empty() => status,
        (_, Some(consent)) => &consent.status,
        (_, None) => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::obuk::AccountAccessConsent;

    #[test]
    fn every_uk_permission_has_a_cluster_and_unknown_ones_are_kept() {
        for code in crate::wire::obuk::PERMISSIONS {
            let grouped = group(&[code.to_string()]);
            assert_eq!(grouped.len(), 1, "{code}");
            assert_ne!(grouped[0].0, OTHER, "{code} has no cluster");
        }
        let asked: Vec<String> = [
            "ReadPartyPSU",
            "ReadBalances",
            "ReadFutureThing",
            "ReadAccountsDetail",
            "ReadFutureThing",
            "Read\u{202E}X",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let grouped = group(&asked);
        assert_eq!(
            grouped,
            vec![
                ("account-details".to_string(), vec!["ReadAccountsDetail".to_string(), "ReadBalances".to_string()]),
                ("party".to_string(), vec!["ReadPartyPSU".to_string()]),
                (OTHER.to_string(), vec!["ReadFutureThing".to_string(), "ReadX".to_string()]),
            ]
        );
    }

    fn consent(expiry: Option<&str>, from: Option<&str>) -> GetAccountAccessConsentResponse {
        GetAccountAccessConsentResponse {
            account_access_consent: AccountAccessConsent {
                consent_id: "c".into(),
                permissions: vec!["ReadAccountsBasic".into()],
                status: "AwaitingAuthorisation".into(),
                expiration_date_time: expiry.map(str::to_string),
                transaction_from_date_time: from.map(str::to_string),
                ..AccountAccessConsent::default()
            },
            ..GetAccountAccessConsentResponse::default()
        }
    }

    #[test]
    fn absurd_dates_are_refused_clearly() {
        let page = |c: &GetAccountAccessConsentResponse| view(c, Vec::new(), "l".into(), "s".into(), "t".into());
        let past = page(&consent(Some("2001-01-01T00:00:00Z"), None)).unwrap_err();
        assert_eq!(past.failure, Failure::ConsentExpired);
        let garbled = page(&consent(Some("tomorrow"), None)).unwrap_err();
        assert_eq!(garbled.failure, Failure::UpstreamInvalid);
        assert_eq!(page(&consent(None, Some("1970-13-45"))).unwrap_err().failure, Failure::UpstreamInvalid);
        let far = page(&consent(Some("9999-12-31T23:59:59Z"), Some("1900-01-01T00:00:00Z"))).unwrap();
        assert!(far.until.is_some() && far.transactions_from.is_some());
        assert!(page(&consent(None, None)).unwrap().until.is_none());
    }

    #[test]
    fn only_the_customers_own_accounts_are_granted() {
        let own = [
            InternalAccount { id: "A".into(), ..Default::default() },
            InternalAccount { id: "B".into(), ..Default::default() },
        ];
        let body = accept_body(&consent(None, None), &own, &["B".into(), "A".into(), "B".into()], "ls".into()).unwrap();
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"login_state": "ls", "granted_scopes": [], "account_ids": ["A", "B"]})
        );
        let refused = accept_body(&consent(None, None), &own, &["A".into(), "Z".into()], "ls".into());
        assert_eq!(refused.err(), Some(Failure::NotYours));
    }
}
