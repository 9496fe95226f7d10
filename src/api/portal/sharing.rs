//! The Open Banking consents of the portal's customer, by regime (FDX, UK, CDR): the cards
//! each regime's management API lists for the customer's accounts, and how each is stopped.

use crate::error::{AppError, Failure};
use crate::model::FdxAccess;
use crate::server::sessions::Session;
use crate::server::AppState;
use std::collections::BTreeMap;

/// The regime of a consent card: which management API stops it, and which bank holds the
/// accounts it shares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Regime {
    Fdx,
    Uk,
    Cdr,
}

impl Regime {
    pub(super) const ALL: [Regime; 3] = [Regime::Fdx, Regime::Uk, Regime::Cdr];

    /// Its name in the portal's forms.
    pub(super) fn key(self) -> &'static str {
        match self {
            Regime::Fdx => "fdx",
            Regime::Uk => "uk",
            Regime::Cdr => "cdr",
        }
    }

    pub(super) fn from_key(key: &str) -> Option<Regime> {
        Regime::ALL.into_iter().find(|r| r.key() == key)
    }

    /// The workspace whose consents the portal lists under this regime, when there is one.
    pub(super) fn workspace(self, state: &AppState) -> Option<&str> {
        match self {
            Regime::Fdx => state.upstream.fdx().map(|f| f.workspace.as_str()),
            Regime::Uk => state.upstream.obuk_workspace(),
            Regime::Cdr => state.upstream.cdr_workspace(),
        }
    }

    /// The internal API of the bank holding the accounts those consents share: the
    /// workspace's own (`bank_url`), or `BANK_URL`'s.
    pub(super) fn bank(self, state: &AppState) -> Option<&url::Url> {
        self.workspace(state).and_then(|w| state.upstream.bank_of(w)).map(|b| b.url)
    }

    /// The signed-in customer's number at that bank; none when the sign-in did not name one
    /// (see [`customers`]), or the workspace's people are not the portal's (asked at every call:
    /// a session sealed before each bank's number was kept has one for all): then the portal
    /// asks that bank nothing.
    pub(super) fn customer<'s>(self, state: &AppState, session: &'s Session) -> Option<&'s str> {
        self.workspace(state).filter(|w| state.portal_sees(w)).and_then(|w| session.customer_at(w))
    }
}

/// The signed-in customer's number at each regime's bank, by workspace, read from the ID
/// token's `claims` with that bank's own claim (`bank_id_claim`, else `BANK_ID_CLAIM`), as its
/// consent screen reads it from the consent's authentication context; none where the ID token
/// does not carry that claim. (A workspace whose people are not the portal's is asked nothing
/// whatever its number: [`Regime::customer`].)
pub(super) fn customers(
    state: &AppState,
    claims: &serde_json::Map<String, serde_json::Value>,
    subject: &str,
) -> BTreeMap<String, String> {
    let mut customers = BTreeMap::new();
    for regime in Regime::ALL {
        let Some(workspace) = regime.workspace(state) else { continue };
        let Some(bank) = state.upstream.bank_of(workspace) else { continue };
        match crate::server::fdx::customer_by(bank.id_claim, claims, subject) {
            Ok(customer) => {
                customers.insert(workspace.to_string(), customer);
            }
            Err(_) => tracing::warn!(workspace, "the ID token names no customer at this workspace's bank"),
        }
    }
    customers
}

