//! The reminders as people meet them: the inbox over the API and in the
//! browser, 已知悉, the header's count, a leader reached through the
//! person linked to their account, and the office's group-robot page.

use crate::helpers::{account, body, spawn_app};
use crate::web::{browser, hidden, liaison_with_password, page, sign_in, user_with_password, PASSWORD};
use reqwest::StatusCode;
use serde_json::json;
use tuijin::storage::{Channel, NewNotification};
use tuijin_domain::access::Role;

fn reminder(key: &str, unit: Option<i64>, person: Option<i64>, title: &str) -> NewNotification {
    NewNotification {
        kind: "report_late".into(),
        dedupe_key: key.into(),
        unit_id: unit,
        person_id: person,
        title: title.into(),
        body: "请于今日12:00前补报。".into(),
        link: "/ledger".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_liaison_sees_and_acknowledges_their_units_reminder_and_others_cannot() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let own = account(&app.store, "zj", Role::Liaison, Some(s.unit_a)).await;
    let colleague = account(&app.store, "zj2", Role::Liaison, Some(s.unit_a)).await;
    let other = account(&app.store, "cg", Role::Liaison, Some(s.unit_b)).await;
    app.store.enqueue(&[reminder("a", Some(s.unit_a), None, "住建局：本周进展未填报")]).await.unwrap();
    app.store.enqueue(&[reminder("b", Some(s.unit_b), None, "城管局：本周进展未填报")]).await.unwrap();

    let (status, inbox) = body(app.get("/notifications", &own).await).await;
    assert_eq!(status, StatusCode::OK, "{inbox}");
    assert_eq!(inbox["unread"], 1);
    assert_eq!(inbox["items"].as_array().unwrap().len(), 1);
    assert_eq!(inbox["items"][0]["title"], "住建局：本周进展未填报");
    assert!(inbox["items"][0]["acknowledged_at"].is_null());
    let id = inbox["items"][0]["id"].as_i64().unwrap();

    // Another unit neither sees it nor may answer it; a leader neither.
    let (_, theirs) = body(app.get("/notifications", &other).await).await;
    assert_eq!(theirs["items"].as_array().unwrap().len(), 1);
    assert_eq!(theirs["items"][0]["title"], "城管局：本周进展未填报");
    for token in [&other, &app.leader] {
        let (status, err) = body(app.post(&format!("/notifications/{id}/ack"), token, json!(null)).await).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
        assert_eq!(body(app.get(&format!("/notifications/{id}"), token).await).await.0, StatusCode::FORBIDDEN);
    }
    assert_eq!(body(app.post("/notifications/999999/ack", &own, json!(null)).await).await.0, StatusCode::NOT_FOUND);

    let (status, acked) = body(app.post(&format!("/notifications/{id}/ack"), &own, json!(null)).await).await;
    assert_eq!(status, StatusCode::OK, "{acked}");
    assert!(acked["acknowledged_at"].is_string());
    let zj = app.store.find_user("zj").await.unwrap().unwrap();
    assert_eq!(acked["acknowledged_by"], zj.id);
    // The unit has answered: the colleague's count drops too, and answering again changes nothing.
    let (_, inbox) = body(app.get("/notifications?unread=true", &colleague).await).await;
    assert_eq!((inbox["unread"].as_i64(), inbox["items"].as_array().unwrap().len()), (Some(0), 0));
    let (_, again) = body(app.post(&format!("/notifications/{id}/ack"), &colleague, json!(null)).await).await;
    assert_eq!(
        (&again["acknowledged_at"], &again["acknowledged_by"]),
        (&acked["acknowledged_at"], &acked["acknowledged_by"])
    );

    // The addressee reads it without the deliveries; the office sees where it went.
    let (_, mine) = body(app.get(&format!("/notifications/{id}"), &own).await).await;
    assert_eq!(mine["deliveries"], json!([]));
    let (_, office) = body(app.get(&format!("/notifications/{id}"), &app.supervisor).await).await;
    assert_eq!(office["deliveries"].as_array().unwrap().len(), 2, "{office}");
    assert!(office["deliveries"].as_array().unwrap().iter().all(|d| d["channel"] == "in_app" && d["status"] == "sent"));
}

#[tokio::test]
async fn a_leader_is_reached_through_the_person_linked_to_the_account() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let leader = app.store.find_user("leader").await.unwrap().unwrap();
    let (status, err) =
        body(app.patch(&format!("/users/{}", leader.id), &app.admin, json!({"email": "not an address"})).await).await;
    assert_eq!((status, err["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("email")), "{err}");
    let (status, err) =
        body(app.patch(&format!("/users/{}", leader.id), &app.admin, json!({"person_id": 999_999})).await).await;
    assert_eq!((status, err["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("person_id")), "{err}");
    let (status, user) = body(
        app.patch(
            &format!("/users/{}", leader.id),
            &app.admin,
            json!({"email": "chen@zq.gov.cn", "person_id": s.person}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{user}");
    assert_eq!((user["email"].as_str(), user["person_id"].as_i64()), (Some("chen@zq.gov.cn"), Some(s.person)));

    app.store.enqueue(&[reminder("escalate", None, Some(s.person), "督办升级：道路有机更新")]).await.unwrap();
    let (_, inbox) = body(app.get("/notifications", &app.leader).await).await;
    assert_eq!(inbox["items"][0]["title"], "督办升级：道路有机更新");
    let n = app.store.notification_by_key("escalate").await.unwrap().unwrap();
    let channels: Vec<Channel> = app.store.deliveries_of(n.id).await.unwrap().iter().map(|d| d.channel).collect();
    assert_eq!(channels, [Channel::InApp, Channel::Email]);

    // Unlinking stops the next ones; `null` clears, an absent field stays.
    let (_, user) =
        body(app.patch(&format!("/users/{}", leader.id), &app.admin, json!({"person_id": null})).await).await;
    assert_eq!((user["person_id"].is_null(), user["email"].as_str()), (true, Some("chen@zq.gov.cn")));
    app.store.enqueue(&[reminder("escalate-2", None, Some(s.person), "again")]).await.unwrap();
    let (_, inbox) = body(app.get("/notifications", &app.leader).await).await;
    assert_eq!(inbox["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_office_keeps_a_units_robots_and_their_secrets_stay_on_the_server() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let path = format!("/units/{}/webhooks", s.unit_a);
    let (status, err) =
        body(app.post(&path, &app.supervisor, json!({"kind": "dingtalk", "url": "ftp://x"})).await).await;
    assert_eq!((status, err["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("url")), "{err}");
    let https = json!({"kind": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?access_token=T"});
    let (status, err) = body(app.post(&path, &app.supervisor, https).await).await;
    assert_eq!(
        (status, err["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("url")),
        "no TLS for robots: {err}"
    );
    let hook = json!({"kind": "dingtalk", "url": "http://robot-proxy/robot/send?access_token=T", "secret": "SECxyz"});
    let (status, created) = body(app.post(&path, &app.supervisor, hook).await).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!((created["has_secret"].as_bool(), created.get("secret")), (Some(true), None));
    let (_, list) = body(app.get(&path, &app.supervisor).await).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let liaison = account(&app.store, "zj", Role::Liaison, Some(s.unit_a)).await;
    assert_eq!(app.get(&path, &liaison).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get("/units/999999/webhooks", &app.admin).await.status(), StatusCode::NOT_FOUND);
    let id = created["id"].as_i64().unwrap();
    assert_eq!(app.delete(&format!("/webhooks/{id}"), &app.supervisor).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.delete(&format!("/webhooks/{id}"), &app.supervisor).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_inbox_page_shows_the_unread_in_bold_and_acknowledges_with_the_csrf_token() {
    let app = spawn_app().await;
    let s = app.seed().await;
    liaison_with_password(&app, "own", s.unit_a).await;
    liaison_with_password(&app, "other", s.unit_b).await;
    app.store.enqueue(&[reminder("web", Some(s.unit_a), None, "住建局：进展<未>填报")]).await.unwrap();
    let c = browser();
    sign_in(&app, &c, "own", PASSWORD).await;
    let (_, home) = page(&app, &c, "/").await;
    assert!(home.contains("消息提醒 <span class=\"unread-count\""), "the header counts: {home}");
    let (status, html) = page(&app, &c, "/notifications").await;
    assert_eq!(status, StatusCode::OK);
    let id = app.store.notification_by_key("web").await.unwrap().unwrap().id;
    assert!(html.contains(&format!("<li class=\"unread\" id=\"n-{id}\">")), "{html}");
    assert!(
        html.contains("住建局：进展&#60;未&#62;填报") || html.contains("住建局：进展&lt;未&gt;填报"),
        "escaped: {html}"
    );
    assert!(html.contains("逾期未报") && html.contains("<a href=\"/ledger\">"), "{html}");
    let csrf = hidden(&html, "csrf");

    // Another unit's liaison cannot answer it, even with a valid form.
    let outsider = browser();
    sign_in(&app, &outsider, "other", PASSWORD).await;
    let (_, theirs) = page(&app, &outsider, "/notifications").await;
    assert!(theirs.contains("暂无消息提醒") && !theirs.contains("unread-count"), "{theirs}");
    let their_csrf = hidden(&theirs, "csrf");
    let res = outsider
        .post(format!("{}/notifications/{id}/ack", app.addr))
        .form(&[("csrf", their_csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let ack = |token: String| c.post(format!("{}/notifications/{id}/ack", app.addr)).form(&[("csrf", token)]).send();
    assert_eq!(ack("forged".into()).await.unwrap().status(), StatusCode::FORBIDDEN);
    let res = ack(csrf).await.unwrap();
    assert_eq!((res.status(), res.headers()["location"].to_str().unwrap()), (StatusCode::SEE_OTHER, "/notifications"));
    let (_, html) = page(&app, &c, "/notifications").await;
    assert!(html.contains(&format!("<li class=\"read\" id=\"n-{id}\">")) && html.contains("已知悉 · "), "{html}");
    assert!(!html.contains("unread-count"), "the count is gone: {html}");
}

#[tokio::test]
async fn the_office_adds_and_removes_robots_in_the_browser_and_admins_link_accounts() {
    let app = spawn_app().await;
    let s = app.seed().await;
    user_with_password(&app, "lm").await;
    let c = browser();
    sign_in(&app, &c, "lm", PASSWORD).await;
    let (status, html) = page(&app, &c, "/admin/webhooks").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("尚未配置群机器人") && html.contains("企业微信"), "{html}");
    let csrf = hidden(&html, "csrf");
    let unit = s.unit_a.to_string();
    let add = |url: &'static str| {
        let req = c.post(format!("{}/admin/webhooks", app.addr));
        let form = [("csrf", csrf.clone()), ("unit_id", unit.clone()), ("kind", "wecom".into()), ("url", url.into())];
        async move {
            let res = req.form(&form).send().await.unwrap();
            (res.status(), res.text().await.unwrap())
        }
    };
    let (status, html) = add("not a url").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    let (status, html) = add("http://robot-proxy/cgi-bin/webhook/send?key=SECRET-KEY").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("机器人已添加") && html.contains("区住建局"), "{html}");
    assert!(html.contains("http://robot-proxy/cgi-bin/webhook/send?…") && !html.contains("SECRET-KEY"), "{html}");
    let hook = app.store.list_webhooks(Some(s.unit_a)).await.unwrap()[0].id;
    let res = c
        .post(format!("{}/admin/webhooks/{hook}/delete", app.addr))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert!(res.text().await.unwrap().contains("机器人已删除"));
    assert!(app.store.list_webhooks(None).await.unwrap().is_empty());

    liaison_with_password(&app, "own", s.unit_a).await;
    let l = browser();
    sign_in(&app, &l, "own", PASSWORD).await;
    assert_eq!(page(&app, &l, "/admin/webhooks").await.0, StatusCode::FORBIDDEN);

    // An administrator gives the leader's account an address and its person.
    crate::web::account_with_password(&app, "root", Role::Admin, None).await;
    let admin = browser();
    sign_in(&app, &admin, "root", PASSWORD).await;
    let (_, html) = page(&app, &admin, "/admin/users").await;
    assert!(html.contains("name=\"email\"") && html.contains("陈立民（常务副区长）"), "{html}");
    let csrf = hidden(&html, "csrf");
    let leader = app.store.find_user("leader").await.unwrap().unwrap();
    let person = s.person.to_string();
    let save = |email: &'static str| {
        let req = admin.post(format!("{}/admin/users/{}", app.addr, leader.id));
        let form = [
            ("csrf", csrf.clone()),
            ("display_name", "陈立民".into()),
            ("role", "leader".into()),
            ("unit_id", String::new()),
            ("email", email.into()),
            ("person_id", person.clone()),
            ("disabled", "false".into()),
        ];
        async move { req.form(&form).send().await.unwrap().status() }
    };
    assert_eq!(save("chen-at-nowhere").await, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(save("chen@zq.gov.cn").await, StatusCode::OK);
    let leader = app.store.find_user("leader").await.unwrap().unwrap();
    assert_eq!((leader.email.as_deref(), leader.person_id), (Some("chen@zq.gov.cn"), Some(s.person)));
}
