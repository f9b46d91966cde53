//! One task's report for one period, in the browser: the unit writes it
//! (save as draft, submit), attaches evidence, and the office accepts or
//! returns it with a reason — on one page, usable from a phone.

use super::form::{self, FormData};
use super::i18n::Tr;
use super::login::csrf_refusal;
use super::message::refusal;
use super::names::Names;
use super::reports_list::period_text;
use super::session::WebUser;
use super::{render, UserChrome};
use crate::http::{file_response, today, ApiError, AppState};
use crate::storage::{EvidenceFile, Report, Task};
use crate::supervision::{local_now, reports};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use tuijin_domain::error::Invalid;
use tuijin_domain::period::{report_state, ReportFacts, ReportStatus};
use tuijin_domain::report::{Action, ReportFields};
use tuijin_domain::Id;

pub struct Choice {
    pub value: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "report_form.html")]
struct ReportPage {
    t: Tr,
    user: Option<UserChrome>,
    task_id: Id,
    heading: String,
    period: String,
    period_start: String,
    state: &'static str,
    state_label: &'static str,
    report_id: Option<Id>,
    version: Option<i64>,
    values: ReportFields,
    return_reason: String,
    files: Vec<EvidenceFile>,
    can_write: bool,
    can_review: bool,
    can_attach: bool,
    banner: Option<String>,
    errors: Vec<(String, String)>,
    people: Vec<Choice>,
    units: Vec<Choice>,
    target_measure: String,
}

impl ReportPage {
    fn csrf(&self) -> &str {
        self.user.as_ref().map(|u| u.csrf.as_str()).unwrap_or("")
    }

    fn dec(&self, d: &Option<rust_decimal::Decimal>) -> String {
        d.map(|v| v.normalize().to_string()).unwrap_or_default()
    }

    fn is(&self, chosen: &Option<Id>, value: &str) -> bool {
        chosen.is_some_and(|c| c.to_string() == value)
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }

    fn size(&self, bytes: &i64) -> String {
        if *bytes >= 1024 * 1024 {
            format!("{:.1} MB", *bytes as f64 / 1048576.0)
        } else {
            format!("{} KB", (bytes + 1023) / 1024)
        }
    }
}

#[derive(Deserialize)]
pub struct PeriodParam {
    period: Option<NaiveDate>,
}

async fn load(
    s: &AppState,
    user: &WebUser,
    task_id: Id,
    period: Option<NaiveDate>,
) -> Result<(Task, tuijin_domain::period::Period, Option<Report>), ApiError> {
    let task = s.store.get_task(task_id).await?;
    let today = today();
    let period = match period {
        Some(start) => reports::period_of(s.store.as_ref(), &task, start, today).await?,
        None => reports::current_period(s.store.as_ref(), &task, today).await?,
    };
    let report = reports::report_for(s.store.as_ref(), task_id, period.start).await?;
    let _ = user;
    Ok((task, period, report))
}

