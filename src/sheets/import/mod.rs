//! Bringing an office's Excel ledger in: read the workbook, preview what
//! it would create and change with every problem located, let the user
//! correct the column mapping and decide on unknown names, then write it
//! all in one transaction (in the background, with progress).

pub mod jobs;
pub mod read;

use crate::http::ApiError;
use crate::storage::{Store, TaskQuery, TaskSort};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::sync::Arc;
use tuijin_domain::extraction::dates::{reference_year, year_in};
use tuijin_domain::extraction::grid::MergeIndex;
use tuijin_domain::extraction::header::{detect, map_row};
use tuijin_domain::extraction::plan::{self, Choices, ExistingMilestone, ExistingTask, Known, Located, Plan};
use tuijin_domain::extraction::rows::{self, extract, extract_part, Extracted};
use tuijin_domain::extraction::{Field, ImportProblem, Issue, Mapping, Severity, Sheet};
use tuijin_domain::Id;

/// A user's correction of one sheet's reading.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SheetChoice {
    /// Leave the sheet out.
    pub skip: bool,
    /// The header row (0-based), when the guess was wrong.
    pub header_row: Option<usize>,
    /// Columns mapped by hand: (0-based column, field or none).
    pub columns: Vec<(usize, Option<Field>)>,
}

/// Everything the user chose in the preview.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The year of dates written without one; by default the one the
    /// workbook's title names, else this year.
    pub year: Option<i32>,
    pub choices: Choices,
    pub sheets: HashMap<String, SheetChoice>,
}

/// How a sheet was read.
#[derive(Debug, Clone)]
pub struct SheetReading {
    pub name: String,
    pub mapping: Option<Mapping>,
    pub rows: usize,
    pub skipped: bool,
}

/// What an import would do.
#[derive(Debug, Clone)]
pub struct Preview {
    pub sheets: Vec<SheetReading>,
    pub plan: Plan,
    pub year: i32,
    /// Records read, over all sheets.
    pub records: usize,
}

impl Preview {
    pub fn can_commit(&self) -> bool {
        self.plan.errors() == 0 && self.records > 0
    }
}

/// The year a workbook's title rows name, if any.
fn named_year(sheets: &[Sheet]) -> Option<i32> {
    sheets.iter().flat_map(|s| s.rows.iter().take(3)).flat_map(|r| r.iter()).find_map(|c| year_in(&c.text()))
}

/// Rows in a sheet from which its reading is split over two cores.
const ROWS_FOR_TWO_CORES: usize = 2_000;

