//! Sign-in throttling: wrong passwords slow down the account they aim at, and too many across
//! all accounts slow down everyone, before any password is hashed.
//!
//! - One account: after [`PER_USER`] failures within 15 minutes, each further attempt waits
//!   30 s, then twice as long after every new failure, up to 15 minutes. A right password
//!   clears the count. A wait, not a lock: the owner is slowed too, never locked out for good.
//! - Everyone: after [`OVERALL_PER_MINUTE`] failures in one minute, every sign-in waits for the
//!   next minute.
//!
//! Waits are answered with 429 and `Retry-After`. State is in memory, bounded in size.

use std::collections::HashMap;
use std::sync::Mutex;

pub const PER_USER: u32 = 5;
pub const OVERALL_PER_MINUTE: u32 = 100;
const WINDOW: i64 = 15 * 60;
const MAX_TRACKED: usize = 10_000;

#[derive(Default)]
struct Failures {
    count: u32,
    last: i64,
    until: i64,
}

#[derive(Default)]
struct State {
    users: HashMap<String, Failures>,
    minute: i64,
    overall: u32,
}

pub struct Throttle {
    state: Mutex<State>,
    per_user: u32,
    overall_per_minute: u32,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle::new(PER_USER, OVERALL_PER_MINUTE)
    }
}

fn key(user: &str) -> String {
    user.trim().chars().take(256).flat_map(char::to_lowercase).collect()
}

impl Throttle {
    pub fn new(per_user: u32, overall_per_minute: u32) -> Self {
        Throttle { state: Mutex::new(State::default()), per_user, overall_per_minute }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// `Err(seconds)` when a sign-in as `user` must wait that long first.
    pub fn check(&self, user: &str, now: i64) -> Result<(), u64> {
        let state = self.state();
        if state.minute == now / 60 && state.overall >= self.overall_per_minute {
            return Err((60 - now % 60) as u64);
        }
        match state.users.get(&key(user)) {
            Some(f) if f.until > now => Err((f.until - now) as u64),
            _ => Ok(()),
        }
    }

    /// A wrong password for `user`.
    pub fn failed(&self, user: &str, now: i64) {
        let mut state = self.state();
        if state.minute != now / 60 {
            state.minute = now / 60;
            state.overall = 0;
        }
        state.overall += 1;
        let k = key(user);
        if state.users.len() >= MAX_TRACKED && !state.users.contains_key(&k) {
            state.users.retain(|_, f| f.last > now - WINDOW || f.until > now);
            if state.users.len() >= MAX_TRACKED {
                // A spray of names: the overall count still holds it back.
                return;
            }
        }
        let per_user = self.per_user;
        let f = state.users.entry(k).or_default();
        if f.last <= now - WINDOW {
            f.count = 0;
        }
        f.count += 1;
        f.last = now;
        if f.count >= per_user {
            let doublings = (f.count - per_user).min(5);
            f.until = now + (30i64 << doublings).min(WINDOW);
        }
    }

    /// The right password for `user`: its failures are forgotten.
    pub fn succeeded(&self, user: &str) {
        self.state().users.remove(&key(user));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_slow_down_one_account_then_everyone() {
        let t = Throttle::new(3, 10);
        let now = 1_000_000;
        for _ in 0..2 {
            t.failed("Alice", now);
            assert_eq!(t.check("alice", now), Ok(()), "below the per-account bar");
        }
        t.failed(" alice ", now);
        assert_eq!(t.check("ALICE", now), Err(30), "the third failure: 30 s");
        assert_eq!(t.check("bob", now), Ok(()), "other accounts go on");
        t.failed("alice", now + 30);
        assert_eq!(t.check("alice", now + 30), Err(60), "doubled");
        assert_eq!(t.check("alice", now + 90), Ok(()), "over once waited out");
        t.succeeded("alice");
        t.failed("alice", now + 91);
        assert_eq!(t.check("alice", now + 91), Ok(()), "a right password starts the count again");
        // Ten failures in one minute across accounts: everyone waits for the next minute.
        let minute = 2_000_080; // 40 s into a minute
        for n in 0..10 {
            t.failed(&format!("user{n}"), minute);
        }
        assert_eq!(t.check("carol", minute), Err(20));
        assert_eq!(t.check("carol", minute + 20), Ok(()));
    }

    #[test]
    fn old_failures_are_forgotten_and_tracking_is_bounded() {
        let t = Throttle::new(2, 1_000_000);
        t.failed("dave", 0);
        t.failed("dave", WINDOW + 1);
        assert_eq!(t.check("dave", WINDOW + 1), Ok(()), "the first failure was more than 15 minutes before");
        for n in 0..(MAX_TRACKED + 10) {
            t.failed(&format!("spray{n}"), 10 * WINDOW);
        }
        for n in 0..(MAX_TRACKED + 10) {
            t.failed(&format!("later{n}"), 20 * WINDOW);
        }
        assert!(t.state().users.len() <= MAX_TRACKED);
    }
}
