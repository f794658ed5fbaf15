//! Secret tokens handed to people: session cookies and set-password links.
//!
//! A token is 256 random bits in unpadded base64url (43 characters). Only its SHA-256 digest
//! is stored, so a copy of the database cannot be replayed; text that does not have a token's
//! shape is rejected before it reaches the database. [`Token`] is redacted in `Debug` and zeroed
//! when dropped, so it cannot end up in a log by accident.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

/// A secret token to give to a person once.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(Zeroizing<String>);

impl Token {
    /// A new random token.
    #[must_use]
    pub fn generate() -> Self {
        Self(Zeroizing::new(B64.encode(crate::documents::random_bytes::<32>())))
    }

    /// The text to put in a cookie or link.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Its stored digest.
    #[must_use]
    pub fn digest(&self) -> [u8; 32] {
        Sha256::digest(self.0.as_bytes()).into()
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Length of an encoded token.
const TOKEN_CHARS: usize = 43;

/// The digest of presented text, or `None` if it cannot be a token Shortlist issued.
#[must_use]
pub fn digest_of(presented: &str) -> Option<[u8; 32]> {
    let valid = presented.len() == TOKEN_CHARS
        && presented.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    valid.then(|| Sha256::digest(presented.as_bytes()).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_token_shaped_text_is_looked_up() {
        let t = Token::generate();
        assert_eq!(digest_of(t.expose()), Some(t.digest()));
        assert!(digest_of(&"a".repeat(42)).is_none());
        assert!(digest_of(&format!("{}=", "a".repeat(42))).is_none());
        assert!(digest_of("' OR 1=1 --                                ").is_none());
        assert!(digest_of("").is_none());
    }

    #[test]
    fn tokens_are_random_and_redacted_in_debug() {
        let (a, b) = (Token::generate(), Token::generate());
        assert_ne!(a, b);
        assert_eq!(format!("{a:?}"), "Token(<redacted>)");
        assert!(!format!("{a:?}").contains(a.expose()));
    }
}
