//! Passwords: the policy, and bcrypt (cost 12) run on the blocking pool so a burst of
//! logins never stalls the async runtime.

use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};
use std::sync::OnceLock;

/// bcrypt work factor.
pub const BCRYPT_COST: u32 = 12;

/// A password that meets [`lifeboat_api_types::check_new_password`]: 8 or more characters,
/// at most 72 bytes in UTF-8.
#[derive(Debug)]
pub struct Password(SecretString);

impl Password {
    /// Applies the policy to a new password, or says what is wrong with it.
    pub fn parse(raw: String) -> Result<Self, &'static str> {
        lifeboat_api_types::check_new_password(&raw)?;
        Ok(Self(SecretString::from(raw)))
    }
}

/// Hashes a password with bcrypt at cost 12, off the async runtime.
pub async fn hash_password(password: Password) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || bcrypt::hash(password.0.expose_secret(), BCRYPT_COST))
        .await
        .context("the hashing task failed")?
        .context("cannot hash the password")
}

/// Checks `password` against `hash`, off the async runtime. With no hash (unknown e-mail)
/// it still runs one bcrypt verification, against a throwaway hash, so the answer takes as
/// long either way and does not tell which e-mails exist.
pub async fn verify_password(password: SecretString, hash: Option<String>) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| dummy_hash().to_owned());
        let matches = bcrypt::verify(password.expose_secret(), &hash).unwrap_or(false);
        known && matches
    })
    .await
    .context("the verification task failed")
}

/// A cost-12 hash of a random string, made once.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        let noise: [u8; 16] = rand::random();
        bcrypt::hash(hex::encode(noise), BCRYPT_COST).unwrap_or_default()
    })
}

/// Computes the throwaway hash now, so the first unknown-e-mail login is not the slow one.
pub fn warm_up() {
    let _ = dummy_hash();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_characters_of_any_script_are_enough() {
        assert!(Password::parse("héllo wö".into()).is_ok());
        assert!(Password::parse("密码密码密码密码".into()).is_ok());
        assert_eq!(
            Password::parse("short".into()).unwrap_err(),
            "must be at least 8 characters"
        );
    }

    #[test]
    fn a_password_over_72_bytes_is_refused_not_truncated() {
        assert!(Password::parse("a".repeat(72)).is_ok());
        assert!(Password::parse("a".repeat(73)).is_err());
        // 25 three-byte characters: 25 characters but 75 bytes.
        assert!(Password::parse("密".repeat(25)).is_err());
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hash = hash_password(Password::parse("correct horse".into()).unwrap())
            .await
            .unwrap();
        assert!(hash.starts_with("$2b$12$"), "{hash}");
        assert!(
            verify_password("correct horse".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify_password("wrong horse".into(), Some(hash))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        assert!(!verify_password("anything".into(), None).await.unwrap());
    }
}
