use super::agenda::{
    build, CoordinationRequest, Facts, ItemFields, ItemKind, OpenDecision, PendingInstruction, TaskLamp,
};
use super::*;
use crate::lamp::LampColor;

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap()
}

fn meeting() -> MeetingFields {
    MeetingFields {
        title: String::new(),
        key_work_ids: vec![1],
        held_on: d(3, 5),
        starts_at: "9:00".into(),
        place: " 区政府三楼会议室 ".into(),
        chair_id: Some(2),
        attendees: "区住建局、区城管局".into(),
        status: MeetingStatus::Planned,
        minutes: String::new(),
    }
}

fn decision() -> DecisionFields {
    DecisionFields {
        content: "由区住建局牵头拿出管线迁改时序方案".into(),
        lead_unit_id: Some(3),
        supporting_unit_ids: vec![4, 4],
        leader_ids: vec![2],
        deadline: Some(d(3, 12)),
        key_work_id: None,
        parent_id: None,
    }
}

fn fields(e: &Invalid) -> Vec<&str> {
    e.0.iter().map(|e| e.field.as_str()).collect()
}

#[test]
fn a_meeting_is_normalised() {
    let m = meeting().validate().unwrap();
    assert_eq!((m.starts_at.as_str(), m.place.as_str()), ("09:00", "区政府三楼会议室"));
}

#[test]
fn a_meeting_names_every_missing_field_in_both_languages() {
    let bad = MeetingFields {
        key_work_ids: vec![],
        starts_at: "25:00".into(),
        place: " ".into(),
        chair_id: None,
        ..meeting()
    };
    let e = bad.validate().unwrap_err();
    assert_eq!(fields(&e), ["key_work_ids", "starts_at", "place", "chair_id"]);
    assert_eq!(e.0[2].message(Lang::Zh), "会议地点不能为空");
    assert_eq!(e.0[3].message(Lang::En), "chair is required");
    assert_eq!(e.0[1].message(Lang::Zh), "开始时间格式不正确，应为时间（如09:00）");
}

#[test]
fn times_are_read_as_offices_write_them() {
    assert_eq!(parse_time("9:5").as_deref(), Some("09:05"));
    assert_eq!(parse_time("14：30").as_deref(), Some("14:30"));
    assert_eq!(parse_time("14:60"), None);
    assert_eq!(parse_time("noon"), None);
}

#[test]
fn a_patch_changes_only_what_it_names() {
    let m = meeting();
    let p = MeetingPatch { version: 1, minutes: Some("会议听取了汇报".into()), ..Default::default() };
    let n = m.apply(&p);
    assert_eq!(n.minutes, "会议听取了汇报");
    assert_eq!(n.place, m.place);
}

#[test]
fn titles_and_sources_read_naturally() {
    assert_eq!(default_title("二七商圈区域城市复兴", 12, Lang::Zh), "二七商圈区域城市复兴第12次工作例会");
    assert_eq!(source_text("第12次工作例会", Lang::Zh), "第12次工作例会议定事项");
    assert!(default_title("X", 3, Lang::En).contains("no. 3"));
}

#[test]
fn a_decision_gets_the_first_key_work_and_loses_duplicates() {
    let v = decision().validate(d(3, 5), &[7, 8]).unwrap();
    assert_eq!((v.key_work_id, v.supporting_unit_ids.clone()), (Some(7), vec![4]));
    assert_eq!(v.task_title(), "由区住建局牵头拿出管线迁改时序方案");
}

#[test]
fn a_decision_needs_words_a_unit_a_leader_and_a_deadline_not_before_the_meeting() {
    let e = DecisionFields {
        content: " ".into(),
        lead_unit_id: None,
        leader_ids: vec![],
        deadline: Some(d(3, 4)),
        key_work_id: Some(9),
        ..decision()
    }
    .validate(d(3, 5), &[7])
    .unwrap_err();
    assert_eq!(fields(&e), ["content", "lead_unit_id", "leader_ids", "deadline", "key_work_id"]);
    assert_eq!(e.0[3].message(Lang::Zh), "完成时限：不能早于会议日期");
    assert_eq!(e.0[0].message(Lang::En), "decision is required");
    let e = DecisionFields { deadline: None, supporting_unit_ids: vec![3], ..decision() }
        .validate(d(3, 5), &[7])
        .unwrap_err();
    assert_eq!(fields(&e), ["supporting_unit_ids", "deadline"]);
    // The meeting day itself is a valid deadline.
    assert!(DecisionFields { deadline: Some(d(3, 5)), ..decision() }.validate(d(3, 5), &[7]).is_ok());
}

