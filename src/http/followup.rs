//! Instructions and extension requests over the API.

use super::extract::{Body, Path};
use super::openapi::{Conflict, Forbidden, Unprocessable};
use super::{today, ApiError, AppState};
use crate::storage::{Extension, Instruction, Reply};
use crate::supervision::followup;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use tuijin_domain::access::Actor;
use tuijin_domain::extension::ExtensionFields;
use tuijin_domain::instruction::{InstructionFields, ReplyFields};
use tuijin_domain::Id;
use utoipa::ToSchema;

#[utoipa::path(get, path = "/tasks/{id}/instructions", tag = "instructions", params(("id" = i64, Path, description = "The task")),
    responses((status = 200, body = Vec<Instruction>)))]
pub async fn list_instructions(
    State(s): State<AppState>,
    _: Actor,
    Path(id): Path<Id>,
) -> Result<Json<Vec<Instruction>>, ApiError> {
    s.store.get_task(id).await?;
    Ok(Json(s.store.instructions_of(id).await?))
}

/// A leader's instruction (批示) on a task.
#[utoipa::path(post, path = "/tasks/{id}/instructions", tag = "instructions", params(("id" = i64, Path, description = "The task")),
    request_body = InstructionFields, responses((status = 201, body = Instruction), Forbidden, Unprocessable))]
pub async fn create_instruction(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
    Body(f): Body<InstructionFields>,
) -> Result<(StatusCode, Json<Instruction>), ApiError> {
    Ok((StatusCode::CREATED, Json(followup::instruct(s.store.as_ref(), &actor, id, f, today()).await?)))
}

/// The lead unit's feedback (反馈), or a leader's follow-up.
#[utoipa::path(post, path = "/instructions/{id}/replies", tag = "instructions",
    params(("id" = i64, Path, description = "The instruction")),
    request_body = ReplyFields, responses((status = 201, body = Reply), Forbidden, Unprocessable))]
pub async fn reply(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
    Body(f): Body<ReplyFields>,
) -> Result<(StatusCode, Json<Reply>), ApiError> {
    Ok((StatusCode::CREATED, Json(followup::reply(s.store.as_ref(), &actor, id, f).await?)))
}

#[utoipa::path(get, path = "/tasks/{id}/extensions", tag = "extensions", params(("id" = i64, Path, description = "The task")),
    responses((status = 200, body = Vec<Extension>)))]
pub async fn list_extensions(
    State(s): State<AppState>,
    _: Actor,
    Path(id): Path<Id>,
) -> Result<Json<Vec<Extension>>, ApiError> {
    s.store.get_task(id).await?;
    Ok(Json(s.store.extensions_of(id).await?))
}

/// The lead unit asks for a later due date (or milestone date).
#[utoipa::path(post, path = "/tasks/{id}/extensions", tag = "extensions", params(("id" = i64, Path, description = "The task")),
    request_body = ExtensionFields, responses((status = 201, body = Extension), Forbidden, Unprocessable))]
pub async fn request_extension(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
    Body(f): Body<ExtensionFields>,
) -> Result<(StatusCode, Json<Extension>), ApiError> {
    Ok((StatusCode::CREATED, Json(followup::request_extension(s.store.as_ref(), &actor, id, f).await?)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    pub version: i64,
    pub approve: bool,
    /// Required when refusing.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub note: String,
}

/// The office approves (the new date takes effect) or refuses (with a note) a pending request.
#[utoipa::path(post, path = "/extensions/{id}/decision", tag = "extensions",
    params(("id" = i64, Path, description = "The extension request")),
    request_body = DecisionBody, responses((status = 200, body = Extension), Forbidden, Conflict, Unprocessable))]
pub async fn decide(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
    Body(b): Body<DecisionBody>,
) -> Result<Json<Extension>, ApiError> {
    Ok(Json(followup::decide(s.store.as_ref(), &actor, id, b.version, b.approve, &b.note).await?))
}
