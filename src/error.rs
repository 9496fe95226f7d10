//! One error type for every failure a user can meet: a page that cannot be shown, and a server
//! function that refused or failed. It travels from the server to the islands as JSON, so its
//! title and message are translated on the server; the wasm carries no message files.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What went wrong, in words a user can act on. Each has its status and its messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Failure {
    NotFound,
    /// `/consent` without `login_id` or `login_state`.
    LinkIncomplete,
    /// `/consent` with malformed parameters.
    LinkInvalid,
    /// `/consent` for a kind of consent Assent has no screen for (Brazil's, reference §0.2).
    ConsentTypeUnsupported,
    /// The authorization server does not know the flow (expired, or never existed).
    FlowExpired,
    /// The flow was accepted or rejected already.
    Answered,
    /// The consent asked for ends before it could be given (a UK consent's expiry has passed).
    ConsentExpired,
    /// The authorization server refused the request (400, 403, 422).
    Refused,
    /// The authorization server asked us to slow down (429).
    Busy,
    UpstreamTimeout,
    /// A consent decision went out and its answer never came: sent again, it is made once.
    Unanswered,
    UpstreamUnreachable,
    /// The authorization server answered an unexpected status.
    UpstreamStatus,
    /// The authorization server answered a body that is not the expected JSON.
    UpstreamInvalid,
    /// The authorization server sent a `redirect_to` outside its origin.
    BadRedirect,
    /// A form (or a server function call) without the fields it needs, or with bad ones.
    FormIncomplete,
    /// A server function call in another encoding than a web form's.
    Unsupported,
    /// A server function's address opened as a page (not posted).
    MethodNotAllowed,
    /// A consent decision that is neither allow nor deny.
    NoDecision,
    /// A consent form that failed the CSRF checks.
    Forged,
    /// A portal form that failed the CSRF checks.
    PortalForged,
    /// Allow with no permission ticked.
    NothingChosen,
    /// Allow on an Open Finance consent with no account ticked.
    NoAccountChosen,
    /// Allow with accounts ticked but no permission that shares them.
    AccountsWithoutPermission,
    /// An account on the form that is not the customer's.
    NotYours,
    /// An account on the form that the bank says cannot be shared (or paid from) now.
    AccountUnavailable,
    /// Allow on a payment with no account to pay from chosen.
    NoPayerChosen,
    /// Stopping or revoking a payment's consent: the payment was made once, nothing goes on.
    PaymentMade,
    /// A payment consent that fixes an account to pay from which is not the customer's.
    DebtorNotYours,
    /// A payment consent that fixes an account to pay from which the bank says cannot be used now.
    DebtorUnavailable,
    /// Stopping an Open Finance consent that another holder of a joint account gave.
    OtherHolders,
    /// `BANK_ID_CLAIM` is configured but the sign-in does not carry it: the customer is unknown.
    NoCustomerId,
    PortalOff,
    SessionEnded,
    SignInUnavailable,
    SignInUnverified,
    SignInExpired,
    SignInDenied,
    SignInFailed,
    /// The portal's session store (SQLite or Redis) did not answer in time, or failed.
    SessionStoreDown,
    /// The consent records could not be written: nothing was shared.
    RecordsDown,
    /// The consent records could not be read or changed (the portal's, the console's): nothing
    /// was changed.
    RecordsUnavailable,
    /// A consent's access ended, and its record could not be marked so yet.
    RecordBehind,
    /// A sign-in to the staff console by someone without the staff role.
    NotStaff,
    /// A staff revocation without a reason (or one too long).
    ReasonNeeded,
    /// Something on Assent's side (its database).
    Internal,
    /// The browser could not reach Assent (only ever made in the browser).
    Offline,
}

impl Failure {
    /// The HTTP status that says it.
    pub fn status(self) -> u16 {
        use Failure::*;
        match self {
            LinkIncomplete
            | LinkInvalid
            | ConsentTypeUnsupported
            | Refused
            | FormIncomplete
            | NoDecision
            | NotYours
            | SignInUnverified
            | SignInExpired => 400,
            SessionEnded => 401,
            Forged | PortalForged | SignInDenied | OtherHolders | NotStaff | DebtorNotYours => 403,
            NotFound | FlowExpired => 404,
            Answered | PaymentMade | AccountUnavailable | DebtorUnavailable => 409,
            ConsentExpired => 410,
            MethodNotAllowed => 405,
            Unsupported => 415,
            NothingChosen | NoAccountChosen | AccountsWithoutPermission | NoPayerChosen | ReasonNeeded => 422,
            Internal => 500,
            UpstreamUnreachable | UpstreamStatus | UpstreamInvalid | BadRedirect | SignInUnavailable | SignInFailed
            | NoCustomerId | Offline => 502,
            Busy | PortalOff | SessionStoreDown | RecordsDown | RecordsUnavailable | RecordBehind => 503,
            UpstreamTimeout | Unanswered => 504,
        }
    }

