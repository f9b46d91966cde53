//! What a password must be: long enough, not blank, not the username, and
//! not one people are known to pick. No rules about character classes
//! (NIST SP 800-63B: they make passwords harder to remember, not to guess);
//! the sign-in throttle does the rest.

use crate::error::Problem;

pub const MIN_CHARS: usize = 8;
/// argon2 hashes any length, but a form field needs no more.
pub const MAX_CHARS: usize = 128;

/// The words of `password/common.txt`, without its comment lines.
fn common_words() -> impl Iterator<Item = &'static str> {
    include_str!("password/common.txt").lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Keyboard rows and runs, forwards; a password that is a stretch of one
/// (either way) is a walk along the keys, not a secret.
const RUNS: [&str; 4] = [
    "01234567890123456789",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
];

/// `Err` with the reason (a `Problem::WeakPassword`) when `password` may
/// not be set for `username`.
pub fn check(password: &str, username: &str) -> Result<(), Problem> {
    let weak = |reason| Err(Problem::WeakPassword { reason });
    let chars = password.chars().count();
    if password.trim().is_empty() {
        return weak("blank");
    }
    if chars < MIN_CHARS {
        return weak("short");
    }
    if chars > MAX_CHARS {
        return weak("long");
    }
    let lower = password.to_lowercase();
    let first = lower.chars().next().unwrap_or(' ');
    if lower.chars().all(|c| c == first) {
        return weak("repetitive");
    }
    let user = username.trim().to_lowercase();
    if !user.is_empty() && user.chars().count() >= 3 && lower.contains(&user) {
        return weak("username");
    }
    if is_common(&lower) {
        return weak("common");
    }
    Ok(())
}

fn is_common(lower: &str) -> bool {
    // A birthday or a phone number's tail: fewer than ten digits and nothing else.
    if lower.chars().all(|c| c.is_ascii_digit()) && lower.len() < 10 {
        return true;
    }
    if is_run(lower) {
        return true;
    }
    let base = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    let base = if base.is_empty() { lower } else { base };
    common_words().any(|w| w == lower || w == base) || is_run(base) && base.len() >= 4
}

fn is_run(s: &str) -> bool {
    let reversed: String = s.chars().rev().collect();
    RUNS.iter().any(|r| r.contains(s) || r.contains(reversed.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(p: &str) -> Option<&'static str> {
        match check(p, "zhangsan") {
            Ok(()) => None,
            Err(Problem::WeakPassword { reason }) => Some(reason),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn known_weak_passwords_are_refused() {
        for p in ["password", "Password1!", "PASSWORD2024", "admin2024", "tuijin2021", "woaini1314", "woaini5201314"] {
            assert_eq!(reason(p), Some("common"), "{p}");
        }
        for p in ["12345678", "87654321", "qwertyuiop", "asdfghjkl", "1qaz2wsx3edc", "abcdefgh", "19900101"] {
            assert_eq!(reason(p), Some("common"), "{p}");
        }
    }

    #[test]
    fn blank_short_long_and_repeated_are_refused() {
        assert_eq!(reason("        "), Some("blank"));
        assert_eq!(reason(""), Some("blank"));
        assert_eq!(reason("Ab3$xy7"), Some("short"));
        assert_eq!(reason(&"x1".repeat(65)), Some("long"));
        assert_eq!(reason("aaaaaaaaaa"), Some("repetitive"));
        assert_eq!(reason("密密密密密密密密"), Some("repetitive"));
    }

    #[test]
    fn the_username_is_not_a_password() {
        assert_eq!(reason("zhangsan2024"), Some("username"));
        assert_eq!(reason("My-ZhangSan-pw"), Some("username"));
        // A two-letter username is too short to rule anything out.
        assert!(check("li-river-2031", "li").is_ok());
    }

    #[test]
    fn ordinary_good_passwords_pass() {
        for p in ["二七商圈复兴2027", "river-lamp-7-stone", "Tj!9kq2mZx", "1234567890ab-x", "guanghua road 14"] {
            assert_eq!(reason(p), None, "{p}");
        }
    }

    #[test]
    fn the_list_has_no_comment_or_blank_entries() {
        assert!(common_words().all(|w| !w.starts_with('#') && !w.is_empty() && w == w.to_lowercase()));
        assert!(common_words().count() > 100);
    }
}
