//! Milestones (时间节点): dated checkpoints of a task.

use crate::error::Invalid;
use crate::number::{check_non_negative, Amount};
use crate::patch::{check_date, nullable, required_text, set, Valid};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MilestoneFields {
    #[schema(example = "主体结构封顶", min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: String,
    pub planned_date: NaiveDate,
    /// The cumulative value planned by this date ("7 of 14 roads").
    #[serde(default)]
    #[schema(value_type = Option<Amount>, example = "7")]
    pub planned_value: Option<Decimal>,
    #[serde(default)]
    pub actual_date: Option<NaiveDate>,
    #[serde(default)]
    #[schema(value_type = Option<Amount>)]
    pub actual_value: Option<Decimal>,
    #[serde(default)]
    pub done: bool,
}

impl MilestoneFields {
    pub fn validate(mut self) -> Result<Valid<MilestoneFields>, Invalid> {
        let mut inv = Invalid::default();
        required_text(&mut inv, "title", &mut self.title, 200);
        check_date(&mut inv, "planned_date", Some(self.planned_date));
        check_date(&mut inv, "actual_date", self.actual_date);
        if let Some(v) = &self.planned_value {
            check_non_negative(&mut inv, "planned_value", v);
        }
        if let Some(v) = &self.actual_value {
            check_non_negative(&mut inv, "actual_value", v);
        }
        inv.into_result(Valid::new(self))
    }

    pub fn apply(&self, p: &MilestonePatch) -> MilestoneFields {
        let mut m = self.clone();
        set(&mut m.title, &p.title);
        set(&mut m.planned_date, &p.planned_date);
        set(&mut m.planned_value, &p.planned_value);
        set(&mut m.actual_date, &p.actual_date);
        set(&mut m.actual_value, &p.actual_value);
        set(&mut m.done, &p.done);
        m
    }

    /// Past its planned date and not done.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        !self.done && self.planned_date < today
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestonePatch {
    pub version: i64,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: Option<String>,
    pub planned_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Amount>)]
    pub planned_value: Option<Option<Decimal>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub actual_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Amount>)]
    pub actual_value: Option<Option<Decimal>>,
    pub done: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m() -> MilestoneFields {
        serde_json::from_value(serde_json::json!({
            "title": "完成7条断头路", "planned_date": "2021-06-30", "planned_value": "7"
        }))
        .unwrap()
    }

    #[test]
    fn a_milestone_needs_a_title() {
        let mut x = m();
        x.title = " ".into();
        assert_eq!(x.validate().unwrap_err().0[0].field, "title");
    }

    #[test]
    fn patch_marks_done_with_actuals() {
        let p: MilestonePatch = serde_json::from_value(serde_json::json!({
            "version": 1, "done": true, "actual_date": "2021-06-28", "actual_value": "7"
        }))
        .unwrap();
        let x = m().apply(&p).validate().unwrap();
        assert!(x.done);
        assert_eq!(x.actual_date, NaiveDate::from_ymd_opt(2021, 6, 28));
    }

    #[test]
    fn overdue_means_past_and_undone() {
        let x = m();
        assert!(x.is_overdue(NaiveDate::from_ymd_opt(2021, 7, 1).unwrap()));
        assert!(!x.is_overdue(NaiveDate::from_ymd_opt(2021, 6, 30).unwrap()));
        let mut done = m();
        done.done = true;
        assert!(!done.is_overdue(NaiveDate::from_ymd_opt(2021, 7, 1).unwrap()));
    }

    #[test]
    fn negative_values_are_refused() {
        let mut x = m();
        x.actual_value = Some(Decimal::from(-1));
        assert_eq!(x.validate().unwrap_err().0[0].field, "actual_value");
    }
}