#[test]
fn long_decisions_make_short_task_titles() {
    let long = DecisionFields { content: "甲".repeat(300), ..decision() };
    assert_eq!(long.task_title().chars().count(), 200);
    let lines = DecisionFields { content: "第一行\n第二行".into(), ..decision() };
    assert_eq!(lines.task_title(), "第一行");
}

#[test]
fn the_next_code_follows_the_highest() {
    let codes = vec!["1".to_string(), "2".into(), "10".into(), "3-1".into(), "x".into()];
    assert_eq!(next_code(None, &codes).unwrap(), "11");
    assert_eq!(next_code(Some("3"), &codes).unwrap(), "3-2");
    assert_eq!(next_code(Some("4"), &[]).unwrap(), "4-1");
}

#[test]
fn the_next_code_neither_overflows_nor_outgrows_a_code() {
    let highest = vec!["4294967295".to_string(), u64::MAX.to_string()];
    assert_eq!(next_code(None, &highest[..1]).unwrap(), "4294967296");
    assert_eq!(next_code(None, &highest).unwrap(), u64::MAX.to_string(), "storage then refuses the duplicate");
    let long_parent = "1-".repeat(15) + "1"; // 31 characters
    let e = next_code(Some(&long_parent), &[]).unwrap_err();
    assert_eq!((e.0[0].field.as_str(), e.0[0].problem.code()), ("parent_id", "conflicting"));
    assert_eq!(next_code(Some(&long_parent[..29]), &[]).unwrap().chars().count(), 31);
}

#[test]
fn a_default_title_fits_a_title() {
    let name = "二".repeat(TITLE_MAX);
    for lang in [Lang::Zh, Lang::En] {
        let title = default_title(&name, 12, lang);
        assert_eq!(title.chars().count(), TITLE_MAX, "{title}");
        assert!(title.contains('…'));
    }
    assert_eq!(default_title("二七商圈区域城市复兴", 12, Lang::Zh), "二七商圈区域城市复兴第12次工作例会");
}

#[test]
fn statuses_and_kinds_round_trip() {
    assert_eq!(MeetingStatus::parse("已召开"), Some(MeetingStatus::Held));
    for k in ItemKind::ALL {
        assert_eq!(ItemKind::parse(k.as_str()), Some(k));
    }
    assert_eq!(ItemKind::OpenDecision.label(Lang::Zh), "未办结议定事项");
}

fn lamp(id: Id, code: &str, color: LampColor) -> TaskLamp {
    TaskLamp {
        task_id: id,
        code: code.into(),
        title: format!("任务{code}"),
        color,
        reasons: vec!["已超过完成时限3天".into()],
    }
}

fn facts() -> Facts {
    Facts {
        tasks: vec![
            lamp(1, "10", LampColor::Red),
            lamp(2, "2", LampColor::Yellow),
            lamp(3, "9", LampColor::Red),
            lamp(3, "9", LampColor::Red),
            lamp(4, "4", LampColor::Red),
        ],
        coordination: vec![CoordinationRequest {
            report_id: 11,
            task_id: 2,
            code: "2".into(),
            title: "任务2".into(),
            unit: "区住建局".into(),
            text: "需供电公司配合停电".into(),
            addressee: "陈立民".into(),
        }],
        open_decisions: vec![OpenDecision {
            decision_id: 21,
            task_id: 4,
            meeting_title: "第11次工作例会".into(),
            content: "拿出时序方案".into(),
            unit: "区住建局".into(),
            deadline: d(3, 1),
            status: "推进中".into(),
            lamp: Some(LampColor::Red),
        }],
        instructions: vec![
            PendingInstruction {
                instruction_id: 31,
                task_id: 1,
                code: "10".into(),
                title: "任务10".into(),
                author: "林志远".into(),
                text: "请加快".into(),
                answer_due: d(3, 9),
                overdue: false,
            },
            PendingInstruction {
                instruction_id: 32,
                task_id: 3,
                code: "9".into(),
                title: "任务9".into(),
                author: "林志远".into(),
                text: "请说明".into(),
                answer_due: d(3, 10),
                overdue: true,
            },
        ],
    }
}

