//! Fresh databases for tests: a SQLite file in a temporary directory, or a
//! new PostgreSQL database on the server named by
//! `TUIJIN_TEST_POSTGRES_URL` (the README's test command starts one).

#![allow(dead_code)]

use sqlx::{Connection, Executor};

pub mod workbooks;

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
