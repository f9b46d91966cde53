//! Writing an Excel import: the whole plan in one transaction.

use super::Result;
use async_trait::async_trait;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::AtomicUsize;
use tuijin_domain::access::Actor;
use tuijin_domain::extraction::plan::Plan;
use tuijin_domain::Id;
use utoipa::ToSchema;

/// An import to write.
pub struct ImportJob<'a> {
    pub plan: &'a Plan,
    /// Per key work, the first day of the reporting period that new
    /// progress words are recorded in (as an accepted report).
    pub report_periods: &'a HashMap<Id, NaiveDate>,
    /// Rows written so far, for a progress bar.
    pub progress: &'a AtomicUsize,
}

/// What an import wrote.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct ImportOutcome {
    pub tasks_created: usize,
    pub tasks_updated: usize,
    pub units_created: usize,
    pub people_created: usize,
    pub milestones_created: usize,
    pub milestones_updated: usize,
    pub milestones_deleted: usize,
    /// Progress words recorded as accepted reports.
    pub reports_written: usize,
    /// Progress words not recorded because the unit's own report for the
    /// period is in the workflow.
    pub reports_skipped: usize,
}

#[async_trait]
pub trait ImportStore {
    /// Writes every creation and update of the plan, or nothing: a task
    /// changed since the plan was made (its version moved) fails the whole
    /// import with a conflict naming its code.
    async fn import_ledger(&self, actor: &Actor, job: &ImportJob<'_>) -> Result<ImportOutcome>;
}
