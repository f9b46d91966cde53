//! `spawn_app`: the real router on a free port, a fresh SQLite database in
//! a temporary directory (or PostgreSQL, see `TUIJIN_TEST_POSTGRES_URL`),
//! and one account + token per role.

use reqwest::{Client, Method, RequestBuilder, Response, StatusCode};
use serde_json::{json, Value};
use std::sync::Arc;
use tuijin::http::{router, AppState};
use tuijin::storage::{connect, NewUser, Store};
use tuijin_domain::access::Role;

pub use crate::common::task_body;

pub struct TestApp {
    pub addr: String,
    pub client: Client,
    pub store: Arc<dyn Store>,
    pub admin: String,
    pub supervisor: String,
    pub leader: String,
    /// The database's URL, for a second connection (a second server).
    pub db_url: String,
    _dir: tempfile::TempDir,
}

/// SQLite by default; PostgreSQL when `TUIJIN_TEST_DATABASE=postgres`
/// (the test command runs the suite both ways).
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// [`spawn_app`] with the server's state set up by `configure` first
/// (trusted proxies, HTTPS cookies…).
pub async fn spawn_app_with(configure: impl FnOnce(&mut AppState)) -> TestApp {
    // Server errors appear in a failing test's output.
    let _ = tracing_subscriber::fmt().with_env_filter("tuijin=debug").with_test_writer().try_init();
    let dir = tempfile::tempdir().unwrap();
    let url = if std::env::var("TUIJIN_TEST_DATABASE").as_deref() == Ok("postgres") {
        let server = crate::common::postgres_url().expect("TUIJIN_TEST_POSTGRES_URL for the PostgreSQL run");
        crate::common::fresh_postgres(&server).await
    } else {
        dir.path().join("test.db").to_str().unwrap().to_string()
    };
    let store = connect(&url).await.expect("database opens");
    let mut state = AppState::new(store.clone());
    configure(&mut state);
    let addr = serve(state).await;
    let admin = account(&store, "admin", Role::Admin, None).await;
    let supervisor = account(&store, "supervisor", Role::Supervisor, None).await;
    let leader = account(&store, "leader", Role::Leader, None).await;
    TestApp { addr, client: Client::new(), store, admin, supervisor, leader, db_url: url, _dir: dir }
}

/// Serves the real router with `state` on a free port; returns its address.
async fn serve(state: AppState) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    let app = router(state);
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.unwrap()
    });
    addr
}

impl TestApp {
    /// A second server on the same database (another instance behind the
    /// same load balancer), with its own connections and memory.
    pub async fn second_server(&self) -> String {
        serve(AppState::new(connect(&self.db_url).await.expect("database opens"))).await
    }
}

/// Creates an account and returns a token for it.
pub async fn account(store: &Arc<dyn Store>, username: &str, role: Role, unit_id: Option<i64>) -> String {
    let user = store
        .create_user(NewUser {
            username: username.into(),
            display_name: format!("{username} 测试"),
            role,
            unit_id,
            password_hash: None,
        })
        .await
        .unwrap();
    let token = tuijin::auth::new_token();
    let new = tuijin::storage::NewToken {
        user_id: user.id,
        token_hash: tuijin::auth::token_hash(&token),
        name: "test".into(),
        expires_at: None,
    };
    store.create_token(&tuijin::storage::system_actor(), new).await.unwrap();
    token
}

impl TestApp {
    pub fn request(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.client.request(method, format!("{}/api/v1{path}", self.addr)).bearer_auth(token)
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.request(Method::GET, path, token).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Response {
        self.request(Method::POST, path, token).json(&body).send().await.unwrap()
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Response {
        self.request(Method::PATCH, path, token).json(&body).send().await.unwrap()
    }

    pub async fn delete(&self, path: &str, token: &str) -> Response {
        self.request(Method::DELETE, path, token).send().await.unwrap()
    }

    /// POSTs as admin and returns the created row, failing the test otherwise.
    pub async fn create(&self, path: &str, body: Value) -> Value {
        let res = self.post(path, &self.admin, body.clone()).await;
        let status = res.status();
        let value: Value = res.json().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "POST {path} {body}: {value}");
        value
    }

    /// A small ledger: two units, a leader, a key work, and one task led by
    /// the first unit. Returns its ids.
    pub async fn seed(&self) -> Seed {
        let unit_a = self.create("/units", json!({"name": "区住建局"})).await["id"].as_i64().unwrap();
        let unit_b = self.create("/units", json!({"name": "区城管局"})).await["id"].as_i64().unwrap();
        let person = self.create("/people", json!({"name": "陈立民", "title": "常务副区长", "unit_id": unit_a})).await
            ["id"]
            .as_i64()
            .unwrap();
        let key_work = self
            .create(
                "/key-works",
                json!({"name": "二七商圈区域城市复兴", "lead_body_unit_id": unit_a, "lead_leader_id": person}),
            )
            .await["id"]
            .as_i64()
            .unwrap();
        let task = self.create("/tasks", task_body(key_work, "1", unit_a, person)).await["id"].as_i64().unwrap();
        Seed { unit_a, unit_b, person, key_work, task }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Seed {
    pub unit_a: i64,
    pub unit_b: i64,
    pub person: i64,
    pub key_work: i64,
    pub task: i64,
}

pub async fn body(res: Response) -> (StatusCode, Value) {
    let status = res.status();
    let text = res.text().await.unwrap();
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value)
}
