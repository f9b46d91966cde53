//! When a period's report is due: a day within the period and a time of day.
//!
//! Written in config and the API as `"thu 12:00"` (a weekday, for weekly and
//! fortnightly periods) or `"25 12:00"` (a day of the month, for monthly
//! ones). Chinese weekdays (`"周四 12:00"`, `"星期四 12:00"`) and `"25日"` are
//! read too, since offices type them.

use super::Cadence;
use crate::error::{Invalid, Problem};
use crate::Lang;
use chrono::{NaiveTime, Timelike, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The field name errors carry.
const FIELD: &str = "report_deadline";

/// The shape every deadline has, as the OpenAPI document states it: a day
/// (a weekday or a day of the month) and a time of day. Which days are
/// real, and which suit the cadence, [`ReportDeadline::parse`] decides.
pub const PATTERN: &str = r"^\s*\S+\s+[0-9]{1,2}:[0-9]{2}\s*$";

/// The day of the deadline within its period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeadlineDay {
    /// Weekly and fortnightly periods: this weekday (of the second week, for
    /// fortnightly periods).
    Weekday(Weekday),
    /// Monthly periods: this day of the month. Limited to 1–28 so every
    /// month has it and no clamping rule is needed.
    DayOfMonth(u32),
}

/// A report deadline. Its fields are private: a value that exists is valid
/// (a real time, a day of the month in 1–28).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReportDeadline {
    day: DeadlineDay,
    time: NaiveTime,
}

/// Thursday 12:00: reports are in before the weekly meeting.
impl Default for ReportDeadline {
    fn default() -> Self {
        ReportDeadline { day: DeadlineDay::Weekday(Weekday::Thu), time: hm(12, 0) }
    }
}

impl ReportDeadline {
    pub fn on_weekday(weekday: Weekday, hour: u32, minute: u32) -> Result<Self, Invalid> {
        Ok(ReportDeadline { day: DeadlineDay::Weekday(weekday), time: time(hour, minute)? })
    }

    pub fn on_day_of_month(day: u32, hour: u32, minute: u32) -> Result<Self, Invalid> {
        if !(1..=28).contains(&day) {
            return Err(Invalid::one(FIELD, Problem::OutOfRange { min: "1".into(), max: "28".into() }));
        }
        Ok(ReportDeadline { day: DeadlineDay::DayOfMonth(day), time: time(hour, minute)? })
    }

    /// The usual deadline for a cadence: Thursday 12:00 for weekly and
    /// fortnightly reports; the 25th at 12:00 for monthly ones, leaving the
    /// last days of the month to compile the upward report.
    pub fn default_for(cadence: Cadence) -> Self {
        match cadence {
            Cadence::Weekly | Cadence::Fortnightly => ReportDeadline::default(),
            Cadence::Monthly => ReportDeadline { day: DeadlineDay::DayOfMonth(25), time: hm(12, 0) },
        }
    }

    pub fn day(&self) -> DeadlineDay {
        self.day
    }

    pub fn time(&self) -> NaiveTime {
        self.time
    }

    /// Weekly and fortnightly periods need a weekday, monthly ones a day of
    /// the month. Config loading calls this once the cadence is known.
    pub fn check_for(self, cadence: Cadence) -> Result<Self, Invalid> {
        match (cadence, self.day) {
            (Cadence::Weekly | Cadence::Fortnightly, DeadlineDay::Weekday(_))
            | (Cadence::Monthly, DeadlineDay::DayOfMonth(_)) => Ok(self),
            _ => Err(Invalid::one(FIELD, Problem::Conflicting { detail: "deadline_cadence" })),
        }
    }

