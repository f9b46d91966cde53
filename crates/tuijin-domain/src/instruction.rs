//! Leader instructions (领导批示) and the lead unit's feedback (反馈): a
//! leader writes on a task, the lead unit must answer within a set number
//! of days; an instruction without an answer past that is overdue and is
//! reminded.

use crate::error::{Invalid, Problem};
use crate::patch::{required_text, Valid};
use crate::Lang;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Days to answer when the leader sets none.
pub const DEFAULT_RESPOND_DAYS: u32 = 7;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InstructionFields {
    #[schema(
        example = "请抓紧协调交警部门，确保月底前完成管线迁改。",
        min_length = 1,
        max_length = 2000,
        pattern = r"\S"
    )]
    pub text: String,
    /// Days the lead unit has to answer (1–60, 7 by default).
    #[serde(default = "default_days")]
    #[schema(minimum = 1, maximum = 60, default = 7)]
    pub respond_within_days: u32,
}

fn default_days() -> u32 {
    DEFAULT_RESPOND_DAYS
}

impl InstructionFields {
    pub fn validate(mut self) -> Result<Valid<InstructionFields>, Invalid> {
        let mut inv = Invalid::default();
        required_text(&mut inv, "text", &mut self.text, 2000);
        if !(1..=60).contains(&self.respond_within_days) {
            inv.push("respond_within_days", Problem::OutOfRange { min: "1".into(), max: "60".into() });
        }
        inv.into_result(Valid::new(self))
    }
}

/// A reply (反馈) in an instruction's thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReplyFields {
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub text: String,
}

impl ReplyFields {
    pub fn validate(mut self) -> Result<Valid<ReplyFields>, Invalid> {
        let mut inv = Invalid::default();
        required_text(&mut inv, "text", &mut self.text, 2000);
        inv.into_result(Valid::new(self))
    }
}

/// Where an instruction stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InstructionState {
    /// Waiting for the lead unit's answer, still in time.
    Awaiting,
    /// No answer and the time to answer has passed.
    Overdue,
    Answered,
}

impl InstructionState {
    pub fn as_str(self) -> &'static str {
        match self {
            InstructionState::Awaiting => "awaiting",
            InstructionState::Overdue => "overdue",
            InstructionState::Answered => "answered",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            InstructionState::Awaiting => lang.pick("待反馈", "awaiting feedback"),
            InstructionState::Overdue => lang.pick("逾期未反馈", "feedback overdue"),
            InstructionState::Answered => lang.pick("已反馈", "answered"),
        }
    }
}

/// The last day the lead unit may answer: `days` after the instruction.
pub fn answer_due(written: NaiveDate, days: u32) -> NaiveDate {
    written + Days::new(days.into())
}

/// The state on `today`: answered once the lead unit has replied;
/// overdue from the day after the answer was due.
pub fn state(written: NaiveDate, days: u32, answered: bool, today: NaiveDate) -> InstructionState {
    if answered {
        InstructionState::Answered
    } else if today > answer_due(written, days) {
        InstructionState::Overdue
    } else {
        InstructionState::Awaiting
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, m, day).unwrap()
    }

    #[test]
    fn an_instruction_needs_words_and_a_sensible_time_to_answer() {
        let ok = InstructionFields { text: " 请加快进度 ".into(), respond_within_days: 7 }.validate().unwrap();
        assert_eq!(ok.text, "请加快进度");
        let e = InstructionFields { text: "".into(), respond_within_days: 0 }.validate().unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["text", "respond_within_days"]);
        assert!(InstructionFields { text: "x".into(), respond_within_days: 61 }.validate().is_err());
        assert!(ReplyFields { text: "  ".into() }.validate().is_err());
    }

    #[test]
    fn the_default_is_a_week() {
        let f: InstructionFields = serde_json::from_str(r#"{"text": "请研究"}"#).unwrap();
        assert_eq!(f.respond_within_days, DEFAULT_RESPOND_DAYS);
    }

    #[test]
    fn overdue_starts_the_day_after_the_answer_was_due() {
        assert_eq!(answer_due(d(6, 1), 7), d(6, 8));
        assert_eq!(state(d(6, 1), 7, false, d(6, 8)), InstructionState::Awaiting);
        assert_eq!(state(d(6, 1), 7, false, d(6, 9)), InstructionState::Overdue);
        assert_eq!(state(d(6, 1), 7, true, d(7, 1)), InstructionState::Answered);
        assert_eq!(InstructionState::Overdue.label(Lang::Zh), "逾期未反馈");
    }
}
