//! The portal: sign in (authorization code + PKCE, tokens kept on the server), list the
//! applications and the Open Finance consents of the signed-in user, revoke one, sign out.
//! The user is always the one of the server-side session; every form carries a token bound
//! to that session.

use crate::error::AppError;
use crate::model::PortalView;
use leptos::prelude::*;

mod joint;
#[cfg(feature = "ssr")]
mod sharing;

pub use joint::{set_joint_sharing, SetJointSharing};

/// The signed-in user's applications and Open Finance consents (the two lists are asked for
/// at once). `SessionEnded` when nobody is signed in, or the user's token no longer works.
#[server(prefix = "/api", endpoint = "portal/load")]
pub async fn load_portal() -> Result<PortalView, AppError> {
    use super::context;
    use crate::server::portal::{apps_view, records_view, PORTAL_PURPOSE};
    use sharing::Regime;
    let state = context::state()?;
    let (id, session) = signed_in(&state).await?;
    let (apps, fdx, uk, au, records) = tokio::join!(
        state.upstream.list_clients(&session.access_token),
        sharing::fdx_accesses(&state, &session, true),
        sharing::uk_accesses(&state, &session, true),
        sharing::cdr_accesses(&state, &session, true),
        records_of(&state, &session.subject),
    );
    let (apps, mut names): (_, std::collections::HashMap<String, String>) = match apps {
        Ok(list) => {
            let names = list
                .scopes
                .iter()
                .map(|s| (s.scope_name.clone(), s.scope_display_name.clone().unwrap_or_else(|| s.scope_name.clone())))
                .collect();
            (apps_view(list), names)
        }
        Err(e) => return Err(ended_or(&state, &id, e).await),
    };
    // A UK record's scopes are permission codes: shown in their data clusters' words.
    for (key, codes) in crate::server::obuk::CLUSTERS {
        let label = crate::i18n::text(crate::request::locale(), &format!("obuk-cluster-{key}"), &[]);
        names.extend(codes.iter().map(|c| (c.to_string(), label.clone())));
    }
    // A CDR record's scopes, likewise in the data language standards' words.
    for (key, scope) in crate::server::cdr::CLUSTERS {
        names
            .insert(scope.to_string(), crate::i18n::text(crate::request::locale(), &format!("cdr-cluster-{key}"), &[]));
    }
    // One bank's API down is a page with the others' consents and a word that some are missing,
    // not an error page: the applications and records still show and can be revoked.
    let mut partial = false;
    let mut or_none = |regime: &str, e: crate::server::upstream::UpstreamError| {
        tracing::warn!(regime, error = %e, "a regime's consents could not be listed; the portal shows the others");
        partial = true;
    };
    let (mut fdx, accounts) = fdx.unwrap_or_else(|e| {
        or_none("fdx", e);
        Default::default()
    });
    // The FDX list names recipients by client id: the customer's records name them as their
    // consent screens did.
    if let Ok(records) = &records {
        crate::server::portal::named_by_records(&mut fdx, records);
        sharing::name_given_by_others(&state, &mut fdx, records).await;
    }
    // A regime's bank, named by its brand where it has one of its own.
    let bank_name = |workspace: Option<&str>| {
        workspace.and_then(|w| state.workspace_brands.get(w)).map(|(b, _)| b.name.clone()).unwrap_or_default()
    };
    // Each card names the bank it was given at; a consent the customer's own record says they
    // gave is theirs to stop, whatever became of its accounts.
    let of_regime = |list: &mut Vec<crate::model::FdxAccess>, regime: Regime| {
        let bank = bank_name(regime.workspace(&state));
        list.iter_mut().for_each(|a| a.bank = bank.clone());
        if let (Ok(records), Some(workspace)) = (&records, regime.workspace(&state)) {
            crate::server::portal::own_by_records(list, records, workspace);
        }
    };
    of_regime(&mut fdx, Regime::Fdx);
    // UK consents are cards of the same list: the same Stop, the same confirmation page.
    let (uk, payments, uk_accounts) = uk.unwrap_or_else(|e| {
        or_none("uk", e);
        Default::default()
    });
    let mut uk = uk;
    of_regime(&mut uk, Regime::Uk);
    fdx.extend(uk);
    let (mut au, au_accounts) = au.unwrap_or_else(|e| {
        or_none("cdr", e);
        Default::default()
    });
    of_regime(&mut au, Regime::Cdr);
    fdx.extend(au);
    // Each joint account, with its holder's say on its sharing, at the bank that listed it,
    // named as the cards name their bank.
    let mut seen = std::collections::HashSet::new();
    let joint = Regime::ALL
        .into_iter()
        .zip([&accounts, &uk_accounts, &au_accounts])
        .flat_map(|(regime, list)| {
            let bank = regime.bank(&state).map(url::Url::as_str).unwrap_or_default();
            let name = bank_name(regime.workspace(&state));
            let listed = joint::joint_accounts(regime.key(), &name, list, crate::request::locale());
            listed.into_iter().map(move |j| (bank, j))
        })
        // A workspace without a bank of its own lists `BANK_URL`'s: each account once.
        .filter(|(bank, j)| seen.insert((*bank, j.id.clone())))
        .map(|(_, j)| j)
        .collect();
    // A record in force whose consent the lists show revoked (by its application, say) ends
    // here too; inactive for any other reason (awaiting, rejected, a status not known) is not
    // ended.
    let ended: std::collections::HashSet<&str> =
        fdx.iter().filter(|a| a.ended).map(|a| a.consent_id.as_str()).collect();
    // Records that cannot be read leave the page with the consents the banks list, and a
    // word that some are missing.
    let records = records.unwrap_or_else(|e| {
        tracing::error!(error = %e, "the customer's consent records could not be read; the portal shows the rest");
        partial = true;
        Vec::new()
    });
    let records = crate::server::reconcile::settle_seen(&state, records, |key| ended.contains(key)).await;
    let elsewhere = sharing::accounts_at_own_banks(&state, &records).await;
    // Accounts by name and last digits, where the bank still lists them.
    let accounts = accounts
        .into_iter()
        .chain(uk_accounts)
        .chain(au_accounts)
        .chain(elsewhere)
        .map(|a| {
            let name = crate::server::present::account_name(&a);
            (a.id, name)
        })
        .collect();
    // Each record names its bank as its pages and its receipt do (a workspace's id is for staff).
    let bank = |w: &str| state.brand_of(Some(w)).0.name.clone();
    let records = records_view(records, &names, &accounts, bank, crate::request::locale());
    let csrf_token = state.csrf.token(&context::browser_id(&state), PORTAL_PURPOSE, &session.id_hash);
    let (mut apps, mut fdx, mut payments) = (apps, fdx, payments);
    let logos = apps.iter_mut().map(|a| &mut a.logo_uri);
    let logos =
        logos.chain(fdx.iter_mut().map(|a| &mut a.logo_uri)).chain(payments.iter_mut().map(|p| &mut p.logo_uri));
    logos.for_each(|logo| *logo = state.logos.link_opt(logo.take()));
    for app in &mut apps {
        crate::server::present::drop_local_link(&mut app.client_uri, state.on_loopback);
    }
    Ok(PortalView {
        user: session.display,
        apps,
        filter: String::new(),
        csrf_token,
        notice: None,
        fdx,
        records,
        payments,
        joint,
        partial,
    })
}

