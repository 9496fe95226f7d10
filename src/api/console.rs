//! The staff console: bank staff sign in, search consent records, read one with its history,
//! and revoke one consent or every consent of an application, each with a reason recorded under
//! their name. Every read and write checks for a staff session; every write its form token.

use crate::error::AppError;
use crate::model::{ConsoleView, StaffRecordView};
use leptos::prelude::*;

/// Where a plain form goes after revoking one consent.
pub fn record_path(id: &str) -> String {
    format!("/admin/record?id={}", percent_encoding::utf8_percent_encode(id, QUERY_VALUE))
}

/// What a query value escapes: all but letters, digits and RFC 3986's other unreserved marks.
const QUERY_VALUE: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// The console's search for one application's consents.
#[cfg(feature = "ssr")]
pub fn client_search_path(client_id: &str) -> String {
    let q: String = url::form_urlencoded::byte_serialize(client_id.as_bytes()).collect();
    format!("/admin?q={q}")
}

/// Starts a staff sign-in at the staff workspace.
#[server(prefix = "/api", endpoint = "admin/sign-in")]
pub async fn console_sign_in(csrf_token: String) -> Result<(), AppError> {
    use super::context;
    use crate::error::Failure;
    use crate::server::console::{state_cookie, LOGIN_PURPOSE};
    use crate::server::sessions::Kind;
    let state = context::state()?;
    let console = state.console.clone().ok_or(Failure::NotFound)?;
    context::check_token(&state, LOGIN_PURPOSE, "", &csrf_token, Failure::PortalForged)?;
    super::sign_in::begin(&state, &console.auth, Kind::Staff, state_cookie(&state)).await
}

/// Finishes a staff sign-in: only a member holding the staff role, in the ID token and again
/// at userinfo, gets a (staff) session; anyone else is refused (403; 502 when userinfo does not
/// answer or refuses the token) and gets none, the token just issued revoked.
#[server(prefix = "/api", endpoint = "admin/finish-sign-in")]
pub async fn finish_console_sign_in(
    #[server(default)] state: String,
    #[server(default)] code: Option<String>,
    #[server(default)] iss: Option<String>,
    #[server(default)] error: Option<String>,
) -> Result<(), AppError> {
    use super::context;
    use super::sign_in::{complete, Callback};
    use crate::error::Failure;
    use crate::server::console::{session_cookie, state_cookie};
    use crate::server::present::clean_text;
    use crate::server::sessions::{Holder, Kind};
    let back = Callback { state, code, iss, error };
    let state = context::state()?;
    let console = state.console.clone().ok_or(Failure::NotFound)?;
    let signed_in = complete(&state, &console.auth, Kind::Staff, state_cookie(&state), back).await?;
    let http = state.upstream.http();
    // Every request reads the role again at userinfo: a sign-in that cannot is refused now.
    let reach = match console.reach(&signed_in.claims) {
        Some(reach) => {
            crate::server::console::check_userinfo(&console, http, &signed_in.access_token, &signed_in.subject)
                .await
                .map(|()| reach)
        }
        None => {
            tracing::warn!("a sign-in to the staff console without a staff role: refused");
            Err(Failure::NotStaff.into())
        }
    };
    let reach = match reach {
        Ok(reach) => reach,
        Err(refused) => {
            // Refused: the token just issued ends here, as a sign-out's does.
            if let Err(e) = console.auth.revoke(http, &signed_in.access_token).await {
                tracing::warn!(error = %e, "a refused staff sign-in's token could not be revoked");
            }
            return Err(refused);
        }
    };
    // Revocations are recorded under the staff member's name (their email when it has none).
    let name = signed_in.claims.get("name").and_then(|n| n.as_str()).unwrap_or(&signed_in.display);
    let display = clean_text(name);
    let holder = Holder {
        kind: Kind::Staff,
        subject: &signed_in.subject,
        customer: "",
        customers: Default::default(),
        display: &display,
        reach,
    };
    super::sign_in::open_session(&state, &console.auth, &signed_in, holder, session_cookie(&state), "/admin").await
}

