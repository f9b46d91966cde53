//! The ledger to Excel: the offices' layout (title, frozen header, key
//! works as merged group rows, lamps as colours, A4 landscape), the
//! page's filters applied, read back with a spreadsheet reader.

use crate::helpers::{spawn_app, task_body};
use crate::web::{browser, page, sign_in, user_with_password, PASSWORD};
use calamine::{Data, Reader, Xlsx};
use serde_json::json;
use std::io::{Cursor, Read};

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[tokio::test]
async fn the_ledger_goes_to_excel_in_the_offices_layout() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let mut second = task_body(s.key_work, "2", s.unit_b, s.person);
    second["title"] = json!("架空线入地");
    second["status"] = json!("done");
    app.create("/tasks", second).await;
    app.create(
        &format!("/tasks/{}/milestones", s.task),
        json!({"title": "完成前7条", "planned_date": "2021-06-30", "planned_value": "7", "done": true}),
    )
    .await;
    user_with_password(&app, "lm").await;
    let c = browser();
    sign_in(&app, &c, "lm", PASSWORD).await;
    let (_, html) = page(&app, &c, "/ledger").await;
    assert!(html.contains("href=\"/ledger/export?\""), "{html}");

    let res = c.get(format!("{}/ledger/export", app.addr)).send().await.unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("filename*=UTF-8''%E5%8F%B0%E8%B4%A6_"));
    let bytes = res.bytes().await.unwrap().to_vec();

    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    let sheet = book.worksheet_range("台账").unwrap();
    let cell = |r: u32, c: u32| sheet.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    assert!(cell(0, 0).to_string().starts_with("重点工作推进台账（截至"), "{:?}", cell(0, 0));
    let headers: Vec<String> = (0..18).map(|c| cell(1, c).to_string()).collect();
    assert_eq!(&headers[..4], ["灯", "序号", "工作任务", "工作内容"]);
    assert_eq!(cell(2, 0).to_string(), "一、二七商圈区域城市复兴");
    assert_eq!((cell(3, 0).to_string(), cell(3, 1).to_string()), ("红".into(), "1".into()), "overdue: red");
    assert_eq!(cell(3, 2).to_string(), "道路有机更新 1");
    assert_eq!(cell(3, 5).to_string(), "区住建局");
    assert_eq!(cell(3, 7).to_string(), "2021-06-30 完成前7条（计划值 7）【已完成】");
    assert!(matches!(cell(3, 9), Data::DateTime(_)), "the due date is a date cell: {:?}", cell(3, 9));
    assert_eq!(cell(3, 10).to_string(), "14条");
    assert_eq!(cell(3, 11), Data::Float(12000.5));
    assert_eq!(
        (cell(4, 2).to_string(), cell(4, 0).to_string(), cell(4, 14).to_string()),
        ("架空线入地".into(), "".into(), "已完成".into())
    );

    let sheet_xml = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(
        sheet_xml.contains(r#"<mergeCell ref="A1:R1"/>"#) && sheet_xml.contains(r#"<mergeCell ref="A3:R3"/>"#),
        "merged title and group"
    );
    assert!(sheet_xml.contains(r#"ySplit="2""#) && sheet_xml.contains(r#"state="frozen""#), "frozen header");
    assert!(sheet_xml.contains(r#"orientation="landscape""#) && sheet_xml.contains(r#"paperSize="9""#), "A4 landscape");
    assert!(part(&bytes, "xl/styles.xml").contains("FFD92D20"), "the red lamp's fill");
    assert!(part(&bytes, "xl/workbook.xml").contains("_xlnm.Print_Titles"), "the header repeats on every page");

    // The page's filters apply.
    let res = c.get(format!("{}/ledger/export?lead_unit={}", app.addr, s.unit_b)).send().await.unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(res.bytes().await.unwrap().to_vec())).unwrap();
    let sheet = book.worksheet_range("台账").unwrap();
    assert_eq!(sheet.get_value((3, 2)).unwrap().to_string(), "架空线入地");
    assert!(sheet.get_value((4, 2)).is_none_or(|v| *v == Data::Empty), "only the filtered task");
}
