//! Settling records left pending. A record is written before its accept and authorized after
//! it; a crash (or a store that failed) between the two leaves the record pending while the
//! authorization server has accepted the grant and issued tokens carrying its id. Such records
//! are settled with the authorization server itself, at start and then every minute, for
//! records of the last hour (flows do not live longer), each by its regime's API:
//!
//! - a UK record (account access, or a domestic payment: a record with a payment) by the
//!   management list of the workspace's consents, where its `ConsentId` is `Authorised` (or,
//!   a payment made, `Consumed`) once accepted; else by the consent page's read of its flow;
//! - a CDR record by the list of the customer's arrangements (its `cdr_arrangement_id`
//!   `Authorised`); an amendment's (`{arrangement}.{login_id}`, the arrangement's id
//!   unchanged) only by the read of its own flow, and once authorized it supersedes the record
//!   in force before it, as the consent screen does after the accept;
//! - an FDX record by the management list of the consents sharing its accounts, where its
//!   consent's id is `Authorised` once accepted (`Revoked` or `Expired`: accepted, then ended;
//!   `Rejected`: refused); else by the FDX consent page's read of its flow. That read's conflict
//!   (decided) is a refusal only for a record with accounts, whose accept the list would have
//!   shown; any other record (a plain scope grant of that workspace, or a consent of no
//!   account) is read as a scope grant, and left pending when that says nothing;
//! - any other by the scope grant, read again with the handles the record kept.
//!
//! A UK consent or CDR arrangement listed as `Revoked` was accepted and then ended at the
//! authorization server (by the customer at the bank, say) before its record was settled: the
//! record becomes `authorized`, then `revoked` by the authorization server, never `rejected`.
//! A UK or CDR flow the authorization server answers as decided otherwise (rejected, or no
//! longer awaiting without being this flow's accept), and whose consent is not listed, was not
//! accepted: its record becomes `rejected`. One still awaiting a
//! decision, or an authorization server that does not answer (its list included), leaves the
//! record pending until the next pass.
//!
//! A record in force can outlive its consent too: a UK or FDX recipient may revoke its consent
//! itself, or the bank may, and Assent is not told. Such a record is ended (by the
//! authorization server, in its history) when a page reads its regime's list: the portal's,
//! from the lists it shows, and a staff member's view of the record, from its own read. A read
//! that falls between Assent's own end of a consent and its revoke of the record leaves that
//! revoke its name and reason ([`super::records::ConsentRecords::revoke`]).

use super::records::{Actor, Record, RecordsError};
use super::upstream::UpstreamError;
use super::AppState;
use std::time::Duration;

/// How far back pending records are looked at.
const WINDOW: i64 = 3600;
/// How often.
const EVERY: Duration = Duration::from_secs(60);

/// What the authorization server says of a pending record's flow.
#[derive(Debug, PartialEq)]
enum Outcome {
    Accepted,
    /// Accepted, then ended at the authorization server before the record was settled.
    Ended,
    /// Decided otherwise, or gone: never a consent.
    Refused,
    /// Still being decided, or no answer.
    Open,
}

/// Settles the pending records whose flows the authorization server says were decided:
/// authorized when accepted (an amendment's superseding the record before it), rejected when
/// not; returns how many were authorized.
pub async fn settle(state: &AppState) -> Result<usize, RecordsError> {
    if !state.records.enabled() {
        return Ok(0);
    }
    let since = super::records::now() - WINDOW;
    let (mut settled, mut ended, mut refused) = (0, 0, 0);
    for (id, login_id, login_state) in state.records.pending(state.upstream.tenant(), since).await? {
        let Some(record) = state.records.get(&id).await? else { continue };
        match outcome(state, &record, &login_id, &login_state).await {
            Outcome::Accepted => {
                authorize(state, &id, &record).await?;
                settled += 1;
            }
            Outcome::Ended => {
                state.records.authorize(&id).await?;
                let why = crate::server::records::reason::ENDED_UPSTREAM.to_string();
                state.records.revoke(&id, Actor::AuthorizationServer, None, Some(why)).await?;
                settled += 1;
                ended += 1;
            }
            Outcome::Refused => {
                let draft = super::records::Draft { id: Some(id.clone()), ..record.draft };
                state.records.reject(draft).await?;
                refused += 1;
            }
            Outcome::Open => {}
        }
    }
    if settled > 0 {
        tracing::warn!(settled, "pending consent records whose grants were accepted are now authorized");
    }
    if ended > 0 {
        tracing::warn!(ended, "of those, consents ended at the authorization server since are now revoked");
    }
    if refused > 0 {
        tracing::warn!(refused, "pending consent records whose grants were not accepted are now rejected");
    }
    Ok(settled)
}

