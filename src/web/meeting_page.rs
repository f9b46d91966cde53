//! A meeting's page: its details (editable by the office), the agenda with
//! one click to build it from the ledger and controls to edit, delete and
//! reorder items or add one, the minutes, the decisions with the tasks they
//! were assigned as (交办 → task page, with status and lamp), the open
//! decisions of earlier meetings, the link to the 会议纪要 document, and
//! the history.

use super::format::date;
use super::history::sentences;
use super::i18n::Tr;
use super::meetings::{choices, Choice};
use super::names::Names;
use super::session::WebUser;
use super::{render, UserChrome};
use crate::http::{today, ApiError, AppState};
use crate::storage::{Decision, Meeting, Task};
use crate::supervision::lamps::lamps_of;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use tuijin_domain::meeting::MeetingStatus;
use tuijin_domain::Id;

pub struct ItemView {
    pub id: Id,
    pub version: i64,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub title: String,
    pub detail: String,
    pub task_id: Option<Id>,
    pub first: bool,
    pub last: bool,
}

/// The task a decision was assigned as.
pub struct Assigned {
    pub id: Id,
    pub code: String,
    pub text: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub lamp: &'static str,
    pub lamp_label: &'static str,
    pub closed: bool,
}

pub struct DecisionView {
    pub id: Id,
    pub version: i64,
    pub number: usize,
    pub content: String,
    pub lead_unit_id: Id,
    pub lead_unit: String,
    pub supporting_ids: Vec<Id>,
    pub supporting: String,
    pub leader_ids: Vec<Id>,
    pub leaders: String,
    pub deadline: String,
    pub deadline_raw: String,
    pub task: Option<Assigned>,
    /// For a decision of an earlier meeting: that meeting (id, title).
    pub from: Option<(Id, String)>,
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingPage {
    t: Tr,
    user: Option<UserChrome>,
    office: bool,
    csrf: String,
    id: Id,
    version: i64,
    title: String,
    status: &'static str,
    status_label: &'static str,
    when: String,
    held_on: String,
    starts_at: String,
    place: String,
    chair: String,
    attendees: String,
    key_works: String,
    key_work_choices: Vec<Choice>,
    /// The meeting's own key works, for the decision form.
    meeting_key_works: Vec<(Id, String)>,
    people: Vec<(Id, String)>,
    chair_id: Option<Id>,
    units: Vec<(Id, String)>,
    statuses: Vec<Choice<&'static str>>,
    agenda: Vec<ItemView>,
    minutes: String,
    /// After a stale save: the minutes someone else saved meanwhile (the
    /// box keeps what this user wrote; saving again replaces them).
    saved_minutes: Option<String>,
    decisions: Vec<DecisionView>,
    earlier: Vec<DecisionView>,
    minutes_link: String,
    history: Vec<String>,
}

impl MeetingPage {
    fn unit_options(&self, selected: &[Id]) -> Vec<Choice> {
        choices(&self.units, selected)
    }

    fn unit_option_of(&self, selected: &Id) -> Vec<Choice> {
        choices(&self.units, std::slice::from_ref(selected))
    }

    fn person_options(&self, selected: &[Id]) -> Vec<Choice> {
        choices(&self.people, selected)
    }

