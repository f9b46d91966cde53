//! Progress reports over the API: list, write (save or submit), review,
//! and evidence files.

use super::extract::{Body, Query};
use super::{today, ApiError, AppState};
use crate::storage::{EvidenceFile, Report, ReportQuery};
use crate::supervision::{evidence, reports};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use serde::Deserialize;
use tuijin_domain::access::Actor;
use tuijin_domain::period::ReportStatus;
use tuijin_domain::report::{Action, ReportFields};
use tuijin_domain::Id;
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReportListParams {
    /// The first day of a reporting period.
    pub period: Option<NaiveDate>,
    pub lead_unit: Option<Id>,
    pub task: Option<Id>,
    /// Comma-separated: draft, submitted, returned, accepted.
    pub status: Option<String>,
}

#[utoipa::path(get, path = "/reports", tag = "reports", params(ReportListParams),
    responses((status = 200, body = Vec<Report>)))]
pub async fn list_reports(
    State(s): State<AppState>,
    _: Actor,
    Query(p): Query<ReportListParams>,
) -> Result<Json<Vec<Report>>, ApiError> {
    let mut statuses = Vec::new();
    for raw in p.status.iter().flat_map(|s| s.split(',')).filter(|s| !s.is_empty()) {
        statuses.push(ReportStatus::parse(raw).ok_or_else(|| ApiError::BadRequest {
            field: Some("status".into()),
            detail: format!("unknown status {raw:?}"),
        })?);
    }
    let q = ReportQuery {
        task_ids: p.task.into_iter().collect(),
        period_starts: p.period.into_iter().collect(),
        lead_unit_id: p.lead_unit,
        statuses,
    };
    Ok(Json(s.store.list_reports(&q).await?))
}

/// A report as the unit writes it: the fields, what to do with them, and
/// the version last seen (absent for a new report).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReportBody {
    #[serde(default)]
    pub version: Option<i64>,
    /// save (keep as draft) or submit.
    pub action: Action,
    #[serde(flatten)]
    pub fields: ReportFields,
}

#[utoipa::path(put, path = "/tasks/{id}/reports/{period}", tag = "reports", request_body = ReportBody,
    params(("id" = i64, Path, description = "task"), ("period" = String, Path, description = "first day of the period, YYYY-MM-DD")),
    responses((status = 200, body = Report), (status = 403, body = super::ErrorBody), (status = 409, body = super::ErrorBody),
              (status = 422, body = super::ErrorBody)))]
pub async fn write_report(
    State(s): State<AppState>,
    actor: Actor,
    Path((id, period)): Path<(Id, NaiveDate)>,
    Body(b): Body<ReportBody>,
) -> Result<Json<Report>, ApiError> {
    let sub = reports::Submission {
        task_id: id,
        period_start: period,
        version: b.version,
        action: b.action,
        fields: b.fields,
    };
    let r = reports::write(s.store.as_ref(), &actor, sub, today()).await?;
    Ok(Json(r))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    pub version: i64,
    /// accept or return.
    pub action: Action,
    /// Required when returning.
    #[serde(default)]
    pub reason: String,
}

#[utoipa::path(post, path = "/reports/{id}/review", tag = "reports", request_body = ReviewBody,
    responses((status = 200, body = Report), (status = 403, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn review_report(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
    Body(b): Body<ReviewBody>,
) -> Result<Json<Report>, ApiError> {
    Ok(Json(reports::review(s.store.as_ref(), &actor, id, b.version, b.action, &b.reason).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UploadParams {
    /// The file's name as the user knows it.
    pub name: String,
}

/// Attaches a file (the request body, up to 10 MB: JPEG, PNG or PDF, told
/// by its content).
#[utoipa::path(post, path = "/reports/{id}/files", tag = "reports", params(UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = EvidenceFile), (status = 422, body = super::ErrorBody)))]
pub async fn upload_file(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
    Query(p): Query<UploadParams>,
    body: Bytes,
) -> Result<(StatusCode, Json<EvidenceFile>), ApiError> {
    let f = reports::attach(s.store.as_ref(), &actor, id, &p.name, body.to_vec()).await?;
    Ok((StatusCode::CREATED, Json(f)))
}

/// A file's content, to any signed-in user (everyone may read every task).
#[utoipa::path(get, path = "/files/{id}", tag = "reports", responses((status = 200, content_type = "application/octet-stream")))]
pub async fn download_file(State(s): State<AppState>, _: Actor, Path(id): Path<Id>) -> Result<Response, ApiError> {
    file_response(&s, id).await
}

/// The stored bytes with headers that keep a browser from running them.
pub async fn file_response(s: &AppState, id: Id) -> Result<Response, ApiError> {
    let (file, content) = s.store.report_file(id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type.clone()),
            (header::CONTENT_DISPOSITION, evidence::disposition(&file.content_type, &file.file_name)),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
            (header::CONTENT_SECURITY_POLICY, "sandbox".into()),
            (header::CACHE_CONTROL, "private, max-age=3600".into()),
        ],
        content,
    )
        .into_response())
}

#[utoipa::path(delete, path = "/files/{id}", tag = "reports", responses((status = 204), (status = 403, body = super::ErrorBody)))]
pub async fn delete_file(State(s): State<AppState>, actor: Actor, Path(id): Path<Id>) -> Result<StatusCode, ApiError> {
    reports::detach(s.store.as_ref(), &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
