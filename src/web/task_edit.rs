//! Editing a task in the browser. Errors are shown next to the field at
//! fault; a liaison's locked fields are disabled and refused by the server
//! anyway; a stale edit shows where the user's entries differ from what is
//! stored now and lets them save again — it never overwrites silently.

use super::form::{self, FormData};
use super::i18n::Tr;
use super::login::csrf_refusal;
use super::names::Names;
use super::session::WebUser;
use super::{render, UserChrome};
use crate::http::{check_fields, ApiError, AppState};
use crate::storage::{StoreError, Task};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;
use tuijin_domain::access::{Actor, LIAISON_TASK_FIELDS};
use tuijin_domain::error::{field_label, Invalid, Problem};
use tuijin_domain::task::{Priority, Status, Target, TaskFields};
use tuijin_domain::Id;

/// The form's fields, in display order.
const FIELDS: &[&str] = &[
    "code",
    "title",
    "lead_unit_id",
    "supporting_unit_ids",
    "leader_ids",
    "priority",
    "status",
    "start_date",
    "due_date",
    "target_value",
    "target_measure",
    "planned_investment",
    "completed_investment",
    "percent_complete",
    "tags",
    "description",
];

/// The form's values as text, as the user typed them or as stored.
#[derive(Clone, Default)]
pub struct Values(HashMap<&'static str, Vec<String>>);

impl Values {
    pub(super) fn from_task(f: &TaskFields) -> Values {
        let one = |s: String| vec![s];
        let dec = |d: &Option<rust_decimal::Decimal>| d.map(|v| v.normalize().to_string()).unwrap_or_default();
        let mut m: HashMap<&'static str, Vec<String>> = HashMap::new();
        m.insert("code", one(f.code.clone()));
        m.insert("title", one(f.title.clone()));
        m.insert("description", one(f.description.clone()));
        m.insert("lead_unit_id", one(f.lead_unit_id.to_string()));
        m.insert("supporting_unit_ids", f.supporting_unit_ids.iter().map(|i| i.to_string()).collect());
        m.insert("leader_ids", f.leader_ids.iter().map(|i| i.to_string()).collect());
        m.insert("priority", one(f.priority.as_str().into()));
        m.insert("status", one(f.status.as_str().into()));
        m.insert("start_date", one(f.start_date.map(|d| d.to_string()).unwrap_or_default()));
        m.insert("due_date", one(f.due_date.map(|d| d.to_string()).unwrap_or_default()));
        m.insert("target_value", one(dec(&f.target.as_ref().map(|t| t.value))));
        m.insert("target_measure", one(f.target.as_ref().map(|t| t.measure.clone()).unwrap_or_default()));
        m.insert("planned_investment", one(dec(&f.planned_investment)));
        m.insert("completed_investment", one(dec(&f.completed_investment)));
        m.insert("percent_complete", one(f.percent_complete.normalize().to_string()));
        m.insert("tags", one(f.tags.join("、")));
        Values(m)
    }

    /// The submitted values; a field the form did not send (disabled for
    /// this user) keeps its stored value.
    pub(super) fn from_form(form: &FormData, stored: &Values) -> Values {
        let mut v = stored.clone();
        for &field in FIELDS {
            if form.has(field) {
                let values = if matches!(field, "supporting_unit_ids" | "leader_ids") {
                    form.all(field)
                } else {
                    vec![form.text(field).unwrap_or_default()]
                };
                v.0.insert(field, values);
            }
        }
        v
    }

    pub(super) fn set(&mut self, field: &'static str, values: Vec<String>) {
        self.0.insert(field, values);
    }

    pub fn get(&self, field: &str) -> &str {
        self.0.get(field).and_then(|v| v.first()).map(String::as_str).unwrap_or("")
    }

    pub fn has(&self, field: &str, value: &str) -> bool {
        self.0.get(field).is_some_and(|v| v.iter().any(|x| x == value))
    }

    /// Reads the values into task fields, naming every malformed one.
    pub(super) fn parse(&self, base: &TaskFields) -> Result<TaskFields, Invalid> {
        let mut inv = Invalid::default();
        let mut f = base.clone();
        f.code = self.get("code").to_string();
        f.title = self.get("title").to_string();
        f.description = self.get("description").to_string();
        match self.get("lead_unit_id") {
            "" => inv.push("lead_unit_id", Problem::Required),
            raw => {
                if let Some(id) = form::id(&mut inv, "lead_unit_id", raw) {
                    f.lead_unit_id = id;
                }
            }
        }
        f.supporting_unit_ids =
            form::ids(&mut inv, "supporting_unit_ids", self.0.get("supporting_unit_ids").map_or(&[], |v| v));
        f.leader_ids = form::ids(&mut inv, "leader_ids", self.0.get("leader_ids").map_or(&[], |v| v));
        match Priority::parse(self.get("priority")) {
            Some(p) => f.priority = p,
            None => inv.push("priority", Problem::Malformed { expected: "value" }),
        }
        match Status::parse(self.get("status")) {
            Some(s) => f.status = s,
            None => inv.push("status", Problem::Malformed { expected: "value" }),
        }
        if let Some(d) = form::date(&mut inv, "start_date", self.get("start_date")) {
            f.start_date = d;
        }
        if let Some(d) = form::date(&mut inv, "due_date", self.get("due_date")) {
            f.due_date = d;
        }
        let measure = self.get("target_measure").to_string();
        match form::decimal(&mut inv, "target_value", self.get("target_value")) {
            Some(Some(value)) => f.target = Some(Target { value, measure }),
            Some(None) if measure.is_empty() => f.target = None,
            Some(None) => inv.push("target_value", Problem::Required),
            None => {}
        }
        if let Some(d) = form::decimal(&mut inv, "planned_investment", self.get("planned_investment")) {
            f.planned_investment = d;
        }
        if let Some(d) = form::decimal(&mut inv, "completed_investment", self.get("completed_investment")) {
            f.completed_investment = d;
        }
        if let Some(d) = form::decimal(&mut inv, "percent_complete", self.get("percent_complete")) {
            f.percent_complete = d.unwrap_or_default();
        }
        f.tags =
            self.get("tags").split(['、', ',', '，']).map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
        inv.into_result(f)
    }
}

pub struct Choice {
    pub value: String,
    pub label: String,
}

pub struct DiffRow {
    pub label: String,
    pub mine: String,
    pub current: String,
}

#[derive(Template)]
#[template(path = "task_edit.html")]
pub(super) struct EditPage {
    t: Tr,
    user: Option<UserChrome>,
    /// Where the form posts, and where "cancel" and the heading lead.
    action: String,
    back: String,
    heading: String,
    version: i64,
    /// A new task: its key work is chosen (and its parent carried along).
    creating: bool,
    key_works: Vec<Choice>,
    parent_id: Option<Id>,
    values: Values,
    labels: HashMap<&'static str, String>,
    locked: Vec<&'static str>,
    errors: HashMap<String, String>,
    banner: Option<String>,
    conflict: Vec<DiffRow>,
    units: Vec<Choice>,
    people: Vec<Choice>,
    statuses: Vec<Choice>,
    priorities: Vec<Choice>,
}

/// Plain inputs of the form: (field, input type).
const INPUTS: &[(&str, &str)] = &[
    ("code", "text"),
    ("title", "text"),
    ("start_date", "date"),
    ("due_date", "date"),
    ("target_value", "text"),
    ("target_measure", "text"),
    ("planned_investment", "text"),
    ("completed_investment", "text"),
    ("percent_complete", "text"),
    ("tags", "text"),
];

impl EditPage {
    /// Each error next to its field, with a banner above the form.
    pub(super) fn show_invalid(&mut self, inv: Invalid) {
        self.banner = Some(self.t.get("edit.invalid").to_string());
        for e in inv.0 {
            let field = if e.field.starts_with("target.") { "target_value".to_string() } else { e.field.clone() };
            self.errors.entry(field).or_insert_with(|| e.message(self.t.lang));
        }
    }

    fn inputs(&self) -> &'static [(&'static str, &'static str)] {
        INPUTS
    }

    fn locked(&self, field: &str) -> bool {
        self.locked.contains(&field)
    }

    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }

    fn label<'a>(&'a self, field: &'a str) -> &'a str {
        self.labels.get(field).map(String::as_str).unwrap_or(field)
    }
}

