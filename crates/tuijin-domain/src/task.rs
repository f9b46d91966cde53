//! Tasks (工作任务): the rows of the ledger.

use crate::error::{Invalid, Problem};
use crate::number::{check_non_negative, check_percent, Amount, Percent};
use crate::patch::{
    check_date, dedupe, first_control, in_date_range, nullable, optional_text, required_text, set, Valid,
};

/// A task carries a few tags for filtering, not a word cloud; every tag is
/// stored in each row and shown in the ledger.
pub const MAX_TAGS: usize = 20;
use crate::{Id, Lang};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// 轻重缓急: how urgent and important a task is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// 紧急重要
    #[serde(alias = "紧急重要")]
    UrgentImportant,
    /// 重要
    #[serde(alias = "重要")]
    Important,
    /// 一般
    #[serde(alias = "一般")]
    Normal,
    /// 长期
    #[serde(alias = "长期")]
    LongTerm,
}

impl Priority {
    pub const ALL: [Priority; 4] =
        [Priority::UrgentImportant, Priority::Important, Priority::Normal, Priority::LongTerm];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::UrgentImportant => "urgent_important",
            Priority::Important => "important",
            Priority::Normal => "normal",
            Priority::LongTerm => "long_term",
        }
    }

    /// Sort rank: the most pressing first.
    pub fn rank(self) -> i32 {
        match self {
            Priority::UrgentImportant => 1,
            Priority::Important => 2,
            Priority::Normal => 3,
            Priority::LongTerm => 4,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Priority::UrgentImportant => lang.pick("紧急重要", "urgent and important"),
            Priority::Important => lang.pick("重要", "important"),
            Priority::Normal => lang.pick("一般", "normal"),
            Priority::LongTerm => lang.pick("长期", "long-term"),
        }
    }

    pub fn parse(s: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.as_str() == s || p.label(Lang::Zh) == s)
    }
}

/// 状态: the lifecycle of a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 未启动
    #[serde(alias = "未启动")]
    NotStarted,
    /// 推进中
    #[serde(alias = "推进中")]
    InProgress,
    /// 已完成
    #[serde(alias = "已完成")]
    Done,
    /// 已暂停
    #[serde(alias = "已暂停")]
    Paused,
    /// 已取消
    #[serde(alias = "已取消")]
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 5] =
        [Status::NotStarted, Status::InProgress, Status::Done, Status::Paused, Status::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::NotStarted => "not_started",
            Status::InProgress => "in_progress",
            Status::Done => "done",
            Status::Paused => "paused",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Status::NotStarted => lang.pick("未启动", "not started"),
            Status::InProgress => lang.pick("推进中", "in progress"),
            Status::Done => lang.pick("已完成", "done"),
            Status::Paused => lang.pick("已暂停", "paused"),
            Status::Cancelled => lang.pick("已取消", "cancelled"),
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|p| p.as_str() == s || p.label(Lang::Zh) == s)
    }

    /// Closed tasks can no longer be overdue.
    pub fn is_closed(self) -> bool {
        matches!(self, Status::Done | Status::Cancelled)
    }
}

/// 目标/指标: a quantity to reach, e.g. 14 条.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Target {
    #[schema(value_type = Amount, example = "14")]
    pub value: Decimal,
    /// The measure word (量词): 条, 个, 亿元…
    #[schema(example = "条", min_length = 1, max_length = 16, pattern = r"\S")]
    pub measure: String,
}

/// The longest code a task may have, in characters.
pub const CODE_MAX: usize = 32;

