//! An .xlsx file's sheets as the pure extraction reads them: values and
//! merged ranges, from A1 (calamine's ranges start at the first used cell).
//!
//! An upload is hostile until read. The package is checked first
//! ([`crate::sheets::package`]: part sizes as they expand, the longest
//! string, the elements calamine collects), then the cells are read within
//! limits that refuse a file before its memory is spent: the columns
//! read, the cells kept (each row padded out to its last value), one
//! cell's text, all the text, and the merged ranges. Every refusal names
//! the limit and the sheet.

use crate::sheets::package::{self, Refusal};
use calamine::{open_workbook_from_rs, DataRef, DataType, Reader, Xlsx};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Cursor;
use std::mem::size_of;
use std::sync::Arc;
use tuijin_domain::extraction::grid::column_letter;
use tuijin_domain::extraction::{Cell, Merge, Sheet};
use tuijin_domain::Lang;

/// The most rows one import reads, over all sheets.
pub const MAX_ROWS: usize = 200_000;
/// The columns read: an office's ledger has a few dozen. A value beyond
/// is refused; empty (formatted) cells beyond are ignored, as real files
/// carry stray formatting far out.
pub const MAX_COLUMNS: usize = 200;
/// Cells kept, over all sheets, counting the empty ones a row is padded
/// with up to its last value: 200,000 rows of 20 columns.
pub const MAX_CELLS: usize = 4_000_000;
/// Characters in one cell: Excel's own limit.
pub const MAX_CELL_CHARS: usize = package::EXCEL_CELL_CHARS as usize;
/// Bytes of text kept, over all sheets (a shared string counted once):
/// four times what a 30 MB upload of Chinese text can hold.
pub const MAX_TEXT_BYTES: usize = 128 << 20;
/// Merged ranges kept, over all sheets: two per row of the largest import.
pub const MAX_MERGES: usize = 400_000;
/// The rows all merged ranges span together (after clipping to the rows
/// that exist): what indexing and filling the merges costs.
pub const MAX_MERGED_ROWS: usize = MAX_CELLS;
/// The memory a read workbook may take, from the limits above: the most a
/// pending import holds.
pub const MAX_GRID_BYTES: usize = MAX_CELLS * size_of::<Cell>()
    + MAX_ROWS * size_of::<Vec<Cell>>()
    + MAX_TEXT_BYTES
    + MAX_MERGES * size_of::<Merge>();

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Not a workbook at all (a renamed .xls, a Word file, a broken download).
    #[error("not an xlsx workbook: {0}")]
    NotXlsx(String),
    /// The package breaks a limit of [`package::XLSX`].
    #[error("{0}")]
    Package(Refusal),
    #[error("sheet {sheet}: {detail}")]
    Sheet { sheet: String, detail: String },
    #[error("more than {MAX_ROWS} rows")]
    TooLarge,
    /// `row` is 1-based, as the user sees it.
    #[error("sheet {sheet}: row {row} has a value beyond column {MAX_COLUMNS}")]
    TooWide { sheet: String, row: usize },
    #[error("sheet {sheet}: more than {MAX_CELLS} cells")]
    TooManyCells { sheet: String },
    #[error("sheet {sheet}: cell {column}{row} holds more than {MAX_CELL_CHARS} characters")]
    CellTooLong { sheet: String, row: usize, column: String },
    #[error("sheet {sheet}: more than {MAX_TEXT_BYTES} bytes of text")]
    TooMuchText { sheet: String },
    #[error("sheet {sheet}: more than {MAX_MERGES} merged ranges or {MAX_MERGED_ROWS} merged rows")]
    TooManyMerges { sheet: String },
    /// The workbook would take more memory than the reader was allowed.
    #[error("more than {limit} bytes once read")]
    TooMuchMemory { limit: usize },
}

