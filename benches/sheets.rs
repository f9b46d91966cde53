//! Spreadsheet benchmark: the ledger in and out of Excel at district scale,
//! in the server's own code (no HTTP), on a fresh SQLite file.
//!
//! 1. Builds a 50,000-row ledger workbook as offices keep it (key works as
//!    merged headings, two milestones a row, leaders, units, dates, money).
//! 2. Imports it: read the .xlsx, plan (match every name and code), write
//!    in one transaction — the time a user waits after 确认导入.
//! 3. Imports the same file again (every row matched, nothing to write).
//! 4. Imports a second 50,000 rows, then exports the whole 100,000-task
//!    ledger to .xlsx (gather the rows, write the file).
//!
//! Run: `cargo bench --bench sheets`. `TUIJIN_BENCH_IMPORT_ROWS` changes
//! the 50,000; `TUIJIN_BENCH_RUNS` the number of runs (5) of which the
//! first import and the export report the median.

/// The server's allocator (see `src/main.rs`): the library leaves it to
/// the binary, and a bench must measure what the server runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::time::Instant;
use tuijin::http::AppState;
use tuijin::sheets::export::{write, Group, Row};
use tuijin::sheets::import::{preview, read, report_periods, Options};
use tuijin::storage::{connect, system_actor, ImportJob, Store, TaskQuery};
use tuijin_domain::key_work::KeyWorkFields;
use tuijin_domain::person::PersonFields;
use tuijin_domain::unit::UnitFields;

const UNITS: usize = 25;
const PEOPLE: usize = 20;
const KEY_WORKS: usize = 5;
const TOPICS: [&str; 6] =
    ["道路有机更新", "老旧小区改造", "产业园区建设", "营商环境优化", "生态廊道治理", "智慧城市平台"];

fn secs(t: Instant) -> f64 {
    t.elapsed().as_secs_f64()
}

fn verdict(pass: bool) -> &'static str {
    if pass {
        "PASS"
    } else {
        "MISS"
    }
}

/// `rows` task rows over the key works, codes from `first`.
fn ledger(rows: usize, first: usize, key_works: &[String], units: &[String], people: &[String]) -> Vec<Group> {
    let per = rows.div_ceil(key_works.len());
    // Start within 500 days of 2021-01-01, due 200 days later.
    let day = |n: usize, later: u64| {
        NaiveDate::from_ymd_opt(2021, 1, 1).unwrap() + chrono::Days::new((n % 500) as u64 + later)
    };
    key_works
        .iter()
        .enumerate()
        .map(|(k, name)| Group {
            name: name.clone(),
            rows: (0..per.min(rows - (k * per).min(rows)))
                .map(|i| {
                    let n = first + i;
                    Row {
                        lamp: None,
                        code: (n + 1).to_string(),
                        title: format!("{} 第{}项", TOPICS[n % TOPICS.len()], n + 1),
                        description: "按照实施方案推进，每周报送进展".into(),
                        leaders: people[n % people.len()].clone(),
                        lead_unit: units[n % units.len()].clone(),
                        supporting: units[(n + 1) % units.len()].clone(),
                        milestones: format!("{} 完成前期手续\n{} 主体完工（计划值 7）", day(n, 0), day(n, 90)),
                        start_date: Some(day(n, 0)),
                        due_date: Some(day(n, 200)),
                        target: "14条".into(),
                        planned_investment: Some(Decimal::from(1000 + n % 5000)),
                        completed_investment: Some(Decimal::from(n % 1000)),
                        percent_complete: Decimal::from(n % 100),
                        status: "推进中".into(),
                        priority: "重要".into(),
                        progress: String::new(),
                        tags: "民生".into(),
                    }
                })
                .collect(),
        })
        .collect()
}

struct Timed {
    read: f64,
    plan: f64,
    write: f64,
    created: usize,
    unchanged: usize,
}

impl Timed {
    fn total(&self) -> f64 {
        self.read + self.plan + self.write
    }
}

async fn import(store: &Arc<dyn Store>, bytes: &[u8], today: NaiveDate) -> Timed {
    let t = Instant::now();
    let sheets = read::workbook(bytes).expect("the workbook reads");
    let read = secs(t);
    let t = Instant::now();
    let pv = preview(store.as_ref(), &sheets, &Options::default(), today).await.expect("preview");
    assert_eq!(pv.plan.errors(), 0, "{:?}", &pv.plan.problems[..pv.plan.problems.len().min(5)]);
    let plan = secs(t);
    let t = Instant::now();
    let periods = report_periods(store.as_ref(), &pv.plan, today).await.expect("periods");
    let progress = AtomicUsize::new(0);
    let job = ImportJob { plan: &pv.plan, report_periods: &periods, progress: &progress };
    let out = store.import_ledger(&system_actor(), &job).await.expect("import");
    Timed { read, plan, write: secs(t), created: out.tasks_created, unchanged: pv.plan.unchanged }
}

