//! Storage: one interface ([`Store`]), two backends (SQLite, PostgreSQL)
//! sharing one SQL implementation. The backend is picked from the URL.
//!
//! Every write runs in a transaction that also appends its history rows;
//! every update carries the version the caller last saw and is refused
//! with [`StoreError::Conflict`] when it is stale.

mod credentials;
mod error;
mod followup;
mod import;
mod meetings;
mod models;
mod notify;
mod query;
mod sql;

pub use credentials::*;
pub use error::StoreError;
pub use followup::*;
pub use import::*;
pub use meetings::*;
pub use models::*;
pub use notify::*;
pub use query::{Page, TaskQuery, TaskSort};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use std::sync::Arc;
use tuijin_domain::access::{Actor, Role};
use tuijin_domain::key_work::KeyWorkFields;
use tuijin_domain::milestone::MilestoneFields;
use tuijin_domain::patch::Valid;
use tuijin_domain::period::ReportStatus;
use tuijin_domain::person::PersonFields;
use tuijin_domain::relation::RelationFields;
use tuijin_domain::task::TaskFields;
use tuijin_domain::unit::UnitFields;
use tuijin_domain::Id;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Connects to the database the URL names, creating a SQLite file on
/// first use, and applies the embedded migrations.
pub async fn connect(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    sql::connect(url).await
}

/// Units, people and key works: the reference data of the ledger.
#[async_trait]
pub trait ReferenceStore: Send + Sync {
    async fn list_units(&self) -> Result<Vec<Unit>>;
    async fn get_unit(&self, id: Id) -> Result<Unit>;
    async fn create_unit(&self, actor: &Actor, f: Valid<UnitFields>) -> Result<Unit>;
    async fn update_unit(&self, actor: &Actor, old: &Unit, f: Valid<UnitFields>) -> Result<Unit>;
    async fn delete_unit(&self, actor: &Actor, id: Id) -> Result<()>;

    async fn list_people(&self) -> Result<Vec<Person>>;
    async fn get_person(&self, id: Id) -> Result<Person>;
    async fn create_person(&self, actor: &Actor, f: Valid<PersonFields>) -> Result<Person>;
    async fn update_person(&self, actor: &Actor, old: &Person, f: Valid<PersonFields>) -> Result<Person>;
    async fn delete_person(&self, actor: &Actor, id: Id) -> Result<()>;

    async fn list_key_works(&self) -> Result<Vec<KeyWork>>;
    async fn get_key_work(&self, id: Id) -> Result<KeyWork>;
    async fn create_key_work(&self, actor: &Actor, f: Valid<KeyWorkFields>) -> Result<KeyWork>;
    async fn update_key_work(&self, actor: &Actor, old: &KeyWork, f: Valid<KeyWorkFields>) -> Result<KeyWork>;
    async fn delete_key_work(&self, actor: &Actor, id: Id) -> Result<()>;
}

/// Tasks, milestones, relations and their history.
///
/// Updates take the state the caller read (`old`) and write only if the
/// stored version is still `old.version`; otherwise they fail with
/// [`StoreError::Conflict`]. Because every change bumps the version, a
/// matching version means the stored row is exactly `old`, so the history
/// diff is computed from it without reading the row again.
#[async_trait]
pub trait LedgerStore: Send + Sync {
    async fn list_tasks(&self, q: &TaskQuery) -> Result<Page<Task>>;
    async fn get_task(&self, id: Id) -> Result<Task>;
    /// Every task not done or cancelled, for judging the whole ledger.
    async fn open_tasks(&self) -> Result<Vec<Task>>;
    /// Every task the query matches (no paging), in its order, with the
    /// milestones of those tasks: the ledger as an export or an import
    /// sees it. Two reads however many tasks match.
    async fn ledger_rows(&self, q: &TaskQuery) -> Result<(Vec<LedgerTask>, Vec<LedgerMilestone>)>;
    async fn create_task(&self, actor: &Actor, f: Valid<TaskFields>) -> Result<Task>;
    async fn update_task(&self, actor: &Actor, old: &Task, f: Valid<TaskFields>) -> Result<Task>;
    /// Refused while the task has sub-tasks; its milestones and relations go with it.
    async fn delete_task(&self, actor: &Actor, id: Id) -> Result<()>;
    async fn task_history(&self, task_id: Id) -> Result<Vec<HistoryEntry>>;
    /// Counts and sums per key work for the dashboard, as of `today`.
    async fn key_work_summaries(&self, today: chrono::NaiveDate) -> Result<Vec<KeyWorkSummary>>;

