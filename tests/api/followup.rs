//! Leaders' instructions with the lead unit's feedback, and deadline
//! extensions approved or refused by the office.

use crate::helpers::{account, body, spawn_app, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tuijin_domain::access::Role;

async fn send(app: &TestApp, method: Method, path: &str, token: &str, b: Value) -> (StatusCode, Value) {
    body(
        app.client
            .request(method, format!("{}/api/v1{path}", app.addr))
            .bearer_auth(token)
            .json(&b)
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn a_leaders_instruction_is_answered_by_the_lead_unit() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let own = account(&app.store, "zj", Role::Liaison, Some(s.unit_a)).await;
    let other = account(&app.store, "cg", Role::Liaison, Some(s.unit_b)).await;
    let path = format!("/tasks/{}/instructions", s.task);
    let (status, e) = send(&app, Method::POST, &path, &app.leader, json!({"text": " "})).await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("text")));
    let (status, _) = send(&app, Method::POST, &path, &own, json!({"text": "自己批示"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a liaison does not instruct");
    let (status, i) =
        send(&app, Method::POST, &path, &app.leader, json!({"text": "请抓紧协调管线迁改", "respond_within_days": 3}))
            .await;
    assert_eq!(status, StatusCode::CREATED, "{i}");
    assert!(i["answered_at"].is_null());
    let id = i["id"].as_i64().unwrap();
    let replies = format!("/instructions/{id}/replies");
    let (status, _) = send(&app, Method::POST, &replies, &other, json!({"text": "不是我们的任务"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A leader's follow-up does not count as the answer; the lead unit's does.
    send(&app, Method::POST, &replies, &app.leader, json!({"text": "补充：注意安全"})).await;
    let (_, list) = body(app.get(&path, &app.leader).await).await;
    assert!(list[0]["answered_at"].is_null());
    let (status, _) = send(&app, Method::POST, &replies, &own, json!({"text": "已与供电公司对接，下周完成迁改"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, list) = body(app.get(&path, &app.leader).await).await;
    assert!(list[0]["answered_at"].is_string(), "{list}");
    let texts: Vec<&str> = list[0]["replies"].as_array().unwrap().iter().map(|r| r["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["补充：注意安全", "已与供电公司对接，下周完成迁改"]);
    let (_, history) = body(app.get(&format!("/tasks/{}/history", s.task), &app.admin).await).await;
    assert!(history.as_array().unwrap().iter().any(|h| h["entity"] == "instruction"), "{history}");
}

#[tokio::test]
async fn an_extension_moves_the_date_only_when_approved_and_keeps_the_original() {
    let app = spawn_app().await;
    let s = app.seed().await; // due 2021-12-31
    let own = account(&app.store, "zj", Role::Liaison, Some(s.unit_a)).await;
    let path = format!("/tasks/{}/extensions", s.task);
    let (status, e) =
        send(&app, Method::POST, &path, &own, json!({"requested_date": "2021-12-01", "reason": "x"})).await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("requested_date")));
    assert_eq!(e["message"], "申请延期至：申请的日期须晚于现在的日期");
    let (status, x) = send(
        &app,
        Method::POST,
        &path,
        &own,
        json!({"requested_date": "2022-03-31", "reason": "等待供电公司停电窗口"}),
    )
    .await;
    assert_eq!(
        (status, x["status"].as_str(), x["original_date"].as_str()),
        (StatusCode::CREATED, Some("pending"), Some("2021-12-31"))
    );
    let decision = format!("/extensions/{}/decision", x["id"]);
    let (status, _) = send(&app, Method::POST, &decision, &own, json!({"version": 1, "approve": true})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a unit does not approve its own extension");
    let (status, e) =
        send(&app, Method::POST, &decision, &app.supervisor, json!({"version": 1, "approve": false})).await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("note")), "a refusal says why");
    let (status, x) =
        send(&app, Method::POST, &decision, &app.supervisor, json!({"version": 1, "approve": true, "note": "同意"}))
            .await;
    assert_eq!((status, x["status"].as_str()), (StatusCode::OK, Some("approved")), "{x}");
    let (status, _) =
        send(&app, Method::POST, &decision, &app.supervisor, json!({"version": 2, "approve": true})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "decided once");
    let (_, t) = body(app.get(&format!("/tasks/{}", s.task), &app.admin).await).await;
    assert_eq!(t["due_date"], "2022-03-31");

    // A milestone of another task cannot be moved through this one.
    let other = app.create("/tasks", crate::helpers::task_body(s.key_work, "2", s.unit_a, s.person)).await["id"]
        .as_i64()
        .unwrap();
    let m =
        app.create(&format!("/tasks/{other}/milestones"), json!({"title": "节点", "planned_date": "2021-06-30"})).await;
    let (status, e) = send(
        &app,
        Method::POST,
        &path,
        &own,
        json!({"milestone_id": m["id"], "requested_date": "2021-07-31", "reason": "x"}),
    )
    .await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("milestone_id")));
    // Its own milestone moves on approval.
    let (status, x) = send(
        &app,
        Method::POST,
        &format!("/tasks/{other}/extensions"),
        &own,
        json!({"milestone_id": m["id"], "requested_date": "2021-07-31", "reason": "雨季"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{x}");
    let decision = format!("/extensions/{}/decision", x["id"]);
    send(&app, Method::POST, &decision, &app.supervisor, json!({"version": 1, "approve": true})).await;
    let (_, ms) = body(app.get(&format!("/milestones/{}", m["id"]), &app.admin).await).await;
    assert_eq!(ms["planned_date"], "2021-07-31");
}
