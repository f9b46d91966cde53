//! Milestones and relations over the API.

use crate::helpers::{body, spawn_app, task_body};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn milestones_are_created_listed_updated_and_deleted() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let base = format!("/tasks/{}/milestones", s.task);
    let m =
        app.create(&base, json!({"title": "完成7条断头路", "planned_date": "2021-06-30", "planned_value": "7"})).await;
    app.create(&base, json!({"title": "完成方案", "planned_date": "2021-04-30"})).await;
    let (_, list) = body(app.get(&base, &app.leader).await).await;
    let titles: Vec<&str> = list.as_array().unwrap().iter().map(|m| m["title"].as_str().unwrap()).collect();
    assert_eq!(titles, vec!["完成方案", "完成7条断头路"]);

    let path = format!("/milestones/{}", m["id"]);
    let (status, m2) = body(
        app.patch(
            &path,
            &app.supervisor,
            json!({"version": 1, "done": true, "actual_date": "2021-06-28", "actual_value": "7"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{m2}");
    assert_eq!(
        (m2["done"].as_bool(), m2["actual_value"].as_str(), m2["version"].as_i64()),
        (Some(true), Some("7"), Some(2))
    );
    let (status, _) = body(app.patch(&path, &app.supervisor, json!({"version": 1, "title": "x"})).await).await;
    assert_eq!(status, StatusCode::CONFLICT);

    assert_eq!(app.delete(&path, &app.admin).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&path, &app.admin).await.status(), StatusCode::NOT_FOUND);
    let (status, err) =
        body(app.post("/tasks/999/milestones", &app.admin, json!({"title": "x", "planned_date": "2021-01-01"})).await)
            .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{err}");
}

#[tokio::test]
async fn relations_order_works_and_refuse_cycles() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let b = app.create("/tasks", task_body(s.key_work, "2", s.unit_a, s.person)).await["id"].as_i64().unwrap();
    let c = app.create("/tasks", task_body(s.key_work, "3", s.unit_b, s.person)).await["id"].as_i64().unwrap();
    let r1 = app
        .create(
            "/relations",
            json!({"predecessor_id": s.task, "successor_id": b, "lag_days": 7, "note": "先管网后路面"}),
        )
        .await;
    app.create("/relations", json!({"predecessor_id": b, "successor_id": c})).await;

    let (status, err) =
        body(app.post("/relations", &app.admin, json!({"predecessor_id": c, "successor_id": s.task})).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["errors"][0]["code"], "cycle");
    let (status, err) =
        body(app.post("/relations", &app.admin, json!({"predecessor_id": c, "successor_id": c})).await).await;
    assert_eq!((status, err["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("successor_id")));
    let (status, err) =
        body(app.post("/relations", &app.admin, json!({"predecessor_id": s.task, "successor_id": 999})).await).await;
    assert_eq!((status, err["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("successor_id")));

    let (_, list) = body(app.get(&format!("/relations?task={b}"), &app.leader).await).await;
    assert_eq!(list.as_array().unwrap().len(), 2);
    let (_, detail) = body(app.get(&format!("/tasks/{b}"), &app.leader).await).await;
    assert_eq!(detail["relations"].as_array().unwrap().len(), 2);

    let path = format!("/relations/{}", r1["id"]);
    let (status, r) = body(app.patch(&path, &app.admin, json!({"version": 1, "lag_days": 14})).await).await;
    assert_eq!((status, r["lag_days"].as_i64()), (StatusCode::OK, Some(14)));
    // The relation's changes are in the history of both tasks it links.
    for task in [s.task, b] {
        let (_, h) = body(app.get(&format!("/tasks/{task}/history"), &app.leader).await).await;
        assert!(h
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["entity"] == "relation" && e["field"] == "lag_days" && e["new_value"] == "14"));
    }
    assert_eq!(app.delete(&path, &app.admin).await.status(), StatusCode::NO_CONTENT);
}