    async fn list_milestones(&self, task_id: Id) -> Result<Vec<Milestone>>;
    /// The milestones of several tasks (a page of the ledger), by task then date.
    async fn milestones_of_tasks(&self, task_ids: &[Id]) -> Result<Vec<Milestone>>;
    async fn get_milestone(&self, id: Id) -> Result<Milestone>;
    async fn create_milestone(&self, actor: &Actor, task_id: Id, f: Valid<MilestoneFields>) -> Result<Milestone>;
    async fn update_milestone(&self, actor: &Actor, old: &Milestone, f: Valid<MilestoneFields>) -> Result<Milestone>;
    async fn delete_milestone(&self, actor: &Actor, id: Id) -> Result<()>;

    /// Relations touching a task, or all of them.
    async fn list_relations(&self, task_id: Option<Id>) -> Result<Vec<Relation>>;
    async fn get_relation(&self, id: Id) -> Result<Relation>;
    async fn create_relation(&self, actor: &Actor, f: Valid<RelationFields>) -> Result<Relation>;
    async fn update_relation(&self, actor: &Actor, old: &Relation, f: Valid<RelationFields>) -> Result<Relation>;
    async fn delete_relation(&self, actor: &Actor, id: Id) -> Result<()>;
}

/// Progress reports (进展填报) and their evidence files.
#[async_trait]
pub trait ReportStore: Send + Sync {
    async fn list_reports(&self, q: &ReportQuery) -> Result<Vec<Report>>;
    async fn get_report(&self, id: Id) -> Result<Report>;
    /// Creates or changes (at its version) a report as the unit writes it:
    /// saved as a draft, or submitted.
    async fn save_report(&self, actor: &Actor, w: ReportWrite<'_>) -> Result<Report>;
    /// The office's review: accepted or returned (with the reason). An
    /// acceptance may carry the task's new actuals, written in the same
    /// transaction.
    async fn review_report(
        &self,
        actor: &Actor,
        old: &Report,
        status: ReportStatus,
        reason: &str,
        task: Option<(&Task, Valid<TaskFields>)>,
    ) -> Result<Report>;
    async fn add_report_file(&self, actor: &Actor, report_id: Id, file: NewFile) -> Result<EvidenceFile>;
    async fn report_file(&self, id: Id) -> Result<(EvidenceFile, Vec<u8>)>;
    async fn delete_report_file(&self, actor: &Actor, id: Id) -> Result<()>;
    /// (task, period start, percent) of every accepted report stating a
    /// percent, oldest first per task: the reported path the lamps read.
    async fn progress_points(&self, task_ids: &[Id]) -> Result<Vec<(Id, NaiveDate, Decimal)>>;
    /// One row per report of these periods, with its task's key work and
    /// lead unit: what the reporting-load table counts.
    async fn report_load_rows(&self, period_starts: &[NaiveDate]) -> Result<Vec<LoadRow>>;
    /// The progress text of each task's latest accepted report.
    async fn latest_progress(&self, task_ids: &[Id]) -> Result<Vec<(Id, String)>>;
    /// Records each key work's lamp counts for its current period
    /// (replacing what was recorded earlier in the same period).
    async fn record_lamps(&self, rows: &[(Id, NaiveDate, tuijin_domain::lamp::LampCounts)]) -> Result<()>;
    /// Recorded lamp counts from `since` on: (key work, period start, counts).
    async fn lamp_history(&self, since: NaiveDate) -> Result<Vec<(Id, NaiveDate, tuijin_domain::lamp::LampCounts)>>;
}

/// Accounts and API tokens.
#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn list_users(&self) -> Result<Vec<User>>;
    async fn find_user(&self, username: &str) -> Result<Option<User>>;
    async fn create_user(&self, new: NewUser) -> Result<User>;
    /// Changes an account's role, unit, name or disabling; disabling ends
    /// its browser sessions in the same transaction.
    async fn update_user(&self, user_id: Id, changes: UserChanges) -> Result<User>;
    /// Records a browser session (its token's hash and its CSRF token).
    async fn create_session(&self, user_id: Id, token_hash: &str, csrf: &str, expires_at: DateTime<Utc>) -> Result<()>;
    /// The live session with this token hash, with its account.
    async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<Session>>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    /// The language an account reads the interface in ("zh-CN" or "en").
    async fn set_language(&self, user_id: Id, language: &str) -> Result<()>;
}

