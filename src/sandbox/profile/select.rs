//! Which profile a workspace follows (its seed's `profile`), and the routes of them all.

use crate::sandbox::profile::api::ConsentProfile;
use crate::sandbox::profile::cdr::profile::Cdr;
use crate::sandbox::profile::fdx::profile::Fdx;
use crate::sandbox::profile::obuk::profile::Obuk;
use crate::sandbox::profile::open_banking::OpenBanking;
use crate::sandbox::profile::scope_grants::ScopeGrants;
use crate::sandbox::state::Sandbox;
use crate::sandbox::workspace::ProfileKind;
use axum::Router;
use std::sync::Arc;

/// The consent profile of workspace `wid` (scope grants for an unknown one, which the
/// endpoints refuse before asking).
pub fn of(sb: &Sandbox, wid: &str) -> &'static dyn ConsentProfile {
    of_kind(sb.workspace(wid).map(|w| w.profile).unwrap_or_default())
}

fn of_kind(kind: ProfileKind) -> &'static dyn ConsentProfile {
    match kind {
        ProfileKind::ScopeGrants => &ScopeGrants,
        ProfileKind::OpenBanking => &OpenBanking,
        ProfileKind::Fdx => &Fdx,
        ProfileKind::Obuk => &Obuk,
        ProfileKind::Cdr => &Cdr,
    }
}

/// Every profile's own APIs, each mounted once.
pub fn routes() -> Router<Arc<Sandbox>> {
    [ProfileKind::ScopeGrants, ProfileKind::OpenBanking, ProfileKind::Fdx, ProfileKind::Obuk, ProfileKind::Cdr]
        .into_iter()
        .fold(Router::new(), |router, kind| router.merge(of_kind(kind).routes()))
}
