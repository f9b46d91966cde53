//! The forms of the meeting pages: reading a meeting or a decision from a
//! submitted form, and the small posts (agenda, minutes, decisions), each
//! answered with the meeting page again or a message naming what is wrong.

use super::form::{self, FormData};
use super::login::csrf_refusal;
use super::message::refusal;
use super::session::WebUser;
use crate::http::{today, ApiError, AppState};
use crate::supervision::meetings;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use tuijin_domain::error::{Invalid, Problem};
use tuijin_domain::meeting::agenda::ItemFields;
use tuijin_domain::meeting::{DecisionFields, MeetingFields, MeetingPatch, MeetingStatus};
use tuijin_domain::Id;

/// The form, and the refusal to send instead when its CSRF token is wrong.
pub fn checked(user: &WebUser, body: &Bytes) -> (FormData, Option<Response>) {
    let form = FormData::parse(body);
    let refusal = csrf_refusal(user, &form.text("csrf").unwrap_or_default());
    (form, refusal)
}

fn required_date(inv: &mut Invalid, form: &FormData, field: &str) -> Option<NaiveDate> {
    match form::date(inv, field, &form.text(field).unwrap_or_default()) {
        Some(Some(d)) => Some(d),
        Some(None) => {
            inv.push(field, Problem::Required);
            None
        }
        None => None,
    }
}

fn optional_id(inv: &mut Invalid, form: &FormData, field: &str) -> Option<Id> {
    form.text(field).filter(|v| !v.is_empty()).and_then(|v| form::id(inv, field, &v))
}

/// A meeting as the form states it; `inv` collects what cannot be read.
pub fn meeting_from(form: &FormData, inv: &mut Invalid) -> MeetingFields {
    let held_on = required_date(inv, form, "held_on");
    MeetingFields {
        title: form.text("title").unwrap_or_default(),
        key_work_ids: form::ids(inv, "key_work_ids", &form.all("key_work_ids")),
        held_on: held_on.unwrap_or_default(),
        starts_at: form.text("starts_at").unwrap_or_default(),
        place: form.text("place").unwrap_or_default(),
        chair_id: optional_id(inv, form, "chair_id"),
        attendees: form.text("attendees").unwrap_or_default(),
        status: form.text("status").and_then(|s| MeetingStatus::parse(&s)).unwrap_or_default(),
        minutes: form.text("minutes").unwrap_or_default(),
    }
}

/// A decision as the form states it.
fn decision_from(form: &FormData, inv: &mut Invalid) -> DecisionFields {
    DecisionFields {
        content: form.text("content").unwrap_or_default(),
        lead_unit_id: optional_id(inv, form, "lead_unit_id"),
        supporting_unit_ids: form::ids(inv, "supporting_unit_ids", &form.all("supporting_unit_ids")),
        leader_ids: form::ids(inv, "leader_ids", &form.all("leader_ids")),
        // Empty is for the domain to name (with the other missing fields).
        deadline: form::date(inv, "deadline", &form.text("deadline").unwrap_or_default()).flatten(),
        key_work_id: optional_id(inv, form, "key_work_id"),
        parent_id: None,
    }
}

fn version(form: &FormData) -> i64 {
    form.text("version").and_then(|v| v.parse().ok()).unwrap_or(-1)
}

/// Back to the meeting page (at `anchor`), or the refusal in words.
fn done_or_refused(user: &WebUser, meeting_id: Id, anchor: &str, result: Result<(), ApiError>) -> Response {
    let back = format!("/meetings/{meeting_id}");
    match result {
        Ok(()) => Redirect::to(&format!("{back}#{anchor}")).into_response(),
        Err(e) => refusal(user, e, &back),
    }
}

/// The value read from a form, or what could not be read of it.
fn unless_invalid<T>(inv: Invalid, value: T) -> Result<T, ApiError> {
    if inv.is_empty() {
        Ok(value)
    } else {
        Err(inv.into())
    }
}

/// Saves the meeting's fields (the edit form on its page).
pub async fn save(State(s): State<AppState>, user: WebUser, Path(id): Path<Id>, body: Bytes) -> Response {
    let (form, refused) = checked(&user, &body);
    if let Some(r) = refused {
        return r;
    }
    let mut inv = Invalid::default();
    let f = meeting_from(&form, &mut inv);
    let result = async {
        let f = unless_invalid(inv, f)?;
        let p = MeetingPatch {
            version: version(&form),
            title: Some(f.title),
            key_work_ids: Some(f.key_work_ids),
            held_on: Some(f.held_on),
            starts_at: Some(f.starts_at),
            place: Some(f.place),
            chair_id: f.chair_id,
            attendees: Some(f.attendees),
            status: Some(f.status),
            minutes: None,
        };
        meetings::update(s.store.as_ref(), &user.actor, id, &p).await.map(|_| ())
    };
    done_or_refused(&user, id, "top", result.await)
}

