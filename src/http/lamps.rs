//! Lamps over the API: one task's lamp with its reasons, and the roll-up
//! of the whole ledger per key work and per unit.

use super::extract::Path;
use super::{today, ApiError, AppState};
use crate::supervision::lamps::lamps_of;
use axum::extract::State;
use axum::Json;
use serde::Serialize;
use tuijin_domain::access::Actor;
use tuijin_domain::lamp::{Lamp, LampCounts};
use tuijin_domain::{Id, Lang};
use utoipa::ToSchema;

/// A lamp with its reasons also in words, in the caller's language.
#[derive(Serialize, ToSchema)]
pub struct LampBody {
    #[serde(flatten)]
    pub lamp: Lamp,
    pub reason_texts: Vec<String>,
}

/// The task's lamp as of today, with its reasons (as data, and as words in the caller's language).
#[utoipa::path(get, path = "/tasks/{id}/lamp", tag = "lamps", params(("id" = i64, Path, description = "The task")),
    responses((status = 200, body = LampBody)))]
pub async fn task_lamp(
    State(s): State<AppState>,
    _: Actor,
    headers: axum::http::HeaderMap,
    Path(id): Path<Id>,
) -> Result<Json<LampBody>, ApiError> {
    let lang = headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::Zh, Lang::from_accept_language);
    let task = s.store.get_task(id).await?;
    let mut lamps = lamps_of(s.store.as_ref(), std::slice::from_ref(&task), &s.lamp_config, today()).await?;
    let lamp = lamps.remove(&id).ok_or(ApiError::Internal)?;
    let reason_texts = lamp.reasons.iter().map(|r| r.text(lang)).collect();
    Ok(Json(LampBody { lamp, reason_texts }))
}

#[derive(Serialize, ToSchema)]
pub struct Rollup {
    pub id: Id,
    #[serde(flatten)]
    pub counts: LampCounts,
}

/// The lamps of all open tasks, rolled up.
#[derive(Serialize, ToSchema)]
pub struct Board {
    /// When the lamps were judged (at most 30 s before the request).
    #[schema(format = DateTime)]
    pub computed_at: String,
    /// How long judging the whole ledger took, in milliseconds.
    pub took_ms: u64,
    pub key_works: Vec<Rollup>,
    pub units: Vec<Rollup>,
    /// Red tasks, earliest due first.
    pub red: Vec<Id>,
}

#[utoipa::path(get, path = "/lamps", tag = "lamps", responses((status = 200, body = Board)))]
pub async fn board(State(s): State<AppState>, _: Actor) -> Result<Json<Board>, ApiError> {
    let snap = s.board.get(s.store.clone(), s.lamp_config.clone(), today()).await?;
    let rollup = |m: &std::collections::HashMap<Id, LampCounts>| {
        let mut v: Vec<Rollup> = m.iter().map(|(id, c)| Rollup { id: *id, counts: *c }).collect();
        v.sort_by_key(|r| r.id);
        v
    };
    Ok(Json(Board {
        computed_at: snap.computed_at.to_rfc3339(),
        took_ms: u64::try_from(snap.took.as_millis()).unwrap_or(u64::MAX),
        key_works: rollup(&snap.by_key_work),
        units: rollup(&snap.by_unit),
        red: snap.red.iter().map(|r| r.id).collect(),
    }))
}
