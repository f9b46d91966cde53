//! Fuzzing on stable Rust (cargo-fuzz needs nightly): one test per target
//! — `workbook_reader`, `chinese_dates`, `milestone_lines` — each feeding
//! structure-aware random inputs for `TUIJIN_FUZZ_SECONDS` seconds
//! (default 3, the short round of the normal test run) from a seeded RNG.
//! The seed is printed; `TUIJIN_FUZZ_SEED` replays it. `scripts/fuzz
//! TARGET SECONDS` runs a long round in release mode.
//!
//! Each input must not panic (a panic inside calamine, which the reader
//! catches and refuses the file for, is counted and allowed; one in our
//! own code is a failure), must give sane results (dates within the years
//! written or given, grids within the reader's limits), and must stay
//! within a memory bound measured by a counting global allocator. A
//! failing input is written under `target/fuzz-failures/` and the seed
//! printed; the reader's current input is written there before it runs,
//! as an input that exceeds the allocator's ceiling aborts the process,
//! and the heaviest input of a run is kept there too.

mod common;

use chrono::Datelike;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tuijin::sheets::import::read;
use tuijin_domain::extraction::dates::{self, DateText};
use tuijin_domain::extraction::{header, milestones, plan, rows, Field, Sheet};

#[global_allocator]
static METER: alloc_meter::Meter = alloc_meter::Meter::new();

const MIB: usize = 1 << 20;

/// One target at a time: the memory peak is the process's.
static ONE: Mutex<()> = Mutex::new(());

/// Panics seen while an input ran: (file, line, message).
static PANICS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

fn failures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../fuzz-failures")
}

fn settings(target: &str) -> (u64, Duration) {
    let seconds: f64 = std::env::var("TUIJIN_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(3.0);
    let seed = std::env::var("TUIJIN_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(rand::random);
    println!("fuzz {target}: seed {seed} (TUIJIN_FUZZ_SEED={seed} replays), {seconds} s");
    (seed, Duration::from_secs_f64(seconds))
}

/// Records every panic with where it happened, and prints one line for
/// it: the default report would symbolize a backtrace (with
/// RUST_BACKTRACE set), which costs the process hundreds of MB that the
/// meter would blame on the input.
fn watch_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(watch_panics_now);
}

fn watch_panics_now() {
    std::panic::set_hook(Box::new(move |info| {
        let at = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        if !in_calamine(&at) {
            eprintln!("panicked at {at}: {message}");
        }
        PANICS.lock().unwrap_or_else(|e| e.into_inner()).push((at, message));
    }));
}

/// A panic in calamine's own code: the reader catches it and refuses the file.
fn in_calamine(at: &str) -> bool {
    at.contains("/calamine-") || at.contains("/quick-xml-") || at.contains("/zip-")
}

/// Runs `target` on generated inputs until the time is up: each input is
/// checked, its peak memory bounded by `max_peak`, and any failure saved.
fn fuzz<I>(
    target: &str,
    max_peak: usize,
    mut generate: impl FnMut(&mut StdRng) -> I,
    bytes_of: impl Fn(&I) -> Vec<u8>,
    check: impl Fn(&I),
    save_first: bool,
) {
    let _one = ONE.lock().unwrap_or_else(|e| e.into_inner());
    let (seed, time) = settings(target);
    watch_panics();
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = failures_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let current = dir.join(format!("{target}-current"));
    let start = Instant::now();
    let (mut runs, mut tolerated, mut worst, mut slowest) = (0usize, 0usize, 0usize, Duration::ZERO);
    while start.elapsed() < time {
        // A generator that runs away aborts too, rather than the machine's memory.
        METER.set_ceiling(METER.live() + 2048 * MIB);
        let input = generate(&mut rng);
        if save_first {
            std::fs::write(&current, bytes_of(&input)).unwrap();
        }
        PANICS.lock().unwrap_or_else(|e| e.into_inner()).clear();
        let before = METER.live();
        METER.set_ceiling(before + 1024 * MIB);
        METER.reset_peak();
        let t = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| check(&input)));
        slowest = slowest.max(t.elapsed());
        let peak = METER.peak().saturating_sub(before);
        METER.set_ceiling(usize::MAX);
        runs += 1;
        if peak > worst {
            // The heaviest input so far, kept for a look at what costs memory.
            worst = peak;
            std::fs::write(dir.join(format!("{target}-heaviest")), bytes_of(&input)).unwrap();
        }
        let panics = std::mem::take(&mut *PANICS.lock().unwrap_or_else(|e| e.into_inner()));
        let ours: Vec<_> = panics.iter().filter(|(at, _)| !in_calamine(at)).collect();
        tolerated += panics.len() - ours.len();
        let failure = if outcome.is_err() || !ours.is_empty() {
            Some(format!("panicked: {ours:?}"))
        } else if peak > max_peak {
            Some(format!("peak memory {peak} bytes > {max_peak}"))
        } else {
            None
        };
        if let Some(why) = failure {
            let file = dir.join(format!("{target}-{seed}-{runs}"));
            std::fs::write(&file, bytes_of(&input)).unwrap();
            panic!("fuzz {target}: input {runs} of seed {seed} {why}; saved as {}", file.display());
        }
    }
    let _ = std::fs::remove_file(&current);
    println!(
        "fuzz {target}: {runs} inputs in {:.1} s, no failure; peak memory of an input at most {} KiB; slowest input {} ms; panics inside calamine caught and refused: {tolerated}",
        start.elapsed().as_secs_f64(),
        worst / 1024,
        slowest.as_millis()
    );
}