    /// Reads `"thu 12:00"`, `"Thursday 9:30"`, `"周四 12:00"`, `"25 17:00"`, `"25日 17:00"`.
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let malformed = || Invalid::one(FIELD, Problem::Malformed { expected: FIELD });
        let mut parts = s.split_whitespace();
        let (Some(day), Some(clock), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(malformed());
        };
        let t = NaiveTime::parse_from_str(clock, "%H:%M").map_err(|_| malformed())?;
        let digits = day.trim_end_matches(['日', '号']);
        if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
            let d = digits.parse().map_err(|_| malformed())?;
            return ReportDeadline::on_day_of_month(d, t.hour(), t.minute());
        }
        let weekday = parse_weekday(day).ok_or_else(malformed)?;
        Ok(ReportDeadline { day: DeadlineDay::Weekday(weekday), time: t })
    }

    /// For people: `周四 12:00` / `每月25日 12:00`; `Thu 12:00` / `day 25 of the month, 12:00`.
    pub fn label(&self, lang: Lang) -> String {
        let clock = self.time.format("%H:%M");
        match (self.day, lang) {
            (DeadlineDay::Weekday(w), Lang::Zh) => format!("{} {clock}", weekday_zh(w)),
            (DeadlineDay::Weekday(w), Lang::En) => format!("{w} {clock}"),
            (DeadlineDay::DayOfMonth(d), Lang::Zh) => format!("每月{d}日 {clock}"),
            (DeadlineDay::DayOfMonth(d), Lang::En) => format!("day {d} of the month, {clock}"),
        }
    }
}

/// The config/API form, which [`ReportDeadline::parse`] reads back.
impl fmt::Display for ReportDeadline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let clock = self.time.format("%H:%M");
        match self.day {
            DeadlineDay::Weekday(w) => write!(f, "{} {clock}", w.to_string().to_ascii_lowercase()),
            DeadlineDay::DayOfMonth(d) => write!(f, "{d} {clock}"),
        }
    }
}

impl Serialize for ReportDeadline {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ReportDeadline {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ReportDeadline::parse(&s).map_err(serde::de::Error::custom)
    }
}

// In the API a deadline is its string form.
text_schema!(
    ReportDeadline,
    "\"weekday HH:MM\" (weekly, fortnightly) or \"day-of-month HH:MM\" (monthly, 1-28)",
    PATTERN,
    "thu 12:00"
);

fn hm(hour: u32, minute: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(hour, minute, 0).expect("a valid constant time")
}

fn time(hour: u32, minute: u32) -> Result<NaiveTime, Invalid> {
    NaiveTime::from_hms_opt(hour, minute, 0)
        .ok_or_else(|| Invalid::one(FIELD, Problem::OutOfRange { min: "00:00".into(), max: "23:59".into() }))
}

const WEEKDAYS: [Weekday; 7] =
    [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];
const ZH_DAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];

fn weekday_zh(w: Weekday) -> String {
    format!("周{}", ZH_DAYS[w.num_days_from_monday() as usize])
}

