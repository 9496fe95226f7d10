//! UK domestic-payment consents: the resource a payment initiation service provider creates
//! with a client-credentials token carrying `payments`
//! (`POST /{tid}/{wid}/open-banking/v3.1/pisp/domestic-payment-consents`), reads back with
//! `GET …/{ConsentId}`, then authorizes by its id in `claims`, as account access does
//! (`consent::bind_intent`).
//!
//! They live in the same consent table as account access (`fdx_consents`): `request` holds the
//! `Initiation`, `granted` the one debtor account the customer chose. Their ids start with
//! [`ID_PREFIX`], which is how the profile tells the consent page's `consent_type` from the
//! request alone. An authorised payment consent becomes `Consumed` when the bank makes its
//! payment (`bank::obuk`), once.

use crate::sandbox::bank::data::Account;
use crate::sandbox::http::{active_token, db_failure};
use crate::sandbox::profile::obuk::consent::{load, ob_error, recipient_with, rfc3339};
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::FdxConsentRow;
use crate::sandbox::util::{now, random_token, sha256_b64};
use crate::wire::obuk::{status, OBLinks, OBMeta};
use crate::wire::obuk_payment::{
    DomesticPaymentConsent, OBCashAccount, OBDomesticInitiation, OBWriteDomesticConsent, OBWriteDomesticConsentResponse,
};
use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use std::sync::Arc;

/// The scope a recipient's tokens need to create payment consents and make payments.
pub const PAYMENTS_SCOPE: &str = "payments";

/// The start of every payment consent's id (account access's: `consent::ID_PREFIX`).
pub const ID_PREFIX: &str = "pdc-";

/// The largest payment the sandbox bank takes, in pounds.
pub const LIMIT: u64 = 1_000_000;

/// The currencies the sandbox's UK bank pays in.
pub const CURRENCIES: [&str; 1] = ["GBP"];

/// Whether consent `id` is a domestic-payment consent.
pub fn is_payment(id: &str) -> bool {
    id.starts_with(ID_PREFIX)
}

