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

/// An instruction and its thread.
pub struct InstructionView {
    pub id: Id,
    pub author: String,
    pub when: String,
    pub text: String,
    pub state: &'static str,
    pub state_label: &'static str,
    pub answer_due: String,
    pub replies: Vec<(String, String, String)>,
}

/// An extension request.
pub struct ExtensionView {
    pub id: Id,
    pub version: i64,
    pub what: String,
    pub from: String,
    pub to: String,
    pub reason: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub by: String,
    pub note: String,
}

/// One report on the task page.
pub struct ReportLine {
    pub period: String,
    pub period_start: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub progress: String,
}

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    lamp: &'static str,
    lamp_label: &'static str,
    lamp_reasons: Vec<String>,
    forecast: Option<String>,
    chart: Option<super::chart::Chart>,
    reports: Vec<ReportLine>,
    /// The lead unit (or the office) may write this period's report.
    can_report: bool,
    instructions: Vec<InstructionView>,
    extensions: Vec<ExtensionView>,
    can_instruct: bool,
    can_reply: bool,
    milestone_choices: Vec<(Id, String)>,
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
    /// The meeting that assigned this task: (meeting id, "…第N次工作例会议定事项").
    source: Option<(Id, String)>,
}

impl TaskPage {
    fn grid(&self, percent: &f64) -> String {
        super::chart::grid_y(*percent)
    }
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
    let mut fields = vec![
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
    let source = crate::supervision::meetings::source_of_task(s.store.as_ref(), id, lang).await?;
    let when = |at: chrono::DateTime<chrono::Utc>| {
        let local = at.with_timezone(&chrono::Local);
        format!("{} {}", date(local.date_naive(), lang), local.format("%H:%M"))
    };
    let instructions = s
        .store
        .instructions_of(id)
        .await?
        .into_iter()
        .map(|i| {
            let written = i.created_at.with_timezone(&chrono::Local).date_naive();
            let st = tuijin_domain::instruction::state(
                written,
                i.fields.respond_within_days,
                i.answered_at.is_some(),
                today,
            );
            InstructionView {
                id: i.id,
                author: i.author_name,
                when: when(i.created_at),
                text: i.fields.text,
                state: st.as_str(),
                state_label: st.label(lang),
                answer_due: date(i.answer_due, lang),
                replies: i.replies.into_iter().map(|r| (r.author_name, when(r.created_at), r.text)).collect(),
            }
        })
        .collect();
    let task_milestones = s.store.list_milestones(id).await?;
    let stored_extensions = s.store.extensions_of(id).await?;
    if let Some(o) = crate::supervision::followup::original_due(&stored_extensions) {
        let due_label = t.get("col.due");
        if let Some(fd) = fields.iter_mut().find(|x| x.label == due_label) {
            fd.value = format!("{}（{}{}）", fd.value, t.get("ext.originally"), date(o, lang));
        }
    }
    let extensions = stored_extensions
        .into_iter()
        .map(|x| ExtensionView {
            id: x.id,
            version: x.version,
            what: match x.fields.milestone_id {
                Some(mid) => task_milestones
                    .iter()
                    .find(|m| m.id == mid)
                    .map(|m| format!("{}“{}”", t.get("ext.milestone"), m.fields.title))
                    .unwrap_or_default(),
                None => t.get("col.due").to_string(),
            },
            from: x.original_date.map(|d| date(d, lang)).unwrap_or_else(none),
            to: date(x.fields.requested_date, lang),
            reason: x.fields.reason,
            status: x.status.as_str(),
            status_label: x.status.label(lang),
            by: x.requested_by_name,
            note: x.note,
        })
        .collect();
    let inputs = crate::supervision::lamps::inputs(s.store.as_ref(), std::slice::from_ref(&task), today).await?;
    let lamp = crate::supervision::lamps::evaluate_all(std::slice::from_ref(&task), &inputs, &s.lamp_config, today)
        .remove(&id)
        .ok_or(ApiError::Internal)?;
    let milestone_fields = inputs.milestones.get(&id).cloned().unwrap_or_default();
    let plan = tuijin_domain::trajectory::planned_path(f, &milestone_fields);
    let actual = inputs.progress.get(&id).cloned().unwrap_or_default();
    let chart = super::chart::trajectory(&plan, &actual, lamp.forecast_finish, today, |d| date(d, lang));
    let kw = s.store.get_key_work(f.key_work_id).await?;
    let schedule = crate::supervision::schedule_of(&kw);
    let q = crate::storage::ReportQuery { task_ids: vec![id], ..Default::default() };
    let reports = s
        .store
        .list_reports(&q)
        .await?
        .into_iter()
        .map(|r| ReportLine {
            period: super::reports_list::period_text(&schedule.period_containing(r.period_start), t, today),
            period_start: r.period_start.to_string(),
            status: r.status.as_str(),
            status_label: r.status.label(lang),
            progress: r.fields.progress,
        })
        .collect();
    Ok(TaskPage {
        lamp: lamp.color.as_str(),
        lamp_label: lamp.color.label(lang),
        lamp_reasons: lamp.reasons.iter().map(|r| r.text(lang)).collect(),
        forecast: lamp.forecast_finish.map(|d| date(d, lang)),
        chart,
        reports,
        can_report: user.actor.may_edit_task(f.lead_unit_id),
        instructions,
        extensions,
        can_instruct: user.actor.role == tuijin_domain::access::Role::Leader || user.actor.is_office(),
        can_reply: user.actor.may_edit_task(f.lead_unit_id) || user.actor.role == tuijin_domain::access::Role::Leader,
        milestone_choices: task_milestones.iter().map(|m| (m.id, m.fields.title.clone())).collect(),
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
        source,
    })
}