/// The receipt of one of the signed-in user's consent records, as JSON (a Kantara consent
/// receipt). Only the user's own: any other id is not found.
#[server(prefix = "/api", endpoint = "portal/receipt")]
pub async fn consent_receipt(id: String) -> Result<String, AppError> {
    use super::context;
    use crate::error::Failure;
    let state = context::state()?;
    let (_, session) = signed_in(&state).await?;
    let record = state.records.get(&id).await?.filter(|r| {
        r.draft.tenant == state.upstream.tenant()
            && r.draft.subject == session.subject
            && state.portal_sees(&r.draft.workspace)
            && r.status != crate::server::records::Status::Pending
    });
    let record = record.ok_or(Failure::NotFound)?;
    // Issued by the bank the consent was given at.
    let (bank, _) = state.brand_of(Some(&record.draft.workspace));
    let receipt = crate::server::records::receipt(&record, &bank.name, crate::request::locale());
    serde_json::to_string_pretty(&receipt).map_err(|_| Failure::Internal.into())
}

/// The signed-in user's consent records (none when records are not kept).
#[cfg(feature = "ssr")]
async fn records_of(
    state: &crate::server::AppState,
    subject: &str,
) -> Result<Vec<crate::server::records::Record>, AppError> {
    if !state.records.enabled() {
        return Ok(Vec::new());
    }
    Ok(customer_records(state, subject).await?)
}

