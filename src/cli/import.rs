//! `tuijin import FILE`: an Excel ledger into the database, the same
//! preview and rules as the web page — every problem printed with its
//! sheet, row and column, and nothing written unless all rows are good.

use crate::sheets::import::{preview, read, report_periods, Options, Preview};
use crate::storage::{ImportJob, Store};
use anyhow::{anyhow, bail};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tuijin_domain::Lang;

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The .xlsx workbook.
    pub file: PathBuf,
    /// The key work (name or id) of rows above any key-work heading.
    #[arg(long)]
    pub key_work: Option<String>,
    /// The year of dates written without one (default: the year the title names, else this year).
    #[arg(long)]
    pub year: Option<i32>,
    /// Create the units and leaders the file names that the ledger lacks.
    #[arg(long)]
    pub create_missing: bool,
    /// Show what would happen and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Language of the messages: zh-CN or en.
    #[arg(long, default_value = "zh-CN")]
    pub lang: String,
}

/// An error in the user's language.
fn say(e: crate::http::ApiError, lang: Lang) -> anyhow::Error {
    anyhow!(e.body(lang).message)
}

fn print_preview(pv: &Preview, lang: Lang) {
    for s in &pv.sheets {
        match (&s.mapping, s.skipped) {
            (_, true) => println!(
                "{}",
                lang.pick(
                    &format!("工作表「{}」：跳过（空白）", s.name),
                    &format!("sheet \"{}\": skipped (blank)", s.name)
                )
            ),
            (Some(m), _) => println!(
                "{}",
                match lang {
                    Lang::Zh => format!("工作表「{}」：表头在第{}行，读取{}行", s.name, m.header_row + 1, s.rows),
                    Lang::En =>
                        format!("sheet \"{}\": header on row {}, {} rows read", s.name, m.header_row + 1, s.rows),
                }
            ),
            (None, _) => {}
        }
    }
    let p = &pv.plan;
    println!(
        "{}",
        match lang {
            Lang::Zh => format!(
                "新增任务 {}，更新任务 {}，无变化 {}；新增单位 {}，新增责任领导 {}；问题 {}",
                p.created(),
                p.updated(),
                p.unchanged,
                p.new_units.len(),
                p.new_people.len(),
                p.problems.len()
            ),
            Lang::En => format!(
                "{} tasks to create, {} to update, {} unchanged; {} new units, {} new leaders; {} problems",
                p.created(),
                p.updated(),
                p.unchanged,
                p.new_units.len(),
                p.new_people.len(),
                p.problems.len()
            ),
        }
    );
    for problem in p.problems.iter().take(100) {
        let tag = if problem.is_error() { lang.pick("错误", "error") } else { lang.pick("提示", "warning") };
        println!("  [{tag}] {}", problem.message(lang));
    }
    if p.problems.len() > 100 {
        println!("  … {}", p.problems.len() - 100);
    }
}

pub async fn run(store: Arc<dyn Store>, args: ImportArgs) -> anyhow::Result<()> {
    let lang = Lang::from_accept_language(&args.lang);
    let bytes = std::fs::read(&args.file).map_err(|e| anyhow!("{}: {e}", args.file.display()))?;
    let sheets = read::workbook(&bytes).map_err(|e| anyhow!(e.message(lang)))?;
    let today = crate::http::today();
    let mut options = Options { year: args.year, ..Default::default() };
    if let Some(kw) = &args.key_work {
        let found = store
            .list_key_works()
            .await?
            .into_iter()
            .find(|k| k.fields.name == *kw || k.id.to_string() == *kw)
            .ok_or_else(|| {
                anyhow!("{}", lang.pick(&format!("找不到重点工作“{kw}”"), &format!("no key work \"{kw}\"")))
            })?;
        options.choices.default_key_work = Some(found.id);
    }
    let mut pv = preview(store.as_ref(), &sheets, &options, today).await.map_err(|e| say(e, lang))?;
    if args.create_missing && (!pv.plan.unknown_units.is_empty() || !pv.plan.unknown_leaders.is_empty()) {
        options.choices.create_units = pv.plan.unknown_units.iter().map(|(n, _)| n.clone()).collect();
        options.choices.create_leaders = pv.plan.unknown_leaders.iter().map(|(n, _)| n.clone()).collect();
        pv = preview(store.as_ref(), &sheets, &options, today).await.map_err(|e| say(e, lang))?;
    }
    print_preview(&pv, lang);
    if args.dry_run {
        // What would change, task by task (fields by their stored names).
        for t in pv.plan.tasks.iter().take(200) {
            let what = if t.existing.is_some() { lang.pick("更新", "update") } else { lang.pick("新增", "create") };
            let fields: Vec<String> = t
                .changes
                .iter()
                .map(|c| {
                    format!("{}: {} → {}", c.field, c.old.as_deref().unwrap_or("—"), c.new.as_deref().unwrap_or("—"))
                })
                .collect();
            let m = &t.milestones;
            println!(
                "  {what} {} {} {} {} [{}] milestones +{} ~{} -{}{}",
                t.sheet,
                t.row + 1,
                t.fields.code,
                t.fields.title,
                fields.join("; "),
                m.create.len(),
                m.update.len(),
                m.delete.len(),
                t.progress.as_deref().map(|p| format!(" progress: {p}")).unwrap_or_default()
            );
        }
    }
    if !pv.can_commit() {
        bail!("{}", lang.pick("有错误，未写入任何内容", "there are errors: nothing was written"));
    }
    if args.dry_run {
        println!("{}", lang.pick("试运行：未写入", "dry run: nothing written"));
        return Ok(());
    }
    let periods = report_periods(store.as_ref(), &pv.plan, today).await.map_err(|e| say(e, lang))?;
    let progress = Arc::new(AtomicUsize::new(0));
    let total = pv.plan.work();
    let ticker = {
        let progress = progress.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                eprintln!("… {}/{total}", progress.load(Ordering::Relaxed));
            }
        })
    };
    let job = ImportJob { plan: &pv.plan, report_periods: &periods, progress: &progress };
    let result = store.import_ledger(&crate::storage::system_actor(), &job).await;
    ticker.abort();
    let out = result.map_err(|e| say(e.into(), lang))?;
    println!(
        "{}",
        match lang {
            Lang::Zh => format!(
                "已导入：新增任务 {}，更新任务 {}，时间节点新增 {} / 更新 {} / 删除 {}，进展 {} 条",
                out.tasks_created, out.tasks_updated, out.milestones_created, out.milestones_updated, out.milestones_deleted, out.reports_written
            ),
            Lang::En => format!(
                "imported: {} tasks created, {} updated; milestones {} created / {} updated / {} deleted; {} progress notes",
                out.tasks_created, out.tasks_updated, out.milestones_created, out.milestones_updated, out.milestones_deleted, out.reports_written
            ),
        }
    );
    Ok(())
}
