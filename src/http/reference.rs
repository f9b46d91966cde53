//! Units and key works. Reading is open to every signed-in user; writing
//! to the office (admin, supervisor).

use super::extract::{Body, Path};
use super::openapi::{Conflict, Forbidden, Unprocessable};
use super::{ApiError, AppState};
use crate::storage::{KeyWork, Unit};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use tuijin_domain::access::Actor;
use tuijin_domain::key_work::{KeyWorkFields, KeyWorkPatch};
use tuijin_domain::unit::{UnitFields, UnitPatch};
use tuijin_domain::Id;

pub(super) fn require_office(actor: &Actor) -> Result<(), ApiError> {
    if actor.may_edit_ledger_structure() {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

/// The refusal of a stale version before any work is done.
pub fn check_version<T: serde::Serialize>(sent: i64, current: &T, current_version: i64) -> Result<(), ApiError> {
    if sent == current_version {
        Ok(())
    } else {
        Err(ApiError::Conflict { current: serde_json::to_value(current).unwrap_or_default() })
    }
}

#[utoipa::path(get, path = "/units", tag = "units", responses((status = 200, body = Vec<Unit>)))]
pub async fn list_units(State(s): State<AppState>, _: Actor) -> Result<Json<Vec<Unit>>, ApiError> {
    Ok(Json(s.store.list_units().await?))
}

#[utoipa::path(get, path = "/units/{id}", tag = "units", params(("id" = i64, Path, description = "The unit")),
    responses((status = 200, body = Unit)))]
pub async fn get_unit(State(s): State<AppState>, _: Actor, Path(id): Path<Id>) -> Result<Json<Unit>, ApiError> {
    Ok(Json(s.store.get_unit(id).await?))
}

#[utoipa::path(post, path = "/units", tag = "units", request_body = UnitFields,
    responses((status = 201, body = Unit), Forbidden, Unprocessable))]
pub async fn create_unit(
    State(s): State<AppState>,
    actor: Actor,
    Body(f): Body<UnitFields>,
) -> Result<(StatusCode, Json<Unit>), ApiError> {
    require_office(&actor)?;
    Ok((StatusCode::CREATED, Json(s.store.create_unit(&actor, f.validate()?).await?)))
}

#[utoipa::path(patch, path = "/units/{id}", tag = "units", params(("id" = i64, Path, description = "The unit")),
    request_body = UnitPatch, responses((status = 200, body = Unit), Forbidden, Conflict, Unprocessable))]
pub async fn update_unit(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
    Body(p): Body<UnitPatch>,
) -> Result<Json<Unit>, ApiError> {
    require_office(&actor)?;
    let current = s.store.get_unit(id).await?;
    check_version(p.version, &current, current.version)?;
    let f = current.fields.apply(&p).validate()?;
    Ok(Json(s.store.update_unit(&actor, &current, f).await?))
}

/// Refused (422) while other rows still refer to the unit.
#[utoipa::path(delete, path = "/units/{id}", tag = "units", params(("id" = i64, Path, description = "The unit")),
    responses((status = 204, description = "Deleted; its history stays"), Forbidden, Unprocessable))]
pub async fn delete_unit(State(s): State<AppState>, actor: Actor, Path(id): Path<Id>) -> Result<StatusCode, ApiError> {
    require_office(&actor)?;
    s.store.delete_unit(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/key-works", tag = "key works", responses((status = 200, body = Vec<KeyWork>)))]
pub async fn list_key_works(State(s): State<AppState>, _: Actor) -> Result<Json<Vec<KeyWork>>, ApiError> {
    Ok(Json(s.store.list_key_works().await?))
}

#[utoipa::path(get, path = "/key-works/{id}", tag = "key works", params(("id" = i64, Path, description = "The key work")),
    responses((status = 200, body = KeyWork)))]
pub async fn get_key_work(State(s): State<AppState>, _: Actor, Path(id): Path<Id>) -> Result<Json<KeyWork>, ApiError> {
    Ok(Json(s.store.get_key_work(id).await?))
}

#[utoipa::path(post, path = "/key-works", tag = "key works", request_body = KeyWorkFields,
    responses((status = 201, body = KeyWork), Forbidden, Unprocessable))]
pub async fn create_key_work(
    State(s): State<AppState>,
    actor: Actor,
    Body(f): Body<KeyWorkFields>,
) -> Result<(StatusCode, Json<KeyWork>), ApiError> {
    require_office(&actor)?;
    Ok((StatusCode::CREATED, Json(s.store.create_key_work(&actor, f.validate()?).await?)))
}

#[utoipa::path(patch, path = "/key-works/{id}", tag = "key works", params(("id" = i64, Path, description = "The key work")),
    request_body = KeyWorkPatch, responses((status = 200, body = KeyWork), Forbidden, Conflict, Unprocessable))]
pub async fn update_key_work(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
    Body(p): Body<KeyWorkPatch>,
) -> Result<Json<KeyWork>, ApiError> {
    require_office(&actor)?;
    let current = s.store.get_key_work(id).await?;
    check_version(p.version, &current, current.version)?;
    let f = current.fields.apply(&p).validate()?;
    Ok(Json(s.store.update_key_work(&actor, &current, f).await?))
}

/// Refused (422) while other rows still refer to the key work.
#[utoipa::path(delete, path = "/key-works/{id}", tag = "key works", params(("id" = i64, Path, description = "The key work")),
    responses((status = 204, description = "Deleted; its history stays"), Forbidden, Unprocessable))]
pub async fn delete_key_work(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
) -> Result<StatusCode, ApiError> {
    require_office(&actor)?;
    s.store.delete_key_work(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
