//! The web pages through a real HTTP client with a cookie jar: sign-in,
//! CSRF, throttling, the ledger, a task page, escaping and the language.

use crate::helpers::{spawn_app, task_body, TestApp};
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use serde_json::json;
use tuijin::storage::NewUser;
use tuijin_domain::access::Role;

pub(crate) const PASSWORD: &str = "推进2021 long";

pub(crate) fn browser() -> Client {
    Client::builder().cookie_store(true).redirect(Policy::none()).build().unwrap()
}

pub(crate) async fn account_with_password(app: &TestApp, username: &str, role: Role, unit_id: Option<i64>) {
    let hash = tuijin::auth::hash_password(PASSWORD).unwrap();
    let display_name = if role == Role::Supervisor { "督查室 李明" } else { "联络员" }.to_string();
    let new = NewUser { username: username.into(), display_name, role, unit_id, password_hash: Some(hash) };
    app.store.create_user(new).await.unwrap();
}

pub(crate) async fn user_with_password(app: &TestApp, username: &str) {
    account_with_password(app, username, Role::Supervisor, None).await;
}

pub(crate) async fn liaison_with_password(app: &TestApp, username: &str, unit: i64) {
    account_with_password(app, username, Role::Liaison, Some(unit)).await;
}

pub(crate) fn hidden(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let start = html.find(&key).unwrap_or_else(|| panic!("no {name} in {html}")) + key.len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

/// Opens the sign-in page and submits it; returns the status of the submit.
pub(crate) async fn sign_in(app: &TestApp, c: &Client, username: &str, password: &str) -> (StatusCode, String) {
    let page = c.get(format!("{}/login?next=/ledger", app.addr)).send().await.unwrap().text().await.unwrap();
    let csrf = hidden(&page, "csrf");
    let res = c
        .post(format!("{}/login", app.addr))
        .form(&[("username", username), ("password", password), ("csrf", &csrf), ("next", "/ledger")])
        .send()
        .await
        .unwrap();
    let status = res.status();
    let location = res.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let body = res.text().await.unwrap();
    (status, if location.is_empty() { body } else { location })
}

pub(crate) async fn page(app: &TestApp, c: &Client, path: &str) -> (StatusCode, String) {
    let res = c.get(format!("{}{path}", app.addr)).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

#[tokio::test]
async fn pages_need_a_session_and_send_you_back_after_sign_in() {
    let app = spawn_app().await;
    let c = browser();
    let res = c.get(format!("{}/ledger?status=done", app.addr)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login?next=%2Fledger%3Fstatus%3Ddone");
    user_with_password(&app, "lm").await;
    let (status, to) = sign_in(&app, &c, "lm", PASSWORD).await;
    assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/ledger"));
    let (status, html) = page(&app, &c, "/ledger").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("工作台账") && html.contains("督查室 李明"), "{html}");
}

#[tokio::test]
async fn session_cookie_is_http_only_and_same_site() {
    let app = spawn_app().await;
    user_with_password(&app, "lm").await;
    let c = Client::builder().redirect(Policy::none()).build().unwrap();
    let login = c.get(format!("{}/login", app.addr)).send().await.unwrap();
    let csrf_cookie = login.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let csrf = hidden(&login.text().await.unwrap(), "csrf");
    let res = c
        .post(format!("{}/login", app.addr))
        .header("cookie", csrf_cookie)
        .form(&[("username", "lm"), ("password", PASSWORD), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    let cookies: Vec<&str> = res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).collect();
    let session = cookies.iter().find(|c| c.starts_with("tuijin_session=")).expect("session cookie");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"), "{session}");
}

#[tokio::test]
async fn wrong_passwords_are_refused_then_throttled() {
    let app = spawn_app().await;
    user_with_password(&app, "lm").await;
    let c = browser();
    let (status, html) = sign_in(&app, &c, "lm", "wrong password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(html.contains("用户名或密码不正确"));
    for _ in 0..4 {
        sign_in(&app, &c, "lm", "wrong again").await;
    }
    // Even the right password waits now (see attack.rs for how long).
    let (status, html) = sign_in(&app, &c, "lm", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(html.contains("登录失败次数较多"));
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    let app = spawn_app().await;
    user_with_password(&app, "lm").await;
    let c = browser();
    // Sign-in without the page's token.
    let res = c
        .post(format!("{}/login", app.addr))
        .form(&[("username", "lm"), ("password", PASSWORD), ("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    sign_in(&app, &c, "lm", PASSWORD).await;
    let res = c.post(format!("{}/logout", app.addr)).form(&[("csrf", "forged")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (_, html) = page(&app, &c, "/ledger").await;
    let res = c.post(format!("{}/logout", app.addr)).form(&[("csrf", hidden(&html, "csrf"))]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, _) = page(&app, &c, "/ledger").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "signed out");
}

#[tokio::test]
async fn the_ledger_filters_and_escapes_and_the_task_page_tells_its_history() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let mut evil = task_body(s.key_work, "2", s.unit_b, s.person);
    evil["title"] = json!("<script>alert(1)</script>");
    app.create("/tasks", evil).await;
    app.patch(&format!("/tasks/{}", s.task), &app.admin, json!({"version": 1, "due_date": "2022-01-31"})).await;
    user_with_password(&app, "lm").await;
    let c = browser();
    sign_in(&app, &c, "lm", PASSWORD).await;

    let (_, html) = page(&app, &c, "/ledger").await;
    assert!(html.contains("共 2 项"));
    assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62;") && !html.contains("<script>alert"), "escaped");
    assert!(html.contains("二七商圈区域城市复兴"), "grouped by key work");
    let (_, html) = page(&app, &c, &format!("/ledger?lead_unit={}&key_work=&q=", s.unit_a)).await;
    assert!(html.contains("共 1 项") && html.contains("道路有机更新 1"), "{html}");
    assert!(html.contains(&format!("<option value=\"{}\" selected>", s.unit_a)), "the filter stays selected");

    let (status, html) = page(&app, &c, &format!("/tasks/{}", s.task)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("admin 测试"), "{html}");
    assert!(html.contains("将完成时限由“2021年12月31日”改为“2022年1月31日”"), "{html}");
    assert!(html.contains("1.2亿元"), "planned investment 12000.5 万元 in 亿元: {html}");
}

#[tokio::test]
async fn the_language_switch_is_remembered_with_the_account() {
    let app = spawn_app().await;
    user_with_password(&app, "lm").await;
    let c = browser();
    sign_in(&app, &c, "lm", PASSWORD).await;
    let (_, html) = page(&app, &c, "/ledger").await;
    let res = c
        .post(format!("{}/language", app.addr))
        .form(&[("csrf", hidden(&html, "csrf").as_str()), ("lang", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&app, &c, "/ledger").await;
    assert!(html.contains("<html lang=\"en\">") && html.contains(">Ledger<"), "{html}");
    // A new session on another browser still reads English.
    let other = browser();
    sign_in(&app, &other, "lm", PASSWORD).await;
    let (_, html) = page(&app, &other, "/ledger").await;
    assert!(html.contains("Sign out"));
}

/// Posts the task's edit form with these fields changed (others as stored).
async fn post_edit(
    app: &TestApp,
    c: &Client,
    task: i64,
    version: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let (_, form) = page(app, c, &format!("/tasks/{task}/edit")).await;
    let csrf = hidden(&form, "csrf");
    let mut body: Vec<(&str, &str)> = vec![("csrf", &csrf), ("version", version)];
    body.extend_from_slice(fields);
    let res = c.post(format!("{}/tasks/{task}/edit", app.addr)).form(&body).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

#[tokio::test]
async fn the_office_edits_a_task_and_sees_it_in_the_history() {
    let app = spawn_app().await;
    let s = app.seed().await;
    user_with_password(&app, "lm").await;
    let c = browser();
    sign_in(&app, &c, "lm", PASSWORD).await;
    let (status, form) = page(&app, &c, &format!("/tasks/{}/edit", s.task)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(hidden(&form, "version"), "1");
    assert!(form.contains("value=\"2021-12-31\""), "the stored due date is filled in");
    let (status, _) = post_edit(&app, &c, s.task, "1", &[("due_date", "2022-01-31"), ("percent_complete", "45")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = page(&app, &c, &format!("/tasks/{}", s.task)).await;
    assert!(html.contains("将完成时限由“2021年12月31日”改为“2022年1月31日”"), "{html}");
    assert!(html.contains("45%"));
}

#[tokio::test]
async fn invalid_input_is_shown_next_to_its_field_and_nothing_is_written() {
    let app = spawn_app().await;
    let s = app.seed().await;
    user_with_password(&app, "lm").await;
    let c = browser();
    sign_in(&app, &c, "lm", PASSWORD).await;
    let (status, html) =
        post_edit(&app, &c, s.task, "1", &[("due_date", "2021-01-01"), ("percent_complete", "百分之五十")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"e-percent_complete\">完成进度格式不正确"), "{html}");
    assert!(html.contains("value=\"百分之五十\""), "the user's entry is kept: {html}");
    let (status, html) = post_edit(&app, &c, s.task, "1", &[("due_date", "2021-01-01")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"e-due_date\">完成时限不能早于开始日期"), "{html}");
    let (_, t) = crate::helpers::body(app.get(&format!("/tasks/{}", s.task), &app.admin).await).await;
    assert_eq!((t["version"].as_i64(), t["due_date"].as_str()), (Some(1), Some("2021-12-31")));
}

#[tokio::test]
async fn a_stale_edit_shows_what_differs_and_can_be_applied_again() {
    let app = spawn_app().await;
    let s = app.seed().await;
    user_with_password(&app, "lm").await;
    let c = browser();
    sign_in(&app, &c, "lm", PASSWORD).await;
    // Someone else changes the task after this user opened the form at version 1.
    app.patch(&format!("/tasks/{}", s.task), &app.admin, json!({"version": 1, "status": "paused"})).await;
    let (status, html) =
        post_edit(&app, &c, s.task, "1", &[("status", "in_progress"), ("title", "道路有机更新（一期）")]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("已被他人修改"), "{html}");
    assert!(html.contains("<th>状态</th><td>in_progress</td><td>paused</td>"), "{html}");
    assert_eq!(hidden(&html, "version"), "2", "saving again applies over the current version");
    let (_, t) = crate::helpers::body(app.get(&format!("/tasks/{}", s.task), &app.admin).await).await;
    assert_eq!(t["status"], "paused", "nothing was overwritten");
    let (status, _) =
        post_edit(&app, &c, s.task, "2", &[("status", "in_progress"), ("title", "道路有机更新（一期）")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, t) = crate::helpers::body(app.get(&format!("/tasks/{}", s.task), &app.admin).await).await;
    assert_eq!((t["status"].as_str(), t["title"].as_str()), (Some("in_progress"), Some("道路有机更新（一期）")));
}

#[tokio::test]
async fn liaisons_edit_only_their_units_work_in_the_browser_too() {
    let app = spawn_app().await;
    let s = app.seed().await;
    liaison_with_password(&app, "own", s.unit_a).await;
    liaison_with_password(&app, "other", s.unit_b).await;
    let outsider = browser();
    sign_in(&app, &outsider, "other", PASSWORD).await;
    let (status, _) = page(&app, &outsider, &format!("/tasks/{}/edit", s.task)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, task_page) = page(&app, &outsider, &format!("/tasks/{}", s.task)).await;
    assert!(!task_page.contains("/edit\""), "no edit link for another unit's task");

    let own = browser();
    sign_in(&app, &own, "own", PASSWORD).await;
    let (_, form) = page(&app, &own, &format!("/tasks/{}/edit", s.task)).await;
    assert!(
        form.contains("name=\"title\" type=\"text\" value=\"道路有机更新 1\" disabled"),
        "locked fields are disabled: {form}"
    );
    let unit_b = s.unit_b.to_string();
    let (status, html) = post_edit(&app, &own, s.task, "1", &[("lead_unit_id", &unit_b)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("您的角色不能修改：责任单位"), "{html}");
    let (status, _) =
        post_edit(&app, &own, s.task, "1", &[("percent_complete", "60"), ("status", "in_progress")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_dashboard_counts_per_key_work_and_lists_overdue_tasks() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let mut done = task_body(s.key_work, "2", s.unit_a, s.person);
    done["status"] = json!("done");
    app.create("/tasks", done).await;
    // A sub-task's investment is part of its parent's: not counted twice.
    let mut child = task_body(s.key_work, "1-1", s.unit_a, s.person);
    child["parent_id"] = json!(s.task);
    child["planned_investment"] = json!("5000");
    child["target"] = serde_json::Value::Null;
    app.create("/tasks", child).await;
    user_with_password(&app, "lm").await;
    let c = browser();
    sign_in(&app, &c, "lm", PASSWORD).await;
    let (status, html) = page(&app, &c, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("二七商圈区域城市复兴") && html.contains("共 3 项任务"), "{html}");
    assert!(html.contains("逾期 2 项"), "the open tasks due in 2021 are overdue: {html}");
    assert!(html.contains("<rect") && html.contains("已完成 1"), "a status bar: {html}");
    assert!(html.contains("2 项量化指标，平均完成 20%"), "{html}");
    assert!(html.contains("投资：计划 2.4亿元"), "{html}");
    assert!(html.contains("道路有机更新 1") && html.contains("逾期任务"), "the overdue list: {html}");
    assert!(!html.contains("本单位任务"), "only liaisons have a unit list");

    liaison_with_password(&app, "own", s.unit_a).await;
    let l = browser();
    sign_in(&app, &l, "own", PASSWORD).await;
    let (_, html) = page(&app, &l, "/").await;
    let mine = html.find("本单位任务").expect("a liaison sees their unit first");
    assert!(mine < html.find("总览</h1>").unwrap());
}

#[tokio::test]
async fn a_user_changes_their_own_password() {
    let app = spawn_app().await;
    user_with_password(&app, "lm").await;
    let c = browser();
    sign_in(&app, &c, "lm", PASSWORD).await;
    let (_, form) = page(&app, &c, "/account").await;
    let csrf = hidden(&form, "csrf");
    let post = |current: &'static str, new: &'static str, repeat: &'static str| {
        let req = c.post(format!("{}/account/password", app.addr));
        let csrf = csrf.clone();
        async move {
            let res = req
                .form(&[("csrf", csrf.as_str()), ("current", current), ("new", new), ("repeat", repeat)])
                .send()
                .await
                .unwrap();
            (res.status(), res.text().await.unwrap())
        }
    };
    let (status, html) = post("wrong password", "a new secret", "a new secret").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("当前密码不正确"));
    let (status, html) = post(PASSWORD, "short", "short").await;
    assert!(status == StatusCode::UNPROCESSABLE_ENTITY && html.contains("密码至少需要8个字符"));
    let (status, html) = post(PASSWORD, "a new secret", "another secret").await;
    assert!(status == StatusCode::UNPROCESSABLE_ENTITY && html.contains("不一致"));
    let (status, html) = post(PASSWORD, "a new secret", "a new secret").await;
    assert!(status == StatusCode::OK && html.contains("密码已修改"), "{html}");
    let (status, _) = sign_in(&app, &browser(), "lm", PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the old password no longer works");
    let (status, _) = sign_in(&app, &browser(), "lm", "a new secret").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn administrators_add_accounts_and_reset_passwords() {
    let app = spawn_app().await;
    let s = app.seed().await;
    user_with_password(&app, "lm").await;
    account_with_password(&app, "root", Role::Admin, None).await;
    // A supervisor may not.
    let c = browser();
    sign_in(&app, &c, "lm", PASSWORD).await;
    let (status, html) = page(&app, &c, "/admin/users").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, dash) = page(&app, &c, "/").await;
    assert!(!dash.contains("/admin/users"), "no accounts link for a supervisor: {html}");

    let admin = browser();
    sign_in(&app, &admin, "root", PASSWORD).await;
    let (status, html) = page(&app, &admin, "/admin/users").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = hidden(&html, "csrf");
    let unit = s.unit_a.to_string();
    let add = |username: &'static str, role: &'static str, unit: String| {
        let req = admin.post(format!("{}/admin/users", app.addr));
        let csrf = csrf.clone();
        async move {
            let res = req
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("username", username),
                    ("display_name", "张倩"),
                    ("role", role),
                    ("unit_id", &unit),
                    ("password", "first password"),
                ])
                .send()
                .await
                .unwrap();
            (res.status(), res.text().await.unwrap())
        }
    };
    let (status, html) = add("zq", "liaison", String::new()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("联络员必须绑定单位"), "{html}");
    let (status, html) = add("zq", "liaison", unit).await;
    assert!(status == StatusCode::OK && html.contains("账号已创建") && html.contains("区住建局"), "{html}");
    let (status, _) = sign_in(&app, &browser(), "zq", "first password").await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    let id = app.store.find_user("zq").await.unwrap().unwrap().id;
    let res = admin
        .post(format!("{}/admin/users/{id}/password", app.addr))
        .form(&[("csrf", csrf.as_str()), ("password", "reset by admin")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (status, _) = sign_in(&app, &browser(), "zq", "reset by admin").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_liaison_records_a_milestone_done_but_cannot_move_it() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let m = app
        .create(
            &format!("/tasks/{}/milestones", s.task),
            json!({"title": "完成7条", "planned_date": "2021-06-30", "planned_value": "7"}),
        )
        .await;
    let id = m["id"].as_i64().unwrap();
    liaison_with_password(&app, "own", s.unit_a).await;
    let c = browser();
    sign_in(&app, &c, "own", PASSWORD).await;
    let (_, task) = page(&app, &c, &format!("/tasks/{}", s.task)).await;
    assert!(task.contains(&format!("/milestones/{id}/edit")), "an edit link per milestone");
    let (status, form) = page(&app, &c, &format!("/milestones/{id}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("name=\"planned_date\" type=\"date\" value=\"2021-06-30\" disabled"), "{form}");
    let csrf = hidden(&form, "csrf");
    let post = |fields: Vec<(&'static str, String)>| {
        let req = c.post(format!("{}/milestones/{id}/edit", app.addr));
        let mut body = vec![("csrf", csrf.clone())];
        body.extend(fields);
        async move {
            let res = req.form(&body).send().await.unwrap();
            (res.status(), res.text().await.unwrap())
        }
    };
    let (status, html) = post(vec![("version", "1".into()), ("planned_date", "2021-09-30".into())]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("您的角色不能修改：计划日期"), "{html}");
    let (status, html) = post(vec![("version", "1".into()), ("actual_value", "七".into())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("实际值格式不正确"), "{html}");
    let done = vec![
        ("version", "1".to_string()),
        ("actual_date", "2021-06-28".to_string()),
        ("actual_value", "7".to_string()),
        ("done", "false".to_string()),
        ("done", "true".to_string()),
    ];
    let (status, _) = post(done.clone()).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, stored) = crate::helpers::body(app.get(&format!("/milestones/{id}"), &app.admin).await).await;
    assert_eq!(
        (stored["done"].as_bool(), stored["actual_value"].as_str(), stored["version"].as_i64()),
        (Some(true), Some("7"), Some(2))
    );
    // The same form sent again is stale now.
    let (status, html) = post(done).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("已被他人修改"));
}

#[tokio::test]
async fn the_office_maintains_units_people_and_key_works() {
    let app = spawn_app().await;
    let s = app.seed().await;
    user_with_password(&app, "lm").await;
    let c = browser();
    sign_in(&app, &c, "lm", PASSWORD).await;
    let (status, html) = page(&app, &c, "/admin/units").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("value=\"区住建局\""), "{html}");
    let csrf = hidden(&html, "csrf");
    let post = |path: String, form: Vec<(&'static str, String)>| {
        let req = c.post(format!("{}{path}", app.addr));
        let mut body = vec![("csrf", csrf.clone())];
        body.extend(form);
        async move {
            let res = req.form(&body).send().await.unwrap();
            (res.status(), res.text().await.unwrap())
        }
    };
    let (status, html) =
        post("/admin/units".into(), vec![("name", "区发改委".into()), ("short_name", "发改".into())]).await;
    assert!(status == StatusCode::OK && html.contains("已保存") && html.contains("value=\"区发改委\""), "{html}");
    let (status, html) = post("/admin/units".into(), vec![("name", "区发改委".into())]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("名称“区发改委”已存在"), "{html}");
    let unit = format!("/admin/units/{}", s.unit_b);
    let (status, _) = post(unit.clone(), vec![("version", "1".into()), ("name", "区城市管理局".into())]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, html) = post(unit, vec![("version", "1".into()), ("name", "区城管".into())]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{html}");
    let (status, html) = post(
        "/admin/people".into(),
        vec![("name", "李四".into()), ("title", "副区长".into()), ("unit_id", s.unit_a.to_string())],
    )
    .await;
    assert!(status == StatusCode::OK && html.contains("value=\"李四\""), "{html}");
    let (status, html) = post(
        format!("/admin/key-works/{}", s.key_work),
        vec![
            ("version", "1".into()),
            ("name", "二七商圈区域城市复兴（一号工程）".into()),
            ("lead_body_unit_id", s.unit_a.to_string()),
            ("lead_leader_id", s.person.to_string()),
        ],
    )
    .await;
    assert!(status == StatusCode::OK && html.contains("一号工程"), "{html}");
    // Leaders and liaisons may not.
    liaison_with_password(&app, "own", s.unit_a).await;
    let l = browser();
    sign_in(&app, &l, "own", PASSWORD).await;
    let (status, _) = page(&app, &l, "/admin/people").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_office_adds_a_milestone_from_the_task_page() {
    let app = spawn_app().await;
    let s = app.seed().await;
    user_with_password(&app, "lm").await;
    let c = browser();
    sign_in(&app, &c, "lm", PASSWORD).await;
    let (_, html) = page(&app, &c, &format!("/tasks/{}", s.task)).await;
    let csrf = hidden(&html, "csrf");
    let url = format!("{}/tasks/{}/milestones", app.addr, s.task);
    let res = c
        .post(&url)
        .form(&[("csrf", csrf.as_str()), ("title", "完成7条"), ("planned_date", "2021-06-30"), ("planned_value", "七")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("计划值格式不正确"));
    let res = c
        .post(&url)
        .form(&[("csrf", csrf.as_str()), ("title", "完成7条"), ("planned_date", "2021-06-30"), ("planned_value", "7")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&app, &c, &format!("/tasks/{}", s.task)).await;
    assert!(html.contains("2021年6月30日</strong> 完成7条"), "{html}");
    // A liaison sees no such form and is refused anyway.
    liaison_with_password(&app, "own", s.unit_a).await;
    let l = browser();
    sign_in(&app, &l, "own", PASSWORD).await;
    let (_, html) = page(&app, &l, &format!("/tasks/{}", s.task)).await;
    assert!(!html.contains("add-ms"));
    let csrf = hidden(&html, "csrf");
    let res = l
        .post(&url)
        .form(&[("csrf", csrf.as_str()), ("title", "x"), ("planned_date", "2021-07-01")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