/// Ends the staff session everywhere, clears its cookie and revokes its token.
#[server(prefix = "/api", endpoint = "admin/sign-out")]
pub async fn console_sign_out(#[server(default)] csrf_token: String) -> Result<(), AppError> {
    use super::context;
    use crate::error::Failure;
    use crate::server::console::{clear_session_cookie, current_staff, CONSOLE_PURPOSE};
    let state = context::state()?;
    if let Some((id, session)) = current_staff(&state, &context::headers()).await? {
        context::check_token(&state, CONSOLE_PURPOSE, &session.id_hash, &csrf_token, Failure::PortalForged)?;
        state.sessions.delete(&id).await?;
        if let Some(c) = clear_session_cookie(&state) {
            context::set_cookie(c);
        }
        // RFC 7009: the staff token dies with the session, as the portal's does.
        if let Some(console) = &state.console {
            if let Err(e) = console.auth.revoke(state.upstream.http(), &session.access_token).await {
                tracing::warn!(error = %e, "signing out of the console could not revoke the staff token");
            }
        }
    }
    context::navigate("/admin");
    Ok(())
}

/// The console: records whose customer id, subject, account id or application (client id) is
/// `q` exactly; none before a search.
#[server(prefix = "/api", endpoint = "admin/search")]
pub async fn search_records(#[server(default)] q: String) -> Result<ConsoleView, AppError> {
    use super::context;
    use crate::server::console::{record_line, CONSOLE_PURPOSE, SEARCH_LIMIT};
    let state = context::state()?;
    let session = staff(&state).await?;
    let query: String = q.trim().chars().take(200).collect();
    let csrf_token = state.csrf.token(&context::browser_id(&state), CONSOLE_PURPOSE, &session.id_hash);
    if !state.records.kept_here() {
        // The records are another system's (or none are kept): nothing to search here.
        let notice = Some(crate::i18n::text(crate::request::locale(), "console-not-kept", &[]));
        return Ok(ConsoleView { staff: session.display, csrf_token, query, results: None, more: false, notice });
    }
    let (results, more) = if query.is_empty() {
        (None, false)
    } else {
        let within = session.reach.as_deref();
        let mut found = state.records.search(state.upstream.tenant(), &query, within, SEARCH_LIMIT + 1).await?;
        let more = found.len() > SEARCH_LIMIT;
        found.truncate(SEARCH_LIMIT);
        let locale = crate::request::locale();
        (Some(found.iter().map(|r| record_line(r, state.bank_name(&r.draft.workspace), locale)).collect()), more)
    };
    Ok(ConsoleView { staff: session.display, csrf_token, query, results, more, notice: None })
}

/// One record with its history.
#[server(prefix = "/api", endpoint = "admin/record")]
pub async fn load_record(id: String) -> Result<StaffRecordView, AppError> {
    use super::context;
    use crate::server::console::{history, record_line, CONSOLE_PURPOSE};
    let state = context::state()?;
    let session = staff(&state).await?;
    let mut record = tenant_record(&state, &id, &session.reach).await?;
    // A record in force whose consent its regime lists as revoked (by the application, say) is
    // ended before staff read it; a list slow to answer does not hold the page up for long.
    let settled = crate::server::reconcile::settle_ended(&state, &record);
    if tokio::time::timeout(std::time::Duration::from_secs(2), settled).await == Ok(true) {
        record = tenant_record(&state, &id, &session.reach).await?;
    }
    let tenant = state.upstream.tenant();
    let client_active = match &session.reach {
        None => state.records.count_authorized_of_client(tenant, &record.draft.client_id).await?,
        reach => {
            let all = state.records.authorized_of_client(tenant, &record.draft.client_id).await?;
            all.iter().filter(|r| revocable(reach, r)).count()
        }
    };
    let locale = crate::request::locale();
    let csrf_token = state.csrf.token(&context::browser_id(&state), CONSOLE_PURPOSE, &session.id_hash);
    Ok(StaffRecordView {
        staff: session.display,
        csrf_token,
        record: record_line(&record, state.bank_name(&record.draft.workspace), locale),
        history: history(&record, locale),
        client_active,
        client_key: record.draft.client_id.clone(),
        client_search: client_search_path(&record.draft.client_id),
        notice: None,
        problem: None,
    })
}

