//! Reminders (催办): who is chased for what, decided from the state of the
//! ledger at a moment. Pure: the caller gathers the facts and delivers the
//! drafts. Each draft carries a dedupe key naming the one event it is
//! about, so deciding again (every few minutes, after a restart, on
//! another server) never sends the same reminder twice.
//!
//! | kind | to | when | once per |
//! |---|---|---|---|
//! | `report_due` | the lead unit | its reports of this period are not submitted and the deadline is within `before_hours` | unit and period |
//! | `report_late` | the lead unit | the deadline has passed with reports not submitted | unit and period |
//! | `escalation` | each responsible leader of the late tasks | a `report_late` reminder has gone unacknowledged for `escalate_after_hours` and reports are still missing | leader, unit and period |
//! | `lamp` | the lead unit | it has red or yellow tasks | unit, period and colour |
//! | `instruction` | the lead unit | a leader wrote an instruction on its task | instruction |
//! | `instruction_overdue` | the lead unit | the instruction is unanswered past its answer date | instruction |
//!
//! Reminders are grouped per unit so a unit with many tasks gets one
//! message, not one per task (group robots also limit how many they take).

use crate::Id;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// When to chase, in hours; set per deployment.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReminderConfig {
    /// Remind this long before the report deadline.
    pub before_hours: i64,
    /// Escalate to the leaders when a late-report reminder is not
    /// acknowledged within this long.
    pub escalate_after_hours: i64,
}

impl Default for ReminderConfig {
    fn default() -> Self {
        ReminderConfig { before_hours: 24, escalate_after_hours: 48 }
    }
}

/// One open task's situation in its current period.
#[derive(Debug, Clone)]
pub struct TaskFacts {
    pub task_id: Id,
    pub unit_id: Id,
    pub leader_ids: Vec<Id>,
    pub period_start: NaiveDate,
    pub deadline: NaiveDateTime,
    /// Submitted or accepted for this period.
    pub reported: bool,
    /// "red", "yellow" or "green".
    pub lamp: &'static str,
}

/// An instruction still waiting for the lead unit's answer.
#[derive(Debug, Clone)]
pub struct InstructionFacts {
    pub id: Id,
    pub task_id: Id,
    pub unit_id: Id,
    pub author: String,
    pub text: String,
    pub answer_due: NaiveDate,
}

/// A late-report reminder already sent: when, and whether anyone answered it.
#[derive(Debug, Clone)]
pub struct SentLate {
    pub unit_id: Id,
    pub period_start: NaiveDate,
    pub sent_at: NaiveDateTime,
    pub acknowledged: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Addressee {
    Unit(Id),
    Person(Id),
}

/// A reminder to deliver (in zh-CN: the offices' language).
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub kind: &'static str,
    pub dedupe_key: String,
    pub to: Addressee,
    pub task_id: Option<Id>,
    pub title: String,
    pub body: String,
    pub link: String,
}

fn md(d: NaiveDate) -> String {
    d.format("%-m月%-d日").to_string()
}

fn when(t: NaiveDateTime) -> String {
    format!("{} {}", md(t.date()), t.format("%H:%M"))
}

