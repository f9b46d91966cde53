//! The warning lamp (红黄绿灯预警) of a task: green on track, yellow at
//! risk, red overdue or forecast to miss its deadline.
//!
//! [`evaluate`] applies every rule and keeps every reason that holds, so a
//! leader sees all of what is wrong, not only the first thing; the colour is
//! the worst of them. N, X and the report rule come from [`LampConfig`].
//!
//! | # | colour | rule | reason code |
//! |---|---|---|---|
//! | 0 | green | status is done or cancelled: not judged, no reasons | — |
//! | 1 | red | a milestone not done whose planned date is before today | `milestone_overdue` |
//! | 2 | red | the due date is before today (the task is not done) | `due_date_passed` |
//! | 3 | red | the forecast finish (from reported progress) is after the due date; not for paused tasks | `forecast_after_due` |
//! | 4 | yellow | a milestone not done, due in 0–N days, behind: its actual value below its planned value (no actual value counts as 0); for a milestone without a planned value, the task's actual percent below the planned percent on the milestone's date | `milestone_soon_behind` |
//! | 5 | yellow | the actual percent is more than X points below the planned percent today | `behind_trajectory` |
//! | 6 | yellow | this period's report is late and `report_late_is_yellow` | `report_late` |
//! | 7 | green | none of the above | — |
//!
//! - *Actual percent*: the latest point of `progress` (reported cumulative
//!   progress, e.g. from accepted reports), or the task's
//!   `percent_complete` when there is none.
//! - *Planned percent*: [`trajectory::planned_percent_at`] today on the
//!   task's [`trajectory::planned_path`]; a task without any date has none,
//!   and rules 4 (for unvalued milestones) and 5 do not apply.
//! - *Forecast finish*: [`trajectory::forecast_finish`] over `progress`;
//!   with fewer than two points or no progress there is none, and rule 3
//!   does not apply (rules 2 and 5 catch a stalled task).
//! - A paused task (已暂停) is judged like any other, except that it gets no
//!   forecast: it is not moving by decision, and its old pace says nothing
//!   about when it will finish.
//! - A task past its due date usually also has rule 3's reason: both are
//!   kept, since the forecast tells when it will actually finish.

mod reason;

pub use reason::Reason;

use crate::error::{Invalid, Problem};
use crate::milestone::MilestoneFields;
use crate::task::{Status, TaskFields};
use crate::trajectory::{self, to_f64, Point};
use crate::Lang;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The colour of a lamp. Ordered by severity: `Red > Yellow > Green`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LampColor {
    Green,
    Yellow,
    Red,
}

impl LampColor {
    pub const ALL: [LampColor; 3] = [LampColor::Green, LampColor::Yellow, LampColor::Red];

    pub fn as_str(self) -> &'static str {
        match self {
            LampColor::Green => "green",
            LampColor::Yellow => "yellow",
            LampColor::Red => "red",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            LampColor::Green => lang.pick("绿灯", "green"),
            LampColor::Yellow => lang.pick("黄灯", "yellow"),
            LampColor::Red => lang.pick("红灯", "red"),
        }
    }

    pub fn parse(s: &str) -> Option<LampColor> {
        LampColor::ALL.into_iter().find(|c| c.as_str() == s || c.label(Lang::Zh) == s)
    }
}

/// How many lamps of each colour, for rolling tasks up into a key work, a
/// unit or the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, ToSchema)]
pub struct LampCounts {
    pub green: usize,
    pub yellow: usize,
    pub red: usize,
}

impl LampCounts {
    pub fn add(&mut self, color: LampColor) {
        match color {
            LampColor::Green => self.green += 1,
            LampColor::Yellow => self.yellow += 1,
            LampColor::Red => self.red += 1,
        }
    }

    /// Adds another roll-up (e.g. a sub-task's) into this one.
    pub fn merge(&mut self, other: &LampCounts) {
        self.green += other.green;
        self.yellow += other.yellow;
        self.red += other.red;
    }

    pub fn total(&self) -> usize {
        self.green + self.yellow + self.red
    }

    /// The most severe colour counted; `None` when nothing was counted
    /// (no tasks is not the same as all green).
    pub fn worst(&self) -> Option<LampColor> {
        [(self.red, LampColor::Red), (self.yellow, LampColor::Yellow), (self.green, LampColor::Green)]
            .into_iter()
            .find_map(|(n, c)| (n > 0).then_some(c))
    }
}

impl FromIterator<LampColor> for LampCounts {
    fn from_iter<I: IntoIterator<Item = LampColor>>(iter: I) -> Self {
        let mut counts = LampCounts::default();
        iter.into_iter().for_each(|c| counts.add(c));
        counts
    }
}

/// The thresholds of the rules, set per deployment (TOML/JSON config);
/// absent fields take their defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LampConfig {
    /// N: a milestone due within this many days and behind plan is yellow.
    pub milestone_warning_days: i64,
    /// X: progress more than this many percentage points behind the
    /// trajectory is yellow.
    pub behind_points: f64,
    /// Whether a late report alone turns the lamp yellow.
    pub report_late_is_yellow: bool,
}

impl Default for LampConfig {
    fn default() -> Self {
        LampConfig { milestone_warning_days: 7, behind_points: 10.0, report_late_is_yellow: true }
    }
}

