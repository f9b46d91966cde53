//! Throttling of failed sign-ins, per account and per address: after too
//! many failures within the window, further attempts are refused until the
//! window has passed. In memory: a restart forgives, which is acceptable
//! for a brake on guessing.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(15 * 60);
const PER_ACCOUNT: u32 = 5;
const PER_ADDRESS: u32 = 20;

#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl LoginThrottle {
    /// Whether an attempt for this account from this address may proceed.
    pub fn allowed(&self, username: &str, address: &str) -> bool {
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let count = |key: String| map.get(&key).filter(|(_, since)| since.elapsed() < WINDOW).map_or(0, |(n, _)| *n);
        count(account_key(username)) < PER_ACCOUNT && count(address_key(address)) < PER_ADDRESS
    }

    pub fn failed(&self, username: &str, address: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        for key in [account_key(username), address_key(address)] {
            let entry = map.entry(key).or_insert((0, Instant::now()));
            if entry.1.elapsed() >= WINDOW {
                *entry = (0, Instant::now());
            }
            entry.0 += 1;
        }
    }

    pub fn succeeded(&self, username: &str) {
        self.failures.lock().unwrap_or_else(|e| e.into_inner()).remove(&account_key(username));
    }
}

fn account_key(username: &str) -> String {
    format!("u:{}", username.to_lowercase())
}

fn address_key(address: &str) -> String {
    format!("a:{address}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_braked_after_five_failures() {
        let t = LoginThrottle::default();
        for _ in 0..PER_ACCOUNT {
            assert!(t.allowed("admin", "10.0.0.1"));
            t.failed("admin", "10.0.0.1");
        }
        assert!(!t.allowed("admin", "10.0.0.2"), "the account is braked from any address");
        assert!(t.allowed("leader", "10.0.0.2"));
    }

    #[test]
    fn an_address_is_braked_after_many_failures_across_accounts() {
        let t = LoginThrottle::default();
        for i in 0..PER_ADDRESS {
            t.failed(&format!("user{i}"), "10.0.0.9");
        }
        assert!(!t.allowed("someone", "10.0.0.9"));
        assert!(t.allowed("someone", "10.0.0.8"));
    }

    #[test]
    fn success_clears_the_account() {
        let t = LoginThrottle::default();
        for _ in 0..PER_ACCOUNT - 1 {
            t.failed("admin", "a");
        }
        t.succeeded("admin");
        t.failed("admin", "a");
        assert!(t.allowed("admin", "a"));
    }
}
