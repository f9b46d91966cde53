//! The audit trail (变更历史): which fields a change touched, from what to
//! what. The diff works on the JSON form of an entity so one rule serves
//! every entity.

use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    /// `None` when the field had no value (or the entity did not exist).
    pub old: Option<String>,
    pub new: Option<String>,
}

/// The field-by-field difference between two states of an entity.
/// `None` for `old` means the entity is being created; for `new`, deleted.
pub fn diff<T: Serialize>(old: Option<&T>, new: Option<&T>) -> Vec<FieldChange> {
    let old = old.map(to_object).unwrap_or_default();
    let new = new.map(to_object).unwrap_or_default();
    let mut fields: Vec<&String> = old.keys().chain(new.keys()).collect();
    fields.sort();
    fields.dedup();
    fields
        .into_iter()
        .filter_map(|f| {
            let (a, b) = (render(old.get(f)), render(new.get(f)));
            (a != b).then(|| FieldChange { field: f.clone(), old: a, new: b })
        })
        .collect()
}

fn to_object<T: Serialize>(value: &T) -> serde_json::Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    }
}

/// Strings as themselves, null and empty lists as "no value", anything else as JSON.
fn render(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Array(a) if a.is_empty() => None,
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Serialize)]
    struct T {
        title: String,
        due: Option<String>,
        leaders: Vec<i64>,
        done: bool,
    }

    fn t(title: &str, due: Option<&str>, leaders: Vec<i64>, done: bool) -> T {
        T { title: title.into(), due: due.map(Into::into), leaders, done }
    }

    #[test]
    fn only_changed_fields_are_listed() {
        let a = t("道路有机更新", Some("2021-06-30"), vec![1], false);
        let b = t("道路有机更新", Some("2021-07-31"), vec![1], false);
        assert_eq!(
            diff(Some(&a), Some(&b)),
            vec![FieldChange { field: "due".into(), old: Some("2021-06-30".into()), new: Some("2021-07-31".into()) }]
        );
    }

    #[test]
    fn creation_lists_every_set_field() {
        let b = t("x", None, vec![], true);
        let d = diff(None, Some(&b));
        let fields: Vec<_> = d.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, vec!["done", "title"]);
        assert!(d.iter().all(|c| c.old.is_none()));
    }

    #[test]
    fn deletion_keeps_old_values() {
        let a = t("x", Some("2021-01-01"), vec![2, 3], false);
        let d = diff(Some(&a), None);
        let leaders = d.iter().find(|c| c.field == "leaders").unwrap();
        assert_eq!(leaders.old.as_deref(), Some("[2,3]"));
        assert_eq!(leaders.new, None);
    }

    #[test]
    fn identical_states_have_no_diff() {
        let a = t("x", None, vec![1, 2], true);
        let b = t("x", None, vec![1, 2], true);
        assert!(diff(Some(&a), Some(&b)).is_empty());
    }
}
