//! Exact numbers: money (万元), quantities and percentages are decimals,
//! never floats. Storage keeps them as integers of 1/10,000, so a value may
//! carry at most four decimal places.

use crate::error::{Invalid, Problem};
use rust_decimal::Decimal;

/// Decimal places a stored number may carry.
pub const SCALE: u32 = 4;

/// The largest magnitude that still fits in a 64-bit integer at [`SCALE`].
pub fn max_value() -> Decimal {
    Decimal::new(900_000_000_000_000, 0) // 9×10^14, well below i64::MAX / 10^4
}

/// Checks a non-negative decimal with at most [`SCALE`] places.
pub fn check_non_negative(inv: &mut Invalid, field: &str, value: &Decimal) {
    if value.normalize().scale() > SCALE {
        inv.push(field, Problem::Malformed { expected: "decimal" });
    } else if value.is_sign_negative() && !value.is_zero() || *value > max_value() {
        inv.push(field, Problem::OutOfRange { min: "0".into(), max: max_value().to_string() });
    }
}

/// Checks a percentage: 0 to 100 with at most [`SCALE`] places.
pub fn check_percent(inv: &mut Invalid, field: &str, value: &Decimal) {
    if value.normalize().scale() > SCALE {
        inv.push(field, Problem::Malformed { expected: "decimal" });
    } else if *value < Decimal::ZERO || *value > Decimal::ONE_HUNDRED {
        inv.push(field, Problem::OutOfRange { min: "0".into(), max: "100".into() });
    }
}

/// Decimal → integer of 1/10,000 (the storage form). Callers pass values
/// already checked by [`check_non_negative`] or [`check_percent`].
pub fn to_scaled(value: &Decimal) -> i64 {
    let scaled = (*value * Decimal::new(10_i64.pow(SCALE), 0)).trunc();
    i64::try_from(scaled).unwrap_or(i64::MAX)
}

/// Integer of 1/10,000 → decimal, without trailing zeros ("12.5", not "12.5000").
pub fn from_scaled(raw: i64) -> Decimal {
    Decimal::new(raw, SCALE).normalize()
}

/// How the API writes a non-negative decimal ([`check_non_negative`]):
/// digits, at most [`SCALE`] places (trailing zeros aside).
pub const AMOUNT_PATTERN: &str = r"^[0-9]{1,15}(\.[0-9]{1,4}0*)?$";
/// How the API writes a percentage ([`check_percent`]): 0 to 100.
pub const PERCENT_PATTERN: &str = r"^(100(\.0+)?|[0-9]{1,2}(\.[0-9]{1,4}0*)?)$";

/// In the OpenAPI document: money (万元) and quantities, exact decimals
/// written as strings (`"288.6"`), never negative.
pub struct Amount;

text_schema!(
    Amount,
    "An exact decimal as a string, not negative, at most 4 decimal places and at most 900000000000000",
    AMOUNT_PATTERN,
    "288.6"
);

/// In the OpenAPI document: a percentage, 0 to 100, as a decimal string.
pub struct Percent;

text_schema!(Percent, "A percentage as a decimal string, 0 to 100, at most 4 decimal places", PERCENT_PATTERN, "37.5");

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn scaled_round_trip_is_exact() {
        for s in ["0", "1", "288.6", "28860000", "0.0001", "12.3456", "899999999999999"] {
            assert_eq!(from_scaled(to_scaled(&d(s))), d(s).normalize(), "{s}");
        }
        assert_eq!(to_scaled(&d("288.6")), 2_886_000);
    }

    #[test]
    fn too_many_places_is_malformed() {
        let mut inv = Invalid::default();
        check_non_negative(&mut inv, "planned_investment", &d("1.23456"));
        assert_eq!(inv.0[0].problem.code(), "malformed");
        // Trailing zeros do not count as places.
        let mut ok = Invalid::default();
        check_non_negative(&mut ok, "x", &d("1.234500"));
        assert!(ok.is_empty());
    }

    #[test]
    fn negatives_and_huge_values_are_out_of_range() {
        let mut inv = Invalid::default();
        check_non_negative(&mut inv, "a", &d("-1"));
        check_non_negative(&mut inv, "b", &d("900000000000001"));
        assert_eq!(inv.0.len(), 2);
        assert!(inv.0.iter().all(|e| e.problem.code() == "out_of_range"));
    }

    #[test]
    fn percent_is_bounded() {
        let mut inv = Invalid::default();
        check_percent(&mut inv, "p", &d("100"));
        check_percent(&mut inv, "p", &d("0"));
        check_percent(&mut inv, "p", &d("37.5"));
        assert!(inv.is_empty());
        check_percent(&mut inv, "p", &d("100.01"));
        check_percent(&mut inv, "p", &d("-0.5"));
        assert_eq!(inv.0.len(), 2);
    }

    /// The document's patterns describe these checks: what a pattern
    /// allows, the check accepts, and what the check refuses, the pattern
    /// refuses too, so generated clients and fuzzers send what the server takes.
    #[test]
    fn the_documented_patterns_match_the_checks() {
        let amount = regex_automata::meta::Regex::new(AMOUNT_PATTERN).unwrap();
        let percent = regex_automata::meta::Regex::new(PERCENT_PATTERN).unwrap();
        let passes = |s: &str, check: fn(&mut Invalid, &str, &Decimal)| {
            Decimal::from_str(s).is_ok_and(|v| {
                let mut inv = Invalid::default();
                check(&mut inv, "x", &v);
                inv.is_empty()
            })
        };
        let samples = [
            "0",
            "7",
            "288.6",
            "12.3456",
            "1.234500",
            "100",
            "100.00",
            "99.9999",
            "100.0001",
            "101",
            "900000000000000",
            "-1",
            "-0.5",
            "1.23456",
            "abc",
            "",
            "1e3",
            "12,5",
            "1 000",
            "0.00001",
        ];
        // Read (rust_decimal takes an exponent) but never written, so not documented.
        let undocumented = ["1e3"];
        for s in samples {
            let documented = !undocumented.contains(&s);
            assert_eq!(amount.is_match(s), documented && passes(s, check_non_negative), "amount {s:?}");
            assert_eq!(percent.is_match(s), documented && passes(s, check_percent), "percent {s:?}");
        }
        assert!(undocumented.iter().all(|s| passes(s, check_non_negative)));
    }
}
