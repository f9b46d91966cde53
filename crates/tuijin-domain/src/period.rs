//! Reporting periods (填报周期): the stretches of time a lead unit reports
//! progress for, and the deadline of each.
//!
//! Periods are computed, never stored: a [`Schedule`] (cadence, deadline and
//! anchor) maps any date to the one period containing it, so "this week's
//! report" and "the last 12 periods" need no table of periods. A period is
//! identified by its first day ([`Period::key`]), which is what a stored
//! report points at.
//!
//! | cadence | period | deadline |
//! |---|---|---|
//! | weekly | Monday–Sunday (ISO week) | the deadline weekday of that week |
//! | fortnightly | two ISO weeks, counted from the anchor's Monday | the deadline weekday of the second week |
//! | monthly | the calendar month | the deadline day of the month (1–28) |
//!
//! The deadline always lies inside its period: the report on a week is due
//! during that week (Thursday noon by default, in time for the Friday
//! meeting), not after it.

mod deadline;
mod report;

pub use deadline::{DeadlineDay, ReportDeadline};
pub use report::{report_late_days, report_state, submitted_late, ReportFacts, ReportState, ReportStatus};

use crate::Lang;
use chrono::{Datelike, Days, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How often reports are due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    /// 每周: the default, matching the weekly meeting.
    #[default]
    #[serde(alias = "每周")]
    Weekly,
    /// 每两周
    #[serde(alias = "每两周")]
    Fortnightly,
    /// 每月: e.g. for the monthly upward report.
    #[serde(alias = "每月")]
    Monthly,
}

impl Cadence {
    pub const ALL: [Cadence; 3] = [Cadence::Weekly, Cadence::Fortnightly, Cadence::Monthly];

    pub fn as_str(self) -> &'static str {
        match self {
            Cadence::Weekly => "weekly",
            Cadence::Fortnightly => "fortnightly",
            Cadence::Monthly => "monthly",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Cadence::Weekly => lang.pick("每周", "weekly"),
            Cadence::Fortnightly => lang.pick("每两周", "fortnightly"),
            Cadence::Monthly => lang.pick("每月", "monthly"),
        }
    }

    /// Accepts the machine name or the Chinese label.
    pub fn parse(s: &str) -> Option<Cadence> {
        let s = s.trim();
        Cadence::ALL.into_iter().find(|c| c.as_str() == s || c.label(Lang::Zh) == s)
    }
}

/// One reporting period: `start..=end`, with the moment its report is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub struct Period {
    pub start: NaiveDate,
    /// Inclusive: the last day of the period.
    pub end: NaiveDate,
    /// The report is on time when submitted at or before this moment.
    pub deadline: NaiveDateTime,
}

impl Period {
    /// The stable identity of the period: its first day. Reports store it.
    pub fn key(&self) -> NaiveDate {
        self.start
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// Length in days (7, 14, or 28–31).
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

/// The three settings that together define the periods of a key work.
///
/// They always travel together, so they are one value rather than three
/// parameters of every function. `anchor` matters only for fortnightly
/// periods: it fixes which pairs of weeks belong together (e.g. the key
/// work's start date); any day of the anchor's week gives the same periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub cadence: Cadence,
    pub deadline: ReportDeadline,
    pub anchor: NaiveDate,
}

impl Schedule {
    pub fn new(cadence: Cadence, deadline: ReportDeadline, anchor: NaiveDate) -> Schedule {
        Schedule { cadence, deadline, anchor }
    }

    /// The period that `date` falls in.
    pub fn period_containing(&self, date: NaiveDate) -> Period {
        let (start, end) = match self.cadence {
            Cadence::Weekly => {
                let start = monday_of(date);
                (start, start + Days::new(6))
            }
            Cadence::Fortnightly => {
                let anchor = monday_of(self.anchor);
                let weeks = (monday_of(date) - anchor).num_weeks();
                let start = anchor + chrono::Duration::weeks(weeks.div_euclid(2) * 2);
                (start, start + Days::new(13))
            }
            Cadence::Monthly => {
                let start = date.with_day(1).expect("every month has a first day");
                (start, last_day_of_month(date))
            }
        };
        Period { start, end, deadline: self.deadline_in(start, end) }
    }

    pub fn previous(&self, period: &Period) -> Period {
        self.period_containing(period.start - Days::new(1))
    }

    pub fn next(&self, period: &Period) -> Period {
        self.period_containing(period.end + Days::new(1))
    }

    /// Every period overlapping `from..=to`, oldest first; empty when
    /// `from > to`.
    pub fn periods_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<Period> {
        let mut out = Vec::new();
        if from > to {
            return out;
        }
        let mut p = self.period_containing(from);
        while p.start <= to {
            out.push(p);
            p = self.next(&p);
        }
        out
    }

    /// The `n` periods ending with the one containing `today`, oldest first
    /// (for "the last 12 periods" charts).
    pub fn last_periods(&self, n: usize, today: NaiveDate) -> Vec<Period> {
        let mut out = Vec::with_capacity(n);
        let mut p = self.period_containing(today);
        for _ in 0..n {
            out.push(p);
            p = self.previous(&p);
        }
        out.reverse();
        out
    }

    /// A deadline that does not fit the cadence (a weekday for monthly
    /// periods, a day of the month for weekly ones) falls on the period's
    /// last day; [`ReportDeadline::check_for`] refuses such a configuration,
    /// so this is only a total fallback.
    fn deadline_in(&self, start: NaiveDate, end: NaiveDate) -> NaiveDateTime {
        let day = match (self.cadence, self.deadline.day()) {
            (Cadence::Weekly, DeadlineDay::Weekday(w)) => start + Days::new(w.num_days_from_monday().into()),
            (Cadence::Fortnightly, DeadlineDay::Weekday(w)) => {
                start + Days::new(7 + u64::from(w.num_days_from_monday()))
            }
            (Cadence::Monthly, DeadlineDay::DayOfMonth(d)) => start.with_day(d).unwrap_or(end),
            _ => end,
        };
        day.and_time(self.deadline.time())
    }
}

fn monday_of(date: NaiveDate) -> NaiveDate {
    date - Days::new(date.weekday().num_days_from_monday().into())
}

fn last_day_of_month(date: NaiveDate) -> NaiveDate {
    let (y, m) = if date.month() == 12 { (date.year() + 1, 1) } else { (date.year(), date.month() + 1) };
    NaiveDate::from_ymd_opt(y, m, 1).expect("first of a month is a date") - Days::new(1)
}

#[cfg(test)]
mod tests;
