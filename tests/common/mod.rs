//! Fresh databases for tests: a SQLite file in a temporary directory, or a
//! new PostgreSQL database on the server named by
//! `TUIJIN_TEST_POSTGRES_URL` (the README's test command starts one);
//! a valid task; and the binary as a child process (`process`).

#![allow(dead_code)]

pub mod process;
pub mod workbooks;

use serde_json::{json, Value};
use sqlx::{Connection, Executor};

/// A valid task body for `POST /api/v1/tasks`, titled after its code.
pub fn task_body(key_work: i64, code: &str, unit: i64, leader: i64) -> Value {
    json!({
        "key_work_id": key_work, "code": code, "title": format!("道路有机更新 {code}"),
        "lead_unit_id": unit, "leader_ids": [leader], "priority": "important",
        "status": "in_progress", "start_date": "2021-03-01", "due_date": "2021-12-31",
        "target": {"value": "14", "measure": "条"}, "planned_investment": "12000.5",
        "percent_complete": "20"
    })
}

/// The PostgreSQL server for tests. Under CI its absence is an error, so
/// PostgreSQL tests can never be skipped silently there.
pub fn postgres_url() -> Option<String> {
    match std::env::var("TUIJIN_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => panic!("CI must set TUIJIN_TEST_POSTGRES_URL (run scripts/test)"),
        _ => {
            eprintln!("TUIJIN_TEST_POSTGRES_URL not set: PostgreSQL part skipped (scripts/test runs it)");
            None
        }
    }
}

/// Creates an empty database on the test server and returns its URL.
pub async fn fresh_postgres(server_url: &str) -> String {
    let name = format!("tuijin_test_{}_{}", std::process::id(), rand_suffix());
    let mut conn = sqlx::postgres::PgConnection::connect(server_url).await.expect("test PostgreSQL reachable");
    conn.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("create test database");
    conn.close().await.ok();
    // Replace the database part of the URL (…/postgres?… → …/name?…).
    let (base, query) = server_url.split_once('?').map_or((server_url, None), |(b, q)| (b, Some(q)));
    let base = base.rsplit_once('/').map(|(b, _)| b).unwrap_or(base);
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{nanos}_{}", N.fetch_add(1, Ordering::Relaxed))
}
