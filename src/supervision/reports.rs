//! Writing and reviewing progress reports. The lead unit (its liaison, or
//! the office on its behalf) writes a task's report for a period, saves it
//! as a draft and submits it; the office accepts it — which carries the
//! reported percent and investment into the task — or returns it with a
//! reason, and the unit submits again.

use super::{evidence, schedule_of};
use crate::http::ApiError;
use crate::storage::{EvidenceFile, NewFile, Report, ReportQuery, ReportWrite, Store, Task};
use chrono::NaiveDate;
use tuijin_domain::access::Actor;
use tuijin_domain::error::{Invalid, Problem};
use tuijin_domain::period::{Period, ReportStatus};
use tuijin_domain::report::{Action, Check, ReportFields};
use tuijin_domain::task::{Status, TaskFields};
use tuijin_domain::Id;

/// The task's report for the period starting `period_start`, if written.
pub async fn report_for(store: &dyn Store, task_id: Id, period_start: NaiveDate) -> Result<Option<Report>, ApiError> {
    let q = ReportQuery { task_ids: vec![task_id], period_starts: vec![period_start], ..Default::default() };
    Ok(store.list_reports(&q).await?.into_iter().next())
}

/// The period of the task's key work that starts on `start`; refused when
/// no period starts that day or it has not begun.
pub async fn period_of(store: &dyn Store, task: &Task, start: NaiveDate, today: NaiveDate) -> Result<Period, ApiError> {
    let kw = store.get_key_work(task.fields.key_work_id).await?;
    let period = schedule_of(&kw).period_containing(start);
    if period.start != start || start > today {
        return Err(Invalid::one("period", Problem::Conflicting { detail: "report_period" }).into());
    }
    Ok(period)
}

/// The current period of a task's key work.
pub async fn current_period(store: &dyn Store, task: &Task, today: NaiveDate) -> Result<Period, ApiError> {
    let kw = store.get_key_work(task.fields.key_work_id).await?;
    Ok(schedule_of(&kw).period_containing(today))
}