/// A fresh SQLite file with the district's units, people and key works;
/// returns the store, the names (units, people, key works) and the
/// directory that holds the file.
async fn district() -> (Arc<dyn Store>, [Vec<String>; 3], tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = dir.path().join("sheets.db").to_str().unwrap().to_string();
    let store = connect(&url).await.expect("database");
    let actor = system_actor();
    let mut units = Vec::new();
    for i in 0..UNITS {
        let f = UnitFields { name: format!("区第{}局", i + 1), short_name: String::new(), sort_order: i as i32 };
        units.push(store.create_unit(&actor, f.validate().unwrap()).await.unwrap());
    }
    let mut people = Vec::new();
    for i in 0..PEOPLE {
        let f = PersonFields {
            name: format!("领导{}", i + 1),
            title: "副区长".into(),
            unit_id: units[i % UNITS].id,
            sort_order: 0,
        };
        people.push(store.create_person(&actor, f.validate().unwrap()).await.unwrap());
    }
    let mut key_works = Vec::new();
    for i in 0..KEY_WORKS {
        let f = KeyWorkFields {
            name: format!("重点工作{}", i + 1),
            lead_body_unit_id: units[i].id,
            lead_leader_id: people[i].id,
            description: String::new(),
            sort_order: i as i32,
            report_cadence: Default::default(),
            report_deadline: Default::default(),
        };
        key_works.push(store.create_key_work(&actor, f.validate().unwrap()).await.unwrap().fields.name);
    }
    let units = units.into_iter().map(|u| u.fields.name).collect();
    let people = people.into_iter().map(|p| p.fields.name).collect();
    (store, [units, people, key_works], dir)
}

#[tokio::main]
async fn main() {
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).init();
    }
    let env = |name: &str, default: usize| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let rows = env("TUIJIN_BENCH_IMPORT_ROWS", 50_000);
    // The machine's speed varies from minute to minute (a shared virtual
    // machine): each figure is the median of several runs, with the range.
    let runs = env("TUIJIN_BENCH_RUNS", 5).max(1);
    let today = tuijin::http::today();
    let (store, [unit_names, people_names, key_works], _dir) = district().await;

    let t = Instant::now();
    let first = write("重点工作推进台账", ledger(rows, 0, &key_works, &unit_names, &people_names)).unwrap();
    let built = secs(t);
    let second = write("重点工作推进台账", ledger(rows, rows, &key_works, &unit_names, &people_names)).unwrap();

    // Into an empty ledger: a fresh district each run (the first run's ledger is kept for the rest).
    let mut fresh = vec![import(&store, &first, today).await];
    for _ in 1..runs {
        let (other, _, _dir) = district().await;
        fresh.push(import(&other, &first, today).await);
    }
    let again = import(&store, &first, today).await;
    let more = import(&store, &second, today).await;
    assert!(fresh.iter().all(|f| f.created == rows));
    assert_eq!((again.unchanged, more.created), (rows, rows));

    // The server judges every lamp in the background and keeps the board
    // (see supervision::board); the export reads it, as the overview does.
    let state = AppState::new(store.clone());
    let t = Instant::now();
    state.board.get(store.clone(), state.lamp_config.clone(), today).await.expect("board");
    let judged = secs(t);
    let t = Instant::now();
    let (tasks_read, milestones_read) = store.ledger_rows(&TaskQuery::new(today)).await.expect("rows");
    let rows_read = secs(t);
    drop((tasks_read, milestones_read));
    // As 导出Excel does it: each key work written while the next is read.
    let mut exports = Vec::new();
    let mut bytes = Vec::new();
    for _ in 0..runs.min(3) {
        let t = Instant::now();
        bytes = tuijin::sheets::ledger::export(&state, TaskQuery::new(today), today).await.expect("export");
        exports.push(secs(t));
    }
    // For comparison: everything read first, then written.
    let mut apart = Vec::new();
    let mut exported = 0;
    for _ in 0..runs.min(3) {
        let t = Instant::now();
        let groups = tuijin::sheets::ledger::groups(&state, TaskQuery::new(today), today).await.expect("rows");
        let gather = secs(t);
        let t = Instant::now();
        write("重点工作推进台账", &groups).expect("xlsx");
        apart.push((gather + secs(t), gather, secs(t)));
        exported = groups.iter().map(|g| g.rows.len()).sum();
    }

    println!("tuijin spreadsheet benchmark (SQLite, release build)");
    println!("machine : {} cores", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    println!("workbook: {rows} rows, {:.1} MB, built in {built:.2} s", first.len() as f64 / 1_048_576.0);
    let line = |name: &str, x: &Timed| {
        println!(
            "{name:<44} {:>6.2} s  (read {:.2} s, plan {:.2} s, write {:.2} s)",
            x.total(),
            x.read,
            x.plan,
            x.write
        )
    };
    // The run of median total, its parts, and the spread of all runs.
    fresh.sort_by(|a, b| a.total().total_cmp(&b.total()));
    let typical = &fresh[fresh.len() / 2];
    line(&format!("import {rows} new rows into an empty ledger"), typical);
    let (low, high) = (fresh[0].total(), fresh[fresh.len() - 1].total());
    println!("  (median of {} runs, each into a fresh database: {low:.2}–{high:.2} s)", fresh.len());
    line(&format!("import the same {rows} rows again (no change)"), &again);
    line(&format!("import {rows} more rows (ledger of {})", 2 * rows), &more);
    exports.sort_by(f64::total_cmp);
    let export = exports[exports.len() / 2];
    println!(
        "{:<44} {export:>6.2} s  ({:.1} MB; median of {} runs: {:.2}–{:.2} s)",
        format!("export the whole ledger ({exported} tasks)"),
        bytes.len() as f64 / 1_048_576.0,
        exports.len(),
        exports[0],
        exports[exports.len() - 1]
    );
    apart.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (total, gather, written) = apart[apart.len() / 2];
    println!("  (read everything first, then write: {total:.2} s = gather {gather:.2} s + write {written:.2} s)");
    println!(
        "  (its reads: tasks, links and milestones {rows_read:.2} s; \
         the lamp board, judged beforehand in the background as the server does, {judged:.2} s)"
    );
    println!("import of {rows} rows ≤ 3 s (median): {}", verdict(typical.total() <= 3.0));
    println!("export of {exported} tasks ≤ 3 s (median): {}", verdict(export <= 3.0));
}
