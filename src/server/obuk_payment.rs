//! UK domestic payments on the consent screen: the amount in the customer's language and the
//! currency's own format, the payee with its account masked, the reference, and the account
//! paid from; then what an accept sends back (exactly one account, the customer's own, the
//! consent's `DebtorAccount` when it names one). The calls are the server functions of
//! `crate::api::obuk_payment`.

use super::fdx::account_views;
use super::present::{clean_text, client_view, user_of};
use crate::error::{AppError, Failure};
use crate::i18n::Locale;
use crate::model::DomesticPaymentView;
use crate::request;
use crate::wire::obuk::AcceptConsentRequest;
use crate::wire::obuk_payment::{GetDomesticPaymentConsentResponse, OBCashAccount};
use crate::wire::InternalAccount;

/// `amount` (`OBActiveOrHistoricCurrencyAndAmount.Amount`: digits, optionally a point and up to
/// five decimals) in `locale`'s format with `currency`: en `£1,234.50`, es `1234,50 £`
/// (grouped from five digits on: `12.345,00 £`), pt-BR `£ 1.234,50`; a currency without a
/// symbol here by its code (`1,234.50 CHF`). Decimals beyond the second are kept, never
/// rounded away. `None` for anything that is not such an amount, or a currency that is not
/// three capital letters: the page shows no money it cannot read exactly.
pub fn format_amount(locale: Locale, amount: &str, currency: &str) -> Option<String> {
    // A payment's amount is never negative.
    if amount.starts_with('-') {
        return None;
    }
    crate::i18n::amount(locale, amount, currency)
}

/// A record's payment as a page shows it; an amount the formatter cannot read is shown as kept.
pub fn payment_line(locale: Locale, p: &crate::server::records::PaymentRecord) -> crate::model::PaymentLine {
    crate::model::PaymentLine {
        amount: format_amount(locale, &p.amount, &p.currency)
            .unwrap_or_else(|| clean_text(&format!("{} {}", p.amount, p.currency))),
        payee: clean_text(&p.payee),
        reference: p.reference.as_deref().map(clean_text).filter(|r| !r.is_empty()),
    }
}

/// The UK payment consents of the management list (`type` `domestic_payment`) that the user
/// authorised from one of `accounts` (their own), newest first, as the portal lists them: the
/// recipient by its embedded `Client`, the amount, payee and reference, the account paid from,
/// `Paid` once the bank made it. Those not authorised (awaiting, declined) are not payments.
pub fn payments_view(
    accounts: &[InternalAccount],
    mut consents: Vec<crate::wire::obuk_consents::OBUKConsentWithClient>,
    locale: Locale,
) -> Vec<crate::model::PaymentAccess> {
    use crate::wire::obuk::status;
    use crate::wire::obuk_payment::CONSUMED;
    super::present::newest_first(&mut consents, |c| c.created_at.as_deref());
    consents
        .into_iter()
        .filter_map(|c| {
            let payment = c.domestic_payment_consent?;
            let state = if c.status.is_empty() { payment.status.clone() } else { c.status.clone() };
            let key = match state.as_str() {
                CONSUMED => "portal-payment-paid",
                status::AUTHORISED => "portal-payment-authorised",
                _ => return None,
            };
            let from = accounts.iter().find(|a| c.account_ids.contains(&a.id))?;
            let i = &payment.initiation;
            let amount = &i.instructed_amount;
            let client = c.client.unwrap_or_default();
            let remittance = i.remittance_information.clone().unwrap_or_default();
            Some(crate::model::PaymentAccess {
                recipient: client
                    .name
                    .as_deref()
                    .map(clean_text)
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| clean_text(&c.client_id)),
                logo_uri: super::present::safe_url(client.logo_uri.as_ref()),
                amount: format_amount(locale, &amount.amount, &amount.currency)
                    .unwrap_or_else(|| clean_text(&format!("{} {}", amount.amount, amount.currency))),
                payee: i.creditor_account.as_ref().and_then(|a| a.name.as_deref()).map(clean_text).unwrap_or_default(),
                reference: remittance.reference.as_deref().map(clean_text).filter(|r| !r.is_empty()),
                from: Some(super::present::account_name(from)),
                date: payment
                    .status_update_date_time
                    .as_deref()
                    .or(c.created_at.as_deref())
                    .and_then(super::present::format_date),
                status: crate::i18n::text(locale, key, &[]),
                consent_id: c.consent_id,
            })
        })
        .collect()
}

