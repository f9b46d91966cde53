//! The reminder round: gathers the facts the rules read (this period's
//! reports, the lamps, unanswered instructions, late-report reminders
//! already sent), decides with the pure rules, and puts the drafts into
//! the outbox, where dedupe keys make a repeated round a no-op.

use super::board::Board;
use super::schedule_of;
use crate::http::ApiError;
use crate::storage::{NewNotification, NotificationQuery, ReportQuery, Store};
use chrono::{NaiveDate, NaiveDateTime};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use tuijin_domain::lamp::LampConfig;
use tuijin_domain::period::{Period, ReportStatus};
use tuijin_domain::reminder::{decide, Addressee, Draft, InstructionFacts, ReminderConfig, SentLate, TaskFacts};
use tuijin_domain::Id;

/// One round at `now` (local time): returns how many new reminders went
/// into the outbox.
pub async fn run_once(
    store: &Arc<dyn Store>,
    board: &Arc<Board>,
    lamp_config: &Arc<LampConfig>,
    config: &ReminderConfig,
    now: NaiveDateTime,
) -> Result<usize, ApiError> {
    let today = now.date();
    let snapshot = board.get(store.clone(), lamp_config.clone(), today).await?;
    let current: HashMap<Id, Period> =
        store.list_key_works().await?.iter().map(|k| (k.id, schedule_of(k).period_containing(today))).collect();
    let tasks = store.open_tasks().await?;
    let mut starts: Vec<NaiveDate> = current.values().map(|p| p.start).collect();
    starts.sort();
    starts.dedup();
    let q = ReportQuery {
        period_starts: starts,
        statuses: vec![ReportStatus::Submitted, ReportStatus::Accepted],
        ..Default::default()
    };
    let reported: HashSet<(Id, NaiveDate)> =
        store.list_reports(&q).await?.into_iter().map(|r| (r.task_id, r.period_start)).collect();
    let unit_of: HashMap<Id, Id> = tasks.iter().map(|t| (t.id, t.fields.lead_unit_id)).collect();
    let facts: Vec<TaskFacts> = tasks
        .iter()
        .filter_map(|t| {
            let p = current.get(&t.fields.key_work_id)?;
            Some(TaskFacts {
                task_id: t.id,
                unit_id: t.fields.lead_unit_id,
                leader_ids: t.fields.leader_ids.clone(),
                period_start: p.start,
                deadline: p.deadline,
                reported: reported.contains(&(t.id, p.start)),
                lamp: snapshot.colors.get(&t.id).map_or("green", |c| c.as_str()),
            })
        })
        .collect();
    let instructions: Vec<InstructionFacts> = store
        .unanswered_instructions()
        .await?
        .into_iter()
        .filter_map(|i| {
            Some(InstructionFacts {
                id: i.id,
                unit_id: *unit_of.get(&i.task_id)?,
                task_id: i.task_id,
                author: i.author_name,
                text: i.fields.text,
                answer_due: i.answer_due,
            })
        })
        .collect();
    let late_query = NotificationQuery { kind: Some("report_late".into()), limit: 100_000, ..Default::default() };
    let sent_late: Vec<SentLate> = store
        .list_notifications(&late_query)
        .await?
        .into_iter()
        .filter_map(|n| {
            let period = n.dedupe_key.rsplit("period=").next()?.parse().ok()?;
            Some(SentLate {
                unit_id: n.unit_id?,
                period_start: period,
                sent_at: n.created_at.with_timezone(&chrono::Local).naive_local(),
                acknowledged: n.acknowledged_at.is_some(),
            })
        })
        .collect();
    let drafts = decide(&facts, &instructions, &sent_late, config, now);
    let batch: Vec<NewNotification> = drafts.into_iter().map(into_notification).collect();
    Ok(store.enqueue(&batch).await?)
}

fn into_notification(d: Draft) -> NewNotification {
    let (unit_id, person_id) = match d.to {
        Addressee::Unit(u) => (Some(u), None),
        Addressee::Person(p) => (None, Some(p)),
    };
    NewNotification {
        kind: d.kind.into(),
        dedupe_key: d.dedupe_key,
        task_id: d.task_id,
        unit_id,
        person_id,
        title: d.title,
        body: d.body,
        link: d.link,
    }
}

/// Runs a round every `every` until the returned handle is aborted.
pub fn spawn(
    store: Arc<dyn Store>,
    board: Arc<Board>,
    lamp_config: Arc<LampConfig>,
    config: ReminderConfig,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            match run_once(&store, &board, &lamp_config, &config, super::local_now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(new = n, "reminders queued"),
                Err(e) => tracing::warn!(error = ?e, "reminder round failed"),
            }
        }
    })
}
