//! Instructions (批示) and deadline extensions (延期申请): who may write
//! what, and what an approval changes.

use crate::http::ApiError;
use crate::storage::{Extension, Instruction, NewDate, Reply, Store};
use chrono::NaiveDate;
use tuijin_domain::access::{Actor, Role};
use tuijin_domain::error::{Invalid, Problem};
use tuijin_domain::extension::{check_decision, ExtensionFields, ExtensionStatus};
use tuijin_domain::instruction::{answer_due, InstructionFields, ReplyFields};
use tuijin_domain::Id;

/// Leaders write instructions; so does the office (on a leader's behalf).
pub async fn instruct(
    store: &dyn Store,
    actor: &Actor,
    task_id: Id,
    f: InstructionFields,
    today: NaiveDate,
) -> Result<Instruction, ApiError> {
    if !(actor.role == Role::Leader || actor.is_office()) {
        return Err(ApiError::Forbidden);
    }
    let f = f.validate()?;
    let due = answer_due(today, f.respond_within_days);
    Ok(store.create_instruction(actor, task_id, f, due).await?)
}

/// The lead unit answers (反馈), which marks the instruction answered; the
/// office may answer for it; leaders may follow up in the thread.
pub async fn reply(store: &dyn Store, actor: &Actor, instruction_id: Id, f: ReplyFields) -> Result<Reply, ApiError> {
    let i = store.get_instruction(instruction_id).await?;
    let task = store.get_task(i.task_id).await?;
    let answers = actor.may_edit_task(task.fields.lead_unit_id);
    if !(answers || actor.role == Role::Leader) {
        return Err(ApiError::Forbidden);
    }
    Ok(store.reply_instruction(actor, instruction_id, f.validate()?, answers).await?)
}

/// The lead unit asks for a later date of the task or one of its milestones.
pub async fn request_extension(
    store: &dyn Store,
    actor: &Actor,
    task_id: Id,
    f: ExtensionFields,
) -> Result<Extension, ApiError> {
    let task = store.get_task(task_id).await?;
    if !actor.may_edit_task(task.fields.lead_unit_id) {
        return Err(ApiError::Forbidden);
    }
    let current = match f.milestone_id {
        Some(mid) => {
            let m = store.get_milestone(mid).await?;
            if m.task_id != task_id {
                return Err(Invalid::one(
                    "milestone_id",
                    Problem::UnknownReference { what: "milestone", id: mid.to_string() },
                )
                .into());
            }
            Some(m.fields.planned_date)
        }
        None => task.fields.due_date,
    };
    let f = f.validate(current)?;
    Ok(store.create_extension(actor, task_id, f, current).await?)
}

/// The office approves (the new date takes effect, the old one stays on
/// the request) or refuses with a reason.
pub async fn decide(
    store: &dyn Store,
    actor: &Actor,
    id: Id,
    version: i64,
    approve: bool,
    note: &str,
) -> Result<Extension, ApiError> {
    if !actor.is_office() {
        return Err(ApiError::Forbidden);
    }
    let ext = store.get_extension(id).await?;
    if ext.version != version {
        return Err(ApiError::Conflict { current: serde_json::to_value(&ext).unwrap_or_default() });
    }
    if ext.status != ExtensionStatus::Pending {
        return Err(Invalid::one("status", Problem::Conflicting { detail: "report_step" }).into());
    }
    let mut note = note.to_string();
    check_decision(approve, &mut note)?;
    if !approve {
        return Ok(store.decide_extension(actor, &ext, ExtensionStatus::Refused, &note, None).await?);
    }
    let to = ext.fields.requested_date;
    match ext.fields.milestone_id {
        Some(mid) => {
            let m = store.get_milestone(mid).await?;
            let mut f = m.fields.clone();
            f.planned_date = to;
            let change = NewDate::Milestone(&m, f.validate()?);
            Ok(store.decide_extension(actor, &ext, ExtensionStatus::Approved, &note, Some(change)).await?)
        }
        None => {
            let task = store.get_task(ext.task_id).await?;
            let mut f = task.fields.clone();
            f.due_date = Some(to);
            let change = NewDate::Task(&task, Box::new(f.validate()?));
            Ok(store.decide_extension(actor, &ext, ExtensionStatus::Approved, &note, Some(change)).await?)
        }
    }
}

/// The due date the task had before its first approved extension, if any:
/// shown beside the date in force.
pub fn original_due(extensions: &[Extension]) -> Option<NaiveDate> {
    extensions
        .iter()
        .filter(|e| e.status == ExtensionStatus::Approved && e.fields.milestone_id.is_none())
        .min_by_key(|e| e.id)
        .and_then(|e| e.original_date)
}
