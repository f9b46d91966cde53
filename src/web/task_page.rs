//! A task's page: every field, its milestones as a timeline, its
//! sequencing, its sub-tasks, and its history in sentences.

use super::format::{date, money_wan, number};
use super::history::sentences;
use super::i18n::Tr;
use super::names::Names;
use super::session::WebUser;
use super::{render, UserChrome};
use crate::http::{today, ApiError, AppState};
use crate::storage::TaskQuery;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use tuijin_domain::Id;

pub struct Field {
    pub label: String,
    pub value: String,
}

pub struct MilestoneLine {
    pub id: Id,
    pub date: String,
    pub title: String,
    pub class: &'static str,
    pub state: String,
}

pub struct Link {
    pub id: Id,
    pub text: String,
}

/// A sequencing link: the other task, and the relation (to delete it).
pub struct RelationLine {
    pub relation_id: Id,
    pub other: Link,
}

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    t: Tr,
    user: Option<UserChrome>,
    id: Id,
    heading: String,
    key_work: String,
    can_edit: bool,
    /// The office may add milestones.
    office: bool,
    csrf: String,
    fields: Vec<Field>,
    description: String,
    milestones: Vec<MilestoneLine>,
    relations: Vec<RelationLine>,
    subtasks: Vec<Link>,
    parent: Option<Link>,
    history: Vec<String>,
}

pub async fn page(State(s): State<AppState>, user: WebUser, Path(id): Path<Id>) -> Response {
    match build(&s, &user, id).await {
        Ok(p) => render(&p),
        Err(e) => e.into_response(),
    }
}

async fn build(s: &AppState, user: &WebUser, id: Id) -> Result<TaskPage, ApiError> {
    let t = user.tr;
    let lang = t.lang;
    let task = s.store.get_task(id).await?;
    let names = Names::load(s.store.as_ref()).await?;
    let f = &task.fields;
    let today = today();
    let none = || t.get("task.none").to_string();
    let opt_date = |d: Option<chrono::NaiveDate>| d.map(|d| date(d, lang)).unwrap_or_else(none);
    let mut due = opt_date(f.due_date);
    if f.is_overdue(today) {
        due = format!("{due}（{}）", t.get("task.overdue"));
    }
    let field = |key: &str, value: String| Field { label: t.get(key).to_string(), value };
    let fields = vec![
        field("col.status", f.status.label(lang).to_string()),
        field("col.priority", f.priority.label(lang).to_string()),
        field("col.leaders", Names::join(f.leader_ids.iter().map(|p| names.person(*p)))),
        field("col.lead_unit", names.unit(f.lead_unit_id)),
        field(
            "col.supporting",
            Some(Names::join(f.supporting_unit_ids.iter().map(|u| names.unit(*u))))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(none),
        ),
        field("task.start", opt_date(f.start_date)),
        field("col.due", due),
        field("col.progress", format!("{}%", number(f.percent_complete))),
        field(
            "task.target",
            f.target.as_ref().map(|x| format!("{}{}", number(x.value), x.measure)).unwrap_or_else(none),
        ),
        field(
            "task.investment",
            match (f.planned_investment, f.completed_investment) {
                (None, None) => none(),
                (p, c) => format!(
                    "{} / {}",
                    p.map(|v| money_wan(v, lang)).unwrap_or_else(none),
                    c.map(|v| money_wan(v, lang)).unwrap_or_else(none)
                ),
            },
        ),
    ];
    let milestones = s
        .store
        .list_milestones(id)
        .await?
        .into_iter()
        .map(|m| {
            let id = m.id;
            let m = m.fields;
            let (class, state) = if m.done {
                ("done", t.get("task.milestone_done").to_string())
            } else if m.is_overdue(today) {
                ("late", t.get("task.overdue").to_string())
            } else {
                ("", t.get("task.milestone_open").to_string())
            };
            MilestoneLine { id, date: date(m.planned_date, lang), title: m.title, class, state }
        })
        .collect();
    let mut relations = Vec::new();
    for r in s.store.list_relations(Some(id)).await? {
        let (key, other) = if r.fields.predecessor_id == id {
            ("task.precedes", r.fields.successor_id)
        } else {
            ("task.follows", r.fields.predecessor_id)
        };
        let o = s.store.get_task(other).await?;
        let lag = t.fill("task.lag", &[("n", &r.fields.lag_days.to_string())]);
        let text = format!("{} {} {}（{lag}）", t.get(key), o.fields.code, o.fields.title);
        relations.push(RelationLine { relation_id: r.id, other: Link { id: other, text } });
    }
    let mut q = TaskQuery::new(today);
    q.parent_id = Some(id);
    q.per_page = TaskQuery::MAX_PER_PAGE;
    let subtasks = s
        .store
        .list_tasks(&q)
        .await?
        .items
        .into_iter()
        .map(|c| Link { id: c.id, text: format!("{} {}", c.fields.code, c.fields.title) })
        .collect();
    let parent = match f.parent_id {
        Some(p) => {
            let p = s.store.get_task(p).await?;
            Some(Link { id: p.id, text: format!("{} {}", p.fields.code, p.fields.title) })
        }
        None => None,
    };
    let history = sentences(&s.store.task_history(id).await?, &names, t);
    Ok(TaskPage {
        t,
        user: Some(user.into()),
        id,
        heading: format!("{} {}", f.code, f.title),
        key_work: names.key_work(f.key_work_id),
        can_edit: user.actor.may_edit_task(f.lead_unit_id),
        office: user.actor.may_edit_ledger_structure(),
        csrf: user.csrf.clone(),
        fields,
        description: f.description.clone(),
        milestones,
        relations,
        subtasks,
        parent,
        history,
    })
}