    /// The message keys of its title and its message.
    pub fn keys(self) -> (&'static str, &'static str) {
        use Failure::*;
        match self {
            NotFound => ("not-found-title", "not-found-message"),
            LinkIncomplete => ("link-incomplete-title", "link-incomplete-message"),
            LinkInvalid => ("link-invalid-title", "link-invalid-message"),
            ConsentTypeUnsupported => ("consent-type-title", "consent-type-message"),
            FlowExpired => ("flow-expired-title", "flow-expired-message"),
            Answered => ("answered-title", "answered-message"),
            ConsentExpired => ("consent-expired-title", "consent-expired-message"),
            Refused => ("refused-title", "refused-message"),
            Busy => ("busy-title", "busy-message"),
            UpstreamTimeout => ("timeout-title", "timeout-message"),
            Unanswered => ("unanswered-title", "unanswered-message"),
            UpstreamUnreachable | UpstreamStatus | UpstreamInvalid | Offline => ("trouble-title", "trouble-message"),
            BadRedirect => ("trouble-title", "bad-redirect-message"),
            FormIncomplete => ("form-incomplete-title", "form-incomplete-message"),
            Unsupported => ("unsupported-title", "unsupported-message"),
            MethodNotAllowed => ("not-allowed-title", "not-allowed-message"),
            NoDecision => ("form-incomplete-title", "form-choose"),
            Forged => ("form-forged-title", "form-forged-message"),
            PortalForged => ("form-forged-title", "portal-form-forged-message"),
            NothingChosen => ("form-incomplete-title", "consent-select-one"),
            NoAccountChosen => ("form-incomplete-title", "fdx-choose-one"),
            AccountsWithoutPermission => ("form-incomplete-title", "consent-accounts-without-permission"),
            NotYours => ("fdx-not-yours-title", "fdx-not-yours-message"),
            AccountUnavailable => ("account-unavailable-title", "account-unavailable-message"),
            NoPayerChosen => ("form-incomplete-title", "payment-choose-account"),
            DebtorNotYours => ("payment-debtor-title", "payment-debtor-message"),
            DebtorUnavailable => ("payment-debtor-title", "payment-debtor-unavailable-message"),
            PaymentMade => ("payment-made-title", "payment-made-message"),
            OtherHolders => ("fdx-other-holder-title", "fdx-other-holder-message"),
            NoCustomerId => ("no-customer-title", "no-customer-message"),
            PortalOff => ("portal-off-title", "portal-off-message"),
            SessionEnded => ("session-ended-title", "sign-in-restart"),
            SignInUnavailable => ("sign-in-unavailable-title", "sign-in-unavailable-message"),
            SignInUnverified => ("sign-in-unverified-title", "sign-in-restart"),
            SignInExpired => ("sign-in-expired-title", "sign-in-restart"),
            SignInDenied => ("sign-in-denied-title", "sign-in-restart"),
            SignInFailed => ("sign-in-failed-title", "sign-in-restart"),
            SessionStoreDown => ("store-down-title", "store-down-message"),
            RecordsDown => ("records-down-title", "records-down-message"),
            RecordsUnavailable => ("records-unavailable-title", "records-unavailable-message"),
            RecordBehind => ("record-behind-title", "record-behind-message"),
            NotStaff => ("not-staff-title", "not-staff-message"),
            ReasonNeeded => ("form-incomplete-title", "console-reason-needed"),
            Internal => ("trouble-title", "internal-message"),
        }
    }
}

/// A failure as the user is told it: translated title and message, and the request id that
/// finds it in the server's logs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("{failure:?}: {title}")]
pub struct AppError {
    pub failure: Failure,
    pub title: String,
    pub message: String,
    pub request_id: String,
    /// Seconds to wait before trying again, when the authorization server said so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl AppError {
    /// `failure`, in the language of the request being handled.
    #[cfg(feature = "ssr")]
    pub fn new(failure: Failure) -> Self {
        use crate::request;
        let locale = request::locale();
        let (title, message) = failure.keys();
        AppError {
            failure,
            title: crate::i18n::text(locale, title, &[]),
            message: crate::i18n::text(locale, message, &[]),
            request_id: request::request_id(),
            retry_after: None,
        }
    }

    /// `failure` in the browser: the island shows its own (server-translated) words for it.
    #[cfg(not(feature = "ssr"))]
    pub fn new(failure: Failure) -> Self {
        AppError { failure, title: String::new(), message: String::new(), request_id: String::new(), retry_after: None }
    }

    pub fn status(&self) -> u16 {
        self.failure.status()
    }
}

impl From<Failure> for AppError {
    fn from(failure: Failure) -> Self {
        AppError::new(failure)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// What the server-function machinery itself reports. On the server: a request whose
    /// arguments do not parse (or are not UTF-8) is a bad form.
    #[cfg(feature = "ssr")]
    fn from_server_fn_error(e: ServerFnErrorErr) -> Self {
        match e {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) | ServerFnErrorErr::Deserialization(_) => {
                AppError::new(Failure::FormIncomplete)
            }
            other => {
                tracing::error!(error = %other, "server function machinery failed");
                AppError::new(Failure::Internal)
            }
        }
    }

    /// In the browser: a call that never reached Assent, or whose answer was unreadable, is
    /// trouble on the way; one whose form could not be read is a bad form.
    #[cfg(not(feature = "ssr"))]
    fn from_server_fn_error(e: ServerFnErrorErr) -> Self {
        match e {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) | ServerFnErrorErr::Serialization(_) => {
                AppError::new(Failure::FormIncomplete)
            }
            _ => AppError::new(Failure::Offline),
        }
    }
}

/// An error with its causes, `outer: inner: …`: reqwest's own message ("error sending request
/// for url …") does not say whether the connection was refused, reset or timed out.
#[cfg(feature = "ssr")]
pub fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
