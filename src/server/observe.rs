//! Operations: every request in its context (`crate::request`: an id, in the logs, the
//! `x-request-id` header and error pages; its language), one access-log line per request, and
//! Prometheus metrics.
//!
//! Log lines carry the path, never the query: the query of `/consent` holds `login_state`.

use crate::request::RequestCtx;
use axum::{
    extract::{Request, State},
    http::{HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::{counter::Counter, family::Family, histogram::Histogram};
use prometheus_client::registry::Registry;
use std::time::{Duration, Instant};
use tracing::Instrument;

/// Gives every request an id, runs it inside a span that carries the id, and logs one line
/// with method, path, status and duration.
pub async fn trace_requests(
    State((zone, secure)): State<(chrono_tz::Tz, bool)>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().clone();
    // The path only: queries carry login_state and other per-user values.
    let path = request.uri().path().to_owned();
    let ctx = RequestCtx::new(request.headers(), zone, secure);
    let id = ctx.id().to_string();
    let started = Instant::now();
    // At error level so that the span, and with it the request id, is on every line that
    // passes the filter, even when only warnings are logged.
    let span = tracing::error_span!("request", request_id = %id);
    let mut response = ctx.scope(next.run(request).instrument(span.clone())).await;
    let status = response.status().as_u16();
    let micros = started.elapsed().as_micros() as u64;
    span.in_scope(|| {
        if path.starts_with("/pkg/") || path == "/healthz" || path == "/metrics" {
            tracing::debug!(%method, path, status, micros, "request");
        } else {
            tracing::info!(%method, path, status, micros, "request");
        }
    });
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

/// Which upstream API a call went to (a bounded label set).
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, EncodeLabelValue, serde::Serialize, serde::Deserialize)]
pub enum Endpoint {
    Token,
    ScopeGrant,
    ScopeGrantAccept,
    ScopeGrantReject,
    ListClients,
    RevokeClient,
    Discovery,
    FdxConsent,
    FdxAccept,
    FdxReject,
    FdxList,
    FdxRevoke,
    ObukConsent,
    ObukAccept,
    ObukReject,
    ObukList,
    ObukRevoke,
    CdrArrangement,
    CdrAccept,
    CdrReject,
    CdrList,
    CdrRevoke,
    SystemClients,
    RevokeConsentTokens,
    BankAccounts,
    BankDisclosures,
    /// A joint account holder's choice on its sharing.
    BankSharing,
    /// The bank's client's token (`BANK_CLIENT_TOKEN_URL`).
    BankToken,
    IdentityPool,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EndpointLabel {
    endpoint: Endpoint,
}

/// What went wrong, for `assent_errors_total{kind=…}`.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, EncodeLabelValue)]
pub enum ErrorKind {
    /// A malformed or incomplete request from the browser.
    BadRequest,
    /// A form that failed the CSRF checks.
    Csrf,
    /// A flow that expired, was answered already, or a page that does not exist.
    NotFound,
    UpstreamTimeout,
    UpstreamUnreachable,
    UpstreamStatus,
    UpstreamInvalidBody,
    /// The portal's session store failed or did not answer in time.
    SessionStore,
    /// The consent records store failed or did not answer in time.
    ConsentRecords,
    /// A sign-in to the staff console without the staff role.
    Forbidden,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabel {
    kind: ErrorKind,
}

type HistogramFamily = Family<EndpointLabel, Histogram, fn() -> Histogram>;

/// Assent's counters. One per process (not global: tests run several Assents in one process).
pub struct Metrics {
    registry: Registry,
    pub consent_views: Counter,
    pub accepts: Counter,
    pub rejects: Counter,
    pub revokes: Counter,
    pub token_refreshes: Counter,
    upstream_latency: HistogramFamily,
    errors: Family<KindLabel, Counter>,
}

fn latency_histogram() -> Histogram {
    // 1 ms … 4 s.
    Histogram::new([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0])
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("assent");
        let consent_views = Counter::default();
        let accepts = Counter::default();
        let rejects = Counter::default();
        let revokes = Counter::default();
        let token_refreshes = Counter::default();
        let upstream_latency: HistogramFamily = Family::new_with_constructor(latency_histogram);
        let errors = Family::<KindLabel, Counter>::default();
        registry.register("consent_views", "Consent pages shown", consent_views.clone());
        registry.register("consent_accepts", "Consent requests accepted (confirmed by the server)", accepts.clone());
        registry.register("consent_rejects", "Consent requests rejected (confirmed by the server)", rejects.clone());
        registry.register(
            "portal_revokes",
            "Accesses revoked from the portal (confirmed by the server)",
            revokes.clone(),
        );
        registry.register("system_token_refreshes", "System access tokens fetched", token_refreshes.clone());
        registry.register_with_unit(
            "upstream_request_duration",
            "Time of calls to the authorization server, by endpoint",
            prometheus_client::registry::Unit::Seconds,
            upstream_latency.clone(),
        );
        registry.register("errors", "Error pages and failed upstream calls, by kind", errors.clone());
        Self { registry, consent_views, accepts, rejects, revokes, token_refreshes, upstream_latency, errors }
    }
}

impl Metrics {
    pub fn observe_upstream(&self, endpoint: Endpoint, took: Duration) {
        self.upstream_latency.get_or_create(&EndpointLabel { endpoint }).observe(took.as_secs_f64());
    }

    pub fn error(&self, kind: ErrorKind) {
        self.errors.get_or_create(&KindLabel { kind }).inc();
    }

    /// The OpenMetrics text exposition.
    pub fn render(&self) -> Response {
        let mut body = String::new();
        if prometheus_client::encoding::text::encode(&mut body, &self.registry).is_err() {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        ([(axum::http::header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], body)
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_render_in_the_openmetrics_format() {
        let m = Metrics::default();
        m.consent_views.inc();
        m.observe_upstream(Endpoint::ScopeGrant, Duration::from_millis(3));
        m.error(ErrorKind::UpstreamTimeout);
        let mut body = String::new();
        prometheus_client::encoding::text::encode(&mut body, &m.registry).unwrap();
        assert!(body.contains("assent_consent_views_total 1"), "{body}");
        assert!(
            body.contains("assent_upstream_request_duration_seconds_bucket{le=\"0.005\",endpoint=\"ScopeGrant\"} 1"),
            "{body}"
        );
        assert!(body.contains("assent_errors_total{kind=\"UpstreamTimeout\"} 1"), "{body}");
        assert!(body.ends_with("# EOF\n"));
    }
}
