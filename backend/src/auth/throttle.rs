//! Login throttling: after repeated failures for one account or from one client address,
//! further attempts are refused (429 with `Retry-After`) until the window has passed.
//! In-process and bounded in memory; a successful login clears its account's failures.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed per account within the window.
pub const ACCOUNT_LIMIT: u32 = 5;
/// Failures allowed per client address within the window (several people may share one).
pub const CLIENT_LIMIT: u32 = 20;
/// How long failures are remembered.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Most keys remembered; past it, expired entries are dropped, then the oldest.
const MAX_KEYS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    first: Instant,
}

/// Failure counts by account and by client.
#[derive(Debug)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, Failures>>,
    window: Duration,
    max_keys: usize,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self::with_limits(WINDOW, MAX_KEYS)
    }
}

impl LoginThrottle {
    /// A throttle that remembers failures for `window` and at most `max_keys` keys.
    pub fn with_limits(window: Duration, max_keys: usize) -> Self {
        Self {
            failures: Mutex::new(HashMap::new()),
            window,
            max_keys,
        }
    }

    /// How many accounts and clients are being tracked.
    pub fn tracked(&self) -> usize {
        self.lock().len()
    }

    /// `Err(seconds)` when the account or the client is locked out, with how long to wait.
    pub fn check(&self, account: &str, client: &str) -> Result<(), u64> {
        let now = Instant::now();
        let map = self.lock();
        let wait = [
            (account_key(account), ACCOUNT_LIMIT),
            (client_key(client), CLIENT_LIMIT),
        ]
        .into_iter()
        .filter_map(|(key, limit)| {
            let f = map.get(&key)?;
            let age = now.duration_since(f.first);
            (f.count >= limit && age < self.window).then(|| (self.window - age).as_secs().max(1))
        })
        .max();
        match wait {
            Some(seconds) => Err(seconds),
            None => Ok(()),
        }
    }

    /// Counts a failed attempt against both the account and the client.
    pub fn record_failure(&self, account: &str, client: &str) {
        let now = Instant::now();
        let mut map = self.lock();
        // Each failure may add two keys; make room for both, dropping expired entries
        // first and then the oldest ones.
        if map.len() + 2 > self.max_keys {
            map.retain(|_, f| now.duration_since(f.first) < self.window);
        }
        while map.len() + 2 > self.max_keys {
            let Some(oldest) = map
                .iter()
                .min_by_key(|(_, f)| f.first)
                .map(|(k, _)| k.clone())
            else {
                break; // Nothing left to drop: a limit below two keys.
            };
            map.remove(&oldest);
        }
        for key in [account_key(account), client_key(client)] {
            let entry = map.entry(key).or_insert(Failures {
                count: 0,
                first: now,
            });
            if now.duration_since(entry.first) >= self.window {
                *entry = Failures {
                    count: 0,
                    first: now,
                };
            }
            entry.count += 1;
        }
    }

    /// Forgets the account's failures after a successful login.
    pub fn record_success(&self, account: &str) {
        self.lock().remove(&account_key(account));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Failures>> {
        self.failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn account_key(account: &str) -> String {
    format!("account:{}", account.trim().to_lowercase())
}

fn client_key(client: &str) -> String {
    format!("client:{client}")
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_locked_after_five_failures_whatever_the_case() {
        let t = LoginThrottle::default();
        for i in 0..ACCOUNT_LIMIT {
            assert!(t.check("Ada@example.com", &format!("10.0.0.{i}")).is_ok());
            t.record_failure("ada@EXAMPLE.com", &format!("10.0.0.{i}"));
        }
        let wait = t.check("ada@example.com", "10.9.9.9").unwrap_err();
        assert!(wait > 0 && wait <= WINDOW.as_secs(), "{wait}");
    }

    #[test]
    fn a_client_is_locked_after_twenty_failures_across_accounts() {
        let t = LoginThrottle::default();
        for i in 0..CLIENT_LIMIT {
            t.record_failure(&format!("user{i}@example.com"), "192.0.2.1");
        }
        assert!(t.check("someone@example.com", "192.0.2.1").is_err());
        assert!(t.check("someone@example.com", "192.0.2.2").is_ok());
    }

    #[test]
    fn failures_older_than_the_window_are_forgotten() {
        let t = LoginThrottle::with_limits(Duration::from_millis(30), MAX_KEYS);
        for _ in 0..ACCOUNT_LIMIT {
            t.record_failure("b@example.com", "192.0.2.1");
        }
        assert!(t.check("b@example.com", "192.0.2.9").is_err());
        std::thread::sleep(Duration::from_millis(40));
        assert!(t.check("b@example.com", "192.0.2.9").is_ok());
        // A new failure starts a new count rather than adding to the old one.
        t.record_failure("b@example.com", "192.0.2.1");
        assert!(t.check("b@example.com", "192.0.2.9").is_ok());
    }

    #[test]
    fn memory_stays_bounded_under_a_flood_of_new_keys() {
        let t = LoginThrottle::with_limits(WINDOW, 10);
        for i in 0..100 {
            t.record_failure(&format!("user{i}@example.com"), &format!("198.51.100.{i}"));
        }
        assert!(t.tracked() <= 10, "{} keys tracked", t.tracked());
    }

    #[test]
    fn a_limit_below_two_keys_keeps_only_the_latest_failures_keys() {
        let t = LoginThrottle::with_limits(WINDOW, 1);
        for i in 0..3 {
            t.record_failure(&format!("c{i}@example.com"), "192.0.2.1");
        }
        assert_eq!(t.tracked(), 2);
    }

    #[test]
    fn a_success_clears_the_accounts_failures() {
        let t = LoginThrottle::default();
        for _ in 0..ACCOUNT_LIMIT - 1 {
            t.record_failure("a@example.com", "192.0.2.1");
        }
        t.record_success("a@example.com");
        t.record_failure("a@example.com", "192.0.2.1");
        assert!(t.check("a@example.com", "192.0.2.1").is_ok());
    }
}
