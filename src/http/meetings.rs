//! Work meetings over the API: meetings, their agenda (built from the
//! ledger, then edited) and their decisions, each assigned as a task.
//! Everyone signed in reads; the office (admin, supervisor) writes.

use super::extract::{Body, Path};
use super::openapi::{Conflict, Forbidden, Unprocessable};
use super::{today, ApiError, AppState};
use crate::storage::{AgendaItem, Decision, HistoryEntry, Meeting};
use crate::supervision::meetings;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use serde::{Deserialize, Serialize};
use tuijin_domain::access::Actor;
use tuijin_domain::meeting::agenda::ItemFields;
use tuijin_domain::meeting::{DecisionFields, MeetingFields, MeetingPatch};
use tuijin_domain::{Id, Lang};
use utoipa::ToSchema;

/// A meeting with its agenda and decisions.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingDetail {
    #[serde(flatten)]
    pub meeting: Meeting,
    pub agenda: Vec<AgendaItem>,
    pub decisions: Vec<Decision>,
}

#[utoipa::path(get, path = "/meetings", tag = "meetings", responses((status = 200, body = Vec<Meeting>)))]
pub async fn list_meetings(State(s): State<AppState>, _: Actor) -> Result<Json<Vec<Meeting>>, ApiError> {
    Ok(Json(s.store.list_meetings().await?))
}

/// A new meeting (工作例会); without a title it is named "…第N次工作例会".
#[utoipa::path(post, path = "/meetings", tag = "meetings", request_body = MeetingFields,
    responses((status = 201, body = Meeting), Forbidden, Unprocessable))]
pub async fn create_meeting(
    State(s): State<AppState>,
    actor: Actor,
    Body(f): Body<MeetingFields>,
) -> Result<(StatusCode, Json<Meeting>), ApiError> {
    Ok((StatusCode::CREATED, Json(meetings::create(s.store.as_ref(), &actor, f).await?)))
}

#[utoipa::path(get, path = "/meetings/{id}", tag = "meetings", params(("id" = i64, Path, description = "The meeting")),
    responses((status = 200, body = MeetingDetail)))]
pub async fn get_meeting(
    State(s): State<AppState>,
    _: Actor,
    Path(id): Path<Id>,
) -> Result<Json<MeetingDetail>, ApiError> {
    let meeting = s.store.get_meeting(id).await?;
    let agenda = s.store.agenda_of(id).await?;
    let decisions = s.store.decisions_of(id).await?;
    Ok(Json(MeetingDetail { meeting, agenda, decisions }))
}

/// Changes a meeting's fields, its status or its minutes, at its version.
#[utoipa::path(patch, path = "/meetings/{id}", tag = "meetings", params(("id" = i64, Path, description = "The meeting")), request_body = MeetingPatch,
    responses((status = 200, body = Meeting), Forbidden, Conflict, Unprocessable))]
pub async fn update_meeting(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
    Body(p): Body<MeetingPatch>,
) -> Result<Json<Meeting>, ApiError> {
    Ok(Json(meetings::update(s.store.as_ref(), &actor, id, &p).await?))
}

/// Deletes a meeting with its agenda; refused (422) once it has decisions.
#[utoipa::path(delete, path = "/meetings/{id}", tag = "meetings", params(("id" = i64, Path, description = "The meeting")),
    responses((status = 204, description = "Deleted; its history stays"), Forbidden, Unprocessable))]
pub async fn delete_meeting(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
) -> Result<StatusCode, ApiError> {
    meetings::delete(s.store.as_ref(), &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MinutesBody {
    pub version: i64,
    /// 会议记录.
    #[schema(max_length = 50000)]
    pub minutes: String,
}

/// Saves the minutes (会议记录) at the meeting's version.
#[utoipa::path(put, path = "/meetings/{id}/minutes", tag = "meetings", params(("id" = i64, Path, description = "The meeting")), request_body = MinutesBody,
    responses((status = 200, body = Meeting), Forbidden, Conflict, Unprocessable))]
pub async fn save_minutes(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
    Body(b): Body<MinutesBody>,
) -> Result<Json<Meeting>, ApiError> {
    let p = MeetingPatch { version: b.version, minutes: Some(b.minutes), ..Default::default() };
    Ok(Json(meetings::update(s.store.as_ref(), &actor, id, &p).await?))
}

#[utoipa::path(get, path = "/meetings/{id}/history", tag = "meetings", params(("id" = i64, Path, description = "The meeting")),
    responses((status = 200, body = Vec<HistoryEntry>)))]
pub async fn meeting_history(
    State(s): State<AppState>,
    _: Actor,
    Path(id): Path<Id>,
) -> Result<Json<Vec<HistoryEntry>>, ApiError> {
    s.store.get_meeting(id).await?;
    Ok(Json(s.store.meeting_history(id).await?))
}

fn lang(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

/// 生成议程: rebuilds the agenda from the ledger — red, then yellow tasks,
/// this period's requests for coordination, open decisions of earlier
/// meetings, unanswered instructions — keeping the items the office added.
/// Built items are written in the request's `Accept-Language`.
#[utoipa::path(post, path = "/meetings/{id}/agenda/generate", tag = "meetings", params(("id" = i64, Path, description = "The meeting")),
    responses((status = 200, body = Vec<AgendaItem>), Forbidden))]
