//! The office changes the ledger's structure in the browser: new tasks and
//! sub-tasks, deletions behind a confirmation page, sequencing by code,
//! sorting the ledger, and administrators disabling accounts.

use crate::helpers::{body, spawn_app, task_body, TestApp};
use crate::web::{browser, hidden, liaison_with_password, page, sign_in, user_with_password, PASSWORD};
use reqwest::{Client, StatusCode};
use serde_json::json;

/// Signs in the office's "lm" and returns the browser and a CSRF token.
async fn office(app: &TestApp) -> (Client, String) {
    user_with_password(app, "lm").await;
    let c = browser();
    sign_in(app, &c, "lm", PASSWORD).await;
    let (_, html) = page(app, &c, "/ledger").await;
    let csrf = hidden(&html, "csrf");
    (c, csrf)
}

async fn post(app: &TestApp, c: &Client, path: &str, form: &[(&str, &str)]) -> (StatusCode, String, String) {
    let res = c.post(format!("{}{path}", app.addr)).form(form).send().await.unwrap();
    let status = res.status();
    let location = res.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (status, location, res.text().await.unwrap())
}

#[tokio::test]
async fn the_office_creates_a_task_and_a_sub_task_in_the_browser() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let (c, csrf) = office(&app).await;
    let (status, html) = page(&app, &c, &format!("/tasks/new?key_work={}", s.key_work)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("新增任务") && html.contains(&format!("<option value=\"{}\" selected>", s.key_work)));
    let kw = s.key_work.to_string();
    let unit = s.unit_b.to_string();
    let person = s.person.to_string();
    // The new-task form as a browser sends it, with one field changed.
    let form = |field: &'static str, value: &'static str| {
        let mut f: Vec<(&str, String)> = vec![
            ("csrf", csrf.clone()),
            ("key_work_id", kw.clone()),
            ("code", "2".into()),
            ("title", "架空线入地".into()),
            ("lead_unit_id", unit.clone()),
            ("leader_ids", person.clone()),
            ("priority", "urgent_important".into()),
            ("status", "not_started".into()),
            ("due_date", "2021-06-30".into()),
        ];
        f.iter_mut().filter(|(k, _)| *k == field).for_each(|(_, v)| *v = value.to_string());
        f
    };
    // Missing lead unit and a malformed date: both named, nothing written.
    let mut bad = form("lead_unit_id", "");
    bad.iter_mut().filter(|(k, _)| *k == "due_date").for_each(|(_, v)| *v = "6月30日".into());
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, html) = post(&app, &c, "/tasks/new", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("责任单位不能为空") && html.contains("完成时限格式不正确"), "{html}");
    assert!(html.contains("value=\"架空线入地\""), "the user's input is kept");
    let (_, list) = body(app.get("/tasks", &app.admin).await).await;
    assert_eq!(list["total"], 1);

    let good = form("code", "2");
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, location, html) = post(&app, &c, "/tasks/new", &good).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    let (_, html) = page(&app, &c, &location).await;
    assert!(html.contains("2 架空线入地") && html.contains("区城管局"), "{html}");

    // A sub-task starts from its parent: its units, leaders and the next code.
    let (_, html) = page(&app, &c, &format!("/tasks/new?parent={}", s.task)).await;
    assert!(html.contains("name=\"code\" type=\"text\" value=\"1-1\""), "{html}");
    assert!(html.contains(&format!("<option value=\"{}\" selected>区住建局", s.unit_a)));
    let parent = s.task.to_string();
    let a = s.unit_a.to_string();
    let (status, location, html) = post(
        &app,
        &c,
        "/tasks/new",
        &[
            ("csrf", &csrf),
            ("parent_id", &parent),
            ("code", "1-1"),
            ("title", "建设路段"),
            ("lead_unit_id", &a),
            ("leader_ids", &person),
            ("priority", "normal"),
            ("status", "not_started"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    let id: i64 = location.trim_start_matches("/tasks/").parse().unwrap();
    let (_, t) = body(app.get(&format!("/tasks/{id}"), &app.admin).await).await;
    assert_eq!((t["parent_id"].as_i64(), t["key_work_id"].as_i64()), (Some(s.task), Some(s.key_work)));

    // A liaison is refused the form and the submission.
    liaison_with_password(&app, "own", s.unit_a).await;
    let l = browser();
    sign_in(&app, &l, "own", PASSWORD).await;
    let (status, _) = page(&app, &l, "/tasks/new").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, html) = page(&app, &l, "/ledger").await;
    assert!(!html.contains("/tasks/new"), "no link for a liaison");
    let lcsrf = hidden(&html, "csrf");
    let (status, _, _) = post(
        &app,
        &l,
        "/tasks/new",
        &[
            ("csrf", &lcsrf),
            ("key_work_id", &kw),
            ("code", "9"),
            ("title", "x"),
            ("lead_unit_id", &a),
            ("leader_ids", &person),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn deleting_asks_first_refuses_what_is_still_used_and_keeps_the_history() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let mut sub = task_body(s.key_work, "1-1", s.unit_a, s.person);
    sub["parent_id"] = json!(s.task);
    let child = app.create("/tasks", sub).await["id"].as_i64().unwrap();
    let milestone = app
        .create(&format!("/tasks/{}/milestones", s.task), json!({"title": "完成7条", "planned_date": "2021-06-30"}))
        .await["id"]
        .as_i64()
        .unwrap();
    let (c, csrf) = office(&app).await;

    // A task with a sub-task: the page says why, offers no button, and the server refuses anyway.
    let (status, html) = page(&app, &c, &format!("/delete/task/{}", s.task)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("该任务还有 1 项子任务") && !html.contains("确认删除"), "{html}");
    let (status, _, html) = post(&app, &c, &format!("/delete/task/{}", s.task), &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("仍被其他记录引用，不能删除"), "{html}");

    // Without the form's token nothing happens.
    let (status, _, _) = post(&app, &c, &format!("/delete/task/{child}"), &[("csrf", "forged")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, html) = page(&app, &c, &format!("/delete/task/{child}")).await;
    assert!(html.contains("1-1 道路有机更新 1-1") && html.contains("确认删除"), "{html}");
    assert!(html.contains("将同时删除其 0 个时间节点和 0 项工程时序"), "{html}");
    let (status, location, _) = post(&app, &c, &format!("/delete/task/{child}"), &[("csrf", &csrf)]).await;
    assert_eq!((status, location), (StatusCode::SEE_OTHER, format!("/ledger?key_work={}", s.key_work)));
    let (status, _) = body(app.get(&format!("/tasks/{child}"), &app.admin).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, location, _) = post(&app, &c, &format!("/delete/milestone/{milestone}"), &[("csrf", &csrf)]).await;
    assert_eq!((status, location), (StatusCode::SEE_OTHER, format!("/tasks/{}", s.task)));
    let (_, history) = body(app.get(&format!("/tasks/{}/history", s.task), &app.admin).await).await;
    let deleted = history.as_array().unwrap().iter().any(|h| h["entity"] == "milestone" && h["action"] == "delete");
    assert!(deleted, "the deleted milestone stays in the history: {history}");

    // A unit that leads work cannot go; an unused one can.
    let (status, _, html) = post(&app, &c, &format!("/delete/unit/{}", s.unit_a), &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("不能删除"), "{html}");
    let spare = app.create("/units", json!({"name": "区档案馆"})).await["id"].as_i64().unwrap();
    let (_, html) = page(&app, &c, "/admin/units").await;
    assert!(html.contains(&format!("/delete/unit/{spare}")), "each row links to its deletion");
    let (status, location, _) = post(&app, &c, &format!("/delete/unit/{spare}"), &[("csrf", &csrf)]).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/admin/units"));

    // A liaison may not delete.
    liaison_with_password(&app, "own", s.unit_a).await;
    let l = browser();
    sign_in(&app, &l, "own", PASSWORD).await;
    let (status, _) = page(&app, &l, &format!("/delete/task/{}", s.task)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, html) = page(&app, &l, &format!("/tasks/{}", s.task)).await;
    assert!(!html.contains("/delete/"), "no deletion links for a liaison");
    let lcsrf = hidden(&html, "csrf");
    let (status, _, _) = post(&app, &l, &format!("/delete/task/{}", s.task), &[("csrf", &lcsrf)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = body(app.get(&format!("/tasks/{}", s.task), &app.admin).await).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_office_links_tasks_in_sequence_by_their_codes() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let second = app.create("/tasks", task_body(s.key_work, "2", s.unit_b, s.person)).await["id"].as_i64().unwrap();
    let (c, csrf) = office(&app).await;
    let url = format!("/tasks/{}/relations", s.task);
    let (status, _, html) = post(&app, &c, &url, &[("csrf", &csrf), ("direction", "precedes"), ("code", "9")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("找不到任务（9）"), "{html}");
    let (status, _, html) =
        post(&app, &c, &url, &[("csrf", &csrf), ("direction", "precedes"), ("code", "2"), ("lag_days", "七")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("间隔天数格式不正确，应为整数"), "{html}");
    let (status, _, _) =
        post(&app, &c, &url, &[("csrf", &csrf), ("direction", "precedes"), ("code", "2"), ("lag_days", "7")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = page(&app, &c, &format!("/tasks/{second}")).await;
    assert!(html.contains("后于 1 道路有机更新 1（间隔 7 天）"), "{html}");
    // The reverse link would make a cycle.
    let back = format!("/tasks/{second}/relations");
    let (status, _, html) = post(&app, &c, &back, &[("csrf", &csrf), ("direction", "precedes"), ("code", "1")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    // Deleting it from the task page returns there.
    let (_, relations) = body(app.get("/relations", &app.admin).await).await;
    let rel = relations[0]["id"].as_i64().unwrap();
    let path = format!("/delete/relation/{rel}?from=/tasks/{second}");
    assert!(page(&app, &c, &format!("/tasks/{second}")).await.1.contains(&path), "a deletion link by the relation");
    let (_, confirm) = page(&app, &c, &path).await;
    assert!(confirm.contains("1 道路有机更新 1 先于 2 道路有机更新 2"), "{confirm}");
    let (status, location, _) = post(&app, &c, &path, &[("csrf", &csrf)]).await;
    assert_eq!((status, location), (StatusCode::SEE_OTHER, format!("/tasks/{second}")));
    let (_, relations) = body(app.get("/relations", &app.admin).await).await;
    assert_eq!(relations, json!([]));
}

#[tokio::test]
async fn ledger_headings_sort_and_keep_the_filter() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let mut early = task_body(s.key_work, "2", s.unit_a, s.person);
    early["due_date"] = json!("2021-05-01");
    early["title"] = json!("早到期的任务");
    app.create("/tasks", early).await;
    let (c, _) = office(&app).await;
    let (_, html) = page(&app, &c, &format!("/ledger?lead_unit={}", s.unit_a)).await;
    let due_link = format!("/ledger?lead_unit={}&#38;sort=due_date&#38;page=1", s.unit_a);
    assert!(html.contains(&due_link), "{html}");
    let (_, html) = page(&app, &c, &format!("/ledger?lead_unit={}&sort=-due_date", s.unit_a)).await;
    let (late, early) = (html.find("道路有机更新 1").unwrap(), html.find("早到期的任务").unwrap());
    assert!(late < early, "descending due date");
    assert!(html.contains("aria-sort=\"descending\""));
    let (_, html) = page(&app, &c, &format!("/ledger?lead_unit={}&sort=due_date", s.unit_a)).await;
    assert!(html.find("早到期的任务").unwrap() < html.find("道路有机更新 1").unwrap(), "ascending");
}

#[tokio::test]
async fn a_disabled_account_is_signed_out_and_cannot_sign_in() {
    let app = spawn_app().await;
    let s = app.seed().await;
    liaison_with_password(&app, "own", s.unit_a).await;
    let l = browser();
    sign_in(&app, &l, "own", PASSWORD).await;
    assert_eq!(page(&app, &l, "/ledger").await.0, StatusCode::OK);

    let admin = browser();
    crate::web::account_with_password(&app, "boss", tuijin_domain::access::Role::Admin, None).await;
    sign_in(&app, &admin, "boss", PASSWORD).await;
    let (_, html) = page(&app, &admin, "/admin/users").await;
    let csrf = hidden(&html, "csrf");
    let users = app.store.list_users().await.unwrap();
    let own = users.iter().find(|u| u.username == "own").unwrap().id;
    let me = users.iter().find(|u| u.username == "boss").unwrap().id;
    let unit = s.unit_a.to_string();
    let (status, _, html) = post(
        &app,
        &admin,
        &format!("/admin/users/{own}"),
        &[
            ("csrf", &csrf),
            ("display_name", "住建局 王五"),
            ("role", "liaison"),
            ("unit_id", &unit),
            ("disabled", "false"),
            ("disabled", "true"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("已停用") && html.contains("value=\"住建局 王五\""), "{html}");
    // The open session ends at once, and signing in again is refused with the reason.
    assert_eq!(page(&app, &l, "/ledger").await.0, StatusCode::SEE_OTHER);
    let (status, html) = sign_in(&app, &l, "own", PASSWORD).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("该账号已停用"), "{html}");
    // A wrong password says nothing about the account.
    let (status, html) = sign_in(&app, &l, "own", "not the password").await;
    assert!(status == StatusCode::UNAUTHORIZED && !html.contains("停用"));

    // An administrator cannot lock themselves out.
    let (status, _, html) = post(
        &app,
        &admin,
        &format!("/admin/users/{me}"),
        &[("csrf", &csrf), ("display_name", "boss"), ("role", "admin"), ("disabled", "true")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("不能停用自己的账号"), "{html}");
    // A liaison needs a unit.
    let (status, _, html) = post(
        &app,
        &admin,
        &format!("/admin/users/{own}"),
        &[("csrf", &csrf), ("display_name", "x"), ("role", "liaison"), ("unit_id", ""), ("disabled", "false")],
    )
    .await;
    assert!(status == StatusCode::UNPROCESSABLE_ENTITY && html.contains("联络员必须绑定单位"), "{html}");
}

#[tokio::test]
async fn disabling_an_account_stops_its_api_token_at_once() {
    let app = spawn_app().await;
    let (status, _) = body(app.get("/me", &app.leader).await).await;
    assert_eq!(status, StatusCode::OK, "the token is cached now");
    let leader = app.store.list_users().await.unwrap().into_iter().find(|u| u.username == "leader").unwrap();
    let (status, u) =
        body(app.patch(&format!("/users/{}", leader.id), &app.admin, json!({"disabled": true})).await).await;
    assert_eq!((status, u["disabled"].as_bool()), (StatusCode::OK, Some(true)));
    let (status, _) = body(app.get("/me", &app.leader).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) =
        body(app.patch(&format!("/users/{}", leader.id), &app.admin, json!({"disabled": false})).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body(app.get("/me", &app.leader).await).await.0, StatusCode::OK);
}