/// Every editable field of a task, as the API accepts it on create and
/// returns it on read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TaskFields {
    pub key_work_id: Id,
    #[serde(default)]
    pub parent_id: Option<Id>,
    /// The number as offices write it, e.g. "1-3", without spaces; unique within a key work.
    #[schema(example = "1-3", min_length = 1, max_length = 32, pattern = r"^\s*\S+\s*$")]
    pub code: String,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub description: String,
    /// 责任单位: exactly one.
    pub lead_unit_id: Id,
    /// 配合单位: zero or more.
    #[serde(default)]
    pub supporting_unit_ids: Vec<Id>,
    /// 责任领导: one or more people.
    #[schema(min_items = 1)]
    pub leader_ids: Vec<Id>,
    #[serde(default = "default_priority")]
    pub priority: Priority,
    #[serde(default = "default_status")]
    pub status: Status,
    #[serde(default)]
    pub start_date: Option<NaiveDate>,
    #[serde(default)]
    pub due_date: Option<NaiveDate>,
    #[serde(default)]
    pub target: Option<Target>,
    /// 计划投资, 万元.
    #[serde(default)]
    #[schema(value_type = Option<Amount>, example = "12000")]
    pub planned_investment: Option<Decimal>,
    /// 完成投资, 万元.
    #[serde(default)]
    #[schema(value_type = Option<Amount>, example = "4500.5")]
    pub completed_investment: Option<Decimal>,
    #[serde(default)]
    #[schema(value_type = Percent, example = "40")]
    pub percent_complete: Decimal,
    /// Free labels; blank ones are dropped, repeated ones kept once.
    #[serde(default)]
    #[schema(schema_with = tags_schema)]
    pub tags: Vec<String>,
}

/// Tags: each at most 32 characters.
fn tags_schema() -> utoipa::openapi::schema::Array {
    let tag = utoipa::openapi::ObjectBuilder::new().schema_type(utoipa::openapi::Type::String).max_length(Some(32));
    utoipa::openapi::schema::ArrayBuilder::new().items(tag).build()
}

fn default_priority() -> Priority {
    Priority::Normal
}

fn default_status() -> Status {
    Status::NotStarted
}

impl TaskFields {
    /// Normalises and checks everything that needs no database.
    /// Whether referenced rows exist is checked by storage, in the same
    /// transaction as the write.
    pub fn validate(mut self) -> Result<Valid<TaskFields>, Invalid> {
        let mut inv = Invalid::default();
        required_text(&mut inv, "code", &mut self.code, CODE_MAX);
        if self.code.chars().any(char::is_whitespace) {
            inv.push("code", Problem::Malformed { expected: "code" });
        }
        required_text(&mut inv, "title", &mut self.title, 200);
        optional_text(&mut inv, "description", &mut self.description, 5000);
        dedupe(&mut self.supporting_unit_ids);
        dedupe(&mut self.leader_ids);
        if self.leader_ids.is_empty() {
            inv.push("leader_ids", Problem::Required);
        }
        if self.supporting_unit_ids.contains(&self.lead_unit_id) {
            inv.push("supporting_unit_ids", Problem::Conflicting { detail: "lead_unit_also_supporting" });
        }
        check_date(&mut inv, "start_date", self.start_date);
        check_date(&mut inv, "due_date", self.due_date);
        if let (Some(start), Some(due)) = (self.start_date, self.due_date) {
            // A year-0000 slip is one error, not two.
            if due < start && in_date_range(start) && in_date_range(due) {
                inv.push("due_date", Problem::DueBeforeStart);
            }
        }
        if let Some(t) = &mut self.target {
            check_non_negative(&mut inv, "target.value", &t.value);
            required_text(&mut inv, "target.measure", &mut t.measure, 16);
        }
        if let Some(v) = &self.planned_investment {
            check_non_negative(&mut inv, "planned_investment", v);
        }
        if let Some(v) = &self.completed_investment {
            check_non_negative(&mut inv, "completed_investment", v);
        }
        check_percent(&mut inv, "percent_complete", &self.percent_complete);
        for tag in &mut self.tags {
            *tag = tag.trim().to_string();
        }
        self.tags.retain(|t| !t.is_empty());
        dedupe(&mut self.tags);
        if self.tags.iter().any(|t| t.chars().count() > 32) {
            inv.push("tags", Problem::TooLong { max: 32 });
        }
        if let Some(c) = self.tags.iter().find_map(|t| first_control(t)) {
            inv.push("tags", Problem::ControlCharacter { code_point: c as u32 });
        }
        if self.tags.len() > MAX_TAGS {
            inv.push("tags", Problem::TooMany { max: MAX_TAGS });
        }
        inv.into_result(Valid::new(self))
    }

