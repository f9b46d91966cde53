//! Tasks: the ledger list with its filters, a task with its milestones
//! and relations, writes checked against role and unit, and history.

use super::extract::{Body, Path, Query};
use super::openapi::{Conflict, Forbidden, Unprocessable};
use super::reference::{check_version, require_office};
use super::{ApiError, AppState};
use crate::storage::{HistoryEntry, Milestone, Page, Relation, Task, TaskQuery, TaskSort};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tuijin_domain::access::{Actor, LIAISON_TASK_FIELDS};
use tuijin_domain::history::diff;
use tuijin_domain::task::{Priority, Status, TaskFields, TaskPatch};
use tuijin_domain::Id;
use utoipa::{IntoParams, ToSchema};

/// Filters, sort and page of the task list. Lists take comma-separated values.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TaskListParams {
    /// Key work id.
    #[param(value_type = Option<i64>)]
    pub key_work: Option<Id>,
    /// Parent task id (its sub-tasks).
    #[param(value_type = Option<i64>)]
    pub parent: Option<Id>,
    /// Lead unit id.
    #[param(value_type = Option<i64>)]
    pub lead_unit: Option<Id>,
    /// Responsible leader (person id).
    #[param(value_type = Option<i64>)]
    pub leader: Option<Id>,
    /// Statuses, comma-separated, e.g. `in_progress,not_started` (the Chinese labels are read too).
    #[param(value_type = Option<Vec<Status>>, style = Form, explode = false)]
    pub status: Option<String>,
    /// Priorities, comma-separated, e.g. `urgent_important,important`.
    #[param(value_type = Option<Vec<Priority>>, style = Form, explode = false)]
    pub priority: Option<String>,
    /// Due on or after this date.
    pub due_from: Option<NaiveDate>,
    /// Due on or before this date.
    pub due_to: Option<NaiveDate>,
    /// Only open tasks past their due date.
    pub overdue: Option<bool>,
    /// Free text in code or title.
    pub q: Option<String>,
    /// The order: `ledger` (key work, then code; the default), `due_date`, `priority`, `code`, `title`,
    /// `percent_complete` or `updated_at`; a `-` before it for descending.
    #[param(schema_with = sort_schema)]
    pub sort: Option<String>,
    /// From 1.
    #[param(minimum = 1, maximum = 4294967295_u32)]
    pub page: Option<u32>,
    /// 1 to 500, default 50.
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<u32>,
}

/// The `sort` parameter: each sort's name, ascending or (`-`) descending.
fn sort_schema() -> utoipa::openapi::Object {
    let names = TaskSort::NAMES.iter().flat_map(|(name, _)| [name.to_string(), format!("-{name}")]);
    utoipa::openapi::ObjectBuilder::new().schema_type(utoipa::openapi::Type::String).enum_values(Some(names)).build()
}

fn bad(field: &str, detail: impl Into<String>) -> ApiError {
    ApiError::BadRequest { field: Some(field.to_string()), detail: detail.into() }
}

fn parse_list<T>(field: &str, raw: &Option<String>, parse: impl Fn(&str) -> Option<T>) -> Result<Vec<T>, ApiError> {
    let Some(raw) = raw else { return Ok(Vec::new()) };
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| parse(s).ok_or_else(|| bad(field, format!("unknown value {s:?}"))))
        .collect()
}

impl TaskListParams {
    /// Parses the parameters into a query, naming the parameter at fault.
    pub fn into_query(self, today: NaiveDate) -> Result<TaskQuery, ApiError> {
        let mut q = TaskQuery::new(today);
        q.key_work_id = self.key_work;
        q.parent_id = self.parent;
        q.lead_unit_id = self.lead_unit;
        q.leader_id = self.leader;
        q.statuses = parse_list("status", &self.status, Status::parse)?;
        q.priorities = parse_list("priority", &self.priority, Priority::parse)?;
        q.due_from = self.due_from;
        q.due_to = self.due_to;
        q.overdue = self.overdue.unwrap_or(false);
        q.text = self.q;
        if let Some(sort) = self.sort.as_deref() {
            let (desc, key) = sort.strip_prefix('-').map_or((false, sort), |k| (true, k));
            q.sort = TaskSort::parse(key).ok_or_else(|| bad("sort", format!("unknown sort {key:?}")))?;
            q.descending = desc;
        }
        q.page = self.page.unwrap_or(1);
        if q.page == 0 {
            return Err(bad("page", "pages start at 1"));
        }
        q.per_page = self.per_page.unwrap_or(50);
        if q.per_page == 0 || q.per_page > TaskQuery::MAX_PER_PAGE {
            return Err(bad("per_page", format!("between 1 and {}", TaskQuery::MAX_PER_PAGE)));
        }
        Ok(q)
    }
}

pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

#[utoipa::path(get, path = "/tasks", tag = "tasks", params(TaskListParams), responses((status = 200, body = Page<Task>)))]
pub async fn list_tasks(
    State(s): State<AppState>,
    _: Actor,
    Query(p): Query<TaskListParams>,
) -> Result<Json<Page<Task>>, ApiError> {
    let q = p.into_query(today())?;
    Ok(Json(s.store.list_tasks(&q).await?))
}

/// A task with its milestones and the relations that touch it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskDetail {
    #[serde(flatten)]
    pub task: Task,
    pub milestones: Vec<Milestone>,
    pub relations: Vec<Relation>,
}

#[utoipa::path(get, path = "/tasks/{id}", tag = "tasks", params(("id" = i64, Path, description = "The task")),
    responses((status = 200, body = TaskDetail)))]