/// The card of consent `consent_id` among those sharing the customer's accounts, and its
/// regime; each regime is asked only when the ones before do not have it, and one that cannot
/// be asked now does not keep the others from answering (its failure is the answer only when
/// none has the consent). A UK payment is an error: made once, it is a record of what was
/// paid, never something to stop.
pub(super) async fn find(
    state: &AppState,
    session: &Session,
    consent_id: &str,
) -> Result<Option<(FdxAccess, Regime)>, AppError> {
    let mut failed = None;
    match fdx_accesses(state, session, false).await {
        Ok((fdx, _)) => {
            if let Some(access) = fdx.into_iter().find(|a| a.consent_id == consent_id) {
                return Ok(Some((access, Regime::Fdx)));
            }
        }
        Err(e) => failed = Some(e),
    }
    match uk_accesses(state, session, false).await {
        Ok((uk, payments, _)) => {
            if payments.iter().any(|p| p.consent_id == consent_id) {
                return Err(Failure::PaymentMade.into());
            }
            if let Some(access) = uk.into_iter().find(|a| a.consent_id == consent_id) {
                return Ok(Some((access, Regime::Uk)));
            }
        }
        Err(e) => failed = Some(e),
    }
    match cdr_accesses(state, session, false).await {
        Ok((cdr, _)) => {
            if let Some(access) = cdr.into_iter().find(|a| a.consent_id == consent_id) {
                return Ok(Some((access, Regime::Cdr)));
            }
        }
        Err(e) => failed = Some(e),
    }
    match failed {
        Some(e) => Err(e.into()),
        None => Ok(None),
    }
}

/// Stops consent `consent_id` of `subject` through its regime's management API; a UK consent's
/// record (named by the ConsentId) and a CDR arrangement's records end with it, the consent
/// being stopped either way.
pub(super) async fn stop(state: &AppState, subject: &str, regime: Regime, consent_id: &str) -> Result<(), AppError> {
    match regime {
        Regime::Fdx => {
            state.upstream.revoke_fdx_consent(consent_id, false).await?;
            end_record(state, subject, consent_id, "an FDX consent").await;
        }
        Regime::Uk => {
            state.upstream.revoke_obuk_consent(consent_id).await?;
            end_record(state, subject, consent_id, "a UK consent").await;
        }
        Regime::Cdr => {
            state.upstream.revoke_cdr_arrangement(consent_id).await?;
            end_arrangement_records(state, subject, consent_id).await;
        }
    }
    state.upstream.metrics().revokes.inc();
    Ok(())
}

/// The record named by the consent `consent_id` (an FDX or UK consent's), ended by the customer
/// `subject` who stopped the consent: its own, or a joint account's other holder's (named
/// [`CO_HOLDER`], so the record's own customer does not read "ended by you"); a failure is
/// logged, since the consent itself has stopped.
async fn end_record(state: &AppState, subject: &str, consent_id: &str, what: &str) {
    if !state.records.kept_here() {
        return;
    }
    let of_other = match state.records.get(consent_id).await {
        Ok(Some(record)) => record.draft.subject != subject,
        Ok(None) => return,
        Err(e) => {
            tracing::error!(error = %e, "stopped {what}, but could not read its record");
            return;
        }
    };
    let by_name = of_other.then(|| CO_HOLDER.to_string());
    let revoked = state.records.revoke(consent_id, crate::server::records::Actor::Customer, by_name, None);
    if let Err(e) = revoked.await {
        tracing::error!(error = %e, "stopped {what}, but could not mark its record revoked");
    }
}

/// Whether the customer `subject` gave consent `consent_id` of `regime`, by their own record
/// of it (see [`crate::server::portal::own_by_records`]); a store that does not answer says no.
pub(super) async fn given_by(state: &AppState, subject: &str, regime: Regime, consent_id: &str) -> bool {
    let Some(workspace) = regime.workspace(state) else { return false };
    if !state.records.enabled() {
        return false;
    }
    match super::customer_records(state, subject).await {
        Ok(own) => own.iter().any(|r| r.gave(consent_id, workspace)),
        Err(e) => {
            tracing::warn!(error = %e, "the records of a consent to stop could not be read");
            false
        }
    }
}

/// The name a record keeps of a customer who ended another customer's consent: a joint
/// account's other holder.
pub const CO_HOLDER: &str = "co-holder";

