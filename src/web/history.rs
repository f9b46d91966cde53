//! The audit trail as sentences people read:
//! "张三 2021年2月22日 将完成时限由“2021年6月30日”改为“2021年7月31日”".

use super::format::date;
use super::i18n::Tr;
use super::names::Names;
use crate::storage::HistoryEntry;
use chrono::NaiveDate;
use tuijin_domain::error::field_label;
use tuijin_domain::extension::ExtensionStatus;
use tuijin_domain::meeting::MeetingStatus;
use tuijin_domain::period::ReportStatus;
use tuijin_domain::task::{Priority, Status};
use tuijin_domain::Lang;

/// One sentence, newest last.
pub fn sentences(entries: &[HistoryEntry], names: &Names, t: Tr) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < entries.len() {
        let e = &entries[i];
        let who = e.user_name.as_str();
        let when = date(e.at.date_naive(), t.lang);
        if e.action == "update" {
            out.push(change(e, names, t, who, &when));
            i += 1;
            continue;
        }
        // A creation or deletion writes a row per field; say it once.
        let same = |x: &HistoryEntry| {
            x.action == e.action && x.entity == e.entity && x.entity_id == e.entity_id && x.at == e.at
        };
        while i < entries.len() && same(&entries[i]) {
            i += 1;
        }
        let key = if e.action == "create" { "history.created" } else { "history.deleted" };
        let entity = t.get(entity_key(&e.entity));
        out.push(t.fill(key, &[("who", who), ("date", &when), ("entity", entity)]));
    }
    out
}

fn entity_key(entity: &str) -> &'static str {
    match entity {
        "milestone" => "entity.milestone",
        "relation" => "entity.relation",
        "report" => "entity.report",
        "report_file" => "entity.report_file",
        "instruction" => "entity.instruction",
        "extension" => "entity.extension",
        "meeting" => "entity.meeting",
        _ => "entity.task",
    }
}

fn change(e: &HistoryEntry, names: &Names, t: Tr, who: &str, when: &str) -> String {
    let mut field = field_label(&e.field, t.lang);
    if e.entity != "task" {
        field = format!("{}·{field}", t.get(entity_key(&e.entity)));
    }
    let old = e.old_value.as_deref().map(|v| value(&e.field, v, names, t.lang));
    let new = e.new_value.as_deref().map(|v| value(&e.field, v, names, t.lang));
    let base = [("who", who), ("date", when), ("field", field.as_str())];
    match (old, new) {
        (Some(o), Some(n)) => t.fill("history.changed", &[base[0], base[1], base[2], ("old", &o), ("new", &n)]),
        (None, Some(n)) => t.fill("history.set", &[base[0], base[1], base[2], ("new", &n)]),
        (Some(o), None) => t.fill("history.cleared", &[base[0], base[1], base[2], ("old", &o)]),
        (None, None) => t.fill("history.set", &[base[0], base[1], base[2], ("new", "")]),
    }
}

