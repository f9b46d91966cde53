//! Relations between tasks: A precedes B (工程时序), with a lag in days.

use crate::error::{Invalid, Problem};
use crate::patch::{optional_text, set, Valid};
use crate::Id;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RelationFields {
    /// The task that must come first.
    pub predecessor_id: Id,
    /// The task that follows it.
    pub successor_id: Id,
    /// Days the successor waits after the predecessor finishes (may be negative for an overlap).
    #[serde(default)]
    #[schema(minimum = -365, maximum = 3650)]
    pub lag_days: i32,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
}

impl RelationFields {
    pub fn validate(mut self) -> Result<Valid<RelationFields>, Invalid> {
        let mut inv = Invalid::default();
        if self.predecessor_id == self.successor_id {
            inv.push("successor_id", Problem::Conflicting { detail: "self_relation" });
        }
        if !(-365..=3650).contains(&self.lag_days) {
            inv.push("lag_days", Problem::OutOfRange { min: "-365".into(), max: "3650".into() });
        }
        optional_text(&mut inv, "note", &mut self.note, 500);
        inv.into_result(Valid::new(self))
    }

    pub fn apply(&self, p: &RelationPatch) -> RelationFields {
        let mut r = self.clone();
        set(&mut r.lag_days, &p.lag_days);
        set(&mut r.note, &p.note);
        r
    }
}

/// Only the lag and the note change; to link other tasks, delete and create.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RelationPatch {
    pub version: i64,
    #[schema(minimum = -365, maximum = 3650)]
    pub lag_days: Option<i32>,
    #[schema(max_length = 500)]
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(a: Id, b: Id, lag: i32) -> RelationFields {
        RelationFields { predecessor_id: a, successor_id: b, lag_days: lag, note: String::new() }
    }

    #[test]
    fn a_task_cannot_precede_itself() {
        assert_eq!(r(3, 3, 0).validate().unwrap_err().0[0].problem.code(), "conflicting");
    }

    #[test]
    fn lag_is_bounded() {
        assert!(r(1, 2, 3650).validate().is_ok());
        assert!(r(1, 2, -366).validate().is_err());
    }

    #[test]
    fn patch_changes_lag_only() {
        let p = RelationPatch { version: 1, lag_days: Some(14), note: None };
        let x = r(1, 2, 0).apply(&p);
        assert_eq!((x.predecessor_id, x.successor_id, x.lag_days), (1, 2, 14));
    }
}
