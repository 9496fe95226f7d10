//! The skeleton every Open Banking consent-page API shares (reference §1c: FDX, the UK's
//! account access and domestic payment, CDR): on the System workspace, `GET` a signed-in
//! login's grant, and `accept` or `reject` it. The skeleton looks the login and its grant up,
//! checks `login_state` and whether the grant is still awaiting a decision, records the
//! decision and answers with the reference's error shapes; a regime gives only how it finds
//! its grant, the body its page reads and what its accept checks and grants.

use crate::sandbox::authz::consent_session::{
    authentication_context, client_info, login_for_consent, not_awaiting, redirect_to, requested_scopes, system_guard,
};
use crate::sandbox::authz::request::{AuthRequest, Decision};
use crate::sandbox::http::{api_error, db_failure};
use crate::sandbox::state::Sandbox;
use crate::sandbox::store::{FdxConsentRow, FdxDecision, LoginRow};
use crate::sandbox::util::now;
use crate::wire::{cdr::RejectCDRConsentRequest, ClientInfo, RejectConsentRequest, RequestedScope};
use axum::{
    extract::rejection::JsonRejection,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::Serialize;
use std::collections::HashMap;

/// The statuses of a grant a consent page decides (the same words in every regime).
const AWAITING: &str = "AwaitingAuthorisation";
const AUTHORISED: &str = "Authorised";
const REJECTED: &str = "Rejected";

/// The `{tid}`, `{wid}` and `{login}` of a consent-page path.
pub type LoginPath = (String, String, String);

/// A signed-in login, its authorization request and the grant its page decides; `extra` is
/// what the regime loads with it (CDR: the arrangement an amendment replaces).
pub struct Page<X> {
    pub row: LoginRow,
    pub request: AuthRequest,
    pub grant: FdxConsentRow,
    pub extra: X,
}

impl<X> Page<X> {
    /// The signed-in subject.
    pub fn subject(&self) -> String {
        self.row.subject.clone().unwrap_or_default()
    }

    /// 400 `invalid_scope` for a granted scope the login did not request.
    pub fn check_scopes(&self, granted: &[String]) -> Result<(), Response> {
        match granted.iter().find(|s| !self.request.scopes.contains(s)) {
            Some(extra) => {
                Err(api_error(StatusCode::BAD_REQUEST, &format!("scope {extra} was not requested"), "invalid_scope"))
            }
            None => Ok(()),
        }
    }
}

/// A login's grant of a regime and what comes with it, or the regime's 404.
pub type Found<X> = Result<(FdxConsentRow, X), Response>;

/// What a regime knows of its consent page.
pub struct Regime<X> {
    /// The login's grant of this regime (and what comes with it), or the regime's 404.
    pub find: fn(&Sandbox, &LoginRow, &AuthRequest) -> Found<X>,
    /// `granted` of a refused grant.
    pub refused_granted: &'static str,
    /// Whether a refused grant keeps its `expires_at` (otherwise it has none).
    pub refused_keeps_expiry: bool,
}

/// What every consent page shows of the login: its client, user and scopes.
pub struct Shown {
    pub client_info: ClientInfo,
    pub authentication_context: serde_json::Map<String, serde_json::Value>,
    pub subject: String,
    pub requested_scopes: Vec<RequestedScope>,
}

/// What an accept grants: the grant's `granted`, its expiry, and the grant it supersedes
/// (revoked once this one is given).
pub struct Granted {
    pub granted: String,
    pub expires_at: Option<i64>,
    pub supersedes: Option<String>,
}

/// An accept body: its `login_state` and the scopes it grants.
pub trait AcceptBody {
    fn login_state(&self) -> &str;
    fn granted_scopes(&self) -> &[String];
}

macro_rules! accept_body {
    ($($t:ty),*) => {$(
        impl AcceptBody for $t {
            fn login_state(&self) -> &str {
                &self.login_state
            }
            fn granted_scopes(&self) -> &[String] {
                &self.granted_scopes
            }
        }
    )*};
}
accept_body!(
    crate::wire::obuk::AcceptConsentRequest,
    crate::wire::AcceptFDXConsentRequest,
    crate::wire::cdr::AcceptCDRConsentRequest
);

/// A reject body: whether it names the login, and the refusal it carries.
pub trait RejectBody {
    fn names(&self, row: &LoginRow) -> bool;
    fn into_decision(self) -> Decision;
}

impl RejectBody for RejectConsentRequest {
    fn names(&self, row: &LoginRow) -> bool {
        self.id == row.id && self.login_state == row.login_state
    }
    fn into_decision(self) -> Decision {
        Decision::Rejected {
            error: self.error,
            error_description: self.error_description,
            error_cause: self.error_cause,
        }
    }
}

/// CDR's reject body has no `id`.
impl RejectBody for RejectCDRConsentRequest {
    fn names(&self, row: &LoginRow) -> bool {
        self.login_state == row.login_state
    }
    fn into_decision(self) -> Decision {
        Decision::Rejected {
            error: self.error,
            error_description: self.error_description,
            error_cause: self.error_cause,
        }
    }
}

/// 422 with the reference's `details` (an account or customer that is not the signed-in one).
pub fn unprocessable(message: String, code: &str, details: serde_json::Value) -> Response {
    let e = crate::wire::ApiError { status_code: 422, error: message, error_code: code.into(), details: Some(details) };
    (StatusCode::UNPROCESSABLE_ENTITY, Json(e)).into_response()
}

/// `GET …/{login}?login_state=`: the body `show` builds of a grant awaiting a decision (or
/// given by this login).
pub async fn get<X, T: Serialize>(
    sb: &Sandbox,
    regime: &Regime<X>,
    path: &LoginPath,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    show: impl FnOnce(&Page<X>, Shown) -> T,
) -> Response {
    if let Err(r) = system_guard(sb, headers, &path.0, &path.1).await {
        return r;
    }
    let page = match load(sb, regime, &path.2, query.get("login_state").map(String::as_str)) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let viewable = page.grant.status == AWAITING || (page.grant.status == AUTHORISED && page.row.status == "accepted");
    if !viewable {
        return not_awaiting(&page.grant);
    }
    let Some((_, _, client)) = sb.client(&page.row.client_id) else {
        return api_error(StatusCode::NOT_FOUND, "client not found", "not_found");
    };
    let subject = page.subject();
    let shown = Shown {
        client_info: client_info(&client),
        authentication_context: authentication_context(sb, &subject),
        subject,
        requested_scopes: requested_scopes(sb, &page.row.workspace, &page.request.scopes),
    };
    Json(show(&page, shown)).into_response()
}

/// `POST …/{login}/accept`: `check` validates the body against the grant (at `now`) and says
/// what it grants; a double submit gets the same answer.
pub async fn accept<X, B: AcceptBody>(
    sb: &Sandbox,
    regime: &Regime<X>,
    path: &LoginPath,
    headers: &HeaderMap,
    body: Result<Json<B>, JsonRejection>,
    check: impl FnOnce(&Page<X>, &B, i64) -> Result<Granted, Response>,
) -> Response {
    let (body, page) = match opened(sb, regime, path, headers, body).await {
        Ok(opened) => opened,
        Err(r) => return r,
    };
    let row = &page.row;
    if body.login_state() != row.login_state {
        return api_error(StatusCode::FORBIDDEN, "login_state does not match", "invalid_login_state");
    }
    if row.status == "accepted" && page.grant.status == AUTHORISED {
        // A double submit: the same answer.
        return Json(redirect_to(sb, row)).into_response();
    }
    if row.status != "authenticated" || page.grant.status != AWAITING {
        return not_awaiting(&page.grant);
    }
    let now = now();
    let given = match check(&page, &body, now) {
        Ok(g) => g,
        Err(r) => return r,
    };
    let decision = Decision::Accepted { scopes: body.granted_scopes().to_vec(), claims: Vec::new(), consent_id: None };
    let decided = decide(sb, &page, "accepted", &decision, AUTHORISED, &given.granted, given.expires_at, now);
    if let Err(r) = decided {
        return r;
    }
    if let Some(previous) = &given.supersedes {
        let superseded = serde_json::json!({"superseded_by": page.grant.id}).to_string();
        if let Err(e) = sb.store.revoke_fdx_consent(previous, &superseded, now) {
            return db_failure(e);
        }
    }
    Json(redirect_to(sb, row)).into_response()
}

/// `POST …/{login}/reject`: a double submit gets the same answer.
pub async fn reject<X, B: RejectBody>(
    sb: &Sandbox,
    regime: &Regime<X>,
    path: &LoginPath,
    headers: &HeaderMap,
    body: Result<Json<B>, JsonRejection>,
) -> Response {
    let (body, page) = match opened(sb, regime, path, headers, body).await {
        Ok(opened) => opened,
        Err(r) => return r,
    };
    let row = &page.row;
    if !body.names(row) {
        return api_error(StatusCode::FORBIDDEN, "login_state does not match", "invalid_login_state");
    }
    if row.status == "rejected" && page.grant.status == REJECTED {
        return Json(redirect_to(sb, row)).into_response();
    }
    if row.status != "authenticated" || page.grant.status != AWAITING {
        return not_awaiting(&page.grant);
    }
    let expires_at = if regime.refused_keeps_expiry { page.grant.expires_at } else { None };
    let decision = body.into_decision();
    match decide(sb, &page, "rejected", &decision, REJECTED, regime.refused_granted, expires_at, now()) {
        Ok(()) => Json(redirect_to(sb, row)).into_response(),
        Err(r) => r,
    }
}

/// What a decision starts from: the System client's guard passed, the body read, and the login's
/// page.
async fn opened<X, B>(
    sb: &Sandbox,
    regime: &Regime<X>,
    path: &LoginPath,
    headers: &HeaderMap,
    body: Result<Json<B>, JsonRejection>,
) -> Result<(B, Page<X>), Response> {
    system_guard(sb, headers, &path.0, &path.1).await?;
    let Ok(Json(body)) = body else {
        return Err(api_error(StatusCode::BAD_REQUEST, "invalid request body", "bad_request"));
    };
    Ok((body, load(sb, regime, &path.2, None)?))
}

/// A login's page: the login (with `login_state` when the caller gives one) and its grant.
fn load<X>(sb: &Sandbox, regime: &Regime<X>, login: &str, login_state: Option<&str>) -> Result<Page<X>, Response> {
    let (row, request) = login_for_consent(sb, login, login_state)?;
    let (grant, extra) = (regime.find)(sb, &row, &request)?;
    Ok(Page { row, request, grant, extra })
}

/// Records the decision on the login and its grant: 409 when another got there first.
#[allow(clippy::too_many_arguments)]
fn decide<X>(
    sb: &Sandbox,
    page: &Page<X>,
    login_status: &str,
    decision: &Decision,
    consent_status: &str,
    granted: &str,
    expires_at: Option<i64>,
    now: i64,
) -> Result<(), Response> {
    let decided = sb.store.decide_fdx(
        &FdxDecision {
            login_id: &page.row.id,
            login_status,
            decision: &serde_json::to_string(decision).unwrap_or_default(),
            consent_id: &page.grant.id,
            consent_status,
            granted,
            expires_at,
        },
        now,
    );
    match decided {
        Ok(true) => Ok(()),
        Ok(false) => Err(api_error(StatusCode::CONFLICT, "the consent request was already decided", "conflict")),
        Err(e) => Err(db_failure(e)),
    }
}
