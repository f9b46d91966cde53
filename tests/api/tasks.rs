use crate::helpers::{body, spawn_app, task_body};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_task_round_trips_with_exact_numbers() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let (status, t) = body(app.get(&format!("/tasks/{}", s.task), &app.leader).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(t["code"], "1");
    assert_eq!(t["planned_investment"], "12000.5");
    assert_eq!(t["target"], json!({"value": "14", "measure": "条"}));
    assert_eq!(t["percent_complete"], "20");
    assert_eq!(t["leader_ids"], json!([s.person]));
    assert_eq!(t["version"], 1);
    assert_eq!(t["milestones"], json!([]));
}

#[tokio::test]
async fn stale_updates_are_refused_with_the_current_state() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let path = format!("/tasks/{}", s.task);
    let (status, t) =
        body(app.patch(&path, &app.supervisor, json!({"version": 1, "due_date": "2022-01-31"})).await).await;
    assert_eq!(status, StatusCode::OK, "{t}");
    assert_eq!(t["version"], 2);
    assert_eq!(t["due_date"], "2022-01-31");

    // A second editor still holding version 1 is refused, not merged.
    let (status, err) = body(app.patch(&path, &app.admin, json!({"version": 1, "title": "改个标题"})).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["code"], "version_conflict");
    assert_eq!(err["current"]["due_date"], "2022-01-31");
    assert_eq!(err["current"]["version"], 2);
    let (_, now) = body(app.get(&path, &app.admin).await).await;
    assert_eq!(now["title"], "道路有机更新 1");
}

#[tokio::test]
async fn every_change_is_in_the_history() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let path = format!("/tasks/{}", s.task);
    app.patch(&path, &app.supervisor, json!({"version": 1, "due_date": "2022-01-31", "status": "paused"})).await;
    let m =
        app.create(&format!("{path}/milestones"), json!({"title": "完成方案设计", "planned_date": "2021-06-30"})).await;
    app.patch(&format!("/milestones/{}", m["id"]), &app.admin, json!({"version": 1, "done": true})).await;
    let (status, h) = body(app.get(&format!("{path}/history"), &app.leader).await).await;
    assert_eq!(status, StatusCode::OK);
    let h = h.as_array().unwrap();
    let due = h.iter().find(|e| e["field"] == "due_date" && e["action"] == "update").expect("due date change");
    assert_eq!(due["old_value"], "2021-12-31");
    assert_eq!(due["new_value"], "2022-01-31");
    assert_eq!(due["user_name"], "supervisor 测试");
    assert!(h.iter().any(|e| e["field"] == "status" && e["old_value"] == "in_progress" && e["new_value"] == "paused"));
    assert!(h.iter().any(|e| e["entity"] == "milestone" && e["field"] == "done" && e["new_value"] == "true"));
    assert!(h.iter().any(|e| e["action"] == "create" && e["field"] == "title"));
}

#[tokio::test]
async fn validation_errors_name_the_field_in_the_users_language() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let mut bad = task_body(s.key_work, "2", s.unit_a, s.person);
    bad["due_date"] = json!("2021-01-01");
    bad["lead_unit_id"] = json!(999);
    let res = app.request(reqwest::Method::POST, "/tasks", &app.admin).json(&bad).send().await.unwrap();
    let (status, err) = body(res).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["code"], "validation_failed");
    assert_eq!(err["field"], "due_date");
    assert_eq!(err["errors"][0]["message"], "完成时限不能早于开始日期");

    bad["due_date"] = json!("2021-12-01");
    let res = app
        .request(reqwest::Method::POST, "/tasks", &app.admin)
        .header("Accept-Language", "en-US,en;q=0.9")
        .json(&bad)
        .send()
        .await
        .unwrap();
    let (status, err) = body(res).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["field"], "lead_unit_id");
    assert_eq!(err["message"], "lead unit: no such unit (999)");
    // Nothing partial was written.
    let (_, list) = body(app.get("/tasks", &app.admin).await).await;
    assert_eq!(list["total"], 1);
}

#[tokio::test]
async fn malformed_input_names_the_field() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let mut bad = task_body(s.key_work, "2", s.unit_a, s.person);
    bad["due_date"] = json!("6月30日");
    let (status, err) = body(app.post("/tasks", &app.admin, bad).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["field"], "due_date");
    assert!(err["message"].as_str().unwrap().starts_with("完成时限格式不正确"), "{err}");

    let (status, err) =
        body(app.patch(&format!("/tasks/{}", s.task), &app.admin, json!({"version": 1, "titel": "x"})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(err["message"].as_str().unwrap().contains("titel"), "{err}");
}

#[tokio::test]
async fn duplicate_codes_and_cycles_are_refused() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let (status, err) =
        body(app.post("/tasks", &app.admin, task_body(s.key_work, "1", s.unit_a, s.person)).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["field"], "code");
    assert_eq!(err["errors"][0]["code"], "duplicate");

    let mut child = task_body(s.key_work, "1-1", s.unit_a, s.person);
    child["parent_id"] = json!(s.task);
    let child = app.create("/tasks", child).await;
    // Making the parent a child of its own child is a cycle.
    let (status, err) = body(
        app.patch(&format!("/tasks/{}", s.task), &app.admin, json!({"version": 1, "parent_id": child["id"]})).await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["errors"][0]["code"], "cycle");
}

