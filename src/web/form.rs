//! Reading HTML forms: repeated keys (multi-selects) and values parsed into
//! domain types with the field at fault named.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::str::FromStr;
use tuijin_domain::error::{Invalid, Problem};

/// A submitted form: every value of every key, in order.
pub struct FormData(HashMap<String, Vec<String>>);

impl FormData {
    pub fn parse(body: &[u8]) -> FormData {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in form_urlencoded::parse(body) {
            map.entry(k.into_owned()).or_default().push(v.into_owned());
        }
        FormData(map)
    }

    /// The value of a key, trimmed; `None` when the form did not send it
    /// (a disabled field), so the stored value is kept.
    pub fn text(&self, key: &str) -> Option<String> {
        self.0.get(key).and_then(|v| v.first()).map(|s| s.trim().to_string())
    }

    pub fn has(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    /// Every (key without the prefix, first value) whose key starts with `prefix`.
    pub fn with_prefix(&self, prefix: &str) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .0
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix(prefix)?.to_string(), v.first()?.trim().to_string())))
            .collect();
        out.sort();
        out
    }

    /// All non-empty values of a key (a multi-select).
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .get(key)
            .map(|v| v.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
            .unwrap_or_default()
    }
}

pub fn id(inv: &mut Invalid, field: &str, raw: &str) -> Option<i64> {
    raw.parse().map_err(|_| inv.push(field, Problem::Malformed { expected: "id" })).ok()
}

pub fn ids(inv: &mut Invalid, field: &str, raw: &[String]) -> Vec<i64> {
    raw.iter().filter_map(|r| id(inv, field, r)).collect()
}

/// An optional date from `<input type=date>`: empty is none.
pub fn date(inv: &mut Invalid, field: &str, raw: &str) -> Option<Option<NaiveDate>> {
    if raw.is_empty() {
        return Some(None);
    }
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(d) => Some(Some(d)),
        Err(_) => {
            inv.push(field, Problem::Malformed { expected: "date" });
            None
        }
    }
}

/// An optional decimal: empty is none.
pub fn decimal(inv: &mut Invalid, field: &str, raw: &str) -> Option<Option<Decimal>> {
    if raw.is_empty() {
        return Some(None);
    }
    match Decimal::from_str(raw) {
        Ok(d) => Some(Some(d)),
        Err(_) => {
            inv.push(field, Problem::Malformed { expected: "decimal" });
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_are_kept() {
        let f = FormData::parse(b"leader_ids=3&leader_ids=5&title=+%E9%81%93%E8%B7%AF+&empty=");
        assert_eq!(f.all("leader_ids"), vec!["3", "5"]);
        assert_eq!(f.text("title").as_deref(), Some("道路"));
        assert_eq!(f.text("missing"), None);
        assert!(f.all("empty").is_empty());
    }

    #[test]
    fn values_parse_or_name_the_field() {
        let mut inv = Invalid::default();
        assert_eq!(date(&mut inv, "due_date", ""), Some(None));
        assert_eq!(date(&mut inv, "due_date", "2021-06-30"), Some(NaiveDate::from_ymd_opt(2021, 6, 30)));
        assert_eq!(date(&mut inv, "due_date", "6月30日"), None);
        assert_eq!(decimal(&mut inv, "percent_complete", "37.5"), Some(Some(Decimal::new(375, 1))));
        assert_eq!(decimal(&mut inv, "planned_investment", "十万"), None);
        assert_eq!(id(&mut inv, "lead_unit_id", "x"), None);
        let fields: Vec<_> = inv.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["due_date", "planned_investment", "lead_unit_id"]);
    }
}