// ---- text: the Chinese date parser and the milestone lines ----

/// The tokens dates and milestones are written with, and some that are not.
const TOKENS: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "6",
    "9",
    "12",
    "30",
    "31",
    "2021",
    "2027",
    "9999",
    "0000",
    "１",
    "２",
    "０",
    "６",
    "一",
    "二",
    "三",
    "四",
    "五",
    "六",
    "七",
    "八",
    "九",
    "十",
    "十一",
    "十二",
    "年",
    "月",
    "日",
    "号",
    "底",
    "末",
    "初",
    "中",
    "前",
    "之前",
    "以前",
    "上旬",
    "中旬",
    "下旬",
    "季度",
    "第",
    "上半年",
    "下半年",
    "年底",
    "年末",
    "年内",
    "长期坚持",
    "持续推进",
    "长期",
    "：",
    ":",
    "；",
    ";",
    "、",
    "，",
    ",",
    "\n",
    "\r\n",
    " ",
    "\u{3000}",
    "\t",
    "-",
    "/",
    ".",
    "．",
    "（",
    "）",
    "(",
    ")",
    "①",
    "⑳",
    "【已完成】",
    "（计划值",
    "（计划值 7）",
    "完成",
    "土地征收",
    "2021-06-30",
    "2027-02-26 ",
    "6月30日前：",
    "三季度末",
    "。",
];

fn random_char(rng: &mut StdRng) -> char {
    loop {
        if let Some(c) = char::from_u32(rng.gen_range(0..0x11_0000)) {
            return c;
        }
    }
}

/// A text of tokens and random characters, sometimes long.
fn text(rng: &mut StdRng) -> String {
    let n = match rng.gen_range(0..100) {
        0..=69 => rng.gen_range(0..8),
        70..=94 => rng.gen_range(0..60),
        _ => rng.gen_range(0..3000),
    };
    let mut s = String::new();
    for _ in 0..n {
        match rng.gen_range(0..10) {
            0 => s.push(random_char(rng)),
            1 => s.push(rng.gen_range(' '..='~')),
            _ => s.push_str(TOKENS[rng.gen_range(0..TOKENS.len())]),
        }
    }
    s
}

fn year(rng: &mut StdRng) -> i32 {
    match rng.gen_range(0..10) {
        0 => [i32::MIN, i32::MAX, 0, -1, 262_143, -262_144, 9999][rng.gen_range(0..7)],
        1 => rng.gen(),
        _ => rng.gen_range(1990..=2100),
    }
}

/// A parsed date's year is the year given or one written (four digits).
fn sane_year(date: chrono::NaiveDate, year: i32) -> bool {
    date.year() == year || (0..=9999).contains(&date.year())
}