fn parse_weekday(s: &str) -> Option<Weekday> {
    if let Ok(w) = s.parse::<Weekday>() {
        return Some(w);
    }
    let rest = s.strip_prefix("周").or_else(|| s.strip_prefix("星期"))?;
    let rest = if rest == "天" { "日" } else { rest };
    ZH_DAYS.iter().position(|d| *d == rest).map(|i| WEEKDAYS[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(r: Result<ReportDeadline, Invalid>) -> (String, &'static str) {
        let e = r.unwrap_err().0.remove(0);
        (e.field, e.problem.code())
    }

    #[test]
    fn what_parses_has_the_documented_shape() {
        let shape = regex_automata::meta::Regex::new(PATTERN).unwrap();
        for s in ["thu 12:00", "Thursday 9:30", "周四 12:00", "星期天 8:05", "25 17:00", "25日 17:00", " mon 09:30 "]
        {
            assert!(ReportDeadline::parse(s).is_ok() && shape.is_match(s), "{s}");
        }
        for s in ["thu", "12:00", "thu 12", "thu 12:00 noon", "thu12:00", ""] {
            assert!(ReportDeadline::parse(s).is_err() && !shape.is_match(s), "{s}");
        }
    }

    #[test]
    fn default_is_thursday_noon() {
        let d = ReportDeadline::default();
        assert_eq!(d.day(), DeadlineDay::Weekday(Weekday::Thu));
        assert_eq!(d.to_string(), "thu 12:00");
        assert_eq!(ReportDeadline::default_for(Cadence::Monthly).to_string(), "25 12:00");
    }

    #[test]
    fn parses_english_chinese_and_day_of_month() {
        let thu = ReportDeadline::on_weekday(Weekday::Thu, 12, 0).unwrap();
        for s in ["thu 12:00", "Thursday 12:00", " THU   12:00 ", "周四 12:00", "星期四 12:00"] {
            assert_eq!(ReportDeadline::parse(s).unwrap(), thu, "{s}");
        }
        assert_eq!(ReportDeadline::parse("周日 9:30").unwrap().to_string(), "sun 09:30");
        assert_eq!(ReportDeadline::parse("星期天 18:00").unwrap().day(), DeadlineDay::Weekday(Weekday::Sun));
        let d25 = ReportDeadline::on_day_of_month(25, 17, 0).unwrap();
        assert_eq!(ReportDeadline::parse("25 17:00").unwrap(), d25);
        assert_eq!(ReportDeadline::parse("25日 17:00").unwrap(), d25);
    }

    #[test]
    fn display_round_trips() {
        for s in ["mon 08:00", "sun 23:59", "1 00:00", "28 12:30"] {
            assert_eq!(ReportDeadline::parse(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn errors_name_the_report_deadline_field() {
        for s in ["", "thu", "thu noon", "someday 12:00", "thu 12:00 extra", "周八 12:00"] {
            assert_eq!(code(ReportDeadline::parse(s)), ("report_deadline".into(), "malformed"), "{s:?}");
        }
        assert_eq!(code(ReportDeadline::parse("thu 24:00")), ("report_deadline".into(), "malformed"));
        assert_eq!(code(ReportDeadline::parse("29 12:00")), ("report_deadline".into(), "out_of_range"));
        assert_eq!(code(ReportDeadline::parse("0 12:00")), ("report_deadline".into(), "out_of_range"));
        assert_eq!(code(ReportDeadline::on_weekday(Weekday::Mon, 25, 0)), ("report_deadline".into(), "out_of_range"));
    }

    #[test]
    fn the_deadline_must_fit_the_cadence() {
        let thu = ReportDeadline::default();
        let d25 = ReportDeadline::default_for(Cadence::Monthly);
        assert!(thu.check_for(Cadence::Weekly).is_ok());
        assert!(thu.check_for(Cadence::Fortnightly).is_ok());
        assert!(d25.check_for(Cadence::Monthly).is_ok());
        assert_eq!(code(thu.check_for(Cadence::Monthly)), ("report_deadline".into(), "conflicting"));
        assert_eq!(code(d25.check_for(Cadence::Weekly)), ("report_deadline".into(), "conflicting"));
    }

    #[test]
    fn labels_in_both_languages() {
        let thu = ReportDeadline::default();
        assert_eq!(thu.label(Lang::Zh), "周四 12:00");
        assert_eq!(thu.label(Lang::En), "Thu 12:00");
        let d25 = ReportDeadline::default_for(Cadence::Monthly);
        assert_eq!(d25.label(Lang::Zh), "每月25日 12:00");
        assert_eq!(d25.label(Lang::En), "day 25 of the month, 12:00");
    }

    #[test]
    fn serde_uses_the_string_form() {
        let d: ReportDeadline = serde_json::from_str("\"fri 17:30\"").unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"fri 17:30\"");
        let err = serde_json::from_str::<ReportDeadline>("\"fri\"").unwrap_err();
        assert!(err.to_string().contains("report deadline"), "{err}");
    }
}
