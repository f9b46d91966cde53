//! Reminders (催办) as their addressees see them: the own inbox, one
//! reminder, and acknowledging it (已知悉). The office also sees where a
//! reminder went and how each delivery stands.

use super::extract::{Path, Query};
use super::openapi::Forbidden;
use super::{ApiError, AppState};
use crate::storage::{Delivery, Notification};
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use tuijin_domain::access::Actor;
use tuijin_domain::Id;
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InboxParams {
    /// Only what nobody has acknowledged yet.
    pub unread: Option<bool>,
    /// At most this many, newest first (default 50; taken as 1 to 1000).
    pub limit: Option<i64>,
}

/// The signed-in account's reminders.
#[derive(Debug, Serialize, ToSchema)]
pub struct Inbox {
    /// How many are not acknowledged, of all (not only those listed).
    pub unread: i64,
    pub items: Vec<Notification>,
}

#[utoipa::path(get, path = "/notifications", tag = "notifications", params(InboxParams),
    responses((status = 200, body = Inbox)))]
pub async fn inbox(
    State(s): State<AppState>,
    actor: Actor,
    Query(p): Query<InboxParams>,
) -> Result<Json<Inbox>, ApiError> {
    let items = s.store.inbox(actor.user_id, p.unread.unwrap_or(false), p.limit.unwrap_or(50)).await?;
    let unread = s.store.unread_count(actor.user_id).await?;
    Ok(Json(Inbox { unread, items }))
}

/// A reminder and, for the office, its deliveries.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationDetail {
    #[serde(flatten)]
    pub notification: Notification,
    /// Every channel and recipient with its status (shown to the office only).
    pub deliveries: Vec<Delivery>,
}

/// A reminder addressed to the signed-in account (the office sees every one, with its deliveries).
#[utoipa::path(get, path = "/notifications/{id}", tag = "notifications",
    params(("id" = i64, Path, description = "The reminder")),
    responses((status = 200, body = NotificationDetail), Forbidden))]
pub async fn get_notification(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
) -> Result<Json<NotificationDetail>, ApiError> {
    let notification = s.store.notification(id).await?;
    let deliveries = s.store.deliveries_of(id).await?;
    let office = actor.may_edit_ledger_structure();
    if !office && !addressed_to(&deliveries, actor.user_id) {
        return Err(ApiError::Forbidden);
    }
    Ok(Json(NotificationDetail { notification, deliveries: if office { deliveries } else { Vec::new() } }))
}

fn addressed_to(deliveries: &[Delivery], user_id: Id) -> bool {
    deliveries.iter().any(|d| d.channel == crate::storage::Channel::InApp && d.user_id == Some(user_id))
}

/// 已知悉: one of the addressees has read the reminder; the first answer
/// stays, answering again changes nothing.
#[utoipa::path(post, path = "/notifications/{id}/ack", tag = "notifications",
    params(("id" = i64, Path, description = "The reminder")),
    responses((status = 200, body = Notification), Forbidden))]
pub async fn acknowledge(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
) -> Result<Json<Notification>, ApiError> {
    match s.store.acknowledge(id, actor.user_id, chrono::Utc::now()).await? {
        Some(n) => Ok(Json(n)),
        None => Err(ApiError::Forbidden),
    }
}
