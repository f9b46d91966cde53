//! The files of the attack on the import (issue 11), read by the server's
//! own reader: each is refused with a message naming the limit and the
//! sheet or part, or read within its limits — and the memory the reading
//! took is measured with a counting allocator and bounded. Before the
//! limits each of these made the process allocate gigabytes until it
//! aborted (here: until the meter's ceiling refused, which aborts too).

mod common;

use common::workbooks::*;
use std::sync::Mutex;
use tuijin::sheets::import::read::{self, ReadError};
use tuijin::sheets::package::{self, Refusal};
use tuijin_domain::Lang;

#[global_allocator]
static METER: alloc_meter::Meter = alloc_meter::Meter::new();

/// One bomb at a time: the peak is the process's.
static ONE: Mutex<()> = Mutex::new(());

const MIB: usize = 1 << 20;

/// Runs `read` and returns what it gave and the most memory it held
/// beyond what was live before. Past 2 GiB the meter refuses (the old
/// reader asked for 4–105 GB on these files), which aborts the test.
fn measured<T>(read: impl FnOnce() -> T) -> (T, usize) {
    let _one = ONE.lock().unwrap_or_else(|e| e.into_inner());
    METER.set_ceiling(METER.live() + 2048 * MIB);
    let before = METER.live();
    METER.reset_peak();
    let out = read();
    let peak = METER.peak() - before;
    METER.set_ceiling(usize::MAX);
    println!("peak {} KiB", peak / 1024);
    (out, peak)
}

/// Reads a file made beforehand (making a bomb is not the reader's memory).
fn refused(bytes: &[u8]) -> (ReadError, usize) {
    let (got, peak) = measured(|| read::workbook(bytes));
    (got.expect_err("the file is refused"), peak)
}

#[test]
fn a_huge_shared_string_is_refused_before_it_is_read() {
    // 300 MB of one string in 3 MB (deflated fast; the attack's was 1.1 GB in 1 MB).
    let file = one_huge_shared_string(300 * MIB);
    assert!(file.len() < 4 * MIB, "{} bytes", file.len());
    let (e, peak) = refused(&file);
    assert!(
        matches!(&e, ReadError::Package(Refusal::RunTooLong { part, .. }) if part == "xl/sharedStrings.xml"),
        "{e:?}"
    );
    assert_eq!(
        e.message(Lang::Zh),
        "文件中的“xl/sharedStrings.xml”有一段文字超过256 KB，无法读取（一个单元格最多32767个字符）"
    );
    assert!(e.message(Lang::En).contains("\"xl/sharedStrings.xml\" in the file holds a text longer than 256 KB"));
    assert!(peak < 8 * MIB, "peak {peak} bytes");
}

#[test]
fn a_string_of_many_short_runs_is_refused_too() {
    // Rich text: calamine joins the runs of one <si> into one string.
    let (e, peak) = refused(&one_huge_rich_string(2_000));
    assert!(matches!(&e, ReadError::Package(Refusal::ElementTooLarge { element: "si", .. })), "{e:?}");
    assert!(peak < 8 * MIB, "peak {peak} bytes");
}

#[test]
fn a_value_in_column_xfd_is_refused_at_its_row() {
    // Each row padded out to XFD would be 16,384 cells: ~105 GB for the attack's million rows.
    let (e, peak) = refused(&one_cell_per_row(100_000, 16_383));
    assert!(matches!(&e, ReadError::TooWide { sheet, row: 1 } if sheet == "台账"), "{e:?}");
    assert_eq!(e.message(Lang::Zh), "工作表「台账」第1行有内容超出第200列，台账最多读取200列");
    assert_eq!(
        e.message(Lang::En),
        "sheet \"台账\": row 1 has content beyond column 200 (at most 200 columns are read)"
    );
    assert!(peak < 16 * MIB, "peak {peak} bytes");
}