#[test]
fn chinese_dates() {
    fuzz(
        "chinese_dates",
        4 * MIB,
        |rng| (text(rng), year(rng)),
        |(t, y)| format!("{y}\n{t}").into_bytes(),
        |(t, y)| {
            if let Some(DateText::Date(d)) = dates::parse(t, *y) {
                assert!(sane_year(d, *y), "{t:?} in {y} read as {d}");
            }
            let squeezed = dates::squeeze(t);
            if let Some((d, used)) = dates::prefix(&squeezed, *y) {
                assert!(sane_year(d, *y), "{t:?} in {y} read as {d}");
                assert!(used <= squeezed.len() && squeezed.is_char_boundary(used), "{t:?}: {used}");
            }
            if let Some(named) = dates::year_in(t) {
                assert!((1990..=2100).contains(&named), "{t:?} names {named}");
            }
        },
        false,
    );
}

#[test]
fn milestone_lines() {
    fuzz(
        "milestone_lines",
        4 * MIB,
        |rng| (text(rng), year(rng)),
        |(t, y)| format!("{y}\n{t}").into_bytes(),
        |(t, y)| match milestones::parse(t, *y) {
            Ok(ms) => {
                let lines = t.split(['\n', '；', ';']).count();
                assert!(ms.len() <= lines, "{t:?}: {} milestones from {lines} lines", ms.len());
                for m in ms {
                    assert!(!m.title.trim().is_empty() && !m.title.contains('\n'), "{t:?}: {m:?}");
                    assert!(sane_year(m.planned_date, *y), "{t:?} in {y}: {m:?}");
                }
            }
            Err(line) => assert!(!line.is_empty() && t.contains(&line), "{t:?}: {line:?}"),
        },
        false,
    );
}

// ---- the workbook reader ----

/// A small workbook as Excel-like writers make it: typed values, dates,
/// merged ranges (some overlapping, some huge), several sheets.
fn written_workbook(rng: &mut StdRng) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for s in 0..rng.gen_range(1..=3) {
        let ws = wb.add_worksheet();
        let _ = ws.set_name(format!("表{s}"));
        let heads = [
            "序号",
            "工作任务",
            "责任领导",
            "责任单位",
            "配合单位",
            "时间节点",
            "完成时限",
            "计划投资（亿元）",
            "进度",
        ];
        let cols = rng.gen_range(1..=heads.len());
        for (c, h) in heads.iter().take(cols).enumerate() {
            let _ = ws.write_string(rng.gen_range(0..2), c as u16, *h);
        }
        for r in 1..rng.gen_range(2..30u32) {
            for c in 0..cols as u16 {
                let _ = match rng.gen_range(0..6) {
                    0 => ws.write_number(r, c, rng.gen_range(-1e6..1e8)),
                    1 => ws.write_number(r, c, f64::from(rng.gen_range(0..50_000))),
                    2 => ws.write_boolean(r, c, rng.gen()),
                    _ => ws.write_string(r, c, text(rng)),
                }
                .map(|_| ());
            }
        }
        // rust_xlsxwriter writes every cell of a merged range (huge ranges
        // are the hand-written workbooks'), and refusing an overlapping one
        // leaves it in a state that panics later: ranges in rows of their own.
        for k in 0..rng.gen_range(0..4u32) {
            let (r1, c1) = (k * 30 + rng.gen_range(0..5), rng.gen_range(0..12u16));
            let (r2, c2) = (r1 + rng.gen_range(0..20), c1 + rng.gen_range(0..4));
            let _ = ws.merge_range(r1, c1, r2, c2, "合并", &rust_xlsxwriter::Format::new());
        }
    }
    wb.save_to_buffer().unwrap_or_default()
}

/// A cell reference, sometimes far out or malformed.
fn reference(rng: &mut StdRng) -> String {
    match rng.gen_range(0..12) {
        0 => "XFD1048576".into(),
        1 => "ZZZZZZZZZZ1".into(),
        2 => "A99999999999".into(),
        3 => "A0".into(),
        4 => "1A".into(),
        5 => String::new(),
        6 => format!("{}{}", common::workbooks::column(rng.gen_range(150..250)), rng.gen_range(1..50)),
        _ => format!("{}{}", common::workbooks::column(rng.gen_range(0..12)), rng.gen_range(1..50)),
    }
}

