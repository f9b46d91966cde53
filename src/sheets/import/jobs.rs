//! Imports between upload and commit: the workbook read once and kept in
//! memory for the preview and its corrections, then written in the
//! background while the page shows progress.
//!
//! What a preview holds is bounded: one pending import per user (an upload
//! replaces the previous one), dropped when the user discards it or after
//! [`IDLE`] without use, its grid released as soon as writing starts (a
//! finished or failed import keeps only its outcome), and all grids
//! together within a server-wide [`BUDGET`]. The budget is reserved before
//! a file is read, so uploads arriving together cannot overshoot it.

use super::read::{self, ReadError, MAX_GRID_BYTES};
use super::{preview, report_periods, Options, Preview};
use crate::http::ApiError;
use crate::storage::{ImportJob, ImportOutcome, Store};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tuijin_domain::access::Actor;
use tuijin_domain::extraction::Sheet;
use tuijin_domain::{Id, Lang};

/// An import unused this long is dropped.
pub const IDLE: Duration = Duration::from_secs(30 * 60);
/// When the budget is short, previews unused this long make room first.
pub const IDLE_UNDER_PRESSURE: Duration = Duration::from_secs(5 * 60);
/// The memory all pending previews may hold together: four of the largest
/// workbook an import reads ([`MAX_GRID_BYTES`], about 240 MB), or
/// hundreds of an office's usual ledger (a few MB).
pub const BUDGET: usize = 1 << 30;
/// Less room than this left in the budget and an upload is refused at once.
const LEAST_ROOM: usize = 1 << 20;

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

/// An upload that is not kept, and why.
#[derive(Debug)]
pub enum Refused {
    Read(ReadError),
    /// The budget is taken by other users' previews.
    Busy,
}

impl Refused {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Refused::Read(e) => e.message(lang),
            Refused::Busy => lang
                .pick(
                    "服务器上待确认的导入过多，请稍后再试",
                    "too many imports are waiting for confirmation on the server: try again later",
                )
                .to_string(),
        }
    }
}

/// A read workbook and the memory it takes.
pub struct Grid {
    pub sheets: Vec<Sheet>,
    pub bytes: usize,
}

/// One uploaded workbook.
pub struct Pending {
    pub id: String,
    pub user_id: Id,
    pub file_name: String,
    grid: Mutex<Option<Arc<Grid>>>,
    pub options: Mutex<Options>,
    pub stage: Mutex<Stage>,
    /// Rows (tasks and milestones) written so far and in all, while writing.
    pub written: AtomicUsize,
    pub total: AtomicUsize,
    used: Mutex<Instant>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere left nothing half-changed that matters here.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Pending {
    pub fn stage(&self) -> Stage {
        lock(&self.stage).clone()
    }

    pub fn options(&self) -> Options {
        lock(&self.options).clone()
    }

    pub fn set_options(&self, options: Options) {
        *lock(&self.options) = options;
    }

    fn set_stage(&self, stage: Stage) {
        *lock(&self.stage) = stage;
    }

    /// The read workbook, while it is kept (until writing starts).
    pub fn grid(&self) -> Option<Arc<Grid>> {
        lock(&self.grid).clone()
    }

    /// The memory this import holds.
    pub fn held(&self) -> usize {
        lock(&self.grid).as_ref().map_or(0, |g| g.bytes)
    }

    /// Lets the grid go: writing has its plan, or the import is dropped.
    fn release(&self) {
        lock(&self.grid).take();
    }

    fn idle(&self) -> Duration {
        lock(&self.used).elapsed()
    }

    fn touch(&self) {
        *lock(&self.used) = Instant::now();
    }
}

#[derive(Default)]
struct Held {
    pending: HashMap<String, Arc<Pending>>,
    /// Bytes set aside for files being read now.
    reserved: usize,
}

impl Held {
    fn bytes(&self) -> usize {
        self.pending.values().map(|p| p.held()).sum::<usize>() + self.reserved
    }

    fn drop_where(&mut self, gone: impl Fn(&Pending) -> bool) {
        self.pending.retain(|_, p| {
            let keep = !gone(p);
            if !keep {
                p.release();
            }
            keep
        });
    }
}

/// The imports of this server process.
pub struct Imports {
    held: Mutex<Held>,
    budget: usize,
    idle: Duration,
}

impl Default for Imports {
    fn default() -> Imports {
        Imports::new(BUDGET, IDLE)
    }
}

/// Bytes reserved for a file being read; handed back when dropped.
struct Reservation<'i> {
    imports: &'i Imports,
    bytes: usize,
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        lock(&self.imports.held).reserved -= self.bytes;
    }
}

