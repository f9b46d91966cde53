//! The SQL implementation behind [`Store`](super::Store), written once and
//! expanded for each backend by the `impl_*` macros below.
//!
//! Why macros and not generics: sqlx's generic-over-`Database` code needs a
//! long list of trait bounds on every function; expanding the same source
//! for `Sqlite` and `Postgres` keeps each query readable and checked by the
//! compiler against both drivers. The SQL itself is portable: `$n`
//! placeholders, `RETURNING`, `NULLS LAST` and recursive CTEs work on
//! SQLite ≥ 3.35 and PostgreSQL alike. Only the migrations differ.

#[macro_use]
mod common;
#[macro_use]
mod reference;
#[macro_use]
mod tasks;
#[macro_use]
mod items;
#[macro_use]
mod accounts;
#[macro_use]
mod credentials;
#[macro_use]
mod reports;
#[macro_use]
mod followup;
#[macro_use]
mod notify;
#[macro_use]
mod import;
#[macro_use]
mod meetings;
mod connect;
mod meeting_rows;
mod rows;

pub use connect::connect;

use super::models::HasFields;
use super::{
    AccountStore, AdminStore, HistoryEntry, KeyWork, KeyWorkSummary, LedgerStore, Milestone, NewUser, Page, Person,
    ReferenceStore, Relation, Session, StoreError, Task, TaskQuery, Unit, User, UserChanges,
};
use super::{AgendaItem, Decision, Meeting, MeetingStore, NewDecision};
use super::{ApiToken, CredentialStore, NewToken, TokenActor};
use super::{EvidenceFile, LoadRow, NewFile, Report, ReportQuery, ReportStore, ReportWrite};
use super::{Extension, FollowUpStore, Instruction, NewDate};
use super::{ImportJob, ImportOutcome, ImportStore};
use super::{LedgerMilestone, LedgerTask};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use credentials::{credential_change, token_of, TokenRow, TOKEN_SELECT};
use import::{chunked, created_from, new_task_row, resolve, BuiltAhead, Val, IMPORT_CHUNK, NEW_TASK_COLUMNS};
use meeting_rows::*;
use rows::*;
use rust_decimal::Decimal;
use sqlx::{Pool, Postgres, QueryBuilder, Sqlite};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{Mutex, MutexGuard};
use tuijin_domain::access::Actor;
use tuijin_domain::access::Role;
use tuijin_domain::error::{Invalid, Problem};
use tuijin_domain::extension::{ExtensionFields, ExtensionStatus};
use tuijin_domain::history::{diff, FieldChange};
use tuijin_domain::instruction::{InstructionFields, ReplyFields};
use tuijin_domain::key_work::KeyWorkFields;
use tuijin_domain::meeting::agenda::{Draft, ItemFields};
use tuijin_domain::meeting::{DecisionFields, MeetingFields};
use tuijin_domain::milestone::MilestoneFields;
use tuijin_domain::patch::Valid;
use tuijin_domain::period::ReportStatus;
use tuijin_domain::person::PersonFields;
use tuijin_domain::relation::RelationFields;
use tuijin_domain::signin::Failures;
use tuijin_domain::task::TaskFields;
use tuijin_domain::unit::UnitFields;
use tuijin_domain::Id;

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A connection pool of one backend.
pub struct SqlStore<DB: sqlx::Database> {
    pool: Pool<DB>,
    /// SQLite allows one writer at a time; taking this lock before a write
    /// transaction queues writers in the process instead of failing them
    /// with SQLITE_BUSY. PostgreSQL does not need it.
    write_lock: Option<Arc<Mutex<()>>>,
}