/// One XML fragment of a sheet or its shared strings, as a writer might
/// — or might not — make it.
fn fragment(rng: &mut StdRng) -> String {
    let r = reference(rng);
    match rng.gen_range(0..16) {
        0 => format!(r#"<c r="{r}" t="s"><v>{}</v></c>"#, rng.gen_range(0..5)),
        1 => format!(r#"<c r="{r}" t="inlineStr"><is><t>{}</t></is></c>"#, xml_text(rng)),
        2 => format!(r#"<c r="{r}"><v>{}</v></c>"#, rng.gen_range(-1e9..1e9)),
        3 => format!(r#"<c r="{r}" t="d"><v>2021-06-{:02}T00:00:00</v></c>"#, rng.gen_range(0..40)),
        4 => format!(r#"<c r="{r}" t="e"><v>#REF!</v></c>"#),
        5 => format!(r#"<c r="{r}" t="b"><v>{}</v></c>"#, rng.gen_range(0..3)),
        6 => format!(r#"<row r="{}">"#, rng.gen_range(0..3_000_000_000u64)),
        7 => "</row>".into(),
        8 => format!(r#"<c r="{r}" s="{}"/>"#, rng.gen_range(0..99_999)),
        9 => "<a>".repeat(rng.gen_range(1..2000)),
        10 => format!(r#"<c r="{r}" t="inlineStr"><is>{}</is></c>"#, "<r><t>abc</t></r>".repeat(rng.gen_range(1..100))),
        11 => format!(r#"<c r="{r}" t="str"><f>SUM(A1:A9)</f><v>{}</v></c>"#, xml_text(rng)),
        12 => random_char(rng).to_string(),
        13 => "&amp;&lt;&#x10FFFF;&#0;&bogus;".into(),
        14 => format!(r#"<c r="{r}" t="inlineStr"><is><t>{}</t></is></c>"#, "长".repeat(rng.gen_range(0..40_000))),
        _ => format!(r#"<c r="{r}" t="s"><v>{}</v></c>"#, rng.gen::<u32>()),
    }
}

/// Text for XML, escaped.
fn xml_text(rng: &mut StdRng) -> String {
    text(rng).replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A workbook written by hand: rows of odd fragments, merged ranges over
/// odd places, shared strings declaring odd counts or holding long strings.
fn hand_workbook(rng: &mut StdRng) -> Vec<u8> {
    use common::workbooks::{repeated, shared_strings, text as part, workbook};
    let rows: Vec<String> = (0..rng.gen_range(0..40))
        .map(|i| {
            let cells: String = (0..rng.gen_range(0..8)).map(|_| fragment(rng)).collect();
            if rng.gen_bool(0.8) {
                format!(r#"<row r="{}">{cells}</row>"#, i + 1)
            } else {
                cells
            }
        })
        .collect();
    let merges: String = (0..rng.gen_range(0..6))
        .map(|_| format!(r#"<mergeCell ref="{}:{}"/>"#, reference(rng), reference(rng)))
        .collect();
    let after: &'static str = Box::leak(
        match rng.gen_range(0..4) {
            0 => String::new(),
            1 => format!("<mergeCells>{merges}</mergeCells>"),
            2 => format!(r#"<mergeCells count="99999999999">{merges}"#),
            _ => format!(r#"<dimension ref="A1:XFD1048576"/><mergeCells>{merges}</mergeCells>"#),
        }
        .into_boxed_str(),
    );
    let strings: Vec<String> = (0..rng.gen_range(0..6))
        .map(|_| match rng.gen_range(0..5) {
            0 => format!("<si><r><t>{}</t></r><r><t>{}</t></r></si>", xml_text(rng), xml_text(rng)),
            1 => "<si/>".into(),
            2 => format!("<si><t>{}</t></si>", "长".repeat(rng.gen_range(0..40_000))),
            _ => format!("<si><t>{}</t></si>", xml_text(rng)),
        })
        .collect();
    let unique: &'static str = Box::leak(
        match rng.gen_range(0..4) {
            0 => format!(r#"uniqueCount="{}""#, rng.gen::<u64>()),
            1 => r#"uniqueCount="-1""#.to_string(),
            _ => format!(r#"count="{0}" uniqueCount="{0}""#, strings.len()),
        }
        .into_boxed_str(),
    );
    let long = rng.gen_bool(0.05);
    workbook(
        repeated("", rows.len(), move |i, b| b.push_str(&rows[i]), ""),
        after,
        rng.gen_bool(0.8).then(|| {
            shared_strings(
                unique,
                if long {
                    repeated("<si><t>", 5_000, |_, b| b.push_str(&"a".repeat(64)), "</t></si>")
                } else {
                    part(strings.concat())
                },
            )
        }),
    )
}

/// Byte-level damage: flipped bytes, a truncation, a repeated slice.
fn mutate(rng: &mut StdRng, mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.is_empty() {
        return bytes;
    }
    for _ in 0..rng.gen_range(0..4) {
        match rng.gen_range(0..4) {
            0 => {
                let i = rng.gen_range(0..bytes.len());
                bytes[i] = rng.gen();
            }
            1 => {
                let cut = rng.gen_range(0..bytes.len());
                bytes.truncate(cut.max(1));
            }
            2 => {
                let (a, b) = (rng.gen_range(0..bytes.len()), rng.gen_range(0..bytes.len()));
                let (a, b) = (a.min(b), a.max(b).min(a + 256));
                let slice = bytes[a..b].to_vec();
                let at = rng.gen_range(0..bytes.len());
                bytes.splice(at..at, slice);
            }
            _ => {
                // A size field of a zip header: set to something odd.
                if let Some(at) = memchr_pk(&bytes, rng) {
                    let end = (at + 30).min(bytes.len());
                    for b in &mut bytes[at + 18..end.max(at + 18)] {
                        *b = rng.gen();
                    }
                }
            }
        }
    }
    bytes
}

/// Where a local or central zip header starts, chosen at random.
fn memchr_pk(bytes: &[u8], rng: &mut StdRng) -> Option<usize> {
    let found: Vec<usize> = bytes.windows(4).enumerate().filter(|(_, w)| w[..2] == *b"PK").map(|(i, _)| i).collect();
    (!found.is_empty()).then(|| found[rng.gen_range(0..found.len())]).filter(|at| at + 30 <= bytes.len())
}

/// What the server does with a read workbook before the preview's plan
/// against the ledger: headers found, rows read, the plan against an empty ledger.
fn extract(sheets: &[Sheet]) {
    let mut cells = 0;
    for sheet in sheets {
        for row in &sheet.rows {
            assert!(row.len() <= read::MAX_COLUMNS, "a row of {} cells", row.len());
            cells += row.len();
        }
        for m in &sheet.merges {
            assert!(m.first_row <= m.last_row && m.last_row < sheet.rows.len() && m.last_col < read::MAX_COLUMNS);
        }
        let Some(mapping) = header::detect(sheet) else { continue };
        let x = rows::extract(sheet, &mapping, 2021, None);
        let fields: std::sync::Arc<[Field]> = mapping.columns.iter().map(|c| c.unwrap_or(Field::Lamp)).collect();
        let headers: std::sync::Arc<[String]> = mapping.headers.clone().into();
        let located: Vec<plan::Located> = x.records.into_iter().map(|r| (r, fields.clone(), headers.clone())).collect();
        plan::plan(&located, &plan::Known::default(), &plan::Choices::default());
    }
    assert!(cells <= read::MAX_CELLS);
}

/// `TUIJIN_FUZZ_FILE=path cargo test --test fuzz one_workbook -- --nocapture`:
/// one saved input read again, with its outcome and peak memory.
#[test]
fn one_workbook() {
    let Ok(path) = std::env::var("TUIJIN_FUZZ_FILE") else { return };
    let bytes = std::fs::read(&path).unwrap();
    let _one = ONE.lock().unwrap_or_else(|e| e.into_inner());
    watch_panics();
    let before = METER.live();
    METER.reset_peak();
    let got = read::workbook(&bytes).map(|s| s.iter().map(|s| (s.name.clone(), s.rows.len())).collect::<Vec<_>>());
    println!("{path}: {got:?}; peak {} KiB", (METER.peak() - before) / 1024);
}

#[test]
fn workbook_reader() {
    // The most a read may hold: calamine's shared strings (twice: the
    // merged ranges are read beside the cells), the grid, the input. The
    // inputs here are small files, so far below the reader's limits; a
    // quarter of a GiB is the bound a runaway input would break at once.
    fuzz(
        "workbook_reader",
        256 * MIB,
        |rng| {
            let bytes = if rng.gen_bool(0.5) { written_workbook(rng) } else { hand_workbook(rng) };
            if rng.gen_bool(0.5) {
                mutate(rng, bytes)
            } else {
                bytes
            }
        },
        |b| b.clone(),
        |b| {
            if let Ok(sheets) = read::workbook(b) {
                extract(&sheets);
            }
        },
        true,
    );
}
