//! The trajectory (进度轨迹): where a task was planned to be on each day,
//! and when it will finish at the pace it is actually going.
//!
//! Percentages here are `f64` in 0–100. The ledger keeps exact decimals,
//! but a trajectory is arithmetic over them (interpolation, pace,
//! extrapolation) whose results are estimates anyway; decimals become
//! floats at the edge, with [`to_f64`].

use crate::milestone::MilestoneFields;
use crate::task::TaskFields;
use chrono::{Days, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// A dated cumulative percentage.
pub type Point = (NaiveDate, f64);

/// A decimal as a float (0 if it cannot be represented, which a validated
/// ledger value always can).
pub fn to_f64(value: &Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}

/// The planned cumulative percentage of a task over time, sorted by date,
/// one point per date, never decreasing.
///
/// - The start date, when known, is planned at 0%. Without a start date we
///   do not know when work was meant to begin and invent no ramp: the path
///   begins at its first milestone (nothing is expected before it).
/// - A milestone's percentage is its planned value over the task's target
///   (7 of 14 roads → 50%) when both are known.
/// - Milestones without one are spread evenly between their known
///   neighbours: with no values at all, the k-th of n milestones gets k/n
///   when the last one is on the due date or there is none, and k/(n+1)
///   when the due date comes later (the due date being the last step).
/// - The due date, when known, is planned at 100%.
///
/// Percentages are clamped to 0–100 and to the running maximum, so a
/// milestone planned below an earlier one is lifted to it; points on the
/// same date merge into the highest.
pub fn planned_path(task: &TaskFields, milestones: &[MilestoneFields]) -> Vec<Point> {
    let target = task.target.as_ref().map(|t| to_f64(&t.value)).filter(|v| *v > 0.0);
    // (date, tie-break order, known percent): on one date the start comes
    // first and the due date last.
    let mut nodes: Vec<(NaiveDate, u8, Option<f64>)> = Vec::with_capacity(milestones.len() + 2);
    if let Some(start) = task.start_date {
        nodes.push((start, 0, Some(0.0)));
    }
    for m in milestones {
        let percent = target.zip(m.planned_value.as_ref()).map(|(t, v)| to_f64(v) / t * 100.0);
        nodes.push((m.planned_date, 1, percent));
    }
    if let Some(due) = task.due_date {
        nodes.push((due, 2, Some(100.0)));
    }
    nodes.sort_by_key(|n| (n.0, n.1));
    let dated: Vec<(NaiveDate, Option<f64>)> = nodes.into_iter().map(|(d, _, p)| (d, p)).collect();
    monotone(fill_unknown(&dated))
}

/// Gives each run of milestones without a percentage evenly spaced values
/// between the known points around it (0 before the first, 100 after the last).
fn fill_unknown(nodes: &[(NaiveDate, Option<f64>)]) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::with_capacity(nodes.len());
    let mut i = 0;
    while i < nodes.len() {
        if let (date, Some(p)) = nodes[i] {
            out.push((date, p));
            i += 1;
            continue;
        }
        let run_end = (i..nodes.len()).find(|&j| nodes[j].1.is_some()).unwrap_or(nodes.len());
        let m = run_end - i;
        let from = out.last().map_or(0.0, |p| p.1);
        let last_date = nodes[run_end - 1].0;
        // The run's last milestone reaches the next known value only when it
        // shares its date (or nothing follows); otherwise it is one step short.
        let (to, steps) = match nodes.get(run_end) {
            None => (100.0, m),
            Some((date, p)) => (p.unwrap_or(100.0), if *date == last_date { m } else { m + 1 }),
        };
        for (k, node) in nodes[i..run_end].iter().enumerate() {
            out.push((node.0, from + (to - from) * (k + 1) as f64 / steps as f64));
        }
        i = run_end;
    }
    out
}

/// Clamps to 0–100, lifts each point to the running maximum and merges
/// points of one date.
fn monotone(points: Vec<Point>) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::with_capacity(points.len());
    let mut max = 0.0_f64;
    for (date, p) in points {
        max = max.max(p.clamp(0.0, 100.0));
        match out.last_mut() {
            Some(last) if last.0 == date => last.1 = max,
            _ => out.push((date, max)),
        }
    }
    out
}

/// The planned percentage on `date`: linear between the path's points, 0
/// before the first, and the last point's value after it (100 whenever the
/// task has a due date; a path ending on a partial milestone does not
/// pretend the plan finished). `None` for an empty path: no plan, nothing
/// to compare with.
pub fn planned_percent_at(path: &[Point], date: NaiveDate) -> Option<f64> {
    let (first, last) = (path.first()?, path.last()?);
    if date < first.0 {
        return Some(0.0);
    }
    if date >= last.0 {
        return Some(last.1);
    }
    let i = path.partition_point(|p| p.0 <= date);
    let ((d0, p0), (d1, p1)) = (path[i - 1], path[i]);
    let t = (date - d0).num_days() as f64 / (d1 - d0).num_days() as f64;
    Some(p0 + (p1 - p0) * t)
}

/// The recent window the pace is measured over: the last 4 points (about a
/// month of weekly reports) when they span at least a week, else all points.
const WINDOW: usize = 4;
const MIN_WINDOW_DAYS: i64 = 7;

/// When the task will reach 100% at its recent pace, from reported actual
/// progress (date, cumulative percent — e.g. accepted reports), in any order.
///
/// - Already at 100% (the latest point): that point's date.
/// - Fewer than two dated points: `None` — one point has no pace.
/// - No progress over the window (pace ≤ 0): `None` — no progress, no
///   forecast. A stalled task is caught by the lamp's other rules (behind
///   the trajectory, overdue), not by a date in the far future.
/// - Otherwise the pace of the recent window, extrapolated linearly from
///   the latest point and rounded up to a whole day; never before `today`,
///   since a task not yet reported finished will not finish in the past.
///
/// Of several points on one date, the last given counts (a correction).
pub fn forecast_finish(points: &[Point], today: NaiveDate) -> Option<NaiveDate> {
    let pts = by_date(points);
    let &(last_date, last) = pts.last()?;
    if last >= 100.0 {
        return Some(last_date);
    }
    if pts.len() < 2 {
        return None;
    }
    let recent = &pts[pts.len().saturating_sub(WINDOW)..];
    let window = if (last_date - recent[0].0).num_days() >= MIN_WINDOW_DAYS { recent } else { &pts[..] };
    let (first_date, first) = window[0];
    let gained = last - first;
    if gained <= 0.0 {
        return None;
    }
    // Days to go = remaining ÷ pace, written to divide once (42, not 41.999…);
    // the small tolerance keeps float noise from adding a day.
    let days = ((100.0 - last) * (last_date - first_date).num_days() as f64 / gained - 1e-9).ceil();
    let finish = last_date.checked_add_days(Days::new(days as u64))?;
    Some(finish.max(today))
}

/// Sorted by date, one point per date (the last given wins).
fn by_date(points: &[Point]) -> Vec<Point> {
    let mut pts = points.to_vec();
    pts.sort_by_key(|p| p.0); // stable: input order kept within a date
    let mut out: Vec<Point> = Vec::with_capacity(pts.len());
    for p in pts {
        match out.last_mut() {
            Some(last) if last.0 == p.0 => *last = p,
            _ => out.push(p),
        }
    }
    out
}

#[cfg(test)]
mod tests;
