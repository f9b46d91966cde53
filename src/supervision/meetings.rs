//! Work meetings (工作例会) as application services: who may change them,
//! the agenda built from the ledger (lamps, this period's requests for
//! coordination, open decisions of earlier meetings, unanswered
//! instructions), and decisions assigned as tasks (交办).
//!
//! Editing a decision changes its task too (unit, leaders, deadline, and
//! the title while the office has not renamed the task); once the task is
//! done or cancelled the decision is closed and edits are refused.

use super::lamps::lamps_of;
use super::schedule_of;
use crate::http::ApiError;
use crate::storage::{AgendaItem, Decision, Meeting, NewDecision, ReportQuery, Store, Task, TaskQuery};
use chrono::NaiveDate;
use std::collections::HashMap;
use tuijin_domain::access::Actor;
use tuijin_domain::error::{Invalid, Problem};
use tuijin_domain::instruction::InstructionState;
use tuijin_domain::lamp::{LampColor, LampConfig};
use tuijin_domain::meeting::agenda::{self, Draft, Facts, ItemFields};
use tuijin_domain::meeting::{source_text, DecisionFields, MeetingFields, MeetingPatch};
use tuijin_domain::period::ReportStatus;
use tuijin_domain::task::{Priority, Status, TaskFields};
use tuijin_domain::{Id, Lang};

mod record;

pub use record::{minutes_of, DecisionRecord, MeetingRecord};

