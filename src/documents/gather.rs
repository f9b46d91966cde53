//! The facts of a briefing or upward report, read from storage: the
//! chosen key works' tasks with their latest progress (the ledger export's
//! rows), counts and lamps from the overview's board (so the documents
//! agree with the overview), the yellow tasks' reasons judged by the same
//! rules, the reporting load of the period, its reports and the
//! milestones completed in it.

use super::choice::Choice;
use super::facts::{Facts, KeyWorkFacts, LampLine, LoadLine, MilestoneLine, ReportLine, TaskLine};
use crate::http::{ApiError, AppState};
use crate::storage::{KeyWork, ReportQuery, Task, TaskQuery, TaskSort};
use crate::supervision::load::{tally, Owed};
use crate::supervision::{lamps::lamps_of, local_now, schedule_of};
use crate::web::Names;
use chrono::NaiveDate;
use std::collections::HashMap;
use tuijin_domain::lamp::LampColor;
use tuijin_domain::period::{Period, ReportStatus};
use tuijin_domain::Id;

/// 第N期: weeks from the first period of the oldest key work, counting from 1.
pub fn issue_number(first: NaiveDate, period_start: NaiveDate) -> u32 {
    ((period_start - first).num_days().max(0) / 7 + 1) as u32
}

async fn tasks_of(s: &AppState, key_work: Id, today: NaiveDate) -> Result<Vec<Task>, ApiError> {
    let mut q = TaskQuery::new(today);
    q.key_work_id = Some(key_work);
    q.per_page = crate::sheets::ledger::MAX_ROWS;
    q.sort = TaskSort::Ledger;
    Ok(s.store.list_tasks(&q).await?.items)
}

async fn key_work_facts(
    s: &AppState,
    k: &KeyWork,
    names: &Names,
    board: &crate::supervision::board::Snapshot,
    today: NaiveDate,
) -> Result<KeyWorkFacts, ApiError> {
    let mut q = TaskQuery::new(today);
    q.key_work_id = Some(k.id);
    let tasks = crate::sheets::ledger::groups(s, q, today)
        .await?
        .into_iter()
        .flat_map(|g| g.rows)
        .map(|r| TaskLine {
            code: r.code,
            title: r.title,
            lead_unit: r.lead_unit,
            due: r.due_date,
            percent: r.percent_complete,
            lamp: r.lamp,
            progress: r.progress,
        })
        .collect();
    let sum = board.summaries.iter().find(|x| x.key_work_id == k.id).cloned().unwrap_or_default();
    let status = |code: &str| sum.by_status.iter().find(|(c, _)| c == code).map_or(0, |(_, n)| *n as usize);
    Ok(KeyWorkFacts {
        name: k.fields.name.clone(),
        lead_body: names.unit(k.fields.lead_body_unit_id),
        total: sum.total as usize,
        done: status("done"),
        in_progress: status("in_progress"),
        overdue: sum.overdue as usize,
        lamps: board.by_key_work.get(&k.id).copied().unwrap_or_default(),
        planned_investment: sum.planned_investment,
        completed_investment: sum.completed_investment,
        tasks,
    })
}

fn lamp_line(t: &Task, names: &Names, reasons: Vec<tuijin_domain::lamp::Reason>) -> LampLine {
    LampLine {
        key_work: names.key_work(t.fields.key_work_id),
        code: t.fields.code.clone(),
        title: t.fields.title.clone(),
        lead_unit: names.unit(t.fields.lead_unit_id),
        due: t.fields.due_date,
        reasons,
    }
}