/// The consent records of the portal's customer `subject`: of this tenant, and of workspaces
/// whose people are the portal's (the same subject elsewhere is someone else).
#[cfg(feature = "ssr")]
pub(super) async fn customer_records(
    state: &crate::server::AppState,
    subject: &str,
) -> Result<Vec<crate::server::records::Record>, crate::server::records::RecordsError> {
    let mut records = state.records.of_subject(state.upstream.tenant(), subject).await?;
    records.retain(|r| state.portal_sees(&r.draft.workspace));
    Ok(records)
}

/// Revokes `client_id`'s access to the signed-in user's account, and with it the application's
/// tokens: only an application in the user's own list (404 otherwise, with no revocation
/// sent). The platform revokes only what this user gave.
#[server(prefix = "/api", endpoint = "portal/revoke")]
pub async fn revoke_access(#[server(default)] csrf_token: String, client_id: String) -> Result<(), AppError> {
    use super::context;
    use crate::error::Failure;
    use crate::server::notice::Notice;
    let state = context::state()?;
    let (id, session) = signed_in_with_token(&state, &csrf_token).await?;
    if client_id.is_empty() || client_id.len() > 256 {
        return Err(Failure::FormIncomplete.into());
    }
    // Only an application in this user's own list: anything else (another user's, an unknown
    // id, `..`) is not found, and nothing is sent to revoke it.
    let list = match state.upstream.list_clients(&session.access_token).await {
        Ok(list) => list,
        Err(e) => return Err(ended_or(&state, &id, e).await),
    };
    if !list.clients.iter().any(|c| c.client.id == client_id) {
        // An application of another bank's workspace holds no grant the portal's workspace
        // lists: the customer ends its consents by their records (their tokens revoked by
        // `consent_id` at their own workspace).
        if !end_other_banks_records(&state, &session.subject, &client_id).await? {
            return Err(Failure::NotFound.into());
        }
        state.upstream.metrics().revokes.inc();
        if context::plain_form() {
            context::say_next(&state, Notice::Revoked);
            context::navigate("/portal");
        }
        return Ok(());
    }
    if let Err(e) = state.upstream.revoke_client(&session.access_token, &client_id).await {
        return Err(ended_or(&state, &id, e).await);
    }
    state.upstream.metrics().revokes.inc();
    end_records(&state, &session.subject, &client_id).await;
    if context::plain_form() {
        context::say_next(&state, Notice::Revoked);
        context::navigate("/portal");
    }
    Ok(())
}

/// Stops an Open Finance consent that shares the signed-in user's accounts (revoked through
/// the management API as `INDIVIDUAL` / `USER_ACTION`). One already stopped is left as it is.
#[server(prefix = "/api", endpoint = "portal/stop")]
pub async fn stop_sharing(#[server(default)] csrf_token: String, consent_id: String) -> Result<(), AppError> {
    use super::context;
    use crate::error::Failure;
    let state = context::state()?;
    let (_, session) = signed_in_with_token(&state, &csrf_token).await?;
    if consent_id.is_empty() || consent_id.len() > 256 {
        return Err(Failure::FormIncomplete.into());
    }
    // The consent must share this user's accounts: the management API itself would stop anyone's.
    let Some((access, regime)) = sharing::find(&state, &session, &consent_id).await? else {
        return Err(Failure::NotFound.into());
    };
    // A joint account's other holder gave it: theirs to stop, not this user's (unless the
    // user's own record says they gave it, and the bank no longer lists one of its accounts).
    if !access.all_mine && !sharing::given_by(&state, &session.subject, regime, &consent_id).await {
        return Err(Failure::OtherHolders.into());
    }
    // Already stopped (another tab, or it expired): nothing to do.
    if access.active {
        sharing::stop(&state, &session.subject, regime, &consent_id).await?;
    }
    if context::plain_form() {
        context::say_next(&state, crate::server::notice::Notice::Stopped);
        context::navigate("/portal");
    }
    Ok(())
}

