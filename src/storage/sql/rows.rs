//! Database rows and their conversion to the stored models. `FromRow` is
//! derived generically, so the same structs serve both backends.

use crate::storage::{
    EvidenceFile, HistoryEntry, KeyWork, Milestone, Person, Relation, Report, StoreError, Task, Unit, User,
};
use crate::storage::{Extension, Instruction, LedgerMilestone, LedgerTask};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use tuijin_domain::access::Role;
use tuijin_domain::extension::{ExtensionFields, ExtensionStatus};
use tuijin_domain::instruction::InstructionFields;
use tuijin_domain::key_work::KeyWorkFields;
use tuijin_domain::milestone::MilestoneFields;
use tuijin_domain::number::{from_scaled, to_scaled};
use tuijin_domain::period::{Cadence, ReportDeadline, ReportStatus};
use tuijin_domain::person::PersonFields;
use tuijin_domain::relation::RelationFields;
use tuijin_domain::report::ReportFields;
use tuijin_domain::task::{Priority, Status, Target, TaskFields};
use tuijin_domain::unit::UnitFields;
use tuijin_domain::Id;

pub(super) fn dec(v: Option<i64>) -> Option<Decimal> {
    v.map(from_scaled)
}

pub(super) fn scaled(v: &Option<Decimal>) -> Option<i64> {
    v.as_ref().map(to_scaled)
}

fn int32(v: i64) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

