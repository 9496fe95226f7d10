//! View models: what a page needs to render, already checked and cleaned on the server.
//! They hold no secrets and no upstream types.

mod staff;

pub use staff::*;

use serde::{Deserialize, Serialize};

/// Everything the consent screen shows, and the hidden values its form posts back.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ConsentView {
    pub login_id: String,
    pub login_state: String,
    /// The workspace (authorization server) asking: the page wears its brand, if it has one.
    pub workspace: String,
    /// Anti-forgery token bound to this browser's cookie and to `login_id`.
    pub csrf_token: String,
    pub client: ClientView,
    /// Who is signed in: e-mail, name or subject, in that order of preference.
    pub user: String,
    pub groups: Vec<ScopeGroup>,
    /// Claims (user attributes) the application asks to receive.
    pub claims: Vec<String>,
    /// The customer's accounts, when a scope that shares accounts is asked for and the bank is
    /// known (`BANK_URL`); none is ticked, at least one must be chosen.
    pub accounts: Vec<AccountView>,
}

/// The application asking for access. Links and logo are only set when they are safe URLs.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ClientView {
    pub name: String,
    pub description: Option<String>,
    pub logo_uri: Option<String>,
    pub client_uri: Option<String>,
    pub policy_uri: Option<String>,
    pub tos_uri: Option<String>,
    /// Set when where the application gets its answer says nothing about who it is: the
    /// consent screen warns then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unverified: Option<Unverified>,
}

/// Where an application that cannot be verified gets its answer. Such an application calls
/// itself what it likes: no website's address stands behind its name.
/// A consent's record keeps the one its screen showed, as its kind and place
/// (`{"kind":"device","where":"127.0.0.1:8080"}`, `{"kind":"unreadable"}`): the words of
/// [`Unverified::words`].
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", content = "where", rename_all = "snake_case")]
pub enum Unverified {
    /// A program on the user's own device (a loopback address), by its host and port.
    #[serde(rename = "device")]
    ThisDevice(String),
    /// An app on the user's device, by its own URI scheme (`com.example.app:/callback`).
    App(String),
    /// A website reached without encryption (`http:`), by its host.
    Unencrypted(String),
    /// An address that does not read as one.
    Unreadable,
}

impl Unverified {
    /// Which of the four it is, as its messages end (`consent-unverified-device`,
    /// `console-warned-app`, …), and the place it names ("" for none).
    pub fn words(&self) -> (&'static str, &str) {
        match self {
            Unverified::ThisDevice(host) => ("device", host),
            Unverified::App(scheme) => ("app", scheme),
            Unverified::Unencrypted(host) => ("unencrypted", host),
            Unverified::Unreadable => ("unreadable", ""),
        }
    }
}

/// Requested scopes of one service.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ScopeGroup {
    pub service: String,
    pub scopes: Vec<ScopeView>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ScopeView {
    /// The scope string sent back in `granted_scopes`.
    pub name: String,
    pub display_name: String,
    pub description: Option<String>,
    /// Cannot be unticked (`openid`: the sign-in itself depends on it).
    pub required: bool,
    /// Ticked when the screen opens: required, granted before, or the workspace ticks every
    /// optional scope to begin with.
    pub ticked: bool,
    /// The user already granted it to this application (`granted_scopes` of the request).
    pub granted: bool,
    /// It shares accounts (`ACCOUNT_SCOPES`): granted, at least one account must be chosen.
    pub shares_accounts: bool,
}

/// Links shown on the home page.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct HomeView {
    /// The embedded sandbox's demo application, when the sandbox runs.
    pub demo_url: Option<String>,
    /// The sandbox's Open Finance data recipient, when the sandbox runs.
    pub fdx_demo_url: Option<String>,
    /// The sandbox's account aggregator, when the sandbox runs.
    pub aggregator_url: Option<String>,
    pub issuer: String,
    /// Whether the bank staff's console (`/admin`) is on.
    pub console: bool,
}