/// The flow `login_id` was accepted: its record, if pending, is settled so now. (Its decision
/// was sent again after its answer was lost, and the server answered it: no need to ask.)
pub async fn accepted(state: &AppState, login_id: &str) -> Result<(), RecordsError> {
    let since = super::records::now() - WINDOW;
    for (id, flow, _) in state.records.pending(state.upstream.tenant(), since).await? {
        if flow == login_id {
            if let Some(record) = state.records.get(&id).await? {
                authorize(state, &id, &record).await?;
            }
        }
    }
    Ok(())
}

/// The pending `record` (`id`) authorized, an amendment's superseding the record before it.
async fn authorize(state: &AppState, id: &str, record: &Record) -> Result<(), RecordsError> {
    state.records.authorize(id).await?;
    if is_cdr(state, record) && crate::server::cdr::arrangement_of_record(id) != id {
        crate::server::cdr::supersede(state, &amended(record), id).await;
    }
    Ok(())
}

fn is_uk(state: &AppState, record: &Record) -> bool {
    record.draft.payment.is_some() || state.upstream.obuk_workspace() == Some(record.draft.workspace.as_str())
}

fn is_fdx(state: &AppState, record: &Record) -> bool {
    state.upstream.fdx().is_some_and(|f| f.workspace == record.draft.workspace)
}

fn is_cdr(state: &AppState, record: &Record) -> bool {
    state.upstream.cdr_workspace() == Some(record.draft.workspace.as_str())
}

/// What a regime's management list says of a record's consent.
#[derive(Debug, PartialEq)]
enum Listed {
    Authorised,
    /// Accepted, then revoked.
    Revoked,
    /// FDX's `Expired`: accepted, then run out.
    Expired,
    /// FDX's `Rejected`.
    Refused,
    /// Not in the list, in none of its words, or not a regime's record.
    Absent,
    /// The list did not answer.
    Unanswered,
}

/// `record`'s consent in its regime's management list: a UK consent by its `ConsentId`
/// (`Authorised`, or a payment made `Consumed`), a CDR record by its arrangement, an FDX
/// consent by its id, each among the consents sharing the record's accounts.
async fn listed(state: &AppState, record: &Record) -> Listed {
    let (up, d) = (&state.upstream, &record.draft);
    if is_uk(state, record) {
        use crate::wire::obuk::status::{AUTHORISED, REVOKED};
        use crate::wire::obuk_payment::CONSUMED;
        let Ok(listed) = up.obuk_consents_of_accounts(&d.accounts).await.map(|l| l.consents) else {
            return Listed::Unanswered;
        };
        return match listed.iter().find(|c| c.consent_id == record.id).map(super::obuk::listed_status) {
            Some(AUTHORISED | CONSUMED) => Listed::Authorised,
            Some(REVOKED) => Listed::Revoked,
            _ => Listed::Absent,
        };
    }
    if is_cdr(state, record) {
        use crate::wire::cdr::status::{AUTHORISED, REVOKED};
        let arrangement = crate::server::cdr::arrangement_of_record(&record.id);
        // The customer the accept named: the bank's, or the subject when no claim is set.
        let customer = d.customer.as_deref().unwrap_or(&d.subject);
        let Ok(listed) = up.cdr_arrangements_of(customer, &d.accounts).await.map(|l| l.arrangements) else {
            return Listed::Unanswered;
        };
        return match listed.iter().find(|a| a.cdr_arrangement_id == arrangement).map(|a| a.status.as_str()) {
            Some(AUTHORISED) => Listed::Authorised,
            Some(REVOKED) => Listed::Revoked,
            _ => Listed::Absent,
        };
    }
    if is_fdx(state, record) {
        use crate::wire::fdx::fdx_status::{known, AUTHORISED, EXPIRED, REJECTED, REVOKED};
        let Ok(listed) = up.fdx_consents_of_accounts(&d.accounts).await.map(|l| l.consents) else {
            return Listed::Unanswered;
        };
        return match listed.iter().find(|c| c.id == record.id).and_then(|c| known(&c.status)) {
            Some(AUTHORISED) => Listed::Authorised,
            Some(REVOKED) => Listed::Revoked,
            Some(EXPIRED) => Listed::Expired,
            Some(REJECTED) => Listed::Refused,
            _ => Listed::Absent,
        };
    }
    Listed::Absent
}

