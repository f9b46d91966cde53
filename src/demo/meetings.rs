//! Two work meetings of 二七商圈区域城市复兴 in the demo district: last
//! week's, held, with its minutes and two decisions assigned as tasks (one
//! already past its deadline, so it is red and stays on the agenda), and
//! the coming one, with its agenda built from the ledger — including a
//! unit's request for coordination in this period's report.

use crate::storage::Store;
use crate::supervision::{meetings, reports};
use anyhow::{Context, Result};
use chrono::{Days, NaiveDate};
use tuijin_domain::access::Actor;
use tuijin_domain::lamp::LampConfig;
use tuijin_domain::meeting::{DecisionFields, MeetingFields, MeetingStatus};
use tuijin_domain::report::{Action, ReportFields};
use tuijin_domain::{Id, Lang};

const MINUTES: &str =
    "会议听取了各责任单位关于二七广场周边改造提升、道路有机更新、德化街人防工程出入口优化等工作的进展汇报，\
研究了施工时序和管线迁改中存在的问题。\n\
会议指出，广场周边多项工程共用道路，各单位要严格按照工程时序表组织施工，不得同时占用同一路段；\
对进度滞后的任务，责任单位要分析原因、倒排工期，确保按节点完成。\n\
会议议定事项如下。";

/// The services answer with API errors; the demo reports them as any other failure.
fn refused(e: crate::http::ApiError) -> anyhow::Error {
    anyhow::anyhow!("demo meetings: {e:?}")
}

fn unit(units: &[(Id, String)], name: &str) -> Result<Id> {
    units.iter().find(|(_, n)| n == name).map(|(id, _)| *id).with_context(|| format!("demo unit {name}"))
}

/// This period's report of an open task of the key work that has none yet,
/// submitted with a request for coordination addressed to the chair.
async fn ask_for_coordination(store: &dyn Store, office: &Actor, kw: Id, leader: Id, today: NaiveDate) -> Result<()> {
    let tasks = store.open_tasks().await?;
    for t in tasks.iter().filter(|t| t.fields.key_work_id == kw && t.fields.parent_id.is_none()) {
        let period = reports::current_period(store, t, today).await.map_err(refused)?;
        if reports::report_for(store, t.id, period.start).await.map_err(refused)?.is_some() {
            continue;
        }
        let fields = ReportFields {
            progress: "围挡已完成，管线迁改正在推进。".into(),
            problems: "德化街段夜间施工许可尚未办理。".into(),
            next_steps: "完成剩余管线迁改。".into(),
            coordination: "请协调交警部门办理德化街段夜间占道施工许可。".into(),
            coordination_leader_id: Some(leader),
            ..Default::default()
        };
        let sub = reports::Submission {
            task_id: t.id,
            period_start: period.start,
            version: None,
            action: Action::Submit,
            fields,
        };
        reports::write(store, office, sub, today).await.map_err(refused)?;
        return Ok(());
    }
    Ok(())
}

/// Loads the meetings; returns how many.
pub async fn load(store: &dyn Store, today: NaiveDate, office: &Actor) -> Result<usize> {
    let kw = store.list_key_works().await?.into_iter().next().context("demo key work")?;
    let units: Vec<(Id, String)> = store.list_units().await?.into_iter().map(|u| (u.id, u.fields.name)).collect();
    let chair = kw.fields.lead_leader_id;
    let people = store.list_people().await?;
    let deputy = people.iter().map(|p| p.id).find(|p| *p != chair).unwrap_or(chair);
    let held_on = today - Days::new(7);
    let last = MeetingFields {
        title: String::new(),
        key_work_ids: vec![kw.id],
        held_on,
        starts_at: "09:00".into(),
        place: "区委三楼第一会议室".into(),
        chair_id: Some(chair),
        attendees: "区委、区政府分管领导，区住房和城乡建设局、区城市管理局、区交通运输局、区人民防空办公室、德化街街道办事处主要负责同志".into(),
        status: MeetingStatus::Held,
        minutes: MINUTES.into(),
    };
    let last = meetings::create(store, office, last).await.map_err(refused)?;
    // Its agenda as it was built then (from today's ledger: the demo has no past).
    meetings::regenerate(store, &LampConfig::default(), office, last.id, today, Lang::Zh).await.map_err(refused)?;
    let zhujian = unit(&units, "区住房和城乡建设局")?;
    let decisions = [
        DecisionFields {
            content: "由区住房和城乡建设局牵头，会同区交通运输局、区公安分局交通警察大队，编制广场周边道路施工时序表，避免同一路段重复占道。".into(),
            lead_unit_id: Some(zhujian),
            supporting_unit_ids: vec![unit(&units, "区交通运输局")?, unit(&units, "区公安分局交通警察大队")?],
            leader_ids: vec![deputy],
            deadline: Some(today - Days::new(2)),
            key_work_id: None,
            parent_id: None,
        },
        DecisionFields {
            content: "由区人民防空办公室牵头，德化街街道办事处配合，完成德化街人防工程出入口优化方案报审。".into(),
            lead_unit_id: Some(unit(&units, "区人民防空办公室")?),
            supporting_unit_ids: vec![unit(&units, "德化街街道办事处")?],
            leader_ids: vec![deputy],
            deadline: Some(today + Days::new(14)),
            key_work_id: None,
            parent_id: None,
        },
    ];
    for d in decisions {
        meetings::decide(store, office, last.id, d).await.map_err(refused)?;
    }
    let next = MeetingFields {
        title: String::new(),
        held_on: today + Days::new(2),
        status: MeetingStatus::Planned,
        minutes: String::new(),
        ..last.fields.clone()
    };
    ask_for_coordination(store, office, kw.id, chair, today).await?;
    let next = meetings::create(store, office, next).await.map_err(refused)?;
    meetings::regenerate(store, &LampConfig::default(), office, next.id, today, Lang::Zh).await.map_err(refused)?;
    Ok(2)
}
