//! The office adds a task to the ledger, or a sub-task under a task. The
//! same form as editing; a sub-task starts with its parent's key work,
//! units and leaders, and the next free code under the parent's.

use super::form::{self, FormData};
use super::login::csrf_refusal;
use super::message::forbidden;
use super::render;
use super::session::WebUser;
use super::task_edit::{page, with_status, Subject, Values};
use crate::http::{today, ApiError, AppState};
use crate::storage::{Task, TaskQuery};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tuijin_domain::error::{Invalid, Problem};
use tuijin_domain::task::{Priority, Status, TaskFields};
use tuijin_domain::Id;

#[derive(Deserialize)]
pub struct NewQuery {
    key_work: Option<Id>,
    parent: Option<Id>,
}

/// A new task's starting values: empty, or its parent's where a sub-task
/// usually shares them.
fn blank(key_work_id: Id, parent: Option<&Task>, code: String) -> TaskFields {
    let p = parent.map(|p| &p.fields);
    TaskFields {
        key_work_id,
        parent_id: parent.map(|p| p.id),
        code,
        title: String::new(),
        description: String::new(),
        lead_unit_id: p.map_or(0, |p| p.lead_unit_id),
        supporting_unit_ids: p.map(|p| p.supporting_unit_ids.clone()).unwrap_or_default(),
        leader_ids: p.map(|p| p.leader_ids.clone()).unwrap_or_default(),
        priority: p.map_or(Priority::Normal, |p| p.priority),
        status: Status::NotStarted,
        start_date: None,
        due_date: p.and_then(|p| p.due_date),
        target: None,
        planned_investment: None,
        completed_investment: None,
        percent_complete: Default::default(),
        tags: Vec::new(),
    }
}

/// "3-2" → the next code under it: "3-2-1", or one past the highest child.
fn next_child_code(parent: &str, children: &[String]) -> String {
    let prefix = format!("{parent}-");
    let highest = children.iter().filter_map(|c| c.strip_prefix(&prefix)?.parse::<u32>().ok()).max().unwrap_or(0);
    format!("{prefix}{}", highest + 1)
}

async fn starting_point(s: &AppState, q: &NewQuery) -> Result<(Option<Task>, TaskFields), ApiError> {
    match q.parent {
        Some(pid) => {
            let parent = s.store.get_task(pid).await?;
            let mut tq = TaskQuery::new(today());
            tq.parent_id = Some(pid);
            tq.per_page = TaskQuery::MAX_PER_PAGE;
            let codes: Vec<String> = s.store.list_tasks(&tq).await?.items.into_iter().map(|c| c.fields.code).collect();
            let fields = blank(parent.fields.key_work_id, Some(&parent), next_child_code(&parent.fields.code, &codes));
            Ok((Some(parent), fields))
        }
        None => Ok((None, blank(q.key_work.unwrap_or(0), None, String::new()))),
    }
}

fn values_of(f: &TaskFields) -> Values {
    let mut v = Values::from_task(f);
    if f.lead_unit_id == 0 {
        v.set("lead_unit_id", Vec::new());
    }
    v.set("key_work_id", vec![f.key_work_id.to_string()]);
    v
}

pub async fn form_page(State(s): State<AppState>, user: WebUser, Query(q): Query<NewQuery>) -> Response {
    if !user.actor.may_edit_ledger_structure() {
        return forbidden(&user, "new.refused");
    }
    let result = async {
        let (parent, fields) = starting_point(&s, &q).await?;
        page(&s, &user, Subject::New { parent: parent.as_ref() }, values_of(&fields), 0).await
    };
    match result.await {
        Ok(p) => render(&p),
        Err(e) => e.into_response(),
    }
}

pub async fn create(State(s): State<AppState>, user: WebUser, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    if let Some(refusal) = csrf_refusal(&user, &form.text("csrf").unwrap_or_default()) {
        return refusal;
    }
    if !user.actor.may_edit_ledger_structure() {
        return forbidden(&user, "new.refused");
    }
    let mut inv = Invalid::default();
    let parent_id = form.text("parent_id").filter(|p| !p.is_empty()).and_then(|p| form::id(&mut inv, "parent_id", &p));
    let key_work =
        form.text("key_work_id").filter(|k| !k.is_empty()).and_then(|k| form::id(&mut inv, "key_work_id", &k));
    let q = NewQuery { key_work, parent: parent_id };
    let (parent, base) = match starting_point(&s, &q).await {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    if base.key_work_id == 0 {
        inv.push("key_work_id", Problem::Required);
    }
    let values = Values::from_form(&form, &values_of(&base));
    let result = match values.parse(&base) {
        Ok(fields) if inv.is_empty() => match fields.validate() {
            Ok(valid) => s.store.create_task(&user.actor, valid).await.map_err(ApiError::from),
            Err(i) => Err(i.into()),
        },
        Ok(_) => Err(inv.into()),
        Err(more) => {
            inv.0.extend(more.0);
            Err(inv.into())
        }
    };
    match result {
        Ok(task) => Redirect::to(&format!("/tasks/{}", task.id)).into_response(),
        Err(ApiError::Invalid(inv)) => match page(&s, &user, Subject::New { parent: parent.as_ref() }, values, 0).await
        {
            Ok(mut p) => {
                p.show_invalid(inv);
                with_status(render(&p), StatusCode::UNPROCESSABLE_ENTITY)
            }
            Err(e) => e.into_response(),
        },
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sub_task_gets_the_next_code_under_its_parent() {
        assert_eq!(next_child_code("3", &[]), "3-1");
        let children = ["3-1".to_string(), "3-4".to_string(), "3-2".to_string(), "3-x".to_string()];
        assert_eq!(next_child_code("3", &children), "3-5");
        assert_eq!(next_child_code("3-2", &["3-2-1".to_string()]), "3-2-2");
    }
}