/// The user's accounts at the own banks (Hyperscale Bank's in the sandbox) of the workspaces
/// their records come from, to name the accounts of those records: asked only when there are
/// such records, once per bank, and not of the UK bank, whose accounts the UK list has read. A
/// bank that does not answer leaves its records showing account ids, not the page failing.
pub(super) async fn accounts_at_own_banks(
    state: &crate::server::AppState,
    records: &[crate::server::records::Record],
) -> Vec<crate::wire::InternalAccount> {
    // Each bank asked about the customer its records name there (the number its claim gave
    // when the consent was given, else the subject).
    let mut banks: Vec<(&url::Url, &str)> = records
        .iter()
        .filter(|r| {
            let w = Some(r.draft.workspace.as_str());
            state.upstream.obuk_workspace() != w && state.upstream.cdr_workspace() != w
        })
        .filter_map(|r| {
            let customer = r.draft.customer.as_deref().unwrap_or(&r.draft.subject);
            Some((state.upstream.own_bank(&r.draft.workspace)?, customer))
        })
        .collect();
    banks.sort();
    banks.dedup();
    let asks = banks.into_iter().map(|(bank, customer)| state.upstream.accounts_at(bank, customer));
    let mut accounts = Vec::new();
    for answer in futures::future::join_all(asks).await {
        match answer {
            Ok(list) => accounts.extend(list.accounts),
            Err(e) => tracing::warn!(error = %e, "a workspace's bank did not list the customer's accounts"),
        }
    }
    accounts
}

/// The UK account-access consents sharing any of the user's accounts at the UK workspace's
/// bank (through the management API), the payments made from them (the same list, by `type`),
/// and those accounts; none when there is no UK workspace, or it has no bank. With
/// `disclosed`, each consent's card says what the bank disclosed under it, where the bank
/// keeps such a log (the portal's list).
pub(super) async fn uk_accesses(
    state: &crate::server::AppState,
    session: &Session,
    disclosed: bool,
) -> Result<UkAccesses, crate::server::upstream::UpstreamError> {
    let (Some(bank), Some(customer)) = (Regime::Uk.bank(state), Regime::Uk.customer(state, session)) else {
        return Ok((Vec::new(), Vec::new(), Vec::new()));
    };
    let accounts = state.upstream.accounts_at(bank, customer).await?.accounts;
    let ids: Vec<String> = accounts.iter().map(|a| a.id.clone()).collect();
    let consents = state.upstream.obuk_consents_of_accounts(&ids).await?.consents;
    let locale = crate::request::locale();
    let payments = crate::server::obuk_payment::payments_view(&accounts, consents.clone(), locale);
    let mut cards = crate::server::portal::obuk_view(&accounts, consents, locale);
    if disclosed {
        say_disclosed_at(state, bank, customer, &mut cards, locale).await;
    }
    Ok((cards, payments, accounts))
}

/// Says on each of `cards` (asking only when there are some) what the bank at `bank`
/// disclosed under it.
async fn say_disclosed_at(
    state: &crate::server::AppState,
    bank: &url::Url,
    customer: &str,
    cards: &mut [FdxAccess],
    locale: crate::i18n::Locale,
) {
    if cards.is_empty() {
        return;
    }
    if let Some(disclosed) = disclosed_at(state, bank, customer).await {
        crate::server::portal::say_disclosed(cards, &disclosed, locale);
    }
}

/// What the bank at `bank` disclosed under `customer`'s consents; nothing where it keeps no
/// such log (404) or does not answer, and the cards then say nothing of it.
async fn disclosed_at(
    state: &crate::server::AppState,
    bank: &url::Url,
    customer: &str,
) -> Option<crate::wire::Disclosures> {
    state.upstream.disclosures_at(bank, customer).await.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "the bank did not say what it disclosed; the portal says nothing of it");
        None
    })
}

