//! Lamps of stored tasks: gathers what the pure rules read — milestones,
//! accepted reports' percents, this period's report state — in a few
//! queries for a whole page of tasks, and evaluates each task.

use super::{local_now, schedule_of};
use crate::http::ApiError;
use crate::storage::{ReportQuery, Store, Task};
use chrono::NaiveDate;
use std::collections::HashMap;
use tuijin_domain::lamp::{evaluate, Lamp, LampConfig, LampInput};
use tuijin_domain::milestone::MilestoneFields;
use tuijin_domain::period::{report_late_days, ReportFacts, Schedule};
use tuijin_domain::trajectory::{to_f64, Point};
use tuijin_domain::Id;

/// What the lamps of a set of tasks are computed from.
pub struct Inputs {
    pub milestones: HashMap<Id, Vec<MilestoneFields>>,
    pub progress: HashMap<Id, Vec<Point>>,
    pub late_days: HashMap<Id, i64>,
}

/// Loads the inputs of `tasks` (any number; the queries take them all at once).
pub async fn inputs(store: &dyn Store, tasks: &[Task], today: NaiveDate) -> Result<Inputs, ApiError> {
    let ids: Vec<Id> = tasks.iter().map(|t| t.id).collect();
    let schedules: HashMap<Id, Schedule> =
        store.list_key_works().await?.iter().map(|k| (k.id, schedule_of(k))).collect();
    let mut milestones: HashMap<Id, Vec<MilestoneFields>> = HashMap::new();
    for chunk in ids.chunks(5_000) {
        for m in store.milestones_of_tasks(chunk).await? {
            milestones.entry(m.task_id).or_default().push(m.fields);
        }
    }
    let kw_of: HashMap<Id, Id> = tasks.iter().map(|t| (t.id, t.fields.key_work_id)).collect();
    let mut progress: HashMap<Id, Vec<Point>> = HashMap::new();
    for chunk in ids.chunks(5_000) {
        for (task, start, percent) in store.progress_points(chunk).await? {
            // A report speaks of its period as of the period's deadline.
            let date = kw_of
                .get(&task)
                .and_then(|k| schedules.get(k))
                .map(|s| s.period_containing(start).deadline.date())
                .unwrap_or(start);
            progress.entry(task).or_default().push((date, to_f64(&percent)));
        }
    }
    // This period's report: late when its deadline passed with nothing submitted.
    let now = local_now();
    let current: HashMap<Id, tuijin_domain::period::Period> =
        schedules.iter().map(|(k, s)| (*k, s.period_containing(today))).collect();
    let mut starts: Vec<NaiveDate> = current.values().map(|p| p.start).collect();
    starts.sort();
    starts.dedup();
    let mut reported: HashMap<Id, ReportFacts> = HashMap::new();
    for chunk in ids.chunks(5_000) {
        let q = ReportQuery { task_ids: chunk.to_vec(), period_starts: starts.clone(), ..Default::default() };
        for r in store.list_reports(&q).await? {
            if current.get(&kw_of[&r.task_id]).is_some_and(|p| p.start == r.period_start) {
                let submitted_at = r.submitted_at.map(|at| at.with_timezone(&chrono::Local).naive_local());
                reported.insert(r.task_id, ReportFacts { status: r.status, submitted_at });
            }
        }
    }
    let mut late_days = HashMap::new();
    for t in tasks {
        if let Some(p) = current.get(&t.fields.key_work_id) {
            if let Some(days) = report_late_days(p, reported.get(&t.id).copied(), now) {
                late_days.insert(t.id, days);
            }
        }
    }
    Ok(Inputs { milestones, progress, late_days })
}

/// The lamp of each task.
pub fn evaluate_all(tasks: &[Task], inputs: &Inputs, config: &LampConfig, today: NaiveDate) -> HashMap<Id, Lamp> {
    tasks
        .iter()
        .map(|t| {
            let input = LampInput {
                task: &t.fields,
                milestones: inputs.milestones.get(&t.id).map_or(&[], |v| v),
                progress: inputs.progress.get(&t.id).map_or(&[], |v| v),
                report_late_days: inputs.late_days.get(&t.id).copied(),
                today,
            };
            (t.id, evaluate(&input, config))
        })
        .collect()
}

/// Loads and evaluates in one call: the lamps of a page of tasks.
pub async fn lamps_of(
    store: &dyn Store,
    tasks: &[Task],
    config: &LampConfig,
    today: NaiveDate,
) -> Result<HashMap<Id, Lamp>, ApiError> {
    let inputs = inputs(store, tasks, today).await?;
    Ok(evaluate_all(tasks, &inputs, config, today))
}
