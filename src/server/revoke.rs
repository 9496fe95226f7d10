//! Ending a consent: its tokens revoked by `consent_id` at the authorization server (System
//! API), then its record marked revoked with who did it and why. In that order, so a record
//! never says revoked while its tokens still work; a failure on the way leaves it authorized,
//! to be ended again.

use super::records::{Actor, Record, Status};
use super::AppState;
use crate::error::AppError;

/// Ends `record` if it is authorized; `false` when it was not (ended already: nothing to do).
pub async fn end_consent(
    state: &AppState,
    record: &Record,
    by: Actor,
    by_name: Option<String>,
    reason: Option<String>,
) -> Result<bool, AppError> {
    if record.status != Status::Authorized {
        return Ok(false);
    }
    state.upstream.revoke_consent_tokens(&record.draft.workspace, &record.id).await?;
    Ok(state.records.revoke(&record.id, by, by_name, reason).await?)
}
