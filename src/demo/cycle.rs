//! A few weeks of the reporting cycle in the demo district, so the demo
//! shows it at work: accepted reports in the last three periods (the
//! trajectories), this period's reports submitted, returned or still
//! missing, leaders' instructions (one answered), and an extension waiting
//! for the office. Written through the storage interface like everything
//! else, in the names of the people who would have written it.

use crate::storage::{Report, ReportWrite, Store};
use crate::supervision::schedule_of;
use anyhow::Result;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::HashMap;
use tuijin_domain::access::{Actor, Role};
use tuijin_domain::extension::ExtensionFields;
use tuijin_domain::instruction::{answer_due, InstructionFields, ReplyFields};
use tuijin_domain::period::ReportStatus;
use tuijin_domain::report::{Check, ReportFields};
use tuijin_domain::Id;

#[derive(Debug, Default, Clone, PartialEq)]
pub struct CycleLoaded {
    pub reports: usize,
    pub instructions: usize,
    pub extensions: usize,
}

/// A unit's liaison as the writer of its reports. The demo has one liaison
/// account; the others' reports are recorded under the office's account
/// (the user id the tables point at) with the liaison's name.
fn actor(office: &Actor, name: String, role: Role, unit: Option<Id>) -> Actor {
    Actor { user_id: office.user_id, username: office.username.clone(), display_name: name, role, unit_id: unit }
}

async fn report(
    store: &dyn Store,
    by: &Actor,
    task: Id,
    period: NaiveDate,
    f: ReportFields,
    status: ReportStatus,
) -> Result<Report> {
    let w = ReportWrite { task_id: task, period_start: period, old: None, status, fields: f.validate(Check::Submit)? };
    Ok(store.save_report(by, w).await?)
}

pub async fn load(store: &dyn Store, today: NaiveDate, leader: &Actor, office: &Actor) -> Result<CycleLoaded> {
    let mut loaded = CycleLoaded::default();
    let units: HashMap<Id, String> = store.list_units().await?.into_iter().map(|u| (u.id, u.fields.name)).collect();
    let schedules: HashMap<Id, _> = store.list_key_works().await?.iter().map(|k| (k.id, schedule_of(k))).collect();
    let tasks = store.open_tasks().await?;
    for (i, t) in tasks.iter().enumerate() {
        let Some(schedule) = schedules.get(&t.fields.key_work_id) else { continue };
        let unit = t.fields.lead_unit_id;
        let liaison = actor(
            office,
            format!("{}联络员", units.get(&unit).cloned().unwrap_or_default()),
            Role::Liaison,
            Some(unit),
        );
        let periods = schedule.last_periods(4, today);
        let now = t.fields.percent_complete;
        // Every other task: three accepted reports climbing to today's percent.
        if i % 2 == 0 && !now.is_zero() {
            for (k, p) in periods[..3].iter().enumerate() {
                let percent = (now * Decimal::from(k as i64 + 1) / Decimal::from(4)).round_dp(1);
                let f = ReportFields {
                    progress: format!("按计划推进，累计完成{percent}%。"),
                    percent_complete: Some(percent),
                    next_steps: "继续按节点推进。".into(),
                    ..Default::default()
                };
                let r = report(store, &liaison, t.id, p.start, f, ReportStatus::Submitted).await?;
                store.review_report(office, &r, ReportStatus::Accepted, "", None).await?;
                loaded.reports += 1;
            }
        }
        // This period: some submitted, one in seven returned, the rest not yet in.
        let current = periods[3];
        let f = ReportFields {
            progress: format!("本周推进顺利，累计完成{}%。", now.round_dp(1)),
            percent_complete: Some(now),
            problems: if i % 5 == 0 {
                "部分路段管线迁改需供电公司配合。".into()
            } else {
                String::new()
            },
            next_steps: "下周完成剩余节点。".into(),
            ..Default::default()
        };
        if i % 3 == 0 {
            report(store, &liaison, t.id, current.start, f, ReportStatus::Submitted).await?;
            loaded.reports += 1;
        } else if i % 7 == 1 {
            let r = report(store, &liaison, t.id, current.start, f, ReportStatus::Submitted).await?;
            store
                .review_report(office, &r, ReportStatus::Returned, "请补充现场照片和下步计划的时间安排。", None)
                .await?;
            loaded.reports += 1;
        }
    }
    // Instructions on the first overdue tasks; the first one answered.
    let overdue: Vec<_> = tasks.iter().filter(|t| t.fields.is_overdue(today)).take(3).collect();
    for (k, t) in overdue.iter().enumerate() {
        let f = InstructionFields {
            text: "请分析滞后原因，明确完成时间，三日内书面反馈。".into(),
            respond_within_days: 3,
        };
        let i = store.create_instruction(leader, t.id, f.validate()?, answer_due(today, 3)).await?;
        loaded.instructions += 1;
        if k == 0 {
            let unit = t.fields.lead_unit_id;
            let by = actor(
                office,
                format!("{}联络员", units.get(&unit).cloned().unwrap_or_default()),
                Role::Liaison,
                Some(unit),
            );
            let reply = ReplyFields { text: "已召开专题会分析原因，确保本月底前完成。".into() };
            store.reply_instruction(&by, i.id, reply.validate()?, true).await?;
        }
    }
    // An extension request waiting for the office.
    if let Some(t) = overdue.get(1) {
        let due = t.fields.due_date;
        let unit = t.fields.lead_unit_id;
        let by = actor(
            office,
            format!("{}联络员", units.get(&unit).cloned().unwrap_or_default()),
            Role::Liaison,
            Some(unit),
        );
        let f = ExtensionFields {
            milestone_id: None,
            requested_date: today + chrono::Days::new(30),
            reason: "受雨季影响，土方施工延误，申请延期一个月。".into(),
        };
        store.create_extension(&by, t.id, f.validate(due)?, due).await?;
        loaded.extensions += 1;
    }
    Ok(loaded)
}