/// "4000000" as people read it: "400万" / "4,000,000".
fn count_text(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh if n % 10_000 == 0 => format!("{}万", n / 10_000),
        _ => {
            let s = n.to_string();
            let mut out = String::new();
            for (i, c) in s.chars().enumerate() {
                if i > 0 && (s.len() - i) % 3 == 0 {
                    out.push(',');
                }
                out.push(c);
            }
            out
        }
    }
}

impl ReadError {
    pub fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let mb = |b: usize| package::size_text(b as u64);
        match self {
            ReadError::NotXlsx(_) if zh => {
                "文件无法读取：请上传 Excel 2007 及以上版本的 .xlsx 文件（旧版 .xls 请先另存为 .xlsx）".into()
            }
            ReadError::NotXlsx(_) => {
                "the file cannot be read: upload an .xlsx workbook (save an old .xls as .xlsx first)".into()
            }
            ReadError::Package(r) => r.message(lang),
            ReadError::Sheet { sheet, .. } if zh => format!("工作表「{sheet}」无法读取"),
            ReadError::Sheet { sheet, .. } => format!("sheet \"{sheet}\" cannot be read"),
            ReadError::TooLarge if zh => format!("一次最多导入{MAX_ROWS}行，请分文件导入"),
            ReadError::TooLarge => format!("at most {MAX_ROWS} rows per import: split the file"),
            ReadError::TooWide { sheet, row } if zh => {
                format!("工作表「{sheet}」第{row}行有内容超出第{MAX_COLUMNS}列，台账最多读取{MAX_COLUMNS}列")
            }
            ReadError::TooWide { sheet, row } => {
                format!("sheet \"{sheet}\": row {row} has content beyond column {MAX_COLUMNS} (at most {MAX_COLUMNS} columns are read)")
            }
            ReadError::TooManyCells { sheet } if zh => format!(
                "工作表「{sheet}」：单元格（含各行末个值之前的空白）超过{}个，一次最多读取{}个，请分文件导入",
                count_text(MAX_CELLS, lang),
                count_text(MAX_CELLS, lang)
            ),
            ReadError::TooManyCells { sheet } => format!(
                "sheet \"{sheet}\": more than {} cells (counting the blanks before each row's last value); split the file",
                count_text(MAX_CELLS, lang)
            ),
            ReadError::CellTooLong { sheet, row, column } if zh => {
                format!("工作表「{sheet}」第{row}行 {column}列：单元格超过{MAX_CELL_CHARS}个字符（Excel 单元格的上限）")
            }
            ReadError::CellTooLong { sheet, row, column } => format!(
                "sheet \"{sheet}\", row {row}, column {column}: the cell holds more than {MAX_CELL_CHARS} characters (Excel's own limit)"
            ),
            ReadError::TooMuchText { sheet } if zh => {
                format!("工作表「{sheet}」：文字总量超过{}，一次最多读取{}，请分文件导入", mb(MAX_TEXT_BYTES), mb(MAX_TEXT_BYTES))
            }
            ReadError::TooMuchText { sheet } => {
                format!("sheet \"{sheet}\": more than {} of text; split the file", mb(MAX_TEXT_BYTES))
            }
            ReadError::TooManyMerges { sheet } if zh => format!(
                "工作表「{sheet}」：合并单元格超过{}处，或合并区域共跨越超过{}行，无法读取",
                count_text(MAX_MERGES, lang),
                count_text(MAX_MERGED_ROWS, lang)
            ),
            ReadError::TooManyMerges { sheet } => format!(
                "sheet \"{sheet}\": more than {} merged ranges, or merged ranges spanning more than {} rows in all",
                count_text(MAX_MERGES, lang),
                count_text(MAX_MERGED_ROWS, lang)
            ),
            ReadError::TooMuchMemory { limit } if zh => {
                format!("文件读入后将占用超过{}内存，无法读取，请分文件导入", mb(*limit))
            }
            ReadError::TooMuchMemory { limit } => {
                format!("the file would take more than {} of memory once read; split the file", mb(*limit))
            }
        }
    }
}

