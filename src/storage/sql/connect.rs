//! Opening a database from its URL and applying the embedded migrations.

use super::SqlStore;
use crate::storage::Store;
use anyhow::Context;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

/// How long a SQLite write waits for another process's write lock before
/// failing with "database is locked". An import from the command line into
/// a live database holds it while it writes, all or nothing: 190,000 rows
/// take several seconds, so the wait must be longer than that — but
/// bounded, so a stuck process shows as an error, not a hang.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// `postgres://…` or `postgresql://…` selects PostgreSQL; `sqlite:…` or a
/// plain file path selects SQLite (the file is created on first use).
pub async fn connect(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .context("cannot connect to PostgreSQL")?;
        sqlx::migrate!("migrations/postgres").run(&pool).await.context("cannot apply PostgreSQL migrations")?;
        return Ok(Arc::new(SqlStore { pool, write_lock: None }));
    }
    let options = if url.starts_with("sqlite:") {
        SqliteConnectOptions::from_str(url).with_context(|| format!("bad SQLite URL {url}"))?
    } else {
        SqliteConnectOptions::new().filename(url)
    };
    let options = options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT)
        .pragma("cache_size", "-8000")
        .optimize_on_close(true, None);
    // A local file cannot drop a connection, so the health ping that sqlx
    // sends on every acquire would only cost a thread round trip.
    let pool = SqlitePoolOptions::new()
        .test_before_acquire(false)
        .max_connections(4)
        .min_connections(1)
        .connect_with(options)
        .await
        .with_context(|| format!("cannot open SQLite database {url}"))?;
    sqlx::migrate!("migrations/sqlite").run(&pool).await.context("cannot apply SQLite migrations")?;
    Ok(Arc::new(SqlStore { pool, write_lock: Some(Arc::new(Mutex::new(()))) }))
}
