//! What storage returns: the domain fields of each entity plus its
//! identity, version and timestamps.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tuijin_domain::access::Role;
use tuijin_domain::key_work::KeyWorkFields;
use tuijin_domain::milestone::MilestoneFields;
use tuijin_domain::period::ReportStatus;
use tuijin_domain::person::PersonFields;
use tuijin_domain::relation::RelationFields;
use tuijin_domain::report::ReportFields;
use tuijin_domain::task::TaskFields;
use tuijin_domain::unit::UnitFields;
use tuijin_domain::Id;
use utoipa::ToSchema;

/// Declares a stored entity: `id`, the domain fields flattened, `version`
/// (bumped by every update) and timestamps.
macro_rules! stored {
    ($(#[$m:meta])* $name:ident, $fields:ty $(, $(#[$em:meta])* $extra:ident: $ty:ty)*) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
        pub struct $name {
            pub id: Id,
            $($(#[$em])* pub $extra: $ty,)*
            #[serde(flatten)]
            pub fields: $fields,
            pub version: i64,
            pub created_at: DateTime<Utc>,
            pub updated_at: DateTime<Utc>,
        }

        impl HasFields for $name {
            type Fields = $fields;
            fn fields(&self) -> &$fields {
                &self.fields
            }
        }
    };
}

/// A stored entity's domain fields, for code that serves every entity
/// (history snapshots of deleted rows).
pub trait HasFields {
    type Fields: Serialize;
    fn fields(&self) -> &Self::Fields;
}

stored!(/// 单位
    Unit, UnitFields);
stored!(/// 人员
    Person, PersonFields);
stored!(/// 重点工作
    KeyWork, KeyWorkFields);
stored!(/// 工作任务
    Task, TaskFields);
stored!(/// 时间节点
    Milestone, MilestoneFields, task_id: Id);
stored!(/// 前后序关系: the predecessor must finish (plus the lag) before the successor starts.
    Relation, RelationFields);
stored!(/// 进展填报: one task's report for one reporting period.
    Report, ReportFields,
    task_id: Id,
    /// The first day of the reporting period.
    period_start: NaiveDate,
    status: ReportStatus,
    submitted_at: Option<DateTime<Utc>>,
    submitted_by: Option<Id>,
    reviewed_at: Option<DateTime<Utc>>,
    reviewed_by: Option<Id>,
    /// Why the office returned it (empty unless returned).
    return_reason: String,
    /// Evidence attached to it (photos, PDFs), without their content.
    files: Vec<EvidenceFile>);

/// An evidence file's description; the content is fetched on its own.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct EvidenceFile {
    pub id: Id,
    pub report_id: Id,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

/// An evidence file to store, already checked for size and type.
pub struct NewFile {
    pub file_name: String,
    pub content_type: String,
    pub sha256: String,
    pub content: Vec<u8>,
}

/// A report to write: new (no `old`) or a change of `old` at its version.
pub struct ReportWrite<'a> {
    pub task_id: Id,
    pub period_start: NaiveDate,
    pub old: Option<&'a Report>,
    pub status: ReportStatus,
    pub fields: tuijin_domain::patch::Valid<ReportFields>,
}

/// A report as the reporting-load table sees it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct LoadRow {
    pub task_id: Id,
    pub key_work_id: Id,
    pub lead_unit_id: Id,
    pub period_start: NaiveDate,
    pub submitted_at: Option<DateTime<Utc>>,
    /// Returned at least once.
    pub returned: bool,
}

/// Which reports to list.
#[derive(Debug, Clone, Default)]
pub struct ReportQuery {
    pub task_ids: Vec<Id>,
    /// Reports of any of these periods (by their first day).
    pub period_starts: Vec<NaiveDate>,
    pub lead_unit_id: Option<Id>,
    pub statuses: Vec<ReportStatus>,
}

/// One changed field in the audit trail (变更历史).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct HistoryEntry {
    pub id: Id,
    pub at: DateTime<Utc>,
    pub user_id: Option<Id>,
    pub user_name: String,
    /// unit, person, key_work, task, milestone or relation.
    pub entity: String,
    pub entity_id: Id,
    pub task_id: Option<Id>,
    /// create, update or delete.
    pub action: String,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct User {
    pub id: Id,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: Option<Id>,
    #[serde(skip)]
    pub password_hash: Option<String>,
    pub language: String,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    /// Where reminders are mailed, if anywhere.
    pub email: Option<String>,
    /// The person of the ledger this account is (a leader named as 责任领导),
    /// so reminders addressed to that person reach it.
    pub person_id: Option<Id>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: Option<Id>,
    pub password_hash: Option<String>,
}

/// What an administrator changes of an account (not its name or password).
#[derive(Debug, Clone, PartialEq)]
pub struct UserChanges {
    pub display_name: String,
    pub role: Role,
    pub unit_id: Option<Id>,
    /// A disabled account cannot sign in; its sessions end and its API
    /// tokens stop working.
    pub disabled: bool,
    pub email: Option<String>,
    pub person_id: Option<Id>,
}

/// A signed-in browser session.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub user: User,
    pub csrf: String,
    /// Unacknowledged reminders in the account's inbox, for the page header.
    pub unread: i64,
}

/// One row of the dashboard: the state of a key work's tasks.
#[derive(Debug, Clone, PartialEq, Default, Serialize, ToSchema)]
pub struct KeyWorkSummary {
    pub key_work_id: Id,
    pub total: i64,
    /// Task counts by status code (not_started, in_progress, done, paused, cancelled).
    pub by_status: Vec<(String, i64)>,
    /// Open tasks past their due date.
    pub overdue: i64,
    /// Open tasks due within the next 7 days.
    pub due_soon: i64,
    /// Tasks with a quantitative target, and their mean percent complete.
    pub with_target: i64,
    #[schema(value_type = String)]
    pub target_percent: rust_decimal::Decimal,
    /// 万元.
    #[schema(value_type = String)]
    pub planned_investment: rust_decimal::Decimal,
    #[schema(value_type = String)]
    pub completed_investment: rust_decimal::Decimal,
}

/// A task as whole-ledger reads (the Excel export, the import's matching)
/// need it: without its timestamps.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerTask {
    pub id: Id,
    pub version: i64,
    pub fields: TaskFields,
}

/// A milestone as whole-ledger reads need it.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerMilestone {
    pub id: Id,
    pub task_id: Id,
    pub version: i64,
    pub fields: MilestoneFields,
}
