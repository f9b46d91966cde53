//! The web pages through a real HTTP client with a cookie jar: sign-in,
//! CSRF, throttling, the ledger, a task page, escaping and the language.

use crate::helpers::{spawn_app, task_body, TestApp};
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use serde_json::json;
use tuijin::storage::NewUser;
use tuijin_domain::access::Role;

const PASSWORD: &str = "推进2021 long";

fn browser() -> Client {
    Client::builder().cookie_store(true).redirect(Policy::none()).build().unwrap()
}

async fn user_with_password(app: &TestApp, username: &str) {
    let hash = tuijin::auth::hash_password(PASSWORD).unwrap();
    app.store
        .create_user(NewUser {
            username: username.into(),
            display_name: "督查室 李明".into(),
            role: Role::Supervisor,
            unit_id: None,
            password_hash: Some(hash),
        })
        .await
        .unwrap();
}

fn hidden(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let start = html.find(&key).unwrap_or_else(|| panic!("no {name} in {html}")) + key.len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

/// Opens the sign-in page and submits it; returns the status of the submit.
async fn sign_in(app: &TestApp, c: &Client, username: &str, password: &str) -> (StatusCode, String) {
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

async fn page(app: &TestApp, c: &Client, path: &str) -> (StatusCode, String) {
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
    // Even the right password waits now.
    let (status, html) = sign_in(&app, &c, "lm", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(html.contains("登录失败次数过多"));
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