async fn page_for(
    s: &AppState,
    user: &WebUser,
    task: &Task,
    period: &tuijin_domain::period::Period,
    report: Option<&Report>,
) -> Result<ReportPage, ApiError> {
    let t = user.tr;
    let names = Names::load(s.store.as_ref()).await?;
    let facts = report.map(|r| ReportFacts {
        status: r.status,
        submitted_at: r.submitted_at.map(|at| at.with_timezone(&chrono::Local).naive_local()),
    });
    let state = report_state(period, facts, local_now());
    let status = report.map(|r| r.status);
    let writer = user.actor.may_edit_task(task.fields.lead_unit_id);
    let can_write = writer && matches!(status, None | Some(ReportStatus::Draft) | Some(ReportStatus::Returned));
    Ok(ReportPage {
        t,
        user: Some(user.into()),
        task_id: task.id,
        heading: format!("{} {}", task.fields.code, task.fields.title),
        period: period_text(period, t, today()),
        period_start: period.start.to_string(),
        state: state.as_str(),
        state_label: state.label(t.lang),
        report_id: report.map(|r| r.id),
        version: report.map(|r| r.version),
        values: report.map(|r| r.fields.clone()).unwrap_or_default(),
        // Shown while the unit has to act on it.
        return_reason: report
            .filter(|r| r.status == ReportStatus::Returned)
            .map(|r| r.return_reason.clone())
            .unwrap_or_default(),
        files: report.map(|r| r.files.clone()).unwrap_or_default(),
        can_write,
        can_review: user.actor.is_office() && status == Some(ReportStatus::Submitted),
        can_attach: report.is_some()
            && writer
            && match status {
                Some(ReportStatus::Draft | ReportStatus::Returned) => true,
                Some(ReportStatus::Submitted) => user.actor.is_office(),
                _ => false,
            },
        banner: None,
        errors: Vec::new(),
        people: names.person_list.iter().map(|(i, n)| Choice { value: i.to_string(), label: n.clone() }).collect(),
        units: names.unit_list.iter().map(|(i, n)| Choice { value: i.to_string(), label: n.clone() }).collect(),
        target_measure: task.fields.target.as_ref().map(|x| x.measure.clone()).unwrap_or_default(),
    })
}

pub async fn form_page(
    State(s): State<AppState>,
    user: WebUser,
    Path(task_id): Path<Id>,
    Query(p): Query<PeriodParam>,
) -> Response {
    let result = async {
        let (task, period, report) = load(&s, &user, task_id, p.period).await?;
        page_for(&s, &user, &task, &period, report.as_ref()).await
    };
    match result.await {
        Ok(p) => render(&p),
        Err(e) => e.into_response(),
    }
}

/// Reads the form into report fields, naming every malformed number.
fn parse(form: &FormData) -> Result<ReportFields, Invalid> {
    let mut inv = Invalid::default();
    let text = |k: &str| form.text(k).unwrap_or_default();
    let mut dec = |k: &str| form::decimal(&mut inv, k, &text(k)).flatten();
    let percent_complete = dec("percent_complete");
    let actual_value = dec("actual_value");
    let investment_this_period = dec("investment_this_period");
    let id = |k: &str| form.text(k).filter(|v| !v.is_empty()).and_then(|v| v.parse().ok());
    let f = ReportFields {
        progress: text("progress"),
        percent_complete,
        actual_value,
        investment_this_period,
        problems: text("problems"),
        next_steps: text("next_steps"),
        coordination: text("coordination"),
        coordination_leader_id: id("coordination_leader_id"),
        coordination_unit_id: id("coordination_unit_id"),
    };
    inv.into_result(f)
}

