//! The task list query: filters, sort and pagination, parsed at the edge.

use chrono::NaiveDate;
use serde::Serialize;
use tuijin_domain::task::{Priority, Status};
use tuijin_domain::Id;
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TaskSort {
    /// Ledger order: key work, then code as offices number it.
    #[default]
    Ledger,
    DueDate,
    Priority,
    Code,
    Title,
    PercentComplete,
    UpdatedAt,
}

impl TaskSort {
    /// Every sort with its name in the API (`sort=` of the task list).
    pub const NAMES: [(&'static str, TaskSort); 7] = [
        ("ledger", TaskSort::Ledger),
        ("due_date", TaskSort::DueDate),
        ("priority", TaskSort::Priority),
        ("code", TaskSort::Code),
        ("title", TaskSort::Title),
        ("percent_complete", TaskSort::PercentComplete),
        ("updated_at", TaskSort::UpdatedAt),
    ];

    pub fn parse(s: &str) -> Option<TaskSort> {
        TaskSort::NAMES.iter().find(|(name, _)| *name == s).map(|(_, sort)| *sort)
    }

    /// The SQL sort expression.
    pub(crate) fn column(self) -> &'static str {
        match self {
            TaskSort::Ledger => "key_work_id, code_key",
            TaskSort::DueDate => "due_date",
            TaskSort::Priority => "priority_rank",
            TaskSort::Code => "code_key",
            TaskSort::Title => "title",
            TaskSort::PercentComplete => "percent_complete",
            TaskSort::UpdatedAt => "updated_at",
        }
    }
}

#[derive(Debug, Clone)]
pub struct TaskQuery {
    pub key_work_id: Option<Id>,
    pub parent_id: Option<Id>,
    pub lead_unit_id: Option<Id>,
    pub leader_id: Option<Id>,
    pub statuses: Vec<Status>,
    pub priorities: Vec<Priority>,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
    /// Only open tasks whose due date is before `today`.
    pub overdue: bool,
    /// Free text matched against code and title.
    pub text: Option<String>,
    pub sort: TaskSort,
    pub descending: bool,
    pub page: u32,
    pub per_page: u32,
    pub today: NaiveDate,
}

impl TaskQuery {
    pub const MAX_PER_PAGE: u32 = 500;

    pub fn new(today: NaiveDate) -> TaskQuery {
        TaskQuery {
            key_work_id: None,
            parent_id: None,
            lead_unit_id: None,
            leader_id: None,
            statuses: Vec::new(),
            priorities: Vec::new(),
            due_from: None,
            due_to: None,
            overdue: false,
            text: None,
            sort: TaskSort::default(),
            descending: false,
            page: 1,
            per_page: 50,
            today,
        }
    }

    pub(crate) fn offset(&self) -> i64 {
        i64::from(self.page.saturating_sub(1)) * i64::from(self.per_page)
    }
}

/// One page of a list, with the total count of matching rows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}
