//! The office links tasks in sequence (工程时序) from a task's page: "this
//! task precedes / follows task 3-2", by the other task's code within the
//! same key work, as offices refer to tasks.

use super::form::FormData;
use super::login::csrf_refusal;
use super::message::{forbidden, refusal};
use super::session::WebUser;
use crate::http::{today, ApiError, AppState};
use crate::storage::{TaskQuery, TaskSort};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use tuijin_domain::error::{Invalid, Problem};
use tuijin_domain::relation::RelationFields;
use tuijin_domain::Id;

/// The task with this code in the key work, if any.
pub(super) async fn task_by_code(s: &AppState, key_work_id: Id, code: &str) -> Result<Option<Id>, ApiError> {
    let mut q = TaskQuery::new(today());
    q.key_work_id = Some(key_work_id);
    q.text = Some(code.to_string());
    // Natural code order puts the exact code before longer ones containing it.
    q.sort = TaskSort::Code;
    q.per_page = TaskQuery::MAX_PER_PAGE;
    Ok(s.store.list_tasks(&q).await?.items.into_iter().find(|t| t.fields.code == code).map(|t| t.id))
}

pub async fn add(State(s): State<AppState>, user: WebUser, Path(task_id): Path<Id>, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&user, &form.text("csrf").unwrap_or_default()) {
        return r;
    }
    if !user.actor.may_edit_ledger_structure() {
        return forbidden(&user, "edit.refused");
    }
    let back = format!("/tasks/{task_id}");
    match link(&s, &user, task_id, &form).await {
        Ok(()) => Redirect::to(&back).into_response(),
        Err(e) => refusal(&user, e, &back),
    }
}

async fn link(s: &AppState, user: &WebUser, task_id: Id, form: &FormData) -> Result<(), ApiError> {
    let task = s.store.get_task(task_id).await?;
    let mut inv = Invalid::default();
    let code = form.text("code").unwrap_or_default();
    let other = if code.is_empty() {
        inv.push("code", Problem::Required);
        None
    } else {
        let found = task_by_code(s, task.fields.key_work_id, &code).await?;
        if found.is_none() {
            inv.push("code", Problem::UnknownReference { what: "task", id: code.clone() });
        }
        found
    };
    let lag_raw = form.text("lag_days").unwrap_or_default();
    let lag_days = match lag_raw.as_str() {
        "" => 0,
        raw => raw.parse().unwrap_or_else(|_| {
            inv.push("lag_days", Problem::Malformed { expected: "integer" });
            0
        }),
    };
    let Some(other) = other else {
        return Err(inv.into());
    };
    let (predecessor_id, successor_id) =
        if form.text("direction").as_deref() == Some("follows") { (other, task_id) } else { (task_id, other) };
    let fields = RelationFields { predecessor_id, successor_id, lag_days, note: form.text("note").unwrap_or_default() };
    inv.into_result(())?;
    s.store.create_relation(&user.actor, fields.validate()?).await?;
    Ok(())
}
