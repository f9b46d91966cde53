//! Where the report of one task for one period stands.
//!
//! Stored reports carry a [`ReportStatus`]; what users see is a
//! [`ReportState`], which adds what time tells: whether the period has
//! begun, and whether its deadline passed with nothing submitted.
//!
//! A report submitted after the deadline is [`ReportState::Submitted`], not
//! `Late`: the state says what happens next (the office reviews it), while
//! the lateness itself is a separate fact, [`submitted_late`], which
//! assessment counts. `Late` (逾期未报) means the deadline passed and the
//! office has nothing to review — no report, or only a draft.

use super::Period;
use crate::Lang;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The stored lifecycle of a progress report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// 草稿: saved by the unit, not yet sent.
    #[serde(alias = "草稿")]
    Draft,
    /// 已提交: waiting for the office's review.
    #[serde(alias = "已提交")]
    Submitted,
    /// 已退回: the office sent it back for changes.
    #[serde(alias = "已退回")]
    Returned,
    /// 已采纳: accepted; its progress counts.
    #[serde(alias = "已采纳")]
    Accepted,
}

impl ReportStatus {
    pub const ALL: [ReportStatus; 4] =
        [ReportStatus::Draft, ReportStatus::Submitted, ReportStatus::Returned, ReportStatus::Accepted];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Draft => "draft",
            ReportStatus::Submitted => "submitted",
            ReportStatus::Returned => "returned",
            ReportStatus::Accepted => "accepted",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ReportStatus::Draft => lang.pick("草稿", "draft"),
            ReportStatus::Submitted => lang.pick("已提交", "submitted"),
            ReportStatus::Returned => lang.pick("已退回", "returned"),
            ReportStatus::Accepted => lang.pick("已采纳", "accepted"),
        }
    }

    pub fn parse(s: &str) -> Option<ReportStatus> {
        ReportStatus::ALL.into_iter().find(|r| r.as_str() == s || r.label(Lang::Zh) == s)
    }
}

/// What [`report_state`] needs to know about a stored report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportFacts {
    pub status: ReportStatus,
    /// When it was (last) submitted; `None` for a draft never sent.
    pub submitted_at: Option<NaiveDateTime>,
}

/// The state of a (task, period) report as users see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    /// 未到期: the period has not begun; nothing is expected yet.
    NotDue,
    /// 待填报: the period has begun, the deadline has not passed, nothing saved.
    Due,
    /// 草稿: a draft exists and the deadline has not passed.
    Draft,
    /// 已提交: waiting for review (whether or not it came late).
    Submitted,
    /// 逾期未报: the deadline passed with no report, or only a draft.
    Late,
    /// 已退回: the unit must revise and resubmit.
    Returned,
    /// 已采纳
    Accepted,
}

impl ReportState {
    pub const ALL: [ReportState; 7] = [
        ReportState::NotDue,
        ReportState::Due,
        ReportState::Draft,
        ReportState::Submitted,
        ReportState::Late,
        ReportState::Returned,
        ReportState::Accepted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportState::NotDue => "not_due",
            ReportState::Due => "due",
            ReportState::Draft => "draft",
            ReportState::Submitted => "submitted",
            ReportState::Late => "late",
            ReportState::Returned => "returned",
            ReportState::Accepted => "accepted",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ReportState::NotDue => lang.pick("未到期", "not yet due"),
            ReportState::Due => lang.pick("待填报", "due"),
            ReportState::Draft => lang.pick("草稿", "draft"),
            ReportState::Submitted => lang.pick("已提交", "submitted"),
            ReportState::Late => lang.pick("逾期未报", "late"),
            ReportState::Returned => lang.pick("已退回", "returned"),
            ReportState::Accepted => lang.pick("已采纳", "accepted"),
        }
    }
}

/// The state of the report on `period` at the moment `now`. The deadline
/// itself is still on time: `Late` begins after it.
pub fn report_state(period: &Period, report: Option<ReportFacts>, now: NaiveDateTime) -> ReportState {
    let past_deadline = now > period.deadline;
    match report.map(|r| r.status) {
        Some(ReportStatus::Submitted) => ReportState::Submitted,
        Some(ReportStatus::Returned) => ReportState::Returned,
        Some(ReportStatus::Accepted) => ReportState::Accepted,
        Some(ReportStatus::Draft) | None if past_deadline => ReportState::Late,
        Some(ReportStatus::Draft) => ReportState::Draft,
        None if now.date() < period.start => ReportState::NotDue,
        None => ReportState::Due,
    }
}

/// Whether a submission came after the period's deadline (at the deadline
/// is on time).
pub fn submitted_late(period: &Period, submitted_at: NaiveDateTime) -> bool {
    submitted_at > period.deadline
}

