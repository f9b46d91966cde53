//! How sign-in attempts are slowed down after failures, without ever
//! locking the right password out for long.
//!
//! Failures are counted under several keys; each key allows a number of
//! free failures, after which the next attempt must wait a delay that
//! doubles with each further failure, up to a cap. An attempt made before
//! the wait is over is refused without looking at the password, so a
//! guesser learns nothing from it.
//!
//! | key | counts failures of | free | cap |
//! |---|---|---|---|
//! | `device` | a browser that has signed in to this account before (device cookie) | 5 | 5 min |
//! | `pair` | this account from this address | 5 | 5 min |
//! | `address` | any account from this address | 20 | 5 min |
//! | `account` | this account from browsers it has not signed in on | 10 | 1 min |
//!
//! A browser with a valid device cookie for the account is judged only by
//! its own `device` key: someone guessing the administrator's password from
//! elsewhere cannot keep the administrator out of their usual browser
//! (OWASP's "device cookies"). Everyone else waits for the longest of the
//! other three. The `account` key stops a guesser spread over many
//! addresses, and caps at a minute so that it only ever slows the real
//! user down. Counts are forgotten an hour after the last failure, and a
//! success clears the keys it was judged by, except the address (a
//! guesser with one right password must not wipe their address's record).

use chrono::{DateTime, Duration, Utc};

/// What a failure count is kept for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Device,
    Pair,
    Address,
    Account,
}

impl Kind {
    fn free(self) -> u32 {
        match self {
            Kind::Device | Kind::Pair => 5,
            Kind::Address => 20,
            Kind::Account => 10,
        }
    }

    fn cap(self) -> Duration {
        match self {
            Kind::Account => Duration::minutes(1),
            _ => Duration::minutes(5),
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            Kind::Device => "device",
            Kind::Pair => "pair",
            Kind::Address => "address",
            Kind::Account => "account",
        }
    }
}

/// Counts older than this since their last failure start again from zero.
pub fn forget_after() -> Duration {
    Duration::hours(1)
}

/// One key's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failures {
    pub count: u32,
    pub last: DateTime<Utc>,
}

/// The keys an attempt is judged by, as stored strings. Usernames are
/// compared without case, as sign-in does.
pub fn keys(username: &str, address: &str, device: Option<&str>) -> Vec<(Kind, String)> {
    let user = username.trim().to_lowercase();
    match device {
        Some(d) => vec![(Kind::Device, format!("{}:{d}", Kind::Device.prefix()))],
        None => vec![
            (Kind::Pair, format!("{}:{user}|{address}", Kind::Pair.prefix())),
            (Kind::Address, format!("{}:{address}", Kind::Address.prefix())),
            (Kind::Account, format!("{}:{user}", Kind::Account.prefix())),
        ],
    }
}

/// The delay a key imposes after `count` failures: none while free, then
/// 1 s, 2 s, 4 s … up to the key's cap.
pub fn delay(kind: Kind, count: u32) -> Duration {
    if count < kind.free() {
        return Duration::zero();
    }
    let doublings = (count - kind.free()).min(20);
    Duration::seconds(1i64 << doublings).min(kind.cap())
}

/// How long an attempt judged by `records` must still wait, if at all.
pub fn wait(records: &[(Kind, Failures)], now: DateTime<Utc>) -> Option<Duration> {
    records
        .iter()
        .filter(|(_, f)| now - f.last < forget_after())
        .map(|(kind, f)| f.last + delay(*kind, f.count) - now)
        .filter(|w| *w > Duration::zero())
        .max()
}

/// The count after one more failure (a stale count starts again).
pub fn after_failure(previous: Option<Failures>, now: DateTime<Utc>) -> Failures {
    match previous {
        Some(f) if now - f.last < forget_after() => Failures { count: f.count.saturating_add(1), last: now },
        _ => Failures { count: 1, last: now },
    }
}

/// The keys a success clears: all it was judged by but the address.
pub fn cleared_on_success(keys: &[(Kind, String)]) -> Vec<String> {
    keys.iter().filter(|(k, _)| *k != Kind::Address).map(|(_, s)| s.clone()).collect()
}

