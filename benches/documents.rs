//! Documents benchmark: loads the demo district (二七区) into a fresh
//! SQLite file and times the weekly briefing as the 文稿 page makes it —
//! gathering the facts from storage, then the Word and the Excel file —
//! many times over, printing the median and the 95th percentile.
//! Issue 5 asks for ≤ 1 s.
//!
//! Run: `cargo bench --bench documents` (`TUIJIN_BENCH_RUNS`, default 50).

/// The server's allocator (see `src/main.rs`): the library leaves it to
/// the binary, and a bench must measure what the server runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::{Duration, Instant};
use tuijin::documents::{briefing, choice, docx, gather, xlsx};
use tuijin_domain::Lang;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let runs: usize = std::env::var("TUIJIN_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(50).max(1);
    let dir = tempfile::tempdir()?;
    let store = tuijin::storage::connect(dir.path().join("bench.db").to_str().unwrap()).await?;
    let today = chrono::Local::now().date_naive();
    let loaded = tuijin::demo::load(store.as_ref(), today).await?;
    let state = tuijin::http::AppState::new(store.clone());
    let key_works = store.list_key_works().await?;
    let choice = choice::parse(&[], &key_works, today).map_err(|e| anyhow::anyhow!("{e}"))?;

    let mut times = Vec::with_capacity(runs);
    let mut sizes = (0, 0);
    for _ in 0..runs {
        let started = Instant::now();
        let facts = gather::gather(&state, &choice, today).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let doc = briefing::document(&facts, Lang::Zh);
        let word = docx::write(&doc)?;
        let excel = xlsx::write(&doc)?;
        times.push(started.elapsed());
        sizes = (word.len(), excel.len());
    }
    times.sort();
    println!(
        "weekly briefing of the demo district ({} key works, {} tasks): gather + .docx + .xlsx, {runs} runs",
        loaded.key_works, loaded.tasks
    );
    println!(
        "  median {}   p95 {}   max {}",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        ms(times[runs - 1])
    );
    println!("  .docx {} KB, .xlsx {} KB", sizes.0 / 1024, sizes.1 / 1024);
    println!(
        "  machine: {} cores; target ≤ 1 s: {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        if percentile(&times, 0.95) <= Duration::from_secs(1) { "met" } else { "MISSED" }
    );
    Ok(())
}