#[test]
fn the_agenda_lists_reds_yellows_requests_decisions_and_instructions_in_that_order() {
    let agenda = build(&facts(), Lang::Zh);
    let kinds: Vec<(ItemKind, Option<Id>)> = agenda.iter().map(|i| (i.kind, i.task_id)).collect();
    assert_eq!(
        kinds,
        [
            (ItemKind::RedTask, Some(3)),
            (ItemKind::RedTask, Some(1)),
            (ItemKind::YellowTask, Some(2)),
            (ItemKind::Coordination, Some(2)),
            (ItemKind::OpenDecision, Some(4)),
            (ItemKind::Instruction, Some(3)),
            (ItemKind::Instruction, Some(1)),
        ]
    );
    assert_eq!(agenda[0].title, "红灯：9 任务9");
    assert_eq!(agenda[0].detail, "已超过完成时限3天");
    assert_eq!(agenda[3].detail, "需供电公司配合停电（请陈立民协调）");
    assert_eq!(agenda[3].report_id, Some(11));
    assert_eq!(agenda[4].title, "未办结议定事项：拿出时序方案");
    assert_eq!(agenda[4].detail, "第11次工作例会交办区住建局，期限2026年3月1日，推进中，红灯");
    assert_eq!(agenda[5].detail, "林志远批示：请说明（应于2026年3月10日前反馈，已逾期）");
}

#[test]
fn a_task_with_an_open_decision_is_listed_once() {
    let agenda = build(&facts(), Lang::En);
    assert_eq!(agenda.iter().filter(|i| i.task_id == Some(4)).count(), 1);
    assert!(agenda[4].detail.starts_with("assigned to 区住建局 by 第11次工作例会"), "{}", agenda[4].detail);
    assert!(agenda[4].detail.ends_with(", red"), "{}", agenda[4].detail);
}

#[test]
fn nothing_to_discuss_is_an_empty_agenda() {
    assert!(build(&Facts::default(), Lang::Zh).is_empty());
    let green = Facts { tasks: vec![lamp(1, "1", LampColor::Green)], ..Default::default() };
    assert!(build(&green, Lang::Zh).is_empty());
}

#[test]
fn an_agenda_item_needs_a_title() {
    use super::agenda::ItemFields;
    let ok = ItemFields { title: " 研究步行街创建 ".into(), detail: String::new() }.validate().unwrap();
    assert_eq!(ok.title, "研究步行街创建");
    let e = ItemFields { title: " ".into(), detail: "x".repeat(5001) }.validate().unwrap_err();
    assert_eq!(fields(&e), ["title", "detail"]);
    assert_eq!(e.0[0].message(Lang::Zh), "标题不能为空");
}

#[test]
fn built_items_fit_what_an_item_may_hold() {
    let mut f = facts();
    f.open_decisions[0].content = "拿".repeat(2000);
    f.tasks[0].reasons = vec!["节点“".to_string() + &"完".repeat(200) + "”已逾期5天"; 30];
    let agenda = build(&f, Lang::Zh);
    for item in &agenda {
        let fields = ItemFields { title: item.title.clone(), detail: item.detail.clone() };
        assert!(fields.validate().is_ok(), "{:?}: {} / {}", item.kind, item.title.len(), item.detail.len());
    }
    let decision = agenda.iter().find(|i| i.kind == ItemKind::OpenDecision).unwrap();
    assert!(decision.title.ends_with('…') && decision.title.chars().count() == super::agenda::ITEM_TITLE_MAX);
    let red = agenda.iter().find(|i| i.task_id == Some(1)).unwrap();
    assert!(red.detail.ends_with('…') && red.detail.chars().count() == super::agenda::ITEM_DETAIL_MAX);
}
