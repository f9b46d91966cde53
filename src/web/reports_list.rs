//! 本期填报: every open task of a unit with the state of this period's
//! report (待填报, 草稿, 已提交, 逾期未报, 已退回, 已采纳) and a link to
//! write it. A liaison sees their own unit; the office picks a unit, and
//! first sees the reports waiting for its review.

use super::format::short_date;
use super::i18n::Tr;
use super::names::Names;
use super::session::WebUser;
use super::{render, UserChrome};
use crate::http::{today, ApiError, AppState};
use crate::storage::{ReportQuery, TaskQuery};
use crate::supervision::{local_now, schedule_of};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::collections::HashMap;
use tuijin_domain::period::{report_state, Period, ReportFacts, ReportState, ReportStatus, Schedule};
use tuijin_domain::task::Status;
use tuijin_domain::Id;

pub struct Row {
    pub task_id: Id,
    pub code: String,
    pub title: String,
    pub period: String,
    pub period_start: String,
    pub state: &'static str,
    pub state_label: &'static str,
}

pub struct Waiting {
    pub task_id: Id,
    pub text: String,
    pub unit: String,
    pub period: String,
    pub period_start: String,
    pub submitted: String,
}

pub struct UnitChoice {
    pub id: Id,
    pub name: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    t: Tr,
    user: Option<UserChrome>,
    rows: Vec<Row>,
    waiting: Vec<Waiting>,
    units: Vec<UnitChoice>,
    /// The office chooses the unit; a liaison has one.
    choose_unit: bool,
    counts: Vec<(String, usize)>,
}

#[derive(Deserialize)]
pub struct Params {
    unit: Option<String>,
}

/// "11月23日—29日，截止 11月26日 12:00": a period as people say it.
pub fn period_text(p: &Period, t: Tr, today: chrono::NaiveDate) -> String {
    t.fill(
        "rep.period",
        &[
            ("start", &short_date(p.start, today, t.lang)),
            ("end", &short_date(p.end, today, t.lang)),
            ("deadline", &format!("{} {}", short_date(p.deadline.date(), today, t.lang), p.deadline.format("%H:%M"))),
        ],
    )
}

pub async fn page(State(s): State<AppState>, user: WebUser, Query(p): Query<Params>) -> Response {
    match build(&s, &user, p).await {
        Ok(page) => render(&page),
        Err(e) => e.into_response(),
    }
}

async fn build(s: &AppState, user: &WebUser, p: Params) -> Result<ReportsPage, ApiError> {
    let t = user.tr;
    let today = today();
    let now = local_now();
    let names = Names::load(s.store.as_ref()).await?;
    let schedules: HashMap<Id, Schedule> =
        s.store.list_key_works().await?.iter().map(|k| (k.id, schedule_of(k))).collect();
    let key_works: HashMap<Id, Period> =
        schedules.iter().map(|(id, sch)| (*id, sch.period_containing(today))).collect();
    let unit = match user.actor.unit_id {
        Some(u) if !user.actor.is_office() => Some(u),
        _ => p.unit.as_deref().and_then(|u| u.parse().ok()),
    };

    let mut rows = Vec::new();
    let mut counts: HashMap<&'static str, usize> = HashMap::new();
    if let Some(unit) = unit {
        let mut q = TaskQuery::new(today);
        q.lead_unit_id = Some(unit);
        q.statuses = vec![Status::NotStarted, Status::InProgress, Status::Paused];
        q.per_page = TaskQuery::MAX_PER_PAGE;
        let tasks = s.store.list_tasks(&q).await?.items;
        let mut starts: Vec<_> = key_works.values().map(|p| p.start).collect();
        starts.sort();
        starts.dedup();
        let rq =
            ReportQuery { task_ids: tasks.iter().map(|t| t.id).collect(), period_starts: starts, ..Default::default() };
        let reports = s.store.list_reports(&rq).await?;
        for task in &tasks {
            let Some(period) = key_works.get(&task.fields.key_work_id) else { continue };
            let facts =
                reports.iter().find(|r| r.task_id == task.id && r.period_start == period.start).map(|r| ReportFacts {
                    status: r.status,
                    submitted_at: r.submitted_at.map(|at| at.with_timezone(&chrono::Local).naive_local()),
                });
            let state = report_state(period, facts, now);
            *counts.entry(state.as_str()).or_default() += 1;
            rows.push(Row {
                task_id: task.id,
                code: task.fields.code.clone(),
                title: task.fields.title.clone(),
                period: period_text(period, t, today),
                period_start: period.start.to_string(),
                state: state.as_str(),
                state_label: state.label(t.lang),
            });
        }
    }
    // The office's review queue: every submitted report, oldest first.
    let mut waiting = Vec::new();
    if user.actor.is_office() {
        let q = ReportQuery { statuses: vec![ReportStatus::Submitted], ..Default::default() };
        let mut submitted = s.store.list_reports(&q).await?;
        submitted.sort_by_key(|r| r.submitted_at);
        for r in submitted.into_iter().take(200) {
            let task = s.store.get_task(r.task_id).await?;
            let period = schedules.get(&task.fields.key_work_id).map(|sch| sch.period_containing(r.period_start));
            waiting.push(Waiting {
                task_id: r.task_id,
                text: format!("{} {}", task.fields.code, task.fields.title),
                unit: names.unit(task.fields.lead_unit_id),
                period: period.map(|p| period_text(&p, t, today)).unwrap_or_default(),
                period_start: r.period_start.to_string(),
                submitted: r
                    .submitted_at
                    .map(|at| at.with_timezone(&chrono::Local).format("%m-%d %H:%M").to_string())
                    .unwrap_or_default(),
            });
        }
    }
    let counts = ReportState::ALL
        .iter()
        .filter_map(|s| counts.get(s.as_str()).map(|n| (s.label(t.lang).to_string(), *n)))
        .collect();
    Ok(ReportsPage {
        t,
        user: Some(user.into()),
        rows,
        waiting,
        units: names
            .unit_list
            .iter()
            .map(|(id, name)| UnitChoice { id: *id, name: name.clone(), selected: Some(*id) == unit })
            .collect(),
        choose_unit: user.actor.is_office() || user.actor.unit_id.is_none(),
        counts,
    })
}