pub async fn submit(
    State(s): State<AppState>,
    user: WebUser,
    Path(task_id): Path<Id>,
    Query(p): Query<PeriodParam>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&user, &form.text("csrf").unwrap_or_default()) {
        return r;
    }
    let t = user.tr;
    let (task, period, report) = match load(&s, &user, task_id, p.period).await {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let action = if form.text("action").as_deref() == Some("submit") { Action::Submit } else { Action::Save };
    let version = form.text("version").and_then(|v| v.parse().ok());
    let back = format!("/tasks/{task_id}/report?period={}", period.start);
    let parsed = parse(&form);
    let result = match parsed.clone() {
        Ok(fields) => {
            let sub = reports::Submission { task_id, period_start: period.start, version, action, fields };
            reports::write(s.store.as_ref(), &user.actor, sub, today()).await
        }
        Err(inv) => Err(inv.into()),
    };
    let (status, banner, errors) = match result {
        Ok(_) => return Redirect::to(&back).into_response(),
        Err(ApiError::Invalid(inv)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            t.get("edit.invalid").to_string(),
            inv.0.iter().map(|e| (e.field.clone(), e.message(t.lang))).collect(),
        ),
        Err(ApiError::Conflict { .. }) => (StatusCode::CONFLICT, t.get("rep.conflict").to_string(), Vec::new()),
        Err(e) => return e.into_response(),
    };
    // The form again with what the user typed; after a conflict it carries
    // the version stored now, so sending it again saves the user's text.
    let now = match reports::report_for(s.store.as_ref(), task_id, period.start).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let mut page = match page_for(&s, &user, &task, &period, now.as_ref().or(report.as_ref())).await {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    if let Ok(fields) = parsed {
        page.values = fields;
    }
    page.banner = Some(banner);
    page.errors = errors;
    let mut res = render(&page);
    *res.status_mut() = status;
    res
}

#[derive(Deserialize)]
pub struct ReviewForm {
    csrf: String,
    version: i64,
    action: String,
    #[serde(default)]
    reason: String,
}

pub async fn review(
    State(s): State<AppState>,
    user: WebUser,
    Path(report_id): Path<Id>,
    axum::Form(f): axum::Form<ReviewForm>,
) -> Response {
    if let Some(r) = csrf_refusal(&user, &f.csrf) {
        return r;
    }
    let action = if f.action == "accept" { Action::Accept } else { Action::Return };
    let back = match s.store.get_report(report_id).await {
        Ok(r) => format!("/tasks/{}/report?period={}", r.task_id, r.period_start),
        Err(e) => return ApiError::from(e).into_response(),
    };
    match reports::review(s.store.as_ref(), &user.actor, report_id, f.version, action, &f.reason).await {
        Ok(_) => Redirect::to(&back).into_response(),
        Err(e) => refusal(&user, e, &back),
    }
}

/// Evidence from a browser form (multipart): the CSRF token, then the file.
pub async fn upload(
    State(s): State<AppState>,
    user: WebUser,
    Path(report_id): Path<Id>,
    mut mp: Multipart,
) -> Response {
    let back = match s.store.get_report(report_id).await {
        Ok(r) => format!("/tasks/{}/report?period={}", r.task_id, r.period_start),
        Err(e) => return ApiError::from(e).into_response(),
    };
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("csrf") => csrf = field.text().await.unwrap_or_default(),
                Some("file") => {
                    let name = field.file_name().unwrap_or("file").to_string();
                    match field.bytes().await {
                        Ok(b) => file = Some((name, b.to_vec())),
                        Err(_) => return too_large(&user, &back),
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(_) => return too_large(&user, &back),
        }
    }
    if let Some(r) = csrf_refusal(&user, &csrf) {
        return r;
    }
    let (name, content) = file.unwrap_or_default();
    match reports::attach(s.store.as_ref(), &user.actor, report_id, &name, content).await {
        Ok(_) => Redirect::to(&back).into_response(),
        Err(e) => refusal(&user, e, &back),
    }
}

fn too_large(user: &WebUser, back: &str) -> Response {
    let inv = Invalid::one("file", tuijin_domain::Problem::TooLong { max: crate::supervision::evidence::MAX_BYTES });
    refusal(user, inv.into(), back)
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn remove_file(
    State(s): State<AppState>,
    user: WebUser,
    Path(file_id): Path<Id>,
    axum::Form(f): axum::Form<CsrfForm>,
) -> Response {
    if let Some(r) = csrf_refusal(&user, &f.csrf) {
        return r;
    }
    let back = match s.store.report_file(file_id).await {
        Ok((file, _)) => match s.store.get_report(file.report_id).await {
            Ok(r) => format!("/tasks/{}/report?period={}", r.task_id, r.period_start),
            Err(e) => return ApiError::from(e).into_response(),
        },
        Err(e) => return ApiError::from(e).into_response(),
    };
    match reports::detach(s.store.as_ref(), &user.actor, file_id).await {
        Ok(_) => Redirect::to(&back).into_response(),
        Err(e) => refusal(&user, e, &back),
    }
}

pub async fn download(State(s): State<AppState>, _user: WebUser, Path(file_id): Path<Id>) -> Response {
    match file_response(&s, file_id).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}
