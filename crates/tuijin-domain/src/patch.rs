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

/// Trims a required text, turns CRLF into LF, and checks its length and
/// characters.
pub fn required_text(inv: &mut Invalid, field: &str, value: &mut String, max: usize) {
    *value = normalize_newlines(value.trim());
    if value.is_empty() {
        inv.push(field, Problem::Required);
    } else {
        check_text(inv, field, value, max);
    }
}

/// Trims an optional text, turns CRLF into LF, and checks its length and
/// characters.
pub fn optional_text(inv: &mut Invalid, field: &str, value: &mut String, max: usize) {
    *value = normalize_newlines(value.trim());
    check_text(inv, field, value, max);
}

fn check_text(inv: &mut Invalid, field: &str, value: &str, max: usize) {
    if let Some(c) = first_control(value) {
        inv.push(field, Problem::ControlCharacter { code_point: c as u32 });
    } else if value.chars().count() > max {
        inv.push(field, Problem::TooLong { max });
    }
}

/// Browsers send a textarea's line breaks as CRLF; text is kept with LF.
pub fn normalize_newlines(s: &str) -> String {
    if s.contains('\r') {
        s.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        s.to_string()
    }
}

/// Whether a character may not be stored in text: C0 controls other than
/// tab and newline, DEL and the C1 controls, and the two noncharacters
/// U+FFFE and U+FFFF. XML 1.0 (inside every .docx and .xlsx) cannot hold
/// most of them, and PostgreSQL refuses U+0000 outright.
pub fn is_forbidden_char(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n') || c == '\u{FFFE}' || c == '\u{FFFF}'
}

/// The first forbidden character of a text (carriage returns count: text
/// is normalised before it is checked).
pub fn first_control(s: &str) -> Option<char> {
    s.chars().find(|c| is_forbidden_char(*c))
}

/// The text without forbidden characters, CRLF as LF: for values read
/// from files (an imported workbook) rather than typed by a user.
pub fn strip_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(|c| is_forbidden_char(c) || c == '\r') {
        std::borrow::Cow::Owned(normalize_newlines(s).chars().filter(|c| !is_forbidden_char(*c)).collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// The first and last year a date may fall in. Offices plan decades
/// ahead at most; year 0 or 9999 is a typing slip, and Excel cannot hold
/// a date before 1900.
pub const FIRST_YEAR: i32 = 1900;
pub const LAST_YEAR: i32 = 2199;

/// Whether a date falls within [`FIRST_YEAR`]–[`LAST_YEAR`].
pub fn in_date_range(d: chrono::NaiveDate) -> bool {
    use chrono::Datelike;
    (FIRST_YEAR..=LAST_YEAR).contains(&d.year())
}

/// Records a date outside [`FIRST_YEAR`]–[`LAST_YEAR`].
pub fn check_date(inv: &mut Invalid, field: &str, date: Option<chrono::NaiveDate>) {
    if date.is_some_and(|d| !in_date_range(d)) {
        inv.push(field, date_range_problem());
    }
}

/// The problem of a date outside the allowed years.
pub fn date_range_problem() -> Problem {
    Problem::OutOfRange { min: format!("{FIRST_YEAR}-01-01"), max: format!("{LAST_YEAR}-12-31") }
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
    fn control_characters_are_refused_naming_the_field() {
        for bad in ["\u{1}标题", "标\u{b}题", "\0", "a\u{7f}", "a\u{85}b", "x\u{FFFF}"] {
            let mut inv = Invalid::default();
            let mut s = bad.to_string();
            required_text(&mut inv, "title", &mut s, 100);
            assert_eq!(inv.0.len(), 1, "{bad:?}");
            assert_eq!(inv.0[0].field, "title");
            assert_eq!(inv.0[0].problem.code(), "control_character");
        }
        let mut inv = Invalid::default();
        let mut s = "一\r\n二\r三\t四\n五".to_string();
        optional_text(&mut inv, "description", &mut s, 100);
        assert!(inv.is_empty());
        assert_eq!(s, "一\n二\n三\t四\n五");
    }

    #[test]
    fn the_message_names_the_character() {
        let mut inv = Invalid::default();
        let mut s = "a\u{1}".to_string();
        required_text(&mut inv, "title", &mut s, 100);
        assert_eq!(inv.messages(crate::Lang::Zh)[0], "标题含有不可见的控制字符（U+0001），请删除后重试");
    }

    #[test]
    fn imported_text_is_stripped() {
        assert_eq!(strip_controls("道路\u{1}更新\r\n二期\u{b}"), "道路更新\n二期");
        assert!(matches!(strip_controls("干净的文字"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn dates_keep_to_sane_years() {
        let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day);
        let mut inv = Invalid::default();
        check_date(&mut inv, "due_date", d(1900, 1, 1));
        check_date(&mut inv, "due_date", d(2199, 12, 31));
        check_date(&mut inv, "due_date", None);
        assert!(inv.is_empty());
        check_date(&mut inv, "due_date", d(0, 1, 1));
        check_date(&mut inv, "start_date", d(2200, 1, 1));
        check_date(&mut inv, "start_date", d(1899, 12, 31));
        assert_eq!(inv.0.len(), 3);
        assert_eq!(inv.messages(crate::Lang::Zh)[0], "完成时限应在1900-01-01到2199-12-31之间");
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