/// An account identification as the page shows it: its last four letters or digits after an
/// ellipsis (`…5698`); a shorter one wholly hidden.
pub fn mask(identification: &str) -> String {
    let kept: Vec<char> = clean_text(identification).chars().filter(char::is_ascii_alphanumeric).collect();
    if kept.len() <= 4 {
        return "…".into();
    }
    let tail: String = kept[kept.len() - 4..].iter().collect();
    format!("…{tail}")
}

/// Whether `account` is the one `named` identifies: by the bank's id, or by its whole number
/// (`identification`, separators and case aside). A bank whose internal API gives only the
/// last digits shown is matched on those ending the identification: another account ending
/// the same could pass, so a bank should give the whole number.
fn same_account(account: &InternalAccount, named: &OBCashAccount) -> bool {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let plain = |s: &str| s.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_uppercase();
    if named.identification == account.id {
        return true;
    }
    match &account.identification {
        Some(whole) => {
            let whole = plain(whole);
            !whole.is_empty() && whole == plain(&named.identification)
        }
        None => {
            let shown = digits(&account.masked_number);
            shown.len() >= 4 && digits(&named.identification).ends_with(&shown)
        }
    }
}

/// The customer's account the consent fixes as the debtor: `Ok(None)` when it fixes none;
/// `NotYours` when it names an account that is not exactly one of theirs.
pub fn fixed_debtor<'a>(
    consent: &GetDomesticPaymentConsentResponse,
    own: &'a [InternalAccount],
) -> Result<Option<&'a InternalAccount>, AppError> {
    let Some(named) = &consent.domestic_payment_consent.initiation.debtor_account else {
        return Ok(None);
    };
    let mut matches = own.iter().filter(|a| same_account(a, named));
    match (matches.next(), matches.next()) {
        (Some(a), None) if a.unavailable.is_some() => {
            tracing::info!("a UK payment consent whose DebtorAccount the bank says cannot be used now; refused");
            Err(Failure::DebtorUnavailable.into())
        }
        (Some(a), None) => Ok(Some(a)),
        _ => {
            tracing::warn!("a UK payment consent whose DebtorAccount is not one of the customer's accounts; refused");
            Err(Failure::DebtorNotYours.into())
        }
    }
}

/// The payment as the screen shows it. An amount or currency the page cannot read exactly, or
/// a payment without its payee, is the authorization server's fault (`UpstreamInvalid`).
pub fn view(
    consent: &GetDomesticPaymentConsentResponse,
    own: Vec<InternalAccount>,
    login_id: String,
    login_state: String,
    csrf_token: String,
) -> Result<DomesticPaymentView, AppError> {
    let invalid = |what: &str| {
        tracing::error!("a UK payment consent with {what}; refused");
        AppError::new(Failure::UpstreamInvalid)
    };
    let i = &consent.domestic_payment_consent.initiation;
    let amount = format_amount(request::locale(), &i.instructed_amount.amount, &i.instructed_amount.currency)
        .ok_or_else(|| invalid("an amount that does not read"))?;
    let creditor = i.creditor_account.as_ref().ok_or_else(|| invalid("no creditor"))?;
    let payee =
        creditor.name.as_deref().map(clean_text).filter(|n| !n.is_empty()).ok_or_else(|| invalid("no payee"))?;
    let fixed = fixed_debtor(consent, &own)?.cloned();
    let text = |s: &Option<String>| s.as_deref().map(clean_text).filter(|s| !s.is_empty());
    let remittance = i.remittance_information.clone().unwrap_or_default();
    // Accounts the bank says cannot be used now are listed apart, not offered to pay from.
    let accounts = match &fixed {
        Some(a) => vec![a.clone()],
        None => own,
    };
    Ok(DomesticPaymentView {
        login_id,
        login_state,
        workspace: consent.server_id.clone(),
        csrf_token,
        client: client_view(&consent.client_info, &consent.client_id),
        user: user_of(&consent.authentication_context, &consent.subject),
        amount,
        payee,
        payee_account: mask(&creditor.identification),
        reference: text(&remittance.reference),
        remittance: text(&remittance.unstructured),
        accounts: account_views(accounts, crate::server::present::Use::Pay, request::locale()),
        fixed: fixed.is_some(),
    })
}