#[tokio::test]
async fn the_list_filters_sorts_pages_and_counts() {
    let app = spawn_app().await;
    let s = app.seed().await;
    for (i, (due, status, unit)) in [
        ("2021-05-01", "in_progress", s.unit_a),
        ("2021-04-01", "done", s.unit_a),
        ("2021-06-01", "in_progress", s.unit_b),
        ("2021-03-01", "in_progress", s.unit_a),
    ]
    .into_iter()
    .enumerate()
    {
        let mut t = task_body(s.key_work, &format!("2-{}", i + 1), unit, s.person);
        t["due_date"] = json!(due);
        t["status"] = json!(status);
        t["title"] = json!(format!("断头路打通 {i}"));
        app.create("/tasks", t).await;
    }
    let q = format!("/tasks?lead_unit={}&status=in_progress&sort=due_date", s.unit_a);
    let (status, page) = body(app.get(&q, &app.leader).await).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let dues: Vec<&str> = page["items"].as_array().unwrap().iter().map(|t| t["due_date"].as_str().unwrap()).collect();
    assert_eq!(dues, vec!["2021-03-01", "2021-05-01", "2021-12-31"]);
    assert_eq!(page["total"], 3);

    let (_, page) = body(app.get(&format!("{q}&per_page=2&page=2"), &app.leader).await).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["total"], 3);

    let (_, page) = body(app.get("/tasks?q=断头路&sort=-due_date", &app.leader).await).await;
    assert_eq!(page["total"], 4);
    assert_eq!(page["items"][0]["due_date"], "2021-06-01");

    let (_, page) = body(app.get("/tasks?due_from=2021-04-01&due_to=2021-05-31", &app.leader).await).await;
    assert_eq!(page["total"], 2);

    // Everything but the done task is overdue by now.
    let (_, page) = body(app.get("/tasks?overdue=true", &app.leader).await).await;
    assert_eq!(page["total"], 4);
    let (_, page) =
        body(app.get(&format!("/tasks?leader={}&priority=important,urgent_important", s.person), &app.leader).await)
            .await;
    assert_eq!(page["total"], 5);
    let (status, err) = body(app.get("/tasks?per_page=501", &app.leader).await).await;
    assert_eq!((status, err["field"].as_str()), (StatusCode::BAD_REQUEST, Some("per_page")));
    let (status, err) = body(app.get("/tasks?colour=red", &app.leader).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
}

#[tokio::test]
async fn ledger_order_numbers_codes_naturally() {
    let app = spawn_app().await;
    let s = app.seed().await;
    for code in ["10", "2", "1-10", "1-2"] {
        app.create("/tasks", task_body(s.key_work, code, s.unit_a, s.person)).await;
    }
    let (_, page) = body(app.get("/tasks?sort=ledger", &app.leader).await).await;
    let codes: Vec<&str> = page["items"].as_array().unwrap().iter().map(|t| t["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["1", "1-2", "1-10", "2", "10"]);
}

#[tokio::test]
async fn deleting_a_task_keeps_its_history() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let path = format!("/tasks/{}", s.task);
    app.create(&format!("{path}/milestones"), json!({"title": "节点", "planned_date": "2021-06-30"})).await;
    assert_eq!(app.delete(&path, &app.admin).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&path, &app.admin).await.status(), StatusCode::NOT_FOUND);
    let (status, h) = body(app.get(&format!("{path}/history"), &app.admin).await).await;
    assert_eq!(status, StatusCode::OK);
    let h = h.as_array().unwrap();
    assert!(h.iter().any(|e| e["entity"] == "task" && e["action"] == "delete" && e["field"] == "title"));
    assert!(h.iter().any(|e| e["entity"] == "milestone" && e["action"] == "delete"));
}

#[tokio::test]
async fn unknown_rows_are_404_with_a_message() {
    let app = spawn_app().await;
    let (status, err) = body(app.get("/tasks/4242", &app.admin).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(err["code"], "not_found");
    assert_eq!(err["message"], "找不到该任务");
    assert_eq!(app.get("/tasks/4242/history", &app.admin).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn of_concurrent_edits_from_the_same_version_exactly_one_wins() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let path = format!("/tasks/{}", s.task);
    let attempts = (0..8).map(|i| {
        let req = app.request(reqwest::Method::PATCH, &path, &app.supervisor);
        async move {
            req.json(&json!({"version": 1, "percent_complete": format!("{}", 30 + i)})).send().await.unwrap().status()
        }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count(), 7, "{statuses:?}");
    let (_, h) = body(app.get(&format!("{path}/history"), &app.admin).await).await;
    let updates = h.as_array().unwrap().iter().filter(|e| e["action"] == "update").count();
    assert_eq!(updates, 1, "only the winning edit is in the history");
}