/// An amount in pence, when `amount` is a positive decimal with at most two places, no sign,
/// no exponent, no more than [`LIMIT`].
pub fn pence(amount: &str) -> Option<u64> {
    let (units, fraction) = amount.split_once('.').unwrap_or((amount, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if units.is_empty() || units.len() > 7 || !digits(units) || fraction.len() > 2 || !digits(fraction) {
        return None;
    }
    if amount.contains('.') && fraction.is_empty() {
        return None;
    }
    let units: u64 = units.parse().ok()?;
    let fraction: u64 = format!("{fraction:0<2}").parse().ok()?;
    let pence = units * 100 + fraction;
    (pence > 0 && pence <= LIMIT * 100).then_some(pence)
}

/// Checks what a recipient asks to pay: identifications present and short, a sane amount in a
/// currency this bank pays in, a creditor with an identification and a name, a debtor (when
/// named) with an identification, a reference of at most 35 characters.
pub fn validate(i: &OBDomesticInitiation) -> Result<(), String> {
    let short = |field: &str, value: &str, max: usize| {
        if value.trim().is_empty() || value.chars().count() > max {
            Err(format!("Data.Initiation.{field} must have 1 to {max} characters."))
        } else {
            Ok(())
        }
    };
    short("InstructionIdentification", &i.instruction_identification, 35)?;
    short("EndToEndIdentification", &i.end_to_end_identification, 35)?;
    let amount = &i.instructed_amount;
    if pence(&amount.amount).is_none() {
        return Err(format!(
            "Data.Initiation.InstructedAmount.Amount must be a positive amount with at most two decimals, up to {LIMIT}."
        ));
    }
    let currency = &amount.currency;
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err("Data.Initiation.InstructedAmount.Currency must be an ISO 4217 code.".into());
    }
    if !CURRENCIES.contains(&currency.as_str()) {
        return Err(format!("This bank does not pay in {currency}."));
    }
    let account = |field: &str, a: &OBCashAccount, named: bool| {
        short(&format!("{field}.SchemeName"), &a.scheme_name, 40)?;
        short(&format!("{field}.Identification"), &a.identification, 256)?;
        if named {
            short(&format!("{field}.Name"), a.name.as_deref().unwrap_or_default(), 70)?;
        }
        Ok::<(), String>(())
    };
    let Some(creditor) = &i.creditor_account else {
        return Err("Data.Initiation.CreditorAccount is required.".into());
    };
    account("CreditorAccount", creditor, true)?;
    if let Some(debtor) = &i.debtor_account {
        account("DebtorAccount", debtor, false)?;
    }
    if let Some(r) = &i.remittance_information {
        if r.reference.as_ref().is_some_and(|s| s.chars().count() > 35) {
            return Err("Data.Initiation.RemittanceInformation.Reference must have at most 35 characters.".into());
        }
        if r.unstructured.as_ref().is_some_and(|s| s.chars().count() > 140) {
            return Err("Data.Initiation.RemittanceInformation.Unstructured must have at most 140 characters.".into());
        }
    }
    Ok(())
}

/// The payment a consent's row asks for.
pub fn initiation_of(row: &FdxConsentRow) -> OBDomesticInitiation {
    serde_json::from_str(&row.request).unwrap_or_default()
}

/// Whether `account` is the one `named` identifies: by the ledger's id, or by its number
/// (digits only, as the UK schemes write sort code and account number together).
pub fn same_account(account: &Account, named: &OBCashAccount) -> bool {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    named.identification == account.id
        || (!digits(&named.identification).is_empty() && digits(&named.identification) == digits(&account.number))
}

/// `DomesticPaymentConsent` as every API shows it.
pub fn to_payment_consent(row: &FdxConsentRow) -> DomesticPaymentConsent {
    DomesticPaymentConsent {
        consent_id: row.id.clone(),
        status: row.status.clone(),
        creation_date_time: rfc3339(row.created_at),
        status_update_date_time: rfc3339(row.updated_at),
        initiation: initiation_of(row),
    }
}

fn response(sb: &Sandbox, wid: &str, row: &FdxConsentRow) -> OBWriteDomesticConsentResponse {
    OBWriteDomesticConsentResponse {
        data: to_payment_consent(row),
        risk: serde_json::Map::new(),
        links: OBLinks {
            self_link: format!("{}/open-banking/v3.1/pisp/domestic-payment-consents/{}", sb.issuer(wid), row.id),
        },
        meta: OBMeta { total_pages: Some(1) },
    }
}

/// `POST /{tid}/{wid}/open-banking/v3.1/pisp/domestic-payment-consents` with
/// `OBWriteDomesticConsent4`: 201 with the consent, `AwaitingAuthorisation`; 400
/// (`OBErrorResponse1`) for a payment the bank would not make.
pub async fn create(
    State(sb): State<Arc<Sandbox>>,
    Path((tid, wid)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let client_id = match recipient_with(&sb, &tid, &wid, &headers, PAYMENTS_SCOPE) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Ok(request) = serde_json::from_slice::<OBWriteDomesticConsent>(&body) else {
        return ob_error(
            StatusCode::BAD_REQUEST,
            "UK.OBIE.Resource.InvalidFormat",
            "The body must be OBWriteDomesticConsent4.",
        );
    };
    if let Err(m) = validate(&request.data.initiation) {
        return ob_error(StatusCode::BAD_REQUEST, "UK.OBIE.Field.Invalid", &m);
    }
    let now = now();
    let row = FdxConsentRow {
        id: format!("{ID_PREFIX}{}", random_token(18)),
        workspace: wid.clone(),
        client_id,
        subject: None,
        status: status::AWAITING_AUTHORISATION.into(),
        request: serde_json::to_string(&request.data.initiation).unwrap_or_default(),
        granted: "[]".into(),
        revocation: None,
        created_at: now,
        updated_at: now,
        expires_at: None,
    };
    if let Err(e) = sb.store.insert_fdx_consent(&row) {
        return db_failure(e);
    }
    (StatusCode::CREATED, Json(response(&sb, &wid, &row))).into_response()
}

/// `GET /{tid}/{wid}/open-banking/v3.1/pisp/domestic-payment-consents/{ConsentId}`: the
/// recipient's own payment consent.
pub async fn get(
    State(sb): State<Arc<Sandbox>>,
    Path((tid, wid, id)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let client_id = match recipient_with(&sb, &tid, &wid, &headers, PAYMENTS_SCOPE) {
        Ok(c) => c,
        Err(r) => return r,
    };
    match load(&sb, &wid, &id).filter(|c| c.client_id == client_id && is_payment(&c.id)) {
        Some(row) => Json(response(&sb, &wid, &row)).into_response(),
        None => ob_error(StatusCode::NOT_FOUND, "UK.OBIE.NotFound", "Consent not found."),
    }
}

/// The payment consent a user's access token of workspace `wid` was issued under, whatever
/// its status (the bank tells a consumed consent from one never authorised), while the token
/// is active and carries `payments`.
pub fn payment_consent_of(sb: &Sandbox, wid: &str, token: &str) -> Option<FdxConsentRow> {
    let row = active_token(sb, token).filter(|r| r.workspace == wid && r.kind == "access")?;
    row.scope.split_whitespace().any(|s| s == PAYMENTS_SCOPE).then_some(())?;
    let (_, grant) = sb.store.token_binding(&sha256_b64(token)).ok()?;
    load(sb, wid, &grant?).filter(|c| is_payment(&c.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::obuk_payment::{OBAmount, OBRemittance};

    fn initiation(amount: &str, currency: &str) -> OBDomesticInitiation {
        OBDomesticInitiation {
            instruction_identification: "ACME412".into(),
            end_to_end_identification: "FRESCO.21302".into(),
            instructed_amount: OBAmount { amount: amount.into(), currency: currency.into() },
            creditor_account: Some(OBCashAccount {
                scheme_name: "UK.OBIE.SortCodeAccountNumber".into(),
                identification: "08080021325698".into(),
                name: Some("ACME Energy Ltd".into()),
                secondary_identification: None,
            }),
            remittance_information: Some(OBRemittance { reference: Some("FRESCO-101".into()), unstructured: None }),
            ..OBDomesticInitiation::default()
        }
    }

    #[test]
    fn amounts_are_positive_decimals_with_two_places_at_most() {
        assert_eq!(pence("1234.50"), Some(123_450));
        assert_eq!(pence("0.01"), Some(1));
        assert_eq!(pence("7"), Some(700));
        assert_eq!(pence("1000000"), Some(100_000_000));
        for bad in
            ["", "0", "0.00", "-5", "+5", "1.234", "1e3", "1,00", "1.", ".5", " 5", "1000000.01", "99999999", "NaN"]
        {
            assert_eq!(pence(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn absurd_payments_are_refused() {
        assert!(validate(&initiation("1234.50", "GBP")).is_ok());
        assert!(validate(&initiation("-1", "GBP")).unwrap_err().contains("Amount"));
        assert!(validate(&initiation("10.999", "GBP")).is_err());
        assert!(validate(&initiation("5000000", "GBP")).is_err());
        assert!(validate(&initiation("10", "gbp")).unwrap_err().contains("ISO 4217"));
        assert!(validate(&initiation("10", "POUNDS")).is_err());
        assert!(validate(&initiation("10", "EUR")).unwrap_err().contains("does not pay in EUR"));
        let mut no_creditor = initiation("10", "GBP");
        no_creditor.creditor_account = None;
        assert!(validate(&no_creditor).unwrap_err().contains("CreditorAccount"));
        let mut nameless = initiation("10", "GBP");
        nameless.creditor_account.as_mut().unwrap().name = None;
        assert!(validate(&nameless).is_err());
        let mut long = initiation("10", "GBP");
        long.remittance_information = Some(OBRemittance { reference: Some("x".repeat(36)), unstructured: None });
        assert!(validate(&long).is_err());
    }
}