pub async fn generate_agenda(
    State(s): State<AppState>,
    actor: Actor,
    headers: HeaderMap,
    Path(id): Path<Id>,
) -> Result<Json<Vec<AgendaItem>>, ApiError> {
    let items = meetings::regenerate(s.store.as_ref(), &s.lamp_config, &actor, id, today(), lang(&headers)).await?;
    Ok(Json(items))
}

#[utoipa::path(get, path = "/meetings/{id}/agenda", tag = "meetings", params(("id" = i64, Path, description = "The meeting")),
    responses((status = 200, body = Vec<AgendaItem>)))]
pub async fn list_agenda(
    State(s): State<AppState>,
    _: Actor,
    Path(id): Path<Id>,
) -> Result<Json<Vec<AgendaItem>>, ApiError> {
    s.store.get_meeting(id).await?;
    Ok(Json(s.store.agenda_of(id).await?))
}

/// Adds the office's own item at the end of the agenda.
#[utoipa::path(post, path = "/meetings/{id}/agenda", tag = "meetings", params(("id" = i64, Path, description = "The meeting")), request_body = ItemFields,
    responses((status = 201, body = AgendaItem), Forbidden, Unprocessable))]
pub async fn add_agenda_item(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
    Body(f): Body<ItemFields>,
) -> Result<(StatusCode, Json<AgendaItem>), ApiError> {
    Ok((StatusCode::CREATED, Json(meetings::add_item(s.store.as_ref(), &actor, id, f).await?)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ItemEdit {
    pub version: i64,
    #[serde(flatten)]
    pub fields: ItemFields,
}

#[utoipa::path(patch, path = "/agenda-items/{id}", tag = "meetings", params(("id" = i64, Path, description = "The agenda item")), request_body = ItemEdit,
    responses((status = 200, body = AgendaItem), Forbidden, Conflict, Unprocessable))]
pub async fn edit_agenda_item(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
    Body(b): Body<ItemEdit>,
) -> Result<Json<AgendaItem>, ApiError> {
    Ok(Json(meetings::edit_item(s.store.as_ref(), &actor, id, b.version, b.fields).await?))
}

#[utoipa::path(delete, path = "/agenda-items/{id}", tag = "meetings", params(("id" = i64, Path, description = "The agenda item")),
    responses((status = 204, description = "Removed from the agenda"), Forbidden))]
pub async fn delete_agenda_item(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
) -> Result<StatusCode, ApiError> {
    meetings::delete_item(s.store.as_ref(), &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Up,
    Down,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveBody {
    pub direction: Direction,
}

/// Moves an item one place up or down; returns the agenda in its new order.
#[utoipa::path(post, path = "/agenda-items/{id}/move", tag = "meetings", params(("id" = i64, Path, description = "The agenda item")), request_body = MoveBody,
    responses((status = 200, body = Vec<AgendaItem>), Forbidden))]
pub async fn move_agenda_item(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
    Body(b): Body<MoveBody>,
) -> Result<Json<Vec<AgendaItem>>, ApiError> {
    let up = matches!(b.direction, Direction::Up);
    Ok(Json(meetings::move_item(s.store.as_ref(), &actor, id, up).await?))
}

#[utoipa::path(get, path = "/meetings/{id}/decisions", tag = "meetings", params(("id" = i64, Path, description = "The meeting")),
    responses((status = 200, body = Vec<Decision>)))]
pub async fn list_decisions(
    State(s): State<AppState>,
    _: Actor,
    Path(id): Path<Id>,
) -> Result<Json<Vec<Decision>>, ApiError> {
    s.store.get_meeting(id).await?;
    Ok(Json(s.store.decisions_of(id).await?))
}

/// Records a decision (议定事项) and assigns it as a task (交办) in the
/// same transaction: the next free code of the key work (or under
/// `parent_id`), titled by the decision, due on its deadline.
#[utoipa::path(post, path = "/meetings/{id}/decisions", tag = "meetings", params(("id" = i64, Path, description = "The meeting")), request_body = DecisionFields,
    responses((status = 201, body = Decision), Forbidden, Unprocessable))]
pub async fn create_decision(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
    Body(f): Body<DecisionFields>,
) -> Result<(StatusCode, Json<Decision>), ApiError> {
    Ok((StatusCode::CREATED, Json(meetings::decide(s.store.as_ref(), &actor, id, f).await?)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionEdit {
    pub version: i64,
    #[serde(flatten)]
    pub fields: DecisionFields,
}

/// Changes a decision and its task alike (unit, leaders, deadline; the
/// title unless the task was renamed). Refused (422) once the task is
/// done or cancelled; the key work and parent cannot change.
#[utoipa::path(patch, path = "/decisions/{id}", tag = "meetings", params(("id" = i64, Path, description = "The decision")),
    request_body = DecisionEdit, responses((status = 200, body = Decision), Forbidden, Conflict, Unprocessable))]
pub async fn edit_decision(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
    Body(b): Body<DecisionEdit>,
) -> Result<Json<Decision>, ApiError> {
    Ok(Json(meetings::revise(s.store.as_ref(), &actor, id, b.version, b.fields).await?))
}
