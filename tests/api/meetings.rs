//! Work meetings over the API: the agenda built from the ledger, decisions
//! assigned as tasks, and the usual refusals (403, 409, 422 with nothing
//! written).

use crate::helpers::{account, body, spawn_app, task_body, Seed, TestApp};
use crate::permissions::this_monday;
use chrono::{Days, Local};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tuijin_domain::access::Role;

async fn send(app: &TestApp, method: Method, path: &str, token: &str, b: Value) -> (StatusCode, Value) {
    let req = app.client.request(method, format!("{}/api/v1{path}", app.addr)).bearer_auth(token);
    body(req.json(&b).send().await.unwrap()).await
}

fn day(offset: i64) -> String {
    let today = Local::now().date_naive();
    let d = if offset >= 0 { today + Days::new(offset as u64) } else { today - Days::new(offset.unsigned_abs()) };
    d.to_string()
}

fn meeting_body(s: &Seed, held_on: &str) -> Value {
    json!({"key_work_ids": [s.key_work], "held_on": held_on, "starts_at": "9:00", "place": "区委三楼会议室",
           "chair_id": s.person, "attendees": "区住建局、区城管局"})
}

fn decision_body(s: &Seed, content: &str, deadline: &str) -> Value {
    json!({"content": content, "lead_unit_id": s.unit_b, "supporting_unit_ids": [s.unit_a],
           "leader_ids": [s.person], "deadline": deadline})
}