/// What the authorization server says of `record`'s flow, by the record's regime: its
/// management list first, then the consent page's read of the flow.
async fn outcome(state: &AppState, record: &Record, login_id: &str, login_state: &str) -> Outcome {
    let up = &state.upstream;
    let d = &record.draft;
    // An amendment's arrangement is listed whether or not the amendment was accepted: only
    // its own flow says.
    let amendment = is_cdr(state, record) && crate::server::cdr::arrangement_of_record(&record.id) != record.id;
    if !amendment {
        match listed(state, record).await {
            Listed::Authorised => return Outcome::Accepted,
            Listed::Revoked | Listed::Expired => return Outcome::Ended,
            Listed::Refused => return Outcome::Refused,
            // Without the list, a flow no longer known cannot say whether it was accepted: wait.
            Listed::Unanswered => return Outcome::Open,
            Listed::Absent => {}
        }
    }
    if is_uk(state, record) {
        let read = match d.payment {
            Some(_) => {
                up.domestic_payment_consent(login_id, login_state).await.map(|c| c.domestic_payment_consent.status)
            }
            None => up.obuk_consent(login_id, login_state).await.map(|c| c.account_access_consent.status),
        };
        return of_flow(read, crate::wire::obuk::status::AUTHORISED);
    }
    if is_cdr(state, record) {
        let read = up.cdr_arrangement(login_id, login_state).await.map(|c| c.cdr_arrangement.status);
        return of_flow(read, crate::wire::cdr::status::AUTHORISED);
    }
    if is_fdx(state, record) {
        use crate::wire::fdx::fdx_status::{known, AUTHORISED};
        match up.fdx_consent(login_id, login_state).await {
            Ok(c) if known(&c.fdx_consent.status) == Some(AUTHORISED) => return Outcome::Accepted,
            Ok(_) => return Outcome::Open,
            // Decided, and not accepted with these accounts (the list would have shown it).
            Err(UpstreamError::Status { status: 409, .. }) if !d.accounts.is_empty() => return Outcome::Refused,
            // Not an FDX consent's flow, one of no account, or gone: read as a scope grant.
            Err(_) => {}
        }
    }
    match up.scope_grant(login_id, login_state).await {
        Ok(flow) if flow.scope_grant_approved => Outcome::Accepted,
        // Still open (being decided now), refused, or gone: left as it was.
        Ok(_) | Err(_) => Outcome::Open,
    }
}

/// The key `record`'s consent has in its regime's list (its arrangement for a CDR record, its
/// own id for a UK or FDX one); `None` for a record of no regime, and for a payment's, which
/// stays what was paid whatever the list says of its consent.
fn listed_key<'r>(state: &AppState, record: &'r Record) -> Option<&'r str> {
    if record.draft.payment.is_some() {
        None
    } else if is_cdr(state, record) {
        Some(crate::server::cdr::arrangement_of_record(&record.id))
    } else if is_uk(state, record) || is_fdx(state, record) {
        Some(&record.id)
    } else {
        None
    }
}

/// Ends `record` (in force here) when its regime's management list shows its consent revoked:
/// the application revoked it itself, say, which Assent never hears of. The record then says
/// it was ended by the authorization server. `true` when it ended the record. A payment's
/// record, a record of no regime, a consent not listed, listed in any other status (an expired
/// one runs out by the record's own end) or a list that does not answer leave the record as it
/// is, and a store that fails is logged.
pub async fn settle_ended(state: &AppState, record: &Record) -> bool {
    if !record.is_active() || listed_key(state, record).is_none() || listed(state, record).await != Listed::Revoked {
        return false;
    }
    end_as_listed(state, &record.id).await
}

