//! Two work meetings of 二七商圈区域城市复兴 in the demo district: last
//! week's, held, with its minutes and two decisions assigned as tasks (one
//! already past its deadline, so it is red and stays on the agenda), and
//! the coming one, with its agenda built from the ledger.

use crate::storage::Store;
use crate::supervision::meetings;
use anyhow::{Context, Result};
use chrono::{Days, NaiveDate};
use tuijin_domain::access::Actor;
use tuijin_domain::lamp::LampConfig;
use tuijin_domain::meeting::{DecisionFields, MeetingFields, MeetingStatus};
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
    let next = meetings::create(store, office, next).await.map_err(refused)?;
    meetings::regenerate(store, &LampConfig::default(), office, next.id, today, Lang::Zh).await.map_err(refused)?;
    Ok(2)
}
