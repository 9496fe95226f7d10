//! A consent record and its parts: where it stands, who did what to it and when, and what the
//! consent screen knew when the customer decided.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How long after a page saw a record ended in its regime's list Assent's own revoke may still
/// name itself in its history (seconds; [`super::ConsentRecords::revoke`]).
const SEEN_ENDED_WITHIN: i64 = 60;

/// Where a record stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Written before the accept; not (yet) a consent.
    Pending,
    Authorized,
    /// The user chose Deny.
    Rejected,
    Revoked,
    Expired,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Authorized => "authorized",
            Status::Rejected => "rejected",
            Status::Revoked => "revoked",
            Status::Expired => "expired",
        }
    }

    pub(super) fn parse(s: &str) -> Option<Status> {
        [Status::Pending, Status::Authorized, Status::Rejected, Status::Revoked, Status::Expired]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// The reasons Assent itself gives an event (the others are staff's own words): kept as
/// codes, said in the reader's language ([`crate::server::present::reason_words`]).
pub mod reason {
    /// A CDR arrangement's record replaced by the record of its amendment.
    pub const AMENDED: &str = "assent:amended";
    /// A record settled after the consent had already ended upstream.
    pub const ENDED_UPSTREAM: &str = "assent:ended-upstream";
}

/// Who did something to a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Customer,
    Staff,
    Application,
    AuthorizationServer,
}

impl Actor {
    pub fn as_str(self) -> &'static str {
        match self {
            Actor::Customer => "customer",
            Actor::Staff => "staff",
            Actor::Application => "application",
            Actor::AuthorizationServer => "authorization_server",
        }
    }

    pub(super) fn parse(s: &str) -> Option<Actor> {
        [Actor::Customer, Actor::Staff, Actor::Application, Actor::AuthorizationServer]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// One entry of a record's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Unix time.
    pub at: i64,
    /// `granted`, `rejected`, `revoked`, `expired`.
    pub kind: String,
    pub by: Actor,
    /// A staff member's name.
    pub by_name: Option<String>,
    /// Why (a staff member's reason).
    pub reason: Option<String>,
}

impl Event {
    /// An event of `kind` by `by` at `at`, no one named, no reason given.
    pub(super) fn of(at: i64, kind: &str, by: Actor) -> Event {
        Event { at, kind: kind.into(), by, by_name: None, reason: None }
    }

    /// A record's end as a page saw it in its regime's list, and recently enough that a revoke
    /// of Assent's own may still name itself after it: revoked by the authorization server, no
    /// one named, no reason, at most [`SEEN_ENDED_WITHIN`] seconds before `now`.
    pub(super) fn is_seen_end(&self, now: i64) -> bool {
        (self.kind.as_str(), self.by, &self.by_name, &self.reason)
            == ("revoked", Actor::AuthorizationServer, &None, &None)
            && self.at >= now - SEEN_ENDED_WITHIN
    }
}

/// What the consent screen knows when the user decides. (Serialized only to be kept, sealed,
/// with a refusal whose answer was lost, `crate::server::sessions::Lost`: a field added since
/// reads as its default.)
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    /// The id the record must have, when the consent is named before Assent sees it (a UK
    /// `ConsentId`); `None`: a fresh one. Only for writing: a record read back carries its id
    /// in [`Record::id`].
    pub id: Option<String>,
    /// The flow: one record per `login_id`.
    pub login_id: String,
    /// The flow's `login_state`, kept while the record is pending so that a record left
    /// pending by a crash can be settled with the authorization server ([`super::ConsentRecords::pending`]).
    pub login_state: Option<String>,
    pub tenant: String,
    pub workspace: String,
    pub subject: String,
    /// The bank's customer id (`BANK_ID_CLAIM`), when known.
    pub customer: Option<String>,
    pub client_id: String,
    /// The application's name and logo as the screen showed them.
    pub client_name: String,
    pub client_logo: Option<String>,
    pub scopes: Vec<String>,
    /// The names the consent request gave `scopes`, as the screen showed them, where it had one
    /// besides the scope's own: what the user read when deciding (empty for records of before they were kept, and
    /// for UK and CDR records, whose permissions are shown in their clusters' words).
    pub scope_names: BTreeMap<String, String>,
    pub claims: Vec<String>,
    pub accounts: Vec<String>,
    /// Unix time the consent ends, if it does.
    pub expires_at: Option<i64>,
    /// What a payment consent pays (a UK domestic payment); `None` for every other consent.
    pub payment: Option<PaymentRecord>,
    /// The warning the consent screen showed about where the application gets its answer
    /// (C-31): evidence, should the customer later say they were misled. `None` when it showed
    /// none, and for records of before it was kept.
    pub warned: Option<crate::model::Unverified>,
}

/// The payment a payment consent's record keeps, as the customer authorised it: the amount as
/// the recipient wrote it (`1234.50`, never a float), its currency, the payee's name, the
/// payee's account masked as the screen showed it (`…5698`; absent from records written
/// before it was kept) and the reference the payee sees.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PaymentRecord {
    pub amount: String,
    pub currency: String,
    pub payee: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payee_account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// A record as the store keeps it.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub id: String,
    pub status: Status,
    pub created_at: i64,
    pub updated_at: i64,
    pub draft: Draft,
    pub history: Vec<Event>,
}

impl Record {
    /// Whether this record (a customer's) says they gave consent `consent_id` of `workspace`:
    /// named by it, of that workspace, and given (not pending, not refused).
    pub fn gave(&self, consent_id: &str, workspace: &str) -> bool {
        self.id == consent_id
            && self.draft.workspace == workspace
            && !matches!(self.status, Status::Pending | Status::Rejected)
    }

    /// Where the record stands now: an authorized consent past its expiry has expired, though
    /// the store still says authorized (nothing writes at the moment a consent runs out).
    pub fn status_now(&self) -> Status {
        match (self.status, self.draft.expires_at) {
            (Status::Authorized, Some(end)) if end <= now() => Status::Expired,
            (status, _) => status,
        }
    }

    /// Whether the consent still holds.
    pub fn is_active(&self) -> bool {
        self.status_now() == Status::Authorized
    }
}

/// Unix time now.
pub(crate) fn now() -> i64 {
    chrono::Utc::now().timestamp()
}