/// A workbook read, with the memory its grids take.
#[derive(Debug, Clone)]
pub struct Workbook {
    pub sheets: Vec<Sheet>,
    /// Bytes held by the cells (as allocated), their text and the merges.
    pub bytes: usize,
}

/// Every sheet of the workbook, in order, within the limits above.
pub fn workbook(bytes: &[u8]) -> Result<Vec<Sheet>, ReadError> {
    workbook_within(bytes, MAX_GRID_BYTES).map(|w| w.sheets)
}

/// Every sheet of the workbook, refused once its grids would take more
/// than `max_bytes` (at most [`MAX_GRID_BYTES`] apply anyway).
pub fn workbook_within(bytes: &[u8], max_bytes: usize) -> Result<Workbook, ReadError> {
    package::check(bytes, &package::XLSX).map_err(|r| match r {
        Refusal::NotZip(detail) => ReadError::NotXlsx(detail),
        other => ReadError::Package(other),
    })?;
    // calamine parses a hostile file: a panic inside it (an overflowing
    // cell reference, say) is the file's fault, not the server's.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read(bytes, max_bytes.min(MAX_GRID_BYTES))))
        .unwrap_or_else(|_| {
            tracing::warn!("the workbook reader panicked: the file is refused");
            Err(ReadError::NotXlsx("the reader stopped on this file".into()))
        })
}

fn open(bytes: &[u8]) -> Result<Xlsx<Cursor<&[u8]>>, ReadError> {
    open_workbook_from_rs(Cursor::new(bytes)).map_err(|e: calamine::XlsxError| ReadError::NotXlsx(e.to_string()))
}

/// Each sheet's merged ranges. calamine finds them by reading the whole
/// sheet's XML once more (they are written after the cells), so this runs
/// on a second core while the cells are read. The package guard has
/// bounded how many a sheet may declare.
fn merges(bytes: &[u8], names: &[String]) -> Result<Vec<Result<Vec<Merge>, String>>, ReadError> {
    let mut wb = open(bytes)?;
    Ok(names
        .iter()
        .map(|name| {
            let found = wb.merge_cells_by_sheet_name(name).map_err(|e| e.to_string())?;
            Ok(found
                .into_iter()
                .map(|d| {
                    Merge {
                        first_row: d.start.0 as usize,
                        first_col: d.start.1 as usize,
                        last_row: d.end.0 as usize,
                        last_col: d.end.1 as usize,
                    }
                    .normalized()
                })
                .collect())
        })
        .collect())
}

fn read(bytes: &[u8], max_bytes: usize) -> Result<Workbook, ReadError> {
    let mut wb = open(bytes)?;
    let names = wb.sheet_names();
    std::thread::scope(|scope| {
        // A panic inside calamine on this thread refuses the file like one on the caller's.
        let merged = scope.spawn(|| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| merges(bytes, &names)))
                .unwrap_or_else(|_| Err(ReadError::NotXlsx("the reader stopped on this file".into())))
        });
        let mut tally = Tally { max_bytes, ..Tally::default() };
        let mut cells = Vec::with_capacity(names.len());
        for name in &names {
            cells.push(sheet_cells(&mut wb, name, &mut tally)?);
        }
        // calamine's shared strings are not needed any more.
        drop(wb);
        tally.shared = HashMap::default();
        let merged = merged.join().map_err(|_| ReadError::NotXlsx("merged cells".into()))??;
        let mut out = Vec::with_capacity(names.len());
        for ((name, rows), merges) in names.iter().zip(cells).zip(merged) {
            // A chart sheet: nothing to read.
            let Some(rows) = rows else {
                out.push(Sheet { name: name.clone(), rows: Vec::new(), merges: Vec::new() });
                continue;
            };
            let merges = merges.map_err(|detail| ReadError::Sheet { sheet: name.clone(), detail })?;
            let mut sheet = Sheet { name: name.clone(), rows, merges: Vec::new() };
            sheet.merges = tally.clip(name, merges, sheet.rows.len())?;
            let room = MAX_CELLS - tally.cells;
            tally.cells +=
                sheet.fill_vertical_merges(room).map_err(|_| ReadError::TooManyCells { sheet: name.clone() })?;
            tally.check_memory()?;
            out.push(sheet);
        }
        let bytes = grid_bytes(&out, tally.text);
        Ok(Workbook { sheets: out, bytes })
    })
}