/// How many days the report is overdue, for the lamp's `report_late_days`:
/// `Some(n)` only in [`ReportState::Late`], counting every started day
/// after the deadline (Thursday 12:00 → Thursday 15:00 is 1 day). A report
/// submitted late, or returned, is not "late" here: the unit has reported.
pub fn report_late_days(period: &Period, report: Option<ReportFacts>, now: NaiveDateTime) -> Option<i64> {
    if report_state(period, report, now) != ReportState::Late {
        return None;
    }
    let minutes = (now - period.deadline).num_minutes();
    Some(((minutes + 24 * 60 - 1) / (24 * 60)).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    /// The week of 1 March 2021 (a Monday), due Thursday 4 March 12:00.
    fn week() -> Period {
        Period { start: d(1), end: d(7), deadline: at(4, 12, 0) }
    }

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, 3, day).unwrap()
    }

    fn at(day: u32, h: u32, m: u32) -> NaiveDateTime {
        d(day).and_hms_opt(h, m, 0).unwrap()
    }

    fn facts(status: ReportStatus, submitted_at: Option<NaiveDateTime>) -> Option<ReportFacts> {
        Some(ReportFacts { status, submitted_at })
    }

    #[test]
    fn nothing_is_due_before_the_period_begins() {
        let before = NaiveDate::from_ymd_opt(2021, 2, 28).unwrap().and_hms_opt(23, 59, 0).unwrap();
        assert_eq!(report_state(&week(), None, before), ReportState::NotDue);
        assert_eq!(report_state(&week(), None, at(1, 0, 0)), ReportState::Due);
    }

    #[test]
    fn due_until_the_deadline_then_late() {
        assert_eq!(report_state(&week(), None, at(4, 12, 0)), ReportState::Due);
        assert_eq!(report_state(&week(), None, at(4, 12, 1)), ReportState::Late);
        assert_eq!(report_state(&week(), None, at(20, 9, 0)), ReportState::Late);
    }

    #[test]
    fn a_draft_turns_late_at_the_deadline() {
        let draft = facts(ReportStatus::Draft, None);
        assert_eq!(report_state(&week(), draft, at(3, 9, 0)), ReportState::Draft);
        assert_eq!(report_state(&week(), draft, at(4, 12, 0)), ReportState::Draft);
        assert_eq!(report_state(&week(), draft, at(4, 13, 0)), ReportState::Late);
    }

    #[test]
    fn submitted_returned_and_accepted_ignore_the_clock() {
        for now in [at(2, 9, 0), at(4, 12, 1), at(30, 9, 0)] {
            let s = facts(ReportStatus::Submitted, Some(at(2, 8, 0)));
            assert_eq!(report_state(&week(), s, now), ReportState::Submitted);
            let r = facts(ReportStatus::Returned, Some(at(2, 8, 0)));
            assert_eq!(report_state(&week(), r, now), ReportState::Returned);
            let a = facts(ReportStatus::Accepted, Some(at(2, 8, 0)));
            assert_eq!(report_state(&week(), a, now), ReportState::Accepted);
        }
    }

    #[test]
    fn a_late_submission_is_submitted_but_flagged_late() {
        let s = facts(ReportStatus::Submitted, Some(at(5, 10, 0)));
        assert_eq!(report_state(&week(), s, at(5, 11, 0)), ReportState::Submitted);
        assert!(submitted_late(&week(), at(5, 10, 0)));
        assert!(!submitted_late(&week(), at(4, 12, 0)));
        assert!(!submitted_late(&week(), at(1, 8, 0)));
    }

    #[test]
    fn late_days_count_started_days_after_the_deadline() {
        assert_eq!(report_late_days(&week(), None, at(4, 12, 0)), None);
        assert_eq!(report_late_days(&week(), None, at(4, 12, 1)), Some(1));
        assert_eq!(report_late_days(&week(), None, at(5, 12, 0)), Some(1));
        assert_eq!(report_late_days(&week(), None, at(5, 12, 1)), Some(2));
        assert_eq!(report_late_days(&week(), facts(ReportStatus::Draft, None), at(6, 9, 0)), Some(2));
        let submitted = facts(ReportStatus::Submitted, Some(at(6, 9, 0)));
        assert_eq!(report_late_days(&week(), submitted, at(7, 9, 0)), None);
    }

    #[test]
    fn statuses_parse_and_label() {
        for s in ReportStatus::ALL {
            assert_eq!(ReportStatus::parse(s.as_str()), Some(s));
            assert_eq!(ReportStatus::parse(s.label(Lang::Zh)), Some(s));
        }
        assert_eq!(ReportStatus::Returned.label(Lang::Zh), "已退回");
        assert_eq!(ReportStatus::Accepted.label(Lang::En), "accepted");
        assert_eq!(ReportStatus::parse("done"), None);
        let s: ReportStatus = serde_json::from_str("\"已采纳\"").unwrap();
        assert_eq!(s, ReportStatus::Accepted);
    }

    #[test]
    fn states_have_codes_and_labels() {
        let zh: Vec<&str> = ReportState::ALL.iter().map(|s| s.label(Lang::Zh)).collect();
        assert_eq!(zh, ["未到期", "待填报", "草稿", "已提交", "逾期未报", "已退回", "已采纳"]);
        assert_eq!(serde_json::to_string(&ReportState::NotDue).unwrap(), "\"not_due\"");
        for s in ReportState::ALL {
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.as_str()));
        }
    }
}