/// Gathers the facts for `choice` as of `today`.
pub async fn gather(s: &AppState, choice: &Choice, today: NaiveDate) -> Result<Facts, ApiError> {
    let store = s.store.as_ref();
    let names = Names::load(store).await?;
    let all = store.list_key_works().await?;
    let chosen: Vec<&KeyWork> = all.iter().filter(|k| choice.key_works.contains(&k.id)).collect();
    let periods: HashMap<Id, Period> =
        chosen.iter().map(|k| (k.id, schedule_of(k).period_containing(choice.period))).collect();
    let board = s.board.get(s.store.clone(), s.lamp_config.clone(), today).await?;

    let mut key_works = Vec::with_capacity(chosen.len());
    let mut tasks: Vec<Task> = Vec::new();
    for k in &chosen {
        key_works.push(key_work_facts(s, k, &names, &board, today).await?);
        tasks.extend(tasks_of(s, k.id, today).await?);
    }
    let ids: Vec<Id> = tasks.iter().map(|t| t.id).collect();
    let by_id: HashMap<Id, &Task> = tasks.iter().map(|t| (t.id, t)).collect();

    // Red from the board (with its reasons); yellow judged again for the
    // reasons, among the tasks the board shows yellow.
    let red: Vec<LampLine> =
        board.red.iter().filter_map(|r| by_id.get(&r.id).map(|t| lamp_line(t, &names, r.reasons.clone()))).collect();
    let yellow_tasks: Vec<Task> =
        tasks.iter().filter(|t| board.colors.get(&t.id) == Some(&LampColor::Yellow)).cloned().collect();
    let lamps = lamps_of(store, &yellow_tasks, &s.lamp_config, today).await?;
    let mut yellow: Vec<LampLine> = yellow_tasks
        .iter()
        .map(|t| lamp_line(t, &names, lamps.get(&t.id).map(|l| l.reasons.clone()).unwrap_or_default()))
        .collect();
    yellow.sort_by_key(|l| (l.due.is_none(), l.due));

    // The reporting load, as on 填报情况, for the chosen key works only.
    let mut starts: Vec<NaiveDate> = periods.values().map(|p| p.start).collect();
    starts.sort();
    starts.dedup();
    let owed: Vec<Owed> = tasks
        .iter()
        .filter(|t| !t.fields.status.is_closed())
        .filter_map(|t| {
            let period = *periods.get(&t.fields.key_work_id)?;
            Some(Owed { task_id: t.id, unit_id: t.fields.lead_unit_id, period })
        })
        .collect();
    let rows: Vec<_> = store
        .report_load_rows(&starts)
        .await?
        .into_iter()
        .filter(|r| periods.contains_key(&r.key_work_id))
        .map(|r| {
            let at = r.submitted_at.map(|x| x.with_timezone(&chrono::Local).naive_local());
            (r, at)
        })
        .collect();
    let load = tally(&owed, &rows, &periods, local_now())
        .into_iter()
        .map(|(unit, load)| LoadLine { unit: names.unit(unit), load })
        .collect();

    // The period's reports, sent or accepted, in ledger order.
    let in_period =
        |task: &Task, start: NaiveDate| periods.get(&task.fields.key_work_id).is_some_and(|p| p.start == start);
    let mut reports = Vec::new();
    for chunk in ids.chunks(5_000) {
        let q = ReportQuery { task_ids: chunk.to_vec(), period_starts: starts.clone(), ..Default::default() };
        reports.extend(store.list_reports(&q).await?);
    }
    let order: HashMap<Id, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    reports.retain(|r| {
        matches!(r.status, ReportStatus::Submitted | ReportStatus::Accepted)
            && by_id.get(&r.task_id).is_some_and(|t| in_period(t, r.period_start))
    });
    reports.sort_by_key(|r| order.get(&r.task_id).copied());
    let reports = reports
        .into_iter()
        .filter_map(|r| {
            let t = by_id.get(&r.task_id)?;
            Some(ReportLine {
                key_work: names.key_work(t.fields.key_work_id),
                code: t.fields.code.clone(),
                title: t.fields.title.clone(),
                lead_unit: names.unit(t.fields.lead_unit_id),
                progress: r.fields.progress,
                problems: r.fields.problems,
                next_steps: r.fields.next_steps,
                coordination: r.fields.coordination,
            })
        })
        .collect();

    // Milestones done within their key work's period.
    let mut milestones_done = Vec::new();
    for chunk in ids.chunks(5_000) {
        for m in store.milestones_of_tasks(chunk).await? {
            let Some(t) = by_id.get(&m.task_id) else { continue };
            let date = m.fields.actual_date.unwrap_or(m.fields.planned_date);
            let within = periods.get(&t.fields.key_work_id).is_some_and(|p| p.start <= date && date <= p.end);
            if m.fields.done && within {
                milestones_done.push(MilestoneLine {
                    key_work: names.key_work(t.fields.key_work_id),
                    code: t.fields.code.clone(),
                    task: t.fields.title.clone(),
                    title: m.fields.title,
                    date,
                });
            }
        }
    }
    milestones_done.sort_by(|a, b| a.date.cmp(&b.date).then(a.code.cmp(&b.code)));

    let first = all
        .iter()
        .map(|k| schedule_of(k).period_containing(k.created_at.date_naive()).start)
        .min()
        .unwrap_or(choice.period);
    let period_start = periods.values().map(|p| p.start).min().unwrap_or(choice.period);
    let period_end = periods.values().map(|p| p.end).max().unwrap_or(choice.period);
    Ok(Facts {
        today,
        period_start,
        period_end,
        issue: issue_number(first, period_start),
        key_works,
        red,
        yellow,
        load,
        reports,
        milestones_done,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issues_count_weeks_from_the_first_period() {
        let d = |m, day| NaiveDate::from_ymd_opt(2021, m, day).unwrap();
        assert_eq!(issue_number(d(3, 1), d(3, 1)), 1);
        assert_eq!(issue_number(d(3, 1), d(3, 8)), 2);
        assert_eq!(issue_number(d(3, 1), d(5, 31)), 14);
        assert_eq!(issue_number(d(3, 8), d(3, 1)), 1, "never before the first");
    }
}