/// Revokes one consent: its tokens, then its record, with the staff member's name and reason.
#[server(prefix = "/api", endpoint = "admin/revoke")]
pub async fn staff_revoke(
    #[server(default)] csrf_token: String,
    id: String,
    #[server(default)] reason: String,
    /// `yes`: the plain form's box ticked (an island asks in its dialog instead).
    #[server(default)]
    confirmed: String,
) -> Result<(), AppError> {
    use super::context;
    use crate::server::records::Actor;
    let state = context::state()?;
    let session = staff_with_token(&state, &csrf_token).await?;
    let reason = match reason_of(&reason, &confirmed) {
        Ok(reason) => reason,
        // A plain form goes back to its record, which says what to fix (nothing is revoked).
        Err(missing) if context::plain_form() => {
            context::navigate(&format!("{}&{missing}=needed", record_path(&id)));
            return Ok(());
        }
        Err(_) => return Err(crate::error::Failure::ReasonNeeded.into()),
    };
    let record = tenant_record(&state, &id, &session.reach).await?;
    if record.draft.payment.is_some() {
        return Err(crate::error::Failure::PaymentMade.into());
    }
    // One that ended meanwhile (revoked in another tab, or past its expiry) is left as it is: its
    // page says how it ended. Otherwise the record's page says it was revoked, once: reached by
    // the plain form's redirect, or by the island's own navigation once done.
    if crate::server::revoke::end_consent(&state, &record, Actor::Staff, Some(session.display), Some(reason)).await? {
        // The audit trail names the staff member by their subject: the record keeps the name
        // shown, which two people may share.
        tracing::info!(staff = %session.subject, record = %record.id, "staff revoked a consent");
        state.upstream.metrics().revokes.inc();
        context::say_next(&state, crate::server::notice::Notice::RecordRevoked);
    }
    if context::plain_form() {
        context::navigate(&record_path(&record.id));
    }
    Ok(())
}

/// The most rounds of "revoke this provider".
#[cfg(feature = "ssr")]
const MAX_ROUNDS: usize = 100;

/// Revokes every consent of one application ("revoke this provider"), each with its tokens,
/// under the staff member's name and reason. Answers how many it revoked.
#[server(prefix = "/api", endpoint = "admin/revoke-provider")]
pub async fn revoke_provider(
    #[server(default)] csrf_token: String,
    client_id: String,
    #[server(default)] reason: String,
    /// The record whose page sent the form: where a plain form with no reason goes back to.
    #[server(default)]
    record: String,
    /// As [`staff_revoke`]'s.
    #[server(default)]
    confirmed: String,
) -> Result<usize, AppError> {
    use super::context;
    use crate::error::Failure;
    use crate::server::records::Actor;
    let state = context::state()?;
    let session = staff_with_token(&state, &csrf_token).await?;
    let reason = match reason_of(&reason, &confirmed) {
        Ok(reason) => reason,
        // A plain form goes back to its record, which says what to fix (nothing is revoked).
        Err(missing) if context::plain_form() && !record.is_empty() => {
            context::navigate(&format!("{}&{missing}=needed", record_path(&record)));
            return Ok(0);
        }
        Err("reason") => return Err(Failure::ReasonNeeded.into()),
        Err(_) => return Err(Failure::FormIncomplete.into()),
    };
    if client_id.is_empty() || client_id.len() > 256 {
        return Err(Failure::FormIncomplete.into());
    }
    let mut revoked = 0;
    // A store that lists so many at a time (an identity pool: 2,000) is asked again, until a
    // round ends none (what is left is out of reach, or a payment's).
    for _ in 0..MAX_ROUNDS {
        let mut records = state.records.authorized_of_client(state.upstream.tenant(), &client_id).await?;
        records.retain(|r| revocable(&session.reach, r));
        let before = revoked;
        for record in &records {
            let (name, why) = (Some(session.display.clone()), Some(reason.clone()));
            // A payment's record (made once) is not revoked, and not counted.
            if crate::server::revoke::end_consent(&state, record, Actor::Staff, name, why).await? {
                revoked += 1;
                state.upstream.metrics().revokes.inc();
            }
        }
        if revoked == before {
            break;
        }
    }
    tracing::info!(staff = %session.subject, client_id, revoked, "staff revoked every consent of an application");
    // Likewise the search's page, with how many.
    context::say_next(&state, crate::server::notice::Notice::ProviderRevoked(revoked));
    if context::plain_form() {
        context::navigate(&client_search_path(&client_id));
    }
    Ok(revoked)
}

