//! Binds every state-changing POST to the browser that loaded the form: an HttpOnly,
//! SameSite=Lax cookie with a random browser id (`__Host-` and `Secure` over https), a form
//! token that is an HMAC of that id and the flow, and Fetch-Metadata / `Origin` checks.
//!
//! Lax, not Strict: browsers arrive at the consent page from the authorization server, on a
//! site of its own. A Strict cookie is not sent on that arrival, so the page would mint a new
//! id and overwrite the cookie, and every form open in the browser's other tabs (another
//! consent, the portal's sign-out) would then be refused as forged; any site linking to
//! Assent could do the same on purpose. Lax sends it on top-level GETs only, which change
//! nothing; a cross-site POST still carries no cookie, and is refused by Fetch Metadata or
//! `Origin` before that.

use crate::cookies::{cookie_header, read_cookie};
use axum::http::{HeaderMap, HeaderValue};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

pub struct Csrf {
    /// The tokens' HMAC, keyed once (its inner and outer pads computed): each token clones it.
    mac: Hmac<Sha256>,
    secure: bool,
    /// Our own origin, e.g. `https://consent.bank.example`.
    origin: String,
}

/// How long the browser keeps its id after the last form it was shown: as long as a portal
/// or console session may last.
pub const COOKIE_LIFETIME: i64 = super::sessions::ABSOLUTE_TIMEOUT;

/// Why a POST was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum CsrfRejection {
    CrossSite,
    MissingCookie,
    BadToken,
}

impl Csrf {
    /// `session_key` is `ASSENT_SESSION_KEY`; the tokens' MAC uses a key derived from it for
    /// this use only.
    pub fn new(session_key: &[u8], origin: String) -> Self {
        let secure = origin.starts_with("https://");
        // HMAC pads a key shorter than its block with zeros (RFC 2104): the 32-byte key, padded
        // to SHA-256's 64-byte block here, is the same key, and needs no fallible conversion.
        let mut block = [0u8; 64];
        block[..32].copy_from_slice(&super::keys::derive(session_key, super::keys::FORM_TOKENS));
        let mac = <Hmac<Sha256> as hmac::digest::KeyInit>::new(&block.into());
        Self { mac, secure, origin }
    }

