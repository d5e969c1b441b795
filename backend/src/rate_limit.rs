//! Per-client rate limits on what anyone may call without an account: sign-ups, and
//! predictions by callers who are not signed in. Past its quota a client gets 429 with
//! `Retry-After`; other clients and signed-in users are not affected. In-process token
//! buckets (governor), keyed by the client's address; idle keys are forgotten every minute,
//! so memory stays bounded.

use crate::error::ApiError;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

const TWO: NonZeroU32 = NonZeroU32::new(2).unwrap();

/// How often idle clients are forgotten.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// The limits of one backend process. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct RateLimits {
    signup: Option<Arc<DefaultKeyedRateLimiter<String>>>,
    anonymous_inference: Option<Arc<DefaultKeyedRateLimiter<String>>>,
}

impl RateLimits {
    /// At most `signups_per_hour` sign-ups per client per hour (all of them at once, then
    /// one every hour / n), and `inferences_per_second` predictions per second for a client
    /// that is not signed in (with bursts of twice that). 0 turns a limit off.
    pub fn new(signups_per_hour: u32, inferences_per_second: u32) -> Self {
        let limiter = |quota: Quota| Arc::new(RateLimiter::keyed(quota));
        Self {
            signup: NonZeroU32::new(signups_per_hour).map(|n| limiter(Quota::per_hour(n))),
            anonymous_inference: NonZeroU32::new(inferences_per_second)
                .map(|n| limiter(Quota::per_second(n).allow_burst(n.saturating_mul(TWO)))),
        }
    }

    /// `Err(429)` when `client` has used up its sign-ups.
    pub fn check_signup(&self, client: &str) -> Result<(), ApiError> {
        check(self.signup.as_deref(), client)
    }

    /// `Err(429)` when `client`, not signed in, has used up its predictions.
    pub fn check_anonymous_inference(&self, client: &str) -> Result<(), ApiError> {
        check(self.anonymous_inference.as_deref(), client)
    }

    /// Forgets, every minute, the clients whose buckets are full again.
    pub fn spawn_sweeper(&self) {
        let limiters: Vec<_> = [&self.signup, &self.anonymous_inference]
            .into_iter()
            .flatten()
            .map(Arc::downgrade)
            .collect();
        if limiters.is_empty() {
            return;
        }
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(SWEEP_EVERY);
            loop {
                tick.tick().await;
                let mut alive = false;
                for limiter in limiters.iter().filter_map(std::sync::Weak::upgrade) {
                    limiter.retain_recent();
                    limiter.shrink_to_fit();
                    alive = true;
                }
                if !alive {
                    return;
                }
            }
        });
    }
}

fn check(limiter: Option<&DefaultKeyedRateLimiter<String>>, client: &str) -> Result<(), ApiError> {
    let Some(limiter) = limiter else {
        return Ok(());
    };
    limiter.check_key(&client.to_owned()).map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        ApiError::TooManyRequests(wait.as_secs().max(1))
    })
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn a_client_past_its_signups_is_refused_with_a_wait_and_others_are_not() {
        let limits = RateLimits::new(3, 0);
        for _ in 0..3 {
            limits.check_signup("192.0.2.1").unwrap();
        }
        match limits.check_signup("192.0.2.1") {
            Err(ApiError::TooManyRequests(wait)) => assert!((1..=1200).contains(&wait), "{wait}"),
            other => panic!("expected 429, got {other:?}"),
        }
        limits.check_signup("192.0.2.2").unwrap();
    }

    #[test]
    fn anonymous_predictions_allow_a_burst_of_twice_the_rate_then_refuse() {
        let limits = RateLimits::new(0, 5);
        let allowed = (0..100)
            .filter(|_| limits.check_anonymous_inference("192.0.2.1").is_ok())
            .count();
        // The burst, plus whatever the bucket refilled while the loop ran.
        assert!((10..=11).contains(&allowed), "{allowed}");
    }

    #[test]
    fn a_limit_of_zero_is_no_limit() {
        let limits = RateLimits::new(0, 0);
        for _ in 0..1000 {
            limits.check_signup("192.0.2.1").unwrap();
            limits.check_anonymous_inference("192.0.2.1").unwrap();
        }
    }
}