/// The staff session of this request, its holder still staff; else `SessionEnded` or
/// `NotStaff` (the session cookie cleared), or a 502 when userinfo does not answer.
#[cfg(feature = "ssr")]
async fn staff(state: &crate::server::AppState) -> Result<crate::server::sessions::Session, AppError> {
    use crate::error::Failure;
    let headers = super::context::headers();
    use crate::server::console::{clear_session_cookie, current_staff, still_staff};
    let Some((id, session)) = current_staff(state, &headers).await? else {
        return Err(Failure::SessionEnded.into());
    };
    let staff = still_staff(state, &id, session).await;
    if staff.as_ref().is_err_and(|e| matches!(e.failure, Failure::SessionEnded | Failure::NotStaff)) {
        if let Some(c) = clear_session_cookie(state) {
            super::context::set_cookie(c);
        }
    }
    staff
}

/// The staff session, and `token` made for it.
#[cfg(feature = "ssr")]
async fn staff_with_token(
    state: &crate::server::AppState,
    token: &str,
) -> Result<crate::server::sessions::Session, AppError> {
    use crate::error::Failure;
    let session = staff(state).await?;
    let purpose = crate::server::console::CONSOLE_PURPOSE;
    super::context::check_token(state, purpose, &session.id_hash, token, Failure::PortalForged)?;
    Ok(session)
}

/// A record of this tenant (a consent, not a pending accept) within the staff member's
/// `reach`, or not found.
#[cfg(feature = "ssr")]
async fn tenant_record(
    state: &crate::server::AppState,
    id: &str,
    reach: &crate::server::console::Reach,
) -> Result<crate::server::records::Record, AppError> {
    use crate::server::console::reaches;
    use crate::server::records::Status;
    let record = state.records.get(id).await?;
    record
        .filter(|r| r.draft.tenant == state.upstream.tenant() && r.status != Status::Pending)
        .filter(|r| reaches(reach, &r.draft.workspace))
        .ok_or_else(|| crate::error::Failure::NotFound.into())
}

/// Whether staff with `reach` may revoke `record` with its application's others: not a payment
/// made (it stays what was paid), nor a record of a workspace they do not reach.
#[cfg(feature = "ssr")]
fn revocable(reach: &crate::server::console::Reach, record: &crate::server::records::Record) -> bool {
    record.draft.payment.is_none() && crate::server::console::reaches(reach, &record.draft.workspace)
}

/// A staff member's reason: required, one paragraph of at most 500 characters; and from a
/// plain form, its box ticked (`confirmed`), which confirms what ends. Else what is missing,
/// as the record's page is asked to say it (`reason`, `confirm`).
#[cfg(feature = "ssr")]
fn reason_of(reason: &str, confirmed: &str) -> Result<String, &'static str> {
    let reason = crate::server::present::clean_text(reason);
    // Assent's own reasons are codes said in words: a staff member's is their own words.
    let assents = [crate::server::records::reason::AMENDED, crate::server::records::reason::ENDED_UPSTREAM];
    if reason.is_empty() || reason.chars().count() > 500 || assents.contains(&reason.as_str()) {
        return Err("reason");
    }
    if super::context::plain_form() && confirmed != "yes" {
        return Err("confirm");
    }
    Ok(reason)
}

#[cfg(test)]
mod tests {
    /// A record id is the authorization server's (a UK ConsentId, say): whatever it holds, the
    /// path names that record and no other, and is a valid `Location`.
    #[test]
    fn record_paths_escape_the_id() {
        assert_eq!(super::record_path("urn-1_a.b~c"), "/admin/record?id=urn-1_a.b~c");
        assert_eq!(super::record_path("a&id=b #c\r\n"), "/admin/record?id=a%26id%3Db%20%23c%0D%0A");
    }
}
