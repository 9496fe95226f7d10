//! What the aggregator keeps of each connection (per aggregator user and bank, server side)
//! and what it makes of it on each view: the bank's accounts and recent transactions (`read`); an
//! expired access token renewed silently with the refresh token (one renewal at a time, under
//! a lease, since a refresh token spent twice ends the whole authorization); and a connection
//! the bank no longer honours (401, and no renewal) marked ended.

use crate::sandbox::aggregator::api::Read;
use crate::sandbox::aggregator::client::{self, BankInfo, Grant, Registration};
use crate::sandbox::aggregator::read::read;
use crate::sandbox::bank::data::Transaction;
use crate::sandbox::state::Sandbox;
use crate::sandbox::util::now;
use crate::wire::{InternalAccount, TokenResponse};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

/// How long one renewal may hold the lease.
const LEASE: i64 = 15;

/// The tokens kept for one user at one bank.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Link {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    pub expires_at: i64,
    /// The bank no longer honours it (revoked, expired): kept to say so until reconnected.
    #[serde(default)]
    pub ended: bool,
    /// At a CDR bank, the arrangement the tokens were issued under (`cdr_arrangement_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrangement_id: Option<String>,
}

impl Link {
    pub fn from_tokens(t: &TokenResponse) -> Self {
        Link {
            access_token: t.access_token.clone(),
            refresh_token: t.refresh_token.clone(),
            expires_at: now().saturating_add(i64::try_from(t.expires_in).unwrap_or(i64::MAX)),
            ended: false,
            arrangement_id: t.cdr_arrangement_id.clone(),
        }
    }
}

/// One bank's side of the dashboard.
pub enum BankView {
    NotConnected,
    /// The bank's data; `renewed` when the access token had expired and was refreshed now.
    Connected {
        renewed: bool,
        accounts: Vec<(InternalAccount, Vec<Transaction>)>,
    },
    /// Ended by the bank or by the customer at the bank.
    Ended,
    /// The bank could not be read just now (not an answer about the connection).
    Unavailable(String),
}

pub fn load(sb: &Sandbox, username: &str, bank: &str) -> Result<Option<Link>, String> {
    let text = sb.store.aggregator_link(username, bank).map_err(|e| e.to_string())?;
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
}

pub fn save(sb: &Sandbox, username: &str, bank: &str, link: &Link) -> Result<(), String> {
    let text = serde_json::to_string(link).map_err(|e| e.to_string())?;
    sb.store.set_aggregator_link(username, bank, &text, now()).map_err(|e| e.to_string())
}

/// What `info`'s bank says for `username` now.
pub async fn view(sb: &Arc<Sandbox>, username: &str, info: &BankInfo) -> BankView {
    let (bank, regime) = (info.wid.as_str(), info.regime);
    let mut link = match load(sb, username, bank) {
        Ok(Some(link)) => link,
        Ok(None) => return BankView::NotConnected,
        Err(e) => return BankView::Unavailable(e),
    };
    if link.ended {
        return BankView::Ended;
    }
    let reg = match client::registration(sb, info).await {
        Ok(reg) => reg,
        Err(e) => return BankView::Unavailable(e),
    };
    let mut renewed = false;
    if link.expires_at <= now() {
        match renew(sb, username, bank, &reg, &link).await {
            Ok(fresh) => (link, renewed) = (fresh, true),
            Err(view) => return view,
        }
    }
    match read(sb, bank, regime, &link.access_token).await {
        Ok(accounts) => BankView::Connected { renewed, accounts },
        Err(Read::Unauthorized) if !renewed => match renew(sb, username, bank, &reg, &link).await {
            Ok(fresh) => match read(sb, bank, regime, &fresh.access_token).await {
                Ok(accounts) => BankView::Connected { renewed: true, accounts },
                Err(Read::Unauthorized) => ended(sb, username, bank, fresh),
                Err(Read::Failed(e)) => BankView::Unavailable(e),
            },
            Err(view) => view,
        },
        Err(Read::Unauthorized) => ended(sb, username, bank, link),
        Err(Read::Failed(e)) => BankView::Unavailable(e),
    }
}