/// `records` (a customer's), with those in force whose consents `revoked` says were revoked
/// (by the lists the portal has just read, so no call is made again) ended in the store and
/// read again (ended by this call or, at the same moment, by another).
pub async fn settle_seen(state: &AppState, records: Vec<Record>, revoked: impl Fn(&str) -> bool) -> Vec<Record> {
    let mut settled = Vec::with_capacity(records.len());
    for record in records {
        let over = record.is_active() && listed_key(state, &record).is_some_and(&revoked);
        if over {
            end_as_listed(state, &record.id).await;
            match state.records.get(&record.id).await {
                Ok(Some(now)) => {
                    settled.push(now);
                    continue;
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "ended a consent record, but could not read it again"),
            }
        }
        settled.push(record);
    }
    settled
}

/// Ends record `id` as its regime's list shows its consent ended: by the authorization server
/// (Assent did not end it; the application may have, or the bank, or the customer elsewhere),
/// with no reason of its own, so that every page says it in its own language.
async fn end_as_listed(state: &AppState, id: &str) -> bool {
    match state.records.revoke(id, Actor::AuthorizationServer, None, None).await {
        Ok(ended) => {
            if ended {
                tracing::info!(
                    record = id,
                    "a consent record in force whose consent had ended upstream is now revoked"
                );
            }
            ended
        }
        Err(e) => {
            tracing::warn!(error = %e, "could not end a consent record whose consent had ended upstream");
            false
        }
    }
}

/// A consent page's read of a flow, as an outcome: the consent `authorised` is this flow's
/// accept (the page reads an accepted consent only through the flow that accepted it); a
/// conflict (decided otherwise) is a refusal. A flow not found says nothing: flows live a few
/// minutes (a login's lifetime), so an accepted one may be gone too; the record stays pending
/// and leaves the window, as a generic one does. Anything else is open.
fn of_flow(read: Result<String, UpstreamError>, authorised: &str) -> Outcome {
    match read {
        Ok(status) if status == authorised => Outcome::Accepted,
        Err(UpstreamError::Status { status: 409, .. }) => Outcome::Refused,
        Ok(_) | Err(_) => Outcome::Open,
    }
}

/// The amendment `record` stands for, as far as superseding the record before it needs it.
fn amended(record: &Record) -> crate::wire::cdr::GetCDRConsentResponse {
    let d = &record.draft;
    crate::wire::cdr::GetCDRConsentResponse {
        cdr_arrangement: crate::wire::cdr::CDRArrangement {
            cdr_arrangement_id: crate::server::cdr::arrangement_of_record(&record.id).to_string(),
            authorization_server_id: d.workspace.clone(),
            tenant_id: d.tenant.clone(),
            ..Default::default()
        },
        subject: d.subject.clone(),
        ..Default::default()
    }
}

/// Settles now, then every minute, for as long as the process runs: each pass on a task of its
/// own, so that one that fails in a way nobody foresaw (a panic) is logged and the next runs.
pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        loop {
            let pass = state.clone();
            match tokio::spawn(async move { settle(&pass).await }).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "could not settle pending consent records"),
                Err(e) => tracing::error!(error = %e, "a pass settling pending consent records failed"),
            }
            tokio::time::sleep(EVERY).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flows_read_says_accepted_refused_or_open() {
        let status = |s: u16| Err(UpstreamError::Status { status: s, body: None, retry_after: None });
        assert_eq!(of_flow(Ok("Authorised".into()), "Authorised"), Outcome::Accepted);
        assert_eq!(of_flow(Ok("AwaitingAuthorisation".into()), "Authorised"), Outcome::Open);
        assert_eq!(of_flow(status(409), "Authorised"), Outcome::Refused);
        assert_eq!(of_flow(status(404), "Authorised"), Outcome::Open, "a flow gone says nothing of its outcome");
        assert_eq!(of_flow(status(503), "Authorised"), Outcome::Open);
        assert_eq!(of_flow(Err(UpstreamError::Timeout), "Authorised"), Outcome::Open);
    }
}
