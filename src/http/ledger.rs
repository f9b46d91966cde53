//! Milestones and relations of tasks.

use super::extract::{Body, Path, Query};
use super::openapi::{Conflict, Forbidden, Unprocessable};
use super::reference::{check_version, require_office};
use super::tasks::check_fields;
use super::{ApiError, AppState};
use crate::storage::{Milestone, Relation};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use tuijin_domain::access::{Actor, LIAISON_MILESTONE_FIELDS};
use tuijin_domain::milestone::{MilestoneFields, MilestonePatch};
use tuijin_domain::relation::{RelationFields, RelationPatch};
use tuijin_domain::Id;
use utoipa::IntoParams;

#[utoipa::path(get, path = "/tasks/{id}/milestones", tag = "milestones", params(("id" = i64, Path, description = "The task")),
    responses((status = 200, body = Vec<Milestone>)))]
pub async fn list_milestones(
    State(s): State<AppState>,
    _: Actor,
    Path(id): Path<Id>,
) -> Result<Json<Vec<Milestone>>, ApiError> {
    s.store.get_task(id).await?;
    Ok(Json(s.store.list_milestones(id).await?))
}

#[utoipa::path(post, path = "/tasks/{id}/milestones", tag = "milestones", params(("id" = i64, Path, description = "The task")),
    request_body = MilestoneFields, responses((status = 201, body = Milestone), Forbidden, Unprocessable))]
pub async fn create_milestone(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
    Body(f): Body<MilestoneFields>,
) -> Result<(StatusCode, Json<Milestone>), ApiError> {
    require_office(&actor)?;
    Ok((StatusCode::CREATED, Json(s.store.create_milestone(&actor, id, f.validate()?).await?)))
}

#[utoipa::path(get, path = "/milestones/{id}", tag = "milestones", params(("id" = i64, Path, description = "The milestone")),
    responses((status = 200, body = Milestone)))]
pub async fn get_milestone(
    State(s): State<AppState>,
    _: Actor,
    Path(id): Path<Id>,
) -> Result<Json<Milestone>, ApiError> {
    Ok(Json(s.store.get_milestone(id).await?))
}

/// The office changes any field; the lead unit's liaison records what happened.
#[utoipa::path(patch, path = "/milestones/{id}", tag = "milestones", params(("id" = i64, Path, description = "The milestone")),
    request_body = MilestonePatch, responses((status = 200, body = Milestone), Forbidden, Conflict, Unprocessable))]
pub async fn update_milestone(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
    Body(p): Body<MilestonePatch>,
) -> Result<Json<Milestone>, ApiError> {
    let current = s.store.get_milestone(id).await?;
    let task = s.store.get_task(current.task_id).await?;
    if !actor.may_edit_task(task.fields.lead_unit_id) {
        return Err(ApiError::Forbidden);
    }
    check_version(p.version, &current, current.version)?;
    let new = current.fields.apply(&p).validate()?;
    check_fields(&actor, &current.fields, &*new, LIAISON_MILESTONE_FIELDS)?;
    Ok(Json(s.store.update_milestone(&actor, &current, new).await?))
}

#[utoipa::path(delete, path = "/milestones/{id}", tag = "milestones", params(("id" = i64, Path, description = "The milestone")),
    responses((status = 204, description = "Deleted; its history stays"), Forbidden))]
pub async fn delete_milestone(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
) -> Result<StatusCode, ApiError> {
    require_office(&actor)?;
    s.store.delete_milestone(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RelationParams {
    /// Only relations touching this task.
    task: Option<Id>,
}

#[utoipa::path(get, path = "/relations", tag = "relations", params(RelationParams), responses((status = 200, body = Vec<Relation>)))]
pub async fn list_relations(
    State(s): State<AppState>,
    _: Actor,
    Query(p): Query<RelationParams>,
) -> Result<Json<Vec<Relation>>, ApiError> {
    Ok(Json(s.store.list_relations(p.task).await?))
}

#[utoipa::path(get, path = "/relations/{id}", tag = "relations", params(("id" = i64, Path, description = "The relation")),
    responses((status = 200, body = Relation)))]
pub async fn get_relation(State(s): State<AppState>, _: Actor, Path(id): Path<Id>) -> Result<Json<Relation>, ApiError> {
    Ok(Json(s.store.get_relation(id).await?))
}

#[utoipa::path(post, path = "/relations", tag = "relations", request_body = RelationFields,
    responses((status = 201, body = Relation), Forbidden, Unprocessable))]
pub async fn create_relation(
    State(s): State<AppState>,
    actor: Actor,
    Body(f): Body<RelationFields>,
) -> Result<(StatusCode, Json<Relation>), ApiError> {
    require_office(&actor)?;
    Ok((StatusCode::CREATED, Json(s.store.create_relation(&actor, f.validate()?).await?)))
}

#[utoipa::path(patch, path = "/relations/{id}", tag = "relations", params(("id" = i64, Path, description = "The relation")),
    request_body = RelationPatch, responses((status = 200, body = Relation), Forbidden, Conflict, Unprocessable))]
pub async fn update_relation(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
    Body(p): Body<RelationPatch>,
) -> Result<Json<Relation>, ApiError> {
    require_office(&actor)?;
    let current = s.store.get_relation(id).await?;
    check_version(p.version, &current, current.version)?;
    let f = current.fields.apply(&p).validate()?;
    Ok(Json(s.store.update_relation(&actor, &current, f).await?))
}

#[utoipa::path(delete, path = "/relations/{id}", tag = "relations", params(("id" = i64, Path, description = "The relation")),
    responses((status = 204, description = "Deleted; its history stays"), Forbidden))]
pub async fn delete_relation(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
) -> Result<StatusCode, ApiError> {
    require_office(&actor)?;
    s.store.delete_relation(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
