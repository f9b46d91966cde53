//! What a document is asked for — a period (any day in it), key works, a
//! format — read from the page's query or the command line and checked
//! against the ledger, naming the field at fault.

use super::Format;
use crate::storage::KeyWork;
use chrono::NaiveDate;
use tuijin_domain::error::{Invalid, Problem};
use tuijin_domain::Id;

#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// A day of the reporting period; each key work takes its period containing it.
    pub period: NaiveDate,
    /// The chosen key works in ledger order (all when none was named).
    pub key_works: Vec<Id>,
    pub format: Format,
}

/// Reads `period`, `key_work` (repeated; an id or a name) and `format`
/// from name/value pairs. Empty values count as absent, as a GET form
/// sends them. The period may not lie in the future.
pub fn parse(pairs: &[(String, String)], key_works: &[KeyWork], today: NaiveDate) -> Result<Choice, Invalid> {
    let mut errors = Invalid::default();
    let value = |name: &str| pairs.iter().find(|(k, v)| k == name && !v.trim().is_empty()).map(|(_, v)| v.trim());
    let period = match value("period").map(|v| v.parse::<NaiveDate>()) {
        None => today,
        Some(Ok(d)) if d <= today => d,
        Some(Ok(_)) => {
            errors.push("period", Problem::Conflicting { detail: "future_period" });
            today
        }
        Some(Err(_)) => {
            errors.push("period", Problem::Malformed { expected: "date" });
            today
        }
    };
    let format = match value("format") {
        None => Format::Html,
        Some(f) => Format::parse(f).unwrap_or_else(|| {
            errors.push("format", Problem::Malformed { expected: "document_format" });
            Format::Html
        }),
    };
    let mut chosen = Vec::new();
    for (_, v) in pairs.iter().filter(|(k, v)| k == "key_work" && !v.trim().is_empty()) {
        let v = v.trim();
        match key_works.iter().find(|k| k.id.to_string() == v || k.fields.name == v) {
            Some(k) => chosen.push(k.id),
            None => errors.push("key_work", Problem::UnknownReference { what: "key_work", id: v.to_string() }),
        }
    }
    // Ledger order, whatever order they were named in.
    let key_works: Vec<Id> =
        key_works.iter().map(|k| k.id).filter(|id| chosen.is_empty() || chosen.contains(id)).collect();
    errors.into_result(Choice { period, key_works, format })
}