impl LampConfig {
    /// N in 0–365 days, X in 0–100 points.
    pub fn validate(self) -> Result<Self, Invalid> {
        let mut inv = Invalid::default();
        if !(0..=365).contains(&self.milestone_warning_days) {
            inv.push("milestone_warning_days", Problem::OutOfRange { min: "0".into(), max: "365".into() });
        }
        if !(0.0..=100.0).contains(&self.behind_points) {
            inv.push("behind_points", Problem::OutOfRange { min: "0".into(), max: "100".into() });
        }
        inv.into_result(self)
    }
}

/// Everything the rules look at. The caller gathers it; nothing is read here.
#[derive(Debug, Clone, Copy)]
pub struct LampInput<'a> {
    pub task: &'a TaskFields,
    pub milestones: &'a [MilestoneFields],
    /// Reported actual cumulative percent by date (e.g. from accepted
    /// reports), in any order; may be empty.
    pub progress: &'a [Point],
    /// `Some(n)` when this period's report is n days late
    /// (see [`crate::period::report_late_days`]).
    pub report_late_days: Option<i64>,
    pub today: NaiveDate,
}

/// A task's lamp with everything that lit it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Lamp {
    pub color: LampColor,
    /// Every rule that holds, reds first, in the order of the rule table.
    pub reasons: Vec<Reason>,
    pub forecast_finish: Option<NaiveDate>,
    /// Planned percent today (one decimal); `None` without a plan.
    pub planned_percent: Option<f64>,
    /// The actual percent the rules used (one decimal).
    pub actual_percent: f64,
}

/// Differences below this are float noise, not "behind".
const EPSILON: f64 = 1e-6;

/// Applies the rules of the table above.
pub fn evaluate(input: &LampInput, config: &LampConfig) -> Lamp {
    let task = input.task;
    let actual = actual_percent(input);
    if task.status.is_closed() {
        return Lamp {
            color: LampColor::Green,
            reasons: vec![],
            forecast_finish: None,
            planned_percent: None,
            actual_percent: round1(actual),
        };
    }
    let today = input.today;
    let path = trajectory::planned_path(task, input.milestones);
    let planned = trajectory::planned_percent_at(&path, today);
    let forecast =
        if task.status == Status::Paused { None } else { trajectory::forecast_finish(input.progress, today) };
    let open: Vec<&MilestoneFields> = input.milestones.iter().filter(|m| !m.done).collect();
    let mut reasons = Vec::new();

    for m in &open {
        if m.planned_date < today {
            let days = (today - m.planned_date).num_days();
            reasons.push(Reason::MilestoneOverdue { title: m.title.clone(), planned_date: m.planned_date, days });
        }
    }
    if let Some(due) = task.due_date.filter(|due| *due < today) {
        reasons.push(Reason::DueDatePassed { due, days: (today - due).num_days() });
    }
    if let (Some(forecast), Some(due)) = (forecast, task.due_date) {
        if forecast > due {
            reasons.push(Reason::ForecastAfterDue { forecast, due });
        }
    }
    for m in &open {
        if let Some(r) = milestone_soon_behind(m, task, &path, actual, today, config) {
            reasons.push(r);
        }
    }
    if let Some(p) = planned {
        if p - actual > config.behind_points + EPSILON {
            reasons.push(Reason::BehindTrajectory {
                planned: round1(p),
                actual: round1(actual),
                points: round1(p - actual),
            });
        }
    }
    if let (Some(days), true) = (input.report_late_days, config.report_late_is_yellow) {
        reasons.push(Reason::ReportLate { days });
    }

    let color = reasons.iter().map(Reason::color).max().unwrap_or(LampColor::Green);
    Lamp {
        color,
        reasons,
        forecast_finish: forecast,
        planned_percent: planned.map(round1),
        actual_percent: round1(actual),
    }
}

/// Rule 4 for one open milestone.
fn milestone_soon_behind(
    m: &MilestoneFields,
    task: &TaskFields,
    path: &[Point],
    actual_percent: f64,
    today: NaiveDate,
    config: &LampConfig,
) -> Option<Reason> {
    let in_days = (m.planned_date - today).num_days();
    if !(0..=config.milestone_warning_days).contains(&in_days) {
        return None;
    }
    let (planned, actual, measure) = match &m.planned_value {
        Some(pv) => {
            let measure = task.target.as_ref().map(|t| t.measure.clone()).unwrap_or_default();
            (to_f64(pv), m.actual_value.as_ref().map_or(0.0, to_f64), measure)
        }
        None => (trajectory::planned_percent_at(path, m.planned_date)?, actual_percent, "%".to_string()),
    };
    if actual + EPSILON >= planned {
        return None;
    }
    // Values are the milestone's own (exact decimals); percents are shown to one decimal.
    let shown = |x: f64| if m.planned_value.is_some() { x } else { round1(x) };
    Some(Reason::MilestoneSoonBehind {
        title: m.title.clone(),
        planned_date: m.planned_date,
        in_days,
        planned: shown(planned),
        actual: shown(actual),
        measure,
    })
}

/// The latest reported point (the last given, among points of one date),
/// else the task's own percent.
fn actual_percent(input: &LampInput) -> f64 {
    let latest = input.progress.iter().fold(None::<&Point>, |best, p| match best {
        Some(b) if b.0 > p.0 => Some(b),
        _ => Some(p),
    });
    latest.map_or_else(|| to_f64(&input.task.percent_complete), |p| p.1)
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests;
