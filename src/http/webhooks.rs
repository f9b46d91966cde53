//! A unit's group robots (DingTalk, WeCom, Feishu), kept by the office.
//! Their URLs hold access tokens, so even reading them is the office's.

use super::extract::{Body, Path};
use super::openapi::{Forbidden, Unprocessable};
use super::reference::require_office;
use super::{ApiError, AppState};
use crate::storage::{NewWebhook, UnitWebhook};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use tuijin_domain::access::Actor;
use tuijin_domain::Id;

#[utoipa::path(get, path = "/units/{id}/webhooks", tag = "units", params(("id" = i64, Path, description = "The unit")),
    responses((status = 200, body = Vec<UnitWebhook>), Forbidden))]
pub async fn list_webhooks(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
) -> Result<Json<Vec<UnitWebhook>>, ApiError> {
    require_office(&actor)?;
    s.store.get_unit(id).await?;
    Ok(Json(s.store.list_webhooks(Some(id)).await?))
}

#[utoipa::path(post, path = "/units/{id}/webhooks", tag = "units", params(("id" = i64, Path, description = "The unit")),
    request_body = NewWebhook, responses((status = 201, body = UnitWebhook), Forbidden, Unprocessable))]
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
#[utoipa::path(delete, path = "/webhooks/{id}", tag = "units", params(("id" = i64, Path, description = "The group robot")),
    responses((status = 204, description = "Removed"), Forbidden))]
pub async fn delete_webhook(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
) -> Result<StatusCode, ApiError> {
    require_office(&actor)?;
    s.store.delete_webhook(id).await?;
    Ok(StatusCode::NO_CONTENT)
}
