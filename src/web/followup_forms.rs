//! The small forms of the task page for follow-up: a leader's instruction,
//! a reply in its thread, an extension request, and the office's decision.
//! Each answers with the task page again, or a message naming what is wrong.

use super::form::FormData;
use super::login::csrf_refusal;
use super::message::refusal;
use super::session::WebUser;
use crate::http::{today, ApiError, AppState};
use crate::supervision::followup;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use tuijin_domain::error::{Invalid, Problem};
use tuijin_domain::extension::ExtensionFields;
use tuijin_domain::instruction::{InstructionFields, ReplyFields, DEFAULT_RESPOND_DAYS};
use tuijin_domain::Id;

fn done_or_refused(user: &WebUser, task_id: Id, result: Result<(), ApiError>) -> Response {
    let back = format!("/tasks/{task_id}");
    match result {
        Ok(()) => Redirect::to(&back).into_response(),
        Err(e) => refusal(user, e, &back),
    }
}

/// The form, and the refusal to send instead when its CSRF token is wrong.
fn checked(user: &WebUser, body: &Bytes) -> (FormData, Option<Response>) {
    let form = FormData::parse(body);
    let refusal = csrf_refusal(user, &form.text("csrf").unwrap_or_default());
    (form, refusal)
}

pub async fn instruct(State(s): State<AppState>, user: WebUser, Path(task_id): Path<Id>, body: Bytes) -> Response {
    let (form, refused) = checked(&user, &body);
    if let Some(r) = refused {
        return r;
    }
    let days = form.text("respond_within_days").and_then(|d| d.parse().ok()).unwrap_or(DEFAULT_RESPOND_DAYS);
    let f = InstructionFields { text: form.text("text").unwrap_or_default(), respond_within_days: days };
    let result = followup::instruct(s.store.as_ref(), &user.actor, task_id, f, today()).await.map(|_| ());
    done_or_refused(&user, task_id, result)
}

pub async fn reply(State(s): State<AppState>, user: WebUser, Path(id): Path<Id>, body: Bytes) -> Response {
    let (form, refused) = checked(&user, &body);
    if let Some(r) = refused {
        return r;
    }
    let task_id = match s.store.get_instruction(id).await {
        Ok(i) => i.task_id,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let f = ReplyFields { text: form.text("text").unwrap_or_default() };
    let result = followup::reply(s.store.as_ref(), &user.actor, id, f).await.map(|_| ());
    done_or_refused(&user, task_id, result)
}

pub async fn request_extension(
    State(s): State<AppState>,
    user: WebUser,
    Path(task_id): Path<Id>,
    body: Bytes,
) -> Response {
    let (form, refused) = checked(&user, &body);
    if let Some(r) = refused {
        return r;
    }
    let mut inv = Invalid::default();
    let date = match super::form::date(&mut inv, "requested_date", &form.text("requested_date").unwrap_or_default()) {
        Some(Some(d)) => Some(d),
        Some(None) => {
            inv.push("requested_date", Problem::Required);
            None
        }
        None => None,
    };
    let result = match date {
        Some(requested_date) if inv.is_empty() => {
            let f = ExtensionFields {
                milestone_id: form.text("milestone_id").and_then(|m| m.parse().ok()),
                requested_date,
                reason: form.text("reason").unwrap_or_default(),
            };
            followup::request_extension(s.store.as_ref(), &user.actor, task_id, f).await.map(|_| ())
        }
        _ => Err(inv.into()),
    };
    done_or_refused(&user, task_id, result)
}

pub async fn decide(State(s): State<AppState>, user: WebUser, Path(id): Path<Id>, body: Bytes) -> Response {
    let (form, refused) = checked(&user, &body);
    if let Some(r) = refused {
        return r;
    }
    let task_id = match s.store.get_extension(id).await {
        Ok(x) => x.task_id,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let version = form.text("version").and_then(|v| v.parse().ok()).unwrap_or(-1);
    let approve = form.text("decision").as_deref() == Some("approve");
    let note = form.text("note").unwrap_or_default();
    let result = followup::decide(s.store.as_ref(), &user.actor, id, version, approve, &note).await.map(|_| ());
    done_or_refused(&user, task_id, result)
}