pub async fn get_task(State(s): State<AppState>, _: Actor, Path(id): Path<Id>) -> Result<Json<TaskDetail>, ApiError> {
    let task = s.store.get_task(id).await?;
    let milestones = s.store.list_milestones(id).await?;
    let relations = s.store.list_relations(Some(id)).await?;
    Ok(Json(TaskDetail { task, milestones, relations }))
}

#[utoipa::path(post, path = "/tasks", tag = "tasks", request_body = TaskFields,
    responses((status = 201, body = Task), Forbidden, Unprocessable))]
pub async fn create_task(
    State(s): State<AppState>,
    actor: Actor,
    Body(f): Body<TaskFields>,
) -> Result<(StatusCode, Json<Task>), ApiError> {
    require_office(&actor)?;
    Ok((StatusCode::CREATED, Json(s.store.create_task(&actor, f.validate()?).await?)))
}

/// Refuses a change that touches fields the actor's role may not change.
pub fn check_fields<T: Serialize>(actor: &Actor, old: &T, new: &T, allowed: &[&str]) -> Result<(), ApiError> {
    // The office may change every field: no diff needed on its (frequent) writes.
    if actor.is_office() {
        return Ok(());
    }
    let changes = diff(Some(old), Some(new));
    let changed: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
    let forbidden = actor.forbidden_fields(&changed, allowed);
    if forbidden.is_empty() {
        Ok(())
    } else {
        Err(ApiError::ForbiddenFields(forbidden.into_iter().map(String::from).collect()))
    }
}

#[utoipa::path(patch, path = "/tasks/{id}", tag = "tasks", params(("id" = i64, Path, description = "The task")),
    request_body = TaskPatch, responses((status = 200, body = Task), Forbidden, Conflict, Unprocessable))]
pub async fn update_task(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
    Body(p): Body<TaskPatch>,
) -> Result<Json<Task>, ApiError> {
    let current = s.store.get_task(id).await?;
    if !actor.may_edit_task(current.fields.lead_unit_id) {
        return Err(ApiError::Forbidden);
    }
    check_version(p.version, &current, current.version)?;
    let new = current.fields.apply(&p).validate()?;
    check_fields(&actor, &current.fields, &*new, LIAISON_TASK_FIELDS)?;
    Ok(Json(s.store.update_task(&actor, &current, new).await?))
}

/// Refused (422) while other rows (sub-tasks, reports, decisions…) still refer to the task.
#[utoipa::path(delete, path = "/tasks/{id}", tag = "tasks", params(("id" = i64, Path, description = "The task")),
    responses((status = 204, description = "Deleted; its history stays"), Forbidden, Unprocessable))]
pub async fn delete_task(State(s): State<AppState>, actor: Actor, Path(id): Path<Id>) -> Result<StatusCode, ApiError> {
    require_office(&actor)?;
    s.store.delete_task(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every change to the task, its milestones and its relations, oldest first.
#[utoipa::path(get, path = "/tasks/{id}/history", tag = "tasks", params(("id" = i64, Path, description = "The task")),
    responses((status = 200, body = Vec<HistoryEntry>)))]
pub async fn task_history(
    State(s): State<AppState>,
    _: Actor,
    Path(id): Path<Id>,
) -> Result<Json<Vec<HistoryEntry>>, ApiError> {
    let entries = s.store.task_history(id).await?;
    if entries.is_empty() {
        // No history at all means the task never existed.
        s.store.get_task(id).await?;
    }
    Ok(Json(entries))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(q: &str) -> Result<TaskQuery, ApiError> {
        let p: TaskListParams = serde_urlencoded::from_str(q).unwrap();
        p.into_query(NaiveDate::from_ymd_opt(2021, 7, 1).unwrap())
    }

    fn field(e: ApiError) -> Option<String> {
        match e {
            ApiError::BadRequest { field, .. } => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn lists_take_codes_and_chinese_labels() {
        let q = params("status=in_progress,已完成&priority=紧急重要").unwrap();
        assert_eq!(q.statuses, vec![Status::InProgress, Status::Done]);
        assert_eq!(q.priorities, vec![Priority::UrgentImportant]);
    }

    #[test]
    fn sort_accepts_a_minus_for_descending() {
        let q = params("sort=-due_date").unwrap();
        assert_eq!((q.sort, q.descending), (TaskSort::DueDate, true));
        let q = params("").unwrap();
        assert_eq!((q.sort, q.descending, q.page, q.per_page), (TaskSort::Ledger, false, 1, 50));
    }

    #[test]
    fn the_documented_page_size_is_the_enforced_one() {
        let documented = TaskListParams::into_params(|| None);
        let per_page = documented.iter().find(|p| p.name == "per_page").unwrap();
        let schema = serde_json::to_value(&per_page.schema).unwrap();
        assert_eq!(schema["maximum"], TaskQuery::MAX_PER_PAGE);
        assert!(params("per_page=500").is_ok() && params("per_page=501").is_err());
    }

    #[test]
    fn bad_parameters_are_named() {
        assert_eq!(field(params("status=finished").unwrap_err()).as_deref(), Some("status"));
        assert_eq!(field(params("sort=colour").unwrap_err()).as_deref(), Some("sort"));
        assert_eq!(field(params("page=0").unwrap_err()).as_deref(), Some("page"));
        assert_eq!(field(params("per_page=0").unwrap_err()).as_deref(), Some("per_page"));
    }
}
