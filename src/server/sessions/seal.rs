//! Users' tokens at rest: sealed (XChaCha20-Poly1305, a random nonce each time) with a key
//! derived from `ASSENT_SESSION_KEY`, and bound to the record they belong to. A dump of the
//! session store without the key is worth nothing; a sealed token moved to another record
//! does not open.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

/// Sealing failed (only for inputs far larger than any token).
#[derive(Debug, thiserror::Error)]
#[error("cannot seal a token")]
pub struct SealError;

pub struct Seal {
    cipher: XChaCha20Poly1305,
}

impl Seal {
    /// The sealing key is derived (HKDF-SHA256) from the session key, for this use only.
    pub fn new(session_key: &[u8]) -> Result<Self, SealError> {
        let mut key = [0u8; 32];
        hkdf::Hkdf::<sha2::Sha256>::new(Some(b"assent"), session_key)
            .expand(b"portal session tokens v1", &mut key)
            .map_err(|_| SealError)?;
        Ok(Self { cipher: XChaCha20Poly1305::new(&key.into()) })
    }

    /// `plain`, sealed for the record `bound_to`: base64url of nonce ‖ ciphertext.
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

    /// The plain text, or `None` when `sealed` was made with another key, for another record,
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
    fn sealed_tokens_open_only_with_their_key_and_record() {
        let seal = Seal::new(&[7u8; 32]).unwrap();
        let sealed = seal.seal("eyJ.access.token", "session-a").unwrap();
        assert!(!sealed.contains("access"), "the token is not readable at rest");
        assert_eq!(seal.open(&sealed, "session-a").as_deref(), Some("eyJ.access.token"));
        assert_ne!(seal.seal("eyJ.access.token", "session-a").unwrap(), sealed, "a fresh nonce every time");
        assert_eq!(seal.open(&sealed, "session-b"), None, "moved to another record");
        assert_eq!(Seal::new(&[8u8; 32]).unwrap().open(&sealed, "session-a"), None, "another key");
        let mut altered = sealed.into_bytes();
        let last = altered.len() - 2;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(seal.open(&String::from_utf8(altered).unwrap(), "session-a"), None);
        assert_eq!(seal.open("not base64 !", "session-a"), None);
    }
}
