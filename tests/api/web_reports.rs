//! The reporting cycle in the browser: a liaison finds this period's task
//! under 本期填报, saves a draft, attaches a photo and submits; the office
//! returns it with a reason, the liaison submits again, the office accepts.

use crate::helpers::{body, spawn_app, TestApp};
use crate::permissions::PNG;
use crate::web::{browser, hidden, liaison_with_password, page, sign_in, user_with_password, PASSWORD};
use reqwest::{Client, StatusCode};

async fn post(app: &TestApp, c: &Client, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
    let res = c.post(format!("{}{path}", app.addr)).form(form).send().await.unwrap();
    let status = res.status();
    let location = res.headers().get("location").map(|v| v.to_str().unwrap().to_string());
    (status, location.unwrap_or(res.text().await.unwrap()))
}

#[tokio::test]
async fn a_liaison_reports_and_the_office_reviews_in_the_browser() {
    let app = spawn_app().await;
    let s = app.seed().await;
    liaison_with_password(&app, "own", s.unit_a).await;
    let l = browser();
    sign_in(&app, &l, "own", PASSWORD).await;

    let (status, html) = page(&app, &l, "/reports").await;
    assert_eq!(status, StatusCode::OK);
    // Due until Thursday 12:00 of this week, late after it.
    let now = chrono::Local::now().naive_local();
    let monday: chrono::NaiveDate = crate::permissions::this_monday().parse().unwrap();
    let deadline = (monday + chrono::Days::new(3)).and_hms_opt(12, 0, 0).unwrap();
    let expected = if now > deadline { "逾期未报" } else { "待填报" };
    assert!(html.contains("道路有机更新 1") && html.contains(expected), "{html}");
    let (_, form) = page(&app, &l, &format!("/tasks/{}/report", s.task)).await;
    let action = {
        let key = "action=\"/tasks/";
        let start = form.find(key).unwrap() + "action=\"".len();
        form[start..start + form[start..].find('"').unwrap()].replace("&#38;", "&")
    };
    let csrf = hidden(&form, "csrf");
    let (status, html) =
        post(&app, &l, &action, &[("csrf", &csrf), ("action", "submit"), ("percent_complete", "三十")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("完成进度格式不正确"), "{html}");
    let (status, _) =
        post(&app, &l, &action, &[("csrf", &csrf), ("action", "submit"), ("percent_complete", "30")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "submitting needs the progress text");
    let (status, to) = post(
        &app,
        &l,
        &action,
        &[("csrf", &csrf), ("action", "save"), ("progress", "已完成3条道路"), ("percent_complete", "30")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (_, html) = page(&app, &l, &to).await;
    assert!(html.contains("草稿") && html.contains("已完成3条道路"), "{html}");

    // A photo as evidence, from the browser's multipart form.
    let report = app.store.list_reports(&Default::default()).await.unwrap()[0].clone();
    let part = reqwest::multipart::Part::bytes(PNG.to_vec()).file_name("现场.png").mime_str("image/png").unwrap();
    let mp = reqwest::multipart::Form::new().text("csrf", csrf.clone()).part("file", part);
    let res = l.post(format!("{}/reports/{}/files", app.addr, report.id)).multipart(mp).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&app, &l, &to).await;
    assert!(html.contains("现场.png"), "{html}");
    let text = b"not a picture".to_vec();
    let part = reqwest::multipart::Part::bytes(text).file_name("x.png");
    let mp = reqwest::multipart::Form::new().text("csrf", csrf.clone()).part("file", part);
    let res = l.post(format!("{}/reports/{}/files", app.addr, report.id)).multipart(mp).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("附件格式不正确"));

    let version = hidden(&html, "version");
    let (status, _) = post(
        &app,
        &l,
        &action,
        &[
            ("csrf", &csrf),
            ("version", &version),
            ("action", "submit"),
            ("progress", "已完成3条道路"),
            ("percent_complete", "30"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = page(&app, &l, &to).await;
    assert!(html.contains("已提交") && !html.contains("value=\"submit\""), "submitted: no more editing");

    // The office finds it waiting, returns it with a reason.
    user_with_password(&app, "lm").await;
    let o = browser();
    sign_in(&app, &o, "lm", PASSWORD).await;
    let (_, html) = page(&app, &o, "/reports").await;
    assert!(html.contains("待审核的填报（1）") && html.contains("1 道路有机更新 1"), "{html}");
    let (_, html) = page(&app, &o, &to).await;
    let ocsrf = hidden(&html, "csrf");
    let version = hidden(&html, "version");
    let review = format!("/reports/{}/review", report.id);
    let (status, html) =
        post(&app, &o, &review, &[("csrf", &ocsrf), ("version", &version), ("action", "return")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("退回理由不能为空"), "{html}");
    let (status, _) = post(
        &app,
        &o,
        &review,
        &[("csrf", &ocsrf), ("version", &version), ("action", "return"), ("reason", "请说明剩余路段计划")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let (_, html) = page(&app, &l, &to).await;
    assert!(html.contains("已退回：请说明剩余路段计划"), "{html}");
    let version = hidden(&html, "version");
    let (status, _) = post(
        &app,
        &l,
        &action,
        &[
            ("csrf", &csrf),
            ("version", &version),
            ("action", "submit"),
            ("progress", "已完成3条，余下11条年底前完成"),
            ("percent_complete", "30"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = page(&app, &o, &to).await;
    let version = hidden(&html, "version");
    let (status, _) = post(&app, &o, &review, &[("csrf", &ocsrf), ("version", &version), ("action", "accept")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, t) = body(app.get(&format!("/tasks/{}", s.task), &app.admin).await).await;
    assert_eq!(t["percent_complete"], "30");
    let (_, html) = page(&app, &l, &to).await;
    assert!(html.contains("已采纳"));
}

#[tokio::test]
async fn the_office_sees_the_reporting_load_per_unit() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let second = app.create("/tasks", crate::helpers::task_body(s.key_work, "2", s.unit_a, s.person)).await["id"]
        .as_i64()
        .unwrap();
    let period = crate::permissions::this_monday();
    let res = app
        .client
        .put(format!("{}/api/v1/tasks/{second}/reports/{period}", app.addr))
        .bearer_auth(&app.admin)
        .json(&serde_json::json!({"action": "submit", "progress": "按计划推进"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    user_with_password(&app, "lm").await;
    let o = browser();
    sign_in(&app, &o, "lm", PASSWORD).await;
    let (status, html) = page(&app, &o, "/reports/load").await;
    assert_eq!(status, StatusCode::OK);
    // Two tasks owe a report; one came in just now: on time before Thursday noon, late after.
    let now = chrono::Local::now().naive_local();
    let monday: chrono::NaiveDate = period.parse().unwrap();
    let deadline = (monday + chrono::Days::new(3)).and_hms_opt(12, 0, 0).unwrap();
    let row = if now > deadline {
        r#"<td class="num">2</td><td class="num">0</td>
    <td class="num late">2</td>"#
    } else {
        r#"<td class="num">2</td><td class="num">1</td>
    <td class="num">0</td>"#
    };
    assert!(html.contains("区住建局") && html.contains(row), "{html}");
    liaison_with_password(&app, "own", s.unit_a).await;
    let l = browser();
    sign_in(&app, &l, "own", PASSWORD).await;
    assert_eq!(page(&app, &l, "/reports/load").await.0, StatusCode::FORBIDDEN);
}