/// A stored value as the user knows it: names for ids, labels for codes, dates in their language.
pub(super) fn value(field: &str, raw: &str, names: &Names, lang: Lang) -> String {
    let ids = |raw: &str| -> Vec<i64> { serde_json::from_str(raw).unwrap_or_default() };
    match field {
        "lead_unit_id" | "lead_body_unit_id" | "unit_id" => {
            raw.parse().map(|id| names.unit(id)).unwrap_or_else(|_| raw.into())
        }
        "lead_leader_id" | "chair_id" => raw.parse().map(|id| names.person(id)).unwrap_or_else(|_| raw.into()),
        "key_work_ids" => Names::join(ids(raw).into_iter().map(|id| names.key_work(id))),
        "tags" => serde_json::from_str::<Vec<String>>(raw).map(Names::join).unwrap_or_else(|_| raw.into()),
        "supporting_unit_ids" => Names::join(ids(raw).into_iter().map(|id| names.unit(id))),
        "leader_ids" => Names::join(ids(raw).into_iter().map(|id| names.person(id))),
        "key_work_id" => raw.parse().map(|id| names.key_work(id)).unwrap_or_else(|_| raw.into()),
        "status" => Status::parse(raw)
            .map(|s| s.label(lang).to_string())
            .or_else(|| ReportStatus::parse(raw).map(|s| s.label(lang).to_string()))
            .or_else(|| ExtensionStatus::parse(raw).map(|s| s.label(lang).to_string()))
            .or_else(|| MeetingStatus::parse(raw).map(|s| s.label(lang).to_string()))
            .unwrap_or_else(|| raw.into()),
        "coordination_leader_id" => raw.parse().map(|id| names.person(id)).unwrap_or_else(|_| raw.into()),
        "coordination_unit_id" => raw.parse().map(|id| names.unit(id)).unwrap_or_else(|_| raw.into()),
        "priority" => Priority::parse(raw).map(|p| p.label(lang).to_string()).unwrap_or_else(|| raw.into()),
        "done" => match (raw, lang) {
            ("true", Lang::Zh) => "已完成".into(),
            ("false", Lang::Zh) => "未完成".into(),
            ("true", Lang::En) => "done".into(),
            _ => "open".into(),
        },
        _ => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(d) => date(d, lang),
            Err(_) => raw.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use std::collections::HashMap;

    fn names() -> Names {
        Names {
            units: HashMap::from([(1, "区住建局".to_string()), (2, "区城管局".to_string())]),
            people: HashMap::from([(5, "陈立民".to_string())]),
            key_works: HashMap::new(),
            unit_list: Vec::new(),
            key_work_list: Vec::new(),
            person_list: Vec::new(),
        }
    }

    fn entry(action: &str, entity: &str, field: &str, old: Option<&str>, new: Option<&str>) -> HistoryEntry {
        HistoryEntry {
            id: 1,
            at: Utc.with_ymd_and_hms(2021, 2, 22, 9, 0, 0).unwrap(),
            user_id: Some(1),
            user_name: "张三".into(),
            entity: entity.into(),
            entity_id: 7,
            task_id: Some(7),
            action: action.into(),
            field: field.into(),
            old_value: old.map(Into::into),
            new_value: new.map(Into::into),
        }
    }

    #[test]
    fn a_due_date_change_reads_like_the_office_writes_it() {
        let e = [entry("update", "task", "due_date", Some("2021-06-30"), Some("2021-07-31"))];
        assert_eq!(
            sentences(&e, &names(), Tr::new(Lang::Zh)),
            vec!["张三 2021年2月22日 将完成时限由“2021年6月30日”改为“2021年7月31日”"]
        );
        assert_eq!(
            sentences(&e, &names(), Tr::new(Lang::En)),
            vec!["张三 changed due date from \"30 Jun 2021\" to \"31 Jul 2021\" on 22 Feb 2021"]
        );
    }

    #[test]
    fn ids_become_names_and_codes_labels() {
        let e = [
            entry("update", "task", "lead_unit_id", Some("1"), Some("2")),
            entry("update", "task", "supporting_unit_ids", None, Some("[1,2]")),
            entry("update", "task", "status", Some("in_progress"), Some("done")),
        ];
        let s = sentences(&e, &names(), Tr::new(Lang::Zh));
        assert_eq!(s[0], "张三 2021年2月22日 将责任单位由“区住建局”改为“区城管局”");
        assert_eq!(s[1], "张三 2021年2月22日 将配合单位设为“区住建局、区城管局”");
        assert_eq!(s[2], "张三 2021年2月22日 将状态由“推进中”改为“已完成”");
    }

    #[test]
    fn meeting_changes_name_people_key_works_and_states() {
        let e = [
            entry("update", "meeting", "status", Some("planned"), Some("held")),
            entry("update", "meeting", "chair_id", None, Some("5")),
        ];
        let s = sentences(&e, &names(), Tr::new(Lang::Zh));
        assert_eq!(s[0], "张三 2021年2月22日 将工作例会·状态由“筹备中”改为“已召开”");
        assert_eq!(s[1], "张三 2021年2月22日 将工作例会·主持人设为“陈立民”");
    }

    #[test]
    fn a_creation_is_one_sentence() {
        let e = [
            entry("create", "task", "title", None, Some("x")),
            entry("create", "task", "code", None, Some("1")),
            entry("update", "milestone", "done", Some("false"), Some("true")),
        ];
        let s = sentences(&e, &names(), Tr::new(Lang::Zh));
        assert_eq!(
            s,
            vec!["张三 2021年2月22日 创建了任务", "张三 2021年2月22日 将时间节点·是否完成由“未完成”改为“已完成”"]
        );
    }
}
