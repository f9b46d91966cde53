use super::*;
use crate::extraction::header::detect;
use crate::extraction::rows::extract;
use crate::extraction::Sheet;
use chrono::NaiveDate;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn known() -> Known {
    Known {
        key_works: vec![(1, "二七商圈区域城市复兴".into()), (2, "基础设施建设".into())],
        units: vec![(10, "区住建局".into(), "住建局".into()), (11, "区城管局".into(), String::new())],
        people: vec![(20, "林志远".into(), "区长".into()), (21, "王强".into(), String::new())],
        tasks: Vec::new(),
    }
}

fn records(rows: &[&[&str]]) -> Vec<Located> {
    let sheet = Sheet::from_text("台账", rows);
    let m = detect(&sheet).unwrap();
    let x = extract(&sheet, &m, 2021, None);
    assert!(x.problems.is_empty(), "{:?}", x.problems);
    let fields: std::sync::Arc<[Field]> = m.columns.iter().map(|c| c.unwrap_or(Field::Lamp)).collect();
    let headers: std::sync::Arc<[String]> = m.headers.clone().into();
    x.records.into_iter().map(|r| (r, fields.clone(), headers.clone())).collect()
}

const HEAD: &[&str] = &["序号", "工作任务", "责任领导", "责任单位", "配合单位", "时间节点", "完成时限", "进度"];

#[test]
fn new_tasks_with_names_resolved() {
    let rows = records(&[
        HEAD,
        &["一、二七商圈区域城市复兴", "", "", "", "", "", "", ""],
        &["1", "道路建设", "林志远（区长）", "住建局", "区城管局", "6月底前完成前7条", "年底前", "40"],
        &["1-1", "东段", "王强", "区住建局", "", "", "长期坚持", ""],
    ]);
    let p = plan(&rows, &known(), &Choices::default());
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    assert_eq!(p.created(), 2);
    let t = &p.tasks[0].fields;
    assert_eq!(
        (t.key_work_id, t.lead_unit_id, t.supporting_unit_ids.clone(), t.leader_ids.clone()),
        (1, 10, vec![11], vec![20])
    );
    assert_eq!(t.due_date, Some(day(2021, 12, 31)));
    assert_eq!(t.status, Status::InProgress, "progress above zero means started");
    assert_eq!(p.tasks[0].milestones.create.len(), 1);
    let sub = &p.tasks[1];
    assert_eq!(sub.parent_code.as_deref(), Some("1"));
    assert_eq!((sub.fields.priority, sub.fields.due_date), (Priority::LongTerm, None));
}

#[test]
fn unknown_names_are_problems_until_the_user_creates_them() {
    let rows = records(&[
        HEAD,
        &["一、基础设施建设", "", "", "", "", "", "", ""],
        &["1", "管网改造", "赵敏（副区长）", "区水利局", "", "", "", ""],
        &["2", "泵站", "赵敏", "区水利局", "", "", "", ""],
    ]);
    let p = plan(&rows, &known(), &Choices::default());
    assert_eq!(p.unknown_units, [("区水利局".to_string(), 2)]);
    assert_eq!(p.unknown_leaders, [("赵敏".to_string(), 2)]);
    let issues: Vec<&Issue> = p.problems.iter().map(|p| &p.issue).collect();
    assert_eq!(issues.len(), 4, "{issues:?}");
    let choices = Choices {
        create_units: ["区水利局".to_string()].into(),
        create_leaders: ["赵敏".to_string()].into(),
        ..Default::default()
    };
    let p = plan(&rows, &known(), &choices);
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    assert_eq!(p.new_units, ["区水利局"]);
    assert_eq!(p.new_people, [NewPerson { name: "赵敏".into(), title: "副区长".into(), unit_id: -1 }]);
    assert!(p.tasks.iter().all(|t| t.fields.lead_unit_id == -1 && t.fields.leader_ids == [-1]));
}

#[test]
fn duplicate_codes_unknown_parents_and_key_works() {
    let rows = records(&[
        HEAD,
        &["1", "甲", "王强", "区住建局", "", "", "", ""],
        &["一、二七商圈区域城市复兴", "", "", "", "", "", "", ""],
        &["1", "乙", "王强", "区住建局", "", "", "", ""],
        &["1", "丙", "王强", "区住建局", "", "", "", ""],
        &["2-1", "丁", "王强", "区住建局", "", "", "", ""],
        &["三、不存在的工作", "", "", "", "", "", "", ""],
        &["1", "戊", "王强", "区住建局", "", "", "", ""],
    ]);
    let p = plan(&rows, &known(), &Choices::default());
    let got: Vec<(Option<usize>, &Issue)> = p.problems.iter().map(|p| (p.row, &p.issue)).collect();
    assert_eq!(
        got,
        [
            (Some(1), &Issue::NoKeyWork),
            (Some(4), &Issue::DuplicateCode { code: "1".into(), first_row: 3 }),
            (Some(5), &Issue::UnknownParent { code: "2".into() }),
            (Some(7), &Issue::UnknownKeyWork { name: "不存在的工作".into() }),
        ]
    );
    let mut choices = Choices { default_key_work: Some(2), ..Default::default() };
    choices.key_work_for.insert("不存在的工作".into(), 2);
    let p = plan(&rows, &known(), &choices);
    assert!(p.problems.iter().all(|p| !matches!(p.issue, Issue::NoKeyWork | Issue::UnknownKeyWork { .. })));
    assert!(
        p.problems.iter().any(|p| p.row == Some(7) && matches!(p.issue, Issue::DuplicateCode { .. })),
        "the first rows and the unknown heading's now share key work 2"
    );
}

