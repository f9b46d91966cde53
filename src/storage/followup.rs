//! Follow-up on tasks as stored: instructions with their replies, and
//! extension requests.

use super::{Milestone, Result, Task};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tuijin_domain::access::Actor;
use tuijin_domain::extension::{ExtensionFields, ExtensionStatus};
use tuijin_domain::instruction::{InstructionFields, ReplyFields};
use tuijin_domain::milestone::MilestoneFields;
use tuijin_domain::patch::Valid;
use tuijin_domain::task::TaskFields;
use tuijin_domain::Id;
use utoipa::ToSchema;

/// 领导批示 with its thread.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Instruction {
    pub id: Id,
    pub task_id: Id,
    pub author_id: Option<Id>,
    pub author_name: String,
    #[serde(flatten)]
    pub fields: InstructionFields,
    pub answer_due: NaiveDate,
    /// When the lead unit first answered; `None` while unanswered.
    pub answered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub replies: Vec<Reply>,
}

/// 反馈: one message in an instruction's thread.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Reply {
    pub id: Id,
    pub instruction_id: Id,
    pub author_id: Option<Id>,
    pub author_name: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

/// 延期申请.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Extension {
    pub id: Id,
    pub task_id: Id,
    #[serde(flatten)]
    pub fields: ExtensionFields,
    /// The date in force when it was asked for.
    pub original_date: Option<NaiveDate>,
    pub status: ExtensionStatus,
    pub requested_by_name: String,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub note: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What an approval changes: the task's due date or a milestone's date,
/// at the version the office saw.
pub enum NewDate<'a> {
    Task(&'a Task, Box<Valid<TaskFields>>),
    Milestone(&'a Milestone, Valid<MilestoneFields>),
}

#[async_trait]
pub trait FollowUpStore: Send + Sync {
    async fn create_instruction(
        &self,
        actor: &Actor,
        task_id: Id,
        f: Valid<InstructionFields>,
        answer_due: NaiveDate,
    ) -> Result<Instruction>;
    async fn get_instruction(&self, id: Id) -> Result<Instruction>;
    /// A task's instructions with their replies, oldest first.
    async fn instructions_of(&self, task_id: Id) -> Result<Vec<Instruction>>;
    /// Instructions not yet answered, across the ledger (for reminders).
    async fn unanswered_instructions(&self) -> Result<Vec<Instruction>>;
    /// Adds a reply; `answers` marks the instruction answered (the lead
    /// unit's reply does, a leader's follow-up does not).
    async fn reply_instruction(&self, actor: &Actor, id: Id, f: Valid<ReplyFields>, answers: bool) -> Result<Reply>;

    async fn create_extension(
        &self,
        actor: &Actor,
        task_id: Id,
        f: Valid<ExtensionFields>,
        original_date: Option<NaiveDate>,
    ) -> Result<Extension>;
    async fn get_extension(&self, id: Id) -> Result<Extension>;
    async fn extensions_of(&self, task_id: Id) -> Result<Vec<Extension>>;
    async fn pending_extensions(&self) -> Result<Vec<Extension>>;
    /// Approves (applying the new date in the same transaction) or refuses.
    async fn decide_extension(
        &self,
        actor: &Actor,
        old: &Extension,
        status: ExtensionStatus,
        note: &str,
        change: Option<NewDate<'_>>,
    ) -> Result<Extension>;
}