/// The portal for a signed-in user.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PortalView {
    pub user: String,
    pub apps: Vec<AppAccess>,
    /// The filter of a plain GET (`?q=`); the list applies it.
    pub filter: String,
    /// Anti-forgery token for the portal's forms, bound to the session.
    pub csrf_token: String,
    /// Result of the last action, e.g. a revocation.
    pub notice: Option<String>,
    /// Open Finance (FDX) consents sharing the user's accounts.
    pub fdx: Vec<FdxAccess>,
    /// The records of the consents the user gave, current and past, newest first.
    pub records: Vec<RecordLine>,
    /// UK domestic payments made (or authorised) from the user's accounts, newest first: what
    /// was paid, apart from data sharing, with nothing to stop.
    pub payments: Vec<PaymentAccess>,
    /// The user's joint accounts, each with the user's say on its sharing.
    pub joint: Vec<JointAccountView>,
    /// A bank's consents could not be read just now: what is shown is not all there is.
    pub partial: bool,
}

/// One of the user's joint accounts in the portal, and where its sharing stands.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct JointAccountView {
    /// The bank that listed it, as the portal's form names it back (`fdx`, `uk`, `cdr`).
    pub bank_key: String,
    pub id: String,
    /// Its name and last digits.
    pub name: String,
    /// The bank's name, where it has a brand of its own (empty otherwise).
    pub bank: String,
    /// Its other holders, how many.
    pub others: u32,
    /// Whether this user allows its sharing.
    pub allowed: bool,
    /// Why it is not shared now, in the bank's words; `None` while it is.
    pub unavailable: Option<String>,
}

/// A UK domestic payment in the portal: who asked, how much to whom, when, from which account.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PaymentAccess {
    pub consent_id: String,
    /// The payment initiation service provider, by the embedded `Client`'s name and logo.
    pub recipient: String,
    pub logo_uri: Option<String>,
    /// The amount in the page's language and the currency's format.
    pub amount: String,
    pub payee: String,
    pub reference: Option<String>,
    /// The account paid from, by name and last digits.
    pub from: Option<String>,
    /// When it was authorised (formatted; RFC 3339).
    pub date: Option<(String, String)>,
    /// `Paid` (the bank made it) or authorised and not made yet, in the page's language.
    pub status: String,
}

/// One consent record, as the portal's history shows it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RecordLine {
    pub id: String,
    pub client_id: String,
    /// The bank the consent was given at: its workspace's brand name, or the workspace id.
    pub bank: String,
    /// The application's name when the consent was given.
    pub client: String,
    /// Its status, in the page's language.
    pub status: String,
    pub active: bool,
    /// When it was given, or declined (formatted; machine-readable).
    pub given: Option<(String, String)>,
    /// Declined: nothing was shared; `scopes` and `accounts` are what was asked.
    pub declined: bool,
    /// How it ended, in words ("Ended by you on …"), when it did.
    pub ended: Option<String>,
    /// What it shares, in words.
    pub scopes: Vec<String>,
    pub accounts: Vec<String>,
}

/// One application that holds access.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct AppAccess {
    pub client_id: String,
    pub name: String,
    pub logo_uri: Option<String>,
    pub client_uri: Option<String>,
    pub scopes: Vec<ScopeLine>,
    pub claims: Vec<String>,
    /// Date access was granted, already formatted; and its machine-readable form.
    pub granted_on: Option<(String, String)>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ScopeLine {
    pub name: String,
    pub description: Option<String>,
}

/// The portal before sign-in.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SignedOutView {
    pub csrf_token: String,
}

/// "Revoke this application's access?"
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RevokeView {
    pub client_id: String,
    pub name: String,
    pub csrf_token: String,
    /// An FDX consent to revoke, instead of an application's access.
    pub consent_id: Option<String>,
}

/// The bank's (or operator's) name and logo, from configuration.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Brand {
    pub name: String,
    /// An https URL or a path on Assent's own origin.
    pub logo: Option<String>,
}

impl Default for Brand {
    fn default() -> Self {
        Self { name: "Assent".into(), logo: None }
    }
}

/// What a response shows: each page with its typed view. The server decides it (there is no
/// client-side routing: only islands hydrate).
#[derive(Clone, Debug)]
pub enum Page {
    Home(HomeView),
    /// A consent request, and a notice above its form (e.g. nothing was chosen).
    Consent(Box<ConsentView>, Option<String>),
    FdxConsent(Box<FdxConsentView>, Option<String>),
    ObukConsent(Box<ObukConsentView>, Option<String>),
    CdrArrangement(Box<CdrArrangementView>, Option<String>),
    DomesticPayment(Box<DomesticPaymentView>, Option<String>),
    Portal(Box<PortalView>),
    PortalSignedOut(SignedOutView),
    Revoke(RevokeView),
    Console(Box<ConsoleView>),
    ConsoleRecord(Box<StaffRecordView>),
    ConsoleSignedOut(SignedOutView),
    Error(crate::error::AppError, Onward),
}

