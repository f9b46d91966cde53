//! Why a lamp is not green: one value per rule that held, with the numbers
//! behind it, rendered as a sentence in the reader's language.

use super::LampColor;
use crate::Lang;
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

/// One reason for a lamp's colour. Serialised as `{"code": "…", …data}`;
/// the API adds the sentence from [`Reason::text`] in the caller's language.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Reason {
    /// Red: a milestone not done is past its planned date.
    MilestoneOverdue { title: String, planned_date: NaiveDate, days: i64 },
    /// Red: the task is past its due date.
    DueDatePassed { due: NaiveDate, days: i64 },
    /// Red: at the current pace the task finishes after its due date.
    ForecastAfterDue { forecast: NaiveDate, due: NaiveDate },
    /// Yellow: a milestone is due within the warning days and behind.
    /// `measure` is the target's measure word (条, 个…), "" without one,
    /// or "%" when the task's percentages were compared instead.
    MilestoneSoonBehind {
        title: String,
        planned_date: NaiveDate,
        in_days: i64,
        planned: f64,
        actual: f64,
        measure: String,
    },
    /// Yellow: progress is more than X points behind the trajectory.
    BehindTrajectory { planned: f64, actual: f64, points: f64 },
    /// Yellow: this period's report is late.
    ReportLate { days: i64 },
}

impl Reason {
    /// The stable machine code, as serialised.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::MilestoneOverdue { .. } => "milestone_overdue",
            Reason::DueDatePassed { .. } => "due_date_passed",
            Reason::ForecastAfterDue { .. } => "forecast_after_due",
            Reason::MilestoneSoonBehind { .. } => "milestone_soon_behind",
            Reason::BehindTrajectory { .. } => "behind_trajectory",
            Reason::ReportLate { .. } => "report_late",
        }
    }

    /// The colour this reason alone gives the lamp.
    pub fn color(&self) -> LampColor {
        match self {
            Reason::MilestoneOverdue { .. } | Reason::DueDatePassed { .. } | Reason::ForecastAfterDue { .. } => {
                LampColor::Red
            }
            Reason::MilestoneSoonBehind { .. } | Reason::BehindTrajectory { .. } | Reason::ReportLate { .. } => {
                LampColor::Yellow
            }
        }
    }

    /// The sentence a person reads, e.g. `节点“主体结构封顶”已逾期5天`.
    pub fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (Reason::MilestoneOverdue { title, days, .. }, Lang::Zh) => format!("节点“{title}”已逾期{days}天"),
            (Reason::MilestoneOverdue { title, days, .. }, Lang::En) => {
                format!("milestone \"{title}\" is {} overdue", en_days(*days))
            }
            (Reason::DueDatePassed { days, .. }, Lang::Zh) => format!("已超过完成时限{days}天"),
            (Reason::DueDatePassed { days, .. }, Lang::En) => format!("{} past the due date", en_days(*days)),
            (Reason::ForecastAfterDue { forecast, due }, _) => format!(
                "{}{}{}{}",
                lang.pick("按目前进度预计", "at the current pace it will finish on "),
                lang.date(*forecast),
                lang.pick("完成，晚于完成时限", ", after the due date "),
                lang.date(*due),
            ),
            (Reason::MilestoneSoonBehind { title, in_days, planned, actual, measure, .. }, Lang::Zh) => {
                let when =
                    if *in_days == 0 { "今天到期".to_string() } else { format!("将于{in_days}天后到期") };
                format!("节点“{title}”{when}，计划完成{planned}{measure}，实际完成{actual}{measure}")
            }
            (Reason::MilestoneSoonBehind { title, in_days, planned, actual, measure, .. }, Lang::En) => {
                let when = if *in_days == 0 { "today".to_string() } else { format!("in {}", en_days(*in_days)) };
                let (p, a) = (en_amount(*planned, measure), en_amount(*actual, measure));
                format!("milestone \"{title}\" is due {when}: planned {p}, actual {a}")
            }
            (Reason::BehindTrajectory { planned, actual, points }, Lang::Zh) => {
                format!("进度落后计划{points}个百分点（计划{planned}%，实际{actual}%）")
            }
            (Reason::BehindTrajectory { planned, actual, points }, Lang::En) => {
                format!("progress is {points} points behind plan (planned {planned}%, actual {actual}%)")
            }
            (Reason::ReportLate { days }, Lang::Zh) => format!("本期进度未按时报送（逾期{days}天）"),
            (Reason::ReportLate { days }, Lang::En) => format!("this period's report is {} late", en_days(*days)),
        }
    }
}

fn en_days(n: i64) -> String {
    if n == 1 {
        "1 day".to_string()
    } else {
        format!("{n} days")
    }
}

/// `45%`, `7 条`, or a bare `7` without a measure word.
fn en_amount(x: f64, measure: &str) -> String {
    match measure {
        "" => x.to_string(),
        "%" => format!("{x}%"),
        m => format!("{x} {m}"),
    }
}
