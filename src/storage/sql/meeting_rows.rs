//! Rows of the meeting tables and their conversion to the stored models.

use crate::storage::{AgendaItem, Decision, Meeting, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use tuijin_domain::meeting::agenda::{ItemFields, ItemKind};
use tuijin_domain::meeting::{DecisionFields, MeetingFields, MeetingStatus};
use tuijin_domain::Id;

pub(super) const MEETING_SELECT: &str = "SELECT id, number, title, held_on, starts_at, place, chair_id, attendees, status, \
     minutes, version, created_at, updated_at, \
     (SELECT {agg}(key_work_id{cast}, ',' ORDER BY position) FROM meeting_key_works k WHERE k.meeting_id = meetings.id) AS key_works \
     FROM meetings";

fn ids(raw: &str) -> Vec<Id> {
    raw.split(',').filter_map(|s| s.trim().parse().ok()).collect()
}

fn json_ids(raw: &str) -> Result<Vec<Id>, StoreError> {
    serde_json::from_str(raw).map_err(|_| StoreError::Corrupt(format!("id list {raw:?}")))
}

pub(super) fn to_json(ids: &[Id]) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".into())
}

#[derive(sqlx::FromRow)]
pub(super) struct MeetingRow {
    id: i64,
    number: i64,
    title: String,
    held_on: NaiveDate,
    starts_at: String,
    place: String,
    chair_id: Option<i64>,
    attendees: String,
    status: String,
    minutes: String,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    key_works: Option<String>,
}

impl TryFrom<MeetingRow> for Meeting {
    type Error = StoreError;
    fn try_from(r: MeetingRow) -> Result<Meeting, StoreError> {
        Ok(Meeting {
            id: r.id,
            number: r.number,
            fields: MeetingFields {
                title: r.title,
                key_work_ids: ids(r.key_works.as_deref().unwrap_or("")),
                held_on: r.held_on,
                starts_at: r.starts_at,
                place: r.place,
                chair_id: r.chair_id,
                attendees: r.attendees,
                status: MeetingStatus::parse(&r.status)
                    .ok_or_else(|| StoreError::Corrupt(format!("meeting status {:?}", r.status)))?,
                minutes: r.minutes,
            },
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct AgendaRow {
    id: i64,
    meeting_id: i64,
    position: i64,
    kind: String,
    task_id: Option<i64>,
    report_id: Option<i64>,
    decision_id: Option<i64>,
    instruction_id: Option<i64>,
    title: String,
    detail: String,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<AgendaRow> for AgendaItem {
    type Error = StoreError;
    fn try_from(r: AgendaRow) -> Result<AgendaItem, StoreError> {
        Ok(AgendaItem {
            id: r.id,
            meeting_id: r.meeting_id,
            position: r.position,
            kind: ItemKind::parse(&r.kind).ok_or_else(|| StoreError::Corrupt(format!("agenda kind {:?}", r.kind)))?,
            task_id: r.task_id,
            report_id: r.report_id,
            decision_id: r.decision_id,
            instruction_id: r.instruction_id,
            fields: ItemFields { title: r.title, detail: r.detail },
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct DecisionRow {
    id: i64,
    meeting_id: i64,
    position: i64,
    content: String,
    key_work_id: i64,
    parent_id: Option<i64>,
    lead_unit_id: i64,
    supporting_unit_ids: String,
    leader_ids: String,
    deadline: NaiveDate,
    task_id: Option<i64>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<DecisionRow> for Decision {
    type Error = StoreError;
    fn try_from(r: DecisionRow) -> Result<Decision, StoreError> {
        Ok(Decision {
            id: r.id,
            meeting_id: r.meeting_id,
            position: r.position,
            fields: DecisionFields {
                content: r.content,
                lead_unit_id: Some(r.lead_unit_id),
                supporting_unit_ids: json_ids(&r.supporting_unit_ids)?,
                leader_ids: json_ids(&r.leader_ids)?,
                deadline: Some(r.deadline),
                key_work_id: Some(r.key_work_id),
                parent_id: r.parent_id,
            },
            task_id: r.task_id,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}
