//! Administration of units, people and key works by the office: one page
//! each, every row its own small form (with its version, so a stale save is
//! refused), and a form to add one.

use super::i18n::Tr;
use super::login::csrf_refusal;
use super::session::WebUser;
use super::{render, UserChrome};
use crate::http::{ApiError, AppState};
use crate::storage::{KeyWork, Person, Unit};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;
use tuijin_domain::error::{Invalid, Problem};
use tuijin_domain::key_work::{KeyWorkFields, KeyWorkPatch};
use tuijin_domain::period::{Cadence, ReportDeadline};
use tuijin_domain::person::{PersonFields, PersonPatch};
use tuijin_domain::unit::{UnitFields, UnitPatch};
use tuijin_domain::Id;

#[derive(Template)]
#[template(path = "admin_reference.html")]
struct RefPage {
    t: Tr,
    user: Option<UserChrome>,
    kind: &'static str,
    units: Vec<Unit>,
    people: Vec<Person>,
    key_works: Vec<KeyWork>,
    message: Option<String>,
    errors: Vec<String>,
}

impl RefPage {
    fn csrf(&self) -> &str {
        self.user.as_ref().map(|u| u.csrf.as_str()).unwrap_or("")
    }

    fn cadences(&self) -> Vec<(&'static str, &'static str)> {
        Cadence::ALL.iter().map(|c| (c.as_str(), c.label(self.t.lang))).collect()
    }

    fn is_cadence(&self, value: &str, cadence: &Cadence) -> bool {
        value == cadence.as_str()
    }

    fn title(&self) -> &str {
        self.t.get(match self.kind {
            "units" => "ref.units",
            "people" => "ref.people",
            _ => "ref.key_works",
        })
    }
}

fn office_only(user: &WebUser) -> Option<Response> {
    (!user.actor.may_edit_ledger_structure())
        .then(|| (StatusCode::FORBIDDEN, user.tr.get("ref.refused").to_string()).into_response())
}

