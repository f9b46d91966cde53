//! The reporting cycle over the API: a unit writes, saves and submits its
//! report for a period; the office returns or accepts it; acceptance moves
//! the task's actuals; evidence files are checked and served safely.

use crate::helpers::{account, body, spawn_app, TestApp};
use crate::permissions::{this_monday, PNG};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tuijin_domain::access::Role;

async fn send(app: &TestApp, method: Method, path: &str, token: &str, b: Value) -> (StatusCode, Value) {
    let req = app.client.request(method, format!("{}/api/v1{path}", app.addr)).bearer_auth(token);
    body(req.json(&b).send().await.unwrap()).await
}

#[tokio::test]
async fn a_report_goes_from_draft_to_accepted_and_moves_the_task() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let liaison = account(&app.store, "zj", Role::Liaison, Some(s.unit_a)).await;
    let period = this_monday();
    let path = format!("/tasks/{}/reports/{period}", s.task);

    let (status, r) =
        send(&app, Method::PUT, &path, &liaison, json!({"action": "save", "percent_complete": "40"})).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!((r["status"].as_str(), r["version"].as_i64()), (Some("draft"), Some(1)));
    // Submitting needs the progress text; writing again needs the version seen.
    let (status, e) = send(&app, Method::PUT, &path, &liaison, json!({"version": 1, "action": "submit"})).await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("progress")));
    assert_eq!(e["message"], "进展情况不能为空");
    let (status, _) = send(&app, Method::PUT, &path, &liaison, json!({"action": "save"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "a second 'new' report for the same period");
    let submit = json!({"version": 1, "action": "submit", "progress": "完成7条道路改造", "actual_value": "7",
        "investment_this_period": "350", "coordination": "需交警配合封路", "coordination_unit_id": s.unit_b});
    let (status, r) = send(&app, Method::PUT, &path, &liaison, submit).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["status"], "submitted");
    assert!(r["submitted_at"].is_string());
    // Submitted: the unit waits for the review.
    let (status, e) = send(&app, Method::PUT, &path, &liaison, json!({"version": 2, "action": "save"})).await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("status")));

    let id = r["id"].as_i64().unwrap();
    let review = format!("/reports/{id}/review");
    let (status, _) = send(&app, Method::POST, &review, &liaison, json!({"version": 2, "action": "accept"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a unit does not review itself");
    let (status, e) =
        send(&app, Method::POST, &review, &app.supervisor, json!({"version": 2, "action": "return"})).await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("return_reason")));
    let (status, r) = send(
        &app,
        Method::POST,
        &review,
        &app.supervisor,
        json!({"version": 2, "action": "return", "reason": "请补充现场照片"}),
    )
    .await;
    assert_eq!(
        (status, r["status"].as_str(), r["return_reason"].as_str()),
        (StatusCode::OK, Some("returned"), Some("请补充现场照片"))
    );
    let (status, r) =
        send(&app, Method::PUT, &path, &liaison, json!({"version": 3, "action": "submit", "progress": "完成7条道路改造，附照片", "actual_value": "7", "investment_this_period": "350"}))
            .await;
    assert_eq!((status, r["status"].as_str()), (StatusCode::OK, Some("submitted")), "{r}");
    let (status, _) =
        send(&app, Method::POST, &review, &app.supervisor, json!({"version": 3, "action": "accept"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "a stale review is refused");
    // The ledger's 进展情况 (export, import) is the latest accepted report's: none yet.
    assert_eq!(app.store.latest_progress(&[s.task]).await.unwrap(), []);
    let (status, r) =
        send(&app, Method::POST, &review, &app.supervisor, json!({"version": 4, "action": "accept"})).await;
    assert_eq!((status, r["status"].as_str()), (StatusCode::OK, Some("accepted")));
    assert_eq!(
        app.store.latest_progress(&[s.task, s.task + 1000]).await.unwrap(),
        [(s.task, "完成7条道路改造，附照片".to_string())]
    );

    // 7 of 14 roads: 50 %; 12,000.5 planned, 350 more completed.
    let (_, t) = body(app.get(&format!("/tasks/{}", s.task), &app.admin).await).await;
    assert_eq!((t["percent_complete"].as_str(), t["completed_investment"].as_str()), (Some("50"), Some("350")));
    let (_, history) = body(app.get(&format!("/tasks/{}/history", s.task), &app.admin).await).await;
    let steps: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["entity"] == "report" && h["field"] == "status")
        .map(|h| h["new_value"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        ["\"draft\"", "\"submitted\"", "\"returned\"", "\"submitted\"", "\"accepted\""].map(|s| s.trim_matches('"')),
        "{history}"
    );
    // Accepted is final.
    let (status, _) = send(&app, Method::PUT, &path, &liaison, json!({"version": 5, "action": "save"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, listed) = body(app.get(&format!("/reports?period={period}&status=accepted"), &app.leader).await).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn reports_belong_to_real_periods_of_the_key_work_and_to_the_lead_unit() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let other = account(&app.store, "cg", Role::Liaison, Some(s.unit_b)).await;
    let monday: chrono::NaiveDate = this_monday().parse().unwrap();
    let save = json!({"action": "save"});
    for (day, why) in [(monday + chrono::Days::new(1), "a Tuesday"), (monday + chrono::Days::new(7), "next week")] {
        let (status, e) =
            send(&app, Method::PUT, &format!("/tasks/{}/reports/{day}", s.task), &app.admin, save.clone()).await;
        assert_eq!((status, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("period")), "{why}");
    }
    let (status, _) =
        send(&app, Method::PUT, &format!("/tasks/{}/reports/{monday}", s.task), &other, save.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A monthly key work reports per month, with a day-of-month deadline.
    let kw = format!("/key-works/{}", s.key_work);
    let (status, e) =
        send(&app, Method::PATCH, &kw, &app.admin, json!({"version": 1, "report_cadence": "monthly"})).await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("report_deadline")), "{e}");
    let (status, k) = send(
        &app,
        Method::PATCH,
        &kw,
        &app.admin,
        json!({"version": 1, "report_cadence": "monthly", "report_deadline": "25 17:00"}),
    )
    .await;
    assert_eq!((status, k["report_deadline"].as_str()), (StatusCode::OK, Some("25 17:00")), "{k}");
    let first = monday.with_day0(0).unwrap();
    let (status, r) = send(&app, Method::PUT, &format!("/tasks/{}/reports/{first}", s.task), &app.admin, save).await;
    assert_eq!(status, StatusCode::OK, "{r}");
}

use chrono::Datelike;

#[tokio::test]
async fn evidence_is_checked_by_content_and_served_without_running() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let liaison = account(&app.store, "zj", Role::Liaison, Some(s.unit_a)).await;
    let other = account(&app.store, "cg", Role::Liaison, Some(s.unit_b)).await;
    let path = format!("/tasks/{}/reports/{}", s.task, this_monday());
    let (_, r) = send(&app, Method::PUT, &path, &liaison, json!({"action": "save"})).await;
    let report = r["id"].as_i64().unwrap();
    let upload = |token: &str, name: &str, bytes: &[u8]| {
        app.client
            .post(format!("{}/api/v1/reports/{report}/files", app.addr))
            .query(&[("name", name)])
            .bearer_auth(token)
            .body(bytes.to_vec())
            .send()
    };
    let (status, e) = body(upload(&liaison, "照片.jpg", b"<script>alert(1)</script>").await.unwrap()).await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("file")));
    assert!(e["message"].as_str().unwrap().contains("JPEG、PNG 图片或 PDF 文件"), "{e}");
    let (status, _) = body(upload(&other, "x.png", PNG).await.unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, f) = body(upload(&liaison, "../现场 照片.png", PNG).await.unwrap()).await;
    assert_eq!(status, StatusCode::CREATED, "{f}");
    assert_eq!((f["file_name"].as_str(), f["content_type"].as_str()), (Some("现场 照片.png"), Some("image/png")));
    // 11 MB is over the limit.
    let (status, _) =
        body(upload(&liaison, "big.pdf", &[b"%PDF-".as_slice(), &vec![0u8; 11 << 20]].concat()).await.unwrap()).await;
    assert!(status == StatusCode::PAYLOAD_TOO_LARGE || status == StatusCode::UNPROCESSABLE_ENTITY, "{status}");

    let file = f["id"].as_i64().unwrap();
    let res =
        app.client.get(format!("{}/api/v1/files/{file}", app.addr)).bearer_auth(&app.leader).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.headers()["content-security-policy"], "sandbox");
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("UTF-8''%E7%8E%B0%E5%9C%BA%20%E7%85%A7%E7%89%87.png"));
    assert_eq!(res.bytes().await.unwrap().as_ref(), PNG);
    let res = app.client.get(format!("{}/api/v1/files/{file}", app.addr)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "files are not public");

    let (status, _) = send(&app, Method::DELETE, &format!("/files/{file}"), &other, Value::Null).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = send(&app, Method::DELETE, &format!("/files/{file}"), &liaison, Value::Null).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, history) = body(app.get(&format!("/tasks/{}/history", s.task), &app.admin).await).await;
    let kept = history.as_array().unwrap().iter().any(|h| h["entity"] == "report_file" && h["action"] == "delete");
    assert!(kept, "removing evidence is in the history");
}
