//! Builders shared by the unit tests of the rule modules.

use crate::milestone::MilestoneFields;
use crate::task::{Priority, Status, Target, TaskFields};
use chrono::NaiveDate;
use rust_decimal::Decimal;

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn dec(v: f64) -> Decimal {
    Decimal::try_from(v).unwrap()
}

/// An in-progress task with the given dates and nothing else.
pub fn task(start: Option<NaiveDate>, due: Option<NaiveDate>) -> TaskFields {
    TaskFields {
        key_work_id: 1,
        parent_id: None,
        code: "1-3".into(),
        title: "道路有机更新".into(),
        description: String::new(),
        lead_unit_id: 10,
        supporting_unit_ids: vec![],
        leader_ids: vec![5],
        priority: Priority::Normal,
        status: Status::InProgress,
        start_date: start,
        due_date: due,
        target: None,
        planned_investment: None,
        completed_investment: None,
        percent_complete: Decimal::ZERO,
        tags: vec![],
    }
}

pub fn with_target(mut t: TaskFields, value: f64, measure: &str) -> TaskFields {
    t.target = Some(Target { value: dec(value), measure: measure.into() });
    t
}

/// A milestone not yet done, without values.
pub fn milestone(title: &str, planned_date: NaiveDate) -> MilestoneFields {
    MilestoneFields {
        title: title.into(),
        planned_date,
        planned_value: None,
        actual_date: None,
        actual_value: None,
        done: false,
    }
}

pub fn valued(title: &str, planned_date: NaiveDate, planned: f64, actual: Option<f64>) -> MilestoneFields {
    MilestoneFields {
        planned_value: Some(dec(planned)),
        actual_value: actual.map(dec),
        ..milestone(title, planned_date)
    }
}