/// Where an error page's way forward leads: back into the part of the site it was met in, or
/// the same form again.
#[derive(Clone, Debug, PartialEq)]
pub enum Onward {
    Home,
    Portal,
    Console,
    /// A form posting `fields` to `action` again, by a plain button.
    SendAgain {
        action: String,
        fields: Vec<(String, String)>,
    },
}

impl Onward {
    /// The part of the site `path` belongs to (a page's, or its server functions').
    pub fn of(path: &str) -> Self {
        let under =
            |prefix: &str| path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        if under("/admin") || under("/api/admin") {
            Onward::Console
        } else if under("/portal") || under("/api/portal") {
            Onward::Portal
        } else {
            Onward::Home
        }
    }
}

/// The address of the page being shown (path and query), for forms that come back to it.
#[derive(Clone, Debug, PartialEq)]
pub struct Here(pub String);

/// An Open Finance (FDX) consent request: what data, for how long, from which accounts.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct FdxConsentView {
    pub login_id: String,
    pub login_state: String,
    /// The workspace asking, for its brand.
    pub workspace: String,
    pub csrf_token: String,
    /// The data recipient.
    pub client: ClientView,
    pub user: String,
    /// The data provider(s) holding the data, e.g. the bank's legal entity.
    pub parties: Vec<String>,
    /// Each requested resource type and its data clusters, as codes (`ACCOUNT`, `TRANSACTIONS`);
    /// the page explains them in the user's language.
    pub resources: Vec<(String, Vec<String>)>,
    /// `ONE_TIME`, `PERSISTENT` or `TIME_BOUND`.
    pub duration_type: Option<String>,
    pub duration_days: Option<i64>,
    /// When access ends, formatted, and in RFC 3339.
    pub until: Option<(String, String)>,
    pub lookback_days: Option<i64>,
    /// The user's own accounts; none is pre-ticked.
    pub accounts: Vec<AccountView>,
    /// Whether the recipient asks for account data (then at least one account is required).
    pub accounts_requested: bool,
    /// The scopes asked for, by display name.
    pub scopes: Vec<String>,
}

/// One of the user's accounts, for choosing.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct AccountView {
    pub id: String,
    pub name: String,
    pub nickname: Option<String>,
    /// `CHECKING`, `SAVINGS`, `CREDIT_CARD`.
    pub kind: String,
    pub masked_number: String,
    /// Formatted for the page's language, with the currency.
    pub balance: String,
    /// Why it cannot be shared now, as the bank says it (perhaps empty): shown, not offered.
    pub unavailable: Option<String>,
    /// Ticked when the screen opens: never at first, and on a form sent back as the customer
    /// left it.
    #[serde(default)]
    pub chosen: bool,
}

impl AccountView {
    /// Its name, with its nickname in brackets when it has one.
    pub fn title(&self) -> String {
        match &self.nickname {
            Some(n) => format!("{} ({n})", self.name),
            None => self.name.clone(),
        }
    }
}

/// An FDX consent the signed-in user gave, in the portal.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FdxAccess {
    pub consent_id: String,
    /// The data recipient: its name (the UK list's client, the System client list's for CDR,
    /// the customer's record of an FDX consent) or, where nothing names it, its client id.
    pub recipient: String,
    /// The consent's status, in the page's language.
    pub status: String,
    /// Masked numbers of the user's accounts this consent shares.
    pub accounts: Vec<String>,
    /// The data clusters shared, in the page's language.
    pub clusters: Vec<String>,
    pub created: Option<(String, String)>,
    pub expires: Option<(String, String)>,
    pub active: bool,
    /// The user gave it (or could have) and may stop it: every account it shares is one of
    /// theirs, or its list names them as its customer (CDR), or their own record says they gave
    /// it. Otherwise another holder of a joint account gave it, and only they can.
    pub all_mine: bool,
    /// It shares a joint account of the user's: another holder may have given it. The server's
    /// to know; not sent to the browser.
    #[serde(skip)]
    pub joint: bool,
    /// The recipient's logo (a UK consent's embedded `Client`; FDX's carries none).
    pub logo_uri: Option<String>,
    /// The bank it was given at (its workspace's brand name): one recipient may hold a
    /// consent at several.
    pub bank: String,
    /// What the bank disclosed under it, in words (how often, when last, what), where the bank
    /// says (a CDR data holder's must).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared: Option<String>,
    /// Revoked upstream (by its regime's own word, not merely inactive): the customer's record
    /// of it ends too. The server's to know; not sent to the browser.
    #[serde(skip)]
    pub ended: bool,
}