impl Imports {
    /// Imports within `budget` bytes, dropped after `idle` without use.
    pub fn new(budget: usize, idle: Duration) -> Imports {
        Imports { held: Mutex::default(), budget, idle }
    }

    /// The memory all pending imports hold now, with what is set aside
    /// for files being read.
    pub fn held(&self) -> usize {
        lock(&self.held).bytes()
    }

    /// Makes room for one more preview of `user_id` and sets it aside:
    /// the user's previous preview goes, then expired ones, then, if the
    /// budget is still short, previews idle for a few minutes, oldest
    /// first. `None` when there is still too little room.
    fn reserve(&self, user_id: Id) -> Option<Reservation<'_>> {
        let mut held = lock(&self.held);
        held.drop_where(|p| (p.user_id == user_id && matches!(p.stage(), Stage::Previewing)) || p.idle() >= self.idle);
        if held.bytes() + MAX_GRID_BYTES > self.budget {
            let mut idle: Vec<(Duration, String)> = held
                .pending
                .values()
                .filter(|p| p.held() > 0 && p.idle() >= IDLE_UNDER_PRESSURE.min(self.idle))
                .map(|p| (p.idle(), p.id.clone()))
                .collect();
            idle.sort_by_key(|(d, _)| std::cmp::Reverse(*d));
            for (_, id) in idle {
                if held.bytes() + MAX_GRID_BYTES <= self.budget {
                    break;
                }
                if let Some(p) = held.pending.remove(&id) {
                    p.release();
                }
            }
        }
        let room = self.budget.saturating_sub(held.bytes()).min(MAX_GRID_BYTES);
        if room < LEAST_ROOM {
            return None;
        }
        held.reserved += room;
        Some(Reservation { imports: self, bytes: room })
    }

    /// Reads an upload and keeps it as `user_id`'s one pending import,
    /// within what the budget leaves (blocking: call it off the runtime).
    pub fn read(&self, user_id: Id, file_name: &str, bytes: &[u8]) -> Result<Arc<Pending>, Refused> {
        let reservation = self.reserve(user_id).ok_or(Refused::Busy)?;
        let read = read::workbook_within(bytes, reservation.bytes);
        let workbook = match read {
            Ok(w) => w,
            // The file fits the reader's own limits but not what others left.
            Err(ReadError::TooMuchMemory { .. }) if reservation.bytes < MAX_GRID_BYTES => return Err(Refused::Busy),
            Err(e) => return Err(Refused::Read(e)),
        };
        let pending = Arc::new(Pending {
            id: hex::encode(rand::random::<[u8; 12]>()),
            user_id,
            file_name: file_name.to_string(),
            grid: Mutex::new(Some(Arc::new(Grid { sheets: workbook.sheets, bytes: workbook.bytes }))),
            options: Mutex::new(Options::default()),
            stage: Mutex::new(Stage::Previewing),
            written: AtomicUsize::new(0),
            total: AtomicUsize::new(0),
            used: Mutex::new(Instant::now()),
        });
        let mut held = lock(&self.held);
        // Another upload of the same user read meanwhile: the later one stays.
        held.drop_where(|p| p.user_id == user_id && matches!(p.stage(), Stage::Previewing));
        held.pending.insert(pending.id.clone(), pending.clone());
        Ok(pending)
    }

    /// The import `id` of this user (another user's is not found), as used now.
    pub fn get(&self, id: &str, user_id: Id) -> Option<Arc<Pending>> {
        let mut held = lock(&self.held);
        held.drop_where(|p| p.idle() >= self.idle);
        let p = held.pending.get(id).filter(|p| p.user_id == user_id).cloned()?;
        p.touch();
        Some(p)
    }

    /// Discards the user's import `id` unless it is being written.
    pub fn cancel(&self, id: &str, user_id: Id) -> bool {
        let mut held = lock(&self.held);
        let mine = held.pending.get(id).is_some_and(|p| p.user_id == user_id && p.stage() != Stage::Writing);
        if mine {
            if let Some(p) = held.pending.remove(id) {
                p.release();
            }
        }
        mine
    }
}