/// Starts the portal's sign-in: PKCE, state and nonce sealed into this browser's sign-in
/// cookie (nothing is stored on the server), the browser sent to the authorization server.
#[server(prefix = "/api", endpoint = "portal/sign-in")]
pub async fn sign_in(csrf_token: String) -> Result<(), AppError> {
    use super::context;
    use crate::error::Failure;
    use crate::server::portal::{state_cookie, LOGIN_PURPOSE};
    use crate::server::sessions::Kind;
    let state = context::state()?;
    let auth = state.portal.clone().ok_or(Failure::PortalOff)?;
    context::check_token(&state, LOGIN_PURPOSE, "", &csrf_token, Failure::PortalForged)?;
    super::sign_in::begin(&state, &auth, Kind::Customer, state_cookie(&state)).await
}

/// Finishes the sign-in at the callback (see [`super::sign_in::complete`]) and opens a
/// session. Called by the `/portal/callback` page directly.
#[server(prefix = "/api", endpoint = "portal/finish-sign-in")]
pub async fn finish_sign_in(
    #[server(default)] state: String,
    #[server(default)] code: Option<String>,
    #[server(default)] iss: Option<String>,
    #[server(default)] error: Option<String>,
) -> Result<(), AppError> {
    use super::context;
    use super::sign_in::{complete, Callback};
    use crate::error::Failure;
    use crate::server::portal::{session_cookie, state_cookie};
    use crate::server::sessions::{Holder, Kind};
    let back = Callback { state, code, iss, error };
    let state = context::state()?;
    let auth = state.portal.clone().ok_or(Failure::NotFound)?;
    let signed_in = complete(&state, &auth, Kind::Customer, state_cookie(&state), back).await?;
    // The bank's customer: the claim the consent screen reads too (`BANK_ID_CLAIM`), or the subject.
    let customer = crate::server::fdx::customer_of(&state.upstream, &signed_in.claims, &signed_in.subject)?;
    let customers = sharing::customers(&state, &signed_in.claims, &signed_in.subject);
    // The name the portal greets the user with comes from the ID token: cleaned like all
    // upstream text.
    let display = crate::server::present::clean_text(&signed_in.display);
    let cookie = session_cookie(&state);
    let holder = Holder {
        kind: Kind::Customer,
        subject: &signed_in.subject,
        customer: &customer,
        customers: Some(customers),
        display: &display,
        reach: None,
    };
    super::sign_in::open_session(&state, &auth, &signed_in, holder, cookie, "/portal").await
}

/// Ends the session everywhere, clears its cookie and revokes its token.
#[server(prefix = "/api", endpoint = "portal/sign-out")]
pub async fn sign_out(#[server(default)] csrf_token: String) -> Result<(), AppError> {
    use super::context;
    use crate::error::Failure;
    use crate::server::portal::{current_session, end_session, PORTAL_PURPOSE};
    let state = context::state()?;
    if let Some((id, session)) = current_session(&state, &context::headers()).await? {
        context::check_token(&state, PORTAL_PURPOSE, &session.id_hash, &csrf_token, Failure::PortalForged)?;
        if let Some(c) = end_session(&state, &id).await? {
            context::set_cookie(c);
        }
        // RFC 7009: the token dies with the session. The session is over either way; a server
        // that cannot be reached now lets the token expire on its own.
        if let Some(auth) = &state.portal {
            if let Err(e) = auth.revoke(state.upstream.http(), &session.access_token).await {
                tracing::warn!(error = %e, "signing out could not revoke the portal's token");
            }
        }
    }
    context::navigate("/portal");
    Ok(())
}