    pub fn cookie_name(&self) -> &'static str {
        if self.secure {
            "__Host-assent-csrf"
        } else {
            "assent-csrf"
        }
    }

    /// Whether Assent is served over https (cookies get `__Host-` and `Secure`).
    pub fn is_secure(&self) -> bool {
        self.secure
    }

    fn browser_id(&self, headers: &HeaderMap) -> Option<String> {
        read_cookie(headers, self.cookie_name())
            .filter(|v| v.len() == 43 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
            .map(str::to_string)
    }

    /// The browser id of this request (a new one when it has none), and the `Set-Cookie`
    /// header that keeps it: sent with every form, so the cookie lives [`COOKIE_LIFETIME`]
    /// from the last form shown, and a form that was open a while still posts.
    pub fn ensure_cookie(&self, headers: &HeaderMap) -> (String, Option<HeaderValue>) {
        let id = self.browser_id(headers).unwrap_or_else(|| crate::request::random_b64(32));
        let set = cookie_header(self.cookie_name(), &id, COOKIE_LIFETIME, "Lax", self.secure);
        (id, set)
    }

    /// The form token for one flow in one browser.
    pub fn token(&self, browser_id: &str, purpose: &str, flow: &str) -> String {
        let mut mac = self.mac.clone();
        for part in [purpose, browser_id, flow] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// For forms that change only a preference (the language): the browser must say the
    /// request comes from our own pages, by Fetch Metadata or by `Origin`.
    pub fn is_same_origin(&self, headers: &HeaderMap) -> bool {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        match header("sec-fetch-site") {
            Some(site) => site == "same-origin",
            None => header("origin") == Some(self.origin.as_str()),
        }
    }

    /// The site check of every state-changing request: refused when Fetch Metadata says it
    /// comes from another site, or `Origin` names another origin. `Origin: null` passes only
    /// beside `Sec-Fetch-Site: same-origin`: the consent pages send no Referer
    /// (`Referrer-Policy: no-referrer`), so browsers send their forms' origin as `null`, and
    /// only the browser itself can say the request comes from Assent's own page.
    pub fn check_site(&self, headers: &HeaderMap) -> Result<(), CsrfRejection> {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let site = header("sec-fetch-site");
        if matches!(site, Some("cross-site" | "same-site")) {
            return Err(CsrfRejection::CrossSite);
        }
        match header("origin") {
            Some("null") if site == Some("same-origin") => Ok(()),
            Some(origin) if origin != self.origin => Err(CsrfRejection::CrossSite),
            _ => Ok(()),
        }
    }

    /// The form token of a POST: the browser's cookie is present and `token` was made for it,
    /// for `purpose` and `flow`.
    pub fn verify_token(
        &self,
        headers: &HeaderMap,
        purpose: &str,
        flow: &str,
        token: &str,
    ) -> Result<(), CsrfRejection> {
        let id = self.browser_id(headers).ok_or(CsrfRejection::MissingCookie)?;
        let expected = self.token(&id, purpose, flow);
        if expected.is_empty() || !bool::from(expected.as_bytes().ct_eq(token.as_bytes())) {
            return Err(CsrfRejection::BadToken);
        }
        Ok(())
    }

    /// Both checks of a POST.
    pub fn verify(&self, headers: &HeaderMap, purpose: &str, flow: &str, token: &str) -> Result<(), CsrfRejection> {
        self.check_site(headers)?;
        self.verify_token(headers, purpose, flow, token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn token_is_bound_to_browser_and_flow() {
        let csrf = Csrf::new(&b"k".repeat(32), "http://127.0.0.1:3000".into());
        let (id, set) = csrf.ensure_cookie(&HeaderMap::new());
        let set = set.unwrap();
        assert!(set.to_str().unwrap().contains("HttpOnly; SameSite=Lax"));
        let cookie = format!("assent-csrf={id}");
        let token = csrf.token(&id, "consent", "login-a");
        assert_eq!(csrf.verify(&headers(&[("cookie", &cookie)]), "consent", "login-a", &token), Ok(()));
        assert_eq!(
            csrf.verify(&headers(&[("cookie", &cookie)]), "consent", "login-b", &token),
            Err(CsrfRejection::BadToken)
        );
        assert_eq!(csrf.verify(&HeaderMap::new(), "consent", "login-a", &token), Err(CsrfRejection::MissingCookie));
        let cross = headers(&[("cookie", &cookie), ("sec-fetch-site", "cross-site")]);
        assert_eq!(csrf.verify(&cross, "consent", "login-a", &token), Err(CsrfRejection::CrossSite));
        let own_form =
            headers(&[("cookie", &cookie), ("origin", "http://127.0.0.1:3000"), ("sec-fetch-site", "same-origin")]);
        assert_eq!(csrf.verify(&own_form, "consent", "login-a", &token), Ok(()));
        let opaque = headers(&[("cookie", &cookie), ("origin", "null")]);
        assert_eq!(csrf.verify(&opaque, "consent", "login-a", &token), Err(CsrfRejection::CrossSite));
        // A consent page sends no Referer, so its own form's origin is `null`; the browser's
        // Fetch Metadata says it is ours.
        let no_referrer = headers(&[("cookie", &cookie), ("origin", "null"), ("sec-fetch-site", "same-origin")]);
        assert_eq!(csrf.verify(&no_referrer, "consent", "login-a", &token), Ok(()));
        let sandboxed = headers(&[("cookie", &cookie), ("origin", "null"), ("sec-fetch-site", "cross-site")]);
        assert_eq!(csrf.verify(&sandboxed, "consent", "login-a", &token), Err(CsrfRejection::CrossSite));
        let sibling = headers(&[("cookie", &cookie), ("sec-fetch-site", "same-site")]);
        assert_eq!(csrf.verify(&sibling, "consent", "login-a", &token), Err(CsrfRejection::CrossSite));
        let evil = headers(&[("cookie", &cookie), ("origin", "https://evil.example")]);
        assert_eq!(csrf.verify(&evil, "consent", "login-a", &token), Err(CsrfRejection::CrossSite));
        let other_key = Csrf::new(&b"x".repeat(32), "http://127.0.0.1:3000".into());
        assert_ne!(other_key.token(&id, "consent", "login-a"), token);
        // The MAC key is derived, not the configured secret itself.
        let raw = {
            let mut mac = Hmac::<Sha256>::new_from_slice(&b"k".repeat(32)).unwrap();
            for part in ["consent", id.as_str(), "login-a"] {
                mac.update(&(part.len() as u64).to_be_bytes());
                mac.update(part.as_bytes());
            }
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        };
        assert_ne!(raw, token);
    }

    #[test]
    fn each_form_renews_the_cookie_with_the_same_id() {
        let csrf = Csrf::new(&b"k".repeat(32), "http://127.0.0.1:3000".into());
        let (id, _) = csrf.ensure_cookie(&HeaderMap::new());
        let (again, set) = csrf.ensure_cookie(&headers(&[("cookie", &format!("assent-csrf={id}"))]));
        assert_eq!(again, id);
        let set = set.unwrap();
        let set = set.to_str().unwrap();
        assert!(set.starts_with(&format!("assent-csrf={id};")), "{set}");
        assert!(set.contains(&format!("Max-Age={COOKIE_LIFETIME}")), "{set}");
    }

    #[test]
    fn secure_origin_uses_host_prefixed_secure_cookie() {
        let csrf = Csrf::new(&b"k".repeat(32), "https://consent.example".into());
        let (_, set) = csrf.ensure_cookie(&HeaderMap::new());
        let set = set.unwrap();
        let set = set.to_str().unwrap();
        assert!(set.starts_with("__Host-assent-csrf=") && set.ends_with("; Secure"));
    }
}
