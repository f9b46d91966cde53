//! Every write endpoint is checked on the server: a liaison of another
//! unit, a leader and an anonymous caller are refused, and nothing changes.

use crate::helpers::{account, body, spawn_app, task_body, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tuijin_domain::access::Role;

struct Fixture {
    unit: i64,
    person: i64,
    key_work: i64,
    task: i64,
    milestone: i64,
    relation: i64,
    report: i64,
    file: i64,
    period: String,
    notification: i64,
    webhook: i64,
    instruction: i64,
    extension: i64,
    meeting: i64,
    agenda_item: i64,
    decision: i64,
}

async fn fixture(app: &TestApp) -> Fixture {
    let s = app.seed().await;
    let other = app.create("/tasks", task_body(s.key_work, "2", s.unit_a, s.person)).await["id"].as_i64().unwrap();
    let milestone = app
        .create(&format!("/tasks/{}/milestones", s.task), json!({"title": "节点", "planned_date": "2021-06-30"}))
        .await["id"]
        .as_i64()
        .unwrap();
    let relation = app.create("/relations", json!({"predecessor_id": s.task, "successor_id": other})).await["id"]
        .as_i64()
        .unwrap();
    let period = this_monday();
    let (status, report) = body(
        app.client
            .put(format!("{}/api/v1/tasks/{}/reports/{period}", app.addr, s.task))
            .bearer_auth(&app.admin)
            .json(&json!({"action": "save", "progress": "进展"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let report = report["id"].as_i64().unwrap();
    let (status, file) = body(
        app.client
            .post(format!("{}/api/v1/reports/{report}/files?name=a.png", app.addr))
            .bearer_auth(&app.admin)
            .body(PNG.to_vec())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{file}");
    let file = file["id"].as_i64().unwrap();
    // A reminder to the unit and one of its robots.
    let reminder = tuijin::storage::NewNotification {
        kind: "report_late".into(),
        dedupe_key: "permissions".into(),
        unit_id: Some(s.unit_a),
        title: "提醒".into(),
        ..Default::default()
    };
    app.store.enqueue(&[reminder]).await.unwrap();
    let notification = app.store.notification_by_key("permissions").await.unwrap().unwrap().id;
    let webhook = app
        .create(&format!("/units/{}/webhooks", s.unit_a), json!({"kind": "wecom", "url": "http://127.0.0.1:9/send"}))
        .await["id"]
        .as_i64()
        .unwrap();
    let instruction = app.create(&format!("/tasks/{}/instructions", s.task), json!({"text": "请加快进度"})).await["id"]
        .as_i64()
        .unwrap();
    let extension = app
        .create(
            &format!("/tasks/{}/extensions", s.task),
            json!({"requested_date": "2022-06-30", "reason": "等待停电窗口"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let meeting = app
        .create(
            "/meetings",
            json!({"key_work_ids": [s.key_work], "held_on": "2021-06-01", "place": "会议室", "chair_id": s.person}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let agenda_item =
        app.create(&format!("/meetings/{meeting}/agenda"), json!({"title": "议题"})).await["id"].as_i64().unwrap();
    let decision = app
        .create(
            &format!("/meetings/{meeting}/decisions"),
            json!({"content": "议定", "lead_unit_id": s.unit_a, "leader_ids": [s.person], "deadline": "2021-07-01"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    Fixture {
        meeting,
        agenda_item,
        decision,
        instruction,
        extension,
        unit: s.unit_a,
        person: s.person,
        key_work: s.key_work,
        task: s.task,
        milestone,
        relation,
        report,
        file,
        period,
        notification,
        webhook,
    }
}

/// The smallest thing that starts like a PNG file.
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n0000IHDR";

/// The first day of this week's reporting period (weekly, the default).
pub fn this_monday() -> String {
    use chrono::Datelike;
    let today = chrono::Local::now().date_naive();
    (today - chrono::Days::new(today.weekday().num_days_from_monday().into())).to_string()
}

/// Writes a leader may make (instructions and their threads): refused to
/// another unit's liaison and to anonymous callers only.
fn leader_writes(f: &Fixture) -> Vec<(Method, String, Value)> {
    vec![
        (Method::POST, format!("/tasks/{}/instructions", f.task), json!({"text": "请研究"})),
        (Method::POST, format!("/instructions/{}/replies", f.instruction), json!({"text": "已落实"})),
    ]
}

/// (method, path, body) of every other write the API offers.
fn writes(f: &Fixture) -> Vec<(Method, String, Value)> {
    vec![
        (Method::POST, format!("/tasks/{}/extensions", f.task), json!({"requested_date": "2023-01-01", "reason": "x"})),
        (Method::POST, format!("/extensions/{}/decision", f.extension), json!({"version": 1, "approve": true})),
        (Method::POST, "/units".into(), json!({"name": "新单位"})),
        (Method::PATCH, format!("/units/{}", f.unit), json!({"version": 1, "name": "改名"})),
        (Method::DELETE, format!("/units/{}", f.unit), Value::Null),
        (Method::POST, "/people".into(), json!({"name": "新人", "unit_id": f.unit})),
        (Method::PATCH, format!("/people/{}", f.person), json!({"version": 1, "name": "改名"})),
        (Method::DELETE, format!("/people/{}", f.person), Value::Null),
        (
            Method::POST,
            "/key-works".into(),
            json!({"name": "新工作", "lead_body_unit_id": f.unit, "lead_leader_id": f.person}),
        ),
        (Method::PATCH, format!("/key-works/{}", f.key_work), json!({"version": 1, "name": "改名"})),
        (Method::DELETE, format!("/key-works/{}", f.key_work), Value::Null),
        (Method::POST, "/tasks".into(), task_body(f.key_work, "9", f.unit, f.person)),
        (Method::PATCH, format!("/tasks/{}", f.task), json!({"version": 1, "percent_complete": "50"})),
        (Method::DELETE, format!("/tasks/{}", f.task), Value::Null),
        (Method::POST, format!("/tasks/{}/milestones", f.task), json!({"title": "x", "planned_date": "2021-07-01"})),
        (Method::PATCH, format!("/milestones/{}", f.milestone), json!({"version": 1, "done": true})),
        (Method::DELETE, format!("/milestones/{}", f.milestone), Value::Null),
        (Method::POST, "/relations".into(), json!({"predecessor_id": f.task, "successor_id": f.task + 1})),
        (Method::PATCH, format!("/relations/{}", f.relation), json!({"version": 1, "lag_days": 3})),
        (Method::DELETE, format!("/relations/{}", f.relation), Value::Null),
        (Method::POST, "/users".into(), json!({"username": "x", "role": "admin"})),
        (Method::PATCH, "/users/1".into(), json!({"disabled": true})),
        // Anyone makes and revokes their own tokens; another account's only an administrator.
        (Method::POST, "/tokens".into(), json!({"name": "x", "user_id": 1})),
        (Method::DELETE, "/tokens/1".into(), Value::Null),
        (Method::POST, "/users/1/sign-out".into(), json!({})),
        (Method::PUT, format!("/tasks/{}/reports/{}", f.task, f.period), json!({"action": "submit", "progress": "x"})),
        (Method::POST, format!("/reports/{}/review", f.report), json!({"version": 1, "action": "accept"})),
        (Method::POST, format!("/reports/{}/files?name=b.png", f.report), json!("x")),
        (Method::DELETE, format!("/files/{}", f.file), Value::Null),
        (Method::POST, format!("/notifications/{}/ack", f.notification), Value::Null),
        (
            Method::POST,
            format!("/units/{}/webhooks", f.unit),
            json!({"kind": "dingtalk", "url": "http://127.0.0.1:9/robot"}),
        ),
        (Method::DELETE, format!("/webhooks/{}", f.webhook), Value::Null),
        (
            Method::POST,
            "/meetings".into(),
            json!({"key_work_ids": [f.key_work], "held_on": "2021-06-08", "place": "x", "chair_id": f.person}),
        ),
        (Method::PATCH, format!("/meetings/{}", f.meeting), json!({"version": 1, "place": "改"})),
        (Method::PUT, format!("/meetings/{}/minutes", f.meeting), json!({"version": 1, "minutes": "x"})),
        (Method::DELETE, format!("/meetings/{}", f.meeting), Value::Null),
        (Method::POST, format!("/meetings/{}/agenda/generate", f.meeting), Value::Null),
        (Method::POST, format!("/meetings/{}/agenda", f.meeting), json!({"title": "x"})),
        (Method::PATCH, format!("/agenda-items/{}", f.agenda_item), json!({"version": 1, "title": "改"})),
        (Method::DELETE, format!("/agenda-items/{}", f.agenda_item), Value::Null),
        (Method::POST, format!("/agenda-items/{}/move", f.agenda_item), json!({"direction": "up"})),
        (
            Method::POST,
            format!("/meetings/{}/decisions", f.meeting),
            json!({"content": "x", "lead_unit_id": f.unit, "leader_ids": [f.person], "deadline": "2021-07-01"}),
        ),
        (
            Method::PATCH,
            format!("/decisions/{}", f.decision),
            json!({"version": 1, "content": "改", "lead_unit_id": f.unit, "leader_ids": [f.person], "deadline": "2021-07-01"}),
        ),
    ]
}

async fn send(app: &TestApp, method: Method, path: &str, token: Option<&str>, b: &Value) -> (StatusCode, Value) {
    let mut req = app.client.request(method, format!("{}/api/v1{path}", app.addr));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if !b.is_null() {
        req = req.json(b);
    }
    body(req.send().await.unwrap()).await
}

/// Everything a refused caller might have changed, to compare before and after.
async fn snapshot(app: &TestApp) -> Value {
    let mut all = serde_json::Map::new();
    for path in [
        "/units",
        "/people",
        "/key-works",
        "/tasks",
        "/relations",
        "/tasks/1/milestones",
        "/users",
        "/reports",
        "/tasks/1/instructions",
        "/tasks/1/extensions",
        "/meetings",
        "/meetings/1",
        "/meetings/1/history",
    ] {
        all.insert(path.into(), body(app.get(path, &app.admin).await).await.1);
    }
    // Tokens, but not when each was last used (the refused calls used theirs).
    let (_, mut tokens) = body(app.get("/tokens?all=true", &app.admin).await).await;
    for t in tokens.as_array_mut().unwrap() {
        t["last_used_at"] = Value::Null;
    }
    all.insert("/tokens".into(), tokens);
    Value::Object(all)
}

#[tokio::test]
async fn outsiders_are_refused_every_write_and_nothing_changes() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let other_unit = app.create("/units", json!({"name": "区发改委"})).await["id"].as_i64().unwrap();
    let outsider = account(&app.store, "cg-liaison", Role::Liaison, Some(other_unit)).await;
    let before = snapshot(&app).await;
    let leader_may = leader_writes(&f);
    for (method, path, b) in writes(&f).into_iter().chain(leader_may.clone()) {
        let leader_allowed = leader_may.iter().any(|(m, p, _)| *m == method && *p == path);
        for (who, token, expected) in [
            ("liaison of another unit", Some(outsider.as_str()), StatusCode::FORBIDDEN),
            ("leader", Some(app.leader.as_str()), StatusCode::FORBIDDEN),
            ("anonymous", None, StatusCode::UNAUTHORIZED),
        ] {
            if who == "leader" && leader_allowed {
                continue;
            }
            let (status, err) = send(&app, method.clone(), &path, token, &b).await;
            assert_eq!(status, expected, "{who}: {method} {path} → {err}");
            assert!(err["message"].as_str().is_some_and(|m| !m.is_empty()), "{who}: {method} {path}: {err}");
        }
    }
    assert_eq!(snapshot(&app).await, before, "a refused write changed something");
}

#[tokio::test]
async fn the_permission_table_covers_every_write_in_the_api() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (_, doc) = body(app.client.get(format!("{}/api/v1/openapi.json", app.addr)).send().await.unwrap()).await;
    let mut documented = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ["post", "patch", "put", "delete"] {
            if ops.get(method).is_some() {
                documented.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    let numbers = regex_lite_ids();
    let tested: Vec<String> =
        writes(&f).into_iter().chain(leader_writes(&f)).map(|(m, p, _)| format!("{m} {}", numbers(&p))).collect();
    for w in &documented {
        assert!(tested.contains(w), "write endpoint {w} has no permission test");
    }
}

/// Turns `/tasks/12/milestones` into `/tasks/{id}/milestones`.
fn regex_lite_ids() -> impl Fn(&str) -> String {
    |p: &str| {
        let path = p.split('?').next().unwrap_or(p);
        path.split('/')
            .map(|seg| {
                if !seg.is_empty() && seg.chars().all(|c| c.is_ascii_digit()) {
                    "{id}"
                } else if seg.parse::<chrono::NaiveDate>().is_ok() {
                    "{period}"
                } else {
                    seg
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    }
}

#[tokio::test]
async fn a_liaison_updates_their_units_work_but_not_who_is_responsible() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let liaison = account(&app.store, "zj-liaison", Role::Liaison, Some(f.unit)).await;
    let task = format!("/tasks/{}", f.task);
    let (status, t) = body(
        app.patch(&task, &liaison, json!({"version": 1, "percent_complete": "45", "status": "in_progress"})).await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{t}");
    assert_eq!(t["percent_complete"], "45");

    let other_unit = app.create("/units", json!({"name": "区发改委"})).await["id"].as_i64().unwrap();
    let (status, err) = body(app.patch(&task, &liaison, json!({"version": 2, "lead_unit_id": other_unit})).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(err["field"], "lead_unit_id");
    assert_eq!(err["message"], "您的角色不能修改：责任单位");
    let (status, err) =
        body(app.patch(&task, &liaison, json!({"version": 2, "leader_ids": [f.person, f.person + 100]})).await).await;
    assert_eq!((status, err["field"].as_str()), (StatusCode::FORBIDDEN, Some("leader_ids")));
    // Sending the unchanged value is not a change.
    let (status, _) =
        body(app.patch(&task, &liaison, json!({"version": 2, "lead_unit_id": f.unit, "tags": ["时序"]})).await).await;
    assert_eq!(status, StatusCode::OK);

    let m = format!("/milestones/{}", f.milestone);
    let (status, _) =
        body(app.patch(&m, &liaison, json!({"version": 1, "done": true, "actual_date": "2021-06-29"})).await).await;
    assert_eq!(status, StatusCode::OK);
    let (status, err) = body(app.patch(&m, &liaison, json!({"version": 2, "planned_date": "2021-09-30"})).await).await;
    assert_eq!((status, err["field"].as_str()), (StatusCode::FORBIDDEN, Some("planned_date")));
    // Structure stays with the office.
    let (status, _) = body(app.post("/tasks", &liaison, task_body(f.key_work, "7", f.unit, f.person)).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = body(app.delete(&task, &liaison).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn only_admins_see_accounts() {
    let app = spawn_app().await;
    for token in [&app.supervisor, &app.leader] {
        let (status, _) = body(app.get("/users", token).await).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}
