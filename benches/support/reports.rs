//! A year of reporting on the full ledger: `PER_TASK` accepted weekly
//! reports per task (1,000,000 for 100,000 tasks), written straight into
//! the SQLite file in one transaction, then the lamps: how long judging the
//! whole ledger takes (it runs in the background), and how the overview
//! answers while that happens and after.

use super::pages::PageResult;
use super::{failures, Latencies, Refs, Reply, Server};
use chrono::{Datelike, Days, Local, NaiveDate};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, QueryBuilder};
use std::time::{Duration, Instant};

pub const PER_TASK: usize = 10;
const ROWS_PER_INSERT: usize = 500;
const OVERVIEWS: usize = 300;
const LEDGER_PAGES: usize = 300;

pub struct ReportsResult {
    /// Seconds and megabytes of exporting the whole ledger to .xlsx.
    pub export: (f64, f64, u16),
    pub inserted: usize,
    pub insert_secs: f64,
    pub recompute_secs: f64,
    pub pages: Vec<PageResult>,
}

/// The Monday of the week `weeks` before this one.
fn monday(weeks: u64) -> NaiveDate {
    let today = Local::now().date_naive();
    today - Days::new(u64::from(today.weekday().num_days_from_monday()) + 7 * weeks)
}

async fn insert(database_url: &str, task_ids: &[i64]) -> usize {
    let mut conn = SqliteConnectOptions::new()
        .filename(database_url)
        .busy_timeout(Duration::from_secs(30))
        .connect()
        .await
        .expect("open the bench database");
    let mut tx = sqlx::Connection::begin(&mut conn).await.expect("begin");
    let now = chrono::Utc::now();
    let rows: Vec<(i64, NaiveDate, i64)> = task_ids
        .iter()
        .flat_map(|id| {
            (0..PER_TASK).map(move |k| {
                // Oldest first, progress rising by 5 points a week.
                let weeks_ago = (PER_TASK - k) as u64;
                (*id, monday(weeks_ago), ((k + 1) * 5 * 10_000) as i64)
            })
        })
        .collect();
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut qb: QueryBuilder<sqlx::Sqlite> = QueryBuilder::new(
            "INSERT INTO progress_reports (task_id, period_start, status, progress, percent_complete, submitted_at, \
             reviewed_at, created_at, updated_at) ",
        );
        qb.push_values(chunk, |mut b, (task, period, percent)| {
            b.push_bind(task)
                .push_bind(period)
                .push_bind("accepted")
                .push_bind("按计划推进")
                .push_bind(percent)
                .push_bind(now)
                .push_bind(now)
                .push_bind(now)
                .push_bind(now);
        });
        qb.build().execute(&mut *tx).await.expect("insert reports");
    }
    tx.commit().await.expect("commit");
    rows.len()
}

struct Browser(reqwest::Client, String);

impl Browser {
    async fn get(&self, path: &str) -> Reply {
        let started = Instant::now();
        let (status, bytes) = match self.0.get(format!("{}{path}", self.1)).send().await {
            Ok(r) => (r.status().as_u16(), r.bytes().await.unwrap_or_default()),
            Err(_) => (0, Default::default()),
        };
        Reply { status, body: serde_json::Value::from(bytes.len()), elapsed: started.elapsed() }
    }
}

fn result(label: String, replies: &[Reply]) -> PageResult {
    let kb: Vec<f64> = replies.iter().filter_map(|r| r.body.as_f64()).map(|b| b / 1024.0).collect();
    PageResult {
        label,
        failed: failures(replies, 200),
        latencies: Latencies::from(replies),
        mean_kb: kb.iter().sum::<f64>() / kb.len().max(1) as f64,
    }
}

/// When the server last judged the ledger, and how long that took (its own timing).
async fn board(api: &super::Api) -> (String, f64) {
    let body = api.get("/lamps").await.body;
    (body["computed_at"].as_str().unwrap_or("").to_string(), body["took_ms"].as_f64().unwrap_or(f64::NAN) / 1000.0)
}

pub async fn measure(server: &Server, refs: &Refs, task_ids: &[i64]) -> ReportsResult {
    let started = Instant::now();
    let inserted = insert(&server.database_url, task_ids).await;
    let insert_secs = started.elapsed().as_secs_f64();

    let browser = super::pages::signed_in(server).await;
    let b = Browser(browser, server.base_url.clone());
    let api = super::Api::new(server);
    // Let the overview's snapshot go stale, so the next request starts a
    // recomputation; then keep asking for the overview while it runs.
    let (before, _) = board(&api).await;
    tokio::time::sleep(super::pages::SNAPSHOT_AGE).await;
    let t0 = Instant::now();
    let mut during = Vec::new();
    // The server starts judging once its board is older than its refresh
    // interval; the overview keeps answering from the old board meanwhile.
    let recompute_secs = loop {
        during.push(b.get("/").await);
        // About ten people opening the overview per second, not a flood
        // that would take the cores from the recomputation it measures.
        tokio::time::sleep(Duration::from_millis(100)).await;
        if during.len() % 10 == 0 {
            let (at, took) = board(&api).await;
            if at != before {
                break took;
            }
        }
        if t0.elapsed() > Duration::from_secs(600) {
            break f64::NAN;
        }
    };
    let mut after = Vec::with_capacity(OVERVIEWS);
    for _ in 0..OVERVIEWS {
        after.push(b.get("/").await);
    }
    // The whole ledger to Excel, as 导出Excel does it with no filter.
    let t = Instant::now();
    let exported = b.get("/ledger/export").await;
    let export = (t.elapsed().as_secs_f64(), exported.body.as_f64().unwrap_or(0.0) / 1_048_576.0, exported.status);
    let mut ledger = Vec::with_capacity(LEDGER_PAGES);
    for i in 0..LEDGER_PAGES {
        let unit = refs.units[i % refs.units.len()];
        ledger.push(b.get(&format!("/ledger?lead_unit={unit}&sort=due_date")).await);
    }
    ReportsResult {
        export,
        inserted,
        insert_secs,
        recompute_secs,
        pages: vec![
            result(format!("HTML overview while all lamps are recomputed ({})", during.len()), &during),
            result(format!("HTML overview after ({OVERVIEWS})"), &after),
            result(format!("HTML ledger page with 50 lamps ({LEDGER_PAGES})"), &ledger),
        ],
    }
}