#[derive(sqlx::FromRow)]
pub(super) struct UnitRow {
    id: i64,
    name: String,
    short_name: String,
    sort_order: i64,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<UnitRow> for Unit {
    fn from(r: UnitRow) -> Unit {
        Unit {
            id: r.id,
            fields: UnitFields { name: r.name, short_name: r.short_name, sort_order: int32(r.sort_order) },
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct PersonRow {
    id: i64,
    name: String,
    title: String,
    unit_id: i64,
    sort_order: i64,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<PersonRow> for Person {
    fn from(r: PersonRow) -> Person {
        Person {
            id: r.id,
            fields: PersonFields { name: r.name, title: r.title, unit_id: r.unit_id, sort_order: int32(r.sort_order) },
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct KeyWorkRow {
    id: i64,
    name: String,
    lead_body_unit_id: i64,
    lead_leader_id: i64,
    description: String,
    sort_order: i64,
    report_cadence: String,
    report_deadline: String,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<KeyWorkRow> for KeyWork {
    fn from(r: KeyWorkRow) -> KeyWork {
        KeyWork {
            id: r.id,
            fields: KeyWorkFields {
                name: r.name,
                lead_body_unit_id: r.lead_body_unit_id,
                lead_leader_id: r.lead_leader_id,
                description: r.description,
                sort_order: int32(r.sort_order),
                // Both are checked before they are written (and the cadence by the schema).
                report_cadence: Cadence::parse(&r.report_cadence).unwrap_or_default(),
                report_deadline: ReportDeadline::parse(&r.report_deadline).unwrap_or_default(),
            },
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

pub(super) const TASK_COLUMNS: &str = "id, key_work_id, parent_id, code, title, description, lead_unit_id, \
    priority, status, start_date, due_date, target_value, target_measure, planned_investment, \
    completed_investment, percent_complete, tags, version, created_at, updated_at";

#[derive(sqlx::FromRow)]
pub(super) struct TaskRow {
    id: i64,
    key_work_id: i64,
    parent_id: Option<i64>,
    code: String,
    title: String,
    description: String,
    lead_unit_id: i64,
    priority: String,
    status: String,
    start_date: Option<NaiveDate>,
    due_date: Option<NaiveDate>,
    target_value: Option<i64>,
    target_measure: Option<String>,
    planned_investment: Option<i64>,
    completed_investment: Option<i64>,
    percent_complete: i64,
    tags: String,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    /// Comma-separated ids, in position order (aggregated by the query).
    supporting: Option<String>,
    leaders: Option<String>,
}

/// "3,1,7" → [3, 1, 7].
fn id_list(csv: Option<&str>) -> Option<Vec<Id>> {
    match csv {
        None | Some("") => Some(Vec::new()),
        Some(s) => s.split(',').map(|x| x.trim().parse().ok()).collect(),
    }
}

impl TaskRow {
    pub fn into_task(self) -> Result<Task, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("task {}: {what}", self.id));
        let supporting_unit_ids = id_list(self.supporting.as_deref()).ok_or_else(|| corrupt("supporting units"))?;
        let leader_ids = id_list(self.leaders.as_deref()).ok_or_else(|| corrupt("leaders"))?;
        let priority = Priority::parse(&self.priority).ok_or_else(|| corrupt("priority"))?;
        let status = Status::parse(&self.status).ok_or_else(|| corrupt("status"))?;
        let tags: Vec<String> = serde_json::from_str(&self.tags).map_err(|_| corrupt("tags"))?;
        let target = match (self.target_value, self.target_measure) {
            (Some(v), Some(measure)) => Some(Target { value: from_scaled(v), measure }),
            _ => None,
        };
        Ok(Task {
            id: self.id,
            fields: TaskFields {
                key_work_id: self.key_work_id,
                parent_id: self.parent_id,
                code: self.code,
                title: self.title,
                description: self.description,
                lead_unit_id: self.lead_unit_id,
                supporting_unit_ids,
                leader_ids,
                priority,
                status,
                start_date: self.start_date,
                due_date: self.due_date,
                target,
                planned_investment: dec(self.planned_investment),
                completed_investment: dec(self.completed_investment),
                percent_complete: from_scaled(self.percent_complete),
                tags,
            },
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct MilestoneRow {
    id: i64,
    task_id: i64,
    title: String,
    planned_date: NaiveDate,
    planned_value: Option<i64>,
    actual_date: Option<NaiveDate>,
    actual_value: Option<i64>,
    done: bool,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<MilestoneRow> for Milestone {
    fn from(r: MilestoneRow) -> Milestone {
        Milestone {
            id: r.id,
            task_id: r.task_id,
            fields: MilestoneFields {
                title: r.title,
                planned_date: r.planned_date,
                planned_value: dec(r.planned_value),
                actual_date: r.actual_date,
                actual_value: dec(r.actual_value),
                done: r.done,
            },
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct RelationRow {
    id: i64,
    predecessor_id: i64,
    successor_id: i64,
    lag_days: i64,
    note: String,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<RelationRow> for Relation {
    fn from(r: RelationRow) -> Relation {
        Relation {
            id: r.id,
            fields: RelationFields {
                predecessor_id: r.predecessor_id,
                successor_id: r.successor_id,
                lag_days: int32(r.lag_days),
                note: r.note,
            },
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct HistoryRow {
    id: i64,
    at: DateTime<Utc>,
    user_id: Option<i64>,
    user_name: String,
    entity: String,
    entity_id: i64,
    task_id: Option<i64>,
    action: String,
    field: String,
    old_value: Option<String>,
    new_value: Option<String>,
}

impl From<HistoryRow> for HistoryEntry {
    fn from(r: HistoryRow) -> HistoryEntry {
        HistoryEntry {
            id: r.id,
            at: r.at,
            user_id: r.user_id,
            user_name: r.user_name,
            entity: r.entity,
            entity_id: r.entity_id,
            task_id: r.task_id,
            action: r.action,
            field: r.field,
            old_value: r.old_value,
            new_value: r.new_value,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    unit_id: Option<i64>,
    password_hash: Option<String>,
    language: String,
    disabled: bool,
    created_at: DateTime<Utc>,
    email: Option<String>,
    person_id: Option<i64>,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> Result<User, StoreError> {
        let role = Role::parse(&r.role).ok_or_else(|| StoreError::Corrupt(format!("user {}: role", r.id)))?;
        Ok(User {
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            role,
            unit_id: r.unit_id,
            password_hash: r.password_hash,
            language: r.language,
            disabled: r.disabled,
            created_at: r.created_at,
            email: r.email,
            person_id: r.person_id,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ReportRow {
    id: i64,
    task_id: i64,
    period_start: NaiveDate,
    status: String,
    progress: String,
    percent_complete: Option<i64>,
    actual_value: Option<i64>,
    investment_this_period: Option<i64>,
    problems: String,
    next_steps: String,
    coordination: String,
    coordination_leader_id: Option<i64>,
    coordination_unit_id: Option<i64>,
    submitted_at: Option<DateTime<Utc>>,
    submitted_by: Option<i64>,
    reviewed_at: Option<DateTime<Utc>>,
    reviewed_by: Option<i64>,
    return_reason: String,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<ReportRow> for Report {
    type Error = StoreError;
    fn try_from(r: ReportRow) -> Result<Report, StoreError> {
        let status = ReportStatus::parse(&r.status)
            .ok_or_else(|| StoreError::Corrupt(format!("report status {:?}", r.status)))?;
        Ok(Report {
            id: r.id,
            task_id: r.task_id,
            period_start: r.period_start,
            status,
            submitted_at: r.submitted_at,
            submitted_by: r.submitted_by,
            reviewed_at: r.reviewed_at,
            reviewed_by: r.reviewed_by,
            return_reason: r.return_reason,
            files: Vec::new(),
            fields: ReportFields {
                progress: r.progress,
                percent_complete: dec(r.percent_complete),
                actual_value: dec(r.actual_value),
                investment_this_period: dec(r.investment_this_period),
                problems: r.problems,
                next_steps: r.next_steps,
                coordination: r.coordination,
                coordination_leader_id: r.coordination_leader_id,
                coordination_unit_id: r.coordination_unit_id,
            },
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct FileRow {
    id: i64,
    report_id: i64,
    file_name: String,
    content_type: String,
    size: i64,
    sha256: String,
    created_at: DateTime<Utc>,
}

impl From<FileRow> for EvidenceFile {
    fn from(r: FileRow) -> EvidenceFile {
        EvidenceFile {
            id: r.id,
            report_id: r.report_id,
            file_name: r.file_name,
            content_type: r.content_type,
            size: r.size,
            sha256: r.sha256,
            created_at: r.created_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct InstructionRow {
    pub(super) id: i64,
    task_id: i64,
    author_id: Option<i64>,
    author_name: String,
    text: String,
    respond_within_days: i64,
    answer_due: NaiveDate,
    answered_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl From<InstructionRow> for Instruction {
    fn from(r: InstructionRow) -> Instruction {
        Instruction {
            id: r.id,
            task_id: r.task_id,
            author_id: r.author_id,
            author_name: r.author_name,
            fields: InstructionFields {
                text: r.text,
                respond_within_days: u32::try_from(r.respond_within_days).unwrap_or(u32::MAX),
            },
            answer_due: r.answer_due,
            answered_at: r.answered_at,
            created_at: r.created_at,
            replies: Vec::new(),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ExtensionRow {
    id: i64,
    task_id: i64,
    milestone_id: Option<i64>,
    original_date: Option<NaiveDate>,
    requested_date: NaiveDate,
    reason: String,
    status: String,
    requested_by_name: String,
    decided_by_name: Option<String>,
    decided_at: Option<DateTime<Utc>>,
    note: String,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<ExtensionRow> for Extension {
    type Error = StoreError;
    fn try_from(r: ExtensionRow) -> Result<Extension, StoreError> {
        Ok(Extension {
            id: r.id,
            task_id: r.task_id,
            fields: ExtensionFields {
                milestone_id: r.milestone_id,
                requested_date: r.requested_date,
                reason: r.reason,
            },
            original_date: r.original_date,
            status: ExtensionStatus::parse(&r.status)
                .ok_or_else(|| StoreError::Corrupt(format!("extension status {:?}", r.status)))?,
            requested_by_name: r.requested_by_name,
            decided_by_name: r.decided_by_name,
            decided_at: r.decided_at,
            note: r.note,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// A task as `ledger_rows` receives it: one JSON array per task, in the
/// order of its SELECT.
#[derive(serde::Deserialize)]
struct LedgerTaskJson(
    i64,
    i64,
    Option<i64>,
    String,
    String,
    String,
    i64,
    String,
    String,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<i64>,
    i64,
    String,
    i64,
    Option<String>,
    Option<String>,
);

/// The tasks of `ledger_rows` from their JSON (`None`: no task matched).
pub(super) fn ledger_tasks(json: Option<&str>) -> Result<Vec<LedgerTask>, StoreError> {
    let rows: Vec<LedgerTaskJson> = match json {
        None => return Ok(Vec::new()),
        Some(j) => serde_json::from_str(j).map_err(|e| StoreError::Corrupt(format!("ledger rows: {e}")))?,
    };
    rows.into_iter()
        .map(|r| {
            let row = TaskRow {
                id: r.0,
                key_work_id: r.1,
                parent_id: r.2,
                code: r.3,
                title: r.4,
                description: r.5,
                lead_unit_id: r.6,
                priority: r.7,
                status: r.8,
                start_date: r.9,
                due_date: r.10,
                target_value: r.11,
                target_measure: r.12,
                planned_investment: r.13,
                completed_investment: r.14,
                percent_complete: r.15,
                tags: r.16,
                version: r.17,
                created_at: DateTime::<Utc>::MIN_UTC,
                updated_at: DateTime::<Utc>::MIN_UTC,
                supporting: r.18,
                leaders: r.19,
            };
            row.into_task().map(|t| LedgerTask { id: t.id, version: t.version, fields: t.fields })
        })
        .collect()
}

/// `done` is 0/1 on SQLite and a boolean on PostgreSQL.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Flag {
    B(bool),
    I(i64),
}

#[derive(serde::Deserialize)]
struct LedgerMilestoneJson(i64, i64, String, NaiveDate, Option<i64>, Option<NaiveDate>, Option<i64>, Flag, i64);

pub(super) fn ledger_milestones(json: Option<&str>) -> Result<Vec<LedgerMilestone>, StoreError> {
    let rows: Vec<LedgerMilestoneJson> = match json {
        None => return Ok(Vec::new()),
        Some(j) => serde_json::from_str(j).map_err(|e| StoreError::Corrupt(format!("ledger milestones: {e}")))?,
    };
    Ok(rows
        .into_iter()
        .map(|r| LedgerMilestone {
            id: r.0,
            task_id: r.1,
            version: r.8,
            fields: MilestoneFields {
                title: r.2,
                planned_date: r.3,
                planned_value: dec(r.4),
                actual_date: r.5,
                actual_value: dec(r.6),
                done: match r.7 {
                    Flag::B(b) => b,
                    Flag::I(i) => i != 0,
                },
            },
        })
        .collect())
}
