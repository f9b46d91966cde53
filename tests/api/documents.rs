//! 文稿: the chooser page and the documents it makes — Word, Excel and the
//! printable page — for the office, leaders and liaisons; bad choices
//! refused with the field named in the reader's language.

use crate::helpers::{spawn_app, task_body};
use crate::web::{account_with_password, browser, hidden, page, sign_in, user_with_password, PASSWORD};
use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;
use serde_json::json;
use std::io::{Cursor, Read};
use tuijin_domain::access::Role;

fn docx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut s).unwrap();
    s
}

#[tokio::test]
async fn the_office_makes_the_briefing_and_the_upward_report_in_three_formats() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let mut other = task_body(s.key_work, "2", s.unit_b, s.person);
    other["title"] = json!("架空线入地");
    app.create("/tasks", other).await;
    let second = app
        .create(
            "/key-works",
            json!({"name": "产业园区建设", "lead_body_unit_id": s.unit_b, "lead_leader_id": s.person}),
        )
        .await;
    let second = second["id"].as_i64().unwrap();
    let mut park = task_body(second, "1", s.unit_b, s.person);
    park["title"] = json!("园区道路");
    app.create("/tasks", park).await;
    user_with_password(&app, "lm").await;
    let c = browser();
    sign_in(&app, &c, "lm", PASSWORD).await;

    let (status, html) = page(&app, &c, "/documents").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("href=\"/documents\"") && html.contains("督查通报") && html.contains("下载Word"), "{html}");
    assert!(html.contains("二七商圈区域城市复兴") && html.contains("产业园区建设"), "the key works to choose from");

    // The chooser's form goes on to the document with the same choices.
    let today = chrono::Local::now().date_naive();
    let res = c
        .get(format!("{}/documents?kind=briefing&period={today}&key_work={}&format=docx", app.addr, s.key_work))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(to, format!("/documents/briefing?period={today}&key_work={}&format=docx", s.key_work));

    let res = c.get(format!("{}{to}", app.addr)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    let disposition = res.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(disposition.contains("filename*=UTF-8''%E7%9D%A3%E6%9F%A5%E9%80%9A%E6%8A%A5_"), "{disposition}");
    let xml = docx_text(&res.bytes().await.unwrap());
    for words in ["督查通报", "道路有机更新 1", "架空线入地", "区住建局", "逾期"] {
        assert!(xml.contains(words), "{words} in the briefing");
    }
    assert!(!xml.contains("园区道路"), "only the chosen key work");

    // Excel: one sheet per table, read back.
    let res = c
        .get(format!("{}/documents/briefing?key_work={}&key_work={second}&format=xlsx", app.addr, s.key_work))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(res.bytes().await.unwrap().to_vec())).unwrap();
    assert!(book.sheet_names().contains(&"产业园区建设".to_string()), "{:?}", book.sheet_names());
    let sheet = book.worksheet_range("二七商圈区域城市复兴").unwrap();
    assert_eq!(sheet.get_value((1, 1)).unwrap().to_string(), "工作任务");
    assert_eq!(sheet.get_value((2, 1)).unwrap().to_string(), "道路有机更新 1");
    assert_eq!(sheet.get_value((2, 4)), Some(&Data::Float(20.0)), "the percent is a number");
    let figures = book.worksheet_range("主要指标").unwrap();
    assert_eq!(figures.get_value((3, 1)), Some(&Data::String("3".into())), "tasks: {:?}", figures);

    // The printable page and the upward report.
    let (status, html) = page(&app, &c, "/documents/upward?format=html").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("@page { size: A4; margin: 37mm 26mm 35mm 28mm; }"), "print CSS");
    assert!(
        html.contains("关于重点工作推进情况的报告") && html.contains("园区道路") && html.contains("附件"),
        "{html}"
    );
}

#[tokio::test]
async fn leaders_and_liaisons_read_documents_too() {
    let app = spawn_app().await;
    let s = app.seed().await;
    account_with_password(&app, "ld", Role::Leader, None).await;
    account_with_password(&app, "zj", Role::Liaison, Some(s.unit_a)).await;
    for who in ["ld", "zj"] {
        let c = browser();
        sign_in(&app, &c, who, PASSWORD).await;
        let (status, html) = page(&app, &c, "/documents/briefing?format=html").await;
        assert_eq!(status, StatusCode::OK, "{who}");
        assert!(html.contains("道路有机更新 1"), "{who}: {html}");
    }
    let anonymous = browser().get(format!("{}/documents/briefing", app.addr)).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER, "sign in first");
}

#[tokio::test]
async fn bad_choices_are_refused_naming_the_field_in_the_readers_language() {
    let app = spawn_app().await;
    app.seed().await;
    user_with_password(&app, "lm").await;
    let c = browser();
    sign_in(&app, &c, "lm", PASSWORD).await;
    let (status, html) = page(&app, &c, "/documents/briefing?period=2021-13-01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("填报周期格式不正确"), "{html}");
    let (status, html) = page(&app, &c, "/documents/briefing?key_work=999&format=docx").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("重点工作：找不到重点工作（999）"), "{html}");
    let (status, html) = page(&app, &c, "/documents/briefing?period=2999-01-01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("填报周期：不能晚于今天"), "{html}");

    let (_, html) = page(&app, &c, "/documents").await;
    c.post(format!("{}/language", app.addr))
        .form(&[("csrf", hidden(&html, "csrf").as_str()), ("lang", "en")])
        .send()
        .await
        .unwrap();
    let (status, html) = page(&app, &c, "/documents/upward?key_work=nothing&format=xlsx").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("key work: no such key work (nothing)"), "{html}");
    let (status, html) = page(&app, &c, "/documents/briefing?format=pdf").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("file format is not valid: expected docx, xlsx or html"), "{html}");
}

#[tokio::test]
async fn a_meetings_minutes_carry_its_decisions_as_a_table() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let held_on = chrono::Local::now().date_naive().to_string();
    let meeting = app
        .create(
            "/meetings",
            json!({"key_work_ids": [s.key_work], "held_on": held_on, "place": "区委三楼会议室", "chair_id": s.person,
                   "attendees": "区住建局、区城管局"}),
        )
        .await;
    let id = meeting["id"].as_i64().unwrap();
    let due = (chrono::Local::now().date_naive() + chrono::Days::new(30)).to_string();
    app.create(
        &format!("/meetings/{id}/decisions"),
        json!({"content": "完成管线迁改方案", "lead_unit_id": s.unit_b, "leader_ids": [s.person], "deadline": due}),
    )
    .await;
    user_with_password(&app, "lm").await;
    let c = browser();
    sign_in(&app, &c, "lm", PASSWORD).await;
    let (_, chooser) = page(&app, &c, "/documents").await;
    assert!(chooser.contains(&format!("<option value=\"{id}\">")), "the meeting is offered for minutes: {chooser}");

    let res = c.get(format!("{}/documents/minutes?meeting={id}", app.addr)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let text = docx_text(&res.bytes().await.unwrap());
    for expected in ["纪要", "完成管线迁改方案", "区城管局", "陈立民", "区委三楼会议室"] {
        assert!(text.contains(expected), "{expected} in the minutes");
    }
    let (status, html) = page(&app, &c, &format!("/documents/minutes?meeting={id}&format=html")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("完成管线迁改方案"), "{html}");
    let (status, html) = page(&app, &c, "/documents/minutes?format=docx").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("不能为空"), "the meeting is named as missing: {html}");
    let (status, _) = page(&app, &c, "/documents/minutes?meeting=99999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
