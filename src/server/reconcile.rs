//! Settling records left pending. A record is written before its accept and authorized after
//! it; a crash (or a store that failed) between the two leaves the record pending while the
//! authorization server has accepted the grant and issued tokens carrying its id. Such records
//! are settled with the authorization server itself: the flow, read again with the handles the
//! record kept, says whether it was accepted. At start and then every minute, for records of
//! the last hour (flows do not live longer).

use super::records::RecordsError;
use super::AppState;
use std::time::Duration;

/// How far back pending records are looked at.
const WINDOW: i64 = 3600;
/// How often.
const EVERY: Duration = Duration::from_secs(60);

/// Authorizes the pending records whose flows the authorization server says were accepted;
/// returns how many.
pub async fn settle(state: &AppState) -> Result<usize, RecordsError> {
    if !state.records.enabled() {
        return Ok(0);
    }
    let since = super::records::now() - WINDOW;
    let mut settled = 0;
    for (id, login_id, login_state) in state.records.pending(state.upstream.tenant(), since).await? {
        match state.upstream.scope_grant(&login_id, &login_state).await {
            Ok(flow) if flow.scope_grant_approved => {
                state.records.authorize(&id).await?;
                settled += 1;
            }
            // Still open (being decided now), refused, or gone: not a consent.
            Ok(_) | Err(_) => {}
        }
    }
    if settled > 0 {
        tracing::warn!(settled, "pending consent records whose grants were accepted are now authorized");
    }
    Ok(settled)
}

/// Settles now, then every minute, for as long as the process runs.
pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        loop {
            if let Err(e) = settle(&state).await {
                tracing::warn!(error = %e, "could not settle pending consent records");
            }
            tokio::time::sleep(EVERY).await;
        }
    });
}