/// The fields a role may not change are shown locked.
fn locked_for(actor: &Actor) -> Vec<&'static str> {
    if actor.is_office() {
        Vec::new()
    } else {
        FIELDS.iter().copied().filter(|f| !LIAISON_TASK_FIELDS.contains(f)).collect()
    }
}

/// What the form edits: a stored task, or a new one (under a parent).
pub enum Subject<'a> {
    Stored(&'a Task),
    New { parent: Option<&'a Task> },
}

pub(super) async fn page(
    s: &AppState,
    user: &WebUser,
    subject: Subject<'_>,
    values: Values,
    version: i64,
) -> Result<EditPage, ApiError> {
    let t = user.tr;
    let names = Names::load(s.store.as_ref()).await?;
    let labels = FIELDS
        .iter()
        .chain(&["key_work_id"])
        .map(|f| {
            let label = match *f {
                "target_value" => field_label("target.value", t.lang),
                "target_measure" => field_label("target.measure", t.lang),
                other => field_label(other, t.lang),
            };
            (*f, label)
        })
        .collect();
    let (action, back, heading, creating, parent_id) = match subject {
        Subject::Stored(task) => (
            format!("/tasks/{}/edit", task.id),
            format!("/tasks/{}", task.id),
            format!("{} {}", task.fields.code, task.fields.title),
            false,
            None,
        ),
        Subject::New { parent: Some(p) } => (
            "/tasks/new".to_string(),
            format!("/tasks/{}", p.id),
            format!("{} {} › {}", p.fields.code, p.fields.title, t.get("new.subtask")),
            true,
            Some(p.id),
        ),
        Subject::New { parent: None } => {
            ("/tasks/new".to_string(), "/ledger".to_string(), t.get("nav.ledger").to_string(), true, None)
        }
    };
    Ok(EditPage {
        t,
        user: Some(user.into()),
        action,
        back,
        heading,
        version,
        creating,
        key_works: names.key_work_list.iter().map(|(i, n)| Choice { value: i.to_string(), label: n.clone() }).collect(),
        parent_id,
        values,
        labels,
        locked: locked_for(&user.actor),
        errors: HashMap::new(),
        banner: None,
        conflict: Vec::new(),
        units: names.unit_list.iter().map(|(i, n)| Choice { value: i.to_string(), label: n.clone() }).collect(),
        people: names.person_list.iter().map(|(i, n)| Choice { value: i.to_string(), label: n.clone() }).collect(),
        statuses: Status::ALL
            .iter()
            .map(|x| Choice { value: x.as_str().into(), label: x.label(t.lang).into() })
            .collect(),
        priorities: Priority::ALL
            .iter()
            .map(|x| Choice { value: x.as_str().into(), label: x.label(t.lang).into() })
            .collect(),
    })
}

fn refused(user: &WebUser) -> Response {
    (StatusCode::FORBIDDEN, user.tr.get("edit.refused").to_string()).into_response()
}

pub async fn form_page(State(s): State<AppState>, user: WebUser, Path(id): Path<Id>) -> Response {
    let task = match s.store.get_task(id).await {
        Ok(t) => t,
        Err(e) => return ApiError::from(e).into_response(),
    };
    if !user.actor.may_edit_task(task.fields.lead_unit_id) {
        return refused(&user);
    }
    match page(&s, &user, Subject::Stored(&task), Values::from_task(&task.fields), task.version).await {
        Ok(p) => render(&p),
        Err(e) => e.into_response(),
    }
}

pub(super) fn with_status(mut res: Response, status: StatusCode) -> Response {
    *res.status_mut() = status;
    res
}

pub async fn submit(State(s): State<AppState>, user: WebUser, Path(id): Path<Id>, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    if let Some(refusal) = csrf_refusal(&user, &form.text("csrf").unwrap_or_default()) {
        return refusal;
    }
    let current = match s.store.get_task(id).await {
        Ok(t) => t,
        Err(e) => return ApiError::from(e).into_response(),
    };
    if !user.actor.may_edit_task(current.fields.lead_unit_id) {
        return refused(&user);
    }
    let stored = Values::from_task(&current.fields);
    let values = Values::from_form(&form, &stored);
    let sent_version: i64 = form.text("version").and_then(|v| v.parse().ok()).unwrap_or(-1);
    match save(&s, &user, &current, &values, sent_version).await {
        Ok(()) => Redirect::to(&format!("/tasks/{id}")).into_response(),
        Err(outcome) => outcome.respond(&s, &user, &current, values).await,
    }
}

/// Why a submission was not saved.
enum NotSaved {
    Invalid(Invalid),
    Forbidden(Vec<String>),
    /// The task changed since the form was loaded.
    Stale(Box<Task>),
    Failed(ApiError),
}

async fn save(
    s: &AppState,
    user: &WebUser,
    current: &Task,
    values: &Values,
    sent_version: i64,
) -> Result<(), NotSaved> {
    let fields = values.parse(&current.fields).map_err(NotSaved::Invalid)?;
    let valid = fields.validate().map_err(NotSaved::Invalid)?;
    match check_fields(&user.actor, &current.fields, &*valid, LIAISON_TASK_FIELDS) {
        Ok(()) => {}
        Err(ApiError::ForbiddenFields(f)) => return Err(NotSaved::Forbidden(f)),
        Err(e) => return Err(NotSaved::Failed(e)),
    }
    if sent_version != current.version {
        return Err(NotSaved::Stale(Box::new(current.clone())));
    }
    match s.store.update_task(&user.actor, current, valid).await {
        Ok(_) => Ok(()),
        Err(StoreError::Invalid(i)) => Err(NotSaved::Invalid(i)),
        Err(StoreError::Conflict { .. }) => match s.store.get_task(current.id).await {
            Ok(now) => Err(NotSaved::Stale(Box::new(now))),
            Err(e) => Err(NotSaved::Failed(e.into())),
        },
        Err(e) => Err(NotSaved::Failed(e.into())),
    }
}

impl NotSaved {
    /// The form again, with what went wrong: errors by their fields, the
    /// refused fields, or the differences from the state stored now (and
    /// that state's version, so saving again applies the user's values).
    async fn respond(self, s: &AppState, user: &WebUser, current: &Task, values: Values) -> Response {
        let t = user.tr;
        let (task, status) = match &self {
            NotSaved::Failed(e) => return e.clone().into_response(),
            NotSaved::Stale(now) => ((**now).clone(), StatusCode::CONFLICT),
            NotSaved::Forbidden(_) => (current.clone(), StatusCode::FORBIDDEN),
            NotSaved::Invalid(_) => (current.clone(), StatusCode::UNPROCESSABLE_ENTITY),
        };
        let mut p = match page(s, user, Subject::Stored(&task), values.clone(), task.version).await {
            Ok(p) => p,
            Err(e) => return e.into_response(),
        };
        match self {
            NotSaved::Invalid(inv) => p.show_invalid(inv),
            NotSaved::Forbidden(fields) => {
                let names: Vec<String> = fields.iter().map(|f| field_label(f, t.lang)).collect();
                p.banner = Some(t.fill("edit.forbidden", &[("fields", &names.join("、"))]));
            }
            NotSaved::Stale(now) => {
                p.banner = Some(t.get("edit.conflict").to_string());
                let stored = Values::from_task(&now.fields);
                p.conflict = FIELDS
                    .iter()
                    .filter(|f| stored.0.get(*f) != values.0.get(*f))
                    .map(|f| DiffRow {
                        label: p.label(f).to_string(),
                        mine: values.0.get(f).map(|v| v.join("、")).unwrap_or_default(),
                        current: stored.0.get(f).map(|v| v.join("、")).unwrap_or_default(),
                    })
                    .collect();
            }
            NotSaved::Failed(_) => {}
        }
        with_status(render(&p), status)
    }
}
