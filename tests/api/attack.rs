//! The defects found when the server was attacked on purpose (issue 11),
//! each tried again the way the attacker tried it: redirects, lock-out,
//! credentials that could not be taken back, a disabled account on another
//! instance, unique races, missing headers, control characters, and the
//! smaller ones.

use crate::helpers::{body, spawn_app, spawn_app_with, task_body, TestApp};
use crate::web::{browser, hidden, page, sign_in, user_with_password, PASSWORD};
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::sync::Arc;
use tuijin::credentials::signin::SignIn;

/// Signs in through `next` and returns where the server sends the browser.
async fn location_after_sign_in(app: &TestApp, next: &str) -> (StatusCode, String) {
    let c = browser();
    let page = c.get(format!("{}/login", app.addr)).send().await.unwrap().text().await.unwrap();
    let csrf = hidden(&page, "csrf");
    let res = c
        .post(format!("{}/login", app.addr))
        .form(&[("username", "lm"), ("password", PASSWORD), ("csrf", &csrf), ("next", next)])
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default())
}

#[tokio::test]
async fn sign_in_sends_nobody_to_another_site() {
    let app = spawn_app().await;
    user_with_password(&app, "lm").await;
    for next in ["/\t/evil.example", "/\n/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/"] {
        assert_eq!(location_after_sign_in(&app, next).await, (StatusCode::SEE_OTHER, "/".to_string()), "{next:?}");
    }
    // A newline gave a 500 after a successful sign-in.
    assert_eq!(location_after_sign_in(&app, "/ledger\r\nSet-Cookie: x=1").await, (StatusCode::SEE_OTHER, "/".into()));
    assert_eq!(location_after_sign_in(&app, "/ledger?status=done").await.1, "/ledger?status=done");
    // The same through the sign-in page's own link: the form carries `next` on.
    let html = browser().get(format!("{}/login?next=/%09/evil.example", app.addr)).send().await.unwrap();
    assert!(html.text().await.unwrap().contains(r#"name="next" value="/""#));

    // The language switch goes back by the Referer: only to a path here.
    let c = browser();
    sign_in(&app, &c, "lm", PASSWORD).await;
    let (_, html) = page(&app, &c, "/ledger").await;
    for referer in ["http://x/%09/evil.example", "http://x//evil.example", "http://evil.example"] {
        let referer = referer.replace("%09", "\t");
        let res = c
            .post(format!("{}/language", app.addr))
            .header("referer", referer.as_str())
            .form(&[("csrf", hidden(&html, "csrf").as_str()), ("lang", "en")])
            .send()
            .await;
        // reqwest refuses to send a tab in a header; what it does send must go home.
        if let Ok(res) = res {
            assert_eq!(res.headers()["location"], "/", "{referer:?}");
        }
    }
    let res = c
        .post(format!("{}/language", app.addr))
        .header("referer", format!("{}/ledger?x=1", app.addr))
        .form(&[("csrf", hidden(&html, "csrf").as_str()), ("lang", "zh-CN")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/ledger?x=1");
}

/// Signs in as `username` from `address` (sent through the trusted proxy
/// 127.0.0.1 as X-Forwarded-For) with the browser `c`.
async fn sign_in_from(app: &TestApp, c: &Client, address: &str, username: &str, password: &str) -> reqwest::Response {
    let page = c.get(format!("{}/login", app.addr)).send().await.unwrap().text().await.unwrap();
    let csrf = hidden(&page, "csrf");
    c.post(format!("{}/login", app.addr))
        .header("x-forwarded-for", address)
        .form(&[("username", username), ("password", password), ("csrf", &csrf)])
        .send()
        .await
        .unwrap()
}

fn retry_after(res: &reqwest::Response) -> Option<u64> {
    res.headers().get("retry-after").map(|v| v.to_str().unwrap().parse().unwrap())
}

async fn behind_proxy() -> TestApp {
    spawn_app_with(|s| s.signin = Arc::new(SignIn::new(SignIn::parse_proxies("127.0.0.1").unwrap()))).await
}

#[tokio::test]
async fn wrong_passwords_from_anywhere_do_not_lock_the_right_one_out() {
    let app = behind_proxy().await;
    user_with_password(&app, "lm").await;
    // The real user signs in once from their own browser: it gets a device cookie.
    let own = browser();
    assert_eq!(sign_in_from(&app, &own, "10.0.0.7", "lm", PASSWORD).await.status(), StatusCode::SEE_OTHER);

    // A guesser: five wrong passwords from one address (this froze the
    // account for 15 minutes), then many more from a hundred addresses.
    let guesser = browser();
    for _ in 0..5 {
        assert_eq!(sign_in_from(&app, &guesser, "203.0.113.9", "lm", "wrong guess").await.status(), 401);
    }
    let res = sign_in_from(&app, &guesser, "203.0.113.9", "lm", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "the guesser's address waits, even with the password");
    assert!(retry_after(&res).unwrap() >= 1);
    for i in 0..30 {
        sign_in_from(&app, &browser(), &format!("198.51.100.{i}"), "lm", "spread guess").await;
    }
    // The right password from the user's own browser works at once.
    let res = sign_in_from(&app, &own, "10.0.0.7", "lm", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    // From a new browser it is slowed down by at most a minute, never locked out.
    let fresh = browser();
    let res = sign_in_from(&app, &fresh, "10.0.0.8", "lm", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait = retry_after(&res).unwrap();
    assert!((1..=60).contains(&wait), "waits {wait} s");
    assert!(res.text().await.unwrap().contains(&format!("请于{wait}秒后再试")));
}

#[tokio::test]
async fn a_throttled_attempt_may_try_again_after_its_wait() {
    let app = spawn_app().await;
    user_with_password(&app, "lm").await;
    let c = browser();
    for _ in 0..5 {
        assert_eq!(sign_in(&app, &c, "lm", "wrong").await.0, StatusCode::UNAUTHORIZED);
    }
    let (status, html) = sign_in(&app, &c, "lm", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(html.contains("登录失败次数较多"), "{html}");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(sign_in(&app, &c, "lm", PASSWORD).await, (StatusCode::SEE_OTHER, "/ledger".to_string()));
}

#[tokio::test]
async fn every_instance_sees_the_same_failure_counts() {
    let app = spawn_app().await;
    user_with_password(&app, "lm").await;
    let other = app.second_server().await;
    for _ in 0..5 {
        assert_eq!(sign_in_at(&app.addr, &browser(), "lm", "wrong").await, StatusCode::UNAUTHORIZED);
    }
    let status = sign_in_at(&other, &browser(), "lm", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "the second server counts the first one's failures");
}

/// Signs in at the server `addr`; returns the status.
async fn sign_in_at(addr: &str, c: &Client, username: &str, password: &str) -> StatusCode {
    let page = c.get(format!("{addr}/login")).send().await.unwrap().text().await.unwrap();
    let csrf = hidden(&page, "csrf");
    let form = [("username", username), ("password", password), ("csrf", &csrf)];
    c.post(format!("{addr}/login")).form(&form).send().await.unwrap().status()
}

#[tokio::test]
async fn trusted_proxies_alone_may_name_the_client() {
    let app = spawn_app().await;
    user_with_password(&app, "lm").await;
    // Not a trusted proxy: X-Forwarded-For is anyone's to write, so a guesser
    // cannot dodge the address count by inventing addresses.
    for i in 0..5 {
        sign_in_from(&app, &browser(), &format!("192.0.2.{i}"), "lm", "wrong").await;
    }
    assert_eq!(sign_in_from(&app, &browser(), "192.0.2.99", "lm", PASSWORD).await.status(), 429);
}

#[tokio::test]
async fn unknown_usernames_take_as_long_as_real_ones() {
    let app = spawn_app().await;
    user_with_password(&app, "lm").await;
    let time = |username: &'static str| {
        let app = &app;
        async move {
            let mut took = Vec::new();
            // Different addresses each time, so the throttle never answers first.
            for i in 0..4 {
                let c = Client::builder().redirect(Policy::none()).build().unwrap();
                let page = c.get(format!("{}/login", app.addr)).send().await.unwrap();
                let cookie = page.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
                let csrf = hidden(&page.text().await.unwrap(), "csrf");
                let started = std::time::Instant::now();
                let res = c
                    .post(format!("{}/login", app.addr))
                    .header("cookie", cookie)
                    .form(&[("username", username), ("password", &format!("wrong {i}")), ("csrf", &csrf)])
                    .send()
                    .await
                    .unwrap();
                took.push(started.elapsed().as_secs_f64());
                assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
            }
            took.sort_by(f64::total_cmp);
            took[took.len() / 2]
        }
    };
    let known = time("lm").await;
    let unknown = time("nobody-here").await;
    // Both verify one argon2 hash; before, an unknown name answered ~20 times faster.
    assert!(unknown > known * 0.4, "unknown {unknown:.4} s vs known {known:.4} s");
}

#[tokio::test]
async fn api_tokens_are_listed_named_expiring_and_revoked() {
    let app = spawn_app().await;
    let res = app.post("/tokens", &app.supervisor, json!({"name": "市平台对接", "expires_in_days": 30})).await;
    let (status, made) = body(res).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let token = made["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("tj_"));
    assert_eq!(made["name"], "市平台对接");
    assert!(made["expires_at"].is_string());
    // The new token works, and its use is recorded.
    assert_eq!(app.get("/me", &token).await.status(), StatusCode::OK);
    let mut last_used = Value::Null;
    for _ in 0..50 {
        let (_, list) = body(app.get("/tokens", &app.supervisor).await).await;
        let mine = list.as_array().unwrap().iter().find(|t| t["id"] == made["id"]).cloned().unwrap();
        assert!(mine.get("token").is_none() && mine.get("token_hash").is_none(), "never shown again: {mine}");
        last_used = mine["last_used_at"].clone();
        if last_used.is_string() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(last_used.is_string(), "last use recorded");
    // Another account's token is not the supervisor's to revoke.
    let (_, leader_tokens) = body(app.get("/tokens", &app.leader).await).await;
    let leader_token_id = leader_tokens[0]["id"].as_i64().unwrap();
    assert_eq!(app.delete(&format!("/tokens/{leader_token_id}"), &app.supervisor).await.status(), 403);
    assert_eq!(app.get("/tokens?all=true", &app.supervisor).await.status(), StatusCode::FORBIDDEN);
    let (_, all) = body(app.get("/tokens?all=true", &app.admin).await).await;
    assert!(all.as_array().unwrap().len() >= 4);
    // Revoked: refused at once.
    assert_eq!(app.delete(&format!("/tokens/{}", made["id"]), &app.supervisor).await.status(), 204);
    assert_eq!(app.get("/me", &token).await.status(), StatusCode::UNAUTHORIZED);
    // Bad input names the field.
    let (status, err) =
        body(app.post("/tokens", &app.supervisor, json!({"name": " ", "expires_in_days": 0})).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = err["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "expires_in_days"]);
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let app = spawn_app().await;
    let me = app.store.find_user("leader").await.unwrap().unwrap();
    let token = tuijin::auth::new_token();
    let new = tuijin::storage::NewToken {
        user_id: me.id,
        token_hash: tuijin::auth::token_hash(&token),
        name: "yesterday's".into(),
        expires_at: Some(chrono::Utc::now() - chrono::Duration::minutes(1)),
    };
    app.store.create_token(&tuijin::storage::system_actor(), new).await.unwrap();
    assert_eq!(app.get("/me", &token).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_administrator_signs_an_account_out_everywhere() {
    let app = spawn_app().await;
    user_with_password(&app, "lm").await;
    let c = browser();
    sign_in(&app, &c, "lm", PASSWORD).await;
    let lm = app.store.find_user("lm").await.unwrap().unwrap();
    let (_, made) = body(app.post("/tokens", &app.admin, json!({"name": "lm's script", "user_id": lm.id})).await).await;
    let token = made["token"].as_str().unwrap();
    assert_eq!(app.get("/me", token).await.status(), StatusCode::OK);
    assert_eq!(app.post(&format!("/users/{}/sign-out", lm.id), &app.supervisor, json!({})).await.status(), 403);
    let (status, out) = body(app.post(&format!("/users/{}/sign-out", lm.id), &app.admin, json!({})).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(out, json!({"sessions_ended": 1, "tokens_revoked": 1}));
    assert_eq!(app.get("/me", token).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(page(&app, &c, "/ledger").await.0, StatusCode::SEE_OTHER, "the browser is signed out");
}

#[tokio::test]
async fn changing_a_password_signs_out_the_other_browsers() {
    let app = spawn_app().await;
    user_with_password(&app, "lm").await;
    let (here, there) = (browser(), browser());
    sign_in(&app, &here, "lm", PASSWORD).await;
    sign_in(&app, &there, "lm", PASSWORD).await;
    let (_, html) = page(&app, &here, "/account").await;
    assert!(html.contains("还在其他1处登录"), "{html}");
    let new = "河道清淤-2027-春";
    let res = here
        .post(format!("{}/account/password", app.addr))
        .form(&[("csrf", hidden(&html, "csrf").as_str()), ("current", PASSWORD), ("new", new), ("repeat", new)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(page(&app, &here, "/ledger").await.0, StatusCode::OK, "this browser stays");
    assert_eq!(page(&app, &there, "/ledger").await.0, StatusCode::SEE_OTHER, "the other one is out");
    // A weak new password is refused, naming why.
    let (_, html) = page(&app, &here, "/account").await;
    let res = here
        .post(format!("{}/account/password", app.addr))
        .form(&[
            ("csrf", hidden(&html, "csrf").as_str()),
            ("current", new),
            ("new", "password"),
            ("repeat", "password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("过于常见"));
}

#[tokio::test]
async fn tokens_are_made_and_revoked_on_the_account_page() {
    let app = spawn_app().await;
    user_with_password(&app, "lm").await;
    let c = browser();
    sign_in(&app, &c, "lm", PASSWORD).await;
    let (_, html) = page(&app, &c, "/account").await;
    let res = c
        .post(format!("{}/account/tokens", app.addr))
        .form(&[("csrf", hidden(&html, "csrf").as_str()), ("name", "每周导入脚本"), ("expires_in_days", "90")])
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    let start =
        html.find("<code class=\"secret\">").expect("the token is shown once") + "<code class=\"secret\">".len();
    let token = html[start..start + 43].to_string();
    assert_eq!(app.get("/me", &token).await.status(), StatusCode::OK);
    let (_, again) = page(&app, &c, "/account").await;
    assert!(again.contains("每周导入脚本") && !again.contains(&token), "listed, never shown again");
    let id = again.split("/tokens/").nth(1).unwrap().split('/').next().unwrap().to_string();
    let res = c
        .post(format!("{}/tokens/{id}/revoke", app.addr))
        .form(&[("csrf", hidden(&again, "csrf").as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get("/me", &token).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_disabled_account_stops_at_once_on_every_instance() {
    let app = spawn_app().await;
    let other = app.second_server().await;
    let on = |addr: &str, token: &str| app.client.get(format!("{addr}/api/v1/me")).bearer_auth(token).send();
    // Both servers have seen the token (and might have cached it).
    assert_eq!(on(&app.addr, &app.supervisor).await.unwrap().status(), 200);
    assert_eq!(on(&other, &app.supervisor).await.unwrap().status(), 200);
    let supervisor = app.store.find_user("supervisor").await.unwrap().unwrap();
    let res = app.patch(&format!("/users/{}", supervisor.id), &app.admin, json!({"disabled": true})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(on(&other, &app.supervisor).await.unwrap().status(), 401, "the other server refuses it at once");
    // Writes too.
    let res = app
        .client
        .post(format!("{other}/api/v1/units"))
        .bearer_auth(&app.supervisor)
        .json(&json!({"name": "区水利局"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn two_creates_of_one_code_at_once_give_one_field_error() {
    let app = spawn_app().await;
    let seed = app.seed().await;
    for i in 0..12 {
        let code = format!("9-{i}");
        let a = app.post("/tasks", &app.admin, task_body(seed.key_work, &code, seed.unit_a, seed.person));
        let b = app.post("/tasks", &app.supervisor, task_body(seed.key_work, &code, seed.unit_a, seed.person));
        let (a, b) = tokio::join!(a, b);
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [201, 422], "code {code}");
        let refused = if a.status() == 422 { a } else { b };
        let (_, err) = body(refused).await;
        assert_eq!((err["field"].as_str(), err["errors"][0]["code"].as_str()), (Some("code"), Some("duplicate")));
    }
    for i in 0..6 {
        let name = format!("区第{i}局");
        let (a, b) = tokio::join!(
            app.post("/units", &app.admin, json!({"name": name})),
            app.post("/units", &app.supervisor, json!({"name": name}))
        );
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [201, 422], "unit {name}");
        let user = json!({"username": format!("racer{i}"), "role": "leader"});
        let (a, b) = tokio::join!(app.post("/users", &app.admin, user.clone()), app.post("/users", &app.admin, user));
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [201, 422], "username racer{i}");
    }
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = spawn_app().await;
    for res in [
        app.client.get(format!("{}/login", app.addr)).send().await.unwrap(),
        app.get("/me", &app.admin).await,
        app.client.get(format!("{}/api/v1/openapi.json", app.addr)).send().await.unwrap(),
    ] {
        let h = res.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'none'") && csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "same-origin");
        assert!(h.get("strict-transport-security").is_none(), "plain HTTP here");
    }
}

#[tokio::test]
async fn behind_https_the_cookies_are_secure() {
    let app = spawn_app_with(|s| s.secure_cookies = true).await;
    user_with_password(&app, "lm").await;
    let c = Client::builder().redirect(Policy::none()).build().unwrap();
    let login = c.get(format!("{}/login", app.addr)).send().await.unwrap();
    assert!(login.headers()["strict-transport-security"].to_str().unwrap().starts_with("max-age="));
    let csrf_cookie = login.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(csrf_cookie.contains("; Secure"), "{csrf_cookie}");
    let csrf = hidden(&login.text().await.unwrap(), "csrf");
    let res = c
        .post(format!("{}/login", app.addr))
        .header("cookie", csrf_cookie.split(';').next().unwrap())
        .form(&[("username", "lm"), ("password", PASSWORD), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    let cookies: Vec<&str> = res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).collect();
    assert!(cookies.iter().any(|c| c.starts_with("tuijin_session=")));
    assert!(cookies.iter().all(|c| c.ends_with("; Secure")), "{cookies:?}");
}

#[tokio::test]
async fn control_characters_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let seed = app.seed().await;
    // U+0000 answered 500 in five fields; U+0001 and U+000B broke the briefing.
    for (field, bad) in [
        ("title", "\u{0}道路"),
        ("description", "\u{0}x"),
        ("code", "\u{0}1"),
        ("title", "a\u{1}"),
        ("title", "a\u{b}"),
    ] {
        let mut task = task_body(seed.key_work, "8-1", seed.unit_a, seed.person);
        task[field] = json!(bad);
        let (status, err) = body(app.post("/tasks", &app.admin, task).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field} {bad:?}: {err}");
        assert_eq!(
            (err["field"].as_str(), err["errors"][0]["code"].as_str()),
            (Some(field), Some("control_character"))
        );
    }
    let mut task = task_body(seed.key_work, "8-1", seed.unit_a, seed.person);
    task["tags"] = json!(["ok", "\u{0}"]);
    assert_eq!(app.post("/tasks", &app.admin, task).await.status(), 422);
    let (status, err) = body(app.post("/units", &app.admin, json!({"name": "\u{0}区局"})).await).await;
    assert_eq!((status.as_u16(), err["field"].as_str()), (422, Some("name")));
    let (status, err) = body(app.post("/people", &app.admin, json!({"name": "张\u{7}三"})).await).await;
    assert_eq!((status.as_u16(), err["field"].as_str()), (422, Some("name")));
    // In a query string too (the ledger's search).
    let (status, err) = body(app.get("/tasks?q=%00", &app.admin).await).await;
    assert_eq!((status.as_u16(), err["field"].as_str()), (422, Some("q")));
    // In English when asked.
    let res = app
        .request(reqwest::Method::POST, "/units", &app.admin)
        .header("accept-language", "en")
        .json(&json!({"name": "a\u{1}"}))
        .send()
        .await
        .unwrap();
    let (_, err) = body(res).await;
    assert_eq!(err["message"], "name contains an invisible control character (U+0001): remove it");
    // Tabs and line breaks are text.
    let mut task = task_body(seed.key_work, "8-2", seed.unit_a, seed.person);
    task["description"] = json!("第一行\r\n第二行\t说明");
    let (status, made) = body(app.post("/tasks", &app.admin, task).await).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(made["description"], "第一行\n第二行\t说明");
}

#[tokio::test]
async fn a_page_form_with_a_control_character_is_refused() {
    let app = spawn_app().await;
    app.seed().await;
    user_with_password(&app, "lm").await;
    let c = browser();
    sign_in(&app, &c, "lm", PASSWORD).await;
    let (_, html) = page(&app, &c, "/admin/units").await;
    let res = c
        .post(format!("{}/admin/units", app.addr))
        .form(&[("csrf", hidden(&html, "csrf").as_str()), ("name", "区\u{1}水利局"), ("short_name", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("不可见的控制字符（U+0001）"), "{html}");
    let (status, _) = page(&app, &c, "/ledger?q=%01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_control_character_already_stored_does_not_break_the_briefing() {
    let app = spawn_app().await;
    let seed = app.seed().await;
    // Written straight to the database, as rows from before the rule may be.
    raw_sql(&app, &format!("UPDATE tasks SET title = 'x' || chr(1) || 'y' WHERE id = {}", seed.task)).await;
    user_with_password(&app, "lm").await;
    let c = browser();
    sign_in(&app, &c, "lm", PASSWORD).await;
    let res = c.get(format!("{}/documents/briefing?format=docx", app.addr)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    assert!(xml.contains("xy"), "the title, without its control character");
    assert!(!xml.chars().any(|c| c.is_control() && !"\t\n\r".contains(c)), "no character XML cannot hold");
}

#[tokio::test]
async fn the_smaller_ones() {
    let app = spawn_app().await;
    let seed = app.seed().await;
    // A 10 MB JSON body: 413, not 400.
    let big = format!("{{\"name\": \"{}\"}}", "x".repeat(10 * 1024 * 1024));
    let res = app
        .request(reqwest::Method::POST, "/units", &app.admin)
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    let (status, err) = body(res).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large")));
    // An upload past the evidence limit says so in the same JSON.
    let res = app
        .request(reqwest::Method::POST, "/reports/1/files?name=scan.pdf", &app.admin)
        .body(vec![b'%'; 11 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    let (status, err) = body(res).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large")));
    // A due date in year 0000 (it exported an invalid Excel date).
    let mut task = task_body(seed.key_work, "7-1", seed.unit_a, seed.person);
    task["due_date"] = json!("0000-06-30");
    let (status, err) = body(app.post("/tasks", &app.admin, task).await).await;
    assert_eq!((status.as_u16(), err["field"].as_str()), (422, Some("due_date")));
    assert_eq!(err["message"], "完成时限应在1900-01-01到2199-12-31之间");
    let res = app
        .post(
            &format!("/tasks/{}/milestones", seed.task),
            &app.admin,
            json!({"title": "完成", "planned_date": "2200-01-01"}),
        )
        .await;
    assert_eq!(res.status(), 422);
    // Tags: at most twenty.
    let mut task = task_body(seed.key_work, "7-2", seed.unit_a, seed.person);
    task["tags"] = json!((0..21).map(|i| format!("t{i}")).collect::<Vec<_>>());
    let (status, err) = body(app.post("/tasks", &app.admin, task).await).await;
    assert_eq!((status.as_u16(), err["errors"][0]["code"].as_str()), (422, Some("too_many")));
    // Passwords people guess.
    for weak in ["password", "        ", "12345678", "admin123"] {
        let (status, err) =
            body(app.post("/users", &app.admin, json!({"username": "zs", "role": "leader", "password": weak})).await)
                .await;
        assert_eq!((status.as_u16(), err["field"].as_str()), (422, Some("password")), "{weak:?}");
    }
}

/// Runs one statement on the test's database directly, past every rule.
async fn raw_sql(app: &TestApp, sql: &str) {
    use sqlx::Connection;
    if app.db_url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(&app.db_url).await.unwrap();
        sqlx::query(sql).execute(&mut c).await.unwrap();
    } else {
        let mut c = sqlx::SqliteConnection::connect(&app.db_url).await.unwrap();
        // SQLite's char() is PostgreSQL's chr().
        sqlx::query(&sql.replace("chr(", "char(")).execute(&mut c).await.unwrap();
    }
}

/// A long import from the command line holds SQLite's write lock for
/// seconds; the server's writes meanwhile failed with "database is locked"
/// after 10 s. Here another connection holds the lock for 11 s.
#[tokio::test]
async fn a_server_write_waits_out_another_process_s_long_write() {
    if std::env::var("TUIJIN_TEST_DATABASE").as_deref() == Ok("postgres") {
        return; // PostgreSQL locks rows, not the database.
    }
    use sqlx::Connection;
    let app = spawn_app().await;
    let mut other = sqlx::SqliteConnection::connect(&app.db_url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE").execute(&mut other).await.unwrap();
    let now = chrono::Utc::now();
    sqlx::query("INSERT INTO units (name, short_name, created_at, updated_at) VALUES ('区导入局', '', $1, $1)")
        .bind(now)
        .execute(&mut other)
        .await
        .unwrap();
    let write = tokio::spawn({
        let (client, url, token) = (app.client.clone(), format!("{}/api/v1/units", app.addr), app.admin.clone());
        async move { client.post(url).bearer_auth(token).json(&json!({"name": "区水利局"})).send().await.unwrap() }
    });
    tokio::time::sleep(std::time::Duration::from_secs(11)).await;
    assert!(!write.is_finished(), "the write waits for the lock");
    sqlx::query("COMMIT").execute(&mut other).await.unwrap();
    let res = write.await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let (_, units) = body(app.get("/units", &app.admin).await).await;
    assert_eq!(units.as_array().map(Vec::len), Some(2), "both writes are there: {units}");
}