fn existing(code: &str, title: &str) -> ExistingTask {
    ExistingTask {
        id: 100,
        version: 3,
        fields: TaskFields {
            key_work_id: 1,
            parent_id: None,
            code: code.into(),
            title: title.into(),
            description: "保留".into(),
            lead_unit_id: 10,
            supporting_unit_ids: vec![11],
            leader_ids: vec![20],
            priority: Priority::Important,
            status: Status::InProgress,
            start_date: None,
            due_date: Some(day(2021, 12, 31)),
            target: None,
            planned_investment: None,
            completed_investment: None,
            percent_complete: Decimal::from(40),
            tags: vec![],
        },
        milestones: vec![ExistingMilestone {
            id: 500,
            version: 1,
            fields: MilestoneFields {
                title: "完成前7条".into(),
                planned_date: day(2021, 6, 30),
                planned_value: None,
                actual_date: Some(day(2021, 6, 28)),
                actual_value: None,
                done: false,
            },
        }],
        progress: Some("已完成5条".into()),
    }
}

#[test]
fn a_re_import_updates_by_code_and_keeps_what_the_file_lacks() {
    let mut k = known();
    k.tasks.push(existing("1", "道路建设"));
    let head: &[&str] =
        &["序号", "工作任务", "责任领导", "责任单位", "配合单位", "时间节点", "完成时限", "进度", "进展情况"];
    let same: &[&str] =
        &["1", "道路建设", "林志远", "区住建局", "区城管局", "2021-06-30 完成前7条", "2021-12-31", "40", "已完成5条"];
    let rows = records(&[head, &["一、二七商圈区域城市复兴", "", "", "", "", "", "", "", ""], same]);
    let p = plan(&rows, &k, &Choices::default());
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    assert_eq!((p.tasks.len(), p.unchanged), (0, 1), "the same values change nothing: {:?}", p.tasks);

    let edited: &[&str] = &[
        "1",
        "道路建设",
        "林志远",
        "区住建局",
        "区城管局",
        "2021-07-15 完成前7条【已完成】\n年底前全部通车",
        "2021-12-31",
        "60",
        "已完成7条",
    ];
    let rows = records(&[head, &["一、二七商圈区域城市复兴", "", "", "", "", "", "", "", ""], edited]);
    let p = plan(&rows, &k, &Choices::default());
    assert_eq!((p.created(), p.updated()), (0, 1));
    let t = &p.tasks[0];
    assert_eq!(t.existing, Some((100, 3)));
    let fields: Vec<&str> = t.changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["percent_complete"]);
    assert_eq!(t.fields.description, "保留", "no content column: the content stays");
    assert_eq!(t.fields.priority, Priority::Important);
    assert_eq!(t.progress.as_deref(), Some("已完成7条"));
    assert_eq!(t.milestones.create.len(), 1);
    assert_eq!(t.milestones.update.len(), 1);
    let (id, version, m) = &t.milestones.update[0];
    assert_eq!((*id, *version, m.planned_date, m.done), (500, 1, day(2021, 7, 15), true));
    assert_eq!(m.actual_date, Some(day(2021, 6, 28)), "the recorded actual date is kept");
}

#[test]
fn milestones_gone_from_the_file_are_deleted() {
    let e = existing("1", "x");
    let p = match_milestones(&e.milestones, &[]);
    assert_eq!(p.delete, [(500, 1)]);
    let renamed = MilestoneFields { title: "前7条通车".into(), ..e.milestones[0].fields.clone() };
    let p = match_milestones(&e.milestones, &[renamed]);
    assert_eq!((p.create.len(), p.update.len(), p.delete.len()), (0, 1, 0), "same date: renamed, not replaced");
}

#[test]
fn task_rules_are_named_by_column() {
    let rows = records(&[
        &["序号", "工作任务", "责任领导", "责任单位", "配合单位", "开始日期", "完成时限"],
        &["1", "甲", "", "区住建局", "区住建局", "2021-06-01", "2021-05-01"],
    ]);
    let choices = Choices { default_key_work: Some(1), ..Default::default() };
    let p = plan(&rows, &known(), &choices);
    let cols: Vec<Option<usize>> = p.problems.iter().map(|p| p.column).collect();
    assert_eq!(cols, [Some(2), Some(4), Some(6)], "{:?}", p.problems);
}

#[test]
fn the_work_of_a_plan_counts_tasks_and_new_milestones() {
    let rows = records(&[
        HEAD,
        &["一、二七商圈区域城市复兴", "", "", "", "", "", "", ""],
        &["1", "道路建设", "王强", "区住建局", "", "6月底前完成前7条\n年底前全部通车", "年底前", ""],
        &["2", "立面改造", "王强", "区城管局", "", "", "", ""],
    ]);
    let p = plan(&rows, &known(), &Choices::default());
    assert_eq!((p.tasks.len(), p.work()), (2, 4));
}