/// Whole seconds to tell the user, rounded up so "0 seconds" never shows.
pub fn seconds_to_wait(d: Duration) -> i64 {
    (d.num_milliseconds() + 999) / 1000
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(secs: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap() + Duration::seconds(secs)
    }

    /// Fails `n` times as fast as allowed under `kind`; returns the record.
    fn fail_n(kind: Kind, n: u32) -> Failures {
        let mut f: Option<Failures> = None;
        let mut now = t(0);
        for _ in 0..n {
            if let Some(w) = f.and_then(|f| wait(&[(kind, f)], now)) {
                now += w;
            }
            f = Some(after_failure(f, now));
        }
        f.unwrap()
    }

    #[test]
    fn the_first_failures_are_free() {
        let f = fail_n(Kind::Pair, 4);
        assert_eq!(wait(&[(Kind::Pair, f)], f.last), None);
        let f = fail_n(Kind::Address, 19);
        assert_eq!(wait(&[(Kind::Address, f)], f.last), None);
    }

    #[test]
    fn delays_double_up_to_the_cap() {
        assert_eq!(delay(Kind::Pair, 5), Duration::seconds(1));
        assert_eq!(delay(Kind::Pair, 6), Duration::seconds(2));
        assert_eq!(delay(Kind::Pair, 9), Duration::seconds(16));
        assert_eq!(delay(Kind::Pair, 40), Duration::minutes(5));
        assert_eq!(delay(Kind::Account, 40), Duration::minutes(1));
        assert_eq!(delay(Kind::Address, 1_000_000), Duration::minutes(5));
    }

    #[test]
    fn an_attempt_waits_for_the_longest_key_and_then_may_proceed() {
        let pair = Failures { count: 8, last: t(0) };
        let account = Failures { count: 10, last: t(0) };
        let records = [(Kind::Pair, pair), (Kind::Account, account)];
        assert_eq!(wait(&records, t(0)), Some(Duration::seconds(8)));
        assert_eq!(wait(&records, t(5)), Some(Duration::seconds(3)));
        assert_eq!(wait(&records, t(8)), None);
    }

    #[test]
    fn the_right_password_is_never_kept_out_for_long() {
        // A guesser hammering an account from many addresses: the account
        // key is what the real user from a new browser meets — at most a
        // minute, however many failures.
        let f = fail_n(Kind::Account, 10_000);
        let w = wait(&[(Kind::Account, f)], f.last).unwrap();
        assert!(w <= Duration::minutes(1));
    }

    #[test]
    fn a_known_browser_is_judged_by_its_own_failures_only() {
        let k = keys("Admin", "10.0.0.1", Some("d1"));
        assert_eq!(k, vec![(Kind::Device, "device:d1".to_string())]);
        let k = keys(" Admin ", "10.0.0.1", None);
        let names: Vec<&str> = k.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(names, ["pair:admin|10.0.0.1", "address:10.0.0.1", "account:admin"]);
    }

    #[test]
    fn counts_are_forgotten_after_an_hour_of_quiet() {
        let f = Failures { count: 50, last: t(0) };
        assert!(wait(&[(Kind::Pair, f)], t(60)).is_some());
        assert_eq!(wait(&[(Kind::Pair, f)], t(3600)), None);
        assert_eq!(after_failure(Some(f), t(3600)).count, 1);
        assert_eq!(after_failure(Some(f), t(60)).count, 51);
    }

    #[test]
    fn success_keeps_the_address_record() {
        let k = keys("admin", "10.0.0.1", None);
        assert_eq!(cleared_on_success(&k), vec!["pair:admin|10.0.0.1".to_string(), "account:admin".to_string()]);
    }

    #[test]
    fn waits_are_told_in_whole_seconds_rounded_up() {
        assert_eq!(seconds_to_wait(Duration::milliseconds(1)), 1);
        assert_eq!(seconds_to_wait(Duration::seconds(16)), 16);
    }
}
