//! A unit's group robots (DingTalk, WeCom, Feishu), kept by the office.
//! Their URLs hold access tokens, so even reading them is the office's.

use super::extract::Body;
use super::reference::require_office;
use super::{ApiError, AppState};
use crate::storage::{NewWebhook, UnitWebhook};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use tuijin_domain::access::Actor;
use tuijin_domain::Id;

#[utoipa::path(get, path = "/units/{id}/webhooks", tag = "units",
    responses((status = 200, body = Vec<UnitWebhook>), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn list_webhooks(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
) -> Result<Json<Vec<UnitWebhook>>, ApiError> {
    require_office(&actor)?;
    s.store.get_unit(id).await?;
    Ok(Json(s.store.list_webhooks(Some(id)).await?))
}

#[utoipa::path(post, path = "/units/{id}/webhooks", tag = "units", request_body = NewWebhook,
    responses((status = 201, body = UnitWebhook), (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn create_webhook(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
    Body(new): Body<NewWebhook>,
) -> Result<(StatusCode, Json<UnitWebhook>), ApiError> {
    require_office(&actor)?;
    s.store.get_unit(id).await?;
    new.validate()?;
    Ok((StatusCode::CREATED, Json(s.store.create_webhook(id, &new).await?)))
}

/// Reminders still waiting for this robot are given up.
#[utoipa::path(delete, path = "/webhooks/{id}", tag = "units",
    responses((status = 204), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn delete_webhook(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
) -> Result<StatusCode, ApiError> {
    require_office(&actor)?;
    s.store.delete_webhook(id).await?;
    Ok(StatusCode::NO_CONTENT)
}
