//! Secret tokens handed to a person once: refresh tokens and the tokens of one-time links
//! (`crate::account_links`). 256 random bits from the operating system, base64url; only
//! their SHA-256 is stored. A refresh token is used once: a refresh answers a new access
//! token and a new refresh token, and a used one presented again ends the whole session.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::time::Duration;

/// How long a session may be kept alive by refreshing; then the person logs in again.
pub const SESSION_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

/// A new token and the hash to store.
pub fn new_token() -> (String, [u8; 32]) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

/// The stored form of `token`.
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn each_token_is_new_and_only_its_hash_is_kept() {
        let (a, hash_a) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(hash_a, token_hash(&a));
        assert_ne!(hash_a.to_vec(), a.as_bytes().to_vec());
    }
}
