//! An .xlsx file's sheets as the pure extraction reads them: values and
//! merged ranges, from A1 (calamine's ranges start at the first used cell).

use calamine::{open_workbook_from_rs, DataRef, DataType, Reader, Xlsx};
use std::io::Cursor;
use tuijin_domain::extraction::{Cell, Merge, Sheet};

/// The most rows one import reads, over all sheets.
pub const MAX_ROWS: usize = 200_000;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Not a workbook at all (a renamed .xls, a Word file, a broken download).
    #[error("not an xlsx workbook: {0}")]
    NotXlsx(String),
    #[error("sheet {sheet}: {detail}")]
    Sheet { sheet: String, detail: String },
    #[error("more than {MAX_ROWS} rows")]
    TooLarge,
}

impl ReadError {
    pub fn message(&self, lang: tuijin_domain::Lang) -> String {
        match (self, lang) {
            (ReadError::NotXlsx(_), tuijin_domain::Lang::Zh) => {
                "文件无法读取：请上传 Excel 2007 及以上版本的 .xlsx 文件（旧版 .xls 请先另存为 .xlsx）".into()
            }
            (ReadError::NotXlsx(_), _) => {
                "the file cannot be read: upload an .xlsx workbook (save an old .xls as .xlsx first)".into()
            }
            (ReadError::Sheet { sheet, .. }, tuijin_domain::Lang::Zh) => format!("工作表「{sheet}」无法读取"),
            (ReadError::Sheet { sheet, .. }, _) => format!("sheet \"{sheet}\" cannot be read"),
            (ReadError::TooLarge, tuijin_domain::Lang::Zh) => format!("一次最多导入{MAX_ROWS}行，请分文件导入"),
            (ReadError::TooLarge, _) => format!("at most {MAX_ROWS} rows per import: split the file"),
        }
    }
}

fn cell(d: &DataRef<'_>) -> Cell {
    match d {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => Cell::of(s),
        DataRef::SharedString(s) => Cell::of(s),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(_) | DataRef::DateTimeIso(_) => match d.as_date() {
            Some(date) => Cell::Date(date),
            None => Cell::Text(d.as_string().unwrap_or_default()),
        },
        DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::Error(e) => Cell::Error(e.to_string()),
    }
}

fn open(bytes: &[u8]) -> Result<Xlsx<Cursor<&[u8]>>, ReadError> {
    open_workbook_from_rs(Cursor::new(bytes)).map_err(|e: calamine::XlsxError| ReadError::NotXlsx(e.to_string()))
}

/// Each sheet's merged ranges. calamine finds them by reading the whole
/// sheet's XML once more (they are written after the cells), so this runs
/// on a second core while the cells are read.
fn merges(bytes: &[u8], names: &[String]) -> Result<Vec<Result<Vec<Merge>, String>>, ReadError> {
    let mut wb = open(bytes)?;
    Ok(names
        .iter()
        .map(|name| {
            let found = wb.merge_cells_by_sheet_name(name).map_err(|e| e.to_string())?;
            Ok(found
                .into_iter()
                .map(|d| Merge {
                    first_row: d.start.0 as usize,
                    first_col: d.start.1 as usize,
                    last_row: d.end.0 as usize,
                    last_col: d.end.1 as usize,
                })
                .collect())
        })
        .collect())
}

/// Every sheet of the workbook, in order.
pub fn workbook(bytes: &[u8]) -> Result<Vec<Sheet>, ReadError> {
    let mut wb = open(bytes)?;
    let names = wb.sheet_names();
    std::thread::scope(|scope| {
        let merged = scope.spawn(|| merges(bytes, &names));
        let mut cells = Vec::with_capacity(names.len());
        let mut total = 0;
        for name in &names {
            cells.push(sheet_cells(&mut wb, name, &mut total)?);
        }
        let merged = merged.join().map_err(|_| ReadError::NotXlsx("merged cells".into()))??;
        let mut out = Vec::with_capacity(names.len());
        for ((name, rows), merges) in names.iter().zip(cells).zip(merged) {
            // A chart sheet: nothing to read.
            let Some(rows) = rows else {
                out.push(Sheet { name: name.clone(), rows: Vec::new(), merges: Vec::new() });
                continue;
            };
            let merges = merges.map_err(|detail| ReadError::Sheet { sheet: name.clone(), detail })?;
            let mut sheet = Sheet { name: name.clone(), rows, merges };
            sheet.fill_vertical_merges();
            out.push(sheet);
        }
        Ok(out)
    })
}

/// A sheet's cells from A1, read as calamine streams them (no dense copy
/// of the sheet first); `None` for a chart sheet. `total` counts the rows
/// of all sheets against [`MAX_ROWS`].
fn sheet_cells(
    wb: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    total: &mut usize,
) -> Result<Option<Vec<Vec<Cell>>>, ReadError> {
    let err = |e: calamine::XlsxError| ReadError::Sheet { sheet: name.to_string(), detail: e.to_string() };
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut reader = match wb.worksheet_cells_reader(name) {
        Ok(r) => r,
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(None),
        Err(e) => return Err(err(e)),
    };
    while let Some(c) = reader.next_cell().map_err(err)? {
        let value = cell(c.get_value());
        if value.is_empty() {
            continue;
        }
        let (r, col) = c.get_position();
        let (r, col) = (r as usize, col as usize);
        if rows.len() <= r {
            *total += r + 1 - rows.len();
            if *total > MAX_ROWS {
                return Err(ReadError::TooLarge);
            }
            rows.resize_with(r + 1, Vec::new);
        }
        let row = &mut rows[r];
        if row.len() <= col {
            row.resize(col + 1, Cell::Empty);
        }
        row[col] = value;
    }
    Ok(Some(rows))
}