/// The page, with the outcome of the last save: `Ok(true)` just saved.
async fn show(s: &AppState, user: &WebUser, kind: &'static str, outcome: Result<bool, ApiError>) -> Response {
    let t = user.tr;
    let (status, message, errors) = match outcome {
        Ok(saved) => (StatusCode::OK, saved.then(|| t.get("ref.saved").to_string()), Vec::new()),
        Err(ApiError::Invalid(inv)) => (StatusCode::UNPROCESSABLE_ENTITY, None, inv.messages(t.lang)),
        Err(ApiError::Conflict { .. }) => (StatusCode::CONFLICT, None, vec![t.get("ref.conflict").to_string()]),
        Err(e) => return e.into_response(),
    };
    let loaded = async {
        Ok::<_, ApiError>((s.store.list_units().await?, s.store.list_people().await?, s.store.list_key_works().await?))
    };
    let (units, people, key_works) = match loaded.await {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let page = RefPage { t, user: Some(user.into()), kind, units, people, key_works, message, errors };
    let mut res = render(&page);
    *res.status_mut() = status;
    res
}

async fn saved(s: &AppState, user: &WebUser, kind: &'static str, result: Result<(), ApiError>) -> Response {
    show(s, user, kind, result.map(|()| true)).await
}

fn int(raw: &str) -> i32 {
    raw.trim().parse().unwrap_or(0)
}

fn id(raw: &str) -> Id {
    raw.trim().parse().unwrap_or(0)
}

pub async fn units(State(s): State<AppState>, user: WebUser) -> Response {
    if let Some(r) = office_only(&user) {
        return r;
    }
    show(&s, &user, "units", Ok(false)).await
}

pub async fn people(State(s): State<AppState>, user: WebUser) -> Response {
    if let Some(r) = office_only(&user) {
        return r;
    }
    show(&s, &user, "people", Ok(false)).await
}

pub async fn key_works(State(s): State<AppState>, user: WebUser) -> Response {
    if let Some(r) = office_only(&user) {
        return r;
    }
    show(&s, &user, "key_works", Ok(false)).await
}

#[derive(Deserialize)]
pub struct UnitForm {
    csrf: String,
    #[serde(default)]
    version: String,
    name: String,
    #[serde(default)]
    short_name: String,
    #[serde(default)]
    sort_order: String,
}

pub async fn add_unit(State(s): State<AppState>, user: WebUser, Form(f): Form<UnitForm>) -> Response {
    if let Some(r) = office_only(&user).or_else(|| csrf_refusal(&user, &f.csrf)) {
        return r;
    }
    let fields = UnitFields { name: f.name, short_name: f.short_name, sort_order: int(&f.sort_order) };
    let result = match fields.validate() {
        Ok(v) => s.store.create_unit(&user.actor, v).await.map(|_| ()).map_err(ApiError::from),
        Err(inv) => Err(inv.into()),
    };
    saved(&s, &user, "units", result).await
}

pub async fn save_unit(
    State(s): State<AppState>,
    user: WebUser,
    Path(uid): Path<Id>,
    Form(f): Form<UnitForm>,
) -> Response {
    if let Some(r) = office_only(&user).or_else(|| csrf_refusal(&user, &f.csrf)) {
        return r;
    }
    let patch = UnitPatch {
        version: id(&f.version),
        name: Some(f.name),
        short_name: Some(f.short_name),
        sort_order: Some(int(&f.sort_order)),
    };
    let result = async {
        let current = s.store.get_unit(uid).await?;
        crate::http::check_version_of(patch.version, &current, current.version)?;
        let v = current.fields.apply(&patch).validate()?;
        s.store.update_unit(&user.actor, &current, v).await?;
        Ok::<_, ApiError>(())
    };
    let result = result.await;
    saved(&s, &user, "units", result).await
}

#[derive(Deserialize)]
pub struct PersonForm {
    csrf: String,
    #[serde(default)]
    version: String,
    name: String,
    #[serde(default)]
    title: String,
    unit_id: String,
    #[serde(default)]
    sort_order: String,
}

pub async fn add_person(State(s): State<AppState>, user: WebUser, Form(f): Form<PersonForm>) -> Response {
    if let Some(r) = office_only(&user).or_else(|| csrf_refusal(&user, &f.csrf)) {
        return r;
    }
    let fields = PersonFields { name: f.name, title: f.title, unit_id: id(&f.unit_id), sort_order: int(&f.sort_order) };
    let result = match fields.validate() {
        Ok(v) => s.store.create_person(&user.actor, v).await.map(|_| ()).map_err(ApiError::from),
        Err(inv) => Err(inv.into()),
    };
    saved(&s, &user, "people", result).await
}

pub async fn save_person(
    State(s): State<AppState>,
    user: WebUser,
    Path(pid): Path<Id>,
    Form(f): Form<PersonForm>,
) -> Response {
    if let Some(r) = office_only(&user).or_else(|| csrf_refusal(&user, &f.csrf)) {
        return r;
    }
    let patch = PersonPatch {
        version: id(&f.version),
        name: Some(f.name),
        title: Some(f.title),
        unit_id: Some(id(&f.unit_id)),
        sort_order: Some(int(&f.sort_order)),
    };
    let result = async {
        let current = s.store.get_person(pid).await?;
        crate::http::check_version_of(patch.version, &current, current.version)?;
        let v = current.fields.apply(&patch).validate()?;
        s.store.update_person(&user.actor, &current, v).await?;
        Ok::<_, ApiError>(())
    };
    let result = result.await;
    saved(&s, &user, "people", result).await
}

#[derive(Deserialize)]
pub struct KeyWorkForm {
    csrf: String,
    #[serde(default)]
    version: String,
    name: String,
    lead_body_unit_id: String,
    lead_leader_id: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    sort_order: String,
    #[serde(default)]
    report_cadence: String,
    #[serde(default)]
    report_deadline: String,
}

/// The schedule fields of the key-work form, each error naming its field.
fn schedule(f: &KeyWorkForm) -> Result<(Cadence, ReportDeadline), ApiError> {
    let cadence = match f.report_cadence.trim() {
        "" => Cadence::default(),
        raw => Cadence::parse(raw)
            .ok_or_else(|| Invalid::one("report_cadence", Problem::Malformed { expected: "value" }))?,
    };
    let deadline = match f.report_deadline.trim() {
        "" => ReportDeadline::default_for(cadence),
        raw => ReportDeadline::parse(raw)?,
    };
    Ok((cadence, deadline))
}

pub async fn add_key_work(State(s): State<AppState>, user: WebUser, Form(f): Form<KeyWorkForm>) -> Response {
    if let Some(r) = office_only(&user).or_else(|| csrf_refusal(&user, &f.csrf)) {
        return r;
    }
    let result = async {
        let (report_cadence, report_deadline) = schedule(&f)?;
        let fields = KeyWorkFields {
            name: f.name,
            lead_body_unit_id: id(&f.lead_body_unit_id),
            lead_leader_id: id(&f.lead_leader_id),
            description: f.description,
            sort_order: int(&f.sort_order),
            report_cadence,
            report_deadline,
        };
        s.store.create_key_work(&user.actor, fields.validate()?).await?;
        Ok::<_, ApiError>(())
    };
    let result = result.await;
    saved(&s, &user, "key_works", result).await
}

pub async fn save_key_work(
    State(s): State<AppState>,
    user: WebUser,
    Path(kid): Path<Id>,
    Form(f): Form<KeyWorkForm>,
) -> Response {
    if let Some(r) = office_only(&user).or_else(|| csrf_refusal(&user, &f.csrf)) {
        return r;
    }
    let result = async {
        let (cadence, deadline) = schedule(&f)?;
        let patch = KeyWorkPatch {
            version: id(&f.version),
            name: Some(f.name),
            lead_body_unit_id: Some(id(&f.lead_body_unit_id)),
            lead_leader_id: Some(id(&f.lead_leader_id)),
            description: Some(f.description),
            sort_order: Some(int(&f.sort_order)),
            report_cadence: Some(cadence),
            report_deadline: Some(deadline),
        };
        let current = s.store.get_key_work(kid).await?;
        crate::http::check_version_of(patch.version, &current, current.version)?;
        let v = current.fields.apply(&patch).validate()?;
        s.store.update_key_work(&user.actor, &current, v).await?;
        Ok::<_, ApiError>(())
    };
    let result = result.await;
    saved(&s, &user, "key_works", result).await
}