/// Marks the link ended (kept, to say so), and says so.
fn ended(sb: &Sandbox, username: &str, bank: &str, mut link: Link) -> BankView {
    link.ended = true;
    if let Err(e) = save(sb, username, bank, &link) {
        tracing::error!(error = %e, "aggregator store");
    }
    BankView::Ended
}

/// Renews `link` with its refresh token, one renewal at a time: a request that finds the
/// lease taken waits for the other's tokens, and one that gets the lease after another renewed
/// uses those. `Err` is what to show instead.
async fn renew(
    sb: &Arc<Sandbox>,
    username: &str,
    bank: &str,
    reg: &Registration,
    link: &Link,
) -> Result<Link, BankView> {
    if link.refresh_token.is_none() {
        return Err(ended(sb, username, bank, link.clone()));
    }
    let mut leased = false;
    for _ in 0..50 {
        let now = now();
        match sb.store.lease_aggregator_link(username, bank, now, now + LEASE) {
            Ok(true) => {
                leased = true;
                break;
            }
            Ok(false) => {}
            Err(e) => return Err(BankView::Unavailable(e.to_string())),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        match load(sb, username, bank) {
            Ok(Some(current)) if current.ended => return Err(BankView::Ended),
            Ok(Some(current)) if current.access_token != link.access_token => return Ok(current),
            Ok(Some(_)) => {}
            Ok(None) => return Err(BankView::NotConnected),
            Err(e) => return Err(BankView::Unavailable(e)),
        }
    }
    if !leased {
        return Err(BankView::Unavailable("another renewal of this connection is taking too long".into()));
    }
    // The link as it is now: another request may have renewed it between this one's last look
    // and its lease. Its refresh token is spent then; spending it again would end the whole
    // authorization.
    let release = |view: BankView| {
        let _ = sb.store.release_aggregator_link(username, bank);
        Err(view)
    };
    let current = match load(sb, username, bank) {
        Ok(Some(current)) if current.ended => return release(BankView::Ended),
        Ok(Some(current)) if current.access_token != link.access_token => {
            let _ = sb.store.release_aggregator_link(username, bank);
            return Ok(current);
        }
        Ok(Some(current)) => current,
        Ok(None) => return release(BankView::NotConnected),
        Err(e) => return release(BankView::Unavailable(e)),
    };
    // Run to its end even if this request goes away (a reload): a refresh token the bank has
    // just rotated is never lost between its answer and the save.
    let (sb, username, bank, reg) = (sb.clone(), username.to_string(), bank.to_string(), reg.clone());
    let work = tokio::spawn(async move { refresh(&sb, &username, &bank, &reg, current).await });
    work.await.unwrap_or_else(|e| Err(BankView::Unavailable(e.to_string())))
}

/// Spends `link`'s refresh token, under the lease, and keeps what comes back.
async fn refresh(sb: &Sandbox, username: &str, bank: &str, reg: &Registration, link: Link) -> Result<Link, BankView> {
    let Some(refresh) = link.refresh_token.clone() else { return Err(ended(sb, username, bank, link)) };
    match client::tokens(sb, reg, Grant::Refresh(&refresh)).await {
        Ok(tokens) => {
            let mut fresh = Link::from_tokens(&tokens);
            // A bank that does not rotate refresh tokens keeps the old one valid; the
            // arrangement stays the one connected.
            fresh.refresh_token = fresh.refresh_token.or(Some(refresh));
            fresh.arrangement_id = fresh.arrangement_id.or_else(|| link.arrangement_id.clone());
            save(sb, username, bank, &fresh).map_err(BankView::Unavailable)?;
            Ok(fresh)
        }
        Err(e) if e.refused => {
            tracing::info!(bank, error = e.message, "the aggregator's refresh was refused");
            Err(ended(sb, username, bank, link))
        }
        Err(e) => {
            let _ = sb.store.release_aggregator_link(username, bank);
            Err(BankView::Unavailable(e.message))
        }
    }
}
