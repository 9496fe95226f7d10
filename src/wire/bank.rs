//! The bank's internal API: the customer's accounts, for the consent pages and the portal, and
//! what it disclosed under their consents, for the portal.

use serde::{Deserialize, Serialize};

/// The sandbox bank's internal accounts API for the consent page (not in the reference; the
/// quickstart bank has an unauthenticated one): `GET {BANK_URL}/internal/accounts?customer_id=`,
/// with the token of the bank's own client when it wants one (`BANK_CLIENT_*`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct InternalAccounts {
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub accounts: Vec<InternalAccount>,
}

/// One account of a bank customer, as a consent page lists it for selection.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct InternalAccount {
    /// The id a consent grants (`FDXResource.id` with `resouceType` `ACCOUNT`).
    pub id: String,
    /// The product name, e.g. "Everyday Checking".
    pub name: String,
    /// The customer's own name for the account, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    /// `CHECKING`, `SAVINGS` or `CREDIT_CARD`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The account number masked for display, e.g. `…1234`.
    pub masked_number: String,
    /// The account's whole number as a payment names it (sort code and account number, or
    /// IBAN), when the bank gives it: a payment's fixed debtor is then matched on all of it,
    /// not on the last digits shown. Never shown, never sent to the browser.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identification: Option<String>,
    /// Current balance in `currency` (negative for money owed on a card).
    pub balance: f64,
    /// ISO 4217 code.
    pub currency: String,
    /// Why the customer cannot share it now, in the bank's words: a joint account whose other
    /// holder has not turned sharing on, an account closed or blocked. Consent screens show it,
    /// and its reason, but never offer it. Absent when it can be shared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unavailable: Option<String>,
    /// Present for an account held by more than one customer: its data is shared only while
    /// every holder allows it (the CDR's joint-account disclosure option), and the portal lets
    /// each holder say so ([`JointSharing`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joint: Option<JointAccount>,
}

/// A joint account as one of its holders sees it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct JointAccount {
    /// How many customers hold it, this one included.
    #[serde(default)]
    pub holders: u32,
    /// Whether this customer allows its data to be shared (yes, when the bank does not say).
    #[serde(default = "yes")]
    pub allowed: bool,
    /// Whether some holder does not allow it now: the bank then shares nothing of it under
    /// anyone's consent, and Assent's data-sharing screens list it apart (paying from it is
    /// another matter, the bank's `unavailable` alone says when that cannot be done).
    #[serde(default)]
    pub withheld: bool,
}

fn yes() -> bool {
    true
}

/// A holder's choice for a joint account (Assent's own contract, not the reference's):
/// `PUT {bank}/internal/accounts/{id}/sharing?customer_id=…` with this body, with the bank's
/// client's token like the reads. Any holder may stop the sharing alone, at once; it starts
/// again only once every holder allows it. The bank answers 200 with the account as this
/// customer now sees it, 404 for an account that is not the customer's, 409 for one that is not
/// joint.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct JointSharing {
    pub allowed: bool,
}

/// What the bank disclosed under a customer's consents (not in the reference; Assent's own
/// contract with a bank that keeps such a log, as a CDR data holder's dashboard must show it):
/// `GET {bank}/internal/disclosures?customer_id=`, with the bank's client's token like the
/// accounts. A bank without it answers 404, and the portal then says nothing of disclosures.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Disclosures {
    #[serde(default, deserialize_with = "crate::wire::null_is_empty")]
    pub disclosures: Vec<Disclosure>,
}

/// The requests for one kind of data under one consent.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Disclosure {
    /// The consent it was disclosed under (a CDR arrangement's `cdr_arrangement_id`).
    pub consent_id: String,
    /// What: `accounts`, `balances`, `transactions` (another kind is shown as the bank names it).
    pub data: String,
    /// How many requests.
    pub count: u64,
    /// When the last one was answered (RFC 3339).
    pub last: String,
}