/// The CDR arrangements of the customer sharing any of their accounts at the CDR workspace's
/// bank (through the management API), and another holder's sharing their joint accounts, and
/// those accounts; none when there is no CDR
/// workspace, or it has no bank. Recipients are named from the System client list; a list that
/// does not answer leaves them named by their client id. With `disclosed`, each card says what
/// the bank disclosed under it (the portal's list; finding one to stop needs no such words).
pub(super) async fn cdr_accesses(
    state: &crate::server::AppState,
    session: &Session,
    disclosed: bool,
) -> Result<(Vec<crate::model::FdxAccess>, Vec<crate::wire::InternalAccount>), crate::server::upstream::UpstreamError> {
    let (Some(wid), Some(bank)) = (Regime::Cdr.workspace(state), Regime::Cdr.bank(state)) else {
        return Ok((Vec::new(), Vec::new()));
    };
    let Some(customer) = Regime::Cdr.customer(state, session) else {
        return Ok((Vec::new(), Vec::new()));
    };
    let accounts = state.upstream.accounts_at(bank, customer).await?.accounts;
    let ids: Vec<String> = accounts.iter().map(|a| a.id.clone()).collect();
    // And those another holder gave over the customer's joint accounts: each holder sees them.
    let joint: Vec<String> = accounts.iter().filter(|a| a.joint.is_some()).map(|a| a.id.clone()).collect();
    let (own, given_by_others) = tokio::join!(
        state.upstream.cdr_arrangements_of(customer, &ids),
        state.upstream.cdr_arrangements_sharing(&joint),
    );
    let mut arrangements = own?.arrangements;
    // Whatever the server's filter did, never one it names as another customer's that shares
    // none of this customer's accounts. (One it names no customer for was listed for this
    // customer: theirs, its accounts closed or none at all.)
    arrangements.retain(|a| {
        a.customer_id.as_deref().is_none_or(|c| c == customer) || a.account_ids.iter().any(|id| ids.contains(id))
    });
    // Listed for this customer: theirs, whether or not the list names its customer.
    for a in &mut arrangements {
        a.customer_id.get_or_insert_with(|| customer.to_string());
    }
    // Another holder's in force (never one the list does not say is theirs: only the customer's
    // own are stoppable); a list that does not answer leaves the customer's own showing.
    match given_by_others {
        Ok(list) => {
            let others = list.arrangements.into_iter().filter(|o| {
                o.status == crate::wire::cdr::status::AUTHORISED
                    && o.account_ids.iter().any(|id| joint.contains(id))
                    && !arrangements.iter().any(|a| a.cdr_arrangement_id == o.cdr_arrangement_id)
            });
            arrangements.extend(others.collect::<Vec<_>>());
        }
        Err(e) => tracing::warn!(error = %e, "the arrangements over the customer's joint accounts could not be listed"),
    }
    // Who the recipients are, and what the bank disclosed to them: asked at once, and neither
    // keeps the list from showing.
    let (clients, disclosed) = if arrangements.is_empty() {
        (Vec::new(), None)
    } else {
        let disclosures = async {
            if disclosed {
                disclosed_at(state, bank, customer).await
            } else {
                None
            }
        };
        let (clients, disclosed) = tokio::join!(state.upstream.system_clients(wid), disclosures);
        let clients = clients.map(|c| c.clients).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "the System client list did not answer; recipients shown by id");
            Vec::new()
        });
        (clients, disclosed)
    };
    let locale = crate::request::locale();
    let mut view = crate::server::cdr::portal_view(customer, &accounts, arrangements, &clients, locale);
    if let Some(disclosed) = disclosed {
        crate::server::portal::say_disclosed(&mut view, &disclosed, locale);
    }
    Ok((view, accounts))
}

