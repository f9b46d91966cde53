//! What storage returns: the domain fields of each entity plus its
//! identity, version and timestamps.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tuijin_domain::access::Role;
use tuijin_domain::key_work::KeyWorkFields;
use tuijin_domain::milestone::MilestoneFields;
use tuijin_domain::person::PersonFields;
use tuijin_domain::relation::RelationFields;
use tuijin_domain::task::TaskFields;
use tuijin_domain::unit::UnitFields;
use tuijin_domain::Id;
use utoipa::ToSchema;

/// Declares a stored entity: `id`, the domain fields flattened, `version`
/// (bumped by every update) and timestamps.
macro_rules! stored {
    ($(#[$m:meta])* $name:ident, $fields:ty $(, $extra:ident: $ty:ty)*) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
        pub struct $name {
            pub id: Id,
            $(pub $extra: $ty,)*
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
}

/// A signed-in browser session.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub user: User,
    pub csrf: String,
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