    /// Applies a partial update; the result still has to be validated.
    pub fn apply(&self, p: &TaskPatch) -> TaskFields {
        let mut t = self.clone();
        set(&mut t.key_work_id, &p.key_work_id);
        set(&mut t.parent_id, &p.parent_id);
        set(&mut t.code, &p.code);
        set(&mut t.title, &p.title);
        set(&mut t.description, &p.description);
        set(&mut t.lead_unit_id, &p.lead_unit_id);
        set(&mut t.supporting_unit_ids, &p.supporting_unit_ids);
        set(&mut t.leader_ids, &p.leader_ids);
        set(&mut t.priority, &p.priority);
        set(&mut t.status, &p.status);
        set(&mut t.start_date, &p.start_date);
        set(&mut t.due_date, &p.due_date);
        set(&mut t.target, &p.target);
        set(&mut t.planned_investment, &p.planned_investment);
        set(&mut t.completed_investment, &p.completed_investment);
        set(&mut t.percent_complete, &p.percent_complete);
        set(&mut t.tags, &p.tags);
        t
    }

    /// The code with every run of digits zero-padded, so that "1-2" sorts
    /// before "1-10" the way offices number their rows.
    pub fn code_key(&self) -> String {
        code_key(&self.code)
    }

    /// Overdue: the due date has passed and the task is neither done nor cancelled.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        !self.status.is_closed() && self.due_date.is_some_and(|d| d < today)
    }
}

/// See [`TaskFields::code_key`].
pub fn code_key(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + 8);
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if !digits.is_empty() {
            out.push_str(&format!("{:0>8}", digits));
            digits.clear();
        }
    };
    for c in code.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            flush(&mut digits, &mut out);
            out.push(c);
        }
    }
    flush(&mut digits, &mut out);
    out
}

