//! Editing a milestone: the office sets the plan, the lead unit's liaison
//! records what happened (actual date and value, done) — from a phone if
//! need be.

use super::form::{self, FormData};
use super::i18n::Tr;
use super::login::csrf_refusal;
use super::session::WebUser;
use super::{render, UserChrome};
use crate::http::{check_fields, ApiError, AppState};
use crate::storage::{Milestone, StoreError};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tuijin_domain::access::LIAISON_MILESTONE_FIELDS;
use tuijin_domain::error::Invalid;
use tuijin_domain::milestone::MilestoneFields;
use tuijin_domain::Id;

#[derive(Template)]
#[template(path = "milestone_edit.html")]
struct MilestonePage {
    t: Tr,
    user: Option<UserChrome>,
    id: Id,
    task_id: Id,
    version: i64,
    title: String,
    planned_date: String,
    planned_value: String,
    actual_date: String,
    actual_value: String,
    done: bool,
    /// Plan fields are the office's.
    plan_locked: bool,
    banner: Option<String>,
    errors: Vec<String>,
}

fn page_for(user: &WebUser, m: &Milestone) -> MilestonePage {
    let f = &m.fields;
    let dec = |d: Option<rust_decimal::Decimal>| d.map(|v| v.normalize().to_string()).unwrap_or_default();
    MilestonePage {
        t: user.tr,
        user: Some(user.into()),
        id: m.id,
        task_id: m.task_id,
        version: m.version,
        title: f.title.clone(),
        planned_date: f.planned_date.to_string(),
        planned_value: dec(f.planned_value),
        actual_date: f.actual_date.map(|d| d.to_string()).unwrap_or_default(),
        actual_value: dec(f.actual_value),
        done: f.done,
        plan_locked: !user.actor.is_office(),
        banner: None,
        errors: Vec::new(),
    }
}

/// The milestone, if this user may edit its task.
async fn editable(s: &AppState, user: &WebUser, id: Id) -> Result<Milestone, Response> {
    let m = s.store.get_milestone(id).await.map_err(|e| ApiError::from(e).into_response())?;
    let task = s.store.get_task(m.task_id).await.map_err(|e| ApiError::from(e).into_response())?;
    if user.actor.may_edit_task(task.fields.lead_unit_id) {
        Ok(m)
    } else {
        Err((StatusCode::FORBIDDEN, user.tr.get("edit.refused").to_string()).into_response())
    }
}

pub async fn form_page(State(s): State<AppState>, user: WebUser, Path(id): Path<Id>) -> Response {
    match editable(&s, &user, id).await {
        Ok(m) => render(&page_for(&user, &m)),
        Err(r) => r,
    }
}

/// Reads the form over the stored fields; fields not sent keep their value.
fn parse(form: &FormData, stored: &MilestoneFields) -> Result<MilestoneFields, Invalid> {
    let mut inv = Invalid::default();
    let mut f = stored.clone();
    if let Some(t) = form.text("title") {
        f.title = t;
    }
    if let Some(raw) = form.text("planned_date") {
        match form::date(&mut inv, "planned_date", &raw) {
            Some(Some(d)) => f.planned_date = d,
            Some(None) => inv.push("planned_date", tuijin_domain::Problem::Required),
            None => {}
        }
    }
    if let Some(raw) = form.text("planned_value") {
        if let Some(v) = form::decimal(&mut inv, "planned_value", &raw) {
            f.planned_value = v;
        }
    }
    if let Some(raw) = form.text("actual_date") {
        if let Some(d) = form::date(&mut inv, "actual_date", &raw) {
            f.actual_date = d;
        }
    }
    if let Some(raw) = form.text("actual_value") {
        if let Some(v) = form::decimal(&mut inv, "actual_value", &raw) {
            f.actual_value = v;
        }
    }
    // A hidden "false" precedes the checkbox, so the last value is the answer.
    if let Some(done) = form.all("done").last() {
        f.done = done == "true";
    }
    inv.into_result(f)
}

