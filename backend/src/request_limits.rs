//! Rate limits every replica agrees on, for the account-link requests (forgot, reset,
//! verify, resend): fixed one-hour windows counted in Postgres (`db::request_counts`).
//! Requests are keyed by the address typed (normalised) and by the client's address, never
//! by an account, so the answer is the same whether or not an address has one. Keys are
//! stored only as SHA-256 hashes. Past a limit the answer is 429 with `Retry-After`.

use crate::auth::address_key;
use crate::db::request_counts;
use crate::error::ApiError;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::time::Duration;

/// The window every count runs over.
pub const WINDOW: Duration = Duration::from_secs(3600);

/// What is counted, as stored in `request_count.action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `POST /api/auth/forgot`
    Forgot,
    /// `POST /api/auth/reset`
    Reset,
    /// `POST /api/auth/verify`
    Verify,
    /// `POST /api/me/verification`
    Resend,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Self::Forgot => "forgot",
            Self::Reset => "reset",
            Self::Verify => "verify",
            Self::Resend => "resend",
        }
    }
}

/// The limits of the account-link requests, per window. 0 turns a limit off.
#[derive(Debug, Clone, Copy)]
pub struct AccountLinkLimits {
    /// Requests naming one address (`ACCOUNT_LINK_RATE_PER_ADDRESS`).
    pub per_address: u32,
    /// Requests from one client address (`ACCOUNT_LINK_RATE_PER_CLIENT`).
    pub per_client: u32,
}

impl AccountLinkLimits {
    /// Counts this request against `address` (when the request names one) and `client`;
    /// `Err(429)` when either is past its limit.
    pub async fn check(
        &self,
        db: &PgPool,
        action: Action,
        address: Option<&str>,
        client: &str,
    ) -> Result<(), ApiError> {
        let mut keys = Vec::with_capacity(2);
        if self.per_address > 0
            && let Some(address) = address
        {
            keys.push((hash("address", &address_key(address)), self.per_address));
        }
        if self.per_client > 0 {
            keys.push((hash("client", client), self.per_client));
        }
        if keys.is_empty() {
            return Ok(());
        }
        let hashes: Vec<Vec<u8>> = keys.iter().map(|(key, _)| key.clone()).collect();
        let mut conn = db.acquire().await?;
        let counts = request_counts::count(&mut conn, action.as_str(), &hashes, WINDOW).await?;
        let wait = keys
            .iter()
            .zip(counts)
            .filter(|((_, limit), (requests, _))| i64::from(*requests) > i64::from(*limit))
            .map(|(_, (_, seconds_left))| seconds_left)
            .fold(None, |longest: Option<f64>, s| {
                Some(longest.map_or(s, |l| l.max(s)))
            });
        match wait {
            Some(seconds) => {
                metrics::counter!("account_link_requests_limited_total", "action" => action.as_str())
                    .increment(1);
                Err(ApiError::TooManyRequests((seconds.ceil() as u64).max(1)))
            }
            None => Ok(()),
        }
    }
}

fn hash(kind: &str, key: &str) -> Vec<u8> {
    Sha256::new()
        .chain_update(kind)
        .chain_update([0])
        .chain_update(key)
        .finalize()
        .to_vec()
}