/// Whole-database operations.
#[async_trait]
pub trait AdminStore: Send + Sync {
    /// True when the ledger holds no units yet (a fresh database).
    async fn is_empty(&self) -> Result<bool>;
    /// A consistent copy of a live SQLite database into `path`.
    async fn backup_to(&self, path: &str) -> Result<()>;
    /// The backend's name, "sqlite" or "postgres".
    fn backend(&self) -> &'static str;
}

/// The one storage interface the rest of the program uses.
pub trait Store:
    ReferenceStore
    + LedgerStore
    + ReportStore
    + FollowUpStore
    + MeetingStore
    + AccountStore
    + CredentialStore
    + AdminStore
    + NotifyStore
    + ImportStore
{
}
impl<T> Store for T where
    T: ReferenceStore
        + LedgerStore
        + ReportStore
        + FollowUpStore
        + MeetingStore
        + AccountStore
        + CredentialStore
        + AdminStore
        + NotifyStore
        + ImportStore
{
}

/// The actor recorded for changes made by the system itself (demo loading, imports from the CLI).
pub fn system_actor() -> Actor {
    Actor { user_id: 0, username: "system".into(), display_name: "系统".into(), role: Role::Admin, unit_id: None }
}

/// Folds (key work, status, count, overdue, due soon, with target, target
/// percent sum, planned, completed) rows into one summary per key work.
#[allow(clippy::type_complexity)]
pub(crate) fn summaries_from_rows(rows: Vec<(i64, String, i64, i64, i64, i64, i64, i64, i64)>) -> Vec<KeyWorkSummary> {
    use tuijin_domain::number::from_scaled;
    let mut out: Vec<KeyWorkSummary> = Vec::new();
    let mut percent_sums: Vec<i64> = Vec::new();
    for (kw, status, count, overdue, soon, with_target, pct, planned, completed) in rows {
        if out.last().is_none_or(|s| s.key_work_id != kw) {
            out.push(KeyWorkSummary { key_work_id: kw, ..Default::default() });
            percent_sums.push(0);
        }
        let s = out.last_mut().expect("pushed above");
        s.total += count;
        s.by_status.push((status, count));
        s.overdue += overdue;
        s.due_soon += soon;
        s.with_target += with_target;
        *percent_sums.last_mut().expect("pushed above") += pct;
        s.planned_investment += from_scaled(planned);
        s.completed_investment += from_scaled(completed);
    }
    for (s, sum) in out.iter_mut().zip(percent_sums) {
        if s.with_target > 0 {
            s.target_percent = (from_scaled(sum) / rust_decimal::Decimal::from(s.with_target)).round_dp(1).normalize();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_fold_status_rows_per_key_work() {
        let rows = vec![
            (1, "done".to_string(), 2, 0, 0, 1, 1_000_000, 50_000, 40_000),
            (1, "in_progress".to_string(), 3, 1, 1, 1, 500_000, 10_000, 0),
            (2, "not_started".to_string(), 1, 0, 0, 0, 0, 0, 0),
        ];
        let s = summaries_from_rows(rows);
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].total, s[0].overdue, s[0].due_soon, s[0].with_target), (5, 1, 1, 2));
        assert_eq!(s[0].target_percent.to_string(), "75");
        assert_eq!(s[0].planned_investment.to_string(), "6");
        assert_eq!(s[0].by_status, vec![("done".to_string(), 2), ("in_progress".to_string(), 3)]);
        assert_eq!(s[1].target_percent.to_string(), "0");
    }
}