pub async fn save_minutes(State(s): State<AppState>, user: WebUser, Path(id): Path<Id>, body: Bytes) -> Response {
    let (form, refused) = checked(&user, &body);
    if let Some(r) = refused {
        return r;
    }
    let p = MeetingPatch { version: version(&form), minutes: form.text("minutes"), ..Default::default() };
    match meetings::update(s.store.as_ref(), &user.actor, id, &p).await {
        Err(ApiError::Conflict { .. }) => {
            super::meeting_page::minutes_conflict(&s, &user, id, p.minutes.unwrap_or_default()).await
        }
        result => done_or_refused(&user, id, "minutes", result.map(|_| ())),
    }
}

pub async fn generate(State(s): State<AppState>, user: WebUser, Path(id): Path<Id>, body: Bytes) -> Response {
    let (_, refused) = checked(&user, &body);
    if let Some(r) = refused {
        return r;
    }
    let result = meetings::regenerate(s.store.as_ref(), &s.lamp_config, &user.actor, id, today(), user.tr.lang).await;
    done_or_refused(&user, id, "agenda", result.map(|_| ()))
}

fn item_from(form: &FormData) -> ItemFields {
    ItemFields { title: form.text("title").unwrap_or_default(), detail: form.text("detail").unwrap_or_default() }
}

pub async fn add_item(State(s): State<AppState>, user: WebUser, Path(id): Path<Id>, body: Bytes) -> Response {
    let (form, refused) = checked(&user, &body);
    if let Some(r) = refused {
        return r;
    }
    let result = meetings::add_item(s.store.as_ref(), &user.actor, id, item_from(&form)).await.map(|_| ());
    done_or_refused(&user, id, "agenda", result)
}

/// Edits, deletes or moves an agenda item, as the button pressed says.
pub async fn item(State(s): State<AppState>, user: WebUser, Path(id): Path<Id>, body: Bytes) -> Response {
    let (form, refused) = checked(&user, &body);
    if let Some(r) = refused {
        return r;
    }
    let meeting_id = match s.store.get_agenda_item(id).await {
        Ok(i) => i.meeting_id,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let (store, actor) = (s.store.as_ref(), &user.actor);
    let result = match form.text("action").as_deref() {
        Some("up") | Some("down") => {
            meetings::move_item(store, actor, id, form.text("action").as_deref() == Some("up")).await.map(|_| ())
        }
        Some("delete") => meetings::delete_item(store, actor, id).await.map(|_| ()),
        _ => meetings::edit_item(store, actor, id, version(&form), item_from(&form)).await.map(|_| ()),
    };
    done_or_refused(&user, meeting_id, "agenda", result)
}

pub async fn add_decision(State(s): State<AppState>, user: WebUser, Path(id): Path<Id>, body: Bytes) -> Response {
    let (form, refused) = checked(&user, &body);
    if let Some(r) = refused {
        return r;
    }
    let mut inv = Invalid::default();
    let mut f = decision_from(&form, &mut inv);
    let result = async {
        // 上级任务 by its ledger code, in the key work the task goes into.
        let parent_code = form.text("parent_code").unwrap_or_default();
        if !parent_code.is_empty() {
            let first = s.store.get_meeting(id).await?.fields.key_work_ids.first().copied();
            let key_work = f.key_work_id.or(first).unwrap_or_default();
            f.parent_id = super::relations::task_by_code(&s, key_work, &parent_code).await?;
            if f.parent_id.is_none() {
                inv.push("parent_id", Problem::UnknownReference { what: "task", id: parent_code });
            }
        }
        let f = unless_invalid(inv, f)?;
        meetings::decide(s.store.as_ref(), &user.actor, id, f).await.map(|_| ())
    };
    done_or_refused(&user, id, "decisions", result.await)
}

pub async fn edit_decision(State(s): State<AppState>, user: WebUser, Path(id): Path<Id>, body: Bytes) -> Response {
    let (form, refused) = checked(&user, &body);
    if let Some(r) = refused {
        return r;
    }
    let meeting_id = match s.store.get_decision(id).await {
        Ok(d) => d.meeting_id,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let mut inv = Invalid::default();
    let f = decision_from(&form, &mut inv);
    let result = async {
        let f = unless_invalid(inv, f)?;
        meetings::revise(s.store.as_ref(), &user.actor, id, version(&form), f).await.map(|_| ())
    };
    done_or_refused(&user, meeting_id, "decisions", result.await)
}

/// Deletes the meeting (the confirmation is the second click inside its
/// fold on the page); refused in words once it has decisions.
pub async fn delete(State(s): State<AppState>, user: WebUser, Path(id): Path<Id>, body: Bytes) -> Response {
    let (_, refused) = checked(&user, &body);
    if let Some(r) = refused {
        return r;
    }
    match meetings::delete(s.store.as_ref(), &user.actor, id).await {
        Ok(()) => Redirect::to("/meetings").into_response(),
        Err(e) => refusal(&user, e, &format!("/meetings/{id}")),
    }
}