/// The memory of read sheets as allocated (a row's capacity may exceed
/// its length), plus their text.
fn grid_bytes(sheets: &[Sheet], text: usize) -> usize {
    sheets
        .iter()
        .map(|s| {
            s.rows.capacity() * size_of::<Vec<Cell>>()
                + s.rows.iter().map(|r| r.capacity() * size_of::<Cell>()).sum::<usize>()
                + s.merges.capacity() * size_of::<Merge>()
                + s.name.len()
        })
        .sum::<usize>()
        + text
}

/// What the sheets read so far hold, against the limits, and the shared
/// strings already made cells of (each held once, however many cells of
/// whichever sheet name it).
#[derive(Default)]
struct Tally {
    shared: HashMap<usize, Arc<str>, BuildHasherDefault<Address>>,
    rows: usize,
    cells: usize,
    text: usize,
    merges: usize,
    merged_rows: usize,
    max_bytes: usize,
}

impl Tally {
    fn bytes(&self) -> usize {
        self.cells * size_of::<Cell>()
            + self.rows * size_of::<Vec<Cell>>()
            + self.text
            + self.merges * size_of::<Merge>()
    }

    fn check_memory(&self) -> Result<(), ReadError> {
        if self.bytes() > self.max_bytes {
            return Err(ReadError::TooMuchMemory { limit: self.max_bytes });
        }
        Ok(())
    }

    /// A sheet's merged ranges cut to what can matter: the columns read
    /// and the rows that exist. A range wholly outside is dropped.
    fn clip(&mut self, sheet: &str, merges: Vec<Merge>, rows: usize) -> Result<Vec<Merge>, ReadError> {
        let refused = || ReadError::TooManyMerges { sheet: sheet.to_string() };
        let mut out = Vec::new();
        for m in merges {
            if m.first_col >= MAX_COLUMNS || m.first_row >= rows {
                continue;
            }
            let m = Merge { last_col: m.last_col.min(MAX_COLUMNS - 1), last_row: m.last_row.min(rows - 1), ..m };
            self.merges += 1;
            self.merged_rows += m.last_row - m.first_row + 1;
            if self.merges > MAX_MERGES || self.merged_rows > MAX_MERGED_ROWS {
                return Err(refused());
            }
            out.push(m);
        }
        self.check_memory()?;
        Ok(out)
    }
}

/// Hashes a pointer as it is: shared strings are looked up by where
/// calamine keeps them, and addresses are already well spread.
#[derive(Default)]
struct Address(u64);

impl Hasher for Address {
    fn finish(&self) -> u64 {
        // Mix the bits a little: allocations share their low bits.
        self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = n as u64;
    }
}

/// A sheet being read, and what the workbook holds so far.
struct SheetReader<'t> {
    name: &'t str,
    tally: &'t mut Tally,
}

