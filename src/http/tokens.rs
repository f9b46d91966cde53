//! API tokens through the API: one's own (an administrator's: anyone's),
//! and an administrator signing an account out everywhere.

use super::extract::{Body, Path, Query};
use super::openapi::{Forbidden, Unprocessable};
use super::{ApiError, AppState};
use crate::credentials::tokens::{self, TokenRequest, MAX_DAYS};
use crate::storage::ApiToken;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use tuijin_domain::access::Actor;
use tuijin_domain::Id;
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TokenListParams {
    /// Another account's tokens (administrators).
    pub user_id: Option<Id>,
    /// Every account's tokens (administrators).
    #[serde(default)]
    pub all: bool,
}

#[utoipa::path(get, path = "/tokens", tag = "accounts", params(TokenListParams),
    responses((status = 200, body = Vec<ApiToken>), Forbidden))]
pub async fn list_tokens(
    State(s): State<AppState>,
    actor: Actor,
    Query(p): Query<TokenListParams>,
) -> Result<Json<Vec<ApiToken>>, ApiError> {
    Ok(Json(tokens::list(s.store.as_ref(), &actor, p.user_id, p.all).await?))
}

/// The schema below says 3650 days; it must say what the service allows.
const _: () = assert!(MAX_DAYS == 3650);

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenBody {
    /// What it is for.
    #[schema(min_length = 1, max_length = 100, example = "市平台对接")]
    pub name: String,
    /// Days until it stops working; absent: until revoked.
    #[schema(minimum = 1, maximum = 3650)]
    pub expires_in_days: Option<u32>,
    /// Another account (administrators).
    pub user_id: Option<Id>,
}

/// A token just made: the only time the token itself is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct MadeTokenBody {
    /// Send it as `Authorization: Bearer <token>`.
    pub token: String,
    #[serde(flatten)]
    pub info: ApiToken,
}

#[utoipa::path(post, path = "/tokens", tag = "accounts", request_body = NewTokenBody,
    responses((status = 201, body = MadeTokenBody), Forbidden, Unprocessable))]
pub async fn create_token(
    State(s): State<AppState>,
    actor: Actor,
    Body(b): Body<NewTokenBody>,
) -> Result<(StatusCode, Json<MadeTokenBody>), ApiError> {
    let req = TokenRequest { user_id: b.user_id, name: b.name, expires_in_days: b.expires_in_days };
    let made = tokens::create(s.store.as_ref(), &actor, req, chrono::Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(MadeTokenBody { token: made.secret, info: made.token })))
}

#[utoipa::path(delete, path = "/tokens/{id}", tag = "accounts",
    params(("id" = i64, Path, description = "the token's id")),
    responses((status = 204), Forbidden))]
pub async fn revoke_token(State(s): State<AppState>, actor: Actor, Path(id): Path<Id>) -> Result<StatusCode, ApiError> {
    tokens::revoke(s.store.as_ref(), &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What signing an account out everywhere ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignedOut {
    pub sessions_ended: u64,
    pub tokens_revoked: u64,
}

#[utoipa::path(post, path = "/users/{id}/sign-out", tag = "accounts",
    params(("id" = i64, Path, description = "the account's id")),
    responses((status = 200, body = SignedOut), Forbidden))]
pub async fn sign_out(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
) -> Result<Json<SignedOut>, ApiError> {
    let (sessions_ended, tokens_revoked) = tokens::sign_out_everywhere(s.store.as_ref(), &actor, id).await?;
    Ok(Json(SignedOut { sessions_ended, tokens_revoked }))
}