/// The preview is gone: its grid was released (writing started) or dropped.
fn gone() -> ApiError {
    ApiError::Invalid(tuijin_domain::Invalid::one(
        "import",
        tuijin_domain::Problem::Conflicting { detail: "import_gone" },
    ))
}

/// Plans again against the ledger as it is now and, when nothing is in
/// the way, starts writing in the background and lets the grid go (the
/// writer has its plan). Returns the fresh preview: when it has errors
/// nothing starts.
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
    let grid = pending.grid().ok_or_else(gone)?;
    let options = pending.options();
    let pv = preview(store.as_ref(), &grid.sheets, &options, today).await?;
    if !pv.can_commit() {
        return Ok(pv);
    }
    let periods = report_periods(store.as_ref(), &pv.plan, today).await?;
    pending.total.store(pv.plan.work(), Ordering::Relaxed);
    pending.written.store(0, Ordering::Relaxed);
    pending.set_stage(Stage::Writing);
    drop(grid);
    pending.release();
    let plan = pv.plan.clone();
    let job_pending = pending.clone();
    tokio::spawn(async move {
        let job = ImportJob { plan: &plan, report_periods: &periods, progress: &job_pending.written };
        let stage = match store.import_ledger(&actor, &job).await {
            Ok(out) => Stage::Done(out),
            Err(e) => {
                let err = ApiError::from(e);
                tracing::warn!(import = %job_pending.id, error = ?err, "import failed, nothing written");
                Stage::Failed(vec![err.body(Lang::Zh).message, err.body(Lang::En).message])
            }
        };
        job_pending.set_stage(stage);
    });
    Ok(pv)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ledger of `rows` rows, as offices write it.
    fn workbook(rows: usize) -> Vec<u8> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in ["序号", "工作任务", "责任单位"].iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for r in 1..=rows as u32 {
            ws.write_number(r, 0, r as f64).unwrap();
            ws.write_string(r, 1, format!("任务{r}")).unwrap();
            ws.write_string(r, 2, "区住建局").unwrap();
        }
        wb.save_to_buffer().unwrap()
    }

    #[test]
    fn an_upload_replaces_the_users_previous_one_and_a_cancel_frees_it() {
        let imports = Imports::default();
        let first = imports.read(1, "a.xlsx", &workbook(100)).unwrap();
        let held = imports.held();
        assert!(held > 0 && held == first.held(), "{held}");
        let second = imports.read(1, "b.xlsx", &workbook(100)).unwrap();
        assert!(imports.get(&first.id, 1).is_none(), "the previous one is gone");
        assert_eq!(first.held(), 0, "and its grid let go");
        assert_eq!(imports.held(), second.held());
        // Another user's stays theirs.
        let other = imports.read(2, "c.xlsx", &workbook(10)).unwrap();
        assert!(imports.get(&other.id, 1).is_none());
        assert!(!imports.cancel(&other.id, 1), "nobody cancels another's import");
        assert!(imports.cancel(&second.id, 1));
        assert!(imports.get(&second.id, 1).is_none());
        assert_eq!(imports.held(), other.held());
    }

    #[test]
    fn the_budget_refuses_once_taken_and_idle_previews_expire() {
        let big = workbook(20_000);
        let size = Imports::default().read(9, "x.xlsx", &big).unwrap().held();
        assert!(size > 2 << 20, "{size}");
        // Room for it and 1.5 MB more.
        let imports = Imports::new(size + (3 << 19), IDLE);
        let a = imports.read(1, "a.xlsx", &big).unwrap();
        // The second user's file does not fit what is left…
        assert!(matches!(imports.read(2, "b.xlsx", &big), Err(Refused::Busy)));
        assert_eq!(Refused::Busy.message(Lang::Zh), "服务器上待确认的导入过多，请稍后再试");
        // …a small one does, and the big one once the first user discards theirs.
        assert!(imports.read(2, "b.xlsx", &workbook(10)).is_ok());
        assert!(imports.cancel(&a.id, 1));
        assert!(imports.read(2, "b.xlsx", &big).is_ok());

        // Without use for the idle time, a preview is dropped.
        let quick = Imports::new(BUDGET, Duration::from_millis(30));
        let p = quick.read(1, "a.xlsx", &workbook(10)).unwrap();
        assert!(quick.get(&p.id, 1).is_some());
        std::thread::sleep(Duration::from_millis(40));
        assert!(quick.get(&p.id, 1).is_none());
        assert_eq!((quick.held(), p.held()), (0, 0));
    }
}