/// A sheet's records: a large sheet read in two halves at once (the
/// reading is pure; the halves join to exactly the whole's reading).
fn read_rows(sheet: &Sheet, mapping: &Mapping, year: i32, key_work: Option<&str>) -> Extracted {
    if sheet.rows.len() < ROWS_FOR_TWO_CORES {
        return extract(sheet, mapping, year, key_work);
    }
    let merges = MergeIndex::new(sheet);
    let merges = &merges;
    let halves = rows::parts(sheet, merges, mapping, key_work, 2);
    let (first, rest) = halves.split_first().expect("at least one part");
    std::thread::scope(|scope| {
        let later: Vec<_> =
            rest.iter().map(|p| scope.spawn(move || extract_part(sheet, merges, mapping, year, p))).collect();
        let mut out = extract_part(sheet, merges, mapping, year, first);
        for part in later {
            out = out.then(part.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        out
    })
}

/// Reads every sheet with the user's corrections; no storage.
fn readings(
    sheets: &[Sheet],
    options: &Options,
    year: i32,
    key_work_names: &[(Id, String)],
) -> (Vec<SheetReading>, Vec<Located>, Vec<ImportProblem>) {
    let mut out = Vec::new();
    let mut records = Vec::new();
    let mut problems = Vec::new();
    for sheet in sheets {
        let choice = options.sheets.get(&sheet.name).cloned().unwrap_or_default();
        let blank = sheet.rows.iter().all(|r| r.iter().all(|c| c.is_empty()));
        if choice.skip || blank {
            out.push(SheetReading { name: sheet.name.clone(), mapping: None, rows: 0, skipped: true });
            continue;
        }
        let mapping = match choice.header_row {
            Some(r) => sheet.rows.get(r).map(|row| map_row(r, row)),
            None => detect(sheet),
        }
        .map(|m| m.corrected(&choice.columns));
        let Some(mapping) = mapping else {
            problems.push(ImportProblem {
                sheet: sheet.name.clone(),
                row: None,
                column: None,
                header: String::new(),
                severity: Severity::Error,
                issue: Issue::NoHeader,
            });
            out.push(SheetReading { name: sheet.name.clone(), mapping: None, rows: 0, skipped: false });
            continue;
        };
        // A sheet named after a key work holds that key work's tasks.
        let sheet_key_work =
            key_work_names.iter().find(|(_, n)| n.trim() == sheet.name.trim()).map(|(_, n)| n.as_str());
        let x = read_rows(sheet, &mapping, year, sheet_key_work);
        let fields: Arc<[Field]> = mapping.columns.iter().map(|c| c.unwrap_or(Field::Lamp)).collect();
        let headers: Arc<[String]> = mapping.headers.clone().into();
        out.push(SheetReading {
            name: sheet.name.clone(),
            mapping: Some(mapping.clone()),
            rows: x.records.len(),
            skipped: false,
        });
        problems.extend(x.problems);
        records.reserve(x.records.len());
        records.extend(x.records.into_iter().map(|r| (r, fields.clone(), headers.clone())));
    }
    (out, records, problems)
}

/// Runs CPU-bound work (reading and planning 50,000 rows takes a few tenths
/// of a second) without holding up the other requests of the runtime's
/// worker: on the server's multi-threaded runtime the worker hands its
/// other tasks on first. A single-threaded runtime (the CLI's, the tests')
/// just runs it.
fn off_the_runtime<T>(work: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(work),
        _ => work(),
    }
}

/// The tasks (with milestones and latest progress) of some key works.
async fn existing_tasks(store: &dyn Store, key_works: &[Id], today: NaiveDate) -> Result<Vec<ExistingTask>, ApiError> {
    let mut tasks = Vec::new();
    let mut milestones: HashMap<Id, Vec<ExistingMilestone>> = HashMap::new();
    for kw in key_works {
        let mut q = TaskQuery::new(today);
        q.key_work_id = Some(*kw);
        q.sort = TaskSort::Ledger;
        let (some, their_milestones) = store.ledger_rows(&q).await?;
        tasks.extend(some);
        for m in their_milestones {
            milestones.entry(m.task_id).or_default().push(ExistingMilestone {
                id: m.id,
                version: m.version,
                fields: m.fields,
            });
        }
    }
    let ids: Vec<Id> = tasks.iter().map(|t| t.id).collect();
    let mut progress: HashMap<Id, String> = store.latest_progress(&ids).await?.into_iter().collect();
    Ok(tasks
        .into_iter()
        .map(|t| ExistingTask {
            id: t.id,
            version: t.version,
            milestones: milestones.remove(&t.id).unwrap_or_default(),
            progress: progress.remove(&t.id),
            fields: t.fields,
        })
        .collect())
}

/// What importing `sheets` with `options` would do, against the ledger as it is now.
pub async fn preview(
    store: &dyn Store,
    sheets: &[Sheet],
    options: &Options,
    today: NaiveDate,
) -> Result<Preview, ApiError> {
    let year = options.year.unwrap_or_else(|| reference_year(named_year(sheets), today));
    let key_works: Vec<(Id, String)> =
        store.list_key_works().await?.into_iter().map(|k| (k.id, k.fields.name)).collect();
    let (readings, records, mut problems) = off_the_runtime(|| readings(sheets, options, year, &key_works));
    let concerned = plan::key_works_named(&records, &key_works, &options.choices);
    let known = Known {
        key_works,
        units: store.list_units().await?.into_iter().map(|u| (u.id, u.fields.name, u.fields.short_name)).collect(),
        people: store.list_people().await?.into_iter().map(|p| (p.id, p.fields.name, p.fields.title)).collect(),
        tasks: existing_tasks(store, &concerned, today).await?,
    };
    let mut plan = off_the_runtime(|| plan::plan(&records, &known, &options.choices));
    problems.append(&mut plan.problems);
    problems.sort_by(|a, b| (&a.sheet, a.row, a.column).cmp(&(&b.sheet, b.row, b.column)));
    plan.problems = problems;
    Ok(Preview { sheets: readings, records: records.len(), plan, year })
}

/// The reporting period that imported progress words are recorded in, per key work.
pub async fn report_periods(
    store: &dyn Store,
    plan: &Plan,
    today: NaiveDate,
) -> Result<HashMap<Id, NaiveDate>, ApiError> {
    let mut out = HashMap::new();
    for kw in store.list_key_works().await? {
        if plan.tasks.iter().any(|t| t.fields.key_work_id == kw.id && t.progress.is_some()) {
            out.insert(kw.id, crate::supervision::schedule_of(&kw).period_containing(today).start);
        }
    }
    Ok(out)
}
