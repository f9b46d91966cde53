//! Imports between upload and commit: the workbook read once and kept in
//! memory for the preview and its corrections, then written in the
//! background while the page shows progress. Kept for an hour.

use super::{preview, report_periods, Options, Preview};
use crate::http::ApiError;
use crate::storage::{ImportJob, ImportOutcome, Store};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tuijin_domain::access::Actor;
use tuijin_domain::extraction::Sheet;
use tuijin_domain::Id;

const KEEP: Duration = Duration::from_secs(3600);

/// Where an import stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    /// Read, waiting for the user to commit.
    Previewing,
    Writing,
    Done(ImportOutcome),
    /// Nothing was written; the message says why, in both languages' keys.
    Failed(Vec<String>),
}

/// One uploaded workbook.
pub struct Pending {
    pub id: String,
    pub user_id: Id,
    pub file_name: String,
    pub sheets: Vec<Sheet>,
    pub options: Mutex<Options>,
    pub stage: Mutex<Stage>,
    /// Rows (tasks and milestones) written so far and in all, while writing.
    pub written: AtomicUsize,
    pub total: AtomicUsize,
    created: Instant,
}

impl Pending {
    pub fn stage(&self) -> Stage {
        self.stage.lock().map(|s| s.clone()).unwrap_or(Stage::Failed(vec!["poisoned".into()]))
    }

    pub fn options(&self) -> Options {
        self.options.lock().map(|o| o.clone()).unwrap_or_default()
    }

    pub fn set_options(&self, options: Options) {
        if let Ok(mut o) = self.options.lock() {
            *o = options;
        }
    }

    fn set_stage(&self, stage: Stage) {
        if let Ok(mut s) = self.stage.lock() {
            *s = stage;
        }
    }
}

/// The imports of this server process.
#[derive(Default)]
pub struct Imports {
    pending: Mutex<HashMap<String, Arc<Pending>>>,
}

impl Imports {
    /// Keeps a read workbook and returns its handle.
    pub fn add(&self, user_id: Id, file_name: &str, sheets: Vec<Sheet>) -> Arc<Pending> {
        let id = hex::encode(rand::random::<[u8; 12]>());
        let p = Arc::new(Pending {
            id: id.clone(),
            user_id,
            file_name: file_name.to_string(),
            sheets,
            options: Mutex::new(Options::default()),
            stage: Mutex::new(Stage::Previewing),
            written: AtomicUsize::new(0),
            total: AtomicUsize::new(0),
            created: Instant::now(),
        });
        if let Ok(mut m) = self.pending.lock() {
            m.retain(|_, p| p.created.elapsed() < KEEP);
            m.insert(id, p.clone());
        }
        p
    }

    /// The import `id` of this user (another user's is not found).
    pub fn get(&self, id: &str, user_id: Id) -> Option<Arc<Pending>> {
        let m = self.pending.lock().ok()?;
        m.get(id).filter(|p| p.user_id == user_id && p.created.elapsed() < KEEP).cloned()
    }
}

/// Plans again against the ledger as it is now and, when nothing is in
/// the way, starts writing in the background. Returns the fresh preview:
/// when it has errors nothing starts.
pub async fn commit(
    store: Arc<dyn Store>,
    pending: Arc<Pending>,
    actor: Actor,
    today: NaiveDate,
) -> Result<Preview, ApiError> {
    if matches!(pending.stage(), Stage::Writing | Stage::Done(_)) {
        return Err(ApiError::Invalid(tuijin_domain::Invalid::one(
            "import",
            tuijin_domain::Problem::Conflicting { detail: "import_started" },
        )));
    }
    let options = pending.options();
    let pv = preview(store.as_ref(), &pending.sheets, &options, today).await?;
    if !pv.can_commit() {
        return Ok(pv);
    }
    let periods = report_periods(store.as_ref(), &pv.plan, today).await?;
    pending.total.store(pv.plan.work(), Ordering::Relaxed);
    pending.written.store(0, Ordering::Relaxed);
    pending.set_stage(Stage::Writing);
    let plan = pv.plan.clone();
    let job_pending = pending.clone();
    tokio::spawn(async move {
        let job = ImportJob { plan: &plan, report_periods: &periods, progress: &job_pending.written };
        let stage = match store.import_ledger(&actor, &job).await {
            Ok(out) => Stage::Done(out),
            Err(e) => {
                let err = ApiError::from(e);
                tracing::warn!(import = %job_pending.id, error = ?err, "import failed, nothing written");
                Stage::Failed(vec![
                    err.body(tuijin_domain::Lang::Zh).message,
                    err.body(tuijin_domain::Lang::En).message,
                ])
            }
        };
        job_pending.set_stage(stage);
    });
    Ok(pv)
}