/// What an accept grants: the one chosen account and every requested scope. Refused when it is
/// not the customer's or not the account the consent fixes (`NotYours`), or when the bank says
/// it cannot be used now (`AccountUnavailable`).
pub fn accept_body(
    consent: &GetDomesticPaymentConsentResponse,
    own: &[InternalAccount],
    chosen: &str,
    login_state: String,
) -> Result<AcceptConsentRequest, AppError> {
    crate::server::fdx::may_use(own, &[chosen.to_string()], crate::server::present::Use::Pay)?;
    if let Some(fixed) = fixed_debtor(consent, own)? {
        if fixed.id != chosen {
            tracing::warn!("a UK payment accept from another account than the one the consent fixes; refused");
            return Err(Failure::NotYours.into());
        }
    }
    Ok(AcceptConsentRequest {
        login_state,
        granted_scopes: consent
            .requested_scopes
            .iter()
            .map(|s| s.requested_name.clone().unwrap_or_else(|| s.name.clone()))
            .collect(),
        account_ids: vec![chosen.to_string()],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::obuk_payment::{DomesticPaymentConsent, OBAmount, OBDomesticInitiation};

    #[test]
    fn amounts_speak_each_language() {
        let f = |l, a: &str, c: &str| format_amount(l, a, c);
        assert_eq!(f(Locale::En, "1234.50", "GBP").unwrap(), "£1,234.50");
        assert_eq!(f(Locale::Es, "1234.50", "GBP").unwrap(), "1234,50\u{a0}£");
        assert_eq!(f(Locale::PtBr, "1234.50", "GBP").unwrap(), "£\u{a0}1.234,50");
        assert_eq!(f(Locale::Es, "12345", "EUR").unwrap(), "12.345,00\u{a0}€");
        assert_eq!(f(Locale::En, "1000000.5", "GBP").unwrap(), "£1,000,000.50");
        assert_eq!(f(Locale::En, "0.07", "GBP").unwrap(), "£0.07");
        assert_eq!(f(Locale::En, "007.1", "GBP").unwrap(), "£7.10");
        assert_eq!(f(Locale::En, "12.34567", "GBP").unwrap(), "£12.34567", "never rounded away");
        assert_eq!(f(Locale::PtBr, "999", "CHF").unwrap(), "999,00\u{a0}CHF");
        for (amount, currency) in [
            ("", "GBP"),
            ("-1", "GBP"),
            ("1,5", "GBP"),
            ("1.", "GBP"),
            (".5", "GBP"),
            ("1e9", "GBP"),
            ("1.234567", "GBP"),
            ("12345678901234", "GBP"),
            ("١٢٣", "GBP"),
            ("10", "gbp"),
            ("10", "£"),
            ("10", ""),
        ] {
            assert_eq!(f(Locale::En, amount, currency), None, "{amount:?} {currency:?}");
        }
    }

    #[test]
    fn payee_accounts_are_masked() {
        assert_eq!(mask("08080021325698"), "…5698");
        assert_eq!(mask("GB29 NWBK 6016 1331 9268 19"), "…6819");
        assert_eq!(mask("1234"), "…");
        assert_eq!(mask(""), "…");
    }

    fn consent(debtor: Option<&str>) -> GetDomesticPaymentConsentResponse {
        GetDomesticPaymentConsentResponse {
            domestic_payment_consent: DomesticPaymentConsent {
                consent_id: "pdc-1".into(),
                status: "AwaitingAuthorisation".into(),
                initiation: OBDomesticInitiation {
                    instructed_amount: OBAmount { amount: "10.00".into(), currency: "GBP".into() },
                    creditor_account: Some(OBCashAccount {
                        scheme_name: "UK.OBIE.SortCodeAccountNumber".into(),
                        identification: "08080021325698".into(),
                        name: Some("ACME".into()),
                        secondary_identification: None,
                    }),
                    debtor_account: debtor.map(|d| OBCashAccount {
                        scheme_name: "UK.OBIE.SortCodeAccountNumber".into(),
                        identification: d.into(),
                        ..OBCashAccount::default()
                    }),
                    ..OBDomesticInitiation::default()
                },
                ..DomesticPaymentConsent::default()
            },
            ..GetDomesticPaymentConsentResponse::default()
        }
    }

    fn own() -> Vec<InternalAccount> {
        [("A", "…6819"), ("B", "…9911")]
            .iter()
            .map(|(id, m)| InternalAccount { id: id.to_string(), masked_number: m.to_string(), ..Default::default() })
            .collect()
    }

    #[test]
    fn exactly_one_own_account_and_the_fixed_one_when_fixed() {
        let body = accept_body(&consent(None), &own(), "B", "ls".into()).unwrap();
        assert_eq!(body.account_ids, ["B"]);
        assert_eq!(accept_body(&consent(None), &own(), "Z", "ls".into()).unwrap_err().failure, Failure::NotYours);
        let fixed = consent(Some("20000031926819"));
        assert_eq!(accept_body(&fixed, &own(), "A", "ls".into()).unwrap().account_ids, ["A"]);
        assert_eq!(accept_body(&fixed, &own(), "B", "ls".into()).unwrap_err().failure, Failure::NotYours);
        let page = view(&fixed, own(), "l".into(), "s".into(), "t".into()).unwrap();
        assert!(page.fixed);
        assert_eq!(page.accounts.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["A"]);
        let foreign = consent(Some("20000040404040"));
        assert_eq!(
            view(&foreign, own(), "l".into(), "s".into(), "t".into()).unwrap_err().failure,
            Failure::DebtorNotYours
        );
        // A bank that gives the whole number: another account ending the same is not the
        // customer's; the same number written another way is.
        let whole: Vec<InternalAccount> = own()
            .into_iter()
            .map(|a| InternalAccount { identification: Some(format!("20-00-00 3192{}", &a.masked_number[3..])), ..a })
            .collect();
        let same_ending = consent(Some("99999999996819"));
        assert_eq!(view(&same_ending, own(), "l".into(), "s".into(), "t".into()).unwrap().accounts[0].id, "A");
        assert_eq!(
            view(&same_ending, whole.clone(), "l".into(), "s".into(), "t".into()).unwrap_err().failure,
            Failure::DebtorNotYours
        );
        assert_eq!(accept_body(&fixed, &whole, "A", "ls".into()).unwrap().account_ids, ["A"]);
        let mut odd = consent(None);
        odd.domestic_payment_consent.initiation.instructed_amount.amount = "lots".into();
        assert_eq!(
            view(&odd, own(), "l".into(), "s".into(), "t".into()).unwrap_err().failure,
            Failure::UpstreamInvalid
        );
    }

    #[test]
    fn an_account_the_bank_says_is_unavailable_is_listed_apart_and_not_paid_from() {
        let mut own = own();
        own[0].unavailable = Some("Blocked".into());
        let page = view(&consent(None), own.clone(), "l".into(), "s".into(), "t".into()).unwrap();
        let offered: Vec<&str> =
            page.accounts.iter().filter(|a| a.unavailable.is_none()).map(|a| a.id.as_str()).collect();
        assert_eq!(offered, ["B"]);
        assert_eq!(page.accounts[0].unavailable.as_deref(), Some("Blocked"), "listed apart, with its reason");
        assert_eq!(
            accept_body(&consent(None), &own, "A", "ls".into()).unwrap_err().failure,
            Failure::AccountUnavailable
        );
        assert_eq!(accept_body(&consent(None), &own, "B", "ls".into()).unwrap().account_ids, ["B"]);
        let fixed = consent(Some("20000031926819"));
        let refused = view(&fixed, own, "l".into(), "s".into(), "t".into()).unwrap_err();
        assert_eq!(refused.failure, Failure::DebtorUnavailable);
    }
}