impl SheetReader<'_> {
    /// A text as a cell, its length checked and counted once.
    fn text(&mut self, s: &str, shared: bool, r: usize, c: usize) -> Result<Cell, ReadError> {
        if shared {
            if let Some(t) = self.tally.shared.get(&(s.as_ptr() as usize)) {
                return Ok(Cell::Text(t.clone()));
            }
        }
        if s.len() > MAX_CELL_CHARS && s.chars().count() > MAX_CELL_CHARS {
            return Err(ReadError::CellTooLong { sheet: self.name.to_string(), row: r + 1, column: column_letter(c) });
        }
        self.tally.text += s.len();
        if self.tally.text > MAX_TEXT_BYTES {
            return Err(ReadError::TooMuchText { sheet: self.name.to_string() });
        }
        // Control characters (Excel keeps them as _x0001_, calamine gives
        // them back) would be refused as typed text and break the Word
        // files made from the ledger: an office's file loses them quietly.
        let t: Arc<str> = Arc::from(tuijin_domain::patch::strip_controls(s).as_ref());
        if shared {
            self.tally.shared.insert(s.as_ptr() as usize, t.clone());
        }
        Ok(Cell::Text(t))
    }

    fn cell(&mut self, d: &DataRef<'_>, r: usize, c: usize) -> Result<Cell, ReadError> {
        Ok(match d {
            DataRef::Empty => Cell::Empty,
            DataRef::String(s) => self.text(s, false, r, c)?,
            DataRef::SharedString(s) => self.text(s, true, r, c)?,
            DataRef::Int(i) => Cell::Number(*i as f64),
            DataRef::Float(f) => Cell::Number(*f),
            DataRef::Bool(b) => Cell::Bool(*b),
            DataRef::DateTime(_) | DataRef::DateTimeIso(_) => match d.as_date() {
                Some(date) => Cell::Date(date),
                None => self.text(&d.as_string().unwrap_or_default(), false, r, c)?,
            },
            DataRef::DurationIso(s) => self.text(s, false, r, c)?,
            DataRef::Error(e) => Cell::Error(Arc::from(e.to_string())),
        })
    }
}

/// Whether a value is no value: empty, or only spaces.
fn blank(d: &DataRef<'_>) -> bool {
    match d {
        DataRef::Empty => true,
        DataRef::String(s) => s.trim().is_empty(),
        DataRef::SharedString(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// A sheet's cells from A1, read as calamine streams them (no dense copy
/// of the sheet first); `None` for a chart sheet. The tally counts rows,
/// cells and text over all sheets against the limits.
fn sheet_cells(
    wb: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    tally: &mut Tally,
) -> Result<Option<Vec<Vec<Cell>>>, ReadError> {
    let err = |e: calamine::XlsxError| ReadError::Sheet { sheet: name.to_string(), detail: e.to_string() };
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut reader = match wb.worksheet_cells_reader(name) {
        Ok(r) => r,
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(None),
        Err(e) => return Err(err(e)),
    };
    let mut sheet = SheetReader { name, tally };
    while let Some(c) = reader.next_cell().map_err(err)? {
        let d = c.get_value();
        if blank(d) {
            continue;
        }
        let (r, col) = c.get_position();
        let (r, col) = (r as usize, col as usize);
        if col >= MAX_COLUMNS {
            return Err(ReadError::TooWide { sheet: name.to_string(), row: r + 1 });
        }
        if rows.len() <= r {
            sheet.tally.rows += r + 1 - rows.len();
            if sheet.tally.rows > MAX_ROWS {
                return Err(ReadError::TooLarge);
            }
            rows.resize_with(r + 1, Vec::new);
        }
        let value = sheet.cell(d, r, col)?;
        let row = &mut rows[r];
        if row.len() <= col {
            sheet.tally.cells += col + 1 - row.len();
            if sheet.tally.cells > MAX_CELLS {
                return Err(ReadError::TooManyCells { sheet: name.to_string() });
            }
            row.resize(col + 1, Cell::Empty);
        }
        row[col] = value;
        sheet.tally.check_memory()?;
    }
    Ok(Some(rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_dropped_from_imported_text() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("台账").unwrap();
        ws.write_string(0, 0, "道路\u{1}有机\u{b}更新\r\n二期").unwrap();
        ws.write_string(1, 0, "道路\u{1}有机\u{b}更新\r\n二期").unwrap(); // shared, read once
        let bytes = wb.save_to_buffer().unwrap();
        let sheets = workbook(&bytes).unwrap();
        assert_eq!(sheets[0].rows[0][0], Cell::of("道路有机更新\n二期"));
        assert_eq!(sheets[0].rows[1][0], Cell::of("道路有机更新\n二期"));
    }
}
