//! Checking a sign-in: the password (throttled by address and username, one bounded hash
//! whether the user exists or not) and the browser it comes from (the `sandbox_browser`
//! cookie and the form's anti-forgery token).

use crate::sandbox::state::{Sandbox, BROWSER_COOKIE};
use crate::sandbox::util::{now, sha256_b64, verify_password};
use axum::http::HeaderMap;
use std::sync::atomic::Ordering;

/// A sign-in not checked at all.
#[derive(Debug, PartialEq)]
pub enum SignInRefusal {
    /// Too many failures: wait this many seconds.
    Throttled(u64),
    /// Too many sign-ins are being checked right now.
    Busy,
}

impl Sandbox {
    /// Checks `password` for `username`, from `client`, as a sign-in must: throttled first by
    /// the client's address (`Err` with the seconds to wait), then one bounded hash whether the
    /// user exists or not.
    pub async fn check_password(
        &self,
        client: std::net::IpAddr,
        username: &str,
        password: &str,
    ) -> Result<bool, SignInRefusal> {
        let now = now();
        self.throttle.check(client, username, now).map_err(SignInRefusal::Throttled)?;
        let Ok(Ok(_permit)) = tokio::time::timeout(std::time::Duration::from_secs(5), self.hashing.acquire()).await
        else {
            return Err(SignInRefusal::Busy);
        };
        let known = self.store.user(username).ok().flatten().map(|(hash, _)| hash);
        let exists = known.is_some();
        let hash = known.unwrap_or_else(|| self.stand_in_hash.clone());
        let password = password.to_string();
        let running = self.stats.hashing_now.fetch_add(1, Ordering::SeqCst) + 1;
        self.stats.hashing_peak.fetch_max(running, Ordering::SeqCst);
        self.stats.password_checks.fetch_add(1, Ordering::SeqCst);
        let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.unwrap_or(false);
        self.stats.hashing_now.fetch_sub(1, Ordering::SeqCst);
        let ok = matches && exists;
        if ok {
            self.throttle.succeeded(client, username);
        } else {
            self.throttle.failed(client, username, now);
        }
        Ok(ok)
    }

    /// The browser id of a request (its `sandbox_browser` cookie), if it has a usable one.
    pub fn browser_id<'a>(&self, headers: &'a HeaderMap) -> Option<&'a str> {
        crate::cookies::read_cookie(headers, BROWSER_COOKIE).filter(|v| (16..=64).contains(&v.len()))
    }

    /// Is this request from the browser sign-in `login_id` was started in?
    pub fn same_browser(&self, login_id: &str, headers: &HeaderMap) -> bool {
        let Some(browser) = self.browser_id(headers) else { return false };
        let Ok(Some(bound)) = self.store.login_browser(login_id) else { return false };
        bool::from(subtle::ConstantTimeEq::ct_eq(sha256_b64(browser).as_bytes(), bound.as_bytes()))
    }

    /// The sign-in form's anti-forgery token for `login_id` in this browser.
    pub fn form_token(&self, login_id: &str, browser: &str) -> String {
        use hmac::Mac;
        let mut mac = match hmac::Hmac::<sha2::Sha256>::new_from_slice(&self.form_key) {
            Ok(m) => m,
            // HMAC takes keys of any length; this arm cannot happen (and an empty token is
            // never accepted).
            Err(_) => return String::new(),
        };
        for part in [login_id, browser] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, mac.finalize().into_bytes())
    }

    /// Does `token` come from this sign-in's form, shown in this browser?
    pub fn form_token_ok(&self, login_id: &str, headers: &HeaderMap, token: &str) -> bool {
        let Some(browser) = self.browser_id(headers) else { return false };
        let expected = self.form_token(login_id, browser);
        !expected.is_empty()
            && self.same_browser(login_id, headers)
            && bool::from(subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), token.as_bytes()))
    }
}