fn require_office(actor: &Actor) -> Result<(), ApiError> {
    if actor.is_office() {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

fn stale<T: serde::Serialize>(current: &T) -> ApiError {
    ApiError::Conflict { current: serde_json::to_value(current).unwrap_or_default() }
}

pub async fn create(store: &dyn Store, actor: &Actor, f: MeetingFields) -> Result<Meeting, ApiError> {
    require_office(actor)?;
    Ok(store.create_meeting(actor, f.validate()?).await?)
}

/// Changes a meeting (its minutes too) at the version the client saw. An
/// emptied title keeps the one it had.
pub async fn update(store: &dyn Store, actor: &Actor, id: Id, p: &MeetingPatch) -> Result<Meeting, ApiError> {
    require_office(actor)?;
    let old = store.get_meeting(id).await?;
    if old.version != p.version {
        return Err(stale(&old));
    }
    let mut f = old.fields.apply(p);
    if f.title.trim().is_empty() {
        f.title = old.fields.title.clone();
    }
    Ok(store.update_meeting(actor, &old, f.validate()?).await?)
}

/// Deletes a meeting created by mistake: refused once it has decisions.
pub async fn delete(store: &dyn Store, actor: &Actor, id: Id) -> Result<(), ApiError> {
    require_office(actor)?;
    Ok(store.delete_meeting(actor, id).await?)
}

/// The open tasks of some key works, a page at a time.
async fn open_tasks_of(store: &dyn Store, key_works: &[Id], today: NaiveDate) -> Result<Vec<Task>, ApiError> {
    let mut out = Vec::new();
    for kw in key_works {
        let mut q = TaskQuery::new(today);
        q.key_work_id = Some(*kw);
        q.statuses = vec![Status::NotStarted, Status::InProgress, Status::Paused];
        q.per_page = TaskQuery::MAX_PER_PAGE;
        loop {
            let page = store.list_tasks(&q).await?;
            let n = page.items.len();
            out.extend(page.items);
            if n < q.per_page as usize {
                break;
            }
            q.page += 1;
        }
    }
    Ok(out)
}

/// Every meeting's title by id (a small table), to name the meeting of a decision.
pub async fn meeting_titles(store: &dyn Store) -> Result<HashMap<Id, String>, ApiError> {
    Ok(store.list_meetings().await?.into_iter().map(|m| (m.id, m.fields.title)).collect())
}

/// Gathers what the agenda of `meeting` is built from, as of `today`.
pub async fn facts(
    store: &dyn Store,
    config: &LampConfig,
    meeting: &Meeting,
    today: NaiveDate,
    lang: Lang,
) -> Result<Facts, ApiError> {
    let kws = &meeting.fields.key_work_ids;
    let tasks = open_tasks_of(store, kws, today).await?;
    let lamps = lamps_of(store, &tasks, config, today).await?;
    let by_id: HashMap<Id, &Task> = tasks.iter().map(|t| (t.id, t)).collect();
    let units: HashMap<Id, String> = store.list_units().await?.into_iter().map(|u| (u.id, u.fields.name)).collect();
    let people: HashMap<Id, String> = store.list_people().await?.into_iter().map(|p| (p.id, p.fields.name)).collect();
    let unit = |id: Id| units.get(&id).cloned().unwrap_or_default();
    let mut facts = Facts::default();
    for t in &tasks {
        let Some(l) = lamps.get(&t.id).filter(|l| l.color != LampColor::Green) else { continue };
        facts.tasks.push(agenda::TaskLamp {
            task_id: t.id,
            code: t.fields.code.clone(),
            title: t.fields.title.clone(),
            color: l.color,
            reasons: l.reasons.iter().map(|r| r.text(lang)).collect(),
        });
    }
    // This period's requests for coordination, in reports the unit has submitted.
    let mut starts: Vec<NaiveDate> = Vec::new();
    for kw in store.list_key_works().await?.iter().filter(|k| kws.contains(&k.id)) {
        starts.push(schedule_of(kw).period_containing(today).start);
    }
    let ids: Vec<Id> = tasks.iter().map(|t| t.id).collect();
    for chunk in ids.chunks(5_000) {
        let q = ReportQuery {
            task_ids: chunk.to_vec(),
            period_starts: starts.clone(),
            statuses: vec![ReportStatus::Submitted, ReportStatus::Accepted],
            ..Default::default()
        };
        for r in store.list_reports(&q).await? {
            let (Some(t), false) = (by_id.get(&r.task_id), r.fields.coordination.is_empty()) else { continue };
            let addressee = [
                r.fields.coordination_leader_id.and_then(|p| people.get(&p).cloned()),
                r.fields.coordination_unit_id.map(unit),
            ];
            facts.coordination.push(agenda::CoordinationRequest {
                report_id: r.id,
                task_id: t.id,
                code: t.fields.code.clone(),
                title: t.fields.title.clone(),
                unit: unit(t.fields.lead_unit_id),
                text: r.fields.coordination.clone(),
                addressee: addressee.into_iter().flatten().collect::<Vec<_>>().join("、"),
            });
        }
    }
    let titles = meeting_titles(store).await?;
    for d in store.open_decisions(meeting).await? {
        let Some(task_id) = d.task_id else { continue };
        let task = match by_id.get(&task_id) {
            Some(t) => (*t).clone(),
            None => store.get_task(task_id).await?,
        };
        facts.open_decisions.push(agenda::OpenDecision {
            decision_id: d.id,
            task_id,
            meeting_title: titles.get(&d.meeting_id).cloned().unwrap_or_default(),
            content: d.fields.content,
            unit: unit(task.fields.lead_unit_id),
            deadline: task.fields.due_date.or(d.fields.deadline).unwrap_or(meeting.fields.held_on),
            status: task.fields.status.label(lang).to_string(),
            lamp: lamps.get(&task_id).map(|l| l.color),
        });
    }
    for i in store.unanswered_instructions().await? {
        let Some(t) = by_id.get(&i.task_id) else { continue };
        let written = i.created_at.with_timezone(&chrono::Local).date_naive();
        let state = tuijin_domain::instruction::state(written, i.fields.respond_within_days, false, today);
        facts.instructions.push(agenda::PendingInstruction {
            instruction_id: i.id,
            task_id: t.id,
            code: t.fields.code.clone(),
            title: t.fields.title.clone(),
            author: i.author_name,
            text: i.fields.text,
            answer_due: i.answer_due,
            overdue: state == InstructionState::Overdue,
        });
    }
    Ok(facts)
}

/// 生成议程 / 重新生成议程: rebuilds the built items, keeps the office's own.
pub async fn regenerate(
    store: &dyn Store,
    config: &LampConfig,
    actor: &Actor,
    meeting_id: Id,
    today: NaiveDate,
    lang: Lang,
) -> Result<Vec<AgendaItem>, ApiError> {
    require_office(actor)?;
    let meeting = store.get_meeting(meeting_id).await?;
    let drafts: Vec<Draft> = agenda::build(&facts(store, config, &meeting, today, lang).await?, lang);
    Ok(store.rebuild_agenda(actor, meeting_id, &drafts).await?)
}

pub async fn add_item(store: &dyn Store, actor: &Actor, meeting_id: Id, f: ItemFields) -> Result<AgendaItem, ApiError> {
    require_office(actor)?;
    Ok(store.add_agenda_item(actor, meeting_id, f.validate()?).await?)
}

pub async fn edit_item(
    store: &dyn Store,
    actor: &Actor,
    id: Id,
    version: i64,
    f: ItemFields,
) -> Result<AgendaItem, ApiError> {
    require_office(actor)?;
    let old = store.get_agenda_item(id).await?;
    if old.version != version {
        return Err(stale(&old));
    }
    Ok(store.update_agenda_item(actor, &old, f.validate()?).await?)
}

/// Deletes an item; returns its meeting.
pub async fn delete_item(store: &dyn Store, actor: &Actor, id: Id) -> Result<Id, ApiError> {
    require_office(actor)?;
    let old = store.get_agenda_item(id).await?;
    store.delete_agenda_item(actor, &old).await?;
    Ok(old.meeting_id)
}

pub async fn move_item(store: &dyn Store, actor: &Actor, id: Id, up: bool) -> Result<Vec<AgendaItem>, ApiError> {
    require_office(actor)?;
    let old = store.get_agenda_item(id).await?;
    Ok(store.move_agenda_item(actor, &old, up).await?)
}

/// The task a decision assigns: in the chosen key work (or under the
/// chosen task), titled by the decision, due on its deadline. The code is
/// given by storage.
fn task_for(meeting: &Meeting, f: &DecisionFields) -> TaskFields {
    TaskFields {
        key_work_id: f.key_work_id.unwrap_or_default(),
        parent_id: f.parent_id,
        code: "0".into(),
        title: f.task_title(),
        description: f.content.clone(),
        lead_unit_id: f.lead_unit_id.unwrap_or_default(),
        supporting_unit_ids: f.supporting_unit_ids.clone(),
        leader_ids: f.leader_ids.clone(),
        priority: Priority::Important,
        status: Status::NotStarted,
        start_date: Some(meeting.fields.held_on),
        due_date: f.deadline,
        target: None,
        planned_investment: None,
        completed_investment: None,
        percent_complete: Default::default(),
        tags: Vec::new(),
    }
}

/// Records a decision and assigns it as a task, in one transaction.
pub async fn decide(store: &dyn Store, actor: &Actor, meeting_id: Id, f: DecisionFields) -> Result<Decision, ApiError> {
    require_office(actor)?;
    let meeting = store.get_meeting(meeting_id).await?;
    let f = f.validate(meeting.fields.held_on, &meeting.fields.key_work_ids)?;
    let task = task_for(&meeting, &f).validate()?;
    let source = source_text(&meeting.fields.title, Lang::Zh);
    Ok(store.create_decision(actor, &meeting, NewDecision { decision: f, task, source }).await?)
}

/// Changes a decision and its task. The key work and parent stay as they
/// were; a closed task refuses the change.
pub async fn revise(
    store: &dyn Store,
    actor: &Actor,
    id: Id,
    version: i64,
    mut f: DecisionFields,
) -> Result<Decision, ApiError> {
    require_office(actor)?;
    let old = store.get_decision(id).await?;
    if old.version != version {
        return Err(stale(&old));
    }
    let meeting = store.get_meeting(old.meeting_id).await?;
    f.key_work_id = old.fields.key_work_id;
    f.parent_id = old.fields.parent_id;
    let kws: Vec<Id> = old.fields.key_work_id.into_iter().collect();
    let f = f.validate(meeting.fields.held_on, &kws)?;
    let task = match old.task_id {
        Some(tid) => Some(store.get_task(tid).await?),
        None => None,
    };
    if task.as_ref().is_some_and(|t| t.fields.status.is_closed()) {
        return Err(Invalid::one("content", Problem::Conflicting { detail: "task_closed" }).into());
    }
    let change = match &task {
        Some(t) => {
            let mut n = t.fields.clone();
            if n.title == old.fields.task_title() {
                n.title = f.task_title();
            }
            n.lead_unit_id = f.lead_unit_id.unwrap_or(n.lead_unit_id);
            n.supporting_unit_ids = f.supporting_unit_ids.clone();
            n.leader_ids = f.leader_ids.clone();
            n.due_date = f.deadline;
            Some((t, n.validate()?))
        }
        None => None,
    };
    Ok(store.update_decision(actor, &old, f, change).await?)
}

/// The next meeting from `today` on, in words for the overview: (id, "title, date time, place").
pub async fn next_meeting(store: &dyn Store, today: NaiveDate, lang: Lang) -> Result<Option<(Id, String)>, ApiError> {
    let Some(m) = store.meetings_from(today).await?.into_iter().next() else { return Ok(None) };
    let f = &m.fields;
    let when = format!("{} {}", lang.date(f.held_on), f.starts_at).trim().to_string();
    Ok(Some((m.id, format!("{}{}{when}{}{}", f.title, lang.pick("，", ", "), lang.pick("，", ", "), f.place))))
}

/// Where a task came from, when a meeting assigned it: (meeting id, "…第N次工作例会议定事项").
pub async fn source_of_task(store: &dyn Store, task_id: Id, lang: Lang) -> Result<Option<(Id, String)>, ApiError> {
    let Some(d) = store.decision_of_task(task_id).await? else { return Ok(None) };
    let m = store.get_meeting(d.meeting_id).await?;
    Ok(Some((m.id, source_text(&m.fields.title, lang))))
}
