//! One key for each use, derived from `ASSENT_SESSION_KEY` (HKDF-SHA256, a label each): the
//! MAC of the form tokens, the sealing of portal sessions, the sealing of sign-ins in
//! progress, the sealing of consent decisions' answers, the MAC of logo links. No key serves two purposes, and none is the configured secret itself.

/// The anti-forgery tokens' HMAC key.
pub const FORM_TOKENS: &str = "assent form tokens v1";
/// The AEAD key of the portal's session records.
pub const SESSION_RECORDS: &str = "assent portal session records v2";
/// The AEAD key of the sign-in cookie (state, PKCE verifier, nonce, expiry).
pub const SIGN_IN: &str = "assent portal sign-in v1";
/// The AEAD key of a consent decision's answer (where the browser goes next), kept a moment.
pub const DECISIONS: &str = "assent consent decisions v1";
/// The HMAC key of the links to applications' logos on Assent's origin (`/logo`).
pub const LOGOS: &str = "assent logo links v1";

/// The 32-byte key for `label`.
pub fn derive(session_key: &[u8], label: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    // 32 bytes is far below HKDF-SHA256's limit of 8,160: expansion cannot fail.
    let _ = hkdf::Hkdf::<sha2::Sha256>::new(Some(b"assent"), session_key).expand(label.as_bytes(), &mut key);
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_use_has_its_own_key_and_none_is_the_secret() {
        let secret = b"a session key of thirty-two chars";
        let keys = [derive(secret, FORM_TOKENS), derive(secret, SESSION_RECORDS), derive(secret, SIGN_IN)];
        assert_ne!(keys[0], keys[1]);
        assert_ne!(keys[1], keys[2]);
        assert_ne!(keys[0], keys[2]);
        assert!(keys.iter().all(|k| k[..] != secret[..32]));
        assert_eq!(derive(secret, FORM_TOKENS), keys[0], "the same secret makes the same key on every replica");
    }
}
