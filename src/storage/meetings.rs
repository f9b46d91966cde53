//! Work meetings as stored: the meeting, its agenda items and its
//! decisions, each decision with the task it was assigned as.

use super::{HistoryEntry, Result, Task};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tuijin_domain::access::Actor;
use tuijin_domain::meeting::agenda::{Draft, ItemFields, ItemKind};
use tuijin_domain::meeting::{DecisionFields, MeetingFields};
use tuijin_domain::patch::Valid;
use tuijin_domain::task::TaskFields;
use tuijin_domain::Id;
use utoipa::ToSchema;

/// 工作例会.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Meeting {
    pub id: Id,
    /// Its count among the meetings on its first key work: 第N次.
    pub number: i64,
    #[serde(flatten)]
    pub fields: MeetingFields,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One item of a meeting's agenda (议程).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AgendaItem {
    pub id: Id,
    pub meeting_id: Id,
    /// Order on the agenda, from 1 (gaps allowed).
    pub position: i64,
    pub kind: ItemKind,
    pub task_id: Option<Id>,
    pub report_id: Option<Id>,
    pub decision_id: Option<Id>,
    pub instruction_id: Option<Id>,
    #[serde(flatten)]
    pub fields: ItemFields,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// 议定事项, with the task it was assigned as (交办).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Decision {
    pub id: Id,
    pub meeting_id: Id,
    pub position: i64,
    #[serde(flatten)]
    pub fields: DecisionFields,
    /// The assigned task; `None` only once that task was deleted.
    pub task_id: Option<Id>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new decision's task, as the service prepared it: storage gives it
/// the next free code in the same transaction.
pub struct NewDecision {
    pub decision: Valid<DecisionFields>,
    pub task: Valid<TaskFields>,
    /// "…第12次工作例会议定事项": written into the task's history.
    pub source: String,
}

#[async_trait]
pub trait MeetingStore: Send + Sync {
    /// Every meeting, the latest first.
    async fn list_meetings(&self) -> Result<Vec<Meeting>>;
    async fn get_meeting(&self, id: Id) -> Result<Meeting>;
    /// Numbers the meeting within its first key work and, when it has no
    /// title, names it after them ("…第12次工作例会").
    async fn create_meeting(&self, actor: &Actor, f: Valid<MeetingFields>) -> Result<Meeting>;
    async fn update_meeting(&self, actor: &Actor, old: &Meeting, f: Valid<MeetingFields>) -> Result<Meeting>;
    /// Deletes a meeting with its agenda; refused while it has decisions
    /// (their tasks are in the ledger). Its history stays.
    async fn delete_meeting(&self, actor: &Actor, id: Id) -> Result<()>;
    /// The meeting's history (its fields, agenda and decisions), oldest first.
    async fn meeting_history(&self, meeting_id: Id) -> Result<Vec<HistoryEntry>>;

    async fn agenda_of(&self, meeting_id: Id) -> Result<Vec<AgendaItem>>;
    async fn get_agenda_item(&self, id: Id) -> Result<AgendaItem>;
    /// Replaces the built items by `drafts` (first, in their order) and
    /// keeps the office's own items after them, in their order.
    async fn rebuild_agenda(&self, actor: &Actor, meeting_id: Id, drafts: &[Draft]) -> Result<Vec<AgendaItem>>;
    async fn add_agenda_item(&self, actor: &Actor, meeting_id: Id, f: Valid<ItemFields>) -> Result<AgendaItem>;
    async fn update_agenda_item(&self, actor: &Actor, old: &AgendaItem, f: Valid<ItemFields>) -> Result<AgendaItem>;
    async fn delete_agenda_item(&self, actor: &Actor, old: &AgendaItem) -> Result<()>;
    /// Swaps the item with the one before (`up`) or after it; at either end nothing moves.
    async fn move_agenda_item(&self, actor: &Actor, old: &AgendaItem, up: bool) -> Result<Vec<AgendaItem>>;

    async fn decisions_of(&self, meeting_id: Id) -> Result<Vec<Decision>>;
    async fn get_decision(&self, id: Id) -> Result<Decision>;
    /// The decision and its task, in one transaction.
    async fn create_decision(&self, actor: &Actor, meeting: &Meeting, new: NewDecision) -> Result<Decision>;
    /// Changes the decision and (at the version the caller read) its task.
    async fn update_decision(
        &self,
        actor: &Actor,
        old: &Decision,
        f: Valid<DecisionFields>,
        task: Option<(&Task, Valid<TaskFields>)>,
    ) -> Result<Decision>;
    /// Decisions of meetings held before `meeting` (earlier date, or the
    /// same date and created earlier) on any of its key works, whose task is
    /// neither done nor cancelled.
    async fn open_decisions(&self, meeting: &Meeting) -> Result<Vec<Decision>>;
    /// The decision a task was assigned by, if any.
    async fn decision_of_task(&self, task_id: Id) -> Result<Option<Decision>>;
    /// The meetings held on or after `from` (for the overview's next meeting).
    async fn meetings_from(&self, from: NaiveDate) -> Result<Vec<Meeting>>;
}
