//! A meeting as one plain record — names instead of ids, dates as dates —
//! for the 会议纪要 document and anything else that prints a meeting.

use crate::http::ApiError;
use crate::storage::Store;
use chrono::NaiveDate;
use std::collections::HashMap;
use tuijin_domain::{Id, Lang};

/// One decision (议定事项) with the task it was assigned as.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionRecord {
    /// 1, 2, … in the order they were decided.
    pub number: usize,
    pub content: String,
    pub lead_unit: String,
    pub supporting_units: Vec<String>,
    /// 责任领导, "name（title）" each.
    pub leaders: Vec<String>,
    pub deadline: Option<NaiveDate>,
    pub task_id: Option<Id>,
    /// The assigned task's ledger code, empty once it was deleted.
    pub task_code: String,
    /// Its status in words (未启动, 推进中, 已完成…).
    pub task_status: String,
}

/// A meeting with everything its minutes (会议纪要) print.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingRecord {
    pub id: Id,
    /// 第N次.
    pub number: i64,
    pub title: String,
    pub held_on: NaiveDate,
    /// "09:00", or empty.
    pub starts_at: String,
    pub place: String,
    pub chair: String,
    /// The chair's title (区委副书记、区长…), empty when unknown.
    pub chair_title: String,
    pub attendees: String,
    pub key_works: Vec<String>,
    /// 筹备中 / 已召开.
    pub status: String,
    pub minutes: String,
    /// (kind in words, title, details) in agenda order.
    pub agenda: Vec<(String, String, String)>,
    pub decisions: Vec<DecisionRecord>,
}

/// The meeting `meeting_id` as a record, labels in `lang`.
pub async fn minutes_of(store: &dyn Store, meeting_id: Id, lang: Lang) -> Result<MeetingRecord, ApiError> {
    let m = store.get_meeting(meeting_id).await?;
    let units: HashMap<Id, String> = store.list_units().await?.into_iter().map(|u| (u.id, u.fields.name)).collect();
    let people: HashMap<Id, (String, String)> =
        store.list_people().await?.into_iter().map(|p| (p.id, (p.fields.name, p.fields.title))).collect();
    let key_works: HashMap<Id, String> =
        store.list_key_works().await?.into_iter().map(|k| (k.id, k.fields.name)).collect();
    let unit = |id: &Id| units.get(id).cloned().unwrap_or_default();
    let person = |id: &Id| match people.get(id) {
        Some((name, title)) if !title.is_empty() => format!("{name}（{title}）"),
        Some((name, _)) => name.clone(),
        None => String::new(),
    };
    let (chair, chair_title) = m.fields.chair_id.and_then(|c| people.get(&c).cloned()).unwrap_or_default();
    let mut decisions = Vec::new();
    for (i, d) in store.decisions_of(meeting_id).await?.into_iter().enumerate() {
        let task = match d.task_id {
            Some(t) => Some(store.get_task(t).await?),
            None => None,
        };
        decisions.push(DecisionRecord {
            number: i + 1,
            lead_unit: d.fields.lead_unit_id.as_ref().map(unit).unwrap_or_default(),
            supporting_units: d.fields.supporting_unit_ids.iter().map(unit).collect(),
            leaders: d.fields.leader_ids.iter().map(person).collect(),
            deadline: d.fields.deadline,
            task_id: d.task_id,
            task_code: task.as_ref().map(|t| t.fields.code.clone()).unwrap_or_default(),
            task_status: task.as_ref().map(|t| t.fields.status.label(lang).to_string()).unwrap_or_default(),
            content: d.fields.content,
        });
    }
    let agenda = store
        .agenda_of(meeting_id)
        .await?
        .into_iter()
        .map(|i| (i.kind.label(lang).to_string(), i.fields.title, i.fields.detail))
        .collect();
    Ok(MeetingRecord {
        id: m.id,
        number: m.number,
        title: m.fields.title,
        held_on: m.fields.held_on,
        starts_at: m.fields.starts_at,
        place: m.fields.place,
        chair,
        chair_title,
        attendees: m.fields.attendees,
        key_works: m.fields.key_work_ids.iter().map(|k| key_works.get(k).cloned().unwrap_or_default()).collect(),
        status: m.fields.status.label(lang).to_string(),
        minutes: m.fields.minutes,
        agenda,
        decisions,
    })
}
