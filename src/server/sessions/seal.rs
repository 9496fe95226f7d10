//! What the portal keeps of a user: sealed (XChaCha20-Poly1305, a random nonce each time) with
//! a key derived from `ASSENT_SESSION_KEY` for one use, and bound to where it belongs (the
//! associated data). A dump of the session store without the key is worth nothing; a sealed
//! value moved to another record, or altered, does not open.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

/// Sealing failed (only for inputs far larger than anything sealed here).
#[derive(Debug, thiserror::Error)]
#[error("cannot seal a value")]
pub struct SealError;

pub struct Seal {
    cipher: XChaCha20Poly1305,
}

impl Seal {
    /// A seal whose key is derived from `session_key` for the use `label` (`crate::server::keys`).
    pub fn new(session_key: &[u8], label: &str) -> Self {
        let key = crate::server::keys::derive(session_key, label);
        Self { cipher: XChaCha20Poly1305::new(&key.into()) }
    }

    /// `plain`, sealed for `bound_to`: base64url of nonce ‖ ciphertext.
    pub fn seal(&self, plain: &str, bound_to: &str) -> Result<String, SealError> {
        let mut nonce = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain.as_bytes(), aad: bound_to.as_bytes() })
            .map_err(|_| SealError)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(URL_SAFE_NO_PAD.encode(out))
    }

    /// The plain text, or `None` when `sealed` was made with another key, for another place,
    /// or altered.
    pub fn open(&self, sealed: &str, bound_to: &str) -> Option<String> {
        let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        if bytes.len() < 24 {
            return None;
        }
        let (nonce, body) = bytes.split_at(24);
        let plain =
            self.cipher.decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad: bound_to.as_bytes() }).ok()?;
        String::from_utf8(plain).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_use_and_place() {
        let seal = Seal::new(&[7u8; 32], "use a");
        let sealed = seal.seal("eyJ.access.token", "session-a").unwrap();
        assert!(!sealed.contains("access"), "not readable at rest");
        assert_eq!(seal.open(&sealed, "session-a").as_deref(), Some("eyJ.access.token"));
        assert_ne!(seal.seal("eyJ.access.token", "session-a").unwrap(), sealed, "a fresh nonce every time");
        assert_eq!(seal.open(&sealed, "session-b"), None, "moved to another place");
        assert_eq!(Seal::new(&[8u8; 32], "use a").open(&sealed, "session-a"), None, "another key");
        assert_eq!(Seal::new(&[7u8; 32], "use b").open(&sealed, "session-a"), None, "another use");
        let mut altered = sealed.into_bytes();
        let last = altered.len() - 2;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(seal.open(&String::from_utf8(altered).unwrap(), "session-a"), None);
        assert_eq!(seal.open("not base64 !", "session-a"), None);
    }
}
