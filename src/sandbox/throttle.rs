//! Sign-in throttling, by client address: wrong passwords from one address slow that address
//! down, for the account it aims at and overall, before any password is hashed. Nobody else
//! is touched: no client can lock an account, or everyone, out.
//!
//! - One address, one account: after [`PER_ACCOUNT`] failures within 15 minutes, each further
//!   attempt from that address at that account waits 30 s, then twice as long after every new
//!   failure, up to 15 minutes. A right password clears the count.
//! - One address, any accounts: after [`PER_ADDRESS_PER_MINUTE`] failures within a minute of
//!   its first, that address waits until that minute is over.
//!
//! An IPv6 address counts by its /64. Waits are answered with 429 and `Retry-After`. State is
//! in memory and bounded: past [`MAX_TRACKED`] addresses failing at once, the newest share one
//! count (a spray from that many addresses is held back together).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Mutex;

pub const PER_ACCOUNT: u32 = 5;
pub const PER_ADDRESS_PER_MINUTE: u32 = 100;
const WINDOW: i64 = 15 * 60;
const MAX_TRACKED: usize = 10_000;
/// Where the failures of addresses beyond [`MAX_TRACKED`] are counted.
const OVERFLOW: IpAddr = IpAddr::V4(Ipv4Addr::UNSPECIFIED);

#[derive(Default)]
struct Failures {
    count: u32,
    last: i64,
    until: i64,
}

/// Failures of one address in the minute from `start`.
#[derive(Default)]
struct PerMinute {
    start: i64,
    count: u32,
}

#[derive(Default)]
struct State {
    /// By address and account.
    accounts: HashMap<(IpAddr, String), Failures>,
    /// By address, this minute.
    addresses: HashMap<IpAddr, PerMinute>,
}

pub struct Throttle {
    state: Mutex<State>,
    per_account: u32,
    per_address_per_minute: u32,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle::new(PER_ACCOUNT, PER_ADDRESS_PER_MINUTE)
    }
}

fn account(user: &str) -> String {
    user.trim().chars().take(256).flat_map(char::to_lowercase).collect()
}

impl Throttle {
    pub fn new(per_account: u32, per_address_per_minute: u32) -> Self {
        Throttle { state: Mutex::new(State::default()), per_account, per_address_per_minute }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// `Err(seconds)` when a sign-in from `client` as `user` must wait that long first.
    pub fn check(&self, client: IpAddr, user: &str, now: i64) -> Result<(), u64> {
        let client = crate::listen::address_key(client);
        let state = self.state();
        let address = state
            .addresses
            .get(&client)
            .or_else(|| state.addresses.get(&OVERFLOW).filter(|_| state.addresses.len() >= MAX_TRACKED));
        if let Some(a) = address.filter(|a| now - a.start < 60 && a.count >= self.per_address_per_minute) {
            return Err((a.start + 60 - now) as u64);
        }
        match state.accounts.get(&(client, account(user))) {
            Some(f) if f.until > now => Err((f.until - now) as u64),
            _ => Ok(()),
        }
    }

    /// A wrong password from `client` for `user`.
    pub fn failed(&self, client: IpAddr, user: &str, now: i64) {
        let client = crate::listen::address_key(client);
        let mut state = self.state();
        if state.addresses.len() >= MAX_TRACKED && !state.addresses.contains_key(&client) {
            state.addresses.retain(|_, a| now - a.start < 60);
        }
        let counted = if state.addresses.len() >= MAX_TRACKED && !state.addresses.contains_key(&client) {
            OVERFLOW
        } else {
            client
        };
        let per_minute = state.addresses.entry(counted).or_default();
        if now - per_minute.start >= 60 {
            *per_minute = PerMinute { start: now, count: 0 };
        }
        per_minute.count += 1;
        let key = (client, account(user));
        if state.accounts.len() >= MAX_TRACKED && !state.accounts.contains_key(&key) {
            state.accounts.retain(|_, f| f.last > now - WINDOW || f.until > now);
            if state.accounts.len() >= MAX_TRACKED {
                // A spray of names: the per-address count still holds it back.
                return;
            }
        }
        let per_account = self.per_account;
        let f = state.accounts.entry(key).or_default();
        if f.last <= now - WINDOW {
            f.count = 0;
        }
        f.count += 1;
        f.last = now;
        if f.count >= per_account {
            let doublings = (f.count - per_account).min(5);
            f.until = now + (30i64 << doublings).min(WINDOW);
        }
    }

    /// The right password from `client` for `user`: that address's failures at it are forgotten.
    pub fn succeeded(&self, client: IpAddr, user: &str) {
        let client = crate::listen::address_key(client);
        self.state().accounts.remove(&(client, account(user)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn failures_slow_down_one_address_at_one_account_then_that_address_only() {
        let t = Throttle::new(3, 10);
        let (attacker, owner) = (ip("198.51.100.7"), ip("203.0.113.9"));
        let now = 1_000_000;
        for _ in 0..2 {
            t.failed(attacker, "Alice", now);
            assert_eq!(t.check(attacker, "alice", now), Ok(()), "below the per-account bar");
        }
        t.failed(attacker, " alice ", now);
        assert_eq!(t.check(attacker, "ALICE", now), Err(30), "the third failure: 30 s");
        assert_eq!(t.check(owner, "alice", now), Ok(()), "the owner, elsewhere, is not locked out");
        assert_eq!(t.check(attacker, "bob", now), Ok(()), "other accounts go on");
        t.failed(attacker, "alice", now + 30);
        assert_eq!(t.check(attacker, "alice", now + 30), Err(60), "doubled");
        assert_eq!(t.check(attacker, "alice", now + 90), Ok(()), "over once waited out");
        t.succeeded(attacker, "alice");
        t.failed(attacker, "alice", now + 91);
        assert_eq!(t.check(attacker, "alice", now + 91), Ok(()), "a right password starts the count again");
        // Ten failures within a minute from one address: that address waits until the minute
        // from its first is over, nobody else does.
        let minute = 2_000_080;
        for n in 0..10 {
            t.failed(attacker, &format!("user{n}"), minute + n);
        }
        assert_eq!(t.check(attacker, "carol", minute + 10), Err(50));
        assert_eq!(t.check(owner, "carol", minute + 10), Ok(()));
        assert_eq!(t.check(attacker, "carol", minute + 60), Ok(()));
        // An IPv6 client counts by its /64.
        for _ in 0..3 {
            t.failed(ip("2001:db8:1:2::10"), "dave", minute);
        }
        assert!(t.check(ip("2001:db8:1:2:ffff::1"), "dave", minute).is_err());
        assert!(t.check(ip("2001:db8:1:3::10"), "dave", minute).is_ok());
    }

    #[test]
    fn old_failures_are_forgotten_and_tracking_is_bounded() {
        let t = Throttle::new(2, 1_000_000);
        let a = ip("192.0.2.1");
        t.failed(a, "dave", 0);
        t.failed(a, "dave", WINDOW + 1);
        assert_eq!(t.check(a, "dave", WINDOW + 1), Ok(()), "the first failure was more than 15 minutes before");
        for n in 0..(MAX_TRACKED as u32 + 10) {
            t.failed(IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + n)), "spray", 10 * WINDOW);
        }
        for n in 0..(MAX_TRACKED + 10) {
            t.failed(a, &format!("later{n}"), 20 * WINDOW);
        }
        let state = t.state();
        assert!(state.accounts.len() <= MAX_TRACKED && state.addresses.len() <= MAX_TRACKED + 1);
    }
}