pub async fn submit(State(s): State<AppState>, user: WebUser, Path(id): Path<Id>, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    if let Some(refusal) = csrf_refusal(&user, &form.text("csrf").unwrap_or_default()) {
        return refusal;
    }
    let current = match editable(&s, &user, id).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let t = user.tr;
    let refuse = |mut page: MilestonePage, status: StatusCode, errors: Vec<String>| {
        page.banner = Some(t.get("edit.invalid").to_string());
        page.errors = errors;
        let mut res = render(&page);
        *res.status_mut() = status;
        res
    };
    let valid = match parse(&form, &current.fields).and_then(MilestoneFields::validate) {
        Ok(v) => v,
        Err(inv) => {
            let errors = inv.messages(t.lang);
            return refuse(page_for(&user, &current), StatusCode::UNPROCESSABLE_ENTITY, errors);
        }
    };
    if let Err(ApiError::ForbiddenFields(fields)) =
        check_fields(&user.actor, &current.fields, &*valid, LIAISON_MILESTONE_FIELDS)
    {
        let names: Vec<String> = fields.iter().map(|f| tuijin_domain::error::field_label(f, t.lang)).collect();
        return refuse(
            page_for(&user, &current),
            StatusCode::FORBIDDEN,
            vec![t.fill("edit.forbidden", &[("fields", &names.join("、"))])],
        );
    }
    let sent_version: i64 = form.text("version").and_then(|v| v.parse().ok()).unwrap_or(-1);
    let result = if sent_version == current.version {
        s.store.update_milestone(&user.actor, &current, valid).await
    } else {
        Err(StoreError::Conflict { current: serde_json::Value::Null })
    };
    match result {
        Ok(m) => Redirect::to(&format!("/tasks/{}", m.task_id)).into_response(),
        Err(StoreError::Conflict { .. }) => match s.store.get_milestone(id).await {
            Ok(now) => {
                let mut page = page_for(&user, &now);
                page.banner = Some(t.get("ms.conflict").to_string());
                let mut res = render(&page);
                *res.status_mut() = StatusCode::CONFLICT;
                res
            }
            Err(e) => ApiError::from(e).into_response(),
        },
        Err(e) => ApiError::from(e).into_response(),
    }
}

#[derive(serde::Deserialize)]
pub struct NewMilestone {
    csrf: String,
    title: String,
    planned_date: String,
    #[serde(default)]
    planned_value: String,
}

/// The office adds a milestone from the task page.
pub async fn add(
    State(s): State<AppState>,
    user: WebUser,
    Path(task_id): Path<Id>,
    axum::Form(f): axum::Form<NewMilestone>,
) -> Response {
    if let Some(refusal) = csrf_refusal(&user, &f.csrf) {
        return refusal;
    }
    if !user.actor.may_edit_ledger_structure() {
        return (StatusCode::FORBIDDEN, user.tr.get("edit.refused").to_string()).into_response();
    }
    let mut inv = Invalid::default();
    let planned_date = match form::date(&mut inv, "planned_date", f.planned_date.trim()) {
        Some(Some(d)) => Some(d),
        Some(None) => {
            inv.push("planned_date", tuijin_domain::Problem::Required);
            None
        }
        None => None,
    };
    let planned_value = form::decimal(&mut inv, "planned_value", f.planned_value.trim()).flatten();
    let fields = planned_date.map(|planned_date| MilestoneFields {
        title: f.title,
        planned_date,
        planned_value,
        actual_date: None,
        actual_value: None,
        done: false,
    });
    let result = match (inv.is_empty(), fields) {
        (true, Some(fields)) => match fields.validate() {
            Ok(v) => s.store.create_milestone(&user.actor, task_id, v).await.map_err(ApiError::from),
            Err(e) => Err(e.into()),
        },
        _ => Err(inv.into()),
    };
    match result {
        Ok(_) => Redirect::to(&format!("/tasks/{task_id}")).into_response(),
        Err(e) => super::message::refusal(&user, e, &format!("/tasks/{task_id}")),
    }
}
