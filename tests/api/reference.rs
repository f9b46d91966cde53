//! Units, people, key works, accounts, health and the OpenAPI document.

use crate::helpers::{body, spawn_app};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn health_needs_no_login_but_the_api_does() {
    let app = spawn_app().await;
    let res = app.client.get(format!("{}/healthz", app.addr)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = app.client.get(format!("{}/api/v1/units", app.addr)).send().await.unwrap();
    let (status, err) = body(res).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));
    let (status, _) = body(app.get("/units", "tj_not_a_real_token").await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn unknown_routes_answer_json_404() {
    let app = spawn_app().await;
    let (status, err) = body(app.get("/no-such-thing", &app.admin).await).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    assert_eq!(err["message"], "找不到该接口");
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let app = spawn_app().await;
    let res = app.client.get(format!("{}/api/v1/openapi.json", app.addr)).send().await.unwrap();
    let (status, doc) = body(res).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/units",
        "/units/{id}",
        "/people",
        "/key-works/{id}",
        "/tasks",
        "/tasks/{id}",
        "/tasks/{id}/history",
        "/tasks/{id}/milestones",
        "/milestones/{id}",
        "/relations",
        "/relations/{id}",
        "/me",
        "/users",
    ] {
        assert!(paths.contains_key(p), "missing {p}");
    }
    assert!(paths["/tasks/{id}"].get("patch").is_some());
    assert!(doc["components"]["schemas"].get("TaskFields").is_some());
}

#[tokio::test]
async fn units_people_and_key_works_have_full_crud() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let (status, u) = body(
        app.patch(&format!("/units/{}", s.unit_b), &app.supervisor, json!({"version": 1, "short_name": "城管"})).await,
    )
    .await;
    assert_eq!((status, u["short_name"].as_str(), u["version"].as_i64()), (StatusCode::OK, Some("城管"), Some(2)));
    let (status, err) = body(app.post("/units", &app.admin, json!({"name": "区住建局"})).await).await;
    assert_eq!((status, err["errors"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("duplicate")));
    // A unit still referenced cannot go.
    let (status, err) = body(app.delete(&format!("/units/{}", s.unit_a), &app.admin).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(app.delete(&format!("/units/{}", s.unit_b), &app.admin).await.status(), StatusCode::NO_CONTENT);

    let (status, p) = body(
        app.patch(&format!("/people/{}", s.person), &app.admin, json!({"version": 1, "title": "区委常委、常务副区长"}))
            .await,
    )
    .await;
    assert_eq!((status, p["title"].as_str()), (StatusCode::OK, Some("区委常委、常务副区长")));
    let (_, people) = body(app.get("/people", &app.leader).await).await;
    assert_eq!(people.as_array().unwrap().len(), 1);
    let (status, k) = body(
        app.patch(&format!("/key-works/{}", s.key_work), &app.admin, json!({"version": 1, "description": "一号工程"}))
            .await,
    )
    .await;
    assert_eq!((status, k["description"].as_str()), (StatusCode::OK, Some("一号工程")));
    let (_, kws) = body(app.get("/key-works", &app.leader).await).await;
    assert_eq!(kws[0]["name"], "二七商圈区域城市复兴");
    let (status, _) = body(app.delete(&format!("/key-works/{}", s.key_work), &app.admin).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let p2 = app.create("/people", json!({"name": "临时", "unit_id": s.unit_a})).await;
    assert_eq!(app.delete(&format!("/people/{}", p2["id"]), &app.admin).await.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn admins_manage_accounts() {
    let app = spawn_app().await;
    let s = app.seed().await;
    let (status, me) = body(app.get("/me", &app.leader).await).await;
    assert_eq!((status, me["role"].as_str()), (StatusCode::OK, Some("leader")));
    let (status, err) = body(app.post("/users", &app.admin, json!({"username": "lly", "role": "liaison"})).await).await;
    assert_eq!((status, err["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("unit_id")));
    let (status, u) = body(
        app.post(
            "/users",
            &app.admin,
            json!({"username": "lly", "role": "liaison", "unit_id": s.unit_a, "password": "long enough"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{u}");
    assert!(u.get("password_hash").is_none());
    let (_, users) = body(app.get("/users", &app.admin).await).await;
    assert_eq!(users.as_array().unwrap().len(), 4);
    let stored = app.store.find_user("lly").await.unwrap().unwrap();
    assert!(tuijin::auth::verify_password("long enough", stored.password_hash.as_deref().unwrap()));
}

/// The limits the OpenAPI document states hold on every path: a new
/// account's display name and password as when it is edited, and a group
/// robot's address and secret in characters (as the message says), not bytes.
#[tokio::test]
async fn documented_lengths_are_the_enforced_ones() {
    let app = spawn_app().await;
    let user = |display_name: &str, password: &str| json!({"username": "zhangsan", "display_name": display_name, "role": "leader", "password": password});
    for (b, field) in
        [(user(&"张".repeat(65), "tuijin2021"), "display_name"), (user("张三", &"x".repeat(129)), "password")]
    {
        let (status, refused) = body(app.post("/users", &app.admin, b).await).await;
        assert_eq!((status, refused["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)), "{refused}");
    }
    let (status, created) =
        body(app.post("/users", &app.admin, user(&"张".repeat(64), &"河道3-".repeat(32))).await).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");

    let unit = app.create("/units", json!({"name": "区住建局"})).await["id"].as_i64().unwrap();
    let url = format!("http://robot/{}", "机".repeat(987)); // 1000 characters, about 3000 bytes
    let robot = json!({"kind": "dingtalk", "url": url, "secret": "密".repeat(200)});
    let (status, created) = body(app.post(&format!("/units/{unit}/webhooks"), &app.admin, robot).await).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let too_long = json!({"kind": "dingtalk", "url": format!("{url}机")});
    let (status, refused) = body(app.post(&format!("/units/{unit}/webhooks"), &app.admin, too_long).await).await;
    assert_eq!((status, refused["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("url")), "{refused}");
}