/// A UK Open Banking account-access request: who asks, what data (by the UK's data clusters),
/// until when and over which transaction window, from which accounts.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ObukConsentView {
    pub login_id: String,
    pub login_state: String,
    /// The workspace asking, for its brand.
    pub workspace: String,
    pub csrf_token: String,
    /// The account information service provider.
    pub client: ClientView,
    pub user: String,
    /// The data asked for, by data cluster (`account-details`, …, `other`), in the order the
    /// UK guidelines list them, each with the permission codes it covers. The page words the
    /// clusters; only codes it does not know (under `other`) are shown as they are.
    pub clusters: Vec<(String, Vec<String>)>,
    /// When access ends (formatted; RFC 3339); `None`: until the customer stops it.
    pub until: Option<(String, String)>,
    /// The transaction window asked for, each end when given.
    pub transactions_from: Option<(String, String)>,
    pub transactions_to: Option<(String, String)>,
    /// The customer's own accounts; none is pre-ticked, at least one must be chosen.
    pub accounts: Vec<AccountView>,
}

/// A CDR data cluster asked for: its key (`accounts-basic`, …, `other`), the scopes it words
/// (shown only under `other`), and whether an amendment adds it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CdrCluster {
    pub key: String,
    pub scopes: Vec<String>,
    pub new: bool,
}

/// An Australian CDR arrangement (or an amendment of one): who asks, what data (by the data
/// language standards' clusters), for how long, from which accounts, and what changes.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CdrArrangementView {
    pub login_id: String,
    pub login_state: String,
    /// The workspace asking, for its brand.
    pub workspace: String,
    pub csrf_token: String,
    /// The accredited data recipient.
    pub client: ClientView,
    pub user: String,
    /// The data asked for, in the standards' order.
    pub clusters: Vec<CdrCluster>,
    /// An amendment: the clusters shared now that it stops sharing.
    pub removed: Vec<CdrCluster>,
    /// Shared once, rather than until a date.
    pub once: bool,
    /// When sharing ends (formatted; RFC 3339).
    pub until: Option<(String, String)>,
    /// For how long: unit (`hours`, `days`, `months`) and how many.
    pub period: Option<(String, i64)>,
    /// It amends an arrangement in force.
    pub amendment: bool,
    /// The arrangement in force was shared once; or else until `previous_until`.
    pub previous_once: bool,
    pub previous_until: Option<(String, String)>,
    /// The accounts the arrangement in force shares (marked, never ticked).
    pub shared_now: Vec<String>,
    /// How far back the transactions it discloses go (formatted; machine-readable), when it
    /// asks for transactions and the bank's history is known.
    pub history_from: Option<(String, String)>,
    /// The customer's own accounts; none is pre-ticked, at least one must be chosen.
    pub accounts: Vec<AccountView>,
}

/// A UK domestic payment to authorise: who asks, how much to whom with which reference, and
/// the account it is paid from (chosen by the customer, or fixed by the consent).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct DomesticPaymentView {
    pub login_id: String,
    pub login_state: String,
    /// The workspace asking, for its brand.
    pub workspace: String,
    pub csrf_token: String,
    /// The payment initiation service provider.
    pub client: ClientView,
    pub user: String,
    /// The amount in the page's language and its currency's format (`£1,234.50`).
    pub amount: String,
    /// The payee: the creditor account's name, and its identification masked (`…5698`).
    pub payee: String,
    pub payee_account: String,
    /// The reference the payee sees, and the unstructured remittance text, when given.
    pub reference: Option<String>,
    pub remittance: Option<String>,
    /// The accounts the customer may pay from (none pre-chosen), or the one the consent fixes.
    pub accounts: Vec<AccountView>,
    /// Whether the consent fixes the account paid from (then `accounts` is that one).
    pub fixed: bool,
}
