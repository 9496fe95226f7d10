//! Ending a consent: its tokens revoked by `consent_id` at the authorization server (System
//! API), then its record marked revoked with who did it and why. In that order, so a record
//! never says revoked while its tokens still work; a failure on the way leaves it authorized,
//! to be ended again.
//!
//! A record of the UK workspace (`Upstream::obuk_workspace`) is named by its consent's
//! `ConsentId` (see `server::records`): its consent is stopped through the management API
//! (`DELETE …/open-banking/consents/{id}`), which the bank honours at once; the tokens carry
//! no `consent_id` of Assent's to revoke by. A record there the management API does not know
//! (a plain scope grant's) is ended by `consent_id` as everywhere else.
//!
//! A record of the FDX workspace (`Upstream::fdx`) is named by its FDX consent's id (see
//! `api::fdx`): the consent is revoked through the management API (`DELETE …/fdx/consents/
//! {id}`, by the bank when staff end it), which ends its tokens; one the API does not know (a
//! plain scope grant's) is ended by `consent_id`, and one it says has ended already (409) is
//! done.
//!
//! A record of the CDR workspace (`Upstream::cdr_workspace`) names its arrangement (see
//! `api::cdr`): the arrangement is revoked through the CDR management API
//! (`DELETE …/cdr/arrangements/{id}`), with its tokens; one the API does not know is ended by
//! `consent_id` likewise.

use super::records::{Actor, Record};
use super::AppState;
use crate::error::AppError;

/// Ends `record` if it is authorized; `false` when it was not (ended already: nothing to do),
/// or when it is a payment's (made once: its record says what was paid, nothing goes on).
pub async fn end_consent(
    state: &AppState,
    record: &Record,
    by: Actor,
    by_name: Option<String>,
    reason: Option<String>,
) -> Result<bool, AppError> {
    // Past its expiry it has ended already: its record says so (expired), not "revoked".
    if !record.is_active() || record.draft.payment.is_some() {
        return Ok(false);
    }
    end_access(state, record, by).await?;
    // The access has ended: a record that cannot say so yet says the record is behind, never
    // that nothing changed.
    state.records.revoke(&record.id, by, by_name, reason).await.map_err(|e| {
        tracing::error!(error = %e, "a consent's access ended, and its record could not be marked revoked");
        AppError::new(crate::error::Failure::RecordBehind)
    })
}

/// Ends what `record` lets its application do, for `by`: the FDX or UK consent or CDR
/// arrangement it names stopped, or its tokens revoked by `consent_id`. Its status is the
/// caller's to change.
pub async fn end_access(
    state: &AppState,
    record: &Record,
    by: Actor,
) -> Result<(), crate::server::upstream::UpstreamError> {
    let workspace = record.draft.workspace.as_str();
    // Stopped through the regime's API, or unknown there (404): then its tokens by consent id.
    if state.upstream.obuk_workspace() == Some(workspace) && state.upstream.revoke_obuk_consent(&record.id).await? {
        return Ok(());
    }
    if state.upstream.fdx().is_some_and(|f| f.workspace == workspace)
        && state.upstream.revoke_fdx_consent(&record.id, by == Actor::Staff).await?
    {
        return Ok(());
    }
    if state.upstream.cdr_workspace() == Some(workspace) {
        let arrangement = crate::server::cdr::arrangement_of_record(&record.id);
        if state.upstream.revoke_cdr_arrangement(arrangement).await? {
            return Ok(());
        }
    }
    state.upstream.revoke_consent_tokens(workspace, &record.id).await
}
