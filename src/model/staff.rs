//! What the staff console shows: searches, records with their history.

use serde::{Deserialize, Serialize};

/// The staff console: who is signed in, the search and its results.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ConsoleView {
    pub staff: String,
    pub csrf_token: String,
    /// What was searched for ("" before a search).
    pub query: String,
    /// The records found, newest first; `None` before a search.
    pub results: Option<Vec<StaffRecordLine>>,
    /// Whether the results were cut at the search limit.
    pub more: bool,
    pub notice: Option<String>,
}

/// A consent record as bank staff see it in a list.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct StaffRecordLine {
    pub id: String,
    /// The bank the consent was given at: its workspace's brand name, or the workspace id.
    pub bank: String,
    pub client: String,
    pub client_id: String,
    pub subject: String,
    pub customer: String,
    /// Its status, in the page's language.
    pub status: String,
    pub active: bool,
    /// When it was given, or declined (formatted; machine-readable).
    pub given: Option<(String, String)>,
    /// The customer said no: `scopes` were asked for, not granted.
    pub declined: bool,
    pub scopes: Vec<String>,
    pub accounts: Vec<String>,
    /// What it paid, when it is a payment consent's record (which is never revoked).
    pub payment: Option<PaymentLine>,
    /// The warning the consent screen showed about where the application gets its answer, in
    /// staff's words.
    pub warned: Option<String>,
}

/// A payment as a record shows it: the amount in the page's language and the currency's
/// format, the payee, the reference.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PaymentLine {
    pub amount: String,
    pub payee: String,
    pub reference: Option<String>,
}

/// One consent record with its history, and the staff's revocations.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct StaffRecordView {
    pub staff: String,
    pub csrf_token: String,
    pub record: StaffRecordLine,
    pub history: Vec<HistoryLine>,
    /// How many consents the record's application holds now (for "revoke this provider").
    pub client_active: usize,
    /// The application's client id as the platform gave it: what "revoke this provider" sends
    /// (the record's line shows it cleaned).
    pub client_key: String,
    /// The console's search for the record's application.
    pub client_search: String,
    pub notice: Option<String>,
    /// What a plain form sent back here must fix (a blank reason).
    pub problem: Option<String>,
}

/// One event of a record's history, in words.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct HistoryLine {
    /// When (formatted; machine-readable).
    pub when: (String, String),
    pub what: String,
    pub who: String,
    pub reason: Option<String>,
}