/// A partial update of a task. Absent fields stay as they are; nullable
/// fields may be cleared with `null`. `version` is the version the client
/// last saw: a stale one is refused.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskPatch {
    pub version: i64,
    pub key_work_id: Option<Id>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Id>)]
    pub parent_id: Option<Option<Id>>,
    #[schema(min_length = 1, max_length = 32, pattern = r"^\s*\S+\s*$")]
    pub code: Option<String>,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: Option<String>,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    pub lead_unit_id: Option<Id>,
    pub supporting_unit_ids: Option<Vec<Id>>,
    #[schema(min_items = 1)]
    pub leader_ids: Option<Vec<Id>>,
    pub priority: Option<Priority>,
    pub status: Option<Status>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub start_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub due_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Target>)]
    pub target: Option<Option<Target>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Amount>)]
    pub planned_investment: Option<Option<Decimal>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Amount>)]
    pub completed_investment: Option<Option<Decimal>>,
    #[schema(value_type = Option<Percent>)]
    pub percent_complete: Option<Decimal>,
    #[schema(schema_with = tags_schema)]
    pub tags: Option<Vec<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    pub(crate) fn sample() -> TaskFields {
        serde_json::from_value(serde_json::json!({
            "key_work_id": 1, "code": "1-3", "title": "道路有机更新",
            "lead_unit_id": 10, "leader_ids": [5],
            "start_date": "2021-03-01", "due_date": "2021-12-31"
        }))
        .unwrap()
    }

    fn problems(t: TaskFields) -> Vec<(String, &'static str)> {
        t.validate().unwrap_err().0.into_iter().map(|e| (e.field, e.problem.code())).collect()
    }

    #[test]
    fn defaults_fill_the_optional_fields() {
        let t = sample().validate().unwrap();
        assert_eq!(t.priority, Priority::Normal);
        assert_eq!(t.status, Status::NotStarted);
        assert_eq!(t.percent_complete, Decimal::ZERO);
        assert!(t.supporting_unit_ids.is_empty());
    }

    #[test]
    fn tags_are_few_and_plain() {
        let mut t = sample();
        t.tags = (0..=MAX_TAGS).map(|i| format!("标签{i}")).collect();
        assert_eq!(problems(t), vec![("tags".to_string(), "too_many")]);
        let mut t = sample();
        t.tags = (0..MAX_TAGS).map(|i| format!("标签{i}")).collect();
        assert!(t.validate().is_ok());
        let mut t = sample();
        t.tags = vec!["a\u{0}".into()];
        assert_eq!(problems(t), vec![("tags".to_string(), "control_character")]);
    }

    #[test]
    fn dates_before_1900_or_after_2199_are_refused() {
        let mut t = sample();
        t.start_date = NaiveDate::from_ymd_opt(0, 1, 1);
        t.due_date = NaiveDate::from_ymd_opt(2200, 1, 1);
        assert_eq!(
            problems(t),
            vec![("start_date".to_string(), "out_of_range"), ("due_date".to_string(), "out_of_range")]
        );
    }

    #[test]
    fn due_before_start_is_refused_on_the_due_date() {
        let mut t = sample();
        t.due_date = NaiveDate::from_ymd_opt(2021, 2, 1);
        assert_eq!(problems(t), vec![("due_date".to_string(), "due_before_start")]);
    }

    #[test]
    fn a_task_needs_a_leader_and_a_title() {
        let mut t = sample();
        t.leader_ids.clear();
        t.title = "  ".into();
        let p = problems(t);
        assert!(p.contains(&("leader_ids".into(), "required")));
        assert!(p.contains(&("title".into(), "required")));
    }

    #[test]
    fn lead_unit_cannot_also_support() {
        let mut t = sample();
        t.supporting_unit_ids = vec![11, 10];
        assert_eq!(problems(t), vec![("supporting_unit_ids".to_string(), "conflicting")]);
    }

    #[test]
    fn codes_have_no_spaces() {
        let mut t = sample();
        t.code = "1 3".into();
        assert_eq!(problems(t), vec![("code".to_string(), "malformed")]);
    }

    #[test]
    fn lists_and_tags_are_normalised() {
        let mut t = sample();
        t.leader_ids = vec![5, 6, 5];
        t.tags = vec![" 时序 ".into(), "".into(), "时序".into(), "城建".into()];
        let v = t.validate().unwrap();
        assert_eq!(v.leader_ids, vec![5, 6]);
        assert_eq!(v.tags, vec!["时序".to_string(), "城建".to_string()]);
    }

    #[test]
    fn numbers_are_checked() {
        let mut t = sample();
        t.percent_complete = Decimal::from(120);
        t.planned_investment = Some(Decimal::from(-5));
        t.target = Some(Target { value: Decimal::from_str("14").unwrap(), measure: " ".into() });
        let p = problems(t);
        assert!(p.contains(&("percent_complete".into(), "out_of_range")));
        assert!(p.contains(&("planned_investment".into(), "out_of_range")));
        assert!(p.contains(&("target.measure".into(), "required")));
    }

    #[test]
    fn patch_applies_only_what_it_names() {
        let base = sample();
        let patch: TaskPatch = serde_json::from_value(serde_json::json!({
            "version": 3, "due_date": "2022-01-31", "start_date": null, "status": "推进中"
        }))
        .unwrap();
        let t = base.apply(&patch);
        assert_eq!(t.due_date, NaiveDate::from_ymd_opt(2022, 1, 31));
        assert_eq!(t.start_date, None);
        assert_eq!(t.status, Status::InProgress);
        assert_eq!(t.title, base.title);
    }

    #[test]
    fn patch_refuses_unknown_fields() {
        let r: Result<TaskPatch, _> = serde_json::from_value(serde_json::json!({"version": 1, "titel": "x"}));
        assert!(r.is_err());
    }

    #[test]
    fn chinese_labels_are_accepted_as_input() {
        assert_eq!(Priority::parse("紧急重要"), Some(Priority::UrgentImportant));
        assert_eq!(Status::parse("done"), Some(Status::Done));
        assert_eq!(Status::parse("完成"), None);
        let p: Priority = serde_json::from_str("\"长期\"").unwrap();
        assert_eq!(p, Priority::LongTerm);
    }

    #[test]
    fn overdue_needs_an_open_task_past_its_due_date() {
        let today = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap();
        let mut t = sample();
        assert!(t.is_overdue(today));
        t.status = Status::Done;
        assert!(!t.is_overdue(today));
        t.status = Status::InProgress;
        t.due_date = None;
        assert!(!t.is_overdue(today));
    }

    #[test]
    fn code_keys_sort_numerically() {
        let mut codes = vec!["1-10", "2", "1-2", "10", "1", "1-2-1"];
        codes.sort_by_key(|c| code_key(c));
        assert_eq!(codes, vec!["1", "1-2", "1-2-1", "1-10", "2", "10"]);
        assert_eq!(code_key("一、3"), "一、00000003");
    }

    #[test]
    fn priority_ranks_put_urgent_first() {
        let mut all = Priority::ALL.to_vec();
        all.reverse();
        all.sort_by_key(|p| p.rank());
        assert_eq!(all[0], Priority::UrgentImportant);
        assert_eq!(all[3], Priority::LongTerm);
    }
}
