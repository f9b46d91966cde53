//! The reporting load (填报负担): per unit, in one reporting period, how
//! many reports were due, how many came on time, late, and how many were
//! sent back — so the office sees where reporting weighs and where it fails.

use crate::storage::LoadRow;
use chrono::NaiveDateTime;
use std::collections::{BTreeMap, HashMap};
use tuijin_domain::period::Period;
use tuijin_domain::Id;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UnitLoad {
    pub due: usize,
    pub on_time: usize,
    /// Submitted after the deadline, or not yet and the deadline has passed.
    pub late: usize,
    /// Sent back by the office at least once.
    pub returned: usize,
}

impl UnitLoad {
    /// On-time share in percent, when anything was due.
    pub fn on_time_percent(&self) -> Option<u32> {
        (self.due > 0).then(|| (self.on_time * 100 / self.due) as u32)
    }
}

/// A task that owed a report: its unit and its key work's period.
pub struct Owed {
    pub task_id: Id,
    pub unit_id: Id,
    pub period: Period,
}

/// Counts per unit. `owed` are the open tasks; a report of a task closed
/// since counts as owed too. Times are local, like deadlines.
pub fn tally(
    owed: &[Owed],
    rows: &[(LoadRow, Option<NaiveDateTime>)],
    periods: &HashMap<Id, Period>,
    now: NaiveDateTime,
) -> BTreeMap<Id, UnitLoad> {
    let by_task: HashMap<(Id, chrono::NaiveDate), &(LoadRow, Option<NaiveDateTime>)> =
        rows.iter().map(|r| ((r.0.task_id, r.0.period_start), r)).collect();
    let mut out: BTreeMap<Id, UnitLoad> = BTreeMap::new();
    let mut count = |unit: Id, period: &Period, row: Option<&(LoadRow, Option<NaiveDateTime>)>| {
        let l = out.entry(unit).or_default();
        l.due += 1;
        match row.and_then(|r| r.1) {
            Some(at) if at <= period.deadline => l.on_time += 1,
            Some(_) => l.late += 1,
            None if now > period.deadline => l.late += 1,
            None => {}
        }
        if row.is_some_and(|r| r.0.returned) {
            l.returned += 1;
        }
    };
    let mut seen = std::collections::HashSet::new();
    for o in owed {
        seen.insert(o.task_id);
        count(o.unit_id, &o.period, by_task.get(&(o.task_id, o.period.start)).copied());
    }
    for r in rows.iter().filter(|r| !seen.contains(&r.0.task_id)) {
        if let Some(p) = periods.get(&r.0.key_work_id).filter(|p| p.start == r.0.period_start) {
            count(r.0.lead_unit_id, p, Some(r));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn d(day: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2021, 3, day).unwrap().and_hms_opt(h, 0, 0).unwrap()
    }

    fn period() -> Period {
        Period { start: d(1, 0).date(), end: d(7, 0).date(), deadline: d(4, 12) }
    }

    fn row(task: Id, unit: Id, at: Option<NaiveDateTime>, returned: bool) -> (LoadRow, Option<NaiveDateTime>) {
        (
            LoadRow {
                task_id: task,
                key_work_id: 1,
                lead_unit_id: unit,
                period_start: period().start,
                submitted_at: None,
                returned,
            },
            at,
        )
    }

    #[test]
    fn on_time_late_and_returned_are_counted_per_unit() {
        let owed: Vec<Owed> = (1..=4).map(|t| Owed { task_id: t, unit_id: 10, period: period() }).collect();
        let rows = [row(1, 10, Some(d(3, 9)), false), row(2, 10, Some(d(5, 9)), true), row(3, 10, None, false)];
        let periods = HashMap::from([(1, period())]);
        let out = tally(&owed, &rows, &periods, d(6, 9));
        // 1 on time; 2 late and returned; 3 a draft, late; 4 nothing, late.
        assert_eq!(out[&10], UnitLoad { due: 4, on_time: 1, late: 3, returned: 1 });
        assert_eq!(out[&10].on_time_percent(), Some(25));
    }

    #[test]
    fn before_the_deadline_nothing_is_late_yet() {
        let owed = [Owed { task_id: 1, unit_id: 10, period: period() }];
        let out = tally(&owed, &[], &HashMap::new(), d(3, 9));
        assert_eq!(out[&10], UnitLoad { due: 1, on_time: 0, late: 0, returned: 0 });
    }

    #[test]
    fn a_task_closed_since_still_counts_its_report() {
        let rows = [row(9, 11, Some(d(2, 9)), false)];
        let periods = HashMap::from([(1, period())]);
        let out = tally(&[], &rows, &periods, d(6, 9));
        assert_eq!(out[&11], UnitLoad { due: 1, on_time: 1, late: 0, returned: 0 });
    }
}