fn may_write(actor: &Actor, task: &Task) -> Result<(), ApiError> {
    if actor.may_edit_task(task.fields.lead_unit_id) {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

fn step_refused() -> ApiError {
    Invalid::one("status", Problem::Conflicting { detail: "report_step" }).into()
}

fn stale(report: &Report) -> ApiError {
    ApiError::Conflict { current: serde_json::to_value(report).unwrap_or_default() }
}

/// A report as the writer sends it.
pub struct Submission {
    pub task_id: Id,
    pub period_start: NaiveDate,
    /// The version of the report the writer last saw (`None`: they saw none).
    pub version: Option<i64>,
    pub action: Action,
    pub fields: ReportFields,
}

/// Saves (as a draft) or submits a task's report for a period. A version
/// that does not match is a conflict, never an overwrite.
pub async fn write(store: &dyn Store, actor: &Actor, sub: Submission, today: NaiveDate) -> Result<Report, ApiError> {
    let Submission { task_id, period_start, version, action, fields } = sub;
    if action.is_review() {
        return Err(step_refused());
    }
    let task = store.get_task(task_id).await?;
    may_write(actor, &task)?;
    period_of(store, &task, period_start, today).await?;
    let old = report_for(store, task_id, period_start).await?;
    match (&old, version) {
        (Some(o), Some(v)) if o.version != v => return Err(stale(o)),
        (Some(o), None) => return Err(stale(o)),
        (None, Some(_)) => return Err(ApiError::Conflict { current: serde_json::Value::Null }),
        _ => {}
    }
    let status = action.next(old.as_ref().map(|o| o.status)).ok_or_else(step_refused)?;
    let check = if action == Action::Submit { Check::Submit } else { Check::Draft };
    let fields = fields.validate(check)?;
    let w = ReportWrite { task_id, period_start, old: old.as_ref(), status, fields };
    Ok(store.save_report(actor, w).await?)
}

/// The task as an accepted report leaves it: the reported percent (stated,
/// or the actual value over the target) and the period's investment added
/// to what was completed; a task not started is now under way.
pub fn accepted_into(task: &TaskFields, report: &ReportFields) -> TaskFields {
    let mut t = task.clone();
    let target = task.target.as_ref().map(|x| x.value);
    if let Some(p) = report.percent_toward(target) {
        t.percent_complete = p;
    }
    if let Some(inv) = report.investment_this_period {
        t.completed_investment = Some(t.completed_investment.unwrap_or_default() + inv);
    }
    if t.status == Status::NotStarted && (!t.percent_complete.is_zero() || report.investment_this_period.is_some()) {
        t.status = Status::InProgress;
    }
    t
}

/// The office accepts a submitted report or returns it with a reason.
pub async fn review(
    store: &dyn Store,
    actor: &Actor,
    report_id: Id,
    version: i64,
    action: Action,
    reason: &str,
) -> Result<Report, ApiError> {
    if !actor.may_edit_ledger_structure() {
        return Err(ApiError::Forbidden);
    }
    if !action.is_review() {
        return Err(step_refused());
    }
    let report = store.get_report(report_id).await?;
    if report.version != version {
        return Err(stale(&report));
    }
    let status = action.next(Some(report.status)).ok_or_else(step_refused)?;
    let reason = reason.trim();
    if action == Action::Return && reason.is_empty() {
        return Err(Invalid::one("return_reason", Problem::Required).into());
    }
    if reason.chars().count() > 1000 {
        return Err(Invalid::one("return_reason", Problem::TooLong { max: 1000 }).into());
    }
    let task = store.get_task(report.task_id).await?;
    let update = if status == ReportStatus::Accepted {
        Some((&task, accepted_into(&task.fields, &report.fields).validate()?))
    } else {
        None
    };
    Ok(store.review_report(actor, &report, status, reason, update).await?)
}

/// Whether evidence may still be attached or removed: by the writer while
/// the report is theirs to change, by the office until it is accepted.
fn may_change_evidence(actor: &Actor, task: &Task, report: &Report) -> Result<(), ApiError> {
    may_write(actor, task)?;
    let open = match report.status {
        ReportStatus::Draft | ReportStatus::Returned => true,
        ReportStatus::Submitted => actor.is_office(),
        ReportStatus::Accepted => false,
    };
    if open {
        Ok(())
    } else {
        Err(step_refused())
    }
}

/// Attaches an evidence file, checked for size and type by its content.
pub async fn attach(
    store: &dyn Store,
    actor: &Actor,
    report_id: Id,
    name: &str,
    content: Vec<u8>,
) -> Result<EvidenceFile, ApiError> {
    let report = store.get_report(report_id).await?;
    let task = store.get_task(report.task_id).await?;
    may_change_evidence(actor, &task, &report)?;
    let (kind, sha256) = evidence::check(&content, report.files.len())?;
    let file = NewFile { file_name: evidence::clean_name(name), content_type: kind.into(), sha256, content };
    Ok(store.add_report_file(actor, report_id, file).await?)
}

pub async fn detach(store: &dyn Store, actor: &Actor, file_id: Id) -> Result<Id, ApiError> {
    let (file, _) = store.report_file(file_id).await?;
    let report = store.get_report(file.report_id).await?;
    let task = store.get_task(report.task_id).await?;
    may_change_evidence(actor, &task, &report)?;
    store.delete_report_file(actor, file_id).await?;
    Ok(report.task_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use tuijin_domain::task::{Priority, Target};

    fn task() -> TaskFields {
        TaskFields {
            key_work_id: 1,
            parent_id: None,
            code: "1".into(),
            title: "道路".into(),
            description: String::new(),
            lead_unit_id: 1,
            supporting_unit_ids: vec![],
            leader_ids: vec![1],
            priority: Priority::Normal,
            status: Status::NotStarted,
            start_date: None,
            due_date: None,
            target: Some(Target { value: Decimal::from(14), measure: "条".into() }),
            planned_investment: None,
            completed_investment: Some(Decimal::from(100)),
            percent_complete: Decimal::ZERO,
            tags: vec![],
        }
    }

    #[test]
    fn an_accepted_report_moves_the_tasks_actuals() {
        let r = ReportFields {
            actual_value: Some(Decimal::from(7)),
            investment_this_period: Some(Decimal::from(50)),
            ..Default::default()
        };
        let t = accepted_into(&task(), &r);
        assert_eq!(t.percent_complete, Decimal::from(50));
        assert_eq!(t.completed_investment, Some(Decimal::from(150)));
        assert_eq!(t.status, Status::InProgress);
    }

    #[test]
    fn a_report_without_numbers_changes_nothing_but_words() {
        let r = ReportFields { progress: "协调中".into(), ..Default::default() };
        assert_eq!(accepted_into(&task(), &r), task());
    }
}
