//! What every sandbox handler answers with and checks first: the error shapes (OAuth, the
//! System/Public API's `Error`, FDX's), the tenant and workspace of a path, bearer tokens and
//! their certificate binding, and the faults tests inject.

use crate::sandbox::config::TENANT;
use crate::sandbox::mtls::ClientCert;
use crate::sandbox::state::{Fault, Sandbox};
use crate::sandbox::store::TokenRow;
use crate::sandbox::util::{now, sha256_b64};
use crate::wire::{ApiError, FDXError, FDXErrorResponse, OAuthError};
use axum::{
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};

/// An OAuth endpoint error (RFC 6749 §5.2).
pub fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let body = OAuthError { error: error.into(), error_description: Some(description.into()), error_hint: None };
    let mut res = (status, Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"sandbox\""));
    }
    res
}

/// The form body of an OAuth endpoint (token, PAR, introspection, revocation). A body that is
/// not a form is an RFC 6749 §5.2 error, `invalid_request` in JSON, not axum's plain text.
pub struct OAuthForm<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S> for OAuthForm<T> {
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Response> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(value)) => Ok(Self(value)),
            Err(e) => Err(oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                &format!("The body must be application/x-www-form-urlencoded: {}", e.body_text()),
            )),
        }
    }
}

/// One page of a management list (newest first): the items after `after` (an id of the same
/// listing, else 400), at most `limit` (default and most 100; §5 gap 12).
pub fn page_of<T>(
    mut items: Vec<T>,
    id: impl Fn(&T) -> &str,
    after: Option<&str>,
    limit: Option<usize>,
) -> Result<Vec<T>, Response> {
    if let Some(after) = after {
        let Some(at) = items.iter().position(|i| id(i) == after) else {
            return Err(api_error(StatusCode::BAD_REQUEST, "after_consent_id is not in this listing", "bad_request"));
        };
        items.drain(..=at);
    }
    items.truncate(limit.unwrap_or(100).clamp(1, 100));
    Ok(items)
}

/// A System/Public API error with the `Error` shape (reference §4).
pub fn api_error(status: StatusCode, error: &str, code: &str) -> Response {
    let body = ApiError { status_code: status.as_u16(), error: error.into(), error_code: code.into(), details: None };
    (status, Json(body)).into_response()
}

/// An FDX API error (`{"error": {"code", "message"}}`), with `WWW-Authenticate` on 401.
pub fn fdx_error(status: StatusCode, message: &str) -> Response {
    let body = FDXErrorResponse { error: FDXError { code: status.as_u16().to_string(), message: message.into() } };
    let mut res = (status, Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer error=\"invalid_token\""));
    }
    res
}

/// A database error, logged; the caller sees a 500 with the `Error` shape.
pub fn db_failure(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "sandbox database error");
    api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal error", "internal")
}

/// Checks `tid` and `wid`; answers 404 with the `Error` shape for anything else.
pub fn check_workspace(sb: &Sandbox, tid: &str, wid: &str) -> Result<(), Response> {
    if tid == TENANT && sb.workspace(wid).is_some() {
        Ok(())
    } else {
        Err(api_error(StatusCode::NOT_FOUND, "workspace not found", "not_found"))
    }
}

/// The bearer token of a request, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// An active token by its value: checks expiry and revocation.
pub fn active_token(sb: &Sandbox, token: &str) -> Option<TokenRow> {
    let row = sb.store.token(&sha256_b64(token)).ok()??;
    (!row.revoked && row.expires_at > now()).then_some(row)
}

/// An active token presented by a caller with `cert`: a token bound to a certificate (RFC 8705
/// §3) works only with that certificate, so a stolen one is worth nothing.
pub fn presented_token(sb: &Sandbox, token: &str, cert: Option<&ClientCert>) -> Option<TokenRow> {
    let row = active_token(sb, token)?;
    bound_to(sb, token, cert).then_some(row)
}

/// Whether `cert` is what `token` is bound to (an unbound token goes with any caller).
pub fn bound_to(sb: &Sandbox, token: &str, cert: Option<&ClientCert>) -> bool {
    match sb.store.token_binding(&sha256_b64(token)) {
        Ok((Some(x5t), _)) => cert.is_some_and(|c| c.thumbprint() == x5t),
        Ok((None, _)) => true,
        Err(_) => false,
    }
}

/// Applies an injected fault, if any: an error answer, or a delay before the real one.
pub async fn injected_fault(sb: &Sandbox) -> Result<(), Response> {
    match sb.fault() {
        Some(Fault::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut res = api_error(status, "injected fault", "fault");
            if code == 429 {
                res.headers_mut().insert("retry-after", axum::http::HeaderValue::from_static("2"));
            }
            return Err(res);
        }
        Some(Fault::Delay(d)) => tokio::time::sleep(d).await,
        Some(Fault::BadJson) => return Err((StatusCode::OK, "{\"id\": \"not json").into_response()),
        Some(Fault::LateAnswer(_) | Fault::LateAnswers(_) | Fault::SlowStart(_)) | None => {}
    }
    Ok(())
}

/// A System-workspace bearer token carrying `scope`: `Ok`, or the System API's 401/403.
pub fn system_token(sb: &Sandbox, headers: &HeaderMap, scope: &str) -> Result<(), Response> {
    match bearer(headers).and_then(|t| active_token(sb, t)) {
        Some(row) if row.workspace == "system" && row.scope.split_whitespace().any(|s| s == scope) => Ok(()),
        Some(row) if row.workspace == "system" => {
            Err(api_error(StatusCode::FORBIDDEN, &format!("the token lacks {scope}"), "insufficient_scope"))
        }
        _ => Err(api_error(StatusCode::UNAUTHORIZED, "invalid or expired access token", "unauthorized")),
    }
}