/// The authorized records of arrangement `arrangement` of `subject` (the arrangement's own,
/// and an amendment's), ended by the customer.
pub(super) async fn end_arrangement_records(state: &crate::server::AppState, subject: &str, arrangement: &str) {
    use crate::server::records::{Actor, Status};
    if !state.records.kept_here() {
        return;
    }
    let records = match super::customer_records(state, subject).await {
        Ok(r) => r,
        Err(e) => return tracing::error!(error = %e, "stopped a CDR arrangement, but could not read its records"),
    };
    let ours = records.iter().filter(|r| {
        r.status == Status::Authorized
            && state.upstream.cdr_workspace() == Some(r.draft.workspace.as_str())
            && crate::server::cdr::arrangement_of_record(&r.id) == arrangement
    });
    for r in ours {
        if let Err(e) = state.records.revoke(&r.id, Actor::Customer, None, None).await {
            tracing::error!(error = %e, "stopped a CDR arrangement, but could not mark its record revoked");
        }
    }
}

/// What [`uk_accesses`] finds: account-access consents, payments, the user's UK accounts.
type UkAccesses = (Vec<crate::model::FdxAccess>, Vec<crate::model::PaymentAccess>, Vec<crate::wire::InternalAccount>);

/// The Open Finance consents sharing any of the user's accounts, and those accounts; none when
/// Open Finance is off. The user is the session's customer at the FDX workspace's bank.
pub(super) async fn fdx_accesses(
    state: &crate::server::AppState,
    session: &Session,
    disclosed: bool,
) -> Result<(Vec<crate::model::FdxAccess>, Vec<crate::wire::InternalAccount>), crate::server::upstream::UpstreamError> {
    let (Some(bank), Some(customer)) = (Regime::Fdx.bank(state), Regime::Fdx.customer(state, session)) else {
        return Ok((Vec::new(), Vec::new()));
    };
    let accounts = state.upstream.accounts_at(bank, customer).await?.accounts;
    let ids: Vec<String> = accounts.iter().map(|a| a.id.clone()).collect();
    let consents = state.upstream.fdx_consents_of_accounts(&ids).await?.consents;
    let locale = crate::request::locale();
    let mut cards = crate::server::portal::fdx_view(&accounts, consents, locale);
    if disclosed {
        say_disclosed_at(state, bank, customer, &mut cards, locale).await;
    }
    Ok((cards, accounts))
}

/// Names the cards of FDX consents another holder of a joint account gave, which the
/// customer's own records cannot name, from the giver's record of the consent: the
/// application's name and logo as its consent screen showed them. Nothing else of that record
/// is read, and only a record of this tenant's FDX workspace given to the card's own client;
/// without one the card keeps the client id. Only a card another holder could have given is
/// looked up (one that shares a joint account, or an account not the customer's), in the store
/// of that workspace's records alone: a customer with hundreds of consents of their own costs
/// no read at all. A few records are read at once, not all.
pub(super) async fn name_given_by_others(
    state: &AppState,
    cards: &mut [FdxAccess],
    own: &[crate::server::records::Record],
) {
    use futures::StreamExt;
    let Some(workspace) = state.upstream.fdx().map(|f| f.workspace.clone()) else { return };
    let unnamed: Vec<String> = cards
        .iter()
        .filter(|c| (c.joint || !c.all_mine) && !own.iter().any(|r| r.id == c.consent_id))
        .map(|c| c.consent_id.clone())
        .collect();
    let workspace = &workspace;
    let reads = futures::stream::iter(unnamed).map(|id| async move { state.records.get_in(workspace, &id).await });
    let found: Vec<_> = reads.buffer_unordered(4).collect().await;
    for record in found {
        let record = match record {
            Ok(Some(record))
                if record.draft.tenant == state.upstream.tenant() && record.draft.workspace == *workspace =>
            {
                record
            }
            Ok(_) => continue,
            Err(e) => {
                tracing::warn!(error = %e, "the record naming a joint account's consent could not be read");
                continue;
            }
        };
        // The card names its client by id until it is named (`server::portal::fdx_view`).
        let client = crate::server::present::clean_text(&record.draft.client_id);
        let card = cards.iter_mut().find(|c| c.consent_id == record.id && c.recipient == client);
        if let Some(card) = card {
            crate::server::portal::named_by_records(std::slice::from_mut(card), std::slice::from_ref(&record));
        }
    }
}