impl<DB: sqlx::Database> SqlStore<DB> {
    /// A write transaction. On SQLite it takes the write lock at BEGIN
    /// (IMMEDIATE): a deferred transaction that has read and then wants to
    /// write gets SQLITE_BUSY at once when another connection is still
    /// finishing (a rollback queued by a failed write), without waiting.
    ///
    /// Another process (`tuijin import`, a backup) may hold the file's
    /// write lock for seconds; BEGIN IMMEDIATE then waits up to
    /// [`connect::BUSY_TIMEOUT`], and a wait of more than a second is logged.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, DB>> {
        Ok(match &self.write_lock {
            Some(_) => {
                let asked = std::time::Instant::now();
                let tx = self.pool.begin_with("BEGIN IMMEDIATE").await;
                let waited = asked.elapsed();
                if waited > std::time::Duration::from_secs(1) {
                    tracing::warn!(
                        waited_ms = waited.as_millis() as u64,
                        ok = tx.is_ok(),
                        "waited for the database's write lock: another process is writing (an import?)"
                    );
                }
                tx?
            }
            None => self.pool.begin().await?,
        })
    }

    async fn write_guard(&self) -> Option<MutexGuard<'_, ()>> {
        match &self.write_lock {
            Some(m) => Some(m.lock().await),
            None => None,
        }
    }
}

/// Tells a unique-constraint or foreign-key violation from other database
/// errors, for the places that map them to a user error.
fn db_error_kind(e: &sqlx::Error) -> Option<sqlx::error::ErrorKind> {
    match e {
        sqlx::Error::Database(d) => Some(d.kind()),
        _ => None,
    }
}

/// Maps a failed delete: rows that are still referenced cannot go.
fn delete_error(e: sqlx::Error) -> StoreError {
    match db_error_kind(&e) {
        Some(sqlx::error::ErrorKind::ForeignKeyViolation) => {
            Invalid::one("id", Problem::Conflicting { detail: "in_use" }).into()
        }
        _ => e.into(),
    }
}

const HISTORY_COLUMNS: &str = "at, user_id, user_name, entity, entity_id, task_id, action, field, old_value, new_value";
const HISTORY_INSERT: &str =
    "INSERT INTO history (at, user_id, user_name, entity, entity_id, task_id, action, field, old_value, new_value) ";

/// The history line of a status step.
fn status_change(old: Option<ReportStatus>, new: ReportStatus) -> FieldChange {
    FieldChange {
        field: "status".into(),
        old: old.map(|s| s.as_str().to_string()),
        new: Some(new.as_str().to_string()),
    }
}

/// An agenda item in one line, for the meeting's history.
fn item_text(f: &ItemFields) -> String {
    if f.detail.is_empty() {
        f.title.clone()
    } else {
        format!("{}（{}）", f.title, f.detail)
    }
}

/// Pushes `(v1, v2, …)` with every value bound: the list of an `IN`.
fn push_list<'a, DB, T>(qb: &mut QueryBuilder<'a, DB>, items: impl IntoIterator<Item = T>)
where
    DB: sqlx::Database,
    T: 'a + sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    qb.push("(");
    let mut sep = qb.separated(", ");
    for v in items {
        sep.push_bind(v);
    }
    sep.push_unseparated(")");
}

/// Now, to the microsecond: PostgreSQL keeps no more, and a value returned
/// from a write must equal the one read back later.
fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// The refusal of a stale update, carrying the state now stored.
fn conflict<T: serde::Serialize>(current: &T) -> StoreError {
    StoreError::Conflict { current: serde_json::to_value(current).unwrap_or_default() }
}

impl_common!(Sqlite, ("group_concat", ""));
impl_common!(Postgres, ("string_agg", "::text"));
impl_reference_store!(Sqlite);
impl_reference_store!(Postgres);
impl_task_store!(Sqlite, true, ("json_group_array", "json_array", "group_concat", ""));
impl_task_store!(Postgres, false, ("json_agg", "json_build_array", "string_agg", "::text"));
impl_item_methods!(Sqlite);
impl_item_methods!(Postgres);
impl_account_store!(Sqlite, "sqlite");
impl_account_store!(Postgres, "postgres");
impl_credential_store!(Sqlite);
impl_credential_store!(Postgres);
impl_report_store!(Sqlite);
impl_report_store!(Postgres);
impl_followup_store!(Sqlite);
impl_followup_store!(Postgres);
impl_meeting_store!(Sqlite, ("group_concat", ""));
impl_meeting_store!(Postgres, ("string_agg", "::text"));
impl_notify_store!(Sqlite, "");
impl_notify_store!(Postgres, " FOR UPDATE SKIP LOCKED");
impl_import_store!(Sqlite, false);
impl_import_store!(Postgres, true);