/// Ends this user's authorized consent records of `client_id`, once the application's access
/// is revoked: each consent's tokens are revoked by `consent_id` too (System API), then its
/// record is marked revoked by the customer (see `server::revoke`). The user's decision has
/// taken effect by then, so a failure here is logged, not shown: a System client without
/// `revoke_tokens`, or a records store down, must not stop a customer from revoking. A record
/// whose tokens could not be revoked stays active, never says revoked while they may still
/// work, and is the customer's (or staff's) to end again.
#[cfg(feature = "ssr")]
async fn end_records(state: &crate::server::AppState, subject: &str, client_id: &str) {
    use crate::server::records::Actor;
    if !state.records.kept_here() {
        return;
    }
    let records = match customer_records(state, subject).await {
        Ok(records) => records,
        Err(e) => {
            tracing::error!(error = %e, "revoked an application, but could not end its consent records");
            return;
        }
    };
    for record in records.iter().filter(|r| r.draft.client_id == client_id) {
        if let Err(e) = crate::server::revoke::end_consent(state, record, Actor::Customer, None, None).await {
            tracing::error!(error = %e, "revoked an application, but could not end one of its consents (its record stays active)");
        }
    }
}

/// Ends this user's authorized consent records of `client_id` (tokens first, then the record,
/// see `server::revoke`); `false` when there was none. Unlike [`end_records`], these records
/// are all the customer's revocation is, so a failure is the answer.
#[cfg(feature = "ssr")]
async fn end_other_banks_records(
    state: &crate::server::AppState,
    subject: &str,
    client_id: &str,
) -> Result<bool, AppError> {
    use crate::server::records::Actor;
    if !state.records.kept_here() {
        return Ok(false);
    }
    let records = customer_records(state, subject).await?;
    let mine: Vec<_> = records.iter().filter(|r| r.draft.client_id == client_id && r.is_active()).collect();
    for record in &mine {
        crate::server::revoke::end_consent(state, record, Actor::Customer, None, None).await?;
    }
    Ok(!mine.is_empty())
}

/// The live session of this request, or `SessionEnded`.
#[cfg(feature = "ssr")]
async fn signed_in(state: &crate::server::AppState) -> Result<(String, crate::server::sessions::Session), AppError> {
    use crate::server::portal::{clear_session_cookie, current_session, session_cookie};
    let headers = super::context::headers();
    if let Some(session) = current_session(state, &headers).await? {
        return Ok(session);
    }
    // A cookie whose session ended (timed out, or signed out on another replica): cleared.
    if crate::cookies::read_cookie(&headers, session_cookie(state)).is_some() {
        if let Some(c) = clear_session_cookie(state) {
            super::context::set_cookie(c);
        }
    }
    Err(AppError::new(crate::error::Failure::SessionEnded))
}

/// The live session, and `token` made for it.
#[cfg(feature = "ssr")]
async fn signed_in_with_token(
    state: &crate::server::AppState,
    token: &str,
) -> Result<(String, crate::server::sessions::Session), AppError> {
    use crate::error::Failure;
    let (id, session) = signed_in(state).await?;
    super::context::check_token(
        state,
        crate::server::portal::PORTAL_PURPOSE,
        &session.id_hash,
        token,
        Failure::PortalForged,
    )?;
    Ok((id, session))
}

/// A failed call made with the user's token: a 401 means the token was revoked or expired
/// upstream, so the session is over; anything else is the upstream's fault.
#[cfg(feature = "ssr")]
async fn ended_or(state: &crate::server::AppState, id: &str, e: crate::server::upstream::UpstreamError) -> AppError {
    use crate::server::upstream::UpstreamError;
    match e {
        UpstreamError::Status { status: 401, .. } => {
            match crate::server::portal::end_session(state, id).await {
                Ok(Some(c)) => super::context::set_cookie(c),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "could not delete an ended portal session"),
            }
            AppError::new(crate::error::Failure::SessionEnded)
        }
        e => e.into(),
    }
}
