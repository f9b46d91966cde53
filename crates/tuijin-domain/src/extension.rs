//! Deadline extensions (延期申请): the lead unit asks for a later due date
//! of a task or a later date of one of its milestones, with a reason; the
//! office approves or refuses. The date before the first approved
//! extension stays on record and is shown beside the new one.

use crate::error::{Invalid, Problem};
use crate::patch::{check_date, optional_text, required_text, Valid};
use crate::{Id, Lang};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ExtensionFields {
    /// The milestone to move; none moves the task's due date.
    #[serde(default)]
    pub milestone_id: Option<Id>,
    /// The date asked for: later than the one in force.
    pub requested_date: NaiveDate,
    #[schema(example = "管线迁改需等待供电公司停电窗口", min_length = 1, max_length = 1000, pattern = r"\S")]
    pub reason: String,
}

impl ExtensionFields {
    /// `current` is the date in force now (the task's due date or the
    /// milestone's planned date): an extension asks for a later one.
    pub fn validate(mut self, current: Option<NaiveDate>) -> Result<Valid<ExtensionFields>, Invalid> {
        let mut inv = Invalid::default();
        required_text(&mut inv, "reason", &mut self.reason, 1000);
        check_date(&mut inv, "requested_date", Some(self.requested_date));
        if current.is_some_and(|c| self.requested_date <= c) {
            inv.push("requested_date", Problem::Conflicting { detail: "extension_not_later" });
        }
        inv.into_result(Valid::new(self))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExtensionStatus {
    Pending,
    Approved,
    Refused,
}

impl ExtensionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ExtensionStatus::Pending => "pending",
            ExtensionStatus::Approved => "approved",
            ExtensionStatus::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Option<ExtensionStatus> {
        [ExtensionStatus::Pending, ExtensionStatus::Approved, ExtensionStatus::Refused]
            .into_iter()
            .find(|x| x.as_str() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ExtensionStatus::Pending => lang.pick("待审批", "pending"),
            ExtensionStatus::Approved => lang.pick("已批准", "approved"),
            ExtensionStatus::Refused => lang.pick("未批准", "refused"),
        }
    }
}

/// The office's decision: a refusal needs a reason.
pub fn check_decision(approve: bool, note: &mut String) -> Result<(), Invalid> {
    let mut inv = Invalid::default();
    if approve {
        optional_text(&mut inv, "note", note, 1000);
    } else {
        required_text(&mut inv, "note", note, 1000);
    }
    inv.into_result(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, m, day).unwrap()
    }

    #[test]
    fn an_extension_asks_for_a_later_date_with_a_reason() {
        let f =
            |date, reason: &str| ExtensionFields { milestone_id: None, requested_date: date, reason: reason.into() };
        assert!(f(d(7, 31), "等待停电窗口").validate(Some(d(6, 30))).is_ok());
        let e = f(d(6, 30), "").validate(Some(d(6, 30))).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["reason", "requested_date"]);
        assert!(f(d(1, 1), "x").validate(None).is_ok(), "a task without a due date may get one");
    }

    #[test]
    fn a_refusal_says_why() {
        assert!(check_decision(true, &mut String::new()).is_ok());
        assert_eq!(check_decision(false, &mut " ".into()).unwrap_err().0[0].field, "note");
        assert!(check_decision(false, &mut "工期已多次调整".into()).is_ok());
    }
}