/// Everything due at `now`.
pub fn decide(
    tasks: &[TaskFacts],
    instructions: &[InstructionFacts],
    sent_late: &[SentLate],
    config: &ReminderConfig,
    now: NaiveDateTime,
) -> Vec<Draft> {
    let mut out = Vec::new();
    // Unreported tasks per (unit, period), with the period's deadline.
    let mut missing: BTreeMap<(Id, NaiveDate), (NaiveDateTime, Vec<&TaskFacts>)> = BTreeMap::new();
    for t in tasks.iter().filter(|t| !t.reported) {
        missing.entry((t.unit_id, t.period_start)).or_insert((t.deadline, Vec::new())).1.push(t);
    }
    for ((unit, period), (deadline, list)) in &missing {
        let n = list.len();
        let link = format!("/reports?unit={unit}");
        if now > *deadline {
            out.push(Draft {
                kind: "report_late",
                dedupe_key: format!("report_late:unit={unit}:period={period}"),
                to: Addressee::Unit(*unit),
                task_id: None,
                title: format!("{n}项任务本期进展逾期未报"),
                body: format!("填报截止时间{}已过，请尽快报送。", when(*deadline)),
                link: link.clone(),
            });
            let ignored = sent_late.iter().any(|s| {
                s.unit_id == *unit
                    && s.period_start == *period
                    && !s.acknowledged
                    && now - s.sent_at >= chrono::Duration::hours(config.escalate_after_hours)
            });
            if ignored {
                let leaders: BTreeSet<Id> = list.iter().flat_map(|t| t.leader_ids.iter().copied()).collect();
                for person in leaders {
                    let mine = list.iter().filter(|t| t.leader_ids.contains(&person)).count();
                    out.push(Draft {
                        kind: "escalation",
                        dedupe_key: format!("escalation:person={person}:unit={unit}:period={period}"),
                        to: Addressee::Person(person),
                        task_id: None,
                        title: format!("您分管的{mine}项任务逾期未报，催办未获响应"),
                        body: format!(
                            "截止{}未报送，催办已超过{}小时未确认，请督促责任单位。",
                            when(*deadline),
                            config.escalate_after_hours
                        ),
                        link: link.clone(),
                    });
                }
            }
        } else if *deadline - now <= chrono::Duration::hours(config.before_hours) {
            out.push(Draft {
                kind: "report_due",
                dedupe_key: format!("report_due:unit={unit}:period={period}"),
                to: Addressee::Unit(*unit),
                task_id: None,
                title: format!("{n}项任务待填报本期进展"),
                body: format!("请于{}前报送。", when(*deadline)),
                link,
            });
        }
    }
    // Red and yellow lamps per (unit, period).
    let mut lamps: BTreeMap<(Id, NaiveDate, &'static str), usize> = BTreeMap::new();
    for t in tasks.iter().filter(|t| t.lamp != "green") {
        *lamps.entry((t.unit_id, t.period_start, t.lamp)).or_default() += 1;
    }
    for ((unit, period, color), n) in lamps {
        let word = if color == "red" { "红灯" } else { "黄灯" };
        out.push(Draft {
            kind: "lamp",
            dedupe_key: format!("lamp:{color}:unit={unit}:period={period}"),
            to: Addressee::Unit(unit),
            task_id: None,
            title: format!("{n}项任务亮{word}"),
            body: "请查看原因并加快推进。".into(),
            link: format!("/ledger?lead_unit={unit}"),
        });
    }
    for i in instructions {
        let link = format!("/tasks/{}", i.task_id);
        out.push(Draft {
            kind: "instruction",
            dedupe_key: format!("instruction:{}", i.id),
            to: Addressee::Unit(i.unit_id),
            task_id: Some(i.task_id),
            title: format!("{}作出批示，请于{}前反馈", i.author, md(i.answer_due)),
            body: i.text.clone(),
            link: link.clone(),
        });
        if now.date() > i.answer_due {
            out.push(Draft {
                kind: "instruction_overdue",
                dedupe_key: format!("instruction_overdue:{}", i.id),
                to: Addressee::Unit(i.unit_id),
                task_id: Some(i.task_id),
                title: format!("{}的批示逾期未反馈", i.author),
                body: i.text.clone(),
                link,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2021, 3, d).unwrap().and_hms_opt(h, 0, 0).unwrap()
    }

    fn task(id: Id, unit: Id, reported: bool, lamp: &'static str) -> TaskFacts {
        TaskFacts {
            task_id: id,
            unit_id: unit,
            leader_ids: vec![100 + unit],
            period_start: NaiveDate::from_ymd_opt(2021, 3, 1).unwrap(),
            deadline: at(4, 12), // Thursday noon
            reported,
            lamp,
        }
    }

    fn kinds(d: &[Draft]) -> Vec<&str> {
        d.iter().map(|x| x.kind).collect()
    }

    #[test]
    fn nothing_is_due_early_in_the_period() {
        let d = decide(&[task(1, 1, false, "green")], &[], &[], &ReminderConfig::default(), at(2, 9));
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn a_unit_is_reminded_once_for_all_its_unreported_tasks_before_the_deadline() {
        let tasks = [
            task(1, 1, false, "green"),
            task(2, 1, false, "green"),
            task(3, 1, true, "green"),
            task(4, 2, true, "green"),
        ];
        let d = decide(&tasks, &[], &[], &ReminderConfig::default(), at(3, 13));
        assert_eq!(kinds(&d), ["report_due"]);
        assert_eq!(d[0].to, Addressee::Unit(1));
        assert_eq!(d[0].title, "2项任务待填报本期进展");
        assert_eq!(d[0].body, "请于3月4日 12:00前报送。");
        assert_eq!(d[0].dedupe_key, "report_due:unit=1:period=2021-03-01");
    }

    #[test]
    fn past_the_deadline_the_reminder_says_late() {
        let d = decide(&[task(1, 1, false, "green")], &[], &[], &ReminderConfig::default(), at(4, 13));
        assert_eq!(kinds(&d), ["report_late"]);
        assert_eq!(d[0].dedupe_key, "report_late:unit=1:period=2021-03-01");
    }

    #[test]
    fn an_ignored_late_reminder_climbs_to_the_responsible_leaders() {
        let sent = SentLate {
            unit_id: 1,
            period_start: task(1, 1, false, "green").period_start,
            sent_at: at(4, 13),
            acknowledged: false,
        };
        let cfg = ReminderConfig::default();
        let before = decide(&[task(1, 1, false, "green")], &[], std::slice::from_ref(&sent), &cfg, at(6, 12));
        assert_eq!(kinds(&before), ["report_late"], "47 hours: not yet");
        let after = decide(&[task(1, 1, false, "green")], &[], std::slice::from_ref(&sent), &cfg, at(6, 13));
        assert_eq!(kinds(&after), ["report_late", "escalation"]);
        assert_eq!(after[1].to, Addressee::Person(101));
        let acknowledged = SentLate { acknowledged: true, ..sent };
        let d = decide(&[task(1, 1, false, "green")], &[], &[acknowledged], &cfg, at(8, 9));
        assert_eq!(kinds(&d), ["report_late"], "an acknowledged reminder is not escalated");
    }

    #[test]
    fn reported_tasks_are_not_chased_or_escalated() {
        let sent = SentLate {
            unit_id: 1,
            period_start: task(1, 1, true, "green").period_start,
            sent_at: at(4, 13),
            acknowledged: false,
        };
        assert!(decide(&[task(1, 1, true, "green")], &[], &[sent], &ReminderConfig::default(), at(9, 9)).is_empty());
    }

    #[test]
    fn red_and_yellow_lamps_are_counted_per_unit() {
        let tasks =
            [task(1, 1, true, "red"), task(2, 1, true, "red"), task(3, 1, true, "yellow"), task(4, 2, true, "green")];
        let d = decide(&tasks, &[], &[], &ReminderConfig::default(), at(2, 9));
        let titles: Vec<&str> = d.iter().map(|x| x.title.as_str()).collect();
        assert_eq!(titles, ["2项任务亮红灯", "1项任务亮黄灯"]);
        assert_eq!(d[0].dedupe_key, "lamp:red:unit=1:period=2021-03-01");
    }

    #[test]
    fn instructions_are_passed_on_and_chased_when_overdue() {
        let i = InstructionFacts {
            id: 7,
            task_id: 3,
            unit_id: 1,
            author: "陈立民".into(),
            text: "请加快".into(),
            answer_due: NaiveDate::from_ymd_opt(2021, 3, 5).unwrap(),
        };
        let d = decide(&[], std::slice::from_ref(&i), &[], &ReminderConfig::default(), at(5, 20));
        assert_eq!(kinds(&d), ["instruction"]);
        assert_eq!(d[0].title, "陈立民作出批示，请于3月5日前反馈");
        let d = decide(&[], &[i], &[], &ReminderConfig::default(), at(6, 8));
        assert_eq!(kinds(&d), ["instruction", "instruction_overdue"]);
        assert_eq!(d[1].dedupe_key, "instruction_overdue:7");
    }

    #[test]
    fn the_time_before_the_deadline_is_configurable() {
        let cfg = ReminderConfig { before_hours: 72, escalate_after_hours: 48 };
        let d = decide(&[task(1, 1, false, "green")], &[], &[], &cfg, at(1, 13));
        assert_eq!(kinds(&d), ["report_due"]);
    }
}