async fn agenda(app: &TestApp, meeting: i64) -> Vec<Value> {
    let (status, items) =
        send(app, Method::POST, &format!("/meetings/{meeting}/agenda/generate"), &app.admin, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{items}");
    items.as_array().unwrap().clone()
}

fn kinds(items: &[Value]) -> Vec<(String, Option<i64>)> {
    items.iter().map(|i| (i["kind"].as_str().unwrap().to_string(), i["task_id"].as_i64())).collect()
}

#[tokio::test]
async fn the_agenda_gathers_red_tasks_requests_open_decisions_and_instructions() {
    let app = spawn_app().await;
    let s = app.seed().await; // task "1" is long overdue: red
                              // A task on time whose unit asks for coordination this period.
    let mut on_time = task_body(s.key_work, "2", s.unit_a, s.person);
    on_time["start_date"] = json!(day(-10));
    on_time["due_date"] = json!(day(300));
    let asking = app.create("/tasks", on_time).await["id"].as_i64().unwrap();
    let liaison = account(&app.store, "zj", Role::Liaison, Some(s.unit_a)).await;
    let report = json!({"action": "submit", "progress": "管线迁改推进中", "coordination": "需交警配合夜间封路",
                        "coordination_leader_id": s.person});
    let (status, r) =
        send(&app, Method::PUT, &format!("/tasks/{asking}/reports/{}", this_monday()), &liaison, report).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    let (status, _) = send(
        &app,
        Method::POST,
        &format!("/tasks/{}/instructions", s.task),
        &app.leader,
        json!({"text": "请说明滞后原因"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);

    // Last week's meeting decided something; its task is open.
    let earlier = app.create("/meetings", meeting_body(&s, &day(-7))).await;
    assert_eq!(earlier["title"], "二七商圈区域城市复兴第1次工作例会");
    assert_eq!((earlier["number"].as_i64(), earlier["starts_at"].as_str()), (Some(1), Some("09:00")));
    let earlier_id = earlier["id"].as_i64().unwrap();
    let decided = app
        .create(&format!("/meetings/{earlier_id}/decisions"), decision_body(&s, "编制广场周边道路施工时序表", &day(10)))
        .await;
    let decided_task = decided["task_id"].as_i64().unwrap();

    let meeting = app.create("/meetings", meeting_body(&s, &day(0))).await;
    assert_eq!(meeting["title"], "二七商圈区域城市复兴第2次工作例会");
    let id = meeting["id"].as_i64().unwrap();
    let (status, custom) = send(
        &app,
        Method::POST,
        &format!("/meetings/{id}/agenda"),
        &app.admin,
        json!({"title": "研究国家级步行街创建"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{custom}");
    let items = agenda(&app, id).await;
    assert_eq!(
        kinds(&items),
        [
            ("red_task".to_string(), Some(s.task)),
            ("coordination".to_string(), Some(asking)),
            ("open_decision".to_string(), Some(decided_task)),
            ("instruction".to_string(), Some(s.task)),
            ("custom".to_string(), None),
        ],
        "{items:?}"
    );
    assert!(items[0]["title"].as_str().unwrap().starts_with("红灯：1 "), "{}", items[0]["title"]);
    assert!(items[0]["detail"].as_str().unwrap().contains("已超过完成时限"));
    assert_eq!(items[1]["detail"], "需交警配合夜间封路（请陈立民协调）");
    assert!(items[2]["detail"].as_str().unwrap().starts_with("二七商圈区域城市复兴第1次工作例会交办区城管局"));
    assert!(items[3]["detail"].as_str().unwrap().contains("请说明滞后原因"));
    assert_eq!(items[4]["title"], "研究国家级步行街创建");

    // This meeting decides too: a task, assigned to the unit, linked to the meeting.
    let d =
        app.create(&format!("/meetings/{id}/decisions"), decision_body(&s, "拿出人防出入口优化方案", &day(14))).await;
    let task_id = d["task_id"].as_i64().unwrap();
    let (_, task) = body(app.get(&format!("/tasks/{task_id}"), &app.admin).await).await;
    assert_eq!(
        (task["code"].as_str(), task["title"].as_str(), task["lead_unit_id"].as_i64(), task["status"].as_str()),
        (Some("4"), Some("拿出人防出入口优化方案"), Some(s.unit_b), Some("not_started"))
    );
    assert_eq!(
        (task["due_date"].as_str(), task["start_date"].as_str()),
        (Some(day(14).as_str()), Some(day(0).as_str()))
    );
    assert_eq!(task["supporting_unit_ids"], json!([s.unit_a]));
    let (_, history) = body(app.get(&format!("/tasks/{task_id}/history"), &app.admin).await).await;
    let source = history.as_array().unwrap().iter().find(|h| h["field"] == "source").expect("source in history");
    assert_eq!(source["new_value"], "二七商圈区域城市复兴第2次工作例会议定事项");
    let (_, m) = body(app.get(&format!("/meetings/{id}"), &app.leader).await).await;
    assert_eq!(m["decisions"][0]["task_id"].as_i64(), Some(task_id));
    let (_, history) = body(app.get(&format!("/meetings/{id}/history"), &app.leader).await).await;
    assert!(history.as_array().unwrap().iter().any(|h| h["field"] == "decision"), "{history}");

    // The earlier decision's task is done: it leaves the agenda.
    let (_, t) = body(app.get(&format!("/tasks/{decided_task}"), &app.admin).await).await;
    let (status, _) = send(
        &app,
        Method::PATCH,
        &format!("/tasks/{decided_task}"),
        &app.admin,
        json!({"version": t["version"], "status": "done"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let items = agenda(&app, id).await;
    assert!(!items.iter().any(|i| i["kind"] == "open_decision"), "{items:?}");
    assert_eq!(items.last().unwrap()["kind"], "custom", "the office's own item stays");
    // A later meeting sees this meeting's open decision.
    let later = app.create("/meetings", meeting_body(&s, &day(7))).await["id"].as_i64().unwrap();
    let items = agenda(&app, later).await;
    let open: Vec<_> = items.iter().filter(|i| i["kind"] == "open_decision").map(|i| i["task_id"].as_i64()).collect();
    assert_eq!(open, [Some(task_id)]);
}

#[tokio::test]
async fn agenda_items_are_edited_moved_and_deleted() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let id = app.create("/meetings", meeting_body(&s, &day(0))).await["id"].as_i64().unwrap();
    let items = agenda(&app, id).await;
    assert_eq!(items.len(), 1);
    let custom =
        app.create(&format!("/meetings/{id}/agenda"), json!({"title": "其他事项", "detail": "通报考核"})).await;
    let cid = custom["id"].as_i64().unwrap();
    let (status, moved) =
        send(&app, Method::POST, &format!("/agenda-items/{cid}/move"), &app.admin, json!({"direction": "up"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(moved[0]["id"].as_i64(), Some(cid));
    let edit = json!({"version": 1, "title": "其他事项（考核）", "detail": ""});
    let (status, e) = send(&app, Method::PATCH, &format!("/agenda-items/{cid}"), &app.admin, edit.clone()).await;
    assert_eq!((status, e["title"].as_str()), (StatusCode::OK, Some("其他事项（考核）")));
    let (status, _) = send(&app, Method::PATCH, &format!("/agenda-items/{cid}"), &app.admin, edit).await;
    assert_eq!(status, StatusCode::CONFLICT, "a stale version");
    let (status, e) =
        send(&app, Method::PATCH, &format!("/agenda-items/{cid}"), &app.admin, json!({"version": 2, "title": " "}))
            .await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("title")));
    let (status, _) =
        send(&app, Method::DELETE, &format!("/agenda-items/{}", items[0]["id"]), &app.admin, json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, list) = body(app.get(&format!("/meetings/{id}/agenda"), &app.leader).await).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let (_, history) = body(app.get(&format!("/meetings/{id}/history"), &app.leader).await).await;
    assert!(history.as_array().unwrap().iter().filter(|h| h["field"] == "agenda").count() >= 4, "{history}");
}

#[tokio::test]
async fn only_the_office_writes_and_bad_input_writes_nothing() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let liaison = account(&app.store, "zj", Role::Liaison, Some(s.unit_a)).await;
    for token in [&liaison, &app.leader] {
        let (status, _) = send(&app, Method::POST, "/meetings", token, meeting_body(&s, &day(0))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let (status, e) = send(
        &app,
        Method::POST,
        "/meetings",
        &app.admin,
        json!({"key_work_ids": [], "held_on": day(0), "place": " ", "chair_id": null}),
    )
    .await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("key_work_ids")));
    let fields: Vec<&str> = e["errors"].as_array().unwrap().iter().map(|x| x["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["key_work_ids", "place", "chair_id"]);
    assert!(e["message"].as_str().unwrap().contains("会议地点不能为空"), "{e}");
    let (status, e) = send(
        &app,
        Method::POST,
        "/meetings",
        &app.admin,
        json!({"key_work_ids": [999], "held_on": day(0), "place": "x", "chair_id": s.person}),
    )
    .await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("key_work_ids")));
    let (_, list) = body(app.get("/meetings", &liaison).await).await;
    assert_eq!(list, json!([]), "nothing written");

    let m = app.create("/meetings", meeting_body(&s, &day(0))).await;
    let id = m["id"].as_i64().unwrap();
    let (status, _) = send(&app, Method::POST, &format!("/meetings/{id}/agenda/generate"), &liaison, json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let path = format!("/meetings/{id}/decisions");
    let (status, _) = send(&app, Method::POST, &path, &liaison, decision_body(&s, "x", &day(3))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let tasks_before = body(app.get("/tasks", &app.admin).await).await.1["total"].clone();
    let (status, e) = send(&app, Method::POST, &path, &app.admin, decision_body(&s, "提前完成", &day(-1))).await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("deadline")));
    assert_eq!(e["message"], "完成时限：不能早于会议日期");
    let (status, e) = send(
        &app,
        Method::POST,
        &path,
        &app.admin,
        json!({"content": "x", "leader_ids": [s.person], "deadline": day(2)}),
    )
    .await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("lead_unit_id")));
    let mut unknown = decision_body(&s, "x", &day(2));
    unknown["leader_ids"] = json!([4242]);
    let (status, e) = send(&app, Method::POST, &path, &app.admin, unknown).await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("leader_ids")));
    assert_eq!(body(app.get("/tasks", &app.admin).await).await.1["total"], tasks_before, "no task written");
    assert_eq!(body(app.get(&path, &app.admin).await).await.1, json!([]));

    // Minutes at the version seen; a second save with the same version is stale.
    let minutes = format!("/meetings/{id}/minutes");
    let (status, saved) =
        send(&app, Method::PUT, &minutes, &app.supervisor, json!({"version": 1, "minutes": "会议听取了汇报"})).await;
    assert_eq!((status, saved["version"].as_i64()), (StatusCode::OK, Some(2)));
    let (status, e) =
        send(&app, Method::PUT, &minutes, &app.supervisor, json!({"version": 1, "minutes": "覆盖"})).await;
    assert_eq!((status, e["current"]["minutes"].as_str()), (StatusCode::CONFLICT, Some("会议听取了汇报")));
    let (status, _) = send(&app, Method::PUT, &minutes, &liaison, json!({"version": 2, "minutes": "x"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A meeting with decisions stays; one without can go, its history kept.
    let spare = app.create("/meetings", meeting_body(&s, &day(3))).await["id"].as_i64().unwrap();
    let (status, _) = send(&app, Method::DELETE, &format!("/meetings/{spare}"), &liaison, json!(null)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = send(&app, Method::DELETE, &format!("/meetings/{spare}"), &app.admin, json!(null)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&format!("/meetings/{spare}"), &app.admin).await.status(), StatusCode::NOT_FOUND);
    let (status, m) = send(
        &app,
        Method::PATCH,
        &format!("/meetings/{id}"),
        &app.admin,
        json!({"version": 2, "status": "held", "title": ""}),
    )
    .await;
    assert_eq!(
        (status, m["status"].as_str(), m["title"].as_str()),
        (StatusCode::OK, Some("held"), Some("二七商圈区域城市复兴第1次工作例会"))
    );
}

#[tokio::test]
async fn editing_a_decision_changes_its_task_until_the_task_is_closed() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let id = app.create("/meetings", meeting_body(&s, &day(0))).await["id"].as_i64().unwrap();
    let d = app.create(&format!("/meetings/{id}/decisions"), decision_body(&s, "编制时序表", &day(5))).await;
    let (did, tid) = (d["id"].as_i64().unwrap(), d["task_id"].as_i64().unwrap());
    let mut edit = decision_body(&s, "编制并公布时序表", &day(9));
    edit["version"] = json!(1);
    edit["lead_unit_id"] = json!(s.unit_a);
    edit["supporting_unit_ids"] = json!([]);
    let (status, d) = send(&app, Method::PATCH, &format!("/decisions/{did}"), &app.admin, edit.clone()).await;
    assert_eq!((status, d["version"].as_i64()), (StatusCode::OK, Some(2)), "{d}");
    let (_, t) = body(app.get(&format!("/tasks/{tid}"), &app.admin).await).await;
    assert_eq!(
        (t["title"].as_str(), t["due_date"].as_str(), t["lead_unit_id"].as_i64()),
        (Some("编制并公布时序表"), Some(day(9).as_str()), Some(s.unit_a))
    );
    let (status, _) = send(&app, Method::PATCH, &format!("/decisions/{did}"), &app.admin, edit.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    send(
        &app,
        Method::PATCH,
        &format!("/tasks/{tid}"),
        &app.admin,
        json!({"version": t["version"], "status": "cancelled"}),
    )
    .await;
    edit["version"] = json!(2);
    let (status, e) = send(&app, Method::PATCH, &format!("/decisions/{did}"), &app.admin, edit).await;
    assert_eq!((status, e["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("content")));
    let (status, e) = send(&app, Method::DELETE, &format!("/meetings/{id}"), &app.admin, json!(null)).await;
    assert_eq!(
        (status, e["message"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("工作例会：已有议定事项（已交办任务），不能删除"))
    );
}

#[tokio::test]
async fn the_minutes_record_has_names_not_ids() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let id = app.create("/meetings", meeting_body(&s, &day(0))).await["id"].as_i64().unwrap();
    app.create(&format!("/meetings/{id}/decisions"), decision_body(&s, "编制时序表", &day(5))).await;
    let r = tuijin::supervision::meetings::minutes_of(app.store.as_ref(), id, tuijin_domain::Lang::Zh).await.unwrap();
    assert_eq!(
        (r.chair.as_str(), r.chair_title.as_str(), r.place.as_str()),
        ("陈立民", "常务副区长", "区委三楼会议室")
    );
    assert_eq!(r.key_works, ["二七商圈区域城市复兴"]);
    let d = &r.decisions[0];
    assert_eq!((d.lead_unit.as_str(), d.supporting_units.clone()), ("区城管局", vec!["区住建局".to_string()]));
    assert_eq!(
        (d.leaders.clone(), d.task_code.as_str(), d.task_status.as_str()),
        (vec!["陈立民（常务副区长）".to_string()], "2", "未启动")
    );
}

/// Texts the server writes itself stay within the lengths the API
/// documents for them (and the office can still edit what it wrote): a
/// default meeting title after a long key work name, an agenda item built
/// from a long decision, a decision's task code under a parent with a long
/// code, or one past the largest number.
#[tokio::test]
async fn texts_the_server_writes_fit_their_fields() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let long_name = "二".repeat(200);
    let (status, kw) = send(
        &app,
        Method::PATCH,
        &format!("/key-works/{}", s.key_work),
        &app.admin,
        json!({"version": 1, "name": long_name}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{kw}");
    let meeting = app.create("/meetings", meeting_body(&s, &day(-1))).await;
    let title = meeting["title"].as_str().unwrap();
    assert_eq!(title.chars().count(), 200, "{title}");
    assert!(title.ends_with("…第1次工作例会"), "{title}");
    let id = meeting["id"].as_i64().unwrap();
    let (status, edited) =
        send(&app, Method::PATCH, &format!("/meetings/{id}"), &app.admin, json!({"version": 1, "place": "区政府"}))
            .await;
    assert_eq!(status, StatusCode::OK, "{edited}");

    // A decision of 2000 characters stays on the next meeting's agenda as an item of at most 500.
    app.create(&format!("/meetings/{id}/decisions"), decision_body(&s, &"议".repeat(2000), &day(30))).await;
    let next = app.create("/meetings", meeting_body(&s, &day(0))).await["id"].as_i64().unwrap();
    let items = agenda(&app, next).await;
    let open = items.iter().find(|i| i["kind"] == "open_decision").expect("the open decision");
    assert_eq!(open["title"].as_str().unwrap().chars().count(), 500);
    let (status, edited) = send(
        &app,
        Method::PATCH,
        &format!("/agenda-items/{}", open["id"]),
        &app.admin,
        json!({"version": open["version"], "title": open["title"], "detail": "改"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{edited}");

    // Under a parent whose code leaves no room, the decision is refused, naming the parent.
    let mut parent = task_body(s.key_work, "2", s.unit_a, s.person);
    parent["code"] = json!("1-".repeat(15) + "1"); // 31 characters
    let parent = app.create("/tasks", parent).await["id"].as_i64().unwrap();
    let mut under = decision_body(&s, "编制时序表", &day(10));
    under["parent_id"] = json!(parent);
    let (status, refused) = send(&app, Method::POST, &format!("/meetings/{next}/decisions"), &app.admin, under).await;
    assert_eq!((status, refused["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("parent_id")), "{refused}");

    // After the largest 32-bit number comes the next one (it used to overflow: a 500).
    app.create("/tasks", task_body(s.key_work, "4294967295", s.unit_a, s.person)).await;
    let decided = app.create(&format!("/meetings/{next}/decisions"), decision_body(&s, "拓宽道路", &day(10))).await;
    let task = app.get(&format!("/tasks/{}", decided["task_id"]), &app.admin).await;
    let (_, task) = body(task).await;
    assert_eq!(task["code"], "4294967296");
}
