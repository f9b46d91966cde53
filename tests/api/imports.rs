//! Excel import through the web pages: the offices' awkward spreadsheets
//! (built here), every problem named by sheet, row and column, nothing
//! written until commit and then all or nothing, and export → import
//! round trips without a change.

use crate::helpers::{spawn_app, task_body, TestApp};
use crate::web::{browser, hidden, liaison_with_password, page, sign_in, user_with_password, PASSWORD};
use chrono::NaiveDate;
use reqwest::{Client, StatusCode};
use rust_xlsxwriter::{Format, Workbook};
use serde_json::{json, Value};
use tuijin::storage::{TaskQuery, TaskSort};

/// A cell of a hand-made workbook.
#[derive(Clone)]
pub enum X {
    T(&'static str),
    S(String),
    N(f64),
    D(NaiveDate),
    E,
}

/// (sheet name, rows, merged ranges (first row, first col, last row, last col)).
pub type SheetSpec = (&'static str, Vec<Vec<X>>, Vec<(u32, u16, u32, u16)>);

/// An .xlsx built like an office's ledger: values typed, dates as date
/// cells (Excel serials with a date format), merges as Excel writes them.
pub fn workbook(sheets: &[SheetSpec]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy/m/d");
    let plain = Format::new();
    for (name, rows, merges) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        let in_merge = |r: u32, c: u16| merges.iter().any(|m| r >= m.0 && r <= m.2 && c >= m.1 && c <= m.3);
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                if in_merge(r, c) {
                    continue;
                }
                match cell {
                    X::T(s) => ws.write_string(r, c, *s).map(|_| ()).unwrap(),
                    X::S(s) => ws.write_string(r, c, s).map(|_| ()).unwrap(),
                    X::N(n) => ws.write_number(r, c, *n).map(|_| ()).unwrap(),
                    X::D(d) => ws.write_date_with_format(r, c, d, &date).map(|_| ()).unwrap(),
                    X::E => {}
                }
            }
        }
        for (r1, c1, r2, c2) in merges {
            let text = match &rows[*r1 as usize][*c1 as usize] {
                X::T(s) => s.to_string(),
                X::S(s) => s.clone(),
                _ => String::new(),
            };
            ws.merge_range(*r1, *c1, *r2, *c2, &text, &plain).unwrap();
            // A number merged down (a code over two rows) stays a number.
            if let X::N(n) = &rows[*r1 as usize][*c1 as usize] {
                ws.write_number(*r1, *c1, *n).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

pub async fn office(app: &TestApp) -> Client {
    user_with_password(app, "lm").await;
    let c = browser();
    sign_in(app, &c, "lm", PASSWORD).await;
    c
}

/// Uploads a workbook; returns the status and where it leads (or the page).
pub async fn upload(app: &TestApp, c: &Client, bytes: Vec<u8>) -> (StatusCode, String) {
    let (_, form) = page(app, c, "/ledger/import").await;
    let csrf = hidden(&form, "csrf");
    let part = reqwest::multipart::Part::bytes(bytes).file_name("台账.xlsx");
    let mp = reqwest::multipart::Form::new().text("csrf", csrf).part("file", part);
    let res = c.post(format!("{}/ledger/import", app.addr)).multipart(mp).send().await.unwrap();
    let status = res.status();
    let location = res.headers().get("location").map(|v| v.to_str().unwrap().to_string());
    (status, location.unwrap_or(res.text().await.unwrap()))
}

/// Posts a form of the import page (its CSRF token added).
async fn post(app: &TestApp, c: &Client, path: &str, html: &str, fields: &[(&str, &str)]) -> StatusCode {
    let mut form: Vec<(String, String)> = vec![("csrf".into(), hidden(html, "csrf"))];
    form.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    c.post(format!("{}{path}", app.addr)).form(&form).send().await.unwrap().status()
}

/// Commits and waits for the background write to finish; returns the final page.
pub async fn commit(app: &TestApp, c: &Client, at: &str) -> String {
    let (_, html) = page(app, c, at).await;
    assert!(!html.contains("class=\"primary\" disabled"), "commit is possible: {html}");
    assert_eq!(post(app, c, &format!("{at}/commit"), &html, &[]).await, StatusCode::SEE_OTHER);
    for _ in 0..200 {
        let (_, html) = page(app, c, at).await;
        if !html.contains("http-equiv=\"refresh\"") {
            return html;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the import never finished");
}

async fn tasks(app: &TestApp) -> Vec<tuijin::storage::Task> {
    let mut q = TaskQuery::new(NaiveDate::from_ymd_opt(2021, 6, 1).unwrap());
    q.per_page = 1000;
    q.sort = TaskSort::Ledger;
    app.store.list_tasks(&q).await.unwrap().items
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

const HEAD: [&str; 10] = [
    "序号",
    "工作任务",
    "责任领导",
    "牵头单位",
    "配合单位",
    "时间节点",
    "开始时间",
    "完成时限",
    "计划投资（亿元）",
    "备注",
];

fn head() -> Vec<X> {
    HEAD.iter().map(|h| X::T(h)).collect()
}

/// A ledger as offices keep it: a title, the header on row 3, key works as
/// headings merged across, a leader merged down three rows, a task whose
/// code is merged down over a second milestone row, serial and Chinese
/// dates, a unit the ledger does not know, and a second sheet named after
/// a key work, without headings.
fn awkward() -> Vec<u8> {
    let e = || X::E;
    let first: Vec<Vec<X>> = vec![
        vec![X::T("二七区2021年重点工作推进台账"), e(), e(), e(), e(), e(), e(), e(), e(), e()],
        vec![e(); 10],
        head(),
        vec![X::T("一、二七商圈区域城市复兴"), e(), e(), e(), e(), e(), e(), e(), e(), e()],
        vec![
            X::N(1.0),
            X::T("道路有机更新"),
            X::T("陈立民（常务副区长）"),
            X::T("区住建局"),
            X::T("区城管局、区水利局"),
            X::T("6月底前完成前7条"),
            X::D(day(2021, 3, 1)),
            X::T("年底前"),
            X::N(1.2),
            X::T("一号工程"),
        ],
        vec![e(), e(), e(), e(), e(), X::T("12月31日前全部14条通车"), e(), e(), e(), e()],
        vec![X::T("1-1"), X::T("东段"), e(), X::T("区住建局"), e(), e(), e(), X::N(44469.0), e(), e()],
        vec![X::N(2.0), X::T("立面改造"), e(), X::T("区城管局"), e(), e(), e(), X::T("长期坚持"), e(), e()],
    ];
    let first_merges = vec![(0, 0, 0, 9), (3, 0, 3, 9), (4, 0, 5, 0), (4, 2, 7, 2)];
    let second: Vec<Vec<X>> = vec![
        vec![X::T("序号"), X::T("任务内容"), X::T("责任领导"), X::T("责任单位"), X::T("完成时间")],
        vec![X::N(1.0), X::T("管网改造"), X::T("陈立民"), X::T("区水利局"), X::T("2022年6月底")],
    ];
    workbook(&[("台账", first, first_merges), ("基础设施建设", second, vec![]), ("说明", vec![], vec![])])
}

async fn second_key_work(app: &TestApp, s: &crate::helpers::Seed) -> i64 {
    app.create("/key-works", json!({"name": "基础设施建设", "lead_body_unit_id": s.unit_a, "lead_leader_id": s.person}))
        .await["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn an_offices_ledger_comes_in_with_every_problem_named_first() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let infra = second_key_work(&app, &s).await;
    // The seeded task "1" is updated by the file's row "1", not duplicated.
    let c = office(&app).await;
    let (status, at) = upload(&app, &c, awkward()).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{at}");
    let (_, html) = page(&app, &c, &at).await;
    assert!(html.contains("工作表「台账」第5行 E列（配合单位）：单位“区水利局”不存在"), "{html}");
    assert!(html.contains("工作表「基础设施建设」第2行 D列（责任单位）：单位“区水利局”不存在"), "{html}");
    assert!(html.contains("class=\"primary\" disabled"), "no commit while errors remain");
    assert_eq!(tasks(&app).await.len(), 1, "nothing is written by a preview");
    assert!(html.contains("name=\"year\" value=\"2021\""), "the title names the year");

    // The user ticks the unknown unit, and the file goes in.
    assert_eq!(
        post(&app, &c, &format!("{at}/options"), &html, &[("create_unit", "区水利局"), ("year", "2021")]).await,
        StatusCode::SEE_OTHER
    );
    let (_, html) = page(&app, &c, &at).await;
    assert!(!html.contains("单位“区水利局”不存在"), "{html}");
    assert!(html.contains("配合单位：— → 区城管局、区水利局"), "names, not ids, in the changes: {html}");
    assert!(html.contains("新增 3") && html.contains("更新 1"), "{html}");
    let done = commit(&app, &c, &at).await;
    assert!(done.contains("导入完成"), "{done}");

    let all = tasks(&app).await;
    assert_eq!(all.len(), 4);
    let road = all.iter().find(|t| t.fields.key_work_id == s.key_work && t.fields.code == "1").unwrap();
    assert_eq!(road.id, s.task, "matched by key work and code");
    assert_eq!(road.fields.title, "道路有机更新");
    assert_eq!(road.fields.due_date, Some(day(2021, 12, 31)));
    assert_eq!(road.fields.start_date, Some(day(2021, 3, 1)));
    assert_eq!(road.fields.planned_investment, Some("12000".parse().unwrap()), "1.2 亿元 is 12000 万元");
    assert_eq!(road.fields.tags, ["一号工程"]);
    assert_eq!(road.fields.supporting_unit_ids.len(), 2);
    let ms = app.store.milestones_of_tasks(&[road.id]).await.unwrap();
    let got: Vec<(NaiveDate, &str)> = ms.iter().map(|m| (m.fields.planned_date, m.fields.title.as_str())).collect();
    assert_eq!(got, [(day(2021, 6, 30), "完成前7条"), (day(2021, 12, 31), "全部14条通车")]);
    let east = all.iter().find(|t| t.fields.code == "1-1").unwrap();
    assert_eq!(east.fields.parent_id, Some(road.id));
    assert_eq!(east.fields.leader_ids, [s.person], "the leader merged down");
    assert_eq!(east.fields.due_date, Some(day(2021, 9, 30)), "an Excel serial");
    let facade = all.iter().find(|t| t.fields.code == "2").unwrap();
    assert_eq!((facade.fields.due_date, facade.fields.priority.as_str()), (None, "long_term"), "长期坚持");
    let pipes = all.iter().find(|t| t.fields.key_work_id == infra).unwrap();
    assert_eq!(pipes.fields.due_date, Some(day(2022, 6, 30)));

    let history = app.store.task_history(road.id).await.unwrap();
    assert!(
        history
            .iter()
            .any(|h| h.field == "title" && h.new_value.as_deref() == Some("道路有机更新") && h.action == "update"),
        "{history:?}"
    );
    assert!(app.store.list_units().await.unwrap().iter().any(|u| u.fields.name == "区水利局"));
}

#[tokio::test]
async fn broken_files_wrong_types_and_duplicate_codes_are_refused_by_cell() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let c = office(&app).await;
    let (status, html) = upload(&app, &c, b"PK\x03\x04 not really a workbook".to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("文件无法读取"), "{html}");
    let (status, html) = upload(&app, &c, Vec::new()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("请选择要导入的 .xlsx 文件"), "{html}");

    let rows = vec![
        vec![
            X::T("序号"),
            X::T("工作任务"),
            X::T("责任领导"),
            X::T("责任单位"),
            X::T("完成时限"),
            X::T("进度"),
            X::T("状态"),
        ],
        vec![X::T("一、二七商圈区域城市复兴"), X::E, X::E, X::E, X::E, X::E, X::E],
        vec![X::N(5.0), X::T("甲"), X::T("陈立民"), X::T("区住建局"), X::T("尽快"), X::T("过半"), X::T("推进中")],
        vec![X::N(5.0), X::T("乙"), X::T("陈立民"), X::T("区住建局"), X::E, X::N(20.0), X::T("进行中")],
        vec![X::N(6.0), X::T("丙"), X::T("张三"), X::T("区住建局"), X::E, X::E, X::E],
    ];
    let (_, at) = upload(&app, &c, workbook(&[("Sheet1", rows, vec![(1, 0, 1, 6)])])).await;
    let (_, html) = page(&app, &c, &at).await;
    for expected in [
        "工作表「Sheet1」第3行 E列（完成时限）：“尽快”不是可识别的日期",
        "工作表「Sheet1」第3行 F列（进度）：“过半”不是0到100之间的百分比",
        "工作表「Sheet1」第4行 A列（序号）：序号“5”与第3行重复",
        "工作表「Sheet1」第4行 G列（状态）：状态“进行中”应为未启动、推进中、已完成、已暂停或已取消",
        "工作表「Sheet1」第5行 C列（责任领导）：责任领导“张三”不存在",
    ] {
        assert!(html.contains(expected), "{expected}\n{html}");
    }
    // Committing anyway writes nothing.
    assert_eq!(post(&app, &c, &format!("{at}/commit"), &html, &[]).await, StatusCode::SEE_OTHER);
    let (_, html) = page(&app, &c, &at).await;
    assert!(html.contains("class=\"primary\" disabled"), "{html}");
    assert_eq!(tasks(&app).await.len(), 1);

    // In English too.
    let lang = c
        .post(format!("{}/language", app.addr))
        .form(&[("csrf", hidden(&html, "csrf").as_str()), ("lang", "en")])
        .send()
        .await
        .unwrap();
    assert!(lang.status().is_redirection());
    let (_, html) = page(&app, &c, &at).await;
    assert!(
        html.contains("sheet &#34;Sheet1&#34;, row 3, column E (完成时限): &#34;尽快&#34; is not a date"),
        "{html}"
    );
    let _ = s;
}

#[tokio::test]
async fn the_mapping_is_corrected_by_the_user() {
    let app = spawn_app().await;
    app.seed().await;
    let c = office(&app).await;
    // "事项" is no header the import knows; "时限" is read as the due date.
    let rows = vec![
        vec![X::T("序号"), X::T("事项"), X::T("责任领导"), X::T("责任单位"), X::T("时限")],
        vec![X::N(7.0), X::T("背街小巷整治"), X::T("陈立民"), X::T("区城管局"), X::T("9月中旬")],
    ];
    let (_, at) = upload(&app, &c, workbook(&[("任务", rows, vec![])])).await;
    let (_, html) = page(&app, &c, &at).await;
    assert!(html.contains("找不到表头行"), "no task column: {html}");
    let kw = app.store.list_key_works().await.unwrap()[0].id.to_string();
    let st = post(
        &app,
        &c,
        &format!("{at}/options"),
        &html,
        &[("header:0", "1"), ("header_was:0", ""), ("default_key_work", &kw)],
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (_, html) = page(&app, &c, &at).await;
    assert!(html.contains("name=\"col:0:1\""), "the columns are listed to map: {html}");
    let st = post(
        &app,
        &c,
        &format!("{at}/options"),
        &html,
        &[
            ("header:0", "1"),
            ("header_was:0", "1"),
            ("default_key_work", &kw),
            ("col:0:0", "code"),
            ("col:0:1", "title"),
            ("col:0:2", "leaders"),
            ("col:0:3", "lead_unit"),
            ("col:0:4", "due_date"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let done = commit(&app, &c, &at).await;
    assert!(done.contains("导入完成"), "{done}");
    let t = tasks(&app).await.into_iter().find(|t| t.fields.code == "7").unwrap();
    assert_eq!(t.fields.title, "背街小巷整治");
    assert_eq!(t.fields.due_date.map(|d| d.format("%m-%d").to_string()).as_deref(), Some("09-20"));
}

/// The cells of an exported ledger's sheet, to edit and write back.
fn rows_of(exported: &[u8]) -> Vec<Vec<X>> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(exported)).unwrap();
    let range = book.worksheet_range("台账").unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|d| match d {
                    calamine::Data::Float(f) => X::N(*f),
                    calamine::Data::DateTime(_) => X::D(calamine::DataType::as_date(d).unwrap()),
                    calamine::Data::Empty => X::E,
                    other => X::S(other.to_string()),
                })
                .collect()
        })
        .collect()
}

/// The export's merged ranges: its title and its one key work's heading.
const EXPORT_MERGES: [(u32, u16, u32, u16); 2] = [(0, 0, 0, 17), (2, 0, 2, 17)];

/// The row of a task's code in an exported sheet.
fn row_of(rows: &[Vec<X>], code: &str) -> usize {
    rows.iter().position(|r| matches!(&r[1], X::S(s) if s == code)).unwrap()
}

#[tokio::test]
async fn export_then_import_changes_nothing_and_an_edited_export_updates_with_history() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let mut sub = task_body(s.key_work, "1-1", s.unit_b, s.person);
    sub["parent_id"] = json!(s.task);
    sub["supporting_unit_ids"] = json!([s.unit_a]);
    sub["tags"] = json!(["民生", "一号工程"]);
    sub["description"] = json!("多行\n内容");
    app.create("/tasks", sub).await;
    let mut long = task_body(s.key_work, "2", s.unit_b, s.person);
    long["priority"] = json!("long_term");
    long["due_date"] = Value::Null;
    long["target"] = Value::Null;
    long["planned_investment"] = Value::Null;
    app.create("/tasks", long).await;
    app.create(
        &format!("/tasks/{}/milestones", s.task),
        json!({"title": "完成前7条", "planned_date": "2021-06-30", "planned_value": "7", "done": true}),
    )
    .await;
    app.create(&format!("/tasks/{}/milestones", s.task), json!({"title": "全部通车", "planned_date": "2021-12-31"}))
        .await;
    let before = tasks(&app).await;

    let c = office(&app).await;
    let exported = c.get(format!("{}/ledger/export", app.addr)).send().await.unwrap().bytes().await.unwrap().to_vec();
    let (status, at) = upload(&app, &c, exported.clone()).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{at}");
    let (_, html) = page(&app, &c, &at).await;
    assert!(
        html.contains("无变化 3") && html.contains("新增 0") && html.contains("更新 0") && html.contains("错误 0"),
        "{html}"
    );
    let after = tasks(&app).await;
    let key = |ts: &[tuijin::storage::Task]| ts.iter().map(|t| (t.id, t.version, t.fields.clone())).collect::<Vec<_>>();
    assert_eq!(key(&before), key(&after));

    // Edit the export: a new percentage, a moved milestone, a new task.
    let mut rows = rows_of(&exported);
    let r1 = row_of(&rows, "1");
    rows[r1][13] = X::N(55.0);
    rows[r1][7] = X::T("2021-07-15 完成前7条（计划值 7）【已完成】\n2021-12-31 全部通车");
    let mut extra = rows[r1].clone();
    extra[1] = X::T("3");
    extra[2] = X::T("新增的任务");
    extra[7] = X::E;
    rows.push(extra);
    let edited = workbook(&[("台账", rows, EXPORT_MERGES.to_vec())]);
    let (_, at) = upload(&app, &c, edited).await;
    let (_, html) = page(&app, &c, &at).await;
    assert!(html.contains("新增 1") && html.contains("更新 1") && html.contains("无变化 2"), "{html}");
    let done = commit(&app, &c, &at).await;
    assert!(done.contains("导入完成"), "{done}");
    let road = app.store.get_task(s.task).await.unwrap();
    assert_eq!(road.fields.percent_complete, "55".parse().unwrap());
    assert_eq!(tasks(&app).await.len(), 4, "no duplicates");
    let history = app.store.task_history(s.task).await.unwrap();
    assert!(
        history.iter().any(|h| h.field == "percent_complete"
            && h.old_value.as_deref() == Some("20")
            && h.new_value.as_deref() == Some("55")),
        "{history:?}"
    );
    assert!(
        history.iter().any(|h| h.entity == "milestone"
            && h.field == "planned_date"
            && h.new_value.as_deref() == Some("2021-07-15")),
        "{history:?}"
    );
}

/// The commit re-plans, then writes; a task edited in between (another
/// user's save) stops the whole import rather than being overwritten.
#[tokio::test]
async fn a_task_edited_between_plan_and_write_stops_the_whole_import() {
    use tuijin::sheets::import::{preview, read, report_periods, Options};
    let app = spawn_app().await;
    let s = app.seed().await;
    let c = office(&app).await;
    let exported = c.get(format!("{}/ledger/export", app.addr)).send().await.unwrap().bytes().await.unwrap().to_vec();
    let mut rows = rows_of(&exported);
    let r1 = row_of(&rows, "1");
    rows[r1][13] = X::N(55.0);
    let mut extra = rows[r1].clone();
    extra[1] = X::T("3");
    extra[2] = X::T("新增的任务");
    rows.push(extra);
    let edited = workbook(&[("台账", rows, EXPORT_MERGES.to_vec())]);

    let today = day(2021, 6, 1);
    let sheets = read::workbook(&edited).unwrap();
    let pv = preview(app.store.as_ref(), &sheets, &Options::default(), today).await.unwrap();
    assert_eq!((pv.plan.errors(), pv.plan.tasks.len()), (0, 2), "{:?}", pv.plan.problems);
    // Someone saves the task after the plan was made.
    let version = app.store.get_task(s.task).await.unwrap().version;
    let res = app
        .patch(&format!("/tasks/{}", s.task), &app.supervisor, json!({"version": version, "title": "另一人改的标题"}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let before = tasks(&app).await;

    let periods = report_periods(app.store.as_ref(), &pv.plan, today).await.unwrap();
    let progress = std::sync::atomic::AtomicUsize::new(0);
    let job = tuijin::storage::ImportJob { plan: &pv.plan, report_periods: &periods, progress: &progress };
    let err = app.store.import_ledger(&tuijin::storage::system_actor(), &job).await.unwrap_err();
    assert!(format!("{err:?}").contains("changed_since_preview"), "{err:?}");
    let after = tasks(&app).await;
    let key = |ts: &[tuijin::storage::Task]| ts.iter().map(|t| (t.id, t.version, t.fields.clone())).collect::<Vec<_>>();
    assert_eq!(key(&before), key(&after), "nothing written: no new task, the edit kept");
    assert_eq!(after.iter().find(|t| t.id == s.task).unwrap().fields.title, "另一人改的标题");
}

#[tokio::test]
async fn only_the_office_imports() {
    let app = spawn_app().await;
    let s = app.seed().await;
    liaison_with_password(&app, "ll", s.unit_a).await;
    let c = browser();
    sign_in(&app, &c, "ll", PASSWORD).await;
    let (status, _) = page(&app, &c, "/ledger/import").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Another user's import is not theirs to see.
    let office = office(&app).await;
    let (_, at) = upload(&app, &office, awkward()).await;
    let (status, _) = page(&app, &c, &at).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_demo_districts_export_comes_back_unchanged() {
    // The demo brings its own accounts: a server of its own on a fresh database.
    let dir = tempfile::tempdir().unwrap();
    let url = if std::env::var("TUIJIN_TEST_DATABASE").as_deref() == Ok("postgres") {
        crate::common::fresh_postgres(&crate::common::postgres_url().unwrap()).await
    } else {
        dir.path().join("demo.db").to_str().unwrap().to_string()
    };
    let store = tuijin::storage::connect(&url).await.unwrap();
    let today = chrono::Local::now().date_naive();
    tuijin::demo::load(store.as_ref(), today).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    let router = tuijin::http::router(tuijin::http::AppState::new(store.clone()));
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.unwrap()
    });
    let mut q = TaskQuery::new(today);
    q.per_page = 1000;
    let count = store.list_tasks(&q).await.unwrap().total;
    let c = browser();
    let login = c.get(format!("{addr}/login")).send().await.unwrap().text().await.unwrap();
    let form = [
        ("username", "supervisor"),
        ("password", tuijin::demo::PASSWORD),
        ("csrf", &hidden(&login, "csrf")),
        ("next", "/"),
    ];
    assert!(c.post(format!("{addr}/login")).form(&form).send().await.unwrap().status().is_redirection());
    let exported = c.get(format!("{addr}/ledger/export")).send().await.unwrap().bytes().await.unwrap().to_vec();
    let upload_page = c.get(format!("{addr}/ledger/import")).send().await.unwrap().text().await.unwrap();
    let part = reqwest::multipart::Part::bytes(exported).file_name("台账.xlsx");
    let mp = reqwest::multipart::Form::new().text("csrf", hidden(&upload_page, "csrf")).part("file", part);
    let res = c.post(format!("{addr}/ledger/import")).multipart(mp).send().await.unwrap();
    let at = res.headers()["location"].to_str().unwrap().to_string();
    let html = c.get(format!("{addr}{at}")).send().await.unwrap().text().await.unwrap();
    let expected = format!("无变化 {count}");
    assert!(
        html.contains(&expected) && html.contains("新增 0") && html.contains("更新 0") && html.contains("错误 0"),
        "every one of the {count} demo tasks matches its row exactly: {html}"
    );
}

/// The files of the attack (issue 11) through the upload page: each is
/// refused with the limit and the sheet or part named, and the server
/// goes on answering.
#[tokio::test]
async fn hostile_workbooks_are_refused_at_upload_with_the_limit_named() {
    use crate::common::workbooks::*;
    let app = spawn_app().await;
    app.seed().await;
    let c = office(&app).await;
    let (status, html) = upload(&app, &c, one_cell_per_row(100_000, 16_383)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("工作表「台账」第1行有内容超出第200列，台账最多读取200列"), "{html}");
    let (status, html) = upload(&app, &c, one_huge_shared_string(300 << 20)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("文件中的“xl/sharedStrings.xml”有一段文字超过256 KB，无法读取"), "{html}");
    let (status, html) = upload(&app, &c, merged_over_everything(20_000, 50_000, "A1:A20000")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("工作表「台账」：合并单元格超过40万处"), "{html}");
    let (status, _) = page(&app, &c, "/ledger/import").await;
    assert_eq!(status, StatusCode::OK, "the server still answers");
}

/// One pending import per user: a new upload replaces the previous one,
/// 放弃导入 drops it at once, and nobody else sees it.
#[tokio::test]
async fn a_preview_is_replaced_by_the_next_upload_and_discarded_on_request() {
    let app = spawn_app().await;
    app.seed().await;
    let c = office(&app).await;
    let (_, first) = upload(&app, &c, awkward()).await;
    let (status, html) = page(&app, &c, &first).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("放弃导入"), "{html}");
    let (_, second) = upload(&app, &c, awkward()).await;
    assert_ne!(first, second);
    let (status, html) = page(&app, &c, &first).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the previous preview is gone");
    assert!(html.contains("这次导入已不在"), "{html}");

    // Another office user sees nothing of it and cannot discard it.
    user_with_password(&app, "lm2").await;
    let other = browser();
    sign_in(&app, &other, "lm2", PASSWORD).await;
    let (status, _) = page(&app, &other, &second).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (_, html) = page(&app, &c, &second).await;
    assert_eq!(post(&app, &c, &format!("{second}/cancel"), &html, &[]).await, StatusCode::SEE_OTHER);
    let (status, _) = page(&app, &c, &second).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "discarded");
    // Without the form's token nothing is discarded.
    let (_, third) = upload(&app, &c, awkward()).await;
    let res = c.post(format!("{}{third}/cancel", app.addr)).form(&[("csrf", "x")]).send().await.unwrap();
    assert!(!res.status().is_redirection());
    let (status, _) = page(&app, &c, &third).await;
    assert_eq!(status, StatusCode::OK);
}
