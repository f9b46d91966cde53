//! The lamps of the whole ledger, for the overview: per key work and per
//! unit, and the red list. Judging 100,000 tasks reads every milestone and
//! report, so it is not done per request: a snapshot is served while a
//! fresh one is computed in the background, at most `MAX_AGE` old (and
//! never from another day).

use super::lamps::lamps_of;
use crate::http::ApiError;
use crate::storage::{KeyWorkSummary, Store};
use chrono::{DateTime, Local, NaiveDate};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use tuijin_domain::lamp::{LampColor, LampConfig, LampCounts, Reason};
use tuijin_domain::Id;

/// How old a snapshot may be before a request starts a refresh — at
/// least; a ledger that takes long to judge is judged less often (ten
/// times its judging time), so the background work stays a small share
/// of the machine.
pub const MAX_AGE: Duration = Duration::from_secs(30);

/// A red task on the overview's list.
#[derive(Debug, Clone)]
pub struct RedTask {
    pub id: Id,
    pub key_work_id: Id,
    pub lead_unit_id: Id,
    pub code: String,
    pub title: String,
    pub leader_ids: Vec<Id>,
    pub due_date: Option<NaiveDate>,
    pub reasons: Vec<Reason>,
}

/// The ledger's lamps at one moment.
#[derive(Debug)]
pub struct Snapshot {
    pub computed_at: DateTime<Local>,
    pub today: NaiveDate,
    taken: Instant,
    /// How long judging took.
    pub took: Duration,
    pub by_key_work: HashMap<Id, LampCounts>,
    pub by_unit: HashMap<Id, LampCounts>,
    /// Red tasks, earliest due first.
    pub red: Vec<RedTask>,
    pub colors: HashMap<Id, LampColor>,
    /// The status counts, targets and investment per key work, taken with
    /// the lamps (they scan the whole ledger too).
    pub summaries: Vec<KeyWorkSummary>,
}

#[derive(Default)]
pub struct Board {
    current: RwLock<Option<Arc<Snapshot>>>,
    refreshing: AtomicBool,
}

impl Board {
    /// A snapshot no older than [`MAX_AGE`] when possible: the first call
    /// computes one; later calls get the last one at once and, when it is
    /// stale, start a refresh for the next caller.
    pub async fn get(
        self: &Arc<Self>,
        store: Arc<dyn Store>,
        config: Arc<LampConfig>,
        today: NaiveDate,
    ) -> Result<Arc<Snapshot>, ApiError> {
        let last = self.current.read().unwrap_or_else(|e| e.into_inner()).clone();
        match last {
            Some(s) if s.today == today => {
                let max_age = MAX_AGE.max(s.took * 10);
                if s.taken.elapsed() > max_age && !self.refreshing.swap(true, Ordering::AcqRel) {
                    let board = self.clone();
                    tokio::spawn(async move {
                        if let Err(e) = board.refresh(store.as_ref(), &config, today).await {
                            tracing::warn!(error = ?e, "lamp board refresh failed");
                        }
                        board.refreshing.store(false, Ordering::Release);
                    });
                }
                Ok(s)
            }
            _ => self.refresh(store.as_ref(), &config, today).await,
        }
    }

    /// Judges every open task now.
    pub async fn refresh(
        &self,
        store: &dyn Store,
        config: &LampConfig,
        today: NaiveDate,
    ) -> Result<Arc<Snapshot>, ApiError> {
        let started = Instant::now();
        let summaries = store.key_work_summaries(today).await?;
        let tasks = store.open_tasks().await?;
        let lamps = lamps_of(store, &tasks, config, today).await?;
        let mut by_key_work: HashMap<Id, LampCounts> = HashMap::new();
        let mut by_unit: HashMap<Id, LampCounts> = HashMap::new();
        let mut red = Vec::new();
        let mut colors = HashMap::with_capacity(tasks.len());
        for t in tasks {
            let Some(lamp) = lamps.get(&t.id) else { continue };
            by_key_work.entry(t.fields.key_work_id).or_default().add(lamp.color);
            by_unit.entry(t.fields.lead_unit_id).or_default().add(lamp.color);
            colors.insert(t.id, lamp.color);
            if lamp.color == LampColor::Red {
                red.push(RedTask {
                    id: t.id,
                    key_work_id: t.fields.key_work_id,
                    lead_unit_id: t.fields.lead_unit_id,
                    code: t.fields.code,
                    title: t.fields.title,
                    leader_ids: t.fields.leader_ids,
                    due_date: t.fields.due_date,
                    reasons: lamp.reasons.clone(),
                });
            }
        }
        red.sort_by_key(|r| (r.due_date.is_none(), r.due_date, r.id));
        // Keep this period's counts for the trend chart.
        let periods: Vec<(Id, NaiveDate, LampCounts)> = store
            .list_key_works()
            .await?
            .iter()
            .map(|k| {
                let start = super::schedule_of(k).period_containing(today).start;
                (k.id, start, by_key_work.get(&k.id).copied().unwrap_or_default())
            })
            .collect();
        if let Err(e) = store.record_lamps(&periods).await {
            tracing::warn!(error = %e, "could not record the lamp history");
        }
        let snapshot = Arc::new(Snapshot {
            computed_at: Local::now(),
            today,
            taken: Instant::now(),
            took: started.elapsed(),
            by_key_work,
            by_unit,
            red,
            colors,
            summaries,
        });
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(snapshot.clone());
        Ok(snapshot)
    }
}