    fn chair_options(&self) -> Vec<Choice> {
        choices(&self.people, &self.chair_id.into_iter().collect::<Vec<_>>())
    }
}

pub async fn page(State(s): State<AppState>, user: WebUser, Path(id): Path<Id>) -> Response {
    match build(&s, &user, id).await {
        Ok(p) => render(&p),
        Err(e) => e.into_response(),
    }
}

/// The page after a stale save of the minutes, with what the user wrote
/// still in the box and what was saved meanwhile shown above it.
pub async fn minutes_conflict(s: &AppState, user: &WebUser, id: Id, mine: String) -> Response {
    match build(s, user, id).await {
        Ok(mut p) => {
            p.saved_minutes = Some(std::mem::replace(&mut p.minutes, mine));
            let mut res = render(&p);
            *res.status_mut() = axum::http::StatusCode::CONFLICT;
            res
        }
        Err(e) => e.into_response(),
    }
}

/// The decisions as the page shows them, with their tasks' status and lamp.
async fn decision_views(
    s: &AppState,
    user: &WebUser,
    names: &Names,
    list: Vec<Decision>,
) -> Result<Vec<DecisionView>, ApiError> {
    let (t, lang, today) = (user.tr, user.tr.lang, today());
    let mut tasks: HashMap<Id, Task> = HashMap::new();
    for tid in list.iter().filter_map(|d| d.task_id) {
        tasks.insert(tid, s.store.get_task(tid).await?);
    }
    let all: Vec<Task> = tasks.values().cloned().collect();
    let lamps = lamps_of(s.store.as_ref(), &all, &s.lamp_config, today).await?;
    Ok(list
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let f = d.fields;
            let task = d.task_id.and_then(|tid| tasks.get(&tid)).map(|task| {
                let lamp = lamps.get(&task.id).map(|l| l.color).unwrap_or(tuijin_domain::lamp::LampColor::Green);
                Assigned {
                    id: task.id,
                    code: task.fields.code.clone(),
                    text: format!("{} {}", task.fields.code, task.fields.title),
                    status: task.fields.status.as_str(),
                    status_label: task.fields.status.label(lang),
                    lamp: lamp.as_str(),
                    lamp_label: lamp.label(lang),
                    closed: task.fields.status.is_closed(),
                }
            });
            DecisionView {
                id: d.id,
                version: d.version,
                number: i + 1,
                lead_unit_id: f.lead_unit_id.unwrap_or_default(),
                lead_unit: f.lead_unit_id.map(|u| names.unit(u)).unwrap_or_default(),
                supporting: Names::join(f.supporting_unit_ids.iter().map(|u| names.unit(*u))),
                supporting_ids: f.supporting_unit_ids,
                leaders: Names::join(f.leader_ids.iter().map(|p| names.person(*p))),
                leader_ids: f.leader_ids,
                deadline: f.deadline.map(|x| date(x, lang)).unwrap_or_else(|| t.get("task.none").to_string()),
                deadline_raw: f.deadline.map(|x| x.to_string()).unwrap_or_default(),
                content: f.content,
                task,
                from: None,
            }
        })
        .collect())
}

async fn build(s: &AppState, user: &WebUser, id: Id) -> Result<MeetingPage, ApiError> {
    let (t, lang) = (user.tr, user.tr.lang);
    let m: Meeting = s.store.get_meeting(id).await?;
    let names = Names::load(s.store.as_ref()).await?;
    let f = &m.fields;
    let stored = s.store.agenda_of(id).await?;
    let n = stored.len();
    let agenda = stored
        .into_iter()
        .enumerate()
        .map(|(i, a)| ItemView {
            id: a.id,
            version: a.version,
            kind: a.kind.as_str(),
            kind_label: a.kind.label(lang),
            title: a.fields.title,
            detail: a.fields.detail,
            task_id: a.task_id,
            first: i == 0,
            last: i + 1 == n,
        })
        .collect();
    let decisions = decision_views(s, user, &names, s.store.decisions_of(id).await?).await?;
    let open = s.store.open_decisions(&m).await?;
    let titles = crate::supervision::meetings::meeting_titles(s.store.as_ref()).await?;
    let from: Vec<Id> = open.iter().map(|d| d.meeting_id).collect();
    let mut earlier = decision_views(s, user, &names, open).await?;
    for (v, mid) in earlier.iter_mut().zip(from) {
        v.from = Some((mid, titles.get(&mid).cloned().unwrap_or_default()));
    }
    let history = sentences(&s.store.meeting_history(id).await?, &names, t);
    let office = user.actor.is_office();
    Ok(MeetingPage {
        t,
        user: Some(user.into()),
        office,
        csrf: user.csrf.clone(),
        id,
        version: m.version,
        title: f.title.clone(),
        status: f.status.as_str(),
        status_label: f.status.label(lang),
        when: format!("{} {}", date(f.held_on, lang), f.starts_at).trim().to_string(),
        held_on: f.held_on.to_string(),
        starts_at: f.starts_at.clone(),
        place: f.place.clone(),
        chair: f.chair_id.map(|c| names.person(c)).unwrap_or_default(),
        attendees: f.attendees.clone(),
        key_works: Names::join(f.key_work_ids.iter().map(|k| names.key_work(*k))),
        key_work_choices: choices(&names.key_work_list, &f.key_work_ids),
        meeting_key_works: f.key_work_ids.iter().map(|k| (*k, names.key_work(*k))).collect(),
        people: names.person_list.clone(),
        chair_id: f.chair_id,
        units: names.unit_list.clone(),
        statuses: [MeetingStatus::Planned, MeetingStatus::Held]
            .into_iter()
            .map(|st| Choice { id: st.as_str(), name: st.label(lang).to_string(), selected: st == f.status })
            .collect(),
        agenda,
        minutes: f.minutes.clone(),
        saved_minutes: None,
        decisions,
        earlier,
        minutes_link: format!("/documents/minutes?meeting={id}"),
        history,
    })
}
