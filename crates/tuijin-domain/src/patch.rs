//! Helpers shared by the entity modules: validated values, partial updates
//! and text checks.

use crate::error::{Invalid, Problem};
use serde::{Deserialize, Deserializer};
use std::ops::Deref;

/// A value that has passed its entity's validation. Only the entity
/// modules construct it, so storage can accept `Valid<T>` and know the
/// rules held.
#[derive(Debug, Clone, PartialEq)]
pub struct Valid<T>(T);

impl<T> Valid<T> {
    pub(crate) fn new(value: T) -> Self {
        Valid(value)
    }

    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Valid<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Deserializes a field that distinguishes "absent" (leave unchanged) from
/// `null` (clear it): absent → `None`, null → `Some(None)`.
pub fn nullable<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Sets `target` to the patch value when one was given.
pub fn set<T: Clone>(target: &mut T, patch: &Option<T>) {
    if let Some(v) = patch {
        *target = v.clone();
    }
}

/// Trims a required text and checks its length.
pub fn required_text(inv: &mut Invalid, field: &str, value: &mut String, max: usize) {
    *value = value.trim().to_string();
    if value.is_empty() {
        inv.push(field, Problem::Required);
    } else if value.chars().count() > max {
        inv.push(field, Problem::TooLong { max });
    }
}

/// Trims an optional text and checks its length.
pub fn optional_text(inv: &mut Invalid, field: &str, value: &mut String, max: usize) {
    *value = value.trim().to_string();
    if value.chars().count() > max {
        inv.push(field, Problem::TooLong { max });
    }
}

/// `text` cut to at most `max` characters, ending with "…" when cut, for
/// texts the system writes into a field of limited length.
pub fn fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// Removes duplicates keeping the first occurrence's order.
pub fn dedupe<T: PartialEq + Clone>(items: &mut Vec<T>) {
    let mut seen: Vec<T> = Vec::with_capacity(items.len());
    items.retain(|x| {
        if seen.contains(x) {
            false
        } else {
            seen.push(x.clone());
            true
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct P {
        #[serde(default, deserialize_with = "nullable")]
        due: Option<Option<String>>,
    }

    #[test]
    fn nullable_tells_absent_from_null() {
        let absent: P = serde_json::from_str("{}").unwrap();
        let null: P = serde_json::from_str(r#"{"due":null}"#).unwrap();
        let set: P = serde_json::from_str(r#"{"due":"2021-06-30"}"#).unwrap();
        assert_eq!(absent.due, None);
        assert_eq!(null.due, Some(None));
        assert_eq!(set.due, Some(Some("2021-06-30".into())));
    }

    #[test]
    fn text_rules() {
        let mut inv = Invalid::default();
        let mut s = "  道路有机更新 ".to_string();
        required_text(&mut inv, "title", &mut s, 10);
        assert_eq!(s, "道路有机更新");
        assert!(inv.is_empty());
        let mut long = "一二三四五六七八九十一".to_string();
        required_text(&mut inv, "title", &mut long, 10);
        let mut blank = "   ".to_string();
        required_text(&mut inv, "code", &mut blank, 10);
        assert_eq!(inv.0[0].problem.code(), "too_long");
        assert_eq!(inv.0[1].problem.code(), "required");
    }

    #[test]
    fn fit_cuts_with_an_ellipsis() {
        assert_eq!(fit("道路有机更新", 6), "道路有机更新");
        assert_eq!(fit("道路有机更新", 5), "道路有机…");
        assert_eq!(fit("道路有机更新", 5).chars().count(), 5);
    }

    #[test]
    fn dedupe_keeps_order() {
        let mut v = vec![3, 1, 3, 2, 1];
        dedupe(&mut v);
        assert_eq!(v, vec![3, 1, 2]);
    }
}
