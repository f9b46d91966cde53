//! Progress reports over the API: list, write (save or submit), review,
//! and evidence files.

use super::extract::{Body, Path, Query, Raw};
use super::openapi::{Conflict, Forbidden, Unprocessable};
use super::{today, ApiError, AppState};
use crate::storage::{EvidenceFile, Report, ReportQuery};
use crate::supervision::{evidence, reports};
use axum::extract::State;
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
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportListParams {
    /// The first day of a reporting period.
    pub period: Option<NaiveDate>,
    /// Reports of the tasks this unit leads.
    #[param(value_type = Option<i64>)]
    pub lead_unit: Option<Id>,
    /// Reports of this task.
    #[param(value_type = Option<i64>)]
    pub task: Option<Id>,
    /// Statuses, comma-separated, e.g. `submitted,returned`.
    #[param(value_type = Option<Vec<ReportStatus>>, style = Form, explode = false)]
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
    #[schema(schema_with = writer_steps)]
    pub action: Action,
    #[serde(flatten)]
    pub fields: ReportFields,
}

/// Saves (`save`, as a draft) or submits (`submit`) the lead unit's report on a task for a period
/// that has begun. `version` is the report's version last seen; absent for a new report.
#[utoipa::path(put, path = "/tasks/{id}/reports/{period}", tag = "reports",
    params(("id" = i64, Path, description = "The task"),
           ("period" = NaiveDate, Path, description = "The first day of the reporting period")),
    request_body = ReportBody, responses((status = 200, body = Report), Forbidden, Conflict, Unprocessable))]
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
    #[schema(schema_with = review_steps)]
    pub action: Action,
    /// Required when returning.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub reason: String,
}

/// The steps a report's writer takes.
fn writer_steps() -> utoipa::openapi::Object {
    steps(&[Action::Save, Action::Submit])
}

/// The steps of the office's review.
fn review_steps() -> utoipa::openapi::Object {
    steps(&[Action::Accept, Action::Return])
}

/// A string schema of these actions, named as serde names them.
fn steps(actions: &[Action]) -> utoipa::openapi::Object {
    let names = actions.iter().filter_map(|a| serde_json::to_value(a).ok()?.as_str().map(String::from));
    utoipa::openapi::ObjectBuilder::new().schema_type(utoipa::openapi::Type::String).enum_values(Some(names)).build()
}

/// The office accepts a submitted report (its percent and investment flow into the task) or returns it.
#[utoipa::path(post, path = "/reports/{id}/review", tag = "reports", params(("id" = i64, Path, description = "The report")),
    request_body = ReviewBody, responses((status = 200, body = Report), Forbidden, Conflict, Unprocessable))]
pub async fn review_report(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
    Body(b): Body<ReviewBody>,
) -> Result<Json<Report>, ApiError> {
    Ok(Json(reports::review(s.store.as_ref(), &actor, id, b.version, b.action, &b.reason).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UploadParams {
    /// The file's name as the user knows it.
    pub name: String,
}

/// A file's bytes, as the OpenAPI document describes a body or answer of them.
pub struct FileContent;

impl utoipa::PartialSchema for FileContent {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, SchemaFormat};
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl utoipa::ToSchema for FileContent {}

/// Attaches a file (the request body, up to 10 MB: JPEG, PNG or PDF, told
/// by its content).
#[utoipa::path(post, path = "/reports/{id}/files", tag = "reports",
    params(("id" = i64, Path, description = "The report"), UploadParams),
    request_body(content = FileContent, content_type = "application/octet-stream",
                 description = "The file's bytes: JPEG, PNG or PDF, up to 10 MB, at most 10 files a report"),
    responses((status = 201, body = EvidenceFile), Forbidden, Unprocessable))]
pub async fn upload_file(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<Id>,
    Query(p): Query<UploadParams>,
    Raw(body): Raw,
) -> Result<(StatusCode, Json<EvidenceFile>), ApiError> {
    let f = reports::attach(s.store.as_ref(), &actor, id, &p.name, body.to_vec()).await?;
    Ok((StatusCode::CREATED, Json(f)))
}

/// A file's content, to any signed-in user (everyone may read every task).
#[utoipa::path(get, path = "/files/{id}", tag = "reports", params(("id" = i64, Path, description = "The evidence file")),
    responses((status = 200, description = "The file as it was uploaded",
               content((FileContent = "image/jpeg"), (FileContent = "image/png"), (FileContent = "application/pdf")))))]
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

/// Removes an evidence file while the report may still change (422 once it may not).
#[utoipa::path(delete, path = "/files/{id}", tag = "reports", params(("id" = i64, Path, description = "The evidence file")),
    responses((status = 204, description = "Removed"), Forbidden, Unprocessable))]
pub async fn delete_file(State(s): State<AppState>, actor: Actor, Path(id): Path<Id>) -> Result<StatusCode, ApiError> {
    reports::detach(s.store.as_ref(), &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