#[test]
fn rows_padded_past_the_cells_kept_are_refused() {
    // A value in the 200th column of 25,000 rows: 5,000,000 cells once padded.
    let (e, peak) = refused(&one_cell_per_row(25_000, 199));
    assert!(matches!(&e, ReadError::TooManyCells { sheet } if sheet == "台账"), "{e:?}");
    assert!(
        e.message(Lang::Zh).contains("工作表「台账」：单元格（含各行末个值之前的空白）超过400万个"),
        "{}",
        e.message(Lang::Zh)
    );
    // 4,000,000 cells of 24 bytes, and the rows' spare capacity.
    assert!(peak < 160 * MIB, "peak {peak} bytes");
}

#[test]
fn one_long_string_named_by_every_cell_is_held_once() {
    // 32,000 characters (96 KB) in 100,000 cells: 9.6 GB as copies.
    let file = one_string_everywhere(32_000, 5_000, 20);
    let (sheets, peak) = measured(|| read::workbook(&file));
    let sheets = sheets.expect("within every limit");
    assert_eq!(sheets[0].rows.len(), 5_000);
    assert_eq!(sheets[0].cell(4_999, 19).text().chars().count(), 32_000);
    assert!(peak < 32 * MIB, "peak {peak} bytes");
}

#[test]
fn a_cell_longer_than_excel_allows_is_named() {
    let (e, _) = refused(&one_string_everywhere(40_000, 1, 1));
    assert_eq!(e.message(Lang::Zh), "工作表「台账」第1行 A列：单元格超过32767个字符（Excel 单元格的上限）");
}

#[test]
fn merged_ranges_over_everything_are_refused() {
    // 50,000 ranges each over all 20,000 rows: a billion rows to index and fill.
    let (e, peak) = refused(&merged_over_everything(20_000, 50_000, "A1:A20000"));
    assert!(matches!(&e, ReadError::TooManyMerges { sheet } if sheet == "台账"), "{e:?}");
    assert!(peak < 32 * MIB, "peak {peak} bytes");
}

#[test]
fn merged_ranges_far_out_are_clipped_away() {
    // Down column XFD (and below the last row): every row would be padded to 16,384 cells.
    let file = merged_over_everything(20_000, 10, "XFD1:XFD1048576");
    let (got, peak) = measured(|| read::workbook(&file));
    let sheets = got.expect("nothing of it is read");
    assert!(sheets[0].merges.is_empty());
    assert!(sheets[0].rows.iter().all(|r| r.len() == 1));
    assert!(peak < 32 * MIB, "peak {peak} bytes");
    // Across the columns read, down far below the rows: clipped to both.
    let (got, _) = measured(|| read::workbook(&merged_over_everything(3, 1, "A1:XFD1048576")));
    let m = got.unwrap()[0].merges[0];
    assert_eq!((m.last_row, m.last_col), (2, read::MAX_COLUMNS - 1));
}

#[test]
fn a_declared_count_of_strings_reserves_nothing() {
    // calamine reserves room for the declared count: 96 GB for four billion.
    let (e, peak) = refused(&declared_strings(4_000_000_000));
    assert!(matches!(&e, ReadError::Package(Refusal::NumberTooLarge { attribute: "uniqueCount", .. })), "{e:?}");
    assert!(peak < 8 * MIB, "peak {peak} bytes");
}

#[test]
fn a_docx_bomb_is_refused_by_the_same_guard() {
    let file = docx_with_one_huge_run(300 * MIB);
    let (got, peak) = measured(|| package::check(&file, &package::DOCX));
    assert_eq!(got, Err(Refusal::RunTooLong { part: "word/document.xml".into(), limit: 256 * 1024 }));
    assert!(peak < 8 * MIB, "peak {peak} bytes");
    let file = docx_with_many_paragraphs(2_100_000);
    let (got, _) = measured(|| package::check(&file, &package::DOCX));
    assert_eq!(got, Err(Refusal::TooManyElements { part: "word/document.xml".into(), limit: 2_000_000 }));
    assert!(package::check(&docx_with_many_paragraphs(1_000), &package::DOCX).is_ok());
}
